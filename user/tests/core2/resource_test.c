// Resources: zx_resource_create from the root resource and from ranged parents.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/resource.h>

#include "util.h"
#include "zctest.h"

#define MMIO_BASE 0x20000000ull

TEST(Resource, RootResourceIsAResource) {
    zx_handle_t root = root_resource();
    ASSERT_NE(root, ZX_HANDLE_INVALID);
    EXPECT_EQ(handle_type(root), ZX_OBJ_TYPE_RESOURCE);
    EXPECT_EQ(handle_rights(root) & ZX_RIGHT_WRITE, ZX_RIGHT_WRITE);
}

TEST(Resource, CreateMmioFromRoot) {
    zx_handle_t r;
    ASSERT_OK(
        zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, 4 * PAGE, "mmio", 4, &r));
    EXPECT_EQ(handle_type(r), ZX_OBJ_TYPE_RESOURCE);
    // "The returned handle will have ZX_RIGHT_TRANSFER ..., ZX_RIGHT_DUPLICATE ...,
    // ZX_RIGHT_INSPECT ... and ZX_RIGHT_WRITE".
    EXPECT_EQ(handle_rights(r),
              ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT | ZX_RIGHT_WRITE);
    char name[ZX_MAX_NAME_LEN] = {0};
    zx_handle_t with_prop = r;
    if (zx_object_get_property(with_prop, ZX_PROP_NAME, name, sizeof(name)) == ZX_OK)
        EXPECT_STREQ(name, "mmio");
    zx_handle_close(r);
}

TEST(Resource, CreateEachKind) {
    zx_handle_t r;
    EXPECT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IRQ, 32, 8, "irq", 3, &r));
    zx_handle_close(r);
    EXPECT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IOPORT, 0x3f8, 8, "io", 2, &r));
    zx_handle_close(r);
    EXPECT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_VMEX_BASE, 1,
                                 "vmex", 4, &r));
    zx_handle_close(r);
    EXPECT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_INFO_BASE, 1,
                                 NULL, 0, &r));
    zx_handle_close(r);
}

// "ZX_RSRC_KIND_ROOT must be paired with zero values for base and size" and "the kind
// specified is ZX_RSRC_KIND_ROOT but base and size are not 0" is ZX_ERR_INVALID_ARGS.
TEST(Resource, RootKindNeedsZeroRange) {
    zx_handle_t r;
    EXPECT_STATUS(zx_resource_create(root_resource(), ZX_RSRC_KIND_ROOT, 1, 0, "r", 1, &r),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_resource_create(root_resource(), ZX_RSRC_KIND_ROOT, 0, 1, "r", 1, &r),
                  ZX_ERR_INVALID_ARGS);
    // Root is one of the listed valid kinds; with a zero range it is accepted.
    EXPECT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_ROOT, 0, 0, "r", 1, &r));
    zx_handle_close(r);
}

TEST(Resource, InvalidKindOrFlags) {
    zx_handle_t r;
    EXPECT_STATUS(zx_resource_create(root_resource(), ZX_RSRC_KIND_COUNT, 0, PAGE, "x", 1, &r),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_resource_create(root_resource(), 0x7777, 0, PAGE, "x", 1, &r),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO | 0x00200000u, MMIO_BASE,
                                     PAGE, "x", 1, &r),
                  ZX_ERR_INVALID_ARGS);
}

TEST(Resource, ChildOfRangedParent) {
    zx_handle_t parent, child;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, 16 * PAGE, "p", 1,
                                 &parent));
    // "a resource that matches the requested kind and contains [base, base+size] in its range"
    EXPECT_OK(
        zx_resource_create(parent, ZX_RSRC_KIND_MMIO, MMIO_BASE + PAGE, 2 * PAGE, "c", 1, &child));
    zx_handle_close(child);
    EXPECT_OK(zx_resource_create(parent, ZX_RSRC_KIND_MMIO, MMIO_BASE, 16 * PAGE, "c", 1, &child));
    zx_handle_close(child);
    // Outside the range, or another kind: "The parent_rsrc handle is not a resource of either
    // kind or ZX_RSRC_KIND_ROOT" / does not contain the range -> ZX_ERR_ACCESS_DENIED.
    EXPECT_STATUS(zx_resource_create(parent, ZX_RSRC_KIND_MMIO, MMIO_BASE + 15 * PAGE, 2 * PAGE,
                                     "c", 1, &child),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(
        zx_resource_create(parent, ZX_RSRC_KIND_MMIO, MMIO_BASE - PAGE, PAGE, "c", 1, &child),
        ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_resource_create(parent, ZX_RSRC_KIND_IRQ, MMIO_BASE, 1, "c", 1, &child),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(parent);
}

TEST(Resource, HandleErrors) {
    zx_handle_t r, ev;
    EXPECT_STATUS(zx_resource_create(BOGUS_HANDLE, ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, "x", 1, &r),
                  ZX_ERR_BAD_HANDLE);
    // A VMO has ZX_RIGHT_WRITE: only its type is wrong.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_resource_create(vmo, ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, "x", 1, &r),
                  ZX_ERR_WRONG_TYPE);
    zx_handle_close(vmo);
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_close(ev);
    zx_handle_t weak = dup_rights(root_resource(), ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_resource_create(weak, ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, "x", 1, &r),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
}

TEST(Resource, BadPointers) {
    zx_handle_t r;
    EXPECT_STATUS(
        zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, KERNEL_PTR, 4, &r),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE,
                                     UNMAPPED_PTR, 4, &r),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, "x", 1, NULL),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, "x", 1, KERNEL_PTR),
        ZX_ERR_INVALID_ARGS);
}

