// zc user libc: a minimal spin lock for the few shared structures of the runtime
// (stdout buffer, heap). Holders never block, so spinning until the timer preempts the holder
// is enough on one CPU.
#ifndef ZC_USER_LOCK_H
#define ZC_USER_LOCK_H

typedef struct {
    int locked;
} zc_spinlock_t;

#define ZC_SPINLOCK_INIT {0}

static inline void zc_spin_lock(zc_spinlock_t *l) {
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            __builtin_ia32_pause();
    }
}

static inline void zc_spin_unlock(zc_spinlock_t *l) {
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
