// zc public API: zx_system_powerctl() commands and performance-info topics.
#ifndef ZIRCON_SYSCALLS_SYSTEM_H_
#define ZIRCON_SYSCALLS_SYSTEM_H_

#include <zircon/types.h>

__BEGIN_CDECLS

// zx_system_powerctl() commands
#define ZX_SYSTEM_POWERCTL_ENABLE_ALL_CPUS             1u
#define ZX_SYSTEM_POWERCTL_DISABLE_ALL_CPUS_BUT_PRIMARY 2u
#define ZX_SYSTEM_POWERCTL_ACPI_TRANSITION_S_STATE     3u
#define ZX_SYSTEM_POWERCTL_X86_SET_PKG_PL1             4u
#define ZX_SYSTEM_POWERCTL_REBOOT                      5u
#define ZX_SYSTEM_POWERCTL_REBOOT_BOOTLOADER           6u
#define ZX_SYSTEM_POWERCTL_REBOOT_RECOVERY             7u
#define ZX_SYSTEM_POWERCTL_SHUTDOWN                    8u
#define ZX_SYSTEM_POWERCTL_ACK_KERNEL_INITIATED_REBOOT 9u

typedef struct zx_system_powerctl_arg {
  union {
    struct {
      struct {
        uint8_t target_s_state;  // 1..5
        uint8_t sleep_type_a;    // ACPI SLP_TYPa
        uint8_t sleep_type_b;    // ACPI SLP_TYPb
      } acpi_transition_s_state;
      uint8_t padding1[9];
    };
    struct {
      uint32_t power_limit;  // PL1, milliwatts
      uint32_t time_window;  // PL1 window, microseconds
      uint8_t clamp;
      uint8_t enable;
      uint8_t padding2[2];
    } x86_power_limit;
  };
} zx_system_powerctl_arg_t;

// zx_system_get_performance_info() / zx_system_set_performance_info() topics
#define ZX_CPU_PERF_SCALE         ((uint32_t)1u)
#define ZX_CPU_DEFAULT_PERF_SCALE ((uint32_t)2u)

typedef struct zx_cpu_performance_scale {
  uint32_t integral_part;
  uint32_t fractional_part;
} zx_cpu_performance_scale_t;

typedef struct zx_cpu_performance_info {
  uint32_t logical_cpu_number;
  zx_cpu_performance_scale_t performance_scale;
} zx_cpu_performance_info_t;

_ZX_STATIC_ASSERT(sizeof(zx_system_powerctl_arg_t) == 12, "zx_system_powerctl_arg_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_cpu_performance_info_t) == 12, "zx_cpu_performance_info_t layout");

__END_CDECLS

#endif  // ZIRCON_SYSCALLS_SYSTEM_H_
