// The hardware abstraction layer: everything machine-specific that the portable kernel
// (kernel/, objects/, syscalls/) may use. hal/x86_64 implements it on bare metal.
//
// Contract notes:
// - The kernel runs with interrupts disabled except inside hal_idle().
// - With several CPUs running the executor, kernel code runs under the kernel lock (below;
//   docs/smp.md): the HAL takes it exclusively on every way into the kernel (from user mode,
//   from hal_idle) and drops it on every way out, except that the syscall handler takes it
//   itself (hal_set_syscall_handler_smp). Interrupts reach the kernel only through
//   kernel_timer_interrupt (with the lock held exclusively) and HAL_TRAP_INTERRUPT.
// - User pointers are plain integers here; only hal_copy_{from,to}_user touch user memory.
#ifndef ZC_HAL_H
#define ZC_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "hal_arch.h"  // struct hal_uctx, HAL_PAGE_SIZE, user address range

typedef uint64_t paddr_t;

// ---- console ----
void hal_console_write(const char *s, size_t n);

// ---- time ----
uint64_t hal_ticks(void);               // a free-running counter (TSC)
uint64_t hal_ticks_per_second(void);
zx_time_t hal_now(void);                // monotonic nanoseconds since boot
// One-shot timer: the HAL calls kernel_timer_interrupt() once hal_now() >= deadline.
// ZX_TIME_INFINITE cancels.
void hal_timer_set(zx_time_t deadline);
// What the vDSO computes hal_now() with: ns = ((ticks - ticks_at_boot) * ns_mult) >> 32, a
// 64x64->128-bit product (a fixed shift keeps the vDSO's clock read to a few instructions).
void hal_time_params(uint64_t *ticks_at_boot, uint64_t *ns_mult);

// ---- interrupts / cpu ----
// Enable interrupts, wait for one, return with interrupts disabled again.
void hal_idle(void);
uint64_t hal_random(void);  // cheap, not for secrets that matter (see hal_entropy)
// Raw entropy from the hardware (64 bits): false when there is no source or it failed. The
// kernel's CPRNG (kernel/cprng.c) seeds from it plus timing jitter (hal_ticks).
bool hal_entropy(uint64_t *out);
const char *hal_entropy_source(void);  // its name, for the boot log ("none" when absent)
__attribute__((noreturn)) void hal_shutdown(int exit_code);  // exit_code as in docs/abi.md
__attribute__((noreturn)) void hal_halt(void);
void hal_cpu_memcpy_features(bool *erms, bool *fsrm, bool *sse2);
// CPUs: numbered 0..hal_cpu_count()-1, 0 the boot CPU. hal_cpu_count() is the number online,
// fixed once kernel_main runs. The others wait until hal_start_other_cpus.
#define HAL_MAX_CPUS 8
unsigned hal_cpu_count(void);
unsigned hal_cpu_id(void);  // the calling CPU's number
// Runs fn (which never returns: the executor) on every other CPU online, each holding the
// kernel lock in turn as the boot CPU does. Called once, by the boot CPU.
void hal_start_other_cpus(void (*fn)(void));
// Makes CPU `cpu` (not the caller) look at its executor soon: it leaves hal_idle, or the user
// thread it runs traps (HAL_TRAP_INTERRUPT).
void hal_cpu_kick(unsigned cpu);
// HAL_CPU_WORDS words per CPU that the kernel keeps for itself (hal_arch.h: hal_cpu_word(i),
// hal_cpu_word_set(i, v) reach the calling CPU's in an instruction or two). Another CPU's:
void hal_cpu_word_set_on(unsigned cpu, unsigned i, uintptr_t v);
// The kernel lock, a reader/writer lock (docs/smp.md). With one CPU these do nothing and the
// lock counts as held exclusively. Held exclusively, no other CPU runs kernel code; held
// shared, other CPUs may hold it shared too, and the code keeps the rules of the shared hold
// (docs/smp.md: object locks, nothing that blocks, allocates or resolves a fault).
// hal_kernel_lock: exclusive on return; a shared hold is dropped first (not atomically: other
// CPUs may run kernel code in between); an exclusive one is kept. hal_kernel_lock_shared: from
// no hold; it may give an exclusive hold instead (when this CPU owes interrupt work).
void hal_kernel_lock(void);
void hal_kernel_lock_shared(void);
bool hal_kernel_lock_exclusive(void);  // this CPU holds it exclusively
uint32_t hal_dcache_line_size(void);

