// zc public API: clock object options and argument structs (zx_clock_*).
#ifndef ZIRCON_SYSCALLS_CLOCK_H_
#define ZIRCON_SYSCALLS_CLOCK_H_

#include <stdint.h>
#include <zircon/compiler.h>
#include <zircon/time.h>

__BEGIN_CDECLS

// The zx_clock_* calls that pass a struct encode its version in bits 58..63 of |options|.
#define ZX_CLOCK_ARGS_VERSION_SHIFT ((uint64_t)58u)
#define ZX_CLOCK_ARGS_VERSION_BITS  ((uint64_t)6u)
#define ZX_CLOCK_ARGS_VERSION_MASK \
  (((((uint64_t)1) << ZX_CLOCK_ARGS_VERSION_BITS) - 1) << ZX_CLOCK_ARGS_VERSION_SHIFT)
#define ZX_CLOCK_ARGS_VERSION(_N) \
  (((uint64_t)(_N) << ZX_CLOCK_ARGS_VERSION_SHIFT) & ZX_CLOCK_ARGS_VERSION_MASK)

// zx_clock_create() options
#define ZX_CLOCK_OPT_MONOTONIC  ((uint64_t)1u << 0)
#define ZX_CLOCK_OPT_CONTINUOUS ((uint64_t)1u << 1)
#define ZX_CLOCK_OPT_AUTO_START ((uint64_t)1u << 2)
#define ZX_CLOCK_OPTS_ALL \
  (ZX_CLOCK_OPT_MONOTONIC | ZX_CLOCK_OPT_CONTINUOUS | ZX_CLOCK_OPT_AUTO_START)

// zx_clock_update() options (v1)
#define ZX_CLOCK_UPDATE_OPTION_VALUE_VALID       ((uint64_t)1u << 0)
#define ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID ((uint64_t)1u << 1)
#define ZX_CLOCK_UPDATE_OPTION_ERROR_BOUND_VALID ((uint64_t)1u << 2)

// zx_clock_update() options added by v2
#define ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID ((uint64_t)1u << 3)
#define ZX_CLOCK_UPDATE_OPTION_SYNTHETIC_VALUE_VALID ZX_CLOCK_UPDATE_OPTION_VALUE_VALID
#define ZX_CLOCK_UPDATE_OPTION_BOTH_VALUES_VALID \
  (ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID | ZX_CLOCK_UPDATE_OPTION_SYNTHETIC_VALUE_VALID)

#define ZX_CLOCK_UPDATE_OPTIONS_ALL                                                          \
  (ZX_CLOCK_UPDATE_OPTION_SYNTHETIC_VALUE_VALID | ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID | \
   ZX_CLOCK_UPDATE_OPTION_ERROR_BOUND_VALID | ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID)

// Rate adjustment limits, in parts per million.
#define ZX_CLOCK_UPDATE_MIN_RATE_ADJUST ((int32_t)-1000)
#define ZX_CLOCK_UPDATE_MAX_RATE_ADJUST ((int32_t)1000)

#define ZX_CLOCK_UNKNOWN_ERROR ((uint64_t)0xFFFFFFFFFFFFFFFF)

typedef struct zx_clock_create_args_v1 {
  zx_time_t backstop_time;
} zx_clock_create_args_v1_t;

typedef struct zx_clock_rate {
  uint32_t synthetic_ticks;
  uint32_t reference_ticks;
} zx_clock_rate_t;

typedef struct zx_clock_transformation {
  int64_t reference_offset;
  int64_t synthetic_offset;
  zx_clock_rate_t rate;
} zx_clock_transformation_t;

typedef struct zx_clock_details_v1 {
  uint64_t options;
  zx_time_t backstop_time;
  zx_clock_transformation_t ticks_to_synthetic;
  zx_clock_transformation_t mono_to_synthetic;
  uint64_t error_bound;
  zx_ticks_t query_ticks;
  zx_ticks_t last_value_update_ticks;
  zx_ticks_t last_rate_adjust_update_ticks;
  zx_ticks_t last_error_bounds_update_ticks;
  uint32_t generation_counter;
  uint8_t padding1[4];
} zx_clock_details_v1_t;

typedef struct zx_clock_update_args_v1 {
  int32_t rate_adjust;
  uint8_t padding1[4];
  int64_t value;
  uint64_t error_bound;
} zx_clock_update_args_v1_t;

typedef struct zx_clock_update_args_v2 {
  int32_t rate_adjust;
  uint8_t padding1[4];
  int64_t synthetic_value;
  int64_t reference_value;
  uint64_t error_bound;
} zx_clock_update_args_v2_t;

_ZX_STATIC_ASSERT(sizeof(zx_clock_transformation_t) == 24, "zx_clock_transformation_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_clock_details_v1_t) == 112, "zx_clock_details_v1_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_clock_update_args_v1_t) == 24, "zx_clock_update_args_v1_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_clock_update_args_v2_t) == 32, "zx_clock_update_args_v2_t layout");

__END_CDECLS

#endif  // ZIRCON_SYSCALLS_CLOCK_H_
