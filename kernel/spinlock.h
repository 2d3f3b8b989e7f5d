// Spin locks for the kernel lock's shared hold (docs/smp.md, "Locking"). Under the exclusive
// hold (and with one CPU) no other CPU runs kernel code, so code there takes none; code under
// the shared hold takes the lock of each object whose state it reads or writes, and holds it
// only for a few moves: it never blocks, allocates, calls out to observers or resolves a fault
// with one held. Functions named _locked expect the caller to hold the lock they guard by
// (or the exclusive hold): spin_assert_held checks it in debug builds.
#ifndef ZC_KERNEL_SPINLOCK_H
#define ZC_KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal.h"
#include "kernel/debug.h"

struct spinlock {
    uint32_t holder;  // 0 free, else the holding CPU's number + 1
};
#define SPINLOCK_INIT {0}

static inline void spin_lock(struct spinlock *l) {
    uint32_t me = hal_cpu_id() + 1;
    DEBUG_ASSERT(__atomic_load_n(&l->holder, __ATOMIC_RELAXED) != me);  // not recursive
    for (;;) {
        uint32_t free = 0;
        if (likely(__atomic_compare_exchange_n(&l->holder, &free, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)))
            return;
        while (__atomic_load_n(&l->holder, __ATOMIC_RELAXED)) hal_cpu_relax();
    }
}

static inline void spin_unlock(struct spinlock *l) {
    DEBUG_ASSERT(__atomic_load_n(&l->holder, __ATOMIC_RELAXED) == hal_cpu_id() + 1);
    __atomic_store_n(&l->holder, 0, __ATOMIC_RELEASE);
}

static inline bool spin_held(const struct spinlock *l) {
    return __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == hal_cpu_id() + 1;
}

// The state l guards may be touched here: l is held, or the kernel lock exclusively.
#define spin_assert_held(l) DEBUG_ASSERT(spin_held(l) || hal_kernel_lock_exclusive())

#endif
