// Event pairs: creation, signalling self and peer, PEER_CLOSED, rights.
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

TEST(EventPairTest, Create) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    EXPECT_EQ(handle_type(a), ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_EQ(handle_type(b), ZX_OBJ_TYPE_EVENTPAIR);
    // "The newly-created handles will have the ZX_RIGHT_TRANSFER, ZX_RIGHT_DUPLICATE,
    // ZX_RIGHT_READ, ZX_RIGHT_WRITE, ZX_RIGHT_SIGNAL, and ZX_RIGHT_SIGNAL_PEER rights" -- the
    // sentence is older than ZX_DEFAULT_EVENTPAIR_RIGHTS (basic rights, SIGNAL, SIGNAL_PEER),
    // which is what <zircon/rights.h> and Zircon's kernel give; we check the documented ones
    // that matter for the calls below.
    zx_rights_t r = handle_rights(a);
    EXPECT_EQ(r & (ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_SIGNAL |
                   ZX_RIGHT_SIGNAL_PEER | ZX_RIGHT_WAIT),
              ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER |
                  ZX_RIGHT_WAIT);
    EXPECT_EQ(signals_now(a), 0);
    EXPECT_EQ(signals_now(b), 0);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(EventPairTest, CreateBadArgs) {
    zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
    // "ZX_ERR_NOT_SUPPORTED options has an unsupported flag set (i.e., is not 0)".
    EXPECT_STATUS(zx_eventpair_create(1, &a, &b), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_eventpair_create(0, NULL, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_eventpair_create(0, &a, (zx_handle_t *)KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(a, ZX_HANDLE_INVALID);
}

TEST(EventPairTest, SignalSelf) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    EXPECT_OK(zx_object_signal(a, 0, ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_3));
    EXPECT_EQ(signals_now(a), ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_3);
    EXPECT_EQ(signals_now(b), 0);
    EXPECT_OK(zx_object_signal(a, ZX_EVENTPAIR_SIGNALED, 0));
    EXPECT_EQ(signals_now(a), ZX_USER_SIGNAL_3);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(EventPairTest, SignalPeer) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    EXPECT_OK(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_SIGNALED));
    EXPECT_EQ(signals_now(b), ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_SIGNALED);
    EXPECT_EQ(signals_now(a), 0);
    EXPECT_OK(zx_object_signal_peer(b, 0, ZX_USER_SIGNAL_1));
    EXPECT_EQ(signals_now(a), ZX_USER_SIGNAL_1);
    EXPECT_OK(zx_object_signal_peer(a, ZX_USER_SIGNAL_0, 0));
    EXPECT_EQ(signals_now(b), ZX_EVENTPAIR_SIGNALED);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(EventPairTest, SetAndClearTogether) {
    // Clearing happens before setting, so a bit in both masks ends up set.
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    EXPECT_OK(zx_object_signal(a, 0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1));
    EXPECT_OK(zx_object_signal(a, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1, ZX_USER_SIGNAL_1));
    EXPECT_EQ(signals_now(a), ZX_USER_SIGNAL_1);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(EventPairTest, KernelSignalsNotSettable) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    EXPECT_STATUS(zx_object_signal(a, 0, ZX_EVENTPAIR_PEER_CLOSED), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal_peer(a, 0, ZX_EVENTPAIR_PEER_CLOSED), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(a, ZX_EVENTPAIR_PEER_CLOSED, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_now(a), 0);
    EXPECT_EQ(signals_now(b), 0);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(EventPairTest, PeerClosed) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    ASSERT_OK(zx_object_signal(a, 0, ZX_USER_SIGNAL_5));
    EXPECT_OK(zx_handle_close(b));
    // "When all the handles to one of the objects have been closed, the
    // ZX_EVENTPAIR_PEER_CLOSED signal will be asserted on the opposing object."
    EXPECT_EQ(signals_now(a), ZX_EVENTPAIR_PEER_CLOSED | ZX_USER_SIGNAL_5);
    EXPECT_STATUS(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0), ZX_ERR_PEER_CLOSED);
    // Signalling itself still works.
    EXPECT_OK(zx_object_signal(a, ZX_USER_SIGNAL_5, ZX_USER_SIGNAL_6));
    EXPECT_EQ(signals_now(a), ZX_EVENTPAIR_PEER_CLOSED | ZX_USER_SIGNAL_6);
    EXPECT_OK(zx_handle_close(a));
}

TEST(EventPairTest, PeerClosedOnlyWithLastHandle) {
    zx_handle_t a, b, b2;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    ASSERT_OK(zx_handle_duplicate(b, ZX_RIGHT_SAME_RIGHTS, &b2));
    EXPECT_OK(zx_handle_close(b));
    EXPECT_FALSE(signals_now(a) & ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(b2));
    EXPECT_TRUE(signals_now(a) & ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
}

TEST(EventPairTest, NeedsRights) {
    zx_handle_t a, b, no_signal, no_peer;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    no_signal = dup_rights(a, ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL_PEER);
    no_peer = dup_rights(a, ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL);
    ASSERT_NE(no_signal, ZX_HANDLE_INVALID);
    ASSERT_NE(no_peer, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_object_signal(no_signal, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_signal_peer(no_signal, 0, ZX_USER_SIGNAL_0));
    EXPECT_STATUS(zx_object_signal_peer(no_peer, 0, ZX_USER_SIGNAL_1), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_signal(no_peer, 0, ZX_USER_SIGNAL_1));
    EXPECT_EQ(signals_now(a), ZX_USER_SIGNAL_1);
    EXPECT_EQ(signals_now(b), ZX_USER_SIGNAL_0);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){no_signal, no_peer, a, b}, 4));
}

TEST(EventPairTest, SignalPeerOnObjectWithoutPeer) {
    // zx_object_signal_peer: "ZX_ERR_NOT_SUPPORTED Used on an object lacking a peer". An event
    // handle lacks ZX_RIGHT_SIGNAL_PEER by default, so rights decide first; a VMO likewise.
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_signal_peer(ev, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_signal_peer(BOGUS_HANDLE, 0, ZX_USER_SIGNAL_0), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(ev));
}

struct ep_waiter {
    zx_handle_t h;
    zx_signals_t want;
    volatile int about_to_wait;
    zx_status_t status;
    zx_signals_t observed;
};

static void ep_wait_fn(void *arg) {
    struct ep_waiter *w = arg;
    __atomic_store_n(&w->about_to_wait, 1, __ATOMIC_RELEASE);
    w->status = zx_object_wait_one(w->h, w->want, zx_deadline_after(ZX_SEC(5)), &w->observed);
}

TEST(EventPairTest, PeerSignalWakesWaiter) {
    zx_handle_t a;
    struct ep_waiter w = {.want = ZX_USER_SIGNAL_4, .status = 1};
    ASSERT_OK(zx_eventpair_create(0, &a, &w.h));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "ep-waiter", ep_wait_fn, &w));
    wait_until_blocked(&w.about_to_wait);
    EXPECT_OK(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_4));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_EQ(w.observed, ZX_USER_SIGNAL_4);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(w.h));
}

TEST(EventPairTest, PeerCloseWakesWaiter) {
    zx_handle_t a;
    struct ep_waiter w = {.want = ZX_EVENTPAIR_PEER_CLOSED, .status = 1};
    ASSERT_OK(zx_eventpair_create(0, &a, &w.h));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "ep-waiter", ep_wait_fn, &w));
    wait_until_blocked(&w.about_to_wait);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_EQ(w.observed, ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(w.h));
}

TEST(EventPairTest, CloseWhileWaitingCancels) {
    zx_handle_t a;
    struct ep_waiter w = {.want = ZX_USER_SIGNAL_0, .status = 1};
    ASSERT_OK(zx_eventpair_create(0, &a, &w.h));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "ep-waiter", ep_wait_fn, &w));
    wait_until_blocked(&w.about_to_wait);
    EXPECT_OK(zx_handle_close(w.h));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_STATUS(w.status, ZX_ERR_CANCELED);
    // Closing our end is a peer close for the other.
    EXPECT_TRUE(signals_now(a) & ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(a));
}
