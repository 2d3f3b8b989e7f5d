// Pager/* on Linux: userfaultfd. A pager VMO = an anonymous private mapping registered with
// UFFDIO_REGISTER_MODE_MISSING; supplying its range = UFFDIO_COPY of the range from a touched
// buffer whose first byte is a mark.
//   Pager/SupplyPages/{4k,64k}     steps supply, reset: UFFDIO_COPY into the registered,
//                                  never-faulted range (no fault, nobody waiting)
//   Pager/FaultRoundTrip/{4k,64k}  steps fault, reset: a read of the range's first byte; a
//                                  handler thread's blocking read() of the uffd returns the
//                                  uffd_msg, it resolves the whole range with UFFDIO_COPY (which
//                                  wakes the reader); the read completes
// reset: madvise(MADV_DONTNEED) of the range, after which it is missing again (the uffd has no
// UFFD_FEATURE_EVENT_REMOVE, so this sends no message). The guest's /init runs as root, so
// vm.unprivileged_userfaultfd does not matter; glibc has no userfaultfd() wrapper: syscall().
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lbench.h"

#define PAGER_MARK 0x5a

struct lpager {
    size_t len;
    int uffd;
    char *base;         // the registered range
    char *src;          // what UFFDIO_COPY copies in
};

static void lpager_fini(struct lpager *p) {
    if (p->base != MAP_FAILED) munmap(p->base, p->len);
    if (p->src != MAP_FAILED) munmap(p->src, p->len);
    if (p->uffd >= 0) close(p->uffd);
}

// The uffd, the registered mapping and the source buffer; false with errno on failure.
static bool lpager_init(struct lpager *p, size_t len, const char **what) {
    p->len = len;
    p->base = p->src = MAP_FAILED;
    *what = "userfaultfd";
    p->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
    if (p->uffd < 0) return false;
    struct uffdio_api api = {.api = UFFD_API, .features = 0};
    *what = "ioctl(UFFDIO_API)";
    if (ioctl(p->uffd, UFFDIO_API, &api) != 0) return false;
    *what = "mmap";
    p->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p->src = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                  -1, 0);
    if (p->base == MAP_FAILED || p->src == MAP_FAILED) return false;
    memset(p->src, 1, len);
    p->src[0] = PAGER_MARK;
    struct uffdio_register reg = {
        .range = {.start = (uintptr_t)p->base, .len = len},
        .mode = UFFDIO_REGISTER_MODE_MISSING,
    };
    *what = "ioctl(UFFDIO_REGISTER)";
    return ioctl(p->uffd, UFFDIO_REGISTER, &reg) == 0;
}

// Supplies the whole range (zx_pager_supply_pages' counterpart).
static bool lpager_supply(struct lpager *p) {
    struct uffdio_copy copy = {
        .dst = (uintptr_t)p->base, .src = (uintptr_t)p->src, .len = p->len, .mode = 0};
    return ioctl(p->uffd, UFFDIO_COPY, &copy) == 0 && copy.copy == (int64_t)p->len;
}

static bool lpager_reset(struct lpager *p) { return madvise(p->base, p->len, MADV_DONTNEED) == 0; }

static bool pager_supply_test(struct perftest_state *state, const void *arg) {
    size_t len = *(const uint32_t *)arg;
    declare_step(state, "supply");
    declare_step(state, "reset");
    struct lpager p;
    const char *what;
    bool ok = lpager_init(&p, len, &what);
    if (!ok) lpager_fini(&p);
    LB_CHECK(state, ok, what);
    bool supplied = true, reset = true;
    while (supplied && reset && perftest_keep_running(state)) {
        supplied = lpager_supply(&p);
        next_step(state);
        reset = lpager_reset(&p);
    }
    lpager_fini(&p);
    LB_CHECK(state, supplied, "ioctl(UFFDIO_COPY)");
    LB_CHECK(state, reset, "madvise(MADV_DONTNEED)");
    return true;
}

// The handler thread: one blocking read() of a uffd_msg and one UFFDIO_COPY per fault. A
// failure ends the process (the reader would wait for ever).
static void *pager_handler(void *arg) {
    struct lpager *p = arg;
    for (;;) {  // until cancelled in read()
        struct uffd_msg msg;
        LB_ASSERT(read(p->uffd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg), "read(uffd)");
        LB_ASSERT(msg.event == UFFD_EVENT_PAGEFAULT &&
                      msg.arg.pagefault.address - (uintptr_t)p->base < p->len,
                  "uffd_msg: not a fault in the range");
        LB_ASSERT(lpager_supply(p), "ioctl(UFFDIO_COPY)");
    }
}

static bool pager_fault_test(struct perftest_state *state, const void *arg) {
    size_t len = *(const uint32_t *)arg;
    declare_step(state, "fault");
    declare_step(state, "reset");
    struct lpager p;
    const char *what;
    bool ok = lpager_init(&p, len, &what);
    pthread_t handler;
    if (ok) {
        what = "pthread_create";
        ok = pthread_create(&handler, NULL, pager_handler, &p) == 0;
    }
    if (!ok) lpager_fini(&p);
    LB_CHECK(state, ok, what);
    bool seen = true, reset = true;
    while (reset && perftest_keep_running(state)) {
        seen = seen && *(volatile const char *)p.base == PAGER_MARK;
        next_step(state);
        reset = lpager_reset(&p);
    }
    // The handler is blocked in read(), a cancellation point.
    pthread_cancel(handler);
    pthread_join(handler, NULL);
    lpager_fini(&p);
    LB_CHECK(state, reset, "madvise(MADV_DONTNEED)");
    if (!seen) perftest_fail(state, "a fault did not read the supplied page");
    return seen;
}

static const uint32_t pager_sizes[] = {4 * 1024, 64 * 1024};

static void register_tests(void) {
    for (size_t i = 0; i < sizeof(pager_sizes) / sizeof(pager_sizes[0]); i++) {
        perftest_registerf(pager_supply_test, &pager_sizes[i], "Pager/SupplyPages/%uk",
                           pager_sizes[i] / 1024);
        perftest_registerf(pager_fault_test, &pager_sizes[i], "Pager/FaultRoundTrip/%uk",
                           pager_sizes[i] / 1024);
    }
}
PERFTEST_CTOR(register_tests)
