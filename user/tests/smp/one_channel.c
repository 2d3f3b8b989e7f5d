// smp-stress: several CPUs on one channel at once (docs/smp.md). Each case's threads are
// pinned to different CPUs and released together (a gate, smp.h), all use the same channel,
// and the case then checks exact outcomes: every message once, in each writer's order,
// intact; handles moved, not copied or lost; the general path (observers to tell, handles to
// move, copies that fault, blocked waiters) mixed in with the write and read fast paths, which
// may run on several CPUs at once under the kernel lock's shared hold. They hold on one CPU
// too (time-sliced).
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>

#include "user/tests/smp/smp.h"

// ---- channels ----

enum { kWriters = 3, kPerWriter = 300, kMsgWords = 8 };  // 64-byte messages

struct chan_writer {
    struct gate *gate;
    zx_handle_t ch;
    uint32_t id, count, sent;
};

static void write_numbered(void *p) {
    struct chan_writer *w = p;
    gate_wait(w->gate);
    for (uint32_t seq = 0; seq < w->count; seq++) {
        uint64_t msg[kMsgWords] = {w->id, seq};
        for (uint32_t j = 2; j < kMsgWords; j++) msg[j] = word(w->id, seq, j);
        zx_status_t st = zx_channel_write(w->ch, 0, msg, sizeof(msg), NULL, 0);
        STOP_UNLESS(st == ZX_OK, "writer %u message %u: status %d", w->id, seq, st);
        w->sent++;
    }
}

// Three writers on three CPUs write to one end; the reader on a fourth gets every message
// once, each writer's in its order, intact.
TEST(SmpOneObject, ManyWritersOneChannel) {
    pin_self(0);
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    struct gate gate = {0, 0};
    struct chan_writer w[kWriters];
    struct tthread t[kWriters];
    for (uint32_t i = 0; i < kWriters; i++) {
        w[i] = (struct chan_writer){&gate, a, i, kPerWriter, 0};
        ASSERT_OK(start_on(&t[i], "writer", write_numbered, &w[i], 1 + (int)i));
    }
    EXPECT_TRUE(gate_open(&gate, kWriters));
    uint32_t next[kWriters] = {0}, got = 0;
    while (got < kWriters * kPerWriter) {
        zx_signals_t obs = 0;
        zx_status_t st = zx_object_wait_one(b, ZX_CHANNEL_READABLE, zx_deadline_after(LONG_WAIT), &obs);
        STOP_UNLESS(st == ZX_OK, "wait after %u messages: status %d", got, st);
        uint64_t msg[kMsgWords + 1];
        zx_handle_t h;
        uint32_t nb = 0, nh = 0;
        while ((st = zx_channel_read(b, 0, msg, &h, sizeof(msg), 1, &nb, &nh)) == ZX_OK) {
            uint32_t id = (uint32_t)msg[0], seq = (uint32_t)msg[1];
            STOP_UNLESS(nb == sizeof(uint64_t) * kMsgWords && nh == 0, "message of %u bytes, %u handles", nb, nh);
            STOP_UNLESS(id < kWriters && seq == next[id], "message %u of writer %u (%u expected)", seq, id,
                        id < kWriters ? next[id] : 0);
            for (uint32_t j = 2; j < kMsgWords; j++) STOP_UNLESS(msg[j] == word(id, seq, j), "word %u differs", j);
            next[id]++;
            got++;
        }
        STOP_UNLESS(st == ZX_OK || st == ZX_ERR_SHOULD_WAIT, "read: status %d", st);
        if (zctest_current_failed()) break;
    }
    for (uint32_t i = 0; i < kWriters; i++) {
        EXPECT_OK(tthread_join(&t[i]));
        EXPECT_EQ(w[i].sent, (uint32_t)kPerWriter);
        EXPECT_EQ(next[i], (uint32_t)kPerWriter);
    }
    uint64_t msg[kMsgWords];
    EXPECT_STATUS(zx_channel_read(b, 0, msg, NULL, sizeof(msg), 0, NULL, NULL), ZX_ERR_SHOULD_WAIT);
    EXPECT_EQ(signals_now(b) & ZX_CHANNEL_READABLE, 0u);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    unpin_self();
}

