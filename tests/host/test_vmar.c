// VMARs and mappings: placement, unmap/protect splitting, sub-regions, faults (objects/vmar.c),
// checked against the test HAL's MMU.
#include <string.h>
#include <zircon/rights.h>

#include "kernel/pmm.h"
#include "tests/host/kt_vm.h"

#define PAGE HAL_PAGE_SIZE

static size_t nchildren(struct vmar *v) {
    size_t n = 0;
    for (struct avl_node *it = avl_first(&v->children); it; it = avl_next(it)) n++;
    return n;
}

static struct vm_region *child(struct vmar *v, size_t i) {
    for (struct avl_node *it = avl_first(&v->children); it; it = avl_next(it))
        if (i-- == 0) return container_of(it, struct vm_region, node);
    return NULL;
}

struct fixture {
    struct vm_aspace *as;
    struct vmo *vmo;
    zx_rights_t rr;  // the root VMAR's rights
};

static void setup(struct fixture *f, uint64_t vmo_pages) {
    if (vm_aspace_create(&f->as) != ZX_OK || vmo_create(vmo_pages * PAGE, 0, &f->vmo) != ZX_OK)
        kt_fail(__FILE__, __LINE__, "setup");
    f->rr = KT_ROOT_RIGHTS(f->as);
}
static void teardown(struct fixture *f) {
    kt_aspace_destroy(f->as);
    kobj_unref(&f->vmo->obj);
}
static zx_status_t map(struct fixture *f, struct vmar *v, zx_vm_option_t opts, size_t off, uint64_t vmo_off,
                       size_t len, uintptr_t *a) {
    return vmar_map(v ? v : f->as->root, opts, off, f->vmo, vmo_off, len, ZX_DEFAULT_VMO_RIGHTS,
                    v ? vmar_rights_for(v->flags) : f->rr, a);
}

TEST(Vmar, FirstFitPlacement) {
    struct fixture f;
    setup(&f, 4);
    uintptr_t a, b, c;
    ASSERT_OK(map(&f, NULL, KT_RW, 0, 0, 4 * PAGE, &a));
    ASSERT_OK(map(&f, NULL, KT_RW, 0, 0, 2 * PAGE, &b));
    EXPECT_EQ(a, HAL_USER_BASE);
    EXPECT_EQ(b, a + 4 * PAGE);
    ASSERT_OK(vmar_unmap(f.as->root, a, 4 * PAGE));
    ASSERT_OK(map(&f, NULL, KT_RW, 0, 0, 3 * PAGE, &c));  // the hole is reused
    EXPECT_EQ(c, a);
    EXPECT_EQ(nchildren(f.as->root), 2);
    EXPECT_EQ(f.vmo->obj.refcount, 3);  // each mapping holds the VMO
    teardown(&f);
}

TEST(Vmar, MapChecksArguments) {
    struct fixture f;
    setup(&f, 4);
    uintptr_t a;
    EXPECT_STATUS(map(&f, NULL, KT_RW, 0, 0, 0, &a), ZX_ERR_INVALID_ARGS);            // empty
    EXPECT_STATUS(map(&f, NULL, KT_RW, 0, 100, PAGE, &a), ZX_ERR_INVALID_ARGS);       // vmo offset
    EXPECT_STATUS(map(&f, NULL, KT_RW, PAGE, 0, PAGE, &a), ZX_ERR_INVALID_ARGS);      // offset, not SPECIFIC
    EXPECT_STATUS(map(&f, NULL, KT_RW | (1u << 20), 0, 0, PAGE, &a), ZX_ERR_INVALID_ARGS);  // unknown option
    EXPECT_STATUS(map(&f, NULL, KT_RW, 0, 0, 5 * PAGE, &a), ZX_ERR_BUFFER_TOO_SMALL);  // beyond the VMO
    EXPECT_STATUS(vmar_map(f.as->root, KT_RW, 0, f.vmo, 0, PAGE, ZX_RIGHT_READ | ZX_RIGHT_MAP, f.rr, &a),
                  ZX_ERR_ACCESS_DENIED);  // the VMO handle cannot write
    EXPECT_STATUS(vmar_map(f.as->root, KT_RW, 0, f.vmo, 0, PAGE, ZX_DEFAULT_VMO_RIGHTS,
                           f.rr & ~ZX_RIGHT_WRITE, &a), ZX_ERR_ACCESS_DENIED);  // nor the VMAR handle
    EXPECT_EQ(nchildren(f.as->root), 0);
    EXPECT_OK(map(&f, NULL, KT_RW | ZX_VM_ALLOW_FAULTS, 0, 0, 5 * PAGE, &a));  // beyond, if asked
    teardown(&f);
}

