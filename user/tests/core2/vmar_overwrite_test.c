// ZX_VM_SPECIFIC_OVERWRITE over a range that holds a sub-VMAR fails with ZX_ERR_INVALID_ARGS
// and changes nothing: the mappings it would have replaced are still there (decode, then act).
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

TEST(VmarOverwrite, SubVmarInRangeChangesNothing) {
    zx_handle_t vmar, vmo, sub;
    uintptr_t base, addr, sub_addr;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(),
                               ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC,
                               0, 8 * PAGE, &vmar, &base));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    uint64_t mark = 0x5a5a5a5a12345678ull;
    ASSERT_OK(zx_vmo_write(vmo, &mark, 0, sizeof(mark)));
    // [0, 1 page) a mapping, [2, 4 pages) a sub-VMAR, then an overwrite over [0, 4 pages).
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 0, vmo, 0, PAGE, &addr));
    ASSERT_OK(zx_vmar_allocate(vmar, ZX_VM_CAN_MAP_READ | ZX_VM_SPECIFIC, 2 * PAGE, 2 * PAGE, &sub,
                               &sub_addr));
    EXPECT_STATUS(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE, 0, vmo, 0,
                              4 * PAGE, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(*(volatile uint64_t *)base, mark);  // the first mapping survived
    zx_info_vmar_t info;
    EXPECT_OK(zx_object_get_info(sub, ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL));
    zx_vmar_destroy(vmar);
    zx_handle_close(sub);
    zx_handle_close(vmar);
    zx_handle_close(vmo);
}
