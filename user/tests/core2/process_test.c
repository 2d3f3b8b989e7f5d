// Processes: zx_process_create, zx_process_start (arguments, registers, errors), exit and kill
// return codes, ZX_PROCESS_TERMINATED, ZX_INFO_PROCESS.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

static bool process_info(zx_handle_t proc, zx_info_process_t *info) {
    return zx_object_get_info(proc, ZX_INFO_PROCESS, info, sizeof(*info), NULL, NULL) == ZX_OK;
}

static size_t job_process_count(zx_handle_t job) {
    size_t avail = 0;
    zx_koid_t koids[16];
    if (zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof(koids), NULL, &avail) != ZX_OK)
        return SIZE_MAX;
    return avail;
}

// ---- create ----

TEST(ProcessTest, CreateReturnsProcessAndRootVmar) {
    zx_handle_t proc, vmar;
    ASSERT_OK(zx_process_create(zx_job_default(), "created", 7, 0, &proc, &vmar));
    EXPECT_EQ(handle_type(proc), ZX_OBJ_TYPE_PROCESS);
    EXPECT_EQ(handle_type(vmar), ZX_OBJ_TYPE_VMAR);
    EXPECT_EQ(handle_rights(proc), ZX_DEFAULT_PROCESS_RIGHTS);
    EXPECT_EQ(handle_related_koid(proc), handle_koid(zx_job_default()));
    char name[ZX_MAX_NAME_LEN];
    ASSERT_OK(zx_object_get_property(proc, ZX_PROP_NAME, name, sizeof(name)));
    EXPECT_STREQ(name, "created");
    zx_info_process_t info;
    ASSERT_TRUE(process_info(proc, &info));
    EXPECT_EQ(info.flags & (ZX_INFO_PROCESS_FLAG_STARTED | ZX_INFO_PROCESS_FLAG_EXITED), 0);
    EXPECT_EQ(signals_now(proc) & ZX_PROCESS_TERMINATED, 0);
    zx_handle_close(vmar);
    zx_handle_close(proc);
}

TEST(ProcessTest, CreateNameIsTruncated) {
    const char long_name[] = "a-process-name-that-is-longer-than-thirty-one-characters";
    zx_handle_t proc, vmar;
    ASSERT_OK(
        zx_process_create(zx_job_default(), long_name, sizeof(long_name) - 1, 0, &proc, &vmar));
    char name[ZX_MAX_NAME_LEN];
    ASSERT_OK(zx_object_get_property(proc, ZX_PROP_NAME, name, sizeof(name)));
    EXPECT_EQ(strlen(name), ZX_MAX_NAME_LEN - 1);
    EXPECT_EQ(memcmp(name, long_name, ZX_MAX_NAME_LEN - 1), 0);
    zx_handle_close(vmar);
    zx_handle_close(proc);
}

