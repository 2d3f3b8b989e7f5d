// Waiting on, signalling and inspecting objects.
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zc/kcounters.h>

#include "kernel/heap.h"
#include "objects/channel.h"
#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "objects/exception.h"
#include "objects/socket.h"
#include "objects/counter.h"
#include "objects/resource.h"
#include "objects/vmo.h"
#include "syscalls/priv.h"

#define USER_SIGNALS ZX_USER_SIGNAL_ALL

// ---- zx_object_wait_one ----

static void wait_obs_signal(struct observer *ob, zx_signals_t signals) {
    struct thread *t = container_of(ob, struct thread, wait_obs);
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

// The observed value reported is the object's signals when the wait ends (now).
static int64_t wait_one_cont(struct task *task, zx_status_t reason) {
    struct waiter *w = &task->wait;
    zx_signals_t observed = task_thread(task)->wait_obs.obj->signals;
    wait_one_cancel(w);
    user_out_ptr out = w->state.wait_one.observed;
    if (out.addr && copy_to_user(out, &observed, sizeof(observed)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    return reason;
}

int64_t wait_one_block(struct kobj *obj, zx_handle_t h, zx_signals_t signals, zx_time_t deadline,
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
    t->task.wait.state.wait_one.watching = true;
    wait_block(&t->task, NULL, WAIT_ONE, deadline, wait_one_cont);
    return SYS_BLOCKED;
}


// zx_status_t zx_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
//                                zx_signals_t* observed);
int64_t sys_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
                            user_out_ptr observed) {
    struct kobj *obj;
    zx_status_t st = get_obj(handle, 0, ZX_RIGHT_WAIT, &obj);
    if (st != ZX_OK) return st;
    zx_signals_t now = obj->signals;
    if ((now & signals) || deadline <= hal_now()) {
        kobj_unref(obj);
        if (observed.addr && copy_to_user(observed, &now, sizeof(now)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
        return (now & signals) ? ZX_OK : ZX_ERR_TIMED_OUT;
    }
    return wait_one_block(obj, handle, signals, deadline, observed);
}

// ---- zx_object_wait_many ----

struct many_obs {
    struct observer ob;
    struct task *task;
};

static void many_signal(struct observer *ob, zx_signals_t signals) {
    waiter_wake(&container_of(ob, struct many_obs, ob)->task->wait, ZX_OK);
}
static void many_cancel(struct observer *ob) {
    waiter_wake(&container_of(ob, struct many_obs, ob)->task->wait, ZX_ERR_CANCELED);
}

// Detaches the observers, recording each item's signals in the snapshot after them.
static void many_detach(struct waiter *w) {
    if (!w->state.wait_many.watching) return;
    w->state.wait_many.watching = false;
    struct many_obs *obs = w->state.wait_many.obs;
    size_t n = w->state.wait_many.count;
    zx_signals_t *snap = (zx_signals_t *)(obs + n);
    for (size_t i = 0; i < n; i++) {
        snap[i] = obs[i].ob.obj->signals;
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
    return st != ZX_OK ? ZX_ERR_INVALID_ARGS : reason;
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
        st = get_obj(buf[got].handle, 0, ZX_RIGHT_WAIT, &objs[got]);
        if (st != ZX_OK) break;
    }
    if (st != ZX_OK) {
        while (got--) kobj_unref(objs[got]);
        return st;
    }
    bool satisfied = false;
    zx_signals_t snap[ZX_WAIT_MANY_MAX_ITEMS];
    for (size_t i = 0; i < num_items; i++) {
        snap[i] = objs[i]->signals;
        if (snap[i] & buf[i].waitfor) satisfied = true;
    }
    if (satisfied || deadline <= hal_now()) {
        for (size_t i = 0; i < num_items; i++) kobj_unref(objs[i]);
        st = many_write_back(items, num_items, snap);
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
    zx_status_t st = get_obj(handle, 0, ZX_RIGHT_SIGNAL, &obj);
    if (st != ZX_OK) return st;
    zx_signals_t allowed = user_settable(obj->type);
    if ((clear_mask | set_mask) & ~allowed) st = ZX_ERR_INVALID_ARGS;
    else kobj_signal(obj, clear_mask, set_mask);
    kobj_unref(obj);
    return st;
}

// zx_status_t zx_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask);
int64_t sys_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
    struct kobj *obj;
    zx_status_t st = get_obj(handle, 0, ZX_RIGHT_SIGNAL_PEER, &obj);
    if (st != ZX_OK) return st;
    if (obj->type != ZX_OBJ_TYPE_EVENTPAIR && obj->type != ZX_OBJ_TYPE_CHANNEL &&
        obj->type != ZX_OBJ_TYPE_SOCKET && obj->type != ZX_OBJ_TYPE_FIFO) {
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

// Kernel-wide topics want the root resource.
static zx_status_t get_root_resource(zx_handle_t handle) {
    struct kobj *obj;
    zx_status_t st = get_obj(handle, ZX_OBJ_TYPE_RESOURCE, 0, &obj);
    if (st != ZX_OK) return st;
    bool root = to_resource(obj)->kind == ZX_RSRC_KIND_ROOT;
    kobj_unref(obj);
    return root ? ZX_OK : ZX_ERR_ACCESS_DENIED;
}

// ZC_INFO_KERNEL_COUNTERS (zc-specific, include/zc/kcounters.h).
static zx_status_t kernel_counters(zx_handle_t handle, zc_info_kernel_counters_t *info) {
    zx_status_t st = get_root_resource(handle);
    if (st != ZX_OK) return st;
    memset(info, 0, sizeof(*info));
    info->total_bytes = pmm_total_pages() * HAL_PAGE_SIZE;
    info->free_bytes = pmm_free_pages() * HAL_PAGE_SIZE;
    info->heap_bytes = heap_bytes_in_use();
    info->vmo_bytes = vmo_committed_pages * HAL_PAGE_SIZE;
    info->live_objects = kobj_live_total();
    _Static_assert(ZC_KCOUNTERS_TYPES == KOBJ_TYPE_COUNT, "one counter per object type");
    memcpy(info->live_by_type, kobj_live, sizeof(info->live_by_type));
    return ZX_OK;
}

static zx_status_t write_info(user_out_ptr buffer, size_t buffer_size, const void *rec, size_t rec_size,
                              user_out_ptr actual, user_out_ptr avail) {
    size_t n = buffer_size >= rec_size ? 1 : 0;
    if (actual.addr && put_u64(actual, n) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    if (avail.addr && put_u64(avail, 1) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    if (!n) return ZX_ERR_BUFFER_TOO_SMALL;
    return copy_to_user(buffer, rec, rec_size);
}

// Multi-record topics: as many records as fit; actual/avail tell how many there are.
struct info_out {
    user_out_ptr buffer;
    size_t buffer_size;
    size_t rec_size;
    size_t count;   // records produced
    zx_status_t st;
};

static void info_put(struct info_out *o, const void *rec) {
    if (o->st == ZX_OK && (o->count + 1) * o->rec_size <= o->buffer_size)
        o->st = copy_to_user(user_out_off(o->buffer, o->count * o->rec_size), rec, o->rec_size);
    o->count++;
}

static zx_status_t info_finish(struct info_out *o, user_out_ptr actual, user_out_ptr avail) {
    if (o->st != ZX_OK) return o->st;
    size_t fit = o->buffer_size / o->rec_size;
    size_t n = o->count < fit ? o->count : fit;
    if (actual.addr && put_u64(actual, n) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    if (avail.addr && put_u64(avail, o->count) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    return ZX_OK;
}

struct maps_ctx {
    struct info_out *out;
};

static void maps_visit(void *ctx, struct vm_region *r, size_t depth) {
    struct maps_ctx *mc = ctx;
    zx_info_maps_t m;
    memset(&m, 0, sizeof(m));
    m.base = r->base;
    m.size = r->size;
    m.depth = depth;
    if (r->kind == VM_REGION_VMAR) {
        struct vmar *v = container_of(r, struct vmar, r);
        m.type = ZX_INFO_MAPS_TYPE_VMAR;
        memcpy(m.name, v->obj.name, sizeof(m.name));
        if (!m.name[0]) strlcpy(m.name, depth == 1 ? "root" : "vmar", sizeof(m.name));
    } else {
        struct vm_mapping *mp = container_of(r, struct vm_mapping, r);
        m.type = ZX_INFO_MAPS_TYPE_MAPPING;
        memcpy(m.name, mp->vmo->obj.name, sizeof(m.name));
        m.u.mapping.mmu_flags = mp->perms;
        m.u.mapping.vmo_koid = mp->vmo->obj.koid;
        m.u.mapping.vmo_offset = mp->vmo_offset;
        size_t committed = 0;
        for (uint64_t off = 0; off < r->size; off += HAL_PAGE_SIZE) {
            paddr_t pa;
            if (vmo_lookup_page(mp->vmo, (mp->vmo_offset + off) / HAL_PAGE_SIZE, &pa)) committed++;
        }
        m.u.mapping.committed_pages = committed;
        m.u.mapping.populated_pages = committed;
    }
    info_put(mc->out, &m);
}

static void fill_vmo_info(struct vmo *v, zx_rights_t rights, zx_info_vmo_t *info) {
    memset(info, 0, sizeof(*info));
    info->koid = v->obj.koid;
    memcpy(info->name, v->obj.name, sizeof(info->name));
    info->size_bytes = v->size;
    info->parent_koid = v->user_parent ? v->user_parent->obj.koid : 0;
    info->num_children = v->user_child_count;
    size_t maps = 0, spaces = 0;
    list_for_each(&v->mappings, it) {
        maps++;
        struct vm_mapping *m = container_of(it, struct vm_mapping, vmo_link);
        bool seen = false;
        list_for_each(&v->mappings, it2) {
            if (it2 == it) break;
            if (container_of(it2, struct vm_mapping, vmo_link)->r.parent->as == m->r.parent->as) seen = true;
        }
        if (!seen) spaces++;
    }
    info->num_mappings = maps;
    info->share_count = spaces;
    info->flags = (vmo_is_physical(v) ? ZX_INFO_VMO_TYPE_PHYSICAL : ZX_INFO_VMO_TYPE_PAGED) | ZX_INFO_VMO_VIA_HANDLE;
    if (v->flags & VMO_F_RESIZABLE) info->flags |= ZX_INFO_VMO_RESIZABLE;
    if (v->flags & VMO_F_IMMUTABLE) info->flags |= ZX_INFO_VMO_IMMUTABLE;
    if (v->user_parent && !v->slice_of) info->flags |= ZX_INFO_VMO_IS_COW_CLONE;
    info->committed_bytes = vmo_committed_bytes(v);
    info->populated_bytes = info->committed_bytes;
    info->handle_rights = rights;
    info->cache_policy = v->cache_policy;
}

// ZX_INFO_PROCESS_VMOS: one record per mapping, flagged as reached through a mapping.
static void vmos_visit(void *ctx, struct vm_region *r, size_t depth) {
    (void)depth;
    if (r->kind != VM_REGION_MAPPING) return;
    zx_info_vmo_t info;
    fill_vmo_info(container_of(r, struct vm_mapping, r)->vmo, 0, &info);
    info.flags = (info.flags & ~ZX_INFO_VMO_VIA_HANDLE) | ZX_INFO_VMO_VIA_MAPPING;
    info_put(ctx, &info);
}

struct stats_ctx {
    zx_info_task_stats_t *info;
};

static void stats_visit(void *ctx, struct vm_region *r, size_t depth) {
    if (r->kind != VM_REGION_MAPPING) return;
    struct vm_mapping *m = container_of(r, struct vm_mapping, r);
    zx_info_task_stats_t *info = ((struct stats_ctx *)ctx)->info;
    info->mem_mapped_bytes += r->size;
    size_t committed = 0;
    for (uint64_t off = 0; off < r->size; off += HAL_PAGE_SIZE) {
        paddr_t pa;
        if (vmo_lookup_page(m->vmo, (m->vmo_offset + off) / HAL_PAGE_SIZE, &pa)) committed += HAL_PAGE_SIZE;
    }
    size_t spaces = 0;
    list_for_each(&m->vmo->mappings, it) spaces++;
    if (spaces <= 1) info->mem_private_bytes += committed;
    else {
        info->mem_shared_bytes += committed;
        info->mem_scaled_shared_bytes += committed / spaces;
    }
}

static void task_stats(struct process *p, zx_info_task_stats_t *info) {
    struct stats_ctx c = {info};
    if (p->as->root) vmar_walk(p->as->root, 0, stats_visit, &c);
}

static zx_koid_t related_koid(struct kobj *o) {
    switch (o->type) {
    case ZX_OBJ_TYPE_THREAD:
        return to_thread(o)->proc->obj.koid;
    case ZX_OBJ_TYPE_PROCESS:
        return to_process(o)->job->obj.koid;
    case ZX_OBJ_TYPE_JOB:
        return to_job(o)->parent ? to_job(o)->parent->obj.koid : 0;
    default:
        return o->peer_koid;
    }
}

// zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic, void* buffer,
//                                size_t buffer_size, size_t* actual, size_t* avail);
int64_t sys_object_get_info(zx_handle_t handle, uint32_t topic, user_out_ptr buffer, size_t buffer_size,
                            user_out_ptr actual, user_out_ptr avail) {
    struct kobj *obj;
    zx_rights_t rights;
    zx_status_t st;
    switch (topic) {
    case ZX_INFO_HANDLE_VALID:
        return handle_slot_of(cur_handles(), handle) ? ZX_OK : ZX_ERR_BAD_HANDLE;
    case ZX_INFO_HANDLE_BASIC: {
        st = get_obj_rights(handle, 0, 0, &obj, &rights);
        if (st != ZX_OK) return st;
        zx_info_handle_basic_t info = {0};
        info.koid = obj->koid;
        info.rights = rights;
        info.type = obj->type;
        info.related_koid = related_koid(obj);
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_HANDLE_COUNT: {
        st = get_obj(handle, 0, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        zx_info_handle_count_t info = {.handle_count = obj->handle_count};
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_PROCESS: {
        st = get_obj(handle, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct process *p = to_process(obj);
        zx_info_process_t info = {0};
        info.return_code = p->return_code;
        info.start_time = p->start_time;
        if (p->state != PROC_INITIAL) info.flags |= ZX_INFO_PROCESS_FLAG_STARTED;
        if (p->state == PROC_DEAD) info.flags |= ZX_INFO_PROCESS_FLAG_EXITED;
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_VMO: {
        st = get_obj_rights(handle, ZX_OBJ_TYPE_VMO, 0, &obj, &rights);
        if (st != ZX_OK) return st;
        zx_info_vmo_t info;
        fill_vmo_info(to_vmo(obj), rights, &info);
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_PROCESS_HANDLE_STATS: {
        st = get_obj(handle, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        zx_info_process_handle_stats_t info;
        memset(&info, 0, sizeof(info));
        struct handle_table *ht = &to_process(obj)->handles;
        for (uint32_t i = 0; i < ht->cap; i++)
            if (ht->slots[i].obj && ht->slots[i].obj->type < ZX_OBJ_TYPE_UPPER_BOUND)
                info.handle_count[ht->slots[i].obj->type]++;
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_KMEM_STATS: {
        st = get_root_resource(handle);
        if (st != ZX_OK) return st;
        zx_info_kmem_stats_t info;
        memset(&info, 0, sizeof(info));
        info.total_bytes = pmm_total_pages() * HAL_PAGE_SIZE;
        info.free_bytes = pmm_free_pages() * HAL_PAGE_SIZE;
        info.total_heap_bytes = heap_bytes_in_use();
        info.vmo_bytes = vmo_committed_pages * HAL_PAGE_SIZE;
        info.wired_bytes = info.total_bytes - info.free_bytes - info.total_heap_bytes;
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZC_INFO_KERNEL_COUNTERS: {
        zc_info_kernel_counters_t info;
        st = kernel_counters(handle, &info);
        if (st != ZX_OK) return st;
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_PROCESS_MAPS: {
        st = get_obj(handle, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct process *p = to_process(obj);
        struct info_out out = {buffer, buffer_size, sizeof(zx_info_maps_t), 0, ZX_OK};
        if (p->state != PROC_DEAD && p->as->root) {
            zx_info_maps_t top;
            memset(&top, 0, sizeof(top));
            strlcpy(top.name, "aspace", sizeof(top.name));
            top.base = hal_aspace_user_base(&p->as->hal);
            top.size = hal_aspace_user_end(&p->as->hal) - top.base;
            top.type = ZX_INFO_MAPS_TYPE_ASPACE;
            info_put(&out, &top);
            struct maps_ctx mc = {&out};
            vmar_walk(p->as->root, 1, maps_visit, &mc);
        }
        kobj_unref(obj);
        return info_finish(&out, actual, avail);
    }
    case ZX_INFO_PROCESS_THREADS: {
        st = get_obj(handle, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_ENUMERATE, &obj);
        if (st != ZX_OK) return st;
        struct info_out out = {buffer, buffer_size, sizeof(zx_koid_t), 0, ZX_OK};
        list_for_each(&to_process(obj)->threads, it) {
            struct thread *t = container_of(it, struct thread, proc_link);
            info_put(&out, &t->obj.koid);
        }
        kobj_unref(obj);
        return info_finish(&out, actual, avail);
    }
    case ZX_INFO_JOB_PROCESSES: {
        st = get_obj(handle, ZX_OBJ_TYPE_JOB, ZX_RIGHT_ENUMERATE, &obj);
        if (st != ZX_OK) return st;
        struct info_out out = {buffer, buffer_size, sizeof(zx_koid_t), 0, ZX_OK};
        list_for_each(&to_job(obj)->processes, it) {
            struct process *p = container_of(it, struct process, job_link);
            info_put(&out, &p->obj.koid);
        }
        kobj_unref(obj);
        return info_finish(&out, actual, avail);
    }
    case ZX_INFO_THREAD: {
        st = get_obj(handle, ZX_OBJ_TYPE_THREAD, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct thread *t = to_thread(obj);
        zx_info_thread_t info;
        memset(&info, 0, sizeof(info));
        switch (t->task.state) {
        case TASK_NEW: info.state = ZX_THREAD_STATE_NEW; break;
        case TASK_RUNNABLE: info.state = ZX_THREAD_STATE_RUNNING; break;
        case TASK_SUSPENDED: info.state = ZX_THREAD_STATE_SUSPENDED; break;
        case TASK_BLOCKED: info.state = t->task.suspend_count ? ZX_THREAD_STATE_SUSPENDED : thread_blocked_state(t); break;
        case TASK_DEAD: info.state = ZX_THREAD_STATE_DEAD; break;
        }
        if (t->cur_exc) info.wait_exception_channel_type = t->cur_exc->channel_type;
        info.cpu_affinity_mask.mask[0] = 1;
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_THREAD_EXCEPTION_REPORT: {
        st = get_obj(handle, ZX_OBJ_TYPE_THREAD, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct thread *t = to_thread(obj);
        zx_exception_report_t rep;
        bool have = t->cur_exc != NULL;
        if (have) rep = t->cur_exc->report;
        kobj_unref(obj);
        if (!have) return ZX_ERR_BAD_STATE;
        return write_info(buffer, buffer_size, &rep, sizeof(rep), actual, avail);
    }
    case ZX_INFO_THREAD_STATS: {
        st = get_obj(handle, ZX_OBJ_TYPE_THREAD, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        zx_info_thread_stats_t info = {.total_runtime = (zx_duration_t)to_thread(obj)->task.runtime_ns,
                                       .last_scheduled_cpu = 0};
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_TASK_RUNTIME: {
        st = get_obj(handle, 0, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        zx_info_task_runtime_t info;
        memset(&info, 0, sizeof(info));
        if (obj->type == ZX_OBJ_TYPE_THREAD) {
            info.cpu_time = (zx_duration_t)to_thread(obj)->task.runtime_ns;
        } else if (obj->type == ZX_OBJ_TYPE_PROCESS) {
            list_for_each(&to_process(obj)->threads, it)
                info.cpu_time += (zx_duration_t)container_of(it, struct thread, proc_link)->task.runtime_ns;
            info.cpu_time += to_process(obj)->dead_runtime;
        } else if (obj->type != ZX_OBJ_TYPE_JOB) {
            st = ZX_ERR_WRONG_TYPE;
        }
        kobj_unref(obj);
        if (st != ZX_OK) return st;
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_TASK_STATS: {
        st = get_obj(handle, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct process *p = to_process(obj);
        zx_info_task_stats_t info;
        memset(&info, 0, sizeof(info));
        if (p->state == PROC_DEAD) st = ZX_ERR_BAD_STATE;
        else task_stats(p, &info);
        kobj_unref(obj);
        if (st != ZX_OK) return st;
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_JOB: {
        st = get_obj(handle, ZX_OBJ_TYPE_JOB, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        zx_info_job_t info;
        memset(&info, 0, sizeof(info));
        info.return_code = to_job(obj)->return_code;
        info.exited = to_job(obj)->dead;
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_JOB_CHILDREN: {
        st = get_obj(handle, ZX_OBJ_TYPE_JOB, ZX_RIGHT_ENUMERATE, &obj);
        if (st != ZX_OK) return st;
        struct info_out out = {buffer, buffer_size, sizeof(zx_koid_t), 0, ZX_OK};
        list_for_each(&to_job(obj)->jobs, it) info_put(&out, &container_of(it, struct job, sibling_link)->obj.koid);
        kobj_unref(obj);
        return info_finish(&out, actual, avail);
    }
    case ZX_INFO_SOCKET: {
        st = get_obj(handle, ZX_OBJ_TYPE_SOCKET, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct socket *so = to_socket(obj);
        zx_info_socket_t info;
        memset(&info, 0, sizeof(info));
        info.options = so->options;
        info.rx_buf_max = SOCKET_CAPACITY;
        info.rx_buf_size = so->bytes;
        info.rx_buf_available = socket_rx_available(so);
        info.tx_buf_max = so->obj.peer ? SOCKET_CAPACITY : 0;
        info.tx_buf_size = so->obj.peer ? to_socket(so->obj.peer)->bytes : 0;
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_PROCESS_VMOS: {
        // Every VMO the process reaches through a handle, then through a mapping (a VMO can
        // appear several times).
        st = get_obj(handle, ZX_OBJ_TYPE_PROCESS, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct process *p = to_process(obj);
        struct info_out out = {buffer, buffer_size, sizeof(zx_info_vmo_t), 0, ZX_OK};
        struct handle_table *ht = &p->handles;
        for (uint32_t i = 0; i < ht->cap; i++) {
            struct kobj *o = ht->slots[i].obj;
            if (!o || o->type != ZX_OBJ_TYPE_VMO) continue;
            zx_info_vmo_t info;
            fill_vmo_info(to_vmo(o), ht->slots[i].rights, &info);
            info_put(&out, &info);
        }
        struct info_out *op = &out;
        if (p->state != PROC_DEAD && p->as->root) vmar_walk(p->as->root, 0, vmos_visit, op);
        kobj_unref(obj);
        return info_finish(&out, actual, avail);
    }
    case ZX_INFO_RESOURCE: {
        st = get_obj(handle, ZX_OBJ_TYPE_RESOURCE, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        struct resource *r = to_resource(obj);
        zx_info_resource_t info;
        memset(&info, 0, sizeof(info));
        info.kind = r->kind;
        info.flags = r->flags;
        info.base = r->base;
        info.size = r->size;
        memcpy(info.name, obj->name, sizeof(info.name));
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    case ZX_INFO_VMAR: {
        st = get_obj(handle, ZX_OBJ_TYPE_VMAR, ZX_RIGHT_INSPECT, &obj);
        if (st != ZX_OK) return st;
        zx_info_vmar_t info = {.base = to_vmar(obj)->r.base, .len = to_vmar(obj)->r.size};
        kobj_unref(obj);
        return write_info(buffer, buffer_size, &info, sizeof(info), actual, avail);
    }
    default:
        st = get_obj(handle, 0, 0, &obj);
        if (st != ZX_OK) return st;
        kobj_unref(obj);
        return ZX_ERR_NOT_SUPPORTED;
    }
}

// ---- properties ----

static bool has_name(uint32_t type) {
    return type == ZX_OBJ_TYPE_PROCESS || type == ZX_OBJ_TYPE_THREAD || type == ZX_OBJ_TYPE_VMO ||
           type == ZX_OBJ_TYPE_JOB || type == ZX_OBJ_TYPE_EVENT || type == ZX_OBJ_TYPE_EVENTPAIR ||
           type == ZX_OBJ_TYPE_CHANNEL || type == ZX_OBJ_TYPE_VMAR;
}

// zx_status_t zx_object_get_property(zx_handle_t handle, uint32_t property, void* value,
//                                    size_t value_size);
int64_t sys_object_get_property(zx_handle_t handle, uint32_t property, user_out_ptr value, size_t value_size) {
    struct kobj *obj;
    zx_status_t st = get_obj(handle, 0, ZX_RIGHT_GET_PROPERTY, &obj);
    if (st != ZX_OK) return st;
    switch (property) {
    case ZX_PROP_NAME:
        if (!has_name(obj->type)) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < ZX_MAX_NAME_LEN) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_to_user(value, obj->name, ZX_MAX_NAME_LEN);
        break;
    case ZX_PROP_PROCESS_VDSO_BASE_ADDRESS:
        if (obj->type != ZX_OBJ_TYPE_PROCESS) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uintptr_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = put_u64(value, to_process(obj)->as->vdso_image_base);
        break;
    case ZX_PROP_STREAM_MODE_APPEND: {
        uint8_t v;
        if (obj->type != ZX_OBJ_TYPE_STREAM) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uint8_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else {
            v = stream_get_append(obj);
            st = copy_to_user(value, &v, sizeof(v));
        }
        break;
    }
    case ZX_PROP_EXCEPTION_STATE:
    case ZX_PROP_EXCEPTION_STRATEGY:
        if (obj->type != ZX_OBJ_TYPE_EXCEPTION) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uint32_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = put_u32(value, property == ZX_PROP_EXCEPTION_STATE ? to_exception(obj)->state
                                                                     : to_exception(obj)->strategy);
        break;
    case ZX_PROP_SOCKET_RX_THRESHOLD:
    case ZX_PROP_SOCKET_TX_THRESHOLD:
        if (obj->type != ZX_OBJ_TYPE_SOCKET) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(size_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = put_u64(value, property == ZX_PROP_SOCKET_RX_THRESHOLD ? to_socket(obj)->rx_threshold
                                                                         : to_socket(obj)->tx_threshold);
        break;
    case ZX_PROP_VMO_CONTENT_SIZE:
        if (obj->type != ZX_OBJ_TYPE_VMO) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uint64_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = put_u64(value, to_vmo(obj)->content_size);
        break;
    case ZX_PROP_JOB_KILL_ON_OOM:
        if (obj->type != ZX_OBJ_TYPE_JOB) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(size_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = put_u64(value, to_job(obj)->kill_on_oom);
        break;
    default:
        st = ZX_ERR_NOT_SUPPORTED;
    }
    kobj_unref(obj);
    return st;
}

// zx_status_t zx_object_set_property(zx_handle_t handle, uint32_t property, const void* value,
//                                    size_t value_size);
int64_t sys_object_set_property(zx_handle_t handle, uint32_t property, user_in_ptr value, size_t value_size) {
    struct kobj *obj;
    zx_status_t st = get_obj(handle, 0, ZX_RIGHT_SET_PROPERTY, &obj);
    if (st != ZX_OK) return st;
    switch (property) {
    case ZX_PROP_NAME: {
        char name[ZX_MAX_NAME_LEN] = {0};
        if (!has_name(obj->type)) {
            st = ZX_ERR_WRONG_TYPE;
            break;
        }
        st = copy_name_from_user(name, sizeof(name), value, value_size);
        if (st == ZX_OK) memcpy(obj->name, name, sizeof(name));
        break;
    }
    case ZX_PROP_STREAM_MODE_APPEND: {
        uint8_t v;
        if (obj->type != ZX_OBJ_TYPE_STREAM) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uint8_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_from_user(&v, value, sizeof(v));
        if (st == ZX_OK) stream_set_append(obj, v != 0);
        break;
    }
    case ZX_PROP_JOB_KILL_ON_OOM: {
        size_t v;
        if (obj->type != ZX_OBJ_TYPE_JOB) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(size_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_from_user(&v, value, sizeof(v));
        if (st == ZX_OK && v > 1) st = ZX_ERR_INVALID_ARGS;
        if (st == ZX_OK) to_job(obj)->kill_on_oom = v;
        break;
    }
    case ZX_PROP_REGISTER_FS:
    case ZX_PROP_REGISTER_GS: {
        // Only the calling thread's own registers: another thread could be running.
        uintptr_t v;
        if (obj->type != ZX_OBJ_TYPE_THREAD) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uintptr_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_from_user(&v, value, sizeof(v));
        if (st == ZX_OK && to_thread(obj) != current_thread()) st = ZX_ERR_ACCESS_DENIED;
        if (st == ZX_OK)
            st = hal_uctx_set_tls_base(&to_thread(obj)->task.uctx,
                                       property == ZX_PROP_REGISTER_FS ? HAL_TLS_FS : HAL_TLS_GS, v);
        break;
    }
    case ZX_PROP_EXCEPTION_STATE:
    case ZX_PROP_EXCEPTION_STRATEGY: {
        uint32_t v;
        if (obj->type != ZX_OBJ_TYPE_EXCEPTION) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uint32_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_from_user(&v, value, sizeof(v));
        if (st != ZX_OK) break;
        struct exception *e = to_exception(obj);
        if (property == ZX_PROP_EXCEPTION_STATE) {
            if (v > ZX_EXCEPTION_STATE_THREAD_EXIT) st = ZX_ERR_INVALID_ARGS;
            else e->state = v;
        } else {
            if (v > ZX_EXCEPTION_STRATEGY_SECOND_CHANCE) st = ZX_ERR_INVALID_ARGS;
            else if (e->channel_type != ZX_EXCEPTION_CHANNEL_TYPE_DEBUGGER) st = ZX_ERR_BAD_STATE;
            else e->strategy = v;
        }
        break;
    }
    case ZX_PROP_VMO_CONTENT_SIZE: {
        uint64_t v;
        if (obj->type != ZX_OBJ_TYPE_VMO) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(uint64_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_from_user(&v, value, sizeof(v));
        if (st == ZX_OK && v > to_vmo(obj)->size) st = ZX_ERR_OUT_OF_RANGE;
        if (st == ZX_OK) to_vmo(obj)->content_size = v;
        break;
    }
    case ZX_PROP_SOCKET_RX_THRESHOLD:
    case ZX_PROP_SOCKET_TX_THRESHOLD: {
        uint64_t v;
        if (obj->type != ZX_OBJ_TYPE_SOCKET) st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(size_t)) st = ZX_ERR_BUFFER_TOO_SMALL;
        else st = copy_from_user(&v, value, sizeof(v));
        if (st == ZX_OK && v > SOCKET_CAPACITY) st = ZX_ERR_INVALID_ARGS;
        if (st == ZX_OK && property == ZX_PROP_SOCKET_TX_THRESHOLD && !obj->peer) st = ZX_ERR_PEER_CLOSED;
        if (st == ZX_OK) {
            struct socket *so = to_socket(obj);
            if (property == ZX_PROP_SOCKET_RX_THRESHOLD) so->rx_threshold = (uint32_t)v;
            else so->tx_threshold = (uint32_t)v;
            socket_update_signals(so);
        }
        break;
    }
    default:
        st = ZX_ERR_NOT_SUPPORTED;
    }
    kobj_unref(obj);
    return st;
}

// zx_status_t zx_object_get_child(zx_handle_t handle, uint64_t koid, zx_rights_t rights,
//                                 zx_handle_t* out);
int64_t sys_object_get_child(zx_handle_t handle, uint64_t koid, zx_rights_t rights, user_out_ptr out) {
    struct kobj *obj;
    zx_rights_t have;
    zx_status_t st = get_obj_rights(handle, 0, 0, &obj, &have);
    if (st != ZX_OK) return st;
    struct kobj *child = NULL;
    if (obj->type != ZX_OBJ_TYPE_JOB && obj->type != ZX_OBJ_TYPE_PROCESS) st = ZX_ERR_WRONG_TYPE;
    else if (!(have & ZX_RIGHT_ENUMERATE)) st = ZX_ERR_ACCESS_DENIED;
    else if (obj->type == ZX_OBJ_TYPE_JOB) {
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
