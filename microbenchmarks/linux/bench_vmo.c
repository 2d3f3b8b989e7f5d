// VMOs on Linux (vmo.cc): a VMO is a memfd (shmem), zx_vmo_read/write are pread/pwrite, a VMAR
// mapping is mmap(MAP_SHARED) of the memfd, ZX_VM_MAP_RANGE is MAP_POPULATE, and a
// copy-on-write child (Vmo/Clone) is a MAP_PRIVATE mapping of the memfd (README.md: semantics).
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lbench.h"

struct vmo_rw {
    uint32_t size;
    bool write;
    bool zero_page;   // Vmo/Write/ZeroPage: the source buffer is the shared zero page
};

// Vmo/Read/N, Vmo/Write/N, Vmo/Write/ZeroPage/N: pread/pwrite of N bytes between a committed
// memfd and an anonymous buffer (memset first, unless zero_page: then the kernel reads from
// never-touched anonymous memory, i.e. the zero page, like the Zircon test's untouched VMO).
static bool vmo_read_write(struct perftest_state *state, const void *arg) {
    const struct vmo_rw *a = arg;
    size_t size = a->size;
    set_bytes_processed_per_run(state, size);
    int fd = lb_vmo_create(size, false);
    LB_CHECK(state, fd >= 0, "memfd_create");
    char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    LB_CHECK(state, buf != MAP_FAILED, "mmap");
    if (!a->zero_page) memset(buf, 0xa, size);
    LB_CHECK(state, pwrite(fd, buf, size, 0) == (ssize_t)size, "pwrite");  // commit
    if (a->write) {
        while (perftest_keep_running(state))
            LB_CHECK(state, pwrite(fd, buf, size, 0) == (ssize_t)size, "pwrite");
    } else {
        while (perftest_keep_running(state))
            LB_CHECK(state, pread(fd, buf, size, 0) == (ssize_t)size, "pread");
    }
    munmap(buf, size);
    close(fd);
    return true;
}

struct vmo_map {
    uint32_t size;
    bool write;
    bool user_memcpy;   // false = /Kernel: the kernel copies through the mapping
    bool map_range;     // VmoMapRange: ZX_VM_MAP_RANGE = MAP_POPULATE
};

// VmoMap/{Read,Write}[/Kernel]/N and VmoMapRange/...: every run maps the committed memfd,
// copies N bytes through the mapping (memcpy in user space, or pread/pwrite of a second memfd
// so that the kernel does it), and unmaps.
static bool vmo_map_rw(struct perftest_state *state, const void *arg) {
    const struct vmo_map *a = arg;
    size_t size = a->size;
    set_bytes_processed_per_run(state, size);
    int fd = lb_vmo_create(size, true);
    LB_CHECK(state, fd >= 0, "memfd_create");
    char *buffer = calloc(1, size);
    LB_CHECK(state, buffer != NULL, "calloc");
    memset(buffer, 1, size);  // touched, like the test's std::vector
    int buf_fd = -1;
    if (!a->user_memcpy) {
        buf_fd = lb_vmo_create(size, false);  // like the test's fresh vmo_buf: not committed
        LB_CHECK(state, buf_fd >= 0, "memfd_create");
    }
    int flags = MAP_SHARED | (a->map_range ? MAP_POPULATE : 0);
    while (perftest_keep_running(state)) {
        char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, fd, 0);
        LB_CHECK(state, p != MAP_FAILED, "mmap");
        if (a->write) {
            if (a->user_memcpy)
                memcpy(p, buffer, size);
            else
                LB_CHECK(state, pread(buf_fd, p, size, 0) == (ssize_t)size, "pread");
        } else {
            if (a->user_memcpy)
                memcpy(buffer, p, size);
            else
                LB_CHECK(state, pwrite(buf_fd, p, size, 0) == (ssize_t)size, "pwrite");
        }
        __asm__ volatile("" : : "r"(buffer) : "memory");
        LB_CHECK(state, munmap(p, size) == 0, "munmap");
    }
    if (buf_fd >= 0) close(buf_fd);
    free(buffer);
    close(fd);
    return true;
}

