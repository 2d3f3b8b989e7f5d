// Debuglog objects: a handle's view of the kernel log (zx_debuglog_create/write/read).
#ifndef ZC_OBJECTS_DEBUGLOG_H
#define ZC_OBJECTS_DEBUGLOG_H

#include <zircon/types.h>

#include "objects/kobj.h"

struct debuglog {
    struct kobj obj;
    uint32_t flags;     // ZX_LOG_FLAG_READABLE
    uint64_t cursor;    // next record sequence to read
};

zx_status_t debuglog_create(uint32_t flags, struct debuglog **out) __attribute__((warn_unused_result));

#endif