enum { kReaders = 2, kFilled = 1000, kBigBytes = 200 };  // big: over the small-message size

struct chan_reader {
    struct gate *gate;
    zx_handle_t ch;
    uint32_t got;
    uint8_t seen[kFilled];  // how many times this reader got each message
};

static uint32_t filled_bytes(uint32_t seq) { return seq % 4 == 3 ? kBigBytes : 64; }

static void read_until_closed(void *p) {
    struct chan_reader *r = p;
    gate_wait(r->gate);
    int64_t last = -1;
    for (;;) {
        uint64_t msg[kBigBytes / 8 + 1];
        uint32_t nb = 0;
        zx_status_t st = zx_channel_read(r->ch, 0, msg, NULL, sizeof(msg), 0, &nb, NULL);
        if (st == ZX_ERR_SHOULD_WAIT) {
            st = zx_object_wait_one(r->ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
                                    zx_deadline_after(LONG_WAIT), NULL);
            STOP_UNLESS(st == ZX_OK, "wait: status %d", st);
            continue;
        }
        if (st == ZX_ERR_PEER_CLOSED) break;
        STOP_UNLESS(st == ZX_OK, "read: status %d", st);
        uint32_t seq = (uint32_t)msg[0];
        // One reader's reads follow each other, so it takes messages in queue order.
        STOP_UNLESS(seq < kFilled && (int64_t)seq > last, "message %u after %lld", seq, (long long)last);
        STOP_UNLESS(nb == filled_bytes(seq), "message %u: %u bytes", seq, nb);
        for (uint32_t j = 1; j < nb / 8; j++) STOP_UNLESS(msg[j] == word(0, seq, j), "message %u word %u", seq, j);
        last = seq;
        r->seen[seq]++;
        r->got++;
    }
    // Drained and closed: it stays so.
    EXPECT_STATUS(zx_channel_read(r->ch, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_PEER_CLOSED);
}

// One writer half fills a channel, then two readers on other CPUs empty it at once while it
// writes the rest: every message is taken by exactly one of them, intact, and both see the
// close once it is empty.
TEST(SmpOneObject, TwoReadersOneChannel) {
    pin_self(0);
    static struct chan_reader r[kReaders];
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    struct gate gate = {0, 0};
    struct tthread t[kReaders];
    for (uint32_t seq = 0; seq < kFilled; seq++) {
        if (seq == kFilled / 2) {
            for (int i = 0; i < kReaders; i++) {
                memset(&r[i], 0, sizeof(r[i]));
                r[i].gate = &gate;
                r[i].ch = b;
                ASSERT_OK(start_on(&t[i], "reader", read_until_closed, &r[i], 1 + i));
            }
            EXPECT_TRUE(gate_open(&gate, kReaders));
        }
        uint64_t msg[kBigBytes / 8] = {seq};
        for (uint32_t j = 1; j < kBigBytes / 8; j++) msg[j] = word(0, seq, j);
        zx_status_t st = zx_channel_write(a, 0, msg, filled_bytes(seq), NULL, 0);
        STOP_UNLESS(st == ZX_OK, "message %u: status %d", seq, st);
    }
    EXPECT_OK(zx_handle_close(a));
    for (int i = 0; i < kReaders; i++) EXPECT_OK(tthread_join(&t[i]));
    EXPECT_EQ(r[0].got + r[1].got, (uint32_t)kFilled);
    for (uint32_t seq = 0; seq < kFilled; seq++) {
        STOP_UNLESS(r[0].seen[seq] + r[1].seen[seq] == 1, "message %u received %u + %u times", seq, r[0].seen[seq],
                    r[1].seen[seq]);
    }
    EXPECT_OK(zx_handle_close(b));
    unpin_self();
}

// Ping-pong while a third CPU keeps adding and removing observers of both ends (wait_async to
// a port, cancelled; a short zx_object_wait_one): no transition to READABLE may be missed by
// the blocked side, and each async wait that fired saw READABLE.
enum { kPingPongs = 100, kChurns = 50, kPingPongStop = UINT32_MAX };

struct echo {
    zx_handle_t ch;
    zx_status_t status;
    uint32_t echoed;
};

static void echo_back(void *p) {
    struct echo *e = p;
    for (uint32_t i = 0;; i++) {
        uint32_t v = 0;
        e->status = zx_object_wait_one(e->ch, ZX_CHANNEL_READABLE, zx_deadline_after(LONG_WAIT), NULL);
        if (e->status == ZX_OK) e->status = zx_channel_read(e->ch, 0, &v, NULL, sizeof(v), 0, NULL, NULL);
        if (e->status == ZX_OK && v == kPingPongStop) break;
        STOP_UNLESS(e->status == ZX_OK && v == i, "ping %u: status %d, got %u", i, e->status, v);
        e->status = zx_channel_write(e->ch, 0, &v, sizeof(v), NULL, 0);
        STOP_UNLESS(e->status == ZX_OK, "pong %u: status %d", i, e->status);
        e->echoed++;
    }
}

struct churner {
    zx_handle_t ends[2], port;
    volatile uint64_t stop;
    volatile uint32_t rounds;
    uint32_t fired;
};

// The packets of the async waits that fired: each saw READABLE. False on a bad one.
static bool take_fired(struct churner *c) {
    zx_port_packet_t pkt;
    zx_status_t st;
    while ((st = zx_port_wait(c->port, 0, &pkt)) == ZX_OK) {
        if (pkt.type != ZX_PKT_TYPE_SIGNAL_ONE || pkt.key >= 2 || pkt.signal.trigger != ZX_CHANNEL_READABLE ||
            !(pkt.signal.observed & ZX_CHANNEL_READABLE)) {
            zctest_fail(__FILE__, __LINE__, "packet type %u key %llu trigger %#x observed %#x", pkt.type,
                        (unsigned long long)pkt.key, pkt.signal.trigger, pkt.signal.observed);
            return false;
        }
        c->fired++;
    }
    if (st == ZX_ERR_TIMED_OUT) return true;
    zctest_fail(__FILE__, __LINE__, "port_wait: status %d", st);
    return false;
}

static void churn_observers(void *p) {
    struct churner *c = p;
    while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
        for (uint64_t k = 0; k < 2; k++)
            STOP_UNLESS(zx_object_wait_async(c->ends[k], c->port, k, ZX_CHANNEL_READABLE, 0) == ZX_OK, "wait_async");
        // What it observed is not checked here (EventWaitOneObservedHasTheSignal does): the
        // churn is about observers coming and going under the fast paths.
        zx_status_t st = zx_object_wait_one(c->ends[c->rounds & 1], ZX_CHANNEL_READABLE,
                                            zx_deadline_after(ZX_USEC(20)), NULL);
        STOP_UNLESS(st == ZX_ERR_TIMED_OUT || st == ZX_OK, "wait_one: status %d", st);
        if (!take_fired(c)) break;  // before the cancel, which removes them
        for (uint64_t k = 0; k < 2; k++) {
            st = zx_port_cancel(c->port, c->ends[k], k);  // ZX_ERR_NOT_FOUND: it fired already
            STOP_UNLESS(st == ZX_OK || st == ZX_ERR_NOT_FOUND, "cancel: status %d", st);
        }
        if (!take_fired(c)) break;
        c->rounds++;
    }
}

