// Per-process handle tables. A handle value encodes a slot index and the slot's generation,
// scrambled with a per-process secret, so stale or forged values fail with ZX_ERR_BAD_HANDLE.
#ifndef ZC_OBJECTS_HANDLE_H
#define ZC_OBJECTS_HANDLE_H

#include <stdint.h>
#include <zircon/types.h>

#include "objects/kobj.h"

#define HANDLE_MAX_PER_PROCESS (1u << 17)  // the slot array must fit one 4 MiB allocation

struct handle_slot {
    struct kobj *obj;      // NULL when free
    zx_rights_t rights;
    zx_handle_t next_value;  // the value it gets when next given out: its index and a
                             // generation bumped each time the slot is freed
    uint32_t next_free;    // free-list link (index + 1; 0 = end)
    zx_handle_t value;     // the value that names this slot now; when free or reserved, one
                           // that names another slot (handle.c: free_value)
};

struct handle_table {
    struct handle_slot *slots;  // cap slots; `none` while cap is 0
    uint32_t cap;          // 0 or a power of two
    uint32_t idx_mask;     // a value's index is masked with it: cap - 1 (1 while cap is 0)
    uint32_t count;        // handles in use
    uint32_t free_head;    // index + 1 of the first free slot; 0 = none
    uint32_t secret;
    const void *owner;     // the process (for observer cancellation)
    struct handle_slot none[2];  // an empty table's slots: free ones, that match no value
};

void handle_table_init(struct handle_table *ht, const void *owner);
// Closes every handle (process death).
void handle_table_destroy(struct handle_table *ht);

// Installs a new handle to obj; takes a new handle reference (handle_count and refcount).
zx_status_t handle_add(struct handle_table *ht, struct kobj *obj, zx_rights_t rights,
                       zx_handle_t *out) __attribute__((warn_unused_result));
// Installs a handle that already owns its reference (moved from a message or a table).
zx_status_t handle_install(struct handle_table *ht, struct kobj *obj, zx_rights_t rights,
                           zx_handle_t *out) __attribute__((warn_unused_result));
// Two-phase creation of a handle whose value must reach user memory first: reserve a slot
// (its value is known, it is not usable yet), write the value out, then either commit it
// (a new handle reference to obj, like handle_add; cannot fail) or unreserve it.
zx_status_t handle_reserve(struct handle_table *ht, zx_handle_t *out) __attribute__((warn_unused_result));
void handle_commit(struct handle_table *ht, zx_handle_t h, struct kobj *obj, zx_rights_t rights);
// The same for a handle reference the caller already owns (moved out of a message or a table).
void handle_commit_moved(struct handle_table *ht, zx_handle_t h, struct kobj *obj, zx_rights_t rights);
void handle_unreserve(struct handle_table *ht, zx_handle_t h);
// The same phases for a caller that commits right after writing the value out: the reserved
// slot is returned, and committing it installs a reference the caller gives (obj's
// handle_count is the caller's to bump, as for handle_commit_moved).
zx_status_t handle_reserve_slot(struct handle_table *ht, struct handle_slot **slot, zx_handle_t *out)
    __attribute__((warn_unused_result));
void handle_commit_slot(struct handle_table *ht, struct handle_slot *s, zx_handle_t h, struct kobj *obj,
                        zx_rights_t rights);
// A value: the slot index (IDX_BITS) and its generation (GEN_MASK), xor the table's secret.
#define HANDLE_IDX_BITS 18
#define HANDLE_GEN_MASK 0xfffu
#define HANDLE_VALUE_MASK ((1u << 30) - 1)

// A value: index and generation, xor the table's secret, in the bits user values may use.
static inline zx_handle_t handle_encode(const struct handle_table *ht, uint32_t idx, uint32_t gen) {
    uint32_t v = (((gen & HANDLE_GEN_MASK) << HANDLE_IDX_BITS) | idx) ^ ht->secret;
    return ((v & HANDLE_VALUE_MASK) << 2) | ZX_HANDLE_FIXED_BITS_MASK;
}

// What a free or reserved slot compares a value with (handle_slot_of): its next value with the
// lowest index bit flipped, which names another slot, so no value at all (not even
// ZX_HANDLE_INVALID, nor this slot's own) matches it there.
static inline zx_handle_t handle_free_value(zx_handle_t next_value) { return next_value ^ (1u << 2); }

