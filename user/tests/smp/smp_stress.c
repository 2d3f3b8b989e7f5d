// smp-stress: races between CPUs (docs/smp.md). Each case pins its threads to different CPUs
// (cpu(k), smp.h) and has one side act while the other is in the middle of something: channel
// traffic against a close, futex wake and requeue, a handle closed under a wait, a VMO resized
// and remapped while another CPU reads it (the TLB shootdown), and threads killed or suspended
// while they block or spin elsewhere. one_channel.c and one_object.c have several CPUs use one
// object at once.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "user/tests/smp/smp.h"

// ---- channels ----

enum { kMessages = 600 };

struct chan_side {
    zx_handle_t ch;
    zx_status_t status;  // the last failing write's, or ZX_OK
    uint32_t sent;
};

static void chan_writer(void *p) {
    struct chan_side *s = p;
    for (uint32_t i = 0; i < kMessages; i++) {
        uint32_t msg[4] = {i, ~i, i * 7, 0xabcd};
        zx_status_t st = zx_channel_write(s->ch, 0, msg, sizeof(msg), NULL, 0);
        if (st != ZX_OK) {
            s->status = st;
            break;
        }
        s->sent++;
    }
    zx_handle_close(s->ch);
}

TEST(SmpStress, ChannelMessagesKeepOrderAcrossCpus) {
    pin_self(0);
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    struct chan_side w = {a, ZX_OK, 0};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "writer", chan_writer, &w));
    ASSERT_OK(pin_thread(t.handle, cpu(1)));
    uint32_t got = 0;
    for (;;) {
        zx_signals_t obs = 0;
        ASSERT_OK(zx_object_wait_one(b, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, zx_deadline_after(LONG_WAIT),
                                     &obs));
        uint32_t msg[4], nb = 0;
        zx_status_t st = zx_channel_read(b, 0, msg, NULL, sizeof(msg), 0, &nb, NULL);
        if (st == ZX_ERR_PEER_CLOSED) break;
        if (st == ZX_ERR_SHOULD_WAIT) continue;
        ASSERT_OK(st);
        ASSERT_EQ(nb, sizeof(msg));
        ASSERT_EQ(msg[0], got);
        ASSERT_EQ(msg[1], ~got);
        ASSERT_EQ(msg[2], got * 7);
        got++;
    }
    EXPECT_EQ(got, (uint32_t)kMessages);
    EXPECT_OK(w.status);
    EXPECT_OK(tthread_join(&t));
    EXPECT_OK(zx_handle_close(b));
    unpin_self();
}

TEST(SmpStress, ChannelCloseDuringWrites) {
    pin_self(0);
    for (int round = 0; round < 10; round++) {
        zx_handle_t a, b;
        ASSERT_OK(zx_channel_create(0, &a, &b));
        struct chan_side w = {a, ZX_OK, 0};
        struct tthread t;
        ASSERT_OK(tthread_start(&t, "writer", chan_writer, &w));
        ASSERT_OK(pin_thread(t.handle, cpu(1 + round)));
        uint32_t msg[4];
        for (int i = 0; i < round * 5; i++) {
            zx_signals_t obs;
            if (zx_object_wait_one(b, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, zx_deadline_after(LONG_WAIT), &obs) !=
                    ZX_OK ||
                zx_channel_read(b, 0, msg, NULL, sizeof(msg), 0, NULL, NULL) != ZX_OK)
                break;
        }
        EXPECT_OK(zx_handle_close(b));  // while the writer is writing, or done
        EXPECT_OK(tthread_join(&t));
        EXPECT_TRUE(w.status == ZX_OK || w.status == ZX_ERR_PEER_CLOSED);
        EXPECT_TRUE(w.status == ZX_ERR_PEER_CLOSED || w.sent == (uint32_t)kMessages);
    }
    unpin_self();
}

// ---- futexes ----

struct pingpong {
    volatile zx_futex_t turn;  // whose turn: 0 or 1
    int rounds;
    int me;
};

