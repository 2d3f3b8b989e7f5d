// VMOs: create, read/write, sizes, rights, bad pointers, resize, op_range COMMIT/DECOMMIT.
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

static uint64_t vmo_size(zx_handle_t vmo) {
    uint64_t size = UINT64_MAX;
    if (zx_vmo_get_size(vmo, &size) != ZX_OK)
        return UINT64_MAX;
    return size;
}

TEST(VmoTestCase, CreateSizes) {
    static const struct {
        uint64_t ask, want;
    } cases[] = {{0, 0}, {1, PAGE}, {PAGE, PAGE}, {PAGE + 1, 2 * PAGE}, {1u << 20, 1u << 20}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        zx_handle_t vmo;
        ASSERT_OK(zx_vmo_create(cases[i].ask, 0, &vmo));
        EXPECT_EQ(vmo_size(vmo), cases[i].want);
        EXPECT_OK(zx_handle_close(vmo));
    }
}

TEST(VmoTestCase, CreateRightsAndType) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_EQ(handle_type(vmo), ZX_OBJ_TYPE_VMO);
    EXPECT_EQ(handle_rights(vmo), ZX_DEFAULT_VMO_RIGHTS);
    EXPECT_FALSE(handle_rights(vmo) & ZX_RIGHT_RESIZE);
    EXPECT_FALSE(handle_rights(vmo) & ZX_RIGHT_EXECUTE);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, CreateBadOptions) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_vmo_create(PAGE, 1u << 30, &vmo), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create(PAGE, 0xffffffffu, &vmo), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(vmo, ZX_HANDLE_INVALID);
}

TEST(VmoTestCase, CreateTooLarge) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_vmo_create(UINT64_MAX, 0, &vmo), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_create(UINT64_MAX - PAGE + 2, 0, &vmo), ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo, ZX_HANDLE_INVALID);
}

