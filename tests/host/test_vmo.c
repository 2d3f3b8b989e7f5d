// VMOs: the page map, reads and writes, resizing, copy-on-write clones (objects/vmo.c).
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>

#include "kernel/pmm.h"
#include "tests/host/kt_vm.h"

#define PAGE HAL_PAGE_SIZE

static void fill(uint8_t *b, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)((i * 131 + seed * 7) >> 3);
}

TEST(Vmo, CreateCommitsNothing) {
    uint64_t free_pages = pmm_free_pages();
    struct vmo *v;
    ASSERT_OK(vmo_create(1ull << 30, 0, &v));  // a gigabyte costs nothing until touched
    EXPECT_EQ(v->size, 1ull << 30);
    EXPECT_EQ(vmo_committed_bytes(v), 0);
    EXPECT_EQ(free_pages, pmm_free_pages());
    paddr_t pa;
    EXPECT_FALSE(vmo_lookup_page(v, 0, &pa));
    kobj_unref(&v->obj);
}

TEST(Vmo, WriteCommitsAndReadsBack) {
    struct vmo *v;
    ASSERT_OK(vmo_create(16 * PAGE, 0, &v));
    static uint8_t in[3 * PAGE + 100], out[sizeof(in)];
    fill(in, sizeof(in), 1);
    ASSERT_OK(vmo_write_kernel(v, PAGE - 50, in, sizeof(in)));  // pages 0..4
    EXPECT_EQ(vmo_committed_bytes(v), 5 * PAGE);
    ASSERT_OK(vmo_read_kernel(v, PAGE - 50, out, sizeof(out)));
    EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
    // A VMO page is a frame of physical memory, seen through the physmap.
    paddr_t pa;
    ASSERT_TRUE(vmo_lookup_page(v, 2, &pa));
    EXPECT_EQ(memcmp(paddr_to_kva(pa), in + (2 * PAGE - (PAGE - 50)), PAGE), 0);
    kobj_unref(&v->obj);
}

// Reads and writes hand runs of physically consecutive frames to the copy as one chunk
// (vmo_walk): the bytes must come out the same whether the frames follow each other or not, and
// across uncommitted (zero) pages in between.
TEST(Vmo, CopiesAcrossRunsOfFramesAndHoles) {
    struct vmo *v;
    ASSERT_OK(vmo_create(12 * PAGE, 0, &v));
    paddr_t keep;
    ASSERT_TRUE(pmm_alloc_page(&keep));  // so later frames may not follow
    static uint8_t in[4 * PAGE], out[12 * PAGE], want[12 * PAGE];
    fill(in, sizeof(in), 3);
    ASSERT_OK(vmo_write_kernel(v, 0, in, 2 * PAGE));           // pages 0, 1 together
    ASSERT_OK(vmo_write_kernel(v, 5 * PAGE + 7, in, PAGE));      // pages 5, 6 (page 2..4 stay holes)
    pmm_free(keep, 0);
    ASSERT_OK(vmo_write_kernel(v, 8 * PAGE, in + PAGE, 3 * PAGE));  // pages 8..10
    memset(want, 0, sizeof(want));
    memcpy(want, in, 2 * PAGE);
    memcpy(want + 5 * PAGE + 7, in, PAGE);
    memcpy(want + 8 * PAGE, in + PAGE, 3 * PAGE);
    ASSERT_OK(vmo_read_kernel(v, 0, out, sizeof(out)));
    EXPECT_EQ(memcmp(out, want, sizeof(out)), 0);
    ASSERT_OK(vmo_read_kernel(v, 100, out, 11 * PAGE - 300));  // unaligned both ends
    EXPECT_EQ(memcmp(out, want + 100, 11 * PAGE - 300), 0);
    kobj_unref(&v->obj);
}

TEST(Vmo, UncommittedReadsAreZeroAndCommitNothing) {
    struct vmo *v;
    ASSERT_OK(vmo_create(8 * PAGE, 0, &v));
    static uint8_t out[8 * PAGE];
    memset(out, 0x77, sizeof(out));
    ASSERT_OK(vmo_read_kernel(v, 0, out, sizeof(out)));
    size_t nz = 0;
    for (size_t i = 0; i < sizeof(out); i++) nz += out[i] != 0;
    EXPECT_EQ(nz, 0);
    EXPECT_EQ(vmo_committed_bytes(v), 0);
    // The shared zero page is still zero.
    const uint8_t *z = paddr_to_kva(zero_page);
    nz = 0;
    for (size_t i = 0; i < PAGE; i++) nz += z[i] != 0;
    EXPECT_EQ(nz, 0);
    kobj_unref(&v->obj);
}

