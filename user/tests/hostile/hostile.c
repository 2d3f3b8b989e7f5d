// The hostile-argument suite: for each kernel syscall (the table is generated from syscalls.def
// by gen_hostile.py), build a baseline call with fresh objects of the right types and valid
// buffers, then replace one argument at a time with a hostile value:
//   handles:  ZX_HANDLE_INVALID, a forged value, a closed handle   -> ZX_ERR_BAD_HANDLE
//             a handle of another type                              -> ZX_ERR_WRONG_TYPE
//             the right type without rights                         -> ZX_ERR_ACCESS_DENIED
//   pointers: NULL, kernel text, the kernel physmap, an unmapped user page, non-canonical,
//             straddling into an unmapped page, read-only (for out) -> ZX_ERR_INVALID_ARGS
//             misaligned (buffer + 1)                               -> what the baseline gets
// A case passes when the call returns that status, or, when the baseline call itself fails,
// the baseline's status (the kernel stopped at an earlier check: "masked"; counted separately).
// NULL may also succeed where the baseline does (Zircon's optional out-pointers).
// Every syscall's cases run twice; around the second pass the kernel's live objects and free
// memory (ZC_INFO_KERNEL_COUNTERS on the root resource) must come back exactly.
#include "hostile.h"

#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/clock.h>
#include <zc/kcounters.h>
#include <zircon/syscalls/object.h>

#include "launch.h"
#include "zcrt.h"
#include "zctest.h"

#define POOL_MAX 96
#define BUF_SIZE 4096

// Everything a case created: closed (jobs killed, VMARs destroyed first) after the case.
static zx_handle_t pool[POOL_MAX];
static uint32_t pool_n;
static zx_handle_t jobs[16];
static uint32_t jobs_n;
static zx_handle_t vmars[16];
static uint32_t vmars_n;

static uint8_t bufs[8][BUF_SIZE] __attribute__((aligned(4096)));

// Fixed hostile places, set up once.
static uintptr_t unmapped_page;   // reserved in a sub-VMAR, never mapped
static uintptr_t straddle_end;    // end of a mapped read-write page followed by an unmapped one
static uintptr_t readonly_page;   // a mapped read-only page

static zx_handle_t keep(zx_handle_t h) {
    if (h != ZX_HANDLE_INVALID && pool_n < POOL_MAX)
        pool[pool_n++] = h;
    return h;
}

static void release_all(void) {
    for (uint32_t i = 0; i < vmars_n; i++)
        zx_vmar_destroy(vmars[i]);
    for (uint32_t i = 0; i < jobs_n; i++) {
        zx_task_kill(jobs[i]);
        zx_object_wait_one(jobs[i], ZX_TASK_TERMINATED, zx_deadline_after(ZX_SEC(5)), NULL);
    }
    for (uint32_t i = 0; i < pool_n; i++)
        zx_handle_close(pool[i]);
    pool_n = jobs_n = vmars_n = 0;
}

static zx_handle_t root_resource(void) { return zc_get_handle(ZC_HND_RESOURCE); }

static zx_handle_t fresh_job(void) {
    zx_handle_t job = ZX_HANDLE_INVALID;
    if (zx_job_create(zx_job_default(), 0, &job) == ZX_OK && jobs_n < 16)
        jobs[jobs_n++] = job;
    return keep(job);
}

static zx_handle_t fresh_process(void) {
    zx_handle_t proc = ZX_HANDLE_INVALID, vmar = ZX_HANDLE_INVALID;
    zx_process_create(fresh_job(), "hostile-child", 13, 0, &proc, &vmar);
    keep(vmar);
    return keep(proc);
}

