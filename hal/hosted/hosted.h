// hal/hosted private interface (hosted_*): shared by the files of this backend only.
#ifndef ZC_HAL_HOSTED_H
#define ZC_HAL_HOSTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"

// The host address range every user window lies in, reserved (PROT_NONE) at start. Above the
// AddressSanitizer shadow (which ends near 0x10007fff8000), below where Linux puts PIE
// executables and their heap (0x55..-0x56..) and ASan its heap (0x6000..).
#define HOSTED_USER_REGION     0x0000110000000000ul
#define HOSTED_WINDOW_SHIFT    36                      // 64 GiB per address space
#define HOSTED_WINDOWS         1024u
#define HOSTED_USER_REGION_END (HOSTED_USER_REGION + ((uint64_t)HOSTED_WINDOWS << HOSTED_WINDOW_SHIFT))
#define HOSTED_WINDOW_GUARD    0x1000000ul             // unused start of a window (as on x86_64)

// mmu.c
extern int hosted_memfd;                 // "physical memory"
extern struct hal_aspace *hosted_active; // the address space user copies go to
void hosted_mmu_init(void);
static inline bool hosted_in_user_region(uintptr_t a) {
    return a >= HOSTED_USER_REGION && a < HOSTED_USER_REGION_END;
}

// context.c
void hosted_context_init(void);
void hosted_timer_fired(void);  // SIGALRM taken in kernel mode (hal_idle)

// entry.S: signal entry (restores the kernel's FS base first), the fault-safe user copy.
void hosted_signal_entry(int sig, void *info, void *ucontext);
int hosted_user_copy(void *dst, const void *src, size_t len);  // 0, or 1 when it faulted
extern char hosted_user_copy_recover[];
extern uint64_t hosted_kernel_fs;        // the kernel's own FS base (glibc's TLS)
extern uint64_t hosted_fs_at_signal;     // the FS base the last signal interrupted
extern uint64_t hosted_copy_rsp;         // nonzero while a user copy runs
extern void *(*hosted_copy_impl)(void *, const void *, size_t);
void hosted_copy_faulted(uintptr_t addr);  // mmu.c: where the running user copy faulted

// fuzz/driver.c (zc-hosted-fuzz only): saves the input being run as a crash artifact and
// exits; called on a kernel panic or crash, or when the fuzzer's init program ends.
#ifdef ZC_HOSTED_FUZZ
__attribute__((noreturn)) void hosted_fuzz_fatal(const char *why);
#endif

#endif
