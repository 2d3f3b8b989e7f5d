// Streams over VMOs: zx_stream_create, readv/writev (and the _at forms), seek, append mode,
// content size, bounds, rights and argument checks (Zircon's StreamTestCase).
#include <stddef.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

static zx_status_t make_stream(uint32_t options, uint64_t vmo_size, uint32_t vmo_options,
                               zx_handle_t *vmo, zx_handle_t *stream) {
    zx_status_t st = zx_vmo_create(vmo_size, vmo_options, vmo);
    if (st != ZX_OK)
        return st;
    st = zx_stream_create(options, *vmo, 0, stream);
    if (st != ZX_OK)
        zx_handle_close(*vmo);
    return st;
}

static uint64_t content_size(zx_handle_t vmo) {
    uint64_t size = UINT64_MAX;
    zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &size, sizeof(size));
    return size;
}

static zx_off_t seek_of(zx_handle_t stream) {
    zx_off_t pos = UINT64_MAX;
    zx_stream_seek(stream, ZX_STREAM_SEEK_ORIGIN_CURRENT, 0, &pos);
    return pos;
}

#define RW (ZX_STREAM_MODE_READ | ZX_STREAM_MODE_WRITE)

TEST(StreamTestCase, Create) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    EXPECT_EQ(handle_type(s), ZX_OBJ_TYPE_STREAM);
    zx_rights_t r = handle_rights(s);
    EXPECT_EQ(r & (ZX_RIGHT_READ | ZX_RIGHT_WRITE), ZX_RIGHT_READ | ZX_RIGHT_WRITE);
    zx_handle_close(s);
    ASSERT_OK(zx_stream_create(ZX_STREAM_MODE_READ, vmo, 0, &s));
    EXPECT_EQ(handle_rights(s) & (ZX_RIGHT_READ | ZX_RIGHT_WRITE), ZX_RIGHT_READ);
    zx_handle_close(s);
    ASSERT_OK(zx_stream_create(ZX_STREAM_MODE_WRITE, vmo, 0, &s));
    EXPECT_EQ(handle_rights(s) & (ZX_RIGHT_READ | ZX_RIGHT_WRITE), ZX_RIGHT_WRITE);
    zx_handle_close(s);
    // The seek offset starts where asked.
    ASSERT_OK(zx_stream_create(RW, vmo, 100, &s));
    EXPECT_EQ(seek_of(s), 100);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, CreateErrors) {
    zx_handle_t vmo, s, ev;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_stream_create(1u << 8, vmo, 0, &s), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_create(RW, vmo, 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_create(RW, vmo, 0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_create(RW, BOGUS_HANDLE, 0, &s), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_stream_create(RW, ev, 0, &s), ZX_ERR_WRONG_TYPE);
    zx_handle_t ro = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_handle_t wo = dup_rights(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_READ);
    EXPECT_STATUS(zx_stream_create(ZX_STREAM_MODE_WRITE, ro, 0, &s), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_stream_create(ZX_STREAM_MODE_READ, wo, 0, &s), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_stream_create(ZX_STREAM_MODE_READ, ro, 0, &s));
    zx_handle_close(s);
    zx_handle_close(ro);
    zx_handle_close(wo);
    zx_handle_close(ev);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, WritevReadvMoveSeek) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    char a[] = "abc", b[] = "defgh";
    zx_iovec_t wv[2] = {{a, 3}, {b, 5}};
    size_t actual = 0;
    EXPECT_OK(zx_stream_writev(s, 0, wv, 2, &actual));
    EXPECT_EQ(actual, 8);
    EXPECT_EQ(seek_of(s), 8);
    char vmo_buf[8];
    ASSERT_OK(zx_vmo_read(vmo, vmo_buf, 0, 8));
    EXPECT_EQ(memcmp(vmo_buf, "abcdefgh", 8), 0);
    ASSERT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 2, NULL));
    char x[3] = {0}, y[4] = {0};
    zx_iovec_t rv[2] = {{x, 3}, {y, 2}};
    EXPECT_OK(zx_stream_readv(s, 0, rv, 2, &actual));
    EXPECT_EQ(actual, 5);
    EXPECT_EQ(memcmp(x, "cde", 3), 0);
    EXPECT_EQ(memcmp(y, "fg", 2), 0);
    EXPECT_EQ(seek_of(s), 7);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, AtFormsLeaveSeekAlone) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    ASSERT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 10, NULL));
    char data[] = "xyz";
    zx_iovec_t wv = {data, 3};
    size_t actual;
    EXPECT_OK(zx_stream_writev_at(s, 0, 100, &wv, 1, &actual));
    EXPECT_EQ(actual, 3);
    EXPECT_EQ(seek_of(s), 10);
    char out[3];
    zx_iovec_t rv = {out, 3};
    EXPECT_OK(zx_stream_readv_at(s, 0, 100, &rv, 1, &actual));
    EXPECT_EQ(actual, 3);
    EXPECT_EQ(memcmp(out, "xyz", 3), 0);
    EXPECT_EQ(seek_of(s), 10);
    // "*options* is reserved for future use and must be 0."
    EXPECT_STATUS(zx_stream_writev_at(s, 1, 0, &wv, 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_readv_at(s, 1, 0, &rv, 1, &actual), ZX_ERR_INVALID_ARGS);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, Seek) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    uint64_t cs = 100;
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));
    zx_off_t pos;
    EXPECT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 40, &pos));
    EXPECT_EQ(pos, 40);
    EXPECT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_CURRENT, -10, &pos));
    EXPECT_EQ(pos, 30);
    EXPECT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_END, -1, &pos));
    EXPECT_EQ(pos, 99);
    // "The resulting seek offset might extend beyond the end of the stream."
    EXPECT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_END, 1000, &pos));
    EXPECT_EQ(pos, 1100);
    EXPECT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 5, NULL));
    EXPECT_EQ(seek_of(s), 5);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, SeekErrors) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    ASSERT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 8, NULL));
    zx_off_t pos;
    // "If the resulting seek offset were to be negative or exceed the maximum representable
    // zx_off_t, zx_stream_seek() returns ZX_ERR_INVALID_ARGS."
    EXPECT_STATUS(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, -1, &pos), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_CURRENT, -9, &pos), ZX_ERR_INVALID_ARGS);
    // (a fresh VMO's content size is its size, one page)
    EXPECT_STATUS(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_END, -(int64_t)PAGE - 1, &pos),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_seek(s, 3, 0, &pos), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_CURRENT, INT64_MAX, &pos),
                  ZX_ERR_INVALID_ARGS);  // 8 + INT64_MAX overflows
    EXPECT_EQ(seek_of(s), 8);            // unchanged by the failures
    EXPECT_STATUS(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 0, KERNEL_PTR),
                  ZX_ERR_INVALID_ARGS);
    // "ZX_ERR_ACCESS_DENIED handle does not have the ZX_RIGHT_READ or ZX_RIGHT_WRITE right."
    zx_handle_t none;
    ASSERT_OK(zx_stream_create(0, vmo, 0, &none));
    EXPECT_STATUS(zx_stream_seek(none, ZX_STREAM_SEEK_ORIGIN_START, 0, &pos), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(none);
    EXPECT_STATUS(zx_stream_seek(vmo, ZX_STREAM_SEEK_ORIGIN_START, 0, &pos), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_stream_seek(BOGUS_HANDLE, ZX_STREAM_SEEK_ORIGIN_START, 0, &pos),
                  ZX_ERR_BAD_HANDLE);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, ReadStopsAtContentSize) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    uint64_t cs = 5;
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));
    char buf[16];
    zx_iovec_t rv = {buf, sizeof(buf)};
    size_t actual = 99;
    EXPECT_OK(zx_stream_readv(s, 0, &rv, 1, &actual));
    EXPECT_EQ(actual, 5);
    // "If the current seek offset is beyond the end of the stream, zx_stream_readv() will
    // succeed in reading zero bytes."
    EXPECT_OK(zx_stream_readv(s, 0, &rv, 1, &actual));
    EXPECT_EQ(actual, 0);
    EXPECT_OK(zx_stream_readv_at(s, 0, 1000000, &rv, 1, &actual));
    EXPECT_EQ(actual, 0);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, WriteExtendsContentSize) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    uint64_t cs = 0;
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));
    char data[10] = "123456789";
    zx_iovec_t wv = {data, 10};
    size_t actual;
    EXPECT_OK(zx_stream_writev_at(s, 0, 20, &wv, 1, &actual));
    EXPECT_EQ(actual, 10);
    EXPECT_EQ(content_size(vmo), 30);
    // "filling any new, unwritten content with zero bytes"
    char out[30];
    ASSERT_OK(zx_vmo_read(vmo, out, 0, 30));
    for (int i = 0; i < 20; i++)
        EXPECT_EQ(out[i], 0);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, ShortWriteAtEndOfFixedVmo) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    char data[16] = "0123456789abcdef";
    zx_iovec_t wv = {data, 16};
    size_t actual = 0;
    EXPECT_OK(zx_stream_writev_at(s, 0, PAGE - 4, &wv, 1, &actual));
    EXPECT_EQ(actual, 4);
    // "If no bytes were written to stream, the operation will return ZX_ERR_FILE_BIG or
    // ZX_ERR_NO_SPACE, as appropriate." A non-resizable VMO has no room: we accept either.
    zx_status_t st = zx_stream_writev_at(s, 0, PAGE, &wv, 1, &actual);
    EXPECT_TRUE(st == ZX_ERR_NO_SPACE || st == ZX_ERR_FILE_BIG);
    ASSERT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, PAGE, NULL));
    st = zx_stream_writev(s, 0, &wv, 1, &actual);
    EXPECT_TRUE(st == ZX_ERR_NO_SPACE || st == ZX_ERR_FILE_BIG);
    uint64_t size = 0;
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, PAGE);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, WriteGrowsResizableVmo) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, ZX_VMO_RESIZABLE, &vmo, &s));
    char data[8] = "grow!!!";
    zx_iovec_t wv = {data, 8};
    size_t actual;
    EXPECT_OK(zx_stream_writev_at(s, 0, 3 * PAGE, &wv, 1, &actual));
    EXPECT_EQ(actual, 8);
    uint64_t size = 0;
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_GE(size, 3 * PAGE + 8);
    EXPECT_EQ(content_size(vmo), 3 * PAGE + 8);
    char out[8];
    ASSERT_OK(zx_vmo_read(vmo, out, 3 * PAGE, 8));
    EXPECT_EQ(memcmp(out, "grow!!!", 8), 0);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, AppendMode) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW | ZX_STREAM_MODE_APPEND, PAGE, 0, &vmo, &s));
    uint64_t cs = 10;
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));
    char data[4] = "app";
    zx_iovec_t wv = {data, 3};
    size_t actual;
    // The seek is at 0, but the write lands at the content size.
    EXPECT_OK(zx_stream_writev(s, 0, &wv, 1, &actual));
    EXPECT_EQ(actual, 3);
    EXPECT_EQ(content_size(vmo), 13);
    EXPECT_EQ(seek_of(s), 13);
    char out[3];
    ASSERT_OK(zx_vmo_read(vmo, out, 10, 3));
    EXPECT_EQ(memcmp(out, "app", 3), 0);
    uint8_t mode = 0;
    EXPECT_OK(zx_object_get_property(s, ZX_PROP_STREAM_MODE_APPEND, &mode, sizeof(mode)));
    EXPECT_EQ(mode, 1);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, AppendOption) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    uint64_t cs = 20;
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));
    char data[2] = "z";
    zx_iovec_t wv = {data, 1};
    size_t actual;
    EXPECT_OK(zx_stream_writev(s, ZX_STREAM_APPEND, &wv, 1, &actual));
    EXPECT_EQ(content_size(vmo), 21);
    EXPECT_EQ(seek_of(s), 21);
    // Without the option, writes go to the seek offset again.
    ASSERT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 0, NULL));
    EXPECT_OK(zx_stream_writev(s, 0, &wv, 1, &actual));
    EXPECT_EQ(content_size(vmo), 21);
    EXPECT_EQ(seek_of(s), 1);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, RightsOfStreamHandle) {
    zx_handle_t vmo, r, w;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_stream_create(ZX_STREAM_MODE_READ, vmo, 0, &r));
    ASSERT_OK(zx_stream_create(ZX_STREAM_MODE_WRITE, vmo, 0, &w));
    char buf[4] = "abc";
    zx_iovec_t v = {buf, 3};
    size_t actual;
    EXPECT_STATUS(zx_stream_writev(r, 0, &v, 1, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_stream_writev_at(r, 0, 0, &v, 1, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_stream_readv(w, 0, &v, 1, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_stream_readv_at(w, 0, 0, &v, 1, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_stream_writev(w, 0, &v, 1, &actual));
    EXPECT_OK(zx_stream_readv(r, 0, &v, 1, &actual));
    EXPECT_EQ(actual, 3);
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_stream_readv(vmo, 0, &v, 1, &actual), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_stream_writev(BOGUS_HANDLE, 0, &v, 1, &actual), ZX_ERR_BAD_HANDLE);
    zx_handle_close(ev);
    zx_handle_close(r);
    zx_handle_close(w);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, OptionsErrors) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    char buf[4];
    zx_iovec_t v = {buf, 4};
    size_t actual;
    // "options is nonzero" for readv; writev knows only ZX_STREAM_APPEND.
    EXPECT_STATUS(zx_stream_readv(s, 1, &v, 1, &actual), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_stream_writev(s, 1u << 4, &v, 1, &actual), ZX_ERR_INVALID_ARGS);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

// "ZX_ERR_NOT_FOUND the vectors address, or an address specified within vectors does not map
// to address in address space." (the unmapped page at 0x1000)
TEST(StreamTestCase, UnmappedVectorsNotFound) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    size_t actual;
    EXPECT_STATUS(zx_stream_writev(s, 0, UNMAPPED_PTR, 1, &actual), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_stream_readv(s, 0, UNMAPPED_PTR, 1, &actual), ZX_ERR_NOT_FOUND);
    zx_iovec_t v = {UNMAPPED_PTR, 8};
    EXPECT_STATUS(zx_stream_writev(s, 0, &v, 1, &actual), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_stream_readv(s, 0, &v, 1, &actual), ZX_ERR_NOT_FOUND);
    EXPECT_EQ(seek_of(s), 0);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

// More vectors than the kernel reads at once (it takes them in batches): every byte lands in
// its vector, in order, both ways, spanning pages; vectors of zero capacity are skipped.
TEST(StreamTestCase, ManyVectorsAcrossBatchesAndPages) {
    enum { N = 40, LEN = 300 };
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, 4 * PAGE, 0, &vmo, &s));
    static char out[N][LEN], in[N][LEN];
    zx_iovec_t wv[N], rv[N];
    size_t total = 0;
    for (int i = 0; i < N; i++) {
        size_t n = (i % 7 == 3) ? 0 : (size_t)(1 + (i * 37) % LEN);
        for (size_t j = 0; j < n; j++) out[i][j] = (char)(i * 31 + j);
        wv[i] = (zx_iovec_t){out[i], n};
        rv[i] = (zx_iovec_t){in[i], n};
        total += n;
    }
    ASSERT_GT(total, (size_t)PAGE);
    ASSERT_LT(total, (size_t)(4 * PAGE));
    size_t actual = 0;
    EXPECT_OK(zx_stream_writev(s, 0, wv, N, &actual));
    EXPECT_EQ(actual, total);
    EXPECT_EQ(seek_of(s), total);
    EXPECT_OK(zx_stream_readv_at(s, 0, 0, rv, N, &actual));
    EXPECT_EQ(actual, total);
    for (int i = 0; i < N; i++) EXPECT_EQ(memcmp(in[i], out[i], wv[i].capacity), 0);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

// A bad buffer in vector 20 of 30: the vectors before it move (a short transfer), the seek
// pointer follows them; a vector list whose memory ends at vector 20: the 20 before move, then
// ZX_ERR_NOT_FOUND, as when the vectors are read one by one; unless the transfer ends first (at
// the end of the content), when the unreadable vectors are never looked at.
TEST(StreamTestCase, BadVectorPartWayThrough) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    static char buf[30][8];
    zx_iovec_t v[30];
    for (int i = 0; i < 30; i++) v[i] = (zx_iovec_t){buf[i], 8};
    v[20].buffer = UNMAPPED_PTR;
    size_t actual = 0;
    EXPECT_OK(zx_stream_writev(s, 0, v, 30, &actual));
    EXPECT_EQ(actual, 20 * 8);
    EXPECT_EQ(seek_of(s), 20 * 8);

    // The vector list itself crosses into an unmapped page after 20 entries.
    zx_handle_t list_vmo;
    uintptr_t addr;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &list_vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, list_vmo, 0,
                          2 * PAGE, &addr));
    ASSERT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr + PAGE, PAGE));
    zx_iovec_t *list = (zx_iovec_t *)(addr + PAGE) - 20;
    for (int i = 0; i < 20; i++) list[i] = (zx_iovec_t){buf[i], 8};
    ASSERT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 0, NULL));
    EXPECT_STATUS(zx_stream_readv(s, 0, list, 30, &actual), ZX_ERR_NOT_FOUND);
    EXPECT_EQ(seek_of(s), 0);  // a failed call leaves the seek pointer
    // Reading from 8 bytes before the end of the content (the VMO's size): the second vector
    // finds nothing left and ends the transfer before the unreadable ones.
    EXPECT_OK(zx_stream_readv_at(s, 0, PAGE - 8, list, 30, &actual));
    EXPECT_EQ(actual, 8);
    ASSERT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    zx_handle_close(list_vmo);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

