// FIFOs: two peered queues of fixed-size elements (zx_fifo_create).
#ifndef ZC_OBJECTS_FIFO_H
#define ZC_OBJECTS_FIFO_H

#include <stdint.h>
#include <zircon/types.h>

#include "kernel/user_ptr.h"
#include "objects/kobj.h"

struct fifo {
    struct kobj obj;
    uint32_t elem_size, elem_count;
    uint32_t head, count;       // ring of elements received by this end
    uint8_t *ring;
};

static inline struct fifo *to_fifo(struct kobj *o) {
    return (struct fifo *)kobj_checked(o, ZX_OBJ_TYPE_FIFO);
}

zx_status_t fifo_create_pair(uint32_t elem_count, uint32_t elem_size, struct fifo **a, struct fifo **b) __attribute__((warn_unused_result));
zx_status_t fifo_write(struct fifo *f, user_in_ptr data, size_t count, size_t *actual) __attribute__((warn_unused_result));
zx_status_t fifo_read(struct fifo *f, user_out_ptr data, size_t count, size_t *actual) __attribute__((warn_unused_result));

#endif
