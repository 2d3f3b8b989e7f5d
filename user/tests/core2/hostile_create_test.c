// Every syscall that creates a handle, given out pointers it cannot write: ZX_ERR_INVALID_ARGS,
// and nothing the call made survives it (no handle, no object, no memory). Each case runs many
// rounds inside a leak check, so one leaked object per call shows up.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/clock.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zircon/testonly-syscalls.h>

#include "leakcheck.h"
#include "util.h"
#include "zctest.h"

#define ROUNDS 8  // each leaked object shows: the live count must match exactly

// A page mapped read-only: writable by nobody.
static void *read_only_page(void) {
    static zx_vaddr_t addr;
    if (!addr) {
        zx_handle_t vmo;
        if (zx_vmo_create(PAGE, 0, &vmo) != ZX_OK)
            return NULL;
        zx_status_t st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addr);
        zx_handle_close(vmo);
        if (st != ZX_OK)
            return NULL;
    }
    return (void *)addr;
}

// Pointers no handle may be written to: NULL, the kernel image, an unmapped page, a page
// mapped read-only.
static void *bad_ptrs[4];
static size_t num_bad(void) {
    bad_ptrs[0] = NULL;
    bad_ptrs[1] = KERNEL_PTR;
    bad_ptrs[2] = UNMAPPED_PTR;
    bad_ptrs[3] = read_only_page();
    return bad_ptrs[3] ? 4 : 3;
}

// One creating call: `bad` is the out pointer to use for the handle (or for the second handle
// of a pair when `second` is set; the other out pointer is valid). Returns the call's status;
// on ZX_OK it closes what it got.
typedef zx_status_t (*create_fn)(void *bad, bool second);

static zx_handle_t good_out;  // a writable slot for the out pointer that is not under test

// The pair creators: whichever end's pointer is bad, neither end survives, and the value that
// may have been written to the good pointer is not a handle.
#define PAIR_FN(name, call)                                                          \
    static zx_status_t name(void *bad, bool second) {                                \
        good_out = ZX_HANDLE_INVALID;                                                \
        zx_handle_t *o0 = second ? &good_out : (zx_handle_t *)bad;                   \
        zx_handle_t *o1 = second ? (zx_handle_t *)bad : &good_out;                   \
        zx_status_t st = call;                                                       \
        if (st != ZX_OK && good_out != ZX_HANDLE_INVALID &&                          \
            zx_handle_close(good_out) != ZX_ERR_BAD_HANDLE)                          \
            return ZX_ERR_INTERNAL; /* a handle appeared although the call failed */ \
        return st;                                                                   \
    }
PAIR_FN(mk_channel, zx_channel_create(0, o0, o1))
PAIR_FN(mk_eventpair, zx_eventpair_create(0, o0, o1))
PAIR_FN(mk_socket, zx_socket_create(0, o0, o1))
PAIR_FN(mk_fifo, zx_fifo_create(16, 8, 0, o0, o1))

static zx_status_t mk_event(void *bad, bool s __attribute__((unused))) { return zx_event_create(0, bad); }
static zx_status_t mk_port(void *bad, bool s __attribute__((unused))) { return zx_port_create(0, bad); }
static zx_status_t mk_timer(void *bad, bool s __attribute__((unused))) { return zx_timer_create(0, ZX_CLOCK_MONOTONIC, bad); }
static zx_status_t mk_vmo(void *bad, bool s __attribute__((unused))) { return zx_vmo_create(PAGE, 0, bad); }
static zx_status_t mk_job(void *bad, bool s __attribute__((unused))) { return zx_job_create(zx_job_default(), 0, bad); }
static zx_status_t mk_debuglog(void *bad, bool s __attribute__((unused))) { return zx_debuglog_create(ZX_HANDLE_INVALID, 0, bad); }
static zx_status_t mk_clock(void *bad, bool s __attribute__((unused))) { return zx_clock_create(0, NULL, bad); }
static zx_status_t mk_test_handle(void *bad, bool s __attribute__((unused))) { return zx_syscall_test_handle_create(ZX_OK, bad); }

static zx_status_t mk_process(void *bad, bool second) {
    zx_handle_t *p = second ? &good_out : bad, *v = second ? bad : &good_out;
    good_out = ZX_HANDLE_INVALID;
    zx_status_t st = zx_process_create(zx_job_default(), "hostile", 7, 0, p, v);
    if (st != ZX_OK && good_out != ZX_HANDLE_INVALID && zx_handle_close(good_out) != ZX_ERR_BAD_HANDLE)
        return ZX_ERR_INTERNAL;
    return st;
}

