// Streams: a seek pointer over a VMO, read and written with I/O vectors.
#include "kernel/heap.h"
#include "objects/vmo.h"
#include "syscalls/priv.h"

#define IOV_MAX 1024

struct stream;
bool stream_get_append(struct kobj *o);
void stream_set_append(struct kobj *o, bool on);

struct stream {
    struct kobj obj;
    struct vmo *vmo;  // referenced
    uint64_t seek;
    uint32_t mode;    // ZX_STREAM_MODE_*
};

static void stream_destroy(struct kobj *o) {
    struct stream *s = (struct stream *)o;
    kobj_unref(&s->vmo->obj);
    kfree(s);
}
static const struct kobj_ops stream_ops = {.destroy = stream_destroy};

// zx_status_t zx_stream_create(uint32_t options, zx_handle_t vmo, zx_off_t seek, zx_handle_t* out_stream);
int64_t sys_stream_create(uint32_t options, zx_handle_t vmo, zx_off_t seek, user_out_ptr out_stream) {
    if (options & ~ZX_STREAM_CREATE_MASK) return ZX_ERR_INVALID_ARGS;
    zx_rights_t need = ((options & ZX_STREAM_MODE_READ) ? ZX_RIGHT_READ : 0) |
                       ((options & ZX_STREAM_MODE_WRITE) ? ZX_RIGHT_WRITE : 0);
    struct vmo *v;
    zx_status_t st = get_obj(vmo, ZX_OBJ_TYPE_VMO, need, &v);
    if (st != ZX_OK) return st;
    struct stream *s = kmalloc(sizeof(*s));
    if (!s) {
        kobj_unref(&v->obj);
        return ZX_ERR_NO_MEMORY;
    }
    kobj_init(&s->obj, ZX_OBJ_TYPE_STREAM, &stream_ops);
    s->vmo = v;  // our reference
    s->seek = seek;
    s->mode = options;
    zx_rights_t r = ZX_DEFAULT_STREAM_RIGHTS | ((options & ZX_STREAM_MODE_READ) ? ZX_RIGHT_READ : 0) |
                    ((options & ZX_STREAM_MODE_WRITE) ? ZX_RIGHT_WRITE : 0);
    st = give_handle(&s->obj, r, out_stream);
    kobj_unref(&s->obj);
    return st;
}

// Moves bytes between the VMO at *off and the user vectors; advances *off; *actual = bytes.
// A pager-backed VMO lacking a page at the start: ZX_ERR_SHOULD_WAIT with the request (a short
// transfer instead when some bytes moved already).
static zx_status_t transfer(struct stream *s, user_inout_ptr vectors, size_t num_vectors, uint64_t *off,
                            bool write, size_t *actual, struct pager_request **req, uint64_t *page) {
    *actual = 0;
    if (num_vectors > IOV_MAX) return ZX_ERR_INVALID_ARGS;
    struct vmo *v = s->vmo;
    for (size_t i = 0; i < num_vectors; i++) {
        zx_iovec_t iov;
        zx_status_t st = copy_from_user(&iov, user_in((user_inout_ptr){vectors.addr + i * sizeof(iov)}), sizeof(iov));
        if (st != ZX_OK) return ZX_ERR_NOT_FOUND;  // streams report bad user memory as NOT_FOUND
        if (!iov.capacity) continue;
        uint64_t end = write ? v->size : v->content_size;
        if (write && *off + iov.capacity > v->size && (v->flags & VMO_F_RESIZABLE)) {
            uint64_t want = *off + iov.capacity;
            if (want < *off) return ZX_ERR_FILE_BIG;
            st = vmo_set_size(v, (want + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1));
            if (st != ZX_OK) return st;
            end = v->size;
        }
        if (*off >= end) {
            if (write && *actual == 0) return ZX_ERR_NO_SPACE;
            break;
        }
        size_t n = end - *off < iov.capacity ? end - *off : iov.capacity;
        st = vmo_pager_need(v, *off, n, req, page);
        if (st != ZX_OK) return *actual ? ZX_OK : st;
        if (write) vmo_pager_mark_modified(v);
        st = write ? vmo_write_user(v, (user_in_ptr){(uintptr_t)iov.buffer}, *off, n)
                   : vmo_read_user(v, (user_out_ptr){(uintptr_t)iov.buffer}, *off, n);
        if (st != ZX_OK) return *actual ? ZX_OK : (st == ZX_ERR_INVALID_ARGS ? ZX_ERR_NOT_FOUND : st);
        *off += n;
        *actual += n;
        if (write && *off > v->content_size) v->content_size = *off;
        if (n < iov.capacity) break;
    }
    return ZX_OK;
}

