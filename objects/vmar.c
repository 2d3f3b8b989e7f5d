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
static inline struct vm_region *region_of(struct list_node *n) { return container_of(n, struct vm_region, link); }
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
    list_clear_node(&v->r.link);
    v->as = as;
    as->refcount++;
    v->flags = flags;
    v->destroyed = false;
    list_init(&v->children);
    v->covered = &v->children;
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

// Where the gap-free prefix of v's children ends (v->covered, see vmar.h).
static uintptr_t covered_end(const struct vmar *v) {
    return v->covered == &v->children ? v->r.base : region_end(region_of(v->covered));
}

// r is about to leave v: if it is part of the covered prefix, the prefix now ends before it.
static void covered_forget(struct vmar *v, struct vm_region *r) {
    if (r->base < covered_end(v)) v->covered = r->link.prev;
}

static void insert_region(struct vmar *v, struct vm_region *r) {
    // r lies in free space, so at or above the covered prefix: the walk starts there.
    uintptr_t end = covered_end(v);
    struct list_node *pos = r->base >= end ? v->covered : &v->children;
    for (struct list_node *it = pos->next; it != &v->children; it = it->next) {
        if (region_of(it)->base > r->base) break;
        pos = it;
    }
    list_insert_after(pos, &r->link);
    r->parent = v;
    // Extend the prefix over whatever now follows it without a gap.
    for (struct list_node *n = v->covered->next; n != &v->children && region_of(n)->base == end;
         n = n->next) {
        v->covered = n;
        end = region_end(region_of(n));
    }
}

static bool range_free(struct vmar *v, uintptr_t base, size_t size) {
    if (base < covered_end(v)) return false;  // callers pass size > 0, base inside v
    for (struct list_node *it = v->covered->next; it != &v->children; it = it->next) {
        struct vm_region *c = region_of(it);
        if (c->base >= base + size) break;
        if (region_end(c) > base) return false;
    }
    return true;
}

// First fit, lowest address, honouring alignment, ending at or below `limit`. Nothing below
// the covered prefix is free: the search starts at its end.
static bool find_gap(struct vmar *v, size_t size, size_t align, uintptr_t limit, uintptr_t *out) {
    uintptr_t cur = (covered_end(v) + align - 1) & ~(align - 1);
    for (struct list_node *it = v->covered->next; it != &v->children; it = it->next) {
        struct vm_region *c = region_of(it);
        if (cur + size <= c->base && cur + size >= cur && cur + size <= limit) {
            *out = cur;
            return true;
        }
        if (region_end(c) > cur) cur = (region_end(c) + align - 1) & ~(align - 1);
    }
    if (cur + size >= cur && cur + size <= region_end(&v->r) && cur + size <= limit) {
        *out = cur;
        return true;
    }
    return false;
}

struct unmap_ctx {
    struct vm_aspace *as;
};

static void mapping_unmap_range(struct vm_mapping *m, uintptr_t base, size_t len) {
    hal_aspace_unmap(&m->r.parent->as->hal, base, len, NULL, NULL);
}