TEST(Vmar, SpecificPlacementAndOverlap) {
    struct fixture f;
    setup(&f, 8);
    uintptr_t a, b;
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 16 * PAGE, 0, 4 * PAGE, &a));
    EXPECT_EQ(a, HAL_USER_BASE + 16 * PAGE);
    EXPECT_STATUS(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 18 * PAGE, 0, 4 * PAGE, &b), ZX_ERR_ALREADY_EXISTS);
    EXPECT_STATUS(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 13 * PAGE, 0, 4 * PAGE, &b), ZX_ERR_ALREADY_EXISTS);
    EXPECT_STATUS(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 16 * PAGE + 1, 0, PAGE, &b), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, HAL_USER_END - HAL_USER_BASE, 0, PAGE, &b),
                  ZX_ERR_INVALID_ARGS);  // past the end of the VMAR
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 12 * PAGE, 0, 4 * PAGE, &b));  // touching is fine
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 20 * PAGE, 0, 4 * PAGE, &b));
    EXPECT_EQ(nchildren(f.as->root), 3);
    // Children stay sorted by address.
    EXPECT_LT(child(f.as->root, 0)->base, child(f.as->root, 1)->base);
    EXPECT_LT(child(f.as->root, 1)->base, child(f.as->root, 2)->base);
    teardown(&f);
}

TEST(Vmar, SpecificOverwriteReplaces) {
    struct fixture f;
    setup(&f, 8);
    uintptr_t a, b;
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_MAP_RANGE, 0, 0, 8 * PAGE, &a));
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 8);
    ASSERT_OK(map(&f, NULL, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE, 2 * PAGE, 0, 2 * PAGE, &b));
    EXPECT_EQ(b, a + 2 * PAGE);
    EXPECT_EQ(nchildren(f.as->root), 3);  // [0,2) [2,4) new, [4,8)
    // The replaced pages are gone from the MMU; the new mapping (no MAP_RANGE) maps the VMO's
    // pages 0..1 when they fault.
    unsigned fl;
    paddr_t p0, pv;
    ASSERT_TRUE(vmo_lookup_page(f.vmo, 0, &pv));
    EXPECT_EQ(kt_pte(f.as, b, NULL), 0);
    EXPECT_OK(vm_fault(f.as, b, 0));
    p0 = kt_pte(f.as, b, &fl);
    EXPECT_EQ(p0, pv);
    EXPECT_EQ(fl & HAL_MMU_WRITE, 0);
    EXPECT_VM_COHERENT(f.as);
    teardown(&f);
}

TEST(Vmar, AlignmentOption) {
    struct fixture f;
    setup(&f, 1);
    uintptr_t a, b;
    ASSERT_OK(map(&f, NULL, KT_RW, 0, 0, PAGE, &a));
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_ALIGN_1MB, 0, 0, PAGE, &b));
    EXPECT_EQ(b % (1 << 20), 0);
    EXPECT_GT(b, a);
    EXPECT_STATUS(map(&f, NULL, KT_RW | (5u << ZX_VM_ALIGN_BASE), 0, 0, PAGE, &b), ZX_ERR_INVALID_ARGS);
    teardown(&f);
}

// Unmapping the middle of a mapping leaves two mappings, with the MMU pages on both sides.
TEST(Vmar, UnmapSplitsAMappingInTwo) {
    struct fixture f;
    setup(&f, 8);
    uintptr_t a;
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_MAP_RANGE, 0, 0, 8 * PAGE, &a));
    ASSERT_EQ(th_mmu_pages(&f.as->hal), 8);
    ASSERT_OK(vmar_unmap(f.as->root, a + 3 * PAGE, 2 * PAGE));
    ASSERT_EQ(nchildren(f.as->root), 2);
    struct vm_region *lo = child(f.as->root, 0), *hi = child(f.as->root, 1);
    EXPECT_EQ(lo->base, a);
    EXPECT_EQ(lo->size, 3 * PAGE);
    EXPECT_EQ(hi->base, a + 5 * PAGE);
    EXPECT_EQ(hi->size, 3 * PAGE);
    EXPECT_EQ(container_of(hi, struct vm_mapping, r)->vmo_offset, 5 * PAGE);
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 6);
    EXPECT_EQ(kt_pte(f.as, a + 3 * PAGE, NULL), 0);
    EXPECT_EQ(kt_pte(f.as, a + 4 * PAGE, NULL), 0);
    EXPECT_NE(kt_pte(f.as, a + 5 * PAGE, NULL), 0);
    EXPECT_VM_COHERENT(f.as);
    EXPECT_EQ(f.vmo->obj.refcount, 3);  // one per mapping
    // Faults in the hole fail; on either side they work.
    EXPECT_STATUS(vm_fault(f.as, a + 4 * PAGE, 0), ZX_ERR_NOT_FOUND);
    EXPECT_OK(vm_fault(f.as, a + 7 * PAGE + 5, HAL_FAULT_WRITE));
    teardown(&f);
}

