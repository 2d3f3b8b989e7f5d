// Kernel heap: slab caches of fixed-size objects, and kmalloc over size-class caches.
#ifndef ZC_KERNEL_HEAP_H
#define ZC_KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct slab;
struct slab_cache {
    const char *name;
    uint32_t obj_size;
    uint32_t per_slab;
    struct slab *partial;  // slabs with at least one free object
    uint64_t live;         // objects allocated
    uint64_t slabs;        // slabs held
};

void heap_init(void);
void slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size);
void *slab_alloc(struct slab_cache *c) __attribute__((malloc, warn_unused_result));
void slab_free(void *p);  // any slab object, whatever its cache

void *kmalloc(size_t size) __attribute__((malloc, warn_unused_result));
void *kzalloc(size_t size) __attribute__((malloc, warn_unused_result));
void kfree(void *p);

uint64_t heap_bytes_in_use(void);  // pages held by the heap, in bytes

#endif
