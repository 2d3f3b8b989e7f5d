// Shared helpers of the syscall handlers (syscalls/sys_*.c).
#ifndef ZC_SYSCALLS_PRIV_H
#define ZC_SYSCALLS_PRIV_H

#include <string.h>
#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/types.h>

#include "kernel/debug.h"
#include "kernel/user_copy.h"
#include "objects/handle.h"
#include "objects/task.h"
#include "syscalls/sys_decls.h"

// What a handler returns when it blocked the calling thread (wait_block): the continuation
// will produce the syscall's result. No syscall returns it otherwise (statuses are 32-bit,
// values such as ticks are never negative).
#define SYS_BLOCKED INT64_MIN

#define VMO_MAX_SIZE (1ull << 44)  // well below what a VMO's page map could index

static inline struct handle_table *cur_handles(void) { return &current_process()->handles; }

// Type-and-rights checked lookup in the caller's table; returns a held reference.
static inline zx_status_t get_obj(zx_handle_t h, uint32_t type, zx_rights_t rights, void *out) {
    return handle_get(cur_handles(), h, type, rights, (struct kobj **)out, NULL);
}
static inline zx_status_t get_obj_rights(zx_handle_t h, uint32_t type, zx_rights_t rights, void *out,
                                         zx_rights_t *have) {
    return handle_get(cur_handles(), h, type, rights, (struct kobj **)out, have);
}

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
// zx_vmo_read / zx_vmo_write on v (referenced: the caller's reference moves to the wait
// when it blocks): the copy once the pager has supplied every page of the range.
int64_t pager_vmo_rw(struct vmo *v, user_inout_ptr buffer, uint64_t offset, size_t len, bool write);
// Registers the executor's task_ops and the user-copy fault handler (syscalls/dispatch.c).
void dispatch_global_init(void);

// Gives the caller new handles to objs[i] with rights[i], writing each value to outs[i]:
// all or nothing (a bad out pointer leaves no handle behind).
zx_status_t give_handles(size_t n, struct kobj *const *objs, const zx_rights_t *rights,
                         const user_out_ptr *outs) __attribute__((warn_unused_result));
static inline zx_status_t give_handle(struct kobj *obj, zx_rights_t rights, user_out_ptr out) {
    return give_handles(1, &obj, &rights, &out);
}
// Consumes handle h (it is closed whatever happens); when st is ZX_OK, gives the caller a new
// handle to the same object with `rights` (ZX_RIGHT_SAME_RIGHTS: the old ones plus `add`).
// The shared tail of zx_handle_replace and zx_vmo_replace_as_executable.
zx_status_t replace_handle(zx_handle_t h, zx_status_t st, zx_rights_t rights, zx_rights_t add,
                           user_out_ptr out) __attribute__((warn_unused_result));

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

// Writes a plain value to user memory if the pointer is non-NULL... no: Zircon requires the
// pointer; this writes it and maps faults to ZX_ERR_INVALID_ARGS.
static inline zx_status_t put_u32(user_out_ptr p, uint32_t v) { return copy_to_user(p, &v, sizeof(v)); }
static inline zx_status_t put_u64(user_out_ptr p, uint64_t v) { return copy_to_user(p, &v, sizeof(v)); }

// Probes an out pointer by writing zeros: lets a call check its outputs before it acts.
static inline zx_status_t probe_out(user_out_ptr p, size_t size) {
    static const uint8_t zeros[16];
    return copy_to_user(p, zeros, size);
}

// A resource of `kind` whose range covers [base, base + size), or the root resource (which
// grants every range): ZX_ERR_WRONG_TYPE for another kind (or object), `outside` when the range
// is not covered (sys_system.c).
zx_status_t check_ranged_resource(zx_handle_t handle, uint32_t kind, uint64_t base, uint64_t size,
                                  zx_status_t outside) __attribute__((warn_unused_result));

// Stream append mode (sys_stream.c), for ZX_PROP_STREAM_MODE_APPEND.
bool stream_get_append(struct kobj *o);
void stream_set_append(struct kobj *o, bool on);

// Blocking helpers (sys_object.c): wait for `signals` on obj through handle h.
int64_t wait_one_block(struct kobj *obj, zx_handle_t h, zx_signals_t signals, zx_time_t deadline,
                       user_out_ptr observed);

#endif