TEST(Vmar, UnmapAcrossMappingsAndHoles) {
    struct fixture f;
    setup(&f, 4);
    uintptr_t a, b;
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 0, 0, 4 * PAGE, &a));
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 6 * PAGE, 0, 4 * PAGE, &b));
    ASSERT_OK(vmar_unmap(f.as->root, a + 2 * PAGE, 6 * PAGE));  // tail of one, hole, head of other
    ASSERT_EQ(nchildren(f.as->root), 2);
    EXPECT_EQ(child(f.as->root, 0)->size, 2 * PAGE);
    EXPECT_EQ(child(f.as->root, 1)->base, a + 8 * PAGE);
    EXPECT_EQ(child(f.as->root, 1)->size, 2 * PAGE);
    EXPECT_OK(vmar_unmap(f.as->root, a + 100 * PAGE, PAGE));  // nothing there: fine
    EXPECT_STATUS(vmar_unmap(f.as->root, a + 1, PAGE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(vmar_unmap(f.as->root, a, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(vmar_unmap(f.as->root, HAL_USER_BASE - PAGE, PAGE), ZX_ERR_INVALID_ARGS);
    teardown(&f);
}

TEST(Vmar, ProtectSplitsAndChangesTheMmu) {
    struct fixture f;
    setup(&f, 6);
    uintptr_t a;
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_MAP_RANGE, 0, 0, 6 * PAGE, &a));
    ASSERT_OK(vmar_protect(f.as->root, ZX_VM_PERM_READ, a + 2 * PAGE, 2 * PAGE, f.rr));
    ASSERT_EQ(nchildren(f.as->root), 3);
    struct vm_mapping *mid = container_of(child(f.as->root, 1), struct vm_mapping, r);
    EXPECT_EQ(mid->r.base, a + 2 * PAGE);
    EXPECT_EQ(mid->perms, ZX_VM_PERM_READ);
    unsigned fl;
    kt_pte(f.as, a + 2 * PAGE, &fl);
    EXPECT_EQ(fl, HAL_MMU_READ);
    kt_pte(f.as, a + PAGE, &fl);
    EXPECT_EQ(fl, HAL_MMU_READ | HAL_MMU_WRITE);
    EXPECT_STATUS(vm_fault(f.as, a + 3 * PAGE, HAL_FAULT_WRITE | HAL_FAULT_PRESENT), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(vm_fault(f.as, a + 5 * PAGE, HAL_FAULT_WRITE | HAL_FAULT_PRESENT));
    // Back to read-write: the two halves do not merge, but the whole range is writable again.
    ASSERT_OK(vmar_protect(f.as->root, KT_RW, a, 6 * PAGE, f.rr));
    kt_pte(f.as, a + 2 * PAGE, &fl);
    EXPECT_EQ(fl, HAL_MMU_READ | HAL_MMU_WRITE);
    teardown(&f);
}

TEST(Vmar, ProtectChecks) {
    struct fixture f;
    setup(&f, 4);
    uintptr_t a, b;
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 0, 0, 2 * PAGE, &a));
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_SPECIFIC, 3 * PAGE, 0, 2 * PAGE, &b));
    EXPECT_STATUS(vmar_protect(f.as->root, ZX_VM_PERM_READ, a, 5 * PAGE, f.rr), ZX_ERR_NOT_FOUND);  // a gap
    EXPECT_STATUS(vmar_protect(f.as->root, ZX_VM_PERM_READ, a + 10 * PAGE, PAGE, f.rr), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(vmar_protect(f.as->root, KT_RW | ZX_VM_PERM_EXECUTE, a, PAGE, f.rr),
                  ZX_ERR_ACCESS_DENIED);  // the VMO handle had no EXECUTE
    EXPECT_STATUS(vmar_protect(f.as->root, ZX_VM_PERM_READ, a, PAGE, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(vmar_protect(f.as->root, ZX_VM_MAP_RANGE, a, PAGE, f.rr), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(nchildren(f.as->root), 2);  // failed calls split nothing
    teardown(&f);
}

TEST(Vmar, SubregionsHoldMappingsAndDieTogether) {
    struct fixture f;
    setup(&f, 4);
    struct vmar *sub, *subsub;
    ASSERT_OK(vmar_allocate(f.as->root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                            64 * PAGE, &sub));
    EXPECT_EQ(sub->r.base, HAL_USER_BASE);
    EXPECT_EQ(sub->r.size, 64 * PAGE);
    ASSERT_OK(vmar_allocate(sub, ZX_VM_CAN_MAP_READ | ZX_VM_SPECIFIC, 8 * PAGE, 16 * PAGE, &subsub));
    EXPECT_EQ(subsub->r.base, sub->r.base + 8 * PAGE);
    uintptr_t a, b, c;
    ASSERT_OK(map(&f, sub, KT_RW | ZX_VM_MAP_RANGE, 0, 0, 4 * PAGE, &a));
    EXPECT_TRUE(a >= sub->r.base && a < sub->r.base + 8 * PAGE);
    ASSERT_OK(map(&f, subsub, ZX_VM_PERM_READ | ZX_VM_MAP_RANGE, 0, 0, 4 * PAGE, &b));
    EXPECT_TRUE(b >= subsub->r.base && b < subsub->r.base + subsub->r.size);
    EXPECT_STATUS(map(&f, subsub, KT_RW, 0, 0, PAGE, &c), ZX_ERR_ACCESS_DENIED);  // no CAN_MAP_WRITE
    EXPECT_STATUS(map(&f, sub, KT_RW | ZX_VM_SPECIFIC, 10 * PAGE, 0, PAGE, &c), ZX_ERR_ALREADY_EXISTS);
    EXPECT_STATUS(vmar_allocate(sub, ZX_VM_CAN_MAP_EXECUTE, 0, PAGE, &subsub), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(vmar_allocate(sub, 0, 0, 60 * PAGE, &subsub), ZX_ERR_NO_MEMORY);  // no room left
    // The root's mapping elsewhere survives.
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_MAP_RANGE, 0, 0, PAGE, &c));
    EXPECT_GE(c, sub->r.base + sub->r.size);
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 9);
    ASSERT_OK(vmar_destroy(sub));
    EXPECT_TRUE(sub->destroyed);
    EXPECT_TRUE(subsub->destroyed);
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 1);
    EXPECT_EQ(nchildren(f.as->root), 1);
    EXPECT_STATUS(map(&f, subsub, ZX_VM_PERM_READ, 0, 0, PAGE, &c), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(vmar_destroy(sub), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(vm_fault(f.as, a, 0), ZX_ERR_NOT_FOUND);
    kobj_unref(&subsub->obj);
    kobj_unref(&sub->obj);
    teardown(&f);
}

TEST(Vmar, UnmapCannotCutASubregion) {
    struct fixture f;
    setup(&f, 1);
    struct vmar *sub;
    ASSERT_OK(vmar_allocate(f.as->root, ZX_VM_CAN_MAP_READ | ZX_VM_SPECIFIC, 4 * PAGE, 8 * PAGE, &sub));
    EXPECT_STATUS(vmar_unmap(f.as->root, sub->r.base + PAGE, 2 * PAGE), ZX_ERR_INVALID_ARGS);
    EXPECT_FALSE(sub->destroyed);
    ASSERT_OK(vmar_unmap(f.as->root, sub->r.base - PAGE, 10 * PAGE));  // whole: destroyed
    EXPECT_TRUE(sub->destroyed);
    kobj_unref(&sub->obj);
    teardown(&f);
}

TEST(Vmar, FaultCommitsAndMapsWithTheMappingsPermissions) {
    struct fixture f;
    setup(&f, 4);
    uintptr_t a, r;
    ASSERT_OK(map(&f, NULL, KT_RW, 0, 0, 4 * PAGE, &a));
    ASSERT_OK(map(&f, NULL, ZX_VM_PERM_READ, 0, 0, 4 * PAGE, &r));
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 0);  // nothing committed, nothing mapped
    EXPECT_EQ(vmo_committed_bytes(f.vmo), 0);
    ASSERT_OK(vm_fault(f.as, a + 2 * PAGE + 123, HAL_FAULT_WRITE));
    EXPECT_EQ(vmo_committed_bytes(f.vmo), PAGE);
    unsigned fl;
    paddr_t pa = kt_pte(f.as, a + 2 * PAGE, &fl), want;
    ASSERT_TRUE(vmo_lookup_page(f.vmo, 2, &want));
    EXPECT_EQ(pa, want);
    EXPECT_EQ(fl, HAL_MMU_READ | HAL_MMU_WRITE);
    // The read-only mapping of the same VMO faults in the same frame, read-only.
    ASSERT_OK(vm_fault(f.as, r + 2 * PAGE, 0));
    EXPECT_EQ(kt_pte(f.as, r + 2 * PAGE, &fl), want);
    EXPECT_EQ(fl, HAL_MMU_READ);
    EXPECT_STATUS(vm_fault(f.as, r, HAL_FAULT_WRITE), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(vm_fault(f.as, r, HAL_FAULT_EXEC), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(vm_fault(f.as, HAL_USER_BASE + (1ull << 40), 0), ZX_ERR_NOT_FOUND);
    EXPECT_VM_COHERENT(f.as);
    teardown(&f);
}

TEST(Vmar, FaultPastTheEndOfTheVmo) {
    struct fixture f;
    setup(&f, 2);
    uintptr_t a;
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_ALLOW_FAULTS, 0, 0, 4 * PAGE, &a));
    EXPECT_OK(vm_fault(f.as, a + PAGE, 0));
    EXPECT_STATUS(vm_fault(f.as, a + 2 * PAGE, 0), ZX_ERR_OUT_OF_RANGE);
    teardown(&f);
}

// Without ZX_VM_MAP_RANGE a map fills no page table; a fault maps its page and the committed
// neighbours in its window (never committing one). With MAP_RANGE committed pages are mapped at
// map time.
TEST(Vmar, MapFillsPageTablesOnFaultOrWithMapRange) {
    struct fixture f;
    setup(&f, 8);
    paddr_t pa, p1;
    ASSERT_OK(vmo_commit_page(f.vmo, 1, &p1));
    ASSERT_OK(vmo_commit_page(f.vmo, 6, &pa));
    uintptr_t a;
    ASSERT_OK(map(&f, NULL, KT_RW, 0, 0, 8 * PAGE, &a));
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 0);
    // A write fault maps around it only what the VMO has.
    EXPECT_OK(vm_fault(f.as, a + 6 * PAGE, HAL_FAULT_WRITE));
    EXPECT_EQ(kt_pte(f.as, a + 6 * PAGE, NULL), pa);
    EXPECT_EQ(kt_pte(f.as, a + 1 * PAGE, NULL), p1);    // a committed neighbour
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 2);             // the uncommitted ones stay unmapped
    EXPECT_EQ(vmo_committed_bytes(f.vmo), 2 * PAGE);
    // A read fault maps the rest of the window as a read fault of each would: the shared zero
    // page, read-only, committing nothing.
    EXPECT_OK(vm_fault(f.as, a + 3 * PAGE, 0));
    unsigned fl;
    EXPECT_EQ(kt_pte(f.as, a + 3 * PAGE, &fl), zero_page);
    EXPECT_EQ(fl, HAL_MMU_READ);
    EXPECT_EQ(kt_pte(f.as, a + 7 * PAGE, &fl), zero_page);
    EXPECT_EQ(fl, HAL_MMU_READ);
    EXPECT_EQ(kt_pte(f.as, a + 6 * PAGE, &fl), pa);     // mapped pages are left as they were
    EXPECT_EQ(fl, HAL_MMU_READ | HAL_MMU_WRITE);
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 8);
    EXPECT_EQ(vmo_committed_bytes(f.vmo), 2 * PAGE);
    // Writing a zero-mapped page gives the VMO a page of its own.
    EXPECT_OK(vm_fault(f.as, a + 3 * PAGE, HAL_FAULT_WRITE));
    EXPECT_NE(kt_pte(f.as, a + 3 * PAGE, &fl), zero_page);
    EXPECT_EQ(vmo_committed_bytes(f.vmo), 3 * PAGE);
    uintptr_t b;  // an offset mapping sees the right pages
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_MAP_RANGE, 0, 4 * PAGE, 4 * PAGE, &b));
    EXPECT_EQ(kt_pte(f.as, b + 2 * PAGE, NULL), pa);
    EXPECT_VM_COHERENT(f.as);
    teardown(&f);
}

