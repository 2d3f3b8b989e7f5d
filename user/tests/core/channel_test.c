// Channels: messages, limits, signals, errors, zx_channel_read_etc and zx_channel_call.
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

static uint8_t big[ZX_CHANNEL_MAX_MSG_BYTES + 1];
static uint8_t big_in[ZX_CHANNEL_MAX_MSG_BYTES + 1];

TEST(ChannelTest, CreateBasic) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_NE(a, b);
    EXPECT_EQ(handle_type(a), ZX_OBJ_TYPE_CHANNEL);
    EXPECT_EQ(handle_rights(a), ZX_DEFAULT_CHANNEL_RIGHTS);
    EXPECT_EQ(handle_rights(b), ZX_DEFAULT_CHANNEL_RIGHTS);
    EXPECT_EQ(signals_now(a), ZX_CHANNEL_WRITABLE);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, CreateBadArgs) {
    zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_channel_create(1, &a, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_create(0, NULL, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_create(0, &a, (zx_handle_t *)KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(a, ZX_HANDLE_INVALID);
}

TEST(ChannelTest, WriteReadBytes) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(a, 0, "hello", 5, NULL, 0));
    char buf[16] = {0};
    uint32_t nb = 0, nh = 9;
    ASSERT_OK(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb, &nh));
    EXPECT_EQ(nb, 5);
    EXPECT_EQ(nh, 0);
    EXPECT_STREQ(buf, "hello");
    // Both directions.
    ASSERT_OK(zx_channel_write(b, 0, "back", 4, NULL, 0));
    memset(buf, 0, sizeof(buf));
    ASSERT_OK(zx_channel_read(a, 0, buf, NULL, sizeof(buf), 0, &nb, &nh));
    EXPECT_STREQ(buf, "back");
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, EmptyMessage) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(a, 0, NULL, 0, NULL, 0));
    EXPECT_TRUE(signals_now(b) & ZX_CHANNEL_READABLE);
    uint32_t nb = 9, nh = 9;
    ASSERT_OK(zx_channel_read(b, 0, NULL, NULL, 0, 0, &nb, &nh));
    EXPECT_EQ(nb, 0);
    EXPECT_EQ(nh, 0);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, ReadEmptyShouldWait) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    char buf[4];
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb, &nh), ZX_ERR_SHOULD_WAIT);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, NullActualsAllowed) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(a, 0, "x", 1, NULL, 0));
    char c = 0;
    EXPECT_OK(zx_channel_read(b, 0, &c, NULL, 1, 0, NULL, NULL));
    EXPECT_EQ(c, 'x');
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

