// Host benchmark of the libc-opt memcpy variants against glibc's memcpy (Google Benchmark).
//
// Benchmarks are named memcpy/<impl>/<hot|cold>/<bytes>. impl: bytes, musl, erms, sse2 (the
// variants, called by name), dispatch (`memcpy` itself: one indirect jump to the variant the
// boot-time selection picked on this host; up to 64 bytes its inline path), sse2nt (sse2 with
// non-temporal stores for every length over 64) and glibc. hot copies the same two buffers again
// and again; cold walks through two 256 MiB pools, far larger than the last-level cache, so
// every copy starts from memory.
#include <benchmark/benchmark.h>
#include <cpuid.h>
#include <sched.h>
#include <sys/mman.h>
#include <x86intrin.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "libc_opt.h"

extern "C" void *zch_memcpy(void *dst, const void *src, size_t n);   // libc-opt's memcpy

namespace {

constexpr size_t kHotSize = 2u << 20;
constexpr size_t kPoolSize = 256u << 20;
constexpr size_t kSizes[] = {64, 1u << 10, 32u << 10, 64u << 10, 128u << 10, 512u << 10, 2u << 20};

unsigned char *hot_src, *hot_dst, *pool_src, *pool_dst;

unsigned char *map_buffer(size_t n)
{
    void *p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    memset(p, 0x5a, n);   // fault every page in now, not while timing
    return static_cast<unsigned char *>(p);
}

// Sets zc_memcpy_sse2_nt_threshold for the life of one benchmark (the sse2nt rows force
// non-temporal stores for every copy the sse2 loop handles).
struct nt_scope {
    size_t saved;
    explicit nt_scope(size_t threshold) : saved(zc_memcpy_sse2_nt_threshold)
    {
        if (threshold)
            zc_memcpy_sse2_nt_threshold = threshold;
    }
    ~nt_scope() { zc_memcpy_sse2_nt_threshold = saved; }
};

void copy_hot(benchmark::State &state, zc_memcpy_fn fn, size_t n, size_t nt)
{
    nt_scope scope(nt);
    for (auto _ : state) {
        benchmark::DoNotOptimize(fn(hot_dst, hot_src, n));
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

void copy_cold(benchmark::State &state, zc_memcpy_fn fn, size_t n, size_t nt)
{
    nt_scope scope(nt);
    // Each copy starts one cache line past the end of the previous one: nothing it touches was
    // touched since the previous lap over the pools.
    size_t stride = ((n + 63) & ~size_t{63}) + 64, off = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(fn(pool_dst + off, pool_src + off, n));
        benchmark::ClobberMemory();
        off += stride;
        if (off + n > kPoolSize)
            off = 0;
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

uint64_t tsc_now(void)
{
    return __rdtsc();
}

// Runs the boot-time selection the way the kernel does (CPUID here, rdtsc as the clock).
std::string select_variant(void)
{
    unsigned a, b, c, d;
    struct zc_memcpy_env env = {};
    if (__get_cpuid(1, &a, &b, &c, &d))
        env.has_sse2 = (d >> 26) & 1;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        env.has_erms = (b >> 9) & 1;
        env.has_fsrm = (d >> 4) & 1;
    }
    env.now = tsc_now;
    env.dst = hot_dst;
    env.src = hot_src;
    env.buf_size = ZC_MEMCPY_CALIB_MAX;

    // The first selection is the one installed; a few more show how stable the choice is.
    struct zc_memcpy_report rep;
    char line[200];
    std::string picks;
    unsigned chosen = zc_memcpy_select(&env, &rep);
    zc_memcpy_report_format(&rep, line, sizeof(line));
    for (int i = 0; i < 9; i++) {
        struct zc_memcpy_report again;
        picks += zc_memcpy_variant_name(zc_memcpy_select(&env, &again));
        picks += i < 8 ? "," : "";
    }
    zc_memcpy_use(chosen);
    std::printf("%s\nselection repeated 9 times: %s\n", line, picks.c_str());
    benchmark::AddCustomContext("memcpy_select", line);
    benchmark::AddCustomContext("memcpy_select_repeats", picks);
    memset(hot_dst, 0x5a, kHotSize);
    return zc_memcpy_variant_name(chosen);
}

}  // namespace

int main(int argc, char **argv)
{
    // Pin to the CPU we started on: no migrations in the middle of a measurement.
    int cpu = sched_getcpu();
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        sched_setaffinity(0, sizeof(set), &set);
    }

    // Short defaults (the whole run takes about a minute and a half); later arguments win.
    std::vector<char *> args{argv[0]};
    static char min_time[] = "--benchmark_min_time=0.1";
    static char reps[] = "--benchmark_repetitions=5";
    static char aggr[] = "--benchmark_display_aggregates_only=true";
    // Repetitions of all benchmarks interleaved in random order: a slow spell on a shared host
    // spreads over every implementation instead of landing on one.
    static char interleave[] = "--benchmark_enable_random_interleaving=true";
    args.insert(args.end(), {min_time, reps, aggr, interleave});
    args.insert(args.end(), argv + 1, argv + argc);
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data()))
        return 1;

    hot_src = map_buffer(kHotSize);
    hot_dst = map_buffer(kHotSize);
    pool_src = map_buffer(kPoolSize);
    pool_dst = map_buffer(kPoolSize);
    for (size_t i = 0; i < kHotSize; i++)
        hot_src[i] = static_cast<unsigned char>(i * 131 + 7);

    std::string chosen = select_variant();
    benchmark::AddCustomContext("memcpy_chosen", chosen);

    struct impl {
        const char *name;
        zc_memcpy_fn fn;
        size_t nt;   // nonzero: zc_memcpy_sse2_nt_threshold during the run
    };
    static void *(*volatile glibc)(void *, const void *, size_t) = memcpy;
    const impl impls[] = {
        {"bytes", zc_memcpy_bytes, 0}, {"musl", zc_memcpy_musl, 0},
        {"erms", zc_memcpy_erms, 0},   {"sse2", zc_memcpy_sse2, 0},
        {"sse2nt", zc_memcpy_sse2, 1}, {"dispatch", zch_memcpy, 0},
        {"glibc", glibc, 0},
    };
    for (const char *mode : {"hot", "cold"})
        for (size_t size : kSizes)
            for (const impl &im : impls) {
                std::string name = std::string("memcpy/") + im.name + "/" + mode + "/" +
                                   std::to_string(size);
                if (mode[0] == 'h')
                    benchmark::RegisterBenchmark(name.c_str(), copy_hot, im.fn, size, im.nt);
                else
                    benchmark::RegisterBenchmark(name.c_str(), copy_cold, im.fn, size, im.nt);
            }

    size_t ran = benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (!ran) {
        std::fprintf(stderr, "libc-opt-bench: no benchmark ran\n");
        return 1;
    }
    return 0;
}
