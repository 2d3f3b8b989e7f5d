// smp-stress: several CPUs on one event, port or VMO at once (docs/smp.md), as one_channel.c
// does for channels: threads pinned to different CPUs and released together, then exact
// outcomes: signals as the last operations left them and every set seen by a waiter; every
// packet once, in each queuer's order, intact; every VMO read as the size allows and each page
// one write's pattern. Object signal, port queue and wait and VMO read may run on several
// CPUs at once under the kernel lock's shared hold.
#include <stdio.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>

#include "user/tests/smp/smp.h"

// ---- events ----

// Two CPUs each set and clear their own user signal of one event, checking after every
// change that the event shows their bit as they left it (a lost update of the other CPU's
// bit would show), while a third waits for either bit again and again. Each ends with its
// bit set: the event then has exactly both.
enum { kToggles = 500 };

struct toggler {
    struct gate *gate;
    zx_handle_t ev;
    zx_signals_t bit;
    uint32_t done;
};

static void toggle_own_bit(void *p) {
    struct toggler *t = p;
    gate_wait(t->gate);
    for (uint32_t i = 0; i <= 2 * kToggles; i++) {
        bool set = i % 2 == 0;
        zx_status_t st = zx_object_signal(t->ev, set ? 0 : t->bit, set ? t->bit : 0);
        STOP_UNLESS(st == ZX_OK, "signal: status %d", st);
        zx_signals_t obs = 0;
        st = zx_object_wait_one(t->ev, t->bit, 0, &obs);
        STOP_UNLESS(set ? st == ZX_OK && (obs & t->bit) : st == ZX_ERR_TIMED_OUT && !(obs & t->bit),
                    "bit %#x %s: wait status %d, observed %#x", t->bit, set ? "set" : "cleared", st, obs);
        t->done++;
    }
}

struct bit_waiter {
    struct gate *gate;
    zx_handle_t ev;
    volatile uint64_t stop;
    uint32_t waits;
};

static void wait_for_bits(void *p) {
    struct bit_waiter *w = p;
    gate_wait(w->gate);
    static const zx_signals_t wanted[3] = {ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_1, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1};
    do {  // at least once: the togglers end with both bits set
        // What it observed is not checked here (EventWaitOneObservedHasTheSignal does).
        zx_signals_t want = wanted[w->waits % 3];
        zx_status_t st = zx_object_wait_one(w->ev, want, zx_deadline_after(LONG_WAIT), NULL);
        STOP_UNLESS(st == ZX_OK, "wait for %#x: status %d", want, st);
        w->waits++;
    } while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE));
}

TEST(SmpOneObject, EventBitsSetAndClearedFromTwoCpus) {
    pin_self(0);
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    struct gate gate = {0, 0};
    struct toggler tg[2] = {{&gate, ev, ZX_USER_SIGNAL_0, 0}, {&gate, ev, ZX_USER_SIGNAL_1, 0}};
    struct bit_waiter w = {&gate, ev, 0, 0};
    struct tthread t[3];
    ASSERT_OK(start_on(&t[0], "toggler", toggle_own_bit, &tg[0], 1));
    ASSERT_OK(start_on(&t[1], "toggler", toggle_own_bit, &tg[1], 2));
    ASSERT_OK(start_on(&t[2], "waiter", wait_for_bits, &w, 3));
    EXPECT_TRUE(gate_open(&gate, 3));
    EXPECT_OK(tthread_join(&t[0]));
    EXPECT_OK(tthread_join(&t[1]));
    __atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
    EXPECT_OK(tthread_join(&t[2]));
    EXPECT_EQ(tg[0].done, 2u * kToggles + 1);
    EXPECT_EQ(tg[1].done, 2u * kToggles + 1);
    EXPECT_NE(w.waits, 0u);
    zx_signals_t obs = 0;
    EXPECT_OK(zx_object_wait_one(ev, ZX_USER_SIGNAL_ALL, 0, &obs));
    EXPECT_EQ(obs, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1);
    EXPECT_OK(zx_object_signal(ev, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1, 0));
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_USER_SIGNAL_ALL, 0, &obs), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(obs, 0u);
    EXPECT_OK(zx_handle_close(ev));
    unpin_self();
}

