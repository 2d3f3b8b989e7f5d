// The base of every kernel object: type, koid, reference and handle counts, signals and the
// observers waiting on them.
#ifndef ZC_OBJECTS_KOBJ_H
#define ZC_OBJECTS_KOBJ_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kernel/debug.h"
#include "kernel/list.h"
#include "kernel/spinlock.h"

#define KOBJ_TYPE_COUNT 64  // covers every ZX_OBJ_TYPE_* value

struct kobj;

// Where an object's get_info operation puts its records. The syscall layer supplies `put`,
// which copies each record out (with actual/avail for a single-record topic), so an object
// never sees user memory: it fills a record on its stack and puts it, as its last act for a
// single-record topic.
struct info_writer {
    void (*put)(struct info_writer *w, const void *rec);
};
static inline void info_put(struct info_writer *w, const void *rec) { w->put(w, rec); }

// What an object does; every member but destroy may be NULL.
struct kobj_ops {
    // The last handle went away (the object may live on through kernel references).
    void (*on_zero_handles)(struct kobj *o);
    // The last reference went away: free everything.
    void (*destroy)(struct kobj *o);
    // One of its handles went away and others remain (optional; a channel end then checks
    // whether the rest are out of every reader's reach, objects/channel.c).
    void (*handle_dropped)(struct kobj *o);
    // zx_object_get_info for the object's own topics (ZX_INFO_*): puts the topic's records in
    // w (exactly one for a single-record topic, unless it fails). `rights` are those of the
    // handle used. The syscall layer has already checked the handle's type and rights for
    // the topic; ZX_ERR_NOT_SUPPORTED: the object has no such topic (zx: ZX_ERR_WRONG_TYPE).
    zx_status_t (*get_info)(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w);
    // zx_object_get/set_property for the object's own properties (ZX_PROP_*, not the name):
    // `value` is a kernel buffer of the property's size; the syscall layer has checked the
    // object's type, the rights and the user's buffer size. set_property validates the value
    // and applies it, or changes nothing.
    zx_status_t (*get_property)(struct kobj *o, uint32_t property, void *value);
    zx_status_t (*set_property)(struct kobj *o, uint32_t property, const void *value);
    // ZX_INFO_HANDLE_BASIC's related_koid (a thread's process, a process's job ...); NULL:
    // the peer's koid (peered objects), else 0.
    zx_koid_t (*related_koid)(struct kobj *o);
    // The object has a ZX_PROP_NAME (kobj.name).
    bool named;
};

// Locking (docs/smp.md): `signals` is guarded by kobj_lock(o) under the kernel lock's shared
// hold; every other field changes only under the exclusive hold (so a shared holder reads it
// without a lock).
struct kobj {
    uint32_t type;          // ZX_OBJ_TYPE_*
    uint32_t refcount;      // kernel references, including one per handle
    uint32_t handle_count;
    zx_signals_t signals;   // [kobj_lock]
    zx_koid_t koid;
    const struct kobj_ops *ops;
    struct list_node observers;  // struct observer.link
    struct kobj *peer;           // peered objects: the other end, NULL once it is gone
    zx_koid_t peer_koid;         // ... and its koid, which outlives it (ZX_INFO_HANDLE_BASIC)
    struct kobj *reap_next;      // in the reaper's queue (see kobj_reap)
    uint8_t reap_kind;           // KOBJ_REAP_*: what the queue still has to do to it
    // Under the kernel lock's shared hold (docs/smp.md), kobj_lock(o) guards the object's
    // state (signals and the type's own fields): own_lock, or one lock for both ends of a pair.
    struct spinlock own_lock;
    char name[ZX_MAX_NAME_LEN];
};

// The lock of o's state under the shared hold: its own, or while it has a peer the one of
// the end at the lower address, so both ends name the same lock. The peer link changes only
// under the exclusive hold, so a shared holder always finds the same lock.
static inline struct spinlock *kobj_lock(struct kobj *o) {
    struct kobj *p = o->peer;
    return p && p < o ? &p->own_lock : &o->own_lock;
}

// A downcast's type check (debug builds: the host unit tests): to_vmo(o) and friends go
// through it, so a wrong cast stops at once instead of corrupting memory.
static inline struct kobj *kobj_checked(struct kobj *o, uint32_t type) {
    DEBUG_ASSERT(!o || o->type == type);
    (void)type;
    return o;
}

// The on_zero_handles step of a peered object: the peer learns (its `clear` signals cleared,
// `closed` set) and the pair's references on each other go.
void kobj_unpair(struct kobj *o, zx_signals_t closed, zx_signals_t clear);

// The destroy operation of an object that is one kmalloc'd block.
void kobj_kfree(struct kobj *o);

