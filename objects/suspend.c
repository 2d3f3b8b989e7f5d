// Suspension: tokens that keep a thread or a whole process stopped (zx_task_suspend).
#include "objects/task.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/futex.h"

struct suspend_token {
    struct kobj obj;
    struct kobj *target;  // a thread or a process, referenced
};

static void thread_suspend_one(struct thread *t) {
    if (t->task.state == TASK_DEAD) return;
    sched_task_attention(&t->task);  // it may be the caller itself, or run on another CPU
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