static int64_t do_io(zx_handle_t handle, uint32_t options, uint64_t *at, user_inout_ptr vectors,
                     size_t num_vectors, user_out_ptr actual, bool write) {
    struct stream *s;
    zx_status_t st = get_obj(handle, ZX_OBJ_TYPE_STREAM, write ? ZX_RIGHT_WRITE : ZX_RIGHT_READ, &s);
    if (st != ZX_OK) return st;
    uint32_t allowed = write && !at ? ZX_STREAM_APPEND : 0;
    size_t n = 0;
    if (options & ~allowed) {
        st = ZX_ERR_INVALID_ARGS;
    } else {
        uint64_t off = at ? *at : s->seek;
        if (write && !at && ((options & ZX_STREAM_APPEND) || (s->mode & ZX_STREAM_MODE_APPEND)))
            off = s->vmo->content_size;
        struct pager_request *req;
        uint64_t page;
        st = transfer(s, vectors, num_vectors, &off, write, &n, &req, &page);
        if (st == ZX_ERR_SHOULD_WAIT) {  // nothing moved: wait for the pager, then the call again
            kobj_unref(&s->obj);
            return pager_block_restart(req, page, 0);
        }
        if (!at && st == ZX_OK) s->seek = off;
    }
    if (st == ZX_OK && actual.addr) st = put_u64(actual, n);
    kobj_unref(&s->obj);
    return st;
}

// zx_status_t zx_stream_writev(zx_handle_t handle, uint32_t options, const zx_iovec_t* vectors,
//                              size_t num_vectors, size_t* actual);
int64_t sys_stream_writev(zx_handle_t handle, uint32_t options, user_in_ptr vectors, size_t num_vectors,
                          user_out_ptr actual) {
    return do_io(handle, options, NULL, (user_inout_ptr){vectors.addr}, num_vectors, actual, true);
}

// zx_status_t zx_stream_writev_at(zx_handle_t handle, uint32_t options, zx_off_t offset,
//                                 const zx_iovec_t* vectors, size_t num_vectors, size_t* actual);
int64_t sys_stream_writev_at(zx_handle_t handle, uint32_t options, zx_off_t offset, user_in_ptr vectors,
                             size_t num_vectors, user_out_ptr actual) {
    uint64_t at = offset;
    return do_io(handle, options, &at, (user_inout_ptr){vectors.addr}, num_vectors, actual, true);
}

// zx_status_t zx_stream_readv(zx_handle_t handle, uint32_t options, zx_iovec_t* vectors,
//                             size_t num_vectors, size_t* actual);
int64_t sys_stream_readv(zx_handle_t handle, uint32_t options, user_inout_ptr vectors, size_t num_vectors,
                         user_out_ptr actual) {
    return do_io(handle, options, NULL, vectors, num_vectors, actual, false);
}

// zx_status_t zx_stream_readv_at(zx_handle_t handle, uint32_t options, zx_off_t offset,
//                                zx_iovec_t* vectors, size_t num_vectors, size_t* actual);
int64_t sys_stream_readv_at(zx_handle_t handle, uint32_t options, zx_off_t offset, user_inout_ptr vectors,
                            size_t num_vectors, user_out_ptr actual) {
    uint64_t at = offset;
    return do_io(handle, options, &at, vectors, num_vectors, actual, false);
}

// zx_status_t zx_stream_seek(zx_handle_t handle, zx_stream_seek_origin_t whence, int64_t offset,
//                            zx_off_t* out_seek);
int64_t sys_stream_seek(zx_handle_t handle, zx_stream_seek_origin_t whence, int64_t offset, user_out_ptr out_seek) {
    struct stream *s;
    zx_rights_t have;
    zx_status_t st = get_obj_rights(handle, ZX_OBJ_TYPE_STREAM, 0, &s, &have);
    if (st != ZX_OK) return st;
    int64_t base;
    if (!(have & (ZX_RIGHT_READ | ZX_RIGHT_WRITE))) st = ZX_ERR_ACCESS_DENIED;
    else if (whence == ZX_STREAM_SEEK_ORIGIN_START) base = 0;
    else if (whence == ZX_STREAM_SEEK_ORIGIN_CURRENT) base = (int64_t)s->seek;
    else if (whence == ZX_STREAM_SEEK_ORIGIN_END) base = (int64_t)s->vmo->content_size;
    else st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) {
        int64_t pos;
        if (__builtin_add_overflow(base, offset, &pos) || pos < 0) st = ZX_ERR_INVALID_ARGS;
        else {
            s->seek = (uint64_t)pos;
            if (out_seek.addr) st = put_u64(out_seek, s->seek);
        }
    }
    kobj_unref(&s->obj);
    return st;
}

bool stream_get_append(struct kobj *o) { return ((struct stream *)o)->mode & ZX_STREAM_MODE_APPEND; }
void stream_set_append(struct kobj *o, bool on) {
    struct stream *s = (struct stream *)o;
    if (on) s->mode |= ZX_STREAM_MODE_APPEND;
    else s->mode &= ~ZX_STREAM_MODE_APPEND;
}
