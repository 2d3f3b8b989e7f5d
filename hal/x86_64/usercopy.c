// Fault-safe user copies: the only code that touches user memory.
#include <string.h>
#include <zircon/errors.h>

#include "hal/hal.h"
#include "x86.h"

// entry.S: the same copy with and without STAC/CLAC around it.
int x86_user_memcpy_smap(void *dst, const void *src, size_t len);
int x86_user_memcpy_nosmap(void *dst, const void *src, size_t len);
static int (*x86_user_memcpy)(void *dst, const void *src, size_t len) = x86_user_memcpy_nosmap;
void *(*x86_user_copy_impl)(void *, const void *, size_t) = memcpy;

void x86_user_copy_init(void) {
    x86_user_memcpy = x86_feat.smap ? x86_user_memcpy_smap : x86_user_memcpy_nosmap;
}

void hal_set_user_copy_routine(void *(*fn)(void *, const void *, size_t)) {
    x86_user_copy_impl = fn;
}

// Written so that a constant len (most copies: a record's size) leaves one comparison.
static inline bool user_range_ok(uintptr_t p, size_t len) {
    return len <= HAL_USER_END && p <= HAL_USER_END - len;
}

zx_status_t hal_copy_from_user(void *dst, uintptr_t usrc, size_t len, uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(usrc, len)) return ZX_ERR_INVALID_ARGS;
    if (x86_user_memcpy(dst, (const void *)usrc, len)) {
        *fault_addr = x86_cpu.fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}

zx_status_t hal_copy_to_user(uintptr_t udst, const void *src, size_t len, uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(udst, len)) return ZX_ERR_INVALID_ARGS;
    if (x86_user_memcpy((void *)udst, src, len)) {
        *fault_addr = x86_cpu.fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}
