// SMP/*: benchmarks across CPUs (docs/smp.md, "Benchmarks"), registered only when the machine
// has more than one CPU, so a one-CPU run has the same labels as before.
//
//   SMP/PingPong/Channel   a 4-byte message to a thread pinned to another CPU and back; each leg
//                          is zx_channel_write, zx_object_wait_one, zx_channel_read. One run =
//                          one round trip.
//   SMP/PingPong/Event     the same with eventpair signals; each leg is zx_object_signal_peer,
//                          zx_object_wait_one, zx_object_signal (clear).
//   SMP/Scale/<work>/<N>threads   N worker threads, thread i pinned to CPU i mod (CPU count),
//                          each doing SMP_SCALE_OPS operations of <work> on its own objects:
//                            VmoRead      zx_vmo_read of its own 4 KiB VMO
//                            ChannelPair  zx_channel_write + zx_channel_read of 64 bytes on
//                                         its own channel pair
//                            EventSignal  zx_object_signal(ev, 0, 0) on its own event
//                          One run = from the start signal (a futex generation bumped and
//                          woken) until the last worker has finished its operations (a count
//                          of finished workers; the last one wakes the timing thread). The
//                          harness turns it into throughput: N x SMP_SCALE_OPS / run time.
//
// Pinning: a profile with ZX_PROFILE_INFO_FLAG_CPU_MASK naming one CPU, applied with
// zx_object_set_profile (bench_pin_to_cpu, util.c). zc accepts the mask and does not apply it
// yet (every user thread runs on CPU 0), so today these figures are the threads time-sliced on
// one CPU; they show real scaling once threads are scheduled on several CPUs, without a change
// here.
#include <stdatomic.h>
#include <string.h>

#include "bench.h"

// Operations per worker and run. The same on Linux (microbenchmarks/linux/bench_smp.c) and in
// the harness (harness/smpreport.py SCALE_OPS), which checks that the two agree.
#define SMP_SCALE_OPS 2000u
#define SMP_MAX_THREADS 8u
#define SMP_STACK_SIZE (64u * 1024u)

#if defined(ZX_SYS_profile_create) && defined(ZX_SYS_object_set_profile) && \
    defined(ZX_SYS_futex_wait) && defined(ZX_SYS_futex_wake) &&                 \
    defined(ZX_SYS_channel_create) && defined(ZX_SYS_eventpair_create) &&       \
    defined(ZX_SYS_object_signal_peer) && defined(ZX_SYS_vmo_read)

