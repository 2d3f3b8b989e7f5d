// Jobs, processes and threads: lifecycle and death.
#include "objects/task.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/futex.h"

static struct slab_cache job_cache, process_cache, thread_cache;
uint64_t kmem_thread_bytes;

// ---- jobs ----

// ZX_JOB_NO_JOBS: no live child job; ZX_JOB_NO_PROCESSES: no process that has not yet died.
// Called whenever either list, or a child's liveness, changes.
static void job_update_child_signals(struct job *j) {
    zx_signals_t set = ZX_JOB_NO_JOBS;
    list_for_each(&j->jobs, it) {
        if (!container_of(it, struct job, sibling_link)->dead) {
            set = 0;
            break;
        }
    }
    if (list_empty(&j->processes)) set |= ZX_JOB_NO_PROCESSES;
    kobj_signal(&j->obj, ZX_JOB_NO_CHILDREN & ~set, set);
}

static void job_destroy(struct kobj *o) {
    struct job *j = to_job(o);
    list_for_each_safe(&j->jobs, it, tmp) {
        struct job *c = container_of(it, struct job, sibling_link);
        list_delete(&c->sibling_link);
        list_clear_node(&c->sibling_link);
    }
    if (j->parent) {
        if (j->sibling_link.next) list_delete(&j->sibling_link);
        job_update_child_signals(j->parent);
        kobj_unref(&j->parent->obj);
    }
    exc_port_release(&j->exc);
    slab_free(j);
}
static const struct kobj_ops job_ops = {.destroy = job_destroy};

zx_status_t job_create(struct job *parent, struct job **out) {
    struct job *j = slab_alloc(&job_cache);
    if (!j) return ZX_ERR_NO_MEMORY;
    if (parent && parent->dead) {
        slab_free(j);
        return ZX_ERR_BAD_STATE;
    }
    if (parent && parent->height >= JOB_MAX_HEIGHT) {
        slab_free(j);
        return ZX_ERR_OUT_OF_RANGE;
    }
    kobj_init(&j->obj, ZX_OBJ_TYPE_JOB, &job_ops);
    j->parent = parent;
    j->height = parent ? parent->height + 1 : 0;
    list_init(&j->processes);
    list_init(&j->jobs);
    list_clear_node(&j->sibling_link);
    j->dead = false;
    j->procs_killed = false;
    j->return_code = 0;
    j->exc.chan = NULL;
    j->kill_on_oom = false;
    j->obj.signals = ZX_JOB_NO_CHILDREN;
    if (parent) {
        kobj_ref(&parent->obj);
        list_add_tail(&parent->jobs, &j->sibling_link);
        memcpy(j->policy, parent->policy, sizeof(j->policy));
        memcpy(j->override, parent->override, sizeof(j->override));
        j->slack_mode = parent->slack_mode;
        j->min_slack = parent->min_slack;
        job_update_child_signals(parent);
    } else {
        memset(j->policy, 0, sizeof(j->policy));     // ALLOW
        memset(j->override, 0, sizeof(j->override)); // children may change everything
        j->slack_mode = 0;
        j->min_slack = 0;
    }
    *out = j;
    return ZX_OK;
}

static struct job *first_child_where(struct job *j, bool (*pred)(struct job *c)) {
    list_for_each(&j->jobs, it) {
        struct job *c = container_of(it, struct job, sibling_link);
        if (pred(c)) return c;
    }
    return NULL;
}
static bool job_alive(struct job *c) { return !c->dead; }
static bool job_unfinished(struct job *c) { return !(c->obj.signals & ZX_TASK_TERMINATED); }
static bool job_procs_alive(struct job *c) { return !c->procs_killed; }

// A killed job terminates once its processes have really died (a killed process with running
// threads dies when each of them next reaches the kernel) and every child job has terminated;
// that may complete an ancestor too. Iterative, bounded by JOB_MAX_HEIGHT.
static void job_check_terminated(struct job *j) {
    while (j && j->procs_killed && !(j->obj.signals & ZX_TASK_TERMINATED) &&
           list_empty(&j->processes) && !first_child_where(j, job_unfinished)) {
        kobj_signal(&j->obj, 0, ZX_TASK_TERMINATED);
        if (j->parent) job_update_child_signals(j->parent);
        j = j->parent;
    }
}

