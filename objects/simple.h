// Objects with no state beyond struct kobj: events, event pairs, debuglogs.
#ifndef ZC_OBJECTS_SIMPLE_H
#define ZC_OBJECTS_SIMPLE_H

#include <zircon/types.h>

#include "objects/kobj.h"

struct debuglog {
    struct kobj obj;
    uint32_t flags;     // ZX_LOG_FLAG_READABLE
    uint64_t cursor;    // next record sequence to read
};

zx_status_t event_create(struct kobj **out) __attribute__((warn_unused_result));
zx_status_t eventpair_create(struct kobj **a, struct kobj **b) __attribute__((warn_unused_result));
zx_status_t debuglog_create(uint32_t flags, struct debuglog **out) __attribute__((warn_unused_result));

// A counter: a signed 64-bit value; ZX_COUNTER_POSITIVE while it is above zero, otherwise
// ZX_COUNTER_NON_POSITIVE.
struct counter {
    struct kobj obj;
    int64_t value;
};
static inline struct counter *to_counter(struct kobj *o) {
    return (struct counter *)kobj_checked(o, ZX_OBJ_TYPE_COUNTER);
}
zx_status_t counter_create(struct counter **out) __attribute__((warn_unused_result));
void counter_set(struct counter *c, int64_t value);

// A scheduler profile: what zx_profile_create was given (zc has one CPU and one run queue, so
// applying it records nothing yet).
struct profile {
    struct kobj obj;
    uint32_t flags;
    int32_t priority;
};
zx_status_t profile_create(uint32_t flags, int32_t priority, struct profile **out)
    __attribute__((warn_unused_result));

// Resources: for now only the root resource exists (zx_resource_create comes later).
struct resource {
    struct kobj obj;
    uint32_t kind;  // ZX_RSRC_KIND_*
    uint32_t flags; // ZX_RSRC_FLAG_*
    uint64_t base, size;
};
zx_status_t resource_create(uint32_t kind, uint32_t flags, uint64_t base, uint64_t size, const char *name,
                            struct resource **out) __attribute__((warn_unused_result));
zx_status_t resource_create_root(struct resource **out) __attribute__((warn_unused_result));
static inline struct resource *to_resource(struct kobj *o) {
    return (struct resource *)kobj_checked(o, ZX_OBJ_TYPE_RESOURCE);
}

#endif
