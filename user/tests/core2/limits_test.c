// Limits a kernel needs to stay up, with Zircon's behaviour: a channel endpoint's queue of
// unread messages (docs "Zircon Kernel IPC Limits": past it, the writer gets a policy
// exception), zx_debug_write's length (at most 256 bytes are written, the rest dropped).
#include <string.h>
#include <zircon/syscalls.h>

#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

// zc's limit (Zircon's value; the documentation leaves it undisclosed on purpose).
#define CHANNEL_MAX_PENDING 3500

TEST(Limits, ChannelQueueUpToTheLimitIsFine) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    int64_t rc = 0;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "channel-flood", "3500", &rc));
    EXPECT_EQ(rc, CHANNEL_MAX_PENDING);
    EXPECT_OK(leakcheck_end(&lc));
}

TEST(Limits, ChannelFullWriteRaisesAPolicyExceptionThatKills) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    int64_t rc = 0;
    ASSERT_OK(child_run(ZX_HANDLE_INVALID, "channel-flood", "100000", &rc));
    EXPECT_EQ(rc, ZX_TASK_RETCODE_EXCEPTION_KILL);  // nobody handled ZX_EXCP_POLICY_ERROR
    EXPECT_OK(leakcheck_end(&lc));
}

TEST(Limits, DebugWriteWritesAtMost256Bytes) {
    // A buffer of one page with a length far beyond it: only the first 256 bytes are read.
    static char page[PAGE] __attribute__((aligned(PAGE)));
    memset(page, '.', sizeof(page));
    page[255] = '\n';
    EXPECT_OK(zx_debug_write(page, SIZE_MAX));
    EXPECT_OK(zx_debug_write(page, 1u << 30));
    EXPECT_STATUS(zx_debug_write(UNMAPPED_PTR, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_debug_write(UNMAPPED_PTR, 0));
}

// First-fit placement skips the gap-free prefix of a VMAR's children (objects/vmar.c): it must
// still find the lowest hole after unmaps, splits and specific mappings.
TEST(Limits, MappingPlacementAfterHolesAndSplits) {
    zx_handle_t vmo, vmar;
    zx_vaddr_t base, a;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    const zx_vm_option_t opts = ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), opts, 0, 64 * PAGE, &vmar, &base));
    for (int i = 0; i < 16; i++) {
        ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
        ASSERT_EQ(a, base + (zx_vaddr_t)i * PAGE);  // lowest first
    }
    // Inside the covered prefix: taken.
    EXPECT_STATUS(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 3 * PAGE, vmo, 0, PAGE, &a),
                  ZX_ERR_ALREADY_EXISTS);
    // A hole at page 5 and a two-page hole at 9..10: the next mappings fill them, lowest first.
    ASSERT_OK(zx_vmar_unmap(vmar, base + 5 * PAGE, PAGE));
    ASSERT_OK(zx_vmar_unmap(vmar, base + 9 * PAGE, 2 * PAGE));
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, 2 * PAGE, &a));
    EXPECT_EQ(a, base + 9 * PAGE);  // page 5 is too small for two pages
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
    EXPECT_EQ(a, base + 5 * PAGE);
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
    EXPECT_EQ(a, base + 16 * PAGE);
    // A four-page mapping split by protect and partly unmapped: the hole it leaves is found.
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, 4 * PAGE, &a));
    EXPECT_EQ(a, base + 17 * PAGE);
    ASSERT_OK(zx_vmar_protect(vmar, ZX_VM_PERM_READ, base + 18 * PAGE, PAGE));
    ASSERT_OK(zx_vmar_unmap(vmar, base + 19 * PAGE, PAGE));
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
    EXPECT_EQ(a, base + 19 * PAGE);
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
    EXPECT_EQ(a, base + 21 * PAGE);
    // A specific mapping past a gap, then the gap is filled by first fit.
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 30 * PAGE, vmo, 0, PAGE, &a));
    for (int i = 22; i < 30; i++) {
        ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
        EXPECT_EQ(a, base + (zx_vaddr_t)i * PAGE);
    }
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
    EXPECT_EQ(a, base + 31 * PAGE);
    EXPECT_OK(zx_vmar_destroy(vmar));
    zx_handle_close(vmar);
    zx_handle_close(vmo);
}

// Adding a mapping to a VMAR that fills from the bottom costs the same at the 4,000th as at the
// first. Before, it was linear in the mappings present: under TCG the batch of maps 2,500-3,000
// took about ten times as long as the first batch. The fastest of three batches at each end
// is compared, to stay clear of preemption noise.
TEST(Limits, MappingCostDoesNotGrowWithMappings) {
    enum { BATCH = 500, BATCHES = 8 };
    zx_handle_t vmo, vmar;
    zx_vaddr_t base, a;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ, 0, (size_t)BATCH * BATCHES * PAGE, &vmar,
                               &base));
    zx_ticks_t t[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        zx_ticks_t t0 = zx_ticks_get();
        for (int i = 0; i < BATCH; i++)
            ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a));
        t[b] = zx_ticks_get() - t0;
    }
    EXPECT_EQ(a, base + (zx_vaddr_t)(BATCH * BATCHES - 1) * PAGE);
    zx_ticks_t first = t[0], last = t[BATCHES - 1];
    for (int b = 1; b < 3; b++) {
        if (t[b] < first)
            first = t[b];
        if (t[BATCHES - 1 - b] < last)
            last = t[BATCHES - 1 - b];
    }
    EXPECT_LT(last, 4 * first);
    EXPECT_OK(zx_vmar_destroy(vmar));
    zx_handle_close(vmar);
    zx_handle_close(vmo);
}