TEST(ProcessTest, CreateBadJobHandle) {
    zx_handle_t proc, vmar, ev;
    EXPECT_STATUS(zx_process_create(BOGUS_HANDLE, "p", 1, 0, &proc, &vmar), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_process_create(ev, "p", 1, 0, &proc, &vmar), ZX_ERR_WRONG_TYPE);
    zx_handle_close(ev);
    zx_handle_t weak =
        dup_rights(zx_job_default(), ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_MANAGE_PROCESS);
    EXPECT_STATUS(zx_process_create(weak, "p", 1, 0, &proc, &vmar), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
}

TEST(ProcessTest, CreateBadOptions) {
    zx_handle_t job, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_STATUS(zx_process_create(job, "p", 1, 0x80000000u, &proc, &vmar), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(job_process_count(job), 0);
    zx_handle_close(job);
}

TEST(ProcessTest, CreateBadPointers) {
    zx_handle_t job, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_STATUS(zx_process_create(job, KERNEL_PTR, 4, 0, &proc, &vmar), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_create(job, UNMAPPED_PTR, 4, 0, &proc, &vmar), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(job_process_count(job), 0);
    // A bad out pointer: the process must not be left behind in the job.
    EXPECT_STATUS(zx_process_create(job, "p", 1, 0, NULL, &vmar), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(job_process_count(job), 0);
    EXPECT_STATUS(zx_process_create(job, "p", 1, 0, &proc, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(job_process_count(job), 0);
    EXPECT_STATUS(zx_process_create(job, "p", 1, 0, UNMAPPED_PTR, &vmar), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(job_process_count(job), 0);
    zx_task_kill(job);
    zx_handle_close(job);
}

// ---- exit codes ----

TEST(ProcessTest, ExitCodeIsReturnCode) {
    int64_t rc = -1;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "exit", "42", &rc));
    EXPECT_EQ(rc, 42);
}

TEST(ProcessTest, ExitCodeZero) {
    int64_t rc = -1;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "exit", "0", &rc));
    EXPECT_EQ(rc, 0);
}

TEST(ProcessTest, NegativeExitCode) {
    int64_t rc = 0;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "exit", "-12345", &rc));
    EXPECT_EQ(rc, -12345);
}

TEST(ProcessTest, ExitFromSecondThread) {
    int64_t rc = 0;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "thread-exit", "77", &rc));
    EXPECT_EQ(rc, 77);
}

TEST(ProcessTest, InfoAfterExit) {
    zx_handle_t proc;
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, "exit", "9", ZX_HANDLE_INVALID, &proc));
    ASSERT_TRUE(wait_signals(proc, ZX_PROCESS_TERMINATED));
    zx_info_process_t info;
    ASSERT_TRUE(process_info(proc, &info));
    EXPECT_EQ(info.return_code, 9);
    EXPECT_EQ(info.flags & ZX_INFO_PROCESS_FLAG_STARTED, ZX_INFO_PROCESS_FLAG_STARTED);
    EXPECT_EQ(info.flags & ZX_INFO_PROCESS_FLAG_EXITED, ZX_INFO_PROCESS_FLAG_EXITED);
    EXPECT_GT(info.start_time, 0);
    zx_handle_close(proc);
}

// ---- kill ----

TEST(ProcessTest, KillRunningProcess) {
    zx_handle_t proc;
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, "sleep", NULL, ZX_HANDLE_INVALID, &proc));
    ASSERT_OK(zx_task_kill(proc));
    EXPECT_TRUE(wait_signals(proc, ZX_PROCESS_TERMINATED));
    zx_info_process_t info;
    ASSERT_TRUE(process_info(proc, &info));
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
    // Killing a dead process is fine.
    EXPECT_OK(zx_task_kill(proc));
    zx_handle_close(proc);
}

TEST(ProcessTest, KillSpinningMiniProcess) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    EXPECT_OK(zx_task_kill(m.proc));
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    // Its threads die with it.
    EXPECT_TRUE(wait_signals(m.thread, ZX_THREAD_TERMINATED));
    zx_info_process_t info;
    EXPECT_TRUE(process_info(m.proc, &info));
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
    mini_destroy(&m);
}

TEST(ProcessTest, KillNeedsDestroyRight) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    zx_handle_t weak = dup_rights(m.proc, ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_DESTROY);
    EXPECT_STATUS(zx_task_kill(weak), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(signals_now(m.proc) & ZX_PROCESS_TERMINATED, 0);
    zx_handle_close(weak);
    mini_destroy(&m);
}

// An event is no task ("ZX_ERR_WRONG_TYPE handle is not a task handle") and also lacks
// ZX_RIGHT_DESTROY ("ZX_ERR_ACCESS_DENIED"); no non-task object carries DESTROY, and zx_task_kill
// takes a handle of any type, so the rights check decides: ZX_ERR_ACCESS_DENIED.
TEST(ProcessTest, KillWrongType) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_task_kill(ev), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_task_kill(BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
    zx_handle_close(ev);
}