// A waiter on another CPU is woken by every set of the bit it waits for: in odd rounds once
// it is blocked, the bit set and at once cleared (the wake must not be lost to the clear that
// follows); in even rounds set while it may still be on its way to block, cleared once it
// has returned. 300 rounds; a lost wake shows as a wait that times out.
enum { kWakeRounds = 300 };

struct wake_waiter {
    zx_handle_t ev;
    volatile uint64_t woken;     // rounds the waiter finished
    volatile zx_futex_t cleared;  // rounds the test's thread finished
};

static void wait_each_set(void *p) {
    struct wake_waiter *w = p;
    for (uint32_t i = 0; i < kWakeRounds; i++) {
        zx_futex_t c;
        while ((c = __atomic_load_n(&w->cleared, __ATOMIC_ACQUIRE)) < (zx_futex_t)i)
            zx_futex_wait((const zx_futex_t *)&w->cleared, c, ZX_HANDLE_INVALID, zx_deadline_after(ZX_MSEC(1)));
        zx_status_t st = zx_object_wait_one(w->ev, ZX_USER_SIGNAL_0, zx_deadline_after(LONG_WAIT), NULL);
        STOP_UNLESS(st == ZX_OK, "round %u: status %d", i, st);
        __atomic_store_n(&w->woken, i + 1, __ATOMIC_RELEASE);
    }
}

TEST(SmpOneObject, EventWaiterWokenByEverySet) {
    pin_self(0);
    struct wake_waiter w = {ZX_HANDLE_INVALID, 0, 0};
    ASSERT_OK(zx_event_create(0, &w.ev));
    struct tthread t;
    ASSERT_OK(start_on(&t, "waiter", wait_each_set, &w, 1));
    for (uint32_t i = 0; i < kWakeRounds; i++) {
        if (i % 2) {
            zx_time_t give_up = zx_deadline_after(LONG_WAIT);
            while (thread_state(t.handle) != ZX_THREAD_STATE_BLOCKED_WAIT_ONE && zx_clock_get_monotonic() < give_up)
                zx_nanosleep(zx_deadline_after(ZX_USEC(20)));
            ASSERT_OK(zx_object_signal(w.ev, 0, ZX_USER_SIGNAL_0));
            ASSERT_OK(zx_object_signal(w.ev, ZX_USER_SIGNAL_0, 0));
            STOP_UNLESS(wait_u64(&w.woken, i + 1), "round %u: the waiter was not woken", i);
        } else {
            ASSERT_OK(zx_object_signal(w.ev, 0, ZX_USER_SIGNAL_0));
            STOP_UNLESS(wait_u64(&w.woken, i + 1), "round %u: the waiter was not woken", i);
            ASSERT_OK(zx_object_signal(w.ev, ZX_USER_SIGNAL_0, 0));
        }
        __atomic_store_n(&w.cleared, (zx_futex_t)(i + 1), __ATOMIC_RELEASE);
        zx_futex_wake((const zx_futex_t *)&w.cleared, 1);
    }
    EXPECT_OK(tthread_join(&t));
    EXPECT_EQ(w.woken, (uint64_t)kWakeRounds);
    EXPECT_OK(zx_handle_close(w.ev));
    unpin_self();
}

// zx_object_wait_one that ended with ZX_OK reports in `observed` the signals asserted when
// one it waited for was first asserted (Zircon's zx_object_wait_one), so they include it even
// when another thread clears it before the waiter runs again. A thread on another CPU waits;
// the test's thread sets and at once clears the bit, round after round.
enum { kObservedRounds = 50 };