TEST(SmpOneObject, ChannelPingPongWhileObserversComeAndGo) {
    pin_self(0);
    zx_handle_t a, b, port;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_port_create(0, &port));
    struct echo e = {b, ZX_OK, 0};
    struct churner c = {{a, b}, port, 0, 0, 0};
    struct tthread te, tc;
    ASSERT_OK(start_on(&te, "echo", echo_back, &e, 1));
    ASSERT_OK(start_on(&tc, "churner", churn_observers, &c, 2));
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (c.rounds == 0 && zx_clock_get_monotonic() < give_up) sleep_ms(1);  // the churner is going
    // At least kPingPongs, and on until the churner has had kChurns rounds (for 0.5 s at most).
    give_up = zx_deadline_after(ZX_MSEC(500));
    uint32_t i = 0;
    for (; i < kPingPongs || (c.rounds < kChurns && zx_clock_get_monotonic() < give_up); i++) {
        uint32_t v = UINT32_MAX;
        zx_status_t st = zx_channel_write(a, 0, &i, sizeof(i), NULL, 0);
        if (st == ZX_OK) st = zx_object_wait_one(a, ZX_CHANNEL_READABLE, zx_deadline_after(LONG_WAIT), NULL);
        if (st == ZX_OK) st = zx_channel_read(a, 0, &v, NULL, sizeof(v), 0, NULL, NULL);
        STOP_UNLESS(st == ZX_OK && v == i, "round %u: status %d, got %u", i, st, v);
    }
    __atomic_store_n(&c.stop, 1, __ATOMIC_RELEASE);
    uint32_t stop = kPingPongStop;
    EXPECT_OK(zx_channel_write(a, 0, &stop, sizeof(stop), NULL, 0));
    EXPECT_OK(tthread_join(&te));
    EXPECT_OK(tthread_join(&tc));
    EXPECT_EQ(e.echoed, i);
    EXPECT_NE(c.rounds, 0u);
    // Quiet now: nothing queued, nothing signalled, and an observer added either way is told.
    EXPECT_EQ(signals_now(a) & ZX_CHANNEL_READABLE, 0u);
    EXPECT_EQ(signals_now(b) & ZX_CHANNEL_READABLE, 0u);
    zx_port_packet_t pkt;
    EXPECT_STATUS(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_object_wait_async(b, port, 7, ZX_CHANNEL_READABLE, 0));
    EXPECT_STATUS(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
    uint32_t v = 1;
    ASSERT_OK(zx_channel_write(a, 0, &v, sizeof(v), NULL, 0));  // the write must tell the observer
    ASSERT_OK(zx_port_wait(port, 0, &pkt));
    EXPECT_EQ(pkt.key, 7u);
    EXPECT_EQ(pkt.signal.observed & ZX_CHANNEL_READABLE, ZX_CHANNEL_READABLE);
    ASSERT_OK(zx_object_wait_async(b, port, 8, ZX_CHANNEL_READABLE, 0));  // already readable: at once
    ASSERT_OK(zx_port_wait(port, 0, &pkt));
    EXPECT_EQ(pkt.key, 8u);
    EXPECT_OK(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
    EXPECT_STATUS(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(port));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    unpin_self();
}

// One end closed while the thread holding the other writes and reads in a tight loop: its
// writes end with ZX_ERR_PEER_CLOSED (each consuming the handle it carried), its reads drain
// the messages already queued, in order, then say ZX_ERR_PEER_CLOSED; every handle that was
// in a message queued at the closed end is gone with it.
enum { kMaxWrites = 1500 };

struct closed_under {
    zx_handle_t ch, ev;
    uint32_t queued;  // messages main queued for it before it started
    volatile uint32_t written;
    uint32_t read;
    bool write_closed;
};

static void write_read_until_closed(void *p) {
    struct closed_under *s = p;
    bool read_closed = false;
    while (!read_closed) {
        if (!s->write_closed && s->written < kMaxWrites) {
            zx_handle_t h = ZX_HANDLE_INVALID;
            STOP_UNLESS(zx_handle_duplicate(s->ev, ZX_RIGHT_SAME_RIGHTS, &h) == ZX_OK, "duplicate");
            uint32_t seq = s->written;
            zx_status_t st = zx_channel_write(s->ch, 0, &seq, sizeof(seq), &h, 1);
            STOP_UNLESS(st == ZX_OK || st == ZX_ERR_PEER_CLOSED, "write %u: status %d", seq, st);
            STOP_UNLESS(!handle_valid(h), "handle %#x still valid after a write (status %d)", h, st);
            if (st == ZX_OK) s->written++;
            else s->write_closed = true;
        }
        uint32_t v = 0;
        zx_status_t st = zx_channel_read(s->ch, 0, &v, NULL, sizeof(v), 0, NULL, NULL);
        if (st == ZX_OK) {
            STOP_UNLESS(v == s->read, "message %u, %u expected", v, s->read);
            s->read++;
        } else if (st == ZX_ERR_PEER_CLOSED) {
            read_closed = true;
        } else {
            STOP_UNLESS(st == ZX_ERR_SHOULD_WAIT, "read: status %d", st);
            if (s->write_closed || s->written == kMaxWrites) {
                st = zx_object_wait_one(s->ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
                                        zx_deadline_after(LONG_WAIT), NULL);
                STOP_UNLESS(st == ZX_OK, "wait: status %d", st);
            }
        }
    }
    if (!read_closed) return;
    EXPECT_EQ(s->read, s->queued);
    // Closed for good: reads and writes say so, and a write still consumes its handle.
    EXPECT_STATUS(zx_channel_read(s->ch, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_PEER_CLOSED);
    zx_handle_t h = ZX_HANDLE_INVALID;
    EXPECT_OK(zx_handle_duplicate(s->ev, ZX_RIGHT_SAME_RIGHTS, &h));
    EXPECT_STATUS(zx_channel_write(s->ch, 0, &h, sizeof(h), &h, 1), ZX_ERR_PEER_CLOSED);
    EXPECT_FALSE(handle_valid(h));
    EXPECT_EQ(signals_now(s->ch) & (ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED), ZX_CHANNEL_PEER_CLOSED);
}

TEST(SmpOneObject, ChannelClosedUnderTightWriteReadLoop) {
    pin_self(0);
    uint32_t events = handles_of_type(ZX_OBJ_TYPE_EVENT), channels = handles_of_type(ZX_OBJ_TYPE_CHANNEL);
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    for (uint32_t round = 0; round < 8; round++) {
        zx_handle_t a, b;
        ASSERT_OK(zx_channel_create(0, &a, &b));
        struct closed_under s = {a, ev, 5 + round * 7, 0, 0, false};
        for (uint32_t i = 0; i < s.queued; i++) ASSERT_OK(zx_channel_write(b, 0, &i, sizeof(i), NULL, 0));
        struct tthread t;
        ASSERT_OK(start_on(&t, "looper", write_read_until_closed, &s, 1 + (int)round));
        // Take some of its messages as soon as it has written them, then close.
        for (uint32_t spins = 0; s.written < round * 3 && spins < 1000000; spins++) __builtin_ia32_pause();
        for (uint32_t i = 0; i < round * 3; i++) {
            uint32_t v = 0;
            zx_handle_t h = ZX_HANDLE_INVALID;
            zx_status_t st = zx_object_wait_one(b, ZX_CHANNEL_READABLE, zx_deadline_after(LONG_WAIT), NULL);
            if (st == ZX_OK) st = zx_channel_read(b, 0, &v, &h, sizeof(v), 1, NULL, NULL);
            STOP_UNLESS(st == ZX_OK && v == i, "message %u: status %d, got %u", i, st, v);
            EXPECT_EQ(handle_koid(h), handle_koid(ev));
            EXPECT_OK(zx_handle_close(h));
        }
        EXPECT_OK(zx_handle_close(b));
        EXPECT_OK(tthread_join(&t));
        EXPECT_OK(zx_handle_close(a));
        // Every duplicate was received and closed, dropped with a failed write, or went with b.
        EXPECT_EQ(handle_count(ev), 1u);
        if (zctest_current_failed()) break;
    }
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_EQ(handles_of_type(ZX_OBJ_TYPE_EVENT), events);
    EXPECT_EQ(handles_of_type(ZX_OBJ_TYPE_CHANNEL), channels);
    unpin_self();
}

// Events moved through a channel from one CPU to a reader on another, one to five a message
// (five is over the small-message handle count): each arrives once, the same object with the
// same rights, and the writer's values are dead once the write returned.
enum { kHandleMsgs = 200, kMaxMoved = 5 };

struct moved_msg {
    uint32_t seq, n;
    zx_koid_t koids[kMaxMoved];
};

struct handle_reader {
    zx_handle_t ch;
    uint32_t got;
};

static void read_moved_handles(void *p) {
    struct handle_reader *r = p;
    while (r->got < kHandleMsgs) {
        struct moved_msg m;
        zx_handle_t h[kMaxMoved + 1];
        uint32_t nb = 0, nh = 0;
        zx_status_t st = zx_object_wait_one(r->ch, ZX_CHANNEL_READABLE, zx_deadline_after(LONG_WAIT), NULL);
        STOP_UNLESS(st == ZX_OK, "wait: status %d", st);
        if (r->got % 7 == 0) {  // too little room for its handles first: the message stays
            st = zx_channel_read(r->ch, 0, &m, h, sizeof(m), 0, &nb, &nh);
            STOP_UNLESS(st == ZX_ERR_BUFFER_TOO_SMALL && nh == 1 + r->got % kMaxMoved,
                        "short read of %u: status %d, %u handles", r->got, st, nh);
        }
        st = zx_channel_read(r->ch, 0, &m, h, sizeof(m), kMaxMoved + 1, &nb, &nh);
        STOP_UNLESS(st == ZX_OK, "read %u: status %d", r->got, st);
        STOP_UNLESS(nb == sizeof(m) && m.seq == r->got && nh == m.n && m.n == 1 + m.seq % kMaxMoved,
                    "message %u of %u bytes with %u handles (%u expected)", m.seq, nb, nh, r->got);
        for (uint32_t j = 0; j < nh; j++) {
            zx_info_handle_basic_t info;
            st = zx_object_get_info(h[j], ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL);
            STOP_UNLESS(st == ZX_OK && info.koid == m.koids[j] && info.type == ZX_OBJ_TYPE_EVENT &&
                            info.rights == ZX_DEFAULT_EVENT_RIGHTS,
                        "message %u handle %u: status %d, koid %llu (%llu expected)", m.seq, j, st,
                        (unsigned long long)info.koid, (unsigned long long)m.koids[j]);
            STOP_UNLESS(zx_handle_close(h[j]) == ZX_OK, "close");
        }
        if (zctest_current_failed()) break;
        r->got++;
    }
}

TEST(SmpOneObject, HandlesMovedThroughChannelAcrossCpus) {
    pin_self(0);
    uint32_t events = handles_of_type(ZX_OBJ_TYPE_EVENT);
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    struct handle_reader r = {b, 0};
    struct tthread t;
    ASSERT_OK(start_on(&t, "reader", read_moved_handles, &r, 1));
    for (uint32_t seq = 0; seq < kHandleMsgs; seq++) {
        struct moved_msg m = {seq, 1 + seq % kMaxMoved, {0}};
        zx_handle_t h[kMaxMoved];
        for (uint32_t j = 0; j < m.n; j++) {
            ASSERT_OK(zx_event_create(0, &h[j]));
            m.koids[j] = handle_koid(h[j]);
        }
        zx_status_t st = zx_channel_write(a, 0, &m, sizeof(m), h, m.n);
        STOP_UNLESS(st == ZX_OK, "message %u: status %d", seq, st);
        for (uint32_t j = 0; j < m.n; j++) STOP_UNLESS(!handle_valid(h[j]), "message %u: handle %u still valid", seq, j);
        if (zctest_current_failed()) break;
    }
    EXPECT_OK(tthread_join(&t));
    EXPECT_EQ(r.got, (uint32_t)kHandleMsgs);
    EXPECT_STATUS(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_SHOULD_WAIT);
    EXPECT_EQ(handles_of_type(ZX_OBJ_TYPE_EVENT), events);  // every event received and closed
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    unpin_self();
}

// Reads whose user copies fault: the buffers straddle two pages of a mapping whose pages are
// decommitted every 32 reads, so each copy out faults part way (the general path must then do
// the whole call once: no message lost, doubled or torn). Two writers on two CPUs feed the
// channel the test's thread reads; a fourth CPU reads a VMO the same way (up to 150 times:
// each decommit is a TLB shootdown, and each fault costs an exit under kvm).
enum { kFaultWriters = 2, kFaultPerWriter = 150, kFaultPages = 64, kFaultVmoReads = 150 };

struct faulting_buf {
    zx_handle_t vmo;
    uint8_t *base;  // kFaultPages pages mapped read/write, none touched after each decommit
    uint32_t next;
};

static zx_status_t faulting_buf_init(struct faulting_buf *f) {
    f->next = 0;
    zx_status_t st = zx_vmo_create(kFaultPages * PAGE, 0, &f->vmo);
    if (st != ZX_OK) return st;
    zx_vaddr_t addr = 0;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, f->vmo, 0, kFaultPages * PAGE,
                     &addr);
    f->base = (uint8_t *)addr;
    return st;
}

// A buffer of up to 256 bytes that starts 32 bytes before a page boundary, on pages not
// touched since the last decommit; `actual` (for actual_bytes) on another untouched page.
static void *faulting_buf_next(struct faulting_buf *f, uint32_t **actual) {
    if (f->next + 2 > kFaultPages) {
        f->next = 0;
        zx_vmo_op_range(f->vmo, ZX_VMO_OP_DECOMMIT, 0, kFaultPages * PAGE, NULL, 0);
    }
    uint8_t *p = f->base + (f->next + 1) * PAGE - 32;
    *actual = (uint32_t *)(f->base + (f->next + 1) * PAGE + 2048);
    f->next += 2;
    return p;
}

static void faulting_buf_free(struct faulting_buf *f) {
    zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)f->base, kFaultPages * PAGE);
    zx_handle_close(f->vmo);
}

