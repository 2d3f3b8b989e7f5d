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

// ---- ends that only messages on unreadable queues keep alive ----
//
// An end whose peer is gone receives nothing more. If every handle to it is in messages on the
// queues of such ends, themselves held only that way (an end written into its own queue
// through its peer, or two ends written into each other's queues, and then the peers closed),
// no thread can ever read those messages: the ends would keep each other alive for good, after
// every process that made them has died. channel_collect finds such a set from one end and
// frees the set's queues, which releases the handles and so the ends. It runs when an end's
// peer goes and when a handle to a peerless end goes (the only two ways such a set forms);
// always from the reaper, so the handles it releases queue their own work instead of nesting.
// The search is bounded (COLLECT_MAX_ENDS ends, COLLECT_MAX_HANDLES handles looked at, each
// queue scanned at most three times): a larger structure is left alone.
#define COLLECT_MAX_ENDS 64
#define COLLECT_MAX_HANDLES 1024

// An end such a set may contain: no peer, some handles (an end with none is held by the
// kernel, e.g. userboot's), and messages (an end that holds nothing goes with its last handle).
static bool collect_candidate(struct kobj *o) {
    return o && o->type == ZX_OBJ_TYPE_CHANNEL && !o->peer && o->handle_count &&
           !list_empty(&to_channel(o)->messages);
}

static struct {
    struct channel *end[COLLECT_MAX_ENDS];
    uint32_t inside[COLLECT_MAX_ENDS];  // its handles found on the queues of the set
    bool reached[COLLECT_MAX_ENDS];     // some reader can reach it
    uint32_t todo[COLLECT_MAX_ENDS];    // reached ends whose queues are still to be followed
    uint32_t n;
} collect;  // one search at a time: the kernel lock's exclusive hold, and it never nests

static int collect_index(const struct kobj *o) {
    for (uint32_t i = 0; i < collect.n; i++)
        if (&collect.end[i]->obj == o) return (int)i;
    return -1;
}

// Runs body for each handle on end i's queue to an end of the set, j its index.
#define COLLECT_EDGES(i, j, body)                                                     \
    list_for_each(&collect.end[i]->messages, it_) {                                   \
        const struct message *m_ = container_of(it_, struct message, link);           \
        for (uint32_t h_ = 0; h_ < m_->num_handles; h_++) {                           \
            int j = collect_index(m_->handles[h_].obj);                               \
            if (j >= 0) body;                                                          \
        }                                                                              \
    }

static void channel_collect(struct channel *start) {
    if (!collect_candidate(&start->obj)) return;
    // The candidates: start and the candidate ends its queue holds, and theirs.
    collect.n = 0;
    collect.end[collect.n++] = start;
    uint32_t looked = 0;
    for (uint32_t i = 0; i < collect.n; i++) {
        list_for_each(&collect.end[i]->messages, it) {
            const struct message *m = container_of(it, struct message, link);
            for (uint32_t h = 0; h < m->num_handles; h++) {
                struct kobj *o = m->handles[h].obj;
                if (++looked > COLLECT_MAX_HANDLES) return;
                if (!collect_candidate(o) || collect_index(o) >= 0) continue;
                if (collect.n == COLLECT_MAX_ENDS) return;
                collect.end[collect.n++] = to_channel(o);
            }
        }
    }
    for (uint32_t i = 0; i < collect.n; i++) collect.inside[i] = 0;
    for (uint32_t i = 0; i < collect.n; i++) COLLECT_EDGES(i, j, collect.inside[j]++);
    // Reachable: an end with a handle elsewhere (a table, another queue, a call's reply), and
    // whatever a reachable end's queue holds.
    uint32_t todo = 0;
    for (uint32_t i = 0; i < collect.n; i++) {
        collect.reached[i] = collect.inside[i] < collect.end[i]->obj.handle_count;
        if (collect.reached[i]) collect.todo[todo++] = i;
    }
    while (todo) {
        uint32_t i = collect.todo[--todo];
        COLLECT_EDGES(i, j, if (!collect.reached[j]) {
            collect.reached[j] = true;
            collect.todo[todo++] = (uint32_t)j;
        });
    }
    if (collect.reached[0]) return;  // then so is all it holds: nothing to free
    // Take the unreachable ends' queues off them first (the releases run on_zero_handles
    // later, from the reaper's queue), then free the messages.
    struct list_node gone;
    list_init(&gone);
    for (uint32_t i = 0; i < collect.n; i++) {
        if (collect.reached[i]) continue;
        struct channel *ch = collect.end[i];
        struct list_node *n;
        while ((n = list_pop_head(&ch->messages))) list_add_tail(&gone, n);
        ch->count = 0;
        kobj_signal(&ch->obj, ZX_CHANNEL_READABLE, 0);
    }
    struct list_node *n;
    while ((n = list_pop_head(&gone))) message_free(container_of(n, struct message, link));
}

static void channel_handle_dropped(struct kobj *o) { channel_collect(to_channel(o)); }

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
        channel_collect(to_channel(peer));
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
