// Ports: user packets (zx_port_queue), signal packets (zx_object_wait_async, ONCE),
// zx_port_cancel, deadlines, blocking waits and the error paths.
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_port_create)

static zx_port_packet_t user_packet(uint64_t key, uint64_t tag) {
    zx_port_packet_t p;
    memset(&p, 0, sizeof(p));
    p.key = key;
    p.type = ZX_PKT_TYPE_USER;
    p.status = ZX_OK;
    for (int i = 0; i < 4; i++)
        p.user.u64[i] = tag + (uint64_t)i;
    return p;
}

TEST(PortTest, Create) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    EXPECT_EQ(handle_type(port), ZX_OBJ_TYPE_PORT);
    EXPECT_EQ(handle_rights(port), ZX_DEFAULT_PORT_RIGHTS);
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, CreateBadArgs) {
    zx_handle_t port = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_port_create(0x100, &port), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_create(0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_create(0, (zx_handle_t *)KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(port, ZX_HANDLE_INVALID);
}

TEST(PortTest, QueueAndWait) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    zx_port_packet_t in = user_packet(0x1234, 100);
    in.status = -5;  // the queuer "controls all other values"
    ASSERT_OK(zx_port_queue(port, &in));
    zx_port_packet_t out;
    memset(&out, 0xa5, sizeof(out));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    EXPECT_EQ(out.key, 0x1234);
    EXPECT_EQ(out.type, ZX_PKT_TYPE_USER);
    EXPECT_EQ(out.status, -5);
    EXPECT_EQ(memcmp(&out.user, &in.user, sizeof(in.user)), 0);
    EXPECT_STATUS(zx_port_wait(port, 0, &out), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, QueuedTypeIsUser) {
    // "In the case of packets generated via zx_port_queue(), type will be set to
    // ZX_PKT_TYPE_USER": a queued packet cannot pose as a kernel packet.
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    zx_port_packet_t in = user_packet(1, 0);
    in.type = ZX_PKT_TYPE_SIGNAL_ONE;
    ASSERT_OK(zx_port_queue(port, &in));
    zx_port_packet_t out;
    ASSERT_OK(zx_port_wait(port, 0, &out));
    EXPECT_EQ(out.type, ZX_PKT_TYPE_USER);
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, FifoOrder) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    for (uint64_t i = 0; i < 20; i++) {
        zx_port_packet_t p = user_packet(i, i * 10);
        ASSERT_OK(zx_port_queue(port, &p));
    }
    for (uint64_t i = 0; i < 20; i++) {
        zx_port_packet_t p;
        ASSERT_OK(zx_port_wait(port, 0, &p));
        EXPECT_EQ(p.key, i);
        EXPECT_EQ(p.user.u64[0], i * 10);
    }
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, WaitDeadlines) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    zx_port_packet_t p;
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &p), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    zx_time_t deadline = zx_deadline_after(SHORT_WAIT);
    EXPECT_STATUS(zx_port_wait(port, deadline, &p), ZX_ERR_TIMED_OUT);
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    // "A value in the past will result in an immediate timeout, unless a packet is already
    // available for reading."
    zx_port_packet_t in = user_packet(3, 0);
    ASSERT_OK(zx_port_queue(port, &in));
    EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &p));
    EXPECT_EQ(p.key, 3);
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, BadPacketPointers) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    EXPECT_STATUS(zx_port_queue(port, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_queue(port, (const zx_port_packet_t *)KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_queue(port, (const zx_port_packet_t *)UNMAPPED_PTR),
                  ZX_ERR_INVALID_ARGS);
    zx_port_packet_t p;
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);  // nothing was queued
    // With a packet available, a bad out-pointer is ZX_ERR_INVALID_ARGS. (Whether the packet
    // survives is not specified -- Zircon dequeues before it copies out -- so queue one for
    // each try.)
    zx_port_packet_t in = user_packet(9, 0);
    ASSERT_OK(zx_port_queue(port, &in));
    EXPECT_STATUS(zx_port_wait(port, 0, NULL), ZX_ERR_INVALID_ARGS);
    zx_port_wait(port, 0, &p);
    ASSERT_OK(zx_port_queue(port, &in));
    EXPECT_STATUS(zx_port_wait(port, 0, (zx_port_packet_t *)KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(port));
}

// Around the fast paths: more packets than the port keeps spares for, rounds that reuse them,
// and a signal packet between user packets (the wait's general path) keep order and content.
TEST(PortTest, FastPathSparesAndMixedPackets) {
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    for (uint64_t round = 0; round < 3; round++) {
        for (uint64_t i = 0; i < 12; i++) {
            zx_port_packet_t in = user_packet(i, round * 100 + i * 10);
            ASSERT_OK(zx_port_queue(port, &in));
            if (i == 5) {
                ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));
                ASSERT_OK(zx_object_wait_async(ev, port, 777, ZX_USER_SIGNAL_0, 0));
                ASSERT_OK(zx_object_signal(ev, ZX_USER_SIGNAL_0, 0));
            }
        }
        for (uint64_t i = 0; i < 12; i++) {
            zx_port_packet_t out;
            memset(&out, 0xcc, sizeof(out));
            ASSERT_OK(zx_port_wait(port, 0, &out));
            zx_port_packet_t want = user_packet(i, round * 100 + i * 10);
            EXPECT_EQ(memcmp(&out, &want, sizeof(out)), 0);
            if (i == 5) {
                ASSERT_OK(zx_port_wait(port, 0, &out));
                EXPECT_EQ(out.key, 777u);
                EXPECT_EQ(out.type, (uint32_t)ZX_PKT_TYPE_SIGNAL_ONE);
            }
        }
        zx_port_packet_t none;
        EXPECT_STATUS(zx_port_wait(port, 0, &none), ZX_ERR_TIMED_OUT);
    }
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, HandleErrors) {
    zx_handle_t port, ev, ro, wo;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_port_packet_t p = user_packet(1, 1);
    EXPECT_STATUS(zx_port_queue(ev, &p), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_port_wait(ev, 0, &p), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_port_queue(BOGUS_HANDLE, &p), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_port_wait(ZX_HANDLE_INVALID, 0, &p), ZX_ERR_BAD_HANDLE);
    ro = dup_rights(port, ZX_RIGHT_READ);
    wo = dup_rights(port, ZX_RIGHT_WRITE);
    ASSERT_NE(ro, ZX_HANDLE_INVALID);
    ASSERT_NE(wo, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_port_queue(ro, &p), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_port_wait(wo, 0, &p), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_port_queue(wo, &p));
    EXPECT_OK(zx_port_wait(ro, 0, &p));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro, wo, ev, port}, 4));
}