struct vmo_faulting_reader {
    struct gate *gate;
    zx_handle_t src;  // 256 bytes: word j is word(7, 0, j)
    volatile uint64_t stop;
    uint32_t reads;
};

static void read_vmo_into_untouched(void *p) {
    struct vmo_faulting_reader *r = p;
    struct faulting_buf f;
    if (faulting_buf_init(&f) != ZX_OK) {
        zctest_fail(__FILE__, __LINE__, "faulting_buf_init");
        return;
    }
    gate_wait(r->gate);
    do {
        uint32_t *unused;
        uint64_t *buf = faulting_buf_next(&f, &unused);
        zx_status_t st = zx_vmo_read(r->src, buf, 0, 256);
        STOP_UNLESS(st == ZX_OK, "vmo_read: status %d", st);
        uint32_t j = 0;
        while (j < 32 && buf[j] == word(7, 0, j)) j++;
        STOP_UNLESS(j == 32, "read %u: word %u is %#llx", r->reads, j, (unsigned long long)buf[j]);
        r->reads++;
    } while (r->reads < kFaultVmoReads && !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE));
    faulting_buf_free(&f);
}

TEST(SmpOneObject, ReadsIntoFaultingBuffersOnSeveralCpus) {
    pin_self(0);
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    struct gate gate = {0, 0};
    struct vmo_faulting_reader vr = {&gate, ZX_HANDLE_INVALID, 0, 0};
    uint64_t pattern[32];
    for (uint32_t j = 0; j < 32; j++) pattern[j] = word(7, 0, j);
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vr.src));
    ASSERT_OK(zx_vmo_write(vr.src, pattern, 0, sizeof(pattern)));
    struct faulting_buf f;
    ASSERT_OK(faulting_buf_init(&f));
    struct chan_writer w[kFaultWriters];
    struct tthread t[kFaultWriters + 1];
    for (uint32_t i = 0; i < kFaultWriters; i++) {
        w[i] = (struct chan_writer){&gate, a, i, kFaultPerWriter, 0};
        ASSERT_OK(start_on(&t[i], "writer", write_numbered, &w[i], 1 + (int)i));
    }
    ASSERT_OK(start_on(&t[kFaultWriters], "vmo-reader", read_vmo_into_untouched, &vr, 1 + kFaultWriters));
    EXPECT_TRUE(gate_open(&gate, kFaultWriters + 1));
    uint32_t next[kFaultWriters] = {0}, got = 0;
    while (got < kFaultWriters * kFaultPerWriter) {
        uint32_t *nb;
        uint64_t *msg = faulting_buf_next(&f, &nb);
        zx_status_t st = zx_channel_read(b, 0, msg, NULL, 256, 0, nb, NULL);
        if (st == ZX_ERR_SHOULD_WAIT) {
            st = zx_object_wait_one(b, ZX_CHANNEL_READABLE, zx_deadline_after(LONG_WAIT), NULL);
            STOP_UNLESS(st == ZX_OK, "wait after %u messages: status %d", got, st);
            continue;
        }
        STOP_UNLESS(st == ZX_OK, "read: status %d", st);
        uint32_t id = (uint32_t)msg[0], seq = (uint32_t)msg[1];
        STOP_UNLESS(*nb == sizeof(uint64_t) * kMsgWords, "message of %u bytes", *nb);
        STOP_UNLESS(id < kFaultWriters && seq == next[id], "message %u of writer %u (%u expected)", seq, id,
                    id < kFaultWriters ? next[id] : 0);
        uint32_t j = 2;
        while (j < kMsgWords && msg[j] == word(id, seq, j)) j++;
        STOP_UNLESS(j == kMsgWords, "message %u of writer %u: word %u differs", seq, id, j);
        next[id]++;
        got++;
    }
    __atomic_store_n(&vr.stop, 1, __ATOMIC_RELEASE);
    for (uint32_t i = 0; i < kFaultWriters + 1; i++) EXPECT_OK(tthread_join(&t[i]));
    EXPECT_EQ(got, (uint32_t)(kFaultWriters * kFaultPerWriter));
    EXPECT_NE(vr.reads, 0u);
    EXPECT_STATUS(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_SHOULD_WAIT);
    faulting_buf_free(&f);
    EXPECT_OK(zx_handle_close(vr.src));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    unpin_self();
}

