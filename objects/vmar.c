// VMARs: a tree of regions per address space; mappings of VMOs at the leaves.
#include "objects/vmar.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "kernel/sched.h"
#include "kernel/user_copy.h"

#define PAGE HAL_PAGE_SIZE
#define PERMS (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE)
#define CAN_MAP (ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE | ZX_VM_CAN_MAP_SPECIFIC)

static struct slab_cache vmar_cache, mapping_cache;
static bool caches_ready;

static inline uint64_t round_up(uint64_t x) { return (x + PAGE - 1) & ~(PAGE - 1); }
static inline uintptr_t region_end(const struct vm_region *r) { return r->base + r->size; }
static inline struct vm_region *region_of(const struct avl_node *n) {
    return n ? container_of(n, struct vm_region, node) : NULL;
}
static inline struct vmar *vmar_of(struct vm_region *r) { return container_of(r, struct vmar, r); }
static inline struct vm_mapping *mapping_of(struct vm_region *r) { return container_of(r, struct vm_mapping, r); }

static unsigned hal_flags(uint32_t perms) {
    return ((perms & ZX_VM_PERM_READ) ? HAL_MMU_READ : 0) | ((perms & ZX_VM_PERM_WRITE) ? HAL_MMU_WRITE : 0) |
           ((perms & ZX_VM_PERM_EXECUTE) ? HAL_MMU_EXEC : 0);
}

zx_rights_t vmar_rights_for(uint32_t flags) {
    zx_rights_t r = ZX_DEFAULT_VMAR_RIGHTS & ~(ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_EXECUTE);
    if (flags & ZX_VM_CAN_MAP_READ) r |= ZX_RIGHT_READ;
    if (flags & ZX_VM_CAN_MAP_WRITE) r |= ZX_RIGHT_WRITE;
    if (flags & ZX_VM_CAN_MAP_EXECUTE) r |= ZX_RIGHT_EXECUTE;
    return r;
}

// ---- objects ----

static void vmar_obj_destroy(struct kobj *o) {
    struct vmar *v = to_vmar(o);
    vm_aspace_unref(v->as);
    slab_free(v);
}
static zx_status_t vmar_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w) {
    if (topic != ZX_INFO_VMAR) return ZX_ERR_NOT_SUPPORTED;
    zx_info_vmar_t info = {.base = to_vmar(o)->r.base, .len = to_vmar(o)->r.size};
    info_put(w, &info);
    return ZX_OK;
}
static const struct kobj_ops vmar_ops = {.destroy = vmar_obj_destroy, .get_info = vmar_get_info, .named = true};

static struct vmar *vmar_new(struct vm_aspace *as, struct vmar *parent, uintptr_t base, size_t size,
                             uint32_t flags) {
    struct vmar *v = slab_alloc(&vmar_cache);
    if (!v) return NULL;
    kobj_init(&v->obj, ZX_OBJ_TYPE_VMAR, &vmar_ops);
    v->r.kind = VM_REGION_VMAR;
    v->r.base = base;
    v->r.size = size;
    v->r.parent = parent;
    v->as = as;
    as->refcount++;
    v->flags = flags;
    v->destroyed = false;
    avl_init(&v->children);
    v->covered = NULL;
    return v;
}

zx_status_t vm_aspace_create(struct vm_aspace **out) {
    if (!caches_ready) {
        slab_cache_init(&vmar_cache, "vmar", sizeof(struct vmar));
        slab_cache_init(&mapping_cache, "vm_mapping", sizeof(struct vm_mapping));
        caches_ready = true;
    }
    struct vm_aspace *as = kzalloc(sizeof(*as));
    if (!as) return ZX_ERR_NO_MEMORY;
    if (hal_aspace_init(&as->hal) != ZX_OK) {
        kfree(as);
        return ZX_ERR_NO_MEMORY;
    }
    as->refcount = 1;
    uintptr_t base = hal_aspace_user_base(&as->hal);
    as->root = vmar_new(as, NULL, base, hal_aspace_user_end(&as->hal) - base, CAN_MAP);
    if (!as->root) {
        hal_aspace_destroy(&as->hal);
        kfree(as);
        return ZX_ERR_NO_MEMORY;
    }
    *out = as;
    return ZX_OK;
}

void vm_aspace_unref(struct vm_aspace *as) {
    if (--as->refcount) return;
    hal_aspace_destroy(&as->hal);
    kfree(as);
}

// ---- region bookkeeping ----
//
// A VMAR's children sit in an AVL tree ordered by base (kernel/avl.h): finding the child at
// an address, inserting and removing are O(log n) in the VMAR's children, visiting the k
// children of a range O(log n + k).
//
// For the free-gap search each node also keeps a summary of its subtree (vm_region.sub_*):
// its lowest base, its highest end and the largest gap between neighbours inside it. The
// summaries are brought up to date lazily: a change only marks the nodes whose subtree
// changed, and their ancestors, stale (stopping at the first ancestor already stale, so a
// stale node's ancestors are all stale); a search that needs them recomputes the stale ones
// first, each once. Most searches do not: the lowest hole, just past the gap-free prefix of
// the children (vmar.covered), is tried first. See find_gap.

static struct vm_region *next_region(const struct vm_region *r) { return region_of(avl_next(&r->node)); }
static struct vm_region *first_child(const struct vmar *v) { return region_of(avl_first(&v->children)); }

// The tree's augment callback: n's subtree changed.
static bool region_mark_stale(struct avl_node *n) {
    struct vm_region *r = region_of(n);
    if (r->stale) return false;  // so are its ancestors
    r->stale = true;
    return true;
}

