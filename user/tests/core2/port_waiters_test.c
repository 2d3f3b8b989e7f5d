// A port wakes one waiter per packet. If that waiter is killed before it runs, the packet must
// go to another waiter, not sit in the queue while they sleep.
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "util.h"
#include "zctest.h"

struct waiter_arg {
    zx_handle_t port;
    volatile uint64_t got;  // 1 + the packet's key once one arrived
};

static void wait_for_packet(void *p) {
    struct waiter_arg *w = p;
    zx_port_packet_t pkt;
    if (zx_port_wait(w->port, ZX_TIME_INFINITE, &pkt) == ZX_OK)
        w->got = 1 + pkt.key;
}

// Every thread of the test on CPU 0: with several CPUs, waiter a could otherwise run (and take
// the packet) between the queue and the kill.
TEST(PortWaiters, PacketOfAKilledWaiterGoesToAnother) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(pin_thread(zx_thread_self(), 0));
    struct waiter_arg a = {port, 0}, b = {port, 0};
    struct tthread ta, tb;
    ASSERT_OK(tthread_start(&ta, "waiter-a", wait_for_packet, &a));
    ASSERT_OK(pin_thread(ta.handle, 0));
    ASSERT_TRUE(wait_thread_state(ta.handle, ZX_THREAD_STATE_BLOCKED_PORT));
    ASSERT_OK(tthread_start(&tb, "waiter-b", wait_for_packet, &b));
    ASSERT_OK(pin_thread(tb.handle, 0));
    ASSERT_TRUE(wait_thread_state(tb.handle, ZX_THREAD_STATE_BLOCKED_PORT));
    // The packet wakes the first waiter; it is killed before it can run.
    zx_port_packet_t pkt = {.key = 7, .type = ZX_PKT_TYPE_USER};
    ASSERT_OK(zx_port_queue(port, &pkt));
    ASSERT_OK(zx_task_kill(ta.handle));
    EXPECT_TRUE(wait_u64(&b.got, 8));  // the other waiter got it
    EXPECT_EQ(a.got, 0);
    tthread_kill(&ta);
    tthread_join(&tb);
    zx_handle_close(port);
    EXPECT_OK(pin_thread(zx_thread_self(), -1));
}
