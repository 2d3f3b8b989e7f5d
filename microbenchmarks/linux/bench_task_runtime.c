// GetInfo/Runtime on Linux: the calling thread's CPU time, clock_gettime(CLOCK_THREAD_CPUTIME_ID)
// (a system call: the vDSO serves no CPU-time clock).
#define _GNU_SOURCE
#include <time.h>

#include "lbench.h"

static bool get_info_runtime(struct perftest_state *state, const void *arg) {
    (void)arg;
    struct timespec ts;
    while (perftest_keep_running(state))
        LB_CHECK(state, clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0, "clock_gettime");
    return true;
}

static void register_tests(void) {
    perftest_registerf(get_info_runtime, NULL, "GetInfo/Runtime");
}
PERFTEST_CTOR(register_tests)
