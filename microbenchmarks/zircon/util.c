// zc-bench: threads, helper processes and error reporting shared by the families.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/profile.h>
#include <zircon/syscalls/resource.h>
#include <zc/procargs.h>

#include "bench.h"
#include "bootfs.h"
#include "launch.h"
#include "zcrt.h"

#define BENCH_PROGRAM "bin/zc-bench"
#define PEER_STACK_SIZE (64u * 1024u)

const char *bench_status_name(zx_status_t st) { return zc_status_name(st); }

_Noreturn void bench_die(const char *file, int line, const char *what, zx_status_t st) {
    printf("zc-bench: %s:%d: %s: %s\n", file, line, what, zc_status_name(st));
    zc_stdout_flush();
    zx_process_exit(3);
}

// ---- threads ---------------------------------------------------------------------------------

struct thread_start {
    void (*fn)(void *);
    void *arg;
};

static _Noreturn void thread_trampoline(uintptr_t arg1, uintptr_t arg2) {
    (void)arg2;
    struct thread_start *ts = (struct thread_start *)arg1;
    void (*fn)(void *) = ts->fn;
    void *arg = ts->arg;
    free(ts);
    fn(arg);
    zx_thread_exit();
}

zx_status_t bench_thread_start(struct bench_peer *t, const char *name, void (*fn)(void *),
                               void *arg, size_t stack_size) {
    memset(t, 0, sizeof(*t));
    struct thread_start *ts = malloc(sizeof(*ts));
    if (!ts) return ZX_ERR_NO_MEMORY;
    ts->fn = fn;
    ts->arg = arg;
    zx_handle_t vmo;
    zx_status_t st = zx_vmo_create(stack_size, 0, &vmo);
    if (st != ZX_OK) goto fail;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                     stack_size, &t->stack);
    zx_handle_close(vmo);
    if (st != ZX_OK) goto fail;
    t->stack_size = stack_size;
    st = zx_thread_create(zx_process_self(), name, strlen(name), 0, &t->task);
    if (st != ZX_OK) goto fail_unmap;
    zc_thread_register(t->task, t->stack, stack_size);  // its zx_thread_self()
    // Entered as if called: rsp + 8 is 16-byte aligned.
    st = zx_thread_start(t->task, (uintptr_t)thread_trampoline, t->stack + stack_size - 8,
                         (uintptr_t)ts, 0);
    if (st != ZX_OK) goto fail_close;
    return ZX_OK;

fail_close:
    zc_thread_unregister(t->task);
    zx_handle_close(t->task);
    t->task = ZX_HANDLE_INVALID;
fail_unmap:
    zx_vmar_unmap(zx_vmar_root_self(), t->stack, stack_size);
    t->stack = 0;
fail:
    free(ts);
    return st;
}

// ---- round-trip peers ------------------------------------------------------------------------

int bench_peer_cpu = -1;

zx_status_t bench_pin_to_cpu(zx_handle_t thread, int cpu) { return zc_pin_to_cpu(thread, cpu); }

struct server_start {
    bench_server_fn fn;
    zx_handle_t handles[BENCH_PEER_MAX_HANDLES];
    uint32_t count;
    int cpu;
};

static void server_thread(void *arg) {
    struct server_start *s = arg;
    if (s->cpu >= 0) BENCH_MUST(bench_pin_to_cpu(zx_thread_self(), s->cpu));
    s->fn(s->handles, s->count);
    free(s);
}

static const struct bench_server *find_server(const char *name) {
    for (uint32_t i = 0; i < bench_num_servers; i++)
        if (strcmp(bench_servers[i].name, name) == 0) return &bench_servers[i];
    return NULL;
}

static struct bootfs self_bootfs;
static bool self_bootfs_open;

zx_status_t bench_peer_start(struct bench_peer *peer, bool multiprocess, const char *name,
                             const zx_handle_t *handles, uint32_t count) {
    memset(peer, 0, sizeof(*peer));
    const struct bench_server *srv = find_server(name);
    zx_status_t st = ZX_OK;
    if (!srv || count > BENCH_PEER_MAX_HANDLES) {
        st = ZX_ERR_INVALID_ARGS;
        goto fail;
    }
    if (!multiprocess) {
        struct server_start *s = malloc(sizeof(*s));
        if (!s) {
            st = ZX_ERR_NO_MEMORY;
            goto fail;
        }
        s->fn = srv->fn;
        s->count = count;
        s->cpu = bench_peer_cpu;
        memcpy(s->handles, handles, count * sizeof(zx_handle_t));
        st = bench_thread_start(peer, name, server_thread, s, PEER_STACK_SIZE);
        if (st != ZX_OK) {
            free(s);
            goto fail;
        }
        return ZX_OK;
    }

    if (!self_bootfs_open) {
        st = bootfs_open(zc_get_handle(ZC_HND_BOOTFS_VMO), &self_bootfs);
        if (st != ZX_OK) goto fail;
        self_bootfs_open = true;
    }
    uint32_t tags[BENCH_PEER_MAX_HANDLES];
    for (uint32_t i = 0; i < count; i++) tags[i] = ZC_HND_USER0 + i;
    char cpu[12];
    snprintf(cpu, sizeof(cpu), "%d", bench_peer_cpu);
    const char *argv[] = {BENCH_PROGRAM, "--subprocess", name, "--cpu", cpu};
    struct zc_launch_args args = {
        .path = BENCH_PROGRAM,
        .argc = bench_peer_cpu >= 0 ? 5 : 3,
        .argv = argv,
        .name = "test-process",
        .bootfs = &self_bootfs,
        .extra_handles = handles,
        .extra_tags = tags,
        .num_extra = count,
    };
    peer->is_process = true;
    return zc_launch(&args, &peer->task);  // consumes the handles in any case

fail:
    zx_handle_close_many(handles, count);
    return st;
}

zx_status_t bench_peer_join(struct bench_peer *peer) {
    if (peer->task == ZX_HANDLE_INVALID) return ZX_ERR_BAD_STATE;
    zx_signals_t observed = 0;
    zx_status_t st = zx_object_wait_one(peer->task, __ZX_OBJECT_SIGNALED, ZX_TIME_INFINITE,
                                        &observed);
    if (st == ZX_OK && peer->is_process) {
        zx_info_process_t info;
        st = zx_object_get_info(peer->task, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL);
        if (st == ZX_OK && info.return_code != 0) st = ZX_ERR_INTERNAL;
    }
    if (!peer->is_process) zc_thread_unregister(peer->task);
    zx_handle_close(peer->task);
    peer->task = ZX_HANDLE_INVALID;
    if (peer->stack) {
        zx_vmar_unmap(zx_vmar_root_self(), peer->stack, peer->stack_size);
        peer->stack = 0;
    }
    return st;
}

int bench_subprocess_main(const char *name, int cpu) {
    const struct bench_server *srv = find_server(name);
    if (!srv) {
        printf("zc-bench: --subprocess: no server named '%s'\n", name);
        return 2;
    }
    if (cpu >= 0) BENCH_MUST(bench_pin_to_cpu(zx_thread_self(), cpu));
    zx_handle_t handles[BENCH_PEER_MAX_HANDLES];
    uint32_t count = 0;
    while (count < BENCH_PEER_MAX_HANDLES) {
        zx_handle_t h = zc_take_handle(ZC_HND_USER0 + count);
        if (h == ZX_HANDLE_INVALID) break;
        handles[count++] = h;
    }
    srv->fn(handles, count);
    return 0;
}
