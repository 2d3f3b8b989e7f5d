// SMP/* on Linux: the analogues of microbenchmarks/zircon/smp.c (same labels, same protocol),
// registered only when this process may run on more than one CPU.
//
//   SMP/PingPong/Channel   4 bytes over socketpair(SEQPACKET) to a pthread pinned to another
//                          CPU and back; each leg is send, poll, non-blocking recv (zc:
//                          channel_write, object_wait_one, channel_read).
//   SMP/PingPong/Event     an eventpair = one eventfd per direction; each leg is write(1) to the
//                          peer's, poll and read (clear) of its own (zc: object_signal_peer,
//                          object_wait_one, object_signal to clear).
//   SMP/Scale/<work>/<N>threads   N pthreads, thread i pinned to CPU i mod (CPU count), each
//                          doing SMP_SCALE_OPS operations on its own objects:
//                            VmoRead      pread of 4 KiB from its own committed memfd
//                            ChannelPair  send + recv of 64 bytes on its own socketpair(SEQPACKET)
//                            EventSignal  write of 0 to its own eventfd
//                          One run = from the start signal (a futex generation bumped and woken,
//                          FUTEX_WAKE_PRIVATE) until the last worker has finished (a count; the
//                          last one wakes the timing thread), as on zc.
//
// Pinning: sched_setaffinity with a one-CPU mask (lb_pin_to_cpu, common.c; the timing thread's
// own mask is restored after the test).
#define _GNU_SOURCE
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lbench.h"

// Operations per worker and run: the same as zc's (microbenchmarks/zircon/smp.c).
#define SMP_SCALE_OPS 2000u
#define SMP_MAX_THREADS 8u

static long futex(atomic_int *f, int op, int val) {
    return syscall(SYS_futex, f, op, val, NULL, NULL, 0);
}

// ---- SMP/PingPong/* ----------------------------------------------------------------------------

enum pingpong_kind { PP_CHANNEL, PP_EVENT };

// A channel end is one socket; an eventpair end is (own eventfd, the peer's eventfd).
struct pp_end {
    enum pingpong_kind kind;
    int own, peer;
};

#define PP_STOP ((uint64_t)1 << 32)

static bool pingpong_send(const struct pp_end *e, uint64_t value) {
    static const uint32_t msg = 0x706f6e67;
    if (e->kind == PP_CHANNEL) return send(e->own, &msg, sizeof(msg), 0) == sizeof(msg);
    return write(e->peer, &value, sizeof(value)) == sizeof(value);
}

// Waits for the message or signal and consumes it; false when the peer has closed or stopped.
static bool pingpong_receive(const struct pp_end *e) {
    struct pollfd p = {e->own, POLLIN, 0};
    int r;
    do {
        r = poll(&p, 1, -1);
    } while (r < 0 && errno == EINTR);
    LB_ASSERT(r == 1, "poll");
    if (e->kind == PP_CHANNEL) {
        uint32_t msg;
        ssize_t n = recv(e->own, &msg, sizeof(msg), MSG_DONTWAIT);
        LB_ASSERT(n >= 0, "recv");
        return n == sizeof(msg);
    }
    uint64_t v;
    LB_ASSERT(read(e->own, &v, sizeof(v)) == sizeof(v), "read");
    return v == 1;
}

static void *pingpong_server(void *arg) {
    const struct pp_end *e = arg;
    LB_ASSERT(lb_pin_to_cpu(1), "sched_setaffinity");
    while (pingpong_receive(e)) LB_ASSERT(pingpong_send(e, 1), "send");
    return NULL;
}