static void region_summarize(struct vm_region *r) {
    struct vm_region *lo = region_of(r->node.left), *hi = region_of(r->node.right);
    uintptr_t first = r->base, end = region_end(r);
    size_t gap = 0;
    if (lo) {
        first = lo->sub_base;
        gap = lo->sub_gap > r->base - lo->sub_end ? lo->sub_gap : r->base - lo->sub_end;
    }
    if (hi) {
        end = hi->sub_end;
        size_t g = hi->sub_gap > hi->sub_base - region_end(r) ? hi->sub_gap : hi->sub_base - region_end(r);
        if (g > gap) gap = g;
    }
    r->sub_base = first;
    r->sub_end = end;
    r->sub_gap = gap;
    r->stale = false;
}

// Recomputes the stale summaries in v's tree, children before parents. Only stale nodes are
// visited (a fresh node's whole subtree is fresh), each at most three times.
static void refresh_summaries(struct vmar *v) {
    struct avl_node *n = v->children.root;
    if (!n || !region_of(n)->stale) return;
    for (;;) {
        if (n->left && region_of(n->left)->stale) {
            n = n->left;
        } else if (n->right && region_of(n->right)->stale) {
            n = n->right;
        } else {
            region_summarize(region_of(n));
            if (!n->parent) return;
            n = n->parent;
        }
    }
}

static void insert_region(struct vmar *v, struct vm_region *r) {
    struct avl_node *parent = NULL, **link = &v->children.root;
    while (*link) {
        parent = *link;
        link = r->base < region_of(parent)->base ? &parent->left : &parent->right;
    }
    r->parent = v;
    r->stale = true;
    avl_insert(&v->children, &r->node, parent, link, region_mark_stale);
}

static void remove_region(struct vm_region *r) {
    struct vmar *v = r->parent;
    // Leaving the gap-free prefix: it now ends before r.
    if (v->covered && r->base < region_end(v->covered)) v->covered = region_of(avl_prev(&r->node));
    avl_remove(&v->children, &r->node, region_mark_stale);
}

// The first child of v that ends above addr (the one holding addr, or the next one), or NULL.
static struct vm_region *first_ending_above(const struct vmar *v, uintptr_t addr) {
    struct vm_region *best = NULL;
    for (struct avl_node *n = v->children.root; n;) {
        struct vm_region *r = region_of(n);
        if (region_end(r) <= addr) {
            n = n->right;
        } else if (r->base <= addr) {
            return r;  // holds addr: nothing before it ends above addr
        } else {
            best = r;
            n = n->left;
        }
    }
    return best;
}

// The child of v holding addr, or NULL.
static struct vm_region *child_at(const struct vmar *v, uintptr_t addr) {
    struct vm_region *r = first_ending_above(v, addr);
    return r && r->base <= addr ? r : NULL;
}

// The children from `start` on that begin below `to`, in order. The loop body may destroy
// `c` (the next one is found first), nothing else.
#define for_each_from(start, to, c, next) \
    for (struct vm_region *c = (start), *next; c && c->base < (to) && ((next = next_region(c)), true); c = next)
// The children of v overlapping [from, to), in order; the same rule.
#define for_each_overlap(v, from, to, c, next) for_each_from(first_ending_above(v, from), to, c, next)

static bool range_free(struct vmar *v, uintptr_t base, size_t size) {
    struct vm_region *c = first_ending_above(v, base);  // callers pass size > 0, base inside v
    return !c || c->base >= base + size;
}

// Where size bytes aligned to align fit first in [start, end), if they do.
static bool fits(uintptr_t start, uintptr_t end, size_t size, size_t align, uintptr_t *out) {
    uintptr_t a = (start + align - 1) & ~(align - 1);
    if (a < start || a + size < a || a + size > end) return false;
    *out = a;
    return true;
}

// The lowest fit among the gaps between neighbours inside top's subtree. A subtree whose
// largest gap is below size is skipped whole; with page alignment any gap of size bytes fits,
// so the walk goes straight down to the first one (O(log n)). A larger alignment can make a
// big enough gap miss; each such gap costs one more walk down (see docs/kernel.md).
static bool gap_inside(struct avl_node *top, size_t size, size_t align, uintptr_t *out) {
    enum { ENTER, LEFT_DONE, ALL_DONE } state = ENTER;
    struct avl_node *n = top;
    for (;;) {
        struct vm_region *r = region_of(n), *lo = region_of(n->left), *hi = region_of(n->right);
        if (state == ENTER) {
            if (r->sub_gap < size) {
                state = ALL_DONE;
            } else if (lo) {
                n = n->left;
                continue;
            } else {
                state = LEFT_DONE;
            }
        }
        if (state == LEFT_DONE) {
            if (lo && fits(lo->sub_end, r->base, size, align, out)) return true;
            if (hi && fits(region_end(r), hi->sub_base, size, align, out)) return true;
            if (hi) {
                n = n->right;
                state = ENTER;
                continue;
            }
        }
        // n's subtree has no fit: back to its parent.
        if (n == top) return false;
        state = n == n->parent->left ? LEFT_DONE : ALL_DONE;
        n = n->parent;
    }
}

// How many children the search walks past before it takes the summaries instead.
#define GAP_WALK_STEPS 8

