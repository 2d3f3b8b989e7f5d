// Waiting on, signalling and inspecting objects.
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zc/kcounters.h>

#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "objects/resource.h"
#include "objects/vmo.h"
#include "syscalls/priv.h"

#define USER_SIGNALS ZX_USER_SIGNAL_ALL

// ---- zx_object_wait_one ----

static void wait_obs_signal(struct observer *ob, zx_signals_t signals) {
    struct thread *t = container_of(ob, struct thread, wait_obs);
    t->task.wait.state.wait_one.seen |= signals;
    waiter_wake(&t->task.wait, ZX_OK);
}
static void wait_obs_cancel(struct observer *ob) {
    struct thread *t = container_of(ob, struct thread, wait_obs);
    waiter_wake(&t->task.wait, ZX_ERR_CANCELED);
}
// The cancel of a wait_one (syscalls/wait.c): detaches the observer if it is still attached.
void wait_one_cancel(struct waiter *w) {
    if (!w->state.wait_one.watching) return;
    struct thread *t = task_thread(waiter_task(w));
    w->state.wait_one.watching = false;
    kobj_unobserve(&t->wait_obs);
    kobj_unref(t->wait_obs.obj);
}

// The observed value reported: the signals asserted when the wait was satisfied (and at any
// later match while it watched), with the object's signals now. A signal that satisfied the
// wait and was cleared before the waiter ran again is still reported, as in Zircon.
static int64_t wait_one_cont(struct task *task, zx_status_t reason) {
    struct waiter *w = &task->wait;
    zx_signals_t observed = w->state.wait_one.seen | task_thread(task)->wait_obs.obj->signals;
    wait_one_cancel(w);
    user_out_ptr out = w->state.wait_one.observed;
    zx_status_t st = out.addr ? copy_to_user(out, &observed, sizeof(observed)) : ZX_OK;
    return st != ZX_OK ? st : reason;
}

__attribute__((noinline)) int64_t wait_one_block(struct kobj *obj, zx_handle_t h, zx_signals_t signals, zx_time_t deadline,
                       user_out_ptr observed) {
    struct thread *t = current_thread();
    struct observer *ob = &t->wait_obs;
    ob->trigger = signals;
    ob->owner = t->proc;
    ob->handle = h;
    ob->on_signal = wait_obs_signal;
    ob->on_cancel = wait_obs_cancel;
    kobj_observe(obj, ob);  // keeps the caller's reference on obj until the cancel
    t->task.wait.state.wait_one.observed = observed;
    t->task.wait.state.wait_one.seen = 0;
    t->task.wait.state.wait_one.watching = true;
    wait_block(&t->task, NULL, WAIT_ONE, deadline, wait_one_cont);
    return SYS_BLOCKED;
}


// zx_status_t zx_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
//                                zx_signals_t* observed);
int64_t sys_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
                            user_out_ptr observed) {
    struct kobj *obj;
    zx_status_t st = lookup_object_wait_one_handle(handle, &obj);
    if (st != ZX_OK) return st;
    zx_signals_t now = obj->signals;
    if ((now & signals) || deadline <= hal_now()) {
        kobj_unref(obj);
        zx_status_t st = observed.addr ? copy_to_user(observed, &now, sizeof(now)) : ZX_OK;
        if (st != ZX_OK) return st;
        return (now & signals) ? ZX_OK : ZX_ERR_TIMED_OUT;
    }
    return wait_one_block(obj, handle, signals, deadline, observed);
}

