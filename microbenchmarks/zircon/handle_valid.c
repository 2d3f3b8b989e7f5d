// HandleValid/1Threads (handle_valid.cc): zx_object_get_info(event, ZX_INFO_HANDLE_VALID) with no
// buffer, once per run. Fuchsia registers HandleValid/NThreads for N = 1..CPUs (N-1 threads
// making the same call meanwhile); zc registers the 1-thread form only, so that both guests
// have the same label whatever their CPU count.
#include "bench.h"

#if defined(ZX_SYS_event_create) && defined(ZX_SYS_object_get_info)
static bool handle_valid(struct perftest_state *state, const void *arg) {
    (void)arg;
    zx_handle_t event;
    BENCH_OK(state, zx_event_create(0, &event));
    bool ok = true;
    while (ok && perftest_keep_running(state))
        ok = zx_object_get_info(event, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL) == ZX_OK;
    zx_handle_close(event);
    if (!ok) perftest_fail(state, "ZX_INFO_HANDLE_VALID failed");
    return ok;
}

static void register_handle_valid_tests(void) {
    perftest_registerf(handle_valid, NULL, "HandleValid/1Threads");
}
PERFTEST_CTOR(register_handle_valid_tests)
#endif
