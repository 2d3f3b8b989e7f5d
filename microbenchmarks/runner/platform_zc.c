// perftest runner on zc: the vDSO's tick counter and the process's debuglog (via printf).
#include <stdio.h>
#include <zircon/syscalls.h>

#include "perftest.h"

static uint64_t zc_ticks(void) { return (uint64_t)zx_ticks_get(); }
static uint64_t zc_ticks_per_second(void) { return (uint64_t)zx_ticks_per_second(); }

static void zc_write(const char *s, size_t n) {
    // stdout is line-buffered: every line becomes one debuglog record.
    while (n > 0) {
        int chunk = n > 0x7fffffff ? 0x7fffffff : (int)n;
        printf("%.*s", chunk, s);
        s += chunk;
        n -= (size_t)chunk;
    }
    zc_stdout_flush();
}

const struct perftest_platform perftest_platform_zc = {
    .test_suite = "fuchsia.microbenchmarks",
    .ticks = zc_ticks,
    .ticks_per_second = zc_ticks_per_second,
    .write = zc_write,
    .write_file = NULL,
};
