// Channels and sockets on Linux (channels.cc, sockets.cc).
//
// A channel is a socketpair(AF_UNIX, SOCK_SEQPACKET): message boundaries kept, both ends
// writable, handles travel as SCM_RIGHTS. A Zircon write *moves* its handles out of the
// writer's table; SCM_RIGHTS sends a reference and leaves the writer's fd open, so the write
// step closes the sent fd (the same table removal), and the read step's received fd is the one
// sent next time -- one fd in flight, as in the Zircon test. The handle sent is an epoll fd
// (the Zircon test sends ports).
//
// A stream socket is socketpair(AF_UNIX, SOCK_STREAM) with write()/read() (the kernel's
// sendmsg/recvmsg paths without a msghdr to copy: the cheapest honest calls).
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lbench.h"

struct channel_args {
    uint32_t size;
    uint32_t handles;   // 0 or 1
};

static bool channel_write_read(struct perftest_state *state, const void *arg) {
    const struct channel_args *a = arg;
    declare_step(state, "write");
    declare_step(state, "read");
    set_bytes_processed_per_run(state, a->size);
    int sv[2];
    LB_CHECK(state, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
    // Room for one 64 KiB message in flight (the default would do; say so explicitly).
    int sndbuf = 4 * 65536;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    char *buffer = calloc(1, a->size);
    LB_CHECK(state, buffer != NULL, "calloc");
    int handle = -1;
    if (a->handles) {
        handle = epoll_create1(EPOLL_CLOEXEC);
        LB_CHECK(state, handle >= 0, "epoll_create1");
    }
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } wctl, rctl;
    struct iovec wiov = {buffer, a->size}, riov = {buffer, a->size};
    struct msghdr wmsg = {.msg_iov = &wiov, .msg_iovlen = 1};
    struct msghdr rmsg = {.msg_iov = &riov, .msg_iovlen = 1};
    if (a->handles) {
        wmsg.msg_control = wctl.buf;
        wmsg.msg_controllen = sizeof(wctl.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&wmsg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
    }
    while (perftest_keep_running(state)) {
        if (a->handles) {
            memcpy(CMSG_DATA(CMSG_FIRSTHDR(&wmsg)), &handle, sizeof(int));
            LB_CHECK(state, sendmsg(sv[0], &wmsg, 0) == (ssize_t)a->size, "sendmsg");
            LB_CHECK(state, close(handle) == 0, "close");
        } else {
            LB_CHECK(state, sendmsg(sv[0], &wmsg, 0) == (ssize_t)a->size, "sendmsg");
        }
        next_step(state);
        if (a->handles) {
            rmsg.msg_control = rctl.buf;
            rmsg.msg_controllen = sizeof(rctl.buf);
        }
        LB_CHECK(state, recvmsg(sv[1], &rmsg, MSG_CMSG_CLOEXEC) == (ssize_t)a->size, "recvmsg");
        if (a->handles) {
            struct cmsghdr *c = CMSG_FIRSTHDR(&rmsg);
            LB_CHECK(state, c && c->cmsg_type == SCM_RIGHTS, "recvmsg (no SCM_RIGHTS)");
            memcpy(&handle, CMSG_DATA(c), sizeof(int));
        }
    }
    if (handle >= 0) close(handle);
    free(buffer);
    close(sv[0]);
    close(sv[1]);
    return true;
}

static bool socket_write_read(struct perftest_state *state, const void *arg) {
    size_t size = *(const uint32_t *)arg;
    declare_step(state, "write");
    declare_step(state, "read");
    set_bytes_processed_per_run(state, size);
    int sv[2];
    LB_CHECK(state, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
    int sndbuf = 4 * 65536;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    char *buffer = calloc(1, size);
    LB_CHECK(state, buffer != NULL, "calloc");
    while (perftest_keep_running(state)) {
        LB_CHECK(state, write(sv[0], buffer, size) == (ssize_t)size, "write");
        next_step(state);
        LB_CHECK(state, lb_read_full(sv[1], buffer, size), "read");
    }
    free(buffer);
    close(sv[0]);
    close(sv[1]);
    return true;
}

static struct channel_args ch_args[4][2];

static void register_tests(void) {
    for (int i = 0; i < 4; i++)
        for (uint32_t h = 0; h < 2; h++) {
            ch_args[i][h] = (struct channel_args){lb_message_sizes[i], h};
            perftest_registerf(channel_write_read, &ch_args[i][h],
                               "Channel/WriteRead/%ubytes/%uhandles", lb_message_sizes[i], h);
        }
    for (int i = 0; i < 4; i++)
        perftest_registerf(socket_write_read, &lb_message_sizes[i], "Socket/WriteRead/%ubytes",
                           lb_message_sizes[i]);
}
PERFTEST_CTOR(register_tests)
