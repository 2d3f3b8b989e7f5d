// Streams: the syscalls over objects/stream.h (decoding the I/O vectors, rights, user copies).
#include "objects/stream.h"
#include "syscalls/priv.h"

#include <stddef.h>

#define IOV_MAX 1024

// zx_status_t zx_stream_create(uint32_t options, zx_handle_t vmo, zx_off_t seek, zx_handle_t* out_stream);
int64_t sys_stream_create(uint32_t options, zx_handle_t vmo, zx_off_t seek, user_out_ptr out_stream) {
    if (options & ~ZX_STREAM_CREATE_MASK) return ZX_ERR_INVALID_ARGS;
    zx_rights_t need = ((options & ZX_STREAM_MODE_READ) ? ZX_RIGHT_READ : 0) |
                       ((options & ZX_STREAM_MODE_WRITE) ? ZX_RIGHT_WRITE : 0);
    struct vmo *v;
    zx_status_t st = lookup_stream_create_vmo(vmo, need, &v);
    if (st != ZX_OK) return st;
    struct stream *s;
    st = stream_create(v, options, seek, &s);
    kobj_unref(&v->obj);
    if (st != ZX_OK) return st;
    zx_rights_t r = ZX_DEFAULT_STREAM_RIGHTS | need;
    st = give_handle(&s->obj, r, out_stream);
    kobj_unref(&s->obj);
    return st;
}

// A bad vector buffer is ZX_ERR_NOT_FOUND to the stream calls; a short transfer when some
// bytes moved already.
static zx_status_t copy_failed(zx_status_t st, size_t actual) {
    return actual ? ZX_OK : (st == ZX_ERR_INVALID_ARGS ? ZX_ERR_NOT_FOUND : st);
}

// transfer() one vector at a time, each asking a pager-backed VMO for the pages it lacks first.
// Lacking one at the start: ZX_ERR_SHOULD_WAIT with the request (a short transfer instead when
// some bytes moved already). Used for pager-backed VMOs, and for one vector (the shorter path).
static zx_status_t transfer_each(struct stream *s, user_inout_ptr vectors, size_t num_vectors, uint64_t *off,
                                  bool write, size_t *actual, struct pager_request **req, uint64_t *page) {
    for (size_t i = 0; i < num_vectors; i++) {
        zx_iovec_t iov;
        zx_status_t st = copy_from_user(&iov, user_in((user_inout_ptr){vectors.addr + i * sizeof(iov)}), sizeof(iov));
        if (st != ZX_OK) return ZX_ERR_NOT_FOUND;  // streams report bad user memory as NOT_FOUND
        if (!iov.capacity) continue;
        size_t n;
        st = stream_io_window(s, write, *off, iov.capacity, &n);
        if (st != ZX_OK) return st;
        if (!n) {
            if (write && *actual == 0) return ZX_ERR_NO_SPACE;
            break;
        }
        st = vmo_pager_need(s->vmo, *off, n, write, req, page);
        if (st != ZX_OK) return *actual ? ZX_OK : st;
        st = stream_io_copy(s, write, (user_inout_ptr){(uintptr_t)iov.buffer}, *off, n);
        if (st != ZX_OK) return copy_failed(st, *actual);
        *off += n;
        *actual += n;
        if (n < iov.capacity) break;
    }
    return ZX_OK;
}

#define IOV_BATCH 64

// The vectors are read straight into the list of user buffers the VMO's copy takes.
_Static_assert(sizeof(zx_iovec_t) == sizeof(struct hal_user_seg) &&
                   offsetof(zx_iovec_t, buffer) == offsetof(struct hal_user_seg, addr) &&
                   offsetof(zx_iovec_t, capacity) == offsetof(struct hal_user_seg, len),
               "zx_iovec_t reads as a struct hal_user_seg");

// Reads vectors [i, i + k) into seg; returns how many could be read (fewer than k only when the
// next one's memory is bad: the caller stops there with ZX_ERR_NOT_FOUND, having moved the ones
// before it, as a vector is read only when its turn comes).
static size_t read_vectors(user_inout_ptr vectors, size_t i, size_t k, struct hal_user_seg *seg) {
    user_in_ptr at = user_in((user_inout_ptr){vectors.addr + i * sizeof(zx_iovec_t)});
    if (copy_from_user(seg, at, k * sizeof(zx_iovec_t)) == ZX_OK) return k;
    for (size_t j = 0; j < k; j++)
        if (copy_from_user(&seg[j], user_in_off(at, j * sizeof(zx_iovec_t)), sizeof(zx_iovec_t)) != ZX_OK)
            return j;
    return k;
}