TEST(VmoTestCase, CreateBadOutPointer) {
    EXPECT_STATUS(zx_vmo_create(PAGE, 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create(PAGE, 0, (zx_handle_t *)KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create(PAGE, 0, (zx_handle_t *)UNMAPPED_PTR), ZX_ERR_INVALID_ARGS);
}

TEST(VmoTestCase, ReadWriteRoundTrip) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    static uint8_t out[3 * PAGE], in[3 * PAGE];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 7 + 3);
    ASSERT_OK(zx_vmo_write(vmo, out, 100, sizeof(out)));
    memset(in, 0, sizeof(in));
    ASSERT_OK(zx_vmo_read(vmo, in, 100, sizeof(in)));
    EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
    // Untouched bytes stay zero.
    uint8_t b = 0xff;
    ASSERT_OK(zx_vmo_read(vmo, &b, 99, 1));
    EXPECT_EQ(b, 0);
    ASSERT_OK(zx_vmo_read(vmo, &b, 4 * PAGE - 1, 1));
    EXPECT_EQ(b, 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, ReadWriteOutOfRange) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    uint8_t buf[16] = {1};
    EXPECT_STATUS(zx_vmo_write(vmo, buf, 2 * PAGE, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_write(vmo, buf, 2 * PAGE - 8, 16), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_read(vmo, buf, 2 * PAGE - 8, 16), ZX_ERR_OUT_OF_RANGE);
    // offset + size overflows 64 bits.
    EXPECT_STATUS(zx_vmo_read(vmo, buf, UINT64_MAX - 3, 16), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_write(vmo, buf, UINT64_MAX - 3, 16), ZX_ERR_OUT_OF_RANGE);
    // A failed write changed nothing.
    uint8_t back[8];
    memset(back, 0xff, sizeof(back));
    ASSERT_OK(zx_vmo_read(vmo, back, 2 * PAGE - 8, 8));
    for (int i = 0; i < 8; i++)
        EXPECT_EQ(back[i], 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, RightsEnforced) {
    zx_handle_t vmo, ro, wo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ro = dup_rights(vmo, ZX_RIGHT_READ);
    wo = dup_rights(vmo, ZX_RIGHT_WRITE);
    ASSERT_NE(ro, ZX_HANDLE_INVALID);
    ASSERT_NE(wo, ZX_HANDLE_INVALID);
    char c = 'x';
    EXPECT_STATUS(zx_vmo_write(ro, &c, 0, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_read(wo, &c, 0, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_vmo_write(wo, "w", 0, 1));
    EXPECT_OK(zx_vmo_read(ro, &c, 0, 1));
    EXPECT_EQ(c, 'w');
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro, wo, vmo}, 3));
}

TEST(VmoTestCase, WrongTypeAndBadHandle) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    char c;
    uint64_t size;
    EXPECT_STATUS(zx_vmo_read(ev, &c, 0, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_write(ev, &c, 0, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_get_size(ev, &size), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_set_size(ev, PAGE), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_read(BOGUS_HANDLE, &c, 0, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmo_get_size(ZX_HANDLE_INVALID, &size), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(ev));
}

TEST(VmoTestCase, BadBufferPointers) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_write(vmo, "keep", 0, 4));
    EXPECT_STATUS(zx_vmo_write(vmo, NULL, 0, 4), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_write(vmo, KERNEL_PTR, 0, 4), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_read(vmo, NULL, 0, 4), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_read(vmo, KERNEL_PTR, 0, 4), ZX_ERR_INVALID_ARGS);
    // For an unmapped buffer zx_vmo_read lists both "ZX_ERR_INVALID_ARGS buffer is an invalid
    // pointer" and "ZX_ERR_NOT_FOUND buffer address does not map"; we take the first, like the
    // other syscalls with bad user pointers.
    EXPECT_STATUS(zx_vmo_read(vmo, UNMAPPED_PTR, 0, 4), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_write(vmo, UNMAPPED_PTR, 0, 4), ZX_ERR_INVALID_ARGS);
    char back[5] = {0};
    ASSERT_OK(zx_vmo_read(vmo, back, 0, 4));
    EXPECT_STREQ(back, "keep");
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, GetSizeBadPointer) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmo_get_size(vmo, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_get_size(vmo, (uint64_t *)KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, ResizeGrowAndShrink) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    ASSERT_OK(zx_vmo_set_size(vmo, 4 * PAGE));
    EXPECT_EQ(vmo_size(vmo), 4 * PAGE);
    ASSERT_OK(zx_vmo_write(vmo, "tail", 3 * PAGE, 4));
    ASSERT_OK(zx_vmo_write(vmo, "head", 0, 4));
    ASSERT_OK(zx_vmo_set_size(vmo, PAGE));
    EXPECT_EQ(vmo_size(vmo), PAGE);
    char c;
    EXPECT_STATUS(zx_vmo_read(vmo, &c, 3 * PAGE, 1), ZX_ERR_OUT_OF_RANGE);
    // Growing again exposes zeros, not the old tail.
    ASSERT_OK(zx_vmo_set_size(vmo, 4 * PAGE));
    char back[4] = {1, 1, 1, 1};
    ASSERT_OK(zx_vmo_read(vmo, back, 3 * PAGE, 4));
    EXPECT_EQ(back[0] | back[1] | back[2] | back[3], 0);
    ASSERT_OK(zx_vmo_read(vmo, back, 0, 4));
    EXPECT_EQ(memcmp(back, "head", 4), 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, ResizeRoundsUpAndZeroesTail) {
    // "The data in the VMO between the given size and the end of the VMO (i.e., the next page
    // boundary) will be overwritten with zeros."
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    static uint8_t ones[PAGE];
    memset(ones, 1, sizeof(ones));
    ASSERT_OK(zx_vmo_write(vmo, ones, 0, PAGE));
    ASSERT_OK(zx_vmo_set_size(vmo, 100));
    EXPECT_EQ(vmo_size(vmo), PAGE);
    uint8_t b = 0xff;
    ASSERT_OK(zx_vmo_read(vmo, &b, 99, 1));
    EXPECT_EQ(b, 1);
    ASSERT_OK(zx_vmo_read(vmo, &b, 100, 1));
    EXPECT_EQ(b, 0);
    ASSERT_OK(zx_vmo_read(vmo, &b, PAGE - 1, 1));
    EXPECT_EQ(b, 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, ResizeNotResizable) {
    // "ZX_ERR_UNAVAILABLE The VMO was not created with ZX_VMO_RESIZABLE". The handle of a
    // non-resizable VMO has no ZX_RIGHT_RESIZE, yet the status is UNAVAILABLE, not
    // ACCESS_DENIED: Zircon checks RESIZE only on resizable VMOs (its own VmoTestCase.NoResize
    // expects UNAVAILABLE for both growing and shrinking).
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmo_set_size(vmo, 5 * PAGE), ZX_ERR_UNAVAILABLE);
    EXPECT_STATUS(zx_vmo_set_size(vmo, 3 * PAGE), ZX_ERR_UNAVAILABLE);
    EXPECT_EQ(vmo_size(vmo), 4 * PAGE);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, ResizeNeedsRights) {
    zx_handle_t vmo, no_resize, no_write;
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    no_resize = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS);
    no_write = dup_rights(vmo, (ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_RESIZE) & ~ZX_RIGHT_WRITE);
    ASSERT_NE(no_resize, ZX_HANDLE_INVALID);
    ASSERT_NE(no_write, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmo_set_size(no_resize, 2 * PAGE), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_set_size(no_write, 2 * PAGE), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(vmo_size(vmo), PAGE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){no_resize, no_write, vmo}, 3));
}

