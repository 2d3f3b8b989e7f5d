// The object base: references, signals, observers (objects/kobj.c), and the simple objects.
#include <zircon/rights.h>

#include "kernel/heap.h"
#include "objects/handle.h"
#include "objects/kobj.h"
#include "objects/event.h"
#include "objects/eventpair.h"
#include "tests/host/ktest.h"

static int destroyed;
static void static_destroy(struct kobj *o) { destroyed++; }
static const struct kobj_ops static_ops = {.destroy = static_destroy};

TEST(Kobj, InitSetsTheBasics) {
    struct kobj a, b;
    uint64_t live = kobj_live[ZX_OBJ_TYPE_EVENT];
    kobj_init(&a, ZX_OBJ_TYPE_EVENT, &static_ops);
    kobj_init(&b, ZX_OBJ_TYPE_EVENT, &static_ops);
    EXPECT_EQ(a.refcount, 1);
    EXPECT_EQ(a.handle_count, 0);
    EXPECT_EQ(a.signals, 0);
    EXPECT_GE(a.koid, 1024);
    EXPECT_GT(b.koid, a.koid);
    EXPECT_EQ(a.name[0], 0);
    EXPECT_TRUE(list_empty(&a.observers));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENT], live + 2);
    destroyed = 0;
    kobj_unref(&a);
    kobj_unref(&b);
    EXPECT_EQ(destroyed, 2);
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENT], live);
}

TEST(Kobj, DestroyedAtTheLastReferenceOnly) {
    struct kobj a;
    kobj_init(&a, ZX_OBJ_TYPE_EVENT, &static_ops);
    destroyed = 0;
    kobj_ref(&a);
    kobj_ref(&a);
    kobj_unref(&a);
    kobj_unref(&a);
    EXPECT_EQ(destroyed, 0);
    kobj_unref(&a);
    EXPECT_EQ(destroyed, 1);
}

TEST(Kobj, UnrefPastZeroAsserts) {
    struct kobj a;
    kobj_init(&a, ZX_OBJ_TYPE_EVENT, &static_ops);
    kobj_unref(&a);
    EXPECT_PANIC(kobj_unref(&a));
}

TEST(Kobj, InitOfAnImpossibleTypeAsserts) {
    struct kobj a;
    EXPECT_PANIC(kobj_init(&a, KOBJ_TYPE_COUNT, &static_ops));
}

struct rec {
    struct observer ob;
    int calls;
    zx_signals_t seen;
    bool remove_self;
};
static void rec_signal(struct observer *ob, zx_signals_t s) {
    struct rec *r = (struct rec *)ob;
    r->calls++;
    r->seen = s;
    if (r->remove_self) kobj_unobserve(ob);
}
static void rec_cancel(struct observer *ob) {
    ((struct rec *)ob)->calls += 100;
    kobj_unobserve(ob);
}

// Chains of objects where each destroy drops the last reference of the next one, or each
// on_zero_handles releases the last handle of the next one (a channel carried in a channel):
// the reaper runs them one after the other, never nested, in chain order.
#define CHAIN 1000
static struct kobj chain[CHAIN];
static int chain_depth, chain_max_depth, chain_destroyed, chain_zero;
static bool chain_by_handles;
static int chain_index(struct kobj *o) { return (int)(o - chain); }
static void chain_destroy(struct kobj *o) {
    if (++chain_depth > chain_max_depth) chain_max_depth = chain_depth;
    int i = chain_index(o);
    EXPECT_EQ(i, chain_destroyed);  // in order
    chain_destroyed++;
    if (!chain_by_handles && i + 1 < CHAIN) kobj_unref(&chain[i + 1]);
    chain_depth--;
}
static void chain_zero_handles(struct kobj *o) {
    if (++chain_depth > chain_max_depth) chain_max_depth = chain_depth;
    chain_zero++;
    int i = chain_index(o);
    if (chain_by_handles && i + 1 < CHAIN) handle_release(&chain[i + 1]);
    chain_depth--;
}
static const struct kobj_ops chain_ops = {.on_zero_handles = chain_zero_handles, .destroy = chain_destroy};

static void run_chain(bool by_handles) {
    chain_by_handles = by_handles;
    for (int i = 0; i < CHAIN; i++) {
        kobj_init(&chain[i], ZX_OBJ_TYPE_CHANNEL, &chain_ops);
        if (by_handles) chain[i].handle_count = 1;  // the creation reference is the handle's
    }
    chain_depth = chain_max_depth = chain_destroyed = chain_zero = 0;
    if (by_handles) handle_release(&chain[0]);
    else kobj_unref(&chain[0]);
    EXPECT_EQ(chain_zero, by_handles ? CHAIN : 0);
    EXPECT_EQ(chain_destroyed, CHAIN);
    EXPECT_EQ(chain_max_depth, 1);
}

TEST(Kobj, NestedDestroysAreQueuedNotRecursive) { run_chain(false); }
TEST(Kobj, NestedLastHandlesAreQueuedNotRecursive) { run_chain(true); }