TEST(Vmo, RangeChecks) {
    struct vmo *v;
    ASSERT_OK(vmo_create(4 * PAGE, 0, &v));
    uint8_t b[16] = {0};
    EXPECT_OK(vmo_write_kernel(v, 4 * PAGE - 16, b, 16));  // up to the end
    EXPECT_OK(vmo_read_kernel(v, 4 * PAGE, b, 0));           // empty at the end
    EXPECT_STATUS(vmo_write_kernel(v, 4 * PAGE - 15, b, 16), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(vmo_read_kernel(v, 4 * PAGE + 1, b, 0), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(vmo_read_kernel(v, UINT64_MAX - 4, b, 16), ZX_ERR_OUT_OF_RANGE);  // offset+len wraps
    EXPECT_STATUS(vmo_read_kernel(v, 8, b, SIZE_MAX - 4), ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_committed_bytes(v), PAGE);
    kobj_unref(&v->obj);
}

TEST(Vmo, CommitPageIsIdempotentAndZeroed) {
    struct vmo *v;
    ASSERT_OK(vmo_create(4 * PAGE, 0, &v));
    paddr_t a, b;
    ASSERT_OK(vmo_commit_page(v, 3, &a));
    ASSERT_OK(vmo_commit_page(v, 3, &b));
    EXPECT_EQ(a, b);
    EXPECT_EQ(vmo_committed_bytes(v), PAGE);
    const uint8_t *p = paddr_to_kva(a);
    size_t nz = 0;
    for (size_t i = 0; i < PAGE; i++) nz += p[i] != 0;
    EXPECT_EQ(nz, 0);
    kobj_unref(&v->obj);
}

// Enough pages to grow the hash table several times; every page keeps its own contents.
TEST(Vmo, ManyPagesGrowTheMap) {
    enum { N = 3000 };
    uint64_t free_pages = pmm_free_pages();
    struct vmo *v;
    ASSERT_OK(vmo_create((uint64_t)N * 4 * PAGE, 0, &v));
    for (uint32_t i = 0; i < N; i++) {  // every 4th page, so keys are sparse
        uint32_t tag = i * 2654435761u;
        ASSERT_OK(vmo_write_kernel(v, (uint64_t)i * 4 * PAGE + 8, &tag, sizeof(tag)));
    }
    EXPECT_EQ(vmo_committed_bytes(v), (uint64_t)N * PAGE);
    EXPECT_GE(v->pages.cap, N);
    int wrong = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t tag = 0;
        ASSERT_OK(vmo_read_kernel(v, (uint64_t)i * 4 * PAGE + 8, &tag, sizeof(tag)));
        wrong += tag != i * 2654435761u;
        paddr_t pa;
        wrong += vmo_lookup_page(v, (uint64_t)i * 4 + 1, &pa);  // the gaps stay empty
    }
    EXPECT_EQ(wrong, 0);
    kobj_unref(&v->obj);
    EXPECT_EQ(pmm_free_pages(), free_pages);
}

struct visit {
    uint64_t n, sum;
};
static void visit_page(void *ctx, uint64_t idx, paddr_t pa) {
    struct visit *s = ctx;
    s->n++;
    s->sum += idx;
}

TEST(Vmo, ForEachPageVisitsCommittedPagesInRange) {
    struct vmo *v;
    ASSERT_OK(vmo_create(1000 * PAGE, 0, &v));
    const uint64_t idx[] = {0, 5, 6, 100, 500, 999};
    for (size_t i = 0; i < 6; i++) {
        paddr_t pa;
        ASSERT_OK(vmo_commit_page(v, idx[i], &pa));
    }
    struct visit s = {0};
    vmo_for_each_page(v, 5, 100, visit_page, &s);  // a range larger than the page count
    EXPECT_EQ(s.n, 3);
    EXPECT_EQ(s.sum, 5 + 6 + 100);
    s = (struct visit){0};
    vmo_for_each_page(v, 6, 6, visit_page, &s);  // a small range: looked up page by page
    EXPECT_EQ(s.n, 1);
    s = (struct visit){0};
    vmo_for_each_page(v, 0, UINT64_MAX - 1, visit_page, &s);
    EXPECT_EQ(s.n, 6);
    kobj_unref(&v->obj);
}

TEST(Vmo, ShrinkFreesPagesAndRegrowthReadsZero) {
    uint64_t free_pages = pmm_free_pages();
    struct vmo *v;
    ASSERT_OK(vmo_create(64 * PAGE, VMO_F_RESIZABLE, &v));
    static uint8_t data[64 * PAGE];
    fill(data, sizeof(data), 3);
    ASSERT_OK(vmo_write_kernel(v, 0, data, sizeof(data)));
    uint64_t with_all = pmm_free_pages();
    ASSERT_OK(vmo_set_size(v, 10 * PAGE));
    EXPECT_EQ(v->size, 10 * PAGE);
    EXPECT_EQ(vmo_committed_bytes(v), 10 * PAGE);
    EXPECT_EQ(pmm_free_pages(), with_all + 54);
    uint8_t b[PAGE];
    EXPECT_STATUS(vmo_read_kernel(v, 10 * PAGE, b, 1), ZX_ERR_OUT_OF_RANGE);
    ASSERT_OK(vmo_read_kernel(v, 9 * PAGE, b, PAGE));  // what stays is intact
    EXPECT_EQ(memcmp(b, data + 9 * PAGE, PAGE), 0);
    ASSERT_OK(vmo_set_size(v, 20 * PAGE));
    ASSERT_OK(vmo_read_kernel(v, 15 * PAGE, b, PAGE));
    size_t nz = 0;
    for (size_t i = 0; i < PAGE; i++) nz += b[i] != 0;
    EXPECT_EQ(nz, 0);
    ASSERT_OK(vmo_set_size(v, 0));
    EXPECT_EQ(vmo_committed_bytes(v), 0);
    kobj_unref(&v->obj);
    EXPECT_EQ(pmm_free_pages(), free_pages);
}

TEST(Vmo, ZeroRangeFreesWholePagesAndZeroesPartialOnes) {
    struct vmo *v;
    ASSERT_OK(vmo_create(8 * PAGE, 0, &v));
    static uint8_t data[8 * PAGE];
    memset(data, 0xcd, sizeof(data));
    ASSERT_OK(vmo_write_kernel(v, 0, data, sizeof(data)));
    ASSERT_OK(vmo_zero_range(v, PAGE + 100, 3 * PAGE));  // partial 1, whole 2..3, partial 4
    EXPECT_EQ(vmo_committed_bytes(v), 6 * PAGE);
    static uint8_t out[8 * PAGE];
    ASSERT_OK(vmo_read_kernel(v, 0, out, sizeof(out)));
    size_t bad = 0;
    for (size_t i = 0; i < sizeof(out); i++) {
        bool zero = i >= PAGE + 100 && i < 4 * PAGE + 100;
        bad += out[i] != (zero ? 0 : 0xcd);
    }
    EXPECT_EQ(bad, 0);
    kobj_unref(&v->obj);
}

// Allocation failures anywhere in a big write: an error, no leak, and what was written stays.
TEST(Vmo, WriteUnderAllocationFailures) {
    static uint8_t data[40 * PAGE];
    fill(data, sizeof(data), 9);
    int failures_seen = 0;
    for (int64_t n = 0; n < 400; n++) {
        struct kt_counts before;
        kt_counts_get(&before);
        struct vmo *v;
        kt_fail_alloc_at(n);
        zx_status_t st = vmo_create(40 * PAGE, 0, &v);
        if (st == ZX_OK) {
            st = vmo_write_kernel(v, 0, data, sizeof(data));
            kt_fail_alloc_at(-1);
            if (st != ZX_OK) {
                EXPECT_STATUS(st, ZX_ERR_NO_MEMORY);
                failures_seen++;
            } else {
                static uint8_t out[40 * PAGE];
                ASSERT_OK(vmo_read_kernel(v, 0, out, sizeof(out)));
                EXPECT_EQ(memcmp(out, data, sizeof(data)), 0);
            }
            kobj_unref(&v->obj);
        } else {
            EXPECT_STATUS(st, ZX_ERR_NO_MEMORY);
        }
        kt_fail_alloc_at(-1);
        if (!EXPECT_NO_LEAKS(&before)) return;
        if (st == ZX_OK) break;
    }
    EXPECT_GT(failures_seen, 10);
}

// ---- copy-on-write clones ----

TEST(VmoClone, SnapshotSeesTheOldContents) {
    struct vmo *v, *c;
    ASSERT_OK(vmo_create(4 * PAGE, 0, &v));
    ASSERT_OK(vmo_write_kernel(v, 0, "original", 9));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, 0, 4 * PAGE, false, &c));
    char b[16];
    ASSERT_OK(vmo_read_kernel(c, 0, b, 9));
    EXPECT_EQ(strcmp(b, "original"), 0);
    ASSERT_OK(vmo_write_kernel(v, 0, "changed!", 9));  // the parent's write is its own
    ASSERT_OK(vmo_read_kernel(c, 0, b, 9));
    EXPECT_EQ(strcmp(b, "original"), 0);
    ASSERT_OK(vmo_write_kernel(c, 0, "clone's", 8));  // and the clone's is its own
    ASSERT_OK(vmo_read_kernel(v, 0, b, 9));
    EXPECT_EQ(strcmp(b, "changed!"), 0);
    kobj_unref(&c->obj);
    ASSERT_OK(vmo_read_kernel(v, 0, b, 9));
    EXPECT_EQ(strcmp(b, "changed!"), 0);
    kobj_unref(&v->obj);
}

