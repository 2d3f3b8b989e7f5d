// Resources and system events.
#include <zircon/syscalls/resource.h>

#include "objects/simple.h"
#include "syscalls/priv.h"

// zx_status_t zx_resource_create(zx_handle_t parent_rsrc, uint32_t options, uint64_t base, size_t size,
//                                const char* name, size_t name_size, zx_handle_t* resource_out);
int64_t sys_resource_create(zx_handle_t parent_rsrc, uint32_t options, uint64_t base, size_t size,
                            user_in_ptr name, size_t name_size, user_out_ptr resource_out) {
    struct resource *parent;
    zx_status_t st = get_obj(parent_rsrc, ZX_OBJ_TYPE_RESOURCE, ZX_RIGHT_WRITE, &parent);
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
    zx_status_t st = get_obj(root_job, ZX_OBJ_TYPE_JOB, ZX_RIGHT_MANAGE_PROCESS, &j);
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
