// Counters: a signed 64-bit value whose sign drives two signals.
#include "objects/counter.h"
#include "syscalls/priv.h"

// zx_status_t zx_counter_create(uint32_t options, zx_handle_t* out);
int64_t sys_counter_create(uint32_t options, user_out_ptr out) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    struct counter *c;
    zx_status_t st = counter_create(&c);
    if (st != ZX_OK) return st;
    st = give_handle(&c->obj, ZX_DEFAULT_COUNTER_RIGHTS, out);
    kobj_unref(&c->obj);
    return st;
}

// zx_status_t zx_counter_add(zx_handle_t handle, int64_t amount);
int64_t sys_counter_add(zx_handle_t handle, int64_t amount) {
    // READ too: a series of failing adds would reveal the value.
    struct counter *c;
    zx_status_t st = lookup_counter_add_handle(handle, &c);
    if (st != ZX_OK) return st;
    int64_t sum;
    if (__builtin_add_overflow(c->value, amount, &sum)) st = ZX_ERR_OUT_OF_RANGE;
    else counter_set(c, sum);
    kobj_unref(&c->obj);
    return st;
}

// zx_status_t zx_counter_read(zx_handle_t handle, int64_t* value);
int64_t sys_counter_read(zx_handle_t handle, user_out_ptr value) {
    struct counter *c;
    zx_status_t st = lookup_counter_read_handle(handle, &c);
    if (st != ZX_OK) return st;
    st = put_u64(value, (uint64_t)c->value);
    kobj_unref(&c->obj);
    return st;
}

// zx_status_t zx_counter_write(zx_handle_t handle, int64_t value);
int64_t sys_counter_write(zx_handle_t handle, int64_t value) {
    struct counter *c;
    zx_status_t st = lookup_counter_write_handle(handle, &c);
    if (st != ZX_OK) return st;
    counter_set(c, value);
    kobj_unref(&c->obj);
    return st;
}
