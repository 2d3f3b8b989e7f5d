// foundation-test helpers.
#ifndef ZC_FOUNDATION_UTIL_H
#define ZC_FOUNDATION_UTIL_H

#include <stdint.h>
#include <zircon/types.h>

// A kernel address (the kernel image is linked at the top 2 GiB).
#define KERNEL_ADDR ((uintptr_t)0xffffffff80000000ull)

// Starts `argv[0]` from the bootfs with these arguments, waits until it terminates (killing
// it after `timeout`) and returns its ZX_INFO_PROCESS return code in *rc.
// ZX_ERR_TIMED_OUT when it had to be killed; any zc_launch / wait / get_info error.
zx_status_t run_child(int argc, const char *const *argv, zx_duration_t timeout, int64_t *rc);

#endif
