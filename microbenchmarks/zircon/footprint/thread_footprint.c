// bin/thread-footprint: the kernel memory a blocked thread costs (issue "object model part 2").
//
//   thread-footprint [--threads N] [--stack-bytes B] [--keep-handles]
//
// Creates N threads (default 10000) that each block in zx_futex_wait on one shared futex and
// reads the kernel's counters (zx_object_get_info(root resource, ZX_INFO_KMEM_STATS)) before
// and after: every user-side allocation (the threads' stacks, one committed VMO) is made before
// the first reading, so the difference is the kernel's. The thread handles are closed once the
// threads run (the threads live on), unless --keep-handles. Then wakes them all and waits until
// every one has exited. Prints (last line, for scripts):
//   thread-footprint: result threads=N kernel_bytes_per_thread=X heap_bytes_per_thread=Y
// Exit status 0; 1 when something failed or futexes do not exist yet; 2 for bad arguments.
#include <zc/kcounters.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscalls/numbers.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zc/procargs.h>

#include "launch.h"
#include "zcrt.h"

#if defined(ZX_SYS_futex_wait) && defined(ZX_SYS_futex_wake)

static zx_futex_t gate;       // 0 while the threads must stay blocked
static zx_futex_t blocked;    // threads about to wait
static zx_futex_t exited;     // threads past their wait

