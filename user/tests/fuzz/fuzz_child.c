// bin/fuzz-child SEED CALLS [THREADS]: makes CALLS random system calls (from the table generated
// from syscalls.def, user/tests/hostile) with arguments drawn from live handles, boundary values
// and hostile pointers, writing its progress (calls made) into the VMO it got as ZC_HND_USER0
// every 64 calls (a second word: the other threads' calls). It may die (a fault, a kill of itself) or block forever: bin/fuzz-guest, its
// parent, restarts it with the next seed. It has no root resource. See docs/hostile.md.
// With THREADS > 1, THREADS - 1 more threads make random calls too, on the same handles and
// memory, until the first thread has made its CALLS and the process exits: calls race on
// every CPU (handles closed under another thread's call, buffers changed while copied).
//
// bin/fuzz-child - CALLS: input mode (bin/fuzz-hosted, libFuzzer's inputs, hal/hosted/fuzz):
// the choices come from the bytes of the VMO given as ZC_HND_USER0 + 1 (a 4-byte length, then
// the bytes) instead of the generator, one byte for a choice among at most 256, two for one
// among at most 65536, eight otherwise; it stops when they run out (or after CALLS calls).
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user/tests/hostile/hostile.h"
#include "zcrt.h"

#define POOL 48
#define SCRATCH 8192

// One calling thread's generator (xorshift64*).
struct fuzzer {
    uint64_t rng;
};

static zx_handle_t pool[POOL];
static uint8_t scratch[SCRATCH] __attribute__((aligned(4096)));

static const uint8_t *input;  // input mode: the bytes left
static size_t input_left;

static uint64_t take(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n && input_left; i++, input_left--) v |= (uint64_t)*input++ << (8 * i);
    return v;
}

static uint64_t next(struct fuzzer *f) {
    if (input) return take(8);
    f->rng ^= f->rng >> 12;
    f->rng ^= f->rng << 25;
    f->rng ^= f->rng >> 27;
    return f->rng * 0x2545f4914f6cdd1dull;
}
static uint64_t below(struct fuzzer *f, uint64_t n) {
    if (!n) return 0;
    if (input) return take(n <= 256 ? 1 : n <= 65536 ? 2 : 8) % n;
    return next(f) % n;
}

static uint8_t input_buf[65536];

// Input mode: the bytes of the VMO tagged ZC_HND_USER0 + 1.
static bool read_input(void) {
    zx_handle_t vmo = zc_take_handle(ZC_HND_USER0 + 1);
    uint32_t len = 0;
    if (zx_vmo_read(vmo, &len, 0, sizeof(len)) != ZX_OK || len > sizeof(input_buf) ||
        zx_vmo_read(vmo, input_buf, sizeof(len), len) != ZX_OK)
        return false;
    zx_handle_close(vmo);
    input = input_buf;
    input_left = len;
    return true;
}

static void add(struct fuzzer *f, zx_handle_t h) {
    if (h == ZX_HANDLE_INVALID)
        return;
    uint32_t slot = (uint32_t)below(f, POOL);
    for (uint32_t i = 0; i < POOL; i++)
        if (pool[i] == ZX_HANDLE_INVALID) {
            slot = i;
            break;
        }
    if (pool[slot] != ZX_HANDLE_INVALID)
        zx_handle_close(pool[slot]);
    pool[slot] = h;
}