static void futex_player(void *p) {
    struct pingpong *pp = p;
    for (int i = 0; i < pp->rounds; i++) {
        while (__atomic_load_n(&pp->turn, __ATOMIC_ACQUIRE) != 1)
            zx_futex_wait((const zx_futex_t *)&pp->turn, 0, ZX_HANDLE_INVALID, zx_deadline_after(ZX_MSEC(50)));
        __atomic_store_n(&pp->turn, 0, __ATOMIC_RELEASE);
        zx_futex_wake((const zx_futex_t *)&pp->turn, 1);
    }
}

TEST(SmpStress, FutexPingPongAcrossCpus) {
    pin_self(0);
    struct pingpong pp = {0, 300, 1};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "player", futex_player, &pp));
    ASSERT_OK(pin_thread(t.handle, cpu(1)));
    for (int i = 0; i < pp.rounds; i++) {
        __atomic_store_n(&pp.turn, 1, __ATOMIC_RELEASE);
        zx_futex_wake((const zx_futex_t *)&pp.turn, 1);
        while (__atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) != 0)
            zx_futex_wait((const zx_futex_t *)&pp.turn, 1, ZX_HANDLE_INVALID, zx_deadline_after(ZX_MSEC(50)));
    }
    EXPECT_OK(tthread_join(&t));
    unpin_self();
}

struct futex_waiter {
    volatile zx_futex_t *f;
    zx_status_t status;
    volatile uint64_t done;
};

static void futex_wait_once(void *p) {
    struct futex_waiter *w = p;
    w->status = zx_futex_wait((const zx_futex_t *)w->f, 0, ZX_HANDLE_INVALID, zx_deadline_after(LONG_WAIT));
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
}

// Waiters on several CPUs, moved to another futex, all woken from there.
TEST(SmpStress, FutexRequeueAcrossCpus) {
    enum { kWaiters = 6 };
    for (int round = 0; round < 5; round++) {
        volatile zx_futex_t from = 0, to = 0;
        struct futex_waiter w[kWaiters];
        struct tthread t[kWaiters];
        for (int i = 0; i < kWaiters; i++) {
            w[i] = (struct futex_waiter){&from, 1, 0};
            ASSERT_OK(tthread_start(&t[i], "waiter", futex_wait_once, &w[i]));
            ASSERT_OK(pin_thread(t[i].handle, cpu(i)));
        }
        for (int i = 0; i < kWaiters; i++) ASSERT_TRUE(wait_thread_state(t[i].handle, ZX_THREAD_STATE_BLOCKED_FUTEX));
        ASSERT_OK(zx_futex_requeue((const zx_futex_t *)&from, 1, 0, (const zx_futex_t *)&to, kWaiters,
                                   ZX_HANDLE_INVALID));
        ASSERT_OK(zx_futex_wake((const zx_futex_t *)&to, UINT32_MAX));
        for (int i = 0; i < kWaiters; i++) {
            EXPECT_TRUE(wait_u64(&w[i].done, 1));
            EXPECT_OK(tthread_join(&t[i]));
            EXPECT_OK(w[i].status);
        }
    }
}

// ---- a handle closed under a wait ----

struct event_waiter {
    zx_handle_t ev;
    zx_status_t status;
};

static void wait_event(void *p) {
    struct event_waiter *w = p;
    w->status = zx_object_wait_one(w->ev, ZX_USER_SIGNAL_0, zx_deadline_after(LONG_WAIT), NULL);
}

TEST(SmpStress, HandleClosedDuringWaitOnAnotherCpu) {
    pin_self(0);
    for (int round = 0; round < 20; round++) {
        struct event_waiter w = {ZX_HANDLE_INVALID, 1};
        ASSERT_OK(zx_event_create(0, &w.ev));
        struct tthread t;
        ASSERT_OK(tthread_start(&t, "waiter", wait_event, &w));
        ASSERT_OK(pin_thread(t.handle, cpu(1)));
        if (round & 1) ASSERT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_WAIT_ONE));
        EXPECT_OK(zx_handle_close(w.ev));  // blocked already, or about to wait on it
        EXPECT_OK(tthread_join(&t));
        EXPECT_TRUE(w.status == ZX_ERR_CANCELED || w.status == ZX_ERR_BAD_HANDLE);
    }
    unpin_self();
}

