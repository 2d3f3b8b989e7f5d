#include "objects/handle.h"

#include <string.h>
#include <zircon/errors.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "kernel/heap.h"

#define IDX_BITS HANDLE_IDX_BITS
#define GEN_MASK HANDLE_GEN_MASK
#define VALUE_MASK HANDLE_VALUE_MASK

// No slots yet: lookups land on `none`, two free slots (each value names the other's index).
static void set_empty(struct handle_table *ht) {
    for (uint32_t i = 0; i < 2; i++) {
        ht->none[i].obj = NULL;
        ht->none[i].next_value = handle_encode(ht, i, 0);
        ht->none[i].value = handle_free_value(ht->none[i].next_value);
    }
    ht->slots = ht->none;
    ht->idx_mask = 1;
    ht->cap = ht->free_head = 0;
}

void handle_table_init(struct handle_table *ht, const void *owner) {
    ht->count = 0;
    ht->secret = (uint32_t)hal_random() & VALUE_MASK;
    ht->owner = owner;
    set_empty(ht);
}

// Sizes stay powers of two (32, doubling, up to the maximum) that an index can address, so
// cap - 1 masks an index (handle_slot_of).
_Static_assert((HANDLE_MAX_PER_PROCESS & (HANDLE_MAX_PER_PROCESS - 1)) == 0 &&
                   HANDLE_MAX_PER_PROCESS <= (1u << IDX_BITS) && HANDLE_MAX_PER_PROCESS >= 32,
               "handle table sizes");

// ZX_ERR_NO_RESOURCES when the table is at its maximum, ZX_ERR_NO_MEMORY when the larger slot
// array cannot be allocated (the allocation-failure sweep, docs/hosted.md).
static zx_status_t grow(struct handle_table *ht) {
    uint32_t ncap = ht->cap ? ht->cap * 2 : 32;
    if (ncap > HANDLE_MAX_PER_PROCESS) ncap = HANDLE_MAX_PER_PROCESS;
    if (ncap <= ht->cap) return ZX_ERR_NO_RESOURCES;
    struct handle_slot *n = kmalloc(ncap * sizeof(*n));
    if (!n) return ZX_ERR_NO_MEMORY;
    if (ht->cap) memcpy(n, ht->slots, ht->cap * sizeof(*n));
    for (uint32_t i = ht->cap; i < ncap; i++) {
        n[i].obj = NULL;
        n[i].next_value = handle_encode(ht, i, 0);
        n[i].value = handle_free_value(n[i].next_value);
        n[i].next_free = (i + 1 < ncap) ? i + 2 : ht->free_head;
    }
    ht->free_head = ht->cap + 1;
    if (ht->cap) kfree(ht->slots);
    ht->slots = n;
    ht->cap = ncap;
    ht->idx_mask = ncap - 1;
    return ZX_OK;
}

zx_status_t handle_install(struct handle_table *ht, struct kobj *obj, zx_rights_t rights,
                           zx_handle_t *out) {
    if (!ht->free_head) {
        zx_status_t st = grow(ht);
        if (st != ZX_OK) return st;
    }
    uint32_t idx = ht->free_head - 1;
    struct handle_slot *s = &ht->slots[idx];
    ht->free_head = s->next_free;
    s->obj = obj;
    s->rights = rights;
    ht->count++;
    *out = s->value = s->next_value;
    return ZX_OK;
}

// Always inlined: it sits on every handle-creating path (give_handles, channel reads).
__attribute__((always_inline)) inline zx_status_t handle_reserve_slot(struct handle_table *ht,
                                                                      struct handle_slot **slot, zx_handle_t *out) {
    if (!ht->free_head) {
        zx_status_t st = grow(ht);
        if (st != ZX_OK) return st;
    }
    uint32_t idx = ht->free_head - 1;
    struct handle_slot *s = &ht->slots[idx];
    ht->free_head = s->next_free;
    DEBUG_ASSERT(!s->obj && s->value == handle_free_value(s->next_value));  // invisible to lookups until committed
    *out = s->next_value;
    *slot = s;
    return ZX_OK;
}

__attribute__((always_inline)) inline zx_status_t handle_reserve(struct handle_table *ht, zx_handle_t *out) {
    struct handle_slot *s;
    return handle_reserve_slot(ht, &s, out);
}

