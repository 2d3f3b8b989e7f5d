// Channels: messages with bytes and handles, exact statuses at the edges.
#include <string.h>
#include <zircon/syscalls.h>

#include "zctest.h"

TEST(Channel, WriteReadWithHandle) {
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_channel_write(a, 0, "hello", 5, &ev, 1));
    // The handle moved into the message.
    EXPECT_STATUS(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);

    char buf[16] = {0};
    zx_handle_t got[2] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID};
    uint32_t nbytes = 0, nhandles = 0;
    // Too small: reports the sizes and leaves the message queued.
    EXPECT_STATUS(zx_channel_read(b, 0, buf, got, 2, 1, &nbytes, &nhandles),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(nbytes, 5);
    EXPECT_EQ(nhandles, 1);
    EXPECT_STATUS(zx_channel_read(b, 0, buf, got, sizeof(buf), 0, &nbytes, &nhandles),
                  ZX_ERR_BUFFER_TOO_SMALL);

    ASSERT_OK(zx_channel_read(b, 0, buf, got, sizeof(buf), 2, &nbytes, &nhandles));
    EXPECT_EQ(nbytes, 5);
    EXPECT_EQ(nhandles, 1);
    EXPECT_EQ(memcmp(buf, "hello", 5), 0);
    EXPECT_NE(got[0], ZX_HANDLE_INVALID);
    EXPECT_OK(zx_object_signal(got[0], 0, ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_handle_close(got[0]));

    EXPECT_STATUS(zx_channel_read(b, 0, buf, got, sizeof(buf), 2, &nbytes, &nhandles),
                  ZX_ERR_SHOULD_WAIT);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(Channel, MessagesKeepOrder) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    for (uint32_t i = 0; i < 8; i++)
        ASSERT_OK(zx_channel_write(a, 0, &i, sizeof(i), NULL, 0));
    for (uint32_t i = 0; i < 8; i++) {
        uint32_t v = 99, nbytes = 0, nhandles = 0;
        ASSERT_OK(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, &nbytes, &nhandles));
        EXPECT_EQ(v, i);
        EXPECT_EQ(nbytes, sizeof(v));
        EXPECT_EQ(nhandles, 0);
    }
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(Channel, PeerClosed) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(a, 0, "x", 1, NULL, 0));
    EXPECT_OK(zx_handle_close(a));
    // Queued messages stay readable after the writer is gone.
    char c = 0;
    uint32_t nbytes = 0, nhandles = 0;
    EXPECT_OK(zx_channel_read(b, 0, &c, NULL, 1, 0, &nbytes, &nhandles));
    EXPECT_EQ(c, 'x');
    EXPECT_STATUS(zx_channel_read(b, 0, &c, NULL, 1, 0, &nbytes, &nhandles),
                  ZX_ERR_PEER_CLOSED);
    EXPECT_STATUS(zx_channel_write(b, 0, "y", 1, NULL, 0), ZX_ERR_PEER_CLOSED);
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(b, ZX_CHANNEL_PEER_CLOSED, 0, &observed));
    EXPECT_TRUE(observed & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(b));
}

TEST(Channel, WriteOwnHandleNotSupported) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_STATUS(zx_channel_write(a, 0, "x", 1, &a, 1), ZX_ERR_NOT_SUPPORTED);
    // zx_channel_write consumes its handles even when it fails.
    EXPECT_STATUS(zx_handle_close(a), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(b));
}

TEST(Channel, ReadableSignal) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    zx_signals_t observed = 0;
    EXPECT_STATUS(zx_object_wait_one(b, ZX_CHANNEL_READABLE, 0, &observed), ZX_ERR_TIMED_OUT);
    EXPECT_FALSE(observed & ZX_CHANNEL_READABLE);
    ASSERT_OK(zx_channel_write(a, 0, "x", 1, NULL, 0));
    EXPECT_OK(zx_object_wait_one(b, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, &observed));
    EXPECT_TRUE(observed & ZX_CHANNEL_READABLE);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}
