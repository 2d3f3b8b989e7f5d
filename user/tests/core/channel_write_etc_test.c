// zx_channel_write_etc: handle dispositions with MOVE / DUPLICATE, rights and type checks, the
// per-entry result codes, and what a failure leaves behind.
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_channel_write_etc)

static zx_handle_disposition_t disp(zx_handle_op_t op, zx_handle_t h, zx_obj_type_t type,
                                    zx_rights_t rights) {
    return (zx_handle_disposition_t){
        .operation = op, .handle = h, .type = type, .rights = rights, .result = ZX_OK};
}

// Reads one message with up to 4 handles; returns the number of handles.
static uint32_t read_handles(zx_handle_t ch, zx_handle_t out[4]) {
    uint8_t buf[16];
    uint32_t nb = 0, nh = 0;
    if (zx_channel_read(ch, 0, buf, out, sizeof(buf), 4, &nb, &nh) != ZX_OK)
        return UINT32_MAX;
    return nh;
}

struct pair {
    zx_handle_t a, b;
};

static struct pair channel(void) {
    struct pair p = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID};
    zx_channel_create(0, &p.a, &p.b);
    return p;
}

static void close_pair(struct pair p) {
    zx_handle_close(p.a);
    zx_handle_close(p.b);
}

TEST(ChannelWriteEtcTest, MoveSameRights) {
    struct pair p = channel();
    zx_handle_t ev, got[4];
    ASSERT_OK(zx_event_create(0, &ev));
    zx_koid_t koid = handle_koid(ev);
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_EVENT,
                                     ZX_RIGHT_SAME_RIGHTS);
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "m", 1, &d, 1));
    EXPECT_OK(d.result);
    EXPECT_FALSE(handle_valid(ev));
    ASSERT_EQ(read_handles(p.b, got), 1);
    EXPECT_EQ(handle_koid(got[0]), koid);
    EXPECT_EQ(handle_rights(got[0]), ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_OK(zx_handle_close(got[0]));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, MoveReducedRights) {
    struct pair p = channel();
    zx_handle_t ev, got[4];
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d =
        disp(ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_NONE, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "m", 1, &d, 1));
    ASSERT_EQ(read_handles(p.b, got), 1);
    EXPECT_EQ(handle_rights(got[0]), ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
    EXPECT_OK(zx_handle_close(got[0]));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, MoveDroppingTransferRight) {
    // "this operation allows removing ZX_RIGHT_TRANSFER in rights so that capability is not
    // available for the receiver": the receiver cannot send it on.
    struct pair p = channel(), q = channel();
    zx_handle_t ev, got[4];
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_WAIT);
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "m", 1, &d, 1));
    ASSERT_EQ(read_handles(p.b, got), 1);
    EXPECT_EQ(handle_rights(got[0]), ZX_RIGHT_WAIT);
    EXPECT_STATUS(zx_channel_write(q.a, 0, "x", 1, &got[0], 1), ZX_ERR_ACCESS_DENIED);
    close_pair(p);
    close_pair(q);
}

TEST(ChannelWriteEtcTest, MoveNoRights) {
    struct pair p = channel();
    zx_handle_t ev, got[4];
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_NONE);
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "m", 1, &d, 1));
    ASSERT_EQ(read_handles(p.b, got), 1);
    EXPECT_EQ(handle_rights(got[0]), ZX_RIGHT_NONE);
    EXPECT_OK(zx_handle_close(got[0]));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, DuplicateKeepsSource) {
    struct pair p = channel();
    zx_handle_t ev, got[4];
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d =
        disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "d", 1, &d, 1));
    EXPECT_TRUE(handle_valid(ev));
    EXPECT_EQ(handle_count(ev), 2);
    ASSERT_EQ(read_handles(p.b, got), 1);
    EXPECT_NE(got[0], ev);
    EXPECT_EQ(handle_koid(got[0]), handle_koid(ev));
    EXPECT_EQ(handle_rights(got[0]), ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_OK(zx_handle_close(got[0]));
    EXPECT_OK(zx_handle_close(ev));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, DuplicateReducedRights) {
    struct pair p = channel();
    zx_handle_t vmo, got[4];
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_DUPLICATE, vmo, ZX_OBJ_TYPE_VMO,
                                     ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER);
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "d", 1, &d, 1));
    ASSERT_EQ(read_handles(p.b, got), 1);
    EXPECT_EQ(handle_rights(got[0]), ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER);
    EXPECT_EQ(handle_rights(vmo), ZX_DEFAULT_VMO_RIGHTS);  // the source keeps its rights
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){got[0], vmo}, 2));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, DuplicateTwiceOfSameHandle) {
    // Repeated handles are an error only "if ZX_HANDLE_OP_DUPLICATE flags is not present".
    struct pair p = channel();
    zx_handle_t ev, got[4];
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d[2] = {
        disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS),
        disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS)};
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "d", 1, d, 2));
    EXPECT_EQ(read_handles(p.b, got), 2);
    EXPECT_EQ(handle_count(ev), 3);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){got[0], got[1], ev}, 3));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, RepeatedMoveIsBadHandle) {
    struct pair p = channel();
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d[2] = {
        disp(ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS),
        disp(ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "m", 1, d, 2), ZX_ERR_BAD_HANDLE);
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_FALSE(handle_valid(ev));  // MOVE: "The source handle is always closed."
    close_pair(p);
}

