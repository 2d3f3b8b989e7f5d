// Sockets and FIFOs at the object level (objects/socket.c, objects/fifo.c), with user buffers from the test HAL.
#include <string.h>

#include "objects/fifo.h"
#include "objects/socket.h"
#include "tests/host/ktest.h"

static user_in_ptr uin(uintptr_t a) { return (user_in_ptr){a}; }
static user_out_ptr uout(uintptr_t a) { return (user_out_ptr){a}; }

// Both ends close as their last handles would.
static void close_pair(struct kobj *a, struct kobj *b) {
    a->ops->on_zero_handles(a);
    b->ops->on_zero_handles(b);
    kobj_unref(a);
    kobj_unref(b);
}

TEST(Socket, StreamRoundTripAcrossChunks) {
    struct socket *a, *b;
    ASSERT_OK(socket_create_pair(ZX_SOCKET_STREAM, &a, &b));
    EXPECT_TRUE(a->obj.signals & ZX_SOCKET_WRITABLE);
    EXPECT_FALSE(b->obj.signals & ZX_SOCKET_READABLE);
    enum { N = 10000 };
    uintptr_t in = th_user_alloc(N), out = th_user_alloc(N);
    uint8_t *src = th_user_host(in), *dst = th_user_host(out);
    for (int i = 0; i < N; i++) src[i] = (uint8_t)(i * 13);
    size_t actual;
    ASSERT_OK(socket_write(a, uin(in), N, &actual));
    EXPECT_EQ(actual, N);
    EXPECT_EQ(b->bytes, N);
    EXPECT_TRUE(b->obj.signals & ZX_SOCKET_READABLE);
    ASSERT_OK(socket_read(b, true, uout(out), 100, &actual));  // a peek takes nothing
    EXPECT_EQ(actual, 100);
    EXPECT_EQ(b->bytes, N);
    ASSERT_OK(socket_read(b, false, uout(out), 3000, &actual));
    EXPECT_EQ(actual, 3000);
    ASSERT_OK(socket_read(b, false, uout(out + 3000), N, &actual));
    EXPECT_EQ(actual, N - 3000);
    EXPECT_EQ(memcmp(src, dst, N), 0);
    EXPECT_FALSE(b->obj.signals & ZX_SOCKET_READABLE);
    EXPECT_STATUS(socket_read(b, false, uout(out), 1, &actual), ZX_ERR_SHOULD_WAIT);
    close_pair(&a->obj, &b->obj);
}

TEST(Socket, StreamFillsUpThenWaits) {
    struct socket *a, *b;
    ASSERT_OK(socket_create_pair(ZX_SOCKET_STREAM, &a, &b));
    uintptr_t big = th_user_alloc(SOCKET_CAPACITY + 100);
    size_t actual;
    ASSERT_OK(socket_write(a, uin(big), SOCKET_CAPACITY + 100, &actual));
    EXPECT_EQ(actual, SOCKET_CAPACITY);  // a short write
    EXPECT_FALSE(a->obj.signals & ZX_SOCKET_WRITABLE);
    EXPECT_STATUS(socket_write(a, uin(big), 1, &actual), ZX_ERR_SHOULD_WAIT);
    ASSERT_OK(socket_read(b, false, uout(big), 1, &actual));
    EXPECT_TRUE(a->obj.signals & ZX_SOCKET_WRITABLE);
    close_pair(&a->obj, &b->obj);  // the queued quarter megabyte goes too (leak check)
}

