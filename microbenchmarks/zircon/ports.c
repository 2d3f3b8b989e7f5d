// Port/QueueWait (queue a user packet, then dequeue it, on one thread) and ObjectWaitAsync
// (create an event and a port, register an async wait, close both).
#include <zircon/syscalls/port.h>

#include "bench.h"

#if defined(ZX_SYS_port_create) && defined(ZX_SYS_port_queue) && defined(ZX_SYS_port_wait)
static bool port_queue_wait(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "queue");
    declare_step(state, "wait");
    zx_handle_t port;
    BENCH_OK(state, zx_port_create(0, &port));
    zx_port_packet_t out = {.type = ZX_PKT_TYPE_USER}, in;
    while (perftest_keep_running(state)) {
        BENCH_OK(state, zx_port_queue(port, &out));
        next_step(state);
        BENCH_OK(state, zx_port_wait(port, ZX_TIME_INFINITE, &in));
    }
    zx_handle_close(port);
    return true;
}
#endif

#if defined(ZX_SYS_port_create) && defined(ZX_SYS_object_wait_async) && \
    defined(ZX_SYS_event_create)
static bool object_wait_async(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "CreateEvent");
    declare_step(state, "CreatePort");
    declare_step(state, "ObjectWaitAsync");
    declare_step(state, "Close");
    while (perftest_keep_running(state)) {
        zx_handle_t event, port;
        BENCH_OK(state, zx_event_create(0, &event));
        next_step(state);
        BENCH_OK(state, zx_port_create(0, &port));
        next_step(state);
        BENCH_OK(state, zx_object_wait_async(event, port, 0, ZX_EVENT_SIGNALED, 0));
        next_step(state);
        BENCH_OK(state, zx_handle_close(event));
        BENCH_OK(state, zx_handle_close(port));
    }
    return true;
}
#endif

static void register_port_tests(void) {
#if defined(ZX_SYS_port_create) && defined(ZX_SYS_port_queue) && defined(ZX_SYS_port_wait)
    perftest_register("Port/QueueWait", port_queue_wait, NULL);
#endif
#if defined(ZX_SYS_port_create) && defined(ZX_SYS_object_wait_async) && \
    defined(ZX_SYS_event_create)
    perftest_register("ObjectWaitAsync", object_wait_async, NULL);
#endif
}
PERFTEST_CTOR(register_port_tests)