// ---- the scatter/gather user copy (64 vectors per batch, one copy per VMO page) ----

// Byte i of the pattern the tests write and read.
static char pattern(size_t i) { return (char)(i * 7 + 3); }

enum { GUARD = 8, SENTINEL = 0x5a };

// Vectors of every length class the copy treats apart (0, 1-3 bytes, 4-7, 8-64, over 64),
// 70 of them (more than one batch), each in `area` with GUARD sentinel bytes before and after;
// returns the bytes they hold.
static size_t guarded_vectors(char *area, zx_iovec_t *v, size_t n) {
    static const size_t lens[] = {1, 0, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 200};
    size_t total = 0;
    char *p = area;
    for (size_t i = 0; i < n; i++) {
        size_t len = lens[(i * 3) % (sizeof(lens) / sizeof(lens[0]))];
        memset(p, SENTINEL, len + 2 * GUARD);
        v[i] = (zx_iovec_t){p + GUARD, len};
        p += len + 2 * GUARD;
        total += len;
    }
    return total;
}

static bool guards_intact(const zx_iovec_t *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *b = v[i].buffer;
        for (size_t g = 1; g <= GUARD; g++)
            if (b[-(ptrdiff_t)g] != SENTINEL || b[v[i].capacity + g - 1] != SENTINEL) return false;
    }
    return true;
}