TEST(Socket, DatagramsKeepBoundariesAndTruncate) {
    struct socket *a, *b;
    ASSERT_OK(socket_create_pair(ZX_SOCKET_DATAGRAM, &a, &b));
    uintptr_t buf = th_user_alloc(64), out = th_user_alloc(64);
    memcpy(th_user_host(buf), "first-datagram", 15);
    size_t actual;
    ASSERT_OK(socket_write(a, uin(buf), 15, &actual));
    ASSERT_OK(socket_write(a, uin(buf), 5, &actual));
    EXPECT_STATUS(socket_write(a, uin(buf), 0, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(socket_rx_available(b), 15);
    ASSERT_OK(socket_read(b, false, uout(out), 6, &actual));  // truncated: the rest is dropped
    EXPECT_EQ(actual, 6);
    EXPECT_EQ(memcmp(th_user_host(out), "first-", 6), 0);
    ASSERT_OK(socket_read(b, false, uout(out), 64, &actual));
    EXPECT_EQ(actual, 5);
    EXPECT_EQ(b->bytes, 0);
    close_pair(&a->obj, &b->obj);
}

TEST(Socket, PeerClosedAfterTheDataIsRead) {
    struct socket *a, *b;
    ASSERT_OK(socket_create_pair(ZX_SOCKET_STREAM, &a, &b));
    uintptr_t buf = th_user_alloc(8);
    size_t actual;
    ASSERT_OK(socket_write(a, uin(buf), 8, &actual));
    a->obj.ops->on_zero_handles(&a->obj);
    kobj_unref(&a->obj);
    EXPECT_TRUE(b->obj.signals & ZX_SOCKET_PEER_CLOSED);
    EXPECT_FALSE(b->obj.signals & ZX_SOCKET_WRITABLE);
    EXPECT_STATUS(socket_write(b, uin(buf), 1, &actual), ZX_ERR_PEER_CLOSED);
    ASSERT_OK(socket_read(b, false, uout(buf), 8, &actual));  // what was sent stays readable
    EXPECT_STATUS(socket_read(b, false, uout(buf), 8, &actual), ZX_ERR_PEER_CLOSED);
    b->obj.ops->on_zero_handles(&b->obj);
    kobj_unref(&b->obj);
}

TEST(Socket, WriteFromBadMemoryQueuesNothing) {
    struct socket *a, *b;
    ASSERT_OK(socket_create_pair(ZX_SOCKET_STREAM, &a, &b));
    char host[16];
    uintptr_t ro = th_user_map(host, sizeof(host), TH_USER_R);
    size_t actual;
    // The kernel half: rejected before any copy.
    EXPECT_STATUS(socket_write(a, uin(0xffff800000000000ull), 8, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(b->bytes, 0);
    EXPECT_STATUS(socket_read(b, false, uout(ro), 8, &actual), ZX_ERR_SHOULD_WAIT);
    close_pair(&a->obj, &b->obj);
}

TEST(Fifo, RingWrapsAndSignals) {
    struct fifo *a, *b;
    ASSERT_OK(fifo_create_pair(4, 8, &a, &b));
    EXPECT_TRUE(a->obj.signals & ZX_FIFO_WRITABLE);
    uintptr_t in = th_user_alloc(64), out = th_user_alloc(64);
    uint64_t *src = th_user_host(in), *dst = th_user_host(out);
    for (int i = 0; i < 8; i++) src[i] = 100 + i;
    size_t actual;
    ASSERT_OK(fifo_write(a, uin(in), 3, &actual));
    EXPECT_EQ(actual, 3);
    EXPECT_TRUE(b->obj.signals & ZX_FIFO_READABLE);
    ASSERT_OK(fifo_read(b, uout(out), 2, &actual));
    EXPECT_EQ(dst[0], 100);
    EXPECT_EQ(dst[1], 101);
    ASSERT_OK(fifo_write(a, uin(in + 24), 5, &actual));  // 3 fit: the ring wraps
    EXPECT_EQ(actual, 3);
    EXPECT_FALSE(a->obj.signals & ZX_FIFO_WRITABLE);  // full
    EXPECT_STATUS(fifo_write(a, uin(in), 1, &actual), ZX_ERR_SHOULD_WAIT);
    ASSERT_OK(fifo_read(b, uout(out), 8, &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_EQ(dst[0], 102);
    EXPECT_EQ(dst[1], 103);
    EXPECT_EQ(dst[2], 104);
    EXPECT_EQ(dst[3], 105);
    EXPECT_FALSE(b->obj.signals & ZX_FIFO_READABLE);
    EXPECT_TRUE(a->obj.signals & ZX_FIFO_WRITABLE);
    EXPECT_STATUS(fifo_read(b, uout(out), 1, &actual), ZX_ERR_SHOULD_WAIT);
    close_pair(&a->obj, &b->obj);
}

TEST(Fifo, PeerClosed) {
    struct fifo *a, *b;
    ASSERT_OK(fifo_create_pair(2, 4, &a, &b));
    uintptr_t buf = th_user_alloc(8);
    size_t actual;
    a->obj.ops->on_zero_handles(&a->obj);
    kobj_unref(&a->obj);
    EXPECT_TRUE(b->obj.signals & ZX_FIFO_PEER_CLOSED);
    EXPECT_STATUS(fifo_write(b, uin(buf), 1, &actual), ZX_ERR_PEER_CLOSED);
    EXPECT_STATUS(fifo_read(b, uout(buf), 1, &actual), ZX_ERR_PEER_CLOSED);
    b->obj.ops->on_zero_handles(&b->obj);
    kobj_unref(&b->obj);
}
