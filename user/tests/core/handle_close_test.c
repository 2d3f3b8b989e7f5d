// zx_handle_close / zx_handle_close_many: what closes, what stays, exact statuses.
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

TEST(HandleCloseTest, InvalidHandleIsOk) {
    // "It is not an error to close the special never-a-valid-handle ZX_HANDLE_INVALID".
    EXPECT_OK(zx_handle_close(ZX_HANDLE_INVALID));
}

TEST(HandleCloseTest, BogusHandle) {
    EXPECT_STATUS(zx_handle_close(BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
}

TEST(HandleCloseTest, CloseTwice) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_STATUS(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
}

TEST(HandleCloseTest, ClosedHandleIsInvalidEverywhere) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_TRUE(handle_valid(ev));
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_STATUS(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0), ZX_ERR_BAD_HANDLE);
    zx_handle_t dup;
    EXPECT_STATUS(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup), ZX_ERR_BAD_HANDLE);
    zx_signals_t observed;
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_USER_SIGNAL_0, 0, &observed), ZX_ERR_BAD_HANDLE);
}

TEST(HandleCloseTest, LastHandleSignalsPeerClosed) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_FALSE(signals_now(a) & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(b));
    EXPECT_TRUE(signals_now(a) & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
}

TEST(HandleCloseTest, ClosingOneOfTwoKeepsObject) {
    // (Channel handles lack ZX_RIGHT_DUPLICATE by default; event pairs have it.)
    zx_handle_t a, b, b2;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    ASSERT_OK(zx_handle_duplicate(b, ZX_RIGHT_SAME_RIGHTS, &b2));
    EXPECT_EQ(handle_count(b2), 2);
    EXPECT_OK(zx_handle_close(b));
    // The object is still alive through b2: no PEER_CLOSED, signals still flow.
    EXPECT_FALSE(signals_now(a) & ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_EQ(handle_count(b2), 1);
    EXPECT_OK(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0));
    EXPECT_TRUE(signals_now(b2) & ZX_USER_SIGNAL_0);
    EXPECT_OK(zx_handle_close(b2));
    EXPECT_TRUE(signals_now(a) & ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
}

TEST(HandleCloseTest, ManyEmpty) {
    EXPECT_OK(zx_handle_close_many(NULL, 0));
}

TEST(HandleCloseTest, ManyClosesAll) {
    zx_handle_t h[3];
    for (int i = 0; i < 3; i++)
        ASSERT_OK(zx_event_create(0, &h[i]));
    EXPECT_OK(zx_handle_close_many(h, 3));
    for (int i = 0; i < 3; i++)
        EXPECT_FALSE(handle_valid(h[i]));
}

TEST(HandleCloseTest, ManyIgnoresInvalidEntries) {
    zx_handle_t h[3] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID, ZX_HANDLE_INVALID};
    ASSERT_OK(zx_event_create(0, &h[1]));
    EXPECT_OK(zx_handle_close_many(h, 3));
    EXPECT_FALSE(handle_valid(h[1]));
}

TEST(HandleCloseTest, ManyDuplicateEntry) {
    // "closes all handles presented to it, even if one or more of the handles is duplicate";
    // the status is ZX_ERR_BAD_HANDLE ("the same handle is present multiple times").
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_t h[2] = {ev, ev};
    EXPECT_STATUS(zx_handle_close_many(h, 2), ZX_ERR_BAD_HANDLE);
    EXPECT_FALSE(handle_valid(ev));
}

TEST(HandleCloseTest, ManyBogusEntryStillClosesOthers) {
    zx_handle_t h[3];
    ASSERT_OK(zx_event_create(0, &h[0]));
    h[1] = BOGUS_HANDLE;
    ASSERT_OK(zx_event_create(0, &h[2]));
    EXPECT_STATUS(zx_handle_close_many(h, 3), ZX_ERR_BAD_HANDLE);
    EXPECT_FALSE(handle_valid(h[0]));
    EXPECT_FALSE(handle_valid(h[2]));
}

TEST(HandleCloseTest, ManyBadArrayPointer) {
    // Not in the errors list of zx_handle_close_many; we rely on the general rule that a bad
    // user pointer is ZX_ERR_INVALID_ARGS. Nothing may be closed.
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_handle_close_many((const zx_handle_t *)KERNEL_PTR, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_close_many((const zx_handle_t *)UNMAPPED_PTR, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(handle_valid(ev));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleCloseTest, CloseVmoKeepsMapping) {
    // "The mapping retains a reference to the underlying virtual memory object".
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          PAGE, &addr));
    EXPECT_OK(zx_handle_close(vmo));
    volatile uint32_t *p = (volatile uint32_t *)addr;
    p[1] = 0xfeedu;
    EXPECT_EQ(p[1], 0xfeedu);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
}