// First fit, lowest address, honouring alignment, ending at or below `limit`.
static bool find_gap(struct vmar *v, size_t size, size_t align, uintptr_t limit, uintptr_t *out) {
    // Walk the holes in address order from the end of the gap-free prefix (extending the
    // prefix over children that now follow it without a gap), for a few children at most.
    // A VMAR filled from the bottom, or a mapping made again where one was just removed,
    // needs no more than that.
    uintptr_t cur = v->covered ? region_end(v->covered) : v->r.base;
    struct vm_region *c = v->covered ? next_region(v->covered) : first_child(v);
    bool prefix = true;
    for (int steps = 0; steps < GAP_WALK_STEPS; steps++) {
        uintptr_t hole_end = c ? c->base : region_end(&v->r);
        if (cur < hole_end) {
            prefix = false;
            if (fits(cur, hole_end, size, align, out)) return *out + size <= limit;
        } else if (prefix && c) {
            v->covered = c;
        }
        if (!c) return false;  // that was the last hole
        cur = region_end(c);
        c = next_region(c);
    }
    // Further on, the summaries: the gap before the first child, the gaps between children,
    // the gap after the last one.
    refresh_summaries(v);
    struct avl_node *root = v->children.root;
    struct vm_region *all = region_of(root);
    if (prefix) {
        // A long gap-free run: move the prefix's end to the first hole at once.
        uintptr_t hole;
        v->covered = gap_inside(root, PAGE, PAGE, &hole) ? child_at(v, hole - 1) : region_of(avl_last(&v->children));
    }
    bool found = fits(v->r.base, all->sub_base, size, align, out) || gap_inside(root, size, align, out) ||
                 fits(all->sub_end, region_end(&v->r), size, align, out);
    // Every later fit ends higher: if the first one passes the limit, so do they.
    return found && *out + size <= limit;
}

static void mapping_unmap_range(struct vm_mapping *m, uintptr_t base, size_t len) {
    hal_aspace_unmap(&m->r.parent->as->hal, base, len, NULL, NULL);
}

static void mapping_destroy(struct vm_mapping *m) {
    mapping_unmap_range(m, m->r.base, m->r.size);
    remove_region(&m->r);
    list_delete(&m->vmo_link);
    struct vm_aspace *as = m->r.parent->as;
    if (as->vdso_base && as->vdso_base == m->r.base) as->vdso_base = as->vdso_end = 0;
    kobj_unref(&m->vmo->obj);
    slab_free(m);
}

// Destroys v and everything below it. Iterative (the tree's depth is the user's choice): go
// down to the first sub-VMAR after destroying the mappings before it; a VMAR left with no
// children is finished and the walk resumes in its parent.
static void vmar_destroy_tree(struct vmar *top) {
    struct vmar *v = top;
    for (;;) {
        struct vmar *down = NULL;
        for (struct vm_region *c; (c = first_child(v));) {
            if (c->kind != VM_REGION_MAPPING) {
                down = vmar_of(c);
                break;
            }
            mapping_destroy(mapping_of(c));
        }
        if (down) {
            v = down;
            continue;
        }
        struct vmar *up = v->r.parent;
        bool last = v == top;
        v->destroyed = true;
        if (up) {
            remove_region(&v->r);
            v->r.parent = NULL;
            kobj_unref(&v->obj);  // the parent's reference (v may be gone now)
        }
        if (last) return;
        v = up;
    }
}

void vm_aspace_destroy_mappings(struct vm_aspace *as) {
    if (as->dead) return;
    as->dead = true;
    struct vmar *root = as->root;
    vmar_destroy_tree(root);
    as->root = NULL;
    kobj_unref(&root->obj);  // the aspace's reference to its root
}

// Splits m at `at` (strictly inside); the upper part becomes a new mapping.
static zx_status_t mapping_split(struct vm_mapping *m, uintptr_t at) {
    struct vm_mapping *n = slab_alloc(&mapping_cache);
    if (!n) return ZX_ERR_NO_MEMORY;
    *n = *m;
    n->r.base = at;
    n->r.size = region_end(&m->r) - at;
    n->vmo_offset = m->vmo_offset + (at - m->r.base);
    m->r.size = at - m->r.base;
    avl_propagate(&m->r.node, region_mark_stale);
    n->r.stale = true;
    avl_insert_after(&m->r.parent->children, &m->r.node, &n->r.node, region_mark_stale);
    list_insert_after(&m->vmo_link, &n->vmo_link);
    kobj_ref(&n->vmo->obj);
    return ZX_OK;
}

// Makes [base, end) fall on mapping boundaries; *first: the first child inside it then (NULL:
// none). Sub-VMARs partly inside: INVALID_ARGS. Only the children holding base or end - 1 can
// be partly inside.
static zx_status_t split_at_edges(struct vmar *v, uintptr_t base, uintptr_t end, struct vm_region **first) {
    struct vm_region *lo = first_ending_above(v, base);
    *first = lo && lo->base < end ? lo : NULL;
    if (!*first) return ZX_OK;
    struct vm_region *hi = region_end(lo) >= end ? lo : child_at(v, end - 1);
    bool cut_lo = lo->base < base, cut_hi = hi && region_end(hi) > end;
    if ((cut_lo && lo->kind == VM_REGION_VMAR) || (cut_hi && hi->kind == VM_REGION_VMAR))
        return ZX_ERR_INVALID_ARGS;
    if (cut_lo) {
        zx_status_t st = mapping_split(mapping_of(lo), base);
        if (st != ZX_OK) return st;
        *first = next_region(lo);  // the upper part
        if (hi == lo) hi = *first;
    }
    if (cut_hi) {
        zx_status_t st = mapping_split(mapping_of(hi), end);
        if (st != ZX_OK) return st;
    }
    return ZX_OK;
}

// ---- map ----

struct populate_ctx {
    struct vm_mapping *m;
    uint64_t first;
    uint32_t perms;  // the mapping's, less WRITE for a pager's VMO (its writes fault: dirty tracking)
};

