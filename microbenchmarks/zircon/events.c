// Event/*: signal an event, duplicate / replace / close its handle, wait on a signaled event
// (zx_object_wait_one, and zx_object_wait_many on four events of which the first is signaled).
#include "bench.h"

#if defined(ZX_SYS_event_create) && defined(ZX_SYS_object_signal)
static bool event_signal(struct perftest_state *state, const void *arg) {
    (void)arg;
    zx_handle_t event;
    BENCH_OK(state, zx_event_create(0, &event));
    while (perftest_keep_running(state)) BENCH_OK(state, zx_object_signal(event, 0, 0));
    zx_handle_close(event);
    return true;
}
#endif

#if defined(ZX_SYS_event_create) && defined(ZX_SYS_handle_duplicate)
static bool event_duplicate(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "duplicate_handle");
    declare_step(state, "close_handle");
    zx_handle_t event;
    BENCH_OK(state, zx_event_create(0, &event));
    while (perftest_keep_running(state)) {
        zx_handle_t dup;
        BENCH_OK(state, zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, &dup));
        next_step(state);
        zx_handle_close(dup);
    }
    zx_handle_close(event);
    return true;
}
#endif

#if defined(ZX_SYS_event_create) && defined(ZX_SYS_handle_duplicate) && \
    defined(ZX_SYS_handle_replace)
static bool event_replace(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "duplicate_handle");
    declare_step(state, "replace_handle");
    declare_step(state, "close_handle");
    zx_handle_t event;
    BENCH_OK(state, zx_event_create(0, &event));
    while (perftest_keep_running(state)) {
        zx_handle_t dup, replaced;
        BENCH_OK(state, zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, &dup));
        next_step(state);
        BENCH_OK(state, zx_handle_replace(dup, ZX_RIGHT_SAME_RIGHTS, &replaced));
        next_step(state);
        zx_handle_close(replaced);
    }
    zx_handle_close(event);
    return true;
}
#endif

#if defined(ZX_SYS_event_create) && defined(ZX_SYS_object_signal) && \
    defined(ZX_SYS_object_wait_one)
static bool wait_for_signaled_event(struct perftest_state *state, const void *arg) {
    (void)arg;
    zx_handle_t event;
    BENCH_OK(state, zx_event_create(0, &event));
    BENCH_OK(state, zx_object_signal(event, 0, ZX_EVENT_SIGNALED));
    while (perftest_keep_running(state)) {
        zx_signals_t pending = 0;
        BENCH_OK(state, zx_object_wait_one(event, ZX_EVENT_SIGNALED, 0, &pending));
    }
    zx_handle_close(event);
    return true;
}
#endif

#if defined(ZX_SYS_event_create) && defined(ZX_SYS_object_signal) && \
    defined(ZX_SYS_object_wait_many)
// Four events, the first one signaled: zx_object_wait_many returns at once.
static bool wait_many_with_signaled_event(struct perftest_state *state, const void *arg) {
    (void)arg;
    enum { kItems = 4 };
    zx_wait_item_t items[kItems];
    for (int i = 0; i < kItems; i++) {
        items[i] = (zx_wait_item_t){.waitfor = ZX_EVENT_SIGNALED};
        BENCH_OK(state, zx_event_create(0, &items[i].handle));
    }
    BENCH_OK(state, zx_object_signal(items[0].handle, 0, ZX_EVENT_SIGNALED));
    while (perftest_keep_running(state)) BENCH_OK(state, zx_object_wait_many(items, kItems, 0));
    for (int i = 0; i < kItems; i++) zx_handle_close(items[i].handle);
    return true;
}
#endif

static void register_event_tests(void) {
#if defined(ZX_SYS_event_create) && defined(ZX_SYS_object_signal)
    perftest_register("Event/Signal", event_signal, NULL);
#endif
#if defined(ZX_SYS_event_create) && defined(ZX_SYS_handle_duplicate)
    perftest_register("Event/Duplicate", event_duplicate, NULL);
#endif
#if defined(ZX_SYS_event_create) && defined(ZX_SYS_handle_duplicate) && \
    defined(ZX_SYS_handle_replace)
    perftest_register("Event/Replace", event_replace, NULL);
#endif
#if defined(ZX_SYS_event_create) && defined(ZX_SYS_object_signal) && \
    defined(ZX_SYS_object_wait_one)
    perftest_register("Event/WaitForAlreadySignaledEvent", wait_for_signaled_event, NULL);
#endif
#if defined(ZX_SYS_event_create) && defined(ZX_SYS_object_signal) && \
    defined(ZX_SYS_object_wait_many)
    perftest_register("Event/WaitForManyWithAlreadySignaledEvent", wait_many_with_signaled_event,
                      NULL);
#endif
}
PERFTEST_CTOR(register_event_tests)
