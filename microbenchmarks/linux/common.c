// Helpers shared by the Linux peer's benchmarks.
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lbench.h"

// The process's affinity mask when first asked: the CPUs the pins choose from.
static const cpu_set_t *initial_cpus(void) {
    static cpu_set_t initial;
    static bool have;
    if (!have && sched_getaffinity(0, sizeof(initial), &initial) == 0) have = true;
    return have ? &initial : NULL;
}

int lb_cpu_count(void) {
    const cpu_set_t *set = initial_cpus();
    return set ? CPU_COUNT(set) : 1;
}

bool lb_pin_to_cpu(int cpu) {
    const cpu_set_t *set = initial_cpus();
    if (!set) return false;
    if (cpu < 0) return sched_setaffinity(0, sizeof(*set), set) == 0;
    int want = cpu % CPU_COUNT(set), seen = 0;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, set) || seen++ != want) continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(c, &one);
        return sched_setaffinity(0, sizeof(one), &one) == 0;
    }
    return false;
}

const uint32_t lb_vmo_sizes[3] = {128 * 1024, 512 * 1024, 2048 * 1024};
const uint32_t lb_message_sizes[4] = {64, 1024, 32 * 1024, 64 * 1024};

int lb_vmo_create(size_t size, bool commit) {
    int fd = memfd_create("vmo", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (ftruncate(fd, (off_t)size) != 0) goto fail;
    if (commit) {
        // Like ZX_VMO_OP_COMMIT / a first zx_vmo_write: every page allocated.
        char *buf = malloc(size);
        if (!buf) goto fail;
        memset(buf, 0x5a, size);
        ssize_t n = pwrite(fd, buf, size, 0);
        free(buf);
        if (n != (ssize_t)size) goto fail;
    }
    return fd;
fail:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

bool lb_read_full(int fd, void *buf, size_t n) {
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

bool lb_write_full(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}
