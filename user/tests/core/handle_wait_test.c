// Waiting through handles from a second thread: wake-ups, cancellation by close, several
// waiters, waits on threads and channel peers.
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

struct waiter {
    zx_handle_t h;
    zx_signals_t want;
    zx_time_t deadline;
    volatile int about_to_wait;
    zx_status_t status;
    zx_signals_t observed;
};

static void wait_one_fn(void *arg) {
    struct waiter *w = arg;
    __atomic_store_n(&w->about_to_wait, 1, __ATOMIC_RELEASE);
    w->status = zx_object_wait_one(w->h, w->want, w->deadline, &w->observed);
}

static void wait_many_fn(void *arg) {
    struct waiter *w = arg;
    zx_wait_item_t items[1] = {{.handle = w->h, .waitfor = w->want}};
    __atomic_store_n(&w->about_to_wait, 1, __ATOMIC_RELEASE);
    w->status = zx_object_wait_many(items, 1, w->deadline);
    w->observed = items[0].pending;
}

static zx_status_t start_waiter(struct core_thread *t, struct waiter *w, void (*fn)(void *)) {
    w->status = 1;
    w->observed = 0;
    w->about_to_wait = 0;
    if (!w->deadline)
        w->deadline = zx_deadline_after(ZX_SEC(5));
    zx_status_t st = core_thread_start(t, "waiter", fn, w);
    if (st == ZX_OK)
        wait_until_blocked(&w->about_to_wait);
    return st;
}

TEST(HandleWaitTest, SignalFromMainWakesWaiter) {
    struct waiter w = {.want = ZX_USER_SIGNAL_1};
    ASSERT_OK(zx_event_create(0, &w.h));
    struct core_thread t;
    ASSERT_OK(start_waiter(&t, &w, wait_one_fn));
    EXPECT_EQ(w.status, 1);  // still blocked
    ASSERT_OK(zx_object_signal(w.h, 0, ZX_USER_SIGNAL_1));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_TRUE(w.observed & ZX_USER_SIGNAL_1);
    EXPECT_OK(zx_handle_close(w.h));
}

TEST(HandleWaitTest, CloseCancelsWaitOne) {
    struct waiter w = {.want = ZX_USER_SIGNAL_0};
    ASSERT_OK(zx_event_create(0, &w.h));
    struct core_thread t;
    ASSERT_OK(start_waiter(&t, &w, wait_one_fn));
    EXPECT_OK(zx_handle_close(w.h));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(w.status, ZX_ERR_CANCELED);
}

TEST(HandleWaitTest, CloseCancelsWaitMany) {
    struct waiter w = {.want = ZX_USER_SIGNAL_0};
    ASSERT_OK(zx_event_create(0, &w.h));
    struct core_thread t;
    ASSERT_OK(start_waiter(&t, &w, wait_many_fn));
    EXPECT_OK(zx_handle_close(w.h));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(w.status, ZX_ERR_CANCELED);
}

TEST(HandleWaitTest, ClosingAnotherHandleDoesNotCancel) {
    // Cancellation follows the handle waited through, not the object.
    struct waiter w = {.want = ZX_USER_SIGNAL_0};
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    w.h = ev;
    struct core_thread t;
    ASSERT_OK(start_waiter(&t, &w, wait_one_fn));
    EXPECT_OK(zx_handle_close(dup));
    sleep_ms(2);
    EXPECT_EQ(w.status, 1);  // still waiting
    ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleWaitTest, PeerClosedWakesWaiter) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    struct waiter w = {.h = a, .want = ZX_CHANNEL_PEER_CLOSED};
    struct core_thread t;
    ASSERT_OK(start_waiter(&t, &w, wait_one_fn));
    EXPECT_OK(zx_handle_close(b));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_TRUE(w.observed & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
}

TEST(HandleWaitTest, WaiterTimesOut) {
    struct waiter w = {.want = ZX_USER_SIGNAL_0};
    ASSERT_OK(zx_event_create(0, &w.h));
    w.deadline = zx_deadline_after(SHORT_WAIT);
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "waiter", wait_one_fn, &w));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(w.status, ZX_ERR_TIMED_OUT);
    EXPECT_GE(zx_clock_get_monotonic(), w.deadline);
    EXPECT_OK(zx_handle_close(w.h));
}

TEST(HandleWaitTest, AllWaitersWoken) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    struct waiter w[3];
    struct core_thread t[3];
    for (int i = 0; i < 3; i++) {
        w[i] = (struct waiter){.h = ev, .want = ZX_EVENT_SIGNALED};
        ASSERT_OK(start_waiter(&t[i], &w[i], wait_one_fn));
    }
    ASSERT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    for (int i = 0; i < 3; i++) {
        EXPECT_OK(core_thread_join(&t[i]));
        EXPECT_OK(w[i].status);
        EXPECT_TRUE(w[i].observed & ZX_EVENT_SIGNALED);
    }
    EXPECT_OK(zx_handle_close(ev));
}

static void exit_soon_fn(void *arg) {
    (void)arg;
    sleep_ms(2);
}

TEST(HandleWaitTest, ThreadTerminatedSignal) {
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "short-lived", exit_soon_fn, NULL));
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(t.handle, ZX_THREAD_TERMINATED, zx_deadline_after(ZX_SEC(5)),
                                 &observed));
    EXPECT_TRUE(observed & ZX_THREAD_TERMINATED);
    EXPECT_OK(core_thread_join(&t));
}
