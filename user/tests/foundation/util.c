// foundation-test helpers.
#include "util.h"

#include <stdio.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "launch.h"

zx_status_t run_child(int argc, const char *const *argv, zx_duration_t timeout, int64_t *rc) {
    struct zc_launch_args args = {.path = argv[0], .argc = argc, .argv = argv};
    zx_handle_t proc;
    zx_status_t st = zc_launch(&args, &proc);
    if (st != ZX_OK)
        return st;
    zx_signals_t observed = 0;
    st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(timeout), &observed);
    if (st == ZX_ERR_TIMED_OUT) {
        printf("run_child: %s did not terminate in time; killing it\n", argv[0]);
        zx_task_kill(proc);
        zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, &observed);
    } else if (st != ZX_OK) {
        zx_task_kill(proc);
        zx_handle_close(proc);
        return st;
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
