#include "objects/fifo.h"

#include <string.h>
#include <zircon/errors.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "kernel/user_copy.h"

static void fifo_on_zero_handles(struct kobj *o) {
    kobj_unpair(o, ZX_FIFO_PEER_CLOSED, ZX_FIFO_WRITABLE);
}
static void fifo_destroy(struct kobj *o) {
    kfree(to_fifo(o)->ring);
    kfree(to_fifo(o));
}
static const struct kobj_ops fifo_ops = {.on_zero_handles = fifo_on_zero_handles, .destroy = fifo_destroy};

zx_status_t fifo_create_pair(uint32_t elem_count, uint32_t elem_size, struct fifo **a, struct fifo **b) {
    struct fifo *f[2] = {kzalloc(sizeof(struct fifo)), kzalloc(sizeof(struct fifo))};
    uint8_t *r0 = kmalloc((size_t)elem_count * elem_size), *r1 = kmalloc((size_t)elem_count * elem_size);
    if (!f[0] || !f[1] || !r0 || !r1) {
        kfree(f[0]);
        kfree(f[1]);
        kfree(r0);
        kfree(r1);
        return ZX_ERR_NO_MEMORY;
    }
    f[0]->ring = r0;
    f[1]->ring = r1;
    for (int i = 0; i < 2; i++) {
        kobj_init(&f[i]->obj, ZX_OBJ_TYPE_FIFO, &fifo_ops);
        f[i]->elem_size = elem_size;
        f[i]->elem_count = elem_count;
        f[i]->obj.signals = ZX_FIFO_WRITABLE;
    }
    kobj_pair(&f[0]->obj, &f[1]->obj);
    *a = f[0];
    *b = f[1];
    return ZX_OK;
}

zx_status_t fifo_write(struct fifo *f, user_in_ptr data, size_t count, size_t *actual) {
    if (!f->obj.peer) return ZX_ERR_PEER_CLOSED;
    struct fifo *p = to_fifo(f->obj.peer);
    uint32_t space = p->elem_count - p->count;
    if (space == 0) return ZX_ERR_SHOULD_WAIT;
    size_t n = count < space ? count : space;
    // At most two contiguous runs of the ring: one copy each. All or nothing.
    uint32_t tail = (p->head + p->count) % p->elem_count;
    size_t first = p->elem_count - tail < n ? p->elem_count - tail : n;
    zx_status_t st = copy_from_user(p->ring + (size_t)tail * p->elem_size, data, first * p->elem_size);
    if (st == ZX_OK && n > first)
        st = copy_from_user(p->ring, user_in_off(data, first * p->elem_size), (n - first) * p->elem_size);
    if (st != ZX_OK) return st;
    p->count += (uint32_t)n;
    *actual = n;
    if (p->count == n) kobj_signal(&p->obj, 0, ZX_FIFO_READABLE);
    if (p->count == p->elem_count) kobj_signal(&f->obj, ZX_FIFO_WRITABLE, 0);
    return ZX_OK;
}

zx_status_t fifo_read(struct fifo *f, user_out_ptr data, size_t count, size_t *actual) {
    if (f->count == 0) return f->obj.peer ? ZX_ERR_SHOULD_WAIT : ZX_ERR_PEER_CLOSED;
    size_t n = count < f->count ? count : f->count;
    size_t first = f->elem_count - f->head < n ? f->elem_count - f->head : n;
    zx_status_t st = copy_to_user(data, f->ring + (size_t)f->head * f->elem_size, first * f->elem_size);
    if (st == ZX_OK && n > first)
        st = copy_to_user(user_out_off(data, first * f->elem_size), f->ring, (n - first) * f->elem_size);
    if (st != ZX_OK) return st;
    bool was_full = f->count == f->elem_count;
    f->head = (f->head + (uint32_t)n) % f->elem_count;
    f->count -= (uint32_t)n;
    *actual = n;
    if (f->count == 0) kobj_signal(&f->obj, ZX_FIFO_READABLE, 0);
    if (was_full && f->obj.peer) kobj_signal(f->obj.peer, 0, ZX_FIFO_WRITABLE);
    return ZX_OK;
}