static void populate_page(void *ctx, uint64_t idx, paddr_t pa) {
    struct populate_ctx *p = ctx;
    struct vm_mapping *m = p->m;
    uintptr_t va = m->r.base + (idx * PAGE - m->vmo_offset);
    (void)hal_aspace_map(&m->r.parent->as->hal, va, pa, hal_flags(p->perms));
}

static uint32_t max_perms_for(zx_rights_t vmo_rights) {
    return ((vmo_rights & ZX_RIGHT_READ) ? ZX_VM_PERM_READ : 0) |
           ((vmo_rights & ZX_RIGHT_WRITE) ? ZX_VM_PERM_WRITE : 0) |
           ((vmo_rights & ZX_RIGHT_EXECUTE) ? ZX_VM_PERM_EXECUTE : 0);
}

static bool perms_allowed(const struct vmar *v, uint32_t perms) {
    if ((perms & ZX_VM_PERM_READ) && !(v->flags & ZX_VM_CAN_MAP_READ)) return false;
    if ((perms & ZX_VM_PERM_WRITE) && !(v->flags & ZX_VM_CAN_MAP_WRITE)) return false;
    if ((perms & ZX_VM_PERM_EXECUTE) && !(v->flags & ZX_VM_CAN_MAP_EXECUTE)) return false;
    return true;
}

static bool rights_allow(zx_rights_t rights, uint32_t perms) {
    if ((perms & ZX_VM_PERM_READ) && !(rights & ZX_RIGHT_READ)) return false;
    if ((perms & ZX_VM_PERM_WRITE) && !(rights & ZX_RIGHT_WRITE)) return false;
    if ((perms & ZX_VM_PERM_EXECUTE) && !(rights & ZX_RIGHT_EXECUTE)) return false;
    return true;
}

static zx_status_t align_from_options(zx_vm_option_t options, size_t *align) {
    uint32_t a = (options >> ZX_VM_ALIGN_BASE) & 0x1f;
    if (a == 0) {
        *align = PAGE;
        return ZX_OK;
    }
    if (a < 10 || a > 32) return ZX_ERR_INVALID_ARGS;
    *align = (size_t)1 << a;
    if (*align < PAGE) *align = PAGE;
    return ZX_OK;
}

// Where a new region of `size` goes: SPECIFIC at the offset, else the first fitting gap.
// no_space: what a full region reports (mappings: NO_RESOURCES, sub-regions: NO_MEMORY).
static zx_status_t place(struct vmar *v, zx_vm_option_t options, size_t offset, size_t size,
                         bool overwrite, zx_status_t no_space, uintptr_t *base) {
    size_t align;
    zx_status_t st = align_from_options(options, &align);
    if (st != ZX_OK) return st;
    if (options & (ZX_VM_SPECIFIC | ZX_VM_SPECIFIC_OVERWRITE)) {
        if (options & ZX_VM_OFFSET_IS_UPPER_LIMIT) return ZX_ERR_INVALID_ARGS;
        if (!(v->flags & ZX_VM_CAN_MAP_SPECIFIC)) return ZX_ERR_ACCESS_DENIED;
        if (offset % PAGE) return ZX_ERR_INVALID_ARGS;
        if (offset > v->r.size || size > v->r.size - offset) return ZX_ERR_INVALID_ARGS;
        uintptr_t b = v->r.base + offset;
        if (b & (align - 1)) return ZX_ERR_INVALID_ARGS;
        if (!overwrite && !range_free(v, b, size)) return ZX_ERR_ALREADY_EXISTS;
        *base = b;
        return ZX_OK;
    }
    uintptr_t limit = region_end(&v->r);
    if (options & ZX_VM_OFFSET_IS_UPPER_LIMIT) {
        // offset bounds where the region may end, relative to the VMAR's base.
        if (offset % PAGE || offset > v->r.size) return ZX_ERR_INVALID_ARGS;
        limit = v->r.base + offset;
    } else if (offset != 0) {
        return ZX_ERR_INVALID_ARGS;
    }
    if (size > v->r.size) return ZX_ERR_INVALID_ARGS;
    if (!find_gap(v, size, align, limit, base)) return no_space;
    return ZX_OK;
}