__attribute__((always_inline)) inline void handle_commit_slot(struct handle_table *ht, struct handle_slot *s,
                                                              zx_handle_t h, struct kobj *obj, zx_rights_t rights) {
    DEBUG_ASSERT(!s->obj && s->value == handle_free_value(h));
    s->value = h;
    s->obj = obj;
    s->rights = rights;
    ht->count++;
}

static uint32_t reserved_index(const struct handle_table *ht, zx_handle_t h) {
    uint32_t idx = (((h >> 2) ^ ht->secret) & VALUE_MASK) & ((1u << IDX_BITS) - 1);
    DEBUG_ASSERT(idx < ht->cap && !ht->slots[idx].obj);
    return idx;
}

void handle_unreserve(struct handle_table *ht, zx_handle_t h) {
    uint32_t idx = reserved_index(ht, h);
    struct handle_slot *s = &ht->slots[idx];
    handle_next_generation(s);  // the value may have reached user memory: it must never become valid
    s->next_free = ht->free_head;
    ht->free_head = idx + 1;
}

void handle_commit_moved(struct handle_table *ht, zx_handle_t h, struct kobj *obj, zx_rights_t rights) {
    handle_commit_slot(ht, &ht->slots[reserved_index(ht, h)], h, obj, rights);
}

void handle_commit(struct handle_table *ht, zx_handle_t h, struct kobj *obj, zx_rights_t rights) {
    handle_commit_moved(ht, h, obj, rights);
    kobj_ref(obj);
    obj->handle_count++;
}

zx_status_t handle_add(struct handle_table *ht, struct kobj *obj, zx_rights_t rights,
                       zx_handle_t *out) {
    zx_status_t st = handle_install(ht, obj, rights, out);
    if (st == ZX_OK) {
        kobj_ref(obj);
        obj->handle_count++;
    }
    return st;
}


// Always inlined: handle_take and handle_detach sit on every close and every handle sent.
__attribute__((always_inline)) static inline zx_status_t remove_slot(struct handle_table *ht, zx_handle_t h,
                                                                     struct kobj **obj, zx_rights_t *rights,
                                                                     bool cancel) {
    struct handle_slot *s = handle_slot_of(ht, h);
    if (!s) return ZX_ERR_BAD_HANDLE;
    *obj = s->obj;
    if (rights) *rights = s->rights;
    if (cancel) kobj_cancel_handle(s->obj, ht->owner, h);
    handle_free_slot(ht, s);
    return ZX_OK;
}

// Always inlined: it sits on every close (the decoders of the calls that consume a handle).
__attribute__((always_inline)) inline zx_status_t handle_take(struct handle_table *ht, zx_handle_t h,
                                                              struct kobj **obj, zx_rights_t *rights) {
    return remove_slot(ht, h, obj, rights, true);
}

zx_status_t handle_detach(struct handle_table *ht, zx_handle_t h, struct kobj **obj, zx_rights_t *rights) {
    return remove_slot(ht, h, obj, rights, false);
}

void handle_release(struct kobj *obj) {
    ASSERT(obj->handle_count > 0);
    if (--obj->handle_count == 0 && obj->ops->on_zero_handles) {
        kobj_reap(obj, KOBJ_REAP_ZERO_HANDLES);
        return;
    }
    if (unlikely(obj->handle_count && obj->ops->handle_dropped)) {
        kobj_reap(obj, KOBJ_REAP_HANDLE_DROPPED);
        return;
    }
    kobj_unref(obj);
}

zx_status_t handle_close(struct handle_table *ht, zx_handle_t h) {
    struct kobj *obj;
    zx_status_t st = handle_take(ht, h, &obj, NULL);
    if (st == ZX_OK) handle_release(obj);
    return st;
}

void handle_table_destroy(struct handle_table *ht) {
    for (uint32_t i = 0; i < ht->cap; i++) {
        struct handle_slot *s = &ht->slots[i];
        if (!s->obj) continue;
        struct kobj *obj = s->obj;
        kobj_cancel_handle(obj, ht->owner, s->value);
        s->obj = NULL;
        s->value = handle_free_value(s->next_value);
        ht->count--;
        handle_release(obj);
    }
    if (ht->cap) kfree(ht->slots);
    set_empty(ht);
}
