// Clock objects: zx_clock_create / read / get_details / update (only when syscalls.def has
// them).
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_clock_create) && defined(ZX_SYS_clock_read) && \
    defined(ZX_SYS_clock_get_details) && defined(ZX_SYS_clock_update)
#include <zircon/syscalls/clock.h>

static zx_status_t set_value(zx_handle_t clock, zx_time_t value) {
    zx_clock_update_args_v2_t args = {.synthetic_value = value};
    return zx_clock_update(
        clock, ZX_CLOCK_ARGS_VERSION(2) | ZX_CLOCK_UPDATE_OPTION_SYNTHETIC_VALUE_VALID, &args);
}

TEST(ClockTest, CreateAndRights) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(0, NULL, &c));
    EXPECT_EQ(handle_type(c), ZX_OBJ_TYPE_CLOCK);
    // "Handles to newly created clock objects will have the ZX_RIGHT_READ and ZX_RIGHT_WRITE
    // rights assigned to them."
    zx_rights_t r = handle_rights(c);
    EXPECT_EQ(r & (ZX_RIGHT_READ | ZX_RIGHT_WRITE), ZX_RIGHT_READ | ZX_RIGHT_WRITE);
    EXPECT_EQ(signals_now(c) & ZX_CLOCK_STARTED, 0);
    zx_handle_close(c);
}

TEST(ClockTest, CreateErrors) {
    zx_handle_t c;
    // "ZX_CLOCK_OPT_CONTINUOUS was specified without also specifying ZX_CLOCK_OPT_MONOTONIC".
    EXPECT_STATUS(zx_clock_create(ZX_CLOCK_OPT_CONTINUOUS, NULL, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_clock_create(1u << 10, NULL, &c), ZX_ERR_INVALID_ARGS);
    // A bad args structure version or pointer.
    zx_clock_create_args_v1_t args = {.backstop_time = 0};
    EXPECT_STATUS(zx_clock_create(ZX_CLOCK_ARGS_VERSION(9), &args, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_clock_create(ZX_CLOCK_ARGS_VERSION(1), KERNEL_PTR, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_clock_create(ZX_CLOCK_ARGS_VERSION(1), UNMAPPED_PTR, &c), ZX_ERR_INVALID_ARGS);
    // "... or the initial backstop time of an automatically started clock is after the current
    // clock monotonic time."
    args.backstop_time = zx_clock_get_monotonic() + ZX_SEC(3600);
    EXPECT_STATUS(zx_clock_create(ZX_CLOCK_ARGS_VERSION(1) | ZX_CLOCK_OPT_AUTO_START, &args, &c),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_clock_create(0, NULL, NULL), ZX_ERR_INVALID_ARGS);
}

TEST(ClockTest, UnstartedReadsBackstop) {
    zx_clock_create_args_v1_t args = {.backstop_time = 5500};
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_ARGS_VERSION(1) | ZX_CLOCK_OPT_MONOTONIC, &args, &c));
    zx_time_t now = -1;
    EXPECT_OK(zx_clock_read(c, &now));
    EXPECT_EQ(now, 5500);
    sleep_ms(2);
    EXPECT_OK(zx_clock_read(c, &now));
    EXPECT_EQ(now, 5500);
    zx_clock_details_v1_t d;
    EXPECT_OK(zx_clock_get_details(c, ZX_CLOCK_ARGS_VERSION(1), &d));
    EXPECT_EQ(d.backstop_time, 5500);
    EXPECT_EQ(d.options & ZX_CLOCK_OPT_MONOTONIC, ZX_CLOCK_OPT_MONOTONIC);
    zx_handle_close(c);
}

TEST(ClockTest, AutoStartFollowsMonotonic) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_OPT_AUTO_START, NULL, &c));
    EXPECT_TRUE(signals_now(c) & ZX_CLOCK_STARTED);
    zx_time_t before = zx_clock_get_monotonic();
    zx_time_t v;
    ASSERT_OK(zx_clock_read(c, &v));
    zx_time_t after = zx_clock_get_monotonic();
    // "Initially, the clock will be a clone of clock monotonic".
    EXPECT_GE(v, before);
    EXPECT_LE(v, after);
    zx_handle_close(c);
}

TEST(ClockTest, FirstUpdateStartsClock) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_OPT_MONOTONIC, NULL, &c));
    EXPECT_EQ(signals_now(c) & ZX_CLOCK_STARTED, 0);
    ASSERT_OK(set_value(c, ZX_SEC(1000)));
    EXPECT_TRUE(signals_now(c) & ZX_CLOCK_STARTED);
    zx_time_t a, b;
    ASSERT_OK(zx_clock_read(c, &a));
    EXPECT_GE(a, ZX_SEC(1000));
    sleep_ms(5);
    ASSERT_OK(zx_clock_read(c, &b));
    EXPECT_GE(b - a, ZX_MSEC(5));
    zx_clock_details_v1_t d;
    ASSERT_OK(zx_clock_get_details(c, ZX_CLOCK_ARGS_VERSION(1), &d));
    EXPECT_GT(d.generation_counter, 0);
    zx_handle_close(c);
}

