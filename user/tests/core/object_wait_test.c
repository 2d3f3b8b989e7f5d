// zx_object_wait_one / zx_object_wait_many: deadlines, observed signals, errors.
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

// ---- zx_object_wait_one ----

TEST(ObjectWaitOneTest, AlreadySignaledReturnsAtOnce) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_signals_t observed = 0;
    zx_time_t before = zx_clock_get_monotonic();
    EXPECT_OK(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed));
    EXPECT_LT(zx_clock_get_monotonic() - before, ZX_SEC(1));
    EXPECT_EQ(observed, ZX_EVENT_SIGNALED);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, InfinitePastTimesOutImmediately) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_signals_t observed = 0xffffffffu;
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE_PAST, &observed),
                  ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, 0);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, PastDeadlinesTimeOut) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_signals_t observed;
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, 0, &observed), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, 1, &observed), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED,
                                     zx_clock_get_monotonic() - ZX_MSEC(1), &observed),
                  ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, ShortDeadlineWaitsUntilDeadline) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_signals_t observed;
    zx_time_t deadline = zx_deadline_after(SHORT_WAIT);
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, deadline, &observed),
                  ZX_ERR_TIMED_OUT);
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, ObservedHasAllAssertedSignals) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_5));
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(ev, ZX_USER_SIGNAL_5, ZX_TIME_INFINITE, &observed));
    EXPECT_EQ(observed, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_5);
    // Waiting for a signal that is not asserted reports the others on timeout.
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_USER_SIGNAL_1, 0, &observed), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_5);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, ClearedSignalIsNotObserved) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_2));
    ASSERT_OK(zx_object_signal(ev, ZX_USER_SIGNAL_2, 0));
    zx_signals_t observed = 0;
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_USER_SIGNAL_2, 0, &observed), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, 0);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, NullObservedAllowed) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, 0, NULL), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, NULL));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, BadObservedPointer) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE,
                                     (zx_signals_t *)KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, 0, (zx_signals_t *)UNMAPPED_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitOneTest, BadHandles) {
    zx_signals_t observed;
    EXPECT_STATUS(zx_object_wait_one(BOGUS_HANDLE, ZX_EVENT_SIGNALED, 0, &observed),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_wait_one(ZX_HANDLE_INVALID, ZX_EVENT_SIGNALED, 0, &observed),
                  ZX_ERR_BAD_HANDLE);
}

TEST(ObjectWaitOneTest, NeedsWaitRight) {
    zx_handle_t ev, weak;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    weak = dup_rights(ev, ZX_RIGHT_SIGNAL | ZX_RIGHT_INSPECT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_signals_t observed;
    EXPECT_STATUS(zx_object_wait_one(weak, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}

struct signaler {
    zx_handle_t h;
    zx_signals_t set;
    int64_t delay_ms;
};

static void signal_later_fn(void *arg) {
    struct signaler *s = arg;
    sleep_ms(s->delay_ms);
    zx_object_signal(s->h, 0, s->set);
}

TEST(ObjectWaitOneTest, WokenBySignalFromThread) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    struct signaler s = {.h = ev, .set = ZX_USER_SIGNAL_4, .delay_ms = 3};
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "signaler", signal_later_fn, &s));
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(ev, ZX_USER_SIGNAL_4, zx_deadline_after(ZX_SEC(5)), &observed));
    EXPECT_TRUE(observed & ZX_USER_SIGNAL_4);
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(zx_handle_close(ev));
}

struct closer {
    zx_handle_t h;
    volatile int about_to_wait;
    zx_status_t status;
};

static void wait_then_report_fn(void *arg) {
    struct closer *c = arg;
    zx_signals_t observed;
    __atomic_store_n(&c->about_to_wait, 1, __ATOMIC_RELEASE);
    c->status = zx_object_wait_one(c->h, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE, &observed);
}

