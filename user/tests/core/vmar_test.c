// VMARs: allocate, map, unmap, protect, destroy, with the documented statuses. Each test works
// inside a fresh sub-region of the root VMAR so that it knows exactly what is mapped where.
#include <stdint.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

#define RW (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)
#define CAN_RW (ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE)
#define CAN_ALL (CAN_RW | ZX_VM_CAN_MAP_SPECIFIC)

static zx_status_t region(size_t pages, zx_vm_option_t opts, zx_handle_t *vmar,
                          zx_vaddr_t *addr) {
    return zx_vmar_allocate(zx_vmar_root_self(), opts, 0, pages * PAGE, vmar, addr);
}

static void drop_region(zx_handle_t vmar) {
    zx_vmar_destroy(vmar);
    zx_handle_close(vmar);
}

// A VMO of `pages` pages whose page i holds byte i + 1 at offset 0.
static zx_handle_t tagged_vmo(size_t pages, uint8_t base) {
    zx_handle_t vmo;
    if (zx_vmo_create(pages * PAGE, 0, &vmo) != ZX_OK)
        return ZX_HANDLE_INVALID;
    for (size_t i = 0; i < pages; i++) {
        uint8_t v = (uint8_t)(base + i);
        zx_vmo_write(vmo, &v, i * PAGE, 1);
    }
    return vmo;
}

static uint8_t peek(zx_vaddr_t addr) {
    return *(volatile uint8_t *)addr;
}

// ---- zx_vmar_allocate ----

TEST(Vmar, AllocateInsideParent) {
    zx_handle_t r, child;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_allocate(r, CAN_RW, 0, 4 * PAGE, &child, &addr));
    EXPECT_NE(addr, 0);
    EXPECT_EQ(addr % PAGE, 0);
    EXPECT_GE(addr, base);
    EXPECT_LE(addr + 4 * PAGE, base + 16 * PAGE);
    EXPECT_EQ(handle_type(child), ZX_OBJ_TYPE_VMAR);
    EXPECT_OK(zx_handle_close(child));
    drop_region(r);
}

TEST(Vmar, AllocateSpecific) {
    zx_handle_t r, child;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_allocate(r, CAN_RW | ZX_VM_SPECIFIC, 4 * PAGE, 2 * PAGE, &child, &addr));
    EXPECT_EQ(addr, base + 4 * PAGE);
    zx_info_vmar_t info;
    ASSERT_OK(zx_object_get_info(child, ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.base, addr);
    EXPECT_EQ(info.len, 2 * PAGE);
    EXPECT_OK(zx_handle_close(child));
    drop_region(r);
}

TEST(Vmar, AllocateSpecificNeedsCanMapSpecific) {
    // "ZX_VM_SPECIFIC ... invalid if vmar does not have the ZX_VM_CAN_MAP_SPECIFIC
    // permission". We take ZX_ERR_ACCESS_DENIED ("Insufficient privileges to make the requested
    // allocation"): it is a missing permission of the VMAR, not a malformed argument.
    zx_handle_t r, child = ZX_HANDLE_INVALID;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(16, CAN_RW, &r, &base));
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW | ZX_VM_SPECIFIC, 0, PAGE, &child, &addr),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(child, ZX_HANDLE_INVALID);
    drop_region(r);
}

TEST(Vmar, AllocateBadArgs) {
    zx_handle_t r, child = ZX_HANDLE_INVALID;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    // offset without ZX_VM_SPECIFIC, size 0, unaligned size or offset.
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, PAGE, PAGE, &child, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, 0, &child, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, PAGE + 1, &child, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW | ZX_VM_SPECIFIC, 100, PAGE, &child, &addr),
                  ZX_ERR_INVALID_ARGS);
    // A ZX_VM_PERM_* flag is not an allocation option.
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW | ZX_VM_PERM_READ, 0, PAGE, &child, &addr),
                  ZX_ERR_INVALID_ARGS);
    // Alignments below 1 KiB or above 4 GiB do not exist.
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW | (9u << ZX_VM_ALIGN_BASE), 0, PAGE, &child, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW | (33u << ZX_VM_ALIGN_BASE), 0, PAGE, &child, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(child, ZX_HANDLE_INVALID);
    drop_region(r);
}