struct observed_waiter {
    zx_handle_t ev;
    volatile uint64_t rounds;     // rounds the waiter finished
    volatile zx_futex_t cleared;  // rounds the test's thread finished (the bit cleared)
    uint32_t missing;             // ZX_OK with the bit not in `observed`
};

static void wait_observe(void *p) {
    struct observed_waiter *w = p;
    for (uint32_t i = 0; i < kObservedRounds; i++) {
        zx_futex_t c;
        while ((c = __atomic_load_n(&w->cleared, __ATOMIC_ACQUIRE)) < (zx_futex_t)i)
            zx_futex_wait((const zx_futex_t *)&w->cleared, c, ZX_HANDLE_INVALID, zx_deadline_after(ZX_MSEC(1)));
        zx_signals_t obs = 0;
        zx_status_t st = zx_object_wait_one(w->ev, ZX_USER_SIGNAL_0, zx_deadline_after(LONG_WAIT), &obs);
        STOP_UNLESS(st == ZX_OK, "round %u: status %d", i, st);
        if (!(obs & ZX_USER_SIGNAL_0) && w->missing++ == 0) printf("round %u: observed %#x\n", i, obs);
        __atomic_store_n(&w->rounds, i + 1, __ATOMIC_RELEASE);
    }
}

TEST(SmpOneObject, EventWaitOneObservedHasTheSignal) {
    pin_self(0);
    struct observed_waiter w = {ZX_HANDLE_INVALID, 0, 0, 0};
    ASSERT_OK(zx_event_create(0, &w.ev));
    struct tthread t;
    ASSERT_OK(start_on(&t, "waiter", wait_observe, &w, 1));
    for (uint32_t i = 0; i < kObservedRounds; i++) {
        STOP_UNLESS(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_WAIT_ONE), "round %u: not blocked", i);
        EXPECT_OK(zx_object_signal(w.ev, 0, ZX_USER_SIGNAL_0));
        EXPECT_OK(zx_object_signal(w.ev, ZX_USER_SIGNAL_0, 0));
        STOP_UNLESS(wait_u64(&w.rounds, i + 1), "round %u: the waiter was not woken", i);
        __atomic_store_n(&w.cleared, (zx_futex_t)(i + 1), __ATOMIC_RELEASE);
        zx_futex_wake((const zx_futex_t *)&w.cleared, 1);
    }
    EXPECT_OK(tthread_join(&t));
    EXPECT_EQ(w.missing, 0u);
    EXPECT_OK(zx_handle_close(w.ev));
    unpin_self();
}

// ---- ports ----

// Two CPUs queue numbered user packets to one port while two others wait on it. Every packet
// is received once, each queuer's in its order, intact, and the port is empty at the end.
enum { kQueuers = 2, kPerQueuer = 500, kStopKey = 999 };

struct queuer {
    struct gate *gate;
    zx_handle_t port;
    uint32_t id;
    volatile uint32_t queued;
    uint32_t full;
};

static void queue_numbered(void *p) {
    struct queuer *q = p;
    gate_wait(q->gate);
    for (uint32_t seq = 0; seq < kPerQueuer;) {
        zx_port_packet_t pkt = {.key = q->id, .type = ZX_PKT_TYPE_USER, .status = (zx_status_t)seq};
        for (uint32_t j = 0; j < 4; j++) pkt.user.u64[j] = word(q->id, seq, j);
        zx_status_t st = zx_port_queue(q->port, &pkt);
        if (st == ZX_ERR_SHOULD_WAIT) {  // full: the receivers are behind
            q->full++;
            sleep_ms(1);
            continue;
        }
        STOP_UNLESS(st == ZX_OK, "queuer %u packet %u: status %d", q->id, seq, st);
        q->queued++;
        seq++;
    }
}

