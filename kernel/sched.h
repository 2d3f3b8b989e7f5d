// The executor (DESIGN.md §2): one kernel stack, user threads as tasks that run until they
// trap, blocking syscalls as waiters with continuations, and a deadline-ordered timer queue.
#ifndef ZC_KERNEL_SCHED_H
#define ZC_KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "hal/hal.h"
#include "kernel/list.h"
#include "kernel/user_ptr.h"

struct task;

// ---- timers ----
struct timer {
    struct list_node link;  // in the timer queue, ordered by deadline
    zx_time_t deadline;
    void (*fire)(struct timer *t);
};
void timer_init(struct timer *t, void (*fire)(struct timer *));
void timer_arm(struct timer *t, zx_time_t deadline);
void timer_cancel(struct timer *t);
static inline bool timer_armed(const struct timer *t) { return t->link.next != NULL; }

// ---- waiters ----
// A blocked task's pending syscall. Whatever ends the wait first (the awaited event, the
// deadline, cancellation, the task being killed) calls waiter_wake(), which unlinks the waiter
// from everything else; the continuation runs when the task next runs, in its address space,
// and produces the syscall's return value.
typedef int64_t (*wait_cont_fn)(struct task *t, zx_status_t reason);
// What each kind of blocking call keeps for its continuation, one member per call (the
// handler that blocks fills its member; only its continuation, unlink and cleanup read it).
// The object types are only named here: their layers own them.
struct port;
struct channel;
struct many_obs;
union wait_state {
    struct {
        user_out_ptr observed;   // NULL: not wanted
        zx_signals_t signals;    // the object's signals when the wait ended (set by unlink)
    } wait_one;
    struct {
        user_inout_ptr items;
        size_t count;            // 0: a plain sleep
        struct many_obs *obs;    // count observers, then count signal snapshots; freed by cleanup
    } wait_many;
    struct {
        struct port *port;       // referenced; dropped by cleanup
        user_out_ptr packet;
        zx_time_t deadline;      // for a re-wait after another thread took the packet
    } port_wait;
    struct channel_call_state {
        struct channel *channel; // referenced; dropped by cleanup
        user_out_ptr rd_bytes, rd_handles, actual_bytes, actual_handles;
        uint32_t rd_num_bytes, rd_num_handles;
        bool etc;                // zx_channel_call_etc: handle dispositions
    } channel_call;
};

struct waiter {
    wait_cont_fn cont;
    void (*unlink)(struct waiter *w);  // detach from the awaited object(s) (called before the
                                       // continuation, or on kill); may be NULL
    // Releases what the wait holds (references, memory): runs once, after the continuation
    // (unless it blocked again, which carries the resources over) or when the task is killed.
    // Set it before wait_block. May be NULL.
    void (*cleanup)(struct waiter *w);
    struct timer deadline_timer;
    zx_status_t reason;                // why it woke
    bool active;                       // between wait_block and waiter_wake
    bool woken;                        // continuation pending
    bool keep_regs;                    // the continuation's value is not the syscall's result
    union wait_state state;            // what the blocked call needs to finish, by call
};

enum task_state { TASK_NEW, TASK_RUNNABLE, TASK_BLOCKED, TASK_SUSPENDED, TASK_DEAD };

struct task {
    struct hal_uctx uctx;
    struct list_node run_link;
    enum task_state state;
    bool kill_requested;
    struct waiter wait;
    struct hal_aspace *aspace;
    uint64_t runtime_ns;
    uint32_t suspend_count;  // > 0: stop before returning to user mode
};

void task_init(struct task *t, struct hal_aspace *as);
void sched_make_runnable(struct task *t);
void sched_remove(struct task *t);  // off the run queue (if on it)
struct task *sched_current(void);

// Called by a syscall handler to block the current task. The handler then returns; its return
// value is ignored, and the continuation's becomes the syscall's result.
void wait_block(struct task *t, zx_time_t deadline, wait_cont_fn cont,
                void (*unlink)(struct waiter *));
void waiter_wake(struct waiter *w, zx_status_t reason);
// Kills a task: wakes it from any wait with ZX_ERR_CANCELED semantics and marks it to die
// before it returns to user mode.
void task_kill(struct task *t);

// The current task gives up the rest of its time slice when it next returns to user mode
// (it goes to the back of the run queue if anyone else is runnable).
void sched_yield(void);

// Undoes a suspension once suspend_count is back to 0.
void task_resume(struct task *t);

// Starts the executor: the registered task_ops.run_loop, which never returns.
__attribute__((noreturn)) void sched_run(void);

// The executor's loop lives in the layer that handles traps (syscalls/dispatch.c), as DESIGN.md
// §2 draws it, so that the hot path calls only downward:
//   for (;;) {
//       t = sched_pick();
//       while (sched_before_user(t) == SCHED_ENTER_USER) {
//           hal_context_run(&t->uctx, &trap);
//           handle_trap(t, &trap);
//           if (!sched_after_trap(t)) break;
//       }
//   }
enum sched_step {
    SCHED_ENTER_USER,  // run the task in user mode now
    SCHED_STOPPED,     // it stopped (blocked, suspended, preempted or dead): pick another
};
struct task *sched_pick(void);  // the next runnable task, made current (idles until one exists)
// Finishes a woken wait's continuation and applies a pending kill, suspension or preemption.
enum sched_step sched_before_user(struct task *t);
// After the trap was handled: false when the task stopped running (it blocked or suspended).
bool sched_after_trap(struct task *t);

// What the layers above the executor do for it, registered once at init (syscalls/dispatch.c):
// the executor never names a higher layer's symbol (docs/layers.md).
struct task_ops {
    void (*exited)(struct task *t);     // the task died (after an exit or a kill)
    void (*suspended)(struct task *t);  // it stopped for a suspension
    __attribute__((noreturn)) void (*run_loop)(void);  // the executor's loop (see below)
};
void sched_set_task_ops(const struct task_ops *ops);

extern uint64_t sched_context_switches;

#endif
