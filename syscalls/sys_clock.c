// Clock objects: a synthetic clock as an affine function of the monotonic clock.
#include <zircon/syscalls/clock.h>

#include "kernel/heap.h"
#include "objects/clock_math.h"
#include "syscalls/priv.h"

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

static void kclock_destroy(struct kobj *o) { kfree(o); }
static const struct kobj_ops kclock_ops = {.destroy = kclock_destroy};

static int64_t synthetic_at(const struct kclock *c, zx_time_t mono) {
    if (!c->started) return c->backstop;
    return clock_synthetic(c->syn_off, c->ref_off, c->ppm, mono);
}

// The clock calls report any non-clock handle as ZX_ERR_BAD_HANDLE: wraps their lookups.
static zx_status_t clock_lookup(zx_status_t st) { return st == ZX_ERR_WRONG_TYPE ? ZX_ERR_BAD_HANDLE : st; }

static uint32_t args_version(uint64_t options) {
    return (uint32_t)((options & ZX_CLOCK_ARGS_VERSION_MASK) >> ZX_CLOCK_ARGS_VERSION_SHIFT);
}

// zx_status_t zx_clock_create(uint64_t options, const void* args, zx_handle_t* out);
int64_t sys_clock_create(uint64_t options, user_in_ptr args, user_out_ptr out) {
    uint32_t version = args_version(options);
    uint64_t opts = options & ~ZX_CLOCK_ARGS_VERSION_MASK;
    if (opts & ~ZX_CLOCK_OPTS_ALL) return ZX_ERR_INVALID_ARGS;
    if ((opts & ZX_CLOCK_OPT_CONTINUOUS) && !(opts & ZX_CLOCK_OPT_MONOTONIC)) return ZX_ERR_INVALID_ARGS;
    zx_time_t backstop = 0;
    if (version == 1) {
        zx_clock_create_args_v1_t a;
        if (copy_from_user(&a, args, sizeof(a)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
        if (a.backstop_time < 0) return ZX_ERR_INVALID_ARGS;
        backstop = a.backstop_time;
    } else if (version != 0) {
        return ZX_ERR_INVALID_ARGS;
    }
    zx_time_t now = hal_now();
    if ((opts & ZX_CLOCK_OPT_AUTO_START) && backstop > now) return ZX_ERR_INVALID_ARGS;
    struct kclock *c = kzalloc(sizeof(*c));
    if (!c) return ZX_ERR_NO_MEMORY;
    kobj_init(&c->obj, ZX_OBJ_TYPE_CLOCK, &kclock_ops);
    c->options = opts;
    c->backstop = backstop;
    c->error_bound = ZX_CLOCK_UNKNOWN_ERROR;
    if (opts & ZX_CLOCK_OPT_AUTO_START) {
        // Starts as a copy of the monotonic clock.
        c->started = true;
        c->ref_off = now;
        c->syn_off = now;
        c->last_value = (zx_ticks_t)hal_ticks();
        c->generation = 1;
        c->obj.signals = ZX_CLOCK_STARTED;
    }
    zx_status_t st = give_handle(&c->obj, ZX_DEFAULT_CLOCK_RIGHTS, out);
    kobj_unref(&c->obj);
    return st;
}

// zx_status_t zx_clock_read(zx_handle_t handle, zx_time_t* now);
int64_t sys_clock_read(zx_handle_t handle, user_out_ptr now) {
    struct kclock *c;
    zx_status_t st = clock_lookup(lookup_clock_read_handle(handle, &c));
    if (st != ZX_OK) return st;
    int64_t v = synthetic_at(c, hal_now());
    kobj_unref(&c->obj);
    return put_u64(now, (uint64_t)v);
}

// zx_status_t zx_clock_get_details(zx_handle_t handle, uint64_t options, void* details);
int64_t sys_clock_get_details(zx_handle_t handle, uint64_t options, user_out_ptr details) {
    struct kclock *c;
    zx_status_t st = clock_lookup(lookup_clock_get_details_handle(handle, &c));
    if (st != ZX_OK) return st;
    if (options != ZX_CLOCK_ARGS_VERSION(1)) {
        kobj_unref(&c->obj);
        return ZX_ERR_INVALID_ARGS;
    }
    zx_clock_details_v1_t d;
    memset(&d, 0, sizeof(d));
    d.options = c->options;
    d.backstop_time = c->backstop;
    d.mono_to_synthetic.reference_offset = c->ref_off;
    d.mono_to_synthetic.synthetic_offset = c->started ? c->syn_off : c->backstop;
    d.mono_to_synthetic.rate.synthetic_ticks = c->started ? (uint32_t)(1000000 + c->ppm) : 0;
    d.mono_to_synthetic.rate.reference_ticks = 1000000;
    // ticks -> synthetic: the same line, measured in ticks of the reference counter.
    uint64_t tb;
    uint64_t mult;
    uint32_t shift;
    hal_time_params(&tb, &mult, &shift);
    uint64_t tps = hal_ticks_per_second();
    // ref_off in ticks: ns * tps / 1e9, split to stay within 64 bits.
    uint64_t ns = (uint64_t)c->ref_off;
    uint64_t ref_ticks = (ns / 1000000000u) * tps + (ns % 1000000000u) * (tps / 1000000u) / 1000u;
    d.ticks_to_synthetic.reference_offset = (int64_t)(tb + ref_ticks);
    d.ticks_to_synthetic.synthetic_offset = d.mono_to_synthetic.synthetic_offset;
    d.ticks_to_synthetic.rate.synthetic_ticks = d.mono_to_synthetic.rate.synthetic_ticks;
    d.ticks_to_synthetic.rate.reference_ticks = (uint32_t)(tps / 1000);
    d.error_bound = c->error_bound;
    d.query_ticks = (zx_ticks_t)hal_ticks();
    d.last_value_update_ticks = c->last_value;
    d.last_rate_adjust_update_ticks = c->last_rate;
    d.last_error_bounds_update_ticks = c->last_error;
    d.generation_counter = c->generation;
    kobj_unref(&c->obj);
    return copy_to_user(details, &d, sizeof(d));
}

// zx_status_t zx_clock_update(zx_handle_t handle, uint64_t options, const void* args);
int64_t sys_clock_update(zx_handle_t handle, uint64_t options, user_in_ptr args) {
    struct kclock *c;
    zx_status_t st = clock_lookup(lookup_clock_update_handle(handle, &c));
    if (st != ZX_OK) return st;
    uint32_t version = args_version(options);
    uint64_t opts = options & ~ZX_CLOCK_ARGS_VERSION_MASK;
    int32_t rate_adjust = 0;
    int64_t value = 0, reference = 0;
    uint64_t error_bound = 0;
    if ((version != 1 && version != 2) || (opts & ~ZX_CLOCK_UPDATE_OPTIONS_ALL) || !opts) {
        st = ZX_ERR_INVALID_ARGS;
    } else if (version == 1) {
        zx_clock_update_args_v1_t a;
        if (opts & ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID) st = ZX_ERR_INVALID_ARGS;
        else if (copy_from_user(&a, args, sizeof(a)) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
        else {
            rate_adjust = a.rate_adjust;
            value = a.value;
            error_bound = a.error_bound;
        }
    } else {
        zx_clock_update_args_v2_t a;
        if (copy_from_user(&a, args, sizeof(a)) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
        else {
            rate_adjust = a.rate_adjust;
            value = a.synthetic_value;
            reference = a.reference_value;
            error_bound = a.error_bound;
        }
    }
    bool set_value = opts & ZX_CLOCK_UPDATE_OPTION_VALUE_VALID;
    bool set_rate = opts & ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID;
    zx_time_t now = hal_now();
    if (!(opts & ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID)) reference = now;
    if (st == ZX_OK && set_rate && (rate_adjust < ZX_CLOCK_UPDATE_MIN_RATE_ADJUST || rate_adjust > ZX_CLOCK_UPDATE_MAX_RATE_ADJUST))
        st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && (opts & ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID) && !set_value) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && set_value) {
        if (value < c->backstop) st = ZX_ERR_INVALID_ARGS;
        else if (c->started && (c->options & ZX_CLOCK_OPT_CONTINUOUS)) st = ZX_ERR_INVALID_ARGS;  // no jumps
        else if (c->started && (c->options & ZX_CLOCK_OPT_MONOTONIC) && value < synthetic_at(c, reference))
            st = ZX_ERR_INVALID_ARGS;  // no going back
    }
    if (st == ZX_OK && !c->started && !set_value) st = ZX_ERR_INVALID_ARGS;  // the first update sets the value
    if (st == ZX_OK) {
        zx_ticks_t t = (zx_ticks_t)hal_ticks();
        if (set_rate) {
            // Re-anchor at `now` so the rate change does not move the present value.
            if (c->started && !set_value) {
                c->syn_off = synthetic_at(c, now);
                c->ref_off = now;
            }
            c->ppm = rate_adjust;
            c->last_rate = t;
        }
        if (set_value) {
            c->ref_off = reference;
            c->syn_off = value;
            c->last_value = t;
            if (!c->started) {
                c->started = true;
                kobj_signal(&c->obj, 0, ZX_CLOCK_STARTED);
            }
        }
        if (opts & ZX_CLOCK_UPDATE_OPTION_ERROR_BOUND_VALID) {
            c->error_bound = error_bound;
            c->last_error = t;
        }
        c->generation++;
    }
    kobj_unref(&c->obj);
    return st;
}