static zx_status_t mk_thread(void *bad, bool s __attribute__((unused))) { return zx_thread_create(zx_process_self(), "t", 1, 0, bad); }

static zx_handle_t vmo_under_test;
static zx_status_t mk_vmo_snapshot(void *bad, bool s __attribute__((unused))) {
    return zx_vmo_create_child(vmo_under_test, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, bad);
}
static zx_status_t mk_vmo_slice(void *bad, bool s __attribute__((unused))) {
    return zx_vmo_create_child(vmo_under_test, ZX_VMO_CHILD_SLICE, 0, PAGE, bad);
}
static zx_status_t mk_stream(void *bad, bool s __attribute__((unused))) { return zx_stream_create(ZX_STREAM_MODE_READ, vmo_under_test, 0, bad); }
static zx_status_t mk_duplicate(void *bad, bool s __attribute__((unused))) { return zx_handle_duplicate(vmo_under_test, ZX_RIGHT_SAME_RIGHTS, bad); }

static zx_status_t mk_vmar(void *bad, bool second) {
    zx_vaddr_t addr;
    zx_handle_t *h = second ? &good_out : bad;
    zx_vaddr_t *a = second ? bad : &addr;
    good_out = ZX_HANDLE_INVALID;
    zx_status_t st = zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ, 0, PAGE, h, a);
    if (st != ZX_OK && good_out != ZX_HANDLE_INVALID && zx_handle_close(good_out) != ZX_ERR_BAD_HANDLE)
        return ZX_ERR_INTERNAL;
    if (st == ZX_OK) {
        zx_vmar_destroy(good_out);
        zx_handle_close(good_out);
    }
    return st;
}

static zx_status_t mk_resource(void *bad, bool s __attribute__((unused))) {
    return zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, 0x10000000, PAGE, "r", 1, bad);
}

static zx_handle_t job_under_test;
static zx_status_t mk_exception_channel(void *bad, bool s __attribute__((unused))) {
    return zx_task_create_exception_channel(job_under_test, 0, bad);
}

static zx_status_t mk_get_child(void *bad, bool s __attribute__((unused))) {
    zx_koid_t koid = handle_koid(job_under_test);
    return zx_object_get_child(zx_job_default(), koid, ZX_RIGHT_SAME_RIGHTS, bad);
}

static void run_case(const char *name, create_fn fn, bool pair) {
    size_t nb = num_bad();  // maps the read-only page first: it stays
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    for (int sides = 0; sides < (pair ? 2 : 1); sides++) {
        for (size_t b = 0; b < nb; b++) {
            for (int r = 0; r < ROUNDS; r++) {
                zx_status_t st = fn(bad_ptrs[b], sides == 1);
                if (st != ZX_ERR_INVALID_ARGS) {
                    zctest_fail(__FILE__, __LINE__, "%s: out pointer %p (side %d): %d, expected ZX_ERR_INVALID_ARGS", name,
                                 bad_ptrs[b], sides, st);
                    return;
                }
            }
        }
    }
    zx_status_t st = leakcheck_end(&lc);
    if (st != ZX_OK)
        zctest_fail(__FILE__, __LINE__, "%s leaked", name);
}

struct create_case {
    const char *name;
    create_fn fn;
    bool pair;  // two out pointers: each is tried bad with the other good
};

static const struct create_case fresh_objects[] = {
    {"channel_create", mk_channel, true},
    {"eventpair_create", mk_eventpair, true},
    {"socket_create", mk_socket, true},
    {"fifo_create", mk_fifo, true},
    {"event_create", mk_event, false},
    {"port_create", mk_port, false},
    {"timer_create", mk_timer, false},
    {"vmo_create", mk_vmo, false},
    {"job_create", mk_job, false},
    {"debuglog_create", mk_debuglog, false},
    {"clock_create", mk_clock, false},
    {"syscall_test_handle_create", mk_test_handle, false},
    {"thread_create", mk_thread, false},
    {"resource_create", mk_resource, false},
};

TEST(HostileCreate, FreshObjectsLeaveNothing) {
    for (size_t i = 0; i < sizeof(fresh_objects) / sizeof(fresh_objects[0]); i++)
        run_case(fresh_objects[i].name, fresh_objects[i].fn, fresh_objects[i].pair);
}

TEST(HostileCreate, TasksAndRegionsLeaveNothing) {
    run_case("process_create", mk_process, true);
    run_case("vmar_allocate", mk_vmar, true);
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_under_test));
    run_case("task_create_exception_channel", mk_exception_channel, false);
    run_case("object_get_child", mk_get_child, false);
    zx_task_kill(job_under_test);
    zx_handle_close(job_under_test);
}

