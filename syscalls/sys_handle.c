// Handle syscalls.
#include "syscalls/priv.h"

// A pointer outside the user half is refused before anything is reserved or written.
static inline bool handle_out_ok(user_out_ptr out, uintptr_t user_end) {
    return out.addr + sizeof(zx_handle_t) >= out.addr && out.addr + sizeof(zx_handle_t) <= user_end;
}

zx_status_t give_handles(size_t n, struct kobj *const *objs, const zx_rights_t *rights,
                         const user_out_ptr *outs) {
    struct handle_table *ht = cur_handles();
    zx_handle_t vals[4];
    ASSERT(n <= countof(vals));
    // Two phases: reserve the slots and write their values out; only when every value reached
    // user memory do the handles come into being. A failure leaves no handle and no reference.
    uintptr_t user_end = hal_aspace_user_end(&current_process()->as->hal);
    for (size_t j = 0; j < n; j++)
        if (!handle_out_ok(outs[j], user_end)) return ZX_ERR_INVALID_ARGS;
    size_t i;
    zx_status_t st = ZX_OK;
    for (i = 0; i < n; i++) {
        st = handle_reserve(ht, &vals[i]);
        if (st != ZX_OK) break;
    }
    for (size_t j = 0; j < n && st == ZX_OK; j++) st = copy_to_user(outs[j], &vals[j], sizeof(zx_handle_t));
    if (st != ZX_OK) {
        while (i--) handle_unreserve(ht, vals[i]);
        return st;
    }
    for (size_t j = 0; j < n; j++) handle_commit(ht, vals[j], objs[j], rights[j]);
    return ZX_OK;
}

// give_handles' phases for one handle. owned: the caller's reference to obj becomes the
// handle's when it succeeds (else a new one is taken).
static inline __attribute__((always_inline)) zx_status_t give_one(struct kobj *obj, zx_rights_t rights,
                                                                  user_out_ptr out, bool owned) {
    if (!handle_out_ok(out, hal_aspace_user_end(&current_process()->as->hal))) return ZX_ERR_INVALID_ARGS;
    struct handle_table *ht = cur_handles();
    struct handle_slot *s;
    zx_handle_t v;
    zx_status_t st = handle_reserve_slot(ht, &s, &v);
    if (st != ZX_OK) return st;
    st = copy_u32_to_user(out, v);
    if (st != ZX_OK) {
        handle_unreserve(ht, v);
        return st;
    }
    if (!owned) kobj_ref(obj);
    obj->handle_count++;
    handle_commit_slot(ht, s, v, obj, rights);
    return ZX_OK;
}

zx_status_t give_handle(struct kobj *obj, zx_rights_t rights, user_out_ptr out) {
    return give_one(obj, rights, out, false);
}

zx_status_t give_new_handles(size_t n, struct kobj *const *objs, const zx_rights_t *rights,
                             const user_out_ptr *outs) {
    zx_status_t st = give_handles(n, objs, rights, outs);
    for (size_t j = 0; j < n; j++) {
        if (st == ZX_OK) kobj_unref(objs[j]);
        else handle_release_kernel_ref(objs[j]);  // as if its only handle had been closed
    }
    return st;
}

zx_status_t give_pair(struct kobj *a, struct kobj *b, zx_rights_t rights, user_out_ptr out0,
                      user_out_ptr out1) {
    struct kobj *objs[2] = {a, b};
    zx_rights_t r[2] = {rights, rights};
    user_out_ptr outs[2] = {out0, out1};
    return give_new_handles(2, objs, r, outs);
}

// zx_status_t zx_handle_close(zx_handle_t handle);
// handle?<any,release>: the decoder has taken the handle out of the table and releases it; this
// reports whether there was one (ZX_HANDLE_INVALID is no error).
int64_t sys_handle_close(struct consumed_handle *handle) { return handle->status; }

