// Futexes: wait queues keyed by (address space, user address), made on demand.
#ifndef ZC_OBJECTS_FUTEX_H
#define ZC_OBJECTS_FUTEX_H

#include <stdint.h>
#include <zircon/types.h>

#include "kernel/list.h"
#include "kernel/wait.h"

struct thread;
struct vm_aspace;

struct futex {
    struct list_node bucket_link;
    const struct vm_aspace *as;
    uintptr_t addr;
    struct wait_queue waiters; // threads blocked in zx_futex_wait (WAIT_FUTEX), FIFO
    uint32_t nwaiters;         // waits that name this futex in their state: still queued, or
                               // woken by their deadline or a kill and not yet cancelled
    struct thread *owner;      // referenced; NULL = none
};

// The futex for (as, addr); created when `create`. NULL when absent or out of memory.
struct futex *futex_get(const struct vm_aspace *as, uintptr_t addr, bool create);
// Under the kernel lock's shared hold (docs/smp.md): true when no futex exists at addr (no
// waiter, no owner: a wake has nothing to do). The table changes only under the exclusive
// hold, so it is read without a lock.
bool futex_absent_shared(const struct vm_aspace *as, uintptr_t addr);
// Frees f if nobody waits and nobody owns it.
void futex_put(struct futex *f);
void futex_set_owner(struct futex *f, struct thread *t);
// Blocks thread t (the caller) on f until a wake, the deadline or a kill; its handler then
// returns SYS_BLOCKED.
void futex_block(struct futex *f, struct thread *t, zx_time_t deadline);
// Ends a futex wait that did not end by futex_wake (deadline, kill): may free f.
void futex_wait_cancel(struct waiter *w);
// Wakes up to n waiters (the first one gets ownership when `own`). Returns how many.
uint32_t futex_wake(struct futex *f, uint32_t n, bool own);
// Moves up to n waiters of `from` to `to`.
void futex_requeue(struct futex *from, struct futex *to, uint32_t n);
// A thread that dies releases the futexes it owns.
void futex_owner_died(struct thread *t);

#endif
