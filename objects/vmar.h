// Virtual memory address regions and mappings; one vm_aspace per process.
#ifndef ZC_OBJECTS_VMAR_H
#define ZC_OBJECTS_VMAR_H

#include <stdint.h>
#include <zircon/types.h>

#include "hal/hal.h"
#include "kernel/avl.h"
#include "objects/kobj.h"
#include "objects/vmo.h"

struct vmar;

struct vm_aspace {
    uint32_t refcount;       // the process + every VMAR of it
    bool dead;               // torn down: no mappings can be made
    struct hal_aspace hal;
    struct vmar *root;
    uintptr_t vdso_base, vdso_end;  // the vDSO's executable mapping (0 = none yet)
    uintptr_t vdso_image_base;      // where the vDSO image starts (ZX_PROP_PROCESS_VDSO_BASE_ADDRESS)
};

enum { VM_REGION_VMAR, VM_REGION_MAPPING };

struct vm_region {
    uint32_t kind;
    bool stale;              // sub_* are out of date (and so are the ancestors')
    uintptr_t base;
    size_t size;
    struct vmar *parent;
    struct avl_node node;    // in parent->children, ordered by base
    // Of the regions in node's subtree, for the free-gap search (vmar.c keeps them, lazily):
    // the lowest base, the highest end, the largest gap between two that follow each other.
    uintptr_t sub_base, sub_end;
    size_t sub_gap;
};

struct vmar {
    struct kobj obj;
    struct vm_region r;
    struct vm_aspace *as;
    uint32_t flags;          // ZX_VM_CAN_MAP_* and ZX_VM_COMPACT / SPECIFIC bits it was made with
    bool destroyed;
    // Its sub-VMARs and mappings, disjoint, in an AVL tree by base: finding the one at an
    // address, adding and removing are O(log n), finding a free gap O(log n) amortised
    // (docs/kernel.md, "VMAR regions").
    struct avl_tree children;
    // The children from the first one up to this one cover [r.base, its end) without a gap
    // (NULL: nothing known to be covered). The gap search starts here.
    struct vm_region *covered;
};

struct vm_mapping {
    struct vm_region r;
    struct vmo *vmo;         // holds a reference
    uint64_t vmo_offset;
    uint32_t perms;          // ZX_VM_PERM_READ | WRITE | EXECUTE
    uint32_t max_perms;      // what the VMO handle's rights allowed at map time
    struct list_node vmo_link;
};

static inline struct vmar *to_vmar(struct kobj *o) {
    return (struct vmar *)kobj_checked(o, ZX_OBJ_TYPE_VMAR);
}

zx_status_t vm_aspace_create(struct vm_aspace **out) __attribute__((warn_unused_result));
void vm_aspace_destroy_mappings(struct vm_aspace *as);  // process death
void vm_aspace_unref(struct vm_aspace *as);

zx_status_t vmar_map(struct vmar *vmar, zx_vm_option_t options, size_t vmar_offset, struct vmo *vmo,
                     uint64_t vmo_offset, size_t len, zx_rights_t vmo_rights, zx_rights_t vmar_rights,
                     uintptr_t *mapped) __attribute__((warn_unused_result));
zx_status_t vmar_unmap(struct vmar *vmar, uintptr_t addr, size_t len);
zx_status_t vmar_protect(struct vmar *vmar, zx_vm_option_t options, uintptr_t addr, size_t len,
                         zx_rights_t vmar_rights) __attribute__((warn_unused_result));
zx_status_t vmar_allocate(struct vmar *parent, zx_vm_option_t options, size_t offset, size_t size,
                          struct vmar **child) __attribute__((warn_unused_result));
zx_status_t vmar_destroy(struct vmar *vmar);
zx_status_t vmar_op_range(struct vmar *v, uint32_t op, uintptr_t addr, size_t len, zx_rights_t vmar_rights)
    __attribute__((warn_unused_result));
// Debugger access to another address space: copies up to len bytes at va through the VMOs
// (ignoring mapping permissions); stops at the first unmapped page. *done = bytes copied.
zx_status_t vm_aspace_access(struct vm_aspace *as, uintptr_t va, void *kbuf, size_t len, bool write,
                             size_t *done) __attribute__((warn_unused_result));
zx_status_t vm_fault(struct vm_aspace *as, uintptr_t addr, unsigned fault_flags) __attribute__((warn_unused_result));
// After vm_fault said ZX_ERR_SHOULD_WAIT: the pager request the page at addr waits on
// (vmo_pager_need for the page of the mapping there; `write`: the fault was a write).
zx_status_t vm_pager_need(struct vm_aspace *as, uintptr_t addr, bool write, struct pager_request **req, uint64_t *page)
    __attribute__((warn_unused_result));

// For VMO resize/decommit: remove the pages of [offset, offset+len) of v from every mapping.
void vm_mappings_unmap_vmo_range(struct vmo *v, uint64_t offset, uint64_t len);

// Makes the mapping's present pages read-only (its VMO just became a COW clone's source).
void vm_mapping_write_protect(struct vm_mapping *m);

// Visits the regions of v's subtree depth-first, pre-order (v itself at `depth`).
void vmar_walk(struct vmar *v, size_t depth, void (*fn)(void *ctx, struct vm_region *r, size_t depth),
               void *ctx);

// Rights a VMAR handle gets from its mapping permissions.
zx_rights_t vmar_rights_for(uint32_t flags);

#endif
