// RoundTrip_*: the latency of sending a request to another thread (_SingleProcess) or to a
// helper process (_MultiProcess, bin/zc-bench --subprocess NAME) and getting the reply.
// Setup and teardown (starting and joining the peer) are not timed; one run = one round trip.
//   BasicChannel  channels both ways, both sides wait with zx_object_wait_one
//   (IpcThroughput_BasicChannel_<N>_<size>: the same with N messages each way per run)
//   ChannelPort   channels both ways, both sides wait on a port (zx_object_wait_async, once)
//   ChannelCall   the client uses zx_channel_call, the server waits with zx_object_wait_one
//   Port          user packets queued on two ports
//   EventPort     eventpair signals, both sides wait on a port
//   SocketPort    one byte over a stream socket each way, both sides wait on a port (once)
//   Futex         zx_futex_wake / zx_futex_wait on two futexes (single process only)
// With more than one CPU, SMP/RoundTrip_<kind>_MultiProcess: the same with this thread pinned to
// CPU 0 and the helper process to CPU 1 (bench_pin_to_cpu; docs/smp.md, "Benchmarks").
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls/port.h>

#include "bench.h"

// ---- helpers ---------------------------------------------------------------------------------

#if defined(ZX_SYS_channel_create) && defined(ZX_SYS_channel_read) && \
    defined(ZX_SYS_channel_write) && defined(ZX_SYS_object_wait_one)
#define BENCH_HAVE_CHANNELS 1

// Waits for a message of exactly `size` bytes and reads it; false when the peer has closed.
static bool channel_read_msg(zx_handle_t ch, void *buf, uint32_t size) {
    zx_signals_t observed = 0;
    BENCH_MUST(zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
                                  ZX_TIME_INFINITE, &observed));
    if (observed & ZX_CHANNEL_PEER_CLOSED) return false;
    uint32_t actual = 0;
    BENCH_MUST(zx_channel_read(ch, 0, buf, NULL, size, 0, &actual, NULL));
    if (actual != size) bench_die(__FILE__, __LINE__, "message size", ZX_ERR_IO_DATA_INTEGRITY);
    return true;
}

// Serves until the peer closes: read `count` messages of `size` bytes, write `count` back.
static void channel_serve(zx_handle_t ch, uint32_t count, uint32_t size) {
    static char msg[64 * 1024];
    if (size > sizeof(msg)) bench_die(__FILE__, __LINE__, "message size", ZX_ERR_OUT_OF_RANGE);
    for (;;) {
        for (uint32_t i = 0; i < count; i++)
            if (!channel_read_msg(ch, msg, size)) return;
        for (uint32_t i = 0; i < count; i++) BENCH_MUST(zx_channel_write(ch, 0, msg, size, NULL, 0));
    }
}

struct basic_args {
    uint32_t msg_count;
    uint32_t msg_size;
};

static void basic_channel_server(zx_handle_t *h, uint32_t n) {
    if (n != 1) bench_die(__FILE__, __LINE__, "handles", ZX_ERR_INVALID_ARGS);
    struct basic_args args;
    if (channel_read_msg(h[0], &args, sizeof(args))) channel_serve(h[0], args.msg_count, args.msg_size);
    zx_handle_close(h[0]);
}

static void channel_call_server(zx_handle_t *h, uint32_t n) {
    if (n != 1) bench_die(__FILE__, __LINE__, "handles", ZX_ERR_INVALID_ARGS);
    channel_serve(h[0], 1, 4);
    zx_handle_close(h[0]);
}
#endif

#if defined(BENCH_HAVE_CHANNELS) && defined(ZX_SYS_port_create) && defined(ZX_SYS_port_wait) && \
    defined(ZX_SYS_object_wait_async)
#define BENCH_HAVE_CHANNEL_PORT 1
// Arms a one-shot wait of the channel on the port, waits for the packet, reads the 4-byte
// message; false when the peer has closed.
static bool channel_port_read(zx_handle_t ch, zx_handle_t port, uint32_t *msg) {
    BENCH_MUST(zx_object_wait_async(ch, port, 0, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0));
    zx_port_packet_t packet;
    BENCH_MUST(zx_port_wait(port, ZX_TIME_INFINITE, &packet));
    if (packet.signal.observed & ZX_CHANNEL_PEER_CLOSED) return false;
    uint32_t actual = 0;
    BENCH_MUST(zx_channel_read(ch, 0, msg, NULL, sizeof(*msg), 0, &actual, NULL));
    if (actual != sizeof(*msg)) bench_die(__FILE__, __LINE__, "message size", ZX_ERR_IO_DATA_INTEGRITY);
    return true;
}

