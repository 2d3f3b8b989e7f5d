// The executor (DESIGN.md §2): one kernel stack per CPU, user threads as tasks that run until
// they trap, blocking syscalls as waiters with continuations, a run queue per CPU and a
// deadline-ordered timer queue. With several CPUs, kernel code runs under the HAL's kernel
// lock (hal.h, docs/smp.md).
#ifndef ZC_KERNEL_SCHED_H
#define ZC_KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "hal/hal.h"
#include "kernel/list.h"
#include "kernel/user_ptr.h"
#include "kernel/wait.h"

enum task_state { TASK_NEW, TASK_RUNNABLE, TASK_BLOCKED, TASK_SUSPENDED, TASK_DEAD };

#define SCHED_NO_CPU (~0u)

struct task {
    struct hal_uctx uctx;
    struct list_node run_link;
    enum task_state state;
    bool kill_requested;
    bool running;            // current on some CPU (last_cpu)
    unsigned cpu;            // the CPU whose run queue it joins (SCHED_NO_CPU: not placed yet)
    unsigned last_cpu;       // where it last ran (ZX_INFO_THREAD_STATS), SCHED_NO_CPU: never
    uint64_t cpu_mask;       // CPUs it may run on (bit i: CPU i); 0: any
    struct waiter wait;
    struct hal_aspace *aspace;
    uint64_t runtime_ns;
    uint32_t suspend_count;  // > 0: stop before returning to user mode
};

void task_init(struct task *t, struct hal_aspace *as);
void sched_make_runnable(struct task *t);
void sched_remove(struct task *t);  // off the run queue (if on it)
struct task *sched_current(void);  // this CPU's
// t must look at the executor before it next runs user code (a kill, a suspension): when it
// runs on another CPU, that CPU is told; otherwise this CPU's attention is set.
void sched_task_attention(struct task *t);
// Limits t to the CPUs in mask (bit i: CPU i; 0 or no CPU online in it: any). A task on a CPU
// no longer allowed moves now if it waits, when it next stops if it runs.
void sched_set_cpu_mask(struct task *t, uint64_t mask);

static inline struct task *waiter_task(struct waiter *w) { return container_of(w, struct task, wait); }
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
// After a syscall handled without leaving user mode's register state (the HAL's fast path):
// true when nothing needs the executor before the task goes back to user mode (no wait, kill,
// suspension or preemption pending): sched_after_trap and sched_before_user would do nothing.
// The full condition; the fast path tests only sched_attention (debug builds check both agree).
bool sched_may_return(const struct task *t);
// This CPU's attention flag: set by everything that can make its running task stop before user
// mode (a wait, a kill, a suspension, a yield or the end of a slice, a policy exception, a
// move to another CPU); cleared when the executor has looked (sched_before_user). A syscall
// that did not block may return straight to user mode when it is clear. Conservative: a kill
// of a task that is not running also sets it. It and the current task are HAL per-CPU words.
#define SCHED_WORD_CURRENT 0
#define SCHED_WORD_ATTENTION HAL_CPU_WORD_SYSCALL_STOP  // the direct syscall path tests it
#define SCHED_WORD_CPU 2  // this CPU's struct cpu_sched (kernel/sched.c)
static inline bool sched_attention(void) { return hal_cpu_word(SCHED_WORD_ATTENTION) != 0; }
static inline void sched_request_attention(void) { hal_cpu_word_set(SCHED_WORD_ATTENTION, 1); }
// After the trap was handled: false when the task stopped running (it blocked or suspended).
bool sched_after_trap(struct task *t);

// What the layers above the executor do for it, registered once at init (syscalls/dispatch.c):
// the executor never names a higher layer's symbol (docs/layers.md).
struct task_ops {
    void (*exited)(struct task *t);     // the task died (after an exit or a kill)
    void (*suspended)(struct task *t);  // it stopped for a suspension
    __attribute__((noreturn)) void (*run_loop)(void);  // the executor's loop (see below)
    // Releases what a wait holds (references, memory, observers), switching on its kind: runs
    // once, after the continuation (unless it blocked again: the resources carry over) or
    // instead of it when the task is killed.
    void (*wait_cancel)(struct waiter *w);
};
void sched_set_task_ops(const struct task_ops *ops);

extern uint64_t sched_context_switches;

#endif