TEST(Vmar, ShrinkingTheVmoUnmapsItsPages) {
    struct fixture f;
    ASSERT_OK(vm_aspace_create(&f.as));
    ASSERT_OK(vmo_create(8 * PAGE, VMO_F_RESIZABLE, &f.vmo));
    f.rr = KT_ROOT_RIGHTS(f.as);
    uintptr_t a;
    EXPECT_STATUS(map(&f, NULL, KT_RW, 0, 0, 8 * PAGE, &a), ZX_ERR_NOT_SUPPORTED);  // resizable: needs ALLOW_FAULTS
    ASSERT_OK(map(&f, NULL, KT_RW | ZX_VM_MAP_RANGE | ZX_VM_ALLOW_FAULTS, 0, 0, 8 * PAGE, &a));
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 8);
    uint64_t free_pages = pmm_free_pages();
    ASSERT_OK(vmo_set_size(f.vmo, 3 * PAGE));
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 3);
    EXPECT_EQ(pmm_free_pages(), free_pages + 5);
    EXPECT_STATUS(vm_fault(f.as, a + 5 * PAGE, 0), ZX_ERR_OUT_OF_RANGE);
    EXPECT_VM_COHERENT(f.as);
    teardown(&f);
}

TEST(Vmar, AspaceTeardownReleasesEverything) {
    uint64_t free_pages = pmm_free_pages();
    struct fixture f;
    setup(&f, 16);
    struct vmar *sub;
    ASSERT_OK(vmar_allocate(f.as->root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE, 0, 1 << 20, &sub));
    uintptr_t a;
    for (int i = 0; i < 4; i++) ASSERT_OK(map(&f, sub, KT_RW | ZX_VM_MAP_RANGE, 0, 0, 16 * PAGE, &a));
    EXPECT_EQ(f.vmo->obj.refcount, 5);
    vm_aspace_destroy_mappings(f.as);
    EXPECT_TRUE(f.as->dead);
    EXPECT_EQ(f.vmo->obj.refcount, 1);
    EXPECT_EQ(th_mmu_pages(&f.as->hal), 0);
    EXPECT_STATUS(map(&f, sub, KT_RW, 0, 0, PAGE, &a), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(vm_fault(f.as, a, 0), ZX_ERR_NOT_FOUND);
    kobj_unref(&sub->obj);
    vm_aspace_unref(f.as);
    kobj_unref(&f.vmo->obj);
    EXPECT_EQ(pmm_free_pages(), free_pages);
}

TEST(Vmar, MapUnderAllocationFailures) {
    struct fixture f;
    setup(&f, 8);
    for (int64_t n = 0; n < 100; n++) {
        struct kt_counts before;
        kt_counts_get(&before);
        size_t kids = nchildren(f.as->root);
        uintptr_t a;
        kt_fail_alloc_at(n);
        zx_status_t st = map(&f, NULL, KT_RW | ZX_VM_MAP_RANGE, 0, 0, 8 * PAGE, &a);
        bool injected = kt_injected_failures > 0;
        kt_fail_alloc_at(-1);
        if (st != ZX_OK) {
            EXPECT_STATUS(st, ZX_ERR_NO_MEMORY);
            EXPECT_EQ(nchildren(f.as->root), kids);
            EXPECT_NO_LEAKS(&before);
            continue;
        }
        EXPECT_VM_COHERENT(f.as);
        ASSERT_OK(vmar_unmap(f.as->root, a, 8 * PAGE));
        kt_injected_failures = 0;
        if (!injected) break;
    }
    teardown(&f);
}

// Protecting a clone's mapping back to writable must not make the shared (hidden parent's)
// frames writable.
TEST(Vmar, ProtectKeepsCopyOnWritePagesReadOnly) {
    struct vm_aspace *as;
    ASSERT_OK(vm_aspace_create(&as));
    struct vmo *v, *c;
    ASSERT_OK(vmo_create(PAGE, 0, &v));
    ASSERT_OK(vmo_write_kernel(v, 0, "AAAA", 4));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, 0, PAGE, false, &c));
    uintptr_t a = kt_map(as, c, 0);
    ASSERT_OK(vm_fault(as, a, 0));  // the shared frame, read-only
    ASSERT_OK(vmar_protect(as->root, KT_RW, a, PAGE, KT_ROOT_RIGHTS(as)));
    unsigned fl = 0;
    paddr_t pa = kt_pte(as, a, &fl);
    EXPECT_EQ(fl & HAL_MMU_WRITE, 0);
    if (pa && (fl & HAL_MMU_WRITE)) memcpy(paddr_to_kva(pa), "BBBB", 4);  // the user's store
    char b[5] = {0};
    ASSERT_OK(vmo_read_kernel(v, 0, b, 4));
    EXPECT_EQ(strcmp(b, "AAAA"), 0);  // the parent must not see the clone's write
    kt_aspace_destroy(as);
    kobj_unref(&c->obj);
    kobj_unref(&v->obj);
}

