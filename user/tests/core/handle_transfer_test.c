// Handles moving through channels: the sender loses them, the receiver gets the same object
// with the same rights, failed writes consume them, in-flight handles keep objects alive.
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

static zx_status_t read_one(zx_handle_t ch, zx_handle_t *out) {
    uint32_t nb = 0, nh = 0;
    char buf[8];
    return zx_channel_read(ch, 0, buf, out, sizeof(buf), 1, &nb, &nh);
}

TEST(HandleTransferTest, MovesHandle) {
    zx_handle_t a, b, ev, got = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_koid_t koid = handle_koid(ev);
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &ev, 1));
    EXPECT_FALSE(handle_valid(ev));
    ASSERT_OK(read_one(b, &got));
    EXPECT_TRUE(handle_valid(got));
    EXPECT_EQ(handle_koid(got), koid);
    EXPECT_EQ(handle_rights(got), ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(handle_count(got), 1);
    EXPECT_OK(zx_handle_close(got));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleTransferTest, KeepsReducedRights) {
    zx_handle_t a, b, ev, weak, got = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &weak, 1));
    ASSERT_OK(read_one(b, &got));
    EXPECT_EQ(handle_rights(got), ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
    EXPECT_STATUS(zx_object_signal(got, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(got));
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleTransferTest, WithoutTransferRight) {
    // ZX_ERR_ACCESS_DENIED; nothing is queued and, as for every failed zx_channel_write, the
    // handle is consumed ("All handles are discarded ... on success or failure").
    zx_handle_t a, b, ev, weak;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_channel_write(a, 0, "h", 1, &weak, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_FALSE(handle_valid(weak));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleTransferTest, BadHandleInArrayConsumesOthers) {
    zx_handle_t a, b, h[2];
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &h[0]));
    h[1] = BOGUS_HANDLE;
    EXPECT_STATUS(zx_channel_write(a, 0, "h", 1, h, 2), ZX_ERR_BAD_HANDLE);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_FALSE(handle_valid(h[0]));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleTransferTest, RepeatedHandleInArray) {
    // "ZX_ERR_BAD_HANDLE ... there are repeated handles among the handles".
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_t h[2] = {ev, ev};
    EXPECT_STATUS(zx_channel_write(a, 0, "h", 1, h, 2), ZX_ERR_BAD_HANDLE);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleTransferTest, ChannelOverItself) {
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_t h[2] = {ev, a};
    EXPECT_STATUS(zx_channel_write(a, 0, "h", 1, h, 2), ZX_ERR_NOT_SUPPORTED);
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_FALSE(handle_valid(a));
    // a is gone, so b sees PEER_CLOSED and no message.
    EXPECT_TRUE(signals_now(b) & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleTransferTest, ReceivedVmoSharesContent) {
    zx_handle_t a, b, vmo, got = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_write(vmo, "shared", 0, 7));
    zx_handle_t dup = dup_rights(vmo, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_NE(dup, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &dup, 1));
    ASSERT_OK(read_one(b, &got));
    char buf[7] = {0};
    EXPECT_OK(zx_vmo_read(got, buf, 0, 7));
    EXPECT_STREQ(buf, "shared");
    EXPECT_OK(zx_vmo_write(got, "S", 0, 1));
    EXPECT_OK(zx_vmo_read(vmo, buf, 0, 7));
    EXPECT_STREQ(buf, "Shared");
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){got, vmo, a, b}, 4));
}

TEST(HandleTransferTest, InFlightKeepsObjectAlive) {
    zx_handle_t a, b, c, d;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_create(0, &c, &d));
    // Send d through a; closing our view of everything but c keeps d's endpoint alive.
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &d, 1));
    EXPECT_FALSE(signals_now(c) & ZX_CHANNEL_PEER_CLOSED);
    zx_handle_t got = ZX_HANDLE_INVALID;
    ASSERT_OK(read_one(b, &got));
    EXPECT_OK(zx_channel_write(c, 0, "y", 1, NULL, 0));
    char ch = 0;
    uint32_t nb, nh;
    EXPECT_OK(zx_channel_read(got, 0, &ch, NULL, 1, 0, &nb, &nh));
    EXPECT_EQ(ch, 'y');
    EXPECT_OK(zx_handle_close(got));
    EXPECT_TRUE(signals_now(c) & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){a, b, c}, 3));
}

TEST(HandleTransferTest, ClosingChannelDestroysInFlightHandles) {
    zx_handle_t a, b, c, d;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_create(0, &c, &d));
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &d, 1));
    EXPECT_FALSE(signals_now(c) & ZX_CHANNEL_PEER_CLOSED);
    // Closing the reading end drops the unread message and the handle in it.
    EXPECT_OK(zx_handle_close(b));
    EXPECT_TRUE(signals_now(c) & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(c));
}

struct transfer_waiter {
    zx_handle_t ev;
    volatile int about_to_wait;
    zx_status_t status;
};

static void transfer_wait_fn(void *arg) {
    struct transfer_waiter *w = arg;
    zx_signals_t observed;
    __atomic_store_n(&w->about_to_wait, 1, __ATOMIC_RELEASE);
    w->status = zx_object_wait_one(w->ev, ZX_USER_SIGNAL_0, zx_deadline_after(ZX_SEC(5)),
                                   &observed);
}

TEST(HandleTransferTest, TransferCancelsWaitWhenRead) {
    // A wait through a handle outlives the write that puts the handle into a message (the
    // handle itself travels); reading it out of the channel ends the wait with ZX_ERR_CANCELED
    // (Zircon's HandleTransferTest.CancelsWait, ZX-103).
    zx_handle_t a, b, got = ZX_HANDLE_INVALID;
    struct transfer_waiter w = {.status = 1};
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &w.ev));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "xfer-waiter", transfer_wait_fn, &w));
    wait_until_blocked(&w.about_to_wait);
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &w.ev, 1));
    sleep_ms(2);
    EXPECT_EQ(w.status, 1);  // still blocked
    ASSERT_OK(read_one(b, &got));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(w.status, ZX_ERR_CANCELED);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){got, a, b}, 3));
}
