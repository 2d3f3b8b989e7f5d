// Bad user pointers make a syscall fail with ZX_ERR_INVALID_ARGS; the caller lives on.
#include <stdint.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#define UNMAPPED_ADDR ((uintptr_t)0x1000)          // below the first user mapping
#define NONCANONICAL_ADDR ((uintptr_t)0x0000800000000000ull)

static const uint64_t read_only_word = 42;  // in .rodata: mapped read-only

TEST(UserCopy, KernelPointer) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_STATUS(zx_vmo_write(vmo, (const void *)KERNEL_ADDR, 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_read(vmo, (void *)KERNEL_ADDR, 0, 16), ZX_ERR_INVALID_ARGS);

    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_STATUS(zx_channel_write(a, 0, (const void *)KERNEL_ADDR, 16, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    // Nothing was queued.
    char buf[16];
    uint32_t actual_bytes, actual_handles;
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &actual_bytes,
                                  &actual_handles),
                  ZX_ERR_SHOULD_WAIT);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(UserCopy, UnmappedPointer) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_STATUS(zx_vmo_write(vmo, (const void *)UNMAPPED_ADDR, 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_read(vmo, (void *)UNMAPPED_ADDR, 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_write(vmo, (const void *)NONCANONICAL_ADDR, 0, 16),
                  ZX_ERR_INVALID_ARGS);
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_STATUS(zx_channel_write(a, 0, (const void *)UNMAPPED_ADDR, 16, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(UserCopy, NullPointer) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_STATUS(zx_vmo_write(vmo, NULL, 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_read(vmo, NULL, 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_get_size(vmo, NULL), ZX_ERR_INVALID_ARGS);
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_STATUS(zx_channel_write(a, 0, NULL, 16, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(UserCopy, BadOutPointer) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    // Out-pointers to kernel, unmapped and read-only memory.
    EXPECT_STATUS(zx_vmo_get_size(vmo, (uint64_t *)KERNEL_ADDR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_get_size(vmo, (uint64_t *)UNMAPPED_ADDR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_get_size(vmo, (uint64_t *)(uintptr_t)&read_only_word),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(read_only_word, 42);
    EXPECT_STATUS(zx_event_create(0, (zx_handle_t *)KERNEL_ADDR), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(UserCopy, RangeReachingKernel) {
    // A buffer that starts in user space but whose end lies in the kernel half.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(8192, 0, &vmo));
    uintptr_t near_top = (uintptr_t)0x00007ffffffff000ull;
    EXPECT_STATUS(zx_vmo_read(vmo, (void *)near_top, 0, 8192), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_write(vmo, (const void *)(UINTPTR_MAX - 7), 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
}
