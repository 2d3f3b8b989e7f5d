// kernel/main.c's boot: kt_boot runs kernel_main, which runs every init level in the order of
// its number, then starts the loop the layer above registered (tests/host/core/kt_core.c).
#include "kernel/heap.h"
#include "kernel/init.h"
#include "kernel/pmm.h"
#include "tests/host/core/kt_core.h"

static int order[8], norder;
static bool heap_ready;   // at the platform level
static int loops_before;  // executor loops entered before the last level ran

static void ran(int level) {
    if (norder < 8) order[norder++] = level;
}
// Registered out of order on purpose: the table is sorted by level, not by file position.
static void test_user_level(void) {
    ran(INIT_LEVEL_USER);
    loops_before = kt_core.run_loops;
}
static void test_objects_level(void) { ran(INIT_LEVEL_OBJECTS); }
static void test_platform_level(void) {
    ran(INIT_LEVEL_PLATFORM);
    void *p = kmalloc(64);
    heap_ready = p && pmm_free_pages() > 0;
    kfree(p);
}
static void test_syscalls_level(void) { ran(INIT_LEVEL_SYSCALLS); }
static void test_heap_level(void) { ran(INIT_LEVEL_HEAP); }
KERNEL_INIT(test_user_level, INIT_LEVEL_USER);
KERNEL_INIT(test_objects_level, INIT_LEVEL_OBJECTS);
KERNEL_INIT(test_platform_level, INIT_LEVEL_PLATFORM);
KERNEL_INIT(test_syscalls_level, INIT_LEVEL_SYSCALLS);
KERNEL_INIT(test_heap_level, INIT_LEVEL_HEAP);

TEST(Init, LevelsRunInTheOrderOfTheirNumbers) {
    static const int want[] = {INIT_LEVEL_HEAP, INIT_LEVEL_PLATFORM, INIT_LEVEL_OBJECTS, INIT_LEVEL_SYSCALLS,
                               INIT_LEVEL_USER};
    ASSERT_EQ(norder, 5);
    for (int i = 0; i < 5; i++) EXPECT_EQ(order[i], want[i]);
}

TEST(Init, PlatformLevelFindsTheHeapReady) { EXPECT_TRUE(heap_ready); }

TEST(Init, KernelMainEndsInTheRegisteredLoop) {
    EXPECT_EQ(loops_before, 0);      // every level ran before the executor started
    EXPECT_EQ(kt_core.run_loops, 1);  // kernel_main's sched_run entered core_run_loop
}