TEST(ProcessTest, KillUnstartedProcess) {
    zx_handle_t proc, vmar;
    ASSERT_OK(zx_process_create(zx_job_default(), "idle", 4, 0, &proc, &vmar));
    EXPECT_OK(zx_task_kill(proc));
    EXPECT_TRUE(wait_signals(proc, ZX_PROCESS_TERMINATED));
    zx_handle_close(vmar);
    zx_handle_close(proc);
}

// ---- start ----

TEST(ProcessTest, StartPassesArgumentsInRegisters) {
    struct mini m;
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, MINI_STORE_ARGS, sizeof(MINI_STORE_ARGS)));
    EXPECT_OK(mini_start(&m, ev, 0x1234abcdu));
    // arg1 moved into the child: our handle is gone.
    EXPECT_FALSE(handle_valid(ev));
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 8) != 0x1234abcdu && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    EXPECT_EQ(mini_read_u64(&m, 8), 0x1234abcdu);
    // rdi holds the child's value of the transferred handle.
    EXPECT_NE(mini_read_u64(&m, 0), 0);
    zx_info_process_t info;
    ASSERT_TRUE(process_info(m.proc, &info));
    EXPECT_EQ(info.flags & ZX_INFO_PROCESS_FLAG_STARTED, ZX_INFO_PROCESS_FLAG_STARTED);
    mini_destroy(&m);
}

TEST(ProcessTest, StartWithoutHandleGivesZero) {
    struct mini m;
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, MINI_STORE_ARGS, sizeof(MINI_STORE_ARGS)));
    EXPECT_OK(mini_start(&m, ZX_HANDLE_INVALID, 77));
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 8) != 77 && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    EXPECT_EQ(mini_read_u64(&m, 8), 77);
    EXPECT_EQ(mini_read_u64(&m, 0), 0);
    mini_destroy(&m);
}

// "All other registers are zero upon start."
TEST(ProcessTest, StartZeroesOtherRegisters) {
    struct mini m;
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, MINI_STORE_ARGS, sizeof(MINI_STORE_ARGS)));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 5));
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 8) != 5 && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    zx_handle_t token;
    ASSERT_OK(zx_task_suspend(m.thread, &token));
    EXPECT_TRUE(wait_signals(m.thread, ZX_THREAD_SUSPENDED));
    zx_thread_state_general_regs_t r;
    EXPECT_OK(zx_thread_read_state(m.thread, ZX_THREAD_STATE_GENERAL_REGS, &r, sizeof(r)));
    EXPECT_EQ(r.rsi, 5);
    EXPECT_EQ(r.rdi, 0);
    EXPECT_EQ(r.rsp, m.data_addr + PAGE / 2);
    EXPECT_EQ(r.rip, m.code_addr + sizeof(MINI_STORE_ARGS) - 2);  // at the final `jmp .`
    uint64_t others[] = {r.rax, r.rbx, r.rcx, r.rdx, r.rbp, r.r8, r.r9,
                         r.r10, r.r11, r.r12, r.r13, r.r14, r.r15};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        EXPECT_EQ(others[i], 0);
    zx_handle_close(token);
    mini_destroy(&m);
}

TEST(ProcessTest, StartTwiceIsBadState) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    zx_handle_t t2, ev;
    ASSERT_OK(zx_thread_create(m.proc, "second", 6, 0, &t2));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_process_start(m.proc, t2, m.code_addr, m.data_addr + 64, ev, 0),
                  ZX_ERR_BAD_STATE);
    // "If zx_process_start() returns an error, arg1 is closed rather than transferred."
    EXPECT_FALSE(handle_valid(ev));
    zx_handle_close(t2);
    mini_destroy(&m);
}