// The fast paths of write and read (small messages, up to 4 handles, no actuals): every
// case they do not take must still give the general path's result.
TEST(ChannelTest, FastPathEdges) {
    zx_handle_t a, b, ev, ev2;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    // Sizes around the reused small message: each read gets exactly what was written.
    static const uint32_t sizes[] = {64, 0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 64};
    uint8_t out[160], in[160];
    for (uint32_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        for (uint32_t j = 0; j < sizes[i]; j++) out[j] = (uint8_t)(i * 31 + j);
        memset(in, 0xa5, sizeof(in));
        ASSERT_OK(zx_channel_write(a, 0, out, sizes[i], NULL, 0));
        ASSERT_OK(zx_channel_read(b, 0, in, NULL, sizes[i], 0, NULL, NULL));
        EXPECT_EQ(memcmp(in, out, sizes[i]), 0);
        EXPECT_EQ(in[sizes[i]], 0xa5);  // nothing past the message
    }
    // Too small a buffer, without actuals: the message stays.
    ASSERT_OK(zx_channel_write(a, 0, out, 8, NULL, 0));
    EXPECT_STATUS(zx_channel_read(b, 0, in, NULL, 7, 0, NULL, NULL), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(zx_channel_read(b, 0, KERNEL_PTR, NULL, 8, 0, NULL, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_channel_read(b, 0, in, NULL, 8, 0, NULL, NULL));
    EXPECT_TRUE(channel_empty(b));
    // A handle listed twice: the second is no longer there, and the first is consumed.
    EXPECT_STATUS(zx_channel_write(a, 0, "x", 1, (zx_handle_t[]){ev, ev}, 2), ZX_ERR_BAD_HANDLE);
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_TRUE(channel_empty(b));
    // The channel's own handle cannot travel through it (every listed handle is consumed).
    zx_handle_t c, d;
    ASSERT_OK(zx_channel_create(0, &c, &d));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_channel_write(c, 0, "x", 1, (zx_handle_t[]){ev, c}, 2), ZX_ERR_NOT_SUPPORTED);
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_FALSE(handle_valid(c));
    EXPECT_TRUE(channel_empty(d));
    EXPECT_OK(zx_handle_close(d));
    // A handle without ZX_RIGHT_TRANSFER.
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_replace(ev, ZX_RIGHT_WAIT, &ev2));
    EXPECT_STATUS(zx_channel_write(a, 0, "x", 1, &ev2, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_FALSE(handle_valid(ev2));
    // Bad bytes with a handle: the handle is consumed all the same.
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_channel_write(a, 0, KERNEL_PTR, 4, &ev, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_TRUE(channel_empty(b));
    // Handles through both fast paths; a handle buffer too small keeps them in the message.
    zx_handle_t evs[4], got[4];
    for (int i = 0; i < 4; i++) ASSERT_OK(zx_event_create(0, &evs[i]));
    ASSERT_OK(zx_channel_write(a, 0, "four", 4, evs, 4));
    for (int i = 0; i < 4; i++) EXPECT_FALSE(handle_valid(evs[i]));
    EXPECT_STATUS(zx_channel_read(b, 0, in, got, 4, 3, NULL, NULL), ZX_ERR_BUFFER_TOO_SMALL);
    ASSERT_OK(zx_channel_read(b, 0, in, got, 4, 4, NULL, NULL));
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(handle_type(got[i]), ZX_OBJ_TYPE_EVENT);
        EXPECT_OK(zx_handle_close(got[i]));
    }
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

// The read fast path with actual_bytes/actual_handles, with a bad actuals pointer (the general
// path's status, the message kept), and receiving a handle at every fill level of the handle
// table, so one read finds no free slot (the table grows on the general path).
TEST(ChannelTest, FastPathActualsAndTableGrowth) {
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    uint8_t buf[16];
    uint32_t nb = 99, nh = 99;
    ASSERT_OK(zx_channel_write(a, 0, "abcdef", 6, NULL, 0));
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, (uint32_t *)KERNEL_PTR, &nh),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb, (uint32_t *)KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_FALSE(channel_empty(b));
    ASSERT_OK(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb, &nh));
    EXPECT_EQ(nb, 6u);
    EXPECT_EQ(nh, 0u);
    EXPECT_EQ(memcmp(buf, "abcdef", 6), 0);
    nb = nh = 99;
    ASSERT_OK(zx_channel_write(a, 0, "x", 1, NULL, 0));
    ASSERT_OK(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, NULL, &nh));
    EXPECT_EQ(nh, 0u);
    ASSERT_OK(zx_channel_write(a, 0, "xy", 2, NULL, 0));
    ASSERT_OK(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb, NULL));
    EXPECT_EQ(nb, 2u);
    enum { kHeld = 80 };
    zx_handle_t held[kHeld];
    for (int i = 0; i < kHeld; i++) {
        ASSERT_OK(zx_event_create(0, &held[i]));
        ASSERT_OK(zx_event_create(0, &ev));
        ASSERT_OK(zx_channel_write(a, 0, "h", 1, &ev, 1));
        zx_handle_t got = ZX_HANDLE_INVALID;
        nb = nh = 99;
        ASSERT_OK(zx_channel_read(b, 0, buf, &got, sizeof(buf), 1, &nb, &nh));
        EXPECT_EQ(nb, 1u);
        EXPECT_EQ(nh, 1u);
        EXPECT_NE(got, ev);  // the handle is new in the receiver's table
        EXPECT_EQ(handle_type(got), ZX_OBJ_TYPE_EVENT);
        EXPECT_FALSE(handle_valid(ev));
        EXPECT_OK(zx_object_signal(got, 0, ZX_USER_SIGNAL_0));
        EXPECT_OK(zx_handle_close(got));
    }
    for (int i = 0; i < kHeld; i++) EXPECT_OK(zx_handle_close(held[i]));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, MessagesKeepOrder) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    for (uint32_t i = 0; i < 50; i++)
        ASSERT_OK(zx_channel_write(a, 0, &i, sizeof(i), NULL, 0));
    for (uint32_t i = 0; i < 50; i++) {
        uint32_t v = 999, nb, nh;
        ASSERT_OK(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, &nb, &nh));
        EXPECT_EQ(v, i);
    }
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, BufferTooSmallKeepsMessage) {
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_channel_write(a, 0, "12345678", 8, &ev, 1));
    char buf[8];
    zx_handle_t h = ZX_HANDLE_INVALID;
    uint32_t nb = 0, nh = 0;
    // Too few bytes: the sizes needed are reported, the message stays queued.
    EXPECT_STATUS(zx_channel_read(b, 0, buf, &h, 4, 1, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(nb, 8);
    EXPECT_EQ(nh, 1);
    EXPECT_EQ(h, ZX_HANDLE_INVALID);
    // Too few handles.
    nb = nh = 0;
    EXPECT_STATUS(zx_channel_read(b, 0, buf, &h, 8, 0, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(nb, 8);
    EXPECT_EQ(nh, 1);
    EXPECT_TRUE(signals_now(b) & ZX_CHANNEL_READABLE);
    ASSERT_OK(zx_channel_read(b, 0, buf, &h, 8, 1, &nb, &nh));
    EXPECT_EQ(memcmp(buf, "12345678", 8), 0);
    EXPECT_TRUE(handle_valid(h));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){h, a, b}, 3));
}