// Every byte lands in its vector and nowhere else, from an offset that puts the transfer across
// a VMO page boundary (a vector split between two pages), both ways.
TEST(StreamTestCase, ScatterEveryVectorLength) {
    enum { N = 70 };
    static char area[N * (200 + 2 * GUARD)];
    static char src[3 * PAGE], back[3 * PAGE];
    zx_iovec_t v[N];
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, 3 * PAGE, 0, &vmo, &s));
    size_t total = guarded_vectors(area, v, N);
    ASSERT_LT(total, (size_t)(2 * PAGE));
    for (size_t i = 0; i < sizeof(src); i++) src[i] = pattern(i);
    ASSERT_OK(zx_vmo_write(vmo, src, 0, sizeof(src)));
    uint64_t cs = sizeof(src);
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));

    const uint64_t at = PAGE - 50;
    size_t actual = 0;
    EXPECT_OK(zx_stream_readv_at(s, 0, at, v, N, &actual));
    EXPECT_EQ(actual, total);
    size_t off = at;
    bool same = true;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < v[i].capacity; j++) same &= ((char *)v[i].buffer)[j] == pattern(off++);
    EXPECT_TRUE(same);
    EXPECT_TRUE(guards_intact(v, N));

    // Back: the vectors (now holding pattern(at..)) written at 2 * at reproduce the run there.
    EXPECT_OK(zx_stream_writev_at(s, 0, 2 * at, v, N, &actual));
    EXPECT_EQ(actual, total);
    ASSERT_OK(zx_vmo_read(vmo, back, 0, sizeof(back)));
    EXPECT_EQ(memcmp(back + 2 * at, src + at, total), 0);
    EXPECT_EQ(memcmp(back, src, 2 * at), 0);  // nothing before the run was touched
    EXPECT_EQ(content_size(vmo), sizeof(src));
    EXPECT_EQ(seek_of(s), 0);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

