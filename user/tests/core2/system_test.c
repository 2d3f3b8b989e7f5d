// System calls outside the object families: zx_cache_flush, zx_system_get_features (vDSO-only),
// scheduler profiles and CPU performance info.
#include <stdint.h>
#include <string.h>
#include <zircon/features.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZC_VDSO_IDX_cache_flush)
TEST(CacheTest, FlushOptions) {
    static uint8_t buf[256];
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_INSN));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_DATA));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INSN));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INVALIDATE));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf),
                             ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INSN | ZX_CACHE_FLUSH_INVALIDATE));
    // "ZX_ERR_INVALID_ARGS options is invalid."
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_INVALIDATE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_INSN | ZX_CACHE_FLUSH_INVALIDATE),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), 1u << 3), ZX_ERR_INVALID_ARGS);
}
#endif

#if defined(ZC_VDSO_IDX_system_get_features)
TEST(SystemFeatures, Kinds) {
    uint32_t f = 0xdeadbeef;
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_CPU, &f));
    EXPECT_EQ(f & ZX_HAS_CPU_FEATURES, ZX_HAS_CPU_FEATURES);
    f = 0xdeadbeef;
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_VM, &f));
    EXPECT_EQ(f & ZX_VM_FEATURE_CAN_MAP_XOM, 0);  // x86 has no execute-only mappings
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_HW_BREAKPOINT_COUNT, &f));
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_HW_WATCHPOINT_COUNT, &f));
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_ADDRESS_TAGGING, &f));
    // "ZX_ERR_NOT_SUPPORTED The requested feature kind is not available on this platform."
    EXPECT_STATUS(zx_system_get_features(77, &f), ZX_ERR_NOT_SUPPORTED);
}
#endif

// ---- scheduler profiles and CPU performance info: both want a ZX_RSRC_KIND_SYSTEM resource ----

#include <zircon/syscalls/profile.h>
#include <zircon/syscalls/resource.h>
#include <zircon/syscalls/system.h>

static zx_handle_t system_resource(uint64_t base) {
    zx_handle_t r = ZX_HANDLE_INVALID;
    zx_resource_create(root_resource(), ZX_RSRC_KIND_SYSTEM, base, 1, "sys", 3, &r);
    return r;
}