TEST(ChannelTest, ReadMayDiscard) {
    // "If options has ZX_CHANNEL_READ_MAY_DISCARD set, then the message is discarded."
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(a, 0, "too long", 8, NULL, 0));
    ASSERT_OK(zx_channel_write(a, 0, "ok", 2, NULL, 0));
    char buf[4] = {0};
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, buf, NULL, 4, 0, &nb, &nh),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(nb, 8);
    ASSERT_OK(zx_channel_read(b, 0, buf, NULL, 4, 0, &nb, &nh));
    EXPECT_EQ(nb, 2);
    EXPECT_EQ(memcmp(buf, "ok", 2), 0);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, ReadMayDiscardClosesHandles) {
    zx_handle_t a, b, ev, dup;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &dup, 1));
    EXPECT_EQ(handle_count(ev), 2);
    uint32_t nb, nh;
    char c;
    EXPECT_STATUS(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, &c, NULL, 1, 0, &nb, &nh),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ev, a, b}, 3));
}

TEST(ChannelTest, MaxBytes) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 13);
    ASSERT_OK(zx_channel_write(a, 0, big, ZX_CHANNEL_MAX_MSG_BYTES, NULL, 0));
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_read(b, 0, big_in, NULL, sizeof(big_in), 0, &nb, &nh));
    EXPECT_EQ(nb, ZX_CHANNEL_MAX_MSG_BYTES);
    EXPECT_EQ(memcmp(big, big_in, ZX_CHANNEL_MAX_MSG_BYTES), 0);
    EXPECT_STATUS(zx_channel_write(a, 0, big, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

// A channel pair, an event and n duplicates of it.
static zx_status_t channel_and_event_copies(zx_handle_t *a, zx_handle_t *b, zx_handle_t *ev,
                                            zx_handle_t *h, size_t n) {
    zx_status_t st = zx_channel_create(0, a, b);
    if (st == ZX_OK)
        st = zx_event_create(0, ev);
    for (size_t i = 0; i < n && st == ZX_OK; i++)
        st = zx_handle_duplicate(*ev, ZX_RIGHT_SAME_RIGHTS, &h[i]);
    return st;
}

TEST(ChannelTest, MaxHandles) {
    zx_handle_t a, b, ev, h[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
    ASSERT_OK(channel_and_event_copies(&a, &b, &ev, h, ZX_CHANNEL_MAX_MSG_HANDLES + 1));
    ASSERT_OK(zx_channel_write(a, 0, NULL, 0, h, ZX_CHANNEL_MAX_MSG_HANDLES));
    zx_handle_t got[ZX_CHANNEL_MAX_MSG_HANDLES];
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_read(b, 0, NULL, got, 0, ZX_CHANNEL_MAX_MSG_HANDLES, &nb, &nh));
    EXPECT_EQ(nh, ZX_CHANNEL_MAX_MSG_HANDLES);
    for (size_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES; i++)
        EXPECT_EQ(handle_koid(got[i]), handle_koid(ev));
    EXPECT_OK(zx_handle_close_many(got, ZX_CHANNEL_MAX_MSG_HANDLES));
    // One more than the limit: ZX_ERR_OUT_OF_RANGE and nothing queued, and (as on every path
    // of zx_channel_write) the handles are consumed.
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &h[0]));
    for (size_t i = 1; i < ZX_CHANNEL_MAX_MSG_HANDLES + 1; i++)
        if (!handle_valid(h[i]))
            ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &h[i]));
    EXPECT_STATUS(zx_channel_write(a, 0, NULL, 0, h, ZX_CHANNEL_MAX_MSG_HANDLES + 1),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_TRUE(channel_empty(b));
    for (size_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES + 1; i++)
        EXPECT_FALSE(handle_valid(h[i]));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ev, a, b}, 3));
}

// zx_channel_call with too many handles also consumes them.
TEST(ChannelTest, CallTooManyHandlesConsumes) {
    zx_handle_t a, b, ev, h[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
    ASSERT_OK(channel_and_event_copies(&a, &b, &ev, h, ZX_CHANNEL_MAX_MSG_HANDLES + 1));
    uint8_t msg[8] = {0}, reply[8];
    zx_channel_call_args_t args = {.wr_bytes = msg, .wr_handles = h, .rd_bytes = reply,
                                   .wr_num_bytes = sizeof(msg),
                                   .wr_num_handles = ZX_CHANNEL_MAX_MSG_HANDLES + 1,
                                   .rd_num_bytes = sizeof(reply)};
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_call(a, 0, zx_deadline_after(ZX_MSEC(5)), &args, &nb, &nh),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_TRUE(channel_empty(b));
    for (size_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES + 1; i++)
        EXPECT_FALSE(handle_valid(h[i]));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ev, a, b}, 3));
}

