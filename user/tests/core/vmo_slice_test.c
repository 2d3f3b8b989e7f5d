// ZX_VMO_CHILD_SLICE: a window onto the parent's pages, in both directions.
#include <stdint.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_vmo_create_child)

static uint32_t read32(zx_handle_t vmo, uint64_t offset) {
    uint32_t v = 0xdeaddeadu;
    if (zx_vmo_read(vmo, &v, offset, sizeof(v)) != ZX_OK)
        return 0xdeaddeadu;
    return v;
}

static zx_status_t write32(zx_handle_t vmo, uint64_t offset, uint32_t v) {
    return zx_vmo_write(vmo, &v, offset, sizeof(v));
}

TEST(VmoSliceTestCase, WriteThrough) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(write32(vmo, PAGE, 42));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE, &slice));
    EXPECT_EQ(read32(slice, 0), 42);
    ASSERT_OK(write32(slice, 0, 84));
    ASSERT_OK(write32(slice, PAGE, 85));
    EXPECT_EQ(read32(vmo, PAGE), 84);
    EXPECT_EQ(read32(vmo, 2 * PAGE), 85);
    EXPECT_EQ(read32(vmo, 3 * PAGE), 0);
    // And the parent's later writes show in the slice.
    ASSERT_OK(write32(vmo, 2 * PAGE + 8, 86));
    EXPECT_EQ(read32(slice, PAGE + 8), 86);
    EXPECT_OK(zx_handle_close(slice));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoSliceTestCase, Bounds) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE, &slice));
    uint64_t size = 0;
    ASSERT_OK(zx_vmo_get_size(slice, &size));
    EXPECT_EQ(size, 2 * PAGE);
    uint8_t b;
    EXPECT_STATUS(zx_vmo_read(slice, &b, 2 * PAGE, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_write(slice, &b, 2 * PAGE - 1, 2), ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(read32(vmo, 3 * PAGE), 0);  // the failed write did not spill over
    EXPECT_OK(zx_handle_close(slice));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoSliceTestCase, Nested) {
    zx_handle_t vmo, s1, s2;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    ASSERT_OK(write32(vmo, 0, 42));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, 2 * PAGE, &s1));
    ASSERT_OK(zx_vmo_create_child(s1, ZX_VMO_CHILD_SLICE, PAGE, PAGE, &s2));
    ASSERT_OK(write32(s2, 0, 84));
    EXPECT_EQ(read32(vmo, PAGE), 84);
    EXPECT_EQ(read32(s1, PAGE), 84);
    EXPECT_EQ(read32(s1, 0), 42);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){s2, s1, vmo}, 3));
}

TEST(VmoSliceTestCase, MustBeStrictSubrange) {
    zx_handle_t vmo, out = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    // A slice may not extend past its parent (ZX_ERR_INVALID_ARGS; Zircon's VmoSliceTestCase
    // NonSlice), and offset + size may not overflow (ZX_ERR_OUT_OF_RANGE).
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, 3 * PAGE, &out),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE, &out),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 2 * PAGE, PAGE, &out),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, UINT64_MAX, &out),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, UINT64_MAX - PAGE + 1,
                                      UINT64_MAX - PAGE + 1, &out),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 10, PAGE, &out),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoSliceTestCase, NotOfResizableParent) {
    zx_handle_t vmo, out = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &out),
                  ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(
        zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_RESIZABLE, 0, PAGE, &out),
        ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(
        zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_RESIZABLE, 0, PAGE, &out),
        ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoSliceTestCase, ZeroSized) {
    zx_handle_t vmo, s1, s2;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, 0, &s1));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, PAGE, 0, &s2));
    uint8_t b = 1;
    EXPECT_STATUS(zx_vmo_read(s1, &b, 0, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_write(s2, &b, 0, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){s1, s2, vmo}, 3));
}