// A fresh object of `type` with its default rights (an event where zc cannot make one).
static zx_handle_t fresh(zx_obj_type_t type) {
    zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
    switch (type) {
    case ZX_OBJ_TYPE_VMO:
        zx_vmo_create(4096, 0, &a);
        break;
    case ZX_OBJ_TYPE_CHANNEL:
        zx_channel_create(0, &a, &b);
        break;
    case ZX_OBJ_TYPE_EVENTPAIR:
        zx_eventpair_create(0, &a, &b);
        break;
    case ZX_OBJ_TYPE_SOCKET:
        zx_socket_create(0, &a, &b);
        break;
    case ZX_OBJ_TYPE_FIFO:
        zx_fifo_create(16, 8, 0, &a, &b);
        break;
    case ZX_OBJ_TYPE_PORT:
        zx_port_create(0, &a);
        break;
    case ZX_OBJ_TYPE_TIMER:
        zx_timer_create(0, ZX_CLOCK_MONOTONIC, &a);
        break;
    case ZX_OBJ_TYPE_JOB:
        return fresh_job();
    case ZX_OBJ_TYPE_PROCESS:
        return fresh_process();
    case ZX_OBJ_TYPE_THREAD:
        zx_thread_create(fresh_process(), "hostile-thread", 14, 0, &a);
        break;
    case ZX_OBJ_TYPE_VMAR: {
        uintptr_t addr;
        if (zx_vmar_allocate(zx_vmar_root_self(),
                             ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                             16 * 4096, &a, &addr) == ZX_OK &&
            vmars_n < 16)
            vmars[vmars_n++] = a;
        break;
    }
    case ZX_OBJ_TYPE_CLOCK:
        zx_clock_create(0, NULL, &a);
        break;
    case ZX_OBJ_TYPE_STREAM:
        zx_stream_create(ZX_STREAM_MODE_READ | ZX_STREAM_MODE_WRITE, fresh(ZX_OBJ_TYPE_VMO), 0,
                         &a);
        break;
    case ZX_OBJ_TYPE_RESOURCE:
        zx_handle_duplicate(root_resource(), ZX_RIGHT_SAME_RIGHTS, &a);
        break;
    case ZX_OBJ_TYPE_DEBUGLOG:
        zx_debuglog_create(root_resource(), 0, &a);
        break;
    case ZX_OBJ_TYPE_SUSPEND_TOKEN:
        zx_task_suspend(fresh_process(), &a);
        break;
    case ZX_OBJ_TYPE_PAGER:
        zx_pager_create(0, &a);
        break;
    default:
        break;
    }
    if (a == ZX_HANDLE_INVALID)
        zx_event_create(0, &a);
    keep(b);
    return keep(a);
}

static bool type_accepted(const struct hostile_arg *arg, zx_obj_type_t t) {
    for (uint8_t i = 0; i < arg->num_types; i++)
        if (arg->types[i] == t)
            return true;
    return false;
}

// The baseline arguments: fresh objects, zeroed buffers, the generated scalar values.
static void baseline_args(const struct hostile_call *c, uint64_t a[8]) {
    memset(a, 0, 8 * sizeof(a[0]));
    for (uint8_t i = 0; i < c->num_args; i++) {
        const struct hostile_arg *arg = &c->args[i];
        switch (arg->kind) {
        case HA_SCALAR:
            a[i] = arg->baseline;
            break;
        case HA_HANDLE:
            a[i] = fresh(arg->num_types ? arg->types[0] : ZX_OBJ_TYPE_EVENT);
            break;
        default:
            memset(bufs[i], 0, BUF_SIZE);
            a[i] = (uintptr_t)bufs[i];
            break;
        }
    }
    // The zx_pager_* calls act on a VMO their pager (the first argument) made.
    for (uint8_t i = 1; i < c->num_args && !strncmp(c->name, "pager_", 6); i++) {
        if (strcmp(c->args[i].name, "pager_vmo") != 0 && strcmp(c->args[i].name, "vmo") != 0) continue;
        zx_handle_t vmo = ZX_HANDLE_INVALID;
        zx_pager_create_vmo((zx_handle_t)a[0], 0, fresh(ZX_OBJ_TYPE_PORT), 0, 4096, &vmo);
        if (vmo != ZX_HANDLE_INVALID) a[i] = keep(vmo);
    }
}

struct stats {
    uint32_t cases, exact, masked;
};