TEST(VmoTestCase, ResizeTooLarge) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &vmo));
    EXPECT_STATUS(zx_vmo_set_size(vmo, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_size(vmo), PAGE);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, MappedWritesVisibleToRead) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          2 * PAGE, &addr));
    volatile uint32_t *p = (volatile uint32_t *)addr;
    p[PAGE / 4 + 1] = 0x12345678u;
    uint32_t v = 0;
    ASSERT_OK(zx_vmo_read(vmo, &v, PAGE + 4, 4));
    EXPECT_EQ(v, 0x12345678u);
    v = 0xabcdef01u;
    ASSERT_OK(zx_vmo_write(vmo, &v, 8, 4));
    EXPECT_EQ(p[2], 0xabcdef01u);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, ZeroChildrenSignalOnNewVmo) {
    // "The ZX_VMO_ZERO_CHILDREN signal is active on a newly created VMO."
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, 0, &observed));
    EXPECT_TRUE(observed & ZX_VMO_ZERO_CHILDREN);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, ReplaceAsExecutable) {
    zx_handle_t vmo, exec = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_replace_as_executable(vmo, ZX_HANDLE_INVALID, &exec));
    EXPECT_FALSE(handle_valid(vmo));
    EXPECT_TRUE(handle_rights(exec) & ZX_RIGHT_EXECUTE);
    EXPECT_EQ(handle_rights(exec), ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE);
    EXPECT_OK(zx_handle_close(exec));
}

#if defined(ZX_SYS_vmo_op_range)

