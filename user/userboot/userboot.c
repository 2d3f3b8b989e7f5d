// userboot: the first user process. The kernel starts it with the procargs message of
// docs/abi.md (args = the kernel command line words). It launches `init=bin/NAME [args...]`
// from the bootfs, waits for it, and exits with its return code (the kernel then powers
// off, and QEMU's exit status carries the code).
//
// Exit codes of its own (the program's code otherwise):
//   120  no init= on the command line      121  the program is not in the bootfs
//   122  the program is not a valid ELF     123  any other launch or wait failure
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "launch.h"
#include "zcrt.h"

enum {
    EXIT_NO_INIT = 120,
    EXIT_NOT_FOUND = 121,
    EXIT_BAD_ELF = 122,
    EXIT_FAILED = 123,
};

int main(int argc, char **argv) {
    int init = -1;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "init=", 5) == 0)
            init = i;
    }
    if (init < 0 || argv[init][5] == '\0') {
        printf("userboot: no init=bin/NAME on the kernel command line (%d words)\n", argc);
        return EXIT_NO_INIT;
    }

    // The child's argv: the path, then the words after init=.
    const char *path = argv[init] + 5;
    argv[init] = (char *)path;
    struct zc_launch_args args = {
        .path = path,
        .argc = argc - init,
        .argv = (const char *const *)&argv[init],
    };
    zx_handle_t proc;
    zx_status_t st = zc_launch(&args, &proc);
    if (st != ZX_OK) {
        printf("userboot: cannot start %s: %s\n", path, zc_status_name(st));
        if (st == ZX_ERR_NOT_FOUND)
            return EXIT_NOT_FOUND;
        if (st == ZX_ERR_NOT_SUPPORTED || st == ZX_ERR_IO_DATA_INTEGRITY)
            return EXIT_BAD_ELF;
        return EXIT_FAILED;
    }

    zx_signals_t observed;
    st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, &observed);
    if (st != ZX_OK) {
        printf("userboot: waiting for %s failed: %s\n", path, zc_status_name(st));
        return EXIT_FAILED;
    }
    zx_info_process_t info;
    st = zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL);
    if (st != ZX_OK) {
        printf("userboot: ZX_INFO_PROCESS of %s failed: %s\n", path, zc_status_name(st));
        return EXIT_FAILED;
    }
    zx_handle_close(proc);
    printf("userboot: %s exited with %lld\n", path, (long long)info.return_code);
    zc_stdout_flush();
    zx_process_exit(info.return_code);
}