TEST(ChannelTest, WriteBadPointers) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_STATUS(zx_channel_write(a, 0, NULL, 4, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write(a, 0, KERNEL_PTR, 4, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write(a, 0, UNMAPPED_PTR, 4, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write(a, 0, "x", 1, NULL, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write(a, 0, "x", 1, (const zx_handle_t *)KERNEL_PTR, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, ReadBadPointers) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(a, 0, "abcd", 4, NULL, 0));
    uint32_t nb, nh;
    char buf[4];
    EXPECT_STATUS(zx_channel_read(b, 0, KERNEL_PTR, NULL, 4, 0, &nb, &nh), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, 4, 0, (uint32_t *)KERNEL_PTR, &nh),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, WriteBadOptions) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_STATUS(zx_channel_write(a, 1u << 16, "x", 1, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(channel_empty(b));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, HandleErrors) {
    zx_handle_t a, b, ev, ro, wo;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    char c;
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_write(ev, 0, "x", 1, NULL, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_channel_read(ev, 0, &c, NULL, 1, 0, &nb, &nh), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_channel_write(BOGUS_HANDLE, 0, "x", 1, NULL, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_channel_read(ZX_HANDLE_INVALID, 0, &c, NULL, 1, 0, &nb, &nh),
                  ZX_ERR_BAD_HANDLE);
    // Channel handles cannot be duplicated by default; reduce rights by replacing.
    ASSERT_OK(zx_handle_replace(a, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WRITE, &ro));
    ASSERT_OK(zx_handle_replace(b, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_READ, &wo));
    EXPECT_STATUS(zx_channel_write(ro, 0, "x", 1, NULL, 0), ZX_ERR_ACCESS_DENIED);
    ASSERT_OK(zx_channel_write(wo, 0, "y", 1, NULL, 0));
    EXPECT_STATUS(zx_channel_read(wo, 0, &c, NULL, 1, 0, &nb, &nh), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_channel_read(ro, 0, &c, NULL, 1, 0, &nb, &nh));
    EXPECT_EQ(c, 'y');
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro, wo, ev}, 3));
}

TEST(ChannelTest, PeerClosed) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(a, 0, "last", 4, NULL, 0));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_EQ(signals_now(b), ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
    EXPECT_STATUS(zx_channel_write(b, 0, "x", 1, NULL, 0), ZX_ERR_PEER_CLOSED);
    // Queued messages are still read, then PEER_CLOSED.
    char buf[4];
    uint32_t nb, nh;
    EXPECT_OK(zx_channel_read(b, 0, buf, NULL, 4, 0, &nb, &nh));
    EXPECT_EQ(signals_now(b), ZX_CHANNEL_PEER_CLOSED);
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, 4, 0, &nb, &nh), ZX_ERR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, WriteToClosedPeerConsumesHandles) {
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_OK(zx_handle_close(b));
    EXPECT_STATUS(zx_channel_write(a, 0, "x", 1, &ev, 1), ZX_ERR_PEER_CLOSED);
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_OK(zx_handle_close(a));
}

TEST(ChannelTest, ReadableSignalFollowsQueue) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_FALSE(signals_now(b) & ZX_CHANNEL_READABLE);
    ASSERT_OK(zx_channel_write(a, 0, "1", 1, NULL, 0));
    ASSERT_OK(zx_channel_write(a, 0, "2", 1, NULL, 0));
    EXPECT_TRUE(signals_now(b) & ZX_CHANNEL_READABLE);
    EXPECT_FALSE(signals_now(a) & ZX_CHANNEL_READABLE);
    char c;
    uint32_t nb, nh;
    ASSERT_OK(zx_channel_read(b, 0, &c, NULL, 1, 0, &nb, &nh));
    EXPECT_TRUE(signals_now(b) & ZX_CHANNEL_READABLE);
    ASSERT_OK(zx_channel_read(b, 0, &c, NULL, 1, 0, &nb, &nh));
    EXPECT_FALSE(signals_now(b) & ZX_CHANNEL_READABLE);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(ChannelTest, SignalPeerUserSignals) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_OK(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_2));
    EXPECT_TRUE(signals_now(b) & ZX_USER_SIGNAL_2);
    EXPECT_FALSE(signals_now(a) & ZX_USER_SIGNAL_2);
    EXPECT_STATUS(zx_object_signal_peer(a, 0, ZX_CHANNEL_READABLE), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(b));
    EXPECT_STATUS(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_2), ZX_ERR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
}

struct reader {
    zx_handle_t ch;
    volatile int about_to_wait;
    zx_status_t status;
    char buf[8];
};

