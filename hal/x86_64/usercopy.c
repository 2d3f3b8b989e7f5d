// Fault-safe user copies: the only code that touches user memory.
#include <string.h>
#include <zircon/errors.h>

#include "hal/hal.h"
#include "hal/user_segs.h"
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
// x86_user_copy_vec (entry.S): the same through xmm0-xmm3, changing no general register but
// rax; direct calls only. (The kernel is built without vector registers: none of its values
// lives in xmm0-xmm3, so they are no clobbers to declare.)
static inline int x86_user_copy_vec(void *dst, const void *src, size_t len) {
    int faulted;
    __asm__ volatile("call x86_user_copy_vec"
                     : "=a"(faulted)
                     : "D"(dst), "S"(src), "d"(len)
                     : "memory", "cc");
    return faulted;
}
void *(*x86_user_copy_impl)(void *, const void *, size_t) = memcpy;

extern const uintptr_t __stac_sites_start[], __stac_sites_end[], __clac_sites_start[], __clac_sites_end[];

static void patch_sites(const uintptr_t *site, const uintptr_t *end, uint8_t modrm) {
    for (; site < end; site++) {
        uint8_t *p = (uint8_t *)*site;
        p[0] = 0x0f;
        p[1] = 0x01;
        p[2] = modrm;
    }
}

// Runs in x86_cpu_init (the boot CPU only), on the boot page tables, before x86_mmu_init maps
// the kernel's text read-only. (entry.S has its sites too: SMAP_SITE.)
void x86_user_copy_init(void) {
    if (x86_feat.smap) {
        patch_sites(__stac_sites_start, __stac_sites_end, 0xcb);  // stac
        patch_sites(__clac_sites_start, __clac_sites_end, 0xca);  // clac
    }
}

void hal_set_user_copy_routine(void *(*fn)(void *, const void *, size_t)) {
    x86_user_copy_impl = fn;
}

// ---- inline copies of a record of fixed size ----
// A copy whose size the compiler knows (a port packet, a handle value, a u64) and that is a
// multiple of 4 up to 64 bytes is made inline, one 8- or 4-byte move at a time: no call, no
// loop, no recovery point to set. Each user access is an asm goto listed in the exception
// table with the label its fault resumes at (x86_kernel_trap -> x86_user_access_fixup): the
// same stack and registers as if the instruction had jumped there.

struct x86_extable_entry {
    uintptr_t insn, fixup;
};
extern const struct x86_extable_entry __extable_start[], __extable_end[];

uintptr_t x86_user_access_fixup(uintptr_t rip) {
    for (const struct x86_extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip) return e->fixup;
    return 0;
}

#define USER_ACCESS(insn) "1: " insn "\n.pushsection .zc_extable,\"a\"\n.balign 8\n.quad 1b, %l[fault]\n.popsection"

// (hal_copy_*_user are inlined into their callers, where the size is a constant, so this
// test and the loops below fold away.)
#define FIXED_MAX 64
// Only a size the compiler knows: any other goes to x86_user_memcpy (entry.S), itself without
// a loop up to 64 bytes.
static inline __attribute__((always_inline)) bool fixed_size(size_t len) {
    return __builtin_constant_p(len) && len <= FIXED_MAX && len % 4 == 0;
}

// STAC and CLAC around them: a 3-byte NOP at each site, made STAC or CLAC at boot when SMAP
// is on (x86_user_copy_init), so that no copy tests the feature.
#define SMAP_SITE(section) "1: .byte 0x0f, 0x1f, 0x00\n.pushsection " section ",\"a\"\n.balign 8\n.quad 1b\n.popsection"
static inline __attribute__((always_inline)) void user_access_begin(void) {
    __asm__ volatile(SMAP_SITE(".zc_stac_sites") ::: "memory");
}
static inline __attribute__((always_inline)) void user_access_end(void) {
    __asm__ volatile(SMAP_SITE(".zc_clac_sites") ::: "memory");
}