static void channel_port_server(zx_handle_t *h, uint32_t n) {
    if (n != 1) bench_die(__FILE__, __LINE__, "handles", ZX_ERR_INVALID_ARGS);
    zx_handle_t port;
    BENCH_MUST(zx_port_create(0, &port));
    uint32_t msg;
    while (channel_port_read(h[0], port, &msg))
        BENCH_MUST(zx_channel_write(h[0], 0, &msg, sizeof(msg), NULL, 0));
    zx_handle_close(port);
    zx_handle_close(h[0]);
}
#endif

#if defined(ZX_SYS_socket_create) && defined(ZX_SYS_socket_read) && \
    defined(ZX_SYS_socket_write) && defined(ZX_SYS_port_create) && defined(ZX_SYS_port_wait) && \
    defined(ZX_SYS_object_wait_async)
#define BENCH_HAVE_SOCKET_PORT 1
// Arms a one-shot wait of the socket on the port, waits for the packet, reads the one byte;
// false when the peer has closed.
static bool socket_port_read(zx_handle_t sock, zx_handle_t port) {
    BENCH_MUST(zx_object_wait_async(sock, port, 0, ZX_SOCKET_READABLE | ZX_SOCKET_PEER_CLOSED, 0));
    zx_port_packet_t packet;
    BENCH_MUST(zx_port_wait(port, ZX_TIME_INFINITE, &packet));
    if (!(packet.signal.observed & ZX_SOCKET_READABLE)) return false;
    uint8_t b;
    size_t actual = 0;
    BENCH_MUST(zx_socket_read(sock, 0, &b, 1, &actual));
    if (actual != 1) bench_die(__FILE__, __LINE__, "socket read", ZX_ERR_IO_DATA_INTEGRITY);
    return true;
}

static zx_status_t socket_send_byte(zx_handle_t sock) {
    uint8_t b = 0;
    size_t actual = 0;
    zx_status_t st = zx_socket_write(sock, 0, &b, 1, &actual);
    return st == ZX_OK && actual != 1 ? ZX_ERR_SHOULD_WAIT : st;
}

static void socket_port_server(zx_handle_t *h, uint32_t n) {
    if (n != 1) bench_die(__FILE__, __LINE__, "handles", ZX_ERR_INVALID_ARGS);
    zx_handle_t port;
    BENCH_MUST(zx_port_create(0, &port));
    while (socket_port_read(h[0], port)) BENCH_MUST(socket_send_byte(h[0]));
    zx_handle_close(port);
    zx_handle_close(h[0]);
}
#endif

#if defined(ZX_SYS_port_create) && defined(ZX_SYS_port_wait) && defined(ZX_SYS_port_queue)
#define BENCH_HAVE_PORTS 1
// handles: [0] the requests' port, [1] the replies' port. u32[0] != 0 asks it to stop.
static void port_server(zx_handle_t *h, uint32_t n) {
    if (n != 2) bench_die(__FILE__, __LINE__, "handles", ZX_ERR_INVALID_ARGS);
    for (;;) {
        zx_port_packet_t packet;
        BENCH_MUST(zx_port_wait(h[0], ZX_TIME_INFINITE, &packet));
        if (packet.user.u32[0]) break;
        BENCH_MUST(zx_port_queue(h[1], &packet));
    }
    zx_handle_close(h[0]);
    zx_handle_close(h[1]);
}
#endif

#if defined(ZX_SYS_eventpair_create) && defined(ZX_SYS_object_signal) && \
    defined(ZX_SYS_object_signal_peer) && defined(ZX_SYS_port_create) && \
    defined(ZX_SYS_port_wait) && defined(ZX_SYS_object_wait_async)
