// core-tests-2 helpers: bad pointers, handle introspection, threads of this process, "mini"
// processes made of a few hand-assembled instructions, and child processes of this program.
#ifndef ZC_CORE2_UTIL_H
#define ZC_CORE2_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

// Syscall guards: tests of calls the kernel may not have yet sit inside
// `#if defined(ZX_SYS_name)` (numbers.h is generated from syscalls/syscalls.def); vDSO-only
// calls have `ZC_VDSO_IDX_name` instead.
#include <syscalls/numbers.h>
#include <user/zx_vdso_table.h>

#include "zcrt.h"

#define PAGE 4096u

// Pointers no syscall may accept: the kernel image (top 2 GiB) and an address below the first
// user mapping; a handle value no table hands out.
#define KERNEL_PTR ((void *)(uintptr_t)0xffffffff80000000ull)
#define UNMAPPED_PTR ((void *)(uintptr_t)0x1000u)
#define BOGUS_HANDLE ((zx_handle_t)0x7ffffff3u)

// A deadline for waits that must time out, short to keep the suite fast under TCG.
#define SHORT_WAIT ZX_MSEC(5)
// How long a test waits for something that must happen.
#define LONG_WAIT ZX_SEC(10)

// ---- handles ----
bool handle_valid(zx_handle_t h);
zx_koid_t handle_koid(zx_handle_t h);                       // 0 on failure
zx_koid_t handle_related_koid(zx_handle_t h);               // 0 on failure
zx_rights_t handle_rights(zx_handle_t h);                   // 0 on failure
zx_obj_type_t handle_type(zx_handle_t h);                   // 0 on failure
zx_signals_t signals_now(zx_handle_t h);                    // asserted signals; 0 on failure
zx_handle_t dup_rights(zx_handle_t h, zx_rights_t rights);  // ZX_HANDLE_INVALID on failure
// Waits up to LONG_WAIT for any of `signals`; true when one was observed.
bool wait_signals(zx_handle_t h, zx_signals_t signals);
void sleep_ms(int64_t ms);

// The root resource this program was given (borrowed; ZX_HANDLE_INVALID when none).
zx_handle_t root_resource(void);
// Limits `thread` to CPU `cpu` (-1: any CPU) with a profile carrying a CPU mask.
zx_status_t pin_thread(zx_handle_t thread, int cpu);
// ZX_INFO_KMEM_STATS through the root resource.
zx_status_t kmem_stats(zx_info_kmem_stats_t *out);

// ZX_INFO_THREAD state of a thread (0xffffffff on failure); waits up to LONG_WAIT for a state.
uint32_t thread_state(zx_handle_t thread);
bool wait_thread_state(zx_handle_t thread, uint32_t state);

// ---- threads of this process ----
struct tthread {
    zx_handle_t handle;
    zx_vaddr_t stack;
    void (*fn)(void *arg);
    void *arg;
};
// Creates and starts a thread running fn(arg) (then zx_thread_exit) on its own 64 KiB stack.
zx_status_t tthread_start(struct tthread *t, const char *name, void (*fn)(void *arg), void *arg);
// Waits up to LONG_WAIT for the thread to end (kills it otherwise), closes the handle and
// frees the stack. ZX_ERR_TIMED_OUT if it had to be killed.
zx_status_t tthread_join(struct tthread *t);
// Kills the thread, waits for it and releases it.
void tthread_kill(struct tthread *t);

// A thread of this process entered directly at `entry` (one of the asm loops of asm.S) with
// rdi = arg1, rsi = arg2 and rsp = top of a fresh 16 KiB stack.
struct rthread {
    zx_handle_t handle;
    zx_vaddr_t stack;
};
zx_status_t rthread_start(struct rthread *t, void (*entry)(void), uintptr_t arg1, uintptr_t arg2);
void rthread_kill(struct rthread *t);

// Assembly loops (asm.c), entered with rdi/rsi as above; none returns.
void asm_store_rsi_loop(void);  // forever: *(uint64_t *)rdi = rsi
void asm_count_loop(void);      // forever: ++*(uint64_t *)rdi
void asm_store_rsi_loop_end(void);

// Waits until *p == want (up to LONG_WAIT); true when it happened.
bool wait_u64(volatile uint64_t *p, uint64_t want);
// Waits until *p changes from `old` (up to LONG_WAIT); true when it did.
bool wait_u64_change(volatile uint64_t *p, uint64_t old);

// ---- mini processes ----
// A process of `job` (default: our job) whose first thread runs `code` (a few bytes copied to an
// executable page) with rsp = the middle of a 4 KiB read/write page (`data`); nothing else is
// mapped (no vDSO), so the code can only compute, loop or fault.
struct mini {
    zx_handle_t proc, vmar, thread;
    zx_vaddr_t code_addr;  // in the child
    zx_vaddr_t data_addr;  // in the child: the data page; rsp = data_addr + 2048
};
// Creates it (not started).
zx_status_t mini_create(struct mini *m, zx_handle_t job, const void *code, size_t code_len);
// Starts it with arg1 (a handle moved to the child, or ZX_HANDLE_INVALID) and arg2.
zx_status_t mini_start(struct mini *m, zx_handle_t arg1, uintptr_t arg2);
// Creates and starts; ZX_OK or the first failure.
zx_status_t mini_run(struct mini *m, zx_handle_t job, const void *code, size_t code_len);
// Kills it (if still alive), waits for it and closes every handle.
void mini_destroy(struct mini *m);
// Reads the uint64 at data_addr + 2048 + off (the stack top and above) via process_read_memory.
uint64_t mini_read_u64(struct mini *m, size_t off);

// Machine code for mini processes.
extern const uint8_t MINI_SPIN[2];            // jmp .
extern const uint8_t MINI_STORE_ARGS[11];     // [rsp] = rdi; [rsp+8] = rsi; jmp .
extern const uint8_t MINI_COUNT[6];           // loop: inc qword [rsp]; jmp loop
extern const uint8_t MINI_WAIT_FLAG_UD2[9];   // while ([rsp] == 0); ud2
extern const uint8_t MINI_UD2_THEN_COUNT[8];  // ud2; loop: inc qword [rsp]; jmp loop

// ---- child processes of this program (`bin/core-tests-2 --child CASE [ARG]`, child.c) ----
// Launches the child in `job` (ZX_HANDLE_INVALID: ours). `extra` (may be ZX_HANDLE_INVALID) is
// moved to the child under tag ZC_HND_USER0.
zx_status_t child_launch(zx_handle_t job, const char *child_case, const char *arg,
                         zx_handle_t extra, zx_handle_t *proc_out);
// Waits up to LONG_WAIT for a process to terminate (kills it otherwise) and returns its
// ZX_INFO_PROCESS return code; ZX_ERR_TIMED_OUT when it had to be killed.
zx_status_t process_wait(zx_handle_t proc, int64_t *rc);
// The same with a chosen timeout.
zx_status_t process_wait_for(zx_handle_t proc, zx_duration_t timeout, int64_t *rc);
// Launches, waits and closes: the child's return code in *rc.
zx_status_t child_run(zx_handle_t job, const char *child_case, const char *arg, int64_t *rc);
// The child side (main() with `--child CASE [ARG]`): returns the exit code.
int child_main(int argc, char **argv);

// The first word of page i of a pager test's VMO (pager_test.c, the pager-read child case).
#define PAGER_TAG 0x7061676500000000ull
#define PAGER_WRITTEN 0x7772697465000000ull  // what the pager-write child writes

// Return codes of the child cases.
#define CHILD_OK 42
#define CHILD_SETUP_FAILED 3
#define CHILD_UNKNOWN 4

#endif