TEST(VmoSliceTestCase, RightsFollowParent) {
    // Unlike snapshots, a slice gains no ZX_RIGHT_WRITE: it is the parent's own memory.
    zx_handle_t vmo, ro, slice;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ro = dup_rights(vmo, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE | ZX_RIGHT_MAP);
    ASSERT_NE(ro, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_vmo_create_child(ro, ZX_VMO_CHILD_SLICE, 0, PAGE, &slice));
    EXPECT_EQ(handle_rights(slice), ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE | ZX_RIGHT_MAP);
    EXPECT_STATUS(write32(slice, 0, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(read32(vmo, 0), 0);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){slice, ro, vmo}, 3));
}

TEST(VmoSliceTestCase, NoWrite) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(write32(vmo, 0, 3));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_NO_WRITE, 0, PAGE,
                                  &slice));
    EXPECT_FALSE(handle_rights(slice) & ZX_RIGHT_WRITE);
    EXPECT_STATUS(write32(slice, 0, 4), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(read32(slice, 0), 3);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){slice, vmo}, 2));
}

TEST(VmoSliceTestCase, NotResizable) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &slice));
    EXPECT_STATUS(zx_vmo_set_size(slice, 2 * PAGE), ZX_ERR_UNAVAILABLE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){slice, vmo}, 2));
}

TEST(VmoSliceTestCase, Mapped) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 2 * PAGE, 2 * PAGE, &slice));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, slice, 0,
                          2 * PAGE, &addr));
    volatile uint32_t *p = (volatile uint32_t *)addr;
    p[PAGE / 4] = 0x51ce;
    EXPECT_EQ(read32(vmo, 3 * PAGE), 0x51ce);
    ASSERT_OK(write32(vmo, 2 * PAGE, 0xbead));
    EXPECT_EQ(p[0], 0xbead);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){slice, vmo}, 2));
}

TEST(VmoSliceTestCase, ZeroChildren) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_TRUE(signals_now(vmo) & ZX_VMO_ZERO_CHILDREN);
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &slice));
    // Child creation is synchronous: the signal is already clear.
    zx_signals_t observed = 0xffffffffu;
    EXPECT_STATUS(zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, ZX_TIME_INFINITE_PAST, &observed),
                  ZX_ERR_TIMED_OUT);
    EXPECT_FALSE(observed & ZX_VMO_ZERO_CHILDREN);
    EXPECT_OK(zx_handle_close(slice));
    EXPECT_OK(zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, zx_deadline_after(ZX_SEC(1)), NULL));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoSliceTestCase, ZeroChildrenGrandchildClosedLast) {
    zx_handle_t vmo, child, grandchild;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &child));
    ASSERT_OK(zx_vmo_create_child(child, ZX_VMO_CHILD_SLICE, 0, PAGE, &grandchild));
    EXPECT_OK(zx_handle_close(child));
    // The grandchild still hangs off the parent.
    EXPECT_FALSE(signals_now(vmo) & ZX_VMO_ZERO_CHILDREN);
    EXPECT_EQ(read32(grandchild, 0), 0);
    EXPECT_OK(zx_handle_close(grandchild));
    EXPECT_OK(zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, zx_deadline_after(ZX_SEC(1)), NULL));
    EXPECT_OK(zx_handle_close(vmo));
}

#if defined(ZX_SYS_vmo_op_range)

TEST(VmoSliceTestCase, DecommitParentSeenInSlice) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(write32(vmo, 0, 42));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &slice));
    EXPECT_EQ(read32(slice, 0), 42);
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0));
    EXPECT_EQ(read32(slice, 0), 0);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){slice, vmo}, 2));
}

TEST(VmoSliceTestCase, CommitAndDecommitThroughSlice) {
    // Decommit is supported "for slice children of such vmos".
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, PAGE, PAGE, &slice));
    ASSERT_OK(zx_vmo_op_range(slice, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0));
    ASSERT_OK(write32(slice, 0, 42));
    EXPECT_EQ(read32(vmo, PAGE), 42);
    ASSERT_OK(zx_vmo_op_range(slice, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0));
    EXPECT_EQ(read32(vmo, PAGE), 0);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){slice, vmo}, 2));
}

#endif  // ZX_SYS_vmo_op_range

#endif  // ZX_SYS_vmo_create_child