TEST(ChannelWriteEtcTest, DuplicateWithoutDuplicateRight) {
    struct pair p = channel();
    zx_handle_t ev, weak;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_handle_disposition_t d =
        disp(ZX_HANDLE_OP_DUPLICATE, weak, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "d", 1, &d, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(d.result, ZX_ERR_ACCESS_DENIED);
    EXPECT_TRUE(channel_empty(p.b));
    // DUPLICATE: "The source handle always remains open".
    EXPECT_TRUE(handle_valid(weak));
    EXPECT_EQ(handle_count(ev), 2);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){weak, ev}, 2));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, WithoutTransferRight) {
    struct pair p = channel();
    zx_handle_t ev, w1, w2;
    ASSERT_OK(zx_event_create(0, &ev));
    w1 = dup_rights(ev, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT);
    w2 = dup_rights(ev, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT);
    ASSERT_NE(w1, ZX_HANDLE_INVALID);
    ASSERT_NE(w2, ZX_HANDLE_INVALID);
    zx_handle_disposition_t dm = disp(ZX_HANDLE_OP_MOVE, w1, ZX_OBJ_TYPE_NONE,
                                      ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "t", 1, &dm, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(dm.result, ZX_ERR_ACCESS_DENIED);
    EXPECT_FALSE(handle_valid(w1));
    zx_handle_disposition_t dd = disp(ZX_HANDLE_OP_DUPLICATE, w2, ZX_OBJ_TYPE_NONE,
                                      ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "t", 1, &dd, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_TRUE(handle_valid(w2));
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_EQ(handle_count(ev), 2);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){w2, ev}, 2));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, TypeMismatch) {
    struct pair p = channel();
    zx_handle_t ev, vmo;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_handle_disposition_t d =
        disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_VMO, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "t", 1, &d, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(d.result, ZX_ERR_WRONG_TYPE);
    EXPECT_TRUE(handle_valid(ev));
    zx_handle_disposition_t m = disp(ZX_HANDLE_OP_MOVE, vmo, ZX_OBJ_TYPE_EVENT,
                                     ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "t", 1, &m, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_FALSE(handle_valid(vmo));  // a MOVE source is closed even on failure
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_OK(zx_handle_close(ev));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, RightsNotSubset) {
    // "ZX_ERR_INVALID_ARGS ... any source handle in handles[i]->handle did not have the rights
    // specified in whandle[i]->rights".
    struct pair p = channel();
    zx_handle_t ev, weak;
    ASSERT_OK(zx_event_create(0, &ev));
    weak = dup_rights(ev, ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_DUPLICATE, weak, ZX_OBJ_TYPE_EVENT,
                                     ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "r", 1, &d, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(d.result, ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_EQ(handle_count(ev), 2);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){weak, ev}, 2));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, InvalidOperation) {
    struct pair p = channel();
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d = disp(7, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "o", 1, &d, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(channel_empty(p.b));
    zx_handle_close(ev);  // state of a source with an unknown operation is unspecified
    close_pair(p);
}

TEST(ChannelWriteEtcTest, BadSourceHandle) {
    struct pair p = channel();
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d[2] = {
        disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS),
        disp(ZX_HANDLE_OP_MOVE, BOGUS_HANDLE, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "b", 1, d, 2), ZX_ERR_BAD_HANDLE);
    // "If any operation fails, the error code for that source handle is written to result";
    // the first entry was fine.
    EXPECT_OK(d[0].result);
    EXPECT_STATUS(d[1].result, ZX_ERR_BAD_HANDLE);
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_TRUE(handle_valid(ev));
    EXPECT_EQ(handle_count(ev), 1);  // the duplicate was not left behind
    EXPECT_OK(zx_handle_close(ev));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, AllOperationsAttempted) {
    // "All operations in the handles array are attempted, even if one or more operations
    // fail", and the return value is the first failure.
    struct pair p = channel();
    zx_handle_t ev1, ev2, vmo;
    ASSERT_OK(zx_event_create(0, &ev1));
    ASSERT_OK(zx_event_create(0, &ev2));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    zx_handle_disposition_t d[3] = {
        disp(ZX_HANDLE_OP_DUPLICATE, ev1, ZX_OBJ_TYPE_VMO, ZX_RIGHT_SAME_RIGHTS),
        disp(ZX_HANDLE_OP_DUPLICATE, ev2, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS),
        disp(ZX_HANDLE_OP_MOVE, vmo, ZX_OBJ_TYPE_VMO, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "a", 1, d, 3), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(d[0].result, ZX_ERR_WRONG_TYPE);
    EXPECT_OK(d[1].result);
    EXPECT_OK(d[2].result);
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_FALSE(handle_valid(vmo));
    EXPECT_EQ(handle_count(ev2), 1);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ev1, ev2}, 2));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, ChannelItselfInArray) {
    struct pair p = channel();
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_MOVE, p.a, ZX_OBJ_TYPE_CHANNEL,
                                     ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "s", 1, &d, 1), ZX_ERR_NOT_SUPPORTED);
    EXPECT_TRUE(channel_empty(p.b));
    zx_handle_close(p.a);
    EXPECT_OK(zx_handle_close(p.b));
}

