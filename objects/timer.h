// Timer objects: assert ZX_TIMER_SIGNALED at a deadline (with slack).
#ifndef ZC_OBJECTS_TIMER_H
#define ZC_OBJECTS_TIMER_H

#include <zircon/types.h>

#include "kernel/sched.h"
#include "objects/kobj.h"

struct ktimer {
    struct kobj obj;
    struct timer t;
    uint32_t slack_mode;  // ZX_TIMER_SLACK_*
    zx_time_t deadline;   // 0 when not armed
};

static inline struct ktimer *to_ktimer(struct kobj *o) {
    return (struct ktimer *)kobj_checked(o, ZX_OBJ_TYPE_TIMER);
}
zx_status_t ktimer_create(uint32_t slack_mode, struct ktimer **out) __attribute__((warn_unused_result));
void ktimer_set(struct ktimer *kt, zx_time_t deadline, zx_duration_t slack);
void ktimer_cancel(struct ktimer *kt);

#endif