#define BENCH_HAVE_EVENT_PORT 1
// Waits (through the port) until the peer sets ZX_USER_SIGNAL_0 on our end, then clears it;
// false when the peer has closed.
static bool event_port_wait(zx_handle_t event, zx_handle_t port) {
    BENCH_MUST(zx_object_wait_async(event, port, 0, ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_PEER_CLOSED, 0));
    zx_port_packet_t packet;
    BENCH_MUST(zx_port_wait(port, ZX_TIME_INFINITE, &packet));
    if (packet.signal.observed & ZX_EVENTPAIR_PEER_CLOSED) return false;
    BENCH_MUST(zx_object_signal(event, ZX_USER_SIGNAL_0, 0));
    return true;
}

static void event_port_signal(zx_handle_t event) {
    BENCH_MUST(zx_object_signal_peer(event, 0, ZX_USER_SIGNAL_0));
}

static void event_port_server(zx_handle_t *h, uint32_t n) {
    if (n != 1) bench_die(__FILE__, __LINE__, "handles", ZX_ERR_INVALID_ARGS);
    zx_handle_t port;
    BENCH_MUST(zx_port_create(0, &port));
    while (event_port_wait(h[0], port)) event_port_signal(h[0]);
    zx_handle_close(port);
    zx_handle_close(h[0]);
}
#endif

static void unused_server(zx_handle_t *h, uint32_t n) { zx_handle_close_many(h, n); }

const struct bench_server bench_servers[] = {
#if defined(BENCH_HAVE_CHANNELS)
    {"BasicChannel", basic_channel_server},
    {"ChannelCall", channel_call_server},
#endif
#if defined(BENCH_HAVE_CHANNEL_PORT)
    {"ChannelPort", channel_port_server},
#endif
#if defined(BENCH_HAVE_PORTS)
    {"Port", port_server},
#endif
#if defined(BENCH_HAVE_EVENT_PORT)
    {"EventPort", event_port_server},
#endif
#if defined(BENCH_HAVE_SOCKET_PORT)
    {"SocketPort", socket_port_server},
#endif
    {"Unused", unused_server},
};
const uint32_t bench_num_servers = sizeof(bench_servers) / sizeof(bench_servers[0]);

// ---- the tests (client side) -------------------------------------------------------------------

enum rt_kind { RT_BASIC_CHANNEL, RT_CHANNEL_PORT, RT_CHANNEL_CALL, RT_PORT, RT_EVENT_PORT,
               RT_SOCKET_PORT };

struct rt_args {
    enum rt_kind kind;
    bool multiprocess;
    bool pinned;  // SMP/RoundTrip_*: this thread on CPU 0, the server on CPU 1
};

// Runs the round trips after setup; the caller tears down. false = a call failed (recorded).
#if defined(BENCH_HAVE_CHANNELS)
// One run: `count` messages of `size` bytes to the server, then its `count` replies
// (RoundTrip_BasicChannel: 1 of 4 bytes; IpcThroughput_BasicChannel_<count>_<size>).
static bool basic_channel_test(struct perftest_state *state, bool mp, uint32_t count,
                               uint32_t size) {
    zx_handle_t server, client;
    BENCH_OK(state, zx_channel_create(0, &server, &client));
    char *msg = calloc(1, size);
    BENCH_CHECK(state, msg != NULL);
    struct bench_peer peer;
    BENCH_OK(state, bench_peer_start(&peer, mp, "BasicChannel", &server, 1));
    struct basic_args args = {count, size};
    zx_status_t st = zx_channel_write(client, 0, &args, sizeof(args), NULL, 0);
    while (st == ZX_OK && perftest_keep_running(state)) {
        for (uint32_t i = 0; st == ZX_OK && i < count; i++)
            st = zx_channel_write(client, 0, msg, size, NULL, 0);
        for (uint32_t i = 0; st == ZX_OK && i < count; i++)
            if (!channel_read_msg(client, msg, size)) st = ZX_ERR_PEER_CLOSED;
    }
    zx_handle_close(client);
    zx_status_t jst = bench_peer_join(&peer);
    free(msg);
    BENCH_OK(state, st);
    BENCH_OK(state, jst);
    return true;
}
#endif

