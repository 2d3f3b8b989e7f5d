// VMOs and VMARs: sizes, reads and writes, mappings committed on first touch.
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "zcrt.h"
#include "zctest.h"

#define PAGE 4096u

TEST(Vmo, CreateWriteReadSize) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(10000, 0, &vmo));
    uint64_t size = 0;
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 3 * PAGE);  // rounded up to whole pages

    // Fresh pages read as zeros.
    uint8_t buf[64];
    memset(buf, 0xaa, sizeof(buf));
    ASSERT_OK(zx_vmo_read(vmo, buf, 100, sizeof(buf)));
    for (size_t i = 0; i < sizeof(buf); i++)
        ASSERT_EQ(buf[i], 0);

    // A write across a page boundary reads back.
    static const char msg[] = "across the boundary";
    ASSERT_OK(zx_vmo_write(vmo, msg, PAGE - 5, sizeof(msg)));
    char back[sizeof(msg)];
    ASSERT_OK(zx_vmo_read(vmo, back, PAGE - 5, sizeof(back)));
    EXPECT_EQ(memcmp(back, msg, sizeof(msg)), 0);

    // Past the end.
    EXPECT_STATUS(zx_vmo_read(vmo, buf, 3 * PAGE, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_write(vmo, buf, 3 * PAGE - 1, 2), ZX_ERR_OUT_OF_RANGE);
    EXPECT_OK(zx_vmo_read(vmo, buf, 3 * PAGE - 1, 1));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Vmo, ZeroSize) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(0, 0, &vmo));
    uint64_t size = 1;
    EXPECT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 0);
    uint8_t b;
    EXPECT_STATUS(zx_vmo_read(vmo, &b, 0, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Vmar, MapTouchUnmap) {
    const size_t len = 256 * PAGE;
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(len, 0, &vmo));
    zx_vaddr_t addr = 0;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          len, &addr));
    EXPECT_NE(addr, 0);
    EXPECT_EQ(addr % PAGE, 0);

    // Every page is committed on first touch and is shared with the VMO.
    volatile uint8_t *p = (volatile uint8_t *)addr;
    for (size_t i = 0; i < len / PAGE; i++)
        p[i * PAGE + (i % 64)] = (uint8_t)(i + 1);
    for (size_t i = 0; i < len / PAGE; i++) {
        uint8_t b = 0;
        ASSERT_OK(zx_vmo_read(vmo, &b, i * PAGE + (i % 64), 1));
        ASSERT_EQ(b, (uint8_t)(i + 1));
    }
    uint8_t w = 0x5a;
    ASSERT_OK(zx_vmo_write(vmo, &w, len - 1, 1));
    EXPECT_EQ(p[len - 1], 0x5a);

    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, len));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Vmar, MapBadArguments) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    zx_vaddr_t addr = 0;
    EXPECT_STATUS(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, 0, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 100, PAGE, &addr),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
}
