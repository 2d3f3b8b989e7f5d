// zc user libc: the string and memory routines, all implemented (and declared) by libc-opt/:
// memcpy memmove memset memcmp memchr strlen strnlen strcmp strncmp strchr strrchr strlcpy.
#ifndef ZC_USER_STRING_H
#define ZC_USER_STRING_H

#include <libc-opt/libc_opt.h>

#endif
