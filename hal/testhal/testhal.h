// The test HAL's own interface: what unit tests (tests/host/) use to drive and inspect the
// fake machine under the kernel. The kernel itself sees only hal/hal.h.
//
// The machine:
// - Physical memory: one mmap'd arena at physical TH_PHYS_BASE, offered to the kernel as two
//   ranges with a hole between them (the first starts off a 4 MiB boundary), reached through
//   hal_physmap_base like the x86 physmap.
// - Time: a fake monotonic clock that moves only when a test moves it (th_advance). The one-shot
//   timer records its deadline; th_advance fires kernel_timer_interrupt() when it passes.
// - MMU: each hal_aspace is a hash map page -> (frame, flags); activation selects the one user
//   copies go through.
// - User memory: a user copy first looks at the test's registered buffers (th_user_*), then at
//   the active aspace's pages; anything else faults (ZX_ERR_UNAVAILABLE + the address), so the
//   kernel's fault resolution runs. Kernel-half addresses: ZX_ERR_INVALID_ARGS.
// - User threads: hal_context_run calls the thread's th_prog, a C function that issues one trap
//   per call (a syscall, a page fault, an exception, or time passing).
// - hal_shutdown (and so panic): longjmp to th_catch_shutdown's point if one is set, else the
//   test fails with the console's last lines and the process exits.
#ifndef ZC_HAL_TESTHAL_H
#define ZC_HAL_TESTHAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "hal/hal.h"

#define TH_PHYS_BASE   0x0000000000400000ul           // 4 MiB
#define TH_PHYS_SIZE   (68ul << 20)                    // the arena
#define TH_USER_BUFS   0x0000700000000000ul           // where th_user_* buffers appear
#define TH_PROG_PC     0x00007e0000000000ul           // entry pc that means "arg2 is a th_prog"
#define TH_VDSO_PC     0x00007e0000001000ul           // the pc scripted syscalls come from

// ---- setup ----
void th_init(void);                 // maps the arena; before pmm_init
const char *th_status_name(zx_status_t st);

// ---- console ----
const char *th_console(size_t *len);  // everything written since th_console_clear
void th_console_clear(void);
bool th_console_contains(const char *s);
extern bool th_console_echo;          // also write it to stderr

// ---- time ----
zx_time_t th_now(void);
void th_set_now(zx_time_t t);          // no interrupt
// Moves the clock on by ns; if the armed deadline has passed, "takes the interrupt":
// calls kernel_timer_interrupt() as the HAL would.
void th_advance(zx_duration_t ns);
zx_time_t th_timer_deadline(void);    // as last set by hal_timer_set (ZX_TIME_INFINITE: none)
extern uint64_t th_timer_sets;        // hal_timer_set calls

// ---- randomness ----
void th_seed_random(uint64_t seed);

// ---- MMU ----
size_t th_mmu_pages(const struct hal_aspace *as);  // mapped pages
extern uint64_t th_mmu_live;          // hal_aspace_init minus hal_aspace_destroy
extern int th_mmu_fail_maps;          // the next N hal_aspace_map calls return NO_MEMORY
struct hal_aspace *th_active_aspace(void);

// ---- user memory ----
#define TH_USER_R 1u
#define TH_USER_W 2u
// Makes len bytes at host address buf visible as user memory; returns the user address.
uintptr_t th_user_map(void *buf, size_t len, unsigned flags);
// A zeroed buffer of len bytes owned by the HAL, readable and writable; returns its user address.
uintptr_t th_user_alloc(size_t len);
void *th_user_host(uintptr_t uaddr);  // the host address behind a th_user_* address, or NULL
void th_user_reset(void);             // forgets every buffer (frees th_user_alloc's)
extern uint64_t th_user_faults;       // ZX_ERR_UNAVAILABLE answers given so far
// Which entry a syscall takes (hal_context_run): by default they alternate between the slow
// one (a trap the executor decodes) and the fast one, and every other fast one of a direct
// call goes the direct way (hal_set_syscall_direct). A test may pin one entry; a call the
// pinned entry cannot take (not a direct call) takes the slow one.
enum { TH_ENTRY_MIXED, TH_ENTRY_SLOW, TH_ENTRY_FAST, TH_ENTRY_DIRECT };
extern int th_entry;
extern uint64_t th_direct_calls;      // calls that took the direct entry

// ---- scripted user threads ----
// hal_context_run calls step(p, u) once per entry to user mode; step issues one trap with one
// of th_sys / th_fault / th_exception / th_spin. Issuing none: the HAL raises an exception trap
// named "test program ended" (the kernel then kills the process).
struct th_prog {
    void (*step)(struct th_prog *p, struct hal_uctx *u);
    void *ctx;
    int n;                 // steps taken (the step function's program counter)
    int64_t ret[32];       // ret[i]: what the kernel returned for the syscall of step i
    bool returned[32];     // ... and whether it returned at all (it may block or die)
    int last;              // the step whose syscall is pending, -1 none
    bool trap_set;         // internal
};
#define TH_SYS(u, num, ...) th_sys_((u), (num), (uint64_t[8]){__VA_ARGS__})
void th_sys_(struct hal_uctx *u, uint64_t num, const uint64_t args[8]);
void th_sys_at(struct hal_uctx *u, uintptr_t pc, uint64_t num, const uint64_t args[8]);
void th_fault(struct hal_uctx *u, uintptr_t addr, uint32_t fault_flags);
void th_exception(struct hal_uctx *u, uint32_t vector, const char *name);
void th_spin(struct hal_uctx *u, zx_duration_t ns);  // user time passes (an interrupt trap)

// A ready-made program: a fixed list of syscalls, then zx_thread_exit.
struct th_call {
    uint64_t num;
    uint64_t a[8];
};
void th_calls_step(struct th_prog *p, struct hal_uctx *u);  // ctx = struct th_calls *
struct th_calls {
    const struct th_call *calls;
    int n;
    uint64_t exit_num;  // the syscall after the list (0: none, the program just ends)
};

// The executor's way back to the test (tests/host runs sched_run under a setjmp here):
// hal_idle, with th_idle_advance and a timer armed, moves the clock to the deadline and takes
// the interrupt; otherwise it longjmps to *th_idle_jmp with 1. hal_context_run longjmps there
// with 2 once th_run_calls passes th_run_limit (a thread that never stops).
extern jmp_buf *th_idle_jmp;
extern bool th_idle_advance;
extern int th_run_calls, th_run_limit;

// ---- shutdown / panic ----
// hal_shutdown longjmps here with the exit code + 1 when set.
extern jmp_buf *th_shutdown_jmp;
extern int th_last_shutdown_code;  // -1 none
// Called when the machine stops unexpectedly (a panic outside th_shutdown_jmp): the test
// framework records the failure; the HAL then exits the process.
extern void (*th_on_fatal)(const char *why);

// hal_entropy: false while set (no hardware source).
extern bool th_entropy_off;

#endif
