#include "objects/counter.h"

#include <zircon/errors.h>

#include "kernel/heap.h"

static const struct kobj_ops counter_ops = {.destroy = kobj_kfree};

zx_status_t counter_create(struct counter **out) {
    struct counter *c = kmalloc(sizeof(*c));
    if (!c) return ZX_ERR_NO_MEMORY;
    kobj_init(&c->obj, ZX_OBJ_TYPE_COUNTER, &counter_ops);
    c->value = 0;
    c->obj.signals = ZX_COUNTER_NON_POSITIVE;
    *out = c;
    return ZX_OK;
}

void counter_set(struct counter *c, int64_t value) {
    c->value = value;
    if (value > 0) kobj_signal(&c->obj, ZX_COUNTER_NON_POSITIVE, ZX_COUNTER_POSITIVE);
    else kobj_signal(&c->obj, ZX_COUNTER_POSITIVE, ZX_COUNTER_NON_POSITIVE);
}
