#include "objects/kobj.h"

#include "kernel/heap.h"

#include <string.h>

#include "kernel/debug.h"

uint64_t kobj_live[KOBJ_TYPE_COUNT];
static zx_koid_t next_koid = 1024;  // low koids are reserved, as in Zircon

zx_koid_t kobj_new_koid(void) { return next_koid++; }

void kobj_init(struct kobj *o, uint32_t type, const struct kobj_ops *ops) {
    ASSERT(type < KOBJ_TYPE_COUNT);
    o->type = type;
    o->refcount = 1;
    o->handle_count = 0;
    o->signals = 0;
    o->koid = kobj_new_koid();
    o->ops = ops;
    list_init(&o->observers);
    o->peer = NULL;
    o->peer_koid = 0;
    o->own_lock = (struct spinlock)SPINLOCK_INIT;
    memset(o->name, 0, sizeof(o->name));
    o->reap_next = NULL;
    o->reap_kind = KOBJ_REAP_NONE;
    kobj_live[type]++;
}

// The reaper's FIFO (interrupts are off in the kernel: one CPU, no lock).
static struct kobj *reap_head, *reap_tail;
static bool reaping;

static inline __attribute__((always_inline)) void reap_one(struct kobj *o, uint8_t kind) {
    if (kind != KOBJ_REAP_DESTROY) {
        if (kind == KOBJ_REAP_ZERO_HANDLES) o->ops->on_zero_handles(o);
        else o->ops->handle_dropped(o);
        ASSERT(o->refcount > 0);
        if (--o->refcount) return;
    }
    DEBUG_ASSERT(list_empty(&o->observers));
    kobj_live[o->type]--;
    o->ops->destroy(o);
}

void kobj_reap(struct kobj *o, uint8_t kind) {
    if (unlikely(reaping)) {
        // A zero-handles or handle-dropped entry holds a reference, so o cannot be queued for
        // destruction at the same time. A second request only drops its reference; a
        // zero-handles one turns a queued handle-dropped entry into a zero-handles one (the
        // last handle went meanwhile: on_zero_handles must run, once).
        if (o->reap_kind != KOBJ_REAP_NONE) {
            ASSERT(kind != KOBJ_REAP_DESTROY && o->refcount > 1);
            if (kind == KOBJ_REAP_ZERO_HANDLES) o->reap_kind = KOBJ_REAP_ZERO_HANDLES;
            o->refcount--;
            return;
        }
        o->reap_kind = kind;
        o->reap_next = NULL;
        if (reap_tail) reap_tail->reap_next = o;
        else reap_head = o;
        reap_tail = o;
        return;
    }
    reaping = true;
    reap_one(o, kind);
    while (unlikely(reap_head != NULL)) {
        struct kobj *n = reap_head;
        reap_head = n->reap_next;
        if (!reap_head) reap_tail = NULL;
        uint8_t k = n->reap_kind;
        n->reap_kind = KOBJ_REAP_NONE;
        reap_one(n, k);
    }
    reaping = false;
}


__attribute__((noinline)) void kobj_signal_observers(struct kobj *o) {
    // Callbacks may remove their own observer (and only their own).
    list_for_each_safe(&o->observers, it, tmp) {
        struct observer *ob = container_of(it, struct observer, link);
        if (ob->trigger & o->signals) ob->on_signal(ob, o->signals);
    }
}

void kobj_observe(struct kobj *o, struct observer *ob) {
    ob->obj = o;
    list_add_tail(&o->observers, &ob->link);
}

void kobj_unobserve(struct observer *ob) {
    if (ob->link.next) list_delete(&ob->link);
}

void kobj_cancel_handle(struct kobj *o, const void *owner, zx_handle_t h) {
    list_for_each_safe(&o->observers, it, tmp) {
        struct observer *ob = container_of(it, struct observer, link);
        if (ob->owner == owner && ob->handle == h && ob->on_cancel) ob->on_cancel(ob);
    }
}

uint64_t kobj_live_total(void) {
    uint64_t n = 0;
    for (int i = 0; i < KOBJ_TYPE_COUNT; i++) n += kobj_live[i];
    return n;
}

void kobj_pair(struct kobj *a, struct kobj *b) {
    a->peer = b;
    b->peer = a;
    a->peer_koid = b->koid;
    b->peer_koid = a->koid;
    kobj_ref(a);
    kobj_ref(b);
}

void kobj_kfree(struct kobj *o) { kfree(o); }

void kobj_unpair(struct kobj *o, zx_signals_t closed, zx_signals_t clear) {
    struct kobj *peer = o->peer;
    if (!peer) return;
    DEBUG_ASSERT(hal_kernel_lock_exclusive());  // no shared holder sees the lock change
    peer->peer = NULL;
    kobj_signal(peer, clear, closed);
    kobj_unref(peer);
    o->peer = NULL;
    kobj_unref(o);
}
