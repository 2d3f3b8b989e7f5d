// Resources and system events.
#include <zircon/syscalls/profile.h>
#include <zircon/syscalls/resource.h>
#include <zircon/syscalls/system.h>

#include "objects/event.h"
#include "objects/profile.h"
#include "objects/resource.h"
#include "syscalls/priv.h"

// zx_status_t zx_resource_create(zx_handle_t parent_rsrc, uint32_t options, uint64_t base, size_t size,
//                                const char* name, size_t name_size, zx_handle_t* resource_out);
int64_t sys_resource_create(zx_handle_t parent_rsrc, uint32_t options, uint64_t base, size_t size,
                            user_in_ptr name, size_t name_size, user_out_ptr resource_out) {
    struct resource *parent;
    zx_status_t st = lookup_resource_create_parent_rsrc(parent_rsrc, &parent);
    if (st != ZX_OK) return st;
    uint32_t kind = ZX_RSRC_EXTRACT_KIND(options), flags = ZX_RSRC_EXTRACT_FLAGS(options);
    char buf[ZX_MAX_NAME_LEN] = {0};
    if (kind >= ZX_RSRC_KIND_COUNT || (flags & ~ZX_RSRC_FLAGS_MASK)) st = ZX_ERR_INVALID_ARGS;
    else if (kind == ZX_RSRC_KIND_ROOT && (base || size)) st = ZX_ERR_INVALID_ARGS;  // a root has no range
    else if (base + size < base) st = ZX_ERR_INVALID_ARGS;
    else if (kind == ZX_RSRC_KIND_SYSTEM && (size != 1 || base >= ZX_RSRC_SYSTEM_COUNT)) st = ZX_ERR_INVALID_ARGS;
    // The parent must be the root resource or a resource of the same kind that covers the range.
    else if (parent->kind != ZX_RSRC_KIND_ROOT &&
             (parent->kind != kind || base < parent->base || base + size > parent->base + parent->size))
        st = ZX_ERR_ACCESS_DENIED;
    if (st == ZX_OK) st = copy_name_from_user(buf, sizeof(buf), name, name_size);
    kobj_unref(&parent->obj);
    if (st != ZX_OK) return st;
    struct resource *r;
    st = resource_create(kind, flags, base, size, buf, &r);
    if (st != ZX_OK) return st;
    st = give_handle(&r->obj, ZX_DEFAULT_RESOURCE_RIGHTS, resource_out);
    kobj_unref(&r->obj);
    return st;
}

// One event per system event type, made on first use; memory is never short here, so only
// "pressure normal" is signalled.
static struct kobj *system_events[6];

// zx_status_t zx_system_get_event(zx_handle_t root_job, uint32_t kind, zx_handle_t* event);
int64_t sys_system_get_event(zx_handle_t root_job, uint32_t kind, user_out_ptr event) {
    struct job *j;
    zx_status_t st = lookup_system_get_event_root_job(root_job, &j);
    if (st != ZX_OK) return st;
    bool root = j->parent == NULL;
    kobj_unref(&j->obj);
    if (!root) return ZX_ERR_ACCESS_DENIED;
    if (kind < ZX_SYSTEM_EVENT_OUT_OF_MEMORY || kind > ZX_SYSTEM_EVENT_IMMINENT_OUT_OF_MEMORY)
        return ZX_ERR_INVALID_ARGS;
    if (!system_events[kind]) {
        st = event_create(&system_events[kind]);
        if (st != ZX_OK) return st;
        system_events[kind]->handle_count = 1;  // the kernel's own, so user closes never end it
        if (kind == ZX_SYSTEM_EVENT_MEMORY_PRESSURE_NORMAL) kobj_signal(system_events[kind], 0, ZX_EVENT_SIGNALED);
    }
    return give_handle(system_events[kind], ZX_RIGHT_WAIT | ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER, event);
}

zx_status_t check_ranged_resource(struct resource *r, uint32_t kind, uint64_t base, uint64_t size,
                                  zx_status_t outside) {
    zx_status_t st = ZX_OK;
    if (r->kind == ZX_RSRC_KIND_ROOT) st = ZX_OK;
    else if (r->kind != kind) st = ZX_ERR_WRONG_TYPE;
    else if (base < r->base || base + size < base || base + size > r->base + r->size) st = outside;
    put_resource(r);
    return st;
}

// ---- scheduler profiles ----

