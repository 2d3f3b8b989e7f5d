// x86_64 parts of the HAL contract that the portable kernel needs to see (sizes and
// the user address range). Nothing here is to be used field-by-field outside hal/.
#ifndef ZC_HAL_ARCH_H
#define ZC_HAL_ARCH_H

#include <stdint.h>

#define HAL_PAGE_SIZE  4096ul
#define HAL_PAGE_SHIFT 12

// The user half of the address space (Zircon's user aspace on x86_64).
#define HAL_USER_BASE 0x0000000001000000ul
#define HAL_USER_END  0x00007ffffffff000ul  // exclusive

struct hal_aspace {
    uint64_t pml4;         // physical address of the top-level table
    uint64_t table_pages;  // page-table pages in use (for the kernel's memory counters)
    uint64_t iomap[2];     // frames of its I/O permission bitmap; 0: no port allowed
};

// Register save area of a user thread. The layout is fixed by the entry code in
// hal/x86_64/entry.S: general registers, vector, error code, then the hardware iret frame.
struct hal_uctx {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;  // iret frame; TSS.rsp0 points just past ss
    uint64_t fs_base, gs_base;
    uint64_t cr2;
    uint32_t full_restore;  // 1: return with iretq (after an interrupt or exception)
    uint32_t pad;
    uint8_t fpu[512] __attribute__((aligned(16)));  // fxsave area
} __attribute__((aligned(16)));


// hal.h's per-CPU words: in this CPU's block (x86.h, struct x86_percpu.kwords), reached
// through the GS base with one instruction. The compiler sees every access as one of
// hal_x86_kwords (a dummy), so reads are ordered after writes and after any call or barrier,
// and may be merged between them.
#define HAL_X86_PERCPU_KWORDS 64
#define HAL_CPU_WORDS 3
extern char hal_x86_kwords;
static inline uintptr_t hal_cpu_word(unsigned i) {
    uintptr_t v;
    __asm__("mov %%gs:%c1, %0" : "=r"(v) : "i"(HAL_X86_PERCPU_KWORDS + 8 * i), "m"(hal_x86_kwords));
    return v;
}
static inline void hal_cpu_word_set(unsigned i, uintptr_t v) {
    __asm__ volatile("mov %1, %%gs:%c2" : "+m"(hal_x86_kwords) : "r"(v), "i"(HAL_X86_PERCPU_KWORDS + 8 * i));
}

// Inside a direct call (hal.h: hal_set_syscall_direct): the frame entry.S built below the kernel
// stack pointer x86_context_enter saved (r12 r13 rip rdi rsi rdx r10 r8 r9).
static inline uintptr_t hal_syscall_direct_regs(uint64_t args[8]) {
    const uint64_t *f;
    __asm__("mov %%gs:0, %0" : "=r"(f) : "m"(hal_x86_kwords));
    f -= 9;
    for (int i = 0; i < 6; i++) args[i] = f[3 + i];
    args[6] = f[0];
    args[7] = f[1];
    return f[2];
}

// A spin-wait's turn (kernel/spinlock.h).
static inline void hal_cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

#endif