// ---- a VMO resized, and mappings replaced, while another CPU reads them ----

struct vmo_reader {
    zx_handle_t vmo;
    volatile uint64_t *first;  // mapped first page: always there
    volatile uint64_t stop, reads, bad;
};

static void read_vmo(void *p) {
    struct vmo_reader *r = p;
    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        if (*r->first != 0x5a5a5a5a5a5a5a5aull) r->bad++;
        uint64_t v;
        zx_status_t st = zx_vmo_read(r->vmo, &v, 2 * ZX_PAGE_SIZE, sizeof(v));
        if (st != ZX_OK && st != ZX_ERR_OUT_OF_RANGE) r->bad++;
        r->reads++;
    }
}

TEST(SmpStress, VmoResizedWhileMappedAndReadElsewhere) {
    pin_self(0);
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * ZX_PAGE_SIZE, ZX_VMO_RESIZABLE, &vmo));
    uint64_t pattern = 0x5a5a5a5a5a5a5a5aull;
    ASSERT_OK(zx_vmo_write(vmo, &pattern, 0, sizeof(pattern)));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_ALLOW_FAULTS, 0, vmo, 0,
                          4 * ZX_PAGE_SIZE, &addr));
    struct vmo_reader r = {vmo, (volatile uint64_t *)addr, 0, 0, 0};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "reader", read_vmo, &r));
    ASSERT_OK(pin_thread(t.handle, cpu(1)));
    for (int i = 0; i < 200; i++) {
        ASSERT_OK(zx_vmo_set_size(vmo, (1 + i % 4) * ZX_PAGE_SIZE));
        if (i % 8 == 0) zx_nanosleep(zx_deadline_after(ZX_USEC(200)));
    }
    __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
    EXPECT_OK(tthread_join(&t));
    EXPECT_EQ(r.bad, 0u);
    EXPECT_NE(r.reads, 0u);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 4 * ZX_PAGE_SIZE));
    EXPECT_OK(zx_handle_close(vmo));
    unpin_self();
}

// The TLB shootdown: main replaces the page mapped at one address (two VMOs, alternately) and
// only then publishes the round; a reader on another CPU that has seen the round must read the
// new page's value, never the old one through a stale TLB entry.
struct remap_reader {
    volatile uint64_t *at;
    volatile uint64_t round;  // published after each remap: the value the page now holds
    volatile uint64_t stop, stale, checks;
};

static void read_remapped(void *p) {
    struct remap_reader *r = p;
    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        uint64_t want = __atomic_load_n(&r->round, __ATOMIC_ACQUIRE);
        uint64_t v = *r->at;
        // The round may move on after it was read: only a value older than `want` is stale.
        if (v < want) r->stale++;
        r->checks++;
    }
}

TEST(SmpStress, RemapIsSeenByAnotherCpu) {
    pin_self(0);
    zx_handle_t vmar;
    zx_vaddr_t base;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC, 0, ZX_PAGE_SIZE,
                               &vmar, &base));
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(ZX_PAGE_SIZE, 0, &vmo));
    uint64_t one = 1;
    ASSERT_OK(zx_vmo_write(vmo, &one, 0, sizeof(one)));
    zx_vaddr_t at;
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 0, vmo, 0, ZX_PAGE_SIZE, &at));
    EXPECT_OK(zx_handle_close(vmo));
    struct remap_reader r = {(volatile uint64_t *)at, 1, 0, 0, 0};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "reader", read_remapped, &r));
    ASSERT_OK(pin_thread(t.handle, cpu(1)));
    for (uint64_t round = 2; round < 150; round++) {
        ASSERT_OK(zx_vmo_create(ZX_PAGE_SIZE, 0, &vmo));
        ASSERT_OK(zx_vmo_write(vmo, &round, 0, sizeof(round)));
        ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE, 0, vmo, 0, ZX_PAGE_SIZE, &at));
        EXPECT_OK(zx_handle_close(vmo));  // the old page's VMO is gone with its mapping
        __atomic_store_n(&r.round, round, __ATOMIC_RELEASE);
        if (round % 16 == 0) zx_nanosleep(zx_deadline_after(ZX_USEC(300)));
    }
    __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
    EXPECT_OK(tthread_join(&t));
    EXPECT_EQ(r.stale, 0u);
    EXPECT_NE(r.checks, 0u);
    EXPECT_OK(zx_vmar_destroy(vmar));
    EXPECT_OK(zx_handle_close(vmar));
    unpin_self();
}

