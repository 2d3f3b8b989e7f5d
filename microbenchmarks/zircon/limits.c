// Limit/Memcpy/*: the in-guest floor of Vmo/Read and Vmo/Write, a user-space memcpy (the
// variant libc-opt selected at boot) of the same sizes between two reused heap buffers.
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const uint32_t kMemcpySizes[3] = {128 * 1024, 512 * 1024, 2048 * 1024};

static bool limit_memcpy(struct perftest_state *state, const void *argp) {
    uint32_t size = *(const uint32_t *)argp;
    set_bytes_processed_per_run(state, size);
    char *src = malloc(size), *dst = malloc(size);
    BENCH_CHECK(state, src != NULL && dst != NULL);
    memset(src, 0xa, size);  // touch every page of both buffers before timing
    memset(dst, 0, size);
    while (perftest_keep_running(state)) {
        memcpy(dst, src, size);
        bench_clobber();
    }
    free(src);
    free(dst);
    return true;
}

static void register_limit_tests(void) {
    for (unsigned i = 0; i < 3; i++)
        perftest_registerf(limit_memcpy, &kMemcpySizes[i], "Limit/Memcpy/%ukbytes",
                           kMemcpySizes[i] / 1024);
}
PERFTEST_CTOR(register_limit_tests)