zx_status_t vmar_map(struct vmar *v, zx_vm_option_t options, size_t vmar_offset, struct vmo *vmo,
                     uint64_t vmo_offset, size_t len, zx_rights_t vmo_rights, zx_rights_t vmar_rights,
                     uintptr_t *mapped) {
    const zx_vm_option_t known = PERMS | ZX_VM_SPECIFIC | ZX_VM_SPECIFIC_OVERWRITE | ZX_VM_MAP_RANGE |
                                 ZX_VM_REQUIRE_NON_RESIZABLE | ZX_VM_ALLOW_FAULTS | ZX_VM_OFFSET_IS_UPPER_LIMIT |
                                 ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED | (0x1fu << ZX_VM_ALIGN_BASE);
    if (options & ~known) return ZX_ERR_INVALID_ARGS;
    if (v->destroyed || v->as->dead) return ZX_ERR_BAD_STATE;
    uint32_t perms = options & PERMS;
    if (options & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED) perms |= ZX_VM_PERM_READ;  // no XOM on x86
    if (!rights_allow(vmar_rights, perms) || !rights_allow(vmo_rights, perms)) return ZX_ERR_ACCESS_DENIED;
    if (!perms_allowed(v, perms)) return ZX_ERR_ACCESS_DENIED;
    // A length that is not a whole number of pages covers the last page it touches.
    size_t size = round_up(len);
    if (len == 0 || size < len || vmo_offset % PAGE) return ZX_ERR_INVALID_ARGS;
    if ((options & ZX_VM_SPECIFIC_OVERWRITE) && (options & ZX_VM_MAP_RANGE)) return ZX_ERR_INVALID_ARGS;
    if (vmo_offset + size < vmo_offset) return ZX_ERR_OUT_OF_RANGE;
    if ((vmo->flags & VMO_F_RESIZABLE) &&
        ((options & ZX_VM_REQUIRE_NON_RESIZABLE) || !(options & ZX_VM_ALLOW_FAULTS)))
        return ZX_ERR_NOT_SUPPORTED;
    if (!(options & ZX_VM_ALLOW_FAULTS) && !(vmo->flags & VMO_F_RESIZABLE) && vmo_offset + size > vmo->size)
        return ZX_ERR_BUFFER_TOO_SMALL;
    bool overwrite = options & ZX_VM_SPECIFIC_OVERWRITE;
    uintptr_t base;
    zx_status_t st = place(v, options, vmar_offset, size, overwrite, ZX_ERR_NO_RESOURCES, &base);
    if (st != ZX_OK) return st;

    struct vm_mapping *m = slab_alloc(&mapping_cache);
    if (!m) return ZX_ERR_NO_MEMORY;
    if (overwrite) {
        // Validate, then act: a sub-VMAR in the range refuses the call before any mapping is
        // touched (splitting mappings at the edges changes nothing a program can see).
        for_each_overlap(v, base, base + size, c, next) {
            if (c->kind != VM_REGION_MAPPING) st = ZX_ERR_INVALID_ARGS;
        }
        struct vm_region *first;
        if (st == ZX_OK) st = split_at_edges(v, base, base + size, &first);
        if (st != ZX_OK) {
            slab_free(m);
            return st;
        }
        for_each_from(first, base + size, c, next) mapping_destroy(mapping_of(c));
    }
    m->r.kind = VM_REGION_MAPPING;
    m->r.base = base;
    m->r.size = size;
    m->vmo = vmo;
    kobj_ref(&vmo->obj);
    m->vmo_offset = vmo_offset;
    m->perms = perms;
    m->max_perms = max_perms_for(vmo_rights);
    insert_region(v, &m->r);
    list_add_tail(&vmo->mappings, &m->vmo_link);

    if ((vmo->flags & VMO_F_VDSO) && (perms & ZX_VM_PERM_EXECUTE) && !v->as->vdso_base) {
        v->as->vdso_base = base;
        v->as->vdso_end = base + size;
        v->as->vdso_image_base = base - vmo_offset;
    }

    uint64_t first = vmo_offset / PAGE;
    uint64_t last = (vmo_offset + size) / PAGE - 1;
    if (options & ZX_VM_MAP_RANGE) {
        uint64_t end_idx = vmo->size / PAGE;
        for (uint64_t i = first; i <= last && i < end_idx; i++) {
            paddr_t pa;
            if (vmo_commit_page(vmo, i, &pa) != ZX_OK) break;
        }
    }
    // Page tables are filled now only when asked (ZX_VM_MAP_RANGE); otherwise on fault, as in
    // Zircon, so that a map costs O(1) in the VMO's size.
    if (options & ZX_VM_MAP_RANGE) {
        bool pager = unlikely(vmo->slice_of || (vmo->flags & VMO_F_PAGER_CHAIN)) && vmo_pager_root(vmo);
        uint32_t shown = pager ? perms & ~ZX_VM_PERM_WRITE : perms;
        struct populate_ctx pc = {m, first, shown};
        vmo_for_each_page(vmo, first, last, populate_page, &pc);
    }
    *mapped = base;
    return ZX_OK;
}

// ---- unmap / protect / allocate / destroy ----

static zx_status_t check_range(struct vmar *v, uintptr_t addr, size_t len, size_t *size) {
    if (v->destroyed || v->as->dead) return ZX_ERR_BAD_STATE;
    if (addr % PAGE || len == 0) return ZX_ERR_INVALID_ARGS;
    *size = round_up(len);
    if (*size < len || addr + *size < addr) return ZX_ERR_INVALID_ARGS;
    if (addr < v->r.base || addr + *size > region_end(&v->r)) return ZX_ERR_INVALID_ARGS;
    return ZX_OK;
}

zx_status_t vmar_unmap(struct vmar *v, uintptr_t addr, size_t len) {
    size_t size;
    zx_status_t st = check_range(v, addr, len, &size);
    if (st != ZX_OK) return st;
    uintptr_t end = addr + size;
    struct vm_region *first;
    st = split_at_edges(v, addr, end, &first);
    if (st != ZX_OK) return st;
    for_each_from(first, end, c, next) {
        if (c->kind == VM_REGION_MAPPING) mapping_destroy(mapping_of(c));
        else vmar_destroy_tree(vmar_of(c));
    }
    return ZX_OK;
}

