// Ports and asynchronous waits.
#include <zircon/syscalls/object.h>

#include "objects/port.h"
#include <zircon/syscalls/policy.h>

#include "syscalls/priv.h"

// zx_status_t zx_port_create(uint32_t options, zx_handle_t* out);
int64_t sys_port_create(uint32_t options, user_out_ptr out) {
    if (options & ~ZX_PORT_BIND_TO_INTERRUPT) return ZX_ERR_INVALID_ARGS;
    {
        zx_status_t pst = job_policy_check(current_process(), ZX_POL_NEW_PORT);
        if (pst != ZX_OK) return pst;
    }
    struct port *p;
    zx_status_t st = port_create(&p);
    if (st != ZX_OK) return st;
    st = give_handle(&p->obj, ZX_DEFAULT_PORT_RIGHTS, out);
    kobj_unref(&p->obj);
    return st;
}

static int64_t port_wait_cont(struct task *task, zx_status_t reason);

// zx_port_wait on p with nothing queued: ZX_ERR_TIMED_OUT, or the caller waits (SYS_BLOCKED)
// holding a reference of its own on p, dropped by the cancel. Out of line: the fast path's
// tail call.
__attribute__((noinline)) static int64_t port_wait_block(struct port *p, zx_time_t deadline, user_out_ptr packet) {
    if (deadline <= hal_now()) return ZX_ERR_TIMED_OUT;
    kobj_ref(&p->obj);
    struct thread *t = current_thread();
    t->task.wait.state.port_wait.port = p;
    t->task.wait.state.port_wait.packet = packet;
    t->task.wait.state.port_wait.deadline = deadline;
    wait_block(&t->task, &p->waiters, WAIT_PORT, deadline, port_wait_cont);
    return SYS_BLOCKED;
}

// The fast paths (seL4's shape, as the channel's): the common case with no call and no
// reference taken (nothing here can block, run another thread or close a handle); any other
// case, including a copy that faults, returns SYSCALL_FAST_FALLBACK having changed nothing.
// The end of a zx_port_queue whose packet a blocked zx_port_wait takes: a tail call.
__attribute__((noinline)) static int64_t queued_wake(struct port *p) {
    port_wake_waiter(p);
    return ZX_OK;
}

__attribute__((always_inline)) inline int64_t sys_port_queue_fast(zx_handle_t handle, user_in_ptr packet) {
    struct port *p = fast_lookup_port_queue_handle(handle);
    struct port_packet *pp = p ? port_fast_spare(p) : NULL;
    uintptr_t fault;
    if (unlikely(!pp || hal_copy_from_user(&pp->pkt, packet.addr, sizeof(pp->pkt), &fault) != ZX_OK))
        return SYSCALL_FAST_FALLBACK;
    port_fast_queue(p, pp);
    if (unlikely(port_fast_has_waiters(p))) return queued_wake(p);
    return ZX_OK;
}

__attribute__((always_inline)) inline int64_t sys_port_wait_fast(zx_handle_t handle, zx_time_t deadline,
                                                                 user_out_ptr packet) {
    struct port *p = fast_lookup_port_wait_handle(handle);
    if (unlikely(!p)) return SYSCALL_FAST_FALLBACK;
    if (port_first(p) == NULL) return port_wait_block(p, deadline, packet);
    struct port_packet *pp = port_fast_first(p);
    uintptr_t fault;
    if (unlikely(!pp || hal_copy_to_user(packet.addr, &pp->pkt, sizeof(pp->pkt), &fault) != ZX_OK))
        return SYSCALL_FAST_FALLBACK;
    port_fast_take(p, pp);
    return ZX_OK;
}

// Under the kernel lock's shared hold (docs/smp.md): the same under the port's lock, when no
// waiter is to be woken and no wait would block (both need the exclusive hold).
int64_t sys_port_queue_shared(zx_handle_t handle, user_in_ptr packet) {
    struct port *p = fast_lookup_port_queue_handle(handle);
    if (unlikely(!p)) return SYSCALL_FAST_FALLBACK;
    spin_lock(kobj_lock(&p->obj));
    struct port_packet *pp = port_fast_has_waiters(p) ? NULL : port_fast_spare(p);
    uintptr_t fault;
    int64_t st = SYSCALL_FAST_FALLBACK;
    if (likely(pp && hal_copy_from_user(&pp->pkt, packet.addr, sizeof(pp->pkt), &fault) == ZX_OK)) {
        port_fast_queue(p, pp);
        st = ZX_OK;
    }
    spin_unlock(kobj_lock(&p->obj));
    return st;
}

int64_t sys_port_wait_shared(zx_handle_t handle, zx_time_t deadline, user_out_ptr packet) {
    (void)deadline;  // a wait that would block goes to the general path
    struct port *p = fast_lookup_port_wait_handle(handle);
    if (unlikely(!p)) return SYSCALL_FAST_FALLBACK;
    spin_lock(kobj_lock(&p->obj));
    struct port_packet *pp = port_fast_first(p);
    uintptr_t fault;
    int64_t st = SYSCALL_FAST_FALLBACK;
    if (likely(pp && hal_copy_to_user(packet.addr, &pp->pkt, sizeof(pp->pkt), &fault) == ZX_OK)) {
        port_fast_take(p, pp);
        st = ZX_OK;
    }
    spin_unlock(kobj_lock(&p->obj));
    return st;
}