// Where Zircon's reference pages document something other than the general rule above.
struct doc_rule {
    const char *call, *arg;  // arg NULL: every argument of the call
    enum { R_WRONG_TYPE_IS_BAD_HANDLE, R_BAD_PTR_NOT_FOUND, R_KEY_PTR } rule;
};
static const struct doc_rule doc_rules[] = {
    // clock pages: "ZX_ERR_BAD_HANDLE handle is either an invalid handle, or a handle to an
    // object type that is not ZX_OBJ_TYPE_CLOCK"
    {"clock_read", NULL, R_WRONG_TYPE_IS_BAD_HANDLE},
    {"clock_get_details", NULL, R_WRONG_TYPE_IS_BAD_HANDLE},
    {"clock_update", NULL, R_WRONG_TYPE_IS_BAD_HANDLE},
    // stream pages: "ZX_ERR_NOT_FOUND the vectors address ... does not map to address in
    // address space"
    {"stream_readv", "vectors", R_BAD_PTR_NOT_FOUND},
    {"stream_readv_at", "vectors", R_BAD_PTR_NOT_FOUND},
    {"stream_writev", "vectors", R_BAD_PTR_NOT_FOUND},
    {"stream_writev_at", "vectors", R_BAD_PTR_NOT_FOUND},
    // futex keys that are never read: only "not aligned" is an error
    {"futex_wake", "value_ptr", R_KEY_PTR},
    {"futex_wake_single_owner", "value_ptr", R_KEY_PTR},
    {"futex_requeue", "requeue_ptr", R_KEY_PTR},
    {"futex_requeue_single_owner", "requeue_ptr", R_KEY_PTR},
    {"futex_get_owner", "value_ptr", R_KEY_PTR},
};

static bool has_rule(const struct hostile_call *c, const char *arg, int rule) {
    for (size_t i = 0; i < sizeof(doc_rules) / sizeof(doc_rules[0]); i++)
        if ((int)doc_rules[i].rule == rule && !strcmp(doc_rules[i].call, c->name) &&
            (!doc_rules[i].arg || !strcmp(doc_rules[i].arg, arg)))
            return true;
    return false;
}

// The call may have written new handles to its out<zx_handle_t> buffers (at the baseline
// buffer or one byte in): close them, so that only the kernel's own leaks show.
static void close_returned(const struct hostile_call *c, const uint64_t a[8]) {
    for (uint8_t i = 0; i < c->num_args; i++) {
        if (!c->args[i].handle_out)
            continue;
        for (int off = 0; off <= 1; off++) {
            if (a[i] != (uintptr_t)bufs[i] + off)
                continue;
            for (size_t k = 0; k + sizeof(zx_handle_t) <= 64; k += sizeof(zx_handle_t)) {
                zx_handle_t h;
                memcpy(&h, bufs[i] + off + k, sizeof(h));
                if (h != ZX_HANDLE_INVALID)
                    zx_handle_close(h);
            }
        }
    }
}

static zx_status_t call_with(const struct hostile_call *c, const uint64_t a[8]) {
    zx_status_t st = (zx_status_t)c->fn(a);
    close_returned(c, a);
    return st;
}

// One case: the baseline arguments with argument `i` replaced by `value` (computed after the
// baseline's objects exist, by `make`). `expect` is the documented status.
static void check(const struct hostile_call *c, uint8_t i, const char *what, zx_status_t got,
                  zx_status_t expect, zx_status_t base, bool ok_allowed, struct stats *s) {
    s->cases++;
    if (got == expect) {
        s->exact++;
        return;
    }
    if (base != ZX_OK && got == base) {
        s->masked++;
        return;
    }
    if (ok_allowed && got == ZX_OK) {
        s->exact++;
        return;
    }
    zctest_fail(__FILE__, __LINE__, "zx_%s: %s = %s: got %s, expected %s (baseline %s)", c->name,
                c->args[i].name, what, zc_status_name(got), zc_status_name(expect),
                zc_status_name(base));
}

enum handle_case { H_INVALID, H_FORGED, H_CLOSED, H_WRONG_TYPE, H_NO_RIGHTS, H_COUNT };
static const char *const handle_case_names[H_COUNT] = {
    "ZX_HANDLE_INVALID", "a forged value", "a closed handle", "another type", "no rights"};