// Under the kernel lock's shared hold (docs/smp.md): a wait the object's signals satisfy now.
// One that would block or time out goes to the general path.
int64_t sys_object_wait_one_shared(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
                                   user_out_ptr observed) {
    (void)deadline;  // a satisfied wait ends whatever its deadline
    struct kobj *obj = fast_lookup_object_wait_one_handle(handle);
    if (unlikely(!obj)) return SYSCALL_FAST_FALLBACK;
    struct spinlock *l = kobj_lock(obj);
    spin_lock(l);
    zx_signals_t now = obj->signals;
    spin_unlock(l);
    uintptr_t fault;
    if (unlikely(!(now & signals)) ||
        (observed.addr && unlikely(hal_copy_to_user(observed.addr, &now, sizeof(now), &fault) != ZX_OK)))
        return SYSCALL_FAST_FALLBACK;
    return ZX_OK;
}

// ---- zx_object_wait_many ----

struct many_obs {
    struct observer ob;
    struct task *task;
    zx_signals_t seen;  // the signals of every match while it watched (as wait_one's)
};

static void many_signal(struct observer *ob, zx_signals_t signals) {
    struct many_obs *mo = container_of(ob, struct many_obs, ob);
    mo->seen |= signals;
    waiter_wake(&mo->task->wait, ZX_OK);
}
static void many_cancel(struct observer *ob) {
    waiter_wake(&container_of(ob, struct many_obs, ob)->task->wait, ZX_ERR_CANCELED);
}

// Detaches the observers, recording each item's signals (those of its matches, and now) in the
// snapshot after them.
static void many_detach(struct waiter *w) {
    if (!w->state.wait_many.watching) return;
    w->state.wait_many.watching = false;
    struct many_obs *obs = w->state.wait_many.obs;
    size_t n = w->state.wait_many.count;
    zx_signals_t *snap = (zx_signals_t *)(obs + n);
    for (size_t i = 0; i < n; i++) {
        snap[i] = obs[i].seen | obs[i].ob.obj->signals;
        kobj_unobserve(&obs[i].ob);
        kobj_unref(obs[i].ob.obj);
    }
}

// The cancel of a wait_many (syscalls/wait.c).
void wait_many_cancel(struct waiter *w) {
    many_detach(w);
    kfree(w->state.wait_many.obs);
    w->state.wait_many.obs = NULL;
}

static zx_status_t many_write_back(user_inout_ptr items, size_t n, const zx_signals_t *snap) {
    for (size_t i = 0; i < n; i++) {
        user_out_ptr p = {items.addr + i * sizeof(zx_wait_item_t) + offsetof(zx_wait_item_t, pending)};
        zx_status_t st = copy_to_user(p, &snap[i], sizeof(zx_signals_t));
        if (st != ZX_OK) return st;
    }
    return ZX_OK;
}

static int64_t many_cont(struct task *task, zx_status_t reason) {
    struct waiter *w = &task->wait;
    many_detach(w);
    struct many_obs *obs = w->state.wait_many.obs;
    size_t n = w->state.wait_many.count;
    // The snapshots follow the observers (none when n is 0: obs may be NULL then).
    zx_signals_t *snap = n ? (zx_signals_t *)(obs + n) : NULL;
    zx_status_t st = many_write_back(w->state.wait_many.items, n, snap);
    return st != ZX_OK ? st : reason;
}

// An empty wait_many is a sleep that reports ZX_ERR_TIMED_OUT (or why it was woken).
static int64_t reason_cont(struct task *task, zx_status_t reason) { return reason; }