zx_status_t vmar_protect(struct vmar *v, zx_vm_option_t options, uintptr_t addr, size_t len,
                         zx_rights_t vmar_rights) {
    if (options & ~(PERMS | ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)) return ZX_ERR_INVALID_ARGS;
    uint32_t perms = options & PERMS;
    if (options & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED) perms |= ZX_VM_PERM_READ;
    if ((perms & ZX_VM_PERM_WRITE) && !(perms & ZX_VM_PERM_READ)) return ZX_ERR_INVALID_ARGS;
    if (!rights_allow(vmar_rights, perms)) return ZX_ERR_ACCESS_DENIED;
    size_t size;
    zx_status_t st = check_range(v, addr, len, &size);
    if (st != ZX_OK) return st;
    uintptr_t end = addr + size;
    // The range must be covered by mappings of this VMAR without gaps.
    uintptr_t cur = addr;
    for_each_overlap(v, addr, end, c, next) {
        if (c->base > cur || c->kind != VM_REGION_MAPPING) return ZX_ERR_NOT_FOUND;
        if ((perms & ~mapping_of(c)->max_perms) || !perms_allowed(v, perms)) return ZX_ERR_ACCESS_DENIED;
        cur = region_end(c);
    }
    if (cur < end) return ZX_ERR_NOT_FOUND;
    struct vm_region *first;
    st = split_at_edges(v, addr, end, &first);
    if (st != ZX_OK) return st;
    for_each_from(first, end, c, next) {
        struct vm_mapping *m = mapping_of(c);
        m->perms = perms;
        // Pages a clone has not copied yet belong to an ancestor, and pages never written may
        // show the shared zero page: leave write access to the fault path, which copies first.
        uint64_t root_off = 0;
        bool cow = vmo_has_ancestors(m->vmo, &root_off) || vmo_zero_mapped(m->vmo);
        hal_aspace_protect(&v->as->hal, c->base, c->size, hal_flags(cow ? perms & ~ZX_VM_PERM_WRITE : perms));
    }
    return ZX_OK;
}

zx_status_t vmar_allocate(struct vmar *parent, zx_vm_option_t options, size_t offset, size_t size,
                          struct vmar **out) {
    const zx_vm_option_t known = CAN_MAP | ZX_VM_COMPACT | ZX_VM_SPECIFIC | ZX_VM_OFFSET_IS_UPPER_LIMIT |
                                 (0x1fu << ZX_VM_ALIGN_BASE);
    if (options & ~known) return ZX_ERR_INVALID_ARGS;
    if (parent->destroyed || parent->as->dead) return ZX_ERR_BAD_STATE;
    if (size == 0 || size % PAGE) return ZX_ERR_INVALID_ARGS;
    size_t rsize = size;
    uint32_t can = options & CAN_MAP;
    // CAN_MAP_SPECIFIC is about the child's own placement rules, not inherited.
    if ((can & ~parent->flags & ~ZX_VM_CAN_MAP_SPECIFIC) != 0) return ZX_ERR_ACCESS_DENIED;
    uintptr_t base;
    zx_status_t st = place(parent, options, offset, rsize, false, ZX_ERR_NO_MEMORY, &base);
    if (st != ZX_OK) return st;
    struct vmar *child = vmar_new(parent->as, parent, base, rsize, options & (CAN_MAP | ZX_VM_COMPACT));
    if (!child) return ZX_ERR_NO_MEMORY;
    insert_region(parent, &child->r);  // the parent's list keeps the initial reference
    kobj_ref(&child->obj);             // ... and the caller gets one
    *out = child;
    return ZX_OK;
}

zx_status_t vmar_destroy(struct vmar *v) {
    if (v->destroyed || v->as->dead) return ZX_ERR_BAD_STATE;
    // The root VMAR too: that empties the address space for good (nothing can be mapped in it
    // again), a way to tear another process's memory down.
    vmar_destroy_tree(v);
    return ZX_OK;
}

// ---- faults ----

static struct vm_mapping *find_mapping(struct vmar *v, uintptr_t addr) {
    for (;;) {
        struct vm_region *hit = child_at(v, addr);
        if (!hit) return NULL;
        if (hit->kind == VM_REGION_MAPPING) return mapping_of(hit);
        v = vmar_of(hit);
    }
}

// A fault also maps the pages around it that need no new memory: the aligned window of
// FAULT_AROUND_PAGES holding the fault, inside the mapping, where nothing is mapped yet. After a
// read fault that is what a read fault of each page would map (the VMO's page, an ancestor's
// page read-only, or the shared zero page read-only); after a write fault only the pages the VMO
// already has. Sequential access then faults once per window, not once per page, and the whole
// window costs one page-table walk (hal_aspace_map_absent).
#define FAULT_AROUND_PAGES 16u

static void fault_around(struct vm_aspace *as, struct vm_mapping *m, uintptr_t fault_va, bool read) {
    const uintptr_t window = (uintptr_t)FAULT_AROUND_PAGES * PAGE;
    uintptr_t start = fault_va & ~(window - 1), end = start + window;
    if (start < m->r.base) start = m->r.base;
    if (end > region_end(&m->r) || end < start) end = region_end(&m->r);
    paddr_t pa[FAULT_AROUND_PAGES];
    unsigned flags[FAULT_AROUND_PAGES];
    size_t n = 0, found = 0;
    for (uintptr_t va = start; va < end; va += PAGE, n++) {
        pa[n] = HAL_NO_PAGE;
        if (va == fault_va) continue;
        uint64_t off = m->vmo_offset + (va - m->r.base);
        if (off >= m->vmo->size) break;
        bool writable;
        bool have = read ? vmo_fault_page(m->vmo, off / PAGE, false, &pa[n], &writable) == ZX_OK
                         : vmo_peek_page(m->vmo, off / PAGE, &pa[n], &writable);
        if (!have) {
            pa[n] = HAL_NO_PAGE;
            continue;
        }
        flags[n] = hal_flags(writable ? m->perms : (m->perms & ~ZX_VM_PERM_WRITE));
        found++;
    }
    if (found) hal_aspace_map_absent(&as->hal, start, n, pa, flags);
}

