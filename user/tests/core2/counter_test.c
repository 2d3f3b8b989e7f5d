// Counters: zx_counter_create / add / read / write, their rights and the two sign signals.
#include <stdint.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_counter_create) && defined(ZX_SYS_counter_add) && \
    defined(ZX_SYS_counter_read) && defined(ZX_SYS_counter_write)

static int64_t value_of(zx_handle_t c) {
    int64_t v = INT64_MIN + 7;
    zx_counter_read(c, &v);
    return v;
}

TEST(CounterTest, CreateInitialState) {
    zx_handle_t c;
    ASSERT_OK(zx_counter_create(0, &c));
    EXPECT_EQ(handle_type(c), ZX_OBJ_TYPE_COUNTER);
    EXPECT_EQ(handle_rights(c), ZX_DEFAULT_COUNTER_RIGHTS);
    EXPECT_EQ(signals_now(c), ZX_COUNTER_NON_POSITIVE);
    EXPECT_EQ(value_of(c), 0);
    zx_handle_close(c);
}

TEST(CounterTest, CreateErrors) {
    zx_handle_t c = ZX_HANDLE_INVALID;
    // "ZX_ERR_INVALID_ARGS out is an invalid pointer, or options is non-zero."
    EXPECT_STATUS(zx_counter_create(1, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_counter_create(UINT32_MAX, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(c, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_counter_create(0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_counter_create(0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
}

TEST(CounterTest, AddMovesSignals) {
    zx_handle_t c;
    ASSERT_OK(zx_counter_create(0, &c));
    EXPECT_OK(zx_counter_add(c, -1));
    EXPECT_EQ(signals_now(c), ZX_COUNTER_NON_POSITIVE);
    EXPECT_OK(zx_counter_add(c, 2));
    EXPECT_EQ(value_of(c), 1);
    EXPECT_EQ(signals_now(c), ZX_COUNTER_POSITIVE);
    EXPECT_OK(zx_counter_add(c, -1));
    EXPECT_EQ(signals_now(c), ZX_COUNTER_NON_POSITIVE);
    zx_handle_close(c);
}

TEST(CounterTest, AddOverflowChangesNothing) {
    zx_handle_t c;
    ASSERT_OK(zx_counter_create(0, &c));
    ASSERT_OK(zx_counter_add(c, INT64_MAX));
    EXPECT_STATUS(zx_counter_add(c, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(value_of(c), INT64_MAX);
    EXPECT_EQ(signals_now(c), ZX_COUNTER_POSITIVE);
    ASSERT_OK(zx_counter_write(c, INT64_MIN));
    EXPECT_STATUS(zx_counter_add(c, -1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(value_of(c), INT64_MIN);
    EXPECT_EQ(signals_now(c), ZX_COUNTER_NON_POSITIVE);
    zx_handle_close(c);
}

TEST(CounterTest, RightsAndTypes) {
    zx_handle_t c, ev;
    ASSERT_OK(zx_counter_create(0, &c));
    ASSERT_OK(zx_event_create(0, &ev));
    int64_t v;
    // add needs READ and WRITE; read needs READ; write needs WRITE.
    zx_handle_t no_read = dup_rights(c, ZX_DEFAULT_COUNTER_RIGHTS & ~ZX_RIGHT_READ);
    zx_handle_t no_write = dup_rights(c, ZX_DEFAULT_COUNTER_RIGHTS & ~ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_counter_add(no_read, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_counter_add(no_write, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_counter_read(no_read, &v), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_counter_write(no_write, 5), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_counter_write(no_read, 5));
    EXPECT_OK(zx_counter_read(no_write, &v));
    EXPECT_EQ(v, 5);
    EXPECT_STATUS(zx_counter_add(ev, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_counter_read(ev, &v), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_counter_write(ev, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_counter_add(BOGUS_HANDLE, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_counter_read(ZX_HANDLE_INVALID, &v), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_counter_write(BOGUS_HANDLE, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_counter_read(c, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_counter_read(c, UNMAPPED_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(value_of(c), 5);
    zx_handle_close_many((zx_handle_t[]){c, ev, no_read, no_write}, 4);
}

TEST(CounterTest, WriteAndUserSignals) {
    zx_handle_t c;
    ASSERT_OK(zx_counter_create(0, &c));
    EXPECT_OK(zx_counter_write(c, 42));
    EXPECT_EQ(value_of(c), 42);
    EXPECT_EQ(signals_now(c), ZX_COUNTER_POSITIVE);
    EXPECT_OK(zx_object_signal(c, 0, ZX_USER_SIGNAL_0));
    EXPECT_EQ(signals_now(c), ZX_COUNTER_POSITIVE | ZX_USER_SIGNAL_0);
    // The sign signals belong to the kernel.
    EXPECT_STATUS(zx_object_signal(c, ZX_COUNTER_POSITIVE, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_counter_write(c, 0));
    EXPECT_EQ(signals_now(c), ZX_COUNTER_NON_POSITIVE | ZX_USER_SIGNAL_0);
    zx_handle_close(c);
}

#endif
