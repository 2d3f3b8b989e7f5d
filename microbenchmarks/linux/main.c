// The Linux peer's /init: runs zc's microbenchmark labels on Linux APIs with the shared perftest
// runner (microbenchmarks/runner), then ends the VM like zc does (docs/results.md): the exit
// status goes to QEMU's isa-debug-exit port 0xf4 (QEMU exits with (status << 1) | 1), with
// reboot(RB_POWER_OFF) as the fallback. Linux passes the kernel command line's words after
// `--` to init as argv, so the options are the same as bin/zc-bench's.
//
// As an ordinary program (not PID 1) it just returns the status, so it can be tried on a host.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lbench.h"

#define EXIT_PORT 0xf4

static void finish(int status) __attribute__((noreturn));
static void finish(int status) {
    printf("linux-bench: exit status %d\n", status);
    fflush(stdout);
    if (getpid() != 1) _exit(status);
    // The console's UART sends from its transmit interrupt, after write() has returned: wait
    // until every byte is out, or the exit below can cut the JSON's tail (seen with -smp 2).
    tcdrain(STDOUT_FILENO);
    unsigned v = (status >= 0 && status <= 124) ? (unsigned)status : 125u;
    if (ioperm(EXIT_PORT, 4, 1) == 0) outl(v, EXIT_PORT);
    // No isa-debug-exit device (or no ioperm): power off; QEMU then exits 0.
    printf("linux-bench: no isa-debug-exit port (%s); powering off\n", strerror(errno));
    fflush(stdout);
    reboot(RB_POWER_OFF);
    for (;;) pause();
}

void lb_die(const char *what) {
    printf("linux-bench: fatal: %s: %s\n", what, strerror(errno));
    fflush(stdout);
    if (getpid() == 1) finish(1);
    _exit(1);
}

static void print_clocksource(const char *when);
static void print_mitigations(void);

// As PID 1 from an initramfs: make sure 0/1/2 are the console (the kernel opens
// /dev/console, which the initramfs carries; devtmpfs is the fallback), mount /proc and /sys
// for the line below, and say which kernel and clock source this is.
static void init_console(void) {
    if (fcntl(1, F_GETFD) < 0) {
        mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
        int fd = open("/dev/console", O_RDWR);
        if (fd < 0) fd = open("/dev/ttyS0", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2) close(fd);
        }
    }
    mount("proc", "/proc", "proc", 0, NULL);
    mkdir("/sys", 0755);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    struct utsname u;
    uname(&u);
    printf("linux-bench: Linux %s %s\n", u.release, u.version);
    print_clocksource("at start");
    print_mitigations();
}

// One line per file of /sys/devices/system/cpu/vulnerabilities: what this kernel does about
// each CPU weakness (e.g. "spectre_v2: Mitigation: Retpolines, ..."), so the report can say
// which mitigations the measured kernel had (the harness reads "linux-bench: vulnerability").
static void print_mitigations(void) {
    const char *dir = "/sys/devices/system/cpu/vulnerabilities";
    DIR *d = opendir(dir);
    if (!d) {
        printf("linux-bench: vulnerability (none listed): %s\n", strerror(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[512], text[256] = "?";
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd >= 0) {
            ssize_t n = read(fd, text, sizeof(text) - 1);
            text[n > 0 ? n : 0] = 0;
            text[strcspn(text, "\n")] = 0;
            close(fd);
        }
        printf("linux-bench: vulnerability %s: %s\n", e->d_name, text);
    }
    closedir(d);
    fflush(stdout);
}

static void print_clocksource(const char *when) {
    char clock[64] = "?";
    int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, clock, sizeof(clock) - 1);
        clock[n > 0 ? n : 0] = 0;
        clock[strcspn(clock, "\n")] = 0;
        close(fd);
    }
    printf("linux-bench: clock source %s: %s\n", when, clock);
    fflush(stdout);
}

// Timestamps: `lfence; rdtsc`, exactly what zc's zx_ticks_get() does (user/vdso/vdso.c), so
// both systems pay the same for a timestamp whatever clock source Linux chose (under TCG it may
// leave the TSC for the HPET, whose every read would be a trap). The rate is measured against
// CLOCK_MONOTONIC over 100 ms at start-up.
static inline uint64_t read_tsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t tsc_hz;

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void calibrate_tsc(void) {
    uint64_t n0 = mono_ns(), t0 = read_tsc();
    struct timespec d = {0, 100 * 1000 * 1000};
    while (nanosleep(&d, &d) != 0 && errno == EINTR) {
    }
    uint64_t n1 = mono_ns(), t1 = read_tsc();
    tsc_hz = n1 > n0 ? (uint64_t)((double)(t1 - t0) * 1e9 / (double)(n1 - n0)) : 0;
}

static uint64_t tsc_ticks_per_second(void) { return tsc_hz; }

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getpid() == 1) init_console();
    struct perftest_platform platform = perftest_platform_linux;
    calibrate_tsc();
    if (tsc_hz > 1000000) {
        platform.ticks = read_tsc;
        platform.ticks_per_second = tsc_ticks_per_second;
        if (getpid() == 1) printf("linux-bench: timestamps: rdtsc at %.1f MHz\n", tsc_hz / 1e6);
    } else if (getpid() == 1) {
        printf("linux-bench: timestamps: CLOCK_MONOTONIC (the TSC did not calibrate)\n");
    }
    int status = perftest_main(argc, argv, &platform);
    if (getpid() == 1) print_clocksource("at the end");
    finish(status);
}
