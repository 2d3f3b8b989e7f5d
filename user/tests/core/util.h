// core-tests helpers: bad pointers, handle introspection, threads, child processes.
#ifndef ZC_CORE_UTIL_H
#define ZC_CORE_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zircon/types.h>

// Syscall guards: a test group that needs a syscall the kernel may not have yet sits inside
// `#if defined(ZX_SYS_name)` (numbers.h is generated from syscalls/syscalls.def).
#include <syscalls/numbers.h>

#include "zcrt.h"  // zx_process_self(), zx_vmar_root_self(), ...

#define PAGE 4096u

// Pointers no syscall may accept: the kernel image (top 2 GiB), an address below the first
// user mapping, and a value no handle table ever hands out.
#define KERNEL_PTR ((void *)(uintptr_t)0xffffffff80000000ull)
#define UNMAPPED_PTR ((void *)(uintptr_t)0x1000u)
#define BOGUS_HANDLE ((zx_handle_t)0x7ffffff3u)

// A short deadline for waits that must time out (keeps the suite fast under TCG).
#define SHORT_WAIT ZX_MSEC(5)

// ZX_INFO_HANDLE_VALID.
bool handle_valid(zx_handle_t h);
// ZX_INFO_HANDLE_BASIC fields; 0 when the call fails.
zx_koid_t handle_koid(zx_handle_t h);
zx_koid_t handle_related_koid(zx_handle_t h);
zx_rights_t handle_rights(zx_handle_t h);
zx_obj_type_t handle_type(zx_handle_t h);
// ZX_INFO_HANDLE_COUNT; 0 when the call fails.
uint32_t handle_count(zx_handle_t h);
// The signals asserted right now (a wait with an expired deadline); 0 on error.
zx_signals_t signals_now(zx_handle_t h);
// A duplicate of `h` with exactly `rights` (ZX_HANDLE_INVALID on failure).
zx_handle_t dup_rights(zx_handle_t h, zx_rights_t rights);
// True when the channel has no message to read (and is still open on the other side).
bool channel_empty(zx_handle_t ch);
// The VMO's ZX_INFO_VMO committed_bytes; UINT64_MAX when the call fails.
uint64_t vmo_committed_bytes(zx_handle_t vmo);

void sleep_ms(int64_t ms);

// A second thread of this process running `fn(arg)` on its own 64 KiB stack.
struct core_thread {
    zx_handle_t handle;
    zx_vaddr_t stack;
    void (*fn)(void *arg);
    void *arg;
    volatile int started;  // set by the thread before it calls fn
};
zx_status_t core_thread_start(struct core_thread *t, const char *name, void (*fn)(void *arg),
                              void *arg);
// Waits up to 10 s for the thread to end (then kills it), closes its handle, frees its stack.
// ZX_ERR_TIMED_OUT if it had to be killed.
zx_status_t core_thread_join(struct core_thread *t);

// Gives a thread that announced it is about to block (`*flag` set just before the blocking
// call) time to enter the call: waits for the flag, then sleeps a few milliseconds.
void wait_until_blocked(volatile int *flag);

// Runs `bin/core-tests --child CASE` (child.c), waits for it and returns its return code.
zx_status_t run_core_child(const char *child_case, int64_t *rc);

// The child side: runs one CASE (from main() with `--child CASE`); returns its exit code.
int core_child_main(const char *child_case);

#endif