TEST(VmoClone, ClosingEitherSideFreesEverything) {
    uint64_t free_pages = pmm_free_pages();
    for (int which = 0; which < 2; which++) {
        struct vmo *v, *c;
        ASSERT_OK(vmo_create(16 * PAGE, 0, &v));
        static uint8_t data[16 * PAGE];
        fill(data, sizeof(data), 4);
        ASSERT_OK(vmo_write_kernel(v, 0, data, sizeof(data)));
        ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, 4 * PAGE, 8 * PAGE, false, &c));
        ASSERT_OK(vmo_write_kernel(c, 0, "x", 1));
        ASSERT_OK(vmo_write_kernel(v, 5 * PAGE, "y", 1));
        struct vmo *first = which ? c : v, *second = which ? v : c;
        kobj_unref(&first->obj);
        static uint8_t out[16 * PAGE];
        if (second == c) {
            ASSERT_OK(vmo_read_kernel(c, 0, out, 8 * PAGE));
            EXPECT_EQ(out[0], 'x');
            EXPECT_EQ(memcmp(out + 1, data + 4 * PAGE + 1, 8 * PAGE - 1), 0);
        } else {
            ASSERT_OK(vmo_read_kernel(v, 0, out, 16 * PAGE));
            EXPECT_EQ(out[5 * PAGE], 'y');
            EXPECT_EQ(memcmp(out, data, 5 * PAGE), 0);
        }
        kobj_unref(&second->obj);
        EXPECT_EQ(pmm_free_pages(), free_pages);
    }
}

