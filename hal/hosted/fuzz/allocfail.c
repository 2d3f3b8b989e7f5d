// Allocation-failure injection and live counts for zc-hosted (docs/hosted.md, "Allocation-failure
// sweep"). A test instrument, not part of the HAL: it is linked with ld --wrap around the
// kernel allocator's entry points as seen from outside the allocator (as tests/host/heap_wrap.c
// does for the host unit tests), so it names kernel/ symbols.
//
//   ZC_FAIL_ALLOC=N    the Nth kernel allocation (0-based) counted from the first entry into
//                      user code fails: kmalloc/kzalloc/slab_alloc return NULL, pmm_alloc and
//                      kernel_alloc_frame false. Boot's own allocations are never failed.
//   ZC_ALLOC_STATS=1   at shutdown, one line on stderr:
//     zc-hosted: alloc-stats status=S events=E injected=I heap-live=H frames-live=F
//                      E = allocations counted since the first user entry, H = heap objects
//                      allocated and not freed, F = frames in use less the heap's own pages.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hal/hal.h"
#include "kernel/heap.h"
#include "kernel/pmm.h"

void *__real_kmalloc(size_t size);
void *__real_kzalloc(size_t size);
void __real_kfree(void *p);
void *__real_slab_alloc(struct slab_cache *c);
void __real_slab_free(void *p);
bool __real_pmm_alloc(unsigned order, paddr_t *pa);
bool __real_kernel_alloc_frame(paddr_t *pa);
void __real_hal_context_run(struct hal_uctx *ctx, struct hal_trap *trap);
__attribute__((noreturn)) void __real_hal_shutdown(int exit_code);

static bool armed;
static int64_t fail_at = -1;
static uint64_t events, injected, heap_live;

static bool inject(void) {
    if (!armed) return false;
    if (events++ == (uint64_t)fail_at) {
        injected++;
        return true;
    }
    return false;
}

void *__wrap_kmalloc(size_t size) {
    if (inject()) return NULL;
    void *p = __real_kmalloc(size);
    heap_live += p != NULL;
    return p;
}
void *__wrap_kzalloc(size_t size) {
    if (inject()) return NULL;
    void *p = __real_kzalloc(size);
    heap_live += p != NULL;
    return p;
}
void *__wrap_slab_alloc(struct slab_cache *c) {
    if (inject()) return NULL;
    void *p = __real_slab_alloc(c);
    heap_live += p != NULL;
    return p;
}
void __wrap_kfree(void *p) {
    heap_live -= p != NULL;
    __real_kfree(p);
}
void __wrap_slab_free(void *p) {
    heap_live -= p != NULL;
    __real_slab_free(p);
}
bool __wrap_pmm_alloc(unsigned order, paddr_t *pa) {
    return !inject() && __real_pmm_alloc(order, pa);
}
bool __wrap_kernel_alloc_frame(paddr_t *pa) {
    return !inject() && __real_kernel_alloc_frame(pa);
}

// The first entry into user code arms the injection: boot is over.
void __wrap_hal_context_run(struct hal_uctx *ctx, struct hal_trap *trap) {
    if (!armed) {
        const char *s = getenv("ZC_FAIL_ALLOC");
        fail_at = s && *s ? strtoll(s, NULL, 0) : -1;
        armed = true;
    }
    __real_hal_context_run(ctx, trap);
}

void __wrap_hal_shutdown(int exit_code) {
    const char *s = getenv("ZC_ALLOC_STATS");
    if (s && *s == '1') {
        uint64_t used = pmm_total_pages() - pmm_free_pages();
        uint64_t heap = heap_bytes_in_use() / HAL_PAGE_SIZE;
        fprintf(stderr,
                "zc-hosted: alloc-stats status=%d events=%llu injected=%llu heap-live=%llu "
                "frames-live=%llu\n",
                exit_code, (unsigned long long)events, (unsigned long long)injected,
                (unsigned long long)heap_live, (unsigned long long)(used - heap));
    }
    __real_hal_shutdown(exit_code);
}
