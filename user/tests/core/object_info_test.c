// zx_object_get_info topics beyond the handle ones: VMAR, VMO, HANDLE_COUNT, PROCESS,
// PROCESS_HANDLE_STATS, PROCESS_MAPS, KMEM_STATS; unknown topics; wrong types and rights.
#include <stdio.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

TEST(ObjectGetInfoTest, UnknownTopic) {
    // "ZX_ERR_NOT_SUPPORTED topic does not exist".
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    char buf[64];
    EXPECT_STATUS(zx_object_get_info(ev, 0xfffu, buf, sizeof(buf), NULL, NULL),
                  ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectGetInfoTest, VmarRoot) {
    zx_info_vmar_t info = {0};
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(zx_vmar_root_self(), ZX_INFO_VMAR, &info, sizeof(info), &actual,
                                 &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_NE(info.base, 0);
    EXPECT_EQ(info.base % PAGE, 0);
    // The program (linked at 0x20000000) lies inside the root VMAR.
    uintptr_t code = (uintptr_t)&handle_valid;
    EXPECT_GE(code, info.base);
    EXPECT_LT(code, info.base + info.len);
}

TEST(ObjectGetInfoTest, VmarChild) {
    zx_handle_t vmar;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ, 0, 16 * PAGE, &vmar,
                               &addr));
    zx_info_vmar_t info = {0};
    ASSERT_OK(zx_object_get_info(vmar, ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.base, addr);
    EXPECT_EQ(info.len, 16 * PAGE);
    EXPECT_OK(zx_vmar_destroy(vmar));
    EXPECT_OK(zx_handle_close(vmar));
}

TEST(ObjectGetInfoTest, VmarErrors) {
    zx_handle_t ev, weak;
    zx_info_vmar_t info;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_object_get_info(BOGUS_HANDLE, ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_get_info(zx_vmar_root_self(), ZX_INFO_VMAR, &info, sizeof(info) - 1,
                                     NULL, NULL),
                  ZX_ERR_BUFFER_TOO_SMALL);
    weak = dup_rights(zx_vmar_root_self(), ZX_RIGHT_TRANSFER);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_object_get_info(weak, ZX_INFO_VMAR, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectGetInfoTest, VmoBasic) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_NAME, "info-vmo", 8));
    zx_info_vmo_t info;
    memset(&info, 0xa5, sizeof(info));
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_EQ(info.koid, handle_koid(vmo));
    EXPECT_STREQ(info.name, "info-vmo");
    EXPECT_EQ(info.size_bytes, 4 * PAGE);
    EXPECT_EQ(info.parent_koid, 0);
    EXPECT_EQ(info.num_children, 0);
    EXPECT_EQ(info.num_mappings, 0);
    EXPECT_EQ(info.flags, ZX_INFO_VMO_TYPE_PAGED | ZX_INFO_VMO_VIA_HANDLE);
    EXPECT_EQ(info.committed_bytes, 0);
    EXPECT_EQ(info.handle_rights, ZX_DEFAULT_VMO_RIGHTS);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(ObjectGetInfoTest, VmoCommittedBytes) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    EXPECT_EQ(vmo_committed_bytes(vmo), 0);
    ASSERT_OK(zx_vmo_write(vmo, "a", 0, 1));
    ASSERT_OK(zx_vmo_write(vmo, "b", 2 * PAGE + 7, 1));
    EXPECT_EQ(vmo_committed_bytes(vmo), 2 * PAGE);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(ObjectGetInfoTest, VmoFlagsAndRights) {
    zx_handle_t vmo, ro;
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.flags, ZX_INFO_VMO_TYPE_PAGED | ZX_INFO_VMO_VIA_HANDLE | ZX_INFO_VMO_RESIZABLE);
    ro = dup_rights(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP);
    ASSERT_NE(ro, ZX_HANDLE_INVALID);
    // ZX_INFO_VMO needs no particular right.
    ASSERT_OK(zx_object_get_info(ro, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.handle_rights, ZX_RIGHT_READ | ZX_RIGHT_MAP);
    EXPECT_OK(zx_handle_close(ro));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(ObjectGetInfoTest, VmoNumMappings) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_vaddr_t a1, a2;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a1));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a2));
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.num_mappings, 2);
    EXPECT_EQ(info.share_count, 1);  // both in this one address space
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), a1, PAGE));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), a2, PAGE));
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.num_mappings, 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(ObjectGetInfoTest, VmoErrors) {
    zx_handle_t ev, vmo;
    zx_info_vmo_t info;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    size_t actual = 9, avail = 9;
    EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info) - 8, &actual, &avail),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 1);
    EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_VMO, KERNEL_PTR, sizeof(info), NULL, NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectGetInfoTest, HandleCount) {
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_info_handle_count_t info = {0};
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), &actual, &avail));
    EXPECT_EQ(info.handle_count, 1);
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    EXPECT_EQ(handle_count(ev), 2);
    EXPECT_EQ(handle_count(dup), 2);
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectGetInfoTest, HandleCountNeedsInspect) {
    zx_handle_t ev, weak;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_info_handle_count_t info;
    EXPECT_STATUS(zx_object_get_info(weak, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &info, 2, NULL, NULL),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectGetInfoTest, HandleCountIncludesInFlight) {
    // A handle inside an unread channel message is still an outstanding handle.
    zx_handle_t ev, dup, a, b;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(zx_channel_write(a, 0, "h", 1, &dup, 1));
    EXPECT_EQ(handle_count(ev), 2);
    EXPECT_OK(zx_handle_close(b));  // drops the message and the handle in it
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(ObjectGetInfoTest, ProcessSelf) {
    zx_info_process_t info;
    memset(&info, 0xa5, sizeof(info));
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS, &info, sizeof(info), NULL,
                                 NULL));
    EXPECT_TRUE(info.flags & ZX_INFO_PROCESS_FLAG_STARTED);
    EXPECT_FALSE(info.flags & ZX_INFO_PROCESS_FLAG_EXITED);
    EXPECT_GT(info.start_time, 0);
    EXPECT_LE(info.start_time, zx_clock_get_monotonic());
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_OK(zx_handle_close(ev));
}

