// Sockets: stream and datagram transfer, peek, short writes, dispositions, thresholds,
// ZX_INFO_SOCKET, rights and argument checks.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

static size_t socket_rx_max(zx_handle_t s) {
    zx_info_socket_t info;
    if (zx_object_get_info(s, ZX_INFO_SOCKET, &info, sizeof(info), NULL, NULL) != ZX_OK)
        return 0;
    return info.rx_buf_max;
}

static size_t rx_available(zx_handle_t s) {
    zx_info_socket_t info;
    if (zx_object_get_info(s, ZX_INFO_SOCKET, &info, sizeof(info), NULL, NULL) != ZX_OK)
        return SIZE_MAX;
    return info.rx_buf_available;
}

// Writes until the socket is full; returns the bytes written.
static size_t fill(zx_handle_t s) {
    static uint8_t chunk[4096];
    size_t total = 0, actual;
    while (zx_socket_write(s, 0, chunk, sizeof(chunk), &actual) == ZX_OK)
        total += actual;
    return total;
}

TEST(SocketTest, CreateStreamAndDatagram) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(ZX_SOCKET_STREAM, &a, &b));
    EXPECT_EQ(handle_type(a), ZX_OBJ_TYPE_SOCKET);
    EXPECT_EQ(handle_rights(a), ZX_DEFAULT_SOCKET_RIGHTS);
    EXPECT_EQ(handle_related_koid(a), handle_koid(b));
    EXPECT_EQ(handle_related_koid(b), handle_koid(a));
    EXPECT_EQ(signals_now(a) & (ZX_SOCKET_WRITABLE | ZX_SOCKET_READABLE), ZX_SOCKET_WRITABLE);
    zx_handle_close(a);
    zx_handle_close(b);
    ASSERT_OK(zx_socket_create(ZX_SOCKET_DATAGRAM, &a, &b));
    zx_info_socket_t info;
    ASSERT_OK(zx_object_get_info(a, ZX_INFO_SOCKET, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.options, ZX_SOCKET_DATAGRAM);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, CreateErrors) {
    zx_handle_t a, b;
    EXPECT_STATUS(zx_socket_create(1u << 5, &a, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_socket_create(0, NULL, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_socket_create(0, &a, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_socket_create(0, UNMAPPED_PTR, &b), ZX_ERR_INVALID_ARGS);
}

TEST(SocketTest, StreamRoundTrip) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    size_t actual = 0;
    EXPECT_OK(zx_socket_write(a, 0, "hello", 5, &actual));
    EXPECT_EQ(actual, 5);
    EXPECT_OK(zx_socket_write(a, 0, " world", 6, &actual));
    EXPECT_TRUE(signals_now(b) & ZX_SOCKET_READABLE);
    char buf[32] = {0};
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 11);  // a stream has no message boundaries
    EXPECT_STREQ(buf, "hello world");
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_READABLE, 0);
    EXPECT_STATUS(zx_socket_read(b, 0, buf, sizeof(buf), &actual), ZX_ERR_SHOULD_WAIT);
    // Both directions.
    EXPECT_OK(zx_socket_write(b, 0, "x", 1, NULL));
    EXPECT_OK(zx_socket_read(a, 0, buf, 1, NULL));
    EXPECT_EQ(buf[0], 'x');
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, StreamPartialRead) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_socket_write(a, 0, "abcdef", 6, NULL));
    char buf[4];
    size_t actual;
    EXPECT_OK(zx_socket_read(b, 0, buf, 4, &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_EQ(memcmp(buf, "abcd", 4), 0);
    EXPECT_OK(zx_socket_read(b, 0, buf, 4, &actual));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(memcmp(buf, "ef", 2), 0);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, StreamShortWriteWhenFull) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    size_t cap = socket_rx_max(b);
    ASSERT_GT(cap, 0);
    size_t written = fill(a);
    EXPECT_EQ(written, cap);
    EXPECT_EQ(signals_now(a) & ZX_SOCKET_WRITABLE, 0);
    size_t actual;
    EXPECT_STATUS(zx_socket_write(a, 0, "z", 1, &actual), ZX_ERR_SHOULD_WAIT);
    // Make room for 10 bytes and write 100: a short write of 10.
    char buf[10];
    ASSERT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_TRUE(signals_now(a) & ZX_SOCKET_WRITABLE);
    static char big[100];
    EXPECT_OK(zx_socket_write(a, 0, big, sizeof(big), &actual));
    EXPECT_EQ(actual, 10);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, Peek) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_socket_write(a, 0, "peek", 4, NULL));
    char buf[8] = {0};
    size_t actual;
    EXPECT_OK(zx_socket_read(b, ZX_SOCKET_PEEK, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_EQ(memcmp(buf, "peek", 4), 0);
    EXPECT_TRUE(signals_now(b) & ZX_SOCKET_READABLE);
    memset(buf, 0, sizeof(buf));
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_EQ(memcmp(buf, "peek", 4), 0);
    EXPECT_STATUS(zx_socket_read(b, ZX_SOCKET_PEEK, buf, sizeof(buf), &actual), ZX_ERR_SHOULD_WAIT);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, DatagramBoundaries) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(ZX_SOCKET_DATAGRAM, &a, &b));
    size_t actual;
    ASSERT_OK(zx_socket_write(a, 0, "one", 3, &actual));
    EXPECT_EQ(actual, 3);
    ASSERT_OK(zx_socket_write(a, 0, "three", 5, &actual));
    char buf[16] = {0};
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 3);
    EXPECT_EQ(memcmp(buf, "one", 3), 0);
    // "If buffer is too small for the datagram, then the read will be truncated, and any
    // remaining bytes in the datagram will be discarded."
    ASSERT_OK(zx_socket_write(a, 0, "four", 4, &actual));
    EXPECT_OK(zx_socket_read(b, 0, buf, 2, &actual));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(memcmp(buf, "th", 2), 0);
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_EQ(memcmp(buf, "four", 4), 0);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, DatagramPeekKeepsMessage) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(ZX_SOCKET_DATAGRAM, &a, &b));
    ASSERT_OK(zx_socket_write(a, 0, "msg", 3, NULL));
    char buf[8];
    size_t actual;
    EXPECT_OK(zx_socket_read(b, ZX_SOCKET_PEEK, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 3);
    zx_info_socket_t info;
    ASSERT_OK(zx_object_get_info(b, ZX_INFO_SOCKET, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rx_buf_available, 3);
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 3);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, DatagramTooLargeOrFull) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(ZX_SOCKET_DATAGRAM, &a, &b));
    size_t cap = socket_rx_max(b);
    ASSERT_GT(cap, 0);
    zx_handle_t vmo;
    zx_vaddr_t addr;
    size_t len = (cap + 2 * PAGE) & ~(size_t)(PAGE - 1);
    ASSERT_OK(zx_vmo_create(len, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, len,
                          &addr));
    zx_handle_close(vmo);
    size_t actual = 0;
    // "Attempting to write a packet larger than the datagram socket's capacity will fail with
    // ZX_ERR_OUT_OF_RANGE."
    EXPECT_STATUS(zx_socket_write(a, 0, (void *)addr, cap + 1, &actual), ZX_ERR_OUT_OF_RANGE);
    // Fill most of it, then a datagram that does not fit the rest: nothing written.
    ASSERT_OK(zx_socket_write(a, 0, (void *)addr, cap - 10, &actual));
    EXPECT_EQ(actual, cap - 10);
    EXPECT_STATUS(zx_socket_write(a, 0, (void *)addr, 20, &actual), ZX_ERR_SHOULD_WAIT);
    zx_info_socket_t info;
    ASSERT_OK(zx_object_get_info(b, ZX_INFO_SOCKET, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rx_buf_size, cap - 10);
    EXPECT_OK(zx_socket_write(a, 0, (void *)addr, 10, &actual));
    zx_vmar_unmap(zx_vmar_root_self(), addr, len);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, PeerClosed) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_socket_write(a, 0, "left", 4, NULL));
    zx_handle_close(a);
    EXPECT_TRUE(signals_now(b) & ZX_SOCKET_PEER_CLOSED);
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_WRITABLE, 0);
    size_t actual;
    EXPECT_STATUS(zx_socket_write(b, 0, "x", 1, &actual), ZX_ERR_PEER_CLOSED);
    // Data already there can still be read; then PEER_CLOSED.
    char buf[8];
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_STATUS(zx_socket_read(b, 0, buf, sizeof(buf), &actual), ZX_ERR_PEER_CLOSED);
    zx_handle_close(b);
}

