// Channel/WriteRead/* and Channel/WriteEtcReadEtc/*: write a message into a channel and read it
// back on one thread (no wakeups); the handles sent are ports, as in Fuchsia's benchmark.
#include <stdlib.h>

#include "bench.h"

static const uint32_t kMessageSizes[4] = {64, 1024, 32 * 1024, 64 * 1024};
static const uint32_t kHandleCounts[2] = {0, 1};

struct channel_args {
    uint32_t size;
    uint32_t handles;
};
static struct channel_args channel_args[4][2];

// The object sent along: a port (an event where ports do not exist yet).
static zx_status_t make_handle(zx_handle_t *out) {
#if defined(ZX_SYS_port_create)
    return zx_port_create(0, out);
#else
    return zx_event_create(0, out);
#endif
}

#if defined(ZX_SYS_channel_create) && defined(ZX_SYS_channel_write) && defined(ZX_SYS_channel_read)
static bool channel_write_read(struct perftest_state *state, const void *argp) {
    const struct channel_args *a = argp;
    declare_step(state, "write");
    declare_step(state, "read");
    set_bytes_processed_per_run(state, a->size);

    zx_handle_t ch1, ch2;
    BENCH_OK(state, zx_channel_create(0, &ch1, &ch2));
    char *buf = calloc(1, a->size);
    BENCH_CHECK(state, buf != NULL);
    zx_handle_t handles[1];
    for (uint32_t i = 0; i < a->handles; i++) BENCH_OK(state, make_handle(&handles[i]));

    while (perftest_keep_running(state)) {
        BENCH_OK(state, zx_channel_write(ch1, 0, buf, a->size, handles, a->handles));
        next_step(state);
        BENCH_OK(state, zx_channel_read(ch2, 0, buf, handles, a->size, a->handles, NULL, NULL));
    }
    for (uint32_t i = 0; i < a->handles; i++) zx_handle_close(handles[i]);
    zx_handle_close(ch1);
    zx_handle_close(ch2);
    free(buf);
    return true;
}
#endif

#if defined(ZX_SYS_channel_create) && defined(ZX_SYS_channel_write_etc) && \
    defined(ZX_SYS_channel_read_etc)
static bool channel_write_etc_read_etc(struct perftest_state *state, const void *argp) {
    const struct channel_args *a = argp;
    declare_step(state, "write_etc");
    declare_step(state, "read_etc");
    set_bytes_processed_per_run(state, a->size);

    zx_handle_t ch1, ch2;
    BENCH_OK(state, zx_channel_create(0, &ch1, &ch2));
    char *buf = calloc(1, a->size);
    BENCH_CHECK(state, buf != NULL);
    zx_handle_disposition_t disp[1];
    zx_handle_info_t info[1];
    for (uint32_t i = 0; i < a->handles; i++) {
        disp[i] = (zx_handle_disposition_t){
            .operation = ZX_HANDLE_OP_MOVE,
#if defined(ZX_SYS_port_create)
            .type = ZX_OBJ_TYPE_PORT,
#else
            .type = ZX_OBJ_TYPE_EVENT,
#endif
            .rights = ZX_RIGHT_SAME_RIGHTS,
            .result = ZX_OK,
        };
        BENCH_OK(state, make_handle(&disp[i].handle));
    }

    while (perftest_keep_running(state)) {
        BENCH_OK(state, zx_channel_write_etc(ch1, 0, buf, a->size, disp, a->handles));
        next_step(state);
        BENCH_OK(state, zx_channel_read_etc(ch2, 0, buf, info, a->size, a->handles, NULL, NULL));
        // The handles moved: send the ones just received next time.
        for (uint32_t i = 0; i < a->handles; i++) disp[i].handle = info[i].handle;
    }
    for (uint32_t i = 0; i < a->handles; i++) zx_handle_close(disp[i].handle);
    zx_handle_close(ch1);
    zx_handle_close(ch2);
    free(buf);
    return true;
}
#endif

static void register_channel_tests(void) {
    for (unsigned s = 0; s < 4; s++) {
        for (unsigned h = 0; h < 2; h++) {
            struct channel_args *a = &channel_args[s][h];
            *a = (struct channel_args){kMessageSizes[s], kHandleCounts[h]};
#if defined(ZX_SYS_channel_create) && defined(ZX_SYS_channel_write) && defined(ZX_SYS_channel_read)
            perftest_registerf(channel_write_read, a, "Channel/WriteRead/%ubytes/%uhandles",
                               a->size, a->handles);
#endif
#if defined(ZX_SYS_channel_create) && defined(ZX_SYS_channel_write_etc) && \
    defined(ZX_SYS_channel_read_etc)
            perftest_registerf(channel_write_etc_read_etc, a,
                               "Channel/WriteEtcReadEtc/%ubytes/%uhandles", a->size, a->handles);
#endif
            (void)a;
        }
    }
}
PERFTEST_CTOR(register_channel_tests)