TEST(Vmar, AllocateOutOfBounds) {
    zx_handle_t r, child = ZX_HANDLE_INVALID;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW | ZX_VM_SPECIFIC, 8 * PAGE, PAGE, &child, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW | ZX_VM_SPECIFIC, 7 * PAGE, 2 * PAGE, &child,
                                   &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, 9 * PAGE, &child, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(child, ZX_HANDLE_INVALID);
    drop_region(r);
}

TEST(Vmar, AllocateWhenFull) {
    // "ZX_ERR_NO_MEMORY ... A free address range of the requested size is not available".
    zx_handle_t r, all, more = ZX_HANDLE_INVALID;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_allocate(r, CAN_RW, 0, 8 * PAGE, &all, &addr));
    EXPECT_EQ(addr, base);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, PAGE, &more, &addr), ZX_ERR_NO_MEMORY);
    EXPECT_EQ(more, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(all));
    drop_region(r);
}

TEST(Vmar, AllocatePermissionsBoundedByParent) {
    // "ZX_VM_CAN_MAP_WRITE ... It is an error if the parent does not have ZX_VM_CAN_MAP_WRITE".
    zx_handle_t r, child = ZX_HANDLE_INVALID;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(8, ZX_VM_CAN_MAP_READ, &r, &base));
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, PAGE, &child, &addr), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmar_allocate(r, ZX_VM_CAN_MAP_EXECUTE, 0, PAGE, &child, &addr),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_vmar_allocate(r, ZX_VM_CAN_MAP_READ, 0, PAGE, &child, &addr));
    // CAN_MAP_SPECIFIC is "NOT an error if the parent does not have" it.
    zx_handle_t child2;
    EXPECT_OK(zx_vmar_allocate(r, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC, 0, PAGE, &child2,
                               &addr));
    EXPECT_OK(zx_handle_close(child2));
    EXPECT_OK(zx_handle_close(child));
    drop_region(r);
}

TEST(Vmar, AllocateNeedsHandleRights) {
    // "If options & ZX_VM_CAN_MAP_WRITE, parent_vmar must ... have ZX_RIGHT_WRITE."
    zx_handle_t r, weak, child = ZX_HANDLE_INVALID;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    weak = dup_rights(r, handle_rights(r) & ~ZX_RIGHT_WRITE);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmar_allocate(weak, CAN_RW, 0, PAGE, &child, &addr), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_vmar_allocate(weak, ZX_VM_CAN_MAP_READ, 0, PAGE, &child, &addr));
    EXPECT_OK(zx_handle_close(child));
    EXPECT_OK(zx_handle_close(weak));
    drop_region(r);
}

TEST(Vmar, AllocateBadOutPointers) {
    zx_handle_t r, child;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, 4 * PAGE, &child, (zx_vaddr_t *)KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, 4 * PAGE, (zx_handle_t *)UNMAPPED_PTR, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_allocate(r, CAN_RW, 0, 4 * PAGE, NULL, &addr), ZX_ERR_INVALID_ARGS);
    // The failed calls left no region behind: the whole range is still free.
    EXPECT_OK(zx_vmar_allocate(r, CAN_RW, 0, 4 * PAGE, &child, &addr));
    EXPECT_OK(zx_handle_close(child));
    drop_region(r);
}

TEST(Vmar, AllocateWrongTypeAndBadHandle) {
    zx_handle_t vmo, child;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmar_allocate(vmo, CAN_RW, 0, PAGE, &child, &addr), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmar_allocate(BOGUS_HANDLE, CAN_RW, 0, PAGE, &child, &addr),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Vmar, AllocateAligned) {
    zx_handle_t child;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), CAN_RW | ZX_VM_ALIGN_1MB, 0, 4 * PAGE, &child,
                               &addr));
    EXPECT_EQ(addr % (1u << 20), 0);
    drop_region(child);
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), CAN_RW | ZX_VM_ALIGN_64KB, 0, PAGE, &child,
                               &addr));
    EXPECT_EQ(addr % (64u << 10), 0);
    drop_region(child);
}