TEST(Vmar, AllocateHonoursOffsetIsUpperLimit) {
    struct vm_aspace *as;
    ASSERT_OK(vm_aspace_create(&as));
    struct vmar *sub = NULL;
    ASSERT_OK(vmar_allocate(as->root, ZX_VM_CAN_MAP_READ | ZX_VM_OFFSET_IS_UPPER_LIMIT, 1ul << 30, 16 * PAGE, &sub));
    EXPECT_LE(sub->r.base + sub->r.size, as->root->r.base + (1ul << 30));
    ASSERT_OK(vmar_destroy(sub));
    kobj_unref(&sub->obj);
    kt_aspace_destroy(as);
}

// Fault-around maps the zero page read-only into other pages of the window; when one of them is
// committed later (through another mapping), no mapping may keep showing the zero page.
TEST(Vmar, FaultAroundZeroPagesGoWhenThePageIsCommitted) {
    struct fixture f;
    setup(&f, 4);
    uintptr_t a, r;
    ASSERT_OK(map(&f, NULL, KT_RW, 0, 0, 4 * PAGE, &a));
    ASSERT_OK(map(&f, NULL, ZX_VM_PERM_READ, 0, 0, 4 * PAGE, &r));
    ASSERT_OK(vm_fault(f.as, r, 0));
    EXPECT_EQ(kt_pte(f.as, r + PAGE, NULL), zero_page);
    EXPECT_EQ(vmo_committed_bytes(f.vmo), 0);
    ASSERT_OK(vm_fault(f.as, a + PAGE, HAL_FAULT_WRITE));
    paddr_t want;
    ASSERT_TRUE(vmo_lookup_page(f.vmo, 1, &want));
    paddr_t now;
    if (hal_aspace_query(&f.as->hal, r + PAGE, &now, NULL)) EXPECT_EQ(now, want);
    EXPECT_VM_COHERENT(f.as);
    teardown(&f);
}

