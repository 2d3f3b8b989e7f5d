// zx_handle_duplicate / zx_handle_replace: rights, koids, and what a failure leaves behind.
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

TEST(HandleDup, SameRights) {
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    EXPECT_NE(dup, ev);
    EXPECT_NE(dup, ZX_HANDLE_INVALID);
    EXPECT_EQ(handle_koid(dup), handle_koid(ev));
    EXPECT_EQ(handle_rights(dup), ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(handle_count(ev), 2);
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, ReducedRights) {
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT, &dup));
    EXPECT_EQ(handle_rights(dup), ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
    EXPECT_STATUS(zx_object_signal(dup, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));
    // The object is shared: the weak handle observes the signal.
    EXPECT_TRUE(signals_now(dup) & ZX_USER_SIGNAL_0);
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, NoRights) {
    // ZX_RIGHT_NONE (0) is a subset of every right set.
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_NONE, &dup));
    EXPECT_TRUE(handle_valid(dup));
    // ZX_INFO_HANDLE_BASIC needs no rights.
    EXPECT_EQ(handle_rights(dup), ZX_RIGHT_NONE);
    EXPECT_EQ(handle_koid(dup), handle_koid(ev));
    zx_signals_t observed;
    EXPECT_STATUS(zx_object_wait_one(dup, ZX_USER_SIGNAL_0, 0, &observed), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, MoreRightsFails) {
    zx_handle_t ev, weak, out = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_handle_duplicate(weak, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL,
                                      &out),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
    EXPECT_EQ(handle_count(ev), 2);  // no third handle appeared
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, WithoutDuplicateRight) {
    zx_handle_t ev, weak, out = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_handle_duplicate(weak, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_handle_duplicate(weak, ZX_RIGHT_WAIT, &out), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
    EXPECT_EQ(handle_count(ev), 2);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, BadHandles) {
    zx_handle_t out = ZX_HANDLE_INVALID, ev;
    EXPECT_STATUS(zx_handle_duplicate(BOGUS_HANDLE, ZX_RIGHT_SAME_RIGHTS, &out),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_handle_duplicate(ZX_HANDLE_INVALID, ZX_RIGHT_SAME_RIGHTS, &out),
                  ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_STATUS(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
}

TEST(HandleDup, BadOutPointer) {
    // "ZX_ERR_INVALID_ARGS ... out is an invalid pointer"; no handle may leak.
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, (zx_handle_t *)KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, (zx_handle_t *)UNMAPPED_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, DuplicateOutlivesOriginal) {
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    zx_koid_t koid = handle_koid(ev);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_object_signal(dup, 0, ZX_EVENT_SIGNALED));
    EXPECT_TRUE(signals_now(dup) & ZX_EVENT_SIGNALED);
    EXPECT_EQ(handle_koid(dup), koid);
    EXPECT_OK(zx_handle_close(dup));
}

TEST(HandleDup, ManyDuplicatesAreDistinct) {
    zx_handle_t ev, dups[16];
    ASSERT_OK(zx_event_create(0, &ev));
    for (int i = 0; i < 16; i++) {
        ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dups[i]));
        EXPECT_NE(dups[i], ev);
        for (int j = 0; j < i; j++)
            EXPECT_NE(dups[i], dups[j]);
    }
    EXPECT_EQ(handle_count(ev), 17);
    EXPECT_OK(zx_handle_close_many(dups, 16));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, ReplaceSameRights) {
    zx_handle_t ev, repl;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_koid_t koid = handle_koid(ev);
    ASSERT_OK(zx_handle_replace(ev, ZX_RIGHT_SAME_RIGHTS, &repl));
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_EQ(handle_koid(repl), koid);
    EXPECT_EQ(handle_rights(repl), ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(handle_count(repl), 1);
    EXPECT_OK(zx_handle_close(repl));
}

TEST(HandleDup, ReplaceReducedRights) {
    zx_handle_t ev, repl;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_replace(ev, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER, &repl));
    EXPECT_FALSE(handle_valid(ev));
    EXPECT_EQ(handle_rights(repl), ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
    EXPECT_STATUS(zx_object_signal(repl, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(repl));
}

TEST(HandleDup, ReplaceWithoutDuplicateRightWorks) {
    // zx_handle_replace needs no rights ("Rights: None").
    zx_handle_t ev, weak, repl;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_replace(weak, ZX_RIGHT_SAME_RIGHTS, &repl));
    EXPECT_FALSE(handle_valid(weak));
    EXPECT_EQ(handle_rights(repl), ZX_RIGHT_WAIT);
    EXPECT_OK(zx_handle_close(repl));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, ReplaceMoreRightsFailsAndInvalidates) {
    // "*handle* is always invalidated" -- also when the rights are not a subset.
    zx_handle_t ev, weak, repl = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_handle_replace(weak, ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL, &repl),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(repl, ZX_HANDLE_INVALID);
    EXPECT_FALSE(handle_valid(weak));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, ReplaceBadHandles) {
    zx_handle_t out = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_handle_replace(BOGUS_HANDLE, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_handle_replace(ZX_HANDLE_INVALID, ZX_RIGHT_SAME_RIGHTS, &out),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
}

TEST(HandleDup, ReplaceBadOutPointer) {
    // ZX_ERR_INVALID_ARGS ("out is an invalid pointer"), and the handle is gone ("always
    // invalidated"); the object must not leak a handle either.
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    EXPECT_STATUS(zx_handle_replace(dup, ZX_RIGHT_SAME_RIGHTS, (zx_handle_t *)KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_FALSE(handle_valid(dup));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleDup, ReplaceKeepsSignals) {
    zx_handle_t ev, repl;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_3));
    ASSERT_OK(zx_handle_replace(ev, ZX_RIGHT_SAME_RIGHTS, &repl));
    EXPECT_TRUE(signals_now(repl) & ZX_USER_SIGNAL_3);
    EXPECT_OK(zx_handle_close(repl));
}