TEST(Vmar, CloseHandleKeepsRegion) {
    // "just closing the VMAR's handle does not deallocate the address space".
    zx_handle_t r, child, vmo;
    zx_vaddr_t base, addr, map;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_allocate(r, CAN_RW | ZX_VM_SPECIFIC, 0, 4 * PAGE, &child, &addr));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(child, RW, 0, vmo, 0, PAGE, &map));
    EXPECT_OK(zx_handle_close(child));
    *(volatile uint8_t *)map = 5;  // still mapped
    EXPECT_EQ(peek(map), 5);
    // ... and the range is still taken.
    // (Which status an overlapping allocation gets is not documented; it must fail.)
    zx_handle_t again = ZX_HANDLE_INVALID;
    EXPECT_NE(zx_vmar_allocate(r, CAN_RW | ZX_VM_SPECIFIC, 0, 4 * PAGE, &again, &addr), ZX_OK);
    EXPECT_EQ(again, ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

// ---- zx_vmar_map ----

TEST(Vmar, MapInsideRegion) {
    zx_handle_t r, vmo = tagged_vmo(2, 1);
    zx_vaddr_t base, addr;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_map(r, RW, 0, vmo, 0, 2 * PAGE, &addr));
    EXPECT_GE(addr, base);
    EXPECT_LE(addr + 2 * PAGE, base + 16 * PAGE);
    EXPECT_EQ(peek(addr), 1);
    EXPECT_EQ(peek(addr + PAGE), 2);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapVmoOffset) {
    zx_handle_t r, vmo = tagged_vmo(4, 1);
    zx_vaddr_t base, addr;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_map(r, ZX_VM_PERM_READ, 0, vmo, 2 * PAGE, 2 * PAGE, &addr));
    EXPECT_EQ(peek(addr), 3);
    EXPECT_EQ(peek(addr + PAGE), 4);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapSpecificAndOverlap) {
    zx_handle_t r, vmo = tagged_vmo(2, 1);
    zx_vaddr_t base, addr, other = 0;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 4 * PAGE, vmo, 0, 2 * PAGE, &addr));
    EXPECT_EQ(addr, base + 4 * PAGE);
    // "ZX_ERR_ALREADY_EXISTS ZX_VM_SPECIFIC has been specified without
    // ZX_VM_SPECIFIC_OVERWRITE, and the requested range overlaps with another mapping."
    // (Zircon before 2021 returned ZX_ERR_NO_MEMORY here; we follow the current reference.)
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 4 * PAGE, vmo, 0, PAGE, &other),
                  ZX_ERR_ALREADY_EXISTS);
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 3 * PAGE, vmo, 0, 2 * PAGE, &other),
                  ZX_ERR_ALREADY_EXISTS);
    EXPECT_EQ(other, 0);
    EXPECT_EQ(peek(addr + PAGE), 2);  // the first mapping is intact
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapSpecificOverwrite) {
    zx_handle_t r, a = tagged_vmo(4, 1), b = tagged_vmo(4, 11);
    zx_vaddr_t base, addr, addr2;
    ASSERT_NE(a, ZX_HANDLE_INVALID);
    ASSERT_NE(b, ZX_HANDLE_INVALID);
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, a, 0, 4 * PAGE, &addr));
    // Overwrite the middle two pages; the ends stay mapped to `a`.
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC_OVERWRITE, PAGE, b, 0, 2 * PAGE, &addr2));
    EXPECT_EQ(addr2, addr + PAGE);
    EXPECT_EQ(peek(addr), 1);
    EXPECT_EQ(peek(addr + PAGE), 11);
    EXPECT_EQ(peek(addr + 2 * PAGE), 12);
    EXPECT_EQ(peek(addr + 3 * PAGE), 4);
    // SPECIFIC_OVERWRITE cannot be combined with MAP_RANGE.
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC_OVERWRITE | ZX_VM_MAP_RANGE, 0, b, 0, PAGE,
                              &addr2),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    drop_region(r);
}

