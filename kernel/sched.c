// The executor: run queue, timer queue, waiters, and the one kernel loop.
// The kernel runs with interrupts off (they are taken only in user mode and in hal_idle), so
// on one CPU nothing here needs a lock.
#include "kernel/sched.h"

#include <zircon/errors.h>

#include "kernel/debug.h"

#define SLICE_NS 10000000  // 10 ms round-robin time slice

static struct list_node runq = LIST_INIT(runq);
static struct list_node timerq = LIST_INIT(timerq);
static struct task *current;
static bool sched_need_resched;  // the slice ended or someone yielded
bool sched_attention;      // sched.h
static zx_time_t slice_end = ZX_TIME_INFINITE;
static zx_time_t armed = ZX_TIME_INFINITE;  // what the hardware timer is set to
uint64_t sched_context_switches;
static bool sched_entered_user;  // the first user instruction has run (logged once)

// Programs the hardware timer only when the next deadline moved earlier than what is armed:
// an interrupt that comes too early just re-evaluates (kernel_timer_interrupt), which is much
// cheaper than reprogramming the timer on every context switch.
static void timer_reprogram(void) {
    zx_time_t d = slice_end;
    if (!list_empty(&timerq)) {
        struct timer *first = container_of(timerq.next, struct timer, link);
        if (first->deadline < d) d = first->deadline;
    }
    if (d < armed) {
        hal_timer_set(d);
        armed = d;
    }
}

void timer_init(struct timer *t, void (*fire)(struct timer *)) {
    list_clear_node(&t->link);
    t->fire = fire;
    t->deadline = ZX_TIME_INFINITE;
}

void timer_arm(struct timer *t, zx_time_t deadline) {
    if (timer_armed(t)) list_delete(&t->link);
    t->deadline = deadline;
    struct list_node *pos = &timerq;  // insert after the last timer that is due no later
    for (struct list_node *it = timerq.prev; it != &timerq; it = it->prev) {
        if (container_of(it, struct timer, link)->deadline <= deadline) {
            pos = it;
            break;
        }
    }
    list_insert_after(pos, &t->link);
    if (timerq.next == &t->link) timer_reprogram();
}

void timer_cancel(struct timer *t) {
    if (timer_armed(t)) list_delete(&t->link);
}

static void timers_run(void) {
    zx_time_t now = hal_now();
    while (!list_empty(&timerq)) {
        struct timer *t = container_of(timerq.next, struct timer, link);
        if (t->deadline > now) break;
        list_delete(&t->link);
        t->fire(t);
    }
}

void kernel_timer_interrupt(void) {
    armed = ZX_TIME_INFINITE;  // the one-shot fired
    timers_run();
    if (slice_end != ZX_TIME_INFINITE && hal_now() >= slice_end) {
        sched_need_resched = true;
        sched_attention = true;
        slice_end = ZX_TIME_INFINITE;
    }
    timer_reprogram();
}

static void deadline_fire(struct timer *tm) {
    waiter_wake(container_of(tm, struct waiter, deadline_timer), ZX_ERR_TIMED_OUT);
}

void task_init(struct task *t, struct hal_aspace *as) {
    list_clear_node(&t->run_link);
    t->state = TASK_NEW;
    t->kill_requested = false;
    t->aspace = as;
    t->runtime_ns = 0;
    t->suspend_count = 0;
    t->wait.kind = WAIT_NONE;
    t->wait.active = t->wait.woken = false;
    t->wait.queue = NULL;
    list_clear_node(&t->wait.queue_link);
    timer_init(&t->wait.deadline_timer, deadline_fire);
}

struct task *sched_current(void) { return current; }

void sched_make_runnable(struct task *t) {
    t->state = TASK_RUNNABLE;
    if (t == current) return;
    if (!list_in_list(&t->run_link)) list_add_tail(&runq, &t->run_link);
    // Someone is waiting for the CPU now: give the running task a time slice.
    if (current && slice_end == ZX_TIME_INFINITE) {
        slice_end = hal_now() + SLICE_NS;
        timer_reprogram();
    }
}