static bool pingpong(struct perftest_state *state, const void *arg) {
    enum pingpong_kind kind = *(const enum pingpong_kind *)arg;
    struct pp_end mine = {kind, -1, -1}, theirs = {kind, -1, -1};
    if (kind == PP_CHANNEL) {
        int sv[2];
        LB_CHECK(state, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
        mine.own = sv[0];
        theirs.own = sv[1];
    } else {
        mine.own = theirs.peer = eventfd(0, EFD_CLOEXEC);
        theirs.own = mine.peer = eventfd(0, EFD_CLOEXEC);
        LB_CHECK(state, mine.own >= 0 && theirs.own >= 0, "eventfd");
    }
    LB_CHECK(state, lb_pin_to_cpu(0), "sched_setaffinity");
    pthread_t server;
    LB_CHECK(state, pthread_create(&server, NULL, pingpong_server, &theirs) == 0, "pthread_create");
    bool ok = true;
    while (ok && perftest_keep_running(state)) ok = pingpong_send(&mine, 1) && pingpong_receive(&mine);
    if (kind == PP_CHANNEL) shutdown(mine.own, SHUT_RDWR);  // the server's recv sees the end
    else pingpong_send(&mine, PP_STOP);
    pthread_join(server, NULL);
    close(mine.own);
    close(theirs.own);
    LB_CHECK(state, lb_pin_to_cpu(-1), "sched_setaffinity");
    LB_CHECK(state, ok, "round trip");
    return true;
}

// ---- SMP/Scale/* -------------------------------------------------------------------------------

enum scale_work { SCALE_VMO_READ, SCALE_CHANNEL_PAIR, SCALE_EVENT_SIGNAL };

struct scale;
struct scale_worker {
    struct scale *s;
    int index;
    int fd[2];
    pthread_t thread;
    _Alignas(64) char buf[LB_PAGE];
};

struct scale {
    enum scale_work work;
    int threads;
    atomic_int go;        // the run's generation; -1 = stop
    atomic_int finished;  // workers done with this generation
    struct scale_worker w[SMP_MAX_THREADS];
};

static void scale_op(enum scale_work work, struct scale_worker *w) {
    static const uint64_t zero = 0;
    switch (work) {
    case SCALE_VMO_READ:
        LB_ASSERT(pread(w->fd[0], w->buf, LB_PAGE, 0) == LB_PAGE, "pread");
        break;
    case SCALE_CHANNEL_PAIR:
        LB_ASSERT(send(w->fd[0], w->buf, 64, 0) == 64, "send");
        LB_ASSERT(recv(w->fd[1], w->buf, 64, 0) == 64, "recv");
        break;
    case SCALE_EVENT_SIGNAL:
        LB_ASSERT(write(w->fd[0], &zero, sizeof(zero)) == sizeof(zero), "write");
        break;
    }
}

static void *scale_worker_main(void *arg) {
    struct scale_worker *w = arg;
    struct scale *s = w->s;
    LB_ASSERT(lb_pin_to_cpu(w->index), "sched_setaffinity");
    int seen = 0;
    for (;;) {
        int v;
        while ((v = atomic_load(&s->go)) == seen) futex(&s->go, FUTEX_WAIT_PRIVATE, v);
        seen = v;
        if (seen < 0) return NULL;
        for (uint32_t i = 0; i < SMP_SCALE_OPS; i++) scale_op(s->work, w);
        if (atomic_fetch_add(&s->finished, 1) + 1 == s->threads)
            futex(&s->finished, FUTEX_WAKE_PRIVATE, 1);
    }
}

static bool scale_objects(enum scale_work work, struct scale_worker *w) {
    w->fd[0] = w->fd[1] = -1;
    memset(w->buf, 0x5a, sizeof(w->buf));
    switch (work) {
    case SCALE_VMO_READ:
        w->fd[0] = lb_vmo_create(LB_PAGE, true);
        return w->fd[0] >= 0;
    case SCALE_CHANNEL_PAIR:
        return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, w->fd) == 0;
    case SCALE_EVENT_SIGNAL:
        w->fd[0] = eventfd(0, EFD_CLOEXEC);
        return w->fd[0] >= 0;
    }
    return false;
}

struct scale_args {
    enum scale_work work;
    int threads;
};

// Releases the workers (bumps the generation) and sleeps until the last one has finished.
static void scale_run(struct scale *s) {
    atomic_store(&s->finished, 0);
    atomic_fetch_add(&s->go, 1);
    futex(&s->go, FUTEX_WAKE_PRIVATE, INT32_MAX);
    int done;
    while ((done = atomic_load(&s->finished)) != s->threads)
        futex(&s->finished, FUTEX_WAIT_PRIVATE, done);
}

static bool scale(struct perftest_state *state, const void *arg) {
    const struct scale_args *a = arg;
    static struct scale s;
    memset(&s, 0, sizeof(s));
    s.work = a->work;
    s.threads = a->threads;
    for (int i = 0; i < s.threads; i++) {
        s.w[i].s = &s;
        s.w[i].index = i;
        LB_CHECK(state, scale_objects(s.work, &s.w[i]), "create");
    }
    for (int i = 0; i < s.threads; i++)
        LB_CHECK(state, pthread_create(&s.w[i].thread, NULL, scale_worker_main, &s.w[i]) == 0,
                 "pthread_create");
    while (perftest_keep_running(state)) scale_run(&s);
    atomic_store(&s.go, -1);
    futex(&s.go, FUTEX_WAKE_PRIVATE, INT32_MAX);
    for (int i = 0; i < s.threads; i++) {
        pthread_join(s.w[i].thread, NULL);
        for (int j = 0; j < 2; j++)
            if (s.w[i].fd[j] >= 0) close(s.w[i].fd[j]);
    }
    return true;
}

static void register_tests(void) {
    int cpus = lb_cpu_count();
    if (cpus < 2) return;
    static const enum pingpong_kind kinds[] = {PP_CHANNEL, PP_EVENT};
    perftest_register("SMP/PingPong/Channel", pingpong, &kinds[0]);
    perftest_register("SMP/PingPong/Event", pingpong, &kinds[1]);
    static const char *const names[] = {"VmoRead", "ChannelPair", "EventSignal"};
    static struct scale_args args[3][SMP_MAX_THREADS];
    for (int w = 0; w < 3; w++)
        for (int n = 1; n <= cpus && n <= (int)SMP_MAX_THREADS; n++) {
            args[w][n - 1] = (struct scale_args){(enum scale_work)w, n};
            perftest_registerf(scale, &args[w][n - 1], "SMP/Scale/%s/%dthreads", names[w], n);
        }
}
PERFTEST_CTOR(register_tests)