TEST(ObjectWaitOneTest, CanceledByClose) {
    // A wait with an infinite deadline ends only because the handle is closed.
    struct closer c = {.status = 1};
    ASSERT_OK(zx_event_create(0, &c.h));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "infinite-waiter", wait_then_report_fn, &c));
    wait_until_blocked(&c.about_to_wait);
    EXPECT_OK(zx_handle_close(c.h));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(c.status, ZX_ERR_CANCELED);
}

// ---- zx_object_wait_many ----

TEST(ObjectWaitManyTest, OneOfManySignaled) {
    zx_handle_t ev[3];
    zx_wait_item_t items[3];
    for (int i = 0; i < 3; i++) {
        ASSERT_OK(zx_event_create(0, &ev[i]));
        items[i] = (zx_wait_item_t){.handle = ev[i], .waitfor = ZX_EVENT_SIGNALED,
                                    .pending = 0xffffffffu};
    }
    ASSERT_OK(zx_object_signal(ev[1], 0, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7));
    EXPECT_OK(zx_object_wait_many(items, 3, ZX_TIME_INFINITE));
    EXPECT_EQ(items[0].pending, 0);
    EXPECT_EQ(items[1].pending, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7);
    EXPECT_EQ(items[2].pending, 0);
    EXPECT_OK(zx_handle_close_many(ev, 3));
}

TEST(ObjectWaitManyTest, NoneSignaledTimesOut) {
    zx_handle_t ev[2];
    zx_wait_item_t items[2];
    for (int i = 0; i < 2; i++) {
        ASSERT_OK(zx_event_create(0, &ev[i]));
        items[i] = (zx_wait_item_t){.handle = ev[i], .waitfor = ZX_EVENT_SIGNALED,
                                    .pending = 0xffffffffu};
    }
    ASSERT_OK(zx_object_signal(ev[0], 0, ZX_USER_SIGNAL_1));
    zx_time_t deadline = zx_deadline_after(SHORT_WAIT);
    EXPECT_STATUS(zx_object_wait_many(items, 2, deadline), ZX_ERR_TIMED_OUT);
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    EXPECT_EQ(items[0].pending, ZX_USER_SIGNAL_1);
    EXPECT_EQ(items[1].pending, 0);
    EXPECT_OK(zx_handle_close_many(ev, 2));
}

TEST(ObjectWaitManyTest, InfinitePastTimesOutImmediately) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_wait_item_t item = {.handle = ev, .waitfor = ZX_EVENT_SIGNALED};
    EXPECT_STATUS(zx_object_wait_many(&item, 1, ZX_TIME_INFINITE_PAST), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_object_wait_many(&item, 1, 0), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    // A satisfied wait succeeds even with a past deadline.
    EXPECT_OK(zx_object_wait_many(&item, 1, ZX_TIME_INFINITE_PAST));
    EXPECT_EQ(item.pending, ZX_EVENT_SIGNALED);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitManyTest, ZeroItemsIsASleep) {
    zx_time_t deadline = zx_deadline_after(SHORT_WAIT);
    EXPECT_STATUS(zx_object_wait_many(NULL, 0, deadline), ZX_ERR_TIMED_OUT);
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
    EXPECT_STATUS(zx_object_wait_many(NULL, 0, ZX_TIME_INFINITE_PAST), ZX_ERR_TIMED_OUT);
}

