#include "objects/profile.h"

#include <zircon/errors.h>

#include "kernel/heap.h"

static const struct kobj_ops profile_ops = {.destroy = kobj_kfree};

zx_status_t profile_create(uint32_t flags, int32_t priority, uint64_t cpu_mask, struct profile **out) {
    struct profile *p = kmalloc(sizeof(*p));
    if (!p) return ZX_ERR_NO_MEMORY;
    kobj_init(&p->obj, ZX_OBJ_TYPE_PROFILE, &profile_ops);
    p->flags = flags;
    p->priority = priority;
    p->cpu_mask = cpu_mask;
    *out = p;
    return ZX_OK;
}