zx_status_t vm_fault(struct vm_aspace *as, uintptr_t addr, unsigned fault_flags) {
    if (as->dead || !as->root) return ZX_ERR_NOT_FOUND;
    struct vm_mapping *m = find_mapping(as->root, addr);
    if (!m) return ZX_ERR_NOT_FOUND;
    if ((fault_flags & HAL_FAULT_WRITE) && !(m->perms & ZX_VM_PERM_WRITE)) return ZX_ERR_ACCESS_DENIED;
    if ((fault_flags & HAL_FAULT_EXEC) && !(m->perms & ZX_VM_PERM_EXECUTE)) return ZX_ERR_ACCESS_DENIED;
    if (!(fault_flags & (HAL_FAULT_WRITE | HAL_FAULT_EXEC)) && !(m->perms & ZX_VM_PERM_READ))
        return ZX_ERR_ACCESS_DENIED;
    uintptr_t page_va = addr & ~(PAGE - 1);
    uint64_t off = m->vmo_offset + (page_va - m->r.base);
    if (off >= m->vmo->size) return ZX_ERR_OUT_OF_RANGE;
    paddr_t pa;
    bool writable;
    zx_status_t st = vmo_fault_page(m->vmo, off / PAGE, fault_flags & HAL_FAULT_WRITE, &pa, &writable);
    if (st != ZX_OK) return st;
    uint32_t perms = writable ? m->perms : (m->perms & ~ZX_VM_PERM_WRITE);
    st = hal_aspace_map(&as->hal, page_va, pa, hal_flags(perms));
    if (st == ZX_OK) fault_around(as, m, page_va, !(fault_flags & HAL_FAULT_WRITE));
    return st;
}

zx_status_t vm_pager_need(struct vm_aspace *as, uintptr_t addr, bool write, struct pager_request **req,
                          uint64_t *page) {
    struct vm_mapping *m = as->dead || !as->root ? NULL : find_mapping(as->root, addr);
    if (!m) return ZX_ERR_NOT_FOUND;
    uint64_t off = m->vmo_offset + ((addr & ~(PAGE - 1)) - m->r.base);
    if (off >= m->vmo->size) return ZX_ERR_OUT_OF_RANGE;
    return vmo_pager_need(m->vmo, off, PAGE, write, req, page);
}

void vm_mapping_write_protect(struct vm_mapping *m) {
    if (m->perms & ZX_VM_PERM_WRITE)
        hal_aspace_protect(&m->r.parent->as->hal, m->r.base, m->r.size, hal_flags(m->perms & ~ZX_VM_PERM_WRITE));
}

void vm_mappings_unmap_vmo_range(struct vmo *top, uint64_t offset, uint64_t len) {
    // Slices of top (at any depth) map top's pages too; base is where v starts in top.
    uint64_t base = 0;
    for (struct vmo *v = top; v; v = vmo_next_slice(top, v, &base)) {
        uint64_t vs = offset > base ? offset : base;
        uint64_t ve = offset + len < base + v->size ? offset + len : base + v->size;
        if (vs >= ve) continue;
        list_for_each(&v->mappings, it) {
            struct vm_mapping *m = container_of(it, struct vm_mapping, vmo_link);
            uint64_t ms = m->vmo_offset, me = m->vmo_offset + m->r.size;
            uint64_t s = vs - base > ms ? vs - base : ms, e = ve - base < me ? ve - base : me;
            if (s >= e) continue;
            uint64_t s_page = s & ~(PAGE - 1), e_page = round_up(e);
            mapping_unmap_range(m, m->r.base + (s_page - ms), e_page - s_page);
        }
    }
}

// Pre-order over the tree below top, iterative (VMARs nest as deep as a user likes); fn must
// not change the tree.
void vmar_walk(struct vmar *top, size_t depth, void (*fn)(void *ctx, struct vm_region *r, size_t depth),
               void *ctx) {
    fn(ctx, &top->r, depth);
    struct vmar *v = top;
    struct vm_region *c = first_child(top);
    for (;;) {
        if (!c) {
            if (v == top) return;
            c = next_region(&v->r);
            v = v->r.parent;
            depth--;
            continue;
        }
        fn(ctx, c, depth + 1);
        if (c->kind == VM_REGION_VMAR) {
            v = vmar_of(c);
            c = first_child(v);
            depth++;
        } else {
            c = next_region(c);
        }
    }
}

// Visits the mappings (at any depth) covering [addr, end) of top, which must have no holes;
// *cursor is where the visit has got to. Iterative, like vmar_walk.
static zx_status_t covered_mappings(struct vmar *top, uintptr_t addr, uintptr_t end,
                                    zx_status_t (*fn)(void *ctx, struct vm_mapping *m, uintptr_t s, uintptr_t e),
                                    void *ctx, uintptr_t *cursor) {
    (void)addr;
    struct vmar *v = top;
    struct vm_region *c = first_ending_above(top, *cursor);
    for (;;) {
        uintptr_t vend = v == top || region_end(&v->r) > end ? end : region_end(&v->r);
        if (c && c->base < vend) {
            if (c->base > *cursor) return ZX_ERR_BAD_STATE;  // a hole
            if (c->kind == VM_REGION_VMAR) {
                v = vmar_of(c);
                c = first_ending_above(v, *cursor);
                continue;
            }
            uintptr_t e = region_end(c) < vend ? region_end(c) : vend;
            zx_status_t st = fn ? fn(ctx, mapping_of(c), *cursor, e) : ZX_OK;
            *cursor = e;
            if (st != ZX_OK) return st;
            c = next_region(c);
            continue;
        }
        if (*cursor < vend) return ZX_ERR_BAD_STATE;
        if (v == top) return ZX_OK;
        c = next_region(&v->r);
        v = v->r.parent;
    }
}