#if defined(BENCH_HAVE_CHANNELS) && defined(ZX_SYS_channel_call)
static bool channel_call_test(struct perftest_state *state, bool mp) {
    zx_handle_t server, client;
    BENCH_OK(state, zx_channel_create(0, &server, &client));
    struct bench_peer peer;
    BENCH_OK(state, bench_peer_start(&peer, mp, "ChannelCall", &server, 1));
    uint32_t msg = 0, reply = 0;
    zx_channel_call_args_t args = {
        .wr_bytes = &msg,
        .wr_handles = NULL,
        .rd_bytes = &reply,
        .rd_handles = NULL,
        .wr_num_bytes = sizeof(msg),
        .wr_num_handles = 0,
        .rd_num_bytes = sizeof(reply),
        .rd_num_handles = 0,
    };
    zx_status_t st = ZX_OK;
    while (st == ZX_OK && perftest_keep_running(state)) {
        uint32_t bytes, handles;
        st = zx_channel_call(client, 0, ZX_TIME_INFINITE, &args, &bytes, &handles);
    }
    zx_handle_close(client);
    zx_status_t jst = bench_peer_join(&peer);
    BENCH_OK(state, st);
    BENCH_OK(state, jst);
    return true;
}
#endif

#if defined(BENCH_HAVE_CHANNEL_PORT) || defined(BENCH_HAVE_SOCKET_PORT)
// The end of a client that waits on a port: closes its end and the port, joins the server and
// reports the first failure.
static bool port_client_done(struct perftest_state *state, struct bench_peer *peer,
                             zx_handle_t client, zx_handle_t port, zx_status_t st) {
    zx_handle_close(client);
    if (port != ZX_HANDLE_INVALID) zx_handle_close(port);
    zx_status_t jst = bench_peer_join(peer);
    BENCH_OK(state, st);
    BENCH_OK(state, jst);
    return true;
}
#endif

#if defined(BENCH_HAVE_CHANNEL_PORT)
static bool channel_port_test(struct perftest_state *state, bool mp) {
    zx_handle_t server, client, port = ZX_HANDLE_INVALID;
    BENCH_OK(state, zx_channel_create(0, &server, &client));
    struct bench_peer peer;
    BENCH_OK(state, bench_peer_start(&peer, mp, "ChannelPort", &server, 1));
    zx_status_t st = zx_port_create(0, &port);
    uint32_t msg = 123;
    while (st == ZX_OK && perftest_keep_running(state)) {
        st = zx_channel_write(client, 0, &msg, sizeof(msg), NULL, 0);
        if (st == ZX_OK && !channel_port_read(client, port, &msg)) st = ZX_ERR_PEER_CLOSED;
    }
    return port_client_done(state, &peer, client, port, st);
}
#endif

#if defined(BENCH_HAVE_PORTS) && defined(ZX_SYS_handle_duplicate)
static bool port_test(struct perftest_state *state, bool mp) {
    zx_handle_t ports[2], dups[2];
    BENCH_OK(state, zx_port_create(0, &ports[0]));
    BENCH_OK(state, zx_port_create(0, &ports[1]));
    for (int i = 0; i < 2; i++) BENCH_OK(state, zx_handle_duplicate(ports[i], ZX_RIGHT_SAME_RIGHTS, &dups[i]));
    struct bench_peer peer;
    BENCH_OK(state, bench_peer_start(&peer, mp, "Port", dups, 2));
    zx_status_t st = ZX_OK;
    while (st == ZX_OK && perftest_keep_running(state)) {
        zx_port_packet_t packet = {.type = ZX_PKT_TYPE_USER};
        st = zx_port_queue(ports[0], &packet);
        if (st == ZX_OK) st = zx_port_wait(ports[1], ZX_TIME_INFINITE, &packet);
    }
    zx_port_packet_t stop = {.type = ZX_PKT_TYPE_USER};
    stop.user.u32[0] = 1;
    zx_status_t qst = zx_port_queue(ports[0], &stop);
    zx_handle_close(ports[0]);
    zx_handle_close(ports[1]);
    zx_status_t jst = qst == ZX_OK ? bench_peer_join(&peer) : qst;
    BENCH_OK(state, st);
    BENCH_OK(state, jst);
    return true;
}
#endif

