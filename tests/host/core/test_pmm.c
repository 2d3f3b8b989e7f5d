// The buddy allocator (kernel/pmm.c).
#include <stdlib.h>
#include <string.h>

#include "kernel/pmm.h"
#include "tests/host/ktest.h"

#define PAGE HAL_PAGE_SIZE

static bool in_one_range(paddr_t pa, uint64_t len) {
    const struct hal_mem_range *r;
    size_t n = hal_boot_memory(&r);
    for (size_t i = 0; i < n; i++)
        if (pa >= r[i].base && pa + len <= r[i].base + r[i].size) return true;
    return false;
}

// Allocates every block of `order` there is; returns how many (addresses in *out, malloc'd).
static size_t drain(unsigned order, paddr_t **out) {
    size_t cap = 1024, n = 0;
    paddr_t *v = malloc(cap * sizeof(*v));
    paddr_t pa;
    while (pmm_alloc(order, &pa)) {
        if (n == cap) v = realloc(v, (cap *= 2) * sizeof(*v));
        v[n++] = pa;
    }
    *out = v;
    return n;
}

static void shuffle(paddr_t *v, size_t n, uint64_t seed) {
    for (size_t i = n; i > 1; i--) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t j = (seed >> 33) % i;
        paddr_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

TEST(Pmm, AllocFreeOnePage) {
    uint64_t before = pmm_free_pages();
    paddr_t pa;
    ASSERT_TRUE(pmm_alloc(0, &pa));
    EXPECT_EQ(pa % PAGE, 0);
    EXPECT_TRUE(in_one_range(pa, PAGE));
    EXPECT_EQ(pmm_free_pages(), before - 1);
    memset(paddr_to_kva(pa), 0xab, PAGE);  // the page is really memory
    pmm_free(pa, 0);
    EXPECT_EQ(pmm_free_pages(), before);
}

TEST(Pmm, BlocksAreNaturallyAlignedAndInsideOneRange) {
    for (unsigned order = 0; order <= PMM_MAX_ORDER; order++) {
        uint64_t before = pmm_free_pages();
        paddr_t pa;
        ASSERT_TRUE(pmm_alloc(order, &pa));
        EXPECT_EQ(pa % (PAGE << order), 0);
        EXPECT_TRUE(in_one_range(pa, PAGE << order));
        EXPECT_EQ(pmm_free_pages(), before - (1ul << order));
        pmm_free(pa, order);
        EXPECT_EQ(pmm_free_pages(), before);
    }
}

TEST(Pmm, OrderAboveMaxFails) {
    uint64_t before = pmm_free_pages();
    paddr_t pa = 0x1234;
    EXPECT_FALSE(pmm_alloc(PMM_MAX_ORDER + 1, &pa));
    EXPECT_EQ(pa, 0x1234);
    EXPECT_EQ(pmm_free_pages(), before);
}

TEST(Pmm, TotalMatchesTheMemoryMap) {
    const struct hal_mem_range *r;
    size_t n = hal_boot_memory(&r);
    uint64_t pages = 0;
    for (size_t i = 0; i < n; i++) pages += r[i].size / PAGE;
    // All of it but the frame map (a few dozen pages here).
    EXPECT_LE(pmm_total_pages(), pages);
    EXPECT_GE(pmm_total_pages(), pages - 64);
    EXPECT_LE(pmm_free_pages(), pmm_total_pages());
}

// Every page handed out once, each inside the memory map, none twice; then none left.
TEST(Pmm, ExhaustionHandsOutEveryPageOnce) {
    uint64_t before = pmm_free_pages();
    paddr_t *v;
    size_t n = drain(0, &v);
    EXPECT_EQ(n, before);
    EXPECT_EQ(pmm_free_pages(), 0);
    paddr_t pa;
    EXPECT_FALSE(pmm_alloc(0, &pa));
    EXPECT_FALSE(pmm_alloc(PMM_MAX_ORDER, &pa));
    uint8_t *seen = calloc(TH_PHYS_SIZE / PAGE, 1);
    size_t dup = 0, outside = 0;
    for (size_t i = 0; i < n; i++) {
        if (!in_one_range(v[i], PAGE)) outside++;
        size_t f = (v[i] - TH_PHYS_BASE) / PAGE;
        if (f < TH_PHYS_SIZE / PAGE && seen[f]++) dup++;
    }
    EXPECT_EQ(dup, 0);
    EXPECT_EQ(outside, 0);
    free(seen);
    for (size_t i = 0; i < n; i++) pmm_free(v[i], 0);
    free(v);
    EXPECT_EQ(pmm_free_pages(), before);
}

// Freeing every page of memory one by one, in random order, must coalesce the buddies back
// into exactly as many maximal blocks as there were.
TEST(Pmm, FreedBuddiesCoalesceCompletely) {
    uint64_t before = pmm_free_pages();
    paddr_t *big;
    size_t nbig = drain(PMM_MAX_ORDER, &big);
    ASSERT_GT(nbig, 4);
    for (size_t i = 0; i < nbig; i++) pmm_free(big[i], PMM_MAX_ORDER);
    free(big);
    ASSERT_EQ(pmm_free_pages(), before);

    paddr_t *v;
    size_t n = drain(0, &v);
    ASSERT_EQ(n, before);
    shuffle(v, n, 42);
    for (size_t i = 0; i < n; i++) pmm_free(v[i], 0);
    free(v);
    EXPECT_EQ(pmm_free_pages(), before);

    size_t again = drain(PMM_MAX_ORDER, &big);
    EXPECT_EQ(again, nbig);
    for (size_t i = 0; i < again; i++) pmm_free(big[i], PMM_MAX_ORDER);
    free(big);
    EXPECT_EQ(pmm_free_pages(), before);
}

// A large block split for a small request gives its other parts back: they are allocatable.
TEST(Pmm, SplitRemaindersAreUsable) {
    uint64_t before = pmm_free_pages();
    paddr_t *big;
    size_t nbig = drain(PMM_MAX_ORDER, &big);
    // Everything below the largest order is gone too? Take it all so only our block remains.
    paddr_t *small;
    size_t nsmall = drain(0, &small);
    ASSERT_EQ(pmm_free_pages(), 0);
    ASSERT_GT(nbig, 0);
    paddr_t block = big[--nbig];
    pmm_free(block, PMM_MAX_ORDER);
    // 1024 single pages out of one block, all inside it, all distinct.
    paddr_t pages[1 << PMM_MAX_ORDER];
    for (size_t i = 0; i < (1u << PMM_MAX_ORDER); i++) {
        ASSERT_TRUE(pmm_alloc(0, &pages[i]));
        EXPECT_GE(pages[i], block);
        EXPECT_LT(pages[i], block + (PAGE << PMM_MAX_ORDER));
    }
    paddr_t pa;
    EXPECT_FALSE(pmm_alloc(0, &pa));
    for (size_t i = 0; i < (1u << PMM_MAX_ORDER); i++) pmm_free(pages[i], 0);
    // ... and they merge back into the one block.
    EXPECT_TRUE(pmm_alloc(PMM_MAX_ORDER, &pa));
    EXPECT_EQ(pa, block);
    pmm_free(pa, PMM_MAX_ORDER);
    for (size_t i = 0; i < nsmall; i++) pmm_free(small[i], 0);
    for (size_t i = 0; i < nbig; i++) pmm_free(big[i], PMM_MAX_ORDER);
    free(small);
    free(big);
    EXPECT_EQ(pmm_free_pages(), before);
}

TEST(Pmm, KernelAllocFrameZeroes) {
    paddr_t v[64];
    for (int i = 0; i < 64; i++) {
        ASSERT_TRUE(pmm_alloc(0, &v[i]));
        memset(paddr_to_kva(v[i]), 0xee, PAGE);
    }
    for (int i = 0; i < 64; i++) pmm_free(v[i], 0);
    for (int i = 0; i < 64; i++) {
        ASSERT_TRUE(kernel_alloc_frame(&v[i]));
        const uint8_t *p = paddr_to_kva(v[i]);
        size_t nz = 0;
        for (size_t j = 0; j < PAGE; j++) nz += p[j] != 0;
        EXPECT_EQ(nz, 0);
    }
    for (int i = 0; i < 64; i++) kernel_free_frame(v[i]);
}

TEST(Pmm, MisalignedFreeAsserts) {
    paddr_t pa;
    ASSERT_TRUE(pmm_alloc(1, &pa));
    EXPECT_PANIC(pmm_free(pa + PAGE, 1));
    EXPECT_TRUE(th_console_contains("ASSERT failed"));
}
