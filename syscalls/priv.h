// Shared helpers of the syscall handlers (syscalls/sys_*.c).
#ifndef ZC_SYSCALLS_PRIV_H
#define ZC_SYSCALLS_PRIV_H

#include <string.h>
#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/syscalls/resource.h>
#include <zircon/types.h>

#include "kernel/debug.h"
#include "kernel/user_copy.h"
#include "objects/handle.h"
#include "kernel/sched.h"
#include "objects/task.h"
#include "objects/vmar.h"
#include "syscalls/sys_decls.h"

// What a handler returns when it blocked the calling thread (wait_block): the continuation
// will produce the syscall's result. No syscall returns it otherwise (statuses are 32-bit,
// values such as ticks are never negative).
#define SYS_BLOCKED INT64_MIN
// What a sys_NAME_fast returns when the general sys_NAME must run (no zx_status_t is positive).
#define SYSCALL_FAST_FALLBACK 1

#define VMO_MAX_SIZE (1ull << 44)  // well below what a VMO's page map could index

static inline struct handle_table *cur_handles(void) { return &current_process()->handles; }

// ---- Direct calls (syscalls.def `direct`; hal.h: hal_set_syscall_direct) ----
// The x86 entry runs them straight from the argument registers: the generated d_NAME_direct
// checks the caller is in the vDSO and calls sys_NAME_direct, which ends with
// syscall_direct_done(result) on its common path and with syscall_fallback_NAME() (generated)
// for anything else: that one runs the call as the fast path would, from the argument
// registers as the caller passed them, with every status and side effect of the general path
// (dispatch.c). So sys_NAME_direct keeps nothing live for its fallback.
int64_t syscall_direct_fallback(uint64_t num);

static inline bool syscall_direct_from_vdso(uintptr_t pc) {
    const struct vm_aspace *as = current_process()->as;
    return likely(pc >= as->vdso_base && pc < as->vdso_end);
}

// The common path's end (the HAL returns to user mode at once unless sched_attention()).
static inline int64_t syscall_direct_done(int64_t r) {
    DEBUG_ASSERT(sched_attention() || (!current_thread()->policy_exception && sched_may_return(sched_current())));
    return r;
}

// ---- Handle lookups ----
// A handler looks its handle arguments up only through the lookup_CALL_ARG functions that the
// build generates from syscalls.def (syscalls/sys_lookups.h, docs/syscalls.md): the type and
// rights of the def line are in them. The getters below are their building blocks, and serve
// handles that do not come in an argument (zx_wait_item_t.handle).

// The caller's handle h to an object of `type` (0: any) holding `rights`; a held reference.
// ZX_ERR_BAD_HANDLE, ZX_ERR_WRONG_TYPE, ZX_ERR_ACCESS_DENIED, in that order.
static inline zx_status_t get_kobj_rights(zx_handle_t h, uint32_t type, zx_rights_t rights,
                                          struct kobj **out, zx_rights_t *have) {
    return handle_get(cur_handles(), h, type, rights, out, have);
}
static inline zx_status_t get_any(zx_handle_t h, zx_rights_t rights, struct kobj **out) {
    return get_kobj_rights(h, 0, rights, out, NULL);
}

#define TYPE_BIT(t) (1ull << (t))
_Static_assert(KOBJ_TYPE_COUNT <= 64, "a type set is a 64-bit mask");

// A handle to an object whose type is in the set `types` (TYPE_BIT(ZX_OBJ_TYPE_...) | ...).
// The rights come first, then the type: Zircon looks such a handle up as a generic object with
// the rights, and only then switches on its type.
static inline zx_status_t get_one_of(zx_handle_t h, uint64_t types, zx_rights_t rights,
                                     struct kobj **out, zx_rights_t *have) {
    zx_status_t st = get_kobj_rights(h, 0, rights, out, have);
    if (st == ZX_OK && !(types & TYPE_BIT((*out)->type))) {
        kobj_unref(*out);
        st = ZX_ERR_WRONG_TYPE;
    }
    return st;
}

// A handle the call consumes (handle<...,release> in syscalls.def). The generated decoder takes
// it out of the caller's table before the handler runs (consume_handle) and releases what is
// left of it when the handler returns (consumed_drop): the call consumes it whatever it returns,
// as Zircon documents for those calls. A handler that keeps the object (installs it in another
// table or as a new handle) takes obj and sets it to NULL.
struct consumed_handle {
    struct kobj *obj;     // the handle's reference; NULL: no handle, or the handler kept it
    zx_rights_t rights;   // the rights the handle had
    zx_status_t status;   // ZX_OK, or why it cannot be used: ZX_ERR_BAD_HANDLE, ZX_ERR_WRONG_TYPE,
                          // ZX_ERR_ACCESS_DENIED (the def's type and rights; consumed all the same)
};

// optional: ZX_HANDLE_INVALID is no handle (status ZX_OK, obj NULL), not ZX_ERR_BAD_HANDLE.
static inline void consume_handle(struct consumed_handle *c, zx_handle_t h, uint32_t type,
                                  zx_rights_t rights, bool optional) {
    c->obj = NULL;
    c->rights = 0;
    if (optional && h == ZX_HANDLE_INVALID) {
        c->status = ZX_OK;
        return;
    }
    c->status = handle_take(cur_handles(), h, &c->obj, &c->rights);
    if (c->status != ZX_OK) return;
    if (type && c->obj->type != type) c->status = ZX_ERR_WRONG_TYPE;
    else if ((c->rights & rights) != rights) c->status = ZX_ERR_ACCESS_DENIED;
}