#if defined(BENCH_HAVE_EVENT_PORT)
static bool event_port_test(struct perftest_state *state, bool mp) {
    zx_handle_t ours, theirs, port;
    BENCH_OK(state, zx_eventpair_create(0, &ours, &theirs));
    BENCH_OK(state, zx_port_create(0, &port));
    struct bench_peer peer;
    BENCH_OK(state, bench_peer_start(&peer, mp, "EventPort", &theirs, 1));
    zx_status_t st = ZX_OK;
    while (st == ZX_OK && perftest_keep_running(state)) {
        event_port_signal(ours);
        if (!event_port_wait(ours, port)) st = ZX_ERR_PEER_CLOSED;
    }
    zx_handle_close(ours);
    zx_handle_close(port);
    zx_status_t jst = bench_peer_join(&peer);
    BENCH_OK(state, st);
    BENCH_OK(state, jst);
    return true;
}
#endif

#if defined(BENCH_HAVE_SOCKET_PORT)
static bool socket_port_test(struct perftest_state *state, bool mp) {
    zx_handle_t server, client, port = ZX_HANDLE_INVALID;
    BENCH_OK(state, zx_socket_create(ZX_SOCKET_STREAM, &server, &client));
    struct bench_peer peer;
    BENCH_OK(state, bench_peer_start(&peer, mp, "SocketPort", &server, 1));
    zx_status_t st = zx_port_create(0, &port);
    while (st == ZX_OK && perftest_keep_running(state)) {
        st = socket_send_byte(client);
        if (st == ZX_OK && !socket_port_read(client, port)) st = ZX_ERR_PEER_CLOSED;
    }
    return port_client_done(state, &peer, client, port, st);
}
#endif

static bool round_trip_kind(struct perftest_state *state, const struct rt_args *a) {
    switch (a->kind) {
#if defined(BENCH_HAVE_CHANNELS)
    case RT_BASIC_CHANNEL:
        return basic_channel_test(state, a->multiprocess, 1, 4);
#endif
#if defined(BENCH_HAVE_CHANNELS) && defined(ZX_SYS_channel_call)
    case RT_CHANNEL_CALL:
        return channel_call_test(state, a->multiprocess);
#endif
#if defined(BENCH_HAVE_CHANNEL_PORT)
    case RT_CHANNEL_PORT:
        return channel_port_test(state, a->multiprocess);
#endif
#if defined(BENCH_HAVE_PORTS) && defined(ZX_SYS_handle_duplicate)
    case RT_PORT:
        return port_test(state, a->multiprocess);
#endif
#if defined(BENCH_HAVE_EVENT_PORT)
    case RT_EVENT_PORT:
        return event_port_test(state, a->multiprocess);
#endif
#if defined(BENCH_HAVE_SOCKET_PORT)
    case RT_SOCKET_PORT:
        return socket_port_test(state, a->multiprocess);
#endif
    default:
        perftest_fail(state, "not built");
        return false;
    }
}

static bool round_trip(struct perftest_state *state, const void *argp) {
    const struct rt_args *a = argp;
    if (!a->pinned) return round_trip_kind(state, a);
    BENCH_OK(state, bench_pin_to_cpu(zx_thread_self(), 0));
    bench_peer_cpu = 1;
    bool ok = round_trip_kind(state, a);
    bench_peer_cpu = -1;
    BENCH_OK(state, bench_pin_to_cpu(zx_thread_self(), -1));
    return ok;
}

// ---- RoundTrip_Futex_SingleProcess -------------------------------------------------------------

#if defined(ZX_SYS_futex_wait) && defined(ZX_SYS_futex_wake)
#define BENCH_HAVE_FUTEX 1
struct futex_pair {
    zx_futex_t client_to_server;  // 0 idle, 1 request, 2 stop
    zx_futex_t server_to_client;  // 0 idle, 1 reply
};

static void futex_signal(zx_futex_t *f, int value) {
    *f = value;
    BENCH_MUST(zx_futex_wake(f, 1));
}