// zx_status_t zx_object_wait_many(zx_wait_item_t* items, size_t num_items, zx_time_t deadline);
int64_t sys_object_wait_many(user_inout_ptr items, size_t num_items, zx_time_t deadline) {
    if (num_items > ZX_WAIT_MANY_MAX_ITEMS) return ZX_ERR_OUT_OF_RANGE;
    if (num_items == 0) {
        // Just a sleep.
        if (deadline <= hal_now()) return ZX_ERR_TIMED_OUT;
        wait_block(sched_current(), NULL, WAIT_SLEEP, deadline, reason_cont);
        return SYS_BLOCKED;
    }
    zx_wait_item_t buf[ZX_WAIT_MANY_MAX_ITEMS];
    zx_status_t st = copy_from_user(buf, user_in(items), num_items * sizeof(zx_wait_item_t));
    if (st != ZX_OK) return st;
    struct kobj *objs[ZX_WAIT_MANY_MAX_ITEMS];
    size_t got = 0;
    for (; got < num_items; got++) {
        st = get_any(buf[got].handle, ZX_RIGHT_WAIT, &objs[got]);
        if (st != ZX_OK) break;
    }
    if (st != ZX_OK) {
        while (got--) kobj_unref(objs[got]);
        return st;
    }
    bool satisfied = false;
    for (size_t i = 0; i < num_items; i++) {
        buf[i].pending = objs[i]->signals;
        if (buf[i].pending & buf[i].waitfor) satisfied = true;
    }
    if (satisfied || deadline <= hal_now()) {
        for (size_t i = 0; i < num_items; i++) kobj_unref(objs[i]);
        // The items go back whole, in one copy: their handle and waitfor as they were read.
        st = copy_to_user(user_out(items), buf, num_items * sizeof(zx_wait_item_t));
        if (st != ZX_OK) return st;
        return satisfied ? ZX_OK : ZX_ERR_TIMED_OUT;
    }
    struct many_obs *obs = kmalloc(num_items * (sizeof(struct many_obs) + sizeof(zx_signals_t)));
    if (!obs) {
        for (size_t i = 0; i < num_items; i++) kobj_unref(objs[i]);
        return ZX_ERR_NO_MEMORY;
    }
    struct task *t = sched_current();
    for (size_t i = 0; i < num_items; i++) {
        obs[i].task = t;
        obs[i].seen = 0;
        obs[i].ob.trigger = buf[i].waitfor;
        obs[i].ob.owner = current_process();
        obs[i].ob.handle = buf[i].handle;
        obs[i].ob.on_signal = many_signal;
        obs[i].ob.on_cancel = many_cancel;
        kobj_observe(objs[i], &obs[i].ob);
    }
    t->wait.state.wait_many.items = items;
    t->wait.state.wait_many.count = num_items;
    t->wait.state.wait_many.obs = obs;
    t->wait.state.wait_many.watching = true;
    wait_block(t, NULL, WAIT_MANY, deadline, many_cont);
    return SYS_BLOCKED;
}

// ---- signals ----

// The types zx_object_signal_peer accepts.
static bool peered_type(uint32_t type) {
    return type == ZX_OBJ_TYPE_EVENTPAIR || type == ZX_OBJ_TYPE_CHANNEL || type == ZX_OBJ_TYPE_SOCKET ||
           type == ZX_OBJ_TYPE_FIFO;
}

static zx_signals_t user_settable(uint32_t type) {
    switch (type) {
    case ZX_OBJ_TYPE_EVENT:
    case ZX_OBJ_TYPE_EVENTPAIR:
        return USER_SIGNALS | ZX_EVENT_SIGNALED;
    default:
        return USER_SIGNALS;
    }
}

// zx_status_t zx_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask);
int64_t sys_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
    struct kobj *obj;
    zx_status_t st = lookup_object_signal_handle(handle, &obj);
    if (st != ZX_OK) return st;
    zx_signals_t allowed = user_settable(obj->type);
    if ((clear_mask | set_mask) & ~allowed) st = ZX_ERR_INVALID_ARGS;
    else kobj_signal(obj, clear_mask, set_mask);
    kobj_unref(obj);
    return st;
}

// Under the kernel lock's shared hold (docs/smp.md): a change to o's signals when nothing
// observes o, under o's lock (kobj_lock: for a peer, the pair's); FALLBACK otherwise.
static int64_t signal_shared(struct kobj *o, uint32_t clear_mask, uint32_t set_mask) {
    struct spinlock *l = kobj_lock(o);
    spin_lock(l);
    bool observed = kobj_observed(o);
    if (likely(!observed)) kobj_signal_update_locked(o, clear_mask, set_mask);
    spin_unlock(l);
    return observed ? SYSCALL_FAST_FALLBACK : ZX_OK;
}

