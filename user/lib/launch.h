// zc user library: start a program from the bootfs in a new process.
#ifndef ZC_USER_LAUNCH_H
#define ZC_USER_LAUNCH_H

#include <stdbool.h>
#include <zircon/types.h>

#include "bootfs.h"

struct zc_launch_args {
    const char *path;          // bootfs path of a static ELF executable, e.g. "bin/hello"
    int argc;                  // arguments for the child; by convention argv[0] is the path
    const char *const *argv;
    const char *name;          // process name; NULL = the last component of path

    // Borrowed handles (duplicated for the child); ZX_HANDLE_INVALID = this process's own
    // (zx_job_default() and the ZC_HND_* startup handles).
    zx_handle_t job;           // job to create the process in
    zx_handle_t bootfs_vmo;    // handed to the child (and read, unless `bootfs` is given)
    zx_handle_t vdso_vmo;      // mapped into the child and handed to it
    zx_handle_t debuglog;      // the child's stdout

    const struct bootfs *bootfs;  // an open bootfs to load from; NULL = open bootfs_vmo
    bool quiet;                   // do not print why a launch failed

    // Extra handles moved (not duplicated) into the child's procargs message, extra_handles[i]
    // with tag extra_tags[i] (e.g. ZC_HND_USER0 + i; the child takes it with zc_take_handle).
    // zc_launch consumes them whether it succeeds or not. At most ZC_LAUNCH_MAX_EXTRA.
    const zx_handle_t *extra_handles;
    const uint32_t *extra_tags;
    uint32_t num_extra;
};

#define ZC_LAUNCH_MAX_EXTRA 16u

// Creates a process, loads args->path into it (each PT_LOAD in its own VMO, mapped at its
// address with its permissions), maps the vDSO (each segment with its permissions, in a
// sub-VMAR) and a 256 KiB stack, sends the procargs message (args + handles: process, root
// VMAR, thread, vDSO VMO, bootfs VMO, job, debuglog) and starts the first thread.
// On success *proc_out is the child's process handle (wait for ZX_PROCESS_TERMINATED, read
// ZX_INFO_PROCESS). On failure nothing is left behind and the status says why:
//   ZX_ERR_NOT_FOUND       no such file in the bootfs
//   ZX_ERR_NOT_SUPPORTED   not a static position-independent x86_64 ELF executable (ET_DYN), or a bad vDSO image
//   ZX_ERR_IO_DATA_INTEGRITY  a truncated ELF (program headers or segments past the end)
//   ZX_ERR_INVALID_ARGS    bad arguments (no path, argc < 0, ...)
//   ZX_ERR_OUT_OF_RANGE    the arguments do not fit one channel message
//   anything a syscall returned (ZX_ERR_NO_MEMORY, ZX_ERR_ACCESS_DENIED, ...).
zx_status_t zc_launch(const struct zc_launch_args *args, zx_handle_t *proc_out)
    __attribute__((warn_unused_result));

// The name of a status (ZX_OK, ZX_ERR_NOT_FOUND, ...); "ZX_ERR_<unknown>" for others.
const char *zc_status_name(zx_status_t status);

#endif