// Waits until *f != 0, resets it and returns the value seen.
static int futex_await(zx_futex_t *f) {
    for (;;) {
        int v = *f;
        if (v != 0) {
            *f = 0;
            return v;
        }
        zx_status_t st = zx_futex_wait(f, v, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
        if (st != ZX_OK && st != ZX_ERR_BAD_STATE) bench_die(__FILE__, __LINE__, "zx_futex_wait", st);
    }
}

static void futex_server(void *arg) {
    struct futex_pair *fp = arg;
    while (futex_await(&fp->client_to_server) != 2) futex_signal(&fp->server_to_client, 1);
}

static bool round_trip_futex(struct perftest_state *state, const void *argp) {
    (void)argp;
    static struct futex_pair fp;
    fp.client_to_server = 0;
    fp.server_to_client = 0;
    struct bench_peer peer;
    BENCH_OK(state, bench_thread_start(&peer, "futex-server", futex_server, &fp, 64 * 1024));
    while (perftest_keep_running(state)) {
        futex_signal(&fp.client_to_server, 1);
        if (futex_await(&fp.server_to_client) != 1) break;
    }
    futex_signal(&fp.client_to_server, 2);
    BENCH_OK(state, bench_peer_join(&peer));
    return true;
}
#endif

#if defined(BENCH_HAVE_CHANNELS)
static struct ipc_args {
    uint32_t count, size;
    bool multiprocess;
} ipc_args[2][2];

static bool ipc_throughput(struct perftest_state *state, const void *argp) {
    const struct ipc_args *a = argp;
    return basic_channel_test(state, a->multiprocess, a->count, a->size);
}
#endif

// ---- registration ------------------------------------------------------------------------------

static struct rt_args rt_args[6][3];

// RoundTrip_<name>_{Single,Multi}Process, and with more than one CPU
// SMP/RoundTrip_<name>_MultiProcess: the client on CPU 0, the helper process on CPU 1.
static void register_one(enum rt_kind kind, const char *name) {
    for (int mp = 0; mp < 2; mp++) {
        rt_args[kind][mp] = (struct rt_args){kind, mp != 0, false};
        perftest_registerf(round_trip, &rt_args[kind][mp], "RoundTrip_%s_%s", name,
                           mp ? "MultiProcess" : "SingleProcess");
    }
    if (zx_system_get_num_cpus() < 2) return;
    rt_args[kind][2] = (struct rt_args){kind, true, true};
    perftest_registerf(round_trip, &rt_args[kind][2], "SMP/RoundTrip_%s_MultiProcess", name);
}

static void register_round_trip_tests(void) {
#if defined(BENCH_HAVE_CHANNELS)
    register_one(RT_BASIC_CHANNEL, "BasicChannel");
    // Fuchsia's third size, 1024 messages of 64 KiB, queues 64 MiB per run: left out.
    static const uint32_t ipc_shapes[2][2] = {{1, 64 * 1024}, {1024, 4}};
    for (int k = 0; k < 2; k++)
        for (int mp = 0; mp < 2; mp++) {
            ipc_args[k][mp] = (struct ipc_args){ipc_shapes[k][0], ipc_shapes[k][1], mp != 0};
            perftest_registerf(ipc_throughput, &ipc_args[k][mp],
                               "IpcThroughput_BasicChannel_%u_%s_%s", ipc_shapes[k][0],
                               k == 0 ? "64kbytes" : "4bytes",
                               mp ? "MultiProcess" : "SingleProcess");
        }
#endif
#if defined(BENCH_HAVE_CHANNEL_PORT)
    register_one(RT_CHANNEL_PORT, "ChannelPort");
#endif
#if defined(BENCH_HAVE_CHANNELS) && defined(ZX_SYS_channel_call)
    register_one(RT_CHANNEL_CALL, "ChannelCall");
#endif
#if defined(BENCH_HAVE_PORTS) && defined(ZX_SYS_handle_duplicate)
    register_one(RT_PORT, "Port");
#endif
#if defined(BENCH_HAVE_EVENT_PORT)
    register_one(RT_EVENT_PORT, "EventPort");
#endif
#if defined(BENCH_HAVE_SOCKET_PORT)
    register_one(RT_SOCKET_PORT, "SocketPort");
#endif
#if defined(BENCH_HAVE_FUTEX)
    perftest_register("RoundTrip_Futex_SingleProcess", round_trip_futex, NULL);
#endif
    (void)register_one;
}
PERFTEST_CTOR(register_round_trip_tests)
