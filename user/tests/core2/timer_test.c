// Timers (zx_timer_create / set / cancel, slack) and zx_nanosleep.
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "util.h"
#include "zctest.h"

TEST(TimerTest, Create) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    EXPECT_EQ(handle_type(t), ZX_OBJ_TYPE_TIMER);
    // "The returned handle has the ZX_RIGHT_DUPLICATE, ZX_RIGHT_TRANSFER, ZX_RIGHT_WRITE,
    // ZX_RIGHT_SIGNAL, ZX_RIGHT_WAIT, and ZX_RIGHT_INSPECT rights."
    EXPECT_EQ(handle_rights(t), ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_WRITE |
                                    ZX_RIGHT_SIGNAL | ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
    EXPECT_EQ(signals_now(t) & ZX_TIMER_SIGNALED, 0);
    zx_handle_close(t);
    uint32_t modes[] = {ZX_TIMER_SLACK_CENTER, ZX_TIMER_SLACK_EARLY, ZX_TIMER_SLACK_LATE};
    for (int i = 0; i < 3; i++) {
        EXPECT_OK(zx_timer_create(modes[i], ZX_CLOCK_MONOTONIC, &t));
        zx_handle_close(t);
    }
}

TEST(TimerTest, CreateErrors) {
    zx_handle_t t;
    EXPECT_STATUS(zx_timer_create(0, 1234, &t), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_timer_create(7, ZX_CLOCK_MONOTONIC, &t), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_timer_create(0, ZX_CLOCK_MONOTONIC, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_timer_create(0, ZX_CLOCK_MONOTONIC, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_timer_create(0, ZX_CLOCK_MONOTONIC, UNMAPPED_PTR), ZX_ERR_INVALID_ARGS);
}

// A timer on the boot timeline (ZX_CLOCK_BOOT) fires at a boot-timeline deadline.
TEST(TimerTest, BootTimer) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_BOOT, &t));
    zx_time_t deadline = zx_clock_get_boot() + ZX_MSEC(5);
    ASSERT_OK(zx_timer_set(t, deadline, 0));
    zx_signals_t observed;
    EXPECT_OK(zx_object_wait_one(t, ZX_TIMER_SIGNALED, zx_deadline_after(LONG_WAIT), &observed));
    EXPECT_GE(zx_clock_get_boot(), deadline);
    zx_handle_close(t);
}

TEST(TimerTest, SignalsAtDeadline) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    zx_time_t deadline = zx_deadline_after(ZX_MSEC(10));
    ASSERT_OK(zx_timer_set(t, deadline, 0));
    EXPECT_EQ(signals_now(t) & ZX_TIMER_SIGNALED, 0);
    zx_signals_t observed;
    EXPECT_OK(zx_object_wait_one(t, ZX_TIMER_SIGNALED, zx_deadline_after(LONG_WAIT), &observed));
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    EXPECT_TRUE(observed & ZX_TIMER_SIGNALED);
    // It stays asserted.
    EXPECT_TRUE(signals_now(t) & ZX_TIMER_SIGNALED);
    zx_handle_close(t);
}

TEST(TimerTest, PastDeadlineFiresAtOnce) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    // "To fire the timer immediately pass a deadline less than or equal to 0."
    ASSERT_OK(zx_timer_set(t, 0, 0));
    EXPECT_TRUE(wait_signals(t, ZX_TIMER_SIGNALED));
    ASSERT_OK(zx_timer_cancel(t));
    ASSERT_OK(zx_timer_set(t, -5, 0));
    EXPECT_TRUE(wait_signals(t, ZX_TIMER_SIGNALED));
    zx_handle_close(t);
}

TEST(TimerTest, CancelBeforeDeadline) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    ASSERT_OK(zx_timer_set(t, zx_deadline_after(ZX_MSEC(5)), 0));
    ASSERT_OK(zx_timer_cancel(t));
    zx_signals_t observed = 0;
    EXPECT_STATUS(
        zx_object_wait_one(t, ZX_TIMER_SIGNALED, zx_deadline_after(ZX_MSEC(15)), &observed),
        ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed & ZX_TIMER_SIGNALED, 0);
    zx_handle_close(t);
}

TEST(TimerTest, CancelClearsSignal) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    ASSERT_OK(zx_timer_set(t, 0, 0));
    ASSERT_TRUE(wait_signals(t, ZX_TIMER_SIGNALED));
    EXPECT_OK(zx_timer_cancel(t));
    EXPECT_EQ(signals_now(t) & ZX_TIMER_SIGNALED, 0);
    // Cancelling an idle timer is fine ("Calling this function before zx_timer_set() has no
    // effect").
    EXPECT_OK(zx_timer_cancel(t));
    zx_handle_close(t);
}

TEST(TimerTest, ResetClearsSignal) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    ASSERT_OK(zx_timer_set(t, 0, 0));
    ASSERT_TRUE(wait_signals(t, ZX_TIMER_SIGNALED));
    // "If a previous call to zx_timer_set() was pending, the previous timer is canceled and
    // ZX_TIMER_SIGNALED is de-asserted as needed."
    zx_time_t deadline = zx_deadline_after(ZX_MSEC(10));
    ASSERT_OK(zx_timer_set(t, deadline, 0));
    EXPECT_EQ(signals_now(t) & ZX_TIMER_SIGNALED, 0);
    EXPECT_TRUE(wait_signals(t, ZX_TIMER_SIGNALED));
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    zx_handle_close(t);
}