// One move of `size` bytes (1, 4 or 8) to or from user memory; false after a fault
// (x86_cpu.fault_addr says where). `mov` takes its size from the register operand.
static inline __attribute__((always_inline)) bool move_unit(char *d, const char *s, unsigned size, bool to_user) {
    uint64_t v64;
    uint32_t v32;
    uint8_t v8;
    if (size == 8 && !to_user) __asm__ goto(USER_ACCESS("mov %1, %0") : "=r"(v64) : "m"(*(const uint64_t *)s) : : fault);
    if (size == 8 && !to_user) __builtin_memcpy(d, &v64, 8);
    if (size == 8 && to_user) __builtin_memcpy(&v64, s, 8);
    if (size == 8 && to_user) __asm__ goto(USER_ACCESS("mov %0, %1") : : "r"(v64), "m"(*(uint64_t *)d) : "memory" : fault);
    if (size == 4 && !to_user) __asm__ goto(USER_ACCESS("mov %1, %0") : "=r"(v32) : "m"(*(const uint32_t *)s) : : fault);
    if (size == 4 && !to_user) __builtin_memcpy(d, &v32, 4);
    if (size == 4 && to_user) __builtin_memcpy(&v32, s, 4);
    if (size == 4 && to_user) __asm__ goto(USER_ACCESS("mov %0, %1") : : "r"(v32), "m"(*(uint32_t *)d) : "memory" : fault);
    if (size == 1 && !to_user) __asm__ goto(USER_ACCESS("movb %1, %0") : "=q"(v8) : "m"(*(const uint8_t *)s) : : fault);
    if (size == 1 && !to_user) *(uint8_t *)d = v8;
    if (size == 1 && to_user) v8 = *(const uint8_t *)s;
    if (size == 1 && to_user) __asm__ goto(USER_ACCESS("movb %0, %1") : : "q"(v8), "m"(*(uint8_t *)d) : "memory" : fault);
    return true;
fault:
    return false;
}

// Copies len (fixed_size) bytes to or from user memory: 8-byte moves, then one 4-byte move.
static inline __attribute__((always_inline)) bool copy_fixed(void *dst, const void *src, size_t len, bool to_user) {
    bool ok = true;
    user_access_begin();
#pragma GCC unroll 8
    for (size_t i = 0; i + 8 <= len; i += 8) {
        if (!move_unit((char *)dst + i, (const char *)src + i, 8, to_user)) {
            ok = false;
            break;
        }
    }
    if (ok && len % 8) ok = move_unit((char *)dst + len - 4, (const char *)src + len - 4, 4, to_user);
    user_access_end();
    return ok;
}

// Written so that a constant len (most copies: a record's size) leaves one comparison.
static inline bool user_range_ok(uintptr_t p, size_t len) {
    return len <= HAL_USER_END && p <= HAL_USER_END - len;
}

// Always inlined (LTO): at most call sites the size is a constant.
__attribute__((always_inline)) inline zx_status_t hal_copy_from_user(void *dst, uintptr_t usrc, size_t len,
                                                                     uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(usrc, len)) return ZX_ERR_INVALID_ARGS;
    if (fixed_size(len) ? !copy_fixed(dst, (const void *)usrc, len, false)
                        : __builtin_expect(x86_user_copy(dst, (const void *)usrc, len), 0)) {
        *fault_addr = x86_cpu.fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}

__attribute__((always_inline)) inline zx_status_t hal_copy_to_user(uintptr_t udst, const void *src, size_t len,
                                                                   uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(udst, len)) return ZX_ERR_INVALID_ARGS;
    if (fixed_size(len) ? !copy_fixed((void *)udst, src, len, true)
                        : __builtin_expect(x86_user_copy((void *)udst, src, len), 0)) {
        *fault_addr = x86_cpu.fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}