// ---- boot information ----
struct hal_mem_range {
    paddr_t base;
    uint64_t size;
};
// Usable RAM ranges not occupied by the kernel image or boot data (initrd, cmdline).
size_t hal_boot_memory(const struct hal_mem_range **ranges);
uint64_t hal_total_memory(void);
const char *hal_boot_cmdline(void);
// The initrd (bootfs) as handed over by the loader; size 0 when absent.
void hal_boot_initrd(paddr_t *base, uint64_t *size);
// Kernel-entry timestamp (ticks), for the boot-time log line.
uint64_t hal_boot_ticks(void);

// ---- physical memory ----
extern uintptr_t hal_physmap_base;
static inline void *paddr_to_kva(paddr_t pa) { return (void *)(hal_physmap_base + pa); }
static inline paddr_t kva_to_paddr(const void *va) { return (uintptr_t)va - hal_physmap_base; }

// Provided by the kernel for the page-table code.
bool kernel_alloc_frame(paddr_t *pa);    // zeroed frame
void kernel_free_frame(paddr_t pa);

// ---- address spaces (user page tables; the kernel half is shared) ----
#define HAL_MMU_READ  1u
#define HAL_MMU_WRITE 2u
#define HAL_MMU_EXEC  4u

// struct hal_aspace is defined in hal_arch.h so the kernel can embed it.
//
// The user range of an address space, [hal_aspace_user_base, hal_aspace_user_end): every user
// address the kernel accepts for it lies there (its root VMAR, entry points, user copies while
// it is active). Fixed on bare metal; on the hosted backend each address space is its own
// window of the host process's address space. Valid once hal_aspace_init succeeded.
// A backend whose range is the same for every address space defines HAL_USER_BASE and
// HAL_USER_END in its hal_arch.h and gets these inline.
#ifdef HAL_USER_BASE
static inline uintptr_t hal_aspace_user_base(const struct hal_aspace *as) {
    (void)as;
    return HAL_USER_BASE;
}
static inline uintptr_t hal_aspace_user_end(const struct hal_aspace *as) {
    (void)as;
    return HAL_USER_END;
}
#else
uintptr_t hal_aspace_user_base(const struct hal_aspace *as);
uintptr_t hal_aspace_user_end(const struct hal_aspace *as);  // exclusive
#endif
zx_status_t hal_aspace_init(struct hal_aspace *as);
void hal_aspace_destroy(struct hal_aspace *as);  // frees page-table pages, not mapped frames
// Map one page (replacing any mapping there); flags 0 (no access) leaves it unmapped.
// ZX_ERR_NO_MEMORY if a table page is missing.
zx_status_t hal_aspace_map(struct hal_aspace *as, uintptr_t va, paddr_t pa, unsigned flags);
// Fault-around: maps page i of the run at va to pa[i] with flags[i] where nothing is mapped yet
// (HAL_NO_PAGE: leave page i alone). The run must not cross a 2 MiB boundary and its page table
// must exist (the fault just mapped a page of it); nothing is allocated. Returns how many it
// mapped.
#define HAL_NO_PAGE ((paddr_t)-1)
size_t hal_aspace_map_absent(struct hal_aspace *as, uintptr_t va, size_t n, const paddr_t *pa,
                             const unsigned *flags);
// Unmap [va, va+len); calls fn(ctx, va, pa) for each page that was mapped (may be NULL).
void hal_aspace_unmap(struct hal_aspace *as, uintptr_t va, size_t len,
                      void (*fn)(void *ctx, uintptr_t va, paddr_t pa), void *ctx);
void hal_aspace_protect(struct hal_aspace *as, uintptr_t va, size_t len, unsigned flags);
bool hal_aspace_query(struct hal_aspace *as, uintptr_t va, paddr_t *pa, unsigned *flags);
void hal_aspace_activate(struct hal_aspace *as);  // NULL = kernel only
// Lets user code of this address space use I/O ports [first, first + count) (allow) or takes
// them back. ZX_ERR_INVALID_ARGS past port 0xffff; ZX_ERR_NOT_SUPPORTED without port I/O.
zx_status_t hal_aspace_set_ioports(struct hal_aspace *as, uint32_t first, uint32_t count, bool allow);
uint64_t hal_aspace_table_pages(const struct hal_aspace *as);