// Waits until *f is no longer `seen`; returns the new value.
static int futex_await_change(zx_futex_t *f, int seen) {
    for (;;) {
        int v = atomic_load((_Atomic int *)f);
        if (v != seen) return v;
        zx_status_t st = zx_futex_wait(f, v, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
        if (st != ZX_OK && st != ZX_ERR_BAD_STATE) bench_die(__FILE__, __LINE__, "zx_futex_wait", st);
    }
}

// ---- SMP/PingPong/* ----------------------------------------------------------------------------

enum pingpong_kind { PP_CHANNEL, PP_EVENT };

struct pingpong {
    enum pingpong_kind kind;
    zx_handle_t h;  // the server's end
};

// One leg's receiving half: wait for the message or signal, consume it. False = peer closed.
static bool pingpong_receive(enum pingpong_kind kind, zx_handle_t h) {
    zx_signals_t want = kind == PP_CHANNEL ? ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED
                                           : ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_PEER_CLOSED;
    zx_signals_t observed = 0;
    BENCH_MUST(zx_object_wait_one(h, want, ZX_TIME_INFINITE, &observed));
    if (kind == PP_CHANNEL) {
        if (!(observed & ZX_CHANNEL_READABLE)) return false;
        uint32_t msg, actual = 0;
        BENCH_MUST(zx_channel_read(h, 0, &msg, NULL, sizeof(msg), 0, &actual, NULL));
        return actual == sizeof(msg);
    }
    if (!(observed & ZX_USER_SIGNAL_0)) return false;
    BENCH_MUST(zx_object_signal(h, ZX_USER_SIGNAL_0, 0));
    return true;
}

static zx_status_t pingpong_send(enum pingpong_kind kind, zx_handle_t h) {
    static const uint32_t msg = 0x706f6e67;
    return kind == PP_CHANNEL ? zx_channel_write(h, 0, &msg, sizeof(msg), NULL, 0)
                              : zx_object_signal_peer(h, 0, ZX_USER_SIGNAL_0);
}

static void pingpong_server(void *arg) {
    struct pingpong *pp = arg;
    BENCH_MUST(bench_pin_to_cpu(zx_thread_self(), 1));
    while (pingpong_receive(pp->kind, pp->h)) BENCH_MUST(pingpong_send(pp->kind, pp->h));
    zx_handle_close(pp->h);
}

static bool pingpong(struct perftest_state *state, const void *arg) {
    static struct pingpong pp;
    pp.kind = *(const enum pingpong_kind *)arg;
    zx_handle_t mine;
    BENCH_OK(state, pp.kind == PP_CHANNEL ? zx_channel_create(0, &mine, &pp.h)
                                          : zx_eventpair_create(0, &mine, &pp.h));
    BENCH_OK(state, bench_pin_to_cpu(zx_thread_self(), 0));
    struct bench_peer peer;
    BENCH_OK(state, bench_thread_start(&peer, "pingpong", pingpong_server, &pp, SMP_STACK_SIZE));
    bool ok = true;
    while (ok && perftest_keep_running(state)) {
        ok = pingpong_send(pp.kind, mine) == ZX_OK && pingpong_receive(pp.kind, mine);
    }
    zx_handle_close(mine);  // the server sees PEER_CLOSED and ends
    BENCH_OK(state, bench_peer_join(&peer));
    BENCH_OK(state, bench_pin_to_cpu(zx_thread_self(), -1));
    BENCH_CHECK(state, ok);
    return true;
}

// ---- SMP/Scale/* -------------------------------------------------------------------------------

enum scale_work { SCALE_VMO_READ, SCALE_CHANNEL_PAIR, SCALE_EVENT_SIGNAL };

struct scale_worker {
    struct scale *s;
    uint32_t index;
    zx_handle_t h[2];
    _Alignas(64) char buf[BENCH_PAGE_SIZE];
};

struct scale {
    enum scale_work work;
    uint32_t threads;
    zx_futex_t go;        // the run's generation; -1 = stop
    zx_futex_t finished;  // workers done with this generation
    struct scale_worker w[SMP_MAX_THREADS];
};

static void scale_op(enum scale_work work, struct scale_worker *w) {
    uint32_t actual;
    switch (work) {
    case SCALE_VMO_READ:
        BENCH_MUST(zx_vmo_read(w->h[0], w->buf, 0, BENCH_PAGE_SIZE));
        break;
    case SCALE_CHANNEL_PAIR:
        BENCH_MUST(zx_channel_write(w->h[0], 0, w->buf, 64, NULL, 0));
        BENCH_MUST(zx_channel_read(w->h[1], 0, w->buf, NULL, 64, 0, &actual, NULL));
        break;
    case SCALE_EVENT_SIGNAL:
        BENCH_MUST(zx_object_signal(w->h[0], 0, 0));
        break;
    }
}

static void scale_worker_main(void *arg) {
    struct scale_worker *w = arg;
    struct scale *s = w->s;
    BENCH_MUST(bench_pin_to_cpu(zx_thread_self(), (int)w->index));
    int seen = 0;
    for (;;) {
        seen = futex_await_change(&s->go, seen);
        if (seen < 0) return;
        for (uint32_t i = 0; i < SMP_SCALE_OPS; i++) scale_op(s->work, w);
        if (atomic_fetch_add((_Atomic int *)&s->finished, 1) + 1 == (int)s->threads)
            BENCH_MUST(zx_futex_wake(&s->finished, 1));
    }
}

static zx_status_t scale_objects(enum scale_work work, struct scale_worker *w) {
    w->h[0] = w->h[1] = ZX_HANDLE_INVALID;
    memset(w->buf, 0x5a, sizeof(w->buf));
    switch (work) {
    case SCALE_VMO_READ: {
        zx_status_t st = zx_vmo_create(BENCH_PAGE_SIZE, 0, &w->h[0]);
        return st != ZX_OK ? st : zx_vmo_write(w->h[0], w->buf, 0, BENCH_PAGE_SIZE);
    }
    case SCALE_CHANNEL_PAIR:
        return zx_channel_create(0, &w->h[0], &w->h[1]);
    case SCALE_EVENT_SIGNAL:
        return zx_event_create(0, &w->h[0]);
    }
    return ZX_ERR_INVALID_ARGS;
}

struct scale_args {
    enum scale_work work;
    uint32_t threads;
};

// Releases the workers (bumps the generation) and sleeps until the last one has finished.
static void scale_run(struct scale *s) {
    atomic_store((_Atomic int *)&s->finished, 0);
    atomic_fetch_add((_Atomic int *)&s->go, 1);
    BENCH_MUST(zx_futex_wake(&s->go, UINT32_MAX));
    int done;
    while ((done = atomic_load((_Atomic int *)&s->finished)) != (int)s->threads) {
        zx_status_t st = zx_futex_wait(&s->finished, done, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
        if (st != ZX_OK && st != ZX_ERR_BAD_STATE) bench_die(__FILE__, __LINE__, "zx_futex_wait", st);
    }
}

static bool scale(struct perftest_state *state, const void *arg) {
    const struct scale_args *a = arg;
    static struct scale s;
    memset(&s, 0, sizeof(s));
    s.work = a->work;
    s.threads = a->threads;
    struct bench_peer peers[SMP_MAX_THREADS];
    for (uint32_t i = 0; i < s.threads; i++) {
        s.w[i].s = &s;
        s.w[i].index = i;
        BENCH_OK(state, scale_objects(s.work, &s.w[i]));
    }
    for (uint32_t i = 0; i < s.threads; i++)
        BENCH_OK(state, bench_thread_start(&peers[i], "scale", scale_worker_main, &s.w[i],
                                           SMP_STACK_SIZE));
    while (perftest_keep_running(state)) scale_run(&s);
    atomic_store((_Atomic int *)&s.go, -1);
    BENCH_OK(state, zx_futex_wake(&s.go, UINT32_MAX));
    for (uint32_t i = 0; i < s.threads; i++) {
        BENCH_OK(state, bench_peer_join(&peers[i]));
        zx_handle_close_many(s.w[i].h, 2);
    }
    return true;
}

static void register_smp_tests(void) {
    uint32_t cpus = zx_system_get_num_cpus();
    if (cpus < 2) return;
    static const enum pingpong_kind kinds[] = {PP_CHANNEL, PP_EVENT};
    perftest_register("SMP/PingPong/Channel", pingpong, &kinds[0]);
    perftest_register("SMP/PingPong/Event", pingpong, &kinds[1]);
    static const char *const names[] = {"VmoRead", "ChannelPair", "EventSignal"};
    static struct scale_args args[3][SMP_MAX_THREADS];
    for (uint32_t w = 0; w < 3; w++)
        for (uint32_t n = 1; n <= cpus && n <= SMP_MAX_THREADS; n++) {
            args[w][n - 1] = (struct scale_args){(enum scale_work)w, n};
            perftest_registerf(scale, &args[w][n - 1], "SMP/Scale/%s/%uthreads", names[w], n);
        }
}
PERFTEST_CTOR(register_smp_tests)
#endif
