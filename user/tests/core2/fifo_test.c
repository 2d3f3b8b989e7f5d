// FIFOs: creation limits, element transfer, partial reads/writes, signals, errors.
#include <string.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

TEST(FifoTest, Create) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(16, 8, 0, &a, &b));
    EXPECT_EQ(handle_type(a), ZX_OBJ_TYPE_FIFO);
    EXPECT_EQ(handle_rights(a), ZX_DEFAULT_FIFO_RIGHTS);
    EXPECT_EQ(handle_related_koid(a), handle_koid(b));
    EXPECT_EQ(signals_now(a) & (ZX_FIFO_READABLE | ZX_FIFO_WRITABLE), ZX_FIFO_WRITABLE);
    zx_handle_close(a);
    zx_handle_close(b);
    // The largest allowed: elem_count * elem_size == 4096.
    ASSERT_OK(zx_fifo_create(4096, 1, 0, &a, &b));
    zx_handle_close(a);
    zx_handle_close(b);
    ASSERT_OK(zx_fifo_create(1, 4096, 0, &a, &b));
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(FifoTest, CreateSizeErrors) {
    zx_handle_t a, b;
    EXPECT_STATUS(zx_fifo_create(0, 8, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_fifo_create(8, 0, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_fifo_create(4097, 1, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_fifo_create(64, 65, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
    // A product that overflows 64 bits must not wrap into a small size.
    EXPECT_STATUS(zx_fifo_create((SIZE_MAX / 2) + 2, 2, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_fifo_create(((size_t)1 << 62) + 1, 4, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
}

TEST(FifoTest, CreateArgumentErrors) {
    zx_handle_t a, b;
    EXPECT_STATUS(zx_fifo_create(4, 4, 1, &a, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_create(4, 4, 0, NULL, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_create(4, 4, 0, &a, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_create(4, 4, 0, &a, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_create(4, 4, 0, UNMAPPED_PTR, &b), ZX_ERR_INVALID_ARGS);
}

TEST(FifoTest, WriteReadInOrder) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(8, sizeof(uint64_t), 0, &a, &b));
    uint64_t in[3] = {1, 2, 3}, out[8] = {0};
    size_t actual = 0;
    EXPECT_OK(zx_fifo_write(a, sizeof(uint64_t), in, 3, &actual));
    EXPECT_EQ(actual, 3);
    EXPECT_TRUE(signals_now(b) & ZX_FIFO_READABLE);
    EXPECT_OK(zx_fifo_read(b, sizeof(uint64_t), out, 2, &actual));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(out[0], 1);
    EXPECT_EQ(out[1], 2);
    EXPECT_OK(zx_fifo_read(b, sizeof(uint64_t), out, 8, &actual));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(out[0], 3);
    EXPECT_EQ(signals_now(b) & ZX_FIFO_READABLE, 0);
    EXPECT_STATUS(zx_fifo_read(b, sizeof(uint64_t), out, 1, &actual), ZX_ERR_SHOULD_WAIT);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(FifoTest, FullFifoPartialWrite) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(4, 4, 0, &a, &b));
    uint32_t in[6] = {10, 11, 12, 13, 14, 15};
    size_t actual = 0;
    EXPECT_OK(zx_fifo_write(a, 4, in, 6, &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_EQ(signals_now(a) & ZX_FIFO_WRITABLE, 0);
    EXPECT_STATUS(zx_fifo_write(a, 4, in, 1, &actual), ZX_ERR_SHOULD_WAIT);
    uint32_t out[4];
    EXPECT_OK(zx_fifo_read(b, 4, out, 1, NULL));
    EXPECT_EQ(out[0], 10);
    EXPECT_TRUE(signals_now(a) & ZX_FIFO_WRITABLE);
    EXPECT_OK(zx_fifo_write(a, 4, &in[4], 2, &actual));
    EXPECT_EQ(actual, 1);
    EXPECT_OK(zx_fifo_read(b, 4, out, 4, &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_EQ(out[0], 11);
    EXPECT_EQ(out[3], 14);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(FifoTest, BothDirectionsIndependent) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(2, 2, 0, &a, &b));
    uint16_t v = 0xabcd, w = 0;
    ASSERT_OK(zx_fifo_write(a, 2, &v, 1, NULL));
    ASSERT_OK(zx_fifo_write(a, 2, &v, 1, NULL));
    // a->b is full, b->a is still empty.
    EXPECT_OK(zx_fifo_write(b, 2, &v, 1, NULL));
    EXPECT_OK(zx_fifo_read(a, 2, &w, 1, NULL));
    EXPECT_EQ(w, 0xabcd);
    EXPECT_STATUS(zx_fifo_read(a, 2, &w, 1, NULL), ZX_ERR_SHOULD_WAIT);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(FifoTest, ElementSizeAndCountErrors) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(4, 8, 0, &a, &b));
    uint64_t buf[4] = {0};
    size_t actual;
    EXPECT_STATUS(zx_fifo_write(a, 4, buf, 1, &actual), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_fifo_write(a, 16, buf, 1, &actual), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_fifo_write(a, 8, buf, 0, &actual), ZX_ERR_OUT_OF_RANGE);
    ASSERT_OK(zx_fifo_write(a, 8, buf, 1, &actual));
    EXPECT_STATUS(zx_fifo_read(b, 4, buf, 1, &actual), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_fifo_read(b, 8, buf, 0, &actual), ZX_ERR_OUT_OF_RANGE);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(FifoTest, BadPointers) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(4, 8, 0, &a, &b));
    size_t actual;
    EXPECT_STATUS(zx_fifo_write(a, 8, KERNEL_PTR, 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_write(a, 8, UNMAPPED_PTR, 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_write(a, 8, NULL, 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_now(b) & ZX_FIFO_READABLE, 0);  // nothing was enqueued
    uint64_t v = 5;
    ASSERT_OK(zx_fifo_write(a, 8, &v, 1, NULL));
    EXPECT_STATUS(zx_fifo_read(b, 8, KERNEL_PTR, 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_read(b, 8, UNMAPPED_PTR, 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_fifo_read(b, 8, &v, 1, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(FifoTest, HandleErrors) {
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_fifo_create(4, 8, 0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    uint64_t v = 0;
    EXPECT_STATUS(zx_fifo_write(BOGUS_HANDLE, 8, &v, 1, NULL), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_fifo_write(ev, 8, &v, 1, NULL), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_fifo_read(ev, 8, &v, 1, NULL), ZX_ERR_WRONG_TYPE);
    zx_handle_t no_write = dup_rights(a, ZX_DEFAULT_FIFO_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_handle_t no_read = dup_rights(b, ZX_DEFAULT_FIFO_RIGHTS & ~ZX_RIGHT_READ);
    EXPECT_STATUS(zx_fifo_write(no_write, 8, &v, 1, NULL), ZX_ERR_ACCESS_DENIED);
    ASSERT_OK(zx_fifo_write(a, 8, &v, 1, NULL));
    EXPECT_STATUS(zx_fifo_read(no_read, 8, &v, 1, NULL), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(no_write);
    zx_handle_close(no_read);
    zx_handle_close(ev);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(FifoTest, PeerClosed) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(4, 8, 0, &a, &b));
    zx_handle_close(b);
    EXPECT_TRUE(signals_now(a) & ZX_FIFO_PEER_CLOSED);
    EXPECT_EQ(signals_now(a) & ZX_FIFO_WRITABLE, 0);
    uint64_t v = 1;
    EXPECT_STATUS(zx_fifo_write(a, 8, &v, 1, NULL), ZX_ERR_PEER_CLOSED);
    EXPECT_STATUS(zx_fifo_read(a, 8, &v, 1, NULL), ZX_ERR_PEER_CLOSED);
    zx_handle_close(a);
}

TEST(FifoTest, WaitForReadable) {
    zx_handle_t a, b;
    ASSERT_OK(zx_fifo_create(4, 8, 0, &a, &b));
    zx_signals_t observed;
    EXPECT_STATUS(zx_object_wait_one(b, ZX_FIFO_READABLE, zx_deadline_after(SHORT_WAIT), &observed),
                  ZX_ERR_TIMED_OUT);
    uint64_t v = 9;
    ASSERT_OK(zx_fifo_write(a, 8, &v, 1, NULL));
    EXPECT_OK(zx_object_wait_one(b, ZX_FIFO_READABLE, ZX_TIME_INFINITE, &observed));
    EXPECT_TRUE(observed & ZX_FIFO_READABLE);
    zx_handle_close(a);
    zx_handle_close(b);
}
