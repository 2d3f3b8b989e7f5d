// Fifo/WriteRead/*: write a batch of entries into a fifo (a page of entries) and read them back.
#include <stdlib.h>

#include "bench.h"

#if defined(ZX_SYS_fifo_create) && defined(ZX_SYS_fifo_write) && defined(ZX_SYS_fifo_read)
struct fifo_args {
    uint32_t entry_size;
    uint32_t batch;
};
static const struct fifo_args kFifoSizes[] = {
    {16, 1}, {16, 4}, {16, 64}, {32, 1}, {32, 4}, {64, 1}, {64, 4},
};

static bool fifo_write_read(struct perftest_state *state, const void *argp) {
    const struct fifo_args *a = argp;
    declare_step(state, "write");
    declare_step(state, "read");
    set_bytes_processed_per_run(state, (uint64_t)a->entry_size * a->batch);
    zx_handle_t f1, f2;
    BENCH_OK(state, zx_fifo_create(BENCH_PAGE_SIZE / a->entry_size, a->entry_size, 0, &f1, &f2));
    char *buf = calloc(a->batch, a->entry_size);
    BENCH_CHECK(state, buf != NULL);
    while (perftest_keep_running(state)) {
        size_t actual = 0;
        BENCH_OK(state, zx_fifo_write(f1, a->entry_size, buf, a->batch, &actual));
        BENCH_CHECK(state, actual == a->batch);
        next_step(state);
        BENCH_OK(state, zx_fifo_read(f2, a->entry_size, buf, a->batch, &actual));
        BENCH_CHECK(state, actual == a->batch);
    }
    free(buf);
    zx_handle_close(f1);
    zx_handle_close(f2);
    return true;
}
#endif

static void register_fifo_tests(void) {
#if defined(ZX_SYS_fifo_create) && defined(ZX_SYS_fifo_write) && defined(ZX_SYS_fifo_read)
    for (unsigned i = 0; i < sizeof(kFifoSizes) / sizeof(kFifoSizes[0]); i++)
        perftest_registerf(fifo_write_read, &kFifoSizes[i], "Fifo/WriteRead/%ubytes_%ubatch",
                           kFifoSizes[i].entry_size, kFifoSizes[i].batch);
#endif
}
PERFTEST_CTOR(register_fifo_tests)
