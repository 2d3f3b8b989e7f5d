// Channels at the object level (objects/channel.c): queues, signals, peer closure, and the
// handles that travel inside messages.
#include <string.h>
#include <zircon/rights.h>

#include "objects/channel.h"
#include "objects/handle.h"
#include "objects/event.h"
#include "tests/host/ktest.h"

static int owner;

struct pair {
    struct handle_table ht;
    struct channel *a, *b;
    zx_handle_t ha, hb;
};

static zx_status_t pair_new(struct pair *p) {
    handle_table_init(&p->ht, &owner);
    zx_status_t st = channel_create_pair(&p->a, &p->b);
    if (st != ZX_OK) return st;
    // Channels live by their handles, as in user space.
    if (handle_add(&p->ht, &p->a->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &p->ha) != ZX_OK ||
        handle_add(&p->ht, &p->b->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &p->hb) != ZX_OK)
        return ZX_ERR_NO_MEMORY;
    kobj_unref(&p->a->obj);
    kobj_unref(&p->b->obj);
    return ZX_OK;
}

static struct message *msg(const char *text, uint32_t nh) {
    struct message *m = message_alloc((uint32_t)strlen(text) + 1, nh);
    if (!m) return NULL;
    memcpy(m->data, text, m->num_bytes);
    for (uint32_t i = 0; i < nh; i++) m->handles[i].obj = NULL;
    return m;
}

// Sends the end named hx (of table t) in a message through w, to w's peer's queue.
static zx_status_t send_end(struct handle_table *t, zx_handle_t hx, struct channel *w) {
    struct message *m = msg("an end", 1);
    if (!m) return ZX_ERR_NO_MEMORY;
    zx_status_t st = handle_take(t, hx, &m->handles[0].obj, &m->handles[0].rights);
    if (st == ZX_OK) st = channel_send(w, m);
    return st;
}

TEST(Channel, CreatedWritableAndPeered) {
    struct pair p;
    ASSERT_OK(pair_new(&p));
    EXPECT_EQ(p.a->obj.signals, ZX_CHANNEL_WRITABLE);
    EXPECT_EQ(p.b->obj.signals, ZX_CHANNEL_WRITABLE);
    EXPECT_EQ((uintptr_t)p.a->obj.peer, (uintptr_t)&p.b->obj);
    EXPECT_EQ(p.a->obj.peer_koid, p.b->obj.koid);
    EXPECT_EQ((uintptr_t)channel_peek(p.a), 0);
    handle_table_destroy(&p.ht);
}

TEST(Channel, MessagesQueueInOrderAndSignalReadable) {
    struct pair p;
    ASSERT_OK(pair_new(&p));
    const char *texts[] = {"one", "two", "three"};
    for (int i = 0; i < 3; i++) ASSERT_OK(channel_send(p.a, msg(texts[i], 0)));
    EXPECT_EQ(p.b->count, 3);
    EXPECT_TRUE(p.b->obj.signals & ZX_CHANNEL_READABLE);
    EXPECT_FALSE(p.a->obj.signals & ZX_CHANNEL_READABLE);  // sent to the peer, not to itself
    for (int i = 0; i < 3; i++) {
        struct message *m = channel_peek(p.b);
        ASSERT_NOT_NULL(m);
        EXPECT_EQ(strcmp((char *)m->data, texts[i]), 0);
        channel_pop(p.b);
        message_free(m);
        EXPECT_EQ(!!(p.b->obj.signals & ZX_CHANNEL_READABLE), i < 2);
    }
    EXPECT_EQ((uintptr_t)channel_peek(p.b), 0);
    handle_table_destroy(&p.ht);
}