static inline void consumed_drop(struct consumed_handle *c) {
    if (c->obj) handle_release(c->obj);
}

#include "syscalls/sys_lookups.h"

// The cancel routine of blocking calls (syscalls/wait.c) and its per-kind cases, each beside
// its call's handler.
void wait_cancel(struct waiter *w);
void wait_one_cancel(struct waiter *w);      // sys_object.c
void wait_many_cancel(struct waiter *w);     // sys_object.c
void port_wait_cancel(struct waiter *w);     // sys_port.c
void channel_call_cancel(struct waiter *w);  // sys_channel.c
void pager_wait_cancel(struct waiter *w);    // sys_pager.c

// Waiting for a pager (sys_pager.c, docs/pager.md). The current thread's syscall could not go
// on without page `page` of req's VMO: it waits for it and then issues the same syscall again
// from the start (its registers are untouched). If the pager fails the page, the syscall
// returns `fail_result`, or the pager's status when that is 0. Returns SYS_BLOCKED.
struct pager_request;
int64_t pager_block_restart(struct pager_request *req, uint64_t page, int64_t fail_result);
// The same, for a page that is there already: the call is issued again as soon as it runs.
int64_t pager_restart_now(void);
// zx_vmo_read / zx_vmo_write on v (referenced: the caller's reference moves to the wait
// when it blocks): the copy once the pager has supplied every page of the range.
int64_t pager_vmo_rw(struct vmo *v, user_inout_ptr buffer, uint64_t offset, size_t len, bool write);
// Registers the executor's task_ops and the user-copy fault handler (syscalls/dispatch.c; the
// boot runs it at INIT_LEVEL_SYSCALLS, the host unit tests call it).
void dispatch_global_init(void);

// Gives the caller new handles to objs[i] with rights[i], writing each value to outs[i]:
// all or nothing (a bad out pointer leaves no handle behind).
zx_status_t give_handles(size_t n, struct kobj *const *objs, const zx_rights_t *rights,
                         const user_out_ptr *outs) __attribute__((warn_unused_result));
// The same for one handle (zx_handle_duplicate, every create call), without the loops.
zx_status_t give_handle(struct kobj *obj, zx_rights_t rights, user_out_ptr out) __attribute__((warn_unused_result));
// Gives the caller a new handle with `rights` to the object of a consumed handle (its value
// written to out first, as give_handles does); on success c no longer holds the object. The
// shared tail of zx_handle_replace and zx_vmo_replace_as_executable.
zx_status_t give_consumed(struct consumed_handle *c, zx_rights_t rights, user_out_ptr out)
    __attribute__((warn_unused_result));

// Like give_handles, for objects just created: consumes their creation references. On failure
// each object goes through its last-handle path (on_zero_handles: a peered pair comes apart,
// a suspend token resumes its task), so nothing made by the failed call survives it.
zx_status_t give_new_handles(size_t n, struct kobj *const *objs, const zx_rights_t *rights,
                             const user_out_ptr *outs) __attribute__((warn_unused_result));
static inline zx_status_t give_new_handle(struct kobj *obj, zx_rights_t rights, user_out_ptr out) {
    return give_new_handles(1, &obj, &rights, &out);
}
// The two ends of a fresh peered pair to out0/out1 (give_new_handles).
zx_status_t give_pair(struct kobj *a, struct kobj *b, zx_rights_t rights, user_out_ptr out0,
                      user_out_ptr out1) __attribute__((warn_unused_result));

// Write a plain value to user memory (a bad pointer: ZX_ERR_INVALID_ARGS). The _opt forms are
// for out?<T> arguments, which the caller may leave NULL: then nothing is written.
static inline zx_status_t put_u32(user_out_ptr p, uint32_t v) { return copy_to_user(p, &v, sizeof(v)); }
static inline zx_status_t put_u64(user_out_ptr p, uint64_t v) { return copy_to_user(p, &v, sizeof(v)); }
static inline zx_status_t put_opt_u32(user_out_opt_ptr p, uint32_t v) { return copy_to_user_opt(p, &v, sizeof(v)); }
static inline zx_status_t put_opt_u64(user_out_opt_ptr p, uint64_t v) { return copy_to_user_opt(p, &v, sizeof(v)); }

// Probes an out pointer by writing zeros: lets a call check its outputs before it acts.
static inline zx_status_t probe_out(user_out_ptr p, size_t size) {
    static const uint8_t zeros[16];
    return copy_to_user(p, zeros, size);
}
static inline zx_status_t probe_opt_out(user_out_opt_ptr p, size_t size) {
    return p.addr ? probe_out(user_out_of_opt(p), size) : ZX_OK;
}

// r (a resource argument, looked up) is of `kind` with a range covering [base, base + size), or
// the root resource (which grants every range): ZX_ERR_WRONG_TYPE for another kind, `outside`
// when the range is not covered (sys_system.c). Drops the caller's reference to r.
zx_status_t check_ranged_resource(struct resource *r, uint32_t kind, uint64_t base, uint64_t size,
                                  zx_status_t outside) __attribute__((warn_unused_result));
// One unit of the system resource space: ZX_ERR_OUT_OF_RANGE for another system range.
static inline zx_status_t check_system_resource(struct resource *r, uint64_t base) {
    return check_ranged_resource(r, ZX_RSRC_KIND_SYSTEM, base, 1, ZX_ERR_OUT_OF_RANGE);
}

// Blocking helpers (sys_object.c): wait for `signals` on obj through handle h.
int64_t wait_one_block(struct kobj *obj, zx_handle_t h, zx_signals_t signals, zx_time_t deadline,
                       user_out_ptr observed);

#endif
