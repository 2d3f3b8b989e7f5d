// Processes: creation, death and what dies with them (objects/task.h).
#include "objects/task.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/futex.h"

static struct slab_cache process_cache;

void process_global_init(void) {
    slab_cache_init(&process_cache, "process", sizeof(struct process));
}

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
void process_finish(struct process *p) {
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

