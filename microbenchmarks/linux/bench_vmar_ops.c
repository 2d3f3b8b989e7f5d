// Vmar/Protect and Vmar/Decommit on Linux: a 64 KiB MAP_SHARED mapping of a memfd (a VMO).
// Protect: mprotect(PROT_READ), then mprotect(PROT_READ|PROT_WRITE). Decommit: a write to each
// of the 16 pages (faults), then madvise(MADV_REMOVE), which frees the memfd's pages as
// ZX_VMAR_OP_DECOMMIT frees the VMO's (MADV_DONTNEED would only unmap them).
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "lbench.h"

enum { kLen = 64 * 1024 };

static bool vmar_protect_test(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "protect_ro");
    declare_step(state, "protect_rw");
    int fd = lb_vmo_create(kLen, true);
    LB_CHECK(state, fd >= 0, "memfd_create");
    char *p = mmap(NULL, kLen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    LB_CHECK(state, p != MAP_FAILED, "mmap");
    for (size_t off = 0; off < kLen; off += LB_PAGE) ((volatile char *)p)[off] = 1;
    bool ok = true;
    while (ok && perftest_keep_running(state)) {
        ok = mprotect(p, kLen, PROT_READ) == 0;
        next_step(state);
        ok = ok && mprotect(p, kLen, PROT_READ | PROT_WRITE) == 0;
    }
    munmap(p, kLen);
    close(fd);
    LB_CHECK(state, ok, "mprotect");
    return true;
}

static bool vmar_decommit_test(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "touch");
    declare_step(state, "decommit");
    int fd = lb_vmo_create(kLen, false);
    LB_CHECK(state, fd >= 0, "memfd_create");
    char *p = mmap(NULL, kLen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    LB_CHECK(state, p != MAP_FAILED, "mmap");
    bool ok = true;
    while (ok && perftest_keep_running(state)) {
        for (size_t off = 0; off < kLen; off += LB_PAGE) ((volatile char *)p)[off] = 1;
        next_step(state);
        ok = madvise(p, kLen, MADV_REMOVE) == 0;
    }
    munmap(p, kLen);
    close(fd);
    LB_CHECK(state, ok, "madvise(MADV_REMOVE)");
    return true;
}

static void register_tests(void) {
    perftest_registerf(vmar_protect_test, NULL, "Vmar/Protect");
    perftest_registerf(vmar_decommit_test, NULL, "Vmar/Decommit");
}
PERFTEST_CTOR(register_tests)
