#include "objects/vmo.h"

#include <string.h>
#include <zircon/errors.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "kernel/user_copy.h"
#include "objects/vmar.h"

#define PAGE_MAP_EMPTY (~0ull)
#define PAGE HAL_PAGE_SIZE

paddr_t zero_page;
static struct slab_cache vmo_cache;

// ---- page map: open addressing, linear probing, backward-shift deletion ----

static inline uint32_t pm_hash(uint64_t k, uint32_t cap) {
    return (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

static bool pm_lookup(const struct page_map *pm, uint64_t k, paddr_t *pa) {
    if (!pm->cap) return false;
    for (uint32_t i = pm_hash(k, pm->cap);; i = (i + 1) & (pm->cap - 1)) {
        if (pm->keys[i] == k) {
            *pa = pm->frames[i];
            return true;
        }
        if (pm->keys[i] == PAGE_MAP_EMPTY) return false;
    }
}

static void pm_put_nogrow(struct page_map *pm, uint64_t k, paddr_t pa) {
    uint32_t i = pm_hash(k, pm->cap);
    while (pm->keys[i] != PAGE_MAP_EMPTY && pm->keys[i] != k) i = (i + 1) & (pm->cap - 1);
    if (pm->keys[i] == PAGE_MAP_EMPTY) pm->count++;
    pm->keys[i] = k;
    pm->frames[i] = pa;
}

static bool pm_put(struct page_map *pm, uint64_t k, paddr_t pa) {
    if ((pm->count + 1) * 4 > pm->cap * 3) {  // keep the load under 3/4
        uint32_t ncap = pm->cap ? pm->cap * 2 : 16;
        uint64_t *nk = kmalloc(ncap * sizeof(uint64_t));
        paddr_t *nf = kmalloc(ncap * sizeof(paddr_t));
        if (!nk || !nf) {
            kfree(nk);
            kfree(nf);
            return false;
        }
        memset(nk, 0xff, ncap * sizeof(uint64_t));
        struct page_map old = *pm;
        pm->keys = nk;
        pm->frames = nf;
        pm->cap = ncap;
        pm->count = 0;
        for (uint32_t i = 0; i < old.cap; i++)
            if (old.keys[i] != PAGE_MAP_EMPTY) pm_put_nogrow(pm, old.keys[i], old.frames[i]);
        kfree(old.keys);
        kfree(old.frames);
    }
    pm_put_nogrow(pm, k, pa);
    return true;
}

static void pm_remove_at(struct page_map *pm, uint32_t i) {
    pm->keys[i] = PAGE_MAP_EMPTY;
    pm->count--;
    for (uint32_t j = (i + 1) & (pm->cap - 1); pm->keys[j] != PAGE_MAP_EMPTY;
         j = (j + 1) & (pm->cap - 1)) {
        uint64_t k = pm->keys[j];
        paddr_t pa = pm->frames[j];
        pm->keys[j] = PAGE_MAP_EMPTY;
        pm->count--;
        pm_put_nogrow(pm, k, pa);
    }
}

// Frees every page with index >= first; returns how many.
static void pm_free_from(struct page_map *pm, uint64_t first) {
    if (!pm->cap) return;
    uint32_t i = 0;
    while (i < pm->cap) {
        if (pm->keys[i] != PAGE_MAP_EMPTY && pm->keys[i] >= first) {
            pmm_free_page(pm->frames[i]);
            pm_remove_at(pm, i);  // may shift a later entry into i: look at i again
            continue;
        }
        i++;
    }
}

static void pm_destroy(struct page_map *pm) {
    pm_free_from(pm, 0);
    kfree(pm->keys);
    kfree(pm->frames);
    pm->keys = NULL;
    pm->frames = NULL;
    pm->cap = pm->count = 0;
}

// ---- VMO ----

static void vmo_destroy(struct kobj *o) {
    struct vmo *v = to_vmo(o);
    DEBUG_ASSERT(list_empty(&v->mappings));
    pm_destroy(&v->pages);
    slab_free(v);
}

static const struct kobj_ops vmo_ops = {.destroy = vmo_destroy};

void vmo_global_init(void) {
    slab_cache_init(&vmo_cache, "vmo", sizeof(struct vmo));
    if (!kernel_alloc_frame(&zero_page)) panic("no memory for the zero page");
}

zx_status_t vmo_create(uint64_t size, uint32_t flags, struct vmo **out) {
    struct vmo *v = slab_alloc(&vmo_cache);
    if (!v) return ZX_ERR_NO_MEMORY;
    kobj_init(&v->obj, ZX_OBJ_TYPE_VMO, &vmo_ops);
    v->size = size;
    v->flags = flags;
    v->pages = (struct page_map){0};
    list_init(&v->mappings);
    v->cache_policy = 0;
    v->obj.signals = 0;
    *out = v;
    return ZX_OK;
}

bool vmo_lookup_page(struct vmo *v, uint64_t idx, paddr_t *pa) { return pm_lookup(&v->pages, idx, pa); }

zx_status_t vmo_commit_page(struct vmo *v, uint64_t idx, paddr_t *pa) {
    if (pm_lookup(&v->pages, idx, pa)) return ZX_OK;
    paddr_t f;
    if (!kernel_alloc_frame(&f)) return ZX_ERR_NO_MEMORY;
    if (!pm_put(&v->pages, idx, f)) {
        pmm_free_page(f);
        return ZX_ERR_NO_MEMORY;
    }
    *pa = f;
    return ZX_OK;
}

// Walks [offset, offset+len) page by page; fn gets the kernel address of the bytes.
typedef zx_status_t (*chunk_fn)(void *ctx, void *kva, size_t done, size_t n);

static zx_status_t vmo_walk(struct vmo *v, uint64_t offset, size_t len, bool commit, chunk_fn fn,
                            void *ctx) {
    if (offset > v->size || len > v->size - offset) return ZX_ERR_OUT_OF_RANGE;
    size_t done = 0;
    while (done < len) {
        uint64_t off = offset + done;
        uint64_t idx = off / PAGE;
        size_t in_page = off % PAGE;
        size_t n = PAGE - in_page;
        if (n > len - done) n = len - done;
        paddr_t pa;
        if (commit) {
            zx_status_t st = vmo_commit_page(v, idx, &pa);
            if (st != ZX_OK) return st;
        } else if (!pm_lookup(&v->pages, idx, &pa)) {
            pa = zero_page;
        }
        zx_status_t st = fn(ctx, (char *)paddr_to_kva(pa) + in_page, done, n);
        if (st != ZX_OK) return st;
        done += n;
    }
    return ZX_OK;
}

static zx_status_t to_user_chunk(void *ctx, void *kva, size_t done, size_t n) {
    return copy_to_user(user_out_off(*(user_out_ptr *)ctx, done), kva, n);
}
static zx_status_t from_user_chunk(void *ctx, void *kva, size_t done, size_t n) {
    return copy_from_user(kva, user_in_off(*(user_in_ptr *)ctx, done), n);
}
static zx_status_t to_kernel_chunk(void *ctx, void *kva, size_t done, size_t n) {
    memcpy((char *)ctx + done, kva, n);
    return ZX_OK;
}
static zx_status_t from_kernel_chunk(void *ctx, void *kva, size_t done, size_t n) {
    memcpy(kva, (const char *)ctx + done, n);
    return ZX_OK;
}

zx_status_t vmo_read_user(struct vmo *v, user_out_ptr dst, uint64_t offset, size_t len) {
    return vmo_walk(v, offset, len, false, to_user_chunk, &dst);
}
zx_status_t vmo_write_user(struct vmo *v, user_in_ptr src, uint64_t offset, size_t len) {
    return vmo_walk(v, offset, len, true, from_user_chunk, &src);
}
zx_status_t vmo_read_kernel(struct vmo *v, uint64_t offset, void *dst, size_t len) {
    return vmo_walk(v, offset, len, false, to_kernel_chunk, dst);
}
zx_status_t vmo_write_kernel(struct vmo *v, uint64_t offset, const void *src, size_t len) {
    return vmo_walk(v, offset, len, true, from_kernel_chunk, (void *)src);
}

void vmo_for_each_page(struct vmo *v, uint64_t first, uint64_t last,
                       void (*fn)(void *ctx, uint64_t idx, paddr_t pa), void *ctx) {
    const struct page_map *pm = &v->pages;
    if (!pm->count || last < first) return;
    if (last - first + 1 <= pm->count) {
        for (uint64_t i = first; i <= last; i++) {
            paddr_t pa;
            if (pm_lookup(pm, i, &pa)) fn(ctx, i, pa);
        }
        return;
    }
    for (uint32_t i = 0; i < pm->cap; i++) {
        uint64_t k = pm->keys[i];
        if (k != PAGE_MAP_EMPTY && k >= first && k <= last) fn(ctx, k, pm->frames[i]);
    }
}

zx_status_t vmo_set_size(struct vmo *v, uint64_t size) {
    if (size < v->size) {
        vm_mappings_unmap_vmo_range(v, size, v->size - size);
        pm_free_from(&v->pages, size / PAGE);
    }
    v->size = size;
    return ZX_OK;
}

uint64_t vmo_committed_bytes(const struct vmo *v) { return (uint64_t)v->pages.count * PAGE; }