int64_t sys_object_signal_shared(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
    struct kobj *obj = fast_lookup_object_signal_handle(handle);
    if (unlikely(!obj || ((clear_mask | set_mask) & ~user_settable(obj->type)))) return SYSCALL_FAST_FALLBACK;
    return signal_shared(obj, clear_mask, set_mask);
}

int64_t sys_object_signal_peer_shared(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
    struct kobj *obj = fast_lookup_object_signal_peer_handle(handle);
    if (unlikely(!obj || !obj->peer || !peered_type(obj->type) ||
                 ((clear_mask | set_mask) & ~user_settable(obj->type))))
        return SYSCALL_FAST_FALLBACK;
    return signal_shared(obj->peer, clear_mask, set_mask);
}

// zx_status_t zx_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask);
int64_t sys_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
    struct kobj *obj;
    zx_status_t st = lookup_object_signal_peer_handle(handle, &obj);
    if (st != ZX_OK) return st;
    if (!peered_type(obj->type)) {
        st = ZX_ERR_NOT_SUPPORTED;
    } else if ((clear_mask | set_mask) & ~user_settable(obj->type)) {
        st = ZX_ERR_INVALID_ARGS;
    } else if (!obj->peer) {
        st = ZX_ERR_PEER_CLOSED;
    } else {
        kobj_signal(obj->peer, clear_mask, set_mask);
    }
    kobj_unref(obj);
    return st;
}

// ---- info ----
// The syscall layer decodes the topic, checks the handle's type and rights, and copies the
// records out; the records come from the object's get_info operation (objects/<object>.c),
// except for the topics about handles and the kernel-wide ones, answered here.

// Where the records go: a list is copied out as it is produced; the one record of a
// single-record topic is copied out when it is put, which is the object's last act.
struct info_out {
    struct info_writer w;
    user_out_ptr buffer;
    size_t buffer_size;
    size_t rec_size;
    size_t count;    // records produced
    zx_status_t st;  // the first failed copy of a list; the single record's result
    user_out_ptr actual, avail;
};

// A single-record topic: actual is 1 if the record fits, avail 1; ZX_ERR_BUFFER_TOO_SMALL if not.
static void put_one(struct info_writer *w, const void *rec) {
    struct info_out *o = container_of(w, struct info_out, w);
    DEBUG_ASSERT(o->count == 0);
    o->count = 1;
    size_t n = o->buffer_size >= o->rec_size ? 1 : 0;
    o->st = o->actual.addr ? put_u64(o->actual, n) : ZX_OK;
    if (o->st == ZX_OK && o->avail.addr) o->st = put_u64(o->avail, 1);
    if (o->st == ZX_OK) o->st = n ? copy_to_user(o->buffer, rec, o->rec_size) : ZX_ERR_BUFFER_TOO_SMALL;
}

static void put_list(struct info_writer *w, const void *rec) {
    struct info_out *o = container_of(w, struct info_out, w);
    if (o->st == ZX_OK && (o->count + 1) * o->rec_size <= o->buffer_size)
        o->st = copy_to_user(user_out_off(o->buffer, o->count * o->rec_size), rec, o->rec_size);
    o->count++;
}

// A list: as many records as fit; actual/avail tell how many there are.
static zx_status_t finish_list(struct info_out *o) {
    if (o->st != ZX_OK) return o->st;
    size_t fit = o->buffer_size / o->rec_size;
    size_t n = o->count < fit ? o->count : fit;
    zx_status_t st = o->actual.addr ? put_u64(o->actual, n) : ZX_OK;
    if (st == ZX_OK && o->avail.addr) st = put_u64(o->avail, o->count);
    return st;
}

static zx_status_t info_handle_basic(struct kobj *o, zx_rights_t rights, struct info_writer *w) {
    zx_info_handle_basic_t info = {0};
    info.koid = o->koid;
    info.rights = rights;
    info.type = o->type;
    info.related_koid = kobj_related_koid(o);
    info_put(w, &info);
    return ZX_OK;
}