TEST(VmoClone, CommittedPageCounterSurvivesFolding) {
    uint64_t base = vmo_committed_pages;
    struct vmo *v, *c;
    ASSERT_OK(vmo_create(4 * PAGE, 0, &v));
    static uint8_t data[4 * PAGE];
    ASSERT_OK(vmo_write_kernel(v, 0, data, sizeof(data)));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, 0, 4 * PAGE, false, &c));
    ASSERT_OK(vmo_write_kernel(v, 0, "x", 1));  // v owns one page, the hidden node four
    EXPECT_EQ(vmo_committed_pages, base + 5);
    kobj_unref(&c->obj);  // v folds the hidden node in: it owns four pages
    EXPECT_EQ(vmo_committed_bytes(v), 4 * PAGE);
    EXPECT_EQ(vmo_committed_pages, base + 4);
    kobj_unref(&v->obj);
    EXPECT_EQ(vmo_committed_pages, base);
}

// A clone mapped and read (its mapping shows the hidden parent's frame, read-only), then
// written through zx_vmo_write: the mapping must not keep showing the old frame.
TEST(VmoClone, MappingSeesTheClonesOwnWrite) {
    struct vm_aspace *as;
    ASSERT_OK(vm_aspace_create(&as));
    struct vmo *v, *c;
    ASSERT_OK(vmo_create(PAGE, 0, &v));
    ASSERT_OK(vmo_write_kernel(v, 0, "AAAA", 4));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, 0, PAGE, false, &c));
    uintptr_t a = kt_map(as, c, 0);
    ASSERT_OK(vm_fault(as, a, 0));  // read: maps the shared frame read-only
    unsigned flags;
    paddr_t shared = kt_pte(as, a, &flags);
    ASSERT_NE(shared, 0);
    EXPECT_EQ(flags & HAL_MMU_WRITE, 0);
    ASSERT_OK(vmo_write_kernel(c, 0, "BBBB", 4));
    EXPECT_VM_COHERENT(as);
    paddr_t now = kt_pte(as, a, NULL);
    if (now) EXPECT_EQ(memcmp(paddr_to_kva(now), "BBBB", 4), 0);  // what user space would read
    kobj_unref(&v->obj);  // folds the hidden node into c, freeing the shared frame
    EXPECT_VM_COHERENT(as);
    kt_aspace_destroy(as);
    kobj_unref(&c->obj);
}

