// The kernel debuglog: zx_debuglog_create (write-only and readable), zx_debuglog_write and
// zx_debuglog_read records (Zircon's DebugLogTest).
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/log.h>
#include <zircon/syscalls/resource.h>

#include "util.h"
#include "zctest.h"

TEST(DebugLogTest, CreateWriteOnly) {
    zx_handle_t log;
    ASSERT_OK(zx_debuglog_create(root_resource(), 0, &log));
    EXPECT_EQ(handle_type(log), ZX_OBJ_TYPE_LOG);
    // "If options is set to 0, the returned handle will have the ZX_RIGHT_WRITE right".
    zx_rights_t r = handle_rights(log);
    EXPECT_EQ(r & ZX_RIGHT_WRITE, ZX_RIGHT_WRITE);
    EXPECT_EQ(r & ZX_RIGHT_READ, 0);
    EXPECT_OK(zx_debuglog_write(log, 0, "core-tests-2: debuglog write", 28));
    zx_handle_close(log);
}

// Reading needs a readable log: a write-only handle lacks ZX_RIGHT_READ.
TEST(DebugLogTest, ReadNeedsReadableLog) {
    zx_handle_t log;
    ASSERT_OK(zx_debuglog_create(root_resource(), 0, &log));
    char buf[ZX_LOG_RECORD_MAX];
    // "ZX_ERR_ACCESS_DENIED handle does not have ZX_RIGHT_READ."
    EXPECT_STATUS(zx_debuglog_read(log, 0, buf, sizeof(buf)), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(log);
    // Our own stdout log (from the launcher) is write-only too.
    zx_handle_t out = zc_get_handle(ZC_HND_DEBUGLOG);
    if (out != ZX_HANDLE_INVALID)
        EXPECT_STATUS(zx_debuglog_read(out, 0, buf, sizeof(buf)), ZX_ERR_ACCESS_DENIED);
}

TEST(DebugLogTest, ReadableLogReturnsOurRecord) {
    zx_handle_t log;
    ASSERT_OK(zx_debuglog_create(root_resource(), ZX_LOG_FLAG_READABLE, &log));
    EXPECT_EQ(handle_rights(log) & (ZX_RIGHT_READ | ZX_RIGHT_WRITE),
              ZX_RIGHT_READ | ZX_RIGHT_WRITE);
    static const char marker[] = "core-tests-2 debuglog marker 7f3a";
    ASSERT_OK(zx_debuglog_write(log, 0, marker, sizeof(marker) - 1));
    static uint8_t buf[ZX_LOG_RECORD_MAX];
    bool found = false;
    uint64_t last_seq = 0;
    bool have_seq = false;
    for (int i = 0; i < 5000 && !found; i++) {
        zx_status_t n = zx_debuglog_read(log, 0, buf, sizeof(buf));
        if (n == ZX_ERR_SHOULD_WAIT)
            break;
        ASSERT_GT(n, 0);  // the record's size
        zx_log_record_t *rec = (zx_log_record_t *)buf;
        ASSERT_LE((size_t)n, sizeof(buf));
        EXPECT_EQ((size_t)n, sizeof(zx_log_record_t) + rec->datalen);
        // Sequence numbers grow.
        if (have_seq)
            EXPECT_GT(rec->sequence, last_seq);
        last_seq = rec->sequence;
        have_seq = true;
        if (rec->datalen == sizeof(marker) - 1 && memcmp(rec->data, marker, rec->datalen) == 0) {
            found = true;
            EXPECT_EQ(rec->pid, handle_koid(zx_process_self()));
            EXPECT_EQ(rec->tid, handle_koid(zx_thread_self()));
            EXPECT_EQ(rec->severity, ZX_LOG_INFO);
            EXPECT_GT(rec->timestamp, 0);
            EXPECT_LE(rec->timestamp, zx_clock_get_monotonic());
        }
    }
    EXPECT_TRUE(found);
    zx_handle_close(log);
}

TEST(DebugLogTest, ReadTruncatesToBuffer) {
    zx_handle_t log;
    ASSERT_OK(zx_debuglog_create(root_resource(), ZX_LOG_FLAG_READABLE, &log));
    ASSERT_OK(zx_debuglog_write(log, 0, "a record longer than the buffer", 31));
    uint8_t small[sizeof(zx_log_record_t) + 4];
    // "If buffer_size is smaller than the size of the log record, the first buffer_size bytes
    // of the record will be written to the buffer, and the rest discarded."
    zx_status_t n = zx_debuglog_read(log, 0, small, sizeof(small));
    EXPECT_GT(n, 0);
    EXPECT_LE(n, (zx_status_t)sizeof(small));
    zx_handle_close(log);
}

TEST(DebugLogTest, CreateErrors) {
    zx_handle_t log;
    // "ZX_ERR_INVALID_ARGS options contained a value not understood by the kernel".
    EXPECT_STATUS(zx_debuglog_create(root_resource(), 0x1234, &log), ZX_ERR_INVALID_ARGS);
    // "ZX_ERR_WRONG_TYPE resource was not of the kind ZX_RSRC_KIND_ROOT."
    zx_handle_t mmio;
    ASSERT_OK(
        zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, 0x10000000, PAGE, "m", 1, &mmio));
    EXPECT_STATUS(zx_debuglog_create(mmio, ZX_LOG_FLAG_READABLE, &log), ZX_ERR_WRONG_TYPE);
    zx_handle_close(mmio);
    EXPECT_STATUS(zx_debuglog_create(root_resource(), 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_debuglog_create(root_resource(), 0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
}

// Without a resource only a write-only log may be made; for anything else the missing
// resource is reported first (ZX_ERR_BAD_HANDLE), before the options are looked at.
TEST(DebugLogTest, NoResourceOnlyWriteOnly) {
    zx_handle_t log;
    ASSERT_OK(zx_debuglog_create(ZX_HANDLE_INVALID, 0, &log));
    zx_handle_close(log);
    EXPECT_STATUS(zx_debuglog_create(ZX_HANDLE_INVALID, ZX_LOG_FLAG_READABLE, &log),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_debuglog_create(ZX_HANDLE_INVALID, 0x1234, &log), ZX_ERR_BAD_HANDLE);
}

TEST(DebugLogTest, WriteErrors) {
    zx_handle_t log, ev;
    ASSERT_OK(zx_debuglog_create(root_resource(), 0, &log));
    ASSERT_OK(zx_event_create(0, &ev));
    // "*options* must be set to 0"; an unknown high bit is certainly invalid.
    EXPECT_STATUS(zx_debuglog_write(log, 0x80000000u, "x", 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_debuglog_write(log, 0, KERNEL_PTR, 8), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_debuglog_write(log, 0, UNMAPPED_PTR, 8), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_debuglog_write(BOGUS_HANDLE, 0, "x", 1), ZX_ERR_BAD_HANDLE);
    // A VMO has ZX_RIGHT_WRITE: only the type is wrong.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_debuglog_write(vmo, 0, "x", 1), ZX_ERR_WRONG_TYPE);
    zx_handle_close(vmo);
    zx_handle_t no_write = dup_rights(log, ZX_DEFAULT_LOG_RIGHTS & ~ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_debuglog_write(no_write, 0, "x", 1), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(no_write);
    zx_handle_close(ev);
    zx_handle_close(log);
}

TEST(DebugLogTest, LongWriteIsTruncatedNotRejected) {
    zx_handle_t log;
    ASSERT_OK(zx_debuglog_create(root_resource(), 0, &log));
    static char big[1024];
    memset(big, 'L', sizeof(big));
    // "buffer will be truncated to some size less than ZX_LOG_RECORD_MAX".
    EXPECT_OK(zx_debuglog_write(log, 0, big, sizeof(big)));
    zx_handle_close(log);
}

TEST(DebugLogTest, ReadOptionsMustBeZero) {
    zx_handle_t log;
    ASSERT_OK(zx_debuglog_create(root_resource(), ZX_LOG_FLAG_READABLE, &log));
    char buf[ZX_LOG_RECORD_MAX];
    EXPECT_STATUS(zx_debuglog_read(log, 1, buf, sizeof(buf)), ZX_ERR_INVALID_ARGS);
    zx_handle_close(log);
}
