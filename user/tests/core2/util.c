// core-tests-2 helpers.
#include "util.h"

#include <stdio.h>
#include <string.h>

#include "launch.h"
#include "zcrt.h"

#define TTHREAD_STACK (64u * 1024u)
#define RTHREAD_STACK (16u * 1024u)

// ---- handles ----

static bool basic_info(zx_handle_t h, zx_info_handle_basic_t *info) {
    memset(info, 0, sizeof(*info));
    return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, info, sizeof(*info), NULL, NULL) == ZX_OK;
}

bool handle_valid(zx_handle_t h) {
    return zx_object_get_info(h, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL) == ZX_OK;
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

zx_signals_t signals_now(zx_handle_t h) {
    zx_signals_t observed = 0;
    zx_status_t st = zx_object_wait_one(h, 0, ZX_TIME_INFINITE_PAST, &observed);
    return (st == ZX_OK || st == ZX_ERR_TIMED_OUT) ? observed : 0;
}

zx_handle_t dup_rights(zx_handle_t h, zx_rights_t rights) {
    zx_handle_t out = ZX_HANDLE_INVALID;
    return zx_handle_duplicate(h, rights, &out) == ZX_OK ? out : ZX_HANDLE_INVALID;
}

bool wait_signals(zx_handle_t h, zx_signals_t signals) {
    zx_signals_t observed = 0;
    return zx_object_wait_one(h, signals, zx_deadline_after(LONG_WAIT), &observed) == ZX_OK &&
           (observed & signals);
}

void sleep_ms(int64_t ms) {
    zx_nanosleep(zx_deadline_after(ZX_MSEC(ms)));
}

zx_handle_t root_resource(void) {
    return zc_get_handle(ZC_HND_RESOURCE);
}

zx_status_t pin_thread(zx_handle_t thread, int cpu) { return zc_pin_to_cpu(thread, cpu); }

zx_status_t kmem_stats(zx_info_kmem_stats_t *out) {
    memset(out, 0, sizeof(*out));
    return zx_object_get_info(root_resource(), ZX_INFO_KMEM_STATS, out, sizeof(*out), NULL, NULL);
}

uint32_t thread_state(zx_handle_t thread) {
    zx_info_thread_t info;
    if (zx_object_get_info(thread, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL) != ZX_OK)
        return 0xffffffffu;
    return info.state;
}

bool wait_thread_state(zx_handle_t thread, uint32_t state) {
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (zx_clock_get_monotonic() < give_up) {
        if (thread_state(thread) == state)
            return true;
        sleep_ms(1);
    }
    return false;
}

// ---- threads of this process ----

static zx_status_t map_stack(size_t size, zx_vaddr_t *out) {
    zx_handle_t vmo;
    zx_status_t st = zx_vmo_create(size, 0, &vmo);
    if (st != ZX_OK)
        return st;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, size, out);
    zx_handle_close(vmo);
    return st;
}

static _Noreturn void tthread_entry(uintptr_t arg1, uintptr_t arg2) {
    (void)arg2;
    struct tthread *t = (struct tthread *)arg1;
    t->fn(t->arg);
    zx_thread_exit();
}

zx_status_t tthread_start(struct tthread *t, const char *name, void (*fn)(void *arg), void *arg) {
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->arg = arg;
    zx_status_t st = map_stack(TTHREAD_STACK, &t->stack);
    if (st != ZX_OK)
        return st;
    st = zx_thread_create(zx_process_self(), name, strlen(name), 0, &t->handle);
    if (st == ZX_OK) {
        zc_thread_register(t->handle, t->stack, TTHREAD_STACK);  // its zx_thread_self()
        // Entered as if called: rsp + 8 is 16-byte aligned.
        st = zx_thread_start(t->handle, (uintptr_t)tthread_entry, t->stack + TTHREAD_STACK - 8,
                             (uintptr_t)t, 0);
        if (st != ZX_OK) {
            zc_thread_unregister(t->handle);
            zx_handle_close(t->handle);
        }
    }
    if (st != ZX_OK) {
        zx_vmar_unmap(zx_vmar_root_self(), t->stack, TTHREAD_STACK);
        t->handle = ZX_HANDLE_INVALID;
    }
    return st;
}

