// zx_system_get_event: memory-pressure events, only through the root job.
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

static const uint32_t kKinds[] = {
    ZX_SYSTEM_EVENT_OUT_OF_MEMORY,
    ZX_SYSTEM_EVENT_IMMINENT_OUT_OF_MEMORY,
    ZX_SYSTEM_EVENT_MEMORY_PRESSURE_CRITICAL,
    ZX_SYSTEM_EVENT_MEMORY_PRESSURE_WARNING,
    ZX_SYSTEM_EVENT_MEMORY_PRESSURE_NORMAL,
};
#define NUM_KINDS (sizeof(kKinds) / sizeof(kKinds[0]))

// Our default job is the root job (userboot hands it down).
TEST(SystemEvent, EveryKindFromRootJob) {
    for (size_t i = 0; i < NUM_KINDS; i++) {
        zx_handle_t ev = ZX_HANDLE_INVALID;
        EXPECT_OK(zx_system_get_event(zx_job_default(), kKinds[i], &ev));
        EXPECT_EQ(handle_type(ev), ZX_OBJ_TYPE_EVENT);
        zx_handle_close(ev);
    }
}

// "Exactly one of these events will assert ZX_EVENT_SIGNALED at a given time."
TEST(SystemEvent, ExactlyOneSignaled) {
    int signaled = 0;
    for (size_t i = 0; i < NUM_KINDS; i++) {
        zx_handle_t ev;
        ASSERT_OK(zx_system_get_event(zx_job_default(), kKinds[i], &ev));
        if (signals_now(ev) & ZX_EVENT_SIGNALED)
            signaled++;
        zx_handle_close(ev);
    }
    EXPECT_EQ(signaled, 1);
}

TEST(SystemEvent, SameObjectEachTime) {
    zx_handle_t a, b;
    ASSERT_OK(zx_system_get_event(zx_job_default(), ZX_SYSTEM_EVENT_OUT_OF_MEMORY, &a));
    ASSERT_OK(zx_system_get_event(zx_job_default(), ZX_SYSTEM_EVENT_OUT_OF_MEMORY, &b));
    EXPECT_EQ(handle_koid(a), handle_koid(b));
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SystemEvent, HandleCannotSignal) {
    zx_handle_t ev;
    ASSERT_OK(zx_system_get_event(zx_job_default(), ZX_SYSTEM_EVENT_MEMORY_PRESSURE_WARNING, &ev));
    EXPECT_EQ(handle_rights(ev) & ZX_RIGHT_SIGNAL, 0);
    EXPECT_STATUS(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ev);
}

// "ZX_ERR_ACCESS_DENIED ... root_job was not the root job of the system."
TEST(SystemEvent, ChildJobDenied) {
    zx_handle_t job, ev;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_STATUS(zx_system_get_event(job, ZX_SYSTEM_EVENT_OUT_OF_MEMORY, &ev),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_system_get_event(job, ZX_SYSTEM_EVENT_MEMORY_PRESSURE_NORMAL, &ev),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(job);
}

// "... the handle root_job did not have ZX_RIGHT_MANAGE_PROCESS rights for kind
// ZX_SYSTEM_EVENT_OUT_OF_MEMORY"
TEST(SystemEvent, OutOfMemoryNeedsManageProcess) {
    zx_handle_t weak =
        dup_rights(zx_job_default(), ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_MANAGE_PROCESS);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_handle_t ev;
    EXPECT_STATUS(zx_system_get_event(weak, ZX_SYSTEM_EVENT_OUT_OF_MEMORY, &ev),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
}

TEST(SystemEvent, ArgumentErrors) {
    zx_handle_t ev;
    EXPECT_STATUS(zx_system_get_event(zx_job_default(), 0, &ev), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_get_event(zx_job_default(), 77, &ev), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_get_event(zx_job_default(), ZX_SYSTEM_EVENT_OUT_OF_MEMORY, NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_get_event(zx_job_default(), ZX_SYSTEM_EVENT_OUT_OF_MEMORY, KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_get_event(BOGUS_HANDLE, ZX_SYSTEM_EVENT_OUT_OF_MEMORY, &ev),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_system_get_event(zx_process_self(), ZX_SYSTEM_EVENT_OUT_OF_MEMORY, &ev),
                  ZX_ERR_WRONG_TYPE);
}