static void mapping_destroy(struct vm_mapping *m) {
    mapping_unmap_range(m, m->r.base, m->r.size);
    covered_forget(m->r.parent, &m->r);
    list_delete(&m->r.link);
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
        list_for_each_safe(&v->children, it, tmp) {
            struct vm_region *c = region_of(it);
            if (c->kind == VM_REGION_MAPPING) {
                mapping_destroy(mapping_of(c));
            } else {
                down = vmar_of(c);
                break;
            }
        }
        if (down) {
            v = down;
            continue;
        }
        struct vmar *up = v->r.parent;
        bool last = v == top;
        v->destroyed = true;
        if (up) {
            covered_forget(up, &v->r);
            list_delete(&v->r.link);
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
    list_insert_after(&m->r.link, &n->r.link);
    struct vmar *v = m->r.parent;
    if (v->covered == &m->r.link) v->covered = &n->r.link;  // the prefix still ends where m did
    list_insert_after(&m->vmo_link, &n->vmo_link);
    kobj_ref(&n->vmo->obj);
    return ZX_OK;
}

// Makes [base, end) fall on mapping boundaries. Sub-VMARs partly inside: INVALID_ARGS.
static zx_status_t split_at_edges(struct vmar *v, uintptr_t base, uintptr_t end) {
    list_for_each(&v->children, it) {
        struct vm_region *c = region_of(it);
        if (c->base >= end) break;
        if (region_end(c) <= base) continue;
        bool partial = c->base < base || region_end(c) > end;
        if (!partial) continue;
        if (c->kind == VM_REGION_VMAR) return ZX_ERR_INVALID_ARGS;
    }
    list_for_each(&v->children, it) {
        struct vm_region *c = region_of(it);
        if (c->base >= end) break;
        if (region_end(c) <= base || c->kind != VM_REGION_MAPPING) continue;
        if (c->base < base) {
            zx_status_t st = mapping_split(mapping_of(c), base);
            if (st != ZX_OK) return st;
            continue;  // the upper part is next in the list
        }
        if (region_end(c) > end) {
            zx_status_t st = mapping_split(mapping_of(c), end);
            if (st != ZX_OK) return st;
        }
    }
    return ZX_OK;
}

// ---- map ----

struct populate_ctx {
    struct vm_mapping *m;
    uint64_t first;
};

static void populate_page(void *ctx, uint64_t idx, paddr_t pa) {
    struct populate_ctx *p = ctx;
    struct vm_mapping *m = p->m;
    uintptr_t va = m->r.base + (idx * PAGE - m->vmo_offset);
    (void)hal_aspace_map(&m->r.parent->as->hal, va, pa, hal_flags(m->perms));
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
        list_for_each(&v->children, it) {
            struct vm_region *c = region_of(it);
            if (c->base >= base + size || region_end(c) <= base) continue;
            if (c->kind != VM_REGION_MAPPING) st = ZX_ERR_INVALID_ARGS;
        }
        if (st == ZX_OK) st = split_at_edges(v, base, base + size);
        if (st != ZX_OK) {
            slab_free(m);
            return st;
        }
        list_for_each_safe(&v->children, it, tmp) {
            struct vm_region *c = region_of(it);
            if (c->base >= base + size || region_end(c) <= base) continue;
            mapping_destroy(mapping_of(c));
        }
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
        struct populate_ctx pc = {m, first};
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
    st = split_at_edges(v, addr, end);
    if (st != ZX_OK) return st;
    list_for_each_safe(&v->children, it, tmp) {
        struct vm_region *c = region_of(it);
        if (c->base >= end) break;
        if (region_end(c) <= addr) continue;
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
    list_for_each(&v->children, it) {
        struct vm_region *c = region_of(it);
        if (c->base >= end) break;
        if (region_end(c) <= cur) continue;
        if (c->base > cur || c->kind != VM_REGION_MAPPING) return ZX_ERR_NOT_FOUND;
        if ((perms & ~mapping_of(c)->max_perms) || !perms_allowed(v, perms)) return ZX_ERR_ACCESS_DENIED;
        cur = region_end(c);
    }
    if (cur < end) return ZX_ERR_NOT_FOUND;
    st = split_at_edges(v, addr, end);
    if (st != ZX_OK) return st;
    list_for_each(&v->children, it) {
        struct vm_region *c = region_of(it);
        if (c->base >= end) break;
        if (region_end(c) <= addr) continue;
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
        struct vm_region *hit = NULL;
        list_for_each(&v->children, it) {
            struct vm_region *c = region_of(it);
            if (c->base > addr) break;
            if (addr < region_end(c)) {
                hit = c;
                break;
            }
        }
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

zx_status_t vm_pager_need(struct vm_aspace *as, uintptr_t addr, struct pager_request **req, uint64_t *page) {
    struct vm_mapping *m = as->dead || !as->root ? NULL : find_mapping(as->root, addr);
    if (!m) return ZX_ERR_NOT_FOUND;
    uint64_t off = m->vmo_offset + ((addr & ~(PAGE - 1)) - m->r.base);
    if (off >= m->vmo->size) return ZX_ERR_OUT_OF_RANGE;
    return vmo_pager_need(m->vmo, off, PAGE, req, page);
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
    struct list_node *it = top->children.next;
    for (;;) {
        if (it == &v->children) {
            if (v == top) return;
            it = v->r.link.next;
            v = v->r.parent;
            depth--;
            continue;
        }
        struct vm_region *c = region_of(it);
        fn(ctx, c, depth + 1);
        if (c->kind == VM_REGION_VMAR) {
            v = vmar_of(c);
            it = v->children.next;
            depth++;
        } else {
            it = it->next;
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
    struct list_node *it = top->children.next;
    for (;;) {
        uintptr_t vend = v == top || region_end(&v->r) > end ? end : region_end(&v->r);
        if (it != &v->children && region_of(it)->base < vend) {
            struct vm_region *c = region_of(it);
            if (region_end(c) <= *cursor) {
                it = it->next;
                continue;
            }
            if (c->base > *cursor) return ZX_ERR_BAD_STATE;  // a hole
            if (c->kind == VM_REGION_VMAR) {
                v = vmar_of(c);
                it = v->children.next;
                continue;
            }
            uintptr_t e = region_end(c) < vend ? region_end(c) : vend;
            zx_status_t st = fn ? fn(ctx, mapping_of(c), *cursor, e) : ZX_OK;
            *cursor = e;
            if (st != ZX_OK) return st;
            it = it->next;
            continue;
        }
        if (*cursor < vend) return ZX_ERR_BAD_STATE;
        if (v == top) return ZX_OK;
        it = v->r.link.next;
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