struct receiver {
    struct gate *gate;
    zx_handle_t port;
    volatile uint64_t *total;
    int64_t last[kQueuers];
    uint8_t seen[kQueuers][kPerQueuer];
};

// One packet taken from the port: checked and counted. False on a bad packet.
static bool take_packet(struct receiver *r, const zx_port_packet_t *pkt) {
    uint32_t id = (uint32_t)pkt->key, seq = (uint32_t)pkt->status;
    if (pkt->type != ZX_PKT_TYPE_USER || id >= kQueuers || seq >= kPerQueuer || (int64_t)seq <= r->last[id]) {
        zctest_fail(__FILE__, __LINE__, "packet type %u key %llu seq %u", pkt->type, (unsigned long long)pkt->key,
                    seq);
        return false;
    }
    for (uint32_t j = 0; j < 4; j++) {
        if (pkt->user.u64[j] != word(id, seq, j)) {
            zctest_fail(__FILE__, __LINE__, "packet %u of queuer %u: word %u differs", seq, id, j);
            return false;
        }
    }
    r->last[id] = seq;
    r->seen[id][seq]++;
    __atomic_add_fetch(r->total, 1, __ATOMIC_RELEASE);
    return true;
}

static void receive_until_stop(void *p) {
    struct receiver *r = p;
    gate_wait(r->gate);
    for (;;) {
        zx_port_packet_t pkt;
        zx_status_t st = zx_port_wait(r->port, zx_deadline_after(LONG_WAIT), &pkt);
        STOP_UNLESS(st == ZX_OK, "port_wait: status %d", st);
        if (pkt.key == kStopKey) break;
        if (!take_packet(r, &pkt)) break;
    }
}

TEST(SmpOneObject, PortPacketsFromTwoCpusToTwoWaiters) {
    pin_self(0);
    static struct receiver rx[2];
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    volatile uint64_t total = 0;
    struct gate gate = {0, 0}, rx_gate = {0, 0};
    struct queuer q[kQueuers];
    struct tthread t[kQueuers + 2];
    for (uint32_t i = 0; i < kQueuers; i++) {
        q[i] = (struct queuer){&gate, port, i, 0, 0};
        ASSERT_OK(start_on(&t[i], "queuer", queue_numbered, &q[i], 1 + (int)i));
    }
    // The queuers start first; the receivers once half the packets are in, so they contend
    // for a full port and then for each packet as it comes.
    EXPECT_TRUE(gate_open(&gate, kQueuers));
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (q[0].queued + q[1].queued < kPerQueuer && zx_clock_get_monotonic() < give_up) __builtin_ia32_pause();
    for (uint32_t i = 0; i < 2; i++) {
        rx[i] = (struct receiver){&rx_gate, port, &total, {-1, -1}, {{0}}};
        ASSERT_OK(start_on(&t[kQueuers + i], "receiver", receive_until_stop, &rx[i], 1 + kQueuers + (int)i));
    }
    EXPECT_TRUE(gate_open(&rx_gate, 2));
    for (uint32_t i = 0; i < kQueuers; i++) EXPECT_OK(tthread_join(&t[i]));
    // The last packets may be taken by either receiver: once all are, one stop packet each.
    EXPECT_TRUE(wait_u64(&total, kQueuers * kPerQueuer));
    zx_port_packet_t stop = {.key = kStopKey, .type = ZX_PKT_TYPE_USER};
    EXPECT_OK(zx_port_queue(port, &stop));
    EXPECT_OK(zx_port_queue(port, &stop));
    for (uint32_t i = 0; i < 2; i++) EXPECT_OK(tthread_join(&t[kQueuers + i]));
    EXPECT_EQ(total, (uint64_t)kQueuers * kPerQueuer);
    for (uint32_t i = 0; i < kQueuers; i++) {
        EXPECT_EQ(q[i].queued, (uint32_t)kPerQueuer);
        for (uint32_t seq = 0; seq < kPerQueuer; seq++)
            STOP_UNLESS(rx[0].seen[i][seq] + rx[1].seen[i][seq] == 1, "packet %u of queuer %u received %u times",
                        seq, i, rx[0].seen[i][seq] + rx[1].seen[i][seq]);
    }
    zx_port_packet_t pkt;
    EXPECT_STATUS(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(port));
    unpin_self();
}