// The resource checks shared by every call here: BAD_HANDLE, WRONG_TYPE for another kind (or
// another object), OUT_OF_RANGE for another system range.
static void expect_resource_checks(zx_status_t (*call)(zx_handle_t rsrc), uint64_t other_base) {
    zx_handle_t mmio = ZX_HANDLE_INVALID, other = system_resource(other_base), ev;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, 0x20000000, PAGE, "m", 1, &mmio));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(call(ZX_HANDLE_INVALID), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(call(mmio), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(call(ev), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(call(other), ZX_ERR_OUT_OF_RANGE);
    zx_handle_close_many((zx_handle_t[]){mmio, other, ev}, 3);
}

#if defined(ZX_SYS_profile_create) && defined(ZX_SYS_object_set_profile)
static zx_status_t make_profile(zx_handle_t rsrc, uint32_t flags, int32_t priority, zx_handle_t *out) {
    zx_profile_info_t info;
    memset(&info, 0, sizeof(info));
    info.flags = flags;
    info.priority = priority;
    return zx_profile_create(rsrc, 0, &info, out);
}

static zx_status_t profile_with(zx_handle_t rsrc) {
    zx_handle_t p = ZX_HANDLE_INVALID;
    zx_status_t st = make_profile(rsrc, ZX_PROFILE_INFO_FLAG_PRIORITY, ZX_PRIORITY_DEFAULT, &p);
    zx_handle_close(p);
    return st;
}

TEST(ProfileTest, CreateAndApply) {
    zx_handle_t rsrc = system_resource(ZX_RSRC_SYSTEM_PROFILE_BASE), p;
    ASSERT_OK(make_profile(rsrc, ZX_PROFILE_INFO_FLAG_PRIORITY, ZX_PRIORITY_HIGH, &p));
    EXPECT_EQ(handle_type(p), ZX_OBJ_TYPE_PROFILE);
    EXPECT_EQ(handle_rights(p), ZX_DEFAULT_PROFILE_RIGHTS);
    EXPECT_OK(zx_object_set_profile(zx_thread_self(), p, 0));
    zx_handle_close_many((zx_handle_t[]){p, rsrc}, 2);
}

TEST(ProfileTest, CreateErrors) {
    expect_resource_checks(profile_with, ZX_RSRC_SYSTEM_CPU_BASE);
    zx_handle_t rsrc = system_resource(ZX_RSRC_SYSTEM_PROFILE_BASE), p = ZX_HANDLE_INVALID;
    zx_profile_info_t info;
    memset(&info, 0, sizeof(info));
    info.flags = ZX_PROFILE_INFO_FLAG_PRIORITY;
    // "options was not zero", "flags contains an unknown option", "priority was an invalid
    // priority", "profile or out was an invalid pointer".
    EXPECT_STATUS(zx_profile_create(rsrc, 1, &info, &p), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(make_profile(rsrc, 1u << 20, 0, &p), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(make_profile(rsrc, ZX_PROFILE_INFO_FLAG_PRIORITY, ZX_PRIORITY_HIGHEST + 1, &p),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(make_profile(rsrc, ZX_PROFILE_INFO_FLAG_PRIORITY, -1, &p), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        make_profile(rsrc, ZX_PROFILE_INFO_FLAG_PRIORITY | ZX_PROFILE_INFO_FLAG_DEADLINE, 0, &p),
        ZX_ERR_INVALID_ARGS);
    info.flags = ZX_PROFILE_INFO_FLAG_DEADLINE;
    info.deadline_params = (zx_sched_deadline_params_t){ZX_MSEC(2), ZX_MSEC(1), ZX_MSEC(10)};
    EXPECT_STATUS(zx_profile_create(rsrc, 0, &info, &p), ZX_ERR_INVALID_ARGS);
    info.deadline_params = (zx_sched_deadline_params_t){ZX_MSEC(1), ZX_MSEC(2), ZX_MSEC(10)};
    EXPECT_OK(zx_profile_create(rsrc, 0, &info, &p));
    zx_handle_close(p);
    p = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_profile_create(rsrc, 0, NULL, &p), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_profile_create(rsrc, 0, &info, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(p, ZX_HANDLE_INVALID);
    zx_handle_close(rsrc);
}

static void nothing(void *arg) { (void)arg; }

TEST(ProfileTest, SetProfileErrors) {
    zx_handle_t rsrc = system_resource(ZX_RSRC_SYSTEM_PROFILE_BASE), p, ev;
    ASSERT_OK(make_profile(rsrc, ZX_PROFILE_INFO_FLAG_PRIORITY, ZX_PRIORITY_LOW, &p));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_handle_t weak_thread = dup_rights(zx_thread_self(), ZX_RIGHT_DUPLICATE);
    zx_handle_t weak_profile = dup_rights(p, ZX_RIGHT_DUPLICATE);
    EXPECT_STATUS(zx_object_set_profile(BOGUS_HANDLE, p, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_set_profile(ev, p, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_object_set_profile(weak_thread, p, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_set_profile(zx_thread_self(), ev, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_object_set_profile(zx_thread_self(), weak_profile, 0), ZX_ERR_ACCESS_DENIED);
    // "The thread is ... dying, or dead".
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "short", nothing, NULL));
    ASSERT_TRUE(wait_signals(t.handle, ZX_THREAD_TERMINATED));
    EXPECT_STATUS(zx_object_set_profile(t.handle, p, 0), ZX_ERR_BAD_STATE);
    ASSERT_OK(tthread_join(&t));
    zx_handle_close_many((zx_handle_t[]){p, ev, weak_thread, weak_profile, rsrc}, 5);
}
#endif

#if defined(ZX_SYS_system_get_performance_info) && defined(ZX_SYS_system_set_performance_info)
#define MAX_CPUS 8  // the most zc brings up (hal.h: HAL_MAX_CPUS)

static zx_status_t get_perf(zx_handle_t rsrc) {
    zx_cpu_performance_info_t info[MAX_CPUS];
    size_t n;
    return zx_system_get_performance_info(rsrc, ZX_CPU_PERF_SCALE, zx_system_get_num_cpus(), info, &n);
}

static zx_status_t set_perf(zx_handle_t rsrc) {
    zx_cpu_performance_info_t info = {0, {1, 0}};
    return zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, &info, 1);
}

// The CPUs online: 1 unless the harness boots with SMP=N (bin/smp-check checks the exact count).
TEST(SystemCpu, NumCpus) {
    uint32_t cpus = zx_system_get_num_cpus();
    EXPECT_GE(cpus, 1u);
    EXPECT_LE(cpus, (uint32_t)MAX_CPUS);
}

TEST(SystemCpu, GetAndSetPerformanceInfo) {
    zx_handle_t rsrc = system_resource(ZX_RSRC_SYSTEM_CPU_BASE);
    uint32_t cpus = zx_system_get_num_cpus();
    ASSERT_LE(cpus, (uint32_t)MAX_CPUS);
    zx_cpu_performance_info_t info[MAX_CPUS];
    size_t n = 0;
    ASSERT_OK(zx_system_get_performance_info(rsrc, ZX_CPU_DEFAULT_PERF_SCALE, cpus, info, &n));
    EXPECT_EQ(n, cpus);
    for (uint32_t i = 0; i < cpus; i++) {
        EXPECT_EQ(info[i].logical_cpu_number, i);
        EXPECT_EQ(info[i].performance_scale.integral_part, 1);
    }
    // Set CPU 0 only (and the last CPU too when there are several): the others keep theirs.
    zx_cpu_performance_info_t half[2] = {{0, {0, 1u << 31}}, {cpus - 1, {0, 1u << 30}}};
    ASSERT_OK(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, half, cpus > 1 ? 2 : 1));
    ASSERT_OK(zx_system_get_performance_info(rsrc, ZX_CPU_PERF_SCALE, cpus, info, &n));
    EXPECT_EQ(info[0].performance_scale.integral_part, 0);
    EXPECT_EQ(info[0].performance_scale.fractional_part, 1u << 31);
    for (uint32_t i = 1; i + 1 < cpus; i++) EXPECT_EQ(info[i].performance_scale.integral_part, 1);
    if (cpus > 1) EXPECT_EQ(info[cpus - 1].performance_scale.fractional_part, 1u << 30);
    ASSERT_OK(zx_system_get_performance_info(rsrc, ZX_CPU_DEFAULT_PERF_SCALE, cpus, info, &n));
    EXPECT_EQ(info[0].performance_scale.integral_part, 1);
    zx_cpu_performance_info_t one[2] = {{0, {1, 0}}, {cpus - 1, {1, 0}}};
    EXPECT_OK(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, one, cpus > 1 ? 2 : 1));
    zx_handle_close(rsrc);
}

TEST(SystemCpu, PerformanceInfoErrors) {
    expect_resource_checks(get_perf, ZX_RSRC_SYSTEM_INFO_BASE);
    expect_resource_checks(set_perf, ZX_RSRC_SYSTEM_INFO_BASE);
    zx_handle_t rsrc = system_resource(ZX_RSRC_SYSTEM_CPU_BASE);
    uint32_t cpus = zx_system_get_num_cpus();
    ASSERT_LE(cpus, (uint32_t)MAX_CPUS);
    zx_cpu_performance_info_t info[MAX_CPUS + 1];
    for (uint32_t i = 0; i <= MAX_CPUS; i++) info[i] = (zx_cpu_performance_info_t){i, {1, 0}};
    size_t n;
    EXPECT_STATUS(zx_system_get_performance_info(rsrc, 99, cpus, info, &n), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_get_performance_info(rsrc, ZX_CPU_PERF_SCALE, 0, info, &n),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_system_get_performance_info(rsrc, ZX_CPU_PERF_SCALE, cpus + 1, info, &n),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_system_get_performance_info(rsrc, ZX_CPU_PERF_SCALE, cpus, info, NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_get_performance_info(rsrc, ZX_CPU_PERF_SCALE, cpus, NULL, &n),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, 99, info, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_DEFAULT_PERF_SCALE, info, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, NULL, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, info, 0),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, info, cpus + 1),
                  ZX_ERR_OUT_OF_RANGE);
    zx_cpu_performance_info_t bad_cpu = {cpus, {1, 0}};
    zx_cpu_performance_info_t zero[2] = {{0, {0, 1u << 31}}, {cpus - 1, {0, 0}}};
    zx_cpu_performance_info_t twice[2] = {{0, {0, 1u << 31}}, {0, {0, 1u << 31}}};
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, &bad_cpu, 1),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, &zero[1], 1),
                  ZX_ERR_OUT_OF_RANGE);
    if (cpus > 1) {
        // A bad entry after a good one: the good one is not applied either.
        EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, zero, 2),
                      ZX_ERR_OUT_OF_RANGE);
        zx_cpu_performance_info_t backwards[2] = {{cpus - 1, {0, 1u << 31}}, {0, {0, 1u << 31}}};
        EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, backwards, 2),
                      ZX_ERR_INVALID_ARGS);
    }
    EXPECT_STATUS(zx_system_set_performance_info(rsrc, ZX_CPU_PERF_SCALE, twice, cpus > 1 ? 2 : 1),
                  cpus > 1 ? ZX_ERR_INVALID_ARGS : ZX_OK);
    // The failed calls changed nothing (with one CPU, `twice` was one valid entry: undo it).
    if (cpus == 1) EXPECT_OK(set_perf(rsrc));
    ASSERT_OK(zx_system_get_performance_info(rsrc, ZX_CPU_PERF_SCALE, cpus, info, &n));
    for (uint32_t i = 0; i < cpus; i++) EXPECT_EQ(info[i].performance_scale.integral_part, 1);
    zx_handle_close(rsrc);
}
#endif

