// Copying between the kernel and user memory. The only way the kernel reads or writes user
// memory: a bad pointer (kernel address, unmapped, no permission) gives ZX_ERR_INVALID_ARGS.
// Pages that are mapped but not yet committed are faulted in on the way; one that cannot be
// for lack of memory gives ZX_ERR_NO_MEMORY. Callers return the copy's status as it is.
#ifndef ZC_KERNEL_USER_COPY_H
#define ZC_KERNEL_USER_COPY_H

#include <stddef.h>
#include <zircon/types.h>

#include <zircon/errors.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "kernel/user_ptr.h"

// The copies that fault on a page the user may have (not yet committed, or a pager's): resolve
// and retry (user_copy.c). `fault` is the address of the first fault.
zx_status_t copy_from_user_faulted(void *dst, user_in_ptr src, size_t len, uintptr_t fault)
    __attribute__((warn_unused_result));
zx_status_t copy_to_user_faulted(user_out_ptr dst, const void *src, size_t len, uintptr_t fault)
    __attribute__((warn_unused_result));

// Inline: the HAL's copy is the whole of a copy that does not fault (every syscall with a
// record in or out), and its size is known at most call sites.
__attribute__((warn_unused_result, always_inline)) static inline zx_status_t copy_from_user(void *dst, user_in_ptr src, size_t len) {
    uintptr_t fault;
    zx_status_t st = hal_copy_from_user(dst, src.addr, len, &fault);
    if (likely(st != ZX_ERR_UNAVAILABLE)) return st;
    return copy_from_user_faulted(dst, src, len, fault);
}
__attribute__((warn_unused_result, always_inline)) static inline zx_status_t copy_to_user(user_out_ptr dst, const void *src, size_t len) {
    uintptr_t fault;
    zx_status_t st = hal_copy_to_user(dst.addr, src, len, &fault);
    if (likely(st != ZX_ERR_UNAVAILABLE)) return st;
    return copy_to_user_faulted(dst, src, len, fault);
}
// copy_to_user of one 32-bit value (a handle value): the value stays in a register unless the
// copy faults.
zx_status_t copy_u32_to_user_faulted(user_out_ptr dst, uint32_t v, uintptr_t fault) __attribute__((warn_unused_result));
__attribute__((warn_unused_result, always_inline)) static inline zx_status_t copy_u32_to_user(user_out_ptr dst, uint32_t v) {
    uintptr_t fault;
    zx_status_t st = hal_copy_to_user(dst.addr, &v, sizeof(v), &fault);
    if (likely(st != ZX_ERR_UNAVAILABLE)) return st;
    return copy_u32_to_user_faulted(dst, v, fault);
}
// Copies the kernel run [k, k + len) to (to_user) or from the user buffers from *c on
// (hal_copy_user_segs), resolving faults as copy_*_user do: ZX_OK, ZX_ERR_INVALID_ARGS for a
// bad buffer, ZX_ERR_NO_MEMORY for a page that could not be provided. c->moved counts the bytes
// of the pieces that completed (all of len on ZX_OK).
zx_status_t copy_user_segs_faulted(struct hal_user_segs *c, char *k, size_t len, bool to_user, size_t start,
                                   uintptr_t fault) __attribute__((warn_unused_result));
__attribute__((warn_unused_result, always_inline)) static inline zx_status_t copy_user_segs(struct hal_user_segs *c,
                                                                                            void *k, size_t len,
                                                                                            bool to_user) {
    uintptr_t fault;
    size_t start = c->moved;
    zx_status_t st = hal_copy_user_segs(c, k, len, to_user, &fault);
    if (likely(st != ZX_ERR_UNAVAILABLE)) return st;
    return copy_user_segs_faulted(c, k, len, to_user, start, fault);
}
// Reads a user string of at most max-1 bytes into dst (NUL-terminated); for names.
zx_status_t copy_name_from_user(char *dst, size_t max, user_in_ptr src, size_t len) __attribute__((warn_unused_result));

static inline user_in_ptr user_in(user_inout_ptr p) { return (user_in_ptr){p.addr}; }
static inline user_out_ptr user_out(user_inout_ptr p) { return (user_out_ptr){p.addr}; }
static inline user_in_ptr user_in_off(user_in_ptr p, size_t off) { return (user_in_ptr){p.addr + off}; }
static inline user_out_ptr user_out_off(user_out_ptr p, size_t off) { return (user_out_ptr){p.addr + off}; }
static inline bool user_ptr_null(uintptr_t a) { return a == 0; }
static inline user_out_ptr user_out_of_opt(user_out_opt_ptr p) { return (user_out_ptr){p.addr}; }

// For an optional out pointer: NULL means the caller does not want the value (ZX_OK, nothing
// written); anything else is copied to as by copy_to_user.
__attribute__((warn_unused_result)) static inline zx_status_t copy_to_user_opt(user_out_opt_ptr dst,
                                                                              const void *src, size_t len) {
    return dst.addr ? copy_to_user(user_out_of_opt(dst), src, len) : ZX_OK;
}

// Registered by the layer above (syscalls/dispatch.c): make the current process's page at
// `addr` present with the access in `fault_flags` (HAL_FAULT_*), or fail. A copy that faults
// retries after each page it resolves.
typedef zx_status_t (*user_fault_fn)(uintptr_t addr, unsigned fault_flags);
void user_copy_set_fault_handler(user_fault_fn fn);

#endif
