#include "objects/vmo.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "kernel/user_copy.h"
#include "objects/pager.h"
#include "objects/vmar.h"

#define PAGE_MAP_EMPTY (~0ull)
#define PAGE HAL_PAGE_SIZE

paddr_t zero_page;
uint64_t vmo_committed_pages;
static struct slab_cache vmo_cache;

// ---- page map: open addressing, linear probing, backward-shift deletion ----
// A frame address is page aligned: the low bits of an entry hold the page's dirty state in a
// pager-backed VMO (PG_*, always 0 elsewhere). Whoever reads a frame out masks them off.
#define PG_STATE_MASK     3ull
#define PG_DIRTY          1ull  // written since the pager last cleaned it
#define PG_AWAITING_CLEAN 2ull  // dirty, being written back (WRITEBACK_BEGIN; END cleans it)
#define PG_FRAME(e)       ((e) & ~PG_STATE_MASK)

static inline uint32_t pm_hash(uint64_t k, uint32_t cap) {
    return (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

// The entry (frame and state) of page k, or NULL.
__attribute__((always_inline)) static inline paddr_t *pm_slot(const struct page_map *pm, uint64_t k) {
    if (!pm->cap) return NULL;
    for (uint32_t i = pm_hash(k, pm->cap);; i = (i + 1) & (pm->cap - 1)) {
        if (pm->keys[i] == k) return &pm->frames[i];
        if (pm->keys[i] == PAGE_MAP_EMPTY) return NULL;
    }
}

__attribute__((always_inline)) static inline bool pm_lookup(const struct page_map *pm, uint64_t k, paddr_t *pa) {
    paddr_t *e = pm_slot(pm, k);
    if (e) *pa = PG_FRAME(*e);
    return e != NULL;
}

static void pm_put_nogrow(struct page_map *pm, uint64_t k, paddr_t pa) {
    uint32_t i = pm_hash(k, pm->cap);
    while (pm->keys[i] != PAGE_MAP_EMPTY && pm->keys[i] != k) i = (i + 1) & (pm->cap - 1);
    if (pm->keys[i] == PAGE_MAP_EMPTY) {
        pm->count++;
        vmo_committed_pages++;
    }
    pm->keys[i] = k;
    pm->frames[i] = pa;
}

// Grows the table so that `n` entries fit under the 3/4 load limit.
static bool pm_reserve(struct page_map *pm, uint64_t n) {
    if (n * 4 <= (uint64_t)pm->cap * 3) return true;
    uint64_t ncap = pm->cap ? pm->cap : 16;
    while (ncap * 3 < n * 4) ncap *= 2;
    if (ncap > (1ull << 31)) return false;
    uint64_t *nk = kmalloc(ncap * sizeof(uint64_t));
    paddr_t *nf = kmalloc(ncap * sizeof(paddr_t));
    if (!nk || !nf) {
        kfree(nk);
        kfree(nf);
        return false;
    }
    memset(nk, 0xff, ncap * sizeof(uint64_t));
    struct page_map old = *pm;
    vmo_committed_pages -= old.count;  // re-added by the rehash below
    pm->keys = nk;
    pm->frames = nf;
    pm->cap = (uint32_t)ncap;
    pm->count = 0;
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.keys[i] != PAGE_MAP_EMPTY) pm_put_nogrow(pm, old.keys[i], old.frames[i]);
    kfree(old.keys);
    kfree(old.frames);
    return true;
}

static bool pm_put(struct page_map *pm, uint64_t k, paddr_t pa) {
    if (!pm_reserve(pm, (uint64_t)pm->count + 1)) return false;
    pm_put_nogrow(pm, k, pa);
    return true;
}

static void pm_remove_at(struct page_map *pm, uint32_t i) {
    pm->keys[i] = PAGE_MAP_EMPTY;
    pm->count--;
    vmo_committed_pages--;
    for (uint32_t j = (i + 1) & (pm->cap - 1); pm->keys[j] != PAGE_MAP_EMPTY;
         j = (j + 1) & (pm->cap - 1)) {
        uint64_t k = pm->keys[j];
        paddr_t pa = pm->frames[j];
        pm->keys[j] = PAGE_MAP_EMPTY;
        pm->count--;
        vmo_committed_pages--;
        pm_put_nogrow(pm, k, pa);
    }
}

// Frees every page with index >= first; returns how many.
static void pm_free_from(struct page_map *pm, uint64_t first) {
    if (!pm->cap) return;
    uint32_t i = 0;
    while (i < pm->cap) {
        if (pm->keys[i] != PAGE_MAP_EMPTY && pm->keys[i] >= first) {
            pmm_free_page(PG_FRAME(pm->frames[i]));
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

static void hidden_child_gone(struct vmo *h, struct vmo *child);

static void vmo_destroy(struct kobj *o) {
    struct vmo *v = to_vmo(o);
    DEBUG_ASSERT(list_empty(&v->mappings));
    if (v->pager_src) pager_src_destroy(v->pager_src);
    pm_destroy(&v->pages);
    list_for_each_safe(&v->user_children, it, tmp) {
        struct vmo *c = container_of(it, struct vmo, user_link);
        list_delete(&c->user_link);
        c->user_parent = NULL;
    }
    if (v->user_parent) {
        struct vmo *up = v->user_parent;
        list_delete(&v->user_link);
        if (--up->user_child_count == 0) kobj_signal(&up->obj, 0, ZX_VMO_ZERO_CHILDREN);
    }
    if (v->slice_of) kobj_unref(&v->slice_of->obj);
    struct vmo *parent = v->parent;
    slab_free(v);
    if (parent) hidden_child_gone(parent, v);
}

// ---- zx_object_get_info, properties ----

void vmo_info(struct vmo *v, zx_rights_t rights, zx_info_vmo_t *info) {
    memset(info, 0, sizeof(*info));
    info->koid = v->obj.koid;
    memcpy(info->name, v->obj.name, sizeof(info->name));
    info->size_bytes = v->size;
    info->parent_koid = v->user_parent ? v->user_parent->obj.koid : 0;
    info->num_children = v->user_child_count;
    size_t maps = 0, spaces = 0;
    list_for_each(&v->mappings, it) {
        maps++;
        struct vm_mapping *m = container_of(it, struct vm_mapping, vmo_link);
        bool seen = false;
        list_for_each(&v->mappings, it2) {
            if (it2 == it) break;
            if (container_of(it2, struct vm_mapping, vmo_link)->r.parent->as == m->r.parent->as) seen = true;
        }
        if (!seen) spaces++;
    }
    info->num_mappings = maps;
    info->share_count = spaces;
    info->flags = (vmo_is_physical(v) ? ZX_INFO_VMO_TYPE_PHYSICAL : ZX_INFO_VMO_TYPE_PAGED) | ZX_INFO_VMO_VIA_HANDLE;
    if (v->flags & VMO_F_RESIZABLE) info->flags |= ZX_INFO_VMO_RESIZABLE;
    if (v->flags & VMO_F_IMMUTABLE) info->flags |= ZX_INFO_VMO_IMMUTABLE;
    if (v->user_parent && !v->slice_of) info->flags |= ZX_INFO_VMO_IS_COW_CLONE;
    if (vmo_pager_backed(v)) info->flags |= ZX_INFO_VMO_PAGER_BACKED;
    info->committed_bytes = vmo_committed_bytes(v);
    info->populated_bytes = info->committed_bytes;
    info->handle_rights = rights;
    info->cache_policy = v->cache_policy;
}

static zx_status_t vmo_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w) {
    if (topic != ZX_INFO_VMO) return ZX_ERR_NOT_SUPPORTED;
    zx_info_vmo_t info;
    vmo_info(to_vmo(o), rights, &info);
    info_put(w, &info);
    return ZX_OK;
}

static zx_status_t vmo_get_property(struct kobj *o, uint32_t property, void *value) {
    if (property != ZX_PROP_VMO_CONTENT_SIZE) return ZX_ERR_NOT_SUPPORTED;
    *(uint64_t *)value = to_vmo(o)->content_size;
    return ZX_OK;
}

static zx_status_t vmo_set_property(struct kobj *o, uint32_t property, const void *value) {
    if (property != ZX_PROP_VMO_CONTENT_SIZE) return ZX_ERR_NOT_SUPPORTED;
    uint64_t v = *(const uint64_t *)value;
    if (v > to_vmo(o)->size) return ZX_ERR_OUT_OF_RANGE;
    to_vmo(o)->content_size = v;
    return ZX_OK;
}

static const struct kobj_ops vmo_ops = {.destroy = vmo_destroy,
                                        .get_info = vmo_get_info,
                                        .get_property = vmo_get_property,
                                        .set_property = vmo_set_property,
                                        .named = true};

void vmo_global_init(void) {
    slab_cache_init(&vmo_cache, "vmo", sizeof(struct vmo));
    if (!kernel_alloc_frame(&zero_page)) panic("no memory for the zero page");
}

zx_status_t vmo_create(uint64_t size, uint32_t flags, struct vmo **out) {
    struct vmo *v = slab_alloc(&vmo_cache);
    if (!v) return ZX_ERR_NO_MEMORY;
    kobj_init(&v->obj, ZX_OBJ_TYPE_VMO, &vmo_ops);
    v->size = size;
    v->content_size = size;
    v->flags = flags;
    v->pages = (struct page_map){0};
    list_init(&v->mappings);
    v->cache_policy = 0;
    v->obj.signals = ZX_VMO_ZERO_CHILDREN;
    v->parent = NULL;
    v->parent_offset = v->parent_limit = 0;
    v->kids[0] = v->kids[1] = NULL;
    v->slice_of = NULL;
    v->slice_offset = 0;
    v->user_parent = NULL;
    list_clear_node(&v->user_link);
    list_init(&v->user_children);
    v->user_child_count = 0;
    v->phys_base = 0;
    v->pager_src = NULL;
    *out = v;
    return ZX_OK;
}

zx_status_t vmo_create_physical(paddr_t base, uint64_t size, struct vmo **out) {
    zx_status_t st = vmo_create(size, VMO_F_PHYSICAL, out);
    if (st == ZX_OK) (*out)->phys_base = base;
    return st;
}

// ---- the COW chain ----

// The frame page idx of v shows, walking up hidden parents. False: it reads as zero.
static bool chain_lookup(const struct vmo *v, uint64_t idx, paddr_t *pa) {
    if (v->flags & VMO_F_PHYSICAL) {
        if (idx >= v->size / PAGE) return false;
        *pa = v->phys_base + idx * PAGE;
        return true;
    }
    for (;;) {
        if (pm_lookup(&v->pages, idx, pa)) return true;
        if (!v->parent || idx * PAGE >= v->parent_limit) return false;
        idx += v->parent_offset / PAGE;
        v = v->parent;
    }
}

// Where the lookup of page *idx of v ends when no VMO of the chain has it: the last VMO that
// could have held it (*idx becomes the page's index there).
static struct vmo *chain_end(struct vmo *v, uint64_t *idx) {
    while (v->parent && *idx * PAGE < v->parent_limit) {
        *idx += v->parent_offset / PAGE;
        v = v->parent;
    }
    return v;
}

// An access to page idx of v (not a slice) that no VMO of its chain has: ZX_OK when it reads
// as zero, else what the pager-backed VMO at the chain's end says (SHOULD_WAIT, BAD_STATE).
static zx_status_t absent_status(struct vmo *v, uint64_t idx) {
    if (likely(!(v->flags & VMO_F_PAGER_CHAIN))) return ZX_OK;
    struct pager_src *s = chain_end(v, &idx)->pager_src;
    if (!s || !pager_src_owes(s, idx)) return ZX_OK;
    return pager_src_attached(s) ? ZX_ERR_SHOULD_WAIT : ZX_ERR_BAD_STATE;
}

// Slices resolve to the VMO that owns the pages.
static struct vmo *slice_root(struct vmo *v, uint64_t *offset) {
    while (v->slice_of) {
        *offset += v->slice_offset;
        v = v->slice_of;
    }
    return v;
}

static void replace_kid(struct vmo *h, struct vmo *old, struct vmo *new) {
    for (int i = 0; i < 2; i++)
        if (h->kids[i] == old) h->kids[i] = new;
}

// Folds hidden node h into its only child c: c takes the pages of h it can still see and
// h's place in the chain. Costs the pages c owns when c sees all of h (the common case).
static bool fold_into_child(struct vmo *h, struct vmo *c) {
    uint64_t off = c->parent_offset / PAGE;
    bool covers = off == 0 && c->parent_limit >= h->size;
    if (covers && c->pages.count <= h->pages.count) {
        // c's own pages override h's: move them into h's map, then take the map over.
        if (!pm_reserve(&h->pages, (uint64_t)h->pages.count + c->pages.count)) return false;
        for (uint32_t i = 0; i < c->pages.cap; i++) {
            uint64_t k = c->pages.keys[i];
            if (k == PAGE_MAP_EMPTY) continue;
            paddr_t old;
            if (pm_lookup(&h->pages, k, &old)) pmm_free_page(old);  // overridden by c's copy
            pm_put_nogrow(&h->pages, k, c->pages.frames[i]);    // counts only new keys
        }
        // c's entries were counted in c; in h, new keys counted again, replaced ones replaced a
        // counted page: either way each of c's pages is now counted once too often.
        vmo_committed_pages -= c->pages.count;
        kfree(c->pages.keys);
        kfree(c->pages.frames);
        c->pages = h->pages;
        h->pages = (struct page_map){0};
    } else {
        // Move the pages of h that c sees and does not own; the rest die with h.
        if (!pm_reserve(&c->pages, (uint64_t)c->pages.count + h->pages.count)) return false;
        uint32_t i = 0;
        while (i < h->pages.cap) {
            uint64_t k = h->pages.keys[i];
            paddr_t mine;
            if (k == PAGE_MAP_EMPTY || k < off || (k - off) * PAGE >= c->parent_limit ||
                pm_lookup(&c->pages, k - off, &mine)) {
                i++;
                continue;
            }
            pm_put_nogrow(&c->pages, k - off, h->pages.frames[i]);
            pm_remove_at(&h->pages, i);  // may shift a later entry into slot i
        }
    }
    // c now hangs where h hung.
    uint64_t limit = c->parent_limit;
    if (h->parent_limit > c->parent_offset) {
        uint64_t up = h->parent_limit - c->parent_offset;
        if (up < limit) limit = up;
    } else {
        limit = 0;
    }
    c->parent = h->parent;
    c->parent_offset += h->parent_offset;
    c->parent_limit = h->parent ? limit : 0;
    if (h->parent) replace_kid(h->parent, h, c);
    h->parent = NULL;  // c inherited h's reference on its parent
    h->kids[0] = h->kids[1] = NULL;
    kobj_unref(&h->obj);  // c's reference on h
    return true;
}

static void hidden_child_gone(struct vmo *h, struct vmo *child) {
    replace_kid(h, child, NULL);
    struct vmo *survivor = h->kids[0] ? h->kids[0] : h->kids[1];
    if (survivor) {
        kobj_ref(&h->obj);  // keep h alive through the fold
        kobj_unref(&h->obj);  // the departed child's reference
        // Out of memory: h simply stays as the survivor's parent (a longer chain, still right).
        (void)fold_into_child(h, survivor);
        kobj_unref(&h->obj);
        return;
    }
    kobj_unref(&h->obj);
}

bool vmo_has_ancestors(struct vmo *v, uint64_t *offset) { return slice_root(v, offset)->parent != NULL; }

bool vmo_zero_mapped(struct vmo *v) {
    uint64_t off = 0;
    return slice_root(v, &off)->flags & VMO_F_ZERO_MAPPED;
}

bool vmo_is_physical(struct vmo *v) {
    uint64_t off = 0;
    return slice_root(v, &off)->flags & VMO_F_PHYSICAL;
}

bool vmo_lookup_page(struct vmo *v, uint64_t idx, paddr_t *pa) {
    uint64_t off = idx * PAGE;
    v = slice_root(v, &off);
    return chain_lookup(v, off / PAGE, pa);
}

// Makes page idx of v (not a slice) owned by v: a copy of what it shows, or a zeroed frame.
static zx_status_t own_page(struct vmo *v, uint64_t idx, paddr_t *pa) {
    if (v->flags & VMO_F_PHYSICAL) return chain_lookup(v, idx, pa) ? ZX_OK : ZX_ERR_OUT_OF_RANGE;
    if (pm_lookup(&v->pages, idx, pa)) return ZX_OK;
    paddr_t from;
    bool copy = v->parent && chain_lookup(v, idx, &from);
    if (!copy) {
        zx_status_t st = absent_status(v, idx);  // a pager's page is never made up
        if (st != ZX_OK) return st;
    }
    paddr_t f;
    if (copy) {
        if (!pmm_alloc_page(&f)) return ZX_ERR_NO_MEMORY;
        memcpy(paddr_to_kva(f), paddr_to_kva(from), PAGE);
    } else if (!kernel_alloc_frame(&f)) {
        return ZX_ERR_NO_MEMORY;
    }
    // A pager's VMO makes up only pages past what the pager supplies (zero_from): they are
    // dirty from the start (zx_pager_query_dirty_ranges).
    if (!pm_put(&v->pages, idx, f | (v->pager_src ? PG_DIRTY : 0))) {
        pmm_free_page(f);
        return ZX_ERR_NO_MEMORY;
    }
    // Mappings of v (and its slices) may still show the ancestor's frame, or the zero page a
    // read fault gave them: they fault again.
    if (copy || (v->flags & VMO_F_ZERO_MAPPED)) vm_mappings_unmap_vmo_range(v, idx * PAGE, PAGE);
    *pa = f;
    return ZX_OK;
}

zx_status_t vmo_commit_page(struct vmo *v, uint64_t idx, paddr_t *pa) {
    uint64_t off = idx * PAGE;
    v = slice_root(v, &off);
    return own_page(v, off / PAGE, pa);
}

// An access to page idx that v owns: whether a mapping may write it. A pager-backed VMO's
// pages map writable only while dirty and while the VMO is marked modified
// (zx_pager_query_vmo_stats), so that the first write after a writeback or a stats reset
// faults. A write makes the page dirty, or with ZX_VMO_TRAP_DIRTY asks the pager first:
// ZX_ERR_SHOULD_WAIT (ZX_ERR_BAD_STATE once detached).
static zx_status_t pager_page_access(struct vmo *v, uint64_t idx, bool write, bool *writable) {
    struct pager_src *s = v->pager_src;
    paddr_t *e = pm_slot(&v->pages, idx);
    if (write) {
        if ((*e & PG_STATE_MASK) != PG_DIRTY) {
            if (s->trap_dirty) return pager_src_attached(s) ? ZX_ERR_SHOULD_WAIT : ZX_ERR_BAD_STATE;
            *e = PG_FRAME(*e) | PG_DIRTY;
        }
        s->modified = true;
    }
    *writable = s->modified && (*e & PG_STATE_MASK) == PG_DIRTY;
    return ZX_OK;
}

// Any other VMO's own pages map writable: one test on the map paths.
static inline zx_status_t own_page_access(struct vmo *v, uint64_t idx, bool write, bool *writable) {
    if (unlikely(v->pager_src)) return pager_page_access(v, idx, write, writable);
    *writable = true;
    return ZX_OK;
}

bool vmo_peek_page(struct vmo *v, uint64_t idx, paddr_t *pa, bool *writable) {
    uint64_t off = idx * PAGE;
    v = slice_root(v, &off);
    idx = off / PAGE;
    if (pm_lookup(&v->pages, idx, pa)) return own_page_access(v, idx, false, writable) == ZX_OK;
    *writable = false;  // an ancestor's page: the first write copies it
    return v->parent && chain_lookup(v, idx, pa);
}

zx_status_t vmo_fault_page(struct vmo *v, uint64_t idx, bool write, paddr_t *pa, bool *writable) {
    uint64_t off = idx * PAGE;
    v = slice_root(v, &off);
    idx = off / PAGE;
    if (pm_lookup(&v->pages, idx, pa)) return own_page_access(v, idx, write, writable);
    bool shown = v->parent && chain_lookup(v, idx, pa);
    if (!write && shown) {
        *writable = false;  // an ancestor's page: the first write copies it
        return ZX_OK;
    }
    if (!shown) {
        zx_status_t st = absent_status(v, idx);  // the pager has not supplied it
        if (st != ZX_OK) return st;
    }
    if (!write && !(v->flags & VMO_F_PHYSICAL)) {
        // Reading a page nobody wrote commits nothing: the shared zero page, read-only, until
        // the first write gives the VMO a page of its own.
        v->flags |= VMO_F_ZERO_MAPPED;
        *pa = zero_page;
        *writable = false;
        return ZX_OK;
    }
    zx_status_t st = own_page(v, idx, pa);
    return st == ZX_OK ? own_page_access(v, idx, write, writable) : st;
}

// Walks [offset, offset+len) page by page; fn gets the kernel address of the bytes.
typedef zx_status_t (*chunk_fn)(void *ctx, void *kva, size_t done, size_t n);

// The longest chunk: a user copy that faults is retried from the start of its chunk once the
// page is there, so an unbounded run (frames that happen to be contiguous) made a 2 MiB
// zx_vmo_write from a fresh mapping copy its bytes several times over (VmoMap/Read/Kernel/2048kbytes
// 1.49M -> 2.66M instructions when a change of allocation pattern made runs longer).
#define VMO_WALK_RUN_MAX (16 * PAGE)

static zx_status_t vmo_walk(struct vmo *v, uint64_t offset, size_t len, bool commit, chunk_fn fn,
                            void *ctx) {
    if (offset > v->size || len > v->size - offset) return ZX_ERR_OUT_OF_RANGE;
    v = slice_root(v, &offset);
    if (v->flags & VMO_F_PHYSICAL) return ZX_ERR_NOT_SUPPORTED;  // may lie outside the physmap
    // Pages whose frames follow each other in physical memory (and so in the physmap) go to fn
    // as one chunk: a large copy then costs one call per run of frames, not one per page.
    // The loop is the per-page cost of a large copy: the VMO's own page is looked up inline
    // (own_page's and chain_lookup's first step), the rest only when it is not there.
    size_t done = 0, run = 0;  // the pending chunk: [done, done + run) of the range
    paddr_t run_pa = 0;        // the frame address where it starts (with its in-page offset)
    uint64_t idx = offset / PAGE;
    size_t in_page = offset % PAGE, left = len;
    while (left) {
        size_t n = PAGE - in_page < left ? PAGE - in_page : left;
        paddr_t pa;
        if (pm_lookup(&v->pages, idx, &pa)) {
            // v's own page
        } else if (commit) {
            zx_status_t st = own_page(v, idx, &pa);
            if (st != ZX_OK) return st;
        } else if (!v->parent || !chain_lookup(v, idx, &pa)) {
            zx_status_t st = absent_status(v, idx);
            if (st != ZX_OK) return st;
            pa = zero_page;
        }
        if (run && pa + in_page == run_pa + run && pa != zero_page && run < VMO_WALK_RUN_MAX) {
            run += n;
        } else {
            if (run) {
                zx_status_t st = fn(ctx, paddr_to_kva(run_pa), done, run);
                if (st != ZX_OK) return st;
                done += run;
            }
            run_pa = pa + in_page;
            run = n;
        }
        left -= n;
        idx++;
        in_page = 0;
    }
    return run ? fn(ctx, paddr_to_kva(run_pa), done, run) : ZX_OK;
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
static zx_status_t zero_chunk(void *ctx, void *kva, size_t done, size_t n) {
    memset(kva, 0, n);
    return ZX_OK;
}

// vmo_rw_user_segs's walk: each chunk of VMO bytes goes to (or comes from) the buffers in turn.
struct segs_walk {
    struct hal_user_segs pos;
    bool write;
};

static zx_status_t segs_chunk(void *ctx, void *kva, size_t done, size_t n) {
    struct segs_walk *w = ctx;
    (void)done;
    return copy_user_segs(&w->pos, kva, n, !w->write);
}

zx_status_t vmo_rw_user_segs(struct vmo *v, bool write, const struct hal_user_seg *seg, uint64_t offset,
                             size_t len, size_t *moved) {
    struct segs_walk w = {.pos = {.seg = seg}, .write = write};
    zx_status_t st = vmo_walk(v, offset, len, write, segs_chunk, &w);
    *moved = w.pos.moved;
    return st;
}

zx_status_t vmo_read_user(struct vmo *v, user_out_ptr dst, uint64_t offset, size_t len) {
    return vmo_walk(v, offset, len, false, to_user_chunk, &dst);
}
bool vmo_read_user_shared(const struct vmo *v, user_out_ptr dst, uint64_t offset, size_t len) {
    if (v->parent || v->slice_of || (v->flags & (VMO_F_PHYSICAL | VMO_F_PAGER_CHAIN)) || !len ||
        offset > v->size || len > v->size - offset)
        return false;
    for (size_t done = 0; done < len;) {
        uint64_t pos = offset + done;
        size_t in_page = pos % PAGE, n = PAGE - in_page < len - done ? PAGE - in_page : len - done;
        paddr_t pa;
        uintptr_t fault;
        if (!pm_lookup(&v->pages, pos / PAGE, &pa) ||
            hal_copy_to_user(dst.addr + done, (const char *)paddr_to_kva(pa) + in_page, n, &fault) != ZX_OK)
            return false;
        done += n;
    }
    return true;
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
    if (v->slice_of || !pm->count || last < first) return;  // slices fault their pages in
    if (last - first < pm->count) {
        for (uint64_t i = first; i <= last; i++) {
            paddr_t pa;
            if (pm_lookup(pm, i, &pa)) fn(ctx, i, pa);
        }
        return;
    }
    for (uint32_t i = 0; i < pm->cap; i++) {
        uint64_t k = pm->keys[i];
        if (k != PAGE_MAP_EMPTY && k >= first && k <= last) fn(ctx, k, PG_FRAME(pm->frames[i]));
    }
}

// Frees the owned pages in [first, last] (page indices).
static void free_own_pages(struct vmo *v, uint64_t first, uint64_t last) {
    struct page_map *pm = &v->pages;
    if (!pm->count || last < first) return;
    if (last - first < pm->count) {
        for (uint64_t k = first; k <= last; k++) {
            for (uint32_t i = pm_hash(k, pm->cap);; i = (i + 1) & (pm->cap - 1)) {
                if (pm->keys[i] == PAGE_MAP_EMPTY) break;
                if (pm->keys[i] == k) {
                    pmm_free_page(PG_FRAME(pm->frames[i]));
                    pm_remove_at(pm, i);
                    break;
                }
            }
        }
        return;
    }
    uint32_t i = 0;
    while (i < pm->cap) {
        uint64_t k = pm->keys[i];
        if (k != PAGE_MAP_EMPTY && k >= first && k <= last) {
            pmm_free_page(PG_FRAME(pm->frames[i]));
            pm_remove_at(pm, i);
            continue;
        }
        i++;
    }
}

// The next VMO after v in a pre-order walk of top's user-visible descendants (clones and
// slices at any depth), or NULL. Iterative: clone chains nest as deep as a user likes.
static struct vmo *next_descendant(struct vmo *top, struct vmo *v) {
    if (!list_empty(&v->user_children)) return container_of(v->user_children.next, struct vmo, user_link);
    while (v != top) {
        struct vmo *p = v->user_parent;  // alive: it is in p's list
        if (v->user_link.next != &p->user_children) return container_of(v->user_link.next, struct vmo, user_link);
        v = p;
    }
    return NULL;
}

// Pager-backed v shrinks to `size`: clones that show its pages (directly, or through hidden
// nodes) stop seeing the pages that go, and their mappings forget them (all of them: a clone's
// offset into v is not worth computing for a rare call).
static void pager_dependents_shrink(struct vmo *v, uint64_t size) {
    for (struct vmo *d = next_descendant(v, v); d; d = next_descendant(v, d)) {
        vm_mappings_unmap_vmo_range(d, 0, d->size);
        struct vmo *y = d;
        while (y->parent && y->parent != v) y = y->parent;
        if (y->parent == v)
            y->parent_limit = y->parent_offset >= size ? 0
                              : y->parent_limit < size - y->parent_offset ? y->parent_limit
                                                                            : size - y->parent_offset;
    }
}

zx_status_t vmo_set_size(struct vmo *v, uint64_t size) {
    if (size < v->size) {
        vm_mappings_unmap_vmo_range(v, size, v->size - size);
        if (v->pager_src) pager_dependents_shrink(v, size);
        free_own_pages(v, size / PAGE, v->size / PAGE);
        if (v->parent && v->parent_limit > size) v->parent_limit = size;  // regrowth reads zeros
    }
    v->size = size;
    if (v->pager_src) pager_src_resized(v->pager_src, size / PAGE);
    return ZX_OK;
}

uint64_t vmo_committed_bytes(const struct vmo *v) { return (uint64_t)v->pages.count * PAGE; }

zx_status_t vmo_commit_range(struct vmo *v, uint64_t offset, uint64_t len) {
    if (offset > v->size || len > v->size - offset) return ZX_ERR_OUT_OF_RANGE;
    if (vmo_is_physical(v)) return ZX_ERR_NOT_SUPPORTED;
    uint64_t end = (offset + len + PAGE - 1) / PAGE;
    for (uint64_t i = offset / PAGE; i < end; i++) {
        paddr_t pa;
        zx_status_t st = vmo_commit_page(v, i, &pa);
        if (st != ZX_OK) return st;
    }
    return ZX_OK;
}

zx_status_t vmo_decommit_range(struct vmo *v, uint64_t offset, uint64_t len) {
    if (offset > v->size || len > v->size - offset) return ZX_ERR_OUT_OF_RANGE;
    v = slice_root(v, &offset);
    // A snapshot child says so whatever it shares (one of an empty VMO shares nothing).
    if (v->parent || (v->flags & (VMO_F_PHYSICAL | VMO_F_PAGER_CHAIN | VMO_F_SNAPSHOT))) return ZX_ERR_NOT_SUPPORTED;
    if (!len) return ZX_OK;
    uint64_t first = offset / PAGE, last = (offset + len - 1) / PAGE;
    vm_mappings_unmap_vmo_range(v, first * PAGE, (last - first + 1) * PAGE);
    free_own_pages(v, first, last);
    return ZX_OK;
}

zx_status_t vmo_zero_range(struct vmo *v, uint64_t offset, uint64_t len) {
    if (offset > v->size || len > v->size - offset) return ZX_ERR_OUT_OF_RANGE;
    if (vmo_is_physical(v)) return ZX_ERR_NOT_SUPPORTED;
    if (!len) return ZX_OK;
    uint64_t first_full = (offset + PAGE - 1) / PAGE, end_full = (offset + len) / PAGE;
    struct vmo *root = v;
    uint64_t roff = offset;
    root = slice_root(root, &roff);
    // Whole pages of a VMO without ancestors simply go away (they read as zero again).
    // (Not a pager's: its absent pages are the pager's to supply, not zeros.)
    if (!root->parent && !(root->flags & VMO_F_PAGER_CHAIN) && first_full < end_full &&
        roff % PAGE == offset % PAGE) {
        uint64_t rf = (roff + PAGE - 1) / PAGE;
        uint64_t n = end_full - first_full;
        vm_mappings_unmap_vmo_range(root, rf * PAGE, n * PAGE);
        free_own_pages(root, rf, rf + n - 1);
        zx_status_t st = ZX_OK;
        if (offset < first_full * PAGE) st = vmo_walk(v, offset, first_full * PAGE - offset, true, zero_chunk, NULL);
        if (st == ZX_OK && offset + len > end_full * PAGE)
            st = vmo_walk(v, end_full * PAGE, offset + len - end_full * PAGE, true, zero_chunk, NULL);
        return st;
    }
    return vmo_walk(v, offset, len, true, zero_chunk, NULL);
}

struct vmo *vmo_next_slice(struct vmo *top, struct vmo *v, uint64_t *base) {
    list_for_each(&v->user_children, it) {
        struct vmo *c = container_of(it, struct vmo, user_link);
        if (c->slice_of == v) {
            *base += c->slice_offset;
            return c;
        }
    }
    while (v != top) {
        struct vmo *p = v->slice_of;  // a slice keeps its parent (and so user_parent) alive
        *base -= v->slice_offset;
        for (struct list_node *it = v->user_link.next; it != &p->user_children; it = it->next) {
            struct vmo *c = container_of(it, struct vmo, user_link);
            if (c->slice_of == p) {
                *base += c->slice_offset;
                return c;
            }
        }
        v = p;
    }
    return NULL;
}

__attribute__((always_inline)) static inline void write_protect_all(struct vmo *top) {
    uint64_t base = 0;
    for (struct vmo *v = top; v; v = vmo_next_slice(top, v, &base))
        list_for_each(&v->mappings, it) vm_mapping_write_protect(container_of(it, struct vm_mapping, vmo_link));
}

zx_status_t vmo_create_child(struct vmo *v, enum vmo_child_kind kind, uint64_t offset, uint64_t size,
                             bool resizable, struct vmo **out) {
    struct vmo *c;
    zx_status_t st = vmo_create(size, resizable ? VMO_F_RESIZABLE : 0, &c);
    if (st != ZX_OK) return st;
    if (kind == VMO_CHILD_SLICE) {
        c->slice_of = v;
        kobj_ref(&v->obj);
        c->slice_offset = offset;
        c->flags |= v->flags & VMO_F_EXECUTABLE;
    } else {
        struct vmo *src = v;
        uint64_t soff = offset;
        src = slice_root(src, &soff);
        c->flags |= VMO_F_SNAPSHOT;
        uint64_t limit = src->size > soff ? src->size - soff : 0;
        if (limit > size) limit = size;
        c->flags |= src->flags & VMO_F_PAGER_CHAIN;
        if (src->pager_src) {
            // A clone of a pager-backed VMO hangs right below it (no hidden node: the pager
            // VMO keeps its pages and gets more): it sees the pager's pages until it writes
            // them (ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE), and asks the pager for absent ones.
            kobj_ref(&src->obj);
            c->parent = src;
            c->parent_offset = soff;
            c->parent_limit = limit;
        } else if (src->pages.count == 0 && !src->parent) {
            // Nothing to share: the snapshot is all zeros.
        } else {
            struct vmo *h;
            st = vmo_create(src->size, VMO_F_HIDDEN, &h);
            if (st != ZX_OK) {
                kobj_unref(&c->obj);
                return st;
            }
            strlcpy(h->obj.name, "hidden", sizeof(h->obj.name));
            h->flags |= src->flags & VMO_F_PAGER_CHAIN;
            h->pages = src->pages;  // src's pages move up: O(1)
            src->pages = (struct page_map){0};
            h->parent = src->parent;
            h->parent_offset = src->parent_offset;
            h->parent_limit = src->parent_limit;
            if (h->parent) replace_kid(h->parent, src, h);
            src->parent = h;
            src->parent_offset = 0;
            src->parent_limit = src->size;
            h->obj.refcount = 2;  // src and c
            h->kids[0] = src;
            h->kids[1] = c;
            c->parent = h;
            c->parent_offset = soff;
            c->parent_limit = limit;
            // src's mapped pages now belong to h: map them read-only (here and in src's
            // slices) so writes copy.
            write_protect_all(src);
        }
    }
    c->user_parent = v;
    list_add_tail(&v->user_children, &c->user_link);
    if (v->user_child_count++ == 0) kobj_signal(&v->obj, ZX_VMO_ZERO_CHILDREN, 0);
    *out = c;
    return ZX_OK;
}

// ---- pager-backed VMOs ----

bool vmo_pager_backed(struct vmo *v) {
    uint64_t off = 0;
    return slice_root(v, &off)->flags & VMO_F_PAGER_CHAIN;
}

struct vmo *vmo_pager_root(struct vmo *v) {
    uint64_t off = 0;
    v = slice_root(v, &off);
    return v->pager_src ? v : NULL;
}

bool vmo_owns_page(const struct vmo *v, uint64_t idx) {
    paddr_t pa;
    return pm_lookup(&v->pages, idx, &pa);
}

bool vmo_pager_wants_dirty(const struct vmo *v, uint64_t idx) {
    paddr_t *e = pm_slot(&v->pages, idx);
    return e && (*e & PG_STATE_MASK) != PG_DIRTY;
}

// Before a write to pages [first, last] of pager-backed v (present by now): ZX_OK when they
// may be written (made dirty here without ZX_VMO_TRAP_DIRTY), else the ZX_PAGER_VMO_DIRTY
// request for the first one the pager must dirty first.
static zx_status_t pager_dirty_need(struct vmo *v, uint64_t first, uint64_t last, struct pager_request **req,
                                    uint64_t *page) {
    struct pager_src *s = v->pager_src;
    for (uint64_t i = first; i <= last; i++) {
        if (!vmo_pager_wants_dirty(v, i)) continue;
        if (!s->trap_dirty) {
            *pm_slot(&v->pages, i) = PG_FRAME(*pm_slot(&v->pages, i)) | PG_DIRTY;
            continue;
        }
        *page = i;
        return pager_request_page(s, i, last + 1, ZX_PAGER_VMO_DIRTY, req);
    }
    s->modified = true;
    return ZX_OK;
}

zx_status_t vmo_pager_need(struct vmo *v, uint64_t offset, uint64_t len, bool write, struct pager_request **req,
                           uint64_t *page) {
    v = slice_root(v, &offset);
    if (likely(!(v->flags & VMO_F_PAGER_CHAIN)) || !len) return ZX_OK;
    uint64_t first = offset / PAGE, last = (offset + len - 1) / PAGE;
    for (uint64_t i = first; i <= last; i++) {
        paddr_t pa;
        if (chain_lookup(v, i, &pa)) continue;
        uint64_t at = i;
        struct pager_src *s = chain_end(v, &at)->pager_src;
        if (!s || !pager_src_owes(s, at)) continue;
        *page = at;
        // The rest of the access's range goes into the same request where it is absent too.
        return pager_request_page(s, at, at + (last - i) + 1, ZX_PAGER_VMO_READ, req);
    }
    // A clone writes pages of its own; the pager's VMO itself tracks what is dirty.
    return write && v->pager_src ? pager_dirty_need(v, first, last, req, page) : ZX_OK;
}

// Takes page k out of pm without freeing its frame; false when pm lacks it.
static bool pm_take(struct page_map *pm, uint64_t k, paddr_t *pa) {
    if (!pm->cap) return false;
    for (uint32_t i = pm_hash(k, pm->cap);; i = (i + 1) & (pm->cap - 1)) {
        if (pm->keys[i] == PAGE_MAP_EMPTY) return false;
        if (pm->keys[i] == k) {
            *pa = PG_FRAME(pm->frames[i]);
            pm_remove_at(pm, i);
            return true;
        }
    }
}

zx_status_t vmo_supply_pages(struct vmo *v, uint64_t offset, uint64_t len, struct vmo *aux, uint64_t aux_off) {
    uint64_t n = len / PAGE, first = offset / PAGE, afirst = aux_off / PAGE;
    if (!pm_reserve(&v->pages, (uint64_t)v->pages.count + n)) return ZX_ERR_NO_MEMORY;
    vm_mappings_unmap_vmo_range(aux, aux_off, len);  // aux's pages leave it
    if (v->flags & VMO_F_ZERO_MAPPED) vm_mappings_unmap_vmo_range(v, offset, len);
    zx_status_t st = ZX_OK;
    uint64_t i = 0;
    for (; i < n; i++) {
        paddr_t f, have;
        bool from_aux = pm_take(&aux->pages, afirst + i, &f);
        if (pm_lookup(&v->pages, first + i, &have)) {  // "will not be replaced"
            if (from_aux) pmm_free_page(f);
            continue;
        }
        if (!from_aux && !kernel_alloc_frame(&f)) {
            st = ZX_ERR_NO_MEMORY;  // aux's range is decommitted, some pages were supplied
            break;
        }
        pm_put_nogrow(&v->pages, first + i, f);
    }
    if (st != ZX_OK) free_own_pages(aux, afirst + i, afirst + n - 1);
    if (v->pager_src && i) pager_pages_ready(v->pager_src, ZX_PAGER_VMO_READ, first, first + i);
    return st;
}

void vmo_pager_mark_modified(struct vmo *v) {
    uint64_t off = 0;
    v = slice_root(v, &off);
    if (v->pager_src) v->pager_src->modified = true;
}

// ---- dirty tracking (zx_pager_op_range DIRTY / WRITEBACK_*, zx_pager_query_dirty_ranges) ----
// A page v owns is clean (supplied, or written back), dirty, or awaiting clean (PG_*). A page
// v lacks past zero_from reads as zeros the pager never had: it is dirty (and zero) until a
// writeback gives it a clean zero page.

// True when v lacks page idx and it is not the pager's to supply (it reads as zeros).
static bool pager_zero_page(const struct vmo *v, uint64_t idx) {
    paddr_t pa;
    return idx >= v->pager_src->zero_from && !pm_lookup(&v->pages, idx, &pa);
}

zx_status_t vmo_pager_dirty_range(struct vmo *v, uint64_t first, uint64_t end) {
    for (uint64_t i = first; i < end; i++)
        if (!vmo_owns_page(v, i) && pager_src_owes(v->pager_src, i)) return ZX_ERR_NOT_FOUND;
    for (uint64_t i = first; i < end; i++) {
        paddr_t *e = pm_slot(&v->pages, i);
        if (e) *e = PG_FRAME(*e) | PG_DIRTY;  // pages it lacks are dirty already
    }
    pager_pages_ready(v->pager_src, ZX_PAGER_VMO_DIRTY, first, end);
    return ZX_OK;
}

static bool page_is_zero(paddr_t f) {
    const uint64_t *w = paddr_to_kva(f);
    for (size_t i = 0; i < PAGE / sizeof(*w); i++)
        if (w[i]) return false;
    return true;
}

zx_status_t vmo_pager_writeback_begin(struct vmo *v, uint64_t first, uint64_t end, bool only_zero) {
    zx_status_t st = ZX_OK;
    for (uint64_t i = first; i < end && st == ZX_OK; i++) {
        if (pager_zero_page(v, i)) {
            // A zero page to clean: it gets a frame now, which a write re-dirties.
            paddr_t f;
            if (!kernel_alloc_frame(&f)) {
                st = ZX_ERR_NO_MEMORY;
            } else if (!pm_put(&v->pages, i, f | PG_AWAITING_CLEAN)) {
                pmm_free_page(f);
                st = ZX_ERR_NO_MEMORY;
            }
            continue;
        }
        paddr_t *e = pm_slot(&v->pages, i);
        if (!e || (*e & PG_STATE_MASK) != PG_DIRTY) continue;
        // ZX_VMO_DIRTY_RANGE_IS_ZERO: only pages still zero are written back as zeros; a page
        // written since the query keeps its content, and stays dirty.
        if (only_zero && !page_is_zero(PG_FRAME(*e))) continue;
        *e = PG_FRAME(*e) | PG_AWAITING_CLEAN;
    }
    // Mappings forget the range: the next write faults and dirties the page again.
    vm_mappings_unmap_vmo_range(v, first * PAGE, (end - first) * PAGE);
    return st;
}

void vmo_pager_writeback_end(struct vmo *v, uint64_t first, uint64_t end) {
    for (uint64_t i = first; i < end; i++) {
        paddr_t *e = pm_slot(&v->pages, i);
        if (e && (*e & PG_STATE_MASK) == PG_AWAITING_CLEAN) *e = PG_FRAME(*e);
    }
}

static void sift_down(uint64_t *a, size_t i, size_t n) {
    for (size_t c; (c = 2 * i + 1) < n; i = c) {
        if (c + 1 < n && a[c + 1] > a[c]) c++;
        if (a[i] >= a[c]) return;
        uint64_t t = a[i];
        a[i] = a[c];
        a[c] = t;
    }
}

static void sort_u64(uint64_t *a, size_t n) {  // heapsort: no recursion, no extra memory
    for (size_t k = n / 2; k-- > 0;) sift_down(a, k, n);
    for (size_t end = n; end-- > 1;) {
        uint64_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

struct dirty_walk {
    uint64_t start, end;  // the run being gathered, pages; empty when start == end
    bool zero;
    vmo_dirty_run_fn fn;
    void *ctx;
    zx_status_t st;
};

static void dirty_add(struct dirty_walk *w, uint64_t first, uint64_t end, bool zero) {
    if (first >= end || w->st != ZX_OK) return;
    if (w->start != w->end && w->end == first && w->zero == zero) {
        w->end = end;
        return;
    }
    if (w->start != w->end) w->st = w->fn(w->ctx, w->start, w->end, w->zero);
    w->start = first;
    w->end = end;
    w->zero = zero;
}

// A page of the range a dirty-range walk must look at: a dirty one, or any in the zero tail.
static bool dirty_walk_key(uint64_t k, uint64_t e, uint64_t tail) {
    return (e & PG_STATE_MASK) || k >= tail;
}

zx_status_t vmo_pager_dirty_runs(struct vmo *v, uint64_t first, uint64_t end, vmo_dirty_run_fn fn, void *ctx) {
    struct page_map *pm = &v->pages;
    uint64_t tail = v->pager_src->zero_from;
    // Those pages in order: sorted out of the page map, or (no memory for that) looked up page
    // by page, slower but never failing.
    uint64_t *keys = pm->count ? kmalloc(pm->count * sizeof(uint64_t)) : NULL;
    size_t n = 0;
    for (uint32_t i = 0; keys && i < pm->cap; i++) {
        uint64_t k = pm->keys[i];
        if (k != PAGE_MAP_EMPTY && k >= first && k < end && dirty_walk_key(k, pm->frames[i], tail)) keys[n++] = k;
    }
    sort_u64(keys, n);
    struct dirty_walk w = {.fn = fn, .ctx = ctx, .st = ZX_OK};
    uint64_t at = first;
    for (size_t j = 0;; j++) {
        uint64_t k = at;
        paddr_t *e = NULL;
        if (keys || !pm->count) {
            if (j >= n) break;
            k = keys[j];
            e = pm_slot(pm, k);
        } else {
            while (k < end && !((e = pm_slot(pm, k)) && dirty_walk_key(k, *e, tail))) k++;
            if (k >= end) break;
        }
        dirty_add(&w, at > tail ? at : tail, k, true);  // pages it lacks in the tail
        if (*e & PG_STATE_MASK) dirty_add(&w, k, k + 1, false);
        at = k + 1;
    }
    dirty_add(&w, at > tail ? at : tail, end, true);
    kfree(keys);
    if (w.st == ZX_OK && w.start != w.end) w.st = fn(ctx, w.start, w.end, w.zero);
    return w.st;
}

void vmo_pager_reset_modified(struct vmo *v) {
    v->pager_src->modified = false;
    write_protect_all(v);  // the next write through a mapping faults and marks it again
}
