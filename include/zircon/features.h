// zc public API: zx_system_get_features() kinds and the bits they report.
#ifndef ZIRCON_FEATURES_H_
#define ZIRCON_FEATURES_H_

#include <stdint.h>

#define ZX_FEATURE_KIND_CPU                 ((uint32_t)0)
#define ZX_FEATURE_KIND_HW_BREAKPOINT_COUNT ((uint32_t)1)
#define ZX_FEATURE_KIND_HW_WATCHPOINT_COUNT ((uint32_t)2)
#define ZX_FEATURE_KIND_ADDRESS_TAGGING     ((uint32_t)3)
#define ZX_FEATURE_KIND_VM                  ((uint32_t)4)

// ZX_FEATURE_KIND_CPU on x86-64: the processor's own feature flags are read with cpuid.
#define ZX_HAS_CPU_FEATURES ((uint32_t)1u << 0)

// ZX_FEATURE_KIND_VM
#define ZX_VM_FEATURE_CAN_MAP_XOM ((uint32_t)1u << 0)

#endif