TEST(Vmar, MapSpecificNeedsCanMapSpecific) {
    // Same choice as AllocateSpecificNeedsCanMapSpecific.
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr = 0;
    ASSERT_OK(region(8, CAN_RW, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, PAGE, vmo, 0, PAGE, &addr),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(addr, 0);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapBadArgs) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr = 0;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmar_map(r, RW, PAGE, vmo, 0, PAGE, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, 0, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 100, PAGE, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 100, vmo, 0, PAGE, &addr),
                  ZX_ERR_INVALID_ARGS);
    // Past the end of the region.
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 7 * PAGE, vmo, 0, 2 * PAGE, &addr),
                  ZX_ERR_INVALID_ARGS);
    // An option bit that does not exist.
    EXPECT_STATUS(zx_vmar_map(r, RW | (1u << 20), 0, vmo, 0, PAGE, &addr), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(addr, 0);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapUnalignedLength) {
    // A length that is not page-aligned is rounded up: the mapping covers every page it
    // touches ("vmo_offset + ROUNDUP(len, PAGE_SIZE) overflows" is the only length check
    // besides len == 0).
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr = 0, other = 0;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, PAGE + 1, &addr));
    EXPECT_EQ(addr, base);
    EXPECT_EQ(peek(addr + PAGE + 100), 0);  // the second page is mapped
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, PAGE, vmo, 0, PAGE, &other),
                  ZX_ERR_ALREADY_EXISTS);
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 2 * PAGE, vmo, 0, PAGE, &other));
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, 0, &other), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, SIZE_MAX, &other), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

// The same rounding for zx_vmar_protect and zx_vmar_unmap.
TEST(Vmar, ProtectAndUnmapUnalignedLength) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr = 0, other = 0;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 4 * PAGE, &addr));
    EXPECT_OK(zx_vmar_protect(r, ZX_VM_PERM_READ, addr, PAGE + 1));
    EXPECT_OK(zx_vmar_unmap(r, addr, 2 * PAGE - 1));
    // Pages 0 and 1 are free again, pages 2 and 3 still mapped.
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 2 * PAGE, &other));
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 2 * PAGE, vmo, 0, PAGE, &other),
                  ZX_ERR_ALREADY_EXISTS);
    EXPECT_EQ(peek(addr + 3 * PAGE), 0);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapPastVmoEnd) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr = 0;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    // "ZX_ERR_BUFFER_TOO_SMALL The VMO is not resizable and the mapping extends past the end of
    // the VMO but ZX_VM_ALLOW_FAULTS is not set."
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, 2 * PAGE, &addr), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, PAGE, PAGE, &addr), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(addr, 0);
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_ALLOW_FAULTS, 0, vmo, 0, 2 * PAGE, &addr));
    EXPECT_EQ(peek(addr), 0);
    // vmo_offset + len overflowing is ZX_ERR_OUT_OF_RANGE.
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_ALLOW_FAULTS, 0, vmo, UINT64_MAX - PAGE + 1, 2 * PAGE,
                              &addr),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapResizableVmo) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr = 0;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    // "ZX_ERR_NOT_SUPPORTED If the vmo is resizable ... but ZX_VM_ALLOW_FAULTS is not set."
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, PAGE, &addr), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_ALLOW_FAULTS | ZX_VM_REQUIRE_NON_RESIZABLE, 0, vmo, 0,
                              PAGE, &addr),
                  ZX_ERR_NOT_SUPPORTED);
    EXPECT_EQ(addr, 0);
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_ALLOW_FAULTS, 0, vmo, 0, PAGE, &addr));
    *(volatile uint8_t *)addr = 9;
    uint8_t b = 0;
    EXPECT_OK(zx_vmo_read(vmo, &b, 0, 1));
    EXPECT_EQ(b, 9);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapNeedsVmoRights) {
    zx_handle_t r, vmo, no_write, no_read, no_map;
    zx_vaddr_t base, addr = 0;
    ASSERT_OK(region(8, CAN_ALL | ZX_VM_CAN_MAP_EXECUTE, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    no_write = dup_rights(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP);
    no_read = dup_rights(vmo, ZX_RIGHT_WRITE | ZX_RIGHT_MAP);
    no_map = dup_rights(vmo, ZX_RIGHT_READ | ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, no_write, 0, PAGE, &addr), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmar_map(r, ZX_VM_PERM_READ, 0, no_read, 0, PAGE, &addr),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmar_map(r, ZX_VM_PERM_READ, 0, no_map, 0, PAGE, &addr),
                  ZX_ERR_ACCESS_DENIED);
    // The VMO handle has no ZX_RIGHT_EXECUTE.
    EXPECT_STATUS(zx_vmar_map(r, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, 0, vmo, 0, PAGE, &addr),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(addr, 0);
    EXPECT_OK(zx_vmar_map(r, ZX_VM_PERM_READ, 0, no_write, 0, PAGE, &addr));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){no_write, no_read, no_map, vmo}, 4));
    drop_region(r);
}