struct port_waiter {
    zx_handle_t port;
    zx_time_t deadline;
    volatile int about_to_wait;
    zx_status_t status;
    zx_port_packet_t packet;
};

static void port_wait_fn(void *arg) {
    struct port_waiter *w = arg;
    __atomic_store_n(&w->about_to_wait, 1, __ATOMIC_RELEASE);
    w->status = zx_port_wait(w->port, w->deadline, &w->packet);
}

TEST(PortTest, QueueWakesBlockedWaiter) {
    struct port_waiter w = {.deadline = zx_deadline_after(ZX_SEC(5)), .status = 1};
    ASSERT_OK(zx_port_create(0, &w.port));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "port-waiter", port_wait_fn, &w));
    wait_until_blocked(&w.about_to_wait);
    EXPECT_EQ(w.status, 1);
    zx_port_packet_t p = user_packet(42, 7);
    ASSERT_OK(zx_port_queue(w.port, &p));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_EQ(w.packet.key, 42);
    EXPECT_EQ(w.packet.user.u64[0], 7);
    EXPECT_OK(zx_handle_close(w.port));
}

TEST(PortTest, OnePacketWakesOneWaiter) {
    // "only one waiting thread is released (per available packet)".
    struct port_waiter w[2];
    struct core_thread t[2];
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    for (int i = 0; i < 2; i++) {
        w[i] = (struct port_waiter){.port = port, .status = 1,
                                    .deadline = zx_deadline_after(ZX_MSEC(300))};
        ASSERT_OK(core_thread_start(&t[i], "port-waiter", port_wait_fn, &w[i]));
        wait_until_blocked(&w[i].about_to_wait);
    }
    zx_port_packet_t p = user_packet(1, 1);
    ASSERT_OK(zx_port_queue(port, &p));
    EXPECT_OK(core_thread_join(&t[0]));
    EXPECT_OK(core_thread_join(&t[1]));
    int got = (w[0].status == ZX_OK) + (w[1].status == ZX_OK);
    int timed_out = (w[0].status == ZX_ERR_TIMED_OUT) + (w[1].status == ZX_ERR_TIMED_OUT);
    EXPECT_EQ(got, 1);
    EXPECT_EQ(timed_out, 1);
    EXPECT_OK(zx_handle_close(port));
}

