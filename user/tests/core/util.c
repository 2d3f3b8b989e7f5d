// core-tests helpers.
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <zircon/syscalls/object.h>

#include "launch.h"
#include "zcrt.h"

#define THREAD_STACK_SIZE (64u * 1024u)

bool handle_valid(zx_handle_t h) {
    return zx_object_get_info(h, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL) == ZX_OK;
}

static bool basic_info(zx_handle_t h, zx_info_handle_basic_t *info) {
    memset(info, 0, sizeof(*info));
    return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, info, sizeof(*info), NULL, NULL) == ZX_OK;
}

zx_koid_t handle_koid(zx_handle_t h) {
    zx_info_handle_basic_t info;
    return basic_info(h, &info) ? info.koid : 0;
}

zx_koid_t handle_related_koid(zx_handle_t h) {
    zx_info_handle_basic_t info;
    return basic_info(h, &info) ? info.related_koid : 0;
}

zx_rights_t handle_rights(zx_handle_t h) {
    zx_info_handle_basic_t info;
    return basic_info(h, &info) ? info.rights : 0;
}

zx_obj_type_t handle_type(zx_handle_t h) {
    zx_info_handle_basic_t info;
    return basic_info(h, &info) ? info.type : 0;
}

uint32_t handle_count(zx_handle_t h) {
    zx_info_handle_count_t info = {0};
    if (zx_object_get_info(h, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), NULL, NULL) != ZX_OK)
        return 0;
    return info.handle_count;
}

zx_signals_t signals_now(zx_handle_t h) {
    zx_signals_t observed = 0;
    zx_status_t st = zx_object_wait_one(h, 0, ZX_TIME_INFINITE_PAST, &observed);
    return (st == ZX_OK || st == ZX_ERR_TIMED_OUT) ? observed : 0;
}

zx_handle_t dup_rights(zx_handle_t h, zx_rights_t rights) {
    zx_handle_t out = ZX_HANDLE_INVALID;
    if (zx_handle_duplicate(h, rights, &out) != ZX_OK)
        return ZX_HANDLE_INVALID;
    return out;
}

bool channel_empty(zx_handle_t ch) {
    return !(signals_now(ch) & ZX_CHANNEL_READABLE);
}

uint64_t vmo_committed_bytes(zx_handle_t vmo) {
    zx_info_vmo_t info;
    if (zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL) != ZX_OK)
        return UINT64_MAX;
    return info.committed_bytes;
}

void sleep_ms(int64_t ms) {
    zx_nanosleep(zx_deadline_after(ZX_MSEC(ms)));
}

static _Noreturn void thread_entry(uintptr_t arg1, uintptr_t arg2) {
    (void)arg2;
    struct core_thread *t = (struct core_thread *)arg1;
    __atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
    t->fn(t->arg);
    zx_thread_exit();
}

zx_status_t core_thread_start(struct core_thread *t, const char *name, void (*fn)(void *arg),
                              void *arg) {
    zx_handle_t vmo;
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->arg = arg;
    zx_status_t st = zx_vmo_create(THREAD_STACK_SIZE, 0, &vmo);
    if (st != ZX_OK)
        return st;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                     THREAD_STACK_SIZE, &t->stack);
    zx_handle_close(vmo);
    if (st != ZX_OK)
        return st;
    st = zx_thread_create(zx_process_self(), name, strlen(name), 0, &t->handle);
    if (st == ZX_OK) {
        // Entered as if called: rsp + 8 is 16-byte aligned.
        st = zx_thread_start(t->handle, (uintptr_t)thread_entry,
                             t->stack + THREAD_STACK_SIZE - 8, (uintptr_t)t, 0);
        if (st != ZX_OK)
            zx_handle_close(t->handle);
    }
    if (st != ZX_OK)
        zx_vmar_unmap(zx_vmar_root_self(), t->stack, THREAD_STACK_SIZE);
    return st;
}

zx_status_t core_thread_join(struct core_thread *t) {
    zx_signals_t observed = 0;
    zx_status_t st = zx_object_wait_one(t->handle, ZX_THREAD_TERMINATED,
                                        zx_deadline_after(ZX_SEC(10)), &observed);
    if (st != ZX_OK) {
        printf("core_thread_join: thread did not end (%s); killing it\n", zc_status_name(st));
        zx_task_kill(t->handle);
        zx_object_wait_one(t->handle, ZX_THREAD_TERMINATED, zx_deadline_after(ZX_SEC(10)),
                           &observed);
        st = ZX_ERR_TIMED_OUT;
    }
    zx_handle_close(t->handle);
    zx_vmar_unmap(zx_vmar_root_self(), t->stack, THREAD_STACK_SIZE);
    t->handle = ZX_HANDLE_INVALID;
    return st;
}

void wait_until_blocked(volatile int *flag) {
    zx_time_t give_up = zx_deadline_after(ZX_SEC(5));
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE) && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    // One CPU: while we sleep, the flagged thread runs into its blocking call.
    sleep_ms(10);
}

zx_status_t run_core_child(const char *child_case, int64_t *rc) {
    const char *argv[] = {"bin/core-tests", "--child", child_case};
    struct zc_launch_args args = {.path = argv[0], .argc = 3, .argv = argv, .name = "core-child"};
    zx_handle_t proc;
    zx_status_t st = zc_launch(&args, &proc);
    if (st != ZX_OK)
        return st;
    zx_signals_t observed = 0;
    st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(ZX_SEC(10)),
                            &observed);
    if (st != ZX_OK) {
        zx_task_kill(proc);
        zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, &observed);
    }
    zx_info_process_t info;
    zx_status_t info_st =
        zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL);
    zx_handle_close(proc);
    if (info_st != ZX_OK)
        return info_st;
    *rc = info.return_code;
    return st;
}
