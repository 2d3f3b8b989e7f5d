// Force-included (-include) into every file of the kernel unit tests: what the kernel expects
// of <string.h> that the host's C library may lack.
#ifndef ZC_TESTS_HOST_COMPAT_H
#define ZC_TESTS_HOST_COMPAT_H

#include <stddef.h>
#include <string.h>

#if defined(__GLIBC__) && (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 38))
#define ZC_HOST_NEEDS_STRLCPY 1
size_t strlcpy(char *dst, const char *src, size_t size);  // tests/host/ktest.c
#endif

#endif
