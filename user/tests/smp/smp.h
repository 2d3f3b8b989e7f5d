// smp-stress helpers: which CPU a case's k-th thread runs on, pinning the test's own thread,
// and (smp_util.c) what the cases of one_channel.c and one_object.c share.
#ifndef ZC_SMP_STRESS_SMP_H
#define ZC_SMP_STRESS_SMP_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/syscalls.h>

#include "user/tests/core2/util.h"
#include "zctest.h"

// CPU k mod the count, so a case also runs, time-sliced, on one CPU.
static inline int cpu(int k) { return (int)((uint32_t)k % zx_system_get_num_cpus()); }

static inline void pin_self(int k) { ASSERT_OK(pin_thread(zx_thread_self(), cpu(k))); }
static inline void unpin_self(void) { EXPECT_OK(pin_thread(zx_thread_self(), -1)); }

// A failed check inside a worker's loop: recorded (the case fails) and the loop left.
#define STOP_UNLESS(cond, ...)                        \
    if (!(cond)) {                                    \
        zctest_fail(__FILE__, __LINE__, __VA_ARGS__); \
        break;                                        \
    }

// Workers start together: the gate opens once every one is pinned and running. A worker
// spins for 20 ms before it sleeps (a CPU that halts takes milliseconds to wake under QEMU),
// so the workers are running when the gate opens.
struct gate {
    volatile zx_futex_t open;
    volatile uint64_t arrived;
};
void gate_wait(struct gate *g);
// False when not all `workers` arrived within LONG_WAIT.
bool gate_open(struct gate *g, uint64_t workers);

// tthread_start, then pinned to cpu(k).
zx_status_t start_on(struct tthread *t, const char *name, void (*fn)(void *), void *arg, int k);
// This process's handles of one type (ZX_INFO_PROCESS_HANDLE_STATS); UINT32_MAX on failure.
uint32_t handles_of_type(zx_obj_type_t type);
// Handles to an object (ZX_INFO_HANDLE_COUNT); UINT32_MAX on failure.
uint32_t handle_count(zx_handle_t h);
// Word j of message or packet `seq` from sender `id`: every word differs, so a torn, shifted
// or swapped copy shows.
uint64_t word(uint32_t id, uint32_t seq, uint32_t j);

#endif
