// zc-bench: shared helpers of zc's benchmark families (see docs/microbenchmarks.md).
//
// Each family file registers its tests with PERFTEST_CTOR and guards every test whose
// syscalls may not exist yet with `#if defined(ZX_SYS_<name>)` (<syscalls/numbers.h> is
// generated from syscalls/syscalls.def), so the program always builds.
#ifndef ZC_BENCH_H
#define ZC_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <syscalls/numbers.h>
#include <zircon/syscalls.h>
#include <zircon/types.h>

#include "perftest.h"
#include "zcrt.h"

#define BENCH_PAGE_SIZE 4096u

const char *bench_status_name(zx_status_t st);

// Inside a test function: a failing call records "file:line: call: ZX_ERR_..." and makes the
// test return false.
#define BENCH_OK(state, expr)                                                             \
    do {                                                                                  \
        zx_status_t bench_st_ = (expr);                                                   \
        if (bench_st_ != ZX_OK) {                                                         \
            perftest_fail((state), "%s:%d: %s: %s", __FILE__, __LINE__, #expr,            \
                          bench_status_name(bench_st_));                                  \
            return false;                                                                 \
        }                                                                                 \
    } while (0)

#define BENCH_CHECK(state, cond)                                                          \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            perftest_fail((state), "%s:%d: check failed: %s", __FILE__, __LINE__, #cond); \
            return false;                                                                 \
        }                                                                                 \
    } while (0)

// Outside a test (helper threads and processes): a failing call prints and ends the whole
// process with status 3, so a broken server never leaves its client blocked forever.
#define BENCH_MUST(expr)                                                                  \
    do {                                                                                  \
        zx_status_t bench_st_ = (expr);                                                   \
        if (bench_st_ != ZX_OK) bench_die(__FILE__, __LINE__, #expr, bench_st_);          \
    } while (0)
_Noreturn void bench_die(const char *file, int line, const char *what, zx_status_t st);

// Keeps the compiler from dropping or reordering memory work around a measured copy.
static inline void bench_clobber(void) { __asm__ volatile("" ::: "memory"); }

// ---- the other side of a round trip: a thread of this process or a helper process --------------

#define BENCH_PEER_MAX_HANDLES 8u

// A server function; owns the handles (closes them before returning).
typedef void (*bench_server_fn)(zx_handle_t *handles, uint32_t count);

struct bench_server {
    const char *name;  // passed to the helper process as `--subprocess NAME`
    bench_server_fn fn;
};

// Registered server functions (bench_servers.c style table, filled by the families).
const struct bench_server *bench_find_server(const char *name);

struct bench_peer {
    bool is_process;
    zx_handle_t task;         // the thread or the process
    zx_vaddr_t stack;         // thread: its stack mapping
    size_t stack_size;
};

// Starts the server `name` on a new thread (multiprocess false) or in a new process running
// bin/zc-bench --subprocess NAME (multiprocess true). The handles are moved to it.
zx_status_t bench_peer_start(struct bench_peer *peer, bool multiprocess, const char *name,
                             const zx_handle_t *handles, uint32_t count);
// Waits until the thread or process has ended and releases it.
zx_status_t bench_peer_join(struct bench_peer *peer);

// Runs in the helper process: takes the extra startup handles and runs the named server,
// first pinned to CPU `cpu` when it is >= 0 (`--subprocess NAME --cpu N`).
int bench_subprocess_main(const char *name, int cpu);

// Pins `thread` to CPU `cpu` (mod the CPU count) with a one-CPU affinity profile
// (ZX_PROFILE_INFO_FLAG_CPU_MASK); cpu < 0 = every CPU online again. zc accepts the mask and does
// not apply it yet (docs/smp.md).
zx_status_t bench_pin_to_cpu(zx_handle_t thread, int cpu);

// >= 0: the servers bench_peer_start starts from now on pin themselves to this CPU (thread or
// helper process); -1 (the default): they are not pinned. Set by the SMP/RoundTrip_* tests.
extern int bench_peer_cpu;

// A plain thread running fn(arg) then zx_thread_exit (stack of stack_size bytes).
zx_status_t bench_thread_start(struct bench_peer *t, const char *name, void (*fn)(void *),
                               void *arg, size_t stack_size);

// The servers (round_trips.c).
extern const struct bench_server bench_servers[];
extern const uint32_t bench_num_servers;

#endif
