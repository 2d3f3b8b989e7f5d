// Constants the kernel writes into the vDSO image before any process maps it.
// Shared by kernel/ (writer) and user/vdso/ (reader).
#ifndef ZC_VDSO_H
#define ZC_VDSO_H

#include <stdint.h>

#define ZC_VDSO_CONSTANTS_SYMBOL "zc_vdso_constants"
#define ZC_VDSO_CONSTANTS_MAGIC  0x7a63766473u

struct zc_vdso_constants {
    uint64_t magic;              // ZC_VDSO_CONSTANTS_MAGIC once the kernel filled it
    uint64_t ticks_per_second;   // TSC frequency
    uint64_t ticks_at_boot;      // TSC value at monotonic time 0
    uint64_t ns_mult;            // monotonic ns = ((ticks - ticks_at_boot) * ns_mult) >> 32
    uint32_t num_cpus;
    uint64_t physmem;            // bytes of RAM
    uint32_t page_size;
    uint32_t dcache_line_size;
    uint32_t icache_line_size;
    uint32_t memcpy_variant;     // libc-opt variant chosen by the kernel at boot
    char version_string[64];     // NUL-terminated
};

#endif
