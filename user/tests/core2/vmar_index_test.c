// Address spaces with many regions: lookups (faults, process memory access), first-fit
// placement into holes and the mapping list stay right with 10,000 mappings in one VMAR, and
// a fault costs about the same with 10,000 mappings as with one (objects/vmar.c keeps each
// VMAR's regions in an AVL tree, kernel/avl.h).
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

enum { MANY = 10000, VMO_PAGES = 64 };

static uint64_t marker(uint64_t vmo_page) { return 0x5a00000000ull + vmo_page; }
// The VMO page that mapping i shows (scattered, so that a wrong lookup reads a wrong marker).
static uint64_t page_of(size_t i) { return (i * 7) % VMO_PAGES; }

static size_t process_maps(void) {
    size_t actual = 0, avail = 0;
    if (zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, NULL, 0, &actual, &avail) != ZX_OK)
        return 0;
    return avail;
}

TEST(VmarIndex, TenThousandMappingsResolve) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t vmo, vmar;
    zx_vaddr_t base, a;
    ASSERT_OK(zx_vmo_create((uint64_t)VMO_PAGES * PAGE, 0, &vmo));
    for (uint64_t p = 0; p < VMO_PAGES; p++) {
        uint64_t m = marker(p);
        ASSERT_OK(zx_vmo_write(vmo, &m, p * PAGE, sizeof(m)));
    }
    size_t maps_before = process_maps();
    const size_t span = (size_t)MANY * PAGE;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC, 0, span,
                               &vmar, &base));
    for (size_t i = 0; i < MANY; i++) {
        ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, page_of(i) * PAGE, PAGE, &a));
        ASSERT_EQ(a, base + i * PAGE);  // lowest first
    }
    EXPECT_EQ(process_maps(), maps_before + 1 + MANY);
    // The VMAR is full.
    EXPECT_STATUS(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a), ZX_ERR_NO_RESOURCES);
    // Every mapping faults in its own page, visited out of order.
    for (size_t j = 0; j < MANY; j++) {
        size_t i = (j * 7919) % MANY;
        uint64_t got = *(const volatile uint64_t *)(base + i * PAGE);
        if (got != marker(page_of(i))) {
            EXPECT_EQ(got, marker(page_of(i)));
            break;
        }
    }
    // Unmap every third mapping: those addresses are gone, the others still resolve.
    for (size_t i = 0; i < MANY; i += 3) ASSERT_OK(zx_vmar_unmap(vmar, base + i * PAGE, PAGE));
    size_t holes = (MANY + 2) / 3;
    EXPECT_EQ(process_maps(), maps_before + 1 + MANY - holes);
    for (size_t i = 0; i < MANY; i += 1 + (i % 5)) {
        uint64_t got = 0;
        size_t actual = 0;
        zx_status_t st = zx_process_read_memory(zx_process_self(), base + i * PAGE, &got, sizeof(got), &actual);
        if (i % 3 == 0) {
            EXPECT_STATUS(st, ZX_ERR_NO_MEMORY);
        } else {
            EXPECT_OK(st);
            EXPECT_EQ(got, marker(page_of(i)));
        }
        if (zctest_current_failed()) break;
    }
    // New mappings fill the one-page holes lowest first; two-page ones find no room.
    EXPECT_STATUS(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, 2 * PAGE, &a), ZX_ERR_NO_RESOURCES);
    for (size_t i = 0; i < MANY; i += 3) {
        ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, page_of(i + 1) * PAGE, PAGE, &a));
        ASSERT_EQ(a, base + i * PAGE);
    }
    EXPECT_STATUS(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a), ZX_ERR_NO_RESOURCES);
    for (size_t i = 0; i < MANY; i += 3) {
        uint64_t got = *(const volatile uint64_t *)(base + i * PAGE);
        if (got != marker(page_of(i + 1))) {
            EXPECT_EQ(got, marker(page_of(i + 1)));
            break;
        }
    }
    // Unmapping a range that spans thousands of mappings takes them all.
    ASSERT_OK(zx_vmar_unmap(vmar, base + 100 * PAGE, 5000 * PAGE));
    EXPECT_EQ(process_maps(), maps_before + 1 + MANY - 5000);
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_ALLOW_FAULTS, 0, vmo, 0, 5000 * PAGE, &a));
    EXPECT_EQ(a, base + 100 * PAGE);
    EXPECT_OK(zx_vmar_destroy(vmar));
    EXPECT_EQ(process_maps(), maps_before);
    zx_handle_close(vmar);
    zx_handle_close(vmo);
    EXPECT_OK(leakcheck_end(&lc));
}

// Ticks per read fault on a mapping placed above `fillers` one-page mappings in the same VMAR
// (the last place a walk in address order would reach); the fastest of three rounds. One page
// in every 16 is touched: a fault may map the rest of its aligned 16-page window (the kernel's
// fault-around, docs/kernel.md), so each touch is a fault of its own.
static zx_ticks_t fault_cost(size_t fillers) {
    enum { FAULTS = 64, STRIDE = 16 * PAGE, SPAN = FAULTS * STRIDE };
    zx_handle_t filler_vmo, vmo, vmar;
    zx_vaddr_t base, a;
    zx_ticks_t best = INT64_MAX;
    if (zx_vmo_create(PAGE, 0, &filler_vmo) != ZX_OK) return 0;
    if (zx_vmo_create(SPAN, 0, &vmo) != ZX_OK) return 0;
    // Room for the fillers, then the window-aligned mapping.
    const size_t target = (fillers * PAGE + STRIDE - 1) / STRIDE * STRIDE;
    if (zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC | ZX_VM_ALIGN_64KB, 0,
                         target + SPAN, &vmar, &base) != ZX_OK)
        return 0;
    for (size_t i = 0; i < fillers; i++)
        if (zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, filler_vmo, 0, PAGE, &a) != ZX_OK) best = 0;
    for (int round = 0; round < 3 && best; round++) {
        // Mapped afresh each round, so every page faults again (read faults map the zero page).
        if (zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, target, vmo, 0, SPAN, &a) != ZX_OK) {
            best = 0;
            break;
        }
        const volatile uint8_t *p = (const volatile uint8_t *)a;
        zx_ticks_t t0 = zx_ticks_get();
        for (size_t off = 0; off < SPAN; off += STRIDE) (void)p[off];
        zx_ticks_t t = (zx_ticks_get() - t0) / FAULTS;
        if (t < best) best = t;
        if (zx_vmar_unmap(vmar, a, SPAN) != ZX_OK) best = 0;
    }
    zx_vmar_destroy(vmar);
    zx_handle_close(vmar);
    zx_handle_close(vmo);
    zx_handle_close(filler_vmo);
    return best;
}

// Before the index, regions were a sorted list walked on every fault: with 10,000 mappings
// below it, a fault cost about 20 times what it costs with none.
TEST(VmarIndex, FaultCostDoesNotGrowWithMappings) {
    zx_ticks_t one = fault_cost(0), hundred = fault_cost(99), many = fault_cost(MANY - 1);
    ASSERT_GT(one, 0);
    ASSERT_GT(hundred, 0);
    ASSERT_GT(many, 0);
    // In ns (under QEMU's icount mode: instructions), for the record.
    const int64_t tps = zx_ticks_per_second();
    printf("VmarIndex: ns per fault with 1, 100, %d mappings: %lld, %lld, %lld\n", MANY,
           (long long)(one * 1000000000 / tps), (long long)(hundred * 1000000000 / tps),
           (long long)(many * 1000000000 / tps));
    EXPECT_LT(many, 3 * one);
}