TEST(ProcessTest, StartExitedProcessIsBadState) {
    struct mini m;
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    zx_handle_t t2;
    ASSERT_OK(zx_thread_create(m.proc, "second", 6, 0, &t2));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    ASSERT_OK(zx_task_kill(m.proc));
    ASSERT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    EXPECT_STATUS(zx_process_start(m.proc, t2, m.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_BAD_STATE);
    // "ZX_ERR_BAD_STATE  *thread* is not ready to run or the process *thread* is part of is no
    // longer alive."
    EXPECT_STATUS(zx_thread_start(t2, m.code_addr, 0, 0, 0), ZX_ERR_BAD_STATE);
    zx_handle_close(t2);
    mini_destroy(&m);
}

TEST(ProcessTest, StartWithThreadOfAnotherProcess) {
    struct mini a, b;
    ASSERT_OK(mini_create(&a, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(mini_create(&b, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    EXPECT_STATUS(zx_process_start(a.proc, b.thread, a.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_ACCESS_DENIED);
    zx_info_process_t info;
    ASSERT_TRUE(process_info(a.proc, &info));
    EXPECT_EQ(info.flags & ZX_INFO_PROCESS_FLAG_STARTED, 0);
    mini_destroy(&a);
    mini_destroy(&b);
}

TEST(ProcessTest, StartHandleErrors) {
    struct mini m;
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_process_start(BOGUS_HANDLE, m.thread, m.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_process_start(m.proc, BOGUS_HANDLE, m.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_process_start(m.proc, m.thread, m.code_addr, 0, BOGUS_HANDLE, 0),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_process_start(ev, m.thread, m.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_process_start(m.proc, ev, m.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_WRONG_TYPE);
    zx_handle_t weak_proc = dup_rights(m.proc, ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_handle_t weak_thread = dup_rights(m.thread, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_process_start(weak_proc, m.thread, m.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_process_start(m.proc, weak_thread, m.code_addr, 0, ZX_HANDLE_INVALID, 0),
                  ZX_ERR_ACCESS_DENIED);
    // arg1 without ZX_RIGHT_TRANSFER.
    zx_handle_t no_transfer = dup_rights(ev, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER);
    EXPECT_STATUS(zx_process_start(m.proc, m.thread, m.code_addr, 0, no_transfer, 0),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_FALSE(handle_valid(no_transfer));  // closed all the same
    zx_handle_close(weak_proc);
    zx_handle_close(weak_thread);
    zx_handle_close(ev);
    // None of the failures started it.
    zx_info_process_t info;
    ASSERT_TRUE(process_info(m.proc, &info));
    EXPECT_EQ(info.flags & ZX_INFO_PROCESS_FLAG_STARTED, 0);
    EXPECT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    mini_destroy(&m);
}

// "ZX_ERR_INVALID_ARGS *entry* is not a userspace address, is not a canonical address, or is
// not 0."
TEST(ProcessTest, StartKernelEntryFails) {
    struct mini m;
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    EXPECT_STATUS(
        zx_process_start(m.proc, m.thread, (uintptr_t)KERNEL_PTR, 0, ZX_HANDLE_INVALID, 0),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_process_start(m.proc, m.thread, 0x0000800000000000ull, 0, ZX_HANDLE_INVALID, 0),
        ZX_ERR_INVALID_ARGS);
    mini_destroy(&m);
}

TEST(ProcessTest, FaultingProcessIsKilled) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_UD2_THEN_COUNT, sizeof(MINI_UD2_THEN_COUNT)));
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    zx_info_process_t info;
    ASSERT_TRUE(process_info(m.proc, &info));
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_EXCEPTION_KILL);
    EXPECT_EQ(mini_read_u64(&m, 0), UINT64_MAX);  // a dead process's memory is gone
    mini_destroy(&m);
}

TEST(ProcessTest, ClosingLastHandleOfUnstartedProcess) {
    zx_handle_t job, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_process_create(job, "p", 1, 0, &proc, &vmar));
    EXPECT_EQ(job_process_count(job), 1);
    zx_handle_close(vmar);
    zx_handle_close(proc);
    // "When the last handle to a process is closed, the process is destroyed."
    EXPECT_EQ(job_process_count(job), 0);
    zx_handle_close(job);
}
