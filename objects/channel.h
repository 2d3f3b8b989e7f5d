// Channels: bidirectional message queues carrying bytes and handles.
#ifndef ZC_OBJECTS_CHANNEL_H
#define ZC_OBJECTS_CHANNEL_H

#include <stdint.h>
#include <zircon/types.h>

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

struct channel {
    struct kobj obj;             // obj.peer = the other end, NULL once closed
    struct list_node messages;
    uint32_t count;
    struct wait_queue callers;   // zx_channel_call waiting for replies (WAIT_CHANNEL_CALL)
    struct message *spare;       // a small message read from this end, for the next write to it
};

static inline struct channel *to_channel(struct kobj *o) {
    return (struct channel *)kobj_checked(o, ZX_OBJ_TYPE_CHANNEL);
}

zx_status_t channel_create_pair(struct channel **a, struct channel **b) __attribute__((warn_unused_result));
struct message *message_alloc(uint32_t num_bytes, uint32_t num_handles);
void message_free(struct message *m);  // releases the handles it still holds
// A message to queue on dst (its spare one when it fits), or NULL.
struct message *channel_message_alloc(struct channel *dst, uint32_t num_bytes, uint32_t num_handles);
// Frees m, which was on ch's queue (or was to go there): a small one becomes ch's spare.
void channel_message_free(struct channel *ch, struct message *m);
// Queues m on the peer of ch. ZX_ERR_PEER_CLOSED (m untouched) when there is none.
zx_status_t channel_send(struct channel *ch, struct message *m) __attribute__((warn_unused_result));
struct message *channel_peek(struct channel *ch);
void channel_pop(struct channel *ch);  // removes the head message (not freed)
// The txid that the next zx_channel_call uses (never 0, high bit set like Zircon's kernel ids).
uint32_t channel_next_txid(void);

#endif
