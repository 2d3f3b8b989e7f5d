// Scheduler profiles: what zx_profile_create was given. Applying one (zx_object_set_profile)
// sets the thread's CPU mask when the profile has one; the executor has no priorities or
// deadlines, so the rest is recorded only.
#ifndef ZC_OBJECTS_PROFILE_H
#define ZC_OBJECTS_PROFILE_H

#include <zircon/types.h>

#include "objects/kobj.h"

struct profile {
    struct kobj obj;
    uint32_t flags;
    int32_t priority;
    uint64_t cpu_mask;  // ZX_PROFILE_INFO_FLAG_CPU_MASK: CPUs 0..63 (bit i: CPU i), else 0
};
zx_status_t profile_create(uint32_t flags, int32_t priority, uint64_t cpu_mask, struct profile **out)
    __attribute__((warn_unused_result));

#endif
