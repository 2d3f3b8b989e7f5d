// Waiters and wait queues (kernel/wait.h). One CPU, interrupts off in the kernel: no locks.
#include "kernel/wait.h"

#include <zircon/errors.h>

#include "kernel/debug.h"
#include "kernel/sched.h"

void wait_queue_init(struct wait_queue *q) {
    list_init(&q->waiters);
    q->count = 0;
}

static void enqueue(struct wait_queue *q, struct waiter *w) {
    list_add_tail(&q->waiters, &w->queue_link);
    q->count++;
    w->queue = q;
}

void wait_queue_remove(struct waiter *w) {
    struct wait_queue *q = w->queue;
    if (!q) return;
    list_delete(&w->queue_link);
    q->count--;
    w->queue = NULL;
}

void wait_block(struct task *t, struct wait_queue *q, enum wait_kind kind, zx_time_t deadline,
                wait_cont_fn cont) {
    struct waiter *w = &t->wait;
    DEBUG_ASSERT(!w->active && !w->queue);
    w->kind = kind;
    w->cont = cont;
    w->active = true;
    w->woken = false;
    w->keep_regs = false;
    t->state = TASK_BLOCKED;
    sched_request_attention();  // the syscall fast path must not return to user mode
    if (q) enqueue(q, w);
    if (deadline != ZX_TIME_INFINITE) {
        if (deadline <= hal_now()) {
            waiter_wake(w, ZX_ERR_TIMED_OUT);
            return;
        }
        timer_arm(&w->deadline_timer, deadline);
    }
}

void waiter_wake(struct waiter *w, zx_status_t reason) {
    if (!w->active) return;
    w->active = false;
    w->woken = true;
    w->reason = reason;
    timer_cancel(&w->deadline_timer);
    wait_queue_remove(w);
    struct task *t = waiter_task(w);
    if (t->state == TASK_BLOCKED) sched_make_runnable(t);
}

struct waiter *wait_queue_wake_one(struct wait_queue *q, zx_status_t reason) {
    struct waiter *w = wait_queue_head(q);
    if (w) waiter_wake(w, reason);
    return w;
}

uint32_t wait_queue_wake_all(struct wait_queue *q, zx_status_t reason) {
    uint32_t n = 0;
    while (wait_queue_wake_one(q, reason)) n++;
    return n;
}

struct waiter *wait_queue_move_one(struct wait_queue *from, struct wait_queue *to) {
    struct waiter *w = wait_queue_head(from);
    if (!w) return NULL;
    wait_queue_remove(w);
    enqueue(to, w);
    return w;
}
