// zx_task_suspend / zx_task_suspend_token: suspended threads make no progress, the token's
// last close resumes them, RUNNING/SUSPENDED signals, process-wide suspension; and
// zx_thread_read_state / zx_thread_write_state on suspended threads.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

// Suspends `thread` and waits until it is really suspended.
static zx_status_t suspend_and_wait(zx_handle_t thread, zx_handle_t *token) {
    zx_status_t st = zx_task_suspend(thread, token);
    if (st != ZX_OK)
        return st;
    return wait_signals(thread, ZX_THREAD_SUSPENDED) ? ZX_OK : ZX_ERR_TIMED_OUT;
}

// ---- TaskSuspendTest ----

TEST(TaskSuspendTest, SuspendedThreadMakesNoProgress) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    EXPECT_TRUE(wait_u64_change(&counter, 0));
    zx_handle_t token;
    EXPECT_OK(suspend_and_wait(r.handle, &token));
    EXPECT_EQ(handle_type(token), ZX_OBJ_TYPE_SUSPEND_TOKEN);
    uint64_t frozen = counter;
    sleep_ms(20);
    EXPECT_EQ(counter, frozen);
    EXPECT_EQ(thread_state(r.handle), ZX_THREAD_STATE_SUSPENDED);
    // Closing the token resumes it.
    EXPECT_OK(zx_handle_close(token));
    EXPECT_TRUE(wait_u64_change(&counter, frozen));
    EXPECT_TRUE(wait_signals(r.handle, ZX_THREAD_RUNNING));
    rthread_kill(&r);
}

TEST(TaskSuspendTest, SignalsFollowSuspension) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    EXPECT_EQ(signals_now(r.handle) & (ZX_THREAD_RUNNING | ZX_THREAD_SUSPENDED), ZX_THREAD_RUNNING);
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    EXPECT_EQ(signals_now(r.handle) & (ZX_THREAD_RUNNING | ZX_THREAD_SUSPENDED),
              ZX_THREAD_SUSPENDED);
    zx_handle_close(token);
    EXPECT_TRUE(wait_signals(r.handle, ZX_THREAD_RUNNING));
    EXPECT_EQ(signals_now(r.handle) & (ZX_THREAD_RUNNING | ZX_THREAD_SUSPENDED), ZX_THREAD_RUNNING);
    rthread_kill(&r);
}

TEST(TaskSuspendTest, EveryTokenMustBeClosed) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    zx_handle_t t1, t2;
    ASSERT_OK(suspend_and_wait(r.handle, &t1));
    ASSERT_OK(zx_task_suspend_token(r.handle, &t2));
    EXPECT_OK(zx_handle_close(t1));
    uint64_t frozen = counter;
    sleep_ms(20);
    EXPECT_EQ(counter, frozen);  // t2 still holds it
    EXPECT_OK(zx_handle_close(t2));
    EXPECT_TRUE(wait_u64_change(&counter, frozen));
    rthread_kill(&r);
}

TEST(TaskSuspendTest, DuplicatedTokenKeepsSuspension) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    zx_handle_t token, moved;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    // Suspend tokens carry TRANSFER, not DUPLICATE: replace moves the suspension along.
    EXPECT_STATUS(zx_handle_duplicate(token, ZX_RIGHT_SAME_RIGHTS, &moved), ZX_ERR_ACCESS_DENIED);
    ASSERT_OK(zx_handle_replace(token, ZX_RIGHT_SAME_RIGHTS, &moved));
    uint64_t frozen = counter;
    sleep_ms(10);
    EXPECT_EQ(counter, frozen);
    EXPECT_OK(zx_handle_close(moved));
    EXPECT_TRUE(wait_u64_change(&counter, frozen));
    rthread_kill(&r);
}

static void wait_then_count(void *arg) {
    volatile uint64_t *v = arg;  // v[0] = event handle, v[1] = set after the wait returns
    zx_signals_t observed;
    zx_object_wait_one((zx_handle_t)v[0], ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed);
    __atomic_store_n(&v[1], 1, __ATOMIC_RELEASE);
}

