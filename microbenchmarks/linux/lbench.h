// The Linux peer of zc's microbenchmarks: shared helpers (README.md has the label table).
#ifndef ZC_LINUX_BENCH_H
#define ZC_LINUX_BENCH_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "perftest.h"

// Fails the test with the call and errno, e.g. "memfd_create: Too many open files".
#define LB_CHECK(state, cond, what)                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            perftest_fail((state), "%s: %s (%s:%d)", (what), strerror(errno),         \
                          __FILE__, __LINE__);                                        \
            return false;                                                             \
        }                                                                             \
    } while (0)

// The same, for code outside a test (server threads and child processes): prints and exits.
void lb_die(const char *what) __attribute__((noreturn));
#define LB_ASSERT(cond, what)      \
    do {                           \
        if (!(cond)) lb_die(what); \
    } while (0)

#define KB(n) ((size_t)(n) * 1024u)
#define MB(n) (KB(n) * 1024u)
#define LB_PAGE 4096u

// The VMO sizes of vmo.cc, and the message sizes of channels.cc / sockets.cc.
extern const uint32_t lb_vmo_sizes[3];       // 128, 512, 2048 kbytes
extern const uint32_t lb_message_sizes[4];   // 64, 1024, 32768, 65536 bytes

// A VMO: a memfd of `size` bytes, committed (written) when `commit` is set. -1 on failure.
int lb_vmo_create(size_t size, bool commit);

// The CPUs this process may run on (its affinity mask at the first call of either function).
int lb_cpu_count(void);
// Pins the calling thread to the cpu'th of those CPUs (mod their count), with
// sched_setaffinity; cpu < 0 = all of them again. false on failure.
bool lb_pin_to_cpu(int cpu);

// Full read/write on a blocking fd (stream sockets may split); false on error or EOF.
bool lb_read_full(int fd, void *buf, size_t n);
bool lb_write_full(int fd, const void *buf, size_t n);

#endif
