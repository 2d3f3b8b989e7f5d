// Limits a kernel needs to stay up, with Zircon's behaviour: a channel endpoint's queue of
// unread messages (docs "Zircon Kernel IPC Limits": past it, the writer gets a policy
// exception), zx_debug_write's length (at most 256 bytes are written, the rest dropped).
#include <string.h>
#include <zircon/syscalls.h>

#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

// zc's limit (Zircon's value; the documentation leaves it undisclosed on purpose).
#define CHANNEL_MAX_PENDING 3500

TEST(Limits, ChannelQueueUpToTheLimitIsFine) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    int64_t rc = 0;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "channel-flood", "3500", &rc));
    EXPECT_EQ(rc, CHANNEL_MAX_PENDING);
    EXPECT_OK(leakcheck_end(&lc));
}

TEST(Limits, ChannelFullWriteRaisesAPolicyExceptionThatKills) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    int64_t rc = 0;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "channel-flood", "100000", &rc));
    EXPECT_EQ(rc, ZX_TASK_RETCODE_EXCEPTION_KILL);  // nobody handled ZX_EXCP_POLICY_ERROR
    EXPECT_OK(leakcheck_end(&lc));
}

TEST(Limits, DebugWriteWritesAtMost256Bytes) {
    // A buffer of one page with a length far beyond it: only the first 256 bytes are read.
    static char page[PAGE] __attribute__((aligned(PAGE)));
    memset(page, '.', sizeof(page));
    page[255] = '\n';
    EXPECT_OK(zx_debug_write(page, SIZE_MAX));
    EXPECT_OK(zx_debug_write(page, 1u << 30));
    EXPECT_STATUS(zx_debug_write(UNMAPPED_PTR, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_debug_write(UNMAPPED_PTR, 0));
}
