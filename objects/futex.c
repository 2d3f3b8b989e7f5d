#include "objects/futex.h"

#include <zircon/errors.h>

#include "kernel/heap.h"
#include "objects/task.h"

#define BUCKETS 256

static struct list_node buckets[BUCKETS];
static bool ready;
static struct slab_cache futex_cache;

static struct list_node *bucket(const struct vm_aspace *as, uintptr_t addr) {
    uint64_t h = ((uintptr_t)as ^ (addr >> 2)) * 0x9e3779b97f4a7c15ull;
    return &buckets[h >> 56];
}

static struct futex *find(const struct vm_aspace *as, uintptr_t addr) {
    list_for_each(bucket(as, addr), it) {
        struct futex *f = container_of(it, struct futex, bucket_link);
        if (f->as == as && f->addr == addr) return f;
    }
    return NULL;
}

struct futex *futex_get(const struct vm_aspace *as, uintptr_t addr, bool create) {
    if (!ready) {
        for (int i = 0; i < BUCKETS; i++) list_init(&buckets[i]);
        slab_cache_init(&futex_cache, "futex", sizeof(struct futex));
        ready = true;
    }
    struct futex *f = find(as, addr);
    if (f || !create) return f;
    f = slab_alloc(&futex_cache);
    if (!f) return NULL;
    f->as = as;
    f->addr = addr;
    wait_queue_init(&f->waiters);
    f->nwaiters = 0;
    f->owner = NULL;
    list_add_tail(bucket(as, addr), &f->bucket_link);
    return f;
}

bool futex_absent_shared(const struct vm_aspace *as, uintptr_t addr) {
    return !ready || !find(as, addr);  // !ready: no futex was ever made
}

void futex_put(struct futex *f) {
    if (f->nwaiters || f->owner) return;
    list_delete(&f->bucket_link);
    slab_free(f);
}

void futex_set_owner(struct futex *f, struct thread *t) {
    if (f->owner == t) return;
    if (f->owner) {
        f->owner->owned_futexes--;
        kobj_unref(&f->owner->obj);
    }
    f->owner = t;
    if (t) {
        kobj_ref(&t->obj);
        t->owned_futexes++;
    }
}

uint32_t futex_wake(struct futex *f, uint32_t n, bool own) {
    uint32_t woken = 0;
    futex_set_owner(f, NULL);
    struct waiter *w;
    while (woken < n && (w = wait_queue_head(&f->waiters))) {
        f->nwaiters--;
        w->state.futex.futex = NULL;
        if (own && woken == 0) futex_set_owner(f, task_thread(waiter_task(w)));
        waiter_wake(w, ZX_OK);
        woken++;
    }
    return woken;
}

void futex_requeue(struct futex *from, struct futex *to, uint32_t n) {
    struct waiter *w;
    while (n-- && (w = wait_queue_move_one(&from->waiters, &to->waiters))) {
        from->nwaiters--;
        to->nwaiters++;
        w->state.futex.futex = to;
    }
}

static int64_t futex_cont(struct task *t, zx_status_t reason) { return reason; }

void futex_block(struct futex *f, struct thread *t, zx_time_t deadline) {
    f->nwaiters++;
    t->task.wait.state.futex.futex = f;
    wait_block(&t->task, &f->waiters, WAIT_FUTEX, deadline, futex_cont);
}

void futex_wait_cancel(struct waiter *w) {
    struct futex *f = w->state.futex.futex;
    if (!f) return;  // futex_wake ended it
    w->state.futex.futex = NULL;
    f->nwaiters--;
    futex_put(f);
}

void futex_owner_died(struct thread *t) {
    if (!t->owned_futexes || !ready) return;
    for (int i = 0; i < BUCKETS; i++) {
        list_for_each_safe(&buckets[i], it, tmp) {
            struct futex *f = container_of(it, struct futex, bucket_link);
            if (f->owner != t) continue;
            futex_set_owner(f, NULL);
            futex_put(f);
        }
    }
}