// User buffers in a fresh mapping (no page committed): the copy faults in each page midway
// through the vector list and goes on from the vector that faulted; every byte arrives.
TEST(StreamTestCase, ScatterFaultsInFreshPages) {
    enum { N = 64, LEN = 100 };
    zx_handle_t vmo, s, buf_vmo;
    ASSERT_OK(make_stream(RW, 2 * PAGE, 0, &vmo, &s));
    static char src[2 * PAGE];
    for (size_t i = 0; i < sizeof(src); i++) src[i] = pattern(i);
    ASSERT_OK(zx_vmo_write(vmo, src, 0, sizeof(src)));
    for (int round = 0; round < 2; round++) {  // 0: readv into fresh pages, 1: writev from them
        uintptr_t addr;
        ASSERT_OK(zx_vmo_create(3 * PAGE, 0, &buf_vmo));
        ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, buf_vmo, 0,
                              3 * PAGE, &addr));
        zx_iovec_t v[N];
        for (size_t i = 0; i < N; i++) v[i] = (zx_iovec_t){(char *)addr + 30 + i * LEN, LEN};  // pages 0-1
        size_t actual = 0;
        if (round == 0) {
            EXPECT_OK(zx_stream_readv_at(s, 0, 0, v, N, &actual));
            EXPECT_EQ(actual, (size_t)N * LEN);
            EXPECT_EQ(memcmp((char *)addr + 30, src, N * LEN), 0);
        } else {
            EXPECT_OK(zx_stream_writev_at(s, 0, 0, v, N, &actual));
            EXPECT_EQ(actual, (size_t)N * LEN);
            static char back[N * LEN];
            ASSERT_OK(zx_vmo_read(vmo, back, 0, sizeof(back)));
            bool zero = true;
            for (size_t i = 0; i < sizeof(back); i++) zero &= back[i] == 0;
            EXPECT_TRUE(zero);  // the fresh pages read as zeros
        }
        ASSERT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 3 * PAGE));
        zx_handle_close(buf_vmo);
    }
    zx_handle_close(s);
    zx_handle_close(vmo);
}