TEST(Vmar, MapBoundedByRegionPermissions) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr = 0;
    ASSERT_OK(region(8, ZX_VM_CAN_MAP_READ, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, PAGE, &addr), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(addr, 0);
    EXPECT_OK(zx_vmar_map(r, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addr));
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapNoSpace) {
    // "ZX_ERR_NO_RESOURCES If a spot could not be found in the VMAR to create the mapping."
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(2, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW, 0, vmo, 0, 2 * PAGE, &addr));
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, PAGE, &addr), ZX_ERR_NO_RESOURCES);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapWrongTypesAndBadHandles) {
    zx_handle_t r, vmo, ev;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_vmar_map(vmo, RW, 0, vmo, 0, PAGE, &addr), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, ev, 0, PAGE, &addr), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmar_map(BOGUS_HANDLE, RW, 0, vmo, 0, PAGE, &addr), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, BOGUS_HANDLE, 0, PAGE, &addr), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){vmo, ev}, 2));
    drop_region(r);
}

TEST(Vmar, MapBadOutPointerLeavesNoMapping) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(1, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, PAGE, (zx_vaddr_t *)KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_map(r, RW, 0, vmo, 0, PAGE, NULL), ZX_ERR_INVALID_ARGS);
    // The one page of the region is still free.
    EXPECT_OK(zx_vmar_map(r, RW, 0, vmo, 0, PAGE, &addr));
    EXPECT_EQ(addr, base);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, MapRangePrefaults) {
    zx_handle_t r, vmo = tagged_vmo(4, 1);
    zx_vaddr_t base, addr;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_MAP_RANGE, 0, vmo, 0, 4 * PAGE, &addr));
    for (size_t i = 0; i < 4; i++)
        EXPECT_EQ(peek(addr + i * PAGE), i + 1);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

// ---- zx_vmar_unmap ----