// zx_status_t zx_handle_close_many(const zx_handle_t* handles, size_t num_handles);
int64_t sys_handle_close_many(user_in_ptr handles, size_t num_handles) {
    zx_handle_t buf[64];
    zx_status_t result = ZX_OK;
    size_t done = 0;
    if (num_handles > SIZE_MAX / sizeof(zx_handle_t)) return ZX_ERR_INVALID_ARGS;
    while (done < num_handles) {
        size_t n = num_handles - done < countof(buf) ? num_handles - done : countof(buf);
        zx_status_t st = copy_from_user(buf, user_in_off(handles, done * sizeof(zx_handle_t)),
                                        n * sizeof(zx_handle_t));
        if (st != ZX_OK) return st;
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == ZX_HANDLE_INVALID) continue;
            if (handle_close(cur_handles(), buf[i]) != ZX_OK) result = ZX_ERR_BAD_HANDLE;
        }
        done += n;
    }
    return result;
}

static zx_status_t new_rights(zx_rights_t have, zx_rights_t want, zx_rights_t *out) {
    if (want == ZX_RIGHT_SAME_RIGHTS) {
        *out = have;
        return ZX_OK;
    }
    if (want & ~have) return ZX_ERR_INVALID_ARGS;  // rights only ever shrink
    *out = want;
    return ZX_OK;
}

// The fast path (syscalls.def `fast`, docs/performance.md): a handle with the right, the rights
// kept or reduced, a free slot and an out pointer that takes the value. No call, so the decoder
// saves no register; anything else returns SYSCALL_FAST_FALLBACK having changed nothing, and
// sys_handle_duplicate gives the status.
__attribute__((always_inline)) inline int64_t sys_handle_duplicate_fast(zx_handle_t handle, zx_rights_t rights,
                                                                      user_out_ptr out) {
    struct handle_table *ht = cur_handles();
    struct handle_slot *s = fast_slot_handle_duplicate_handle(ht, handle);  // valid, with DUPLICATE
    if (unlikely(!s || !ht->free_head)) return SYSCALL_FAST_FALLBACK;
    zx_rights_t r = rights == ZX_RIGHT_SAME_RIGHTS ? s->rights : rights;
    if (unlikely(r & ~s->rights)) return SYSCALL_FAST_FALLBACK;
    struct handle_slot *n = &ht->slots[ht->free_head - 1];
    zx_handle_t v = n->next_value;
    uintptr_t fault;
    if (unlikely(hal_copy_to_user(out.addr, &v, sizeof(v), &fault) != ZX_OK)) return SYSCALL_FAST_FALLBACK;
    ht->free_head = n->next_free;
    struct kobj *obj = s->obj;
    kobj_ref(obj);
    obj->handle_count++;
    handle_commit_slot(ht, n, v, obj, r);
    return ZX_OK;
}

// zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);
int64_t sys_handle_duplicate(zx_handle_t handle, zx_rights_t rights, user_out_ptr out) {
    struct kobj *obj;
    zx_rights_t have;
    zx_status_t st = lookup_handle_duplicate_handle_rights(handle, &obj, &have);
    if (st != ZX_OK) return st;
    zx_rights_t r;
    st = new_rights(have, rights, &r);
    if (st == ZX_OK) st = give_one(obj, r, out, true);  // the lookup's reference is the new handle's
    if (st != ZX_OK) kobj_unref(obj);
    return st;
}

// zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);
// handle<any,release>: the decoder has taken the handle; it is gone whatever this returns.
int64_t sys_handle_replace(struct consumed_handle *handle, zx_rights_t rights, user_out_ptr out) {
    if (handle->status != ZX_OK) return handle->status;
    zx_rights_t r;
    zx_status_t st = new_rights(handle->rights, rights, &r);
    if (st != ZX_OK) return st;
    return give_consumed(handle, r, out);
}

zx_status_t give_consumed(struct consumed_handle *c, zx_rights_t rights, user_out_ptr out) {
    struct handle_table *ht = cur_handles();
    // The new value reaches user memory before the new handle exists.
    zx_handle_t v;
    zx_status_t st = handle_reserve(ht, &v);
    if (st != ZX_OK) return st;
    st = copy_to_user(out, &v, sizeof(v));
    if (st != ZX_OK) {
        handle_unreserve(ht, v);
        return st;
    }
    handle_commit_moved(ht, v, c->obj, rights);
    c->obj = NULL;  // the new handle has the reference now
    return ZX_OK;
}
