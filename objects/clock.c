// Clock objects (objects/clock.h).
#include "objects/clock.h"

#include <string.h>
#include <zircon/errors.h>

#include "hal/hal.h"
#include "kernel/heap.h"
#include "objects/clock_math.h"

static const struct kobj_ops kclock_ops = {.destroy = kobj_kfree};

zx_status_t clock_create(uint64_t options, zx_time_t backstop, struct kclock **out) {
    zx_time_t now = hal_now();
    if ((options & ZX_CLOCK_OPT_AUTO_START) && backstop > now) return ZX_ERR_INVALID_ARGS;
    struct kclock *c = kzalloc(sizeof(*c));
    if (!c) return ZX_ERR_NO_MEMORY;
    kobj_init(&c->obj, ZX_OBJ_TYPE_CLOCK, &kclock_ops);
    c->options = options;
    c->backstop = backstop;
    c->error_bound = ZX_CLOCK_UNKNOWN_ERROR;
    if (options & ZX_CLOCK_OPT_AUTO_START) {
        // Starts as a copy of the monotonic clock.
        c->started = true;
        c->ref_off = now;
        c->syn_off = now;
        c->last_value = (zx_ticks_t)hal_ticks();
        c->generation = 1;
        c->obj.signals = ZX_CLOCK_STARTED;
    }
    *out = c;
    return ZX_OK;
}

int64_t clock_read(const struct kclock *c, zx_time_t mono) {
    if (!c->started) return c->backstop;
    return clock_synthetic(c->syn_off, c->ref_off, c->ppm, mono);
}

void clock_details(const struct kclock *c, zx_clock_details_v1_t *d) {
    memset(d, 0, sizeof(*d));
    d->options = c->options;
    d->backstop_time = c->backstop;
    d->mono_to_synthetic.reference_offset = c->ref_off;
    d->mono_to_synthetic.synthetic_offset = c->started ? c->syn_off : c->backstop;
    d->mono_to_synthetic.rate.synthetic_ticks = c->started ? (uint32_t)(1000000 + c->ppm) : 0;
    d->mono_to_synthetic.rate.reference_ticks = 1000000;
    // ticks -> synthetic: the same line, measured in ticks of the reference counter.
    uint64_t tb, mult;
    hal_time_params(&tb, &mult);
    uint64_t tps = hal_ticks_per_second();
    // ref_off in ticks: ns * tps / 1e9, split to stay within 64 bits.
    uint64_t ns = (uint64_t)c->ref_off;
    uint64_t ref_ticks = (ns / 1000000000u) * tps + (ns % 1000000000u) * (tps / 1000000u) / 1000u;
    d->ticks_to_synthetic.reference_offset = (int64_t)(tb + ref_ticks);
    d->ticks_to_synthetic.synthetic_offset = d->mono_to_synthetic.synthetic_offset;
    d->ticks_to_synthetic.rate.synthetic_ticks = d->mono_to_synthetic.rate.synthetic_ticks;
    d->ticks_to_synthetic.rate.reference_ticks = (uint32_t)(tps / 1000);
    d->error_bound = c->error_bound;
    d->query_ticks = (zx_ticks_t)hal_ticks();
    d->last_value_update_ticks = c->last_value;
    d->last_rate_adjust_update_ticks = c->last_rate;
    d->last_error_bounds_update_ticks = c->last_error;
    d->generation_counter = c->generation;
}

zx_status_t clock_update(struct kclock *c, const struct clock_update *u) {
    bool set_value = u->options & ZX_CLOCK_UPDATE_OPTION_VALUE_VALID;
    bool set_rate = u->options & ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID;
    zx_time_t now = hal_now();
    zx_time_t reference = (u->options & ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID) ? u->reference : now;
    if (set_value) {
        if (u->value < c->backstop) return ZX_ERR_INVALID_ARGS;
        if (c->started && (c->options & ZX_CLOCK_OPT_CONTINUOUS)) return ZX_ERR_INVALID_ARGS;  // no jumps
        if (c->started && (c->options & ZX_CLOCK_OPT_MONOTONIC) && u->value < clock_read(c, reference))
            return ZX_ERR_INVALID_ARGS;  // no going back
    }
    if (!c->started && !set_value) return ZX_ERR_INVALID_ARGS;  // the first update sets the value
    zx_ticks_t t = (zx_ticks_t)hal_ticks();
    if (set_rate) {
        // Re-anchor at `now` so the rate change does not move the present value.
        if (c->started && !set_value) {
            c->syn_off = clock_read(c, now);
            c->ref_off = now;
        }
        c->ppm = u->rate_adjust;
        c->last_rate = t;
    }
    if (set_value) {
        c->ref_off = reference;
        c->syn_off = u->value;
        c->last_value = t;
        if (!c->started) {
            c->started = true;
            kobj_signal(&c->obj, 0, ZX_CLOCK_STARTED);
        }
    }
    if (u->options & ZX_CLOCK_UPDATE_OPTION_ERROR_BOUND_VALID) {
        c->error_bound = u->error_bound;
        c->last_error = t;
    }
    c->generation++;
    return ZX_OK;
}