TEST(VmoTestCase, OpCommitDecommit) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(8 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 4 * PAGE, NULL, 0));
    EXPECT_EQ(vmo_committed_bytes(vmo), 4 * PAGE);
    ASSERT_OK(zx_vmo_write(vmo, "data", PAGE, 4));
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, 2 * PAGE, NULL, 0));
    EXPECT_EQ(vmo_committed_bytes(vmo), 2 * PAGE);
    // Decommitted pages read as zero ("resets that range's bytes to 0").
    char back[4] = {1, 1, 1, 1};
    ASSERT_OK(zx_vmo_read(vmo, back, PAGE, 4));
    EXPECT_EQ(back[0] | back[1] | back[2] | back[3], 0);
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, 8 * PAGE, NULL, 0));
    EXPECT_EQ(vmo_committed_bytes(vmo), 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, OpCommitIsIdempotentAndKeepsData) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_write(vmo, "keep", 10, 4));
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 2 * PAGE, NULL, 0));
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 2 * PAGE, NULL, 0));
    EXPECT_EQ(vmo_committed_bytes(vmo), 2 * PAGE);
    char back[5] = {0};
    ASSERT_OK(zx_vmo_read(vmo, back, 10, 4));
    EXPECT_STREQ(back, "keep");
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, OpRangeOutOfRange) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, PAGE, 2 * PAGE, NULL, 0),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, UINT64_MAX - PAGE + 1, 2 * PAGE, NULL,
                                  0),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 2 * PAGE, PAGE, NULL, 0),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_committed_bytes(vmo), 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, OpRangeBadArgs) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    // "ZX_ERR_INVALID_ARGS ... op is not a valid operation ... op was ZX_VMO_OP_DECOMMIT and
    // range was not page aligned".
    EXPECT_STATUS(zx_vmo_op_range(vmo, 0x7fffu, 0, PAGE, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 1, PAGE, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, 100, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    // "... size is zero and op is a cache operation".
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_CACHE_CLEAN, 0, 0, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    // "ZX_ERR_NOT_SUPPORTED op was ZX_VMO_OP_LOCK ... and the VMO is not discardable".
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_TRY_LOCK, 0, 2 * PAGE, NULL, 0),
                  ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoTestCase, OpRangeRights) {
    zx_handle_t vmo, ro, ev;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    ro = dup_rights(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP);
    ASSERT_NE(ro, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmo_op_range(ro, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_op_range(ro, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(vmo_committed_bytes(vmo), 0);
    // Cache clean needs only READ.
    EXPECT_OK(zx_vmo_op_range(ro, ZX_VMO_OP_CACHE_CLEAN, 0, PAGE, NULL, 0));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_vmo_op_range(ev, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_op_range(BOGUS_HANDLE, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro, ev, vmo}, 3));
}

TEST(VmoTestCase, DecommitMappedReadsZero) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          2 * PAGE, &addr));
    volatile uint8_t *p = (volatile uint8_t *)addr;
    p[0] = 7;
    p[PAGE] = 8;
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0));
    EXPECT_EQ(p[0], 0);
    EXPECT_EQ(p[PAGE], 8);
    p[0] = 9;  // faults a fresh page back in
    EXPECT_EQ(p[0], 9);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

#endif  // ZX_SYS_vmo_op_range

#if defined(ZX_SYS_vmo_get_stream_size) && defined(ZX_SYS_vmo_set_stream_size)
static uint64_t stream_size(zx_handle_t vmo) {
    uint64_t s = UINT64_MAX;
    zx_vmo_get_stream_size(vmo, &s);
    return s;
}

// The stream size is the content size: what zx_vmo_create was given.
TEST(VmoTestCase, StreamSizeIsContentSize) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE + 10, 0, &vmo));
    EXPECT_EQ(stream_size(vmo), PAGE + 10);
    EXPECT_OK(zx_vmo_set_stream_size(vmo, 100));
    EXPECT_EQ(stream_size(vmo), 100);
    uint64_t content = 0;
    ASSERT_OK(zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &content, sizeof(content)));
    EXPECT_EQ(content, 100);
    uint64_t size = 0;
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 2 * PAGE);  // shrinking the stream leaves the VMO alone
    EXPECT_OK(zx_handle_close(vmo));
}

// Bytes past the stream size read as zero once it grows again.
TEST(VmoTestCase, StreamSizeZeroesBetween) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    uint8_t ones[64];
    memset(ones, 1, sizeof(ones));
    ASSERT_OK(zx_vmo_write(vmo, ones, 0, sizeof(ones)));
    EXPECT_OK(zx_vmo_set_stream_size(vmo, 16));
    EXPECT_OK(zx_vmo_set_stream_size(vmo, 64));
    uint8_t got[64];
    ASSERT_OK(zx_vmo_read(vmo, got, 0, sizeof(got)));
    EXPECT_EQ(got[15], 1);
    EXPECT_EQ(got[16], 0);
    EXPECT_EQ(got[63], 0);
    EXPECT_OK(zx_handle_close(vmo));
}

