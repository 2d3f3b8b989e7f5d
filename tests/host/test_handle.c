// Handle tables (objects/handle.c).
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>

#include "kernel/heap.h"
#include "objects/handle.h"
#include "objects/event.h"
#include "tests/host/ktest.h"

static int owner_a, owner_b;  // stand-ins for processes

// A test object that counts what happens to it.
struct tobj {
    struct kobj obj;
    int *zero_handles, *destroyed;
};
static void tobj_zero(struct kobj *o) { (*((struct tobj *)o)->zero_handles)++; }
static void tobj_destroy(struct kobj *o) {
    (*((struct tobj *)o)->destroyed)++;
    kfree(o);
}
static const struct kobj_ops tobj_ops = {.on_zero_handles = tobj_zero, .destroy = tobj_destroy};
static struct tobj *tobj_new(int *zero_handles, int *destroyed) {
    struct tobj *t = kmalloc(sizeof(*t));
    kobj_init(&t->obj, ZX_OBJ_TYPE_EVENT, &tobj_ops);
    t->zero_handles = zero_handles;
    t->destroyed = destroyed;
    return t;
}

TEST(Handle, AddAndGet) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    zx_handle_t h;
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h));
    EXPECT_EQ(ht.count, 1);
    EXPECT_EQ(e->refcount, 2);
    EXPECT_EQ(e->handle_count, 1);
    EXPECT_EQ(h & ZX_HANDLE_FIXED_BITS_MASK, ZX_HANDLE_FIXED_BITS_MASK);
    struct kobj *got;
    zx_rights_t rights;
    ASSERT_OK(handle_get(&ht, h, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SIGNAL, &got, &rights));
    EXPECT_EQ((uintptr_t)got, (uintptr_t)e);
    EXPECT_EQ(rights, ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(e->refcount, 3);  // a held reference
    kobj_unref(got);
    kobj_unref(e);
    handle_table_destroy(&ht);
}

TEST(Handle, GetChecksTypeThenRights) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e, *got = NULL;
    ASSERT_OK(event_create(&e));
    zx_handle_t h;
    ASSERT_OK(handle_add(&ht, e, ZX_RIGHT_WAIT, &h));
    EXPECT_STATUS(handle_get(&ht, h, ZX_OBJ_TYPE_VMO, 0, &got, NULL), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(handle_get(&ht, h, ZX_OBJ_TYPE_VMO, ZX_RIGHT_WRITE, &got, NULL), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(handle_get(&ht, h, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SIGNAL, &got, NULL), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(handle_get(&ht, h, 0, ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL, &got, NULL), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(e->refcount, 2);  // failed lookups take no reference
    ASSERT_OK(handle_get(&ht, h, 0, ZX_RIGHT_WAIT, &got, NULL));  // type 0: any
    kobj_unref(got);
    kobj_unref(e);
    handle_table_destroy(&ht);
}

TEST(Handle, StaleValueFailsAfterSlotReuse) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e, *got;
    ASSERT_OK(event_create(&e));
    zx_handle_t h1, h2;
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h1));
    ASSERT_OK(handle_close(&ht, h1));
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h2));  // the same slot again
    EXPECT_NE(h1, h2);
    EXPECT_STATUS(handle_get(&ht, h1, 0, 0, &got, NULL), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(handle_close(&ht, h1), ZX_ERR_BAD_HANDLE);
    EXPECT_EQ((uintptr_t)handle_slot_of(&ht, h1), 0);
    ASSERT_OK(handle_get(&ht, h2, 0, 0, &got, NULL));
    kobj_unref(got);
    EXPECT_EQ(ht.count, 1);
    kobj_unref(e);
    handle_table_destroy(&ht);
}

