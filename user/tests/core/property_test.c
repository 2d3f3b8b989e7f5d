// zx_object_get_property / zx_object_set_property: ZX_PROP_NAME on VMOs, processes and threads,
// ZX_PROP_VMO_CONTENT_SIZE, ZX_PROP_PROCESS_VDSO_BASE_ADDRESS, ZX_PROP_REGISTER_FS/GS, and the
// error paths.
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

TEST(Property, JobKillOnOom) {
    zx_handle_t job, vmo;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    size_t v = 7;
    EXPECT_OK(zx_object_get_property(job, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v)));
    EXPECT_EQ(v, 0);
    v = 1;
    EXPECT_OK(zx_object_set_property(job, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v)));
    v = 0;
    EXPECT_OK(zx_object_get_property(job, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v)));
    EXPECT_EQ(v, 1);
    // Only 0 and 1 mean something.
    v = 2;
    EXPECT_STATUS(zx_object_set_property(job, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v)),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_set_property(job, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v) - 1),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v)),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_object_set_property(vmo, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v)),
                  ZX_ERR_WRONG_TYPE);
    v = 0;
    EXPECT_OK(zx_object_get_property(job, ZX_PROP_JOB_KILL_ON_OOM, &v, sizeof(v)));
    EXPECT_EQ(v, 1);
    zx_task_kill(job);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){job, vmo}, 2));
}

// ZX_PROP_REGISTER_FS: user TLS. A second thread points its FS base at a block and reads the
// block's first word through %fs.
struct fs_probe {
    uint64_t magic;        // what %fs:0 must read
    struct core_thread *self;  // zx_thread_self() is the main thread's handle here
    uint64_t seen;
    zx_status_t set_st, bad_st;
};

static void fs_thread(void *arg) {
    struct fs_probe *p = arg;
    uintptr_t base = (uintptr_t)p;
    zx_handle_t me = p->self->handle;
    p->set_st = zx_object_set_property(me, ZX_PROP_REGISTER_FS, &base, sizeof(base));
    uint64_t v = 0;
    if (p->set_st == ZX_OK)
        __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    p->seen = v;
    uintptr_t kernel = (uintptr_t)KERNEL_PTR;
    p->bad_st = zx_object_set_property(me, ZX_PROP_REGISTER_FS, &kernel, sizeof(kernel));
}

TEST(Property, RegisterFs) {
    struct core_thread t;
    struct fs_probe probe = {.magic = 0x1234567887654321ull, .self = &t};
    ASSERT_OK(core_thread_start(&t, "fs", fs_thread, &probe));
    ASSERT_OK(core_thread_join(&t));
    EXPECT_OK(probe.set_st);
    EXPECT_EQ(probe.seen, probe.magic);
    EXPECT_STATUS(probe.bad_st, ZX_ERR_INVALID_ARGS);
}

// ZX_PROP_REGISTER_GS: two threads, each with its own GS base (its own block), read %gs:0
// after the ways into the kernel and back: a syscall that returns at once (the fast path), one
// that blocks (the other thread runs meanwhile, with its own base), and a page fault on a fresh
// page. The kernel's own GS base (per-CPU state) is swapped in and out on each of them.
#define GS_ROUNDS 8
struct gs_probe {
    uint64_t magic;
    struct core_thread *self;
    volatile uint8_t *page;  // a fresh page per round: each first touch is a page fault
    zx_status_t set_st, bad_st;
    unsigned good;  // reads of %gs:0 that gave magic
};

static uint64_t read_gs0(void) {
    uint64_t v;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    return v;
}

static void gs_thread(void *arg) {
    struct gs_probe *p = arg;
    uintptr_t base = (uintptr_t)p;
    zx_handle_t me = p->self->handle;
    p->set_st = zx_object_set_property(me, ZX_PROP_REGISTER_GS, &base, sizeof(base));
    if (p->set_st != ZX_OK) return;
    for (unsigned i = 0; i < GS_ROUNDS; i++) {
        p->good += read_gs0() == p->magic;
        zx_handle_close(ZX_HANDLE_INVALID);
        p->good += read_gs0() == p->magic;
        zx_nanosleep(zx_deadline_after(ZX_USEC(200)));
        p->good += read_gs0() == p->magic;
        p->page[i * PAGE] = 1;
        p->good += read_gs0() == p->magic;
    }
    uintptr_t kernel = (uintptr_t)KERNEL_PTR;
    p->bad_st = zx_object_set_property(me, ZX_PROP_REGISTER_GS, &kernel, sizeof(kernel));
}

TEST(Property, RegisterGs) {
    struct core_thread t[2];
    struct gs_probe probe[2];
    zx_handle_t vmo;
    uintptr_t addr;
    ASSERT_OK(zx_vmo_create(2 * GS_ROUNDS * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          2 * GS_ROUNDS * PAGE, &addr));
    for (int i = 0; i < 2; i++) {
        probe[i] = (struct gs_probe){.magic = 0x6a5b000000000000ull + (uint64_t)i, .self = &t[i],
                                     .page = (volatile uint8_t *)addr + i * GS_ROUNDS * PAGE};
        ASSERT_OK(core_thread_start(&t[i], "gs", gs_thread, &probe[i]));
    }
    for (int i = 0; i < 2; i++) {
        ASSERT_OK(core_thread_join(&t[i]));
        EXPECT_OK(probe[i].set_st);
        EXPECT_EQ(probe[i].good, 4 * GS_ROUNDS);
        EXPECT_STATUS(probe[i].bad_st, ZX_ERR_INVALID_ARGS);
    }
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * GS_ROUNDS * PAGE));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(Property, RegisterFsErrors) {
    zx_handle_t vmo, proc, vmar, other;
    uintptr_t base = 0x10000;
    ASSERT_OK(zx_vmo_create(16, 0, &vmo));
    static const char name[] = "fs-other";
    ASSERT_OK(zx_process_create(zx_job_default(), name, sizeof(name) - 1, 0, &proc, &vmar));
    ASSERT_OK(zx_thread_create(proc, "t", 1, 0, &other));
    EXPECT_STATUS(zx_object_set_property(vmo, ZX_PROP_REGISTER_FS, &base, sizeof(base)),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_object_set_property(zx_thread_self(), ZX_PROP_REGISTER_FS, &base, 4),
                  ZX_ERR_BUFFER_TOO_SMALL);
    // Only the calling thread may change its own.
    EXPECT_STATUS(zx_object_set_property(other, ZX_PROP_REGISTER_FS, &base, sizeof(base)),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close_many((zx_handle_t[]){other, vmar, proc, vmo}, 4));
}