TEST(Vmar, UnmapFreesRange) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 4 * PAGE, &addr));
    EXPECT_OK(zx_vmar_unmap(r, addr, 4 * PAGE));
    // The range can be mapped again.
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 4 * PAGE, &addr));
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, UnmapSplitsMapping) {
    zx_handle_t r, vmo = tagged_vmo(3, 1), other;
    zx_vaddr_t base, addr, got;
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    ASSERT_OK(region(3, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &other));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 3 * PAGE, &addr));
    EXPECT_OK(zx_vmar_unmap(r, addr + PAGE, PAGE));
    // The ends survive; the hole takes a new mapping; the ends do not.
    EXPECT_EQ(peek(addr), 1);
    EXPECT_EQ(peek(addr + 2 * PAGE), 3);
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, PAGE, other, 0, PAGE, &got));
    EXPECT_EQ(got, addr + PAGE);
    EXPECT_STATUS(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, other, 0, PAGE, &got),
                  ZX_ERR_ALREADY_EXISTS);
    EXPECT_OK(zx_handle_close(other));
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, UnmapRangeStartingInAHole) {
    // Zircon's Vmar.UnmapBaseNotMappedTest: a range that begins before the mapping unmaps it.
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, PAGE, vmo, 0, 4 * PAGE, &addr));
    EXPECT_OK(zx_vmar_unmap(r, addr - PAGE, 5 * PAGE));
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, PAGE, vmo, 0, 4 * PAGE, &addr));
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, UnmapBadArgs) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 4 * PAGE, &addr));
    EXPECT_STATUS(zx_vmar_unmap(r, addr + 1, PAGE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_unmap(r, addr, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(peek(addr), 0);  // still mapped
    EXPECT_STATUS(zx_vmar_unmap(vmo, addr, PAGE), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmar_unmap(BOGUS_HANDLE, addr, PAGE), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, UnmapSubregion) {
    zx_handle_t r, sub;
    zx_vaddr_t base, sub_addr;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_allocate(r, CAN_ALL | ZX_VM_SPECIFIC, 2 * PAGE, 4 * PAGE, &sub, &sub_addr));
    // "Any sub-region that is in the range must be fully in the range".
    EXPECT_STATUS(zx_vmar_unmap(r, sub_addr + PAGE, 4 * PAGE), ZX_ERR_INVALID_ARGS);
    zx_info_vmar_t info;
    EXPECT_OK(zx_object_get_info(sub, ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL));
    // A range covering it destroys it "as if zx_vmar_destroy() were called".
    EXPECT_OK(zx_vmar_unmap(r, sub_addr - PAGE, 6 * PAGE));
    zx_handle_t child;
    zx_vaddr_t addr;
    EXPECT_STATUS(zx_vmar_allocate(sub, CAN_RW, 0, PAGE, &child, &addr), ZX_ERR_BAD_STATE);
    EXPECT_TRUE(handle_valid(sub));
    EXPECT_OK(zx_handle_close(sub));
    drop_region(r);
}

// ---- zx_vmar_protect ----

TEST(Vmar, ProtectDowngrade) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW, 0, vmo, 0, 4 * PAGE, &addr));
    *(volatile uint8_t *)addr = 1;
    EXPECT_OK(zx_vmar_protect(r, ZX_VM_PERM_READ, addr + PAGE, 2 * PAGE));
    EXPECT_EQ(peek(addr + PAGE), 0);  // still readable
    *(volatile uint8_t *)(addr + 3 * PAGE) = 2;  // the unprotected tail stays writable
    // And back up again: the VMO handle and the region allow writing.
    EXPECT_OK(zx_vmar_protect(r, RW, addr + PAGE, 2 * PAGE));
    *(volatile uint8_t *)(addr + PAGE) = 3;
    EXPECT_EQ(peek(addr + PAGE), 3);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, ProtectBadArgs) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 2 * PAGE, &addr));
    // "e.g., ZX_VM_PERM_WRITE but not ZX_VM_PERM_READ", unaligned addr, len 0.
    EXPECT_STATUS(zx_vmar_protect(r, ZX_VM_PERM_WRITE, addr, PAGE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_protect(r, ZX_VM_PERM_READ, addr + 8, PAGE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_protect(r, ZX_VM_PERM_READ, addr, 0), ZX_ERR_INVALID_ARGS);
    // "ZX_ERR_NOT_FOUND Some subrange of the requested range is not mapped."
    EXPECT_STATUS(zx_vmar_protect(r, ZX_VM_PERM_READ, addr, 3 * PAGE), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_vmar_protect(r, ZX_VM_PERM_READ, addr + 2 * PAGE, PAGE), ZX_ERR_NOT_FOUND);
    *(volatile uint8_t *)addr = 1;  // nothing changed: still writable
    EXPECT_STATUS(zx_vmar_protect(vmo, ZX_VM_PERM_READ, addr, PAGE), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmar_protect(BOGUS_HANDLE, ZX_VM_PERM_READ, addr, PAGE), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, ProtectCannotExceedOriginalVmoRights) {
    // "It is also an error if the VMO handle used to create the mapping did not have the
    // ZX_RIGHT_WRITE right."
    zx_handle_t r, vmo, ro;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ro = dup_rights(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP);
    ASSERT_NE(ro, ZX_HANDLE_INVALID);
    ASSERT_OK(zx_vmar_map(r, ZX_VM_PERM_READ, 0, ro, 0, PAGE, &addr));
    EXPECT_STATUS(zx_vmar_protect(r, RW, addr, PAGE), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro, vmo}, 2));
    drop_region(r);
}

TEST(Vmar, ProtectBoundedByRegion) {
    zx_handle_t r, outer, vmo;
    zx_vaddr_t base, rbase, addr;
    ASSERT_OK(region(8, CAN_ALL, &outer, &base));
    ASSERT_OK(zx_vmar_allocate(outer, ZX_VM_CAN_MAP_READ, 0, 4 * PAGE, &r, &rbase));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addr));
    EXPECT_STATUS(zx_vmar_protect(r, RW, addr, PAGE), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_OK(zx_handle_close(r));
    drop_region(outer);
}