static zx_status_t info_handle_count(struct kobj *o, zx_rights_t rights, struct info_writer *w) {
    zx_info_handle_count_t info = {.handle_count = o->handle_count};
    info_put(w, &info);
    return ZX_OK;
}

// The kernel-wide topics: the root resource only.
static zx_status_t kmem_stats(struct kobj *o, zx_info_kmem_stats_t *info) {
    if (to_resource(o)->kind != ZX_RSRC_KIND_ROOT) return ZX_ERR_ACCESS_DENIED;
    memset(info, 0, sizeof(*info));
    info->total_bytes = pmm_total_pages() * HAL_PAGE_SIZE;
    info->free_bytes = pmm_free_pages() * HAL_PAGE_SIZE;
    info->total_heap_bytes = heap_bytes_in_use();
    info->vmo_bytes = vmo_committed_pages * HAL_PAGE_SIZE;
    info->wired_bytes = info->total_bytes - info->free_bytes - info->total_heap_bytes;
    return ZX_OK;
}

static zx_status_t info_kmem_stats(struct kobj *o, zx_rights_t rights, struct info_writer *w) {
    zx_info_kmem_stats_t info;
    zx_status_t st = kmem_stats(o, &info);
    if (st == ZX_OK) info_put(w, &info);
    return st;
}

// ZC_INFO_KERNEL_COUNTERS (zc-specific, include/zc/kcounters.h).
static zx_status_t info_kernel_counters(struct kobj *o, zx_rights_t rights, struct info_writer *w) {
    zx_info_kmem_stats_t kmem;
    zx_status_t st = kmem_stats(o, &kmem);
    if (st != ZX_OK) return st;
    zc_info_kernel_counters_t info;
    memset(&info, 0, sizeof(info));
    info.total_bytes = kmem.total_bytes;
    info.free_bytes = kmem.free_bytes;
    info.heap_bytes = kmem.total_heap_bytes;
    info.vmo_bytes = kmem.vmo_bytes;
    info.live_objects = kobj_live_total();
    _Static_assert(ZC_KCOUNTERS_TYPES == KOBJ_TYPE_COUNT, "one counter per object type");
    memcpy(info.live_by_type, kobj_live, sizeof(info.live_by_type));
    info_put(w, &info);
    return ZX_OK;
}

// Each topic: the handle's type (0: any) and rights, its record, whether it is a list, and
// who answers (NULL: the object's get_info).
struct info_topic {
    uint32_t topic;
    uint32_t type;
    zx_rights_t rights;
    uint32_t rec_size;  // 0: no such topic
    bool list;
    zx_status_t (*answer)(struct kobj *o, zx_rights_t rights, struct info_writer *w);
};