// "... unless it is currently blocked in the kernel, in which case it will suspend after being
// unblocked": a suspended waiter whose wait is satisfied runs no user code until resumed.
TEST(TaskSuspendTest, BlockedThreadStaysSuspendedWhenUnblocked) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    volatile uint64_t v[2] = {ev, 0};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "waiter", wait_then_count, (void *)v));
    ASSERT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_WAIT_ONE));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(t.handle, &token));
    EXPECT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    sleep_ms(20);
    EXPECT_EQ(v[1], 0);
    EXPECT_OK(zx_handle_close(token));
    EXPECT_TRUE(wait_u64((volatile uint64_t *)&v[1], 1));
    EXPECT_OK(tthread_join(&t));
    zx_handle_close(ev);
}

TEST(TaskSuspendTest, KillSuspendedThread) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    EXPECT_OK(zx_task_kill(r.handle));
    EXPECT_TRUE(wait_signals(r.handle, ZX_THREAD_TERMINATED));
    EXPECT_OK(zx_handle_close(token));
    rthread_kill(&r);
}

TEST(TaskSuspendTest, SuspendDeadThreadIsBadState) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    zx_task_kill(r.handle);
    ASSERT_TRUE(wait_signals(r.handle, ZX_THREAD_TERMINATED));
    zx_handle_t token = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_task_suspend(r.handle, &token), ZX_ERR_BAD_STATE);
    EXPECT_EQ(token, ZX_HANDLE_INVALID);
    rthread_kill(&r);
}

// "A task cannot suspend itself or any of its parent tasks" -> ZX_ERR_NOT_SUPPORTED. Tried in a
// child process, which is killed after 2 s if it did suspend itself.
static int64_t suspend_self_in_child(const char *what) {
    zx_handle_t proc;
    if (child_launch(ZX_HANDLE_INVALID, "suspend-self", what, ZX_HANDLE_INVALID, &proc) != ZX_OK)
        return INT64_MIN;
    int64_t rc = INT64_MIN;
    zx_status_t st = process_wait_for(proc, ZX_SEC(2), &rc);
    zx_handle_close(proc);
    return st == ZX_OK ? rc : st;
}

TEST(TaskSuspendTest, SuspendSelfNotSupported) {
    EXPECT_EQ(suspend_self_in_child("thread"), ZX_ERR_NOT_SUPPORTED);
    EXPECT_EQ(suspend_self_in_child("process"), ZX_ERR_NOT_SUPPORTED);
}

TEST(TaskSuspendTest, SuspendErrors) {
    zx_handle_t token, ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_task_suspend(BOGUS_HANDLE, &token), ZX_ERR_BAD_HANDLE);
    // "ZX_ERR_WRONG_TYPE handle is not a thread or process handle" (a job is not supported).
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_STATUS(zx_task_suspend(job, &token), ZX_ERR_WRONG_TYPE);
    zx_handle_close(job);
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    zx_handle_t weak = dup_rights(r.handle, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_task_suspend(weak, &token), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    EXPECT_STATUS(zx_task_suspend(r.handle, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_task_suspend(r.handle, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_task_suspend(r.handle, UNMAPPED_PTR), ZX_ERR_INVALID_ARGS);
    // A failed suspend leaves the thread running.
    uint64_t c = counter;
    EXPECT_TRUE(wait_u64_change(&counter, c));
    EXPECT_EQ(signals_now(r.handle) & ZX_THREAD_SUSPENDED, 0);
    rthread_kill(&r);
    zx_handle_close(ev);
}

TEST(TaskSuspendTest, SuspendProcess) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_COUNT, sizeof(MINI_COUNT)));
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 0) == 0 && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    zx_handle_t token;
    ASSERT_OK(zx_task_suspend(m.proc, &token));
    EXPECT_TRUE(wait_signals(m.thread, ZX_THREAD_SUSPENDED));
    uint64_t frozen = mini_read_u64(&m, 0);
    sleep_ms(20);
    EXPECT_EQ(mini_read_u64(&m, 0), frozen);
    // A thread started while its process is suspended suspends before running.
    zx_handle_t t2;
    ASSERT_OK(zx_thread_create(m.proc, "late", 4, 0, &t2));
    ASSERT_OK(zx_thread_start(t2, m.code_addr, m.data_addr + 64, 0, 0));
    EXPECT_TRUE(wait_signals(t2, ZX_THREAD_SUSPENDED));
    uint64_t late = 0;
    size_t actual;
    EXPECT_OK(zx_process_read_memory(m.proc, m.data_addr + 64, &late, sizeof(late), &actual));
    EXPECT_EQ(late, 0);
    EXPECT_OK(zx_handle_close(token));
    EXPECT_TRUE(wait_signals(m.thread, ZX_THREAD_RUNNING));
    give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 0) == frozen && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    EXPECT_NE(mini_read_u64(&m, 0), frozen);
    zx_handle_close(t2);
    mini_destroy(&m);
}

