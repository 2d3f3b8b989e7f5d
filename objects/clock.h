// Clock objects: a synthetic clock as an affine function of the monotonic clock
// (objects/clock_math.h), started by its first update or at creation (ZX_CLOCK_OPT_AUTO_START).
#ifndef ZC_OBJECTS_CLOCK_H
#define ZC_OBJECTS_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/syscalls/clock.h>
#include <zircon/types.h>

#include "objects/kobj.h"

struct kclock {
    struct kobj obj;
    uint64_t options;          // ZX_CLOCK_OPT_*
    zx_time_t backstop;
    bool started;
    // synthetic = syn_off + (mono - ref_off) * (1e6 + ppm) / 1e6
    int64_t ref_off, syn_off;
    int32_t ppm;
    uint64_t error_bound;
    uint32_t generation;
    zx_ticks_t last_value, last_rate, last_error;
};

static inline struct kclock *to_clock(struct kobj *o) {
    return (struct kclock *)kobj_checked(o, ZX_OBJ_TYPE_CLOCK);
}

// zx_clock_create with ZX_CLOCK_OPT_* `options` (checked by the caller) and a backstop time:
// ZX_ERR_INVALID_ARGS when an auto-started clock's backstop is in the future.
zx_status_t clock_create(uint64_t options, zx_time_t backstop, struct kclock **out)
    __attribute__((warn_unused_result));

// The clock's value at monotonic time `mono` (its backstop until it starts).
int64_t clock_read(const struct kclock *c, zx_time_t mono);

// zx_clock_get_details' v1 record, now.
void clock_details(const struct kclock *c, zx_clock_details_v1_t *d);

// One zx_clock_update, its arguments decoded (v1 or v2) and checked in themselves.
struct clock_update {
    uint64_t options;       // ZX_CLOCK_UPDATE_OPTION_*
    int32_t rate_adjust;    // ppm, when RATE_ADJUST_VALID
    int64_t value;          // synthetic value, when VALUE_VALID
    int64_t reference;      // ... at this monotonic time, when REFERENCE_VALUE_VALID (else now)
    uint64_t error_bound;   // when ERROR_BOUND_VALID
};
// Checks the update against the clock (its backstop, continuity, monotonicity, not started)
// and applies it, or returns ZX_ERR_INVALID_ARGS and changes nothing.
zx_status_t clock_update(struct kclock *c, const struct clock_update *u) __attribute__((warn_unused_result));

#endif