// Iterative (no recursion over the tree, whose height JOB_MAX_HEIGHT bounds anyway): first
// the whole subtree is marked dead, top down, so nothing below gains children and nested kills
// (a critical process dying) stop at once; then, bottom up, each job's processes are killed;
// each job signals ZX_TASK_TERMINATED when they and its children are gone (job_check_terminated,
// now or when the last process dies). The walk holds a reference on each job of the path from
// top to where it is.
void job_kill(struct job *top, int64_t code) {
    if (top->dead) return;
    struct job *j = top;
    for (;;) {
        j->dead = true;
        j->return_code = code;
        struct job *c = first_child_where(j, job_alive);
        if (c) {
            j = c;
            continue;
        }
        if (j == top) break;
        j = j->parent;
    }
    kobj_ref(&top->obj);
    j = top;
    for (;;) {
        struct job *c = first_child_where(j, job_procs_alive);
        if (c) {
            kobj_ref(&c->obj);
            j = c;
            continue;
        }
        j->procs_killed = true;
        list_for_each_safe(&j->processes, it, tmp) process_kill(container_of(it, struct process, job_link), code);
        job_check_terminated(j);
        struct job *up = j->parent;  // still held: the walk references every job on its path
        bool last = j == top;
        kobj_unref(&j->obj);
        if (last) return;
        j = up;
    }
}

void current_raise_policy_exception(uint32_t code) {
    if (sched_current()) task_thread(sched_current())->policy_exception = code + 1;
}

zx_status_t job_policy_check(struct process *p, uint32_t cond) {
    uint8_t action = cond < JOB_POLICY_COUNT ? p->job->policy[cond] : ZX_POL_ACTION_ALLOW;
    switch (action) {
    case ZX_POL_ACTION_ALLOW:
        return ZX_OK;
    case ZX_POL_ACTION_ALLOW_EXCEPTION:
    case ZX_POL_ACTION_DENY_EXCEPTION:
        // The calling thread raises ZX_EXCP_POLICY_ERROR once the syscall has its result.
        if (sched_current() && task_thread(sched_current())->proc == p) current_raise_policy_exception(cond);
        return action == ZX_POL_ACTION_ALLOW_EXCEPTION ? ZX_OK : ZX_ERR_ACCESS_DENIED;
    case ZX_POL_ACTION_KILL:
        process_kill(p, ZX_TASK_RETCODE_POLICY_KILL);
        return ZX_ERR_ACCESS_DENIED;
    default:
        return ZX_ERR_ACCESS_DENIED;
    }
}

// ---- processes ----

static void process_finish(struct process *p);

static void process_on_zero_handles(struct kobj *o) {
    struct process *p = to_process(o);
    // A process that never started has nothing to keep it alive.
    if (p->state == PROC_INITIAL) {
        p->return_code = 0;
        process_finish(p);
    }
}

static void process_destroy(struct kobj *o) {
    struct process *p = to_process(o);
    ASSERT(p->state == PROC_DEAD);
    // Made critical after it died (zx_job_set_critical accepts that, as Zircon does): the
    // binding never fired, its job reference goes with the process.
    if (p->critical_to) kobj_unref(&p->critical_to->obj);
    vm_aspace_unref(p->as);
    kobj_unref(&p->job->obj);
    slab_free(p);
}
static const struct kobj_ops process_ops = {.on_zero_handles = process_on_zero_handles,
                                            .destroy = process_destroy};

zx_status_t process_create(struct job *job, const char *name, struct process **out) {
    if (job->dead) return ZX_ERR_BAD_STATE;
    struct process *p = slab_alloc(&process_cache);
    if (!p) return ZX_ERR_NO_MEMORY;
    zx_status_t st = vm_aspace_create(&p->as);
    if (st != ZX_OK) {
        slab_free(p);
        return st;
    }
    kobj_init(&p->obj, ZX_OBJ_TYPE_PROCESS, &process_ops);
    strlcpy(p->obj.name, name, sizeof(p->obj.name));
    p->job = job;
    kobj_ref(&job->obj);
    list_add_tail(&job->processes, &p->job_link);
    job_update_child_signals(job);
    kobj_ref(&p->obj);  // the job's list reference
    handle_table_init(&p->handles, p);
    list_init(&p->threads);
    p->live_threads = 0;
    p->state = PROC_INITIAL;
    p->return_code = 0;
    p->is_root = false;
    p->suspend_count = 0;
    p->start_time = 0;
    p->exc.chan = p->exc_debugger.chan = NULL;
    p->dead_runtime = 0;
    p->critical_to = NULL;
    p->critical_nonzero_only = false;
    *out = p;
    return ZX_OK;
}