TEST(Channel, ClosingAnEndSignalsPeerClosed) {
    struct pair p;
    ASSERT_OK(pair_new(&p));
    ASSERT_OK(channel_send(p.b, msg("to a", 0)));  // queued on a: dies with a
    ASSERT_OK(channel_send(p.a, msg("to b", 0)));  // queued on b: still readable after
    ASSERT_OK(handle_close(&p.ht, p.ha));
    EXPECT_TRUE(p.b->obj.signals & ZX_CHANNEL_PEER_CLOSED);
    EXPECT_FALSE(p.b->obj.signals & ZX_CHANNEL_WRITABLE);
    EXPECT_TRUE(p.b->obj.signals & ZX_CHANNEL_READABLE);
    EXPECT_EQ((uintptr_t)p.b->obj.peer, 0);
    EXPECT_NE(p.b->obj.peer_koid, 0);  // the koid outlives the peer
    struct message *m = msg("lost", 0);
    EXPECT_STATUS(channel_send(p.b, m), ZX_ERR_PEER_CLOSED);
    message_free(m);  // untouched by the failed send: still ours
    ASSERT_NOT_NULL(channel_peek(p.b));
    EXPECT_EQ(strcmp((char *)channel_peek(p.b)->data, "to b"), 0);
    handle_table_destroy(&p.ht);
}

// Handles inside undelivered messages are released when the channel goes away.
TEST(Channel, HandlesInMessagesReleasedOnClose) {
    struct pair p;
    ASSERT_OK(pair_new(&p));
    uint64_t events = kobj_live[ZX_OBJ_TYPE_EVENT];
    struct message *m = msg("with handles", 3);
    for (int i = 0; i < 3; i++) {
        struct kobj *e;
        ASSERT_OK(event_create(&e));
        zx_handle_t h;
        ASSERT_OK(handle_add(&p.ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h));
        kobj_unref(e);
        ASSERT_OK(handle_take(&p.ht, h, &m->handles[i].obj, &m->handles[i].rights));
    }
    ASSERT_OK(channel_send(p.a, m));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENT], events + 3);
    // A channel end inside a message on the other channel: closing that one frees it all.
    struct pair q;
    ASSERT_OK(pair_new(&q));
    struct message *carrier = msg("carries b", 1);
    ASSERT_OK(handle_take(&p.ht, p.hb, &carrier->handles[0].obj, &carrier->handles[0].rights));
    ASSERT_OK(channel_send(q.a, carrier));
    ASSERT_OK(handle_close(&p.ht, p.ha));  // a is gone; b lives on inside q
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENT], events + 3);
    handle_table_destroy(&q.ht);  // q.b's queue held b, which held the events
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENT], events);
    handle_table_destroy(&p.ht);
}

// An end written into its own queue (through its peer), whose peer then closes: no reader can
// reach it, so it goes, with its messages, instead of keeping itself alive.
TEST(Channel, EndInsideItsOwnQueueGoesWhenItsPeerCloses) {
    struct pair p;
    ASSERT_OK(pair_new(&p));
    uint64_t chans = kobj_live[ZX_OBJ_TYPE_CHANNEL];
    ASSERT_OK(send_end(&p.ht, p.hb, p.a));  // on b's own queue
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans);
    ASSERT_OK(handle_close(&p.ht, p.ha));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 2);
    handle_table_destroy(&p.ht);
}

// The same when the peer closes first and the end's last handle outside its queue goes later.
TEST(Channel, EndInsideItsOwnQueueGoesWithItsLastOutsideHandle) {
    struct pair p;
    ASSERT_OK(pair_new(&p));
    uint64_t chans = kobj_live[ZX_OBJ_TYPE_CHANNEL];
    zx_handle_t hb2;
    ASSERT_OK(handle_add(&p.ht, &p.b->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &hb2));
    ASSERT_OK(send_end(&p.ht, p.hb, p.a));
    ASSERT_OK(handle_close(&p.ht, p.ha));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 1);  // b is still readable through hb2
    EXPECT_EQ(p.b->count, 1);
    ASSERT_OK(handle_close(&p.ht, hb2));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 2);
    handle_table_destroy(&p.ht);
}

