// perftest runner on Linux: CLOCK_MONOTONIC in nanoseconds, stdout, and files for --out PATH.
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "perftest.h"

static uint64_t linux_ticks(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t linux_ticks_per_second(void) { return 1000000000u; }

static void linux_write(const char *s, size_t n) {
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}

static int linux_write_file(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    size_t w = fwrite(data, 1, n, f);
    int rc = fclose(f);
    return (w == n && rc == 0) ? 0 : -1;
}

const struct perftest_platform perftest_platform_linux = {
    .test_suite = "linux.microbenchmarks",
    .ticks = linux_ticks,
    .ticks_per_second = linux_ticks_per_second,
    .write = linux_write,
    .write_file = linux_write_file,
};
