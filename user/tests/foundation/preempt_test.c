// A thread that never blocks must not starve the others: on one CPU only the timer
// interrupt can switch between two busy threads.
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "zcrt.h"
#include "zctest.h"

#define SPIN_STACK_SIZE (64u * 1024u)
#define WANT_ADVANCE 1000u  // spinner increments the main thread must see
#define WANT_CHANGES 3u     // distinct observations of the other side moving

struct spin_state {
    uint64_t spinner_count;  // written by the spinner
    uint64_t main_count;     // written by the main thread
    uint64_t main_seen;      // times the spinner saw main_count change
    int stop;                // set by the main thread
};

static uint64_t load(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

static _Noreturn void spinner(uintptr_t arg1, uintptr_t arg2) {
    (void)arg2;
    struct spin_state *s = (struct spin_state *)arg1;
    uint64_t last_main = load(&s->main_count);
    while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&s->spinner_count, load(&s->spinner_count) + 1, __ATOMIC_RELAXED);
        uint64_t m = load(&s->main_count);
        if (m != last_main) {
            last_main = m;
            __atomic_store_n(&s->main_seen, load(&s->main_seen) + 1, __ATOMIC_RELAXED);
        }
    }
    zx_thread_exit();
}

TEST(Preempt, BusyLoopDoesNotStarve) {
    static struct spin_state s;
    memset(&s, 0, sizeof(s));

    zx_handle_t stack_vmo, thread;
    zx_vaddr_t stack;
    ASSERT_OK(zx_vmo_create(SPIN_STACK_SIZE, 0, &stack_vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack_vmo,
                          0, SPIN_STACK_SIZE, &stack));
    EXPECT_OK(zx_handle_close(stack_vmo));
    static const char name[] = "spinner";
    ASSERT_OK(zx_thread_create(zx_process_self(), name, sizeof(name) - 1, 0, &thread));
    // Entered as if called: rsp + 8 is 16-byte aligned.
    ASSERT_OK(zx_thread_start(thread, (uintptr_t)spinner, stack + SPIN_STACK_SIZE - 8,
                              (uintptr_t)&s, 0));

    // Busy-wait, never blocking, until both sides have seen the other make progress.
    zx_time_t deadline = zx_deadline_after(ZX_SEC(10));
    uint64_t first = load(&s.spinner_count), last = first;
    unsigned changes = 0;
    bool done = false;
    while (!done && zx_clock_get_monotonic() < deadline) {
        __atomic_store_n(&s.main_count, load(&s.main_count) + 1, __ATOMIC_RELAXED);
        uint64_t now = load(&s.spinner_count);
        if (now != last) {
            last = now;
            changes++;
        }
        done = now - first >= WANT_ADVANCE && changes >= WANT_CHANGES &&
               load(&s.main_seen) >= WANT_CHANGES;
    }
    __atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);

    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(thread, ZX_THREAD_TERMINATED, zx_deadline_after(ZX_SEC(10)),
                                 &observed));
    EXPECT_TRUE(observed & ZX_THREAD_TERMINATED);
    EXPECT_OK(zx_handle_close(thread));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), stack, SPIN_STACK_SIZE));

    EXPECT_TRUE(done);
    EXPECT_GE(last - first, WANT_ADVANCE);
    EXPECT_GE(changes, WANT_CHANGES);
    EXPECT_GE(load(&s.main_seen), WANT_CHANGES);
}