// ---- the region index against a page-by-page reference ----

// The true summary of a subtree, computed from scratch.
struct summary {
    long count;  // -1: broken (reported)
    uintptr_t base, end;
    size_t gap;
};

// Checks the index under n from scratch: order, no overlap, the summaries of fresh nodes, and
// that a stale node's parent is stale too (the lazy summaries rely on it). Recursive: test
// code, and the depth is the tree's height.
static struct summary check_index(struct avl_node *n) {
    struct summary none = {0, 0, 0, 0}, bad = {-1, 0, 0, 0};
    if (!n) return none;
    struct vm_region *r = container_of(n, struct vm_region, node);
    struct summary lo = check_index(n->left), hi = check_index(n->right);
    if (lo.count < 0 || hi.count < 0) return bad;
    struct summary s = {lo.count + hi.count + 1, lo.count ? lo.base : r->base, hi.count ? hi.end : r->base + r->size, 0};
    if ((lo.count && lo.end > r->base) || (hi.count && hi.base < r->base + r->size)) {
        kt_fail(__FILE__, __LINE__, "region %#lx overlaps or is out of order", r->base);
        return bad;
    }
    if (lo.count) s.gap = lo.gap > r->base - lo.end ? lo.gap : r->base - lo.end;
    if (hi.count && hi.gap > s.gap) s.gap = hi.gap;
    if (hi.count && hi.base - (r->base + r->size) > s.gap) s.gap = hi.base - (r->base + r->size);
    struct vm_region *up = n->parent ? container_of(n->parent, struct vm_region, node) : NULL;
    if (r->stale && up && !up->stale) {
        kt_fail(__FILE__, __LINE__, "region %#lx is stale, its parent %#lx is not", r->base, up->base);
        return bad;
    }
    if (!r->stale && (r->sub_base != s.base || r->sub_end != s.end || r->sub_gap != s.gap)) {
        kt_fail(__FILE__, __LINE__, "region %#lx: summary %#lx-%#lx gap %#lx, expected %#lx-%#lx gap %#lx", r->base,
                r->sub_base, r->sub_end, r->sub_gap, s.base, s.end, s.gap);
        return bad;
    }
    return s;
}