// Moves bytes between the stream at *off and the user vectors; advances *off; *actual = bytes.
// Vectors are read IOV_BATCH at a time, each batch in one copy, and each batch moves in one
// walk of the VMO with one scatter/gather user copy per page. A vector that fits before the end
// (stream_io_avail) keeps its capacity; only one that does not asks stream_io_window (which may
// grow the VMO). A vector shorter than its window's end (or the end of the content) ends the
// transfer. One vector or a pager-backed VMO: transfer_each.
__attribute__((noinline)) static zx_status_t transfer_batched(struct stream *s, user_inout_ptr vectors,
                                                              size_t num_vectors, uint64_t *off, bool write,
                                                              size_t *actual) {
    struct hal_user_seg seg[IOV_BATCH];  // the vectors, each capacity cut to its window
    for (size_t i = 0; i < num_vectors; i += IOV_BATCH) {
        size_t k = num_vectors - i < IOV_BATCH ? num_vectors - i : IOV_BATCH;
        size_t readable = read_vectors(vectors, i, k, seg);
        size_t total = 0, avail = stream_io_avail(s, write, *off);
        zx_status_t st = ZX_OK;
        bool end = false;
        for (struct hal_user_seg *v = seg; v < seg + readable; v++) {
            size_t cap = v->len;
            if (likely(cap <= avail)) {  // a zero-length vector too
                avail -= cap;
                total += cap;
                continue;
            }
            size_t n;
            st = stream_io_window(s, write, *off + total, cap, &n);
            if (st != ZX_OK) break;
            if (!n) {
                if (write && *actual == 0 && total == 0) return ZX_ERR_NO_SPACE;
                end = true;
                break;
            }
            v->len = n;
            total += n;
            if (n < cap) {
                end = true;
                break;
            }
            avail = stream_io_avail(s, write, *off + total);
        }
        if (total) {
            size_t moved;
            zx_status_t cst = stream_io_copy_segs(s, write, seg, *off, total, &moved);
            *off += moved;
            *actual += moved;
            if (cst != ZX_OK) return copy_failed(cst, *actual);
        }
        if (st != ZX_OK) return st;  // a window's error (a write that could not grow the VMO)
        if (end) break;
        if (readable < k) return ZX_ERR_NOT_FOUND;
    }
    return ZX_OK;
}

static zx_status_t transfer(struct stream *s, user_inout_ptr vectors, size_t num_vectors, uint64_t *off,
                            bool write, size_t *actual, struct pager_request **req, uint64_t *page) {
    *actual = 0;
    if (num_vectors > IOV_MAX) return ZX_ERR_INVALID_ARGS;
    if (num_vectors == 1 || unlikely(vmo_pager_backed(s->vmo)))
        return transfer_each(s, vectors, num_vectors, off, write, actual, req, page);
    return transfer_batched(s, vectors, num_vectors, off, write, actual);
}

static int64_t do_io(zx_handle_t handle, uint32_t options, uint64_t *at, user_inout_ptr vectors,
                     size_t num_vectors, user_out_ptr actual, bool write) {
    struct stream *s;
    zx_status_t st;
    if (write) st = at ? lookup_stream_writev_at_handle(handle, &s) : lookup_stream_writev_handle(handle, &s);
    else st = at ? lookup_stream_readv_at_handle(handle, &s) : lookup_stream_readv_handle(handle, &s);
    if (st != ZX_OK) return st;
    uint32_t allowed = write && !at ? ZX_STREAM_APPEND : 0;
    size_t n = 0;
    if (options & ~allowed) {
        st = ZX_ERR_INVALID_ARGS;
    } else {
        uint64_t off = stream_io_start(s, write, options & ZX_STREAM_APPEND, at);
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
    zx_status_t st = lookup_stream_seek_handle_rights(handle, &s, &have);
    if (st != ZX_OK) return st;
    uint64_t pos;
    if (!(have & (ZX_RIGHT_READ | ZX_RIGHT_WRITE))) st = ZX_ERR_ACCESS_DENIED;
    else st = stream_seek(s, whence, offset, &pos);
    if (st == ZX_OK && out_seek.addr) st = put_u64(out_seek, pos);
    kobj_unref(&s->obj);
    return st;
}
