// Streams (objects/stream.h).
#include "objects/stream.h"

#include <zircon/errors.h>
#include <zircon/syscalls/object.h>

#include "hal/hal.h"
#include "kernel/heap.h"

static void stream_destroy(struct kobj *o) {
    struct stream *s = to_stream(o);
    kobj_unref(&s->vmo->obj);
    kfree(s);
}

// ZX_PROP_STREAM_MODE_APPEND (a uint8_t).
static zx_status_t stream_get_property(struct kobj *o, uint32_t property, void *value) {
    if (property != ZX_PROP_STREAM_MODE_APPEND) return ZX_ERR_NOT_SUPPORTED;
    *(uint8_t *)value = (to_stream(o)->mode & ZX_STREAM_MODE_APPEND) != 0;
    return ZX_OK;
}

static zx_status_t stream_set_property(struct kobj *o, uint32_t property, const void *value) {
    if (property != ZX_PROP_STREAM_MODE_APPEND) return ZX_ERR_NOT_SUPPORTED;
    struct stream *s = to_stream(o);
    if (*(const uint8_t *)value) s->mode |= ZX_STREAM_MODE_APPEND;
    else s->mode &= ~ZX_STREAM_MODE_APPEND;
    return ZX_OK;
}

static const struct kobj_ops stream_ops = {.destroy = stream_destroy,
                                           .get_property = stream_get_property,
                                           .set_property = stream_set_property};

zx_status_t stream_create(struct vmo *v, uint32_t mode, uint64_t seek, struct stream **out) {
    struct stream *s = kmalloc(sizeof(*s));
    if (!s) return ZX_ERR_NO_MEMORY;
    kobj_init(&s->obj, ZX_OBJ_TYPE_STREAM, &stream_ops);
    kobj_ref(&v->obj);
    s->vmo = v;
    s->seek = seek;
    s->mode = mode;
    *out = s;
    return ZX_OK;
}

uint64_t stream_io_start(const struct stream *s, bool write, bool append, const uint64_t *at) {
    if (at) return *at;
    if (write && (append || (s->mode & ZX_STREAM_MODE_APPEND))) return s->vmo->content_size;
    return s->seek;
}

zx_status_t stream_io_window(struct stream *s, bool write, uint64_t off, size_t capacity, size_t *len) {
    struct vmo *v = s->vmo;
    uint64_t end = write ? v->size : v->content_size;
    if (write && off + capacity > v->size && (v->flags & VMO_F_RESIZABLE)) {
        uint64_t want = off + capacity;
        if (want < off) return ZX_ERR_FILE_BIG;
        zx_status_t st = vmo_set_size(v, (want + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1));
        if (st != ZX_OK) return st;
        end = v->size;
    }
    *len = off >= end ? 0 : (end - off < capacity ? end - off : capacity);
    return ZX_OK;
}

zx_status_t stream_io_copy(struct stream *s, bool write, user_inout_ptr buf, uint64_t off, size_t len) {
    struct vmo *v = s->vmo;
    zx_status_t st = write ? vmo_write_user(v, (user_in_ptr){buf.addr}, off, len)
                           : vmo_read_user(v, (user_out_ptr){buf.addr}, off, len);
    if (st == ZX_OK && write && off + len > v->content_size) v->content_size = off + len;
    return st;
}

zx_status_t stream_io_copy_segs(struct stream *s, bool write, const struct hal_user_seg *seg, uint64_t off,
                                size_t len, size_t *moved) {
    struct vmo *v = s->vmo;
    size_t done;
    zx_status_t st = vmo_rw_user_segs(v, write, seg, off, len, &done);
    if (st != ZX_OK) {  // only the vectors that completed count
        size_t full = 0;
        for (; full + seg->len <= done; seg++) full += seg->len;
        done = full;
    }
    if (write && off + done > v->content_size) v->content_size = off + done;
    *moved = done;
    return st;
}

zx_status_t stream_seek(struct stream *s, uint32_t whence, int64_t offset, uint64_t *pos) {
    int64_t base, p;
    if (whence == ZX_STREAM_SEEK_ORIGIN_START) base = 0;
    else if (whence == ZX_STREAM_SEEK_ORIGIN_CURRENT) base = (int64_t)s->seek;
    else if (whence == ZX_STREAM_SEEK_ORIGIN_END) base = (int64_t)s->vmo->content_size;
    else return ZX_ERR_INVALID_ARGS;
    if (__builtin_add_overflow(base, offset, &p) || p < 0) return ZX_ERR_INVALID_ARGS;
    s->seek = (uint64_t)p;
    *pos = s->seek;
    return ZX_OK;
}
