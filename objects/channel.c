#include "objects/channel.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/exception.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/handle.h"
#include "objects/task.h"

static struct slab_cache channel_cache;
static bool cache_ready;

struct message *message_alloc(uint32_t num_bytes, uint32_t num_handles) {
    bool small = message_fits_small(num_bytes, num_handles);
    uint32_t room_bytes = small ? MSG_SMALL_BYTES : num_bytes, room_handles = small ? MSG_SMALL_HANDLES : num_handles;
    size_t hoff = (sizeof(struct message) + room_bytes + 7) & ~7ul;
    struct message *m = kmalloc(hoff + room_handles * sizeof(struct msg_handle));
    if (!m) return NULL;
    m->small = small;
    m->num_bytes = num_bytes;
    m->num_handles = num_handles;
    m->handles = (struct msg_handle *)((char *)m + hoff);
    for (uint32_t i = 0; i < num_handles; i++) m->handles[i] = (struct msg_handle){0};
    return m;
}

void msg_handle_arrived(struct msg_handle *h) {
    if (h->obj && h->from_owner) kobj_cancel_handle(h->obj, h->from_owner, h->from_value);
    h->from_owner = NULL;
}

void message_release_handles(struct message *m) {
    for (uint32_t i = 0; i < m->num_handles; i++) {
        if (!m->handles[i].obj) continue;
        msg_handle_arrived(&m->handles[i]);
        handle_release(m->handles[i].obj);
    }
}

void message_free(struct message *m) {
    message_release_handles(m);
    kfree(m);
}


uint32_t channel_next_txid(void) {
    static uint32_t next;
    return 0x80000000u | (++next & 0x7fffffffu);
}

// An end whose peer is gone receives nothing more. When every handle to it is in messages on
// its own queue (a write of an end into its peer, then the peer closed), nothing can ever read
// them: the end would keep itself alive for good. Its queue is freed, which releases those
// handles and with the last one the end. Checked when the peer goes and when a handle to the
// end goes while its peer is gone (longer cycles, through several ends, are not found).
static void channel_drop_if_unreachable(struct channel *ch) {
    // No handle at all: an end the kernel holds by its reference (handle_release_kernel_ref).
    if (ch->obj.peer || list_empty(&ch->messages) || !ch->obj.handle_count) return;
    uint32_t inside = 0;
    list_for_each(&ch->messages, it) {
        const struct message *m = container_of(it, struct message, link);
        for (uint32_t i = 0; i < m->num_handles; i++) inside += m->handles[i].obj == &ch->obj;
    }
    if (inside != ch->obj.handle_count) return;
    // Take the queue off the end first: the last handle's release runs its on_zero_handles.
    struct list_node gone;
    list_init(&gone);
    struct list_node *n;
    while ((n = list_pop_head(&ch->messages))) list_add_tail(&gone, n);
    ch->count = 0;
    kobj_signal(&ch->obj, ZX_CHANNEL_READABLE, 0);
    kobj_ref(&ch->obj);  // the messages' handles may be all that keeps it
    while ((n = list_pop_head(&gone))) message_free(container_of(n, struct message, link));
    kobj_unref(&ch->obj);
}

static void channel_handle_dropped(struct kobj *o) { channel_drop_if_unreachable(to_channel(o)); }

static void channel_on_zero_handles(struct kobj *o) {
    struct channel *ch = to_channel(o);
    struct kobj *peer = o->peer;
    wait_queue_wake_all(&ch->callers, ZX_ERR_CANCELED);
    if (peer) {
        wait_queue_wake_all(&to_channel(peer)->callers, ZX_ERR_PEER_CLOSED);
        peer->peer = NULL;
        kobj_signal(peer, ZX_CHANNEL_WRITABLE, ZX_CHANNEL_PEER_CLOSED);
        o->peer = NULL;
        kobj_unref(o);
        channel_drop_if_unreachable(to_channel(peer));
        kobj_unref(peer);  // each end held a reference on the other
    }
    struct list_node *n;
    while ((n = list_pop_head(&ch->messages))) message_free(container_of(n, struct message, link));
    ch->count = 0;
    // Only a read through a handle, or a write to an end that has handles (an open peer),
    // leaves a spare: none comes after this.
    if (ch->spare) kfree(ch->spare);
    ch->spare = NULL;
}

static void channel_destroy(struct kobj *o) {
    DEBUG_ASSERT(!to_channel(o)->spare);  // freed with the last handle
    slab_free(to_channel(o));
}

static const struct kobj_ops channel_ops = {.on_zero_handles = channel_on_zero_handles,
                                            .destroy = channel_destroy,
                                            .handle_dropped = channel_handle_dropped,
                                            .named = true};

zx_status_t channel_create_pair(struct channel **a, struct channel **b) {
    if (!cache_ready) {
        slab_cache_init(&channel_cache, "channel", sizeof(struct channel));
        cache_ready = true;
    }
    struct channel *x = slab_alloc(&channel_cache), *y = slab_alloc(&channel_cache);
    if (!x || !y) {
        if (x) slab_free(x);
        if (y) slab_free(y);
        return ZX_ERR_NO_MEMORY;
    }
    kobj_init(&x->obj, ZX_OBJ_TYPE_CHANNEL, &channel_ops);
    kobj_init(&y->obj, ZX_OBJ_TYPE_CHANNEL, &channel_ops);
    list_init(&x->messages);
    list_init(&y->messages);
    wait_queue_init(&x->callers);
    wait_queue_init(&y->callers);
    x->count = y->count = 0;
    x->spare = y->spare = NULL;
    kobj_pair(&x->obj, &y->obj);
    x->obj.signals = y->obj.signals = ZX_CHANNEL_WRITABLE;
    *a = x;
    *b = y;
    return ZX_OK;
}

// A zx_channel_call on dst waits for m (its txid): hand it over and wake it.
__attribute__((noinline)) static bool reply_to_caller(struct channel *dst, struct message *m) {
    if (m->num_bytes < sizeof(uint32_t)) return false;
    uint32_t txid;
    memcpy(&txid, m->data, sizeof(txid));
    wait_queue_for_each(&dst->callers, w) {
        if (w->state.channel_call.txid != txid) continue;
        w->state.channel_call.reply = m;
        waiter_wake(w, ZX_OK);  // takes it off the queue: stop iterating
        return true;
    }
    return false;
}

zx_status_t channel_send(struct channel *ch, struct message *m) {
    struct kobj *peer = ch->obj.peer;
    if (!peer) return ZX_ERR_PEER_CLOSED;
    struct channel *dst = to_channel(peer);
    if (unlikely(!wait_queue_empty(&dst->callers)) && reply_to_caller(dst, m)) return ZX_OK;
    channel_enqueue(dst, m);
    return ZX_OK;
}

// Zircon's IPC limit: the write succeeds, and the writer gets a policy exception, which ends
// the process unless something handles it.
__attribute__((noinline, cold)) void channel_overfull(void) {
    current_raise_policy_exception(ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE);
}
