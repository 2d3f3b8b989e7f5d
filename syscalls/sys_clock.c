// Clocks: the syscalls over objects/clock.h (decoding the versioned arguments, user copies).
#include "objects/clock.h"
#include "syscalls/priv.h"

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
        zx_status_t st = copy_from_user(&a, args, sizeof(a));
        if (st != ZX_OK) return st;
        if (a.backstop_time < 0) return ZX_ERR_INVALID_ARGS;
        backstop = a.backstop_time;
    } else if (version != 0) {
        return ZX_ERR_INVALID_ARGS;
    }
    struct kclock *c;
    zx_status_t st = clock_create(opts, backstop, &c);
    if (st != ZX_OK) return st;
    st = give_handle(&c->obj, ZX_DEFAULT_CLOCK_RIGHTS, out);
    kobj_unref(&c->obj);
    return st;
}

// zx_status_t zx_clock_read(zx_handle_t handle, zx_time_t* now);
int64_t sys_clock_read(zx_handle_t handle, user_out_ptr now) {
    struct kclock *c;
    zx_status_t st = clock_lookup(lookup_clock_read_handle(handle, &c));
    if (st != ZX_OK) return st;
    int64_t v = clock_read(c, hal_now());
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
    clock_details(c, &d);
    kobj_unref(&c->obj);
    return copy_to_user(details, &d, sizeof(d));
}

// The update's arguments, v1 or v2, checked in themselves (the clock checks them against its
// state).
static zx_status_t decode_update(uint64_t options, user_in_ptr args, struct clock_update *u) {
    uint32_t version = args_version(options);
    uint64_t opts = options & ~ZX_CLOCK_ARGS_VERSION_MASK;
    if ((version != 1 && version != 2) || (opts & ~ZX_CLOCK_UPDATE_OPTIONS_ALL) || !opts) return ZX_ERR_INVALID_ARGS;
    memset(u, 0, sizeof(*u));
    u->options = opts;
    if (version == 1) {
        zx_clock_update_args_v1_t a;
        if (opts & ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID) return ZX_ERR_INVALID_ARGS;
        zx_status_t st = copy_from_user(&a, args, sizeof(a));
        if (st != ZX_OK) return st;
        u->rate_adjust = a.rate_adjust;
        u->value = a.value;
        u->error_bound = a.error_bound;
    } else {
        zx_clock_update_args_v2_t a;
        zx_status_t st = copy_from_user(&a, args, sizeof(a));
        if (st != ZX_OK) return st;
        u->rate_adjust = a.rate_adjust;
        u->value = a.synthetic_value;
        u->reference = a.reference_value;
        u->error_bound = a.error_bound;
    }
    if ((opts & ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID) &&
        (u->rate_adjust < ZX_CLOCK_UPDATE_MIN_RATE_ADJUST || u->rate_adjust > ZX_CLOCK_UPDATE_MAX_RATE_ADJUST))
        return ZX_ERR_INVALID_ARGS;
    if ((opts & ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID) && !(opts & ZX_CLOCK_UPDATE_OPTION_VALUE_VALID))
        return ZX_ERR_INVALID_ARGS;
    return ZX_OK;
}

// zx_status_t zx_clock_update(zx_handle_t handle, uint64_t options, const void* args);
int64_t sys_clock_update(zx_handle_t handle, uint64_t options, user_in_ptr args) {
    struct kclock *c;
    zx_status_t st = clock_lookup(lookup_clock_update_handle(handle, &c));
    if (st != ZX_OK) return st;
    struct clock_update u;
    st = decode_update(options, args, &u);
    if (st == ZX_OK) st = clock_update(c, &u);
    kobj_unref(&c->obj);
    return st;
}
