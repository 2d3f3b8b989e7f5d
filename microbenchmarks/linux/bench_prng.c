// Prng on Linux (prng.cc): zx_cprng_draw of 8 bytes is the getrandom system call for 8 bytes
// (made with syscall(), so that a libc with a vDSO getrandom cannot turn it into a user-space
// draw).
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#include "lbench.h"

static bool prng_cprng_draw(struct perftest_state *state, const void *arg) {
    (void)arg;
    volatile uint64_t sink = 0;
    set_bytes_processed_per_run(state, sizeof(uint64_t));
    while (perftest_keep_running(state)) {
        uint64_t r;
        LB_CHECK(state, syscall(SYS_getrandom, &r, sizeof(r), 0) == (long)sizeof(r), "getrandom");
        sink = r;
    }
    (void)sink;
    return true;
}

static void register_tests(void) {
    perftest_registerf(prng_cprng_draw, NULL, "Prng/Zx/CprngDraw");
}
PERFTEST_CTOR(register_tests)
