// Processes: creation, death and what dies with them (objects/task.h).
#include "objects/task.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/futex.h"

static struct slab_cache process_cache;

void process_global_init(void) {
    slab_cache_init(&process_cache, "process", sizeof(struct process));
}

static void process_on_zero_handles(struct kobj *o) {
    struct process *p = to_process(o);
    // A process that never started has nothing to keep it alive.
    if (p->state == PROC_INITIAL) {
        p->return_code = 0;
        process_finish(p);
    }
}

static void process_destroy(struct kobj *o) {
    struct process *p = to_process(o);
    ASSERT(p->state == PROC_DEAD);
    // Made critical after it died (zx_job_set_critical accepts that, as Zircon does): the
    // binding never fired, its job reference goes with the process.
    if (p->critical_to) kobj_unref(&p->critical_to->obj);
    vm_aspace_unref(p->as);
    kobj_unref(&p->job->obj);
    slab_free(p);
}
static zx_status_t process_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w);
static zx_status_t process_get_property(struct kobj *o, uint32_t property, void *value);
static zx_koid_t process_related_koid(struct kobj *o);
static const struct kobj_ops process_ops = {.on_zero_handles = process_on_zero_handles,
                                            .destroy = process_destroy,
                                            .get_info = process_get_info,
                                            .get_property = process_get_property,
                                            .related_koid = process_related_koid,
                                            .named = true};

zx_status_t process_create(struct job *job, const char *name, struct process **out) {
    if (job->dead) return ZX_ERR_BAD_STATE;
    struct process *p = slab_alloc(&process_cache);
    if (!p) return ZX_ERR_NO_MEMORY;
    zx_status_t st = vm_aspace_create(&p->as);
    if (st != ZX_OK) {
        slab_free(p);
        return st;
    }
    kobj_init(&p->obj, ZX_OBJ_TYPE_PROCESS, &process_ops);
    strlcpy(p->obj.name, name, sizeof(p->obj.name));
    p->job = job;
    kobj_ref(&job->obj);
    list_add_tail(&job->processes, &p->job_link);
    job_update_child_signals(job);
    kobj_ref(&p->obj);  // the job's list reference
    handle_table_init(&p->handles, p);
    list_init(&p->threads);
    p->live_threads = 0;
    p->state = PROC_INITIAL;
    p->return_code = 0;
    p->is_root = false;
    p->suspend_count = 0;
    p->start_time = 0;
    p->exc.chan = p->exc_debugger.chan = NULL;
    p->dead_runtime = 0;
    p->critical_to = NULL;
    p->critical_nonzero_only = false;
    *out = p;
    return ZX_OK;
}

// The last thread died (or the process never ran): release everything it holds.
void process_finish(struct process *p) {
    if (p->state == PROC_DEAD) return;
    p->state = PROC_DEAD;
    // Threads that were created but never started die with it.
    list_for_each_safe(&p->threads, it, tmp) {
        struct thread *t = container_of(it, struct thread, proc_link);
        if (t->task.state != TASK_DEAD) task_kill(&t->task);
    }
    exc_port_release(&p->exc);
    exc_port_release(&p->exc_debugger);
    handle_table_destroy(&p->handles);
    vm_aspace_destroy_mappings(p->as);
    kobj_signal(&p->obj, 0, ZX_TASK_TERMINATED);
    if (p->is_root) {
        kprintf("zc: userboot exited with status %ld\n", p->return_code);
        int64_t c = p->return_code;
        hal_shutdown(c >= 0 && c <= 124 ? (int)c : 125);
    }
    list_delete(&p->job_link);
    job_update_child_signals(p->job);
    job_check_terminated(p->job);
    // A critical process takes its job down with it.
    if (p->critical_to) {
        struct job *cj = p->critical_to;
        p->critical_to = NULL;
        if (!p->critical_nonzero_only || p->return_code != 0) job_kill(cj, ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL);
        kobj_unref(&cj->obj);
    }
    kobj_unref(&p->obj);  // the job's list reference
}

void process_kill(struct process *p, int64_t code) {
    if (p->state == PROC_DYING || p->state == PROC_DEAD) return;
    bool was_running = p->state == PROC_RUNNING && p->live_threads > 0;
    p->return_code = code;
    p->state = PROC_DYING;
    if (!was_running) {
        process_finish(p);
        return;
    }
    list_for_each_safe(&p->threads, it, tmp) {
        struct thread *t = container_of(it, struct thread, proc_link);
        task_kill(&t->task);
    }
}


// ---- zx_object_get_info, properties ----

// ZX_INFO_PROCESS_MAPS: the address space, then its VMARs and mappings depth-first.
static void maps_visit(void *ctx, struct vm_region *r, size_t depth) {
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
    info_put(ctx, &m);
}

