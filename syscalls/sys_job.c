// Jobs: creation, policy, critical processes.
#include <zircon/syscalls/policy.h>

#include "syscalls/priv.h"

// zx_status_t zx_job_create(zx_handle_t parent_job, uint32_t options, zx_handle_t* out);
int64_t sys_job_create(zx_handle_t parent_job, uint32_t options, user_out_ptr out) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    struct job *parent;
    zx_status_t st = lookup_job_create_parent_job(parent_job, &parent);
    if (st != ZX_OK) return st;
    struct job *j;
    st = job_create(parent, &j);
    kobj_unref(&parent->obj);
    if (st != ZX_OK) return st;
    st = give_handle(&j->obj, ZX_DEFAULT_JOB_RIGHTS, out);
    if (st != ZX_OK) job_kill(j, ZX_TASK_RETCODE_SYSCALL_KILL);
    kobj_unref(&j->obj);
    return st;
}

static zx_status_t set_basic(struct job *j, uint32_t options, const uint32_t *cond, const uint32_t *action,
                             const uint32_t *override, uint32_t count) {
    uint8_t pol[JOB_POLICY_COUNT], ovr[JOB_POLICY_COUNT];
    memcpy(pol, j->policy, sizeof(pol));
    memcpy(ovr, j->override, sizeof(ovr));
    for (uint32_t i = 0; i < count; i++) {
        if (cond[i] >= ZX_POL_MAX) return ZX_ERR_OUT_OF_RANGE;
        if (action[i] >= ZX_POL_ACTION_MAX) return ZX_ERR_NOT_SUPPORTED;
        if (override && override[i] > ZX_POL_OVERRIDE_DENY) return ZX_ERR_INVALID_ARGS;
        // NEW_ANY stands for every NEW_* condition.
        uint32_t first = cond[i], last = cond[i];
        if (cond[i] == ZX_POL_NEW_ANY) {
            first = ZX_POL_NEW_VMO;
            last = ZX_POL_NEW_IOB;
        }
        for (uint32_t c = first; c <= last; c++) {
            if (cond[i] == ZX_POL_NEW_ANY && c == ZX_POL_AMBIENT_MARK_VMO_EXEC) continue;
            if (ovr[c] == ZX_POL_OVERRIDE_DENY && pol[c] != action[i]) {
                if (options == ZX_JOB_POL_ABSOLUTE) return ZX_ERR_ALREADY_EXISTS;
                continue;  // relative: the parent's word stands
            }
            pol[c] = (uint8_t)action[i];
            if (override) ovr[c] = (uint8_t)override[i];
        }
        if (cond[i] == ZX_POL_NEW_ANY) {
            pol[ZX_POL_NEW_ANY] = (uint8_t)action[i];
            if (override) ovr[ZX_POL_NEW_ANY] = (uint8_t)override[i];
        }
    }
    memcpy(j->policy, pol, sizeof(pol));
    memcpy(j->override, ovr, sizeof(ovr));
    return ZX_OK;
}

// zx_status_t zx_job_set_policy(zx_handle_t handle, uint32_t options, uint32_t topic,
//                               const void* policy, uint32_t policy_size);
int64_t sys_job_set_policy(zx_handle_t handle, uint32_t options, uint32_t topic, user_in_ptr policy,
                           uint32_t policy_size) {
    struct job *j;
    zx_status_t st = lookup_job_set_policy_handle(handle, &j);
    if (st != ZX_OK) return st;
    if (options != ZX_JOB_POL_RELATIVE && options != ZX_JOB_POL_ABSOLUTE) st = ZX_ERR_INVALID_ARGS;
    else if (!list_empty(&j->processes) || !list_empty(&j->jobs)) st = ZX_ERR_BAD_STATE;
    if (st != ZX_OK) goto out;
    if (topic == ZX_JOB_POL_TIMER_SLACK) {
        zx_policy_timer_slack_t ts;
        if (policy_size != 1 || options != ZX_JOB_POL_RELATIVE) st = ZX_ERR_INVALID_ARGS;
        else st = copy_from_user(&ts, policy, sizeof(ts));
        if (st == ZX_OK && (ts.min_slack < 0 || ts.default_mode > ZX_TIMER_SLACK_LATE)) st = ZX_ERR_INVALID_ARGS;
        if (st == ZX_OK) {
            if (ts.min_slack > j->min_slack) j->min_slack = ts.min_slack;
            j->slack_mode = ts.default_mode;
        }
    } else if (topic == ZX_JOB_POL_BASIC_V1 || topic == ZX_JOB_POL_BASIC_V2) {
        if (policy_size == 0) {
            st = ZX_ERR_INVALID_ARGS;
            goto out;
        }
        if (policy_size > ZX_POL_MAX) {
            st = ZX_ERR_OUT_OF_RANGE;
            goto out;
        }
        uint32_t cond[ZX_POL_MAX], action[ZX_POL_MAX], ovr[ZX_POL_MAX];
        if (topic == ZX_JOB_POL_BASIC_V1) {
            zx_policy_basic_v1_t p[ZX_POL_MAX];
            st = copy_from_user(p, policy, policy_size * sizeof(p[0]));
            for (uint32_t i = 0; st == ZX_OK && i < policy_size; i++) {
                cond[i] = p[i].condition;
                action[i] = p[i].policy;
            }
            if (st == ZX_OK) st = set_basic(j, options, cond, action, NULL, policy_size);
        } else {
            zx_policy_basic_v2_t p[ZX_POL_MAX];
            st = copy_from_user(p, policy, policy_size * sizeof(p[0]));
            for (uint32_t i = 0; st == ZX_OK && i < policy_size; i++) {
                cond[i] = p[i].condition;
                action[i] = p[i].action;
                ovr[i] = p[i].flags;
            }
            if (st == ZX_OK) st = set_basic(j, options, cond, action, ovr, policy_size);
        }
    } else {
        st = ZX_ERR_INVALID_ARGS;
    }
out:
    kobj_unref(&j->obj);
    return st;
}

// zx_status_t zx_job_set_critical(zx_handle_t job, uint32_t options, zx_handle_t process);
int64_t sys_job_set_critical(zx_handle_t job, uint32_t options, zx_handle_t process) {
    if (options & ~ZX_JOB_CRITICAL_PROCESS_RETCODE_NONZERO) return ZX_ERR_INVALID_ARGS;
    struct job *j;
    zx_status_t st = lookup_job_set_critical_job(job, &j);
    if (st != ZX_OK) return st;
    struct process *p;
    st = lookup_job_set_critical_process(process, &p);
    if (st == ZX_OK) {
        // The process must belong to the job or one of its descendants.
        struct job *a = p->job;
        while (a && a != j) a = a->parent;
        if (!a) st = ZX_ERR_INVALID_ARGS;
        else if (p->critical_to) st = ZX_ERR_ALREADY_BOUND;
        else {
            p->critical_to = j;
            kobj_ref(&j->obj);
            p->critical_nonzero_only = options & ZX_JOB_CRITICAL_PROCESS_RETCODE_NONZERO;
        }
        kobj_unref(&p->obj);
    }
    kobj_unref(&j->obj);
    return st;
}