static _Noreturn void blocker(uintptr_t arg1, uintptr_t arg2) {
    (void)arg1;
    (void)arg2;
    blocked++;
    while (gate == 0) zx_futex_wait(&gate, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    exited++;
    zx_thread_exit();
}

static bool parse_num(const char *s, uint64_t max, uint64_t *out) {
    if (!s || !*s) return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10) return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

static zx_status_t kmem(zx_handle_t resource, zx_info_kmem_stats_t *out) {
    return zx_object_get_info(resource, ZX_INFO_KMEM_STATS, out, sizeof(*out), NULL, NULL);
}

// Live kernel objects (zc's own topic, include/zc/kcounters.h); 0 if it cannot be read.
static uint64_t live_objects(zx_handle_t resource) {
    zc_info_kernel_counters_t c;
    if (zx_object_get_info(resource, ZC_INFO_KERNEL_COUNTERS, &c, sizeof(c), NULL, NULL) != ZX_OK) return 0;
    return c.live_objects;
}

// Signed difference b - a of two byte counters.
static long long diff(uint64_t a, uint64_t b) { return (long long)(b - a); }

static void wait_for(zx_futex_t *counter, int want, zx_duration_t timeout) {
    zx_time_t deadline = zx_deadline_after(timeout);
    while (*counter < want && zx_clock_get_monotonic() < deadline) zx_nanosleep(zx_deadline_after(ZX_MSEC(5)));
}

int main(int argc, char **argv) {
    uint64_t nthreads = 10000, stack_bytes = 1024;
    bool keep_handles = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc &&
            parse_num(argv[i + 1], 1000000, &nthreads) && nthreads > 0) {
            i++;
        } else if (strcmp(argv[i], "--stack-bytes") == 0 && i + 1 < argc &&
                   parse_num(argv[i + 1], 1u << 20, &stack_bytes) && stack_bytes >= 256 &&
                   stack_bytes % 16 == 0) {
            i++;
        } else if (strcmp(argv[i], "--keep-handles") == 0) {
            keep_handles = true;
        } else {
            printf("thread-footprint: bad argument '%s' (usage: thread-footprint [--threads N]"
                   " [--stack-bytes B (>= 256, multiple of 16)] [--keep-handles])\n", argv[i]);
            return 2;
        }
    }
    zx_handle_t resource = zc_get_handle(ZC_HND_RESOURCE);
    zx_info_kmem_stats_t before, after;
    zx_status_t st = kmem(resource, &before);
    if (st != ZX_OK) {
        printf("thread-footprint: ZX_INFO_KMEM_STATS on the root resource failed: %s\n",
               zc_status_name(st));
        return 1;
    }

    // Every thread's stack, committed now so that no user page is allocated while measuring.
    size_t stacks_size = (size_t)(nthreads * stack_bytes + 4095) & ~(size_t)4095;
    zx_handle_t stack_vmo;
    zx_vaddr_t stacks;
    zx_handle_t *handles = keep_handles ? calloc(nthreads, sizeof(zx_handle_t)) : NULL;
    if ((keep_handles && !handles) || zx_vmo_create(stacks_size, 0, &stack_vmo) != ZX_OK ||
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack_vmo, 0,
                    stacks_size, &stacks) != ZX_OK) {
        printf("thread-footprint: no memory for %llu stacks of %llu bytes\n",
               (unsigned long long)nthreads, (unsigned long long)stack_bytes);
        return 1;
    }
    memset((void *)stacks, 0, stacks_size);

    st = kmem(resource, &before);
    uint64_t objects_before = live_objects(resource);
    zx_ticks_t t0 = zx_ticks_get();
    uint64_t started = 0;
    static const char name[] = "blocked";
    for (; started < nthreads; started++) {
        zx_handle_t thread;
        st = zx_thread_create(zx_process_self(), name, sizeof(name) - 1, 0, &thread);
        if (st != ZX_OK) break;
        uintptr_t sp = stacks + (started + 1) * stack_bytes - 8;
        st = zx_thread_start(thread, (uintptr_t)blocker, sp, 0, 0);
        if (st != ZX_OK) {
            zx_handle_close(thread);
            break;
        }
        if (keep_handles)
            handles[started] = thread;
        else
            zx_handle_close(thread);
    }
    zx_ticks_t t1 = zx_ticks_get();
    if (st != ZX_OK)
        printf("thread-footprint: thread %llu: zx_thread_create/start failed: %s\n",
               (unsigned long long)started, zc_status_name(st));

    // Let every thread reach its zx_futex_wait.
    wait_for(&blocked, (int)started, ZX_SEC(120));
    zx_nanosleep(zx_deadline_after(ZX_MSEC(200)));
    zx_status_t st2 = kmem(resource, &after);
    uint64_t objects_after = live_objects(resource);
    int nblocked = blocked;

    zx_ticks_t t2 = zx_ticks_get();
    gate = 1;
    zx_futex_wake(&gate, UINT32_MAX);
    wait_for(&exited, (int)started, ZX_SEC(120));
    zx_ticks_t t3 = zx_ticks_get();
    int nexited = exited;
    if (keep_handles)
        for (uint64_t i = 0; i < started; i++) zx_handle_close(handles[i]);

    if (st2 != ZX_OK || started == 0) {
        printf("thread-footprint: no measurement (%s)\n", zc_status_name(st2));
        return 1;
    }
    double tpus = (double)zx_ticks_per_second() / 1e6;
    long long used = diff(before.total_bytes - before.free_bytes, after.total_bytes - after.free_bytes);
    long long heap = diff(before.total_heap_bytes, after.total_heap_bytes);
    long long objects = diff(objects_before, objects_after);
    printf("thread-footprint: %llu threads started, %d blocked in zx_futex_wait, stacks %llu bytes"
           " each (committed before measuring), handles %s\n",
           (unsigned long long)started, nblocked, (unsigned long long)stack_bytes,
           keep_handles ? "kept" : "closed");
    printf("thread-footprint: kernel memory in use %+lld bytes (%lld per thread), kernel heap"
           " %+lld bytes (%lld per thread), live kernel objects %+lld\n",
           used, used / (long long)started, heap, heap / (long long)started, objects);
    printf("thread-footprint: create+start %llu us (%llu us per thread), wake and exit all %llu us"
           " (%d exited)\n",
           (unsigned long long)((double)(t1 - t0) / tpus),
           (unsigned long long)((double)(t1 - t0) / tpus / (double)started),
           (unsigned long long)((double)(t3 - t2) / tpus), nexited);
    printf("thread-footprint: result threads=%llu kernel_bytes_per_thread=%lld"
           " heap_bytes_per_thread=%lld\n",
           (unsigned long long)started, used / (long long)started, heap / (long long)started);
    zx_vmar_unmap(zx_vmar_root_self(), stacks, stacks_size);
    zx_handle_close(stack_vmo);
    free(handles);
    return (nblocked == (int)started && nexited == (int)started && started == nthreads) ? 0 : 1;
}

#else

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("thread-footprint: zx_futex_wait does not exist yet (syscalls/syscalls.def)\n");
    return 1;
}

#endif