// zx_status_t zx_profile_create(zx_handle_t profile_rsrc, uint32_t options,
//                               const zx_profile_info_t* profile, zx_handle_t* out);
int64_t sys_profile_create(zx_handle_t profile_rsrc, uint32_t options, user_in_ptr profile, user_out_ptr out) {
    struct resource *r;
    zx_status_t st = lookup_profile_create_profile_rsrc(profile_rsrc, &r);
    if (st == ZX_OK) st = check_system_resource(r, ZX_RSRC_SYSTEM_PROFILE_BASE);
    if (st != ZX_OK) return st;
    zx_profile_info_t info;
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    st = copy_from_user(&info, profile, sizeof(info));
    if (st != ZX_OK) return st;
    const uint32_t known = ZX_PROFILE_INFO_FLAG_PRIORITY | ZX_PROFILE_INFO_FLAG_CPU_MASK |
                           ZX_PROFILE_INFO_FLAG_DEADLINE | ZX_PROFILE_INFO_FLAG_NO_INHERIT |
                           ZX_PROFILE_INFO_FLAG_MEMORY_PRIORITY;
    uint32_t f = info.flags;
    if (f & ~known) return ZX_ERR_INVALID_ARGS;
    // A priority, a deadline and a memory priority are alternatives.
    uint32_t kinds = f & (ZX_PROFILE_INFO_FLAG_PRIORITY | ZX_PROFILE_INFO_FLAG_DEADLINE |
                          ZX_PROFILE_INFO_FLAG_MEMORY_PRIORITY);
    if (kinds & (kinds - 1)) return ZX_ERR_INVALID_ARGS;
    if ((f & ZX_PROFILE_INFO_FLAG_PRIORITY) &&
        (info.priority < ZX_PRIORITY_LOWEST || info.priority > ZX_PRIORITY_HIGHEST))
        return ZX_ERR_INVALID_ARGS;
    if ((f & ZX_PROFILE_INFO_FLAG_MEMORY_PRIORITY) &&
        info.priority != ZX_PRIORITY_DEFAULT_MEMORY && info.priority != ZX_PRIORITY_HIGH_MEMORY)
        return ZX_ERR_INVALID_ARGS;
    if (f & ZX_PROFILE_INFO_FLAG_DEADLINE) {
        const zx_sched_deadline_params_t *d = &info.deadline_params;
        if (d->capacity <= 0 || d->capacity > d->relative_deadline || d->relative_deadline > d->period)
            return ZX_ERR_INVALID_ARGS;
    }
    struct profile *p;
    // The first word of the mask covers every CPU zc can have (HAL_MAX_CPUS <= 64).
    uint64_t mask = (f & ZX_PROFILE_INFO_FLAG_CPU_MASK) ? info.cpu_affinity_mask.mask[0] : 0;
    st = profile_create(f, info.priority, mask, &p);
    if (st != ZX_OK) return st;
    st = give_handle(&p->obj, ZX_DEFAULT_PROFILE_RIGHTS, out);
    kobj_unref(&p->obj);
    return st;
}

// zx_status_t zx_object_set_profile(zx_handle_t handle, zx_handle_t profile, uint32_t options);
int64_t sys_object_set_profile(zx_handle_t handle, zx_handle_t profile, uint32_t options) {
    (void)options;  // "currently ignored"
    struct thread *t;
    zx_status_t st = lookup_object_set_profile_handle(handle, &t);
    if (st != ZX_OK) return st;
    struct profile *p;
    st = lookup_object_set_profile_profile(profile, &p);
    if (st == ZX_OK) {
        if (t->task.state == TASK_DEAD || t->task.kill_requested) st = ZX_ERR_BAD_STATE;
        // A mask with no CPU online in it leaves the thread free to run on any.
        else if (p->flags & ZX_PROFILE_INFO_FLAG_CPU_MASK) sched_set_cpu_mask(&t->task, p->cpu_mask);
        kobj_unref(&p->obj);
    }
    kobj_unref(&t->obj);
    return st;
}

// ---- CPU performance scales (one per CPU online; recorded, the executor has no frequency to
// scale) ----

static zx_cpu_performance_scale_t perf_scale[HAL_MAX_CPUS] = {[0 ... HAL_MAX_CPUS - 1] = {1, 0}};
static const zx_cpu_performance_scale_t perf_default_scale = {1, 0};