// The general path keeps going while two CPUs run the fast paths on the same channel without
// pause: the test's thread writes 100 messages of five events each to the end they write to
// (moving handles takes the general path) within 8 s (under 20 ms under tcg, 1.5 s under
// kvm_pvm at 2 CPUs: a starved general path never ends). The hammering threads read whatever comes, closing the events they get: every event
// is received and closed once.
enum { kSlowMsgs = 100, kSlowHandles = 5 };

struct hammerer {
    struct gate *gate;
    zx_handle_t w, r;
    volatile uint64_t *stop;
    uint32_t ops, handles;
};

static void hammer_channel(void *p) {
    struct hammerer *h = p;
    gate_wait(h->gate);
    uint32_t v = 0;
    while (!__atomic_load_n(h->stop, __ATOMIC_ACQUIRE)) {
        zx_status_t st = zx_channel_write(h->w, 0, &v, sizeof(v), NULL, 0);
        STOP_UNLESS(st == ZX_OK, "write: status %d", st);
        zx_handle_t got[kSlowHandles];
        uint32_t buf[2], nh = 0;
        st = zx_channel_read(h->r, 0, buf, got, sizeof(buf), kSlowHandles, NULL, &nh);
        STOP_UNLESS(st == ZX_OK || st == ZX_ERR_SHOULD_WAIT, "read: status %d", st);
        for (uint32_t i = 0; st == ZX_OK && i < nh; i++) {
            STOP_UNLESS(zx_handle_close(got[i]) == ZX_OK, "close");
            h->handles++;
        }
        h->ops++;
    }
}