static uint32_t count_of_type(zx_obj_type_t type) {
    zx_info_process_handle_stats_t stats;
    memset(&stats, 0, sizeof(stats));
    if (zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_HANDLE_STATS, &stats, sizeof(stats),
                           NULL, NULL) != ZX_OK)
        return UINT32_MAX;
    return stats.handle_count[type];
}

TEST(ObjectGetInfoTest, ProcessHandleStats) {
    uint32_t events = count_of_type(ZX_OBJ_TYPE_EVENT);
    uint32_t vmos = count_of_type(ZX_OBJ_TYPE_VMO);
    ASSERT_NE(events, UINT32_MAX);
    zx_handle_t ev[3], vmo;
    for (int i = 0; i < 3; i++)
        ASSERT_OK(zx_event_create(0, &ev[i]));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_EQ(count_of_type(ZX_OBJ_TYPE_EVENT), events + 3);
    EXPECT_EQ(count_of_type(ZX_OBJ_TYPE_VMO), vmos + 1);
    EXPECT_GE(count_of_type(ZX_OBJ_TYPE_PROCESS), 1);  // zx_process_self()
    EXPECT_OK(zx_handle_close_many(ev, 3));
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_EQ(count_of_type(ZX_OBJ_TYPE_EVENT), events);
    EXPECT_EQ(count_of_type(ZX_OBJ_TYPE_VMO), vmos);
}

TEST(ObjectGetInfoTest, ProcessHandleStatsErrors) {
    zx_info_process_handle_stats_t stats;
    zx_handle_t ev, weak;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_PROCESS_HANDLE_STATS, &stats, sizeof(stats),
                                     NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    weak = dup_rights(zx_process_self(), ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_object_get_info(weak, ZX_INFO_PROCESS_HANDLE_STATS, &stats, sizeof(stats),
                                     NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_HANDLE_STATS, &stats,
                                     sizeof(stats) - 4, NULL, NULL),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(ev));
}

#define MAX_MAPS 256
static zx_info_maps_t maps[MAX_MAPS];

// Fills `maps`, returns the number of entries (0 on failure).
static size_t read_maps(void) {
    size_t actual = 0, avail = 0;
    if (zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, maps, sizeof(maps), &actual,
                           &avail) != ZX_OK)
        return 0;
    return actual;
}

