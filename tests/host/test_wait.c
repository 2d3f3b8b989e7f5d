// Wait queues (kernel/wait.c) with bare tasks: order, deadlines, moves; and the futex wait
// whose deadline ends it while a wake empties the futex (objects/futex.c).
#include <zircon/syscalls.h>

#include "kernel/sched.h"
#include "objects/futex.h"
#include "syscalls/numbers.h"
#include "tests/host/kt_env.h"
#include "tests/host/ktest.h"

#define MS 1000000ll

static int64_t reason_cont(struct task *t, zx_status_t reason) { return reason; }

static void block_all(struct task *t, int n, struct wait_queue *q, zx_time_t deadline) {
    for (int i = 0; i < n; i++) {
        task_init(&t[i], NULL);
        wait_block(&t[i], q, WAIT_SLEEP, deadline, reason_cont);
    }
}
// Takes woken bare tasks off the run queue again: the executor must never pick them.
static void unrun(struct task *t, int n) {
    for (int i = 0; i < n; i++) {
        sched_remove(&t[i]);
        t[i].wait.woken = false;
        t[i].state = TASK_DEAD;
    }
}

TEST(WaitQueue, WakeOneIsFifoAndLeavesTheQueue) {
    struct wait_queue q;
    wait_queue_init(&q);
    struct task t[3];
    block_all(t, 3, &q, ZX_TIME_INFINITE);
    EXPECT_EQ(q.count, 3);
    EXPECT_EQ((uintptr_t)wait_queue_wake_one(&q, ZX_OK), (uintptr_t)&t[0].wait);
    EXPECT_EQ(q.count, 2);
    EXPECT_EQ(t[0].state, TASK_RUNNABLE);
    EXPECT_TRUE(t[0].wait.woken);
    EXPECT_EQ((uintptr_t)t[0].wait.queue, 0);
    EXPECT_EQ(wait_queue_wake_all(&q, ZX_ERR_PEER_CLOSED), 2);
    EXPECT_TRUE(wait_queue_empty(&q));
    EXPECT_EQ(t[1].wait.reason, ZX_ERR_PEER_CLOSED);
    EXPECT_EQ(t[2].wait.reason, ZX_ERR_PEER_CLOSED);
    EXPECT_EQ((uintptr_t)wait_queue_wake_one(&q, ZX_OK), 0);
    unrun(t, 3);
}

TEST(WaitQueue, FirstWakeWins) {
    struct wait_queue q;
    wait_queue_init(&q);
    struct task t[1];
    block_all(t, 1, &q, th_now() + MS);
    waiter_wake(&t[0].wait, ZX_ERR_CANCELED);
    waiter_wake(&t[0].wait, ZX_OK);
    th_advance(2 * MS);  // its deadline timer was stopped
    EXPECT_EQ(t[0].wait.reason, ZX_ERR_CANCELED);
    EXPECT_TRUE(wait_queue_empty(&q));
    unrun(t, 1);
}

TEST(WaitQueue, DeadlineWakesAndDequeues) {
    struct wait_queue q;
    wait_queue_init(&q);
    struct task t[2];
    block_all(t, 1, &q, th_now() + MS);
    block_all(t + 1, 1, &q, ZX_TIME_INFINITE);
    th_advance(2 * MS);
    EXPECT_TRUE(t[0].wait.woken);
    EXPECT_EQ(t[0].wait.reason, ZX_ERR_TIMED_OUT);
    EXPECT_EQ(q.count, 1);
    // A packet (a wake) now goes to the one still waiting, not to the timed-out one.
    EXPECT_EQ((uintptr_t)wait_queue_wake_one(&q, ZX_OK), (uintptr_t)&t[1].wait);
    unrun(t, 2);
}

TEST(WaitQueue, PastDeadlineWakesAtOnceOffTheQueue) {
    struct wait_queue q;
    wait_queue_init(&q);
    struct task t[1];
    block_all(t, 1, &q, th_now());
    EXPECT_TRUE(t[0].wait.woken);
    EXPECT_EQ(t[0].wait.reason, ZX_ERR_TIMED_OUT);
    EXPECT_TRUE(wait_queue_empty(&q));
    unrun(t, 1);
}

TEST(WaitQueue, MoveOneKeepsItBlocked) {
    struct wait_queue a, b;
    wait_queue_init(&a);
    wait_queue_init(&b);
    struct task t[3];
    block_all(t, 2, &a, ZX_TIME_INFINITE);
    block_all(t + 2, 1, &b, ZX_TIME_INFINITE);
    EXPECT_EQ((uintptr_t)wait_queue_move_one(&a, &b), (uintptr_t)&t[0].wait);
    EXPECT_EQ(a.count, 1);
    EXPECT_EQ(b.count, 2);
    EXPECT_TRUE(t[0].wait.active);
    EXPECT_EQ((uintptr_t)t[0].wait.queue, (uintptr_t)&b);
    // Behind the one that was already on b.
    EXPECT_EQ((uintptr_t)wait_queue_wake_one(&b, ZX_OK), (uintptr_t)&t[2].wait);
    wait_queue_remove(&t[0].wait);
    EXPECT_TRUE(wait_queue_empty(&b));
    wait_queue_remove(&t[0].wait);  // twice is harmless
    wait_queue_wake_all(&a, ZX_OK);
    waiter_wake(&t[0].wait, ZX_OK);
    unrun(t, 3);
}

// ---- a futex wait ended by its deadline, its futex emptied by a wake before it runs ----

struct futex_ctx {
    uintptr_t addr;
    zx_time_t deadline;
};
static void futex_wait_prog(struct th_prog *p, struct hal_uctx *u) {
    struct futex_ctx *c = p->ctx;
    if (p->n == 0) TH_SYS(u, ZX_SYS_futex_wait, c->addr, 0, ZX_HANDLE_INVALID, (uint64_t)c->deadline);
    else if (p->n == 1) TH_SYS(u, ZX_SYS_thread_exit, 0);
}

TEST(WaitQueue, FutexTimedOutWaiterKeepsItsFutexUntilItRuns) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "futex"));
    struct futex_ctx c = {th_user_alloc(sizeof(uint32_t)), th_now() + MS};
    *(uint32_t *)th_user_host(c.addr) = 0;
    ASSERT_OK(kt_proc_start(&kp, futex_wait_prog, &c));
    kt_run(false);
    ASSERT_EQ(kp.thread->task.state, TASK_BLOCKED);
    th_advance(2 * MS);  // the deadline wakes it; it has not run yet
    struct futex *f = futex_get(kp.proc->as, c.addr, false);
    ASSERT_TRUE(f != NULL);
    EXPECT_EQ(futex_wake(f, 1, false), 0);  // nobody left on the queue ...
    futex_put(f);                           // ... but the sleeper still names f: kept
    EXPECT_EQ((uintptr_t)futex_get(kp.proc->as, c.addr, false), (uintptr_t)f);
    kt_run(false);
    EXPECT_EQ(kp.prog.ret[0], ZX_ERR_TIMED_OUT);
    EXPECT_EQ((uintptr_t)futex_get(kp.proc->as, c.addr, false), 0);  // freed by its cancel
    kt_proc_destroy(&kp);
}
