#include "objects/resource.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>

#include "kernel/heap.h"

static zx_status_t resource_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w) {
    if (topic != ZX_INFO_RESOURCE) return ZX_ERR_NOT_SUPPORTED;
    struct resource *r = to_resource(o);
    zx_info_resource_t info;
    memset(&info, 0, sizeof(info));
    info.kind = r->kind;
    info.flags = r->flags;
    info.base = r->base;
    info.size = r->size;
    memcpy(info.name, o->name, sizeof(info.name));
    info_put(w, &info);
    return ZX_OK;
}

static const struct kobj_ops resource_ops = {.destroy = kobj_kfree, .get_info = resource_get_info};

zx_status_t resource_create(uint32_t kind, uint32_t flags, uint64_t base, uint64_t size, const char *name,
                            struct resource **out) {
    struct resource *r = kmalloc(sizeof(*r));
    if (!r) return ZX_ERR_NO_MEMORY;
    kobj_init(&r->obj, ZX_OBJ_TYPE_RESOURCE, &resource_ops);
    strlcpy(r->obj.name, name, sizeof(r->obj.name));
    r->kind = kind;
    r->flags = flags;
    r->base = base;
    r->size = size;
    *out = r;
    return ZX_OK;
}

zx_status_t resource_create_root(struct resource **out) {
    return resource_create(ZX_RSRC_KIND_ROOT, 0, 0, 0, "root", out);
}
