#include "objects/debuglog.h"

#include <zircon/errors.h>

#include "kernel/heap.h"

static const struct kobj_ops debuglog_ops = {.destroy = kobj_kfree};

zx_status_t debuglog_create(uint32_t flags, struct debuglog **out) {
    struct debuglog *d = kmalloc(sizeof(*d));
    if (!d) return ZX_ERR_NO_MEMORY;
    kobj_init(&d->obj, ZX_OBJ_TYPE_LOG, &debuglog_ops);
    d->flags = flags;
    d->cursor = 0;
    d->obj.signals = ZX_LOG_READABLE;
    *out = d;
    return ZX_OK;
}
