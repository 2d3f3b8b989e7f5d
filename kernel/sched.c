// The executor: a run queue per CPU, the timer queue, waiters, and the loop's steps.
// The kernel runs with interrupts off and, once several CPUs run the executor, under the HAL's
// kernel lock (hal.h): one CPU at a time runs any of this, so nothing here has a lock of its
// own (docs/smp.md). What each CPU keeps for itself is its struct cpu_sched, plus two HAL
// per-CPU words: its current task and its attention flag (read on every syscall).
#include "kernel/sched.h"

#include <zircon/errors.h>

#include "kernel/debug.h"

#define SLICE_NS 10000000  // 10 ms round-robin time slice

struct cpu_sched {
    struct list_node runq;
    bool need_resched;               // the slice ended or someone yielded
    zx_time_t slice_end;
    zx_time_t armed;                 // what this CPU's hardware timer is set to
    zx_time_t run_start;             // when the current task started running
    unsigned tasks;                  // tasks placed on this CPU that are not dead
    bool idle;                       // in sched_pick's wait, with nothing to run
};
#define CPU_SCHED_INIT(i) [i] = {.runq = LIST_INIT(cpus[i].runq), .slice_end = ZX_TIME_INFINITE, .armed = ZX_TIME_INFINITE}
static struct cpu_sched cpus[HAL_MAX_CPUS] = {CPU_SCHED_INIT(0), CPU_SCHED_INIT(1), CPU_SCHED_INIT(2), CPU_SCHED_INIT(3),
                                             CPU_SCHED_INIT(4), CPU_SCHED_INIT(5), CPU_SCHED_INIT(6), CPU_SCHED_INIT(7)};
_Static_assert(HAL_MAX_CPUS == 8, "CPU_SCHED_INIT for each CPU");
static struct list_node timerq = LIST_INIT(timerq);  // every CPU's: each runs the due ones
uint64_t sched_context_switches;
static bool sched_entered_user;  // the first user instruction has run (logged once)

// Other CPUs run the executor (set by sched_run): the moves between CPUs are looked at only then.
static bool sched_smp;

// This CPU's cpu_sched, through its per-CPU word (set on first use): no indexing.
__attribute__((noinline, cold)) static struct cpu_sched *attach_cpu(void) {
    struct cpu_sched *c = &cpus[hal_cpu_id()];
    hal_cpu_word_set(SCHED_WORD_CPU, (uintptr_t)c);
    return c;
}
static inline struct cpu_sched *this_cpu(void) {
    struct cpu_sched *c = (struct cpu_sched *)hal_cpu_word(SCHED_WORD_CPU);
    return likely(c) ? c : attach_cpu();
}
static inline void set_current(struct task *t) { hal_cpu_word_set(SCHED_WORD_CURRENT, (uintptr_t)t); }