#if defined(ZX_SYS_object_wait_async)

TEST(PortTest, WaitAsyncAlreadySignaled) {
    // "If any of those signals are asserted when zx_object_wait_async() is called ... a packet
    // will be enqueued".
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_2));
    ASSERT_OK(zx_object_wait_async(ev, port, 0xabc, ZX_EVENT_SIGNALED, 0));
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.key, 0xabc);
    EXPECT_EQ(p.type, ZX_PKT_TYPE_SIGNAL_ONE);
    EXPECT_EQ(p.status, ZX_OK);
    EXPECT_EQ(p.signal.trigger, ZX_EVENT_SIGNALED);
    // "containing all of the currently-asserted signals (not just the ones listed)".
    EXPECT_EQ(p.signal.observed, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_2);
    EXPECT_EQ(p.signal.count, 1);
    EXPECT_EQ(p.signal.timestamp, 0);  // no ZX_WAIT_ASYNC_TIMESTAMP
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, WaitAsyncLaterSignal) {
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_wait_async(ev, port, 5, ZX_USER_SIGNAL_1, 0));
    zx_port_packet_t p;
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));  // not a trigger
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_1));
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.key, 5);
    EXPECT_EQ(p.signal.trigger, ZX_USER_SIGNAL_1);
    EXPECT_EQ(p.signal.observed, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, WaitAsyncOnceGivesOnePacket) {
    // "Once a packet has been enqueued the asynchronous waiting ends."
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_ONCE));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    ASSERT_OK(zx_object_signal(ev, ZX_EVENT_SIGNALED, 0));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_port_packet_t p;
    EXPECT_OK(zx_port_wait(port, 0, &p));
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, WaitAsyncWakesBlockedPortWaiter) {
    struct port_waiter w = {.deadline = zx_deadline_after(ZX_SEC(5)), .status = 1};
    zx_handle_t a, b;
    ASSERT_OK(zx_port_create(0, &w.port));
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_object_wait_async(b, w.port, 77, ZX_CHANNEL_READABLE, 0));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "port-waiter", port_wait_fn, &w));
    wait_until_blocked(&w.about_to_wait);
    ASSERT_OK(zx_channel_write(a, 0, "x", 1, NULL, 0));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_EQ(w.packet.key, 77);
    EXPECT_EQ(w.packet.type, ZX_PKT_TYPE_SIGNAL_ONE);
    EXPECT_TRUE(w.packet.signal.observed & ZX_CHANNEL_READABLE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){a, b, w.port}, 3));
}

TEST(PortTest, WaitAsyncPeerClosed) {
    zx_handle_t port, a, b;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    ASSERT_OK(zx_object_wait_async(a, port, 8, ZX_EVENTPAIR_PEER_CLOSED, 0));
    EXPECT_OK(zx_handle_close(b));
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.key, 8);
    EXPECT_EQ(p.signal.observed, ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, WaitAsyncTimestamp) {
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_time_t before = zx_clock_get_monotonic();
    ASSERT_OK(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_TIMESTAMP));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_time_t after = zx_clock_get_monotonic();
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_GE(p.signal.timestamp, before);
    EXPECT_LE(p.signal.timestamp, after);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