// ---- threads killed or suspended while they block or spin on another CPU ----

static void wait_port_forever(void *p) {
    zx_port_packet_t pkt;
    zx_port_wait(*(zx_handle_t *)p, ZX_TIME_INFINITE, &pkt);
}

TEST(SmpStress, KillDuringBlockingCallOnAnotherCpu) {
    pin_self(0);
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    for (int round = 0; round < 20; round++) {
        struct tthread t;
        ASSERT_OK(tthread_start(&t, "blocked", wait_port_forever, &port));
        ASSERT_OK(pin_thread(t.handle, cpu(1 + round)));
        if (round & 1) ASSERT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_PORT));
        ASSERT_OK(zx_task_kill(t.handle));  // blocked, or about to block
        EXPECT_TRUE(wait_signals(t.handle, ZX_THREAD_TERMINATED));
        tthread_kill(&t);
    }
    EXPECT_OK(zx_handle_close(port));
    unpin_self();
}

TEST(SmpStress, KillAndSuspendSpinningThreadOnAnotherCpu) {
    pin_self(0);
    for (int round = 0; round < 10; round++) {
        volatile uint64_t counter = 0;
        struct rthread t;
        ASSERT_OK(rthread_start(&t, asm_count_loop, (uintptr_t)&counter, 0));
        ASSERT_OK(pin_thread(t.handle, cpu(1 + round)));
        ASSERT_TRUE(wait_u64_change(&counter, 0));
        zx_handle_t token;
        ASSERT_OK(zx_task_suspend(t.handle, &token));
        ASSERT_TRUE(wait_signals(t.handle, ZX_THREAD_SUSPENDED));
        uint64_t at = counter;
        zx_nanosleep(zx_deadline_after(ZX_MSEC(2)));
        EXPECT_EQ(counter, at);  // it is not running
        EXPECT_OK(zx_handle_close(token));
        EXPECT_TRUE(wait_u64_change(&counter, at));  // it runs again
        ASSERT_OK(zx_task_kill(t.handle));
        EXPECT_TRUE(wait_signals(t.handle, ZX_THREAD_TERMINATED));
        rthread_kill(&t);
    }
    unpin_self();
}

// Where a thread ran (ZX_INFO_THREAD_STATS) and what it may run on (ZX_INFO_THREAD) follow its
// profile's CPU mask.
static void spin_when_told(void *p) {
    volatile uint64_t *go = p;
    while (!__atomic_load_n(go, __ATOMIC_ACQUIRE)) sleep_ms(1);
    for (volatile int i = 0; i < 100000; i++) {
    }
}

