// Scheduler profiles: what zx_profile_create was given (zc has one CPU and one run queue, so
// applying one records nothing yet).
#ifndef ZC_OBJECTS_PROFILE_H
#define ZC_OBJECTS_PROFILE_H

#include <zircon/types.h>

#include "objects/kobj.h"

struct profile {
    struct kobj obj;
    uint32_t flags;
    int32_t priority;
};
zx_status_t profile_create(uint32_t flags, int32_t priority, struct profile **out)
    __attribute__((warn_unused_result));

#endif
