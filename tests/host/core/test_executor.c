// The executor (kernel/sched.c) with kernel/ alone: waiters (wake, deadline, kill), the time
// slice, suspension, and the task_ops it calls up through (tests/host/core/kt_core.c stands in
// for the layers above).
#include <string.h>
#include <zircon/errors.h>

#include "tests/host/core/kt_core.h"

#define MS 1000000ll

enum { SYS_BLOCK = 1, SYS_EXIT = 2 };

// What the blocking call's steps did, in order: 'c' continuation, 'k' the cancel routine.
static char steps[16];
static size_t nsteps;
static zx_status_t cont_reason;
static void step(char c) {
    if (nsteps + 1 < sizeof(steps)) steps[nsteps++] = c;
}
static void rec_cancel(struct waiter *w) { step('k'); }
static struct wait_queue queue;  // the blocking call sleeps here
static int64_t rec_cont(struct task *t, zx_status_t reason) {
    step('c');
    cont_reason = reason;
    return 1000 + reason;  // the syscall's result
}

// SYS_BLOCK(deadline): blocks until woken; SYS_EXIT: the task dies.
static int64_t handler(struct task *t, uint64_t num, const uint64_t a[8]) {
    if (num == SYS_EXIT) {
        task_kill(t);
        return 0;
    }
    if (num != SYS_BLOCK) return ZX_ERR_BAD_SYSCALL;
    wait_block(t, &queue, WAIT_SLEEP, (zx_time_t)a[0], rec_cont);
    return KT_BLOCKED;
}

// Step 0 blocks with the deadline in ctx, step 1 exits.
static void block_then_exit(struct th_prog *p, struct hal_uctx *u) {
    if (p->n == 0) TH_SYS(u, SYS_BLOCK, (uint64_t)*(zx_time_t *)p->ctx);
    else TH_SYS(u, SYS_EXIT, 0);
}

static void reset(void) {
    memset(steps, 0, sizeof(steps));
    nsteps = 0;
    cont_reason = 0;
    kt_core_syscall = handler;
    kt_core_wait_cancel = rec_cancel;
    wait_queue_init(&queue);
    kt_core.exited = kt_core.suspended = 0;
}

TEST(Waiter, WakeRunsContinuationThenCancelThenTheTaskGoesOn) {
    reset();
    zx_time_t deadline = ZX_TIME_INFINITE;
    struct kt_task t;
    ASSERT_OK(kt_task_start(&t, block_then_exit, &deadline));
    ASSERT_GE(kt_run(false), 1);
    EXPECT_EQ(t.task.state, TASK_BLOCKED);
    EXPECT_FALSE(t.prog.returned[0]);
    EXPECT_EQ(nsteps, 0);  // nothing runs while it waits
    waiter_wake(&t.task.wait, ZX_ERR_CANCELED);
    waiter_wake(&t.task.wait, ZX_ERR_TIMED_OUT);  // a second wake finds it no longer waiting
    EXPECT_EQ(t.task.state, TASK_RUNNABLE);
    EXPECT_TRUE(wait_queue_empty(&queue));  // the wake took it off its queue at once
    kt_run(false);
    EXPECT_EQ(strcmp(steps, "ck"), 0);
    EXPECT_EQ(cont_reason, ZX_ERR_CANCELED);
    EXPECT_TRUE(t.prog.returned[0]);
    EXPECT_EQ(t.prog.ret[0], 1000 + ZX_ERR_CANCELED);
    EXPECT_EQ(t.task.state, TASK_DEAD);  // step 1 exited
    EXPECT_EQ(kt_core.exited, 1);
    kt_task_destroy(&t);
}

TEST(Waiter, DeadlineWakesWithTimedOutAtItsTime) {
    reset();
    zx_time_t deadline = th_now() + 5 * MS;
    struct kt_task t;
    ASSERT_OK(kt_task_start(&t, block_then_exit, &deadline));
    kt_run(true);  // idle with a timer armed: the clock moves to the deadline
    EXPECT_EQ(th_now(), deadline);
    EXPECT_EQ(cont_reason, ZX_ERR_TIMED_OUT);
    EXPECT_EQ(t.prog.ret[0], 1000 + ZX_ERR_TIMED_OUT);
    EXPECT_EQ(strcmp(steps, "ck"), 0);
    EXPECT_EQ(t.task.state, TASK_DEAD);
    kt_task_destroy(&t);
}

