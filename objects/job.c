// Jobs: the tree of tasks, their policies, and how a kill goes down it (objects/task.h).
#include "objects/task.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/futex.h"

static struct slab_cache job_cache;

void job_global_init(void) { slab_cache_init(&job_cache, "job", sizeof(struct job)); }

// ZX_JOB_NO_JOBS: no live child job; ZX_JOB_NO_PROCESSES: no process that has not yet died.
// Called whenever either list, or a child's liveness, changes.
void job_update_child_signals(struct job *j) {
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
static zx_status_t job_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w);
static zx_status_t job_get_property(struct kobj *o, uint32_t property, void *value);
static zx_status_t job_set_property(struct kobj *o, uint32_t property, const void *value);
static zx_koid_t job_related_koid(struct kobj *o);
static const struct kobj_ops job_ops = {.destroy = job_destroy,
                                        .get_info = job_get_info,
                                        .get_property = job_get_property,
                                        .set_property = job_set_property,
                                        .related_koid = job_related_koid,
                                        .named = true};

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
void job_check_terminated(struct job *j) {
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
    if (sched_current()) {
        task_thread(sched_current())->policy_exception = code + 1;
        sched_request_attention();
    }
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


// ---- the root job ----

static struct job *root_job;

void job_root_init(void) {
    if (job_create(NULL, &root_job) != ZX_OK) panic("no root job");
    strlcpy(root_job->obj.name, "root", sizeof(root_job->obj.name));
}

struct job *job_root(void) { return root_job; }

// ---- zx_object_get_info, properties ----

static zx_status_t job_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w) {
    struct job *j = to_job(o);
    switch (topic) {
    case ZX_INFO_JOB: {
        zx_info_job_t info;
        memset(&info, 0, sizeof(info));
        info.return_code = j->return_code;
        info.exited = j->dead;
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_TASK_RUNTIME: {  // zc keeps no per-job account
        zx_info_task_runtime_t info;
        memset(&info, 0, sizeof(info));
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_JOB_CHILDREN:
        list_for_each(&j->jobs, it) info_put(w, &container_of(it, struct job, sibling_link)->obj.koid);
        return ZX_OK;
    case ZX_INFO_JOB_PROCESSES:
        list_for_each(&j->processes, it) info_put(w, &container_of(it, struct process, job_link)->obj.koid);
        return ZX_OK;
    default:
        return ZX_ERR_NOT_SUPPORTED;
    }
}

static zx_status_t job_get_property(struct kobj *o, uint32_t property, void *value) {
    if (property != ZX_PROP_JOB_KILL_ON_OOM) return ZX_ERR_NOT_SUPPORTED;
    *(size_t *)value = to_job(o)->kill_on_oom;
    return ZX_OK;
}

static zx_status_t job_set_property(struct kobj *o, uint32_t property, const void *value) {
    if (property != ZX_PROP_JOB_KILL_ON_OOM) return ZX_ERR_NOT_SUPPORTED;
    size_t v = *(const size_t *)value;
    if (v > 1) return ZX_ERR_INVALID_ARGS;
    to_job(o)->kill_on_oom = v;
    return ZX_OK;
}

static zx_koid_t job_related_koid(struct kobj *o) {
    struct job *j = to_job(o);
    return j->parent ? j->parent->obj.koid : 0;
}
