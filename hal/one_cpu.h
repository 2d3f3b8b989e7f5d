// The CPU part of hal.h for the backends with one CPU (hal/hosted, hal/testhal): included
// once by each, it defines the functions.
#ifndef ZC_HAL_ONE_CPU_H
#define ZC_HAL_ONE_CPU_H

#include "hal/hal.h"

uintptr_t hal_one_cpu_words[HAL_CPU_WORDS];
unsigned hal_cpu_count(void) { return 1; }
unsigned hal_cpu_id(void) { return 0; }
void hal_start_other_cpus(void (*fn)(void)) { (void)fn; }
void hal_cpu_kick(unsigned cpu) { (void)cpu; }
void hal_cpu_word_set_on(unsigned cpu, unsigned i, uintptr_t v) {
    (void)cpu;
    hal_one_cpu_words[i] = v;
}
void hal_context_leave(struct hal_uctx *u) { (void)u; }
void hal_kernel_lock(void) {}
void hal_kernel_lock_shared(void) {}
bool hal_kernel_lock_exclusive(void) { return true; }
void hal_set_syscall_handler_smp(hal_syscall_fn fn) { (void)fn; }

#endif