TEST(TaskSuspendTest, KillSuspendedProcess) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_COUNT, sizeof(MINI_COUNT)));
    zx_handle_t token;
    ASSERT_OK(zx_task_suspend(m.proc, &token));
    EXPECT_TRUE(wait_signals(m.thread, ZX_THREAD_SUSPENDED));
    EXPECT_OK(zx_task_kill(m.proc));
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    zx_handle_close(token);
    mini_destroy(&m);
}

// "Tasks can be suspended and/or resumed before they are started. If a task is started while
// suspended, it will enter suspension before executing any code." and "When a thread starts, it
// will assert ZX_THREAD_RUNNING whether it is suspended or not, but if it is suspended will then
// switch to ZX_THREAD_SUSPENDED before executing any code."
TEST(TaskSuspendTest, SuspendBeforeStart) {
    zx_handle_t t;
    ASSERT_OK(zx_thread_create(zx_process_self(), "early", 5, 0, &t));
    zx_handle_t token = ZX_HANDLE_INVALID;
    zx_status_t st = zx_task_suspend(t, &token);
    EXPECT_OK(st);
    if (st != ZX_OK) {
        zx_handle_close(t);
        return;
    }
    zx_vaddr_t stack;
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          4 * PAGE, &stack));
    zx_handle_close(vmo);
    volatile uint64_t counter = 0;
    EXPECT_OK(zx_thread_start(t, (uintptr_t)asm_count_loop, stack + 4 * PAGE - 16,
                              (uintptr_t)&counter, 0));
    EXPECT_TRUE(wait_signals(t, ZX_THREAD_SUSPENDED));
    sleep_ms(10);
    EXPECT_EQ(counter, 0);
    EXPECT_OK(zx_handle_close(token));
    EXPECT_TRUE(wait_u64_change(&counter, 0));
    zx_task_kill(t);
    wait_signals(t, ZX_THREAD_TERMINATED);
    zx_handle_close(t);
    zx_vmar_unmap(zx_vmar_root_self(), stack, 4 * PAGE);
}

// ---- ThreadStateTest: registers ----

TEST(ThreadStateTest, ReadStateOfRunningThreadIsBadState) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    zx_thread_state_general_regs_t regs;
    EXPECT_STATUS(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)),
                  ZX_ERR_BAD_STATE);
    memset(&regs, 0, sizeof(regs));
    EXPECT_STATUS(
        zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)),
        ZX_ERR_BAD_STATE);
    rthread_kill(&r);
}

TEST(ThreadStateTest, ReadStateOfBlockedThreadIsBadState) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    volatile uint64_t v[2] = {ev, 0};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "waiter", wait_then_count, (void *)v));
    ASSERT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_WAIT_ONE));
    zx_thread_state_general_regs_t regs;
    EXPECT_STATUS(zx_thread_read_state(t.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)),
                  ZX_ERR_BAD_STATE);
    zx_object_signal(ev, 0, ZX_EVENT_SIGNALED);
    EXPECT_OK(tthread_join(&t));
    zx_handle_close(ev);
}

TEST(ThreadStateTest, ReadGeneralRegsOfSuspendedThread) {
    volatile uint64_t out = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_store_rsi_loop, (uintptr_t)&out, 0x1111));
    ASSERT_TRUE(wait_u64(&out, 0x1111));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    zx_thread_state_general_regs_t regs;
    EXPECT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    EXPECT_EQ(regs.rdi, (uintptr_t)&out);
    EXPECT_EQ(regs.rsi, 0x1111);
    EXPECT_GE(regs.rip, (uintptr_t)asm_store_rsi_loop);
    EXPECT_LT(regs.rip, (uintptr_t)asm_store_rsi_loop_end);
    EXPECT_GT(regs.rsp, r.stack);
    EXPECT_LE(regs.rsp, r.stack + 16 * 1024);
    zx_handle_close(token);
    rthread_kill(&r);
}

