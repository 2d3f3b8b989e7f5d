// Thread/CreateAndJoin: create a thread with a 16 KiB stack that starts at zx_thread_exit, wait
// until it has terminated, clean up.
#include "bench.h"

#if defined(ZX_SYS_thread_create) && defined(ZX_SYS_thread_start) && defined(ZX_SYS_object_wait_one)
static bool thread_create_and_join(void) {
    static const char name[] = "test thread";
    const size_t stack_size = 16 * 1024;
    zx_handle_t thread, stack_vmo;
    if (zx_thread_create(zx_process_self(), name, sizeof(name), 0, &thread) != ZX_OK) return false;
    if (zx_vmo_create(stack_size, 0, &stack_vmo) != ZX_OK) return false;
    zx_handle_t vmar = zx_vmar_root_self();
    zx_vaddr_t stack;
    if (zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack_vmo, 0, stack_size,
                    &stack) != ZX_OK)
        return false;
    if (zx_thread_start(thread, (uintptr_t)&zx_thread_exit, stack + stack_size, 0, 0) != ZX_OK)
        return false;
    zx_signals_t observed;
    if (zx_object_wait_one(thread, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, &observed) != ZX_OK)
        return false;
    if (zx_vmar_unmap(vmar, stack, stack_size) != ZX_OK) return false;
    zx_handle_close(thread);
    zx_handle_close(stack_vmo);
    return true;
}
#endif

static void register_thread_tests(void) {
#if defined(ZX_SYS_thread_create) && defined(ZX_SYS_thread_start) && defined(ZX_SYS_object_wait_one)
    perftest_register_simple("Thread/CreateAndJoin", thread_create_and_join);
#endif
}
PERFTEST_CTOR(register_thread_tests)
