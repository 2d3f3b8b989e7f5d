// Threads: creation, start, and the executor's task_ops for them (objects/task.h).
#include "objects/task.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/futex.h"

static struct slab_cache thread_cache;
uint64_t kmem_thread_bytes;

void thread_global_init(void) {
    slab_cache_init(&thread_cache, "thread", sizeof(struct thread));
    kmem_thread_bytes = thread_cache.obj_size;
}

static void thread_destroy(struct kobj *o) {
    struct thread *t = to_thread(o);
    hal_uctx_release(&t->task.uctx);
    kobj_unref(&t->proc->obj);
    slab_free(t);
}
static zx_status_t thread_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w);
static zx_status_t thread_set_property(struct kobj *o, uint32_t property, const void *value);
static zx_koid_t thread_related_koid(struct kobj *o);
static const struct kobj_ops thread_ops = {.destroy = thread_destroy,
                                           .get_info = thread_get_info,
                                           .set_property = thread_set_property,
                                           .related_koid = thread_related_koid,
                                           .named = true};

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
    list_clear_node(&t->wait_obs.link);
    t->start_time = 0;
    t->owned_futexes = 0;
    t->exc.chan = NULL;
    t->cur_exc = NULL;
    t->policy_exception = 0;
    t->pager_fault_seq = 0;
    t->pager_fault_addr = 0;
    t->pager_fault_write = false;
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

void thread_task_suspended(struct task *task) {
    kobj_signal(&task_thread(task)->obj, ZX_THREAD_RUNNING, ZX_THREAD_SUSPENDED);
}


uint32_t thread_blocked_state(const struct thread *t) {
    switch (t->task.wait.kind) {
    case WAIT_SLEEP: return ZX_THREAD_STATE_BLOCKED_SLEEPING;
    case WAIT_ONE: return ZX_THREAD_STATE_BLOCKED_WAIT_ONE;
    case WAIT_MANY: return ZX_THREAD_STATE_BLOCKED_WAIT_MANY;
    case WAIT_PORT: return ZX_THREAD_STATE_BLOCKED_PORT;
    case WAIT_CHANNEL_CALL: return ZX_THREAD_STATE_BLOCKED_CHANNEL;
    case WAIT_FUTEX: return ZX_THREAD_STATE_BLOCKED_FUTEX;
    case WAIT_EXCEPTION: return ZX_THREAD_STATE_BLOCKED_EXCEPTION;
    case WAIT_PAGER: return ZX_THREAD_STATE_BLOCKED_PAGER;
    case WAIT_NONE: break;
    }
    return ZX_THREAD_STATE_BLOCKED;
}

// ---- zx_object_get_info, properties ----

static uint32_t thread_state(const struct thread *t) {
    switch (t->task.state) {
    case TASK_NEW: return ZX_THREAD_STATE_NEW;
    case TASK_RUNNABLE: return ZX_THREAD_STATE_RUNNING;
    case TASK_SUSPENDED: return ZX_THREAD_STATE_SUSPENDED;
    case TASK_BLOCKED: return t->task.suspend_count ? ZX_THREAD_STATE_SUSPENDED : thread_blocked_state(t);
    case TASK_DEAD: return ZX_THREAD_STATE_DEAD;
    }
    return 0;
}

static zx_status_t thread_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w) {
    struct thread *t = to_thread(o);
    switch (topic) {
    case ZX_INFO_THREAD: {
        zx_info_thread_t info;
        memset(&info, 0, sizeof(info));
        info.state = thread_state(t);
        if (t->cur_exc) info.wait_exception_channel_type = t->cur_exc->channel_type;
        uint64_t online = (1ull << hal_cpu_count()) - 1;
        info.cpu_affinity_mask.mask[0] = (t->task.cpu_mask & online) ? t->task.cpu_mask & online : online;
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_THREAD_EXCEPTION_REPORT:
        if (!t->cur_exc) return ZX_ERR_BAD_STATE;
        info_put(w, &t->cur_exc->report);
        return ZX_OK;
    case ZX_INFO_THREAD_STATS: {
        zx_info_thread_stats_t info = {
            .total_runtime = (zx_duration_t)t->task.runtime_ns,
            .last_scheduled_cpu = t->task.last_cpu == SCHED_NO_CPU ? ZX_INFO_INVALID_CPU : t->task.last_cpu};
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_TASK_RUNTIME: {
        zx_info_task_runtime_t info = {.cpu_time = (zx_duration_t)t->task.runtime_ns};
        info_put(w, &info);
        return ZX_OK;
    }
    default:
        return ZX_ERR_NOT_SUPPORTED;
    }
}

// ZX_PROP_REGISTER_FS / GS: only the calling thread's own registers (another thread could be
// running).
static zx_status_t thread_set_property(struct kobj *o, uint32_t property, const void *value) {
    if (property != ZX_PROP_REGISTER_FS && property != ZX_PROP_REGISTER_GS) return ZX_ERR_NOT_SUPPORTED;
    struct thread *t = to_thread(o);
    if (t != current_thread()) return ZX_ERR_ACCESS_DENIED;
    return hal_uctx_set_tls_base(&t->task.uctx, property == ZX_PROP_REGISTER_FS ? HAL_TLS_FS : HAL_TLS_GS,
                                 *(const uintptr_t *)value);
}

static zx_koid_t thread_related_koid(struct kobj *o) { return to_thread(o)->proc->obj.koid; }