static const zx_info_maps_t *find_map(size_t n, zx_info_maps_type_t type, zx_vaddr_t base) {
    for (size_t i = 0; i < n; i++)
        if (maps[i].type == type && maps[i].base == base)
            return &maps[i];
    return NULL;
}

TEST(ObjectGetInfoTest, ProcessMapsTree) {
    zx_handle_t vmar, vmo;
    zx_vaddr_t vmar_addr, map_addr;
    ASSERT_OK(zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC,
                               0, 8 * PAGE, &vmar, &vmar_addr));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 2 * PAGE, vmo, PAGE, 2 * PAGE,
                          &map_addr));
    EXPECT_EQ(map_addr, vmar_addr + 2 * PAGE);

    size_t n = read_maps();
    ASSERT_GE(n, 4);
    // Depth-first pre-order: the address space, then the root VMAR.
    EXPECT_EQ(maps[0].type, ZX_INFO_MAPS_TYPE_ASPACE);
    EXPECT_EQ(maps[0].depth, 0);
    EXPECT_EQ(maps[1].type, ZX_INFO_MAPS_TYPE_VMAR);
    EXPECT_EQ(maps[1].depth, 1);
    const zx_info_maps_t *r = find_map(n, ZX_INFO_MAPS_TYPE_VMAR, vmar_addr);
    const zx_info_maps_t *m = find_map(n, ZX_INFO_MAPS_TYPE_MAPPING, map_addr);
    ASSERT_NONNULL(r);
    ASSERT_NONNULL(m);
    EXPECT_EQ(r->size, 8 * PAGE);
    EXPECT_GE(r->depth, 2);
    EXPECT_EQ(m->size, 2 * PAGE);
    EXPECT_EQ(m->depth, r->depth + 1);
    EXPECT_EQ(m > r, 1);  // the child comes after its parent
    EXPECT_EQ(m->u.mapping.mmu_flags, ZX_VM_PERM_READ);
    EXPECT_EQ(m->u.mapping.vmo_koid, handle_koid(vmo));
    EXPECT_EQ(m->u.mapping.vmo_offset, PAGE);
    EXPECT_EQ(m->u.mapping.committed_pages, 0);
    // Siblings at the same depth appear in ascending address order.
    for (size_t i = 1; i < n; i++)
        if (maps[i].depth == maps[i - 1].depth)
            EXPECT_GT(maps[i].base, maps[i - 1].base);

    EXPECT_OK(zx_vmar_destroy(vmar));
    EXPECT_OK(zx_handle_close(vmar));
    n = read_maps();
    EXPECT_NULL(find_map(n, ZX_INFO_MAPS_TYPE_MAPPING, map_addr));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(ObjectGetInfoTest, ProcessMapsCommittedPages) {
    zx_handle_t vmo;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          4 * PAGE, &addr));
    volatile uint8_t *p = (volatile uint8_t *)addr;
    p[0] = 1;
    p[3 * PAGE + 5] = 2;
    size_t n = read_maps();
    const zx_info_maps_t *m = find_map(n, ZX_INFO_MAPS_TYPE_MAPPING, addr);
    ASSERT_NONNULL(m);
    EXPECT_EQ(m->u.mapping.mmu_flags, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE);
    EXPECT_EQ(m->u.mapping.committed_pages, 2);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 4 * PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(ObjectGetInfoTest, ProcessMapsSmallBuffer) {
    // An n-record topic fills what fits and reports the rest in *avail: ZX_OK, not
    // BUFFER_TOO_SMALL (that is for "a fixed number of records").
    zx_info_maps_t two[2];
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, two, sizeof(two),
                                 &actual, &avail));
    EXPECT_EQ(actual, 2);
    EXPECT_GT(avail, 2);
    EXPECT_EQ(two[0].type, ZX_INFO_MAPS_TYPE_ASPACE);
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, NULL, 0, &actual,
                                 &avail));
    EXPECT_EQ(actual, 0);
    EXPECT_GT(avail, 2);
}

