// Channels: bidirectional message queues carrying bytes and handles.
#ifndef ZC_OBJECTS_CHANNEL_H
#define ZC_OBJECTS_CHANNEL_H

#include <stdint.h>
#include <zircon/types.h>

#include "kernel/heap.h"
#include "kernel/wait.h"
#include "objects/kobj.h"

struct msg_handle {
    struct kobj *obj;  // owns a handle reference
    zx_rights_t rights;
    const void *from_owner;  // the table it left, and its value there: waits registered
    zx_handle_t from_value;  // through it end when it arrives or dies (NULL owner: none)
};

// The handle in slot h of m arrived in a table (or is being destroyed): end its old waits.
void msg_handle_arrived(struct msg_handle *h);

// Messages of up to MSG_SMALL_BYTES bytes and MSG_SMALL_HANDLES handles all take one
// allocation size, so a freed one can carry any other: each endpoint keeps the last small
// message read from it (channel.spare) for the next write to it, and a steady write/read
// exchange allocates nothing.
#define MSG_SMALL_BYTES 128
#define MSG_SMALL_HANDLES 4

struct message {
    struct list_node link;
    uint32_t num_bytes;
    uint32_t num_handles;
    bool small;                  // MSG_SMALL_BYTES and MSG_SMALL_HANDLES of room
    struct msg_handle *handles;  // points into the same allocation, after the bytes
    uint8_t data[];
};

// Messages one endpoint may hold unread (Zircon's limit): a write beyond it still queues, and
// raises ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE in the writer (docs/limits.md).
#define CHANNEL_MAX_PENDING 3500

// Locking (docs/smp.md): [pair] fields are guarded by the pair's lock (kobj_lock) under the
// kernel lock's shared hold; [excl] fields change only under the exclusive hold.
struct channel {
    struct kobj obj;             // obj.peer [excl] = the other end, NULL once closed
    struct list_node messages;   // [pair]
    uint32_t count;              // [pair]
    struct wait_queue callers;   // [excl] zx_channel_call waiting for replies (WAIT_CHANNEL_CALL)
    struct message *spare;       // [pair] a small message read from this end, for the next write to it
};

static inline struct channel *to_channel(struct kobj *o) {
    return (struct channel *)kobj_checked(o, ZX_OBJ_TYPE_CHANNEL);
}

zx_status_t channel_create_pair(struct channel **a, struct channel **b) __attribute__((warn_unused_result));
struct message *message_alloc(uint32_t num_bytes, uint32_t num_handles);
void message_free(struct message *m);  // releases the handles it still holds
void message_release_handles(struct message *m);

static inline bool message_fits_small(uint32_t num_bytes, uint32_t num_handles) {
    return num_bytes <= MSG_SMALL_BYTES && num_handles <= MSG_SMALL_HANDLES;
}

// A message to queue on dst (its spare one when it fits), or NULL. The channel fast paths
// use these inline helpers; the spare makes a write/read pair allocate nothing.
static inline struct message *channel_message_alloc(struct channel *dst, uint32_t num_bytes,
                                                    uint32_t num_handles) {
    struct message *m = dst->spare;
    if (unlikely(!m || !message_fits_small(num_bytes, num_handles))) return message_alloc(num_bytes, num_handles);
    dst->spare = NULL;
    m->num_bytes = num_bytes;
    m->num_handles = num_handles;
    for (uint32_t i = 0; i < num_handles; i++) m->handles[i] = (struct msg_handle){0};
    return m;
}

// Frees m, which was on ch's queue (or was to go there): a small one becomes ch's spare.
// Releasing its handles cannot end ch: the caller's handle keeps it.
static inline void channel_message_free(struct channel *ch, struct message *m) {
    if (m->num_handles) message_release_handles(m);
    if (likely(m->small && !ch->spare)) ch->spare = m;
    else kfree(m);
}

// Queues m on the peer of ch. ZX_ERR_PEER_CLOSED (m untouched) when there is none.
zx_status_t channel_send(struct channel *ch, struct message *m) __attribute__((warn_unused_result));

// The part of channel_send once the peer dst is known open and no zx_channel_call on it
// takes m as its reply.
void channel_overfull(void);
static inline void channel_enqueue(struct channel *dst, struct message *m) {
    list_add_tail(&dst->messages, &m->link);
    if (dst->count++ == 0) kobj_signal(&dst->obj, 0, ZX_CHANNEL_READABLE);
    if (unlikely(dst->count > CHANNEL_MAX_PENDING)) channel_overfull();
}

static inline struct message *channel_peek(struct channel *ch) {
    if (list_empty(&ch->messages)) return NULL;
    return container_of(ch->messages.next, struct message, link);
}

// Removes the head message (not freed).
static inline void channel_pop(struct channel *ch) {
    list_delete(ch->messages.next);
    if (--ch->count == 0) kobj_signal(&ch->obj, ZX_CHANNEL_READABLE, 0);
}
// The txid that the next zx_channel_call uses (never 0, high bit set like Zircon's kernel ids).
uint32_t channel_next_txid(void);

#endif