TEST(HostileCreate, ChildrenAndDuplicatesLeaveNothing) {
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo_under_test));
    uint32_t x = 1;
    ASSERT_OK(zx_vmo_write(vmo_under_test, &x, 0, sizeof(x)));
    run_case("vmo_create_child(SNAPSHOT)", mk_vmo_snapshot, false);
    run_case("vmo_create_child(SLICE)", mk_vmo_slice, false);
    run_case("stream_create", mk_stream, false);
    run_case("handle_duplicate", mk_duplicate, false);
    zx_handle_close(vmo_under_test);
}

// A process suspended through a token it never received is not left suspended.
TEST(HostileCreate, SuspendTokenNeverReceivedResumesTheTask) {
    size_t nb = num_bad();
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_COUNT, sizeof(MINI_COUNT)));
    for (size_t b = 0; b < nb; b++)
        EXPECT_STATUS(zx_task_suspend(m.thread, bad_ptrs[b]), ZX_ERR_INVALID_ARGS);
    // Still counting: not suspended.
    uint64_t c0 = mini_read_u64(&m, 0);
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 0) == c0 && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    EXPECT_NE(mini_read_u64(&m, 0), c0);
    mini_destroy(&m);
    EXPECT_OK(leakcheck_end(&lc));
}

// A message whose handles cannot be written out stays in the channel, whole.
TEST(HostileCreate, ChannelReadWithUnwritableHandlesKeepsTheMessage) {
    size_t nb = num_bad();
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    zx_handle_t a, b, ev;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_channel_write(a, 0, "x", 1, &ev, 1));
    char byte;
    uint32_t ab, ah;
    for (size_t i = 0; i < nb; i++) {
        for (int r = 0; r < ROUNDS; r++)
            EXPECT_STATUS(zx_channel_read(b, 0, &byte, bad_ptrs[i], 1, 1, &ab, &ah), ZX_ERR_INVALID_ARGS);
    }
    zx_handle_t got;
    EXPECT_OK(zx_channel_read(b, 0, &byte, &got, 1, 1, &ab, &ah));
    EXPECT_EQ(handle_type(got), ZX_OBJ_TYPE_EVENT);
    zx_handle_close(got);
    zx_handle_close(a);
    zx_handle_close(b);
    EXPECT_OK(leakcheck_end(&lc));
}

// zx_job_set_critical on a process that is already dead: ZX_OK, as Zircon (its reference page
// lists no error for it, and its kernel accepts it), with no effect and nothing leaked.
TEST(HostileCreate, SetCriticalOnDeadProcessLeavesNothing) {
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    for (int r = 0; r < ROUNDS; r++) {
        zx_handle_t job, proc, vmar;
        ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
        ASSERT_OK(zx_process_create(job, "dead", 4, 0, &proc, &vmar));
        zx_handle_close(vmar);
        ASSERT_OK(zx_task_kill(proc));
        EXPECT_OK(zx_job_set_critical(job, 0, proc));
        EXPECT_STATUS(zx_job_set_critical(job, 0, proc), ZX_ERR_ALREADY_BOUND);
        // The job lives on: the binding never fires.
        EXPECT_EQ(signals_now(job) & ZX_TASK_TERMINATED, 0u);
        zx_handle_close(proc);
        // ... and a dead job too.
        ASSERT_OK(zx_process_create(job, "dead2", 5, 0, &proc, &vmar));
        zx_handle_close(vmar);
        ASSERT_OK(zx_task_kill(job));
        EXPECT_OK(zx_job_set_critical(job, 0, proc));
        zx_handle_close(proc);
        zx_handle_close(job);
    }
    EXPECT_OK(leakcheck_end(&lc));
}

// zx_handle_replace consumes its handle even when the new one cannot be written out: the old
// handle is gone, no new one appears, and the object dies with its last handle.
TEST(HostileCreate, HandleReplaceWithUnwritableOutConsumesTheHandle) {
    size_t nb = num_bad();
    struct leakcheck lc;
    ASSERT_OK(leakcheck_begin(&lc));
    for (size_t b = 0; b < nb; b++) {
        for (int r = 0; r < ROUNDS; r++) {
            zx_handle_t ev;
            ASSERT_OK(zx_event_create(0, &ev));
            EXPECT_STATUS(zx_handle_replace(ev, ZX_RIGHT_SAME_RIGHTS, bad_ptrs[b]), ZX_ERR_INVALID_ARGS);
            EXPECT_STATUS(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
        }
    }
    EXPECT_OK(leakcheck_end(&lc));
}