zx_status_t tthread_join(struct tthread *t) {
    zx_status_t st = ZX_OK;
    if (!wait_signals(t->handle, ZX_THREAD_TERMINATED)) {
        printf("tthread_join: thread did not end; killing it\n");
        zx_task_kill(t->handle);
        wait_signals(t->handle, ZX_THREAD_TERMINATED);
        st = ZX_ERR_TIMED_OUT;
    }
    zc_thread_unregister(t->handle);
    zx_handle_close(t->handle);
    zx_vmar_unmap(zx_vmar_root_self(), t->stack, TTHREAD_STACK);
    t->handle = ZX_HANDLE_INVALID;
    return st;
}

void tthread_kill(struct tthread *t) {
    zx_task_kill(t->handle);
    tthread_join(t);
}

zx_status_t rthread_start(struct rthread *t, void (*entry)(void), uintptr_t arg1, uintptr_t arg2) {
    memset(t, 0, sizeof(*t));
    zx_status_t st = map_stack(RTHREAD_STACK, &t->stack);
    if (st != ZX_OK)
        return st;
    st = zx_thread_create(zx_process_self(), "rthread", 7, 0, &t->handle);
    if (st == ZX_OK) {
        st =
            zx_thread_start(t->handle, (uintptr_t)entry, t->stack + RTHREAD_STACK - 16, arg1, arg2);
        if (st != ZX_OK)
            zx_handle_close(t->handle);
    }
    if (st != ZX_OK) {
        zx_vmar_unmap(zx_vmar_root_self(), t->stack, RTHREAD_STACK);
        t->handle = ZX_HANDLE_INVALID;
    }
    return st;
}

void rthread_kill(struct rthread *t) {
    if (t->handle == ZX_HANDLE_INVALID)
        return;
    zx_task_kill(t->handle);
    wait_signals(t->handle, ZX_THREAD_TERMINATED);
    zx_handle_close(t->handle);
    zx_vmar_unmap(zx_vmar_root_self(), t->stack, RTHREAD_STACK);
    t->handle = ZX_HANDLE_INVALID;
}

bool wait_u64(volatile uint64_t *p, uint64_t want) {
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != want) {
        if (zx_clock_get_monotonic() > give_up)
            return false;
        sleep_ms(1);
    }
    return true;
}

bool wait_u64_change(volatile uint64_t *p, uint64_t old) {
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (__atomic_load_n(p, __ATOMIC_ACQUIRE) == old) {
        if (zx_clock_get_monotonic() > give_up)
            return false;
        sleep_ms(1);
    }
    return true;
}

// ---- mini processes ----

const uint8_t MINI_SPIN[2] = {0xeb, 0xfe};
const uint8_t MINI_STORE_ARGS[11] = {0x48, 0x89, 0x3c, 0x24, 0x48, 0x89,
                                     0x74, 0x24, 0x08, 0xeb, 0xfe};
const uint8_t MINI_COUNT[6] = {0x48, 0xff, 0x04, 0x24, 0xeb, 0xfa};
const uint8_t MINI_WAIT_FLAG_UD2[9] = {0x48, 0x83, 0x3c, 0x24, 0x00, 0x74, 0xf9, 0x0f, 0x0b};
const uint8_t MINI_UD2_THEN_COUNT[8] = {0x0f, 0x0b, 0x48, 0xff, 0x04, 0x24, 0xeb, 0xfa};

