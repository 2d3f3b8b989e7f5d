// Time (vDSO clock, zx_nanosleep) and events (signals, zx_object_wait_one).
#include <zircon/syscalls.h>

#include "zctest.h"

TEST(Time, MonotonicIncreases) {
    zx_time_t t0 = zx_clock_get_monotonic();
    EXPECT_GT(t0, 0);
    zx_time_t t1 = t0;
    for (int i = 0; i < 1000000 && t1 == t0; i++)
        t1 = zx_clock_get_monotonic();
    EXPECT_GT(t1, t0);
    EXPECT_GE(zx_clock_get_monotonic(), t1);
}

TEST(Time, NanosleepPastDeadline) {
    zx_time_t t0 = zx_clock_get_monotonic();
    EXPECT_OK(zx_nanosleep(0));
    EXPECT_OK(zx_nanosleep(t0 - 1));
    EXPECT_OK(zx_nanosleep(ZX_TIME_INFINITE_PAST));
    EXPECT_LT(zx_clock_get_monotonic() - t0, ZX_MSEC(100));
}

TEST(Time, NanosleepWaits) {
    zx_time_t deadline = zx_deadline_after(ZX_MSEC(20));
    EXPECT_OK(zx_nanosleep(deadline));
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
}

TEST(Event, WaitOneAlreadySignaled) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_time_t t0 = zx_clock_get_monotonic();
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed));
    EXPECT_TRUE(observed & ZX_EVENT_SIGNALED);
    EXPECT_LT(zx_clock_get_monotonic() - t0, ZX_MSEC(100));
    // A past deadline still reports a satisfied wait.
    EXPECT_OK(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, 0, &observed));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(Event, WaitOneTimesOut) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_signals_t observed = 0xffffffffu;
    zx_time_t deadline = zx_deadline_after(ZX_MSEC(5));
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, deadline, &observed),
                  ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, 0);
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(Event, SignalAndClear) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_signals_t observed = 0;
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0 | ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_object_wait_one(ev, ZX_USER_SIGNAL_0, 0, &observed));
    EXPECT_EQ(observed, ZX_USER_SIGNAL_0 | ZX_EVENT_SIGNALED);
    ASSERT_OK(zx_object_signal(ev, ZX_USER_SIGNAL_0, 0));
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_USER_SIGNAL_0, 0, &observed), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, ZX_EVENT_SIGNALED);
    // Bits outside the user signals and ZX_EVENT_SIGNALED cannot be set on an event.
    EXPECT_STATUS(zx_object_signal(ev, 0, (zx_signals_t)1u << 0), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(ev));
}