void sched_remove(struct task *t) {
    if (list_in_list(&t->run_link)) list_delete(&t->run_link);
}

static const struct task_ops *task_ops;

void sched_set_task_ops(const struct task_ops *ops) { task_ops = ops; }

void task_kill(struct task *t) {
    if (t->state == TASK_DEAD) return;
    t->kill_requested = true;
    sched_attention = true;
    struct waiter *w = &t->wait;
    if (w->active || w->woken) {
        w->active = false;
        timer_cancel(&w->deadline_timer);
        wait_queue_remove(w);
        task_ops->wait_cancel(w);  // sees `woken` still set when it was woken but never ran
        w->kind = WAIT_NONE;
    }
    w->woken = false;  // the pending syscall never completes
    if (t->state == TASK_NEW) {
        t->state = TASK_DEAD;
        task_ops->exited(t);
        return;
    }
    if (t->state == TASK_BLOCKED || t->state == TASK_SUSPENDED) sched_make_runnable(t);
}

void sched_yield(void) {
    sched_need_resched = true;
    sched_attention = true;
}

void task_resume(struct task *t) {
    if (t->suspend_count == 0 && t->state == TASK_SUSPENDED) sched_make_runnable(t);
}

// ---- the loop's steps (the loop itself: the trap layer's, see sched.h) ----

static zx_time_t run_start;

struct task *sched_pick(void) {
    struct list_node *n;
    while (!(n = list_pop_head(&runq))) {
        slice_end = ZX_TIME_INFINITE;
        timer_reprogram();
        hal_idle();
    }
    struct task *t = container_of(n, struct task, run_link);
    current = t;
    sched_context_switches++;
    hal_aspace_activate(t->aspace);
    run_start = hal_now();
    slice_end = list_empty(&runq) ? ZX_TIME_INFINITE : run_start + SLICE_NS;
    sched_need_resched = false;
    timer_reprogram();
    return t;
}

static void stop_running(struct task *t) {
    t->runtime_ns += hal_now() - run_start;
    current = NULL;
}

bool sched_may_return(const struct task *t) {
    return t->state == TASK_RUNNABLE && !t->wait.woken && !t->kill_requested && !t->suspend_count &&
           !(sched_need_resched && !list_empty(&runq));
}

enum sched_step sched_before_user(struct task *t) {
    sched_attention = false;  // everything it stands for is looked at below
    struct waiter *w = &t->wait;
    while (w->woken) {
        w->woken = false;
        int64_t r = w->cont(t, w->reason);
        // The continuation waited again: its resources carry over. It may have been woken
        // already (a deadline that had passed): then it runs again, here.
        if (w->active) {
            stop_running(t);
            return SCHED_STOPPED;
        }
        if (w->woken) continue;
        task_ops->wait_cancel(w);
        w->kind = WAIT_NONE;
        if (!w->keep_regs) hal_uctx_set_return(&t->uctx, (uint64_t)r);
    }
    if (unlikely(t->kill_requested)) {
        t->state = TASK_DEAD;
        stop_running(t);
        task_ops->exited(t);
        return SCHED_STOPPED;
    }
    if (unlikely(t->suspend_count)) {
        t->state = TASK_SUSPENDED;
        task_ops->suspended(t);
        stop_running(t);
        return SCHED_STOPPED;
    }
    if (sched_need_resched && !list_empty(&runq)) {
        sched_need_resched = false;
        list_add_tail(&runq, &t->run_link);
        stop_running(t);
        return SCHED_STOPPED;
    }
    if (unlikely(!sched_entered_user)) {
        sched_entered_user = true;
        uint64_t us = (hal_ticks() - hal_boot_ticks()) * 1000000 / hal_ticks_per_second();
        kprintf("zc: boot: kernel entry to first user instruction %lu us\n", us);
    }
    return SCHED_ENTER_USER;
}

bool sched_after_trap(struct task *t) {
    if (t->state == TASK_BLOCKED || t->state == TASK_SUSPENDED) {
        stop_running(t);
        return false;
    }
    return true;
}

void sched_run(void) {
    task_ops->run_loop();
}