TEST(ObjectWaitManyTest, TooManyItems) {
    static zx_wait_item_t items[ZX_WAIT_MANY_MAX_ITEMS + 1];
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    for (size_t i = 0; i <= ZX_WAIT_MANY_MAX_ITEMS; i++)
        items[i] = (zx_wait_item_t){.handle = ev, .waitfor = ZX_EVENT_SIGNALED};
    EXPECT_STATUS(zx_object_wait_many(items, ZX_WAIT_MANY_MAX_ITEMS + 1, 0), ZX_ERR_OUT_OF_RANGE);
    // Exactly the maximum is fine (the same handle many times, too).
    EXPECT_OK(zx_object_wait_many(items, ZX_WAIT_MANY_MAX_ITEMS, 0));
    EXPECT_EQ(items[ZX_WAIT_MANY_MAX_ITEMS - 1].pending, ZX_EVENT_SIGNALED);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitManyTest, BadHandleInItems) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_wait_item_t items[2] = {{.handle = ev, .waitfor = ZX_EVENT_SIGNALED},
                               {.handle = BOGUS_HANDLE, .waitfor = ZX_EVENT_SIGNALED}};
    EXPECT_STATUS(zx_object_wait_many(items, 2, 0), ZX_ERR_BAD_HANDLE);
    items[1].handle = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_object_wait_many(items, 2, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitManyTest, NeedsWaitRight) {
    zx_handle_t ev, weak;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_INSPECT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_wait_item_t items[2] = {{.handle = ev, .waitfor = ZX_EVENT_SIGNALED},
                               {.handle = weak, .waitfor = ZX_EVENT_SIGNALED}};
    EXPECT_STATUS(zx_object_wait_many(items, 2, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectWaitManyTest, BadItemsPointer) {
    EXPECT_STATUS(zx_object_wait_many(NULL, 1, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_wait_many((zx_wait_item_t *)KERNEL_PTR, 1, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_wait_many((zx_wait_item_t *)UNMAPPED_PTR, 2, 0),
                  ZX_ERR_INVALID_ARGS);
}

TEST(ObjectWaitManyTest, WokenBySignalFromThread) {
    zx_handle_t ev[2];
    ASSERT_OK(zx_event_create(0, &ev[0]));
    ASSERT_OK(zx_event_create(0, &ev[1]));
    zx_wait_item_t items[2] = {{.handle = ev[0], .waitfor = ZX_USER_SIGNAL_0},
                               {.handle = ev[1], .waitfor = ZX_USER_SIGNAL_0}};
    struct signaler s = {.h = ev[1], .set = ZX_USER_SIGNAL_0, .delay_ms = 3};
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "signaler", signal_later_fn, &s));
    EXPECT_OK(zx_object_wait_many(items, 2, zx_deadline_after(ZX_SEC(5))));
    EXPECT_EQ(items[0].pending, 0);
    EXPECT_TRUE(items[1].pending & ZX_USER_SIGNAL_0);
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(zx_handle_close_many(ev, 2));
}

struct many_closer {
    zx_handle_t h[2];
    volatile int about_to_wait;
    zx_status_t status;
};

static void wait_many_report_fn(void *arg) {
    struct many_closer *c = arg;
    zx_wait_item_t items[2] = {{.handle = c->h[0], .waitfor = ZX_USER_SIGNAL_0},
                               {.handle = c->h[1], .waitfor = ZX_USER_SIGNAL_0}};
    __atomic_store_n(&c->about_to_wait, 1, __ATOMIC_RELEASE);
    c->status = zx_object_wait_many(items, 2, ZX_TIME_INFINITE);
}

TEST(ObjectWaitManyTest, CanceledByClosingOneHandle) {
    struct many_closer c = {.status = 1};
    ASSERT_OK(zx_event_create(0, &c.h[0]));
    ASSERT_OK(zx_event_create(0, &c.h[1]));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "many-waiter", wait_many_report_fn, &c));
    wait_until_blocked(&c.about_to_wait);
    EXPECT_OK(zx_handle_close(c.h[1]));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(c.status, ZX_ERR_CANCELED);
    EXPECT_OK(zx_handle_close(c.h[0]));
}

TEST(ObjectWaitManyTest, DifferentObjectTypes) {
    zx_handle_t ev, a, b;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_write(b, 0, "x", 1, NULL, 0));
    zx_wait_item_t items[2] = {{.handle = ev, .waitfor = ZX_EVENT_SIGNALED},
                               {.handle = a, .waitfor = ZX_CHANNEL_READABLE}};
    EXPECT_OK(zx_object_wait_many(items, 2, 0));
    EXPECT_EQ(items[0].pending, 0);
    EXPECT_EQ(items[1].pending, ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ev, a, b}, 3));
}
