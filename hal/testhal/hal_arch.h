// The test HAL (hal/testhal): hal/hal.h implemented inside an ordinary host process, so the
// portable kernel (kernel/, objects/, syscalls/) runs in unit tests (tests/host/). Same names
// as hal/x86_64/hal_arch.h; nothing here is to be used field-by-field outside hal/ and tests/.
#ifndef ZC_HAL_ARCH_H
#define ZC_HAL_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#define HAL_PAGE_SIZE  4096ul
#define HAL_PAGE_SHIFT 12

// The user half of the address space (as on x86_64).
#define HAL_USER_BASE 0x0000000001000000ul
#define HAL_USER_END  0x00007ffffffff000ul  // exclusive

struct th_mmu;  // hal/testhal/testhal.c: a hash map page -> (frame, flags)

struct hal_aspace {
    struct th_mmu *mmu;
    uint64_t table_pages;  // 1: the frame taken from the kernel at init (as a PML4 would be)
    uint64_t root_pa;
};

struct th_prog;  // hal/testhal/testhal.h: a scripted user thread

// A user thread's context: what hal_uctx_init got, plus the trap the scripted program
// (if any) issues next.
struct hal_uctx {
    uint64_t pc, sp, arg1, arg2;
    uint64_t ret;          // the last value hal_uctx_set_return stored
    uint64_t rets_set;     // how many times it was stored
    uint64_t sysno;        // the pending syscall
    uint64_t args[8];
    struct th_prog *prog;  // NULL: no program (entering user mode raises an exception)
    uint32_t runs;         // hal_context_run calls so far
    bool released;         // hal_uctx_release was called
};


// hal.h's per-CPU words: one CPU here, so plain variables.
#define HAL_CPU_WORDS 3
extern uintptr_t hal_one_cpu_words[HAL_CPU_WORDS];
static inline uintptr_t hal_cpu_word(unsigned i) { return hal_one_cpu_words[i]; }
static inline void hal_cpu_word_set(unsigned i, uintptr_t v) { hal_one_cpu_words[i] = v; }

// Direct calls (hal.h: hal_set_syscall_direct): the test HAL runs some (testhal.c) and
// keeps their frame here.
extern uint64_t hal_direct_regs[9];  // the call's argument registers and its pc
static inline uintptr_t hal_syscall_direct_regs(uint64_t args[8]) {
    for (int i = 0; i < 8; i++) args[i] = hal_direct_regs[i];
    return hal_direct_regs[8];
}

// A spin-wait's turn (kernel/spinlock.h).
static inline void hal_cpu_relax(void) { __asm__ volatile("" ::: "memory"); }

#endif
