// kernel_main: run the init levels, then the executor.
#include <string.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "kernel/heap.h"
#include "kernel/init.h"
#include "kernel/pmm.h"
#include "kernel/sched.h"
#include "libc_opt.h"

extern const struct kernel_init __kinit_start[], __kinit_end[];

static void heap_level(void) {
    pmm_init();
    heap_init();
}
KERNEL_INIT(heap_level, INIT_LEVEL_HEAP);

// Pick the memcpy variant for this CPU (libc-opt), log the measured rates, and point the
// user-copy routine at the fastest variant that leaves SSE state alone.
static void memcpy_level(void) {
    static uint8_t bufs[2][ZC_MEMCPY_CALIB_MAX] __attribute__((aligned(64)));
    bool erms, fsrm, sse2;
    hal_cpu_memcpy_features(&erms, &fsrm, &sse2);
    struct zc_memcpy_env env = {
        .has_erms = erms, .has_fsrm = fsrm, .has_sse2 = sse2,
        .now = hal_ticks, .budget_ticks = hal_ticks_per_second() / 20,
        .dst = bufs[0], .src = bufs[1], .buf_size = sizeof(bufs[0]),
    };
    struct zc_memcpy_report rep;
    unsigned chosen = zc_memcpy_select(&env, &rep);
    char line[160];
    zc_memcpy_report_format(&rep, line, sizeof(line));
    kprintf("zc: %s\n", line);
    // A fault in the middle of a user copy skips the SSE variant's register restore, so user
    // copies use the faster of the general-register variants.
    unsigned uc = chosen;
    if (uc == ZC_MEMCPY_SSE2) {
        uc = ZC_MEMCPY_MUSL;
        if (rep.ticks[ZC_MEMCPY_ERMS] && rep.ticks[ZC_MEMCPY_ERMS] < rep.ticks[ZC_MEMCPY_MUSL]) uc = ZC_MEMCPY_ERMS;
    }
    hal_set_user_copy_routine(zc_memcpy_variant_fn(uc));
    kprintf("zc: user copies use %s\n", zc_memcpy_variant_name(uc));
}
KERNEL_INIT(memcpy_level, INIT_LEVEL_PLATFORM);

void kernel_main(void) {
    char line[256];
    int n = ksnprintf(line, sizeof(line), "zc: init (us since entry %lu):",
                      (hal_ticks() - hal_boot_ticks()) * 1000000 / hal_ticks_per_second());
    for (const struct kernel_init *k = __kinit_start; k < __kinit_end; k++) {
        uint64_t t0 = hal_ticks();
        k->fn();
        uint64_t us = (hal_ticks() - t0) * 1000000 / hal_ticks_per_second();
        if (n < (int)sizeof(line)) n += ksnprintf(line + n, sizeof(line) - n, " %s %lu", k->name, us);
    }
    kprintf("%s\n", line);
    sched_run();
}
