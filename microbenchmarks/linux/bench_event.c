// Events, handles and ports on Linux (events.cc, handle_creation.cc, ports.cc).
//
// An event is an eventfd; a handle is a file descriptor (duplicate = dup, close = close);
// creating a VMO is memfd_create, a channel socketpair(SEQPACKET), a FIFO a pipe,
// a port an epoll instance. A port's user packets (zx_port_queue / zx_port_wait) travel through
// a pipe in packet mode (O_DIRECT): a kernel queue of fixed-size packets, 48 bytes like
// zx_port_packet_t.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lbench.h"

// Event/Signal: zx_object_signal(event, 0, 0) changes no bit and wakes nobody; on an eventfd
// the same is writing 0 (the counter is updated under its lock, no waiter to wake).
static bool event_signal(struct perftest_state *state, const void *arg) {
    (void)arg;
    int efd = eventfd(0, EFD_CLOEXEC);
    LB_CHECK(state, efd >= 0, "eventfd");
    uint64_t zero = 0;
    while (perftest_keep_running(state))
        LB_CHECK(state, write(efd, &zero, sizeof(zero)) == sizeof(zero), "write");
    close(efd);
    return true;
}

static bool event_duplicate(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "duplicate_handle");
    declare_step(state, "close_handle");
    int efd = eventfd(0, EFD_CLOEXEC);
    LB_CHECK(state, efd >= 0, "eventfd");
    while (perftest_keep_running(state)) {
        int dup_fd = dup(efd);
        LB_CHECK(state, dup_fd >= 0, "dup");
        next_step(state);
        LB_CHECK(state, close(dup_fd) == 0, "close");
    }
    close(efd);
    return true;
}

// zx_object_wait_one(event, SIGNALED, deadline 0) on a signaled event: poll() with timeout 0.
static bool wait_already_signaled(struct perftest_state *state, const void *arg) {
    (void)arg;
    int efd = eventfd(1, EFD_CLOEXEC);
    LB_CHECK(state, efd >= 0, "eventfd");
    struct pollfd p = {efd, POLLIN, 0};
    while (perftest_keep_running(state))
        LB_CHECK(state, poll(&p, 1, 0) == 1, "poll");
    close(efd);
    return true;
}

// zx_object_wait_many on 4 events, the first signaled: poll() on 4 eventfds.
static bool wait_many_already_signaled(struct perftest_state *state, const void *arg) {
    (void)arg;
    struct pollfd p[4];
    for (int i = 0; i < 4; i++) {
        p[i] = (struct pollfd){eventfd(i == 0, EFD_CLOEXEC), POLLIN, 0};
        LB_CHECK(state, p[i].fd >= 0, "eventfd");
    }
    while (perftest_keep_running(state))
        LB_CHECK(state, poll(p, 4, 0) == 1, "poll");
    for (int i = 0; i < 4; i++) close(p[i].fd);
    return true;
}

enum handle_kind { H_VMO, H_EVENT, H_CHANNEL, H_FIFO, H_PORT };

static bool handle_create(struct perftest_state *state, const void *arg) {
    enum handle_kind kind = *(const enum handle_kind *)arg;
    declare_step(state, "create");
    declare_step(state, "close");
    while (perftest_keep_running(state)) {
        int fd[2] = {-1, -1};
        switch (kind) {
        case H_VMO:
            // zx_vmo_create(64 KiB) is one call; a memfd gets its size from a second one
            // (ftruncate). Neither commits a page, so the size is a field: one call each side,
            // the memfd left at size 0 (docs/bench.md, "Equal work").
            fd[0] = memfd_create("vmo", MFD_CLOEXEC);
            LB_CHECK(state, fd[0] >= 0, "memfd_create");
            break;
        case H_EVENT:
            fd[0] = eventfd(0, EFD_CLOEXEC);
            LB_CHECK(state, fd[0] >= 0, "eventfd");
            break;
        case H_CHANNEL:
            LB_CHECK(state, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fd) == 0,
                     "socketpair");
            break;
        case H_FIFO:
            LB_CHECK(state, pipe2(fd, O_CLOEXEC) == 0, "pipe2");
            break;
        case H_PORT:
            fd[0] = epoll_create1(EPOLL_CLOEXEC);
            LB_CHECK(state, fd[0] >= 0, "epoll_create1");
            break;
        }
        next_step(state);
        LB_CHECK(state, close(fd[0]) == 0, "close");
        if (fd[1] >= 0) LB_CHECK(state, close(fd[1]) == 0, "close");
    }
    return true;
}

