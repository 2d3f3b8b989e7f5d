// Touching mapped memory: lazily committed pages, sharing between mappings, and faults. A fault
// must kill only the faulting process: the faulting cases run in a child (child.c) and the
// test checks it died with ZX_TASK_RETCODE_EXCEPTION_KILL while this process lives on.
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

#define CHILD_OK 42

static void expect_child_killed(const char *child_case) {
    int64_t rc = 0;
    ASSERT_OK(run_core_child(child_case, &rc));
    EXPECT_EQ(rc, ZX_TASK_RETCODE_EXCEPTION_KILL);
}

TEST(MemoryMappingTest, ChildControlCase) {
    // The helper itself works: touching its own mapping does not kill it.
    int64_t rc = 0;
    ASSERT_OK(run_core_child("touch-mapped", &rc));
    EXPECT_EQ(rc, CHILD_OK);
}

TEST(MemoryMappingTest, LazyCommitOnTouch) {
    const size_t pages = 64;
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(pages * PAGE, 0, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          pages * PAGE, &addr));
    EXPECT_EQ(vmo_committed_bytes(vmo), 0);
    volatile uint8_t *p = (volatile uint8_t *)addr;
    p[0] = 1;
    p[10 * PAGE + 3] = 2;
    p[(pages - 1) * PAGE + PAGE - 1] = 3;
    EXPECT_EQ(vmo_committed_bytes(vmo), 3 * PAGE);
    uint8_t b = 0;
    EXPECT_OK(zx_vmo_read(vmo, &b, (pages - 1) * PAGE + PAGE - 1, 1));
    EXPECT_EQ(b, 3);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, pages * PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(MemoryMappingTest, FreshPagesReadZero) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(8 * PAGE, 0, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, 8 * PAGE, &addr));
    const volatile uint64_t *p = (const volatile uint64_t *)addr;
    uint64_t acc = 0;
    for (size_t i = 0; i < 8 * PAGE / 8; i += 61)
        acc |= p[i];
    EXPECT_EQ(acc, 0);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 8 * PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(MemoryMappingTest, TwoMappingsShareMemory) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    zx_vaddr_t a, b;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          2 * PAGE, &a));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, PAGE, PAGE, &b));
    EXPECT_NE(a, b);
    *(volatile uint32_t *)(a + PAGE + 16) = 0xabcd;
    EXPECT_EQ(*(volatile uint32_t *)(b + 16), 0xabcd);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), a, 2 * PAGE));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), b, PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(MemoryMappingTest, VmoWriteVisibleInReadOnlyMapping) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addr));
    EXPECT_EQ(*(volatile uint8_t *)addr, 0);  // maps the zero page or a fresh one
    ASSERT_OK(zx_vmo_write(vmo, "z", 0, 1));
    EXPECT_EQ(*(volatile uint8_t *)addr, 'z');
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(MemoryMappingTest, MappingOutlivesHandleAndUnmapReleases) {
    zx_handle_t vmo, dup;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          PAGE, &addr));
    EXPECT_OK(zx_handle_close(vmo));
    *(volatile uint8_t *)addr = 'm';
    uint8_t b = 0;
    EXPECT_OK(zx_vmo_read(dup, &b, 0, 1));
    EXPECT_EQ(b, 'm');
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(dup, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.num_mappings, 1);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    ASSERT_OK(zx_object_get_info(dup, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.num_mappings, 0);
    EXPECT_OK(zx_handle_close(dup));
}

TEST(MemoryMappingTest, ProtectReadOnlyThenBack) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          PAGE, &addr));
    *(volatile uint8_t *)addr = 1;
    ASSERT_OK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, addr, PAGE));
    EXPECT_EQ(*(volatile uint8_t *)addr, 1);
    ASSERT_OK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, addr,
                              PAGE));
    *(volatile uint8_t *)addr = 2;
    EXPECT_EQ(*(volatile uint8_t *)addr, 2);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(MemoryMappingTest, FaultOutsideAnyMappingKillsOnlyChild) {
    expect_child_killed("read-unmapped");
    // We are still here, and still able to make syscalls.
    zx_handle_t ev;
    EXPECT_OK(zx_event_create(0, &ev));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(MemoryMappingTest, FaultInEmptyRegion) {
    expect_child_killed("read-vmar-hole");
}

TEST(MemoryMappingTest, WriteToReadOnlyMappingFaults) {
    expect_child_killed("write-read-only");
}

TEST(MemoryMappingTest, ReadAfterUnmapFaults) {
    expect_child_killed("read-after-unmap");
}

TEST(MemoryMappingTest, WriteAfterProtectFaults) {
    expect_child_killed("write-after-protect");
}

TEST(MemoryMappingTest, ExecuteNonExecutableFaults) {
    expect_child_killed("exec-no-exec");
}

TEST(MemoryMappingTest, ReadPastVmoEndFaults) {
    expect_child_killed("read-past-vmo-end");
}

TEST(MemoryMappingTest, WriteToDestroyedVmarFaults) {
    expect_child_killed("write-destroyed-vmar");
}
