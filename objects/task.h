// Jobs, processes and threads.
#ifndef ZC_OBJECTS_TASK_H
#define ZC_OBJECTS_TASK_H

#include <stdint.h>
#include <zircon/types.h>

#include "kernel/sched.h"
#include "objects/exception.h"
#include "objects/handle.h"
#include "objects/kobj.h"

struct message;
struct futex;
#include "objects/vmar.h"

#define JOB_POLICY_COUNT 17  // ZX_POL_MAX
// Zircon's job height limit: a job this far below the root job cannot have child jobs
// (zx_job_create: ZX_ERR_OUT_OF_RANGE). It also bounds every walk of the job tree.
#define JOB_MAX_HEIGHT 32

struct job {
    struct kobj obj;
    struct job *parent;          // referenced
    uint32_t height;             // distance from the root job
    struct list_node processes;  // struct process.job_link (each holds a reference)
    struct list_node jobs;       // child jobs: struct job.sibling_link (not referenced)
    struct list_node sibling_link;
    bool dead;                   // killed: no new children
    bool procs_killed;           // job_kill has killed its processes (it may still wait for them)
    int64_t return_code;
    uint8_t policy[JOB_POLICY_COUNT];    // ZX_POL_ACTION_* per ZX_POL_* condition
    uint8_t override[JOB_POLICY_COUNT];  // ZX_POL_OVERRIDE_*: may children change it?
    uint32_t slack_mode;
    bool kill_on_oom;            // ZX_PROP_JOB_KILL_ON_OOM (zc never runs out: only recorded)
    zx_duration_t min_slack;
    struct exc_port exc;
};

enum process_state { PROC_INITIAL, PROC_RUNNING, PROC_DYING, PROC_DEAD };

struct process {
    struct kobj obj;
    struct job *job;             // holds a reference
    struct list_node job_link;
    struct handle_table handles;
    struct vm_aspace *as;
    struct list_node threads;    // struct thread.proc_link (each holds a reference)
    uint32_t live_threads;       // started, not yet dead
    enum process_state state;
    int64_t return_code;
    bool is_root;                // userboot: its death ends the system
    zx_time_t start_time;
    uint32_t suspend_count;      // process-wide suspensions (tokens on the process)
    struct exc_port exc, exc_debugger;
    uint64_t dead_runtime;       // CPU time of its threads that are gone
    struct job *critical_to;     // referenced: its death kills that job (zx_job_set_critical)
    bool critical_nonzero_only;
};

struct thread {
    struct kobj obj;
    struct task task;
    struct process *proc;        // holds a reference
    struct list_node proc_link;
    bool started;
    struct observer wait_obs;    // zx_object_wait_one's observer
    uint32_t owned_futexes;
    struct exc_port exc;
    struct exception *cur_exc;   // referenced while the thread waits in an exception
    uint32_t policy_exception;   // ZX_POL_* + 1 to raise when the syscall returns (0 = none)
    // The thread's syscalls so far, and the number of the last (dispatch.c): the thread's own,
    // so that CPUs running syscalls at once share nothing here.
    uint64_t syscalls;
    uint64_t syscall_num;
    // A user copy of the thread's syscall `pager_fault_seq` (its syscalls count) hit a page a
    // pager has not supplied, at pager_fault_addr (0: none): the syscall may wait for it and
    // restart (dispatch.c; do_syscall tests only the address, on its hot path).
    uint64_t pager_fault_seq;
    uintptr_t pager_fault_addr;
    bool pager_fault_write;      // that copy wrote (a clean page may need the pager to dirty it)
    zx_time_t start_time;
};

static inline struct job *to_job(struct kobj *o) {
    return (struct job *)kobj_checked(o, ZX_OBJ_TYPE_JOB);
}
static inline struct process *to_process(struct kobj *o) {
    return (struct process *)kobj_checked(o, ZX_OBJ_TYPE_PROCESS);
}
static inline struct thread *to_thread(struct kobj *o) {
    return (struct thread *)kobj_checked(o, ZX_OBJ_TYPE_THREAD);
}
static inline struct thread *task_thread(struct task *t) { return container_of(t, struct thread, task); }

static inline struct thread *current_thread(void) { return task_thread(sched_current()); }
static inline struct process *current_process(void) { return current_thread()->proc; }

// The root job (made by the object layer's init, objects/init.c; never destroyed).
void job_root_init(void);
struct job *job_root(void);
// Between the task files (job.c, process.c, thread.c) and objects/init.c: not for other layers.
void job_global_init(void);
void process_global_init(void);
void thread_global_init(void);
void job_update_child_signals(struct job *j);  // NO_JOBS / NO_PROCESSES after a list change
void job_check_terminated(struct job *j);       // a killed job whose tasks are gone terminates
void process_finish(struct process *p);         // the last thread died: release everything
zx_status_t job_create(struct job *parent, struct job **out) __attribute__((warn_unused_result));
zx_status_t process_create(struct job *job, const char *name, struct process **out) __attribute__((warn_unused_result));
zx_status_t thread_create(struct process *p, const char *name, struct thread **out) __attribute__((warn_unused_result));
zx_status_t thread_start(struct thread *t, uintptr_t pc, uintptr_t sp, uint64_t arg1, uint64_t arg2) __attribute__((warn_unused_result));
// Ends the process with `code` (kills every thread; the last one to die finishes it).
void process_kill(struct process *p, int64_t code);
// Kills every process and job below j (and j): ZX_TASK_TERMINATED, no new children.
void job_kill(struct job *j, int64_t code);
// The action the caller's job takes for policy condition `cond` (ZX_POL_*): ZX_OK to go on,
// ZX_ERR_ACCESS_DENIED to refuse (the process may also have been killed).
zx_status_t job_policy_check(struct process *p, uint32_t cond);
void thread_kill(struct thread *t);
// ZX_THREAD_STATE_BLOCKED_* for a thread blocked in a syscall: from the kind of its wait.
uint32_t thread_blocked_state(const struct thread *t);
// The executor's task_ops (registered by syscalls/dispatch.c): a thread's task died, or
// stopped for a suspension.
void thread_task_exited(struct task *task);
void thread_task_suspended(struct task *task);
// The calling thread (if a user thread is running) raises ZX_EXCP_POLICY_ERROR with synth code
// `code` (ZX_EXCP_POLICY_CODE_*; the ZX_POL_* conditions share their numbers) once its syscall
// has its result.
void current_raise_policy_exception(uint32_t code);
// zx_task_suspend: a token object; the task stays suspended while the token lives.
zx_status_t task_suspend(struct kobj *task, struct kobj **token) __attribute__((warn_unused_result));
static inline bool thread_stopped(const struct thread *t) {
    return t->task.state == TASK_SUSPENDED || t->cur_exc != NULL;
}

extern uint64_t kmem_thread_bytes;  // kernel bytes held per live thread object (slab size)

#endif