// The last thread died (or the process never ran): release everything it holds.
static void process_finish(struct process *p) {
    if (p->state == PROC_DEAD) return;
    p->state = PROC_DEAD;
    // Threads that were created but never started die with it.
    list_for_each_safe(&p->threads, it, tmp) {
        struct thread *t = container_of(it, struct thread, proc_link);
        if (t->task.state != TASK_DEAD) task_kill(&t->task);
    }
    exc_port_release(&p->exc);
    exc_port_release(&p->exc_debugger);
    handle_table_destroy(&p->handles);
    vm_aspace_destroy_mappings(p->as);
    kobj_signal(&p->obj, 0, ZX_TASK_TERMINATED);
    if (p->is_root) {
        kprintf("zc: userboot exited with status %ld\n", p->return_code);
        int64_t c = p->return_code;
        hal_shutdown(c >= 0 && c <= 124 ? (int)c : 125);
    }
    list_delete(&p->job_link);
    job_update_child_signals(p->job);
    job_check_terminated(p->job);
    // A critical process takes its job down with it.
    if (p->critical_to) {
        struct job *cj = p->critical_to;
        p->critical_to = NULL;
        if (!p->critical_nonzero_only || p->return_code != 0) job_kill(cj, ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL);
        kobj_unref(&cj->obj);
    }
    kobj_unref(&p->obj);  // the job's list reference
}

void process_kill(struct process *p, int64_t code) {
    if (p->state == PROC_DYING || p->state == PROC_DEAD) return;
    bool was_running = p->state == PROC_RUNNING && p->live_threads > 0;
    p->return_code = code;
    p->state = PROC_DYING;
    if (!was_running) {
        process_finish(p);
        return;
    }
    list_for_each_safe(&p->threads, it, tmp) {
        struct thread *t = container_of(it, struct thread, proc_link);
        task_kill(&t->task);
    }
}

// ---- threads ----

static void thread_destroy(struct kobj *o) {
    struct thread *t = to_thread(o);
    hal_uctx_release(&t->task.uctx);
    kobj_unref(&t->proc->obj);
    slab_free(t);
}
static const struct kobj_ops thread_ops = {.destroy = thread_destroy};

zx_status_t thread_create(struct process *p, const char *name, struct thread **out) {
    if (p->state == PROC_DYING || p->state == PROC_DEAD) return ZX_ERR_BAD_STATE;
    struct thread *t = slab_alloc(&thread_cache);
    if (!t) return ZX_ERR_NO_MEMORY;
    kobj_init(&t->obj, ZX_OBJ_TYPE_THREAD, &thread_ops);
    strlcpy(t->obj.name, name, sizeof(t->obj.name));
    task_init(&t->task, &p->as->hal);
    t->proc = p;
    kobj_ref(&p->obj);
    list_add_tail(&p->threads, &t->proc_link);
    kobj_ref(&t->obj);  // the process's list reference, dropped when the thread dies
    t->started = false;
    list_clear_node(&t->port_link);
    list_clear_node(&t->call_link);
    list_clear_node(&t->wait_obs.link);
    t->call_reply = NULL;
    t->start_time = 0;
    list_clear_node(&t->futex_link);
    t->futex = NULL;
    t->owned_futexes = 0;
    t->exc.chan = NULL;
    t->cur_exc = NULL;
    t->blocked_reason = 0;
    t->policy_exception = 0;
    *out = t;
    return ZX_OK;
}

zx_status_t thread_start(struct thread *t, uintptr_t pc, uintptr_t sp, uint64_t arg1, uint64_t arg2) {
    struct process *p = t->proc;
    if (t->started || t->task.state == TASK_DEAD) return ZX_ERR_BAD_STATE;
    if (p->state == PROC_DYING || p->state == PROC_DEAD) return ZX_ERR_BAD_STATE;
    t->started = true;
    hal_uctx_init(&t->task.uctx, pc, sp, arg1, arg2);
    t->task.suspend_count += p->suspend_count;
    p->state = PROC_RUNNING;
    p->live_threads++;
    kobj_signal(&t->obj, 0, ZX_THREAD_RUNNING);
    sched_make_runnable(&t->task);
    return ZX_OK;
}