// ZX_WAIT_ASYNC_BOOT_TIMESTAMP: the timestamp on the boot timeline; not together with
// ZX_WAIT_ASYNC_TIMESTAMP.
TEST(PortTest, WaitAsyncBootTimestamp) {
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED,
                                       ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_BOOT_TIMESTAMP),
                  ZX_ERR_INVALID_ARGS);
    zx_time_t before = zx_clock_get_boot();
    ASSERT_OK(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_BOOT_TIMESTAMP));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_time_t after = zx_clock_get_boot();
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_GE((zx_time_t)p.signal.timestamp, before);
    EXPECT_LE((zx_time_t)p.signal.timestamp, after);
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);  // the failed call queued nothing
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, WaitAsyncErrors) {
    zx_handle_t port, ev, weak_ev, ro_port, vmo;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    // "ZX_ERR_INVALID_ARGS options is not 0 or ZX_WAIT_ASYNC_TIMESTAMP" (or EDGE).
    EXPECT_STATUS(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, 0x100),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_wait_async(BOGUS_HANDLE, port, 1, ZX_EVENT_SIGNALED, 0),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_wait_async(ev, BOGUS_HANDLE, 1, ZX_EVENT_SIGNALED, 0),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_wait_async(ev, vmo, 1, ZX_EVENT_SIGNALED, 0), ZX_ERR_WRONG_TYPE);
    weak_ev = dup_rights(ev, ZX_RIGHT_SIGNAL);
    ro_port = dup_rights(port, ZX_RIGHT_READ);
    ASSERT_NE(weak_ev, ZX_HANDLE_INVALID);
    ASSERT_NE(ro_port, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_object_wait_async(weak_ev, port, 1, ZX_EVENT_SIGNALED, 0),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_wait_async(ev, ro_port, 1, ZX_EVENT_SIGNALED, 0),
                  ZX_ERR_ACCESS_DENIED);
    // None of the failed calls registered anything.
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_port_packet_t p;
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){weak_ev, ro_port, vmo, ev, port}, 5));
}

TEST(PortTest, CancelBeforeSignal) {
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_wait_async(ev, port, 11, ZX_EVENT_SIGNALED, 0));
    EXPECT_OK(zx_port_cancel(port, ev, 11));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_port_packet_t p;
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, CancelRemovesQueuedPacket) {
    // "pending queued packets that match source and key are removed from the port".
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    ASSERT_OK(zx_object_wait_async(ev, port, 12, ZX_EVENT_SIGNALED, 0));
    zx_port_packet_t user = user_packet(99, 0);
    ASSERT_OK(zx_port_queue(port, &user));
    EXPECT_OK(zx_port_cancel(port, ev, 12));
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.key, 99);  // only the user packet is left
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, CancelOnlyMatchingKey) {
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_wait_async(ev, port, 1, ZX_USER_SIGNAL_0, 0));
    ASSERT_OK(zx_object_wait_async(ev, port, 2, ZX_USER_SIGNAL_0, 0));
    EXPECT_OK(zx_port_cancel(port, ev, 1));
    // "ZX_ERR_NOT_FOUND if either no pending packets or pending zx_object_wait_async() calls
    // with source and key were found."
    EXPECT_STATUS(zx_port_cancel(port, ev, 1), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_port_cancel(port, ev, 3), ZX_ERR_NOT_FOUND);
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.key, 2);
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, CancelErrors) {
    zx_handle_t port, ev, ro_port;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ro_port = dup_rights(port, ZX_RIGHT_READ);
    ASSERT_NE(ro_port, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_port_cancel(BOGUS_HANDLE, ev, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_port_cancel(port, BOGUS_HANDLE, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_port_cancel(ev, ev, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_port_cancel(ro_port, ev, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro_port, ev, port}, 3));
}

#if defined(ZX_SYS_port_cancel_key)
// zx_port_cancel_key: every wait and signal packet with the key, whatever the source; user
// packets stay.
TEST(PortTest, CancelKeyAllSources) {
    zx_handle_t port, a, b;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &a));
    ASSERT_OK(zx_event_create(0, &b));
    ASSERT_OK(zx_object_signal(a, 0, ZX_EVENT_SIGNALED));
    ASSERT_OK(zx_object_wait_async(a, port, 5, ZX_EVENT_SIGNALED, 0));  // queued at once
    ASSERT_OK(zx_object_wait_async(b, port, 5, ZX_EVENT_SIGNALED, 0));  // pending
    ASSERT_OK(zx_object_wait_async(b, port, 6, ZX_EVENT_SIGNALED, 0));
    zx_port_packet_t user = user_packet(5, 0);
    ASSERT_OK(zx_port_queue(port, &user));
    EXPECT_OK(zx_port_cancel_key(port, 0, 5));
    EXPECT_STATUS(zx_port_cancel_key(port, 0, 5), ZX_ERR_NOT_FOUND);
    ASSERT_OK(zx_object_signal(b, 0, ZX_EVENT_SIGNALED));
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.type, ZX_PKT_TYPE_USER);
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.key, 6);
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){a, b, port}, 3));
}

