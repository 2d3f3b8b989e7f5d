// hal/hosted start: zc as one Linux process. main() reads the command line and the bootfs,
// creates "physical memory" (a memfd), and hands over to the portable kernel (kernel_main).
//
//   zc-hosted [--initrd FILE] [--memory MiB] init=bin/NAME [args...]
//
// The words after the options form the kernel command line, as QEMU's -append would.
// Also: console (stdout), time (TSC calibrated against CLOCK_MONOTONIC, as the vDSO reads it),
// the one-shot timer (a POSIX timer raising SIGALRM), randomness, shutdown (the exit status).
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "hal/hosted/hosted.h"
#include "kernel/debug.h"

#define DEFAULT_MEMORY_MIB 512
#define LOW_RESERVED (1ul << 20)  // physical page 0 and the first MiB stay unused, as on x86_64

uintptr_t hal_physmap_base;

static char cmdline[1024];
static struct hal_mem_range ranges[1];
static uint64_t total_ram;
static paddr_t initrd_base;
static uint64_t initrd_size;
static uint64_t boot_tsc, tsc_hz, ns_mult;  // ns = ((tsc - boot_tsc) * ns_mult) >> 32
static timer_t host_timer;

static __attribute__((noreturn)) void die(const char *what) {
    fprintf(stderr, "zc-hosted: %s: %s\n", what, strerror(errno));
    exit(127);
}

static __attribute__((noreturn)) void usage(void) {
    fprintf(stderr, "usage: zc-hosted [--initrd FILE] [--memory MiB] init=bin/NAME [args...]\n"
                    "  FILE defaults to $ZC_INITRD, else build/bootfs.cpio\n");
    exit(127);
}

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// The TSC rate against CLOCK_MONOTONIC over 20 ms (the host has an invariant TSC).
static void time_init(void) {
    uint64_t n0 = mono_ns(), t0 = __rdtsc();
    struct timespec d = {0, 20 * 1000 * 1000};
    while (nanosleep(&d, &d) != 0 && errno == EINTR) {
    }
    uint64_t n1 = mono_ns(), t1 = __rdtsc();
    tsc_hz = (uint64_t)((unsigned __int128)(t1 - t0) * 1000000000ull / (n1 - n0));
    ns_mult = (1000000000ull << 32) / tsc_hz;
    // Aimed at this thread: in the fuzzer (hal/hosted/fuzz) other host threads run beside it.
    struct sigevent ev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM};
    ev._sigev_un._tid = gettid();
    if (timer_create(CLOCK_MONOTONIC, &ev, &host_timer) != 0) die("timer_create");
}

// Physical memory: a memfd of `bytes`, mapped once as the physmap. The initrd is read into its
// top pages, the rest from 1 MiB up is the kernel's.
static void memory_init(uint64_t bytes, const char *initrd_path) {
    hosted_memfd = memfd_create("zc-physmem", MFD_CLOEXEC);
    if (hosted_memfd < 0 || ftruncate(hosted_memfd, (off_t)bytes) != 0) die("memfd");
    // Aligned as the physical addresses are (the heap finds a slab's header by masking a
    // virtual address; buddy blocks are aligned to their size): 1 GiB, as x86_64's physmap.
    uintptr_t align = 1ul << 30;
    void *r = mmap(NULL, bytes + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) die("mmap of the physmap");
    uintptr_t base = ((uintptr_t)r + align - 1) & ~(align - 1);
    if (mmap((void *)base, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, hosted_memfd, 0) !=
        (void *)base)
        die("mmap of the physmap");
    hal_physmap_base = base;
    total_ram = bytes - LOW_RESERVED;

    int fd = open(initrd_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "zc-hosted: cannot read the bootfs %s: %s\n", initrd_path, strerror(errno));
        exit(127);
    }
    initrd_size = (uint64_t)st.st_size;
    uint64_t room = (initrd_size + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1);
    if (room + LOW_RESERVED + (16ul << 20) > bytes) {
        fprintf(stderr, "zc-hosted: the bootfs (%lu bytes) does not fit in memory\n", initrd_size);
        exit(127);
    }
    initrd_base = bytes - room;
    for (uint64_t done = 0; done < initrd_size;) {
        ssize_t n = read(fd, paddr_to_kva(initrd_base + done), initrd_size - done);
        if (n <= 0) die("read of the bootfs");
        done += (uint64_t)n;
    }
    close(fd);
    ranges[0] = (struct hal_mem_range){LOW_RESERVED, initrd_base - LOW_RESERVED};
}