// Port/QueueWait: zx_port_queue of a user packet, then zx_port_wait that dequeues it.
static bool port_queue_wait(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "queue");
    declare_step(state, "wait");
    int p[2];
    LB_CHECK(state, pipe2(p, O_DIRECT | O_CLOEXEC) == 0, "pipe2(O_DIRECT)");
    uint64_t out_packet[6] = {0}, in_packet[6];
    while (perftest_keep_running(state)) {
        LB_CHECK(state, write(p[1], out_packet, sizeof(out_packet)) == sizeof(out_packet),
                 "write");
        next_step(state);
        LB_CHECK(state, read(p[0], in_packet, sizeof(in_packet)) == sizeof(in_packet), "read");
    }
    close(p[0]);
    close(p[1]);
    return true;
}

// ObjectWaitAsync (steps CreateEvent, CreatePort, ObjectWaitAsync, Close): an eventfd, an epoll
// instance, a one-shot registration of the eventfd (ZX_WAIT_ASYNC_ONCE = EPOLLONESHOT), both
// closed.
static bool object_wait_async(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "CreateEvent");
    declare_step(state, "CreatePort");
    declare_step(state, "ObjectWaitAsync");
    declare_step(state, "Close");
    while (perftest_keep_running(state)) {
        int efd = eventfd(0, EFD_CLOEXEC);
        LB_CHECK(state, efd >= 0, "eventfd");
        next_step(state);
        int port = epoll_create1(EPOLL_CLOEXEC);
        LB_CHECK(state, port >= 0, "epoll_create1");
        next_step(state);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 0};
        LB_CHECK(state, epoll_ctl(port, EPOLL_CTL_ADD, efd, &ev) == 0, "epoll_ctl");
        next_step(state);
        LB_CHECK(state, close(efd) == 0, "close");
        LB_CHECK(state, close(port) == 0, "close");
    }
    return true;
}

// Fifo/WriteRead/<entry>bytes_<batch>batch: a FIFO of fixed-size entries is a pipe; a batch of
// entries is one write() and one read() of entry x batch bytes.
struct fifo_args {
    uint32_t entry, batch;
};

static bool fifo_write_read(struct perftest_state *state, const void *arg) {
    const struct fifo_args *a = arg;
    size_t n = (size_t)a->entry * a->batch;
    declare_step(state, "write");
    declare_step(state, "read");
    set_bytes_processed_per_run(state, n);
    int p[2];
    LB_CHECK(state, pipe2(p, O_CLOEXEC) == 0, "pipe2");
    char buffer[64 * 64];
    memset(buffer, 0, sizeof(buffer));
    while (perftest_keep_running(state)) {
        LB_CHECK(state, write(p[1], buffer, n) == (ssize_t)n, "write");
        next_step(state);
        LB_CHECK(state, read(p[0], buffer, n) == (ssize_t)n, "read");
    }
    close(p[0]);
    close(p[1]);
    return true;
}

static const struct fifo_args fifo_sizes[] = {
    {16, 1}, {16, 4}, {16, 64}, {32, 1}, {32, 4}, {64, 1}, {64, 4},
};

static const enum handle_kind kinds[5] = {H_VMO, H_EVENT, H_CHANNEL, H_FIFO, H_PORT};

static void register_tests(void) {
    perftest_register("Event/Signal", event_signal, NULL);
    perftest_register("Event/Duplicate", event_duplicate, NULL);
    perftest_register("Event/WaitForAlreadySignaledEvent", wait_already_signaled, NULL);
    perftest_register("Event/WaitForManyWithAlreadySignaledEvent", wait_many_already_signaled,
                      NULL);
    perftest_register("HandleCreate_Vmo", handle_create, &kinds[H_VMO]);
    perftest_register("HandleCreate_Event", handle_create, &kinds[H_EVENT]);
    perftest_register("HandleCreate_Channel", handle_create, &kinds[H_CHANNEL]);
    perftest_register("HandleCreate_Fifo", handle_create, &kinds[H_FIFO]);
    perftest_register("HandleCreate_Port", handle_create, &kinds[H_PORT]);
    perftest_register("Port/QueueWait", port_queue_wait, NULL);
    perftest_register("ObjectWaitAsync", object_wait_async, NULL);
    for (size_t i = 0; i < sizeof(fifo_sizes) / sizeof(fifo_sizes[0]); i++)
        perftest_registerf(fifo_write_read, &fifo_sizes[i], "Fifo/WriteRead/%ubytes_%ubatch",
                           fifo_sizes[i].entry, fifo_sizes[i].batch);
}
PERFTEST_CTOR(register_tests)
