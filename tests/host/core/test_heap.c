// The kernel heap: slab caches and kmalloc (kernel/heap.c).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "tests/host/ktest.h"

#define PAGE HAL_PAGE_SIZE

void __real_slab_free(void *p);  // the allocator itself, past tests/host/heap_wrap.c

struct blk {
    uintptr_t p;
    size_t n;
};
static int cmp_blk(const void *a, const void *b) {
    uintptr_t x = ((const struct blk *)a)->p, y = ((const struct blk *)b)->p;
    return x < y ? -1 : x > y;
}

TEST(Heap, KmallocSizesAreAlignedWritableAndDisjoint) {
    static struct blk v[2048];
    size_t n = 0;
    for (size_t size = 1; size <= 8200 && n < 2048; size += (size < 300 ? 7 : 61)) {
        uint8_t *p = kmalloc(size);
        ASSERT_NOT_NULL(p);
        EXPECT_EQ((uintptr_t)p % 16, 0);
        memset(p, (int)(size & 0xff), size);
        v[n++] = (struct blk){(uintptr_t)p, size};
    }
    for (size_t i = 0; i < n; i++) {  // nobody overwrote anybody
        const uint8_t *p = (const uint8_t *)v[i].p;
        size_t bad = 0;
        for (size_t j = 0; j < v[i].n; j++) bad += p[j] != (uint8_t)(v[i].n & 0xff);
        EXPECT_EQ(bad, 0);
    }
    qsort(v, n, sizeof(v[0]), cmp_blk);
    for (size_t i = 1; i < n; i++) EXPECT_LE(v[i - 1].p + v[i - 1].n, v[i].p);
    for (size_t i = 0; i < n; i++) kfree((void *)v[i].p);
}

TEST(Heap, FreedObjectIsReusedFirst) {
    void *a = kmalloc(100);
    void *b = kmalloc(100);
    ASSERT_NOT_NULL(a);
    ASSERT_NOT_NULL(b);
    EXPECT_NE((uintptr_t)a, (uintptr_t)b);
    kfree(a);
    void *c = kmalloc(100);
    EXPECT_EQ((uintptr_t)c, (uintptr_t)a);
    kfree(b);
    kfree(c);
}

TEST(Heap, KzallocZeroesReusedMemory) {
    uint8_t *p = kmalloc(200);
    ASSERT_NOT_NULL(p);
    memset(p, 0xaa, 200);
    kfree(p);
    uint8_t *q = kzalloc(200);
    ASSERT_NOT_NULL(q);
    EXPECT_EQ((uintptr_t)q, (uintptr_t)p);
    size_t nz = 0;
    for (int i = 0; i < 200; i++) nz += q[i] != 0;
    EXPECT_EQ(nz, 0);
    kfree(q);
}

TEST(Heap, ZeroSizeIsAValidObject) {
    void *p = kmalloc(0);
    EXPECT_NE((uintptr_t)p, 0);
    kfree(p);
    kfree(NULL);  // a no-op
}

// Larger than the biggest size class: whole buddy blocks, page counted by heap_bytes_in_use.
TEST(Heap, BigAllocationsUseWholeBlocks) {
    const size_t sizes[] = {8161, 16384, 100000, 1 << 20, (4u << 20) - 64};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t in_use = heap_bytes_in_use(), free_pages = pmm_free_pages();
        uint8_t *p = kmalloc(sizes[i]);
        ASSERT_NOT_NULL(p);
        memset(p, 0x5a, sizes[i]);
        uint64_t grew = heap_bytes_in_use() - in_use;
        EXPECT_GE(grew, sizes[i]);
        EXPECT_LT(grew, 2 * (sizes[i] + 64) + 2 * PAGE);
        EXPECT_EQ(grew & (grew - 1), 0);  // a power-of-two block
        EXPECT_EQ((free_pages - pmm_free_pages()) * PAGE, grew);
        kfree(p);
        EXPECT_EQ(heap_bytes_in_use(), in_use);
        EXPECT_EQ(pmm_free_pages(), free_pages);
    }
}

TEST(Heap, TooBigFails) {
    uint64_t free_pages = pmm_free_pages();
    EXPECT_EQ((uintptr_t)kmalloc(4u << 20), 0);  // the header does not fit in the largest block
    EXPECT_EQ((uintptr_t)kmalloc(1ul << 40), 0);
    EXPECT_EQ(pmm_free_pages(), free_pages);
}

TEST(Heap, HugeSizeDoesNotWrap) {
    void *p = kmalloc(SIZE_MAX - 10);
    EXPECT_EQ((uintptr_t)p, 0);
    if (p) kfree(p);
}

TEST(Heap, SlabCacheGrowsAndShrinks) {
    static struct slab_cache c;
    slab_cache_init(&c, "test", 24);
    EXPECT_EQ(c.obj_size, 32);  // rounded to 16
    EXPECT_GT(c.per_slab, 100);
    uint64_t free_pages = pmm_free_pages();
    size_t n = c.per_slab * 2 + 7;  // three slabs
    void **v = malloc(n * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        v[i] = slab_alloc(&c);
        ASSERT_NOT_NULL(v[i]);
        EXPECT_EQ((uintptr_t)v[i] % 16, 0);
        memset(v[i], 0x11, 32);
    }
    EXPECT_EQ(c.live, n);
    EXPECT_EQ(c.slabs, 3);
    EXPECT_EQ(free_pages - pmm_free_pages(), 3 * (16384 / PAGE));
    for (size_t i = 0; i < n; i++) slab_free(v[i]);
    free(v);
    EXPECT_EQ(c.live, 0);
    EXPECT_EQ(c.slabs, 1);  // one slab stays warm
    EXPECT_EQ(free_pages - pmm_free_pages(), 16384 / PAGE);
    kt_allow_pages_held(16384 / PAGE);
}

TEST(Heap, NewSlabShowsInBytesInUse) {
    static struct slab_cache c;
    slab_cache_init(&c, "test", 1000);
    uint64_t in_use = heap_bytes_in_use();
    void *p = slab_alloc(&c);
    ASSERT_NOT_NULL(p);
    EXPECT_EQ(heap_bytes_in_use() - in_use, 16384);
    void *q = slab_alloc(&c);  // same slab
    EXPECT_EQ(heap_bytes_in_use() - in_use, 16384);
    EXPECT_EQ(((uintptr_t)p & ~16383ul), ((uintptr_t)q & ~16383ul));
    slab_free(p);
    slab_free(q);
    kt_allow_pages_held(16384 / PAGE);
}

TEST(Heap, SlabFreeOfForeignMemoryAsserts) {
    paddr_t pa;
    ASSERT_TRUE(pmm_alloc(2, &pa));
    memset(paddr_to_kva(pa), 0, 4 * PAGE);
    EXPECT_PANIC(__real_slab_free((char *)paddr_to_kva(pa) + 64));
}
