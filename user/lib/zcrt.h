// zc user runtime: what crt (user/crt/start.c) found at process start.
// Handles arrive in the procargs message (include/zc/procargs.h), each with a ZC_HND_* tag.
#ifndef ZC_USER_ZCRT_H
#define ZC_USER_ZCRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>
#include <zc/procargs.h>

// Removes the first startup handle with this tag from the table and returns it (the caller
// owns it from now on); ZX_HANDLE_INVALID when there is none.
zx_handle_t zc_take_handle(uint32_t tag);

// Returns the first startup handle with this tag without taking it (the table still owns it);
// ZX_HANDLE_INVALID when there is none.
zx_handle_t zc_get_handle(uint32_t tag);
// Limits `thread` to CPU `cpu` mod the CPU count (-1: any CPU) through a CPU-mask profile made
// with the root resource this program was given (user/lib/cpu.c).
zx_status_t zc_pin_to_cpu(zx_handle_t thread, int cpu);

// Zircon's <zircon/process.h> accessors. The handles stay owned by the runtime: do not close
// them (and do not zc_take_handle() their tags if you still call these).
zx_handle_t zx_process_self(void);
zx_handle_t zx_vmar_root_self(void);
zx_handle_t zx_thread_self(void);  // the calling thread's (see zc_thread_register)
// zx_thread_self() gives `thread` in the thread that runs on the stack [stack, stack + size):
// a helper that starts threads registers each before zx_thread_start and unregisters it before
// it closes the handle or frees the stack. False when the runtime's table (128) is full.
bool zc_thread_register(zx_handle_t thread, uintptr_t stack, size_t size);
void zc_thread_unregister(zx_handle_t thread);
zx_handle_t zx_job_default(void);

// Where the vDSO is mapped in this process (the second argument of _start).
uintptr_t zc_vdso_base(void);

// Number of zx_* calls the vDSO did not export (their table slots print and exit when called).
uint32_t zc_vdso_missing_count(void);

#endif