// Two mappings of one clone: a write fault through the first gives the clone its own page;
// the second mapping must not keep reading the parent's frame.
TEST(VmoClone, WriteFaultUpdatesOtherMappings) {
    struct vm_aspace *as;
    ASSERT_OK(vm_aspace_create(&as));
    struct vmo *v, *c;
    ASSERT_OK(vmo_create(PAGE, 0, &v));
    ASSERT_OK(vmo_write_kernel(v, 0, "AAAA", 4));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, 0, PAGE, false, &c));
    uintptr_t a1 = kt_map(as, c, 0), a2 = kt_map(as, c, 0);
    ASSERT_OK(vm_fault(as, a1, 0));
    ASSERT_OK(vm_fault(as, a2, 0));
    ASSERT_OK(vm_fault(as, a1, HAL_FAULT_WRITE | HAL_FAULT_PRESENT));
    paddr_t own = kt_pte(as, a1, NULL);
    memcpy(paddr_to_kva(own), "BBBB", 4);  // the user's store through a1
    EXPECT_VM_COHERENT(as);
    kobj_unref(&v->obj);
    EXPECT_VM_COHERENT(as);
    kt_aspace_destroy(as);
    kobj_unref(&c->obj);
}

// A slice of v mapped writable keeps writing v's frames after v is snapshotted: the snapshot
// must not see those writes.
TEST(VmoClone, SnapshotIsIsolatedFromSliceMappings) {
    struct vm_aspace *as;
    ASSERT_OK(vm_aspace_create(&as));
    struct vmo *v, *s, *c;
    ASSERT_OK(vmo_create(2 * PAGE, 0, &v));
    ASSERT_OK(vmo_write_kernel(v, 0, "AAAA", 4));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SLICE, 0, 2 * PAGE, false, &s));
    uintptr_t a = kt_map(as, s, 0);
    ASSERT_OK(vm_fault(as, a, HAL_FAULT_WRITE));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, 0, 2 * PAGE, false, &c));
    unsigned flags = 0;
    paddr_t pa = kt_pte(as, a, &flags);
    EXPECT_EQ(flags & HAL_MMU_WRITE, 0);  // must fault (and copy) on the next write
    if (pa && (flags & HAL_MMU_WRITE)) memcpy(paddr_to_kva(pa), "BBBB", 4);  // the user's store
    char b[5] = {0};
    ASSERT_OK(vmo_read_kernel(c, 0, b, 4));
    EXPECT_EQ(strcmp(b, "AAAA"), 0);
    kt_aspace_destroy(as);
    kobj_unref(&c->obj);
    kobj_unref(&s->obj);
    kobj_unref(&v->obj);
}

TEST(VmoSlice, SharesPagesWithItsParent) {
    struct vmo *v, *s;
    ASSERT_OK(vmo_create(4 * PAGE, 0, &v));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SLICE, PAGE, 2 * PAGE, false, &s));
    ASSERT_OK(vmo_write_kernel(s, 10, "slice", 6));
    char b[8];
    ASSERT_OK(vmo_read_kernel(v, PAGE + 10, b, 6));
    EXPECT_EQ(strcmp(b, "slice"), 0);
    EXPECT_EQ(vmo_committed_bytes(s), 0);  // the pages are the parent's
    EXPECT_EQ(vmo_committed_bytes(v), PAGE);
    EXPECT_STATUS(vmo_read_kernel(s, 2 * PAGE, b, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_FALSE(v->obj.signals & ZX_VMO_ZERO_CHILDREN);
    kobj_unref(&s->obj);
    EXPECT_TRUE(v->obj.signals & ZX_VMO_ZERO_CHILDREN);
    kobj_unref(&v->obj);
}

// Closing a clone must not need memory (it is how user space gives memory back).
TEST(VmoClone, CloseUnderMemoryPressureDoesNotPanic) {
    struct vmo *v, *c;
    ASSERT_OK(vmo_create(64 * PAGE, 0, &v));
    static uint8_t data[64 * PAGE];
    ASSERT_OK(vmo_write_kernel(v, 0, data, sizeof(data)));
    ASSERT_OK(vmo_create_child(v, VMO_CHILD_SNAPSHOT, PAGE, 63 * PAGE, false, &c));
    ASSERT_OK(vmo_write_kernel(c, 0, data, 20 * PAGE));  // c owns 20, sees 63 at an offset
    jmp_buf jb;
    th_shutdown_jmp = &jb;
    if (setjmp(jb)) {
        kt_skip_leak_check();
        kt_fail(__FILE__, __LINE__, "the kernel panicked closing a VMO");
        return;
    }
    kt_fail_alloc_at(0);  // the fold's first allocation fails
    kobj_unref(&v->obj);
    kt_fail_alloc_at(-1);
    th_shutdown_jmp = NULL;
    kobj_unref(&c->obj);
}