// zx_status_t zx_port_queue(zx_handle_t handle, const zx_port_packet_t* packet);
int64_t sys_port_queue(zx_handle_t handle, user_in_ptr packet) {
    struct port *p;
    zx_status_t st = lookup_port_queue_handle(handle, &p);
    if (st != ZX_OK) return st;
    // The user's packet goes straight into the one queued.
    struct port_packet *pp = port_packet_alloc(p);
    if (!pp) {
        st = ZX_ERR_NO_MEMORY;
    } else if ((st = copy_from_user(&pp->pkt, packet, sizeof(pp->pkt))) != ZX_OK) {
        port_packet_free(p, pp);
    } else {
        st = port_queue_user_packet(p, pp);
    }
    kobj_unref(&p->obj);
    return st;
}

// The cancel of a port wait (syscalls/wait.c). Still `woken` here only when the thread was
// killed between its wake and its continuation (task_kill): the packet that woke it is still
// queued, so another waiter gets the wake.
void port_wait_cancel(struct waiter *w) {
    struct port *p = w->state.port_wait.port;
    if (w->woken) port_pass_wake(p);
    kobj_unref(&p->obj);
}

static int64_t port_wait_cont(struct task *task, zx_status_t reason) {
    struct waiter *w = &task->wait;
    struct port *p = w->state.port_wait.port;  // still referenced: the cancel runs after us
    if (reason == ZX_OK) {
        struct port_packet *pp = port_first(p);
        if (pp) {
            zx_status_t st = copy_to_user(w->state.port_wait.packet, &pp->pkt, sizeof(pp->pkt));
            port_remove_first(p, pp);
            return st;
        }
        // Another thread took the packet first (or zx_port_cancel removed it): wait again,
        // unless the deadline has passed meanwhile.
        if (w->state.port_wait.deadline <= hal_now()) return ZX_ERR_TIMED_OUT;
        wait_block(task, &p->waiters, WAIT_PORT, w->state.port_wait.deadline, port_wait_cont);
        return 0;
    }
    return reason;
}

// zx_status_t zx_port_wait(zx_handle_t handle, zx_time_t deadline, zx_port_packet_t* packet);
int64_t sys_port_wait(zx_handle_t handle, zx_time_t deadline, user_out_ptr packet) {
    struct port *p;
    zx_status_t st = lookup_port_wait_handle(handle, &p);
    if (st != ZX_OK) return st;
    struct port_packet *pp = port_first(p);
    if (pp) {
        // Copied out from the queue; the packet is taken even when the copy fails.
        st = copy_to_user(packet, &pp->pkt, sizeof(pp->pkt));
        port_remove_first(p, pp);
        kobj_unref(&p->obj);
        return st;
    }
    st = port_wait_block(p, deadline, packet);
    kobj_unref(&p->obj);
    return st;
}

// zx_status_t zx_port_cancel(zx_handle_t handle, zx_handle_t source, uint64_t key);
int64_t sys_port_cancel(zx_handle_t handle, zx_handle_t source, uint64_t key) {
    struct port *p;
    zx_status_t st = lookup_port_cancel_handle(handle, &p);
    if (st != ZX_OK) return st;
    struct kobj *src;
    st = lookup_port_cancel_source(source, &src);
    if (st == ZX_OK) {
        st = port_cancel(p, src, key);
        kobj_unref(src);
    }
    kobj_unref(&p->obj);
    return st;
}

// zx_status_t zx_port_cancel_key(zx_handle_t handle, uint32_t options, uint64_t key);
int64_t sys_port_cancel_key(zx_handle_t handle, uint32_t options, uint64_t key) {
    struct port *p;
    zx_status_t st = lookup_port_cancel_key_handle(handle, &p);
    if (st != ZX_OK) return st;
    st = options != 0 ? ZX_ERR_INVALID_ARGS : port_cancel(p, NULL, key);
    kobj_unref(&p->obj);
    return st;
}

// zx_status_t zx_object_wait_async(zx_handle_t handle, zx_handle_t port, uint64_t key,
//                                  zx_signals_t signals, uint32_t options);
int64_t sys_object_wait_async(zx_handle_t handle, zx_handle_t port, uint64_t key, zx_signals_t signals,
                              uint32_t options) {
    if (options & ~(ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_EDGE | ZX_WAIT_ASYNC_BOOT_TIMESTAMP))
        return ZX_ERR_INVALID_ARGS;
    // One timeline or the other for the packet's timestamp, not both.
    if ((options & ZX_WAIT_ASYNC_TIMESTAMP) && (options & ZX_WAIT_ASYNC_BOOT_TIMESTAMP)) return ZX_ERR_INVALID_ARGS;
    struct kobj *obj;
    zx_status_t st = lookup_object_wait_async_handle(handle, &obj);
    if (st != ZX_OK) return st;
    struct port *p;
    st = lookup_object_wait_async_port(port, &p);
    if (st == ZX_OK) {
        st = port_wait_async(p, obj, current_process(), handle, key, signals, options);
        kobj_unref(&p->obj);
    }
    kobj_unref(obj);
    return st;
}
