// Depths are well past what crashed the recursive kernel (a few hundred levels) and small
// enough for the suite's time budget under KVM, where every syscall is slow.
//
// Hostile shapes: object graphs nested as deep as a user likes (jobs, channels inside channels,
// VMAR trees, VMO clone and slice chains) torn down from the top, and the port wait / cancel
// race. The kernel has one small stack: none of this may recurse per level (DESIGN.md §2), and
// each case checks that every object it made is gone afterwards.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>

#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

// Zircon's job height limit (zx_job_create: "the height of parent_job is too large").
#define MAX_JOB_HEIGHT 32

TEST(Teardown, NestedJobsStopAtTheHeightLimit) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t jobs[MAX_JOB_HEIGHT + 2];
    size_t n = 0;
    zx_handle_t parent = zx_job_default();
    zx_status_t st = ZX_OK;
    while (n < sizeof(jobs) / sizeof(jobs[0])) {
        st = zx_job_create(parent, 0, &jobs[n]);
        if (st != ZX_OK)
            break;
        parent = jobs[n++];
    }
    EXPECT_STATUS(st, ZX_ERR_OUT_OF_RANGE);
    EXPECT_GT(n, 0u);
    EXPECT_LE(n, (size_t)MAX_JOB_HEIGHT);
    // A process may still be created in the deepest job.
    zx_handle_t proc, vmar;
    EXPECT_OK(zx_process_create(jobs[n - 1], "deep", 4, 0, &proc, &vmar));
    zx_handle_close(vmar);
    zx_handle_close(proc);
    // Kill from the top, close outermost first.
    EXPECT_OK(zx_task_kill(jobs[0]));
    for (size_t i = 0; i < n; i++)
        zx_handle_close(jobs[i]);
    EXPECT_OK(leakcheck_end(&lc));
}

// Each channel's peer carries the previous channel in a message: closing the last end frees
// the whole chain.
TEST(Teardown, ChannelsCarriedInChannelsAThousandDeep) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t prev = ZX_HANDLE_INVALID;
    for (int i = 0; i < 1000; i++) {
        zx_handle_t x, y;
        ASSERT_OK(zx_channel_create(0, &x, &y));
        if (prev != ZX_HANDLE_INVALID)
            ASSERT_OK(zx_channel_write(x, 0, "m", 1, &prev, 1));
        zx_handle_close(x);
        prev = y;
    }
    EXPECT_OK(zx_handle_close(prev));
    EXPECT_OK(leakcheck_end(&lc));
}

#define VMAR_DEPTH 1500
#define VMAR_SIZE (16 * PAGE)

TEST(Teardown, SubVmarsFifteenHundredDeepDestroyedFromTheTop) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t top, v, vmo;
    zx_vaddr_t addr, a;
    const zx_vm_option_t opts = ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), opts, 0, VMAR_SIZE, &top, &addr));
    v = top;
    for (int i = 0; i < VMAR_DEPTH; i++) {
        zx_handle_t c;
        ASSERT_OK(zx_vmar_allocate(v, opts | ZX_VM_SPECIFIC, 0, VMAR_SIZE, &c, &a));
        ASSERT_EQ(a, addr);
        if (v != top)
            zx_handle_close(v);  // the tree keeps it
        v = c;
    }
    ASSERT_OK(zx_vmo_create(VMAR_SIZE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(v, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC, 0, vmo, 0, VMAR_SIZE, &a));
    zx_handle_close(vmo);
    zx_handle_close(v);
    // Walks over the whole depth: a range op from the top, the process's map listing.
    EXPECT_OK(zx_vmar_op_range(top, ZX_VMAR_OP_COMMIT, addr, VMAR_SIZE, NULL, 0));
    *(volatile uint32_t *)(addr + PAGE) = 7;
    size_t actual, avail;
    zx_info_maps_t maps[4];
    EXPECT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, maps, sizeof(maps), &actual, &avail));
    EXPECT_GT(avail, (size_t)VMAR_DEPTH);
    EXPECT_OK(zx_vmar_destroy(top));
    zx_handle_close(top);
    EXPECT_OK(leakcheck_end(&lc));
}

#define CHAIN_DEPTH 1500
#define CLONE_DEPTH 500

static void clone_chain(bool close_oldest_first) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    static zx_handle_t vmos[CLONE_DEPTH];
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmos[0]));
    for (int i = 1; i < CLONE_DEPTH; i++) {
        uint32_t x = (uint32_t)i;
        ASSERT_OK(zx_vmo_write(vmos[i - 1], &x, 0, sizeof(x)));  // every level owns a page
        ASSERT_OK(zx_vmo_create_child(vmos[i - 1], ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, &vmos[i]));
    }
    uint32_t x = 0;
    EXPECT_OK(zx_vmo_read(vmos[CLONE_DEPTH - 1], &x, 0, sizeof(x)));
    EXPECT_EQ(x, (uint32_t)CLONE_DEPTH - 1);
    for (int i = 0; i < CLONE_DEPTH; i++)
        zx_handle_close(vmos[close_oldest_first ? i : CLONE_DEPTH - 1 - i]);
    EXPECT_OK(leakcheck_end(&lc));
}

