// Streams: a seek pointer over a VMO, read and written one I/O vector at a time.
#ifndef ZC_OBJECTS_STREAM_H
#define ZC_OBJECTS_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kernel/user_ptr.h"
#include "objects/kobj.h"
#include "objects/vmo.h"

struct stream {
    struct kobj obj;
    struct vmo *vmo;  // referenced
    uint64_t seek;
    uint32_t mode;    // ZX_STREAM_MODE_*
};

static inline struct stream *to_stream(struct kobj *o) {
    return (struct stream *)kobj_checked(o, ZX_OBJ_TYPE_STREAM);
}

// A stream over v (the stream takes a reference) with ZX_STREAM_MODE_* `mode`.
zx_status_t stream_create(struct vmo *v, uint32_t mode, uint64_t seek, struct stream **out)
    __attribute__((warn_unused_result));

// Where a read or write starts: `at` (the *_at calls), else the seek pointer, or the end of the
// content for an appending write (the call's ZX_STREAM_APPEND or the stream's append mode).
uint64_t stream_io_start(const struct stream *s, bool write, bool append, const uint64_t *at);

// The part of one I/O vector of `capacity` bytes that can move at `off`: *len bytes (0: `off`
// is at the end). A write first grows a resizable VMO to fit the vector (ZX_ERR_FILE_BIG when
// the end would overflow; the resize's own errors).
zx_status_t stream_io_window(struct stream *s, bool write, uint64_t off, size_t capacity, size_t *len)
    __attribute__((warn_unused_result));
// The bytes a vector can move at `off` without growing the VMO: stream_io_window gives a vector
// of at most this capacity all of it, and changes nothing.
static inline size_t stream_io_avail(const struct stream *s, bool write, uint64_t off) {
    uint64_t end = write ? s->vmo->size : s->vmo->content_size;
    return off < end ? end - off : 0;
}
// Moves those bytes between the VMO at `off` and user memory at buf; a write extends the
// content size to cover them. The user copy's error on a bad buffer.
zx_status_t stream_io_copy(struct stream *s, bool write, user_inout_ptr buf, uint64_t off, size_t len)
    __attribute__((warn_unused_result));

// The same for several vectors at once (their windows, len bytes in all, from `off` on; a
// zero-length one is passed over), walking the VMO once: *moved = the bytes of the vectors that
// completed (all of len on ZX_OK; after an error the failing vector may be partly copied, as
// with stream_io_copy); a write extends the content size to cover the completed ones.
zx_status_t stream_io_copy_segs(struct stream *s, bool write, const struct hal_user_seg *seg, uint64_t off,
                                size_t len, size_t *moved) __attribute__((warn_unused_result));

// zx_stream_seek: the new seek pointer from ZX_STREAM_SEEK_ORIGIN_* `whence` + offset, or
// ZX_ERR_INVALID_ARGS (unknown origin, overflow, before 0) leaving it as it was.
zx_status_t stream_seek(struct stream *s, uint32_t whence, int64_t offset, uint64_t *pos)
    __attribute__((warn_unused_result));

#endif
