// zx_object_get_child: processes from jobs, threads from processes, rights and errors.
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_object_get_child)

TEST(ObjectChildTest, ThreadFromProcess) {
    zx_koid_t koid = handle_koid(zx_thread_self());
    zx_handle_t t = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_object_get_child(zx_process_self(), koid, ZX_RIGHT_SAME_RIGHTS, &t));
    EXPECT_EQ(handle_koid(t), koid);
    EXPECT_EQ(handle_type(t), ZX_OBJ_TYPE_THREAD);
    // "ZX_RIGHT_SAME_RIGHTS ... will result in rights equivalent to those on the handle".
    EXPECT_EQ(handle_rights(t), handle_rights(zx_process_self()));
    EXPECT_OK(zx_handle_close(t));
}

TEST(ObjectChildTest, ProcessFromJob) {
    zx_handle_t job = zx_job_default();
    ASSERT_NE(job, ZX_HANDLE_INVALID);
    zx_handle_t proc, vmar, got = ZX_HANDLE_INVALID;
    static const char name[] = "child-lookup";
    ASSERT_OK(zx_process_create(job, name, sizeof(name) - 1, 0, &proc, &vmar));
    ASSERT_OK(zx_object_get_child(job, handle_koid(proc), ZX_RIGHT_INSPECT, &got));
    EXPECT_EQ(handle_koid(got), handle_koid(proc));
    EXPECT_EQ(handle_type(got), ZX_OBJ_TYPE_PROCESS);
    EXPECT_EQ(handle_rights(got), ZX_RIGHT_INSPECT);
    EXPECT_OK(zx_handle_close(got));
    EXPECT_OK(zx_handle_close(vmar));
    EXPECT_OK(zx_handle_close(proc));
}

TEST(ObjectChildTest, OnlyImmediateChildren) {
    // A job holds processes, not their threads.
    zx_handle_t job = zx_job_default();
    ASSERT_NE(job, ZX_HANDLE_INVALID);
    zx_handle_t got = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_object_get_child(job, handle_koid(zx_thread_self()), ZX_RIGHT_SAME_RIGHTS,
                                      &got),
                  ZX_ERR_NOT_FOUND);
    EXPECT_EQ(got, ZX_HANDLE_INVALID);
}

TEST(ObjectChildTest, NotFound) {
    zx_handle_t ev, got = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_child(zx_process_self(), handle_koid(ev), ZX_RIGHT_SAME_RIGHTS,
                                      &got),
                  ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_object_get_child(zx_process_self(), ZX_KOID_INVALID, ZX_RIGHT_SAME_RIGHTS,
                                      &got),
                  ZX_ERR_NOT_FOUND);
    EXPECT_EQ(got, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(ev));
}

// Zircon checks ZX_RIGHT_ENUMERATE before the type (a generic lookup, then a switch on the type),
// and only job and process handles ever hold that right: any other object is refused for the
// missing right.
TEST(ObjectChildTest, WrongTypeLacksEnumerate) {
    zx_handle_t ev, got = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_child(ev, handle_koid(zx_thread_self()), ZX_RIGHT_SAME_RIGHTS,
                                      &got),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(got, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectChildTest, NeedsEnumerate) {
    zx_handle_t weak = dup_rights(zx_process_self(), ZX_RIGHT_INSPECT | ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_handle_t got = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_object_get_child(weak, handle_koid(zx_thread_self()), ZX_RIGHT_INSPECT, &got),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(got, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(weak));
}

TEST(ObjectChildTest, RightsBeyondParent) {
    // "ZX_ERR_ACCESS_DENIED ... rights specifies rights that are not present on handle".
    zx_handle_t weak = dup_rights(zx_process_self(), ZX_RIGHT_ENUMERATE | ZX_RIGHT_INSPECT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_handle_t got = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_object_get_child(weak, handle_koid(zx_thread_self()),
                                      ZX_RIGHT_INSPECT | ZX_RIGHT_WRITE, &got),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_get_child(weak, handle_koid(zx_thread_self()), ZX_RIGHT_INSPECT, &got));
    EXPECT_EQ(handle_rights(got), ZX_RIGHT_INSPECT);
    EXPECT_OK(zx_handle_close(got));
    EXPECT_OK(zx_handle_close(weak));
}

TEST(ObjectChildTest, BadHandleAndPointer) {
    zx_handle_t got = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_object_get_child(BOGUS_HANDLE, handle_koid(zx_thread_self()),
                                      ZX_RIGHT_SAME_RIGHTS, &got),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_get_child(zx_process_self(), handle_koid(zx_thread_self()),
                                      ZX_RIGHT_SAME_RIGHTS, (zx_handle_t *)KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_get_child(zx_process_self(), handle_koid(zx_thread_self()),
                                      ZX_RIGHT_SAME_RIGHTS, NULL),
                  ZX_ERR_INVALID_ARGS);
}

#endif  // ZX_SYS_object_get_child