static void handle_cases(const struct hostile_call *c, uint8_t i, zx_status_t base,
                         struct stats *s) {
    const struct hostile_arg *arg = &c->args[i];
    for (int k = 0; k < H_COUNT; k++) {
        if (k == H_WRONG_TYPE && arg->num_types == 0)
            continue;
        if (k == H_NO_RIGHTS && arg->rights == 0)
            continue;
        uint64_t a[8];
        baseline_args(c, a);
        zx_status_t expect = ZX_ERR_BAD_HANDLE;
        bool multi_type = false;
        switch (k) {
        case H_INVALID:
            a[i] = ZX_HANDLE_INVALID;
            break;
        case H_FORGED:
            a[i] = 0x5a5a5a5bu;
            break;
        case H_CLOSED: {
            zx_handle_t h = fresh(arg->num_types ? arg->types[0] : ZX_OBJ_TYPE_EVENT);
            // Close it through a duplicate's original: the value in the pool goes stale too.
            zx_handle_t dup = ZX_HANDLE_INVALID;
            if (zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &dup) == ZX_OK) {
                zx_handle_close(dup);
                a[i] = dup;
            } else {
                zx_handle_close(h);
                a[i] = h;
            }
            break;
        }
        case H_WRONG_TYPE: {
            zx_obj_type_t other = !type_accepted(arg, ZX_OBJ_TYPE_EVENT) ? ZX_OBJ_TYPE_EVENT
                                  : !type_accepted(arg, ZX_OBJ_TYPE_VMO) ? ZX_OBJ_TYPE_VMO
                                                                         : ZX_OBJ_TYPE_PORT;
            a[i] = fresh(other);
            expect = has_rule(c, arg->name, R_WRONG_TYPE_IS_BAD_HANDLE) ? ZX_ERR_BAD_HANDLE
                                                                        : ZX_ERR_WRONG_TYPE;
            // A call that takes several types (zx_task_kill: job, process, thread) looks the
            // handle up as a generic object with its rights, as Zircon does, and only then
            // switches on the type: a non-task without the right is ZX_ERR_ACCESS_DENIED.
            multi_type = arg->num_types > 1;
            break;
        }
        case H_NO_RIGHTS: {
            // A rights-less duplicate; replace where the object has no DUPLICATE right
            // (channels). Duplicating keeps the original valid for the cleanup (VMARs).
            zx_handle_t none = ZX_HANDLE_INVALID;
            if (zx_handle_duplicate((zx_handle_t)a[i], ZX_RIGHT_NONE, &none) != ZX_OK)
                zx_handle_replace((zx_handle_t)a[i], ZX_RIGHT_NONE, &none);
            a[i] = keep(none);
            expect = ZX_ERR_ACCESS_DENIED;
            break;
        }
        }
        zx_status_t got = call_with(c, a);
        if (multi_type && got == ZX_ERR_ACCESS_DENIED)
            expect = got;
        if (k == H_INVALID && arg->optional) {
            // No handle is a documented choice here: anything but a complaint about it.
            expect = got != ZX_ERR_BAD_HANDLE ? got : ZX_OK;
        }
        check(c, i, handle_case_names[k], got, expect, base, false, s);
        release_all();
    }
}

// value_ptr / requeue_ptr of the futex calls: must be 4-byte aligned.
static bool is_futex_address(const struct hostile_call *c, const struct hostile_arg *arg) {
    size_t n = strlen(arg->name);
    return !strncmp(c->name, "futex_", 6) && n >= 4 && !strcmp(arg->name + n - 4, "_ptr");
}

enum ptr_case { P_NULL, P_KERNEL, P_PHYSMAP, P_UNMAPPED, P_NONCANONICAL, P_HIGH, P_STRADDLE,
                P_READONLY, P_MISALIGNED, P_COUNT };
static const char *const ptr_case_names[P_COUNT] = {
    "NULL", "kernel text", "the physmap", "an unmapped page", "non-canonical",
    "a kernel-half non-canonical address", "straddling into an unmapped page",
    "a read-only page", "buffer + 1 (misaligned)"};

