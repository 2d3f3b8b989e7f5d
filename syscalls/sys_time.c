// Timers, kernel time, randomness, debug output.
#include "kernel/klog.h"
#include "objects/timer.h"
#include <zircon/syscalls/policy.h>

#include "kernel/cprng.h"
#include "syscalls/priv.h"

// zx_status_t zx_timer_create(uint32_t options, zx_clock_t clock_id, zx_handle_t* out);
int64_t sys_timer_create(uint32_t options, zx_clock_t clock_id, user_out_ptr out) {
    if (options > ZX_TIMER_SLACK_LATE) return ZX_ERR_INVALID_ARGS;
    // Boot timers run on the boot timeline, which in zc (never suspended) is the monotonic one.
    if (clock_id != ZX_CLOCK_MONOTONIC && clock_id != ZX_CLOCK_BOOT) return ZX_ERR_INVALID_ARGS;
    {
        zx_status_t pst = job_policy_check(current_process(), ZX_POL_NEW_TIMER);
        if (pst != ZX_OK) return pst;
    }
    struct ktimer *kt;
    zx_status_t st = ktimer_create(options, &kt);
    if (st != ZX_OK) return st;
    st = give_handle(&kt->obj, ZX_DEFAULT_TIMER_RIGHTS, out);
    kobj_unref(&kt->obj);
    return st;
}

// zx_status_t zx_timer_set(zx_handle_t handle, zx_time_t deadline, zx_duration_t slack);
int64_t sys_timer_set(zx_handle_t handle, zx_time_t deadline, zx_duration_t slack) {
    if (slack < 0) return ZX_ERR_OUT_OF_RANGE;
    struct ktimer *kt;
    zx_status_t st = lookup_timer_set_handle(handle, &kt);
    if (st != ZX_OK) return st;
    ktimer_set(kt, deadline, slack);
    kobj_unref(&kt->obj);
    return ZX_OK;
}

// zx_status_t zx_timer_cancel(zx_handle_t handle);
int64_t sys_timer_cancel(zx_handle_t handle) {
    struct ktimer *kt;
    zx_status_t st = lookup_timer_cancel_handle(handle, &kt);
    if (st != ZX_OK) return st;
    ktimer_cancel(kt);
    kobj_unref(&kt->obj);
    return ZX_OK;
}

// zx_ticks_t zx_ticks_get_via_kernel(void);
int64_t sys_ticks_get_via_kernel(void) { return (int64_t)hal_ticks(); }

// zx_time_t zx_clock_get_monotonic_via_kernel(void);
int64_t sys_clock_get_monotonic_via_kernel(void) { return hal_now(); }

// zx_status_t zx_cprng_draw_once(void* buffer, size_t buffer_size);
int64_t sys_cprng_draw_once(user_out_ptr buffer, size_t buffer_size) {
    if (buffer_size > ZX_CPRNG_DRAW_MAX_LEN) return ZX_ERR_INVALID_ARGS;
    uint8_t buf[ZX_CPRNG_DRAW_MAX_LEN];
    cprng_draw(buf, buffer_size);
    zx_status_t st = copy_to_user(buffer, buf, buffer_size);
    memset(buf, 0, buffer_size);
    return st;
}

// zx_status_t zx_cprng_add_entropy(const void* buffer, size_t buffer_size);
int64_t sys_cprng_add_entropy(user_in_ptr buffer, size_t buffer_size) {
    if (buffer_size > ZX_CPRNG_ADD_ENTROPY_MAX_LEN) return ZX_ERR_INVALID_ARGS;
    uint8_t buf[ZX_CPRNG_ADD_ENTROPY_MAX_LEN];
    zx_status_t st = copy_from_user(buf, buffer, buffer_size);
    if (st != ZX_OK) return st;
    cprng_add_entropy(buf, buffer_size);
    memset(buf, 0, buffer_size);
    return ZX_OK;
}

#define DEBUG_WRITE_MAX 256  // bytes per zx_debug_write (Zircon's limit)

// zx_status_t zx_debug_write(const char* buffer, size_t buffer_size);
int64_t sys_debug_write(user_in_ptr buffer, size_t buffer_size) {
    // Zircon writes at most 256 bytes per call and drops the rest (ZX_OK): one call cannot hold
    // the kernel at the serial port for long.
    char buf[DEBUG_WRITE_MAX];
    size_t n = buffer_size < sizeof(buf) ? buffer_size : sizeof(buf);
    zx_status_t st = copy_from_user(buf, buffer, n);
    if (st != ZX_OK) return st;
    hal_console_write(buf, n);
    return ZX_OK;
}