TEST(ObjectGetInfoTest, ProcessMapsErrors) {
    zx_handle_t vmo, weak;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_PROCESS_MAPS, maps, sizeof(maps), NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    weak = dup_rights(zx_process_self(), ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_object_get_info(weak, ZX_INFO_PROCESS_MAPS, maps, sizeof(maps), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, KERNEL_PTR,
                                     sizeof(maps), NULL, NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(weak));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(ObjectGetInfoTest, KmemStats) {
    // ZX_INFO_KMEM_STATS needs a resource (Zircon: the info resource; zc accepts the root
    // resource). Programs get one only under the ZC_HND_RESOURCE tag; without it only the
    // type check can be tested.
    zx_info_kmem_stats_t stats;
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_KMEM_STATS, &stats, sizeof(stats), NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(
        zx_object_get_info(BOGUS_HANDLE, ZX_INFO_KMEM_STATS, &stats, sizeof(stats), NULL, NULL),
        ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(ev));

    zx_handle_t resource = zc_get_handle(ZC_HND_RESOURCE);
    if (resource == ZX_HANDLE_INVALID) {
        printf("ObjectGetInfoTest.KmemStats: no ZC_HND_RESOURCE handle; value checks skipped\n");
        return;
    }
    memset(&stats, 0, sizeof(stats));
    ASSERT_OK(
        zx_object_get_info(resource, ZX_INFO_KMEM_STATS, &stats, sizeof(stats), NULL, NULL));
    EXPECT_GT(stats.total_bytes, 0);
    EXPECT_GT(stats.free_bytes, 0);
    EXPECT_LE(stats.free_bytes, stats.total_bytes);
    EXPECT_GT(stats.vmo_bytes, 0);
    // Committing 64 pages takes them from the free memory.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(64 * PAGE, 0, &vmo));
    for (size_t i = 0; i < 64; i++)
        ASSERT_OK(zx_vmo_write(vmo, "x", i * PAGE, 1));
    zx_info_kmem_stats_t after;
    ASSERT_OK(
        zx_object_get_info(resource, ZX_INFO_KMEM_STATS, &after, sizeof(after), NULL, NULL));
    EXPECT_LT(after.free_bytes, stats.free_bytes);
    EXPECT_GE(after.vmo_bytes, stats.vmo_bytes + 64 * PAGE);
    EXPECT_OK(zx_handle_close(vmo));
}

// ZX_INFO_PROCESS_VMOS: the VMOs reached through handles, then those reached through mappings.
TEST(ObjectGetInfoTest, ProcessVmos) {
    zx_handle_t vmo, mapped;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &mapped));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, mapped, 0, 2 * PAGE, &addr));
    ASSERT_OK(zx_handle_close(mapped));
    static zx_info_vmo_t infos[256];
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_VMOS, infos, sizeof(infos),
                                 &actual, &avail));
    EXPECT_EQ(actual, avail);
    bool via_handle = false, via_mapping = false;
    for (size_t i = 0; i < actual; i++) {
        if (infos[i].koid == handle_koid(vmo)) {
            EXPECT_EQ(infos[i].flags & ZX_INFO_VMO_VIA_HANDLE, ZX_INFO_VMO_VIA_HANDLE);
            EXPECT_EQ(infos[i].handle_rights, ZX_DEFAULT_VMO_RIGHTS);
            EXPECT_EQ(infos[i].size_bytes, PAGE);
            via_handle = true;
        }
        if ((infos[i].flags & ZX_INFO_VMO_VIA_MAPPING) && infos[i].size_bytes == 2 * PAGE &&
            infos[i].num_mappings == 1)
            via_mapping = true;
    }
    EXPECT_TRUE(via_handle);
    EXPECT_TRUE(via_mapping);
    // A buffer too small for all: as many as fit, avail tells how many there are.
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_VMOS, infos,
                                 sizeof(infos[0]), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_GT(avail, 1);
    zx_handle_t weak = dup_rights(zx_process_self(), ZX_RIGHT_TRANSFER);
    EXPECT_STATUS(zx_object_get_info(weak, ZX_INFO_PROCESS_VMOS, infos, sizeof(infos), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_PROCESS_VMOS, infos, sizeof(infos), NULL, NULL),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){weak, vmo}, 2));
}