// ---- VMOs ----

// Two CPUs read pages of one resizable VMO while the test's thread writes patterns into it and
// shrinks and grows it. A read succeeds or fails with ZX_ERR_OUT_OF_RANGE exactly as the size
// allows (checked when the size did not change during the read: `change` is odd while it may,
// and [lo, hi] holds the size then), and a page read is one whole write's pattern, or zeros.
enum { kVmoPages = 8, kVmoOps = 300 };

#define PAGE_PATTERN(gen, page) (0x5600000000000000ull | ((uint64_t)(gen) << 8) | (page))

struct vmo_shared {
    struct gate *gate;
    zx_handle_t vmo;
    volatile uint64_t change, lo, hi, gen, stop;
};

struct vmo_page_reader {
    struct vmo_shared *s;
    uint32_t id;
    uint32_t reads, out_of_range;
    volatile uint32_t checked;
};

static void read_pages(void *p) {
    struct vmo_page_reader *r = p;
    struct vmo_shared *s = r->s;
    static uint64_t bufs[2][PAGE / 8];
    uint64_t *buf = bufs[r->id];
    gate_wait(s->gate);
    for (uint32_t i = 0; !__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE); i++) {
        uint64_t page = (i * 3 + r->id) % kVmoPages, end = (page + 1) * PAGE;
        uint64_t change = __atomic_load_n(&s->change, __ATOMIC_SEQ_CST);
        uint64_t lo = __atomic_load_n(&s->lo, __ATOMIC_SEQ_CST), hi = __atomic_load_n(&s->hi, __ATOMIC_SEQ_CST);
        zx_status_t st = zx_vmo_read(s->vmo, buf, page * PAGE, PAGE);
        uint64_t gen = __atomic_load_n(&s->gen, __ATOMIC_SEQ_CST);
        bool steady = __atomic_load_n(&s->change, __ATOMIC_SEQ_CST) == change;
        STOP_UNLESS(st == ZX_OK || st == ZX_ERR_OUT_OF_RANGE, "read of page %llu: status %d",
                    (unsigned long long)page, st);
        if (steady) {
            STOP_UNLESS(end > lo || st == ZX_OK, "page %llu in a VMO of at least %llu bytes: status %d",
                        (unsigned long long)page, (unsigned long long)lo, st);
            STOP_UNLESS(end <= hi || st == ZX_ERR_OUT_OF_RANGE, "page %llu in a VMO of at most %llu bytes: ok",
                        (unsigned long long)page, (unsigned long long)hi);
            r->checked++;
        }
        r->reads++;
        if (st != ZX_OK) {
            r->out_of_range++;
            continue;
        }
        uint64_t w = buf[0];
        STOP_UNLESS(w == 0 || ((w & ~0xffffffffffull) == PAGE_PATTERN(0, 0) && (w & 0xff) == page &&
                               ((w >> 8) & 0xffffffff) <= gen),
                    "page %llu starts with %#llx", (unsigned long long)page, (unsigned long long)w);
        uint32_t j = 1;
        while (j < PAGE / 8 && buf[j] == w) j++;
        STOP_UNLESS(j == PAGE / 8, "page %llu word %u is %#llx, word 0 %#llx", (unsigned long long)page, j,
                    (unsigned long long)buf[j], (unsigned long long)w);
    }
}

