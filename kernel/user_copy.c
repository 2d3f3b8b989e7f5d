#include "kernel/user_copy.h"

#include <string.h>
#include <zircon/errors.h>

#include "hal/hal.h"
#include "kernel/debug.h"

static user_fault_fn resolve_fault;

void user_copy_set_fault_handler(user_fault_fn fn) { resolve_fault = fn; }

// Each retry resolves one fault; a copy never needs more than one per page it touches.
static size_t max_faults(uintptr_t addr, size_t len) {
    return ((addr + len + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE) - addr / HAL_PAGE_SIZE + 1;
}

// Resolves one fault of a copy. A page that cannot be provided for lack of memory fails the
// copy with ZX_ERR_NO_MEMORY (the buffer was valid); any other unresolved fault means the
// buffer was not, ZX_ERR_INVALID_ARGS.
static zx_status_t resolve(uintptr_t fault, unsigned flags) {
    if (!resolve_fault) return ZX_ERR_INVALID_ARGS;
    zx_status_t st = resolve_fault(fault, flags);
    return st == ZX_OK || st == ZX_ERR_NO_MEMORY ? st : ZX_ERR_INVALID_ARGS;
}

// A copy that hit a page fault: resolve it and copy again, once per page at most. Out of line
// (the copies themselves are inline, user_copy.h).
__attribute__((noinline, cold)) zx_status_t copy_from_user_faulted(void *dst, user_in_ptr src, size_t len, uintptr_t fault) {
    for (size_t budget = max_faults(src.addr, len); budget--;) {
        zx_status_t fst = resolve(fault, 0);
        if (fst != ZX_OK) return fst;
        zx_status_t st = hal_copy_from_user(dst, src.addr, len, &fault);
        if (st != ZX_ERR_UNAVAILABLE) return st;
    }
    return ZX_ERR_INVALID_ARGS;
}

__attribute__((noinline, cold)) zx_status_t copy_to_user_faulted(user_out_ptr dst, const void *src, size_t len, uintptr_t fault) {
    for (size_t budget = max_faults(dst.addr, len); budget--;) {
        zx_status_t fst = resolve(fault, HAL_FAULT_WRITE);
        if (fst != ZX_OK) return fst;
        zx_status_t st = hal_copy_to_user(dst.addr, src, len, &fault);
        if (st != ZX_ERR_UNAVAILABLE) return st;
    }
    return ZX_ERR_INVALID_ARGS;
}

// Goes on from the piece that faulted (k + the bytes done since `start`) after each fault it
// resolves. A piece is at most len bytes, so it needs max_faults(.., len) resolutions at most;
// the budget starts again whenever a piece completes.
__attribute__((noinline, cold)) zx_status_t copy_user_segs_faulted(struct hal_user_segs *c, char *k, size_t len,
                                                                   bool to_user, size_t start, uintptr_t fault) {
    size_t progress = c->moved, budget = max_faults(0, len) + 1;
    for (;;) {
        if (c->moved != progress) {
            progress = c->moved;
            budget = max_faults(0, len) + 1;
        }
        if (!budget--) return ZX_ERR_INVALID_ARGS;
        zx_status_t fst = resolve(fault, to_user ? HAL_FAULT_WRITE : 0);
        if (fst != ZX_OK) return fst;
        size_t done = c->moved - start;
        zx_status_t st = hal_copy_user_segs(c, k + done, len - done, to_user, &fault);
        if (st != ZX_ERR_UNAVAILABLE) return st;
    }
}

__attribute__((noinline, cold)) zx_status_t copy_u32_to_user_faulted(user_out_ptr dst, uint32_t v, uintptr_t fault) {
    return copy_to_user_faulted(dst, &v, sizeof(v), fault);
}

zx_status_t copy_name_from_user(char *dst, size_t max, user_in_ptr src, size_t len) {
    if (max == 0) return ZX_ERR_INVALID_ARGS;
    if (len >= max) len = max - 1;
    zx_status_t st = copy_from_user(dst, src, len);
    if (st != ZX_OK) return st;
    size_t n = strnlen(dst, len);
    memset(dst + n, 0, max - n);  // nothing after the first NUL is kept
    return ZX_OK;
}