// Zircon's topics, indexed by their number (the topic without its version, which sits in
// the top bits: __ZX_INFO_TOPIC); a row serves only its exact topic, version included.
#define TOPIC_NUMBER(topic) ((topic) & 0x0fffffffu)
#define HERE(topic, type, rights, rec, fn) [TOPIC_NUMBER(topic)] = {topic, type, rights, sizeof(rec), false, fn}
#define ONE(topic, type, rights, rec) [TOPIC_NUMBER(topic)] = {topic, type, rights, sizeof(rec), false, NULL}
#define LIST(topic, type, rights, rec) [TOPIC_NUMBER(topic)] = {topic, type, rights, sizeof(rec), true, NULL}
static const struct info_topic zx_topics[] = {
    HERE(ZX_INFO_HANDLE_BASIC, 0, 0, zx_info_handle_basic_t, info_handle_basic),
    HERE(ZX_INFO_HANDLE_COUNT, 0, ZX_RIGHT_INSPECT, zx_info_handle_count_t, info_handle_count),
    HERE(ZX_INFO_KMEM_STATS, ZX_OBJ_TYPE_RESOURCE, 0, zx_info_kmem_stats_t, info_kmem_stats),
    ONE(ZX_INFO_TASK_RUNTIME, 0, ZX_RIGHT_INSPECT, zx_info_task_runtime_t),  // thread, process, job
    ONE(ZX_INFO_PROCESS, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, zx_info_process_t),
    ONE(ZX_INFO_PROCESS_HANDLE_STATS, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, zx_info_process_handle_stats_t),
    ONE(ZX_INFO_TASK_STATS, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, zx_info_task_stats_t),
    LIST(ZX_INFO_PROCESS_THREADS, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_ENUMERATE, zx_koid_t),
    LIST(ZX_INFO_PROCESS_MAPS, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, zx_info_maps_t),
    LIST(ZX_INFO_PROCESS_VMOS, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, zx_info_vmo_t),
    ONE(ZX_INFO_THREAD, ZX_OBJ_TYPE_THREAD, ZX_RIGHT_INSPECT, zx_info_thread_t),
    ONE(ZX_INFO_THREAD_EXCEPTION_REPORT, ZX_OBJ_TYPE_THREAD, ZX_RIGHT_INSPECT, zx_exception_report_t),
    ONE(ZX_INFO_THREAD_STATS, ZX_OBJ_TYPE_THREAD, ZX_RIGHT_INSPECT, zx_info_thread_stats_t),
    ONE(ZX_INFO_JOB, ZX_OBJ_TYPE_JOB, ZX_RIGHT_INSPECT, zx_info_job_t),
    LIST(ZX_INFO_JOB_CHILDREN, ZX_OBJ_TYPE_JOB, ZX_RIGHT_ENUMERATE, zx_koid_t),
    LIST(ZX_INFO_JOB_PROCESSES, ZX_OBJ_TYPE_JOB, ZX_RIGHT_ENUMERATE, zx_koid_t),
    ONE(ZX_INFO_VMO, ZX_OBJ_TYPE_VMO, 0, zx_info_vmo_t),  // no right: the handle's rights are reported
    ONE(ZX_INFO_VMAR, ZX_OBJ_TYPE_VMAR, ZX_RIGHT_INSPECT, zx_info_vmar_t),
    ONE(ZX_INFO_SOCKET, ZX_OBJ_TYPE_SOCKET, ZX_RIGHT_INSPECT, zx_info_socket_t),
    ONE(ZX_INFO_RESOURCE, ZX_OBJ_TYPE_RESOURCE, ZX_RIGHT_INSPECT, zx_info_resource_t),
};
#undef HERE
#undef ONE
#undef LIST
// zc's own topic (include/zc/kcounters.h), numbered far from Zircon's.
static const struct info_topic zc_counters_topic = {ZC_INFO_KERNEL_COUNTERS, ZX_OBJ_TYPE_RESOURCE, 0,
                                                    sizeof(zc_info_kernel_counters_t), false, info_kernel_counters};

static const struct info_topic *info_topic(uint32_t topic) {
    if (topic == ZC_INFO_KERNEL_COUNTERS) return &zc_counters_topic;
    uint32_t n = TOPIC_NUMBER(topic);
    if (n >= countof(zx_topics) || !zx_topics[n].rec_size || zx_topics[n].topic != topic) return NULL;
    return &zx_topics[n];
}

// zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic, void* buffer,
//                                size_t buffer_size, size_t* actual, size_t* avail);
int64_t sys_object_get_info(zx_handle_t handle, uint32_t topic, user_out_ptr buffer, size_t buffer_size,
                            user_out_ptr actual, user_out_ptr avail) {
    struct kobj *obj;
    zx_rights_t rights;
    if (topic == ZX_INFO_HANDLE_VALID) {
        zx_status_t st = lookup_object_get_info_handle(handle, 0, 0, &obj);
        if (st == ZX_OK) kobj_unref(obj);
        return st;
    }
    const struct info_topic *t = info_topic(topic);
    zx_status_t st = lookup_object_get_info_handle_rights(handle, t ? t->type : 0, t ? t->rights : 0, &obj, &rights);
    if (st != ZX_OK) return st;
    if (!t) {
        kobj_unref(obj);
        return ZX_ERR_NOT_SUPPORTED;
    }
    struct info_out out = {.w = {t->list ? put_list : put_one}, .buffer = buffer, .buffer_size = buffer_size,
                           .rec_size = t->rec_size, .count = 0, .st = ZX_OK, .actual = actual, .avail = avail};
    if (t->answer) st = t->answer(obj, rights, &out.w);
    else if (obj->ops->get_info) st = obj->ops->get_info(obj, topic, rights, &out.w);
    else st = ZX_ERR_NOT_SUPPORTED;
    kobj_unref(obj);
    if (st == ZX_ERR_NOT_SUPPORTED) return ZX_ERR_WRONG_TYPE;  // a topic of other objects
    if (st != ZX_OK) return st;
    if (t->list) return finish_list(&out);
    ASSERT(out.count == 1);  // a single-record topic that succeeded put its record
    return out.st;
}

// ---- properties ----
// The syscall layer checks the object's type, the rights and the user's buffer, and copies the
// value; the object reads or validates and applies it (kobj_ops get/set_property). The name,
// which every named object keeps in its kobj, is answered here.

struct property {
    uint32_t property;
    uint32_t type;   // the object type that has it
    uint32_t size;   // of its value
    bool get, set;   // which of zx_object_get/set_property know it
};
static const struct property properties[] = {
    {ZX_PROP_PROCESS_VDSO_BASE_ADDRESS, ZX_OBJ_TYPE_PROCESS, sizeof(uintptr_t), true, false},
    {ZX_PROP_REGISTER_FS, ZX_OBJ_TYPE_THREAD, sizeof(uintptr_t), false, true},
    {ZX_PROP_REGISTER_GS, ZX_OBJ_TYPE_THREAD, sizeof(uintptr_t), false, true},
    {ZX_PROP_JOB_KILL_ON_OOM, ZX_OBJ_TYPE_JOB, sizeof(size_t), true, true},
    {ZX_PROP_VMO_CONTENT_SIZE, ZX_OBJ_TYPE_VMO, sizeof(uint64_t), true, true},
    {ZX_PROP_SOCKET_RX_THRESHOLD, ZX_OBJ_TYPE_SOCKET, sizeof(size_t), true, true},
    {ZX_PROP_SOCKET_TX_THRESHOLD, ZX_OBJ_TYPE_SOCKET, sizeof(size_t), true, true},
    {ZX_PROP_EXCEPTION_STATE, ZX_OBJ_TYPE_EXCEPTION, sizeof(uint32_t), true, true},
    {ZX_PROP_EXCEPTION_STRATEGY, ZX_OBJ_TYPE_EXCEPTION, sizeof(uint32_t), true, true},
    {ZX_PROP_STREAM_MODE_APPEND, ZX_OBJ_TYPE_STREAM, sizeof(uint8_t), true, true},
};

// The property as zx_object_get_property (set false) or set_property (set true) knows it,
// checked against the object and the user's buffer size.
static zx_status_t property_check(struct kobj *o, uint32_t property, bool set, size_t value_size,
                                  const struct property **out) {
    for (size_t i = 0; i < countof(properties); i++) {
        const struct property *p = &properties[i];
        if (p->property != property || !(set ? p->set : p->get)) continue;
        if (o->type != p->type) return ZX_ERR_WRONG_TYPE;
        if (value_size < p->size) return ZX_ERR_BUFFER_TOO_SMALL;
        *out = p;
        return ZX_OK;
    }
    return ZX_ERR_NOT_SUPPORTED;
}

