// Address-space benchmarks on Linux (mmu.cc, threads.cc).
//
// Mmu/MapUnmap[WithFaults]: a 1 GiB reservation (PROT_NONE) stands for the sub-VMAR; 1 MiB is
// mapped from a 4 MiB memfd in chunks of 511 pages (just under a large page, to force small
// pages) at fixed addresses inside it, then unmapped with one munmap. With ZX_VM_MAP_RANGE
// (MapUnmap) the mappings are populated at map time (MAP_POPULATE); WithFaults reads one byte
// per page instead. The memfd's first 2 MiB are committed, so both kernels map real pages.
//
// Thread/CreateAndJoin: threads.cc creates a raw Zircon thread on a fresh 16 KiB stack VMO whose
// entry is zx_thread_exit, waits for it to terminate and unmaps the stack. The Linux peer does
// the same with raw clone(CLONE_VM | CLONE_THREAD | ...) on a fresh 16 KiB mmap'd stack, the
// child calling exit at once, and the parent waiting on the CLONE_CHILD_CLEARTID futex (what
// pthread_join waits on) -- without pthread's stack cache or TLS set-up, which the Zircon test
// does not have either.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lbench.h"

struct mmu_helper {
    char *base;
    int fd;
};

static bool mmu_setup(struct perftest_state *state, struct mmu_helper *h) {
    h->base = mmap(NULL, (size_t)1 << 30, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    LB_CHECK(state, h->base != MAP_FAILED, "mmap (1 GiB reservation)");
    h->fd = lb_vmo_create(MB(4), false);
    LB_CHECK(state, h->fd >= 0, "memfd_create");
    char *p = mmap(NULL, MB(2), PROT_READ | PROT_WRITE, MAP_SHARED, h->fd, 0);
    LB_CHECK(state, p != MAP_FAILED, "mmap");
    memset(p, 1, MB(2));
    munmap(p, MB(2));
    return true;
}

static bool map_in_chunks(struct mmu_helper *h, size_t chunk, size_t length, bool populate) {
    for (size_t off = 0; off < length; off += chunk) {
        size_t len = length - off < chunk ? length - off : chunk;
        void *p = mmap(h->base + off, len, PROT_READ,
                       MAP_SHARED | MAP_FIXED | (populate ? MAP_POPULATE : 0), h->fd, 0);
        if (p == MAP_FAILED) return false;
    }
    return true;
}

static bool mmu_map_unmap(struct perftest_state *state, const void *arg) {
    bool with_faults = arg != NULL;
    declare_step(state, "map");
    if (with_faults) declare_step(state, "fault_in");
    declare_step(state, "unmap");
    struct mmu_helper h;
    if (!mmu_setup(state, &h)) return false;
    const size_t size = MB(1);
    while (perftest_keep_running(state)) {
        LB_CHECK(state, map_in_chunks(&h, 511 * KB(4), size, !with_faults), "mmap");
        next_step(state);
        if (with_faults) {
            volatile char *p = h.base;
            for (size_t off = 0; off < size; off += LB_PAGE) (void)p[off];
            next_step(state);
        }
        LB_CHECK(state, munmap(h.base, size) == 0, "munmap");
    }
    munmap(h.base, (size_t)1 << 30);
    close(h.fd);
    return true;
}

// clone() whose child exits at once (no stack is used by the child, so no C code runs there).
static long clone_and_exit(unsigned long flags, void *stack_top, int *ptid, int *ctid) {
    long ret;
    register long r10 __asm__("r10") = (long)ctid;
    register long r8 __asm__("r8") = 0;
    __asm__ volatile(
        "syscall\n\t"
        "test %%rax, %%rax\n\t"
        "jnz 1f\n\t"
        "mov %[exit_nr], %%eax\n\t"
        "xor %%edi, %%edi\n\t"
        "syscall\n\t"
        "ud2\n"
        "1:"
        : "=a"(ret)
        : "0"((long)SYS_clone), "D"(flags), "S"(stack_top), "d"(ptid), "r"(r10), "r"(r8),
          [exit_nr] "i"(SYS_exit)
        : "rcx", "r11", "memory");
    return ret;
}

static bool thread_create_and_join(void) {
    const size_t stack_size = KB(16);
    char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return false;
    static volatile int tid;
    unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                          CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    long r = clone_and_exit(flags, stack + stack_size, (int *)&tid, (int *)&tid);
    if (r < 0) return false;
    // The kernel clears tid and does FUTEX_WAKE (shared) on it when the thread is gone.
    for (int t; (t = tid) != 0;)
        syscall(SYS_futex, &tid, FUTEX_WAIT, t, NULL, NULL, 0);
    return munmap(stack, stack_size) == 0;
}

static const int with_faults = 1;

static void register_tests(void) {
    perftest_register("Mmu/MapUnmap", mmu_map_unmap, NULL);
    perftest_register("Mmu/MapUnmapWithFaults", mmu_map_unmap, &with_faults);
    perftest_register_simple("Thread/CreateAndJoin", thread_create_and_join);
}
PERFTEST_CTOR(register_tests)