// An end whose own queue holds one of its handles while another is on a queue someone can
// still read stays; it goes with that queue.
TEST(Channel, EndInsideItsOwnQueueStaysWhileReachable) {
    struct pair p, q;
    ASSERT_OK(pair_new(&p));
    ASSERT_OK(pair_new(&q));
    uint64_t chans = kobj_live[ZX_OBJ_TYPE_CHANNEL];
    zx_handle_t hb2;
    ASSERT_OK(handle_add(&p.ht, &p.b->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &hb2));
    ASSERT_OK(send_end(&p.ht, p.hb, p.a));  // on b's own queue
    ASSERT_OK(send_end(&p.ht, hb2, q.a));   // on q.b's queue
    ASSERT_OK(handle_close(&p.ht, p.ha));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 1);
    handle_table_destroy(&q.ht);  // q.b's queue held b's other handle
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 4);
    handle_table_destroy(&p.ht);
}

// Two ends written into each other's queues, then both peers closed: neither can be read any
// more, so both go; and the same for a ring of three.
TEST(Channel, EndsInsideEachOthersQueuesGoWhenThePeersClose) {
    for (int ring = 2; ring <= 3; ring++) {
        struct pair p[3];
        for (int i = 0; i < ring; i++) ASSERT_OK(pair_new(&p[i]));
        uint64_t chans = kobj_live[ZX_OBJ_TYPE_CHANNEL];
        // p[i].b goes onto p[i+1].b's queue (written through p[i+1].a).
        for (int i = 0; i < ring; i++) ASSERT_OK(send_end(&p[i].ht, p[i].hb, p[(i + 1) % ring].a));
        for (int i = 0; i < ring; i++) {
            EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - (uint64_t)i);
            ASSERT_OK(handle_close(&p[i].ht, p[i].ha));
        }
        EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 2 * (uint64_t)ring);
        for (int i = 0; i < ring; i++) handle_table_destroy(&p[i].ht);
    }
}

// The same two ends while a handle to one of them is still in a table: both stay readable
// (the one through its handle, the other on its queue), and go with that handle.
TEST(Channel, EndsInsideEachOthersQueuesStayWhileOneIsHeld) {
    struct pair p, q;
    ASSERT_OK(pair_new(&p));
    ASSERT_OK(pair_new(&q));
    uint64_t chans = kobj_live[ZX_OBJ_TYPE_CHANNEL];
    zx_handle_t held;
    ASSERT_OK(handle_add(&p.ht, &p.b->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &held));
    ASSERT_OK(send_end(&p.ht, p.hb, q.a));  // p.b onto q.b's queue
    ASSERT_OK(send_end(&q.ht, q.hb, p.a));  // q.b onto p.b's queue
    ASSERT_OK(handle_close(&p.ht, p.ha));
    ASSERT_OK(handle_close(&q.ht, q.ha));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 2);
    EXPECT_EQ(p.b->count, 1);
    EXPECT_EQ(q.b->count, 1);
    ASSERT_OK(handle_close(&p.ht, held));
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_CHANNEL], chans - 4);
    handle_table_destroy(&p.ht);
    handle_table_destroy(&q.ht);
}

// An end the kernel holds with no handle (userboot's bootstrap channel) keeps its messages
// when the other end closes: the cycle check is for ends whose handles are all queued.
TEST(Channel, KernelHeldEndKeepsItsMessagesWhenItsPeerCloses) {
    struct handle_table ht;
    handle_table_init(&ht, &owner);
    struct channel *a, *b;
    ASSERT_OK(channel_create_pair(&a, &b));
    zx_handle_t ha;
    ASSERT_OK(handle_add(&ht, &a->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &ha));
    kobj_unref(&a->obj);
    ASSERT_OK(channel_send(a, msg("for the kernel", 0)));
    ASSERT_OK(handle_close(&ht, ha));
    EXPECT_EQ(b->count, 1);
    EXPECT_EQ((uintptr_t)b->obj.peer, 0);
    handle_release_kernel_ref(&b->obj);
    handle_table_destroy(&ht);
}

