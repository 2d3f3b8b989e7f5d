#include "objects/simple.h"

#include <zircon/errors.h>

#include <string.h>
#include <zircon/syscalls/resource.h>

#include "kernel/heap.h"

static void kobj_free(struct kobj *o) { kfree(o); }
static const struct kobj_ops event_ops = {.destroy = kobj_free};

zx_status_t event_create(struct kobj **out) {
    struct kobj *e = kmalloc(sizeof(*e));
    if (!e) return ZX_ERR_NO_MEMORY;
    kobj_init(e, ZX_OBJ_TYPE_EVENT, &event_ops);
    *out = e;
    return ZX_OK;
}

static void eventpair_on_zero_handles(struct kobj *o) {
    struct kobj *peer = o->peer;
    if (!peer) return;
    peer->peer = NULL;
    kobj_signal(peer, 0, ZX_EVENTPAIR_PEER_CLOSED);
    kobj_unref(peer);
    o->peer = NULL;
    kobj_unref(o);
}
static const struct kobj_ops eventpair_ops = {.on_zero_handles = eventpair_on_zero_handles,
                                              .destroy = kobj_free};

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

zx_status_t counter_create(struct counter **out) {
    struct counter *c = kmalloc(sizeof(*c));
    if (!c) return ZX_ERR_NO_MEMORY;
    kobj_init(&c->obj, ZX_OBJ_TYPE_COUNTER, &event_ops);
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

zx_status_t profile_create(uint32_t flags, int32_t priority, struct profile **out) {
    struct profile *p = kmalloc(sizeof(*p));
    if (!p) return ZX_ERR_NO_MEMORY;
    kobj_init(&p->obj, ZX_OBJ_TYPE_PROFILE, &event_ops);
    p->flags = flags;
    p->priority = priority;
    *out = p;
    return ZX_OK;
}

static const struct kobj_ops debuglog_ops = {.destroy = kobj_free};

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

zx_status_t resource_create(uint32_t kind, uint32_t flags, uint64_t base, uint64_t size, const char *name,
                            struct resource **out) {
    struct resource *r = kmalloc(sizeof(*r));
    if (!r) return ZX_ERR_NO_MEMORY;
    kobj_init(&r->obj, ZX_OBJ_TYPE_RESOURCE, &event_ops);
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
