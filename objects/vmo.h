// Virtual memory objects: pages in a hash table keyed by page index, committed on first
// write or fault; reads of uncommitted pages see zeros.
#ifndef ZC_OBJECTS_VMO_H
#define ZC_OBJECTS_VMO_H

#include <stdint.h>
#include <zircon/types.h>

#include "hal/hal.h"
#include "kernel/user_ptr.h"
#include "objects/kobj.h"

struct pager_src;
struct pager_request;

struct page_map {
    uint64_t *keys;   // page index, or PAGE_MAP_EMPTY
    paddr_t *frames;
    uint32_t cap;     // power of two (or 0)
    uint32_t count;
};

#define VMO_F_RESIZABLE  1u
#define VMO_F_VDSO       2u  // the vDSO image: mapping it marks the process's vDSO range
#define VMO_F_EXECUTABLE 4u  // handles to it may carry ZX_RIGHT_EXECUTE
#define VMO_F_HIDDEN     8u  // an internal COW node, never visible to user space
#define VMO_F_PHYSICAL  16u  // a window onto physical addresses (phys_base): no page map, no COW
#define VMO_F_IMMUTABLE 32u  // a read-only snapshot no handle can ever write (ZX_INFO_VMO_IMMUTABLE)
#define VMO_F_ZERO_MAPPED 64u  // some mapping may show the shared zero page for a page it lacks
#define VMO_F_PAGER_CHAIN 128u  // a pager-backed VMO, or a clone (or hidden node) above one
#define VMO_F_SNAPSHOT  256u  // created as a snapshot child (whether or not it has a parent now)

// Copy-on-write clones use hidden parents: cloning A moves A's pages into a new hidden node H
// (a pointer swap), and A and the clone both become H's children with empty page maps. Lookups
// walk up the chain; the first write to a page copies it into the writer. Closing a child
// merges H back into its only remaining child, costing what that child wrote, not the VMO size.
// Locking (docs/smp.md): every field changes only under the kernel lock's exclusive hold; the
// shared-hold read (vmo_read_user_shared) reads the page map without a lock.
struct vmo {
    struct kobj obj;
    uint64_t size;              // bytes, page aligned
    uint64_t content_size;      // bytes as created or last resized (ZX_PROP_VMO_CONTENT_SIZE)
    uint32_t flags;
    struct page_map pages;      // pages this VMO owns, keyed by its own page index
    struct list_node mappings;  // struct vm_mapping.vmo_link
    uint32_t cache_policy;
    // COW chain: page i of this VMO, if not owned, is page i + parent_offset/PAGE of parent,
    // for i * PAGE < parent_limit; beyond, it reads as zero.
    struct vmo *parent;         // hidden node (referenced) or NULL
    uint64_t parent_offset;
    uint64_t parent_limit;
    struct vmo *kids[2];        // for hidden nodes: the (at most two) children still attached
    // Slices: a window onto another VMO's pages.
    struct vmo *slice_of;       // referenced; NULL for ordinary VMOs
    uint64_t slice_offset;
    // The user-visible parent/child relation (ZX_VMO_ZERO_CHILDREN, get_child).
    struct vmo *user_parent;    // not referenced; cleared when the parent goes
    struct list_node user_link;
    struct list_node user_children;
    uint32_t user_child_count;
    paddr_t phys_base;          // VMO_F_PHYSICAL: page i is the frame at phys_base + i * PAGE
    struct pager_src *pager_src;  // pager-backed (zx_pager_create_vmo): owned; else NULL
};

zx_status_t vmo_create(uint64_t size, uint32_t flags, struct vmo **out) __attribute__((warn_unused_result));
// zx_vmo_create_physical: [base, base + size) of physical memory, page aligned. Such a VMO (and
// its slices) can be mapped, not read or written through the kernel, nor cloned or decommitted.
zx_status_t vmo_create_physical(paddr_t base, uint64_t size, struct vmo **out) __attribute__((warn_unused_result));
// True when v (a slice resolved to its root) shows physical memory.
bool vmo_is_physical(struct vmo *v);
// True when mappings of v (slices resolved) may show the read-only zero page for pages v lacks:
// raising such a mapping to writable must leave write access to the fault path.
bool vmo_zero_mapped(struct vmo *v);
static inline struct vmo *to_vmo(struct kobj *o) {
    return (struct vmo *)kobj_checked(o, ZX_OBJ_TYPE_VMO);
}