static void wait_and_read_fn(void *arg) {
    struct reader *r = arg;
    __atomic_store_n(&r->about_to_wait, 1, __ATOMIC_RELEASE);
    r->status = zx_object_wait_one(r->ch, ZX_CHANNEL_READABLE, zx_deadline_after(ZX_SEC(5)), NULL);
    if (r->status == ZX_OK) {
        uint32_t nb, nh;
        r->status = zx_channel_read(r->ch, 0, r->buf, NULL, sizeof(r->buf), 0, &nb, &nh);
    }
}

TEST(ChannelTest, WriteWakesBlockedReader) {
    zx_handle_t a;
    struct reader r = {.status = 1};
    ASSERT_OK(zx_channel_create(0, &a, &r.ch));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "reader", wait_and_read_fn, &r));
    wait_until_blocked(&r.about_to_wait);
    ASSERT_OK(zx_channel_write(a, 0, "wake", 5, NULL, 0));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(r.status);
    EXPECT_STREQ(r.buf, "wake");
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(r.ch));
}

#if defined(ZX_SYS_channel_read_etc)

TEST(ChannelTest, ReadEtcReportsTypeAndRights) {
    zx_handle_t a, b, ev, weak, vmo;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    weak = dup_rights(ev, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
    zx_handle_t out[2] = {weak, vmo};
    ASSERT_OK(zx_channel_write(a, 0, "etc", 3, out, 2));
    char buf[4];
    zx_handle_info_t info[2];
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_read_etc(b, 0, buf, info, sizeof(buf), 2, &nb, &nh));
    EXPECT_EQ(nb, 3);
    EXPECT_EQ(nh, 2);
    EXPECT_EQ(info[0].type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(info[0].rights, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
    EXPECT_EQ(handle_koid(info[0].handle), handle_koid(ev));
    EXPECT_EQ(info[1].type, ZX_OBJ_TYPE_VMO);
    EXPECT_EQ(info[1].rights, ZX_DEFAULT_VMO_RIGHTS);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){info[0].handle, info[1].handle, ev, a, b}, 5));
}

TEST(ChannelTest, ReadEtcBufferTooSmall) {
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_channel_write(a, 0, "x", 1, &ev, 1));
    char c;
    zx_handle_info_t info;
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_read_etc(b, 0, &c, &info, 1, 0, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(nh, 1);
    EXPECT_OK(zx_channel_read_etc(b, 0, &c, &info, 1, 1, &nb, &nh));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){info.handle, a, b}, 3));
}

#endif  // ZX_SYS_channel_read_etc

#if defined(ZX_SYS_channel_call)

struct server {
    zx_handle_t ch;
    int mode;  // what to do with a request, see serve_fn
    zx_txid_t seen_txid;
    zx_status_t status;
};

enum { SERVE_ECHO, SERVE_BIG_REPLY, SERVE_CLOSE, SERVE_NOISE_FIRST, SERVE_HANDLE };

// Reads one request and answers it per `mode`. The reply carries the request's txid, as a
// server that speaks to zx_channel_call must.
static void serve_fn(void *arg) {
    struct server *s = arg;
    uint8_t buf[64];
    zx_handle_t h = ZX_HANDLE_INVALID;
    uint32_t nb = 0, nh = 0;
    s->status = zx_object_wait_one(s->ch, ZX_CHANNEL_READABLE, zx_deadline_after(ZX_SEC(5)), NULL);
    if (s->status != ZX_OK)
        return;
    s->status = zx_channel_read(s->ch, 0, buf, &h, sizeof(buf), 1, &nb, &nh);
    if (s->status != ZX_OK || nb < sizeof(zx_txid_t))
        return;
    memcpy(&s->seen_txid, buf, sizeof(zx_txid_t));
    switch (s->mode) {
    case SERVE_CLOSE:
        zx_handle_close(h);
        s->status = zx_handle_close(s->ch);
        return;
    case SERVE_BIG_REPLY:
        memset(buf + 4, 'B', sizeof(buf) - 4);
        s->status = zx_channel_write(s->ch, 0, buf, sizeof(buf), NULL, 0);
        return;
    case SERVE_NOISE_FIRST: {
        uint8_t noise[8] = {0x34, 0x12, 0, 0, 'n', 'o', 'i', 's'};
        zx_channel_write(s->ch, 0, noise, sizeof(noise), NULL, 0);
        break;
    }
    case SERVE_HANDLE:
        // Send back the handle we received.
        memcpy(buf + 4, "hndl", 4);
        s->status = zx_channel_write(s->ch, 0, buf, 8, &h, 1);
        return;
    default:
        break;
    }
    zx_handle_close(h);
    memcpy(buf + 4, "pong", 4);
    s->status = zx_channel_write(s->ch, 0, buf, 8, NULL, 0);
}

static zx_status_t call(zx_handle_t ch, zx_time_t deadline, const char *payload, void *reply,
                        uint32_t reply_size, uint32_t *nb, uint32_t *nh) {
    uint8_t msg[8] = {0};
    memcpy(msg + 4, payload, 4);
    zx_channel_call_args_t args = {.wr_bytes = msg, .wr_num_bytes = sizeof(msg),
                                   .rd_bytes = reply, .rd_num_bytes = reply_size};
    return zx_channel_call(ch, 0, deadline, &args, nb, nh);
}

