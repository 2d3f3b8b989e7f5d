// bin/fuzz-guest [--calls N] [--seconds S] [--seed X] [--chunk N] [--threads T]: the in-guest
// random-syscall fuzzer's parent (docs/hostile.md). It runs bin/fuzz-child SEED CHUNK T in a fresh
// job, one seed after another (X, X+1, ...), until N calls were made or S seconds passed. T
// calling threads per child (default: one per CPU, so on several CPUs the calls race). A child that dies
// (a fault, or it killed itself) or stops making progress for WATCHDOG (blocked with an
// infinite deadline) is killed and the next seed starts. After every child the kernel's live
// objects (ZC_INFO_KERNEL_COUNTERS) must be back where they were before it ran: a
// difference is a leak, reported with the seed that made it. A kernel panic or hang ends the
// whole boot, which the harness reports.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zc/kcounters.h>
#include <zircon/syscalls/object.h>

#include "user/tests/fuzz/fuzz_run.h"
#include "zcrt.h"
#include "zctest.h"

#define WATCHDOG ZX_SEC(3)

// The defaults are make test's bounded run: 300,000 calls, or 20 s where the machine is slow
// (a KVM that emulates kernel code, docs/kvm.md), whichever comes first.
static uint64_t opt_calls = 300000, opt_seconds = 20, opt_seed = 1, opt_chunk = 20000, opt_threads = 0;

TEST(Fuzz, RandomSyscallsLeaveNoObject) {
    ASSERT_NE(zc_get_handle(ZC_HND_RESOURCE), ZX_HANDLE_INVALID);
    zx_time_t stop = opt_seconds ? zx_deadline_after(ZX_SEC(opt_seconds)) : ZX_TIME_INFINITE;
    uint64_t warm;
    unsigned threads = opt_threads ? (unsigned)opt_threads : zx_system_get_num_cpus();
    printf("fuzz: %u calling thread%s per child\n", threads, threads == 1 ? "" : "s");
    fuzz_run_child("1000001", 500, threads, ZX_HANDLE_INVALID, WATCHDOG, &warm, NULL);  // warm-up: the first launch's one-time costs
    zc_info_kernel_counters_t base = fuzz_counters();
    uint64_t total = 0, total_others = 0, children = 0, ended[4] = {0}, leaks = 0;
    uint64_t seed = opt_seed;
    while (total < opt_calls && zx_clock_get_monotonic() < stop) {
        uint64_t chunk = opt_calls - total < opt_chunk ? opt_calls - total : opt_chunk;
        uint64_t calls, others;
        char seed_s[24];
        snprintf(seed_s, sizeof(seed_s), "%llu", (unsigned long long)seed);
        enum fuzz_end how = fuzz_run_child(seed_s, chunk, threads, ZX_HANDLE_INVALID, WATCHDOG, &calls, &others);
        total_others += others;
        total += calls;
        children++;
        ended[how]++;
        zc_info_kernel_counters_t now = fuzz_counters();
        if (now.live_objects != base.live_objects) {
            leaks++;
            zctest_fail(__FILE__, __LINE__,
                        "seed %llu: %lld kernel objects left behind after its child ended",
                        (unsigned long long)seed, (long long)(now.live_objects - base.live_objects));
            for (uint32_t t = 0; t < ZC_KCOUNTERS_TYPES; t++)
                if (now.live_by_type[t] != base.live_by_type[t])
                    printf("fuzz: seed %llu: type %u: %lld\n", (unsigned long long)seed, t,
                           (long long)(now.live_by_type[t] - base.live_by_type[t]));
            base = now;  // report each leak once
        }
        if (how == END_NOT_STARTED) {
            zctest_fail(__FILE__, __LINE__, "seed %llu: could not start the child",
                        (unsigned long long)seed);
            break;
        }
        seed++;
    }
    printf("fuzz: %llu calls (and %llu on other threads) in %llu children (seeds %llu..%llu): %llu finished, "
           "%llu died, %llu blocked and were killed; %llu leaks\n",
           (unsigned long long)total, (unsigned long long)total_others, (unsigned long long)children,
           (unsigned long long)opt_seed, (unsigned long long)(seed - 1),
           (unsigned long long)ended[END_DONE], (unsigned long long)ended[END_DIED],
           (unsigned long long)ended[END_HUNG], (unsigned long long)leaks);
}

int main(int argc, char **argv) {
    // Our options first; the rest (--filter) goes to zctest.
    int kept = 1;
    bool calls_given = false, seconds_given = false;
    for (int i = 1; i < argc; i++) {
        uint64_t *opt = !strcmp(argv[i], "--calls")     ? &opt_calls
                        : !strcmp(argv[i], "--seconds") ? &opt_seconds
                        : !strcmp(argv[i], "--seed")    ? &opt_seed
                        : !strcmp(argv[i], "--chunk")   ? &opt_chunk
                        : !strcmp(argv[i], "--threads") ? &opt_threads
                                                        : NULL;
        if (opt && i + 1 < argc) {
            *opt = strtoull(argv[++i], NULL, 0);
            calls_given |= opt == &opt_calls;
            seconds_given |= opt == &opt_seconds;
        } else {
            argv[kept++] = argv[i];
        }
    }
    if (seconds_given && !calls_given)
        opt_calls = ~0ull;  // a time budget alone: as many calls as fit
    else if (calls_given && !seconds_given)
        opt_seconds = 0;    // a call count alone: however long it takes
    if (!opt_chunk)
        opt_chunk = 1;
    return zctest_main(kept, argv);
}
