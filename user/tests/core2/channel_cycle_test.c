// Channel ends that only unreadable queues keep alive (objects/channel.c, channel_collect): an
// end written into its own queue through its peer, ends written into each other's queues, a
// ring of them. Once the peers are closed nothing can read those messages; the kernel frees the
// ends, so a program cannot leave kernel objects behind this way (docs/hostile.md).
#include <zircon/syscalls.h>

#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

#define RING_MAX 5

// `n` pairs; end b[i] is written (through a[(i + 1) % n]) onto b[(i + 1) % n]'s queue, then
// every a is closed. With keep, b[0] stays in our table instead: the others hang from it.
static void ring(int n, bool keep) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t a[RING_MAX], b[RING_MAX];
    for (int i = 0; i < n; i++) ASSERT_OK(zx_channel_create(0, &a[i], &b[i]));
    for (int i = keep ? 1 : 0; i < n; i++) ASSERT_OK(zx_channel_write(a[(i + 1) % n], 0, "x", 1, &b[i], 1));
    for (int i = 0; i < n; i++) ASSERT_OK(zx_handle_close(a[i]));
    if (keep) {
        // b[0] is still readable, and the end it holds too, and so on down the chain.
        zx_handle_t h = b[0];
        for (int i = n - 1; i >= 1; i--) {
            uint8_t byte;
            zx_handle_t got = ZX_HANDLE_INVALID;
            uint32_t nb, nh;
            ASSERT_OK(zx_channel_read(h, 0, &byte, &got, 1, 1, &nb, &nh));
            EXPECT_EQ(nh, 1u);
            ASSERT_OK(zx_handle_close(h));
            h = got;
        }
        ASSERT_OK(zx_handle_close(h));
    }
    EXPECT_OK(leakcheck_end(&lc));
}

TEST(ChannelCycle, EndInItsOwnQueueLeavesNothing) { ring(1, false); }
TEST(ChannelCycle, EndsInEachOthersQueuesLeaveNothing) { ring(2, false); }
TEST(ChannelCycle, RingOfFiveLeavesNothing) { ring(RING_MAX, false); }
TEST(ChannelCycle, ChainFromAHeldEndStaysReadable) { ring(3, true); }