static zx_status_t op_check_write(void *ctx, struct vm_mapping *m, uintptr_t s, uintptr_t e) {
    return (m->perms & ZX_VM_PERM_WRITE) ? ZX_OK : ZX_ERR_ACCESS_DENIED;
}

static zx_status_t op_commit(void *ctx, struct vm_mapping *m, uintptr_t s, uintptr_t e) {
    for (uintptr_t va = s; va < e; va += PAGE) {
        uint64_t off = m->vmo_offset + (va - m->r.base);
        if (off >= m->vmo->size) break;
        paddr_t pa;
        bool writable;
        zx_status_t st = vmo_fault_page(m->vmo, off / PAGE, true, &pa, &writable);
        if (st != ZX_OK) return st;
        st = hal_aspace_map(&m->r.parent->as->hal, va, pa, hal_flags(m->perms));
        if (st != ZX_OK) return st;
    }
    return ZX_OK;
}

static zx_status_t op_decommit(void *ctx, struct vm_mapping *m, uintptr_t s, uintptr_t e) {
    uint64_t off = m->vmo_offset + (s - m->r.base);
    if (off >= m->vmo->size) return ZX_OK;
    uint64_t len = e - s;
    if (off + len > m->vmo->size) len = m->vmo->size - off;
    return vmo_decommit_range(m->vmo, off, len);
}

static zx_status_t op_map_range(void *ctx, struct vm_mapping *m, uintptr_t s, uintptr_t e) {
    for (uintptr_t va = s; va < e; va += PAGE) {
        uint64_t off = m->vmo_offset + (va - m->r.base);
        paddr_t pa;
        if (off >= m->vmo->size || !vmo_lookup_page(m->vmo, off / PAGE, &pa)) continue;
        zx_status_t st = hal_aspace_map(&m->r.parent->as->hal, va, pa, hal_flags(m->perms & ~ZX_VM_PERM_WRITE));
        if (st != ZX_OK) return st;
    }
    return ZX_OK;
}

zx_status_t vmar_op_range(struct vmar *v, uint32_t op, uintptr_t addr, size_t len, zx_rights_t vmar_rights) {
    if (v->destroyed || v->as->dead) return ZX_ERR_BAD_STATE;
    if (addr % PAGE || len == 0) return ZX_ERR_INVALID_ARGS;
    // Each op has zx_vmo_op_range's alignment rules: a decommit wants whole pages, the others
    // cover every page the range touches.
    if (op == ZX_VMAR_OP_DECOMMIT && len % PAGE) return ZX_ERR_INVALID_ARGS;
    size_t size = round_up(len);
    if (size < len || addr + size < addr) return ZX_ERR_INVALID_ARGS;
    if (addr < v->r.base || addr + size > region_end(&v->r)) return ZX_ERR_OUT_OF_RANGE;
    uintptr_t end = addr + size, cur;
    zx_status_t (*fn)(void *, struct vm_mapping *, uintptr_t, uintptr_t);
    switch (op) {
    case ZX_VMAR_OP_COMMIT:
    case ZX_VMAR_OP_DECOMMIT:
        if (!(vmar_rights & ZX_RIGHT_WRITE)) return ZX_ERR_ACCESS_DENIED;
        cur = addr;
        if (covered_mappings(v, addr, end, op_check_write, NULL, &cur) != ZX_OK) {
            cur = addr;
            zx_status_t st = covered_mappings(v, addr, end, NULL, NULL, &cur);
            return st != ZX_OK ? st : ZX_ERR_ACCESS_DENIED;
        }
        fn = op == ZX_VMAR_OP_COMMIT ? op_commit : op_decommit;
        break;
    case ZX_VMAR_OP_MAP_RANGE:
        if (!(vmar_rights & ZX_RIGHT_READ)) return ZX_ERR_ACCESS_DENIED;
        fn = op_map_range;
        break;
    case ZX_VMAR_OP_DONT_NEED:
    case ZX_VMAR_OP_ALWAYS_NEED:
        fn = NULL;  // hints: nothing is ever reclaimed
        break;
    default:
        return ZX_ERR_INVALID_ARGS;
    }
    cur = addr;
    return covered_mappings(v, addr, end, fn, NULL, &cur);
}

zx_status_t vm_aspace_access(struct vm_aspace *as, uintptr_t va, void *kbuf, size_t len, bool write,
                             size_t *done) {
    *done = 0;
    if (as->dead || !as->root) return ZX_ERR_BAD_STATE;
    while (*done < len) {
        uintptr_t a = va + *done;
        struct vm_mapping *m = find_mapping(as->root, a);
        if (!m) break;
        if (vmo_is_physical(m->vmo)) return *done ? ZX_OK : ZX_ERR_NOT_SUPPORTED;  // not in the physmap
        uint64_t off = m->vmo_offset + (a - m->r.base);
        if (off >= m->vmo->size) break;
        size_t n = PAGE - (a % PAGE);
        if (n > len - *done) n = len - *done;
        paddr_t pa;
        if (write) {
            bool writable;
            zx_status_t st = vmo_fault_page(m->vmo, off / PAGE, true, &pa, &writable);
            if (st != ZX_OK) return st;
            memcpy((char *)paddr_to_kva(pa) + off % PAGE, (const char *)kbuf + *done, n);
        } else if (vmo_lookup_page(m->vmo, off / PAGE, &pa)) {
            memcpy((char *)kbuf + *done, (char *)paddr_to_kva(pa) + off % PAGE, n);
        } else {
            memset((char *)kbuf + *done, 0, n);
        }
        *done += n;
    }
    return *done ? ZX_OK : ZX_ERR_NO_MEMORY;
}