static void seed_pool(struct fuzzer *f) {
    zx_handle_t a, b;
    for (int i = 0; i < 2; i++) {
        if (zx_vmo_create(4 * 4096, i ? ZX_VMO_RESIZABLE : 0, &a) == ZX_OK) add(f, a);
        if (zx_channel_create(0, &a, &b) == ZX_OK) add(f, a), add(f, b);
        if (zx_event_create(0, &a) == ZX_OK) add(f, a);
        if (zx_eventpair_create(0, &a, &b) == ZX_OK) add(f, a), add(f, b);
        if (zx_port_create(0, &a) == ZX_OK) add(f, a);
        if (zx_socket_create(i ? ZX_SOCKET_DATAGRAM : 0, &a, &b) == ZX_OK) add(f, a), add(f, b);
        if (zx_fifo_create(16, 8, 0, &a, &b) == ZX_OK) add(f, a), add(f, b);
        if (zx_timer_create(0, ZX_CLOCK_MONOTONIC, &a) == ZX_OK) add(f, a);
        if (zx_clock_create(0, NULL, &a) == ZX_OK) add(f, a);
    }
    zx_handle_t job, proc, vmar, thread;
    if (zx_job_create(zx_job_default(), 0, &job) == ZX_OK) {
        add(f, job);
        if (zx_process_create(job, "fuzz-grandchild", 15, 0, &proc, &vmar) == ZX_OK) {
            add(f, proc);
            add(f, vmar);
            if (zx_thread_create(proc, "t", 1, 0, &thread) == ZX_OK) add(f, thread);
        }
    }
    uintptr_t addr;
    if (zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE, 0,
                         64 * 4096, &vmar, &addr) == ZX_OK)
        add(f, vmar);
}

static uint64_t handle_value(struct fuzzer *f) {
    uint64_t r = below(f, 100);
    if (r < 80) return pool[below(f, POOL)];
    if (r < 88) return ZX_HANDLE_INVALID;
    if (r < 96) return (uint32_t)next(f);
    switch (below(f, 4)) {  // our own task handles, rarely: killing ourselves ends the run
    case 0: return zx_process_self();
    case 1: return zx_thread_self();
    case 2: return zx_vmar_root_self();
    default: return zx_job_default();
    }
}

static uint64_t pointer_value(struct fuzzer *f) {
    static const uint64_t hostile[] = {
        0, 0xffffffff80100000ull, 0xffff800000100000ull, 0x0000800000000000ull,
        0x8000000000000000ull, 0x1000, 0x7ffffffff000ull, ~0ull};
    uint64_t r = below(f, 100);
    if (r < 70) return (uintptr_t)scratch + (below(f, 4) ? 8 * below(f, SCRATCH / 8 / 2) : below(f, SCRATCH));
    if (r < 90) return hostile[below(f, sizeof(hostile) / sizeof(hostile[0]))];
    return next(f);
}

static bool contains(const char *s, const char *part) {
    size_t n = strlen(part);
    for (; *s; s++)
        if (!strncmp(s, part, n))
            return true;
    return false;
}

static uint64_t scalar_value(struct fuzzer *f, const struct hostile_arg *a) {
    static const uint64_t edges[] = {0, 1, 2, 3, 7, 8, 16, 64, 4096, 4097, 65536, 1u << 20,
                                     0x7fffffff, 0x80000000u, 0xffffffffu, 1ull << 32,
                                     1ull << 40, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                     ~0ull, ~0ull - 4095};
    if (contains(a->name, "deadline")) {
        // Input mode never blocks forever (zero bytes, the commonest, would pick it often).
        if (!input && !below(f, 4096)) return ZX_TIME_INFINITE;
        // Input mode: under 50 us, so that an input's waits do not dominate its run time.
        return below(f, 2) ? 0 : zx_deadline_after((zx_duration_t)below(f, input ? ZX_USEC(50) : ZX_MSEC(1)));
    }
    uint64_t r = below(f, 100);
    if (r < 30) return a->baseline;
    if (r < 55) return below(f, 65);
    if (r < 80) return edges[below(f, sizeof(edges) / sizeof(edges[0]))];
    if (r < 90) return 1ull << below(f, 64);
    return next(f);
}

static bool excluded(const struct hostile_call *c) {
    // Random bytes on the serial console could forge the harness's protocol lines.
    return !strcmp(c->name, "debug_write") || !strcmp(c->name, "debuglog_write");
}

