// Fault-safe user copies: the only code that touches user memory.
#include <string.h>
#include <zircon/errors.h>

#include "hal/hal.h"
#include "x86.h"

// entry.S: 0, or 1 after a page fault. It keeps its argument registers, so the copy is an asm
// call that clobbers only rax, rcx and r8-r11: a caller that retries after a fault needs no
// callee-saved registers of its own to keep the arguments, and a small copy costs its moves.
static inline int x86_user_copy(void *dst, const void *src, size_t len) {
    int faulted;
    __asm__ volatile("call x86_user_memcpy"
                     : "=a"(faulted)
                     : "D"(dst), "S"(src), "d"(len)
                     : "rcx", "r8", "r9", "r10", "r11", "memory", "cc");
    return faulted;
}
void *(*x86_user_copy_impl)(void *, const void *, size_t) = memcpy;

void hal_set_user_copy_routine(void *(*fn)(void *, const void *, size_t)) {
    x86_user_copy_impl = fn;
}

static inline bool user_range_ok(uintptr_t p, size_t len) {
    return p + len >= p && p + len <= HAL_USER_END;
}

// Always inlined (LTO) into copy_from_user / copy_to_user, and those into their callers.
__attribute__((always_inline)) inline zx_status_t hal_copy_from_user(void *dst, uintptr_t usrc, size_t len,
                                                                     uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(usrc, len)) return ZX_ERR_INVALID_ARGS;
    if (__builtin_expect(x86_user_copy(dst, (const void *)usrc, len), 0)) {
        *fault_addr = x86_cpu.fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}

__attribute__((always_inline)) inline zx_status_t hal_copy_to_user(uintptr_t udst, const void *src, size_t len,
                                                                   uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(udst, len)) return ZX_ERR_INVALID_ARGS;
    if (__builtin_expect(x86_user_copy((void *)udst, src, len), 0)) {
        *fault_addr = x86_cpu.fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}
