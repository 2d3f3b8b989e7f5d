// Processes started with zc_launch: exit codes and ZX_INFO_PROCESS.
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "launch.h"
#include "util.h"
#include "zctest.h"

TEST(Process, ExitCode) {
    const char *argv[] = {"bin/hello", "--exit", "7"};
    int64_t rc = -1;
    ASSERT_OK(run_child(3, argv, ZX_SEC(10), &rc));
    EXPECT_EQ(rc, 7);
}

TEST(Process, ExitCodeZero) {
    const char *argv[] = {"bin/hello", "a", "b"};
    int64_t rc = -1;
    ASSERT_OK(run_child(3, argv, ZX_SEC(10), &rc));
    EXPECT_EQ(rc, 0);
}

TEST(Process, InfoFlagsAfterExit) {
    const char *argv[] = {"bin/hello", "--exit", "3"};
    struct zc_launch_args args = {.path = argv[0], .argc = 3, .argv = argv};
    zx_handle_t proc;
    ASSERT_OK(zc_launch(&args, &proc));
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(ZX_SEC(10)),
                                 &observed));
    EXPECT_TRUE(observed & ZX_PROCESS_TERMINATED);
    zx_info_process_t info;
    size_t actual = 0, avail = 0;
    EXPECT_OK(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_EQ(info.return_code, 3);
    EXPECT_TRUE(info.flags & ZX_INFO_PROCESS_FLAG_STARTED);
    EXPECT_TRUE(info.flags & ZX_INFO_PROCESS_FLAG_EXITED);
    EXPECT_OK(zx_handle_close(proc));
}

TEST(Process, LaunchMissingProgram) {
    const char *argv[] = {"bin/no-such-program"};
    struct zc_launch_args args = {.path = argv[0], .argc = 1, .argv = argv, .quiet = true};
    zx_handle_t proc = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zc_launch(&args, &proc), ZX_ERR_NOT_FOUND);
    EXPECT_EQ(proc, ZX_HANDLE_INVALID);
}