// "changing a register of a suspended thread changes what it computes"
TEST(ThreadStateTest, WriteRegisterChangesComputation) {
    volatile uint64_t out = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_store_rsi_loop, (uintptr_t)&out, 0x1111));
    ASSERT_TRUE(wait_u64(&out, 0x1111));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    zx_thread_state_general_regs_t regs;
    ASSERT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    regs.rsi = 0x2222;
    EXPECT_OK(zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    sleep_ms(5);
    EXPECT_EQ(out, 0x1111);  // still suspended
    zx_handle_close(token);
    EXPECT_TRUE(wait_u64(&out, 0x2222));
    rthread_kill(&r);
}

TEST(ThreadStateTest, WriteRipRedirectsThread) {
    volatile uint64_t out = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_store_rsi_loop, (uintptr_t)&out, 7));
    ASSERT_TRUE(wait_u64(&out, 7));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    zx_thread_state_general_regs_t regs;
    ASSERT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    // Send it to the counting loop, which increments *rdi.
    regs.rip = (uintptr_t)asm_count_loop;
    EXPECT_OK(zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    zx_handle_close(token);
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (out <= 7 && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    EXPECT_GT(out, 7);
    rthread_kill(&r);
}

TEST(ThreadStateTest, GeneralRegsRoundTrip) {
    volatile uint64_t out = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_store_rsi_loop, (uintptr_t)&out, 3));
    ASSERT_TRUE(wait_u64(&out, 3));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    zx_thread_state_general_regs_t a, b;
    ASSERT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &a, sizeof(a)));
    // Values the loop never touches.
    a.rax = 0x0123456789abcdefull;
    a.rbx = 0xfedcba9876543210ull;
    a.r8 = 8;
    a.r15 = 15;
    EXPECT_OK(zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &a, sizeof(a)));
    ASSERT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &b, sizeof(b)));
    EXPECT_EQ(b.rax, a.rax);
    EXPECT_EQ(b.rbx, a.rbx);
    EXPECT_EQ(b.r8, 8);
    EXPECT_EQ(b.r15, 15);
    EXPECT_EQ(b.rip, a.rip);
    EXPECT_EQ(b.rsp, a.rsp);
    EXPECT_EQ(b.rdi, a.rdi);
    // It survives running: resume, suspend again, read.
    zx_handle_close(token);
    sleep_ms(5);
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    ASSERT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &b, sizeof(b)));
    EXPECT_EQ(b.rax, a.rax);
    EXPECT_EQ(b.r15, 15);
    zx_handle_close(token);
    rthread_kill(&r);
}

TEST(ThreadStateTest, OtherKinds) {
    volatile uint64_t out = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_store_rsi_loop, (uintptr_t)&out, 3));
    ASSERT_TRUE(wait_u64(&out, 3));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    zx_thread_state_fp_regs_t fp;
    EXPECT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_FP_REGS, &fp, sizeof(fp)));
    static zx_thread_state_vector_regs_t vec;
    EXPECT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_VECTOR_REGS, &vec, sizeof(vec)));
    EXPECT_OK(zx_thread_write_state(r.handle, ZX_THREAD_STATE_VECTOR_REGS, &vec, sizeof(vec)));
    zx_thread_state_debug_regs_t dbg;
    EXPECT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_DEBUG_REGS, &dbg, sizeof(dbg)));
    zx_thread_state_single_step_t step = 7;
    EXPECT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_SINGLE_STEP, &step, sizeof(step)));
    EXPECT_EQ(step, 0);
    zx_handle_close(token);
    rthread_kill(&r);
}