TEST(ChannelTest, CallWithServerThread) {
    struct server s = {.mode = SERVE_ECHO, .status = 1};
    zx_handle_t client;
    ASSERT_OK(zx_channel_create(0, &client, &s.ch));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "server", serve_fn, &s));
    uint8_t reply[16] = {0};
    uint32_t nb = 0, nh = 9;
    EXPECT_OK(call(client, zx_deadline_after(ZX_SEC(5)), "ping", reply, sizeof(reply), &nb, &nh));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(s.status);
    EXPECT_EQ(nb, 8);
    EXPECT_EQ(nh, 0);
    EXPECT_EQ(memcmp(reply + 4, "pong", 4), 0);
    // "The kernel generated txid will be between 0x80000000 and 0xFFFFFFFF".
    EXPECT_GE(s.seen_txid, 0x80000000u);
    zx_txid_t got;
    memcpy(&got, reply, sizeof(got));
    EXPECT_EQ(got, s.seen_txid);
    EXPECT_TRUE(channel_empty(client));
    EXPECT_OK(zx_handle_close(client));
    EXPECT_OK(zx_handle_close(s.ch));
}

TEST(ChannelTest, CallTimesOut) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    uint8_t reply[8];
    uint32_t nb, nh;
    zx_time_t deadline = zx_deadline_after(SHORT_WAIT);
    EXPECT_STATUS(call(client, deadline, "ping", reply, sizeof(reply), &nb, &nh),
                  ZX_ERR_TIMED_OUT);
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    EXPECT_STATUS(call(client, ZX_TIME_INFINITE_PAST, "ping", reply, sizeof(reply), &nb, &nh),
                  ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(client));
    EXPECT_OK(zx_handle_close(server));
}

TEST(ChannelTest, CallPeerClosedWhileWaiting) {
    struct server s = {.mode = SERVE_CLOSE, .status = 1};
    zx_handle_t client;
    ASSERT_OK(zx_channel_create(0, &client, &s.ch));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "server", serve_fn, &s));
    uint8_t reply[8];
    uint32_t nb, nh;
    EXPECT_STATUS(call(client, zx_deadline_after(ZX_SEC(5)), "ping", reply, sizeof(reply), &nb,
                       &nh),
                  ZX_ERR_PEER_CLOSED);
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(s.status);
    EXPECT_OK(zx_handle_close(client));
}

TEST(ChannelTest, CallPeerAlreadyClosed) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    EXPECT_OK(zx_handle_close(server));
    uint8_t reply[8];
    uint32_t nb, nh;
    EXPECT_STATUS(call(client, zx_deadline_after(ZX_SEC(1)), "ping", reply, sizeof(reply), &nb,
                       &nh),
                  ZX_ERR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(client));
}

TEST(ChannelTest, CallReplyTooBig) {
    // "Inbound messages that are too large to fit in rd_num_bytes and rd_num_handles are
    // discarded and ZX_ERR_BUFFER_TOO_SMALL is returned."
    struct server s = {.mode = SERVE_BIG_REPLY, .status = 1};
    zx_handle_t client;
    ASSERT_OK(zx_channel_create(0, &client, &s.ch));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "server", serve_fn, &s));
    uint8_t reply[8];
    uint32_t nb, nh;
    EXPECT_STATUS(call(client, zx_deadline_after(ZX_SEC(5)), "ping", reply, sizeof(reply), &nb,
                       &nh),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(core_thread_join(&t));
    EXPECT_TRUE(channel_empty(client));  // discarded, not queued
    EXPECT_OK(zx_handle_close(client));
    EXPECT_OK(zx_handle_close(s.ch));
}

TEST(ChannelTest, CallLeavesOtherMessagesQueued) {
    struct server s = {.mode = SERVE_NOISE_FIRST, .status = 1};
    zx_handle_t client;
    ASSERT_OK(zx_channel_create(0, &client, &s.ch));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "server", serve_fn, &s));
    uint8_t reply[16];
    uint32_t nb, nh;
    EXPECT_OK(call(client, zx_deadline_after(ZX_SEC(5)), "ping", reply, sizeof(reply), &nb, &nh));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_EQ(memcmp(reply + 4, "pong", 4), 0);
    // The message with a foreign txid went to the ordinary queue.
    uint8_t noise[8];
    ASSERT_OK(zx_channel_read(client, 0, noise, NULL, sizeof(noise), 0, &nb, &nh));
    EXPECT_EQ(memcmp(noise + 4, "nois", 4), 0);
    EXPECT_OK(zx_handle_close(client));
    EXPECT_OK(zx_handle_close(s.ch));
}