TEST(Channel, MessageLayout) {
    for (uint32_t nb = 0; nb < 40; nb += 3) {
        struct message *m = message_alloc(nb, 5);
        ASSERT_NOT_NULL(m);
        EXPECT_EQ(m->num_bytes, nb);
        EXPECT_EQ(m->num_handles, 5);
        EXPECT_EQ((uintptr_t)m->handles % 8, 0);
        EXPECT_GE((uintptr_t)m->handles, (uintptr_t)m->data + nb);
        memset(m->data, 0xee, nb);
        for (int i = 0; i < 5; i++) m->handles[i].obj = NULL;
        message_free(m);
    }
    // The largest message Zircon allows.
    struct message *m = message_alloc(ZX_CHANNEL_MAX_MSG_BYTES, ZX_CHANNEL_MAX_MSG_HANDLES);
    ASSERT_NOT_NULL(m);
    memset(m->data, 1, ZX_CHANNEL_MAX_MSG_BYTES);
    for (uint32_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES; i++) m->handles[i].obj = NULL;
    message_free(m);
}

// A small message read from an end is kept for the next write to that end.
TEST(Channel, SpareMessageCarriesTheNextSmallWrite) {
    struct pair p;
    ASSERT_OK(pair_new(&p));
    struct message *m = channel_message_alloc(p.b, 5, 0);
    ASSERT_NOT_NULL(m);
    EXPECT_TRUE(m->small);
    ASSERT_OK(channel_send(p.a, m));
    channel_pop(p.b);
    channel_message_free(p.b, m);
    EXPECT_EQ((uintptr_t)p.b->spare, (uintptr_t)m);
    // Reused for any small size, its handle slots emptied.
    struct message *r = channel_message_alloc(p.b, MSG_SMALL_BYTES, MSG_SMALL_HANDLES);
    EXPECT_EQ((uintptr_t)r, (uintptr_t)m);
    EXPECT_EQ((uintptr_t)p.b->spare, 0);
    EXPECT_EQ(r->num_bytes, MSG_SMALL_BYTES);
    EXPECT_EQ(r->num_handles, MSG_SMALL_HANDLES);
    EXPECT_GE((uintptr_t)r->handles, (uintptr_t)r->data + MSG_SMALL_BYTES);
    for (int i = 0; i < MSG_SMALL_HANDLES; i++) EXPECT_EQ((uintptr_t)r->handles[i].obj, 0);
    channel_message_free(p.b, r);
    // A bigger message is allocated apart, and freed (one spare at a time).
    struct message *big = channel_message_alloc(p.b, MSG_SMALL_BYTES + 1, 0);
    ASSERT_NOT_NULL(big);
    EXPECT_FALSE(big->small);
    EXPECT_EQ((uintptr_t)p.b->spare, (uintptr_t)m);
    channel_message_free(p.b, big);
    struct message *other = message_alloc(1, 0);
    ASSERT_NOT_NULL(other);
    channel_message_free(p.b, other);  // the spare slot is taken: freed
    EXPECT_EQ((uintptr_t)p.b->spare, (uintptr_t)m);
    handle_table_destroy(&p.ht);  // frees the spare with the channel (ASan: no leak)
}

TEST(Channel, CreateUnderAllocationFailures) {
    for (int64_t n = 0; n < 20; n++) {
        struct kt_counts before;
        kt_counts_get(&before);
        struct channel *a, *b;
        kt_fail_alloc_at(n);
        zx_status_t st = channel_create_pair(&a, &b);
        kt_fail_alloc_at(-1);
        if (st == ZX_OK) {
            a->obj.ops->on_zero_handles(&a->obj);  // as closing a's last handle would
            kobj_unref(&a->obj);
            kobj_unref(&b->obj);
            EXPECT_NO_LEAKS(&before);
            break;
        }
        EXPECT_STATUS(st, ZX_ERR_NO_MEMORY);
        EXPECT_NO_LEAKS(&before);
    }
}

TEST(Channel, TxidsAreKernelOwned) {
    uint32_t a = channel_next_txid(), b = channel_next_txid();
    EXPECT_NE(a, b);
    EXPECT_TRUE(a & 0x80000000u);
    EXPECT_TRUE(b & 0x80000000u);
    EXPECT_NE(a, 0);
}
