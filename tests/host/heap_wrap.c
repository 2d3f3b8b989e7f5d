// Wrappers (ld --wrap) around the kernel allocator's entry points, as called from outside the
// allocator: they count live heap allocations for the leak check, check every free against
// what was allocated, inject allocation failures on request, and under AddressSanitizer
// poison freed heap objects so that a use after free inside the kernel is reported.
// Calls inside heap.c and pmm.c (kzalloc -> kmalloc, kmalloc -> slab_alloc, ...) are not
// wrapped: each allocation is counted once, at the outermost call.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "tests/host/ktest.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

void *__real_kmalloc(size_t size);
void __real_kfree(void *p);
void *__real_slab_alloc(struct slab_cache *c);
void __real_slab_free(void *p);
bool __real_pmm_alloc(unsigned order, paddr_t *pa);
void __real_pmm_free(paddr_t pa, unsigned order);
bool __real_kernel_alloc_frame(paddr_t *pa);
void __real_kernel_free_frame(paddr_t pa);

uint64_t kt_heap_live, kt_alloc_events, kt_injected_failures;
static int64_t fail_at = -1;

void kt_fail_alloc_at(int64_t n) { fail_at = n; }

static bool inject(void) {
    kt_alloc_events++;
    if (fail_at < 0) return false;
    if (fail_at-- == 0) {
        kt_injected_failures++;
        return true;
    }
    return false;
}

// ---- live allocations: address -> size (open addressing, host memory) ----

struct live {
    uintptr_t p;  // 0 empty, 1 deleted
    size_t size;
};
static struct live *tab;
static size_t cap, used;  // used counts deleted slots too

static size_t h(uintptr_t p) { return (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull >> 16) & (cap - 1); }

static void put(uintptr_t p, size_t size) {
    if ((used + 1) * 2 > cap) {
        struct live *old = tab;
        size_t ocap = cap;
        cap = cap ? cap * 2 : 1024;
        while (kt_heap_live * 4 > cap) cap *= 2;
        tab = calloc(cap, sizeof(*tab));
        if (!tab) abort();
        used = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].p > 1) put(old[i].p, old[i].size);
        free(old);
    }
    size_t i = h(p);
    while (tab[i].p > 1) i = (i + 1) & (cap - 1);
    if (tab[i].p == 0) used++;
    tab[i] = (struct live){p, size};
}

static bool take(uintptr_t p, size_t *size) {
    if (!cap) return false;
    for (size_t i = h(p);; i = (i + 1) & (cap - 1)) {
        if (tab[i].p == p) {
            *size = tab[i].size;
            tab[i].p = 1;
            return true;
        }
        if (tab[i].p == 0) return false;
    }
}

static void *track(void *p, size_t size) {
    if (!p) return NULL;
    if (size > TH_PHYS_SIZE) size = 16;  // nonsense sizes (a test of kmalloc's overflow checks)
    UNPOISON(p, size);
    put((uintptr_t)p, size);
    kt_heap_live++;
    return p;
}

// Checks that p is live; false (and the test failed) when not: the caller then does not
// hand it to the allocator, which would corrupt its free lists.
static bool untrack(void *p, const char *what, void *caller) {
    size_t size;
    if (!take((uintptr_t)p, &size)) {
        kt_fail(__FILE__, __LINE__, "%s(%p) called from %p: not a live heap allocation (double free?)",
                what, p, caller);
        return false;
    }
    kt_heap_live--;
    // The allocator keeps its free-list link in the first 8 bytes of a free object.
    if (size > 8) POISON((char *)p + 8, size - 8);
    return true;
}

void *__wrap_kmalloc(size_t size) {
    if (inject()) return NULL;
    return track(__real_kmalloc(size), size);
}

void *__wrap_kzalloc(size_t size) {
    if (inject()) return NULL;
    void *p = track(__real_kmalloc(size), size);
    if (p) memset(p, 0, size);
    return p;
}

void *__wrap_slab_alloc(struct slab_cache *c) {
    if (inject()) return NULL;
    return track(__real_slab_alloc(c), c->obj_size);
}

void __wrap_kfree(void *p) {
    if (p && untrack(p, "kfree", __builtin_return_address(0))) __real_kfree(p);
}

void __wrap_slab_free(void *p) {
    if (untrack(p, "slab_free", __builtin_return_address(0))) __real_slab_free(p);
}

bool __wrap_pmm_alloc(unsigned order, paddr_t *pa) {
    if (inject()) return false;
    return __real_pmm_alloc(order, pa);
}

// Memory going back to the page allocator starts clean for its next owner.
void __wrap_pmm_free(paddr_t pa, unsigned order) {
    UNPOISON(paddr_to_kva(pa), HAL_PAGE_SIZE << order);
    __real_pmm_free(pa, order);
}

bool __wrap_kernel_alloc_frame(paddr_t *pa) {
    if (inject()) return false;
    return __real_kernel_alloc_frame(pa);
}

void __wrap_kernel_free_frame(paddr_t pa) {
    UNPOISON(paddr_to_kva(pa), HAL_PAGE_SIZE);
    __real_kernel_free_frame(pa);
}