TEST(SmpStress, AffinityAndLastScheduledCpu) {
    uint32_t n = zx_system_get_num_cpus();
    for (uint32_t c = 0; c < n; c++) {
        struct tthread t;
        volatile uint64_t go = 0;
        ASSERT_OK(tthread_start(&t, "pinned", spin_when_told, (void *)&go));
        ASSERT_OK(pin_thread(t.handle, (int)c));
        __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
        zx_info_thread_t info;
        ASSERT_OK(zx_object_get_info(t.handle, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL));
        EXPECT_EQ(info.cpu_affinity_mask.mask[0], 1ull << c);
        EXPECT_TRUE(wait_signals(t.handle, ZX_THREAD_TERMINATED));
        zx_info_thread_stats_t stats;
        ASSERT_OK(zx_object_get_info(t.handle, ZX_INFO_THREAD_STATS, &stats, sizeof(stats), NULL, NULL));
        EXPECT_EQ(stats.last_scheduled_cpu, c);
        EXPECT_OK(tthread_join(&t));
    }
    // Unpinned: every CPU online.
    zx_info_thread_t info;
    ASSERT_OK(zx_object_get_info(zx_thread_self(), ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.cpu_affinity_mask.mask[0], n >= 64 ? ~0ull : (1ull << n) - 1);
}

// Threads that never block, all started on CPU 0 and then let free, spread over the CPUs: a
// task preempted at the end of its slice goes to an idle CPU, and an idle CPU takes waiting
// work, so none of them waits behind another while a CPU idles (the test's thread sleeps).
TEST(SmpStress, SpinnersSpreadOverCpus) {
    uint32_t n = zx_system_get_num_cpus();
    if (n > 8) n = 8;
    volatile uint64_t counters[8] = {0};
    struct rthread t[8];
    for (uint32_t i = 0; i < n; i++) {
        ASSERT_OK(rthread_start(&t[i], asm_count_loop, (uintptr_t)&counters[i], 0));
        ASSERT_OK(pin_thread(t[i].handle, 0));
    }
    for (uint32_t i = 0; i < n; i++) ASSERT_TRUE(wait_u64_change(&counters[i], 0));
    for (uint32_t i = 0; i < n; i++) ASSERT_OK(pin_thread(t[i].handle, -1));
    uint64_t seen = 0;
    for (int tries = 0; tries < 50 && seen != (n >= 64 ? ~0ull : (1ull << n) - 1); tries++) {
        sleep_ms(20);
        seen = 0;
        for (uint32_t i = 0; i < n; i++) {
            zx_info_thread_stats_t stats;
            ASSERT_OK(zx_object_get_info(t[i].handle, ZX_INFO_THREAD_STATS, &stats, sizeof(stats), NULL, NULL));
            ASSERT_LT(stats.last_scheduled_cpu, n);
            seen |= 1ull << stats.last_scheduled_cpu;
        }
    }
    EXPECT_EQ(seen, (n >= 64 ? ~0ull : (1ull << n) - 1));  // one spinner on each CPU
    for (uint32_t i = 0; i < n; i++) rthread_kill(&t[i]);
}

struct idle_yield {
    zx_handle_t ev;
    volatile uint64_t waiting;
};

static void wait_for_signal(void *p) {
    struct idle_yield *y = p;
    __atomic_store_n(&y->waiting, 1, __ATOMIC_RELEASE);
    zx_object_wait_one(y->ev, ZX_USER_SIGNAL_0, zx_deadline_after(LONG_WAIT), NULL);
}

// A yield with nothing else to run on the CPU spends the request: a thread this one then wakes
// onto its own CPU waits for the slice, and the fast return's check (on the debug kernel: a
// clear attention word means the thread may return) holds. Before, the spent request stayed
// and the woken thread made the caller look preempted with the word clear (fuzz-guest, 4
// threads, SMP=2, debug kernel: an assertion in syscall_fast_smp).
TEST(SmpStress, WakeOntoOwnCpuAfterAnIdleYield) {
    pin_self(0);
    struct idle_yield y = {0};
    ASSERT_OK(zx_event_create(0, &y.ev));
    for (int round = 0; round < 20; round++) {
        struct tthread t;
        y.waiting = 0;
        ASSERT_OK(zx_object_signal(y.ev, ZX_USER_SIGNAL_0, 0));
        ASSERT_OK(start_on(&t, "waiter", wait_for_signal, &y, 0));
        while (!__atomic_load_n(&y.waiting, __ATOMIC_ACQUIRE)) zx_nanosleep(zx_deadline_after(ZX_USEC(100)));
        zx_nanosleep(zx_deadline_after(ZX_MSEC(2)));  // into its wait: the CPU's queue is empty
        ASSERT_OK(zx_thread_legacy_yield(0));
        ASSERT_OK(zx_object_signal(y.ev, 0, ZX_USER_SIGNAL_0));  // onto this CPU's queue
        EXPECT_OK(tthread_join(&t));
    }
    zx_handle_close(y.ev);
    unpin_self();
}
