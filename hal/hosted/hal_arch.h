// hal/hosted: the parts of the HAL contract the portable kernel sees when zc runs as one Linux
// process (docs/hosted.md). Nothing here is to be used field-by-field outside hal/.
#ifndef ZC_HAL_ARCH_H
#define ZC_HAL_ARCH_H

#include <stdint.h>

#define HAL_PAGE_SIZE  4096ul
#define HAL_PAGE_SHIFT 12

// No HAL_USER_BASE/END: each address space is its own window of the host address space
// (hal_aspace_user_base/end, hal/hosted/mmu.c).

struct hal_aspace {
    uintptr_t base, end;   // the user range: [base, end) inside the window
    uint64_t root;         // physical address of the top table of the software page table
    uint64_t table_pages;  // its pages (for the kernel's memory counters)
    uint32_t window;       // index of the window
};

// A user thread's registers: the field names and fxsave area of hal/x86_64's (its state.c is
// shared); filled from and restored into Linux signal frames (hal/hosted/context.c).
struct hal_uctx {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t fs_base, gs_base;
    uint64_t cr2;
    uint32_t full_restore;  // unused here (a signal return restores every register)
    uint32_t pad;
    uint8_t fpu[512] __attribute__((aligned(16)));  // fxsave layout
} __attribute__((aligned(16)));

// hal.h's per-CPU words: one CPU here, so plain variables.
#define HAL_CPU_WORDS 3
extern uintptr_t hal_one_cpu_words[HAL_CPU_WORDS];
static inline uintptr_t hal_cpu_word(unsigned i) { return hal_one_cpu_words[i]; }
static inline void hal_cpu_word_set(unsigned i, uintptr_t v) { hal_one_cpu_words[i] = v; }

// Direct calls (hal.h): this backend has none; the accessors exist for the kernel to build.
extern uint64_t hal_direct_regs[9];  // the call's argument registers and its pc
static inline uintptr_t hal_syscall_direct_regs(uint64_t args[8]) {
    for (int i = 0; i < 8; i++) args[i] = hal_direct_regs[i];
    return hal_direct_regs[8];
}

// A spin-wait's turn (kernel/spinlock.h).
static inline void hal_cpu_relax(void) { __asm__ volatile("" ::: "memory"); }

#endif