// ---- zx_vmar_destroy ----

TEST(Vmar, DestroyedRegionRefusesEverything) {
    zx_handle_t r, sub, vmo, child;
    zx_vaddr_t base, sub_addr, map, addr;
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_allocate(r, CAN_ALL, 0, 8 * PAGE, &sub, &sub_addr));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(sub, RW, 0, vmo, 0, PAGE, &map));
    EXPECT_OK(zx_vmar_destroy(sub));
    // "Any outstanding handles to this VMAR will remain valid handles, but all VMAR operations
    // on them will fail" (ZX_ERR_BAD_STATE).
    EXPECT_TRUE(handle_valid(sub));
    EXPECT_STATUS(zx_vmar_destroy(sub), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmar_allocate(sub, CAN_RW, 0, PAGE, &child, &addr), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmar_map(sub, RW, 0, vmo, 0, PAGE, &addr), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmar_unmap(sub, map, PAGE), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmar_protect(sub, ZX_VM_PERM_READ, map, PAGE), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_handle_close(sub));
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, DestroyIsRecursiveAndFreesRange) {
    zx_handle_t r, sub, grand, vmo;
    zx_vaddr_t base, sub_addr, grand_addr, addr;
    ASSERT_OK(region(16, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmar_allocate(r, CAN_ALL | ZX_VM_SPECIFIC, 0, 8 * PAGE, &sub, &sub_addr));
    ASSERT_OK(zx_vmar_allocate(sub, CAN_ALL, 0, 2 * PAGE, &grand, &grand_addr));
    EXPECT_OK(zx_vmar_destroy(sub));
    zx_handle_t child;
    EXPECT_STATUS(zx_vmar_allocate(grand, CAN_RW, 0, PAGE, &child, &addr), ZX_ERR_BAD_STATE);
    // The parent's range is free again.
    ASSERT_OK(zx_vmo_create(8 * PAGE, 0, &vmo));
    EXPECT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 8 * PAGE, &addr));
    EXPECT_EQ(addr, sub_addr);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){grand, sub, vmo}, 3));
    drop_region(r);
}

TEST(Vmar, DestroyRootOfOtherProcess) {
    // Zircon allows destroying another process's root VMAR: its address space is then empty
    // for good. Tried on another (never started) process, not on our own.
    zx_handle_t proc, root;
    static const char name[] = "vmar-root";
    ASSERT_OK(zx_process_create(zx_job_default(), name, sizeof(name) - 1, 0, &proc, &root));
    zx_handle_t child;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_allocate(root, CAN_RW, 0, PAGE, &child, &addr));
    EXPECT_OK(zx_vmar_destroy(root));
    zx_handle_t again;
    EXPECT_STATUS(zx_vmar_allocate(root, CAN_RW, 0, PAGE, &again, &addr), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmar_allocate(child, CAN_RW, 0, PAGE, &again, &addr), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmar_destroy(root), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){child, root, proc}, 3));
}

TEST(Vmar, DestroyNeedsOpChildren) {
    // "ZX_ERR_ACCESS_DENIED handle does not have ZX_RIGHT_OP_CHILDREN."
    zx_handle_t r, weak;
    zx_vaddr_t base;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    weak = dup_rights(r, handle_rights(r) & ~ZX_RIGHT_OP_CHILDREN);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmar_destroy(weak), ZX_ERR_ACCESS_DENIED);
    zx_handle_t child;
    zx_vaddr_t addr;
    EXPECT_OK(zx_vmar_allocate(r, CAN_RW, 0, PAGE, &child, &addr));  // r still alive
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){child, weak}, 2));
    drop_region(r);
}

TEST(Vmar, DestroyWrongTypeAndBadHandle) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmar_destroy(vmo), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmar_destroy(BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(vmo));
}

// ---- zx_vmar_op_range ----