// Vmo/Clone/N (steps clone, close): zx_vmo_create_child(COPY_ON_WRITE) of a committed VMO, then
// closing the child. Linux has no copy-on-write child object; its copy-on-write primitive is a
// MAP_PRIVATE mapping of the memfd: like the clone it is O(1) in the size and copies no page
// until one is written. Close = munmap. Differences (README.md): it is a mapping, not a handle,
// and it is not a snapshot of pages the parent changes later.
static bool vmo_clone(struct perftest_state *state, const void *arg) {
    size_t size = *(const uint32_t *)arg;
    declare_step(state, "clone");
    declare_step(state, "close");
    int fd = lb_vmo_create(size, true);
    LB_CHECK(state, fd >= 0, "memfd_create");
    while (perftest_keep_running(state)) {
        void *clone = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        LB_CHECK(state, clone != MAP_FAILED, "mmap");
        next_step(state);
        LB_CHECK(state, munmap(clone, size) == 0, "munmap");
    }
    close(fd);
    return true;
}

// Vmo/Clone/ReadOrig{All,Some}/N (steps clone, read, close): with a copy-on-write child in
// place, read the *original* with zx_vmo_read (all of it, or one page in every 8). Linux: the
// MAP_PRIVATE mapping as above, pread() from the memfd. Reading the parent needs no snapshot
// semantics, so this one compares like with like. (Writing the original, or reading/writing
// the clone, has no honest analogue: README.md.)
struct clone_read_args {
    uint32_t size;
    bool full;
};

static bool vmo_clone_read_orig(struct perftest_state *state, const void *arg) {
    const struct clone_read_args *a = arg;
    size_t size = a->size;
    declare_step(state, "clone");
    declare_step(state, "read");
    declare_step(state, "close");
    set_bytes_processed_per_run(state, size);
    int fd = lb_vmo_create(size, true);
    LB_CHECK(state, fd >= 0, "memfd_create");
    char *buf = malloc(size);
    LB_CHECK(state, buf != NULL, "malloc");
    memset(buf, 1, size);
    while (perftest_keep_running(state)) {
        void *clone = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        LB_CHECK(state, clone != MAP_FAILED, "mmap");
        next_step(state);
        if (a->full) {
            LB_CHECK(state, pread(fd, buf, size, 0) == (ssize_t)size, "pread");
        } else {
            for (size_t off = 0; off < size; off += 8 * LB_PAGE)
                LB_CHECK(state, pread(fd, buf, LB_PAGE, (off_t)off) == LB_PAGE, "pread");
        }
        next_step(state);
        LB_CHECK(state, munmap(clone, size) == 0, "munmap");
    }
    free(buf);
    close(fd);
    return true;
}

#define NSIZES 3
static struct clone_read_args clone_read_args[2][NSIZES];   // [full]
static struct vmo_rw rw_args[3][NSIZES];            // read, write, write zero page
static struct vmo_map map_args[2][2][2][NSIZES];    // [range][write][user_memcpy]

static void register_tests(void) {
    static const char *const rw_names[3] = {"Vmo/Read", "Vmo/Write", "Vmo/Write/ZeroPage"};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < NSIZES; i++) {
            rw_args[k][i] = (struct vmo_rw){lb_vmo_sizes[i], k > 0, k == 2};
            perftest_registerf(vmo_read_write, &rw_args[k][i], "%s/%ukbytes", rw_names[k],
                               lb_vmo_sizes[i] / 1024);
        }
    for (int range = 0; range < 2; range++)
        for (int w = 0; w < 2; w++)
            for (int user = 0; user < 2; user++)
                for (int i = 0; i < NSIZES; i++) {
                    struct vmo_map *a = &map_args[range][w][user][i];
                    *a = (struct vmo_map){lb_vmo_sizes[i], w, user, range};
                    perftest_registerf(vmo_map_rw, a, "%s/%s%s/%ukbytes",
                                       range ? "VmoMapRange" : "VmoMap", w ? "Write" : "Read",
                                       user ? "" : "/Kernel", lb_vmo_sizes[i] / 1024);
                }
    for (int i = 0; i < NSIZES; i++)
        perftest_registerf(vmo_clone, &lb_vmo_sizes[i], "Vmo/Clone/%ukbytes",
                           lb_vmo_sizes[i] / 1024);
    for (int full = 0; full < 2; full++)
        for (int i = 0; i < NSIZES; i++) {
            clone_read_args[full][i] = (struct clone_read_args){lb_vmo_sizes[i], full};
            perftest_registerf(vmo_clone_read_orig, &clone_read_args[full][i],
                               "Vmo/Clone/ReadOrig%s/%ukbytes", full ? "All" : "Some",
                               lb_vmo_sizes[i] / 1024);
        }
}
PERFTEST_CTOR(register_tests)
