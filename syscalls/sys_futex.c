// Futexes.
#include <zircon/syscalls/object.h>

#include "objects/futex.h"
#include "syscalls/priv.h"

static zx_status_t check_ptr(uintptr_t p) {
    return (p == 0 || (p & 3)) ? ZX_ERR_INVALID_ARGS : ZX_OK;
}

// The owner thread that the lookup of an owner handle (status st, result *t) found: none for
// ZX_HANDLE_INVALID or a thread that has exited; one not started yet is an error. *t keeps
// the lookup's reference (or is NULL).
static zx_status_t owner_thread(zx_status_t st, struct thread **t) {
    if (st != ZX_OK || !*t) return st;
    if (!(*t)->started || (*t)->task.state == TASK_DEAD) {
        st = (*t)->started ? ZX_OK : ZX_ERR_INVALID_ARGS;
        put_thread(*t);
        *t = NULL;
    }
    return st;
}

// zx_status_t zx_futex_wait(const zx_futex_t* value_ptr, zx_futex_t current_value,
//                           zx_handle_t new_futex_owner, zx_time_t deadline);
int64_t sys_futex_wait(user_in_ptr value_ptr, zx_futex_t current_value, zx_handle_t new_futex_owner,
                       zx_time_t deadline) {
    zx_status_t st = check_ptr(value_ptr.addr);
    if (st != ZX_OK) return st;
    struct thread *self = current_thread();
    int32_t v;
    st = copy_from_user(&v, value_ptr, sizeof(v));
    if (st == ZX_OK && v != (int32_t)current_value) st = ZX_ERR_BAD_STATE;
    if (st != ZX_OK) return st;
    struct thread *owner;
    st = owner_thread(lookup_futex_wait_new_futex_owner(new_futex_owner, &owner), &owner);
    if (st != ZX_OK) return st;
    if (owner == self) {
        kobj_unref(&owner->obj);
        return ZX_ERR_INVALID_ARGS;
    }
    struct futex *f = NULL;
    if (st == ZX_OK && !(f = futex_get(self->proc->as, value_ptr.addr, true))) st = ZX_ERR_NO_MEMORY;
    if (st != ZX_OK) {
        if (owner) kobj_unref(&owner->obj);
        return st;
    }
    futex_set_owner(f, owner);
    if (owner) kobj_unref(&owner->obj);
    futex_block(f, self, deadline);
    return SYS_BLOCKED;
}

// zx_status_t zx_futex_wake(const zx_futex_t* value_ptr, uint32_t wake_count);
int64_t sys_futex_wake(user_in_ptr value_ptr, uint32_t wake_count) {
    zx_status_t st = check_ptr(value_ptr.addr);
    if (st != ZX_OK) return st;
    struct futex *f = futex_get(current_process()->as, value_ptr.addr, false);
    if (f) {
        futex_wake(f, wake_count, false);
        futex_put(f);
    }
    return ZX_OK;
}

// Under the kernel lock's shared hold (docs/smp.md): a valid wake of a futex nobody waits on
// or owns (a mutex unlock that finds no waiter) does nothing; anything else goes to the
// general path.
static int64_t wake_shared(user_in_ptr value_ptr) {
    if (unlikely(check_ptr(value_ptr.addr) != ZX_OK || !futex_absent_shared(current_process()->as, value_ptr.addr)))
        return SYSCALL_FAST_FALLBACK;
    return ZX_OK;
}
int64_t sys_futex_wake_shared(user_in_ptr value_ptr, uint32_t wake_count) {
    (void)wake_count;
    return wake_shared(value_ptr);
}
int64_t sys_futex_wake_single_owner_shared(user_in_ptr value_ptr) { return wake_shared(value_ptr); }

// zx_status_t zx_futex_wake_single_owner(const zx_futex_t* value_ptr);
int64_t sys_futex_wake_single_owner(user_in_ptr value_ptr) {
    zx_status_t st = check_ptr(value_ptr.addr);
    if (st != ZX_OK) return st;
    struct futex *f = futex_get(current_process()->as, value_ptr.addr, false);
    if (f) {
        futex_wake(f, 1, true);
        futex_put(f);
    }
    return ZX_OK;
}

static int64_t do_requeue(user_in_ptr value_ptr, uint32_t wake_count, zx_futex_t current_value,
                          user_in_ptr requeue_ptr, uint32_t requeue_count, zx_handle_t new_requeue_owner,
                          bool own) {
    zx_status_t st = check_ptr(value_ptr.addr);
    if (st == ZX_OK) st = check_ptr(requeue_ptr.addr);
    if (st == ZX_OK && value_ptr.addr == requeue_ptr.addr) st = ZX_ERR_INVALID_ARGS;
    if (st != ZX_OK) return st;
    int32_t v;
    st = copy_from_user(&v, value_ptr, sizeof(v));
    if (st == ZX_OK && v != (int32_t)current_value) st = ZX_ERR_BAD_STATE;
    if (st != ZX_OK) return st;
    struct thread *owner;
    st = owner_thread(own ? lookup_futex_requeue_single_owner_new_requeue_owner(new_requeue_owner, &owner)
                          : lookup_futex_requeue_new_requeue_owner(new_requeue_owner, &owner),
                      &owner);
    if (st != ZX_OK) return st;
    if (st == ZX_OK) {
        struct vm_aspace *as = current_process()->as;
        struct futex *f = futex_get(as, value_ptr.addr, false);
        struct futex *to = futex_get(as, requeue_ptr.addr, true);
        if (!to) {
            st = ZX_ERR_NO_MEMORY;
        } else {
            if (f) {
                futex_wake(f, own ? 1 : wake_count, own);
                futex_requeue(f, to, requeue_count);
            }
            futex_set_owner(to, owner);
            futex_put(to);
            if (f) futex_put(f);
        }
    }
    if (owner) kobj_unref(&owner->obj);
    return st;
}

// zx_status_t zx_futex_requeue(const zx_futex_t* value_ptr, uint32_t wake_count,
//                              zx_futex_t current_value, const zx_futex_t* requeue_ptr,
//                              uint32_t requeue_count, zx_handle_t new_requeue_owner);
int64_t sys_futex_requeue(user_in_ptr value_ptr, uint32_t wake_count, zx_futex_t current_value,
                          user_in_ptr requeue_ptr, uint32_t requeue_count, zx_handle_t new_requeue_owner) {
    return do_requeue(value_ptr, wake_count, current_value, requeue_ptr, requeue_count, new_requeue_owner, false);
}

// zx_status_t zx_futex_requeue_single_owner(const zx_futex_t* value_ptr, zx_futex_t current_value,
//                                           const zx_futex_t* requeue_ptr, uint32_t requeue_count,
//                                           zx_handle_t new_requeue_owner);
int64_t sys_futex_requeue_single_owner(user_in_ptr value_ptr, zx_futex_t current_value, user_in_ptr requeue_ptr,
                                       uint32_t requeue_count, zx_handle_t new_requeue_owner) {
    return do_requeue(value_ptr, 1, current_value, requeue_ptr, requeue_count, new_requeue_owner, true);
}

// zx_status_t zx_futex_get_owner(const zx_futex_t* value_ptr, zx_koid_t* koid);
int64_t sys_futex_get_owner(user_in_ptr value_ptr, user_out_ptr koid) {
    zx_status_t st = check_ptr(value_ptr.addr);
    if (st != ZX_OK) return st;
    struct futex *f = futex_get(current_process()->as, value_ptr.addr, false);
    zx_koid_t k = (f && f->owner) ? f->owner->obj.koid : 0;
    return copy_to_user(koid, &k, sizeof(k));
}