// ---- user context ----
enum hal_trap_kind {
    HAL_TRAP_SYSCALL,     // `syscall` executed
    HAL_TRAP_SYSCALL_DONE,  // the registered syscall handler ran the call and asked to stop
                            // (hal_set_syscall_handler): its result is the uctx's return value
    HAL_TRAP_INTERRUPT,   // an interrupt arrived while in user mode (already handled)
    HAL_TRAP_PAGE_FAULT,  // fault_addr, fault_flags
    HAL_TRAP_EXCEPTION,   // any other CPU exception: vector, name
};
#define HAL_FAULT_WRITE   1u
#define HAL_FAULT_EXEC    2u
#define HAL_FAULT_PRESENT 4u  // the page was present: a protection fault

struct hal_trap {
    enum hal_trap_kind kind;
    uint32_t vector;
    uint32_t fault_flags;
    uintptr_t fault_addr;
    uint64_t error_code;  // the CPU's error code, 0 when it has none
    uintptr_t pc;
    const char *name;  // "general protection fault", ...
};

void hal_uctx_init(struct hal_uctx *u, uintptr_t pc, uintptr_t sp, uint64_t arg1, uint64_t arg2);
// Run the thread in user mode until it traps. Interrupts that arrive while it runs are
// handled (timer hook called) before this returns HAL_TRAP_INTERRUPT.
void hal_context_run(struct hal_uctx *u, struct hal_trap *trap);

// The syscall fast path. A backend may run a system call at once, on the kernel stack, without
// leaving hal_context_run: it calls the handler registered here (by the layer that owns
// syscalls) with the eight arguments, the number and the caller's pc, before the thread's full
// register state is saved. So the handler must not read or write the calling thread's uctx
// (hal_uctx_*), except through hal_uctx_set_tls_base, which takes effect at once. With
// HAL_SYSCALL_RETURN the thread goes straight back to user mode with `value` as the result;
// otherwise the backend saves the state (with `value` as the return value for
// HAL_SYSCALL_STOP; for HAL_SYSCALL_STOP_PENDING the result comes later, by
// hal_uctx_set_return) and hal_context_run returns HAL_TRAP_SYSCALL_DONE. A backend without a
// fast path (or a syscall that arrives another way) returns HAL_TRAP_SYSCALL instead, and the
// kernel decodes it from the uctx.
// hal/x86_64/entry.S tests these values as numbers (0, 2): keep them.
enum { HAL_SYSCALL_RETURN = 0, HAL_SYSCALL_STOP = 1, HAL_SYSCALL_STOP_PENDING = 2 };
struct hal_syscall_result {
    int64_t value;
    uint64_t stop;  // HAL_SYSCALL_*
};
// (The arguments first: the handler passes them on to the call's decoder as they came.)
typedef struct hal_syscall_result (*hal_syscall_fn)(const uint64_t args[8], uint64_t num, uintptr_t pc);
void hal_set_syscall_handler(hal_syscall_fn fn);
// The handler once other CPUs run the executor (hal_start_other_cpus): it is called without
// the kernel lock and takes it (hal_kernel_lock or hal_kernel_lock_shared); the backend drops
// whichever hold it has after HAL_SYSCALL_RETURN. It returns HAL_SYSCALL_STOP* holding the
// lock exclusively (the executor goes on with it). A one-CPU backend never calls it.
void hal_set_syscall_handler_smp(hal_syscall_fn fn);
// Direct calls (the shortest path, for a few hot calls; docs/performance.md): a backend may
// run syscall number n < count straight from its entry as fns[n](the eight argument
// registers, the caller's pc), with no argument array and no generic dispatch. The handler
// returns the call's result; the thread goes back to user mode with it at once while the
// calling CPU's word HAL_CPU_WORD_SYSCALL_STOP (hal_cpu_word) is 0. Otherwise the backend
// calls stop(result), which says how the call stops as the fast path's handler would; with
// HAL_SYSCALL_STOP_PENDING its value is the call's number (a call issued again needs it),
// and the backend then stops the thread as the fast path does.
// The registers come back as with the fast path. Inside the handler,
// hal_syscall_direct_regs(args) gives the eight argument registers as the caller passed them
// and returns the pc (for a call it hands to the fast path's handler; hal_arch.h). A backend without direct calls
// (or with several CPUs) ignores the list: these calls then take the fast path like any other.
#define HAL_CPU_WORD_SYSCALL_STOP 1  // hal/x86_64/entry.S tests it as %gs:72: keep it
typedef int64_t (*hal_syscall_direct_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                         uint64_t, uintptr_t pc);
typedef struct hal_syscall_result (*hal_syscall_direct_stop_fn)(int64_t result);
void hal_set_syscall_direct(const hal_syscall_direct_fn *fns, unsigned count, hal_syscall_direct_stop_fn stop);
uint64_t hal_uctx_syscall(const struct hal_uctx *u, uint64_t args[8]);  // returns the number
void hal_uctx_set_return(struct hal_uctx *u, uint64_t value);
uintptr_t hal_uctx_pc(const struct hal_uctx *u);
// The thread issues the syscall it trapped with again when it next runs: only valid while
// its registers still hold the call (no return value was set).
void hal_uctx_restart_syscall(struct hal_uctx *u);
void hal_uctx_release(struct hal_uctx *u);  // before the uctx's memory is freed
// The thread stops running on this CPU for now (it blocked, was preempted or moves): with
// several CPUs the HAL saves what it keeps lazily in the CPU (the FPU registers), so that
// another CPU may run it or read its state.
void hal_context_leave(struct hal_uctx *u);
// zx_thread_read_state / write_state for a stopped thread: kind is ZX_THREAD_STATE_*.
// Read: ZX_ERR_INVALID_ARGS (unknown kind), ZX_ERR_BUFFER_TOO_SMALL; *len = bytes produced.
// Write: ZX_ERR_INVALID_ARGS (kind, size or values), ZX_ERR_NOT_SUPPORTED.
zx_status_t hal_uctx_read_state(struct hal_uctx *u, uint32_t kind, void *buf, size_t *len);
zx_status_t hal_uctx_write_state(struct hal_uctx *u, uint32_t kind, const void *buf, size_t len);
// The thread-pointer base registers user code reads TLS through (x86-64: FS and GS bases).
// ZX_ERR_INVALID_ARGS for an address user mode could not use.
enum hal_tls_reg { HAL_TLS_FS, HAL_TLS_GS };
zx_status_t hal_uctx_set_tls_base(struct hal_uctx *u, enum hal_tls_reg reg, uintptr_t base);
// The memcpy routine user copies use (one that leaves SSE registers alone if the kernel
// does not save user SSE state on entry).
void hal_set_user_copy_routine(void *(*fn)(void *, const void *, size_t));
// The FPU/vector state of the user context lives in the uctx itself.