TEST(Vmar, OpRangeCommitAndDecommit) {
    zx_handle_t r, vmo;
    zx_vaddr_t base, addr;
    ASSERT_OK(region(4, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 4 * PAGE, &addr));
    // COMMIT covers every page the range touches.
    EXPECT_OK(zx_vmar_op_range(r, ZX_VMAR_OP_COMMIT, addr, PAGE + 1, NULL, 0));
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, 2 * PAGE);
    // DECOMMIT wants whole pages (zx_vmo_op_range's rule for it).
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_DECOMMIT, addr, PAGE + 1, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    *(volatile uint8_t *)addr = 7;
    EXPECT_OK(zx_vmar_op_range(r, ZX_VMAR_OP_DECOMMIT, addr, 2 * PAGE, NULL, 0));
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, 0);
    EXPECT_EQ(peek(addr), 0);
    EXPECT_OK(zx_vmar_op_range(r, ZX_VMAR_OP_MAP_RANGE, addr, 4 * PAGE, NULL, 0));
    EXPECT_OK(zx_handle_close(vmo));
    drop_region(r);
}

TEST(Vmar, OpRangeErrors) {
    zx_handle_t r, vmo, ro;
    zx_vaddr_t base, addr, ro_addr;
    ASSERT_OK(region(8, CAN_ALL, &r, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(r, RW | ZX_VM_SPECIFIC, 0, vmo, 0, 2 * PAGE, &addr));
    ASSERT_OK(zx_vmar_map(r, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 4 * PAGE, vmo, 0, PAGE, &ro_addr));
    uint64_t buf = 0;
    // "buffer is non-null, or buffer_size is non-zero, op is not a valid operation, size is zero,
    // or address was not page-aligned".
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_COMMIT, addr, PAGE, &buf, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_COMMIT, addr, PAGE, NULL, 8), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_op_range(r, 99, addr, PAGE, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_COMMIT, addr, 0, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_COMMIT, addr + 1, PAGE, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    // "the range specified by address and size spans un-mapped pages".
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_COMMIT, addr, 3 * PAGE, NULL, 0), ZX_ERR_BAD_STATE);
    // "not wholly within the VM address range specified by handle".
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_COMMIT, base + 7 * PAGE, 2 * PAGE, NULL, 0),
                  ZX_ERR_OUT_OF_RANGE);
    // Decommit "applies only to writable mappings"; COMMIT/DECOMMIT need ZX_RIGHT_WRITE.
    EXPECT_STATUS(zx_vmar_op_range(r, ZX_VMAR_OP_DECOMMIT, ro_addr, PAGE, NULL, 0),
                  ZX_ERR_ACCESS_DENIED);
    ro = dup_rights(r, handle_rights(r) & ~ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_vmar_op_range(ro, ZX_VMAR_OP_COMMIT, addr, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmar_op_range(vmo, ZX_VMAR_OP_COMMIT, addr, PAGE, NULL, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmar_op_range(BOGUS_HANDLE, ZX_VMAR_OP_COMMIT, addr, PAGE, NULL, 0),
                  ZX_ERR_BAD_HANDLE);
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, 0);  // none of the failed calls committed anything
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro, vmo}, 2));
    // "handle is not a live VMAR".
    zx_handle_t dead;
    zx_vaddr_t dead_addr;
    ASSERT_OK(zx_vmar_allocate(r, CAN_RW, 0, PAGE, &dead, &dead_addr));
    ASSERT_OK(zx_vmar_destroy(dead));
    EXPECT_STATUS(zx_vmar_op_range(dead, ZX_VMAR_OP_COMMIT, dead_addr, PAGE, NULL, 0),
                  ZX_ERR_BAD_STATE);
    zx_handle_close(dead);
    drop_region(r);
}

// The root VMAR covers [base, base + len) exactly: its last page can be mapped, nothing past it.
TEST(Vmar, RootExtentEdges) {
    zx_info_vmar_t info;
    ASSERT_OK(zx_object_get_info(zx_vmar_root_self(), ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL));
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_vaddr_t addr = 0;
    EXPECT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_SPECIFIC, info.len - PAGE,
                          vmo, 0, PAGE, &addr));
    EXPECT_EQ(addr, info.base + info.len - PAGE);
    EXPECT_EQ(peek(addr), 0);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    EXPECT_STATUS(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_SPECIFIC, info.len,
                              vmo, 0, PAGE, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
}
