// Socket/WriteRead/*: write bytes into a stream socket and read them back on one thread.
#include <stdlib.h>

#include "bench.h"

#if defined(ZX_SYS_socket_create) && defined(ZX_SYS_socket_write) && defined(ZX_SYS_socket_read)
static const uint32_t kSocketSizes[4] = {64, 1024, 32 * 1024, 64 * 1024};

static bool socket_write_read(struct perftest_state *state, const void *argp) {
    uint32_t size = *(const uint32_t *)argp;
    declare_step(state, "write");
    declare_step(state, "read");
    set_bytes_processed_per_run(state, size);
    zx_handle_t s1, s2;
    BENCH_OK(state, zx_socket_create(ZX_SOCKET_STREAM, &s1, &s2));
    char *buf = calloc(1, size);
    BENCH_CHECK(state, buf != NULL);
    while (perftest_keep_running(state)) {
        size_t written = 0, read = 0;
        BENCH_OK(state, zx_socket_write(s1, 0, buf, size, &written));
        BENCH_CHECK(state, written == size);
        next_step(state);
        BENCH_OK(state, zx_socket_read(s2, 0, buf, size, &read));
        BENCH_CHECK(state, read == size);
    }
    free(buf);
    zx_handle_close(s1);
    zx_handle_close(s2);
    return true;
}
#endif

static void register_socket_tests(void) {
#if defined(ZX_SYS_socket_create) && defined(ZX_SYS_socket_write) && defined(ZX_SYS_socket_read)
    for (unsigned i = 0; i < 4; i++)
        perftest_registerf(socket_write_read, &kSocketSizes[i], "Socket/WriteRead/%ubytes",
                           kSocketSizes[i]);
#endif
}
PERFTEST_CTOR(register_socket_tests)
