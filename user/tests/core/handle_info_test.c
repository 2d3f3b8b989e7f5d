// ZX_INFO_HANDLE_VALID and ZX_INFO_HANDLE_BASIC: koids, rights, types, related koids.
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zcrt.h"
#include "zctest.h"

TEST(HandleInfoTest, ValidTopic) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    // "No records are returned and *buffer* may be NULL."
    EXPECT_OK(zx_object_get_info(ev, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_get_info(BOGUS_HANDLE, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL),
                  ZX_ERR_BAD_HANDLE);
}

TEST(HandleInfoTest, BasicEvent) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_info_handle_basic_t info;
    memset(&info, 0xa5, sizeof(info));
    size_t actual = 99, avail = 99;
    ASSERT_OK(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_NE(info.koid, ZX_KOID_INVALID);
    EXPECT_EQ(info.rights, ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(info.related_koid, 0);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleInfoTest, BasicChannelRelatedKoid) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_EQ(handle_type(a), ZX_OBJ_TYPE_CHANNEL);
    EXPECT_EQ(handle_rights(a), ZX_DEFAULT_CHANNEL_RIGHTS);
    EXPECT_NE(handle_koid(a), handle_koid(b));
    EXPECT_EQ(handle_related_koid(a), handle_koid(b));
    EXPECT_EQ(handle_related_koid(b), handle_koid(a));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleInfoTest, BasicEventPairRelatedKoid) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    EXPECT_EQ(handle_type(a), ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_EQ(handle_related_koid(a), handle_koid(b));
    EXPECT_EQ(handle_related_koid(b), handle_koid(a));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST(HandleInfoTest, RelatedKoidSurvivesPeer) {
    // "This relationship is immutable: an object's related_koid does not change even if the
    // related object no longer exists."
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    zx_koid_t peer = handle_koid(b);
    EXPECT_OK(zx_handle_close(b));
    EXPECT_EQ(handle_related_koid(a), peer);
    EXPECT_OK(zx_handle_close(a));
}

TEST(HandleInfoTest, BasicTaskRelations) {
    // A thread's related koid is its process; a process's is its job.
    EXPECT_EQ(handle_type(zx_thread_self()), ZX_OBJ_TYPE_THREAD);
    EXPECT_EQ(handle_type(zx_process_self()), ZX_OBJ_TYPE_PROCESS);
    EXPECT_EQ(handle_related_koid(zx_thread_self()), handle_koid(zx_process_self()));
    zx_handle_t job = zx_job_default();
    if (job != ZX_HANDLE_INVALID) {
        EXPECT_EQ(handle_type(job), ZX_OBJ_TYPE_JOB);
        EXPECT_EQ(handle_related_koid(zx_process_self()), handle_koid(job));
    }
}

TEST(HandleInfoTest, BasicVmoAndVmar) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_EQ(handle_type(vmo), ZX_OBJ_TYPE_VMO);
    EXPECT_EQ(handle_rights(vmo), ZX_DEFAULT_VMO_RIGHTS);
    EXPECT_EQ(handle_related_koid(vmo), 0);
    EXPECT_OK(zx_handle_close(vmo));
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    EXPECT_EQ(handle_rights(vmo), ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_RESIZE);
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_EQ(handle_type(zx_vmar_root_self()), ZX_OBJ_TYPE_VMAR);
}

TEST(HandleInfoTest, BasicNeedsNoRights) {
    zx_handle_t ev, none;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_NONE, &none));
    zx_info_handle_basic_t info;
    ASSERT_OK(zx_object_get_info(none, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rights, 0);
    EXPECT_EQ(info.koid, handle_koid(ev));
    EXPECT_OK(zx_handle_close(none));
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleInfoTest, BasicBufferTooSmall) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_info_handle_basic_t info;
    size_t actual = 99, avail = 99;
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info, sizeof(info) - 1, &actual,
                                     &avail),
                  ZX_ERR_BUFFER_TOO_SMALL);
    // "If the buffer is insufficiently large, avail will be larger than actual."
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 1);
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, NULL, 0, NULL, NULL),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleInfoTest, BasicBadPointers) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_info_handle_basic_t info;
    size_t actual;
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, NULL, sizeof(info), NULL, NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, KERNEL_PTR, sizeof(info), NULL, NULL),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, UNMAPPED_PTR, sizeof(info), NULL, NULL),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info, sizeof(info),
                                     (size_t *)KERNEL_PTR, NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), &actual,
                                     (size_t *)UNMAPPED_PTR),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleInfoTest, BasicBadHandle) {
    zx_info_handle_basic_t info;
    EXPECT_STATUS(
        zx_object_get_info(BOGUS_HANDLE, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL),
        ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_HANDLE_BASIC, &info, sizeof(info),
                                     NULL, NULL),
                  ZX_ERR_BAD_HANDLE);
}

TEST(HandleInfoTest, KoidsAreUniqueAndStable) {
    zx_handle_t h[6];
    ASSERT_OK(zx_event_create(0, &h[0]));
    ASSERT_OK(zx_event_create(0, &h[1]));
    ASSERT_OK(zx_channel_create(0, &h[2], &h[3]));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &h[4]));
    ASSERT_OK(zx_handle_duplicate(h[4], ZX_RIGHT_SAME_RIGHTS, &h[5]));
    for (int i = 0; i < 5; i++) {
        EXPECT_NE(handle_koid(h[i]), ZX_KOID_INVALID);
        for (int j = 0; j < i; j++)
            EXPECT_NE(handle_koid(h[i]), handle_koid(h[j]));
    }
    EXPECT_EQ(handle_koid(h[5]), handle_koid(h[4]));
    EXPECT_NE(handle_koid(h[0]), handle_koid(zx_process_self()));
    EXPECT_OK(zx_handle_close_many(h, 6));
}

TEST(HandleInfoTest, KoidsNotReused) {
    // Koids are never reused: a new object after a close gets a fresh one.
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_koid_t first = handle_koid(ev);
    EXPECT_OK(zx_handle_close(ev));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_NE(handle_koid(ev), first);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(HandleInfoTest, DuplicateRightsReported) {
    zx_handle_t vmo, ro;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_DUPLICATE, &ro));
    EXPECT_EQ(handle_rights(ro), ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_DUPLICATE);
    EXPECT_EQ(handle_rights(vmo), ZX_DEFAULT_VMO_RIGHTS);
    EXPECT_OK(zx_handle_close(ro));
    EXPECT_OK(zx_handle_close(vmo));
}