// ---- user copy (fault-safe) ----
// ZX_OK; ZX_ERR_INVALID_ARGS when the range is not entirely in the user range of the active
// address space;
// ZX_ERR_UNAVAILABLE when a page faulted (*fault_addr set): the caller may resolve the fault
// and retry. Partial copies may have happened.
zx_status_t hal_copy_from_user(void *dst, uintptr_t usrc, size_t len, uintptr_t *fault_addr);
zx_status_t hal_copy_to_user(uintptr_t udst, const void *src, size_t len, uintptr_t *fault_addr);
// The same, only inside a direct call's handler (hal_set_syscall_direct): the copy may leave the
// caller's vector registers changed (x86: xmm0-xmm3). The direct calls are made through the
// vDSO's C functions, whose callers expect that of any call.
zx_status_t hal_copy_from_user_direct(void *dst, uintptr_t usrc, size_t len, uintptr_t *fault_addr);
zx_status_t hal_copy_to_user_direct(uintptr_t udst, const void *src, size_t len, uintptr_t *fault_addr);

// Scatter/gather: one kernel run <-> a list of user buffers (a vectored stream read or write).
// A user buffer (the layout of zx_iovec_t).
struct hal_user_seg {
    uintptr_t addr;
    size_t len;
};
// A position in a list of user buffers.
struct hal_user_segs {
    const struct hal_user_seg *seg;  // the current buffer
    size_t used;                     // its bytes already copied
    size_t moved;                    // the bytes copied in all
};
// Copies the kernel run [k, k + len) to (to_user) or from the user buffers from *c on, in
// order, advancing *c past each piece that completes (a piece: the part of one buffer that
// falls in this run). The buffers from *c on hold at least len bytes; zero-length ones are
// passed over without a look at their address. Statuses as hal_copy_*_user, per piece; after
// ZX_ERR_INVALID_ARGS or ZX_ERR_UNAVAILABLE *c is at the start of the piece that failed (the
// bytes before it are copied; some of that piece may be), so the caller can resolve the fault
// and go on from c->moved - (its value at the start).
zx_status_t hal_copy_user_segs(struct hal_user_segs *c, void *k, size_t len, bool to_user, uintptr_t *fault_addr);

// ---- hooks the HAL calls into the kernel ----
void kernel_timer_interrupt(void);       // from interrupt context, interrupts disabled
__attribute__((noreturn)) void kernel_main(void);

#endif