TEST(SmpOneObject, VmoReadWhileWrittenAndResized) {
    pin_self(0);
    static uint64_t page_buf[PAGE / 8];
    static const uint32_t sizes[] = {3, 6, 1, 5, 2, 7, 4, 8};  // in pages
    uint64_t expect[kVmoPages] = {0};  // each page's pattern (0: zeros)
    struct gate gate = {0, 0};
    struct vmo_shared s = {&gate, ZX_HANDLE_INVALID, 0, kVmoPages * PAGE, kVmoPages * PAGE, 0, 0};
    ASSERT_OK(zx_vmo_create(kVmoPages * PAGE, ZX_VMO_RESIZABLE, &s.vmo));
    struct vmo_page_reader r[2] = {{&s, 0, 0, 0, 0}, {&s, 1, 0, 0, 0}};
    struct tthread t[2];
    for (int i = 0; i < 2; i++) ASSERT_OK(start_on(&t[i], "reader", read_pages, &r[i], 1 + i));
    EXPECT_TRUE(gate_open(&gate, 2));
    uint64_t pages = kVmoPages;
    for (uint32_t op = 1; op <= kVmoOps; op++) {
        if (op % 10 == 0) {
            uint64_t to = sizes[(op / 10) % 8];
            __atomic_store_n(&s.lo, (to < pages ? to : pages) * PAGE, __ATOMIC_SEQ_CST);
            __atomic_store_n(&s.hi, (to > pages ? to : pages) * PAGE, __ATOMIC_SEQ_CST);
            __atomic_add_fetch(&s.change, 1, __ATOMIC_SEQ_CST);
            zx_status_t st = zx_vmo_set_size(s.vmo, to * PAGE);
            __atomic_add_fetch(&s.change, 1, __ATOMIC_SEQ_CST);
            __atomic_store_n(&s.lo, to * PAGE, __ATOMIC_SEQ_CST);
            __atomic_store_n(&s.hi, to * PAGE, __ATOMIC_SEQ_CST);
            STOP_UNLESS(st == ZX_OK, "set_size to %llu pages: status %d", (unsigned long long)to, st);
            for (uint64_t p = to; p < kVmoPages; p++) expect[p] = 0;  // dropped: zeros when it grows again
            pages = to;
        } else {
            uint64_t page = (op * 5) % pages;
            __atomic_store_n(&s.gen, op, __ATOMIC_SEQ_CST);
            expect[page] = PAGE_PATTERN(op, page);
            for (uint32_t j = 0; j < PAGE / 8; j++) page_buf[j] = expect[page];
            zx_status_t st = zx_vmo_write(s.vmo, page_buf, page * PAGE, PAGE);
            STOP_UNLESS(st == ZX_OK, "write of page %llu: status %d", (unsigned long long)page, st);
        }
        if (op % 64 == 0) zx_nanosleep(zx_deadline_after(ZX_USEC(100)));  // let the readers in on one CPU
    }
    // Quiet now: every read from here on is checked; let each reader do a few.
    uint32_t before[2] = {r[0].checked, r[1].checked};
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while ((r[0].checked < before[0] + 10 || r[1].checked < before[1] + 10) && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    __atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++) {
        EXPECT_OK(tthread_join(&t[i]));
        EXPECT_GE(r[i].checked, before[i] + 10);
    }
    // Quiet now: each page holds what was last written to it since it was last dropped.
    uint64_t size = 0;
    EXPECT_OK(zx_vmo_get_size(s.vmo, &size));
    EXPECT_EQ(size, pages * PAGE);
    for (uint64_t p = 0; p < pages; p++) {
        EXPECT_OK(zx_vmo_read(s.vmo, page_buf, p * PAGE, PAGE));
        EXPECT_EQ(page_buf[0], expect[p]);
        EXPECT_EQ(page_buf[PAGE / 8 - 1], expect[p]);
    }
    EXPECT_STATUS(zx_vmo_read(s.vmo, page_buf, pages * PAGE, PAGE), ZX_ERR_OUT_OF_RANGE);
    EXPECT_OK(zx_handle_close(s.vmo));
    unpin_self();
}