TEST(ChannelWriteEtcTest, Limits) {
    static uint8_t bytes[ZX_CHANNEL_MAX_MSG_BYTES + 1];
    static zx_handle_disposition_t d[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
    static zx_handle_t got[ZX_CHANNEL_MAX_MSG_HANDLES];
    struct pair p = channel();
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    for (size_t i = 0; i <= ZX_CHANNEL_MAX_MSG_HANDLES; i++)
        d[i] = disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, bytes, 1, d, ZX_CHANNEL_MAX_MSG_HANDLES + 1),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, bytes, ZX_CHANNEL_MAX_MSG_BYTES + 1, d, 1),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_EQ(handle_count(ev), 1);
    ASSERT_OK(zx_channel_write_etc(p.a, 0, bytes, ZX_CHANNEL_MAX_MSG_BYTES, d,
                                   ZX_CHANNEL_MAX_MSG_HANDLES));
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_read(p.b, 0, bytes, got, sizeof(bytes), ZX_CHANNEL_MAX_MSG_HANDLES, &nb,
                              &nh));
    EXPECT_EQ(nb, ZX_CHANNEL_MAX_MSG_BYTES);
    EXPECT_EQ(nh, ZX_CHANNEL_MAX_MSG_HANDLES);
    EXPECT_EQ(handle_count(ev), 1 + ZX_CHANNEL_MAX_MSG_HANDLES);
    EXPECT_OK(zx_handle_close_many(got, ZX_CHANNEL_MAX_MSG_HANDLES));
    EXPECT_OK(zx_handle_close(ev));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, PeerClosed) {
    struct pair p = channel();
    zx_handle_t ev, vmo;
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_OK(zx_handle_close(p.b));
    zx_handle_disposition_t d[2] = {
        disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS),
        disp(ZX_HANDLE_OP_MOVE, vmo, ZX_OBJ_TYPE_VMO, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "p", 1, d, 2), ZX_ERR_PEER_CLOSED);
    EXPECT_TRUE(handle_valid(ev));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_FALSE(handle_valid(vmo));
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_OK(zx_handle_close(p.a));
}

TEST(ChannelWriteEtcTest, BadArguments) {
    struct pair p = channel();
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_disposition_t d =
        disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 1u << 16, "x", 1, &d, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, KERNEL_PTR, 1, &d, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "x", 1, (zx_handle_disposition_t *)KERNEL_PTR, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write_etc(p.a, 0, "x", 1, NULL, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_TRUE(handle_valid(ev));
    EXPECT_EQ(handle_count(ev), 1);
    EXPECT_OK(zx_handle_close(ev));
    close_pair(p);
}

TEST(ChannelWriteEtcTest, ChannelHandleErrors) {
    struct pair p = channel();
    zx_handle_t ev, ro;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_channel_write_etc(ev, 0, "x", 1, NULL, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_channel_write_etc(BOGUS_HANDLE, 0, "x", 1, NULL, 0), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_handle_replace(p.a, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WRITE, &ro));
    EXPECT_STATUS(zx_channel_write_etc(ro, 0, "x", 1, NULL, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_TRUE(channel_empty(p.b));
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){ro, ev, p.b}, 3));
}

TEST(ChannelWriteEtcTest, NoHandles) {
    struct pair p = channel();
    ASSERT_OK(zx_channel_write_etc(p.a, 0, "plain", 5, NULL, 0));
    char buf[8] = {0};
    uint32_t nb, nh;
    ASSERT_OK(zx_channel_read(p.b, 0, buf, NULL, sizeof(buf), 0, &nb, &nh));
    EXPECT_STREQ(buf, "plain");
    close_pair(p);
}

#endif  // ZX_SYS_channel_write_etc