static void process_maps(struct process *p, struct info_writer *w) {
    if (p->state == PROC_DEAD || !p->as->root) return;
    zx_info_maps_t top;
    memset(&top, 0, sizeof(top));
    strlcpy(top.name, "aspace", sizeof(top.name));
    top.base = hal_aspace_user_base(&p->as->hal);
    top.size = hal_aspace_user_end(&p->as->hal) - top.base;
    top.type = ZX_INFO_MAPS_TYPE_ASPACE;
    info_put(w, &top);
    vmar_walk(p->as->root, 1, maps_visit, w);
}

// ZX_INFO_PROCESS_VMOS through a mapping: one record per mapping, flagged so.
static void vmos_visit(void *ctx, struct vm_region *r, size_t depth) {
    (void)depth;
    if (r->kind != VM_REGION_MAPPING) return;
    zx_info_vmo_t info;
    vmo_info(container_of(r, struct vm_mapping, r)->vmo, 0, &info);
    info.flags = (info.flags & ~ZX_INFO_VMO_VIA_HANDLE) | ZX_INFO_VMO_VIA_MAPPING;
    info_put(ctx, &info);
}

// Every VMO the process reaches through a handle, then through a mapping (a VMO can appear
// several times).
static void process_vmos(struct process *p, struct info_writer *w) {
    struct handle_table *ht = &p->handles;
    for (uint32_t i = 0; i < ht->cap; i++) {
        struct kobj *o = ht->slots[i].obj;
        if (!o || o->type != ZX_OBJ_TYPE_VMO) continue;
        zx_info_vmo_t info;
        vmo_info(to_vmo(o), ht->slots[i].rights, &info);
        info_put(w, &info);
    }
    if (p->state != PROC_DEAD && p->as->root) vmar_walk(p->as->root, 0, vmos_visit, w);
}

// ZX_INFO_TASK_STATS: the memory of the process's mappings.
static void stats_visit(void *ctx, struct vm_region *r, size_t depth) {
    if (r->kind != VM_REGION_MAPPING) return;
    struct vm_mapping *m = container_of(r, struct vm_mapping, r);
    zx_info_task_stats_t *info = ctx;
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

static zx_status_t process_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w) {
    struct process *p = to_process(o);
    switch (topic) {
    case ZX_INFO_PROCESS: {
        zx_info_process_t info = {0};
        info.return_code = p->return_code;
        info.start_time = p->start_time;
        if (p->state != PROC_INITIAL) info.flags |= ZX_INFO_PROCESS_FLAG_STARTED;
        if (p->state == PROC_DEAD) info.flags |= ZX_INFO_PROCESS_FLAG_EXITED;
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_PROCESS_HANDLE_STATS: {
        zx_info_process_handle_stats_t info;
        memset(&info, 0, sizeof(info));
        struct handle_table *ht = &p->handles;
        for (uint32_t i = 0; i < ht->cap; i++)
            if (ht->slots[i].obj && ht->slots[i].obj->type < ZX_OBJ_TYPE_UPPER_BOUND)
                info.handle_count[ht->slots[i].obj->type]++;
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_TASK_STATS: {
        if (p->state == PROC_DEAD) return ZX_ERR_BAD_STATE;
        zx_info_task_stats_t info;
        memset(&info, 0, sizeof(info));
        if (p->as->root) vmar_walk(p->as->root, 0, stats_visit, &info);
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_TASK_RUNTIME: {
        zx_info_task_runtime_t info;
        memset(&info, 0, sizeof(info));
        list_for_each(&p->threads, it)
            info.cpu_time += (zx_duration_t)container_of(it, struct thread, proc_link)->task.runtime_ns;
        info.cpu_time += p->dead_runtime;
        info_put(w, &info);
        return ZX_OK;
    }
    case ZX_INFO_PROCESS_THREADS:
        list_for_each(&p->threads, it) info_put(w, &container_of(it, struct thread, proc_link)->obj.koid);
        return ZX_OK;
    case ZX_INFO_PROCESS_MAPS:
        process_maps(p, w);
        return ZX_OK;
    case ZX_INFO_PROCESS_VMOS:
        process_vmos(p, w);
        return ZX_OK;
    default:
        return ZX_ERR_NOT_SUPPORTED;
    }
}

static zx_status_t process_get_property(struct kobj *o, uint32_t property, void *value) {
    if (property != ZX_PROP_PROCESS_VDSO_BASE_ADDRESS) return ZX_ERR_NOT_SUPPORTED;
    *(uintptr_t *)value = to_process(o)->as->vdso_image_base;
    return ZX_OK;
}

static zx_koid_t process_related_koid(struct kobj *o) { return to_process(o)->job->obj.koid; }
