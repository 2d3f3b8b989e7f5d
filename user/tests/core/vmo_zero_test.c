// zx_vmo_op_range(ZX_VMO_OP_ZERO): "semantically equivalent to writing 0's with zx_vmo_write()".
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_vmo_op_range)

// A VMO of `pages` pages filled with 0xff.
static zx_handle_t filled_vmo(size_t pages) {
    static uint8_t ones[PAGE];
    memset(ones, 0xff, sizeof(ones));
    zx_handle_t vmo;
    if (zx_vmo_create(pages * PAGE, 0, &vmo) != ZX_OK)
        return ZX_HANDLE_INVALID;
    for (size_t i = 0; i < pages; i++)
        zx_vmo_write(vmo, ones, i * PAGE, PAGE);
    return vmo;
}

// True when bytes [from, to) of the VMO all equal `v`.
static bool range_is(zx_handle_t vmo, uint64_t from, uint64_t to, uint8_t v) {
    static uint8_t buf[PAGE];
    while (from < to) {
        uint64_t n = to - from < PAGE ? to - from : PAGE;
        if (zx_vmo_read(vmo, buf, from, n) != ZX_OK)
            return false;
        for (uint64_t i = 0; i < n; i++)
            if (buf[i] != v)
                return false;
        from += n;
    }
    return true;
}

TEST(VmoZeroTestCase, UncommittedStaysZero) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 0, 4 * PAGE, NULL, 0));
    EXPECT_TRUE(range_is(vmo, 0, 4 * PAGE, 0));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, WholePages) {
    zx_handle_t vmo = filled_vmo(4);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, PAGE, 2 * PAGE, NULL, 0));
    EXPECT_TRUE(range_is(vmo, 0, PAGE, 0xff));
    EXPECT_TRUE(range_is(vmo, PAGE, 3 * PAGE, 0));
    EXPECT_TRUE(range_is(vmo, 3 * PAGE, 4 * PAGE, 0xff));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, PartialPage) {
    zx_handle_t vmo = filled_vmo(1);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 100, 50, NULL, 0));
    EXPECT_TRUE(range_is(vmo, 0, 100, 0xff));
    EXPECT_TRUE(range_is(vmo, 100, 150, 0));
    EXPECT_TRUE(range_is(vmo, 150, PAGE, 0xff));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, UnalignedAcrossPages) {
    zx_handle_t vmo = filled_vmo(3);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, PAGE - 10, PAGE + 20, NULL, 0));
    EXPECT_TRUE(range_is(vmo, 0, PAGE - 10, 0xff));
    EXPECT_TRUE(range_is(vmo, PAGE - 10, 2 * PAGE + 10, 0));
    EXPECT_TRUE(range_is(vmo, 2 * PAGE + 10, 3 * PAGE, 0xff));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, ZeroLength) {
    zx_handle_t vmo = filled_vmo(1);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 10, 0, NULL, 0));
    EXPECT_TRUE(range_is(vmo, 0, PAGE, 0xff));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, OutOfRange) {
    zx_handle_t vmo = filled_vmo(2);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, PAGE, 2 * PAGE, NULL, 0),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 2 * PAGE + 1, 1, NULL, 0),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 8, UINT64_MAX - 4, NULL, 0),
                  ZX_ERR_OUT_OF_RANGE);
    // A failed zero changed nothing.
    EXPECT_TRUE(range_is(vmo, 0, 2 * PAGE, 0xff));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, NeedsWriteRight) {
    zx_handle_t vmo = filled_vmo(1), ro;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ro = dup_rights(vmo, ZX_RIGHT_READ);
    ASSERT_NE(ro, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmo_op_range(ro, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_TRUE(range_is(vmo, 0, PAGE, 0xff));
    EXPECT_OK(zx_handle_close(ro));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, WrongTypeAndBadHandle) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_vmo_op_range(ev, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_op_range(BOGUS_HANDLE, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(VmoZeroTestCase, MappedMemoryReadsZero) {
    zx_handle_t vmo = filled_vmo(2);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          2 * PAGE, &addr));
    volatile uint8_t *p = (volatile uint8_t *)addr;
    EXPECT_EQ(p[PAGE + 5], 0xff);
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, PAGE, PAGE, NULL, 0));
    EXPECT_EQ(p[PAGE + 5], 0);
    EXPECT_EQ(p[5], 0xff);
    p[PAGE + 5] = 3;
    EXPECT_TRUE(range_is(vmo, PAGE + 5, PAGE + 6, 3));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

#if defined(ZX_SYS_vmo_create_child)

TEST(VmoZeroTestCase, ZeroCloneKeepsParent) {
    zx_handle_t vmo = filled_vmo(2), clone;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PAGE, &clone));
    EXPECT_OK(zx_vmo_op_range(clone, ZX_VMO_OP_ZERO, 0, 2 * PAGE, NULL, 0));
    EXPECT_TRUE(range_is(clone, 0, 2 * PAGE, 0));
    EXPECT_TRUE(range_is(vmo, 0, 2 * PAGE, 0xff));
    EXPECT_OK(zx_handle_close(clone));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, ZeroParentKeepsClone) {
    zx_handle_t vmo = filled_vmo(2), clone;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PAGE, &clone));
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 0, PAGE + 1, NULL, 0));
    EXPECT_TRUE(range_is(vmo, 0, PAGE + 1, 0));
    EXPECT_TRUE(range_is(vmo, PAGE + 1, 2 * PAGE, 0xff));
    EXPECT_TRUE(range_is(clone, 0, 2 * PAGE, 0xff));
    EXPECT_OK(zx_handle_close(clone));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoZeroTestCase, ZeroThroughSlice) {
    zx_handle_t vmo = filled_vmo(3), slice;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, PAGE, PAGE, &slice));
    EXPECT_OK(zx_vmo_op_range(slice, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0));
    EXPECT_TRUE(range_is(vmo, 0, PAGE, 0xff));
    EXPECT_TRUE(range_is(vmo, PAGE, 2 * PAGE, 0));
    EXPECT_TRUE(range_is(vmo, 2 * PAGE, 3 * PAGE, 0xff));
    EXPECT_OK(zx_handle_close(slice));
    EXPECT_OK(zx_handle_close(vmo));
}

#endif  // ZX_SYS_vmo_create_child

#endif  // ZX_SYS_vmo_op_range
