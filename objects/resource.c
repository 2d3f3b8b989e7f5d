#include "objects/resource.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/resource.h>

#include "kernel/heap.h"

static const struct kobj_ops resource_ops = {.destroy = kobj_kfree};

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
