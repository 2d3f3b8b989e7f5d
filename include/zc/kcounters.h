// zc-specific object_get_info topic: the kernel's own counters (live objects by type, memory),
// for leak checks and footprint measurements. Not part of Zircon's ABI (docs/abi.md).
#ifndef ZC_KCOUNTERS_H
#define ZC_KCOUNTERS_H

#include <stdint.h>

// Topic numbers are Zircon's low 28 bits (the top 4 carry a version); Zircon numbers its
// topics from 1 upward, so zc's own sit far above them, at 0x0ec0xxxx.
#define ZC_INFO_KERNEL_COUNTERS ((uint32_t)0x0ec00001u)  // zc_info_kernel_counters_t[1]

#define ZC_KCOUNTERS_TYPES 64  // live_by_type is indexed by ZX_OBJ_TYPE_* (all below 64)

typedef struct zc_info_kernel_counters {
    uint64_t total_bytes;   // physical memory the kernel manages
    uint64_t free_bytes;    // ... of which free
    uint64_t heap_bytes;    // kernel heap in use
    uint64_t vmo_bytes;     // pages committed to VMOs
    uint64_t live_objects;  // kernel objects alive, all types
    uint64_t live_by_type[ZC_KCOUNTERS_TYPES];
} zc_info_kernel_counters_t;

_Static_assert(sizeof(zc_info_kernel_counters_t) == 8 * (5 + ZC_KCOUNTERS_TYPES), "layout");

#endif
