// Physical frame allocator: a buddy allocator over the boot memory ranges.
#ifndef ZC_KERNEL_PMM_H
#define ZC_KERNEL_PMM_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal.h"

#define PMM_MAX_ORDER 10  // up to 4 MiB blocks

void pmm_init(void);
// 2^order contiguous frames; not zeroed. False when out of memory.
bool pmm_alloc(unsigned order, paddr_t *pa) __attribute__((warn_unused_result));
void pmm_free(paddr_t pa, unsigned order);
static inline bool pmm_alloc_page(paddr_t *pa) { return pmm_alloc(0, pa); }
static inline void pmm_free_page(paddr_t pa) { pmm_free(pa, 0); }

uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);

#endif