#if defined(ZX_SYS_ioports_request) && defined(ZX_SYS_ioports_release)
// Port 0x80 (the POST diagnostic port) is safe to touch on the emulated machine.
#define DIAG_PORT 0x80

TEST(IoPorts, RequestThenUse) {
    zx_handle_t r;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IOPORT, DIAG_PORT, 1, "diag", 4, &r));
    ASSERT_OK(zx_ioports_request(r, DIAG_PORT, 1));
    // Would fault (and kill this process) if the port were still denied.
    __asm__ volatile("outb %%al, %%dx" ::"a"(0), "d"(DIAG_PORT));
    uint8_t v;
    __asm__ volatile("inb %%dx, %%al" : "=a"(v) : "d"(DIAG_PORT));
    EXPECT_OK(zx_ioports_release(r, DIAG_PORT, 1));
    // The root resource grants every port.
    EXPECT_OK(zx_ioports_request(root_resource(), DIAG_PORT, 1));
    __asm__ volatile("outb %%al, %%dx" ::"a"(0), "d"(DIAG_PORT));
    EXPECT_OK(zx_ioports_release(root_resource(), DIAG_PORT, 1));
    zx_handle_close(r);
}

// The ports belong to the process that asked, and only until it gives them back.
TEST(IoPorts, PerProcessAndReleased) {
    zx_handle_t r, dup, proc;
    int64_t rc = 0;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IOPORT, DIAG_PORT, 1, "diag", 4, &r));
    ASSERT_OK(zx_handle_duplicate(r, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, "ioport", "use", dup, &proc));
    ASSERT_OK(process_wait(proc, &rc));
    EXPECT_EQ(rc, 0);
    zx_handle_close(proc);
    ASSERT_OK(zx_handle_duplicate(r, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, "ioport", "released", dup, &proc));
    ASSERT_OK(process_wait(proc, &rc));
    EXPECT_EQ(rc, ZX_TASK_RETCODE_EXCEPTION_KILL);
    zx_handle_close_many((zx_handle_t[]){proc, r}, 2);
}

