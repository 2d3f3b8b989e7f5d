// Running out of physical memory: a program that commits every free page gets
// ZX_ERR_NO_MEMORY, the kernel keeps working (other calls fail cleanly or succeed), and once the
// memory is released everything the kernel counted comes back.
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

#define CHUNK (16ull << 20)
#define MAX_VMOS 64

#define ASYNC_WAITS 256

TEST(ExhaustionTest, CommittingAllMemoryFailsCleanly) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    // Async waits armed before memory runs out still deliver their packets after.
    zx_handle_t port, events[ASYNC_WAITS];
    ASSERT_OK(zx_port_create(0, &port));
    for (int i = 0; i < ASYNC_WAITS; i++) {
        ASSERT_OK(zx_event_create(0, &events[i]));
        ASSERT_OK(zx_object_wait_async(events[i], port, (uint64_t)i, ZX_USER_SIGNAL_0, 0));
    }
    zx_handle_t vmos[MAX_VMOS];
    int n = 0;
    zx_status_t st = ZX_OK;
    uint64_t chunk = CHUNK;
    // Commit memory until the kernel says no; then smaller pieces, down to a page.
    while (n < MAX_VMOS && chunk >= PAGE) {
        if (zx_vmo_create(chunk, 0, &vmos[n]) != ZX_OK)
            break;
        st = zx_vmo_op_range(vmos[n], ZX_VMO_OP_COMMIT, 0, chunk, NULL, 0);
        if (st == ZX_OK) {
            n++;
            continue;
        }
        EXPECT_STATUS(st, ZX_ERR_NO_MEMORY);
        zx_handle_close(vmos[n]);
        chunk /= 4;
    }
    ASSERT_LT(n, MAX_VMOS);  // the machine has far less than 64 x 16 MiB
    for (int i = 0; i < ASYNC_WAITS; i++)
        EXPECT_OK(zx_object_signal(events[i], 0, ZX_USER_SIGNAL_0));
    int packets = 0;
    zx_port_packet_t pkt;
    while (zx_port_wait(port, 0, &pkt) == ZX_OK)
        packets++;
    EXPECT_EQ(packets, ASYNC_WAITS);
    for (int i = 0; i < ASYNC_WAITS; i++)
        zx_handle_close(events[i]);
    zx_handle_close(port);
    // With memory gone, calls that need some fail with a documented status, never a panic.
    zx_handle_t ev, a, b;
    zx_status_t e1 = zx_event_create(0, &ev);
    zx_status_t e2 = zx_channel_create(0, &a, &b);
    EXPECT_TRUE(e1 == ZX_OK || e1 == ZX_ERR_NO_MEMORY);
    EXPECT_TRUE(e2 == ZX_OK || e2 == ZX_ERR_NO_MEMORY);
    if (e1 == ZX_OK)
        zx_handle_close(ev);
    if (e2 == ZX_OK) {
        zx_handle_close(a);
        zx_handle_close(b);
    }
    for (int i = 0; i < n; i++)
        zx_handle_close(vmos[i]);
    // Everything comes back, and the kernel works again.
    EXPECT_OK(leakcheck_end(&lc));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_close(ev);
}
