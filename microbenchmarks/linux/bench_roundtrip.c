// IPC round trips on Linux (round_trips.cc): a request to another thread (_SingleProcess,
// pthread) or process (_MultiProcess, fork) and its reply, with the same primitive both ways.
//
//   RoundTrip_BasicChannel    channel = socketpair(SEQPACKET), 4-byte messages; each leg is
//                             send, poll (= zx_object_wait_one) and a non-blocking recv
//                             (= zx_channel_read): three calls per leg, as on zc
//   RoundTrip_ChannelPort     the same channel, waited on through a port = epoll: a one-shot
//                             registration (EPOLLONESHOT, re-armed with EPOLL_CTL_MOD like
//                             ZX_WAIT_ASYNC_ONCE), epoll_wait, then the non-blocking recv()
//   RoundTrip_Port            user packets between two ports = two O_DIRECT pipes, 48 bytes
//   RoundTrip_EventPort       eventpair signals = one eventfd per direction, waited on through
//                             epoll one-shot, the signal cleared by reading the eventfd
//   RoundTrip_SocketPort      one byte over socketpair(STREAM), waited on through epoll one-shot
//   RoundTrip_Futex_SingleProcess      futex wait/wake (private), the Zircon test's protocol
//   RoundTrip_PthreadCondvar_SingleProcess   glibc's condition variables
//
// With more than one CPU, SMP/RoundTrip_<kind>_MultiProcess: the same with this thread pinned to
// CPU 0 and the child process to CPU 1 (lb_pin_to_cpu), as on zc.
//
// Only the round trip is timed; the peer is started before the first run and joined after the
// last one.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "lbench.h"

// ---- a thread or a child process ------------------------------------------------------------

struct peer {
    bool process;
    pthread_t thread;
    pid_t pid;
};

struct server_args {
    int fds[4];       // the server's ends
    int nfds;
    int client_fds[4];  // the client's ends (closed in a child process)
    int nclient;
    uint32_t count, size;  // BasicChannel: messages per run each way, and their size
};

typedef void (*server_fn)(const struct server_args *a);

struct thread_start {
    server_fn fn;
    struct server_args args;
};

// >= 0: the server (thread or child process) pins itself to this CPU (SMP/RoundTrip_*).
static int peer_cpu = -1;

static void *thread_main(void *p) {
    struct thread_start *ts = p;
    if (peer_cpu >= 0) LB_ASSERT(lb_pin_to_cpu(peer_cpu), "sched_setaffinity");
    ts->fn(&ts->args);
    return NULL;
}

static bool peer_start(struct peer *peer, bool process, server_fn fn, struct thread_start *ts) {
    peer->process = process;
    ts->fn = fn;
    if (process) {
        fflush(stdout);
        peer->pid = fork();
        if (peer->pid < 0) return false;
        if (peer->pid == 0) {
            if (peer_cpu >= 0) LB_ASSERT(lb_pin_to_cpu(peer_cpu), "sched_setaffinity");
            for (int i = 0; i < ts->args.nclient; i++) close(ts->args.client_fds[i]);
            fn(&ts->args);
            _exit(0);
        }
        for (int i = 0; i < ts->args.nfds; i++) close(ts->args.fds[i]);
        return true;
    }
    return pthread_create(&peer->thread, NULL, thread_main, ts) == 0;
}