// A vector whose buffer runs into an unmapped page midway (vector 10 of 20, after bytes of it
// could be copied): the 10 before it count, it does not, nor anything after; the seek pointer
// and the content size follow the 10. As the first vector: ZX_ERR_NOT_FOUND, nothing moves.
TEST(StreamTestCase, ScatterVectorFaultsMidway) {
    enum { N = 20, LEN = 8, BAD = 10 };
    zx_handle_t vmo, s, buf_vmo;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    uintptr_t addr;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &buf_vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, buf_vmo, 0,
                          2 * PAGE, &addr));
    ASSERT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr + PAGE, PAGE));
    char *edge = (char *)addr + PAGE - 16;  // 16 good bytes, then the hole
    memset(edge, 'e', 16);
    static char buf[N][LEN];
    zx_iovec_t v[N];
    for (size_t i = 0; i < N; i++) {
        memset(buf[i], (int)('a' + i), LEN);
        v[i] = (zx_iovec_t){buf[i], LEN};
    }
    v[BAD] = (zx_iovec_t){edge, 32};
    uint64_t cs = 0;  // (a new VMO's content size is its size)
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));

    size_t actual = 0;
    EXPECT_OK(zx_stream_writev(s, 0, v, N, &actual));
    EXPECT_EQ(actual, (size_t)BAD * LEN);
    EXPECT_EQ(seek_of(s), BAD * LEN);
    EXPECT_EQ(content_size(vmo), BAD * LEN);
    char back[N * LEN];
    ASSERT_OK(zx_vmo_read(vmo, back, 0, sizeof(back)));
    bool same = true;
    for (size_t i = 0; i < BAD * LEN; i++) same &= back[i] == (char)('a' + i / LEN);
    EXPECT_TRUE(same);

    for (size_t i = 0; i < N; i++) memset(buf[i], 0, LEN);
    ASSERT_OK(zx_stream_seek(s, ZX_STREAM_SEEK_ORIGIN_START, 0, NULL));
    cs = PAGE;
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof(cs)));
    EXPECT_OK(zx_stream_readv(s, 0, v, N, &actual));
    EXPECT_EQ(actual, (size_t)BAD * LEN);
    EXPECT_EQ(seek_of(s), BAD * LEN);
    same = true;
    for (size_t i = 0; i < BAD; i++) same &= memcmp(buf[i], back + i * LEN, LEN) == 0;
    for (size_t i = BAD + 1; i < N; i++) same &= buf[i][0] == 0;  // nothing after the bad one
    EXPECT_TRUE(same);

    // The faulting vector first: nothing moves.
    actual = 99;
    EXPECT_STATUS(zx_stream_writev(s, 0, &v[BAD], N - BAD, &actual), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_stream_readv(s, 0, &v[BAD], N - BAD, &actual), ZX_ERR_NOT_FOUND);
    EXPECT_EQ(actual, 99);
    EXPECT_EQ(seek_of(s), BAD * LEN);
    EXPECT_EQ(content_size(vmo), PAGE);

    // A read into a read-only buffer midway: the same short transfer.
    ASSERT_OK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, addr, PAGE));
    v[BAD] = (zx_iovec_t){(char *)addr, LEN};
    EXPECT_OK(zx_stream_readv_at(s, 0, 0, v, N, &actual));
    EXPECT_EQ(actual, (size_t)BAD * LEN);
    ASSERT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    zx_handle_close(buf_vmo);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

