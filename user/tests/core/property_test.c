// zx_object_get_property / zx_object_set_property: ZX_PROP_NAME on VMOs, processes and threads,
// ZX_PROP_VMO_CONTENT_SIZE, ZX_PROP_PROCESS_VDSO_BASE_ADDRESS, and the error paths.
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

static void get_name(zx_handle_t h, char name[ZX_MAX_NAME_LEN]) {
    memset(name, 0x55, ZX_MAX_NAME_LEN);
    ASSERT_OK(zx_object_get_property(h, ZX_PROP_NAME, name, ZX_MAX_NAME_LEN));
}

// The name checks of Zircon's property tests, on any object with GET/SET_PROPERTY.
static void check_name_property(zx_handle_t h) {
    char set[ZX_MAX_NAME_LEN + 8], got[ZX_MAX_NAME_LEN];

    // A short name with garbage after its NUL: the garbage is not kept.
    memset(set, 'A', sizeof(set));
    set[1] = '\0';
    EXPECT_OK(zx_object_set_property(h, ZX_PROP_NAME, set, ZX_MAX_NAME_LEN));
    get_name(h, got);
    EXPECT_EQ(got[0], 'A');
    for (size_t i = 1; i < ZX_MAX_NAME_LEN; i++)
        EXPECT_EQ(got[i], '\0');

    // The empty name.
    EXPECT_OK(zx_object_set_property(h, ZX_PROP_NAME, "", 0));
    get_name(h, got);
    EXPECT_STREQ(got, "");

    // The longest name: ZX_MAX_NAME_LEN - 1 characters.
    memset(set, 'x', ZX_MAX_NAME_LEN - 1);
    set[ZX_MAX_NAME_LEN - 1] = '\0';
    EXPECT_OK(zx_object_set_property(h, ZX_PROP_NAME, set, ZX_MAX_NAME_LEN - 1));
    get_name(h, got);
    EXPECT_STREQ(got, set);

    // Longer names are truncated, not refused.
    memset(set, 'y', sizeof(set));
    EXPECT_OK(zx_object_set_property(h, ZX_PROP_NAME, set, sizeof(set)));
    get_name(h, got);
    EXPECT_EQ(strlen(got), ZX_MAX_NAME_LEN - 1);
    EXPECT_EQ(got[0], 'y');
}

TEST(Property, VmoNameStartsEmpty) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    char name[ZX_MAX_NAME_LEN];
    get_name(vmo, name);
    for (size_t i = 0; i < sizeof(name); i++)
        EXPECT_EQ(name[i], '\0');
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, VmoName) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    check_name_property(vmo);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, NameSharedByHandles) {
    zx_handle_t vmo, dup;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_NAME, "shared", 6));
    char name[ZX_MAX_NAME_LEN];
    get_name(dup, name);
    EXPECT_STREQ(name, "shared");
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, ProcessName) {
    char saved[ZX_MAX_NAME_LEN];
    get_name(zx_process_self(), saved);
    check_name_property(zx_process_self());
    EXPECT_OK(zx_object_set_property(zx_process_self(), ZX_PROP_NAME, saved, strlen(saved)));
}

TEST(Property, ThreadName) {
    char saved[ZX_MAX_NAME_LEN];
    get_name(zx_thread_self(), saved);
    check_name_property(zx_thread_self());
    EXPECT_OK(zx_object_set_property(zx_thread_self(), ZX_PROP_NAME, saved, strlen(saved)));
}

TEST(Property, NameNeedsRights) {
    zx_handle_t vmo, no_set, no_get;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    no_set = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_SET_PROPERTY);
    no_get = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_GET_PROPERTY);
    ASSERT_NE(no_set, ZX_HANDLE_INVALID);
    ASSERT_NE(no_get, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_object_set_property(no_set, ZX_PROP_NAME, "nope", 4), ZX_ERR_ACCESS_DENIED);
    char name[ZX_MAX_NAME_LEN];
    EXPECT_OK(zx_object_get_property(no_set, ZX_PROP_NAME, name, sizeof(name)));
    EXPECT_STREQ(name, "");  // unchanged
    EXPECT_STATUS(zx_object_get_property(no_get, ZX_PROP_NAME, name, sizeof(name)),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_set_property(no_get, ZX_PROP_NAME, "ok", 2));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){no_set, no_get, vmo}, 3));
}

TEST(Property, GetNameBufferTooSmall) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    char name[ZX_MAX_NAME_LEN];
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_NAME, name, ZX_MAX_NAME_LEN - 1),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_NAME, name, 0), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, BadValuePointers) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_NAME, "before", 6));
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_NAME, KERNEL_PTR, ZX_MAX_NAME_LEN),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_NAME, NULL, ZX_MAX_NAME_LEN),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_set_property(vmo, ZX_PROP_NAME, KERNEL_PTR, 8), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_set_property(vmo, ZX_PROP_NAME, UNMAPPED_PTR, 8),
                  ZX_ERR_INVALID_ARGS);
    char name[ZX_MAX_NAME_LEN];
    get_name(vmo, name);
    EXPECT_STREQ(name, "before");
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, UnknownProperty) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    uint64_t v = 0;
    EXPECT_STATUS(zx_object_get_property(vmo, 0xfff0u, &v, sizeof(v)), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_object_set_property(vmo, 0xfff0u, &v, sizeof(v)), ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, WrongTypeForProperty) {
    // "ZX_ERR_WRONG_TYPE: handle is not an appropriate type for property"; the vDSO base is a
    // process property.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    uintptr_t v = 0;
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_PROCESS_VDSO_BASE_ADDRESS, &v, sizeof(v)),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, BadHandle) {
    char name[ZX_MAX_NAME_LEN];
    EXPECT_STATUS(zx_object_get_property(BOGUS_HANDLE, ZX_PROP_NAME, name, sizeof(name)),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_set_property(ZX_HANDLE_INVALID, ZX_PROP_NAME, "x", 1),
                  ZX_ERR_BAD_HANDLE);
}

TEST(Property, VdsoBaseAddress) {
    uintptr_t base = 0;
    ASSERT_OK(zx_object_get_property(zx_process_self(), ZX_PROP_PROCESS_VDSO_BASE_ADDRESS, &base,
                                     sizeof(base)));
    EXPECT_EQ(base, zc_vdso_base());
    EXPECT_STATUS(zx_object_get_property(zx_process_self(), ZX_PROP_PROCESS_VDSO_BASE_ADDRESS,
                                         &base, sizeof(base) - 1),
                  ZX_ERR_BUFFER_TOO_SMALL);
}

TEST(Property, VmoContentSize) {
    // "The content size of the VMO will be initialized to the given (unrounded) size" and
    // zx_vmo_set_size sets it to the given unrounded size.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(5000, ZX_VMO_RESIZABLE, &vmo));
    uint64_t content = 0, size = 0;
    ASSERT_OK(zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &content, sizeof(content)));
    EXPECT_EQ(content, 5000);
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 2 * PAGE);
    ASSERT_OK(zx_vmo_set_size(vmo, 3 * PAGE + 1));
    ASSERT_OK(zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &content, sizeof(content)));
    EXPECT_EQ(content, 3 * PAGE + 1);
    // Setting the content size does not resize.
    content = 100;
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &content, sizeof(content)));
    content = 0;
    ASSERT_OK(zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &content, sizeof(content)));
    EXPECT_EQ(content, 100);
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 4 * PAGE);
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &content, 4),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(zx_handle_close(vmo));
}
