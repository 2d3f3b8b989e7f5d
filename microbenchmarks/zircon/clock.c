// ClockGetMonotonic, TicksGet (clock.cc): one zx_clock_get_monotonic() / zx_ticks_get() per run,
// both vDSO calls (the TSC read and, for the clock, its scaling to nanoseconds). They have no
// ZX_SYS_ number (vDSO only) and are always there: the runner times with zx_ticks_get.
#include "bench.h"

static volatile int64_t clock_sink;

static bool clock_get_monotonic(void) {
    clock_sink = zx_clock_get_monotonic();
    return true;
}

static bool ticks_get(void) {
    clock_sink = zx_ticks_get();
    return true;
}

static void register_clock_tests(void) {
    perftest_register_simple("ClockGetMonotonic", clock_get_monotonic);
    perftest_register_simple("TicksGet", ticks_get);
}
PERFTEST_CTOR(register_clock_tests)