// zx_status_t zx_system_get_performance_info(zx_handle_t resource, uint32_t topic, size_t count,
//                                            void* info, size_t* output_count);
int64_t sys_system_get_performance_info(zx_handle_t resource, uint32_t topic, size_t count, user_out_ptr info,
                                        user_out_ptr output_count) {
    struct resource *r;
    zx_status_t st = lookup_system_get_performance_info_resource(resource, &r);
    if (st == ZX_OK) st = check_system_resource(r, ZX_RSRC_SYSTEM_CPU_BASE);
    if (st != ZX_OK) return st;
    if (topic != ZX_CPU_PERF_SCALE && topic != ZX_CPU_DEFAULT_PERF_SCALE) return ZX_ERR_INVALID_ARGS;
    unsigned ncpus = hal_cpu_count();
    if (count != ncpus) return ZX_ERR_OUT_OF_RANGE;
    zx_cpu_performance_info_t rec[HAL_MAX_CPUS];
    for (unsigned i = 0; i < ncpus; i++)
        rec[i] = (zx_cpu_performance_info_t){i, topic == ZX_CPU_PERF_SCALE ? perf_scale[i] : perf_default_scale};
    st = probe_out(output_count, sizeof(size_t));
    if (st == ZX_OK) st = copy_to_user(info, rec, ncpus * sizeof(rec[0]));
    if (st != ZX_OK) return st;
    return put_u64(output_count, ncpus);
}

// zx_status_t zx_system_set_performance_info(zx_handle_t resource, uint32_t topic,
//                                            const void* info, size_t count);
int64_t sys_system_set_performance_info(zx_handle_t resource, uint32_t topic, user_in_ptr info, size_t count) {
    struct resource *r;
    zx_status_t st = lookup_system_set_performance_info_resource(resource, &r);
    if (st == ZX_OK) st = check_system_resource(r, ZX_RSRC_SYSTEM_CPU_BASE);
    if (st != ZX_OK) return st;
    if (topic != ZX_CPU_PERF_SCALE) return ZX_ERR_INVALID_ARGS;
    unsigned ncpus = hal_cpu_count();
    if (count == 0 || count > ncpus) return ZX_ERR_OUT_OF_RANGE;
    zx_cpu_performance_info_t rec[HAL_MAX_CPUS];
    st = copy_from_user(rec, info, count * sizeof(rec[0]));
    if (st != ZX_OK) return st;
    for (size_t i = 0; i < count; i++) {
        if (rec[i].logical_cpu_number >= ncpus) return ZX_ERR_OUT_OF_RANGE;
        if (i > 0 && rec[i].logical_cpu_number <= rec[i - 1].logical_cpu_number)
            return ZX_ERR_INVALID_ARGS;  // entries in increasing CPU order
        if (rec[i].performance_scale.integral_part == 0 && rec[i].performance_scale.fractional_part == 0)
            return ZX_ERR_OUT_OF_RANGE;
    }
    for (size_t i = 0; i < count; i++) perf_scale[rec[i].logical_cpu_number] = rec[i].performance_scale;
    return ZX_OK;
}

// ---- I/O ports ----

// st: the lookup of the resource argument r.
static int64_t ioports(zx_status_t st, struct resource *r, uint16_t io_addr, uint32_t len, bool allow) {
    if (st == ZX_OK) st = check_ranged_resource(r, ZX_RSRC_KIND_IOPORT, io_addr, len, ZX_ERR_OUT_OF_RANGE);
    if (st != ZX_OK) return st;
    return hal_aspace_set_ioports(&current_process()->as->hal, io_addr, len, allow);
}

// zx_status_t zx_ioports_request(zx_handle_t resource, uint16_t io_addr, uint32_t len);
int64_t sys_ioports_request(zx_handle_t resource, uint16_t io_addr, uint32_t len) {
    struct resource *r = NULL;
    zx_status_t st = lookup_ioports_request_resource(resource, &r);
    return ioports(st, r, io_addr, len, true);
}

// zx_status_t zx_ioports_release(zx_handle_t resource, uint16_t io_addr, uint32_t len);
int64_t sys_ioports_release(zx_handle_t resource, uint16_t io_addr, uint32_t len) {
    struct resource *r = NULL;
    zx_status_t st = lookup_ioports_release_resource(resource, &r);
    return ioports(st, r, io_addr, len, false);
}