// Inside a direct call (hal.h): the vector copy, either way (`user` is the user side's address).
// A zero length is not special (its range is checked like any other: a direct handler falls
// back on any failure).
static inline __attribute__((always_inline)) zx_status_t direct_copy(void *dst, const void *src, uintptr_t user,
                                                                     size_t len, uintptr_t *fault_addr) {
    if (!user_range_ok(user, len)) return ZX_ERR_INVALID_ARGS;
    if (__builtin_expect(x86_user_copy_vec(dst, src, len), 0)) {
        *fault_addr = x86_cpu.fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}

__attribute__((always_inline)) inline zx_status_t hal_copy_from_user_direct(void *dst, uintptr_t usrc, size_t len,
                                                                            uintptr_t *fault_addr) {
    return direct_copy(dst, (const void *)usrc, usrc, len, fault_addr);
}

__attribute__((always_inline)) inline zx_status_t hal_copy_to_user_direct(uintptr_t udst, const void *src, size_t len,
                                                                          uintptr_t *fault_addr) {
    return direct_copy((void *)udst, src, udst, len, fault_addr);
}

// ---- scatter/gather ----

// 1 to 64 bytes whose length is known only at run time, user access already on: qwords (the
// last one overlapping the one before), two overlapping dwords, or bytes.
static inline __attribute__((always_inline)) bool copy_small(char *d, const char *s, size_t m, bool to_user) {
    if (m >= 8) {
        for (size_t i = 0; i + 8 < m; i += 8)
            if (!move_unit(d + i, s + i, 8, to_user)) return false;
        return move_unit(d + m - 8, s + m - 8, 8, to_user);
    }
    if (m >= 4) return move_unit(d, s, 4, to_user) && move_unit(d + m - 4, s + m - 4, 4, to_user);
    for (size_t i = 0; i < m; i++)
        if (!move_unit(d + i, s + i, 1, to_user)) return false;
    return true;
}

// One piece of hal_copy_user_segs, inside its user access: up to 64 bytes inline; a longer one
// through x86_user_memcpy, which turns user access on and off itself.
static inline __attribute__((always_inline)) zx_status_t copy_piece(uintptr_t u, char *k, size_t m, bool to_user,
                                                                    uintptr_t *fault_addr) {
    bool ok;
    if (m <= 64) {
        // One comparison for the usual piece, the exact test near the end of the range.
        if (__builtin_expect(u > HAL_USER_END - 64, 0) && !user_range_ok(u, m)) return ZX_ERR_INVALID_ARGS;
        ok = to_user ? copy_small((char *)u, k, m, true) : copy_small(k, (const char *)u, m, false);
    } else {
        if (!user_range_ok(u, m)) return ZX_ERR_INVALID_ARGS;
        user_access_end();
        ok = !(to_user ? x86_user_copy((void *)u, k, m) : x86_user_copy(k, (const void *)u, m));
        user_access_begin();
    }
    if (__builtin_expect(ok, 1)) return ZX_OK;
    *fault_addr = x86_cpu.fault_addr;
    return ZX_ERR_UNAVAILABLE;
}

static zx_status_t copy_segs_to_user(struct hal_user_segs *c, void *k, size_t len, uintptr_t *fault_addr) {
    return hal_user_segs_walk(c, k, len, true, fault_addr, copy_piece);
}
static zx_status_t copy_segs_from_user(struct hal_user_segs *c, void *k, size_t len, uintptr_t *fault_addr) {
    return hal_user_segs_walk(c, k, len, false, fault_addr, copy_piece);
}

// One STAC/CLAC pair around the whole list (but for the pieces over 64 bytes).
zx_status_t hal_copy_user_segs(struct hal_user_segs *c, void *k, size_t len, bool to_user, uintptr_t *fault_addr) {
    user_access_begin();
    zx_status_t st = to_user ? copy_segs_to_user(c, k, len, fault_addr) : copy_segs_from_user(c, k, len, fault_addr);
    user_access_end();
    return st;
}
