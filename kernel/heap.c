// Slabs are 16 KiB blocks from the buddy allocator (naturally aligned), with their header at
// the start, so an object's slab is found by masking its address. Allocations larger than
// the biggest size class take whole blocks with a small header of their own.
#include "kernel/heap.h"

#include <string.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "kernel/pmm.h"

#define SLAB_ORDER 2
#define SLAB_BYTES (HAL_PAGE_SIZE << SLAB_ORDER)
#define SLAB_MAGIC 0x51ab51abu
#define BIG_MAGIC  0xb16b16b1u
#define HDR_BYTES  64

struct slab {
    uint32_t magic;
    uint32_t in_use;
    struct slab_cache *cache;
    struct slab *next, *prev;  // in cache->partial
    void *free_list;
};
_Static_assert(sizeof(struct slab) <= HDR_BYTES, "slab header");

struct big_hdr {
    uint32_t magic;
    uint32_t order;
};

static const uint32_t class_sizes[] = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8160};
struct slab_cache kmalloc_classes[countof(class_sizes)];  // heap.h: kmalloc_class
static uint64_t heap_pages;

void slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size) {
    obj_size = (obj_size + 15) & ~15ul;
    ASSERT(obj_size <= SLAB_BYTES - HDR_BYTES);
    c->name = name;
    c->obj_size = (uint32_t)obj_size;
    c->per_slab = (uint32_t)((SLAB_BYTES - HDR_BYTES) / obj_size);
    c->partial = NULL;
    c->live = 0;
    c->slabs = 0;
}

static void partial_remove(struct slab_cache *c, struct slab *s) {
    if (s->prev) s->prev->next = s->next;
    else c->partial = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void partial_push(struct slab_cache *c, struct slab *s) {
    s->prev = NULL;
    s->next = c->partial;
    if (c->partial) c->partial->prev = s;
    c->partial = s;
}

static struct slab *slab_new(struct slab_cache *c) {
    paddr_t pa;
    if (!pmm_alloc(SLAB_ORDER, &pa)) return NULL;
    heap_pages += 1u << SLAB_ORDER;
    struct slab *s = paddr_to_kva(pa);
    s->magic = SLAB_MAGIC;
    s->in_use = 0;
    s->cache = c;
    s->next = s->prev = NULL;
    s->free_list = NULL;
    char *base = (char *)s + HDR_BYTES;
    for (int i = (int)c->per_slab - 1; i >= 0; i--) {
        void **obj = (void **)(base + (size_t)i * c->obj_size);
        *obj = s->free_list;
        s->free_list = obj;
    }
    c->slabs++;
    partial_push(c, s);
    return s;
}

void *slab_alloc(struct slab_cache *c) {
    struct slab *s = c->partial;
    if (!s && !(s = slab_new(c))) return NULL;
    void **obj = s->free_list;
    s->free_list = *obj;
    s->in_use++;
    c->live++;
    if (!s->free_list) partial_remove(c, s);
    return obj;
}

// A slab whose last object went back: its pages return to the allocator. Out of line, so that
// LTO inlining the page allocator here does not make every slab_free save registers.
static __attribute__((noinline, cold)) void slab_release(struct slab_cache *c, struct slab *s, bool was_full) {
    if (!was_full) partial_remove(c, s);
    s->magic = 0;
    c->slabs--;
    heap_pages -= 1u << SLAB_ORDER;
    pmm_free(kva_to_paddr(s), SLAB_ORDER);
}

void slab_free(void *p) {
    struct slab *s = (struct slab *)((uintptr_t)p & ~(SLAB_BYTES - 1));
    ASSERT(s->magic == SLAB_MAGIC);
    struct slab_cache *c = s->cache;
    bool was_full = s->free_list == NULL;
    *(void **)p = s->free_list;
    s->free_list = p;
    s->in_use--;
    c->live--;
    if (s->in_use == 0 && c->slabs > 1) {  // keep one slab per cache warm
        slab_release(c, s, was_full);
        return;
    }
    if (was_full) partial_push(c, s);
}

void heap_init(void) {
    for (size_t i = 0; i < countof(class_sizes); i++)
        slab_cache_init(&kmalloc_classes[i], "kmalloc", class_sizes[i]);
}

void *(kmalloc)(size_t size) {
    // Classes are powers of two from 16 to 4096 (kmalloc_class), then 8160.
    if (likely(size <= KMALLOC_SMALL_MAX)) return slab_alloc(&kmalloc_classes[kmalloc_class(size)]);
    if (size <= class_sizes[countof(class_sizes) - 1]) return slab_alloc(&kmalloc_classes[countof(class_sizes) - 1]);
    if (size > (HAL_PAGE_SIZE << PMM_MAX_ORDER) - HDR_BYTES) return NULL;
    unsigned order = SLAB_ORDER;
    while ((HAL_PAGE_SIZE << order) < size + HDR_BYTES) {
        if (++order > PMM_MAX_ORDER) return NULL;
    }
    paddr_t pa;
    if (!pmm_alloc(order, &pa)) return NULL;
    heap_pages += 1u << order;
    struct big_hdr *h = paddr_to_kva(pa);
    h->magic = BIG_MAGIC;
    h->order = order;
    return (char *)h + HDR_BYTES;
}

void *kzalloc(size_t size) {
    void *p = kmalloc(size);
    if (p) memset(p, 0, size);
    return p;
}

void kfree(void *p) {
    if (!p) return;
    uint32_t magic = *(uint32_t *)((uintptr_t)p & ~(SLAB_BYTES - 1));
    if (magic == SLAB_MAGIC) {
        slab_free(p);
        return;
    }
    struct big_hdr *h = (struct big_hdr *)((char *)p - HDR_BYTES);
    ASSERT(h->magic == BIG_MAGIC);
    h->magic = 0;
    heap_pages -= 1u << h->order;
    pmm_free(kva_to_paddr(h), h->order);
}

uint64_t heap_bytes_in_use(void) { return heap_pages * HAL_PAGE_SIZE; }
