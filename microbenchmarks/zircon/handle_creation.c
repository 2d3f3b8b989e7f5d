// HandleCreate_*: create an object (and its handles), then close them; steps create, close.
#include "bench.h"

#define CREATE_CLOSE_TEST(fn_name, create_expr, close_expr)          \
    static bool fn_name(struct perftest_state *state, const void *arg) { \
        (void)arg;                                                   \
        declare_step(state, "create");                               \
        declare_step(state, "close");                                \
        while (perftest_keep_running(state)) {                       \
            zx_handle_t h1 = ZX_HANDLE_INVALID, h2 = ZX_HANDLE_INVALID; \
            BENCH_OK(state, create_expr);                            \
            next_step(state);                                        \
            close_expr;                                              \
            (void)h2;                                                \
        }                                                            \
        return true;                                                 \
    }

#if defined(ZX_SYS_vmo_create)
CREATE_CLOSE_TEST(handle_create_vmo, zx_vmo_create(64 * 1024, 0, &h1), zx_handle_close(h1))
#endif
#if defined(ZX_SYS_channel_create)
CREATE_CLOSE_TEST(handle_create_channel, zx_channel_create(0, &h1, &h2),
                  (zx_handle_close(h1), zx_handle_close(h2)))
#endif
#if defined(ZX_SYS_event_create)
CREATE_CLOSE_TEST(handle_create_event, zx_event_create(0, &h1), zx_handle_close(h1))
#endif
#if defined(ZX_SYS_eventpair_create)
CREATE_CLOSE_TEST(handle_create_eventpair, zx_eventpair_create(0, &h1, &h2),
                  (zx_handle_close(h1), zx_handle_close(h2)))
#endif
#if defined(ZX_SYS_fifo_create)
// 2 elements of 2048 bytes.
CREATE_CLOSE_TEST(handle_create_fifo, zx_fifo_create(2, 2048, 0, &h1, &h2),
                  (zx_handle_close(h1), zx_handle_close(h2)))
#endif
#if defined(ZX_SYS_port_create)
CREATE_CLOSE_TEST(handle_create_port, zx_port_create(0, &h1), zx_handle_close(h1))
#endif
#if defined(ZX_SYS_thread_create)
// Creates the thread object only; it is never started.
static const char thread_name[] = "perftest-thread";
CREATE_CLOSE_TEST(handle_create_thread,
                  zx_thread_create(zx_process_self(), thread_name, sizeof(thread_name) - 1, 0, &h1),
                  zx_handle_close(h1))
#endif

static void register_handle_creation_tests(void) {
#if defined(ZX_SYS_channel_create)
    perftest_register("HandleCreate_Channel", handle_create_channel, NULL);
#endif
#if defined(ZX_SYS_event_create)
    perftest_register("HandleCreate_Event", handle_create_event, NULL);
#endif
#if defined(ZX_SYS_eventpair_create)
    perftest_register("HandleCreate_EventPair", handle_create_eventpair, NULL);
#endif
#if defined(ZX_SYS_fifo_create)
    perftest_register("HandleCreate_Fifo", handle_create_fifo, NULL);
#endif
#if defined(ZX_SYS_port_create)
    perftest_register("HandleCreate_Port", handle_create_port, NULL);
#endif
#if defined(ZX_SYS_thread_create)
    perftest_register("HandleCreate_Thread", handle_create_thread, NULL);
#endif
#if defined(ZX_SYS_vmo_create)
    perftest_register("HandleCreate_Vmo", handle_create_vmo, NULL);
#endif
}
PERFTEST_CTOR(register_handle_creation_tests)
