#include "objects/exception.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/channel.h"
#include "objects/handle.h"
#include "objects/task.h"

// Handler i of thread t: 0 the process's debugger, 1 the thread, 2 the process, 3.. the jobs
// from the process's up to the root. NULL past the end.
static struct exc_port *handler(struct thread *t, int i, uint32_t *type) {
    struct process *p = t->proc;
    switch (i) {
    case 0:
        *type = ZX_EXCEPTION_CHANNEL_TYPE_DEBUGGER;
        return &p->exc_debugger;
    case 1:
        *type = ZX_EXCEPTION_CHANNEL_TYPE_THREAD;
        return &t->exc;
    case 2:
        *type = ZX_EXCEPTION_CHANNEL_TYPE_PROCESS;
        return &p->exc;
    default: {
        struct job *j = p->job;
        for (int k = 3; j && k < i; k++) j = j->parent;
        *type = ZX_EXCEPTION_CHANNEL_TYPE_JOB;
        return j ? &j->exc : NULL;
    }
    }
}

static bool dispatch(struct exception *e) {
    struct thread *t = e->thread;
    for (int i = e->next_handler;; i++) {
        uint32_t type;
        struct exc_port *port = handler(t, i, &type);
        if (!port) return false;
        if (!port->chan || !port->chan->obj.peer) continue;
        struct message *m = message_alloc(sizeof(zx_exception_info_t), 1);
        if (!m) continue;
        zx_exception_info_t info = {.pid = t->proc->obj.koid, .tid = t->obj.koid, .type = e->report.header.type};
        memcpy(m->data, &info, sizeof(info));
        kobj_ref(&e->obj);
        e->obj.handle_count++;
        m->handles[0].obj = &e->obj;
        m->handles[0].rights = ZX_DEFAULT_EXCEPTION_RIGHTS;
        e->next_handler = i + 1;
        e->channel_type = type;
        e->state = ZX_EXCEPTION_STATE_TRY_NEXT;
        if (channel_send(port->chan, m) == ZX_OK) return true;
        message_free(m);
    }
}

static void unhandled(struct thread *t) {
    struct process *p = t->proc;
    kprintf("zc: process %lu (%s) killed: unhandled exception %#x in thread %lu\n", p->obj.koid, p->obj.name,
            t->cur_exc ? t->cur_exc->report.header.type : 0, t->obj.koid);
    process_kill(p, ZX_TASK_RETCODE_EXCEPTION_KILL);
}

// The handler let go of the exception (closed its handle).
static void exception_on_zero_handles(struct kobj *o) {
    struct exception *e = to_exception(o);
    struct thread *t = e->thread;
    // A thread that is being killed no longer takes part in exception handling: its death,
    // not the next handler, ends the exception.
    if (t->task.state == TASK_DEAD || t->task.kill_requested || t->cur_exc != e) return;
    switch (e->state) {
    case ZX_EXCEPTION_STATE_HANDLED:
        t->cur_exc = NULL;
        waiter_wake(&t->task.wait, ZX_OK);
        kobj_unref(&e->obj);  // the thread's reference
        break;
    case ZX_EXCEPTION_STATE_THREAD_EXIT:
        thread_kill(t);
        break;
    default:
        if (!dispatch(e)) unhandled(t);
        break;
    }
}

static void exception_destroy(struct kobj *o) {
    struct exception *e = to_exception(o);
    kobj_unref(&e->thread->obj);
    kfree(e);
}

// ZX_PROP_EXCEPTION_STATE / STRATEGY.
static zx_status_t exception_get_property(struct kobj *o, uint32_t property, void *value) {
    struct exception *e = to_exception(o);
    switch (property) {
    case ZX_PROP_EXCEPTION_STATE: *(uint32_t *)value = e->state; return ZX_OK;
    case ZX_PROP_EXCEPTION_STRATEGY: *(uint32_t *)value = e->strategy; return ZX_OK;
    default: return ZX_ERR_NOT_SUPPORTED;
    }
}

static zx_status_t exception_set_property(struct kobj *o, uint32_t property, const void *value) {
    struct exception *e = to_exception(o);
    uint32_t v = *(const uint32_t *)value;
    switch (property) {
    case ZX_PROP_EXCEPTION_STATE:
        if (v > ZX_EXCEPTION_STATE_THREAD_EXIT) return ZX_ERR_INVALID_ARGS;
        e->state = v;
        return ZX_OK;
    case ZX_PROP_EXCEPTION_STRATEGY:
        if (v > ZX_EXCEPTION_STRATEGY_SECOND_CHANCE) return ZX_ERR_INVALID_ARGS;
        // Only a debugger's handler may choose a second chance.
        if (e->channel_type != ZX_EXCEPTION_CHANNEL_TYPE_DEBUGGER) return ZX_ERR_BAD_STATE;
        e->strategy = v;
        return ZX_OK;
    default:
        return ZX_ERR_NOT_SUPPORTED;
    }
}

static const struct kobj_ops exception_ops = {.on_zero_handles = exception_on_zero_handles,
                                              .destroy = exception_destroy,
                                              .get_property = exception_get_property,
                                              .set_property = exception_set_property};

static int64_t exception_cont(struct task *t, zx_status_t reason) { return 0; }

bool exception_raise(struct thread *t, uint32_t type, const zx_exception_context_t *ctx) {
    struct exception *e = kzalloc(sizeof(*e));
    if (!e) return false;
    kobj_init(&e->obj, ZX_OBJ_TYPE_EXCEPTION, &exception_ops);
    e->thread = t;
    kobj_ref(&t->obj);
    e->report.header.size = sizeof(e->report);
    e->report.header.type = type;
    e->report.context = *ctx;
    e->state = ZX_EXCEPTION_STATE_TRY_NEXT;
    e->strategy = ZX_EXCEPTION_STRATEGY_FIRST_CHANCE;
    e->next_handler = 0;
    t->cur_exc = e;  // the creation reference
    if (!dispatch(e)) {
        t->cur_exc = NULL;
        kobj_unref(&e->obj);
        return false;
    }
    wait_block(&t->task, NULL, WAIT_EXCEPTION, ZX_TIME_INFINITE, exception_cont);
    t->task.wait.keep_regs = true;  // resume exactly where it faulted
    return true;
}

zx_status_t exc_port_bind(struct exc_port *port, struct kobj **user_end) {
    if (port->chan && port->chan->obj.peer) return ZX_ERR_ALREADY_BOUND;
    exc_port_release(port);
    struct channel *ours, *theirs;
    zx_status_t st = channel_create_pair(&ours, &theirs);
    if (st != ZX_OK) return st;
    port->chan = ours;
    *user_end = &theirs->obj;
    return ZX_OK;
}

void exc_port_release(struct exc_port *port) {
    struct channel *c = port->chan;
    if (!c) return;
    port->chan = NULL;
    handle_release_kernel_ref(&c->obj);  // the kernel's end has no handle
}
