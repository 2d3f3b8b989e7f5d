#include "objects/eventpair.h"

#include <zircon/errors.h>

#include "kernel/heap.h"

static void eventpair_on_zero_handles(struct kobj *o) { kobj_unpair(o, ZX_EVENTPAIR_PEER_CLOSED, 0); }
static const struct kobj_ops eventpair_ops = {.on_zero_handles = eventpair_on_zero_handles,
                                              .destroy = kobj_kfree,
                                              .named = true};

zx_status_t eventpair_create(struct kobj **a, struct kobj **b) {
    struct kobj *x = kmalloc(sizeof(*x)), *y = kmalloc(sizeof(*y));
    if (!x || !y) {
        kfree(x);
        kfree(y);
        return ZX_ERR_NO_MEMORY;
    }
    kobj_init(x, ZX_OBJ_TYPE_EVENTPAIR, &eventpair_ops);
    kobj_init(y, ZX_OBJ_TYPE_EVENTPAIR, &eventpair_ops);
    kobj_pair(x, y);
    *a = x;
    *b = y;
    return ZX_OK;
}