TEST(SmpOneObject, GeneralPathProgressesUnderFastPathLoad) {
    pin_self(0);
    uint32_t events = handles_of_type(ZX_OBJ_TYPE_EVENT);
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    struct gate gate = {0, 0};
    volatile uint64_t stop = 0;
    struct hammerer h[2] = {{&gate, a, b, &stop, 0, 0}, {&gate, a, b, &stop, 0, 0}};
    struct tthread t[2];
    for (int i = 0; i < 2; i++) ASSERT_OK(start_on(&t[i], "hammer", hammer_channel, &h[i], 1 + i));
    EXPECT_TRUE(gate_open(&gate, 2));
    zx_time_t start = zx_clock_get_monotonic();
    for (uint32_t i = 0; i < kSlowMsgs; i++) {
        zx_handle_t ev[kSlowHandles];
        for (uint32_t j = 0; j < kSlowHandles; j++) ASSERT_OK(zx_event_create(0, &ev[j]));
        zx_status_t st = zx_channel_write(a, 0, &i, sizeof(i), ev, kSlowHandles);
        STOP_UNLESS(st == ZX_OK, "message %u: status %d", i, st);
    }
    zx_duration_t took = zx_clock_get_monotonic() - start;
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++) EXPECT_OK(tthread_join(&t[i]));
    EXPECT_LT(took, ZX_SEC(8));
    // What the hammering threads left: the last messages, some with events.
    uint32_t handles = h[0].handles + h[1].handles, buf[2], nh = 0;
    zx_handle_t got[kSlowHandles];
    while (zx_channel_read(b, 0, buf, got, sizeof(buf), kSlowHandles, NULL, &nh) == ZX_OK) {
        for (uint32_t i = 0; i < nh; i++) EXPECT_OK(zx_handle_close(got[i]));
        handles += nh;
    }
    EXPECT_EQ(handles, (uint32_t)(kSlowMsgs * kSlowHandles));
    EXPECT_EQ(handles_of_type(ZX_OBJ_TYPE_EVENT), events);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    unpin_self();
}