TEST(Waiter, DeadlineAlreadyPastCompletesWithoutSleeping) {
    reset();
    zx_time_t deadline = th_now();
    struct kt_task t;
    ASSERT_OK(kt_task_start(&t, block_then_exit, &deadline));
    kt_run(false);  // no time passes, no idle wait is needed
    EXPECT_EQ(th_now(), deadline);
    EXPECT_EQ(t.prog.ret[0], 1000 + ZX_ERR_TIMED_OUT);
    EXPECT_EQ(t.task.state, TASK_DEAD);
    EXPECT_EQ(th_timer_deadline(), ZX_TIME_INFINITE);  // nothing left armed
    kt_task_destroy(&t);
}

TEST(Waiter, KillCancelsButNeverContinues) {
    reset();
    zx_time_t deadline = th_now() + 5 * MS;
    struct kt_task t;
    ASSERT_OK(kt_task_start(&t, block_then_exit, &deadline));
    kt_run(false);
    ASSERT_EQ(t.task.state, TASK_BLOCKED);
    task_kill(&t.task);
    EXPECT_EQ(strcmp(steps, "k"), 0);  // at once, in the killer's context
    EXPECT_TRUE(wait_queue_empty(&queue));
    kt_run(true);  // past the old deadline if the hardware timer still fires there
    EXPECT_EQ(strcmp(steps, "k"), 0);  // the deadline timer went with the wait
    EXPECT_FALSE(t.prog.returned[0]);
    EXPECT_EQ(t.task.state, TASK_DEAD);
    EXPECT_EQ(kt_core.exited, 1);
    kt_task_destroy(&t);
}

TEST(Waiter, KillOfATaskThatNeverRanCallsExitedAtOnce) {
    reset();
    struct kt_task t;
    memset(&t, 0, sizeof(t));
    ASSERT_OK(hal_aspace_init(&t.as));
    task_init(&t.task, &t.as);
    task_kill(&t.task);
    EXPECT_EQ(t.task.state, TASK_DEAD);
    EXPECT_EQ(kt_core.exited, 1);
    kt_task_destroy(&t);
}

// ---- the time slice and suspension ----

static char ran[64];
static size_t nran;

// Spins 4 ms per step for 10 steps, logging its name (ctx), then exits.
static void spin_and_log(struct th_prog *p, struct hal_uctx *u) {
    if (p->n < 10) {
        if (nran + 1 < sizeof(ran)) ran[nran++] = *(const char *)p->ctx;
        th_spin(u, 4 * MS);
    } else {
        TH_SYS(u, SYS_EXIT, 0);
    }
}

TEST(Sched, RunnableTasksShareTheCpuIn10msSlices) {
    reset();
    memset(ran, 0, sizeof(ran));
    nran = 0;
    struct kt_task a, b;
    ASSERT_OK(kt_task_start(&a, spin_and_log, "a"));
    ASSERT_OK(kt_task_start(&b, spin_and_log, "b"));
    kt_run(false);
    ASSERT_EQ(nran, 20);
    // A slice is 10 ms: at most three 4 ms steps in a row, and the CPU changes hands.
    size_t run = 1, switches = 0;
    for (size_t i = 1; i < nran; i++) {
        if (ran[i] == ran[i - 1]) run++;
        else run = 1, switches++;
        EXPECT_LE(run, 3);
    }
    EXPECT_GE(switches, 5);
    EXPECT_EQ(kt_core.exited, 2);
    EXPECT_EQ(a.task.runtime_ns + b.task.runtime_ns, 80 * MS);
    kt_task_destroy(&a);
    kt_task_destroy(&b);
}

TEST(Sched, SuspendedTaskStopsUntilResumed) {
    reset();
    memset(ran, 0, sizeof(ran));
    nran = 0;
    struct kt_task t;
    ASSERT_OK(kt_task_start(&t, spin_and_log, "s"));
    t.task.suspend_count = 1;
    kt_run(false);
    EXPECT_EQ(t.task.state, TASK_SUSPENDED);
    EXPECT_EQ(kt_core.suspended, 1);
    EXPECT_EQ(nran, 0);
    t.task.suspend_count = 0;
    task_resume(&t.task);
    kt_run(false);
    EXPECT_EQ(nran, 10);
    EXPECT_EQ(t.task.state, TASK_DEAD);
    kt_task_destroy(&t);
}