// Copies between user memory and the VMO (one copy, through the physmap).
// Pre-order walk of the slices below top (slices of slices too), without recursion: the one
// after v, or NULL. *base (0 for top) follows the offset of the returned VMO inside top.
struct vmo *vmo_next_slice(struct vmo *top, struct vmo *v, uint64_t *base);
zx_status_t vmo_read_user(struct vmo *v, user_out_ptr dst, uint64_t offset, size_t len) __attribute__((warn_unused_result));
// vmo_read_user for the kernel lock's shared hold (docs/smp.md): true when it copied the whole
// range, which lies in pages v itself owns, to user memory that is present; false otherwise
// (having maybe copied part). It takes no lock: the page map changes only under the exclusive
// hold, and no fault is resolved.
bool vmo_read_user_shared(const struct vmo *v, user_out_ptr dst, uint64_t offset, size_t len);
zx_status_t vmo_write_user(struct vmo *v, user_in_ptr src, uint64_t offset, size_t len) __attribute__((warn_unused_result));
zx_status_t vmo_write_kernel(struct vmo *v, uint64_t offset, const void *src, size_t len) __attribute__((warn_unused_result));
zx_status_t vmo_read_kernel(struct vmo *v, uint64_t offset, void *dst, size_t len) __attribute__((warn_unused_result));
// Moves [offset, offset + len) between the VMO and the user buffers seg[0..), whose lengths sum
// to len (zero-length ones are passed over), in order, walking the VMO's pages once (a write
// commits them): one page lookup per page however many buffers share it, each page's bytes
// copied with one scatter/gather user copy (copy_user_segs). *moved: the bytes that reached their destination (all of
// len on ZX_OK; fewer after an error, the one of the user copy or of the walk).
zx_status_t vmo_rw_user_segs(struct vmo *v, bool write, const struct hal_user_seg *seg, uint64_t offset,
                             size_t len, size_t *moved) __attribute__((warn_unused_result));
// The frame backing page `idx`, committing a zeroed one when needed.
zx_status_t vmo_commit_page(struct vmo *v, uint64_t idx, paddr_t *pa) __attribute__((warn_unused_result));
bool vmo_lookup_page(struct vmo *v, uint64_t idx, paddr_t *pa);
// Calls fn for each committed page with index in [first, last].
void vmo_for_each_page(struct vmo *v, uint64_t first, uint64_t last,
                       void (*fn)(void *ctx, uint64_t idx, paddr_t pa), void *ctx);
zx_status_t vmo_set_size(struct vmo *v, uint64_t size) __attribute__((warn_unused_result));
uint64_t vmo_committed_bytes(const struct vmo *v);
// ZX_INFO_VMO's record of v, as seen through a handle with `rights` (also the records of
// ZX_INFO_PROCESS_VMOS).
struct zx_info_vmo;
void vmo_info(struct vmo *v, zx_rights_t rights, struct zx_info_vmo *info);

// True when (slices resolved) v shows pages of hidden ancestors (a COW clone).
bool vmo_has_ancestors(struct vmo *v, uint64_t *offset);

// zx_vmo_create_child's kinds.
enum vmo_child_kind { VMO_CHILD_SNAPSHOT, VMO_CHILD_SLICE };
zx_status_t vmo_create_child(struct vmo *v, enum vmo_child_kind kind, uint64_t offset, uint64_t size,
                             bool resizable, struct vmo **out) __attribute__((warn_unused_result));
// Frees (or, in clones, zeroes) whole pages and zeroes partial ones in [offset, offset+len).
zx_status_t vmo_zero_range(struct vmo *v, uint64_t offset, uint64_t len) __attribute__((warn_unused_result));
zx_status_t vmo_commit_range(struct vmo *v, uint64_t offset, uint64_t len) __attribute__((warn_unused_result));
zx_status_t vmo_decommit_range(struct vmo *v, uint64_t offset, uint64_t len) __attribute__((warn_unused_result));
// The frame page idx shows now, without committing one: true and whether it may be mapped
// writable (own page) when there is one, false when only a fault could provide it.
bool vmo_peek_page(struct vmo *v, uint64_t idx, paddr_t *pa, bool *writable);
// Pages a fault may map: the frame for page idx and whether it may be mapped writable (own page).
zx_status_t vmo_fault_page(struct vmo *v, uint64_t idx, bool write, paddr_t *pa, bool *writable) __attribute__((warn_unused_result));