// A resizable VMO grows to hold the stream; a fixed one cannot.
TEST(VmoTestCase, StreamSizeGrowth) {
    zx_handle_t fixed, resizable;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &fixed));
    ASSERT_OK(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &resizable));
    EXPECT_STATUS(zx_vmo_set_stream_size(fixed, PAGE + 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_EQ(stream_size(fixed), PAGE);
    EXPECT_OK(zx_vmo_set_stream_size(resizable, 3 * PAGE + 1));
    uint64_t size = 0;
    ASSERT_OK(zx_vmo_get_size(resizable, &size));
    EXPECT_EQ(size, 4 * PAGE);
    EXPECT_EQ(stream_size(resizable), 3 * PAGE + 1);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){fixed, resizable}, 2));
}

TEST(VmoTestCase, StreamSizeErrors) {
    zx_handle_t vmo, ev;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_event_create(0, &ev));
    uint64_t s;
    zx_handle_t no_read = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_READ);
    zx_handle_t no_write = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_vmo_get_stream_size(no_read, &s), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_set_stream_size(no_write, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_get_stream_size(ev, &s), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_set_stream_size(ev, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_get_stream_size(BOGUS_HANDLE, &s), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmo_set_stream_size(BOGUS_HANDLE, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmo_get_stream_size(vmo, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_get_stream_size(vmo, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(stream_size(vmo), PAGE);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){vmo, ev, no_read, no_write}, 4));
}
#endif

#if defined(ZX_SYS_vmo_transfer_data)
// "functionally equivalent to a memcpy from src_vmo to dst_vmo followed by a decommit of the
// associated pages in src_vmo".
TEST(VmoTestCase, TransferData) {
    zx_handle_t src, dst;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &src));
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &dst));
    uint8_t a = 0xaa, b = 0xbb, d = 0xdd, got = 0;
    ASSERT_OK(zx_vmo_write(src, &a, PAGE, 1));
    ASSERT_OK(zx_vmo_write(src, &b, 2 * PAGE + 5, 1));
    ASSERT_OK(zx_vmo_write(dst, &d, 0, 1));  // overwritten: the source page 0 is empty
    ASSERT_OK(zx_vmo_write(dst, &d, 3 * PAGE, 1));  // outside the range: kept
    EXPECT_OK(zx_vmo_transfer_data(dst, 0, 0, 3 * PAGE, src, 0));
    ASSERT_OK(zx_vmo_read(dst, &got, 0, 1));
    EXPECT_EQ(got, 0);
    ASSERT_OK(zx_vmo_read(dst, &got, PAGE, 1));
    EXPECT_EQ(got, 0xaa);
    ASSERT_OK(zx_vmo_read(dst, &got, 2 * PAGE + 5, 1));
    EXPECT_EQ(got, 0xbb);
    ASSERT_OK(zx_vmo_read(dst, &got, 3 * PAGE, 1));
    EXPECT_EQ(got, 0xdd);
    ASSERT_OK(zx_vmo_read(src, &got, PAGE, 1));
    EXPECT_EQ(got, 0);
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(src, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, 0);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){src, dst}, 2));
}

TEST(VmoTestCase, TransferDataErrors) {
    zx_handle_t src, dst, ev, child;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &src));
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &dst));
    ASSERT_OK(zx_event_create(0, &ev));
    uint8_t a = 0xaa, got = 0;
    ASSERT_OK(zx_vmo_write(src, &a, 0, 1));
    zx_handle_t dst_ro = dup_rights(dst, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_handle_t src_ro = dup_rights(src, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_handle_t src_wo = dup_rights(src, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_READ);
    EXPECT_STATUS(zx_vmo_transfer_data(BOGUS_HANDLE, 0, 0, PAGE, src, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, PAGE, BOGUS_HANDLE, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmo_transfer_data(ev, 0, 0, PAGE, src, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, PAGE, ev, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_transfer_data(dst_ro, 0, 0, PAGE, src, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, PAGE, src_ro, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, PAGE, src_wo, 0), ZX_ERR_ACCESS_DENIED);
    // "offset, length, or src_offset is not page aligned, or src_vmo and dst_vmo point to the
    // same VMO".
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 1, PAGE, src, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, 1, src, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, PAGE, src, 8), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_transfer_data(src, 0, 0, PAGE, src, PAGE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 1, 0, PAGE, src, 0), ZX_ERR_INVALID_ARGS);
    // "The specified range in dst_vmo or src_vmo is invalid."
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, PAGE, 2 * PAGE, src, 0), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, 2 * PAGE, src, PAGE), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, UINT64_MAX & ~(uint64_t)(PAGE - 1), src, 0),
                  ZX_ERR_OUT_OF_RANGE);
    // A source with a child cannot give its pages away.
    ASSERT_OK(zx_vmo_create_child(src, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, &child));
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, PAGE, src, 0), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmo_transfer_data(dst, 0, 0, PAGE, child, 0), ZX_ERR_BAD_STATE);
    // Nothing moved.
    ASSERT_OK(zx_vmo_read(src, &got, 0, 1));
    EXPECT_EQ(got, 0xaa);
    ASSERT_OK(zx_vmo_read(dst, &got, 0, 1));
    EXPECT_EQ(got, 0);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){src, dst, ev, child, dst_ro, src_ro, src_wo}, 7));
}
#endif