static bool peer_join(struct peer *peer, const struct server_args *a) {
    if (peer->process) {
        int status;
        if (waitpid(peer->pid, &status, 0) != peer->pid) return false;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    pthread_join(peer->thread, NULL);
    for (int i = 0; i < a->nfds; i++) close(a->fds[i]);
    return true;
}

// ---- epoll as a port ------------------------------------------------------------------------

// Arms a one-shot wait for `events` on fd and waits for it. Returns the events seen.
static uint32_t port_wait_once(int port, int fd, uint32_t events) {
    struct epoll_event ev = {.events = events | EPOLLONESHOT, .data.fd = fd};
    LB_ASSERT(epoll_ctl(port, EPOLL_CTL_MOD, fd, &ev) == 0, "epoll_ctl");
    struct epoll_event out;
    int n;
    do {
        n = epoll_wait(port, &out, 1, -1);
    } while (n < 0 && errno == EINTR);
    LB_ASSERT(n == 1, "epoll_wait");
    return out.events;
}

static int port_for(int fd) {
    int port = epoll_create1(EPOLL_CLOEXEC);
    LB_ASSERT(port >= 0, "epoll_create1");
    struct epoll_event ev = {.events = EPOLLONESHOT, .data.fd = fd};  // disarmed
    LB_ASSERT(epoll_ctl(port, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
    return port;
}

// ---- the servers ----------------------------------------------------------------------------

// Waits until fd is readable or its peer has closed (zx_object_wait_one(READABLE |
// PEER_CLOSED)), then reads one 4-byte message without blocking (zx_channel_read). false when
// the peer has closed.
static bool channel_wait_read(int fd, void *msg, uint32_t size) {
    struct pollfd p = {fd, POLLIN, 0};
    int r;
    do {
        r = poll(&p, 1, -1);
    } while (r < 0 && errno == EINTR);
    LB_ASSERT(r == 1, "poll");
    ssize_t n = recv(fd, msg, size, MSG_DONTWAIT);
    if (n == 0) return false;  // the peer closed its end
    LB_ASSERT(n == (ssize_t)size, "recv");
    return true;
}

// Reads `count` messages of `size` bytes, then sends `count` replies (Fuchsia's ChannelServe).
static void basic_channel_server(const struct server_args *a) {
    char *msg = calloc(1, a->size);
    LB_ASSERT(msg != NULL, "calloc");
    for (;;) {
        uint32_t i = 0;
        while (i < a->count && channel_wait_read(a->fds[0], msg, a->size)) i++;
        if (i < a->count) break;
        for (i = 0; i < a->count; i++)
            LB_ASSERT(send(a->fds[0], msg, a->size, 0) == (ssize_t)a->size, "send");
    }
    free(msg);
}

static bool channel_port_read(int port, int fd, uint32_t *msg) {
    uint32_t ev = port_wait_once(port, fd, EPOLLIN | EPOLLRDHUP);
    if (!(ev & EPOLLIN)) return false;  // peer closed
    ssize_t n = recv(fd, msg, sizeof(*msg), MSG_DONTWAIT);
    if (n == 0) return false;
    LB_ASSERT(n == sizeof(*msg), "recv");
    return true;
}

static void channel_port_server(const struct server_args *a) {
    int port = port_for(a->fds[0]);
    uint32_t msg;
    while (channel_port_read(port, a->fds[0], &msg))
        LB_ASSERT(send(a->fds[0], &msg, sizeof(msg), 0) == sizeof(msg), "send");
    close(port);
}

struct packet {
    uint64_t w[6];  // 48 bytes, like zx_port_packet_t
};

static void port_server(const struct server_args *a) {
    struct packet p;
    for (;;) {
        LB_ASSERT(read(a->fds[0], &p, sizeof(p)) == sizeof(p), "read");
        if (p.w[0]) break;  // a request to shut down
        LB_ASSERT(write(a->fds[1], &p, sizeof(p)) == sizeof(p), "write");
    }
}

// Event port: fds[0] = my eventfd (signaled by the peer), fds[1] = the peer's.
static bool event_port_wait(int port, int efd) {
    port_wait_once(port, efd, EPOLLIN);
    uint64_t v;
    LB_ASSERT(read(efd, &v, sizeof(v)) == sizeof(v), "read");  // clears the signal
    return v < 2;  // 2 = shut down
}

static void event_signal(int efd, uint64_t v) {
    LB_ASSERT(write(efd, &v, sizeof(v)) == sizeof(v), "write");
}

static void event_port_server(const struct server_args *a) {
    int port = port_for(a->fds[0]);
    while (event_port_wait(port, a->fds[0])) event_signal(a->fds[1], 1);
    close(port);
}

static bool socket_port_wait(int port, int fd) {
    uint32_t ev = port_wait_once(port, fd, EPOLLIN | EPOLLRDHUP);
    if (!(ev & EPOLLIN)) return false;
    uint8_t b;
    ssize_t n = read(fd, &b, 1);
    if (n == 0) return false;
    LB_ASSERT(n == 1, "read");
    return true;
}

static void socket_signal(int fd) {
    uint8_t b = 0;
    LB_ASSERT(write(fd, &b, 1) == 1, "write");
}

static void socket_port_server(const struct server_args *a) {
    int port = port_for(a->fds[0]);
    while (socket_port_wait(port, a->fds[0])) socket_signal(a->fds[0]);
    close(port);
}

// ---- the tests ------------------------------------------------------------------------------

enum kind { BASIC_CHANNEL, CHANNEL_PORT, PORT, EVENT_PORT, SOCKET_PORT };

struct rt_args {
    enum kind kind;
    bool process;
    uint32_t count, size;  // BasicChannel: messages per run each way, and their size
    bool pinned;           // SMP/RoundTrip_*: this thread on CPU 0, the server on CPU 1
};

static bool round_trip_kind(struct perftest_state *state, const struct rt_args *a);

static bool round_trip(struct perftest_state *state, const void *arg) {
    const struct rt_args *a = arg;
    if (!a->pinned) return round_trip_kind(state, a);
    LB_CHECK(state, lb_pin_to_cpu(0), "sched_setaffinity");
    peer_cpu = 1;
    bool ok = round_trip_kind(state, a);
    peer_cpu = -1;
    LB_CHECK(state, lb_pin_to_cpu(-1), "sched_setaffinity");
    return ok;
}

static bool round_trip_kind(struct perftest_state *state, const struct rt_args *a) {
    struct thread_start ts;
    memset(&ts, 0, sizeof(ts));
    struct server_args *s = &ts.args;
    int client[2] = {-1, -1}, port = -1;
    server_fn fn = NULL;
    int sv[2], p1[2], p2[2];
    switch (a->kind) {
    case BASIC_CHANNEL:
    case CHANNEL_PORT:
    case SOCKET_PORT:
        LB_CHECK(state, socketpair(AF_UNIX, (a->kind == SOCKET_PORT ? SOCK_STREAM
                                                                    : SOCK_SEQPACKET) |
                                                SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
        client[0] = sv[0];
        *s = (struct server_args){{sv[1]}, 1, {sv[0]}, 1, a->count, a->size};
        fn = a->kind == BASIC_CHANNEL ? basic_channel_server
             : a->kind == CHANNEL_PORT ? channel_port_server : socket_port_server;
        break;
    case PORT:
        LB_CHECK(state, pipe2(p1, O_DIRECT | O_CLOEXEC) == 0, "pipe2");
        LB_CHECK(state, pipe2(p2, O_DIRECT | O_CLOEXEC) == 0, "pipe2");
        client[0] = p1[1];  // requests
        client[1] = p2[0];  // replies
        *s = (struct server_args){{p1[0], p2[1]}, 2, {p1[1], p2[0]}, 2, 0, 0};
        fn = port_server;
        break;
    case EVENT_PORT:
        p1[0] = eventfd(0, EFD_CLOEXEC);  // the server's, signaled by the client
        p2[0] = eventfd(0, EFD_CLOEXEC);  // the client's, signaled by the server
        LB_CHECK(state, p1[0] >= 0 && p2[0] >= 0, "eventfd");
        client[0] = p2[0];
        client[1] = p1[0];
        // Both eventfds stay open in both processes: they are the pair's two ends.
        *s = (struct server_args){{p1[0], p2[0]}, 0, {0}, 0, 0, 0};
        fn = event_port_server;
        break;
    }
    if (a->kind == CHANNEL_PORT || a->kind == EVENT_PORT || a->kind == SOCKET_PORT)
        port = port_for(client[0]);
    struct peer peer;
    LB_CHECK(state, peer_start(&peer, a->process, fn, &ts), a->process ? "fork" : "pthread_create");

    char *buf = calloc(1, a->count ? a->size : 1);
    LB_CHECK(state, buf != NULL, "calloc");
    bool ok = true;
    while (ok && perftest_keep_running(state)) {
        uint32_t msg = 123;
        struct packet pk = {{0}};
        switch (a->kind) {
        case BASIC_CHANNEL:
            for (uint32_t i = 0; ok && i < a->count; i++)
                ok = send(client[0], buf, a->size, 0) == (ssize_t)a->size;
            for (uint32_t i = 0; ok && i < a->count; i++)
                ok = channel_wait_read(client[0], buf, a->size);
            break;
        case CHANNEL_PORT:
            ok = send(client[0], &msg, sizeof(msg), 0) == sizeof(msg) &&
                 channel_port_read(port, client[0], &msg);
            break;
        case PORT:
            ok = write(client[0], &pk, sizeof(pk)) == sizeof(pk) &&
                 read(client[1], &pk, sizeof(pk)) == sizeof(pk);
            break;
        case EVENT_PORT:
            event_signal(client[1], 1);
            ok = event_port_wait(port, client[0]);
            break;
        case SOCKET_PORT:
            socket_signal(client[0]);
            ok = socket_port_wait(port, client[0]);
            break;
        }
    }
    // Tell the server to stop, then join it.
    if (a->kind == PORT) {
        struct packet quit = {{1}};
        LB_CHECK(state, write(client[0], &quit, sizeof(quit)) == sizeof(quit), "write");
    } else if (a->kind == EVENT_PORT) {
        event_signal(client[1], 2);
    } else {
        close(client[0]);
    }
    bool joined = peer_join(&peer, s);
    if (a->kind == PORT) {
        close(client[0]);
        close(client[1]);
    } else if (a->kind == EVENT_PORT) {
        close(p1[0]);
        close(p2[0]);
    }
    if (port >= 0) close(port);
    free(buf);
    LB_CHECK(state, ok, "round trip");
    LB_CHECK(state, joined, "the peer did not exit cleanly");
    return true;
}

// ---- futex and condvar (single process only, like Zircon's) --------------------------------

static volatile int futex1, futex2;

static void futex_wake(volatile int *p, int value) {
    *p = value;
    LB_ASSERT(syscall(SYS_futex, p, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) >= 0, "futex wake");
}

// Returns true when asked to shut down.
static bool futex_wait(volatile int *p) {
    for (;;) {
        int v = *p;
        if (v != 0) {
            *p = 0;
            return v == 2;
        }
        long r = syscall(SYS_futex, p, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
        LB_ASSERT(r == 0 || errno == EAGAIN || errno == EINTR, "futex wait");
    }
}

static void *futex_server(void *arg) {
    (void)arg;
    while (!futex_wait(&futex1)) futex_wake(&futex2, 1);
    return NULL;
}

static bool round_trip_futex(struct perftest_state *state, const void *arg) {
    (void)arg;
    futex1 = futex2 = 0;
    pthread_t t;
    LB_CHECK(state, pthread_create(&t, NULL, futex_server, NULL) == 0, "pthread_create");
    while (perftest_keep_running(state)) {
        futex_wake(&futex1, 1);
        LB_CHECK(state, !futex_wait(&futex2), "futex_wait");
    }
    futex_wake(&futex1, 2);
    pthread_join(t, NULL);
    return true;
}

static pthread_mutex_t cv_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv1 = PTHREAD_COND_INITIALIZER, cv2 = PTHREAD_COND_INITIALIZER;
static enum { INITIAL, WAKE_CHILD, REPLY_TO_PARENT, EXIT } cv_state;

static void *condvar_server(void *arg) {
    (void)arg;
    pthread_mutex_lock(&cv_mutex);
    for (;;) {
        if (cv_state == EXIT) break;
        if (cv_state == WAKE_CHILD) {
            cv_state = REPLY_TO_PARENT;
            pthread_cond_signal(&cv2);
        }
        pthread_cond_wait(&cv1, &cv_mutex);
    }
    pthread_mutex_unlock(&cv_mutex);
    return NULL;
}

static bool round_trip_condvar(struct perftest_state *state, const void *arg) {
    (void)arg;
    cv_state = INITIAL;
    pthread_t t;
    LB_CHECK(state, pthread_create(&t, NULL, condvar_server, NULL) == 0, "pthread_create");
    while (perftest_keep_running(state)) {
        pthread_mutex_lock(&cv_mutex);
        cv_state = WAKE_CHILD;
        pthread_cond_signal(&cv1);
        while (cv_state != REPLY_TO_PARENT) pthread_cond_wait(&cv2, &cv_mutex);
        pthread_mutex_unlock(&cv_mutex);
    }
    pthread_mutex_lock(&cv_mutex);
    cv_state = EXIT;
    pthread_cond_signal(&cv1);
    pthread_mutex_unlock(&cv_mutex);
    pthread_join(t, NULL);
    return true;
}

static struct rt_args rt[5][3];

static void register_tests(void) {
    static const char *const names[5] = {"BasicChannel", "ChannelPort", "Port", "EventPort",
                                         "SocketPort"};
    for (int k = 0; k < 5; k++)
        for (int m = 0; m < 2; m++) {
            rt[k][m] = (struct rt_args){(enum kind)k, m == 1, 1, 4, false};
            perftest_registerf(round_trip, &rt[k][m], "RoundTrip_%s_%s", names[k],
                               m ? "MultiProcess" : "SingleProcess");
        }
    // With more than one CPU: the multi-process round trips with the client on CPU 0 and the
    // child process on CPU 1 (as zc's SMP/RoundTrip_*).
    for (int k = 0; k < 5 && lb_cpu_count() > 1; k++) {
        rt[k][2] = (struct rt_args){(enum kind)k, true, 1, 4, true};
        perftest_registerf(round_trip, &rt[k][2], "SMP/RoundTrip_%s_MultiProcess", names[k]);
    }
    // Fuchsia's third size, 1024 messages of 64 KiB, queues 64 MiB per run: left out (as on zc).
    static struct rt_args ipc[2][2];
    static const uint32_t shapes[2][2] = {{1, 64 * 1024}, {1024, 4}};
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < 2; m++) {
            ipc[k][m] = (struct rt_args){BASIC_CHANNEL, m == 1, shapes[k][0], shapes[k][1], false};
            perftest_registerf(round_trip, &ipc[k][m], "IpcThroughput_BasicChannel_%u_%s_%s",
                               shapes[k][0], k == 0 ? "64kbytes" : "4bytes",
                               m ? "MultiProcess" : "SingleProcess");
        }
    perftest_register("RoundTrip_Futex_SingleProcess", round_trip_futex, NULL);
    perftest_register("RoundTrip_PthreadCondvar_SingleProcess", round_trip_condvar, NULL);
}
PERFTEST_CTOR(register_tests)