#ifdef ZC_HOSTED_FUZZ
#define main hosted_main  // the fuzzer's driver (hal/hosted/fuzz/driver.c) owns main
#endif
int main(int argc, char **argv) {
    boot_tsc = __rdtsc();
    const char *initrd = getenv("ZC_INITRD") ? getenv("ZC_INITRD") : "build/bootfs.cpio";
    uint64_t mib = DEFAULT_MEMORY_MIB;
    int i = 1;
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (!strcmp(argv[i], "--initrd") && i + 1 < argc) initrd = argv[++i];
        else if (!strcmp(argv[i], "--memory") && i + 1 < argc) mib = strtoull(argv[++i], NULL, 0);
        else usage();
    }
    if (i == argc || mib < 64 || mib > (1u << 20)) usage();
    size_t n = 0;
    for (; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (n + len + 2 > sizeof(cmdline)) usage();
        if (n) cmdline[n++] = ' ';
        memcpy(cmdline + n, argv[i], len);
        n += len;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    memory_init(mib << 20, initrd);
    time_init();
    hosted_mmu_init();
    hosted_context_init();
    kprintf("\nzc: booting (hosted: one Linux process, %lu MiB of memfd RAM, tsc %lu kHz)\n",
            total_ram >> 20, tsc_hz / 1000);
    kernel_main();
}

// ---- boot information ----
size_t hal_boot_memory(const struct hal_mem_range **out) {
    *out = ranges;
    return 1;
}
uint64_t hal_total_memory(void) { return total_ram; }
const char *hal_boot_cmdline(void) { return cmdline; }
void hal_boot_initrd(paddr_t *base, uint64_t *size) {
    *base = initrd_base;
    *size = initrd_size;
}
uint64_t hal_boot_ticks(void) { return boot_tsc; }

// ---- console ----
void hal_console_write(const char *s, size_t n) {
    while (n) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

// ---- time ----
uint64_t hal_ticks(void) { return __rdtsc(); }
uint64_t hal_ticks_per_second(void) { return tsc_hz; }
zx_time_t hal_now(void) {
    return (zx_time_t)(((unsigned __int128)(__rdtsc() - boot_tsc) * ns_mult) >> 32);
}
void hal_time_params(uint64_t *ticks_at_boot, uint64_t *mult) {
    *ticks_at_boot = boot_tsc;
    *mult = ns_mult;
}

// The host deadline is taken relative to now, so the TSC clock and CLOCK_MONOTONIC drifting
// apart never makes the timer fire far from the zc deadline. Firing early is harmless: the
// kernel re-arms.
void hal_timer_set(zx_time_t deadline) {
    struct itimerspec its = {0};
    if (deadline != ZX_TIME_INFINITE) {
        zx_time_t now = hal_now();
        uint64_t at = mono_ns() + (deadline > now ? (uint64_t)(deadline - now) : 0) + 1;
        its.it_value.tv_sec = (time_t)(at / 1000000000ull);
        its.it_value.tv_nsec = (long)(at % 1000000000ull);
    }
    timer_settime(host_timer, TIMER_ABSTIME, &its, NULL);
}

// ---- cpu ----
// One CPU: the kernel is one Linux thread.
#include "hal/one_cpu.h"

void hal_cpu_memcpy_features(bool *erms, bool *fsrm, bool *sse2) {
    unsigned a, b, c, d;
    *erms = *fsrm = false;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        *erms = b & (1u << 9);
        *fsrm = d & (1u << 4);
    }
    *sse2 = true;  // x86_64
}
uint32_t hal_dcache_line_size(void) {
    long n = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
    return n > 0 ? (uint32_t)n : 64;
}

uint64_t hal_random(void) {
    static uint64_t s;
    if (!s && getrandom(&s, sizeof(s), 0) != sizeof(s)) s = __rdtsc();
    s ^= s << 13;  // xorshift64: cheap, as the contract allows
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}
bool hal_entropy(uint64_t *out) { return getrandom(out, sizeof(*out), 0) == sizeof(*out); }
const char *hal_entropy_source(void) { return "getrandom"; }

// ---- end of run: the exit status is the one QEMU's isa-debug-exit would carry (docs/abi.md),
// without its encoding: 0..124 the program's status, 125 other, 126 panic.
void hal_shutdown(int exit_code) {
#ifdef ZC_HOSTED_FUZZ
    hosted_fuzz_fatal(exit_code == 126 ? "kernel panic" : "the fuzzer's init exited");
#endif
    fflush(stdout);
    _exit(exit_code);
}
void hal_halt(void) {
    for (;;) pause();
}
