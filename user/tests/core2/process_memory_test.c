// zx_process_read_memory / zx_process_write_memory on other processes.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

TEST(ProcessMemoryTest, WriteThenRead) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    const char msg[] = "written from outside";
    size_t actual = 0;
    EXPECT_OK(zx_process_write_memory(m.proc, m.data_addr + 100, msg, sizeof(msg), &actual));
    EXPECT_EQ(actual, sizeof(msg));
    char back[sizeof(msg)] = {0};
    EXPECT_OK(zx_process_read_memory(m.proc, m.data_addr + 100, back, sizeof(back), &actual));
    EXPECT_EQ(actual, sizeof(msg));
    EXPECT_STREQ(back, msg);
    // The code page can be read too: it holds the program.
    uint8_t code[2];
    EXPECT_OK(zx_process_read_memory(m.proc, m.code_addr, code, 2, &actual));
    EXPECT_EQ(memcmp(code, MINI_SPIN, 2), 0);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, WriteChangesWhatChildDoes) {
    // The child spins until the flag at its stack top is nonzero, then executes ud2.
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_WAIT_FLAG_UD2, sizeof(MINI_WAIT_FLAG_UD2)));
    sleep_ms(5);
    EXPECT_EQ(signals_now(m.proc) & ZX_PROCESS_TERMINATED, 0);
    uint64_t one = 1;
    size_t actual;
    EXPECT_OK(zx_process_write_memory(m.proc, m.data_addr + PAGE / 2, &one, sizeof(one), &actual));
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    zx_info_process_t info;
    ASSERT_OK(zx_object_get_info(m.proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_EXCEPTION_KILL);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, PartialAtEndOfMapping) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    // The data page is a single page; reading 64 bytes from 16 before its end gives 16 (when
    // nothing is mapped right after it) - the mini process maps only two pages.
    uint8_t buf[64];
    size_t actual = 0;
    zx_status_t st =
        zx_process_read_memory(m.proc, m.data_addr + PAGE - 16, buf, sizeof(buf), &actual);
    EXPECT_OK(st);
    if (m.data_addr + PAGE != m.code_addr)
        EXPECT_EQ(actual, 16);
    else
        EXPECT_EQ(actual, 64);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, UnmappedAddressNoMemory) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    uint8_t buf[8];
    size_t actual;
    // "ZX_ERR_NO_MEMORY the process does not have any memory at the requested address."
    EXPECT_STATUS(zx_process_read_memory(m.proc, 0x1000, buf, sizeof(buf), &actual),
                  ZX_ERR_NO_MEMORY);
    EXPECT_STATUS(zx_process_write_memory(m.proc, 0x1000, buf, sizeof(buf), &actual),
                  ZX_ERR_NO_MEMORY);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, SizeErrors) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    uint8_t buf[8];
    size_t actual;
    // "buffer_size must be greater than zero and less than or equal to 64MB."
    EXPECT_STATUS(zx_process_read_memory(m.proc, m.data_addr, buf, 0, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_write_memory(m.proc, m.data_addr, buf, 0, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_read_memory(m.proc, m.data_addr, buf, (64u << 20) + 1, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_write_memory(m.proc, m.data_addr, buf, SIZE_MAX, &actual),
                  ZX_ERR_INVALID_ARGS);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, BufferErrors) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    size_t actual;
    // "ZX_ERR_INVALID_ARGS buffer is an invalid pointer or NULL".
    EXPECT_STATUS(zx_process_read_memory(m.proc, m.data_addr, NULL, 8, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_read_memory(m.proc, m.data_addr, KERNEL_PTR, 8, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_read_memory(m.proc, m.data_addr, UNMAPPED_PTR, 8, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_write_memory(m.proc, m.data_addr, NULL, 8, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_write_memory(m.proc, m.data_addr, KERNEL_PTR, 8, &actual),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_process_write_memory(m.proc, m.data_addr, UNMAPPED_PTR, 8, &actual),
                  ZX_ERR_INVALID_ARGS);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, RightsAndTypes) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    uint8_t buf[8];
    size_t actual;
    // Reading needs READ and WRITE ("ZX_WRITE_RIGHT is needed for historical reasons").
    zx_handle_t ro = dup_rights(m.proc, ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_WRITE);
    zx_handle_t wo = dup_rights(m.proc, ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_READ);
    EXPECT_STATUS(zx_process_read_memory(ro, m.data_addr, buf, 8, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_process_read_memory(wo, m.data_addr, buf, 8, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_process_write_memory(ro, m.data_addr, buf, 8, &actual), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_process_write_memory(wo, m.data_addr, buf, 8, &actual));
    zx_handle_close(ro);
    zx_handle_close(wo);
    EXPECT_STATUS(zx_process_read_memory(m.thread, m.data_addr, buf, 8, &actual),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_process_read_memory(BOGUS_HANDLE, m.data_addr, buf, 8, &actual),
                  ZX_ERR_BAD_HANDLE);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, DeadProcessBadState) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(zx_task_kill(m.proc));
    ASSERT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    uint8_t buf[8];
    size_t actual;
    // "ZX_ERR_BAD_STATE the process's memory is not accessible (e.g., the process is being
    // terminated)".
    EXPECT_STATUS(zx_process_read_memory(m.proc, m.data_addr, buf, 8, &actual), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_process_write_memory(m.proc, m.data_addr, buf, 8, &actual), ZX_ERR_BAD_STATE);
    mini_destroy(&m);
}

TEST(ProcessMemoryTest, UnstartedProcess) {
    struct mini m;
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    uint64_t v = 0x77, back = 0;
    size_t actual;
    EXPECT_OK(zx_process_write_memory(m.proc, m.data_addr, &v, sizeof(v), &actual));
    EXPECT_OK(zx_process_read_memory(m.proc, m.data_addr, &back, sizeof(back), &actual));
    EXPECT_EQ(back, 0x77);
    mini_destroy(&m);
}

// "ZX_ERR_ACCESS_DENIED ... the address range to write falls into a protected area like the
// vDSO."
TEST(ProcessMemoryTest, WriteIntoVdsoDenied) {
    zx_handle_t proc;
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, "sleep", NULL, ZX_HANDLE_INVALID, &proc));
    uintptr_t vdso = 0;
    EXPECT_OK(zx_object_get_property(proc, ZX_PROP_PROCESS_VDSO_BASE_ADDRESS, &vdso, sizeof(vdso)));
    EXPECT_NE(vdso, 0);
    if (vdso != 0) {
        uint8_t orig[4] = {0};
        size_t actual = 0;
        EXPECT_OK(zx_process_read_memory(proc, vdso, orig, sizeof(orig), &actual));
        EXPECT_EQ(memcmp(orig, "\177ELF", 4), 0);
        // Write the bytes that are already there: if the kernel wrongly allows it, the shared
        // vDSO image (mapped into every process) stays intact for the rest of the suite.
        EXPECT_STATUS(zx_process_write_memory(proc, vdso, orig, sizeof(orig), &actual),
                      ZX_ERR_ACCESS_DENIED);
        uint8_t now[4] = {0};
        EXPECT_OK(zx_process_read_memory(proc, vdso, now, sizeof(now), &actual));
        EXPECT_EQ(memcmp(now, orig, 4), 0);
    }
    zx_task_kill(proc);
    wait_signals(proc, ZX_PROCESS_TERMINATED);
    zx_handle_close(proc);
}

TEST(ProcessMemoryTest, ReadOwnProcess) {
    static const char here[] = "in our own address space";
    char buf[sizeof(here)] = {0};
    size_t actual = 0;
    EXPECT_OK(
        zx_process_read_memory(zx_process_self(), (uintptr_t)here, buf, sizeof(buf), &actual));
    EXPECT_EQ(actual, sizeof(here));
    EXPECT_STREQ(buf, here);
}
