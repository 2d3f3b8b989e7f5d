// Stream/WriteAt/N, Stream/ReadAt/N and their <64> forms (streams.cc): zx_stream_writev_at /
// zx_stream_readv_at at offset 0 of a stream on a VMO of max(page, N) bytes whose content size
// is N, through 1 or 64 iovecs that split one N-byte buffer. Sizes 64, 1024, 32768, 65536.
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#if defined(ZX_SYS_stream_create) && defined(ZX_SYS_stream_writev_at) && \
    defined(ZX_SYS_stream_readv_at) && defined(ZX_SYS_object_set_property)
struct stream_args {
    uint32_t size;
    uint32_t vectors;
    bool write;
};

enum { kMaxVectors = 64 };

static bool stream_rw_at(struct perftest_state *state, const void *argp) {
    const struct stream_args *a = argp;
    set_bytes_processed_per_run(state, a->size);
    zx_handle_t vmo, stream;
    BENCH_OK(state, zx_vmo_create(a->size > ZX_PAGE_SIZE ? a->size : ZX_PAGE_SIZE, 0, &vmo));
    uint64_t content = a->size;
    BENCH_OK(state, zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &content,
                                           sizeof(content)));
    BENCH_OK(state, zx_stream_create(a->write ? ZX_STREAM_MODE_WRITE : ZX_STREAM_MODE_READ, vmo,
                                     0, &stream));
    char *buf = malloc(a->size);
    BENCH_CHECK(state, buf != NULL);
    zx_cprng_draw(buf, a->size);
    if (!a->write) BENCH_OK(state, zx_vmo_write(vmo, buf, 0, a->size));
    zx_iovec_t vec[kMaxVectors];
    size_t each = a->size / a->vectors;
    for (uint32_t i = 0; i < a->vectors; i++) vec[i] = (zx_iovec_t){buf + i * each, each};
    bool ok = true;
    size_t actual = 0;
    if (a->write) {
        while (ok && perftest_keep_running(state))
            ok = zx_stream_writev_at(stream, 0, 0, vec, a->vectors, &actual) == ZX_OK &&
                 actual == a->size;
    } else {
        while (ok && perftest_keep_running(state))
            ok = zx_stream_readv_at(stream, 0, 0, vec, a->vectors, &actual) == ZX_OK &&
                 actual == a->size;
    }
    free(buf);
    zx_handle_close(stream);
    zx_handle_close(vmo);
    if (!ok) perftest_fail(state, "stream %s: %zu of %u bytes", a->write ? "writev_at" : "readv_at",
                           actual, a->size);
    return ok;
}

static const uint32_t kStreamSizes[4] = {64, 1024, 32 * 1024, 64 * 1024};
static struct stream_args stream_args[4][2][2];   // size, vectors (1, 64), write

static void register_stream_tests(void) {
    for (int s = 0; s < 4; s++)
        for (int v = 0; v < 2; v++)
            for (int w = 1; w >= 0; w--) {
                struct stream_args *a = &stream_args[s][v][w];
                *a = (struct stream_args){kStreamSizes[s], v ? 64 : 1, w};
                perftest_registerf(stream_rw_at, a, "Stream/%s%s/%ubytes",
                                   w ? "WriteAt" : "ReadAt", v ? "<64>" : "", a->size);
            }
}
PERFTEST_CTOR(register_stream_tests)
#endif