// ---- pager-backed VMOs (objects/pager.h, docs/pager.md) ----
// A page a pager-backed VMO lacks is the pager's to supply: accesses that need it get
// ZX_ERR_SHOULD_WAIT (ZX_ERR_BAD_STATE once the VMO is detached) instead of a zero page.
// The VMO v is pager-backed, or a clone that shows pages of one (slices resolved).
bool vmo_pager_backed(struct vmo *v);
// The pager-backed VMO itself (slices resolved), or NULL.
struct vmo *vmo_pager_root(struct vmo *v);
// Before an access to [offset, offset+len) of v (an in-range one): ZX_OK when every page it
// needs is there; else ZX_ERR_SHOULD_WAIT with the request for the first missing page (*page:
// its index in the request's VMO), ZX_ERR_BAD_STATE (detached), ZX_ERR_NO_MEMORY. A `write`
// to the pager-backed VMO itself also needs its pages dirty: it makes them so, or with
// ZX_VMO_TRAP_DIRTY waits on a ZX_PAGER_VMO_DIRTY request for the first clean one; and marks
// the VMO modified.
zx_status_t vmo_pager_need(struct vmo *v, uint64_t offset, uint64_t len, bool write, struct pager_request **req,
                           uint64_t *page) __attribute__((warn_unused_result));
// zx_pager_query_vmo_stats' `modified`: set by writes to v (slices resolved; clones write their
// own pages), cleared (v: the pager-backed VMO) by ZX_PAGER_RESET_VMO_STATS.
void vmo_pager_mark_modified(struct vmo *v);
void vmo_pager_reset_modified(struct vmo *v);
// Dirty tracking of pager-backed v (the VMO itself; page indices, in range, checked by the
// caller). True when a write to page idx must make it dirty first (v owns it, not dirty).
bool vmo_pager_wants_dirty(const struct vmo *v, uint64_t idx);
// ZX_PAGER_OP_DIRTY: pages [first, end) become dirty, writes waiting for them go on;
// ZX_ERR_NOT_FOUND (nothing changed) when the pager has not supplied one of them.
zx_status_t vmo_pager_dirty_range(struct vmo *v, uint64_t first, uint64_t end) __attribute__((warn_unused_result));
// ZX_PAGER_OP_WRITEBACK_BEGIN: the dirty pages of [first, end) (`only_zero`: those whose
// content is zeros) await clean; a write before the END makes them dirty again.
zx_status_t vmo_pager_writeback_begin(struct vmo *v, uint64_t first, uint64_t end, bool only_zero)
    __attribute__((warn_unused_result));
// ZX_PAGER_OP_WRITEBACK_END: the pages of [first, end) still awaiting clean are clean.
void vmo_pager_writeback_end(struct vmo *v, uint64_t first, uint64_t end);
// zx_pager_query_dirty_ranges: fn for each maximal run [first, end) of dirty pages in order
// (`zero`: pages v lacks, which read as zeros); stops at fn's first error and returns it.
typedef zx_status_t (*vmo_dirty_run_fn)(void *ctx, uint64_t first, uint64_t end, bool zero);
zx_status_t vmo_pager_dirty_runs(struct vmo *v, uint64_t first, uint64_t end, vmo_dirty_run_fn fn, void *ctx)
    __attribute__((warn_unused_result));
// True when v (not a slice) owns page idx.
bool vmo_owns_page(const struct vmo *v, uint64_t idx);
// zx_pager_supply_pages: moves aux's pages [aux_off, +len) into the absent pages of v at
// offset (aux's copies of pages v has are freed; aux's absent pages become zero pages); aux's
// range is decommitted afterwards. All page aligned, ranges checked by the caller.
zx_status_t vmo_supply_pages(struct vmo *v, uint64_t offset, uint64_t len, struct vmo *aux, uint64_t aux_off)
    __attribute__((warn_unused_result));

extern paddr_t zero_page;  // shared, never written
extern uint64_t vmo_committed_pages;  // owned by any VMO (incl. hidden nodes)
void vmo_global_init(void);

#endif
