// Prng/Zx/CprngDraw (prng.cc): zx_cprng_draw of one uint64_t per run (8 bytes).
#include "bench.h"

#if defined(ZX_SYS_cprng_draw_once)
static bool prng_cprng_draw(struct perftest_state *state, const void *arg) {
    (void)arg;
    volatile uint64_t sink = 0;
    set_bytes_processed_per_run(state, sizeof(uint64_t));
    while (perftest_keep_running(state)) {
        uint64_t r;
        zx_cprng_draw(&r, sizeof(r));
        sink = r;
    }
    (void)sink;
    return true;
}

static void register_prng_tests(void) {
    perftest_registerf(prng_cprng_draw, NULL, "Prng/Zx/CprngDraw");
}
PERFTEST_CTOR(register_prng_tests)
#endif
