// zc process-arguments message: the first message on a process's bootstrap channel.
// Private to zc (Fuchsia's processargs is a different, richer format).
#ifndef ZC_PROCARGS_H
#define ZC_PROCARGS_H

#include <stdint.h>

#define ZC_PROCARGS_MAGIC   0x7a635041u  // "APcz" in memory
#define ZC_PROCARGS_VERSION 1u

// Message bytes: this header, then handle_count uint32_t tags (one per handle of the message,
// same order), then args_num NUL-terminated strings back to back starting at args_off.
struct zc_procargs {
    uint32_t magic;
    uint32_t version;
    uint32_t handle_info_off;  // byte offset of the uint32_t tags
    uint32_t handle_count;     // == number of handles in the message
    uint32_t args_off;         // byte offset of the first argument string
    uint32_t args_num;
};

_Static_assert(sizeof(struct zc_procargs) == 24, "procargs header layout");

// Handle tags.
enum {
    ZC_HND_PROC_SELF   = 1,   // the receiving process
    ZC_HND_VMAR_ROOT   = 2,   // its root VMAR
    ZC_HND_THREAD_SELF = 3,   // its first thread
    ZC_HND_VDSO_VMO    = 4,   // the vDSO image (executable VMO)
    ZC_HND_BOOTFS_VMO  = 5,   // the bootfs (cpio newc archive)
    ZC_HND_JOB         = 6,   // a job to create processes in
    ZC_HND_DEBUGLOG    = 7,   // a debuglog for output
    ZC_HND_RESOURCE    = 8,   // the root resource
    ZC_HND_USER0       = 16,  // extra handles of zc_launch_args (user/lib/launch.h):
                              // ZC_HND_USER0 + i by convention
};

#endif
