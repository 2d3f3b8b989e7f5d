// Running bin/fuzz-child in a fresh job and watching it (fuzz_run.h).
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "launch.h"
#include "user/tests/fuzz/fuzz_run.h"
#include "zcrt.h"

zc_info_kernel_counters_t fuzz_counters(void) {
    zc_info_kernel_counters_t st;
    memset(&st, 0, sizeof(st));
    zx_object_get_info(zc_get_handle(ZC_HND_RESOURCE), ZC_INFO_KERNEL_COUNTERS, &st, sizeof(st),
                       NULL, NULL);
    return st;  // zc's own counters topic (docs/abi.md)
}

// The child's progress: its first thread's calls (the budget) and the other threads' calls.
static void progress_of(zx_handle_t vmo, uint64_t *first, uint64_t *others) {
    uint64_t n[2] = {0, 0};
    zx_vmo_read(vmo, n, 0, sizeof(n));
    *first = n[0];
    *others = n[1];
}

enum fuzz_end fuzz_run_child(const char *arg, uint64_t chunk, unsigned threads, zx_handle_t input,
                             zx_duration_t watchdog, uint64_t *calls, uint64_t *other_calls) {
    *calls = 0;
    uint64_t others = 0;
    zx_handle_t job, vmo, child_vmo, proc;
    if (zx_job_create(zx_job_default(), 0, &job) != ZX_OK) {
        zx_handle_close(input);
        return END_NOT_STARTED;
    }
    if (zx_vmo_create(4096, 0, &vmo) != ZX_OK) {
        zx_handle_close(job);
        zx_handle_close(input);
        return END_NOT_STARTED;
    }
    zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &child_vmo);
    char chunk_s[24], threads_s[12];
    snprintf(chunk_s, sizeof(chunk_s), "%llu", (unsigned long long)chunk);
    snprintf(threads_s, sizeof(threads_s), "%u", threads);
    const char *argv[] = {"bin/fuzz-child", arg, chunk_s, threads_s};
    zx_handle_t extra[2] = {child_vmo, input};
    uint32_t tags[2] = {ZC_HND_USER0, ZC_HND_USER0 + 1};
    struct zc_launch_args args = {.path = argv[0], .argc = 4, .argv = argv, .job = job,
                                  .extra_handles = extra, .extra_tags = tags,
                                  .num_extra = input == ZX_HANDLE_INVALID ? 1 : 2};
    enum fuzz_end how = END_NOT_STARTED;
    if (zc_launch(&args, &proc) == ZX_OK) {
        uint64_t last = 0;
        for (;;) {
            zx_signals_t seen = 0;
            zx_status_t st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED,
                                                zx_deadline_after(watchdog), &seen);
            progress_of(vmo, calls, &others);
            if (st == ZX_OK) {
                zx_info_process_t info;
                zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL);
                how = info.return_code == 0 && *calls == chunk ? END_DONE : END_DIED;
                break;
            }
            if (*calls + others == last) {  // no progress for a whole watchdog period: blocked
                how = END_HUNG;
                break;
            }
            last = *calls + others;
        }
        zx_handle_close(proc);
    }
    zx_task_kill(job);
    zx_object_wait_one(job, ZX_TASK_TERMINATED, zx_deadline_after(ZX_SEC(10)), NULL);
    zx_handle_close(job);
    zx_handle_close(vmo);
    if (other_calls)
        *other_calls = others;
    return how;
}