enum { REF_PAGES = 384, REF_VMO_PAGES = 16 };
struct ref_page {
    bool used;
    uint32_t vmo_page;
    uint32_t perms;
};

// Where the reference puts `pages` pages aligned to `align` bytes below `limit` (pages from
// the VMAR's base): the lowest fit, as the kernel's first fit does; -1 if none.
static long ref_place(const struct ref_page *ref, uintptr_t base, size_t pages, size_t align, size_t limit) {
    for (size_t p = 0; p + pages <= limit; p++) {
        if ((base + p * PAGE) % align) continue;
        size_t k = 0;
        while (k < pages && !ref[p + k].used) k++;
        if (k == pages) return (long)p;
    }
    return -1;
}

// Random maps (first fit with alignments and upper limits, specific, specific-overwrite),
// unmaps and protects on one VMAR, each checked against a page table of what must be there;
// after each, the index's summaries are checked, and faults at random pages must find the
// right mapping (the VMO page the reference says, with its permissions) or nothing.
TEST(Vmar, RandomOperationsMatchReference) {
    struct fixture f;
    setup(&f, REF_VMO_PAGES);
    for (uint64_t i = 0; i < REF_VMO_PAGES; i++) {
        paddr_t pa;
        ASSERT_OK(vmo_commit_page(f.vmo, i, &pa));
    }
    struct vmar *sub;
    const uint32_t can = ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC;
    // Three pages in, so that its base is not aligned to the larger alignments.
    ASSERT_OK(vmar_allocate(f.as->root, can | ZX_VM_SPECIFIC, 3 * PAGE, REF_PAGES * PAGE, &sub));
    const uintptr_t base = sub->r.base;
    const zx_rights_t rights = vmar_rights_for(sub->flags);
    static struct ref_page ref[REF_PAGES];
    memset(ref, 0, sizeof(ref));
    uint64_t rng = 0x2545f4914f6cdd1dull;
#define RND(n) ((rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17), rng % (n))
    for (int op = 0; op < 4000; op++) {
        size_t pages = 1 + RND(8), off = RND(REF_PAGES - pages + 1), vmo_page = RND(REF_VMO_PAGES - pages + 1);
        uint32_t perms = RND(2) ? KT_RW : ZX_VM_PERM_READ;
        uintptr_t a = 0;
        zx_status_t st;
        switch (RND(6)) {
        case 0:
        case 1: {  // first fit, perhaps aligned, perhaps below an upper limit
            static const uint32_t aligns[] = {0, 13, 14, 16};
            uint32_t al = aligns[RND(4)];
            size_t align = al ? (size_t)1 << al : PAGE, limit = REF_PAGES;
            zx_vm_option_t opts = perms | (al << ZX_VM_ALIGN_BASE);
            if (RND(4) == 0) {
                limit = 1 + RND(REF_PAGES);
                opts |= ZX_VM_OFFSET_IS_UPPER_LIMIT;
            }
            long want = ref_place(ref, base, pages, align, limit);
            st = vmar_map(sub, opts, opts & ZX_VM_OFFSET_IS_UPPER_LIMIT ? limit * PAGE : 0, f.vmo, vmo_page * PAGE,
                          pages * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a);
            if (want < 0) {
                ASSERT_STATUS(st, ZX_ERR_NO_RESOURCES);
                continue;
            }
            ASSERT_OK(st);
            ASSERT_EQ(a, base + (size_t)want * PAGE);
            off = (size_t)want;
            break;
        }
        case 2: {  // specific, or specific-overwrite
            bool overwrite = RND(2);
            bool taken = false;
            for (size_t k = 0; k < pages; k++) taken |= ref[off + k].used;
            st = vmar_map(sub, perms | (overwrite ? ZX_VM_SPECIFIC_OVERWRITE : ZX_VM_SPECIFIC), off * PAGE, f.vmo,
                          vmo_page * PAGE, pages * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a);
            if (taken && !overwrite) {
                ASSERT_STATUS(st, ZX_ERR_ALREADY_EXISTS);
                continue;
            }
            ASSERT_OK(st);
            ASSERT_EQ(a, base + off * PAGE);
            break;
        }
        case 3:
        case 4: {  // unmap a range, holes and all
            pages = 1 + RND(24);
            if (off + pages > REF_PAGES) pages = REF_PAGES - off;
            ASSERT_OK(vmar_unmap(sub, base + off * PAGE, pages * PAGE));
            for (size_t k = 0; k < pages; k++) ref[off + k].used = false;
            continue;
        }
        default: {  // protect: all of the range must be mapped
            bool hole = false;
            for (size_t k = 0; k < pages; k++) hole |= !ref[off + k].used;
            st = vmar_protect(sub, perms, base + off * PAGE, pages * PAGE, rights);
            if (hole) {
                ASSERT_STATUS(st, ZX_ERR_NOT_FOUND);
            } else {
                ASSERT_OK(st);
                for (size_t k = 0; k < pages; k++) ref[off + k].perms = perms;
            }
            continue;
        }
        }
        for (size_t k = 0; k < pages; k++) ref[off + k] = (struct ref_page){true, (uint32_t)(vmo_page + k), perms};
        if (op % 8 == 0 || kt_failed()) {
            ASSERT_GE(check_index(sub->children.root).count, 0);
            // The regions in order cover exactly the used pages, each showing the VMO page
            // the reference says.
            size_t p = 0;
            for (struct vm_region *r = child(sub, 0); r; r = container_of(avl_next(&r->node), struct vm_region, node)) {
                struct vm_mapping *m = container_of(r, struct vm_mapping, r);
                for (; p < (r->base - base) / PAGE; p++) ASSERT_FALSE(ref[p].used);
                for (; p < (r->base + r->size - base) / PAGE; p++) {
                    ASSERT_TRUE(ref[p].used);
                    ASSERT_EQ(m->vmo_offset / PAGE + (p - (r->base - base) / PAGE), ref[p].vmo_page);
                    ASSERT_EQ(m->perms, ref[p].perms);
                }
                if (!avl_next(&r->node)) break;
            }
            for (; p < REF_PAGES; p++) ASSERT_FALSE(ref[p].used);
        }
        for (int probe = 0; probe < 4; probe++) {
            size_t p = RND(REF_PAGES);
            uintptr_t va = base + p * PAGE;
            if (!ref[p].used) {
                ASSERT_STATUS(vm_fault(f.as, va, 0), ZX_ERR_NOT_FOUND);
                continue;
            }
            ASSERT_OK(vm_fault(f.as, va, 0));
            paddr_t want;
            ASSERT_TRUE(vmo_lookup_page(f.vmo, ref[p].vmo_page, &want));
            ASSERT_EQ(kt_pte(f.as, va, NULL), want);
            ASSERT_STATUS(vm_fault(f.as, va, HAL_FAULT_WRITE),
                          ref[p].perms & ZX_VM_PERM_WRITE ? ZX_OK : ZX_ERR_ACCESS_DENIED);
        }
    }
#undef RND
    EXPECT_VM_COHERENT(f.as);
    ASSERT_OK(vmar_destroy(sub));
    kobj_unref(&sub->obj);
    teardown(&f);
}

