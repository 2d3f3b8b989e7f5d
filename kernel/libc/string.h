// <string.h> for the kernel (built -nostdinc): libc-opt's routines.
#ifndef ZC_KERNEL_STRING_H
#define ZC_KERNEL_STRING_H
#include "libc_opt.h"
#endif