TEST(ThreadStateTest, StateArgumentErrors) {
    volatile uint64_t out = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_store_rsi_loop, (uintptr_t)&out, 3));
    ASSERT_TRUE(wait_u64(&out, 3));
    zx_handle_t token;
    ASSERT_OK(suspend_and_wait(r.handle, &token));
    zx_thread_state_general_regs_t regs;
    // "ZX_ERR_BUFFER_TOO_SMALL The buffer length buffer_size is too small".
    EXPECT_STATUS(
        zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs) - 8),
        ZX_ERR_BUFFER_TOO_SMALL);
    // "ZX_ERR_INVALID_ARGS kind is not valid or buffer is an invalid pointer."
    EXPECT_STATUS(zx_thread_read_state(r.handle, 3, &regs, sizeof(regs)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_read_state(r.handle, 1234, &regs, sizeof(regs)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, KERNEL_PTR, sizeof(regs)),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, UNMAPPED_PTR, sizeof(regs)),
        ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_thread_read_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    // "buffer_size doesn't match the size of the structure expected for kind".
    EXPECT_STATUS(
        zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs) - 8),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs) + 8),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_write_state(r.handle, 1234, &regs, sizeof(regs)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, KERNEL_PTR, sizeof(regs)),
        ZX_ERR_INVALID_ARGS);
    // "... or the given values to set are not valid": a non-canonical rip.
    zx_thread_state_general_regs_t bad = regs;
    bad.rip = 0x8000000000000000ull;
    EXPECT_STATUS(zx_thread_write_state(r.handle, ZX_THREAD_STATE_GENERAL_REGS, &bad, sizeof(bad)),
                  ZX_ERR_INVALID_ARGS);
    // Handles: type and rights.
    EXPECT_STATUS(
        zx_thread_read_state(zx_process_self(), ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)),
        ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(
        zx_thread_read_state(BOGUS_HANDLE, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)),
        ZX_ERR_BAD_HANDLE);
    zx_handle_t no_read = dup_rights(r.handle, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_READ);
    zx_handle_t no_write = dup_rights(r.handle, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_thread_read_state(no_read, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(
        zx_thread_write_state(no_write, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)),
        ZX_ERR_ACCESS_DENIED);
    zx_handle_close(no_read);
    zx_handle_close(no_write);
    // The failed writes changed nothing: the thread still stores 3 when resumed.
    zx_handle_close(token);
    out = 0;
    EXPECT_TRUE(wait_u64(&out, 3));
    rthread_kill(&r);
}

// zx_channel_call across a suspension: Zircon's vDSO finishes an interrupted call
// (zx_channel_call_finish) so the caller never notices. Here the server answers once after the
// caller was suspended and resumed, and once while it is suspended.
struct call_state {
    zx_handle_t ch;
    volatile zx_status_t st;
    volatile uint32_t bytes;
    uint8_t reply[16];
};

static void call_once(void *arg) {
    struct call_state *c = arg;
    uint8_t msg[8] = {0, 0, 0, 0, 'a', 'b', 'c', 'd'};
    zx_channel_call_args_t args = {.wr_bytes = msg, .wr_num_bytes = sizeof(msg),
                                   .rd_bytes = c->reply, .rd_num_bytes = sizeof(c->reply)};
    uint32_t nb = 0, nh = 0;
    zx_status_t st = zx_channel_call(c->ch, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
    c->bytes = nb;
    c->st = st;
}

// Answers the pending request on `server` with its txid and "ok".
static zx_status_t answer(zx_handle_t server) {
    uint8_t req[16];
    uint32_t nb = 0, nh = 0;
    zx_status_t st = zx_channel_read(server, 0, req, NULL, sizeof(req), 0, &nb, &nh);
    if (st != ZX_OK)
        return st;
    uint8_t rep[6] = {req[0], req[1], req[2], req[3], 'o', 'k'};
    return zx_channel_write(server, 0, rep, sizeof(rep), NULL, 0);
}

TEST(TaskSuspendTest, ChannelCallSurvivesSuspension) {
    for (int answer_while_suspended = 0; answer_while_suspended < 2; answer_while_suspended++) {
        zx_handle_t client, server, token;
        ASSERT_OK(zx_channel_create(0, &client, &server));
        struct call_state c = {.ch = client, .st = 12345};
        struct tthread t;
        ASSERT_OK(tthread_start(&t, "caller", call_once, &c));
        ASSERT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_CHANNEL));
        ASSERT_OK(suspend_and_wait(t.handle, &token));
        if (answer_while_suspended) {
            ASSERT_OK(answer(server));
            sleep_ms(10);
            EXPECT_EQ(c.st, 12345);  // still suspended: the call has not returned
            EXPECT_OK(zx_handle_close(token));
        } else {
            EXPECT_OK(zx_handle_close(token));
            ASSERT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_CHANNEL));
            ASSERT_OK(answer(server));
        }
        EXPECT_OK(tthread_join(&t));
        EXPECT_OK(c.st);
        EXPECT_EQ(c.bytes, 6);
        EXPECT_EQ(c.reply[4], 'o');
        EXPECT_EQ(c.reply[5], 'k');
        zx_handle_close_many((zx_handle_t[]){client, server}, 2);
    }
}