TEST(SocketTest, ReadWriteErrors) {
    zx_handle_t a, b, ch0, ch1;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_channel_create(0, &ch0, &ch1));
    char buf[8];
    size_t actual;
    EXPECT_STATUS(zx_socket_write(BOGUS_HANDLE, 0, "x", 1, &actual), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_socket_write(ch0, 0, "x", 1, &actual), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_socket_read(ch0, 0, buf, 1, &actual), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_socket_write(a, 0, KERNEL_PTR, 8, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_socket_write(a, 0, UNMAPPED_PTR, 8, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_READABLE, 0);  // nothing got in
    ASSERT_OK(zx_socket_write(a, 0, "abc", 3, NULL));
    // A failing read consumes nothing (zc: "a failing call changes nothing").
    EXPECT_STATUS(zx_socket_read(b, 0, KERNEL_PTR, 3, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(rx_available(b), 3);
    EXPECT_STATUS(zx_socket_read(b, 0, UNMAPPED_PTR, 3, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(rx_available(b), 3);
    EXPECT_STATUS(zx_socket_read(b, 0, NULL, 3, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(rx_available(b), 3);
    EXPECT_STATUS(zx_socket_read(b, 0, buf, 3, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(rx_available(b), 3);
    EXPECT_STATUS(zx_socket_read(b, 1u << 20, buf, 3, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_socket_write(a, 1u << 20, "x", 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_socket_write(a, 0, "x", 1, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(rx_available(b), 3);
    zx_handle_t no_write = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_handle_t no_read = dup_rights(b, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_READ);
    EXPECT_STATUS(zx_socket_write(no_write, 0, "x", 1, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_socket_read(no_read, 0, buf, 3, &actual), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(no_write);
    zx_handle_close(no_read);
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 3);
    zx_handle_close(ch0);
    zx_handle_close(ch1);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, StreamZeroByteWrite) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    size_t actual = 99;
    // "The pointer to bytes may be NULL if buffer_size is zero."
    EXPECT_OK(zx_socket_write(a, 0, NULL, 0, &actual));
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_READABLE, 0);
    zx_handle_close(a);
    zx_handle_close(b);
}

// ---- dispositions ----

TEST(SocketTest, DisableOwnWrites) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_socket_write(a, 0, "last", 4, NULL));
    ASSERT_OK(zx_socket_set_disposition(a, ZX_SOCKET_DISPOSITION_WRITE_DISABLED, 0));
    size_t actual;
    EXPECT_STATUS(zx_socket_write(a, 0, "x", 1, &actual), ZX_ERR_BAD_STATE);
    EXPECT_TRUE(signals_now(a) & ZX_SOCKET_WRITE_DISABLED);
    EXPECT_EQ(signals_now(a) & ZX_SOCKET_WRITABLE, 0);
    EXPECT_TRUE(signals_now(b) & ZX_SOCKET_PEER_WRITE_DISABLED);
    // The peer reads what was buffered, then BAD_STATE ("writing to handle's peer has been
    // disabled ... and no pending data remains").
    char buf[8];
    EXPECT_OK(zx_socket_read(b, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 4);
    EXPECT_STATUS(zx_socket_read(b, 0, buf, sizeof(buf), &actual), ZX_ERR_BAD_STATE);
    // The other direction still works.
    EXPECT_OK(zx_socket_write(b, 0, "back", 4, &actual));
    EXPECT_OK(zx_socket_read(a, 0, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, 4);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, DisablePeerWrites) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_socket_set_disposition(a, 0, ZX_SOCKET_DISPOSITION_WRITE_DISABLED));
    size_t actual;
    EXPECT_STATUS(zx_socket_write(b, 0, "x", 1, &actual), ZX_ERR_BAD_STATE);
    EXPECT_TRUE(signals_now(b) & ZX_SOCKET_WRITE_DISABLED);
    EXPECT_TRUE(signals_now(a) & ZX_SOCKET_PEER_WRITE_DISABLED);
    char buf[4];
    EXPECT_STATUS(zx_socket_read(a, 0, buf, sizeof(buf), &actual), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_socket_write(a, 0, "ok", 2, &actual));
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, ReenableWrites) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_socket_set_disposition(a, ZX_SOCKET_DISPOSITION_WRITE_DISABLED, 0));
    EXPECT_OK(zx_socket_set_disposition(a, ZX_SOCKET_DISPOSITION_WRITE_ENABLED, 0));
    size_t actual;
    EXPECT_OK(zx_socket_write(a, 0, "again", 5, &actual));
    EXPECT_EQ(actual, 5);
    EXPECT_EQ(signals_now(a) & ZX_SOCKET_WRITE_DISABLED, 0);
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_PEER_WRITE_DISABLED, 0);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, DispositionErrors) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    EXPECT_STATUS(
        zx_socket_set_disposition(
            a, ZX_SOCKET_DISPOSITION_WRITE_DISABLED | ZX_SOCKET_DISPOSITION_WRITE_ENABLED, 0),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_socket_set_disposition(
            a, 0, ZX_SOCKET_DISPOSITION_WRITE_DISABLED | ZX_SOCKET_DISPOSITION_WRITE_ENABLED),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_socket_set_disposition(a, 1u << 7, 0), ZX_ERR_INVALID_ARGS);
    // "no action being taken": writes still work both ways.
    EXPECT_OK(zx_socket_write(a, 0, "x", 1, NULL));
    EXPECT_OK(zx_socket_write(b, 0, "y", 1, NULL));
    zx_handle_t weak = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_MANAGE_SOCKET);
    EXPECT_STATUS(zx_socket_set_disposition(weak, ZX_SOCKET_DISPOSITION_WRITE_DISABLED, 0),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_socket_set_disposition(ev, 0, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_socket_set_disposition(BOGUS_HANDLE, 0, 0), ZX_ERR_BAD_HANDLE);
    zx_handle_close(ev);
    zx_handle_close(a);
    zx_handle_close(b);
}

// ---- thresholds ----

TEST(SocketTest, ReadThreshold) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    size_t thr = 10;
    ASSERT_OK(zx_object_set_property(b, ZX_PROP_SOCKET_RX_THRESHOLD, &thr, sizeof(thr)));
    size_t got = 0;
    ASSERT_OK(zx_object_get_property(b, ZX_PROP_SOCKET_RX_THRESHOLD, &got, sizeof(got)));
    EXPECT_EQ(got, 10);
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_READ_THRESHOLD, 0);
    static char data[16];
    ASSERT_OK(zx_socket_write(a, 0, data, 9, NULL));
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_READ_THRESHOLD, 0);
    ASSERT_OK(zx_socket_write(a, 0, data, 1, NULL));
    EXPECT_TRUE(signals_now(b) & ZX_SOCKET_READ_THRESHOLD);
    char buf[2];
    ASSERT_OK(zx_socket_read(b, 0, buf, 1, NULL));
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_READ_THRESHOLD, 0);
    // "Setting this property to zero will result in the deasserting".
    ASSERT_OK(zx_socket_write(a, 0, data, 5, NULL));
    EXPECT_TRUE(signals_now(b) & ZX_SOCKET_READ_THRESHOLD);
    thr = 0;
    ASSERT_OK(zx_object_set_property(b, ZX_PROP_SOCKET_RX_THRESHOLD, &thr, sizeof(thr)));
    EXPECT_EQ(signals_now(b) & ZX_SOCKET_READ_THRESHOLD, 0);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, WriteThreshold) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    size_t cap = socket_rx_max(b);
    size_t thr = 100;
    ASSERT_OK(zx_object_set_property(a, ZX_PROP_SOCKET_TX_THRESHOLD, &thr, sizeof(thr)));
    EXPECT_TRUE(signals_now(a) & ZX_SOCKET_WRITE_THRESHOLD);
    EXPECT_EQ(fill(a), cap);
    EXPECT_EQ(signals_now(a) & ZX_SOCKET_WRITE_THRESHOLD, 0);
    static char buf[100];
    ASSERT_OK(zx_socket_read(b, 0, buf, 99, NULL));
    EXPECT_EQ(signals_now(a) & ZX_SOCKET_WRITE_THRESHOLD, 0);
    ASSERT_OK(zx_socket_read(b, 0, buf, 1, NULL));
    EXPECT_TRUE(signals_now(a) & ZX_SOCKET_WRITE_THRESHOLD);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(SocketTest, ThresholdErrors) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    size_t thr = 1;
    uint32_t small = 1;
    EXPECT_STATUS(zx_object_set_property(a, ZX_PROP_SOCKET_RX_THRESHOLD, &small, sizeof(small)),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(zx_object_set_property(a, ZX_PROP_SOCKET_RX_THRESHOLD, KERNEL_PTR, sizeof(thr)),
                  ZX_ERR_INVALID_ARGS);
    // A VMO carries ZX_RIGHT_SET_PROPERTY, so only the type is wrong.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_object_set_property(vmo, ZX_PROP_SOCKET_RX_THRESHOLD, &thr, sizeof(thr)),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_SOCKET_TX_THRESHOLD, &thr, sizeof(thr)),
                  ZX_ERR_WRONG_TYPE);
    zx_handle_close(vmo);
    // "Setting the write threshold after the peer has closed is an error, and results in a
    // ZX_ERR_PEER_CLOSED error being returned."
    zx_handle_close(b);
    EXPECT_STATUS(zx_object_set_property(a, ZX_PROP_SOCKET_TX_THRESHOLD, &thr, sizeof(thr)),
                  ZX_ERR_PEER_CLOSED);
    zx_handle_close(a);
}

TEST(SocketTest, InfoCountsBytes) {
    zx_handle_t a, b;
    ASSERT_OK(zx_socket_create(0, &a, &b));
    ASSERT_OK(zx_socket_write(a, 0, "12345678", 8, NULL));
    zx_info_socket_t ia, ib;
    ASSERT_OK(zx_object_get_info(a, ZX_INFO_SOCKET, &ia, sizeof(ia), NULL, NULL));
    ASSERT_OK(zx_object_get_info(b, ZX_INFO_SOCKET, &ib, sizeof(ib), NULL, NULL));
    EXPECT_EQ(ib.rx_buf_size, 8);
    EXPECT_EQ(ib.rx_buf_available, 8);
    EXPECT_EQ(ia.tx_buf_size, 8);
    EXPECT_EQ(ia.rx_buf_size, 0);
    EXPECT_GT(ia.tx_buf_max, 0);
    zx_handle_close(a);
    zx_handle_close(b);
}
