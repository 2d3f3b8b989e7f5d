// zc user libc: the heap. Correctness over speed:
// - small blocks (header included, up to 4 KiB) come in power-of-two classes carved from
//   1 MiB arenas (a VMO mapped read/write, committed lazily) and are recycled per class;
// - larger blocks get a VMO mapping of their own, unmapped by free().
#include <stdlib.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "lock.h"
#include "zcrt.h"

#define HDR_SIZE 16u
#define MIN_SHIFT 5u   // 32-byte blocks
#define MAX_SHIFT 12u  // 4 KiB blocks
#define NUM_CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define ARENA_SIZE (1u << 20)
#define PAGE_SIZE 4096u

#define MAGIC_SMALL 0x5a434d534d414c4cull  // live small block
#define MAGIC_LARGE 0x5a434d4c41524745ull  // live large block
#define MAGIC_FREE  0x5a434d4652454521ull  // small block on a free list

struct hdr {
    uint64_t size;   // block size (small) or mapping length (large), header included
    uint64_t magic;
};
_Static_assert(sizeof(struct hdr) == HDR_SIZE, "header keeps 16-byte alignment");

struct free_block {
    struct hdr hdr;
    struct free_block *next;
};

static zc_spinlock_t heap_lock = ZC_SPINLOCK_INIT;
static struct free_block *free_lists[NUM_CLASSES];  // guarded by heap_lock
static uintptr_t arena_next, arena_end;             // guarded by heap_lock

// Maps `len` bytes (a multiple of the page size) of fresh zeroed memory; 0 on failure.
static uintptr_t map_pages(size_t len) {
    zx_handle_t vmo;
    if (zx_vmo_create(len, 0, &vmo) != ZX_OK)
        return 0;
    zx_vaddr_t addr = 0;
    zx_status_t st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo,
                                 0, len, &addr);
    zx_handle_close(vmo);  // the mapping keeps the VMO alive
    return st == ZX_OK ? addr : 0;
}

static _Noreturn void heap_corrupt(const char *what, void *p) {
    printf("malloc: %s (%p)\n", what, p);
    abort();
}

static unsigned class_of(size_t total) {
    unsigned shift = MIN_SHIFT;
    while (((size_t)1 << shift) < total)
        shift++;
    return shift - MIN_SHIFT;
}

static void *alloc_small_locked(unsigned cls) {
    size_t bsize = (size_t)1 << (cls + MIN_SHIFT);
    struct free_block *fb = free_lists[cls];
    if (fb) {
        if (fb->hdr.magic != MAGIC_FREE)
            heap_corrupt("free list corrupted", fb);
        free_lists[cls] = fb->next;
        fb->hdr.magic = MAGIC_SMALL;
        return (char *)fb + HDR_SIZE;
    }
    if (arena_end - arena_next < bsize) {
        uintptr_t a = map_pages(ARENA_SIZE);
        if (!a)
            return NULL;
        // The rest of the old arena is abandoned (at most 4 KiB - 32 bytes).
        arena_next = a;
        arena_end = a + ARENA_SIZE;
    }
    struct hdr *h = (struct hdr *)arena_next;
    arena_next += bsize;
    h->size = bsize;
    h->magic = MAGIC_SMALL;
    return (char *)h + HDR_SIZE;
}

void *malloc(size_t n) {
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t total = n + HDR_SIZE;
    if (total <= ((size_t)1 << MAX_SHIFT)) {
        zc_spin_lock(&heap_lock);
        void *p = alloc_small_locked(class_of(total));
        zc_spin_unlock(&heap_lock);
        return p;
    }
    size_t len = (total + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    uintptr_t a = map_pages(len);
    if (!a)
        return NULL;
    struct hdr *h = (struct hdr *)a;
    h->size = len;
    h->magic = MAGIC_LARGE;
    return (char *)h + HDR_SIZE;
}

static struct hdr *header_of(void *p) {
    struct hdr *h = (struct hdr *)((char *)p - HDR_SIZE);
    if (h->magic == MAGIC_FREE)
        heap_corrupt("double free", p);
    if (h->magic != MAGIC_SMALL && h->magic != MAGIC_LARGE)
        heap_corrupt("free of a pointer malloc did not return", p);
    return h;
}

void free(void *p) {
    if (!p)
        return;
    struct hdr *h = header_of(p);
    if (h->magic == MAGIC_LARGE) {
        size_t len = h->size;
        h->magic = 0;
        if (zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)h, len) != ZX_OK)
            heap_corrupt("unmap of a large block failed", p);
        return;
    }
    unsigned cls = class_of(h->size);
    struct free_block *fb = (struct free_block *)h;
    zc_spin_lock(&heap_lock);
    fb->hdr.magic = MAGIC_FREE;
    fb->next = free_lists[cls];
    free_lists[cls] = fb;
    zc_spin_unlock(&heap_lock);
}

void *calloc(size_t n, size_t size) {
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t total = n * size;
    void *p = malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}

void *realloc(void *p, size_t n) {
    if (!p)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    struct hdr *h = header_of(p);
    size_t usable = h->size - HDR_SIZE;
    if (n <= usable)
        return p;
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, usable);
    free(p);
    return q;
}