// Programs the hardware timer only when the next deadline moved earlier than what is armed:
// an interrupt that comes too early just re-evaluates (kernel_timer_interrupt), which is much
// cheaper than reprogramming the timer on every context switch.
static void timer_reprogram(void) {
    struct cpu_sched *c = this_cpu();
    zx_time_t d = c->slice_end;
    if (!list_empty(&timerq)) {
        struct timer *first = container_of(timerq.next, struct timer, link);
        if (first->deadline < d) d = first->deadline;
    }
    if (d < c->armed) {
        hal_timer_set(d);
        c->armed = d;
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
    struct cpu_sched *c = this_cpu();
    c->armed = ZX_TIME_INFINITE;  // the one-shot fired
    timers_run();
    if (c->slice_end != ZX_TIME_INFINITE && hal_now() >= c->slice_end) {
        c->need_resched = true;
        sched_request_attention();
        c->slice_end = ZX_TIME_INFINITE;
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
    t->running = false;
    t->cpu = t->last_cpu = SCHED_NO_CPU;
    t->cpu_mask = 0;
    t->aspace = as;
    t->runtime_ns = 0;
    t->suspend_count = 0;
    t->wait.kind = WAIT_NONE;
    t->wait.active = t->wait.woken = false;
    t->wait.queue = NULL;
    list_clear_node(&t->wait.queue_link);
    timer_init(&t->wait.deadline_timer, deadline_fire);
}

struct task *sched_current(void) { return (struct task *)hal_cpu_word(SCHED_WORD_CURRENT); }

// The CPUs t may run on (its mask, limited to those online; all when that leaves none).
static uint64_t allowed_cpus(const struct task *t) {
    uint64_t online = (hal_cpu_count() >= 64 ? ~0ull : (1ull << hal_cpu_count()) - 1);
    uint64_t m = t->cpu_mask & online;
    return m ? m : online;
}

// Moves t (not running, not queued) to CPU `cpu`.
static void move_to(struct task *t, unsigned cpu) {
    if (t->cpu != SCHED_NO_CPU) cpus[t->cpu].tasks--;
    t->cpu = cpu;
    cpus[cpu].tasks++;
}

// Places t on the allowed CPU with the fewest live tasks (the lowest number on a tie): the
// simple balancer. A task stays on its CPU until its mask moves it (sched_set_cpu_mask).
static void place(struct task *t) {
    uint64_t allowed = allowed_cpus(t);
    unsigned best = SCHED_NO_CPU;
    for (unsigned i = 0; i < hal_cpu_count(); i++)
        if ((allowed >> i & 1) && (best == SCHED_NO_CPU || cpus[i].tasks < cpus[best].tasks)) best = i;
    move_to(t, best);
}

// An idle CPU t may run on, other than its own (SCHED_NO_CPU: none).
static unsigned idle_cpu_for(const struct task *t) {
    uint64_t allowed = allowed_cpus(t);
    for (unsigned i = 0; i < hal_cpu_count(); i++)
        if (i != t->cpu && (allowed >> i & 1) && cpus[i].idle) return i;
    return SCHED_NO_CPU;
}

// t died: its CPU has one task fewer.
static void unplace(struct task *t) {
    if (t->cpu != SCHED_NO_CPU) cpus[t->cpu].tasks--;
    t->cpu = SCHED_NO_CPU;
}

// CPU c has something new on its run queue. This CPU gives its current task a time slice (if
// it had none). Another CPU is told: it leaves hal_idle, or its running task gives way when
// the kick reaches it (a task woken from another CPU runs at once, not after a slice: the
// running one goes to the back of the queue).
static void runq_added(unsigned cpu) {
    if (cpu != hal_cpu_id()) {
        cpus[cpu].need_resched = true;
        hal_cpu_word_set_on(cpu, SCHED_WORD_ATTENTION, 1);
        hal_cpu_kick(cpu);
        return;
    }
    struct cpu_sched *c = &cpus[cpu];
    if (sched_current() && c->slice_end == ZX_TIME_INFINITE) {
        c->slice_end = hal_now() + SLICE_NS;
        timer_reprogram();
    }
}

void sched_make_runnable(struct task *t) {
    t->state = TASK_RUNNABLE;
    if (t->running) return;  // still on its CPU (it had not stopped yet)
    if (t->cpu == SCHED_NO_CPU) place(t);
    // Its CPU is busy and another it may run on is idle: it goes there (its state is all in
    // memory: hal_context_leave).
    if (unlikely(sched_smp) && !cpus[t->cpu].idle) {
        unsigned idle = idle_cpu_for(t);
        if (idle != SCHED_NO_CPU) move_to(t, idle);
    }
    if (!list_in_list(&t->run_link)) list_add_tail(&cpus[t->cpu].runq, &t->run_link);
    runq_added(t->cpu);
}

void sched_remove(struct task *t) {
    if (list_in_list(&t->run_link)) list_delete(&t->run_link);
}

void sched_task_attention(struct task *t) {
    if (t->running && t->last_cpu != hal_cpu_id()) {
        hal_cpu_word_set_on(t->last_cpu, SCHED_WORD_ATTENTION, 1);
        hal_cpu_kick(t->last_cpu);
    } else {
        sched_request_attention();  // conservative when t is not running: it looks before it runs
    }
}

void sched_set_cpu_mask(struct task *t, uint64_t mask) {
    t->cpu_mask = mask;
    if (t->cpu == SCHED_NO_CPU || (allowed_cpus(t) >> t->cpu & 1)) return;
    unsigned old = t->cpu;
    bool queued = list_in_list(&t->run_link);
    if (queued) list_delete(&t->run_link);
    place(t);
    if (queued) {
        list_add_tail(&cpus[t->cpu].runq, &t->run_link);
        runq_added(t->cpu);
    }
    // Running on its old CPU: it moves when it next passes sched_before_user there.
    if (t->running) {
        if (old == hal_cpu_id()) sched_request_attention();
        else sched_task_attention(t);
    }
}

static const struct task_ops *task_ops;

void sched_set_task_ops(const struct task_ops *ops) { task_ops = ops; }

// A killed task's wait (if any) ends without its continuation: the pending syscall never
// completes.
static void end_wait_for_kill(struct task *t) {
    struct waiter *w = &t->wait;
    if (w->active || w->woken) {
        w->active = false;
        timer_cancel(&w->deadline_timer);
        wait_queue_remove(w);
        task_ops->wait_cancel(w);  // sees `woken` still set when it was woken but never ran
        w->kind = WAIT_NONE;
    }
    w->woken = false;
}

void task_kill(struct task *t) {
    if (t->state == TASK_DEAD) return;
    t->kill_requested = true;
    sched_task_attention(t);
    end_wait_for_kill(t);
    if (t->state == TASK_NEW) {
        t->state = TASK_DEAD;
        unplace(t);
        task_ops->exited(t);
        return;
    }
    if (t->state == TASK_BLOCKED || t->state == TASK_SUSPENDED) sched_make_runnable(t);
}

void sched_yield(void) {
    this_cpu()->need_resched = true;
    sched_request_attention();
}

void task_resume(struct task *t) {
    if (t->suspend_count == 0 && t->state == TASK_SUSPENDED) sched_make_runnable(t);
}

// ---- the loop's steps (the loop itself: the trap layer's, see sched.h) ----

// A task waiting on another CPU's queue that may run here (from the longest queue), moved
// here; NULL when there is none. An idle CPU takes work from busy ones.
static struct task *steal(void) {
    unsigned me = hal_cpu_id(), from = SCHED_NO_CPU, longest = 0;
    for (unsigned i = 0; i < hal_cpu_count(); i++) {
        if (i == me || list_empty(&cpus[i].runq)) continue;
        unsigned n = 0;
        list_for_each(&cpus[i].runq, it) n++;
        if (n > longest) longest = n, from = i;
    }
    if (from == SCHED_NO_CPU) return NULL;
    list_for_each(&cpus[from].runq, it) {
        struct task *t = container_of(it, struct task, run_link);
        if (!(allowed_cpus(t) >> me & 1)) continue;
        list_delete(&t->run_link);
        move_to(t, me);
        return t;
    }
    return NULL;
}

struct task *sched_pick(void) {
    struct cpu_sched *c = this_cpu();
    struct list_node *n;
    struct task *t;
    while (!(n = list_pop_head(&c->runq))) {
        if (unlikely(sched_smp) && (t = steal())) goto picked;
        c->slice_end = ZX_TIME_INFINITE;
        timer_reprogram();
        c->idle = true;
        hal_idle();
        c->idle = false;
    }
    t = container_of(n, struct task, run_link);
picked:
    set_current(t);
    t->running = true;
    t->last_cpu = hal_cpu_id();
    sched_context_switches++;
    hal_aspace_activate(t->aspace);
    c->run_start = hal_now();
    c->slice_end = list_empty(&c->runq) ? ZX_TIME_INFINITE : c->run_start + SLICE_NS;
    c->need_resched = false;
    timer_reprogram();
    return t;
}

static inline __attribute__((always_inline)) void stop_running(struct task *t) {
    t->runtime_ns += hal_now() - this_cpu()->run_start;
    t->running = false;
    if (unlikely(sched_smp)) hal_context_leave(&t->uctx);
    set_current(NULL);
}

bool sched_may_return(const struct task *t) {
    const struct cpu_sched *c = this_cpu();
    return t->state == TASK_RUNNABLE && !t->wait.woken && !t->kill_requested && !t->suspend_count &&
           t->cpu == hal_cpu_id() && !(c->need_resched && !list_empty(&c->runq));
}

enum sched_step sched_before_user(struct task *t) {
    struct cpu_sched *c = this_cpu();
    hal_cpu_word_set(SCHED_WORD_ATTENTION, 0);  // everything it stands for is looked at below
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
        unplace(t);
        task_ops->exited(t);
        return SCHED_STOPPED;
    }
    if (unlikely(t->suspend_count)) {
        t->state = TASK_SUSPENDED;
        task_ops->suspended(t);
        stop_running(t);
        return SCHED_STOPPED;
    }
    if (unlikely(t->cpu != hal_cpu_id())) {  // its CPU mask moved it
        stop_running(t);
        list_add_tail(&cpus[t->cpu].runq, &t->run_link);
        runq_added(t->cpu);
        return SCHED_STOPPED;
    }
    if (c->need_resched && !list_empty(&c->runq)) {
        c->need_resched = false;
        stop_running(t);
        // Preempted: to the back of this CPU's queue, or to an idle CPU it may run on.
        unsigned idle = unlikely(sched_smp) ? idle_cpu_for(t) : SCHED_NO_CPU;
        if (idle != SCHED_NO_CPU) move_to(t, idle);
        list_add_tail(&cpus[t->cpu].runq, &t->run_link);
        if (idle != SCHED_NO_CPU) runq_added(idle);
        return SCHED_STOPPED;
    }
    // Nothing else to run: the request is spent. Left set, a task queued here later by this CPU
    // (a wake from a syscall, which gives the running task a slice: runq_added) would make the
    // task look preempted to sched_may_return while the attention word is clear.
    c->need_resched = false;
    // Another CPU queued a task here (and kicked this one): the current one gets a slice.
    if (unlikely(sched_smp) && c->slice_end == ZX_TIME_INFINITE && !list_empty(&c->runq)) {
        c->slice_end = hal_now() + SLICE_NS;
        timer_reprogram();
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
        // A kill or a suspension from another CPU can reach a running task while it is in a
        // syscall (the kick is taken after it): it may block even so. A killed one does not
        // wait (task_kill would have ended the wait); a suspended one is suspended as it waits
        // (thread_suspend_one's signal when it finds the task blocked).
        if (unlikely(t->kill_requested) && t->state == TASK_BLOCKED) {
            end_wait_for_kill(t);
            t->state = TASK_RUNNABLE;
            return true;  // sched_before_user ends it
        }
        if (unlikely(t->suspend_count) && t->state == TASK_BLOCKED) task_ops->suspended(t);
        stop_running(t);
        return false;
    }
    return true;
}

// The other CPUs' way into the executor (hal_start_other_cpus).
__attribute__((noreturn)) static void run_other_cpu(void) { task_ops->run_loop(); }

void sched_run(void) {
    sched_smp = hal_cpu_count() > 1;
    hal_start_other_cpus(run_other_cpu);
    task_ops->run_loop();
}