// A slot given out again and again gets a new value each time until every generation has been
// used (4096 of them), and only then one it had before; the index and fixed bits stay.
TEST(Handle, SlotValuesCycleThroughEveryGeneration) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    static uint8_t seen[HANDLE_GEN_MASK + 1];
    memset(seen, 0, sizeof(seen));
    zx_handle_t first = ZX_HANDLE_INVALID, h = ZX_HANDLE_INVALID;
    int repeats = 0;
    for (uint32_t i = 0; i <= HANDLE_GEN_MASK; i++) {
        ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h));
        if (i == 0) first = h;
        EXPECT_EQ(h & ((1u << (HANDLE_IDX_BITS + 2)) - 1), first & ((1u << (HANDLE_IDX_BITS + 2)) - 1));
        if (seen[h >> (HANDLE_IDX_BITS + 2)]++) repeats++;
        ASSERT_OK(handle_close(&ht, h));
        EXPECT_EQ((uintptr_t)handle_slot_of(&ht, h), 0);
    }
    EXPECT_EQ(repeats, 0);
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h));
    EXPECT_EQ(h, first);  // the generation wrapped
    kobj_unref(e);
    handle_table_destroy(&ht);
}

TEST(Handle, ForgedValuesFail) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e, *got;
    ASSERT_OK(event_create(&e));
    zx_handle_t h;
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h));
    const zx_handle_t forged[] = {0, ZX_HANDLE_INVALID, h & ~3u, h ^ 4, h + 4, h - 4, h ^ 0x80000000u,
                                  0xffffffffu, 3, 7};
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        if (forged[i] == h) continue;
        EXPECT_STATUS(handle_get(&ht, forged[i], 0, 0, &got, NULL), ZX_ERR_BAD_HANDLE);
    }
    // Random values: with one live handle, none should name it.
    uint64_t x = 12345;
    int hits = 0;
    for (int i = 0; i < 100000; i++) {
        x = x * 6364136223846793005ull + 1;
        zx_handle_t v = (zx_handle_t)(x >> 32) | ZX_HANDLE_FIXED_BITS_MASK;
        if (v != h && handle_slot_of(&ht, v)) hits++;
    }
    EXPECT_EQ(hits, 0);
    kobj_unref(e);
    handle_table_destroy(&ht);
}

// A free or reserved slot matches no value: not ZX_HANDLE_INVALID (with secret 0 it decodes
// to slot 0), not the free slot's own values of any generation.
TEST(Handle, FreeAndReservedSlotsMatchNoValue) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    ht.secret = 0;
    struct kobj *e, *got;
    ASSERT_OK(event_create(&e));
    zx_handle_t h;
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h));
    ASSERT_OK(handle_close(&ht, h));  // every slot is free now
    EXPECT_STATUS(handle_get(&ht, ZX_HANDLE_INVALID, 0, 0, &got, NULL), ZX_ERR_BAD_HANDLE);
    int hits = 0;
    for (uint32_t idx = 0; idx < ht.cap; idx++)
        for (uint32_t gen = 0; gen <= HANDLE_GEN_MASK; gen++)
            if (handle_slot_of(&ht, ((((gen << HANDLE_IDX_BITS) | idx) & HANDLE_VALUE_MASK) << 2) | 3)) hits++;
    EXPECT_EQ(hits, 0);
    zx_handle_t r;
    ASSERT_OK(handle_reserve(&ht, &r));
    EXPECT_EQ((uintptr_t)handle_slot_of(&ht, r), 0);
    EXPECT_EQ((uintptr_t)handle_slot_of(&ht, ZX_HANDLE_INVALID), 0);
    handle_unreserve(&ht, r);
    EXPECT_EQ((uintptr_t)handle_slot_of(&ht, r), 0);
    kobj_unref(e);
    handle_table_destroy(&ht);
}