TEST(ChannelTest, CallCarriesHandles) {
    struct server s = {.mode = SERVE_HANDLE, .status = 1};
    zx_handle_t client, ev;
    ASSERT_OK(zx_channel_create(0, &client, &s.ch));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_koid_t koid = handle_koid(ev);
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "server", serve_fn, &s));
    uint8_t msg[8] = {0}, reply[8];
    zx_handle_t got = ZX_HANDLE_INVALID;
    zx_channel_call_args_t args = {.wr_bytes = msg, .wr_handles = &ev, .rd_bytes = reply,
                                   .rd_handles = &got, .wr_num_bytes = 8, .wr_num_handles = 1,
                                   .rd_num_bytes = 8, .rd_num_handles = 1};
    uint32_t nb = 0, nh = 0;
    EXPECT_OK(zx_channel_call(client, 0, zx_deadline_after(ZX_SEC(5)), &args, &nb, &nh));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_FALSE(handle_valid(ev));  // consumed by the call
    EXPECT_EQ(nh, 1);
    EXPECT_EQ(handle_koid(got), koid);
    EXPECT_OK(zx_handle_close(got));
    EXPECT_OK(zx_handle_close(client));
    EXPECT_OK(zx_handle_close(s.ch));
}

TEST(ChannelTest, CallBadArgs) {
    zx_handle_t client, server, ev;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    ASSERT_OK(zx_event_create(0, &ev));
    uint8_t msg[8] = {0}, reply[8];
    uint32_t nb, nh;
    // "ZX_ERR_INVALID_ARGS ... wr_num_bytes is less than four, or options is nonzero".
    zx_channel_call_args_t args = {.wr_bytes = msg, .wr_num_bytes = 3, .rd_bytes = reply,
                                   .rd_num_bytes = 8};
    EXPECT_STATUS(zx_channel_call(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh),
                  ZX_ERR_INVALID_ARGS);
    args.wr_num_bytes = 8;
    EXPECT_STATUS(zx_channel_call(client, 1, ZX_TIME_INFINITE, &args, &nb, &nh),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_call(client, 0, ZX_TIME_INFINITE, NULL, &nb, &nh),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(channel_empty(server));
    EXPECT_STATUS(zx_channel_call(ev, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_channel_call(BOGUS_HANDLE, 0, ZX_TIME_INFINITE, &args, &nb, &nh),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ev, client, server}, 3));
}

struct caller {
    zx_handle_t ch;
    volatile int about_to_wait;
    zx_status_t status;
};

static void call_forever_fn(void *arg) {
    struct caller *c = arg;
    uint8_t reply[8];
    uint32_t nb, nh;
    __atomic_store_n(&c->about_to_wait, 1, __ATOMIC_RELEASE);
    c->status = call(c->ch, ZX_TIME_INFINITE, "wait", reply, sizeof(reply), &nb, &nh);
}

TEST(ChannelTest, CallCanceledByClose) {
    // "ZX_ERR_CANCELED handle was closed while waiting for a reply".
    struct caller c = {.status = 1};
    zx_handle_t server;
    ASSERT_OK(zx_channel_create(0, &c.ch, &server));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "caller", call_forever_fn, &c));
    wait_until_blocked(&c.about_to_wait);
    EXPECT_OK(zx_handle_close(c.ch));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(c.status, ZX_ERR_CANCELED);
    EXPECT_OK(zx_handle_close(server));
}

#endif  // ZX_SYS_channel_call

// ---- the registers around a syscall (docs/abi.md) ----
// zx_channel_write and zx_channel_read take the kernel's direct entry (docs/performance.md),
// which keeps the argument registers in a frame of its own: whatever path a call takes there
// (the common case, one handle, or the general path for an error), every general register
// but rax, rcx and r11 comes back as the caller left it (the vDSO stub itself only copies rcx
// into r10). zc_regs_probe(r, fn) loads r[0..5] into rdi rsi rdx rcx r8 r9, r[6] and r[7] as
// the 7th and 8th arguments on the stack, r[8..13] into rbx rbp r12 r13 r14 r15, calls fn, and
// stores what it finds: rdi rsi rdx r10 r8 r9 in r[0..5], rbx .. r15 in r[8..13], rax in r[14].
void zc_regs_probe(uint64_t r[16], void *fn);
__asm__(".pushsection .text\n"
        ".globl zc_regs_probe\n"
        ".type zc_regs_probe, @function\n"
        "zc_regs_probe:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  push %rdi\n"
        "  mov %rsi, %rax\n"
        "  push 56(%rdi)\n  push 48(%rdi)\n"
        "  mov 64(%rdi), %rbx\n  mov 72(%rdi), %rbp\n  mov 80(%rdi), %r12\n"
        "  mov 88(%rdi), %r13\n  mov 96(%rdi), %r14\n  mov 104(%rdi), %r15\n"
        "  mov 8(%rdi), %rsi\n  mov 16(%rdi), %rdx\n  mov 24(%rdi), %rcx\n"
        "  mov 32(%rdi), %r8\n  mov 40(%rdi), %r9\n  mov (%rdi), %rdi\n"
        "  call *%rax\n"
        "  add $16, %rsp\n"
        "  xchg %rdi, (%rsp)\n"
        "  mov %rax, 112(%rdi)\n"
        "  mov %rsi, 8(%rdi)\n  mov %rdx, 16(%rdi)\n  mov %r10, 24(%rdi)\n"
        "  mov %r8, 32(%rdi)\n  mov %r9, 40(%rdi)\n"
        "  mov %rbx, 64(%rdi)\n  mov %rbp, 72(%rdi)\n  mov %r12, 80(%rdi)\n"
        "  mov %r13, 88(%rdi)\n  mov %r14, 96(%rdi)\n  mov %r15, 104(%rdi)\n"
        "  pop %rax\n  mov %rax, (%rdi)\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  ret\n"
        ".size zc_regs_probe, . - zc_regs_probe\n"
        ".popsection\n");

