// Leak checks around hostile cases: live kernel objects and free memory before and after.
#ifndef ZC_CORE2_LEAKCHECK_H
#define ZC_CORE2_LEAKCHECK_H

#include <stdint.h>
#include <zc/kcounters.h>
#include <zircon/types.h>

// Slack for free memory: slab caches keep one empty slab each and this process's own heap,
// stack and page tables may grow while a case runs. A leaked object graph of any size that
// matters is far above it, and live objects must match exactly.
#define LEAKCHECK_FREE_SLACK (512u * 1024u)

struct leakcheck {
    uint64_t live_objects;
    uint64_t free_bytes;
};

// ZC_INFO_KERNEL_COUNTERS through the root resource.
zx_status_t kernel_counters(zc_info_kernel_counters_t *out);
// The kernel's counters now (ZX_OK, or why they could not be read).
zx_status_t leakcheck_read(struct leakcheck *lc);
zx_status_t leakcheck_begin(struct leakcheck *lc);
// ZX_OK when the live objects are back to what leakcheck_begin saw and free memory is within
// LEAKCHECK_FREE_SLACK of it; ZX_ERR_BAD_STATE (after printing both) otherwise.
zx_status_t leakcheck_end(const struct leakcheck *lc);

#endif