TEST(Teardown, VmoCloneChainClosedOldestFirst) { clone_chain(true); }
TEST(Teardown, VmoCloneChainClosedNewestFirst) { clone_chain(false); }

// Slices of slices: the deepest is mapped, so snapshotting the top and writing through the
// mapping walk the whole slice tree; closing the deepest handle last frees the chain.
TEST(Teardown, VmoSliceChainFifteenHundredDeep) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    static zx_handle_t vmos[CHAIN_DEPTH];
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmos[0]));
    uint32_t x = 5;
    ASSERT_OK(zx_vmo_write(vmos[0], &x, 0, sizeof(x)));
    for (int i = 1; i < CHAIN_DEPTH; i++)
        ASSERT_OK(zx_vmo_create_child(vmos[i - 1], ZX_VMO_CHILD_SLICE, 0, PAGE, &vmos[i]));
    zx_vaddr_t a;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmos[CHAIN_DEPTH - 1], 0,
                          PAGE, &a));
    EXPECT_EQ(*(volatile uint32_t *)a, 5u);
    zx_handle_t snap;
    EXPECT_OK(zx_vmo_create_child(vmos[0], ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, &snap));
    *(volatile uint32_t *)a = 6;
    x = 0;
    EXPECT_OK(zx_vmo_read(snap, &x, 0, sizeof(x)));
    EXPECT_EQ(x, 5u);
    EXPECT_OK(zx_vmo_read(vmos[0], &x, 0, sizeof(x)));
    EXPECT_EQ(x, 6u);
    zx_handle_close(snap);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), a, PAGE));
    for (int i = 0; i < CHAIN_DEPTH; i++)
        zx_handle_close(vmos[i]);
    EXPECT_OK(leakcheck_end(&lc));
}

// ---- the port wait / cancel race ----

struct port_waiter {
    struct tthread t;
    zx_handle_t port;
    volatile int stop;
    uint64_t waits;
};

static void port_wait_loop(void *arg) {
    struct port_waiter *w = arg;
    while (!w->stop) {
        zx_port_packet_t pkt;
        zx_status_t st = zx_port_wait(w->port, zx_deadline_after(ZX_USEC(w->waits % 50)), &pkt);
        if (st != ZX_OK && st != ZX_ERR_TIMED_OUT)
            break;
        w->waits++;
    }
}

// Packets from async waits wake port_wait callers and are cancelled before they run, with
// deadlines so short that the woken callers' re-wait finds its deadline already passed.
TEST(Teardown, PortWaitRacesCancelOfFiredAsyncWaits) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    static struct port_waiter w[3];
    for (int i = 0; i < 3; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].port = port;
        ASSERT_OK(tthread_start(&w[i].t, "port-waiter", port_wait_loop, &w[i]));
    }
    for (int i = 0; i < 600; i++) {
        ASSERT_OK(zx_object_wait_async(ev, port, 7, ZX_USER_SIGNAL_0, 0));
        ASSERT_OK(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));  // fires: a waiter wakes
        zx_status_t st = zx_port_cancel(port, ev, 7);
        ASSERT_TRUE(st == ZX_OK || st == ZX_ERR_NOT_FOUND);
        ASSERT_OK(zx_object_signal(ev, ZX_USER_SIGNAL_0, 0));
        if (i % 4 == 0)
            zx_nanosleep(zx_deadline_after(ZX_USEC(i % 40)));  // let the woken ones run
    }
    for (int i = 0; i < 3; i++) {
        w[i].stop = 1;
        EXPECT_OK(tthread_join(&w[i].t));
        EXPECT_GT(w[i].waits, 0u);
    }
    zx_handle_close(ev);
    zx_handle_close(port);
    EXPECT_OK(leakcheck_end(&lc));
}

// Each job of a chain as deep as allowed holds an unstarted process that is critical to the
// job above: killing the deepest job kills every job up the chain, one nested kill per level.
TEST(Teardown, CriticalProcessesUpAFullHeightJobChain) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t jobs[MAX_JOB_HEIGHT + 1], procs[MAX_JOB_HEIGHT + 1];
    zx_handle_t top;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &top));
    zx_handle_t parent = top;
    size_t n = 0;
    while (n < MAX_JOB_HEIGHT && zx_job_create(parent, 0, &jobs[n]) == ZX_OK) {
        zx_handle_t vmar;
        ASSERT_OK(zx_process_create(jobs[n], "crit", 4, 0, &procs[n], &vmar));
        zx_handle_close(vmar);
        ASSERT_OK(zx_job_set_critical(parent, 0, procs[n]));
        parent = jobs[n++];
    }
    ASSERT_GT(n, 2u);
    EXPECT_OK(zx_task_kill(jobs[n - 1]));
    EXPECT_TRUE(wait_signals(top, ZX_TASK_TERMINATED));  // the chain reached the top
    for (size_t i = 0; i < n; i++) {
        EXPECT_NE(signals_now(jobs[i]) & ZX_TASK_TERMINATED, 0u);
        zx_handle_close(procs[i]);
        zx_handle_close(jobs[i]);
    }
    zx_handle_close(top);
    EXPECT_OK(leakcheck_end(&lc));
}
