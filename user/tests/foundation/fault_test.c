// A fault kills only the faulting process, with ZX_TASK_RETCODE_EXCEPTION_KILL; the kernel
// logs it (user/tests/foundation-test.expect). A syscall issued outside the vDSO kills too.
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

static void expect_killed(const char *what, int64_t want) {
    const char *argv[] = {"bin/fault-child", what};
    int64_t rc = 0;
    ASSERT_OK(run_child(2, argv, ZX_SEC(10), &rc));
    EXPECT_EQ(rc, want);
}

TEST(Fault, ReadNull) {
    expect_killed("read-null", ZX_TASK_RETCODE_EXCEPTION_KILL);
}

TEST(Fault, WriteKernel) {
    expect_killed("write-kernel", ZX_TASK_RETCODE_EXCEPTION_KILL);
}

TEST(Fault, PrivilegedInstruction) {
    expect_killed("hlt", ZX_TASK_RETCODE_EXCEPTION_KILL);
    expect_killed("cli", ZX_TASK_RETCODE_EXCEPTION_KILL);
    expect_killed("in", ZX_TASK_RETCODE_EXCEPTION_KILL);
}

TEST(Fault, Ud2) {
    expect_killed("ud2", ZX_TASK_RETCODE_EXCEPTION_KILL);
}

TEST(Fault, DivideByZero) {
    expect_killed("div0", ZX_TASK_RETCODE_EXCEPTION_KILL);
}

TEST(Syscall, OutsideVdso) {
    expect_killed("syscall", ZX_TASK_RETCODE_VDSO_KILL);
}

// The same for a call of the direct entry (docs/performance.md): it checks the caller too.
TEST(Syscall, DirectCallOutsideVdso) {
    expect_killed("syscall-direct", ZX_TASK_RETCODE_VDSO_KILL);
}
