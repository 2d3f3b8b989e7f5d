// Counters: a signed 64-bit value; ZX_COUNTER_POSITIVE while it is above zero, otherwise
// ZX_COUNTER_NON_POSITIVE.
#ifndef ZC_OBJECTS_COUNTER_H
#define ZC_OBJECTS_COUNTER_H

#include <zircon/types.h>

#include "objects/kobj.h"

struct counter {
    struct kobj obj;
    int64_t value;
};
static inline struct counter *to_counter(struct kobj *o) {
    return (struct counter *)kobj_checked(o, ZX_OBJ_TYPE_COUNTER);
}
zx_status_t counter_create(struct counter **out) __attribute__((warn_unused_result));
void counter_set(struct counter *c, int64_t value);

#endif
