// The loop of hal_copy_user_segs (hal.h), shared by the backends: each supplies how one piece
// (part of one user buffer, never empty) is copied, with the statuses of hal_copy_*_user.
#ifndef ZC_HAL_USER_SEGS_H
#define ZC_HAL_USER_SEGS_H

#include <zircon/errors.h>

#include "hal/hal.h"

typedef zx_status_t (*hal_seg_piece_fn)(uintptr_t u, char *k, size_t m, bool to_user, uintptr_t *fault_addr);

// Always inlined, with a constant piece function: the position is kept in registers and
// written back once (the kernel run may alias *c as far as the compiler knows); the bytes moved
// are where the kernel pointer got to.
static inline __attribute__((always_inline)) zx_status_t hal_user_segs_walk(struct hal_user_segs *c, char *k,
                                                                            size_t len, bool to_user,
                                                                            uintptr_t *fault_addr,
                                                                            hal_seg_piece_fn piece) {
    const struct hal_user_seg *seg = c->seg;
    size_t used = c->used;
    char *p = k, *end = k + len;
    zx_status_t st = ZX_OK;
    while (p < end) {
        size_t m = seg->len - used;
        if (m > (size_t)(end - p)) m = end - p;  // the run ends inside this buffer
        if (m) {
            st = piece(seg->addr + used, p, m, to_user, fault_addr);
            if (st != ZX_OK) break;
            p += m;
            used += m;
        }
        if (used == seg->len) {
            seg++;
            used = 0;
        }
    }
    *c = (struct hal_user_segs){seg, used, c->moved + (size_t)(p - k)};
    return st;
}

#endif