// A slot was freed: the value it gets next has the next generation, so the values it had stay
// invalid (until the generation wraps). The generation is the value's top 12 bits (xor the
// secret's): one addition steps it and wraps it, and leaves the index and the fixed bits alone.
_Static_assert(HANDLE_IDX_BITS + 2 + 12 == 32 && HANDLE_GEN_MASK == 0xfffu, "the generation is a value's top 12 bits");
static inline void handle_next_generation(struct handle_slot *s) {
    s->next_value += 1u << (HANDLE_IDX_BITS + 2);
    s->value = handle_free_value(s->next_value);
}

// The index of the slot that value h names (in use or reserved).
static inline uint32_t handle_index(const struct handle_table *ht, zx_handle_t h) {
    return ((h >> 2) ^ ht->secret) & ht->idx_mask;
}

// Frees slot s, in use, whose handle reference the caller takes over (its waits stay, as for
// handle_detach): no lookup matches its value from now on.
static inline void handle_free_slot(struct handle_table *ht, struct handle_slot *s) {
    uint32_t idx = handle_index(ht, s->value);
    s->obj = NULL;
    handle_next_generation(s);
    s->next_free = ht->free_head;
    ht->free_head = idx + 1;
    ht->count--;
}

// The slot of h, or NULL. Inline: every syscall with a handle starts here. One comparison
// with the slot's current value checks the fixed bits, the generation and that the slot is
// in use (a free or reserved slot holds a value whose index is another slot's, so nothing
// matches it, ZX_HANDLE_INVALID included).
// The index is masked to the table's size, not compared with it: a value whose index is past
// the end lands on a slot whose value names a smaller index.
static inline struct handle_slot *handle_slot_of(struct handle_table *ht, zx_handle_t h) {
    uint32_t idx = ((h >> 2) ^ ht->secret) & ht->idx_mask;
    struct handle_slot *s = &ht->slots[idx];
    if (unlikely(s->value != h)) return NULL;
    DEBUG_ASSERT(s->obj && (h & ZX_HANDLE_FIXED_BITS_MASK) == ZX_HANDLE_FIXED_BITS_MASK);
    return s;
}

// Type-and-rights checked lookup; returns a held reference (kobj_unref when done).
// type 0 accepts any type. ZX_ERR_BAD_HANDLE, ZX_ERR_WRONG_TYPE, ZX_ERR_ACCESS_DENIED.
static inline __attribute__((warn_unused_result)) zx_status_t
handle_get(struct handle_table *ht, zx_handle_t h, uint32_t type, zx_rights_t rights, struct kobj **out,
           zx_rights_t *rights_out) {
    struct handle_slot *s = handle_slot_of(ht, h);
    if (unlikely(!s)) return ZX_ERR_BAD_HANDLE;
    if (unlikely(type && s->obj->type != type)) return ZX_ERR_WRONG_TYPE;
    if (unlikely((s->rights & rights) != rights)) return ZX_ERR_ACCESS_DENIED;
    kobj_ref(s->obj);
    *out = s->obj;
    if (rights_out) *rights_out = s->rights;
    return ZX_OK;
}
// Removes h from the table; the caller now owns its reference (give it to handle_install,
// a message, or handle_release).
zx_status_t handle_take(struct handle_table *ht, zx_handle_t h, struct kobj **obj,
                        zx_rights_t *rights);
// Like handle_take, but waits registered through h stay: the handle is travelling (a channel
// message) and its waits end when it arrives (handle_arrived) or is destroyed.
zx_status_t handle_detach(struct handle_table *ht, zx_handle_t h, struct kobj **obj, zx_rights_t *rights);
// Drops a handle reference that is not in any table.
void handle_release(struct kobj *obj);
// Runs the last-handle path (on_zero_handles, then the reference drop) for an object the kernel
// holds by its creation reference alone, e.g. the kernel's end of a channel.
static inline void handle_release_kernel_ref(struct kobj *obj) {
    obj->handle_count++;
    handle_release(obj);
}
// Removes and releases h.
zx_status_t handle_close(struct handle_table *ht, zx_handle_t h);

#endif
