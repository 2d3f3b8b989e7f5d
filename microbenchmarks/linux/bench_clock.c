// Clock reads on Linux (clock.cc): zx_clock_get_monotonic() is clock_gettime(CLOCK_MONOTONIC),
// served by the vDSO on both systems (a TSC read scaled to nanoseconds, no system call).
// zx_ticks_get() returns the raw tick counter; no Linux call does, so TicksGet on Linux is the
// rdtsc instruction inline (no call at all): not equal work, a floor.
#define _GNU_SOURCE
#include <time.h>
#include <x86intrin.h>

#include "lbench.h"

static volatile int64_t clock_sink;

static bool clock_get_monotonic(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return false;
    clock_sink = ts.tv_sec * 1000000000LL + ts.tv_nsec;
    return true;
}

static bool ticks_get(void) {
    clock_sink = (int64_t)__rdtsc();
    return true;
}

static void register_tests(void) {
    perftest_register_simple("ClockGetMonotonic", clock_get_monotonic);
    perftest_register_simple("TicksGet", ticks_get);
}
PERFTEST_CTOR(register_tests)
