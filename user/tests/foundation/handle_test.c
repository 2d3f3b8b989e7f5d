// Handles: close, duplicate and replace with exact Zircon statuses and rights.
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "zctest.h"

#define BOGUS_HANDLE ((zx_handle_t)0x7ffffff3u)

TEST(Handle, CloseInvalid) {
    EXPECT_OK(zx_handle_close(ZX_HANDLE_INVALID));
    EXPECT_STATUS(zx_handle_close(BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_STATUS(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
}

TEST(Handle, BadHandleInCalls) {
    zx_signals_t observed;
    EXPECT_STATUS(zx_object_signal(BOGUS_HANDLE, 0, ZX_USER_SIGNAL_0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_wait_one(BOGUS_HANDLE, ZX_USER_SIGNAL_0, 0, &observed),
                  ZX_ERR_BAD_HANDLE);
    zx_handle_t out;
    EXPECT_STATUS(zx_handle_duplicate(BOGUS_HANDLE, ZX_RIGHT_SAME_RIGHTS, &out),
                  ZX_ERR_BAD_HANDLE);
    uint64_t size;
    EXPECT_STATUS(zx_vmo_get_size(BOGUS_HANDLE, &size), ZX_ERR_BAD_HANDLE);
}

TEST(Handle, WrongType) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    uint64_t size;
    EXPECT_STATUS(zx_vmo_get_size(ev, &size), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_channel_write(ev, 0, "x", 1, NULL, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(Handle, DuplicateShrinksRights) {
    zx_handle_t ev, same, weak, dup_only;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &same));
    EXPECT_NE(same, ev);
    EXPECT_OK(zx_object_signal(same, 0, ZX_USER_SIGNAL_0));

    // Without ZX_RIGHT_SIGNAL or ZX_RIGHT_DUPLICATE.
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER, &weak));
    EXPECT_STATUS(zx_object_signal(weak, 0, ZX_USER_SIGNAL_1), ZX_ERR_ACCESS_DENIED);
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(weak, ZX_USER_SIGNAL_0, 0, &observed));
    EXPECT_TRUE(observed & ZX_USER_SIGNAL_0);
    zx_handle_t out;
    EXPECT_STATUS(zx_handle_duplicate(weak, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_ACCESS_DENIED);

    // Asking for a right the handle does not have.
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT, &dup_only));
    EXPECT_STATUS(zx_handle_duplicate(dup_only, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT |
                                                    ZX_RIGHT_SIGNAL, &out),
                  ZX_ERR_INVALID_ARGS);

    EXPECT_OK(zx_handle_close(dup_only));
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(same));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(Handle, ReplaceInvalidatesOld) {
    zx_handle_t ev, repl;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_replace(ev, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER, &repl));
    EXPECT_STATUS(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_signal(repl, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    zx_handle_t same;
    ASSERT_OK(zx_handle_replace(repl, ZX_RIGHT_SAME_RIGHTS, &same));
    EXPECT_STATUS(zx_handle_close(repl), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(same));
}

TEST(Handle, BasicInfoRights) {
    zx_handle_t ev, weak;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_info_handle_basic_t info;
    ASSERT_OK(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rights, ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_EVENT);
    EXPECT_NE(info.koid, ZX_KOID_INVALID);
    zx_koid_t koid = info.koid;

    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT, &weak));
    ASSERT_OK(zx_object_get_info(weak, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rights, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
    EXPECT_EQ(info.koid, koid);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}