// Calls fn with these eight arguments and sentinels in the callee-saved registers; checks the
// registers after it and returns its status.
static zx_status_t call_and_check_regs(void *fn, const uint64_t args[8], const char *what) {
    uint64_t r[16] = {0};
    for (int i = 0; i < 8; i++) r[i] = args[i];
    for (int i = 8; i < 14; i++) r[i] = 0x5a5a000000000000ull | ((uint64_t)i << 32) | 0x1234567u;
    zc_regs_probe(r, fn);
    const char *names[6] = {"rdi", "rsi", "rdx", "r10 (rcx in)", "r8", "r9"};
    for (int i = 0; i < 6; i++) {
        if (r[i] != args[i]) {
            zctest_fail(__FILE__, __LINE__, "%s: %s came back %#lx, not %#lx", what, names[i], r[i], args[i]);
        }
    }
    const char *saved[6] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};
    for (int i = 8; i < 14; i++) {
        uint64_t want = 0x5a5a000000000000ull | ((uint64_t)i << 32) | 0x1234567u;
        if (r[i] != want) zctest_fail(__FILE__, __LINE__, "%s: %s came back %#lx", what, saved[i - 8], r[i]);
    }
    return (zx_status_t)r[14];
}

TEST(ChannelTest, DirectCallsKeepTheCallersRegisters) {
    zx_handle_t a, b, e;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &e));
    uint8_t msg[64], got[64];
    for (unsigned i = 0; i < sizeof(msg); i++) msg[i] = (uint8_t)(3 * i + 1);
    uint32_t nb = 0, nh = 0;
    zx_handle_t hs[1] = {e}, rh[1] = {0};
    uint64_t w0[8] = {a, 0, (uintptr_t)msg, sizeof(msg), 0, 0, 0, 0};
    EXPECT_OK(call_and_check_regs((void *)zx_channel_write, w0, "write, no handle"));
    uint64_t r0[8] = {b, 0, (uintptr_t)got, (uintptr_t)rh, sizeof(got), 0, (uintptr_t)&nb, (uintptr_t)&nh};
    EXPECT_OK(call_and_check_regs((void *)zx_channel_read, r0, "read, no handle"));
    EXPECT_EQ(nb, 64u);
    EXPECT_EQ(memcmp(got, msg, sizeof(msg)), 0);
    uint64_t w1[8] = {a, 0, (uintptr_t)msg, 8, (uintptr_t)hs, 1, 0, 0};
    EXPECT_OK(call_and_check_regs((void *)zx_channel_write, w1, "write, one handle"));
    uint64_t r1[8] = {b, 0, (uintptr_t)got, (uintptr_t)rh, sizeof(got), 1, (uintptr_t)&nb, (uintptr_t)&nh};
    EXPECT_OK(call_and_check_regs((void *)zx_channel_read, r1, "read, one handle"));
    EXPECT_EQ(nh, 1u);
    EXPECT_NE(rh[0], ZX_HANDLE_INVALID);
    // The general path, for errors: an empty queue, a bad handle, bad options.
    EXPECT_STATUS(call_and_check_regs((void *)zx_channel_read, r0, "read, empty"), ZX_ERR_SHOULD_WAIT);
    uint64_t bad[8] = {0x7fff0001, 0, (uintptr_t)msg, 8, 0, 0, 0, 0};
    EXPECT_STATUS(call_and_check_regs((void *)zx_channel_write, bad, "write, bad handle"), ZX_ERR_BAD_HANDLE);
    uint64_t opts[8] = {a, 0x40, (uintptr_t)msg, 8, 0, 0, 0, 0};
    EXPECT_STATUS(call_and_check_regs((void *)zx_channel_write, opts, "write, bad options"), ZX_ERR_INVALID_ARGS);
    zx_handle_close(rh[0]);
    zx_handle_close(a);
    zx_handle_close(b);
}
