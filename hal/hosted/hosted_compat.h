// Force-included (-include) into every C file of zc-hosted: what the kernel expects of
// <string.h> (kernel/libc/string.h on bare metal) that the host's C library lacks: libc-opt's
// declarations, and strlcpy before glibc 2.38 (libc-opt's host objects provide it as
// zch_strlcpy).
#ifndef ZC_HAL_HOSTED_COMPAT_H
#define ZC_HAL_HOSTED_COMPAT_H

#include <stddef.h>
#include <string.h>

#include "libc_opt.h"

#if defined(__GLIBC__) && (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 38))
size_t zch_strlcpy(char *dst, const char *src, size_t size);
#define strlcpy zch_strlcpy
#endif

#endif