TEST(Resource, LongNameTruncated) {
    zx_handle_t r;
    const char name[] = "a-resource-name-well-beyond-thirty-one-characters";
    EXPECT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, name,
                                 sizeof(name) - 1, &r));
    char got[ZX_MAX_NAME_LEN];
    if (zx_object_get_property(r, ZX_PROP_NAME, got, sizeof(got)) == ZX_OK)
        EXPECT_EQ(strlen(got), ZX_MAX_NAME_LEN - 1);
    zx_handle_close(r);
}

TEST(Resource, ResourcesAreTransferable) {
    zx_handle_t r, a, b;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IRQ, 5, 1, "irq", 3, &r));
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_OK(zx_channel_write(a, 0, NULL, 0, &r, 1));
    zx_handle_t got = ZX_HANDLE_INVALID;
    uint32_t nh = 0;
    EXPECT_OK(zx_channel_read(b, 0, NULL, &got, 0, 1, NULL, &nh));
    EXPECT_EQ(nh, 1);
    EXPECT_EQ(handle_type(got), ZX_OBJ_TYPE_RESOURCE);
    zx_handle_close(got);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(Resource, InfoResource) {
    zx_handle_t r, ev;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE,
                                 MMIO_BASE, 4 * PAGE, "info-me", 7, &r));
    zx_info_resource_t info;
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(r, ZX_INFO_RESOURCE, &info, sizeof(info), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_EQ(info.kind, ZX_RSRC_KIND_MMIO);
    EXPECT_EQ(info.flags, ZX_RSRC_FLAG_EXCLUSIVE);
    EXPECT_EQ(info.base, MMIO_BASE);
    EXPECT_EQ(info.size, 4 * PAGE);
    EXPECT_STREQ(info.name, "info-me");
    ASSERT_OK(zx_object_get_info(root_resource(), ZX_INFO_RESOURCE, &info, sizeof(info), NULL,
                                 NULL));
    EXPECT_EQ(info.kind, ZX_RSRC_KIND_ROOT);
    EXPECT_STATUS(zx_object_get_info(r, ZX_INFO_RESOURCE, &info, sizeof(info) - 1, NULL, NULL),
                  ZX_ERR_BUFFER_TOO_SMALL);
    zx_handle_t weak = dup_rights(r, ZX_RIGHT_TRANSFER);
    EXPECT_STATUS(zx_object_get_info(weak, ZX_INFO_RESOURCE, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_RESOURCE, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    zx_handle_close_many((zx_handle_t[]){r, weak, ev}, 3);
}

// "handle is always invalidated"; "ZX_ERR_BAD_HANDLE handle isn't a valid VM object handle, or
// vmex isn't a valid ZX_RSRC_KIND_VMEX resource handle".
TEST(Resource, ReplaceAsExecutableBadHandles) {
    zx_handle_t vmo, out = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_vmo_replace_as_executable(BOGUS_HANDLE, ZX_HANDLE_INVALID, &out),
                  ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmo_replace_as_executable(vmo, BOGUS_HANDLE, &out), ZX_ERR_BAD_HANDLE);
    EXPECT_FALSE(handle_valid(vmo));
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
}

// "vmex must have resource kind ZX_RSRC_KIND_SYSTEM with base ZX_RSRC_SYSTEM_VMEX_BASE" (the root
// resource grants every range here); the VMO handle is consumed whatever the outcome.
TEST(Resource, ReplaceAsExecutableNeedsTheVmexResource) {
    zx_handle_t vmex, info, mmio, vmo, out = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_VMEX_BASE, 1,
                                 "vmex", 4, &vmex));
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_INFO_BASE, 1,
                                 "info", 4, &info));
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, MMIO_BASE, PAGE, "mmio", 4,
                                 &mmio));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmo_replace_as_executable(vmo, mmio, &out), ZX_ERR_WRONG_TYPE);
    EXPECT_FALSE(handle_valid(vmo));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmo_replace_as_executable(vmo, info, &out), ZX_ERR_OUT_OF_RANGE);
    EXPECT_FALSE(handle_valid(vmo));
    EXPECT_EQ(out, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_replace_as_executable(vmo, vmex, &out));
    EXPECT_FALSE(handle_valid(vmo));
    EXPECT_EQ(handle_rights(out) & ZX_RIGHT_EXECUTE, ZX_RIGHT_EXECUTE);
    zx_handle_close_many((zx_handle_t[]){vmex, info, mmio, out}, 4);
}
