// GetInfo/Runtime: zx_object_get_info(thread self, ZX_INFO_TASK_RUNTIME) once per run, the
// calling thread's CPU time (not a Fuchsia microbenchmark label: issue 12 asks for it; the
// Linux peer reads the same figure with clock_gettime(CLOCK_THREAD_CPUTIME_ID)).
#include "bench.h"

#if defined(ZX_SYS_object_get_info)
static bool get_info_runtime(struct perftest_state *state, const void *arg) {
    (void)arg;
    zx_handle_t self = zx_thread_self();
    zx_info_task_runtime_t info;
    bool ok = true;
    while (ok && perftest_keep_running(state))
        ok = zx_object_get_info(self, ZX_INFO_TASK_RUNTIME, &info, sizeof(info), NULL, NULL) ==
             ZX_OK;
    if (!ok) perftest_fail(state, "ZX_INFO_TASK_RUNTIME failed");
    return ok;
}

static void register_task_runtime_tests(void) {
    perftest_registerf(get_info_runtime, NULL, "GetInfo/Runtime");
}
PERFTEST_CTOR(register_task_runtime_tests)
#endif