// A release reaches a thread of the process that uses the port on another CPU at that moment:
// its first use after zx_ioports_release returned faults (child.c, ioport_race: 77 = a use
// that succeeded after the release, 78 = the user lived on).
TEST(IoPorts, ReleaseReachesAThreadRunningElsewhere) {
    zx_handle_t r, proc;
    int64_t rc = 0;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IOPORT, DIAG_PORT, 1, "diag", 4, &r));
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, "ioport", "race", r, &proc));
    ASSERT_OK(process_wait(proc, &rc));
    EXPECT_EQ(rc, ZX_TASK_RETCODE_EXCEPTION_KILL);
    zx_handle_close(proc);
}

TEST(IoPorts, Errors) {
    zx_handle_t r, mmio, ev;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IOPORT, 0x100, 0x10, "io", 2, &r));
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, 0x20000000, PAGE, "m", 1, &mmio));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_ioports_request(BOGUS_HANDLE, 0x100, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_ioports_request(ev, 0x100, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_ioports_request(mmio, 0x100, 1), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_ioports_release(mmio, 0x100, 1), ZX_ERR_WRONG_TYPE);
    // Ports the resource does not cover.
    EXPECT_STATUS(zx_ioports_request(r, 0xff, 2), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_ioports_request(r, 0x10f, 2), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_ioports_release(r, 0x200, 1), ZX_ERR_OUT_OF_RANGE);
    // Past the last port.
    EXPECT_STATUS(zx_ioports_request(root_resource(), 0xffff, 2), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_ioports_request(r, 0x100, 0x10));
    EXPECT_OK(zx_ioports_release(r, 0x100, 0x10));
    zx_handle_close_many((zx_handle_t[]){r, mmio, ev}, 3);
}
#endif