TEST(TimerTest, ResetMovesDeadline) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    ASSERT_OK(zx_timer_set(t, zx_deadline_after(ZX_MSEC(5)), 0));
    zx_time_t later = zx_deadline_after(ZX_MSEC(30));
    ASSERT_OK(zx_timer_set(t, later, 0));
    sleep_ms(10);
    EXPECT_EQ(signals_now(t) & ZX_TIMER_SIGNALED, 0);  // the first deadline is gone
    EXPECT_TRUE(wait_signals(t, ZX_TIMER_SIGNALED));
    EXPECT_GE(zx_clock_get_monotonic(), later);
    zx_handle_close(t);
}

TEST(TimerTest, SlackLateNeverFiresEarly) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(ZX_TIMER_SLACK_LATE, ZX_CLOCK_MONOTONIC, &t));
    zx_time_t deadline = zx_deadline_after(ZX_MSEC(20));
    ASSERT_OK(zx_timer_set(t, deadline, ZX_MSEC(10)));
    zx_signals_t observed;
    EXPECT_OK(zx_object_wait_one(t, ZX_TIMER_SIGNALED, zx_deadline_after(LONG_WAIT), &observed));
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    zx_handle_close(t);
}

TEST(TimerTest, SlackEarlyFiresByDeadline) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(ZX_TIMER_SLACK_EARLY, ZX_CLOCK_MONOTONIC, &t));
    zx_time_t deadline = zx_deadline_after(ZX_MSEC(20));
    ASSERT_OK(zx_timer_set(t, deadline, ZX_MSEC(10)));
    zx_signals_t observed;
    EXPECT_OK(zx_object_wait_one(t, ZX_TIMER_SIGNALED, zx_deadline_after(LONG_WAIT), &observed));
    // Allowed from deadline - slack on.
    EXPECT_GE(zx_clock_get_monotonic(), deadline - ZX_MSEC(10));
    zx_handle_close(t);
}

TEST(TimerTest, NegativeSlackOutOfRange) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    EXPECT_STATUS(zx_timer_set(t, zx_deadline_after(ZX_MSEC(1)), -1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_timer_set(t, 0, INT64_MIN), ZX_ERR_OUT_OF_RANGE);
    // Nothing was armed.
    sleep_ms(5);
    EXPECT_EQ(signals_now(t) & ZX_TIMER_SIGNALED, 0);
    zx_handle_close(t);
}

TEST(TimerTest, HandleErrors) {
    zx_handle_t t, ev;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_timer_set(BOGUS_HANDLE, 0, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_timer_cancel(BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
    zx_handle_t weak = dup_rights(t, ZX_RIGHT_WAIT | ZX_RIGHT_DUPLICATE);
    EXPECT_STATUS(zx_timer_set(weak, 0, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_timer_cancel(weak), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    // An event carrying WRITE-less rights fails on rights or type; a VMO has WRITE, so only
    // the type is wrong.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_timer_set(vmo, 0, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_timer_cancel(vmo), ZX_ERR_WRONG_TYPE);
    zx_handle_close(vmo);
    zx_handle_close(ev);
    zx_handle_close(t);
}

TEST(TimerTest, FiresIntoPort) {
    zx_handle_t t, port;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_object_wait_async(t, port, 77, ZX_TIMER_SIGNALED, 0));
    ASSERT_OK(zx_timer_set(t, zx_deadline_after(ZX_MSEC(2)), 0));
    zx_port_packet_t pkt;
    EXPECT_OK(zx_port_wait(port, zx_deadline_after(LONG_WAIT), &pkt));
    EXPECT_EQ(pkt.key, 77);
    EXPECT_EQ(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
    EXPECT_TRUE(pkt.signal.observed & ZX_TIMER_SIGNALED);
    zx_handle_close(port);
    zx_handle_close(t);
}

TEST(TimerTest, ClosingArmedTimer) {
    zx_handle_t t;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t));
    ASSERT_OK(zx_timer_set(t, zx_deadline_after(ZX_MSEC(2)), 0));
    EXPECT_OK(zx_handle_close(t));
    sleep_ms(5);  // the deadline passes with no one left to signal: nothing breaks
}

// ---- nanosleep ----

TEST(TimerTest, NanosleepWaitsUntilDeadline) {
    zx_time_t deadline = zx_deadline_after(ZX_MSEC(10));
    EXPECT_OK(zx_nanosleep(deadline));
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
}

TEST(TimerTest, NanosleepPastDeadlineReturnsAtOnce) {
    zx_time_t before = zx_clock_get_monotonic();
    EXPECT_OK(zx_nanosleep(0));
    EXPECT_OK(zx_nanosleep(ZX_TIME_INFINITE_PAST));
    EXPECT_OK(zx_nanosleep(before - ZX_SEC(1)));
    EXPECT_LT(zx_clock_get_monotonic() - before, ZX_SEC(1));
}

static void long_sleep(void *arg) {
    *(volatile zx_status_t *)arg = zx_nanosleep(ZX_TIME_INFINITE);
}

TEST(TimerTest, NanosleepInfiniteUntilKilled) {
    volatile zx_status_t st = 1;
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "sleeper", long_sleep, (void *)&st));
    EXPECT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_SLEEPING));
    tthread_kill(&t);
    EXPECT_EQ(st, 1);  // it never returned
}
