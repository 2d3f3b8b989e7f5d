// Syscall/Null and Limit/Memcpy/N on Linux.
//
// Syscall/Null: zx_syscall_test_0() is the cheapest real Zircon call (enter, dispatch, return 0).
// The Linux peer calls umask(0), the cheapest real syscall we found on this kernel: it always
// succeeds and its body is one exchange of a field of the task's fs_struct. Measured in the
// guest under TCG (lfence; rdtsc, best of 2000): umask 546 cycles, getuid 609, getpgrp 651,
// getpid 756, gettid 777, getppid 840; an invalid syscall number (441) skips the dispatch and
// is not a real call. glibc's umask() is a plain wrapper (mov $95,%eax; syscall; ret), the same
// shape as the vDSO call on zc. (The umask stays 0: nothing here creates files.)
//
// Limit/Memcpy/N: memcpy() of N bytes between two pre-faulted buffers in user space -- the floor
// for Vmo/Read|Write/N (a kernel copy of the same size). glibc's memcpy here, zc's own in zc.
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lbench.h"

static bool syscall_null(void) {
    (void)umask(0);
    return true;
}

static bool memcpy_limit(struct perftest_state *state, const void *arg) {
    size_t size = *(const uint32_t *)arg;
    set_bytes_processed_per_run(state, size);
    char *src = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *dst = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    LB_CHECK(state, src != MAP_FAILED && dst != MAP_FAILED, "mmap");
    memset(src, 0xa, size);
    memset(dst, 0xb, size);
    while (perftest_keep_running(state)) {
        memcpy(dst, src, size);
        __asm__ volatile("" : : "r"(dst) : "memory");  // the copy is not dead
    }
    munmap(src, size);
    munmap(dst, size);
    return true;
}

static void register_tests(void) {
    perftest_register_simple("Syscall/Null", syscall_null);
    for (int i = 0; i < 3; i++)
        perftest_registerf(memcpy_limit, &lb_vmo_sizes[i], "Limit/Memcpy/%ukbytes",
                           lb_vmo_sizes[i] / 1024);
}
PERFTEST_CTOR(register_tests)