// Links two freshly made objects as peers (each holds a reference on the other); they share
// one lock (kobj_lock) until kobj_unpair.
void kobj_pair(struct kobj *a, struct kobj *b);

// Something waiting for signals on an object: a thread in wait_one/wait_many, a port.
struct observer {
    struct list_node link;
    struct kobj *obj;
    zx_signals_t trigger;
    const void *owner;   // the process whose handle registered it (for cancellation)
    zx_handle_t handle;  // ... and that handle's value
    // Called when the object's signals intersect trigger; the observer stays registered
    // unless the callback removes it.
    void (*on_signal)(struct observer *ob, zx_signals_t signals);
    // Called when the handle it was registered through is closed.
    void (*on_cancel)(struct observer *ob);
};

void kobj_init(struct kobj *o, uint32_t type, const struct kobj_ops *ops);
zx_koid_t kobj_new_koid(void);
// ZX_INFO_HANDLE_BASIC's related_koid of o (kobj_ops.related_koid).
static inline zx_koid_t kobj_related_koid(struct kobj *o) {
    return o->ops->related_koid ? o->ops->related_koid(o) : o->peer_koid;
}
static inline void kobj_ref(struct kobj *o) { o->refcount++; }
static inline void kobj_unref(struct kobj *o);

// The reaper: on_zero_handles and destroy never nest. A destroy that drops the last reference
// of another object (a channel holding a channel in a message, a clone chain, a job's parent)
// queues it instead of recursing; the outermost call drains the queue in a loop, so the depth
// of the kernel stack does not depend on how deep a user nested its objects. Outside a drain
// both run at once, as a direct call would.
enum { KOBJ_REAP_NONE, KOBJ_REAP_ZERO_HANDLES, KOBJ_REAP_DESTROY, KOBJ_REAP_HANDLE_DROPPED };
// KOBJ_REAP_ZERO_HANDLES: o's handle count just reached zero and the caller passes the last
// handle's reference: run on_zero_handles, then drop it. KOBJ_REAP_DESTROY: the reference
// count reached zero (kobj_unref). KOBJ_REAP_HANDLE_DROPPED: a handle went away and others
// remain; the caller passes its reference: run handle_dropped, then drop it (queued like the
// others, so that what handle_dropped frees does not nest either).
void kobj_reap(struct kobj *o, uint8_t kind);
static inline void kobj_unref(struct kobj *o) {
    DEBUG_ASSERT(o->refcount > 0);
    if (--o->refcount == 0) kobj_reap(o, KOBJ_REAP_DESTROY);
}

// Change signals and notify matching observers. Inline: most signal changes (a channel
// becoming readable, then not) have no one watching, and cost only the update.
void kobj_signal_observers(struct kobj *o);  // calls the observers whose trigger o->signals meets
// Whether anything observes o (an observer list changes only under the exclusive hold).
static inline bool kobj_observed(const struct kobj *o) { return !list_empty(&o->observers); }
// The update alone: true when observers must then be told (kobj_signal_observers). For paths
// that make that call a tail call (the syscall fast paths).
static inline bool kobj_signal_update(struct kobj *o, zx_signals_t clear, zx_signals_t set) {
    zx_signals_t old = o->signals;
    o->signals = (old & ~clear) | set;
    return unlikely(kobj_observed(o)) && o->signals != old;
}
// kobj_signal_update for signals the caller knows change (all of `set` clear, all of `clear` set:
// a channel's READABLE as its queue fills or empties): one read-modify-write, no comparison.
static inline bool kobj_signal_flip(struct kobj *o, zx_signals_t clear, zx_signals_t set) {
    DEBUG_ASSERT((o->signals & clear) == clear && !(o->signals & set));
    o->signals = (o->signals & ~clear) | set;
    return unlikely(kobj_observed(o));
}
// kobj_signal_update for a path under the shared hold (docs/smp.md): o's lock is held and
// nothing observes o, so no one is to be told.
static inline void kobj_signal_update_locked(struct kobj *o, zx_signals_t clear, zx_signals_t set) {
    spin_assert_held(kobj_lock(o));
    bool tell = kobj_signal_update(o, clear, set);
    DEBUG_ASSERT(!tell);
    (void)tell;
}
static inline void kobj_signal(struct kobj *o, zx_signals_t clear, zx_signals_t set) {
    if (kobj_signal_update(o, clear, set)) kobj_signal_observers(o);
}
void kobj_observe(struct kobj *o, struct observer *ob);
void kobj_unobserve(struct observer *ob);
// The handle `h` of process `owner` to o is being closed: cancel its observers.
void kobj_cancel_handle(struct kobj *o, const void *owner, zx_handle_t h);

// Live objects per type, for ZX_INFO_KMEM_STATS and leak checks.
extern uint64_t kobj_live[KOBJ_TYPE_COUNT];
uint64_t kobj_live_total(void);

#endif
