// smp-stress helpers: which CPU a case's k-th thread runs on, and pinning the test's own thread.
#ifndef ZC_SMP_STRESS_SMP_H
#define ZC_SMP_STRESS_SMP_H

#include <zircon/syscalls.h>

#include "user/tests/core2/util.h"
#include "zctest.h"

// CPU k mod the count, so a case also runs, time-sliced, on one CPU.
static inline int cpu(int k) { return (int)((uint32_t)k % zx_system_get_num_cpus()); }

static inline void pin_self(int k) { ASSERT_OK(pin_thread(zx_thread_self(), cpu(k))); }
static inline void unpin_self(void) { EXPECT_OK(pin_thread(zx_thread_self(), -1)); }

#endif