// Placement past more holes than the search walks one by one (objects/vmar.c, find_gap): the
// summaries find the lowest hole that fits, or the space after the last child, or nothing.
TEST(Vmar, PlacementPastManySmallHoles) {
    struct fixture f;
    setup(&f, 8);
    struct vmar *sub;
    enum { SLOTS = 64 };  // pages 0, 2, 4 ... 126 mapped; the holes between them one page each
    ASSERT_OK(vmar_allocate(f.as->root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC | ZX_VM_SPECIFIC, 0,
                            (2 * SLOTS + 8) * PAGE, &sub));
    const zx_rights_t rights = vmar_rights_for(sub->flags);
    uintptr_t a;
    for (size_t i = 0; i < SLOTS; i++)
        ASSERT_OK(vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 2 * i * PAGE, f.vmo, 0, PAGE, ZX_DEFAULT_VMO_RIGHTS,
                           rights, &a));
    // One page: the first hole. Two pages: past every hole, into the space after the last.
    ASSERT_OK(vmar_map(sub, ZX_VM_PERM_READ, 0, f.vmo, 0, PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a));
    EXPECT_EQ(a, sub->r.base + PAGE);
    ASSERT_OK(vmar_map(sub, ZX_VM_PERM_READ, 0, f.vmo, 0, 2 * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a));
    EXPECT_EQ(a, sub->r.base + 2 * SLOTS * PAGE - PAGE);  // the last hole joins the free tail
    // A two-page hole far up is found before the tail.
    ASSERT_OK(vmar_unmap(sub, sub->r.base + 100 * PAGE, PAGE));
    ASSERT_OK(vmar_map(sub, ZX_VM_PERM_READ, 0, f.vmo, 0, 3 * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a));
    EXPECT_EQ(a, sub->r.base + 99 * PAGE);
    // Only the tail (seven pages) holds more than a page: five fit there, then three nowhere.
    ASSERT_OK(vmar_map(sub, ZX_VM_PERM_READ, 0, f.vmo, 0, 5 * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a));
    EXPECT_EQ(a, sub->r.base + (2 * SLOTS + 1) * PAGE);
    EXPECT_STATUS(vmar_map(sub, ZX_VM_PERM_READ, 0, f.vmo, 0, 3 * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a),
                  ZX_ERR_NO_RESOURCES);
    ASSERT_OK(vmar_map(sub, ZX_VM_PERM_READ, 0, f.vmo, 0, 2 * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a));
    EXPECT_EQ(a, sub->r.base + (2 * SLOTS + 6) * PAGE);  // the last two pages
    EXPECT_STATUS(vmar_map(sub, ZX_VM_PERM_READ, 0, f.vmo, 0, 2 * PAGE, ZX_DEFAULT_VMO_RIGHTS, rights, &a),
                  ZX_ERR_NO_RESOURCES);
    ASSERT_GE(check_index(sub->children.root).count, 0);
    ASSERT_OK(vmar_destroy(sub));
    kobj_unref(&sub->obj);
    teardown(&f);
}
