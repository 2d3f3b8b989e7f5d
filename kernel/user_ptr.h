// User pointers as distinct types: the kernel can only pass them to the user-copy API
// (kernel/user_copy.h), never dereference them.
#ifndef ZC_KERNEL_USER_PTR_H
#define ZC_KERNEL_USER_PTR_H

#include <stdint.h>

typedef struct { uintptr_t addr; } user_in_ptr;     // user memory the kernel reads
typedef struct { uintptr_t addr; } user_out_ptr;    // user memory the kernel writes
typedef struct { uintptr_t addr; } user_inout_ptr;  // both
typedef struct { uintptr_t addr; } user_out_opt_ptr;  // user_out_ptr that may be NULL: no output

#endif