// Zero-length vectors are passed over whatever their address; a bad address among good vectors
// (unmapped, kernel, straddling the top of the user range, wrapping around) ends the transfer
// there, also in the second batch of 64; the exact counts.
TEST(StreamTestCase, ScatterBadPointerAmongGood) {
    enum { N = 80, LEN = 8 };
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    static char buf[N][LEN];
    zx_iovec_t v[N];
    for (size_t i = 0; i < N; i++) v[i] = (zx_iovec_t){buf[i], LEN};
    v[1] = (zx_iovec_t){UNMAPPED_PTR, 0};
    v[2] = (zx_iovec_t){KERNEL_PTR, 0};
    v[3] = (zx_iovec_t){(void *)UINTPTR_MAX, 0};
    size_t actual = 0;
    EXPECT_OK(zx_stream_writev_at(s, 0, 0, v, 6, &actual));
    EXPECT_EQ(actual, 3 * LEN);
    EXPECT_OK(zx_stream_readv_at(s, 0, 0, v, 6, &actual));
    EXPECT_EQ(actual, 3 * LEN);

    void *const bad[] = {UNMAPPED_PTR, KERNEL_PTR, (void *)(uintptr_t)0x7ffffffff000ull - 4,
                         (void *)(uintptr_t)0x800000000000ull, (void *)(UINTPTR_MAX - 3)};
    const size_t where[] = {5, 40, 63, 64, 70};
    for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
        for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
            zx_iovec_t saved = v[where[w]];
            v[where[w]] = (zx_iovec_t){bad[b], LEN};
            size_t good = where[w] - 3;  // three of the vectors before are empty
            actual = 0;
            EXPECT_OK(zx_stream_writev_at(s, 0, 0, v, N, &actual));
            EXPECT_EQ(actual, good * LEN);
            actual = 0;
            EXPECT_OK(zx_stream_readv_at(s, 0, 0, v, N, &actual));
            EXPECT_EQ(actual, good * LEN);
            v[where[w]] = saved;
        }
        zx_iovec_t first = {bad[b], LEN};
        EXPECT_STATUS(zx_stream_writev_at(s, 0, 0, &first, 1, &actual), ZX_ERR_NOT_FOUND);
        zx_iovec_t two[2] = {first, v[0]};
        EXPECT_STATUS(zx_stream_readv_at(s, 0, 0, two, 2, &actual), ZX_ERR_NOT_FOUND);
    }
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, EmptyVectorList) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    size_t actual = 99;
    EXPECT_OK(zx_stream_writev(s, 0, NULL, 0, &actual));
    EXPECT_EQ(actual, 0);
    EXPECT_OK(zx_stream_readv(s, 0, NULL, 0, &actual));
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(seek_of(s), 0);
    zx_handle_close(s);
    zx_handle_close(vmo);
}

TEST(StreamTestCase, StreamKeepsVmoAlive) {
    zx_handle_t vmo, s;
    ASSERT_OK(make_stream(RW, PAGE, 0, &vmo, &s));
    char data[5] = "kept";
    zx_iovec_t v = {data, 5};
    size_t actual;
    ASSERT_OK(zx_stream_writev(s, 0, &v, 1, &actual));
    zx_handle_close(vmo);
    char out[5] = {0};
    zx_iovec_t r = {out, 5};
    EXPECT_OK(zx_stream_readv_at(s, 0, 0, &r, 1, &actual));
    EXPECT_EQ(actual, 5);
    EXPECT_STREQ(out, "kept");
    zx_handle_close(s);
}