TEST(Kobj, ObserversFireOnMatchingChangesOnly) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct rec r = {.ob = {.trigger = ZX_USER_SIGNAL_0, .on_signal = rec_signal, .on_cancel = rec_cancel}};
    kobj_observe(e, &r.ob);
    EXPECT_EQ((uintptr_t)r.ob.obj, (uintptr_t)e);
    kobj_signal(e, 0, ZX_USER_SIGNAL_1);
    EXPECT_EQ(r.calls, 0);
    kobj_signal(e, 0, ZX_USER_SIGNAL_0);
    EXPECT_EQ(r.calls, 1);
    EXPECT_EQ(r.seen, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1);
    kobj_signal(e, 0, ZX_USER_SIGNAL_0);  // no change: no call
    EXPECT_EQ(r.calls, 1);
    kobj_signal(e, ZX_USER_SIGNAL_1, 0);  // a change, trigger still asserted: called again
    EXPECT_EQ(r.calls, 2);
    EXPECT_EQ(r.seen, ZX_USER_SIGNAL_0);
    kobj_signal(e, ZX_USER_SIGNAL_0, 0);  // trigger deasserted
    EXPECT_EQ(r.calls, 2);
    EXPECT_EQ(e->signals, 0);
    kobj_unobserve(&r.ob);
    kobj_unobserve(&r.ob);  // twice is harmless
    kobj_unref(e);
}

TEST(Kobj, ObserverMayRemoveItselfDuringNotification) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct rec a = {.ob = {.trigger = ZX_EVENT_SIGNALED, .on_signal = rec_signal}, .remove_self = true};
    struct rec b = {.ob = {.trigger = ZX_EVENT_SIGNALED, .on_signal = rec_signal}, .remove_self = true};
    struct rec c = {.ob = {.trigger = ZX_EVENT_SIGNALED, .on_signal = rec_signal}};
    kobj_observe(e, &a.ob);
    kobj_observe(e, &b.ob);
    kobj_observe(e, &c.ob);
    kobj_signal(e, 0, ZX_EVENT_SIGNALED);
    EXPECT_EQ(a.calls, 1);
    EXPECT_EQ(b.calls, 1);
    EXPECT_EQ(c.calls, 1);
    kobj_signal(e, ZX_EVENT_SIGNALED, 0);
    kobj_signal(e, 0, ZX_EVENT_SIGNALED);
    EXPECT_EQ(a.calls, 1);
    EXPECT_EQ(b.calls, 1);
    EXPECT_EQ(c.calls, 2);
    kobj_unobserve(&c.ob);
    EXPECT_TRUE(list_empty(&e->observers));
    kobj_unref(e);
}

TEST(Kobj, CancelHandleMatchesOwnerAndValue) {
    static int p1, p2;
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct rec a = {.ob = {.trigger = 1, .owner = &p1, .handle = 0x13, .on_signal = rec_signal, .on_cancel = rec_cancel}};
    struct rec b = a, c = a, d = a;
    b.ob.handle = 0x17;
    c.ob.owner = &p2;
    d.ob.on_cancel = NULL;  // an observer that cannot be canceled is left alone
    kobj_observe(e, &a.ob);
    kobj_observe(e, &b.ob);
    kobj_observe(e, &c.ob);
    kobj_observe(e, &d.ob);
    kobj_cancel_handle(e, &p1, 0x13);
    EXPECT_EQ(a.calls, 100);
    EXPECT_EQ(b.calls, 0);
    EXPECT_EQ(c.calls, 0);
    EXPECT_EQ(d.calls, 0);
    kobj_unobserve(&b.ob);
    kobj_unobserve(&c.ob);
    kobj_unobserve(&d.ob);
    kobj_unref(e);
}

TEST(Kobj, LastUnrefWithObserversAsserts) {
    struct kobj a;
    kobj_init(&a, ZX_OBJ_TYPE_EVENT, &static_ops);
    struct rec r = {.ob = {.trigger = 1, .on_signal = rec_signal}};
    kobj_observe(&a, &r.ob);
    EXPECT_PANIC(kobj_unref(&a));
}

TEST(Eventpair, LastHandleSignalsPeerClosed) {
    static int owner;
    struct handle_table ht;
    handle_table_init(&ht, &owner);
    struct kobj *a, *b;
    ASSERT_OK(eventpair_create(&a, &b));
    EXPECT_EQ((uintptr_t)a->peer, (uintptr_t)b);
    EXPECT_EQ((uintptr_t)b->peer, (uintptr_t)a);
    zx_handle_t ha, hb;
    ASSERT_OK(handle_add(&ht, a, ZX_DEFAULT_EVENTPAIR_RIGHTS, &ha));
    ASSERT_OK(handle_add(&ht, b, ZX_DEFAULT_EVENTPAIR_RIGHTS, &hb));
    kobj_unref(a);
    kobj_unref(b);
    struct rec r = {.ob = {.trigger = ZX_EVENTPAIR_PEER_CLOSED, .on_signal = rec_signal}, .remove_self = true};
    kobj_observe(b, &r.ob);
    uint64_t live = kobj_live[ZX_OBJ_TYPE_EVENTPAIR];
    ASSERT_OK(handle_close(&ht, ha));
    EXPECT_EQ(r.calls, 1);
    EXPECT_TRUE(b->signals & ZX_EVENTPAIR_PEER_CLOSED);
    EXPECT_EQ((uintptr_t)b->peer, 0);
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENTPAIR], live - 1);  // a is gone already
    ASSERT_OK(handle_close(&ht, hb));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENTPAIR], live - 2);
    handle_table_destroy(&ht);
}

TEST(Event, CreateAndSignal) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    EXPECT_EQ(e->type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(e->signals, 0);
    kobj_signal(e, 0, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7);
    EXPECT_EQ(e->signals, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7);
    kobj_signal(e, ZX_EVENT_SIGNALED, 0);
    EXPECT_EQ(e->signals, ZX_USER_SIGNAL_7);
    kobj_unref(e);
}
