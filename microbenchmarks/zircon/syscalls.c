// Syscall/Null and Syscall/ManyArgs: the cost of entering and leaving the kernel.
#include <zircon/testonly-syscalls.h>

#include "bench.h"

#if defined(ZX_SYS_syscall_test_0)
static bool syscall_null(void) { return zx_syscall_test_0() == 0; }
#endif
#if defined(ZX_SYS_syscall_test_8)
static bool syscall_many_args(void) { return zx_syscall_test_8(1, 2, 3, 4, 5, 6, 7, 8) == 36; }
#endif

static void register_syscall_tests(void) {
#if defined(ZX_SYS_syscall_test_0)
    perftest_register_simple("Syscall/Null", syscall_null);
#endif
#if defined(ZX_SYS_syscall_test_8)
    perftest_register_simple("Syscall/ManyArgs", syscall_many_args);
#endif
}
PERFTEST_CTOR(register_syscall_tests)
