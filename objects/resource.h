// Resources: the root resource and the ranged ones made from it (zx_resource_create).
#ifndef ZC_OBJECTS_RESOURCE_H
#define ZC_OBJECTS_RESOURCE_H

#include <zircon/types.h>

#include "objects/kobj.h"

struct resource {
    struct kobj obj;
    uint32_t kind;  // ZX_RSRC_KIND_*
    uint32_t flags; // ZX_RSRC_FLAG_*
    uint64_t base, size;
};
zx_status_t resource_create(uint32_t kind, uint32_t flags, uint64_t base, uint64_t size, const char *name,
                            struct resource **out) __attribute__((warn_unused_result));
zx_status_t resource_create_root(struct resource **out) __attribute__((warn_unused_result));
static inline struct resource *to_resource(struct kobj *o) {
    return (struct resource *)kobj_checked(o, ZX_OBJ_TYPE_RESOURCE);
}

#endif
