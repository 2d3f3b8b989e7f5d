#include "objects/event.h"

#include <zircon/errors.h>

#include "kernel/heap.h"

static const struct kobj_ops event_ops = {.destroy = kobj_kfree, .named = true};

zx_status_t event_create(struct kobj **out) {
    struct kobj *e = kmalloc(sizeof(*e));
    if (!e) return ZX_ERR_NO_MEMORY;
    kobj_init(e, ZX_OBJ_TYPE_EVENT, &event_ops);
    *out = e;
    return ZX_OK;
}
