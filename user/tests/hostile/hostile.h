// The hostile-argument suite (docs/hostile.md): every kernel syscall of syscalls.def, each
// argument in turn replaced by a hostile value, the result checked against the documented status,
// and the kernel's live objects and free memory checked to come back to where they were.
#ifndef ZC_TESTS_HOSTILE_H
#define ZC_TESTS_HOSTILE_H

#include <stdint.h>
#include <zircon/types.h>

enum hostile_arg_kind { HA_SCALAR, HA_HANDLE, HA_IN, HA_OUT, HA_INOUT };

struct hostile_arg {
    uint8_t kind;             // enum hostile_arg_kind
    const char *name;
    zx_obj_type_t types[4];   // handle<TYPE|...>: the object types the call accepts
    uint8_t num_types;        // 0 = any type
    zx_rights_t rights;       // handle<...:RIGHTS>: rights the call needs (0 = none fixed)
    uint8_t release;          // the call consumes the handle, even when it fails
    uint8_t optional;         // handle?<...>: ZX_HANDLE_INVALID is no handle; out?<T>: NULL is
                              // no output (syscalls.def); neither is an error
    uint8_t handle_out;       // out<zx_handle_t>: the call may write new handles there
    uint32_t elem_size;       // pointers: size of the pointee (1 for void)
    uint64_t baseline;        // scalars: the value of the unmutated call
};

struct hostile_call {
    const char *name;         // zx_NAME
    const char *family;       // the def's section
    int64_t (*fn)(const uint64_t *args);
    uint8_t num_args;
    uint8_t blocking;
    struct hostile_arg args[8];
};

extern const struct hostile_call hostile_calls[];
extern const uint32_t hostile_num_calls;

// Runs every hostile case of one syscall (twice: a warm-up pass, then the measured one) and
// reports failures through zctest.
void hostile_run(const struct hostile_call *call);

#endif
