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
// kmalloc's size classes up to KMALLOC_SMALL_MAX: powers of two from 16, picked by the
// highest bit.
#define KMALLOC_SMALL_MAX 4096
extern struct slab_cache kmalloc_classes[];
static inline __attribute__((always_inline)) unsigned kmalloc_class(size_t size) {
    return size <= 16 ? 0 : 60u - (unsigned)__builtin_clzl(size - 1);
}
#if !defined(ZC_HOST_TEST) && !defined(ZC_HOSTED)
// In the kernel image, a size the compiler knows (most are: sizeof of an object) picks its
// class at compile time: the allocation is one slab_alloc call, whatever LTO decides about
// inlining kmalloc. (The host tests and the hosted backend keep every call to kmalloc: their
// allocation checks record the exact size.)
#define kmalloc(size)                                                                          \
    (__builtin_constant_p(size) && (size) <= KMALLOC_SMALL_MAX ? slab_alloc(&kmalloc_classes[kmalloc_class(size)]) \
                                                              : (kmalloc)(size))
#endif
void *kzalloc(size_t size) __attribute__((malloc, warn_unused_result));
void kfree(void *p);

uint64_t heap_bytes_in_use(void);  // pages held by the heap, in bytes

#endif
