// The kill-leak test: killing a process that holds handles to every object type, with threads
// blocked in every blocking call, leaves no live kernel object and no page behind.
//
// Measured with zc's ZC_INFO_KERNEL_COUNTERS on the root resource (include/zc/kcounters.h): free
// physical memory, live kernel objects, VMO pages and kernel heap. One warm-up round
// runs first: it lets the kernel's slab caches (which keep one empty slab per cache) and this
// process's own heap, stack and page tables reach their steady state, so the measured round
// must match exactly, with no tolerance.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>

#include "launch.h"
#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

// Launches bin/leak-child in a new job, waits until it reports that everything is in place,
// kills it and releases every handle we held. Returns its ZX_INFO_PROCESS return code in *rc.
static zx_status_t leak_round(int64_t *rc) {
    zx_handle_t job, ours, theirs, proc;
    zx_status_t st = zx_job_create(zx_job_default(), 0, &job);
    if (st != ZX_OK)
        return st;
    st = zx_eventpair_create(0, &ours, &theirs);
    if (st != ZX_OK) {
        zx_handle_close(job);
        return st;
    }
    const char *argv[] = {"bin/leak-child"};
    uint32_t tag = ZC_HND_USER0;
    struct zc_launch_args args = {.path = argv[0],
                                  .argc = 1,
                                  .argv = argv,
                                  .job = job,
                                  .extra_handles = &theirs,
                                  .extra_tags = &tag,
                                  .num_extra = 1};
    st = zc_launch(&args, &proc);
    if (st == ZX_OK) {
        zx_signals_t observed = 0;
        st = zx_object_wait_one(ours, ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_PEER_CLOSED,
                                zx_deadline_after(LONG_WAIT), &observed);
        if (st == ZX_OK && !(observed & ZX_USER_SIGNAL_0))
            st = ZX_ERR_BAD_STATE;  // it died before getting ready
        // Kill it mid-wait, whatever happened.
        zx_status_t kill_st = zx_task_kill(proc);
        zx_status_t wait_st = process_wait(proc, rc);
        if (st == ZX_OK)
            st = kill_st != ZX_OK ? kill_st : wait_st;
        zx_handle_close(proc);
    }
    zx_handle_close(ours);
    zx_task_kill(job);
    zx_handle_close(job);
    return st;
}

TEST(LeakTest, KillMidWaitLeavesNoObjectAndNoPage) {
    ASSERT_NE(root_resource(), ZX_HANDLE_INVALID);
    int64_t rc = 0;
    // Warm-up.
    ASSERT_OK(leak_round(&rc));
    EXPECT_EQ(rc, ZX_TASK_RETCODE_SYSCALL_KILL);
    zc_info_kernel_counters_t before, after;
    ASSERT_OK(kernel_counters(&before));
    zx_status_t st = leak_round(&rc);
    ASSERT_OK(kernel_counters(&after));
    ASSERT_OK(st);
    EXPECT_EQ(rc, ZX_TASK_RETCODE_SYSCALL_KILL);
    EXPECT_EQ(after.live_objects, before.live_objects);
    for (int t = 0; t < ZC_KCOUNTERS_TYPES; t++)
        EXPECT_EQ(after.live_by_type[t], before.live_by_type[t]);
    EXPECT_EQ(after.free_bytes, before.free_bytes);
    EXPECT_EQ(after.vmo_bytes, before.vmo_bytes);
    EXPECT_EQ(after.heap_bytes, before.heap_bytes);
}

TEST(LeakTest, RepeatedRoundsAreStable) {
    // Three more rounds in a row: no drift at all.
    ASSERT_NE(root_resource(), ZX_HANDLE_INVALID);
    int64_t rc;
    ASSERT_OK(leak_round(&rc));
    zc_info_kernel_counters_t before, after;
    ASSERT_OK(kernel_counters(&before));
    for (int i = 0; i < 3; i++)
        ASSERT_OK(leak_round(&rc));
    ASSERT_OK(kernel_counters(&after));
    EXPECT_EQ(after.live_objects, before.live_objects);
    EXPECT_EQ(after.free_bytes, before.free_bytes);
}

TEST(LeakTest, KmemStatsNeedsRootResource) {
    zx_info_kmem_stats_t stats;
    zx_handle_t mmio;
    ASSERT_OK(
        zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, 0x40000000, PAGE, "m", 1, &mmio));
    EXPECT_STATUS(zx_object_get_info(mmio, ZX_INFO_KMEM_STATS, &stats, sizeof(stats), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(mmio);
    EXPECT_OK(kmem_stats(&stats));
    EXPECT_GT(stats.total_bytes, 0);
    EXPECT_LE(stats.free_bytes, stats.total_bytes);
}

// zc's own topic: root resource only; counts by type add up to the total.
TEST(LeakTest, KernelCountersTopic) {
    zc_info_kernel_counters_t c;
    zx_handle_t mmio, ev;
    ASSERT_OK(
        zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, 0x40000000, PAGE, "m", 1, &mmio));
    EXPECT_STATUS(zx_object_get_info(mmio, ZC_INFO_KERNEL_COUNTERS, &c, sizeof(c), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(mmio);
    size_t actual = 0, avail = 0;
    EXPECT_STATUS(zx_object_get_info(root_resource(), ZC_INFO_KERNEL_COUNTERS, &c, sizeof(c) - 1, &actual, &avail),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(avail, 1u);
    ASSERT_OK(kernel_counters(&c));
    uint64_t sum = 0;
    for (int t = 0; t < ZC_KCOUNTERS_TYPES; t++)
        sum += c.live_by_type[t];
    EXPECT_EQ(sum, c.live_objects);
    EXPECT_GT(c.live_by_type[ZX_OBJ_TYPE_PROCESS], 0u);
    EXPECT_LE(c.free_bytes, c.total_bytes);
    uint64_t events = c.live_by_type[ZX_OBJ_TYPE_EVENT];
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(kernel_counters(&c));
    EXPECT_EQ(c.live_by_type[ZX_OBJ_TYPE_EVENT], events + 1);
    zx_handle_close(ev);
    ASSERT_OK(kernel_counters(&c));
    EXPECT_EQ(c.live_by_type[ZX_OBJ_TYPE_EVENT], events);
}