TEST(Handle, TablesHaveDifferentSecrets) {
    struct handle_table a, b;
    handle_table_init(&a, &owner_a);
    handle_table_init(&b, &owner_b);
    EXPECT_NE(a.secret, b.secret);
    struct kobj *e, *got;
    ASSERT_OK(event_create(&e));
    zx_handle_t ha, hb;
    ASSERT_OK(handle_add(&a, e, ZX_DEFAULT_EVENT_RIGHTS, &ha));
    ASSERT_OK(handle_add(&b, e, ZX_DEFAULT_EVENT_RIGHTS, &hb));
    EXPECT_NE(ha, hb);  // same slot, same generation, different values
    EXPECT_STATUS(handle_get(&b, ha, 0, 0, &got, NULL), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(handle_get(&a, hb, 0, 0, &got, NULL), ZX_ERR_BAD_HANDLE);
    kobj_unref(e);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
}

TEST(Handle, GrowsPast32) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    enum { N = 300 };
    struct kobj *objs[N];
    zx_handle_t hs[N];
    for (int i = 0; i < N; i++) {
        ASSERT_OK(event_create(&objs[i]));
        ASSERT_OK(handle_add(&ht, objs[i], ZX_DEFAULT_EVENT_RIGHTS, &hs[i]));
        kobj_unref(objs[i]);  // the handle keeps it
    }
    EXPECT_EQ(ht.count, N);
    EXPECT_GE(ht.cap, N);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        struct kobj *got;
        if (handle_get(&ht, hs[i], ZX_OBJ_TYPE_EVENT, 0, &got, NULL) != ZX_OK) {
            wrong++;
            continue;
        }
        wrong += got != objs[i];
        kobj_unref(got);
        for (int j = 0; j < i; j++) wrong += hs[j] == hs[i];
    }
    EXPECT_EQ(wrong, 0);
    for (int i = 0; i < N; i += 2) EXPECT_OK(handle_close(&ht, hs[i]));
    EXPECT_EQ(ht.count, N / 2);
    handle_table_destroy(&ht);  // closes the other half
    EXPECT_EQ(ht.count, 0);
}

// A slot array that cannot be allocated is a lack of memory, not a full table (found by the
// hosted allocation-failure sweep: zx_process_start said ZX_ERR_NO_RESOURCES).
TEST(Handle, GrowFailureIsNoMemory) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *ev;
    ASSERT_OK(event_create(&ev));
    zx_handle_t h = ZX_HANDLE_INVALID;
    kt_fail_alloc_at(0);
    EXPECT_STATUS(handle_add(&ht, ev, ZX_DEFAULT_EVENT_RIGHTS, &h), ZX_ERR_NO_MEMORY);
    kt_fail_alloc_at(-1);
    EXPECT_EQ(ht.count, 0);
    ASSERT_OK(handle_add(&ht, ev, ZX_DEFAULT_EVENT_RIGHTS, &h));
    kobj_unref(ev);  // the handle keeps it
    handle_table_destroy(&ht);
    EXPECT_EQ(ht.count, 0);
}

TEST(Handle, CloseReleasesTheReference) {
    int zero = 0, destroyed = 0;
    struct tobj *t = tobj_new(&zero, &destroyed);
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    zx_handle_t h1, h2;
    ASSERT_OK(handle_add(&ht, &t->obj, ZX_RIGHT_SAME_RIGHTS, &h1));
    ASSERT_OK(handle_add(&ht, &t->obj, ZX_RIGHT_SAME_RIGHTS, &h2));
    kobj_unref(&t->obj);
    EXPECT_EQ(t->obj.handle_count, 2);
    ASSERT_OK(handle_close(&ht, h1));
    EXPECT_EQ(zero, 0);
    EXPECT_EQ(destroyed, 0);
    ASSERT_OK(handle_close(&ht, h2));
    EXPECT_EQ(zero, 1);  // on_zero_handles, then destroy
    EXPECT_EQ(destroyed, 1);
    handle_table_destroy(&ht);
}