static void pointer_cases(const struct hostile_call *c, uint8_t i, zx_status_t base,
                          struct stats *s) {
    const struct hostile_arg *arg = &c->args[i];
    // Straddle: leave fewer valid bytes than one element (byte buffers: one byte), so any
    // access of the baseline's size crosses into the unmapped page.
    uint32_t valid = arg->elem_size > 1 ? arg->elem_size / 2 : 1;
    bool key = has_rule(c, arg->name, R_KEY_PTR);
    zx_status_t bad = has_rule(c, arg->name, R_BAD_PTR_NOT_FOUND) ? ZX_ERR_NOT_FOUND
                                                                  : ZX_ERR_INVALID_ARGS;
    for (int k = 0; k < P_COUNT; k++) {
        // Read-only memory only matters where the kernel only writes.
        if (k == P_READONLY && arg->kind != HA_OUT)
            continue;
        uint64_t a[8];
        baseline_args(c, a);
        zx_status_t expect = key ? base : bad;
        uintptr_t v = 0;
        switch (k) {
        case P_NULL: v = 0; break;
        case P_KERNEL: v = 0xffffffff80100000ull; break;
        case P_PHYSMAP: v = 0xffff800000100000ull; break;
        case P_UNMAPPED: v = unmapped_page; break;
        case P_NONCANONICAL: v = 0x0000800000000000ull; break;
        case P_HIGH: v = 0x8000000000000000ull; break;
        case P_STRADDLE:
            memset((void *)(straddle_end - 4096), 0, 4096);
            v = straddle_end - valid;
            break;
        case P_READONLY: v = readonly_page; break;
        case P_MISALIGNED:
            v = (uintptr_t)bufs[i] + 1;
            // Alignment is the one thing checked of a futex key; elsewhere it changes nothing.
            expect = is_futex_address(c, arg) ? ZX_ERR_INVALID_ARGS : base;
            break;
        }
        a[i] = v;
        // out?<T>: NULL asks for no output, so the call must go as it did with a buffer.
        if (k == P_NULL && arg->optional)
            expect = base;
        zx_status_t got = call_with(c, a);
        if (key && (k == P_NULL || (v & 3)))
            expect = ZX_ERR_INVALID_ARGS;  // a futex key must be a non-NULL aligned address
        else if (key && got == ZX_ERR_INVALID_ARGS)
            expect = got;  // where it lies is not checked (Zircon does not), but may be
        check(c, i, ptr_case_names[k], got, expect, base, k == P_NULL && base == ZX_OK, s);
        release_all();
    }
}

static void one_pass(const struct hostile_call *c, struct stats *s) {
    uint64_t a[8];
    baseline_args(c, a);
    zx_status_t base = call_with(c, a);
    release_all();
    for (uint8_t i = 0; i < c->num_args; i++) {
        uint8_t kind = c->args[i].kind;
        if (kind == HA_HANDLE)
            handle_cases(c, i, base, s);
        else if (kind != HA_SCALAR)
            pointer_cases(c, i, base, s);
    }
}

static bool places_ready(void) {
    if (straddle_end)
        return true;
    zx_handle_t vmar, vmo;
    uintptr_t base;
    if (zx_vmar_allocate(zx_vmar_root_self(),
                         ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                         6 * 4096, &vmar, &base) != ZX_OK)
        return false;
    if (zx_vmo_create(2 * 4096, 0, &vmo) != ZX_OK)
        return false;
    uintptr_t addr;
    // [base, +4K) unmapped; [+8K, +12K) read-write then [+12K, +16K) unmapped;
    // [+16K, +20K) read-only.
    if (zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC, 2 * 4096, vmo, 0,
                    4096, &addr) != ZX_OK ||
        zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 4 * 4096, vmo, 4096, 4096, &addr) !=
            ZX_OK)
        return false;
    zx_handle_close(vmo);
    zx_handle_close(vmar);  // the mappings stay; the region stays reserved
    unmapped_page = base;
    straddle_end = base + 3 * 4096;
    readonly_page = base + 4 * 4096;
    return true;
}

static bool snapshot(zc_info_kernel_counters_t *st) {
    memset(st, 0, sizeof(*st));
    return zx_object_get_info(root_resource(), ZC_INFO_KERNEL_COUNTERS, st, sizeof(*st), NULL,
                              NULL) == ZX_OK;
}

void hostile_run(const struct hostile_call *c) {
    ASSERT_TRUE(places_ready());
    ASSERT_NE(root_resource(), ZX_HANDLE_INVALID);
    struct stats warm = {0}, s = {0};
    one_pass(c, &warm);  // warm-up: slab caches, our page tables and heap reach steady state
    zc_info_kernel_counters_t before, after;
    ASSERT_TRUE(snapshot(&before));
    one_pass(c, &s);
    ASSERT_TRUE(snapshot(&after));
    // zc's own counters topic (docs/abi.md): live objects by type, free memory.
    EXPECT_EQ(after.live_objects, before.live_objects);
    EXPECT_EQ(after.free_bytes, before.free_bytes);
    for (uint32_t t = 0; t < ZC_KCOUNTERS_TYPES; t++)
        if (after.live_by_type[t] != before.live_by_type[t])
            printf("hostile: %s: %lld objects of type %u left behind\n", c->name,
                   (long long)(after.live_by_type[t] - before.live_by_type[t]), t);
    printf("hostile: %s %s: %u cases, %u exact, %u masked by the baseline\n", c->family, c->name,
           s.cases, s.exact, s.masked);
}

int main(int argc, char **argv) { return zctest_main(argc, argv); }
