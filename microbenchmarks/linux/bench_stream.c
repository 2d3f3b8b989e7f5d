// Streams on Linux (streams.cc): a stream on a VMO is a memfd of N bytes (the VMO's content
// size); zx_stream_writev_at / zx_stream_readv_at at offset 0 are pwritev / preadv at offset 0,
// through 1 or 64 iovecs that split one N-byte buffer of random bytes.
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lbench.h"

struct stream_args {
    uint32_t size;
    uint32_t vectors;
    bool write;
};

enum { kMaxVectors = 64 };

static bool stream_rw_at(struct perftest_state *state, const void *arg) {
    const struct stream_args *a = arg;
    set_bytes_processed_per_run(state, a->size);
    int fd = lb_vmo_create(a->size, false);
    LB_CHECK(state, fd >= 0, "memfd_create");
    char *buf = malloc(a->size);
    LB_CHECK(state, buf != NULL, "malloc");
    LB_CHECK(state, getrandom(buf, a->size, 0) == (ssize_t)a->size, "getrandom");
    if (!a->write) LB_CHECK(state, pwrite(fd, buf, a->size, 0) == (ssize_t)a->size, "pwrite");
    struct iovec vec[kMaxVectors];
    size_t each = a->size / a->vectors;
    for (uint32_t i = 0; i < a->vectors; i++) vec[i] = (struct iovec){buf + i * each, each};
    if (a->write) {
        while (perftest_keep_running(state))
            LB_CHECK(state, pwritev(fd, vec, (int)a->vectors, 0) == (ssize_t)a->size, "pwritev");
    } else {
        while (perftest_keep_running(state))
            LB_CHECK(state, preadv(fd, vec, (int)a->vectors, 0) == (ssize_t)a->size, "preadv");
    }
    free(buf);
    close(fd);
    return true;
}

static struct stream_args stream_args[4][2][2];   // size, vectors (1, 64), write

static void register_tests(void) {
    for (int s = 0; s < 4; s++)
        for (int v = 0; v < 2; v++)
            for (int w = 1; w >= 0; w--) {
                struct stream_args *a = &stream_args[s][v][w];
                *a = (struct stream_args){lb_message_sizes[s], v ? 64 : 1, w};
                perftest_registerf(stream_rw_at, a, "Stream/%s%s/%ubytes",
                                   w ? "WriteAt" : "ReadAt", v ? "<64>" : "", a->size);
            }
}
PERFTEST_CTOR(register_tests)