void thread_kill(struct thread *t) { task_kill(&t->task); }

// The executor calls this (struct task_ops) when a task dies (after exit or kill).
void thread_task_exited(struct task *task) {
    struct thread *t = task_thread(task);
    struct process *p = t->proc;
    task->state = TASK_DEAD;
    sched_remove(task);
    kobj_signal(&t->obj, ZX_THREAD_RUNNING | ZX_THREAD_SUSPENDED, ZX_THREAD_TERMINATED);
    futex_owner_died(t);
    exc_port_release(&t->exc);
    if (t->cur_exc) {
        struct exception *e = t->cur_exc;
        t->cur_exc = NULL;
        kobj_unref(&e->obj);
    }
    list_delete(&t->proc_link);
    p->dead_runtime += task->runtime_ns;
    bool was_started = t->started;
    kobj_unref(&t->obj);  // the process's list reference
    if (was_started && --p->live_threads == 0) {
        if (p->state == PROC_RUNNING) p->state = PROC_DYING;  // last thread exited: return code 0
        process_finish(p);
    }
}

void task_global_init(void) {
    slab_cache_init(&job_cache, "job", sizeof(struct job));
    slab_cache_init(&process_cache, "process", sizeof(struct process));
    slab_cache_init(&thread_cache, "thread", sizeof(struct thread));
    kmem_thread_bytes = thread_cache.obj_size;
}

// ---- suspension ----

struct suspend_token {
    struct kobj obj;
    struct kobj *target;  // a thread or a process, referenced
};

static void thread_suspend_one(struct thread *t) {
    if (t->task.state == TASK_DEAD) return;
    if (t->task.suspend_count++ == 0 && t->task.state == TASK_BLOCKED)
        kobj_signal(&t->obj, ZX_THREAD_RUNNING, ZX_THREAD_SUSPENDED);
}

static void thread_resume_one(struct thread *t) {
    if (t->task.state == TASK_DEAD || t->task.suspend_count == 0) return;
    if (--t->task.suspend_count) return;
    if (t->started) {
        kobj_signal(&t->obj, ZX_THREAD_SUSPENDED, ZX_THREAD_RUNNING);
        task_resume(&t->task);
    }
}

void thread_task_suspended(struct task *task) {
    kobj_signal(&task_thread(task)->obj, ZX_THREAD_RUNNING, ZX_THREAD_SUSPENDED);
}

static void token_on_zero_handles(struct kobj *o) {
    struct suspend_token *tk = (struct suspend_token *)o;
    struct kobj *target = tk->target;
    if (!target) return;
    if (target->type == ZX_OBJ_TYPE_THREAD) {
        thread_resume_one(to_thread(target));
    } else {
        struct process *p = to_process(target);
        p->suspend_count--;
        list_for_each(&p->threads, it) thread_resume_one(container_of(it, struct thread, proc_link));
    }
    tk->target = NULL;
    kobj_unref(target);
}

static void token_destroy(struct kobj *o) { kfree(o); }
static const struct kobj_ops token_ops = {.on_zero_handles = token_on_zero_handles, .destroy = token_destroy};

zx_status_t task_suspend(struct kobj *target, struct kobj **out) {
    if (target->type == ZX_OBJ_TYPE_THREAD) {
        struct thread *t = to_thread(target);
        if (t->task.state == TASK_DEAD) return ZX_ERR_BAD_STATE;
    } else if (target->type == ZX_OBJ_TYPE_PROCESS) {
        struct process *p = to_process(target);
        if (p->state == PROC_DYING || p->state == PROC_DEAD) return ZX_ERR_BAD_STATE;
    } else {
        return ZX_ERR_WRONG_TYPE;
    }
    struct suspend_token *tk = kmalloc(sizeof(*tk));
    if (!tk) return ZX_ERR_NO_MEMORY;
    kobj_init(&tk->obj, ZX_OBJ_TYPE_SUSPEND_TOKEN, &token_ops);
    tk->target = target;
    kobj_ref(target);
    if (target->type == ZX_OBJ_TYPE_THREAD) {
        thread_suspend_one(to_thread(target));
    } else {
        struct process *p = to_process(target);
        p->suspend_count++;
        list_for_each(&p->threads, it) {
            struct thread *t = container_of(it, struct thread, proc_link);
            if (t->started) thread_suspend_one(t);
        }
    }
    *out = &tk->obj;
    return ZX_OK;
}