#if defined(ZX_SYS_vmo_create_physical)
// The q35 machine's HPET: its first register reads back the vendor (0x8086) in bits 16..31.
#define HPET_BASE 0xfed00000ull

TEST(VmoPhysical, MapDeviceRegisters) {
    zx_handle_t r, vmo, slice;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, HPET_BASE, PAGE, "hpet", 4, &r));
    ASSERT_OK(zx_vmo_create_physical(r, HPET_BASE, PAGE, &vmo));
    EXPECT_EQ(handle_rights(vmo) & (ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_MAP | ZX_RIGHT_EXECUTE),
              ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_MAP | ZX_RIGHT_EXECUTE);
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addr));
    uint32_t cap = *(volatile uint32_t *)addr;
    EXPECT_EQ(cap >> 16, 0x8086);
    // A slice of it shows the same registers.
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &slice));
    zx_vaddr_t addr2;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, slice, 0, PAGE, &addr2));
    EXPECT_EQ(*(volatile uint32_t *)addr2, cap);
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.flags & ZX_INFO_VMO_TYPE_PAGED, 0);
    EXPECT_EQ(info.size_bytes, PAGE);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr2, PAGE));
    zx_handle_close_many((zx_handle_t[]){slice, vmo, r}, 3);
}

// "The VMOs created by this syscall are not usable with zx_vmo_read() and zx_vmo_write()", and
// they have no copy-on-write children.
TEST(VmoPhysical, NotThroughTheKernel) {
    zx_handle_t vmo, child;
    ASSERT_OK(zx_vmo_create_physical(root_resource(), HPET_BASE, PAGE, &vmo));
    uint32_t v = 0;
    EXPECT_STATUS(zx_vmo_read(vmo, &v, 0, sizeof(v)), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_vmo_write(vmo, &v, 0, sizeof(v)), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, &child),
                  ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_ERR_NOT_SUPPORTED);
    // No streams over physical memory: the stream size reads as zero and cannot be set.
    uint64_t stream = 1;
    EXPECT_OK(zx_vmo_get_stream_size(vmo, &stream));
    EXPECT_EQ(stream, 0);
    EXPECT_STATUS(zx_vmo_set_stream_size(vmo, 16), ZX_ERR_NOT_SUPPORTED);
    zx_handle_close(vmo);
}

TEST(VmoPhysical, CreateErrors) {
    zx_handle_t r, io, ev, vmo = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, HPET_BASE, PAGE, "hpet", 4, &r));
    ASSERT_OK(zx_resource_create(root_resource(), ZX_RSRC_KIND_IOPORT, 0x80, 1, "io", 2, &io));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_vmo_create_physical(BOGUS_HANDLE, HPET_BASE, PAGE, &vmo), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmo_create_physical(ev, HPET_BASE, PAGE, &vmo), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_create_physical(io, HPET_BASE, PAGE, &vmo), ZX_ERR_WRONG_TYPE);
    // "resource does not grant access to the requested range of memory".
    EXPECT_STATUS(zx_vmo_create_physical(r, HPET_BASE, 2 * PAGE, &vmo), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_create_physical(r, HPET_BASE - PAGE, PAGE, &vmo), ZX_ERR_ACCESS_DENIED);
    // "paddr or size are not page-aligned", "out is an invalid pointer or NULL".
    EXPECT_STATUS(zx_vmo_create_physical(r, HPET_BASE + 8, 64, &vmo), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_physical(r, HPET_BASE, 64, &vmo), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_physical(r, HPET_BASE, PAGE, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(vmo, ZX_HANDLE_INVALID);
    zx_handle_close_many((zx_handle_t[]){r, io, ev}, 3);
}
#endif
