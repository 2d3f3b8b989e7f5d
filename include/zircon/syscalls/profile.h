// zc public API: scheduler profiles (zx_profile_create(), zx_object_set_profile()).
#ifndef ZIRCON_SYSCALLS_PROFILE_H_
#define ZIRCON_SYSCALLS_PROFILE_H_

#include <zircon/syscalls/types.h>
#include <zircon/types.h>

__BEGIN_CDECLS

// Priorities of the fair scheduler.
#define ZX_PRIORITY_LOWEST  0
#define ZX_PRIORITY_LOW     8
#define ZX_PRIORITY_DEFAULT 16
#define ZX_PRIORITY_HIGH    24
#define ZX_PRIORITY_HIGHEST 31

// Which fields of zx_profile_info_t are set.
#define ZX_PROFILE_INFO_FLAG_PRIORITY        ((uint32_t)1u << 0)
#define ZX_PROFILE_INFO_FLAG_CPU_MASK        ((uint32_t)1u << 1)
#define ZX_PROFILE_INFO_FLAG_DEADLINE        ((uint32_t)1u << 2)
#define ZX_PROFILE_INFO_FLAG_NO_INHERIT      ((uint32_t)1u << 3)
#define ZX_PROFILE_INFO_FLAG_MEMORY_PRIORITY ((uint32_t)1u << 4)

// Memory priorities (ZX_PROFILE_INFO_FLAG_MEMORY_PRIORITY).
#define ZX_PRIORITY_DEFAULT_MEMORY 0
#define ZX_PRIORITY_HIGH_MEMORY    1

// Deadline scheduling: 0 < capacity <= relative_deadline <= period.
typedef struct zx_sched_deadline_params {
  zx_duration_t capacity;
  zx_duration_t relative_deadline;
  zx_duration_t period;
} zx_sched_deadline_params_t;

struct zx_profile_info {
  uint32_t flags;  // ZX_PROFILE_INFO_FLAG_*
  uint8_t padding1[4];
  union {
    struct {
      int32_t priority;  // ZX_PRIORITY_* (or a memory priority)
      uint8_t padding2[20];
    };
    zx_sched_deadline_params_t deadline_params;
  };
  zx_cpu_set_t cpu_affinity_mask;
};

_ZX_STATIC_ASSERT(sizeof(zx_profile_info_t) == 96, "zx_profile_info_t layout");

__END_CDECLS

#endif  // ZIRCON_SYSCALLS_PROFILE_H_