zx_status_t mini_create(struct mini *m, zx_handle_t job, const void *code, size_t code_len) {
    memset(m, 0, sizeof(*m));
    if (job == ZX_HANDLE_INVALID)
        job = zx_job_default();
    zx_status_t st = zx_process_create(job, "mini", 4, 0, &m->proc, &m->vmar);
    if (st != ZX_OK)
        return st;
    zx_handle_t code_vmo = ZX_HANDLE_INVALID, exec_vmo = ZX_HANDLE_INVALID, data_vmo;
    st = zx_vmo_create(PAGE, 0, &code_vmo);
    if (st == ZX_OK)
        st = zx_vmo_write(code_vmo, code, 0, code_len);
    if (st == ZX_OK) {
        st = zx_vmo_replace_as_executable(code_vmo, ZX_HANDLE_INVALID, &exec_vmo);
        code_vmo = ZX_HANDLE_INVALID;
    }
    if (st == ZX_OK)
        st = zx_vmar_map(m->vmar, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, 0, exec_vmo, 0, PAGE,
                         &m->code_addr);
    if (code_vmo != ZX_HANDLE_INVALID)
        zx_handle_close(code_vmo);
    if (exec_vmo != ZX_HANDLE_INVALID)
        zx_handle_close(exec_vmo);
    if (st == ZX_OK) {
        st = zx_vmo_create(PAGE, 0, &data_vmo);
        if (st == ZX_OK) {
            st = zx_vmar_map(m->vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, data_vmo, 0, PAGE,
                             &m->data_addr);
            zx_handle_close(data_vmo);
        }
    }
    if (st == ZX_OK)
        st = zx_thread_create(m->proc, "mini-thread", 11, 0, &m->thread);
    if (st != ZX_OK)
        mini_destroy(m);
    return st;
}

zx_status_t mini_start(struct mini *m, zx_handle_t arg1, uintptr_t arg2) {
    return zx_process_start(m->proc, m->thread, m->code_addr, m->data_addr + PAGE / 2, arg1, arg2);
}

zx_status_t mini_run(struct mini *m, zx_handle_t job, const void *code, size_t code_len) {
    zx_status_t st = mini_create(m, job, code, code_len);
    if (st != ZX_OK)
        return st;
    st = mini_start(m, ZX_HANDLE_INVALID, 0);
    if (st != ZX_OK)
        mini_destroy(m);
    return st;
}

void mini_destroy(struct mini *m) {
    if (m->proc != ZX_HANDLE_INVALID) {
        zx_task_kill(m->proc);
        wait_signals(m->proc, ZX_PROCESS_TERMINATED);
    }
    zx_handle_t hs[3] = {m->thread, m->vmar, m->proc};
    for (int i = 0; i < 3; i++)
        if (hs[i] != ZX_HANDLE_INVALID)
            zx_handle_close(hs[i]);
    memset(m, 0, sizeof(*m));
}

uint64_t mini_read_u64(struct mini *m, size_t off) {
    uint64_t v = UINT64_MAX;
    size_t actual = 0;
    zx_process_read_memory(m->proc, m->data_addr + PAGE / 2 + off, &v, sizeof(v), &actual);
    return v;
}

// ---- child processes ----

zx_status_t child_launch(zx_handle_t job, const char *child_case, const char *arg,
                         zx_handle_t extra, zx_handle_t *proc_out) {
    const char *argv[] = {"bin/core-tests-2", "--child", child_case, arg};
    uint32_t tag = ZC_HND_USER0;
    struct zc_launch_args args = {
        .path = argv[0],
        .argc = arg ? 4 : 3,
        .argv = argv,
        .name = "core2-child",
        .job = job,
        .extra_handles = extra != ZX_HANDLE_INVALID ? &extra : NULL,
        .extra_tags = extra != ZX_HANDLE_INVALID ? &tag : NULL,
        .num_extra = extra != ZX_HANDLE_INVALID ? 1 : 0,
    };
    return zc_launch(&args, proc_out);
}

zx_status_t process_wait(zx_handle_t proc, int64_t *rc) {
    return process_wait_for(proc, LONG_WAIT, rc);
}

zx_status_t process_wait_for(zx_handle_t proc, zx_duration_t timeout, int64_t *rc) {
    zx_status_t st = ZX_OK;
    zx_signals_t observed = 0;
    if (zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(timeout), &observed) !=
        ZX_OK) {
        zx_task_kill(proc);
        wait_signals(proc, ZX_PROCESS_TERMINATED);
        st = ZX_ERR_TIMED_OUT;
    }
    zx_info_process_t info;
    zx_status_t info_st =
        zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL);
    if (info_st != ZX_OK)
        return info_st;
    *rc = info.return_code;
    return st;
}

zx_status_t child_run(zx_handle_t job, const char *child_case, const char *arg, int64_t *rc) {
    zx_handle_t proc;
    zx_status_t st = child_launch(job, child_case, arg, ZX_HANDLE_INVALID, &proc);
    if (st != ZX_OK)
        return st;
    st = process_wait(proc, rc);
    zx_handle_close(proc);
    return st;
}