TEST(Handle, TakeAndInstallMoveWithoutNewReferences) {
    struct handle_table a, b;
    handle_table_init(&a, &owner_a);
    handle_table_init(&b, &owner_b);
    struct kobj *e, *obj, *got;
    ASSERT_OK(event_create(&e));
    zx_handle_t ha, hb;
    ASSERT_OK(handle_add(&a, e, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER, &ha));
    uint32_t refs = e->refcount;
    zx_rights_t r;
    ASSERT_OK(handle_take(&a, ha, &obj, &r));
    EXPECT_EQ((uintptr_t)obj, (uintptr_t)e);
    EXPECT_EQ(r, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
    EXPECT_EQ(a.count, 0);
    ASSERT_OK(handle_install(&b, obj, r, &hb));
    EXPECT_EQ(e->refcount, refs);
    EXPECT_EQ(e->handle_count, 1);
    EXPECT_STATUS(handle_get(&a, ha, 0, 0, &got, NULL), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(handle_get(&b, hb, 0, ZX_RIGHT_TRANSFER, &got, NULL));
    kobj_unref(got);
    kobj_unref(e);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
}

TEST(Handle, TableDestroyReleasesEverything) {
    int zero = 0, destroyed = 0;
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    for (int i = 0; i < 70; i++) {
        struct tobj *t = tobj_new(&zero, &destroyed);
        zx_handle_t h;
        ASSERT_OK(handle_add(&ht, &t->obj, ZX_RIGHT_SAME_RIGHTS, &h));
        if (i % 7 == 0) ASSERT_OK(handle_add(&ht, &t->obj, ZX_RIGHT_SAME_RIGHTS, &h));
        kobj_unref(&t->obj);
    }
    handle_table_destroy(&ht);
    EXPECT_EQ(zero, 70);
    EXPECT_EQ(destroyed, 70);
    EXPECT_EQ(ht.cap, 0);
}

static int cancels;
static void count_cancel(struct observer *ob) {
    cancels++;
    kobj_unobserve(ob);
}
static void no_signal(struct observer *ob, zx_signals_t s) {}

TEST(Handle, CloseCancelsThatHandlesObservers) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    zx_handle_t h1, h2;
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h1));
    ASSERT_OK(handle_add(&ht, e, ZX_DEFAULT_EVENT_RIGHTS, &h2));
    struct observer o1 = {.trigger = ZX_USER_SIGNAL_0, .owner = &owner_a, .handle = h1,
                          .on_signal = no_signal, .on_cancel = count_cancel};
    struct observer o2 = o1;
    o2.handle = h2;
    kobj_observe(e, &o1);
    kobj_observe(e, &o2);
    cancels = 0;
    ASSERT_OK(handle_close(&ht, h1));
    EXPECT_EQ(cancels, 1);
    EXPECT_EQ(o1.link.next, 0);  // removed
    handle_table_destroy(&ht);  // h2 goes the same way
    EXPECT_EQ(cancels, 2);
    kobj_unref(e);
}

TEST(Handle, FullTableSaysNoResources) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    zx_handle_t h;
    uint32_t n = 0;
    zx_status_t st;
    while ((st = handle_add(&ht, e, ZX_RIGHT_WAIT, &h)) == ZX_OK) n++;
    EXPECT_STATUS(st, ZX_ERR_NO_RESOURCES);
    EXPECT_EQ(n, ht.count);
    EXPECT_EQ(e->handle_count, n);
    handle_table_destroy(&ht);
    EXPECT_EQ(e->handle_count, 0);
    kobj_unref(e);
}

TEST(Handle, TableHoldsHandleMaxPerProcess) {
    struct handle_table ht;
    handle_table_init(&ht, &owner_a);
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    zx_handle_t h;
    uint32_t n = 0;
    while (handle_add(&ht, e, ZX_RIGHT_WAIT, &h) == ZX_OK) n++;
    EXPECT_EQ(n, HANDLE_MAX_PER_PROCESS);
    handle_table_destroy(&ht);
    kobj_unref(e);
}