// "The first update operation performed by a clock maintainer must include a valid value."
TEST(ClockTest, FirstUpdateNeedsValue) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(0, NULL, &c));
    zx_clock_update_args_v2_t args = {.rate_adjust = 10};
    EXPECT_STATUS(
        zx_clock_update(c, ZX_CLOCK_ARGS_VERSION(2) | ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID,
                        &args),
        ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_now(c) & ZX_CLOCK_STARTED, 0);
    zx_handle_close(c);
}

TEST(ClockTest, MonotonicCannotGoBack) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_OPT_MONOTONIC, NULL, &c));
    ASSERT_OK(set_value(c, ZX_SEC(1000)));
    EXPECT_STATUS(set_value(c, ZX_SEC(10)), ZX_ERR_INVALID_ARGS);
    // Jumping forward is fine.
    EXPECT_OK(set_value(c, ZX_SEC(5000)));
    zx_time_t v;
    ASSERT_OK(zx_clock_read(c, &v));
    EXPECT_GE(v, ZX_SEC(5000));
    zx_handle_close(c);
}

TEST(ClockTest, ContinuousCannotBeSetTwice) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_OPT_MONOTONIC | ZX_CLOCK_OPT_CONTINUOUS, NULL, &c));
    ASSERT_OK(set_value(c, ZX_SEC(1000)));
    EXPECT_STATUS(set_value(c, ZX_SEC(2000)), ZX_ERR_INVALID_ARGS);
    zx_handle_close(c);
}

TEST(ClockTest, ValueBelowBackstopRejected) {
    zx_clock_create_args_v1_t args = {.backstop_time = ZX_SEC(100)};
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_ARGS_VERSION(1), &args, &c));
    EXPECT_STATUS(set_value(c, ZX_SEC(50)), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_now(c) & ZX_CLOCK_STARTED, 0);
    zx_handle_close(c);
}

TEST(ClockTest, RightsAndHandles) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_OPT_AUTO_START, NULL, &c));
    zx_handle_t no_read = dup_rights(c, ZX_DEFAULT_CLOCK_RIGHTS & ~ZX_RIGHT_READ);
    zx_handle_t no_write = dup_rights(c, ZX_DEFAULT_CLOCK_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_time_t v;
    zx_clock_details_v1_t d;
    EXPECT_STATUS(zx_clock_read(no_read, &v), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_clock_get_details(no_read, ZX_CLOCK_ARGS_VERSION(1), &d),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(set_value(no_write, ZX_SEC(1)), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(no_read);
    zx_handle_close(no_write);
    // "ZX_ERR_BAD_HANDLE : handle is either an invalid handle, or a handle to an object type
    // that is not ZX_OBJ_TYPE_CLOCK."
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_clock_read(ev, &v), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_clock_read(BOGUS_HANDLE, &v), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_clock_get_details(ev, ZX_CLOCK_ARGS_VERSION(1), &d), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(set_value(ev, ZX_SEC(1)), ZX_ERR_BAD_HANDLE);
    zx_handle_close(ev);
    // Bad versions and pointers.
    EXPECT_STATUS(zx_clock_get_details(c, ZX_CLOCK_ARGS_VERSION(7), &d), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_clock_get_details(c, ZX_CLOCK_ARGS_VERSION(1), KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    zx_clock_update_args_v2_t args = {.synthetic_value = ZX_SEC(1)};
    EXPECT_STATUS(
        zx_clock_update(c, ZX_CLOCK_ARGS_VERSION(5) | ZX_CLOCK_UPDATE_OPTION_SYNTHETIC_VALUE_VALID,
                        &args),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_clock_update(c, ZX_CLOCK_ARGS_VERSION(2) | ZX_CLOCK_UPDATE_OPTION_SYNTHETIC_VALUE_VALID,
                        UNMAPPED_PTR),
        ZX_ERR_INVALID_ARGS);
    zx_handle_close(c);
}

TEST(ClockTest, RateAdjustLimits) {
    zx_handle_t c;
    ASSERT_OK(zx_clock_create(ZX_CLOCK_OPT_AUTO_START, NULL, &c));
    zx_clock_update_args_v2_t args = {.rate_adjust = 1000};
    uint64_t opts = ZX_CLOCK_ARGS_VERSION(2) | ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID;
    EXPECT_OK(zx_clock_update(c, opts, &args));
    args.rate_adjust = -1000;
    EXPECT_OK(zx_clock_update(c, opts, &args));
    // "The maximum permissible range of frequency adjustment of a clock object is specified to
    // be [-1000, +1000] PPM."
    args.rate_adjust = 1001;
    EXPECT_STATUS(zx_clock_update(c, opts, &args), ZX_ERR_INVALID_ARGS);
    args.rate_adjust = -1001;
    EXPECT_STATUS(zx_clock_update(c, opts, &args), ZX_ERR_INVALID_ARGS);
    zx_handle_close(c);
}

#endif  // clock syscalls