// One random call: a syscall, arguments for it, and the handles it made kept in the pool.
static void one_call(struct fuzzer *f) {
    const struct hostile_call *c = &hostile_calls[below(f, hostile_num_calls)];
    if (excluded(c))
        return;
    uint64_t a[8] = {0};
    for (uint8_t i = 0; i < c->num_args; i++) {
        const struct hostile_arg *arg = &c->args[i];
        a[i] = arg->kind == HA_HANDLE ? handle_value(f)
               : arg->kind == HA_SCALAR ? scalar_value(f, arg)
                                        : pointer_value(f);
    }
    if (c->fn(a) == ZX_OK) {
        // Keep the handles a creating call returned into our scratch buffer.
        for (uint8_t i = 0; i < c->num_args; i++) {
            uintptr_t p = a[i];
            if (c->args[i].handle_out && p >= (uintptr_t)scratch &&
                p + sizeof(zx_handle_t) <= (uintptr_t)scratch + SCRATCH) {
                zx_handle_t h;
                memcpy(&h, (void *)p, sizeof(h));
                add(f, h);
            }
        }
    }
}

// The other calling threads: random calls until the process exits (or one of them kills it,
// or its thread, or unmaps its stack). Their calls, counted together, go to the progress VMO's
// second word every 64, so the parent's watchdog sees a child whose first thread is blocked
// while the others still call.
#define WORKER_STACK (64 * 1024)
#define MAX_THREADS 8

static zx_handle_t progress = ZX_HANDLE_INVALID;
static volatile uint64_t worker_calls;

static _Noreturn void worker(uintptr_t seed, uintptr_t unused) {
    (void)unused;
    struct fuzzer f = {.rng = seed};
    for (;;) {
        one_call(&f);
        uint64_t n = __atomic_add_fetch(&worker_calls, 1, __ATOMIC_RELAXED);
        if ((n & 63) == 0)
            zx_vmo_write(progress, &n, sizeof(n), sizeof(n));
    }
}

static void start_workers(unsigned threads, uint64_t seed) {
    for (unsigned i = 1; i < threads && i < MAX_THREADS; i++) {
        zx_handle_t vmo, thread;
        uintptr_t stack;
        if (zx_vmo_create(WORKER_STACK, 0, &vmo) != ZX_OK)
            return;
        zx_status_t st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                                     WORKER_STACK, &stack);
        zx_handle_close(vmo);
        if (st != ZX_OK || zx_thread_create(zx_process_self(), "fuzz-worker", 11, 0, &thread) != ZX_OK)
            return;
        zc_thread_register(thread, stack, WORKER_STACK);
        // Entered as if called: rsp + 8 is 16-byte aligned.
        if (zx_thread_start(thread, (uintptr_t)worker, stack + WORKER_STACK - 8,
                            (uintptr_t)(seed * (i + 1) * 0x9e3779b97f4a7c15ull + i), 0) != ZX_OK)
            zc_thread_unregister(thread);
    }
}

int main(int argc, char **argv) {
    if (argc < 3)
        return 2;
    struct fuzzer main_fuzzer = {0}, *f = &main_fuzzer;
    uint64_t seed = 0;
    if (!strcmp(argv[1], "-")) {
        if (!read_input())
            return 3;
    } else {
        seed = strtoull(argv[1], NULL, 0);
        f->rng = seed * 0x9e3779b97f4a7c15ull + 1;
    }
    uint64_t calls = strtoull(argv[2], NULL, 0);
    unsigned threads = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 1;
    progress = zc_take_handle(ZC_HND_USER0);
    seed_pool(f);
    if (!input)  // input mode replays one byte string: one thread
        start_workers(threads, seed);
    for (uint64_t n = 1; n <= calls; n++) {
        if (input && !input_left) {  // input mode: the bytes ran out
            uint64_t made = n - 1;
            zx_vmo_write(progress, &made, 0, sizeof(made));
            break;
        }
        one_call(f);
        if ((n & 63) == 0 || n == calls)
            zx_vmo_write(progress, &n, 0, sizeof(n));
    }
    return 0;
}
