// bin/zc-bench: the Fuchsia microbenchmarks on zc (docs/microbenchmarks.md).
//   zc-bench [--runs N | --min-runs N --max-runs N --budget-ms M] [--filter REGEX] [--quick]
//            [--quiet] [--out -] [--list]
//   zc-bench --subprocess NAME [--cpu N]   (internal: the helper process of the *_MultiProcess
//                                           tests, pinned to CPU N for SMP/RoundTrip_*)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libc-opt/libc_opt.h>

#include "bench.h"

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--subprocess") == 0) {
        int cpu = argc >= 5 && strcmp(argv[3], "--cpu") == 0 ? atoi(argv[4]) : -1;
        return bench_subprocess_main(argv[2], cpu);
    }
    bool quiet = false;
    for (int i = 1; i < argc; i++) quiet = quiet || strcmp(argv[i], "--quiet") == 0;
    if (!quiet) {
        const char *variant = "?";
        for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
            if (zc_memcpy_variant_fn(v) == zc_memcpy_impl) variant = zc_memcpy_variant_name(v);
        printf("bench: zc-bench, memcpy variant %s, %llu ticks/s\n", variant,
               (unsigned long long)zx_ticks_per_second());
    }
    return perftest_main(argc, argv, &perftest_platform_zc);
}