TEST(VmoTestCase, CachePolicy) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_OK(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_UNCACHED));
    EXPECT_OK(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_CACHED));
    // "Having committed pages is only allowed if transitioning from a cached state".
    uint8_t b = 1;
    ASSERT_OK(zx_vmo_write(vmo, &b, 0, 1));
    EXPECT_OK(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_WRITE_COMBINING));
    EXPECT_STATUS(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_CACHED), ZX_ERR_BAD_STATE);
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.cache_policy, ZX_CACHE_POLICY_WRITE_COMBINING);
    EXPECT_OK(zx_handle_close(vmo));
}

// "the VMO must not presently be mapped by any process, have any children, be a child itself".
TEST(VmoTestCase, CachePolicyBadState) {
    zx_handle_t vmo, child, ev;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addr));
    EXPECT_STATUS(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_UNCACHED), ZX_ERR_BAD_STATE);
    ASSERT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &child));
    EXPECT_STATUS(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_UNCACHED), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_vmo_set_cache_policy(child, ZX_CACHE_POLICY_UNCACHED), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_handle_close(child));
    // "cache_policy contains flags outside of the ones listed above".
    EXPECT_STATUS(zx_vmo_set_cache_policy(vmo, 4), ZX_ERR_INVALID_ARGS);
    zx_handle_t no_map = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_MAP);
    EXPECT_STATUS(zx_vmo_set_cache_policy(no_map, ZX_CACHE_POLICY_UNCACHED), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_set_cache_policy(ev, ZX_CACHE_POLICY_UNCACHED), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_set_cache_policy(BOGUS_HANDLE, ZX_CACHE_POLICY_UNCACHED),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_UNCACHED));  // now nothing stands in the way
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){no_map, ev, vmo}, 3));
}

// Reading a page nobody wrote through a mapping commits nothing (it shows zeros); writes do,
// and a page the kernel writes afterwards is seen through every mapping, slices included.
TEST(VmoTestCase, ReadFaultCommitsNothing) {
    zx_handle_t vmo, slice;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, 4 * PAGE, &slice));
    zx_vaddr_t addr, saddr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          4 * PAGE, &addr));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, slice, 0, 4 * PAGE, &saddr));
    volatile uint8_t *p = (volatile uint8_t *)addr, *sp = (volatile uint8_t *)saddr;
    uint32_t sum = 0;
    for (size_t i = 0; i < 4; i++)
        sum += p[i * PAGE] + sp[i * PAGE];
    EXPECT_EQ(sum, 0);
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, 0);
    // A write through the mapping commits one page.
    p[PAGE] = 5;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, PAGE);
    EXPECT_EQ(sp[PAGE], 5);
    // The kernel writes a page both mappings showed as zeros: both see the new byte.
    uint8_t b = 9;
    ASSERT_OK(zx_vmo_write(vmo, &b, 2 * PAGE + 3, 1));
    EXPECT_EQ(p[2 * PAGE + 3], 9);
    EXPECT_EQ(sp[2 * PAGE + 3], 9);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 4 * PAGE));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), saddr, 4 * PAGE));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){slice, vmo}, 2));
}