// zx_status_t zx_object_get_property(zx_handle_t handle, uint32_t property, void* value,
//                                    size_t value_size);
int64_t sys_object_get_property(zx_handle_t handle, uint32_t property, user_out_ptr value, size_t value_size) {
    struct kobj *obj;
    zx_status_t st = lookup_object_get_property_handle(handle, &obj);
    if (st != ZX_OK) return st;
    const struct property *p;
    if (property == ZX_PROP_NAME) {
        if (!obj->ops->named) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < ZX_MAX_NAME_LEN) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_to_user(value, obj->name, ZX_MAX_NAME_LEN);
    } else if ((st = property_check(obj, property, false, value_size, &p)) == ZX_OK) {
        uint64_t v = 0;
        _Static_assert(sizeof(uintptr_t) <= sizeof(v) && sizeof(size_t) <= sizeof(v), "property value buffer");
        st = obj->ops->get_property(obj, property, &v);
        if (st == ZX_OK) st = copy_to_user(value, &v, p->size);
    }
    kobj_unref(obj);
    return st;
}

// zx_status_t zx_object_set_property(zx_handle_t handle, uint32_t property, const void* value,
//                                    size_t value_size);
int64_t sys_object_set_property(zx_handle_t handle, uint32_t property, user_in_ptr value, size_t value_size) {
    struct kobj *obj;
    zx_status_t st = lookup_object_set_property_handle(handle, &obj);
    if (st != ZX_OK) return st;
    const struct property *p;
    if (property == ZX_PROP_NAME) {
        char name[ZX_MAX_NAME_LEN] = {0};
        if (!obj->ops->named) st = ZX_ERR_WRONG_TYPE;
        else st = copy_name_from_user(name, sizeof(name), value, value_size);
        if (st == ZX_OK) memcpy(obj->name, name, sizeof(name));
    } else if ((st = property_check(obj, property, true, value_size, &p)) == ZX_OK) {
        uint64_t v = 0;
        st = copy_from_user(&v, value, p->size);
        if (st == ZX_OK) st = obj->ops->set_property(obj, property, &v);
    }
    kobj_unref(obj);
    return st;
}

// zx_status_t zx_object_get_child(zx_handle_t handle, uint64_t koid, zx_rights_t rights,
//                                 zx_handle_t* out);
int64_t sys_object_get_child(zx_handle_t handle, uint64_t koid, zx_rights_t rights, user_out_ptr out) {
    struct kobj *obj;
    zx_rights_t have;
    zx_status_t st = lookup_object_get_child_handle_rights(handle, &obj, &have);
    if (st != ZX_OK) return st;
    struct kobj *child = NULL;
    if (obj->type == ZX_OBJ_TYPE_JOB) {
        list_for_each(&to_job(obj)->processes, it) {
            struct process *p = container_of(it, struct process, job_link);
            if (p->obj.koid == koid) child = &p->obj;
        }
        list_for_each(&to_job(obj)->jobs, it) {
            struct job *c = container_of(it, struct job, sibling_link);
            if (c->obj.koid == koid) child = &c->obj;
        }
    } else if (obj->type == ZX_OBJ_TYPE_PROCESS) {
        list_for_each(&to_process(obj)->threads, it) {
            struct thread *t = container_of(it, struct thread, proc_link);
            if (t->obj.koid == koid) child = &t->obj;
        }
    }
    if (st == ZX_OK && !child) st = ZX_ERR_NOT_FOUND;
    if (st == ZX_OK) {
        zx_rights_t r = rights == ZX_RIGHT_SAME_RIGHTS ? have : rights;
        if (child->type == ZX_OBJ_TYPE_JOB && rights == ZX_RIGHT_SAME_RIGHTS) r = have;
        if (rights != ZX_RIGHT_SAME_RIGHTS && (rights & ~have)) st = ZX_ERR_ACCESS_DENIED;
        else st = give_handle(child, r, out);
    }
    kobj_unref(obj);
    return st;
}