TEST(PortTest, CancelKeyErrors) {
    zx_handle_t port, ev, ro_port;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, 0));
    ro_port = dup_rights(port, ZX_RIGHT_READ);
    ASSERT_NE(ro_port, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_port_cancel_key(BOGUS_HANDLE, 0, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_port_cancel_key(ev, 0, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_port_cancel_key(ro_port, 0, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_port_cancel_key(port, 1, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_port_cancel_key(port, 0, 1));  // the failed calls cancelled nothing
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro_port, ev, port}, 3));
}
#endif

TEST(PortTest, ClosingSourceEndsWaitKeepsQueued) {
    // "If handle is closed, the operation will also be terminated, but packets already in the
    // queue are not affected."
    zx_handle_t port, e1, e2, d1;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &e1));
    ASSERT_OK(zx_event_create(0, &e2));
    ASSERT_OK(zx_handle_duplicate(e1, ZX_RIGHT_SAME_RIGHTS, &d1));
    ASSERT_OK(zx_object_wait_async(e1, port, 1, ZX_USER_SIGNAL_0, 0));  // will be ended
    ASSERT_OK(zx_object_signal(e2, 0, ZX_USER_SIGNAL_0));
    ASSERT_OK(zx_object_wait_async(e2, port, 2, ZX_USER_SIGNAL_0, 0));  // queued now
    EXPECT_OK(zx_handle_close(e1));
    EXPECT_OK(zx_handle_close(e2));
    ASSERT_OK(zx_object_signal(d1, 0, ZX_USER_SIGNAL_0));
    zx_port_packet_t p;
    ASSERT_OK(zx_port_wait(port, 0, &p));
    EXPECT_EQ(p.key, 2);
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(d1));
    EXPECT_OK(zx_handle_close(port));
}

TEST(PortTest, ManyObjectsOnePort) {
    zx_handle_t port, ev[8];
    ASSERT_OK(zx_port_create(0, &port));
    for (uint64_t i = 0; i < 8; i++) {
        ASSERT_OK(zx_event_create(0, &ev[i]));
        ASSERT_OK(zx_object_wait_async(ev[i], port, 100 + i, ZX_EVENT_SIGNALED, 0));
    }
    for (int i = 7; i >= 0; i -= 2)
        ASSERT_OK(zx_object_signal(ev[i], 0, ZX_EVENT_SIGNALED));
    uint64_t keys = 0;
    for (int i = 0; i < 4; i++) {
        zx_port_packet_t p;
        ASSERT_OK(zx_port_wait(port, 0, &p));
        keys |= 1ull << (p.key - 100);
    }
    EXPECT_EQ(keys, 0xaa);
    zx_port_packet_t p;
    EXPECT_STATUS(zx_port_wait(port, 0, &p), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close_many(ev, 8));
    EXPECT_OK(zx_handle_close(port));
}

#endif  // ZX_SYS_object_wait_async

#endif  // ZX_SYS_port_create
