// Channels, events and event pairs.
#include <zircon/syscalls/object.h>

#include "kernel/heap.h"
#include "objects/channel.h"
#include "objects/event.h"
#include "objects/eventpair.h"
#include <zircon/syscalls/policy.h>

#include "syscalls/priv.h"

// zx_status_t zx_channel_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
int64_t sys_channel_create(uint32_t options, user_out_ptr out0, user_out_ptr out1) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    {
        zx_status_t pst = job_policy_check(current_process(), ZX_POL_NEW_CHANNEL);
        if (pst != ZX_OK) return pst;
    }
    struct channel *a, *b;
    zx_status_t st = channel_create_pair(&a, &b);
    if (st != ZX_OK) return st;
    return give_pair(&a->obj, &b->obj, ZX_DEFAULT_CHANNEL_RIGHTS, out0, out1);
}

// ---- building a message from user memory ----

// The handles a write sends: plain values (zx_channel_write) or dispositions (write_etc).
struct send_list {
    uint32_t n;
    bool etc;
    zx_handle_t values[ZX_CHANNEL_MAX_MSG_HANDLES];
    zx_handle_disposition_t disp[ZX_CHANNEL_MAX_MSG_HANDLES];
};

static zx_status_t read_send_list(struct send_list *sl, user_in_ptr handles, uint32_t n, bool etc) {
    sl->n = n;
    sl->etc = etc;
    if (n == 0) return ZX_OK;
    zx_status_t st = etc ? copy_from_user(sl->disp, handles, n * sizeof(zx_handle_disposition_t))
                         : copy_from_user(sl->values, handles, n * sizeof(zx_handle_t));
    if (st != ZX_OK) return st;
    if (etc)
        for (uint32_t i = 0; i < n; i++) sl->values[i] = sl->disp[i].handle;
    return ZX_OK;
}

// A write with more than ZX_CHANNEL_MAX_MSG_HANDLES handles fails, but still consumes every
// handle it names (the moved ones, for write_etc): read the list in chunks and close them.
static void close_excess_handles(user_in_ptr handles, uint32_t n, bool etc) {
    enum { CHUNK = 16 };
    struct handle_table *ht = cur_handles();
    for (uint32_t off = 0; off < n; off += CHUNK) {
        uint32_t k = n - off < CHUNK ? n - off : CHUNK;
        if (etc) {
            zx_handle_disposition_t d[CHUNK];
            user_in_ptr at = {handles.addr + (uintptr_t)off * sizeof(d[0])};
            if (copy_from_user(d, at, k * sizeof(d[0])) != ZX_OK) return;
            for (uint32_t i = 0; i < k; i++)
                if (d[i].operation == ZX_HANDLE_OP_MOVE) (void)handle_close(ht, d[i].handle);
        } else {
            zx_handle_t v[CHUNK];
            user_in_ptr at = {handles.addr + (uintptr_t)off * sizeof(v[0])};
            if (copy_from_user(v, at, k * sizeof(v[0])) != ZX_OK) return;
            for (uint32_t i = 0; i < k; i++) (void)handle_close(ht, v[i]);
        }
    }
}

// Whether handle i of the list can be sent (write_etc's per-handle result, stored there);
// *slot: its slot, NULL when the value names none.
static zx_status_t send_status(struct handle_table *ht, struct send_list *sl, uint32_t i, struct kobj *self,
                               struct handle_slot **slot) {
    zx_handle_disposition_t *d = sl->etc ? &sl->disp[i] : NULL;
    uint32_t op = d ? d->operation : ZX_HANDLE_OP_MOVE;
    struct handle_slot *s = *slot = handle_slot_of(ht, sl->values[i]);
    zx_status_t r = ZX_OK;
    if (!s) r = ZX_ERR_BAD_HANDLE;
    else if (op != ZX_HANDLE_OP_MOVE && op != ZX_HANDLE_OP_DUPLICATE) r = ZX_ERR_INVALID_ARGS;
    else if (s->obj == self) r = ZX_ERR_NOT_SUPPORTED;
    else if (d && d->type != ZX_OBJ_TYPE_NONE && d->type != s->obj->type) r = ZX_ERR_WRONG_TYPE;
    else if (op == ZX_HANDLE_OP_MOVE && !(s->rights & ZX_RIGHT_TRANSFER)) r = ZX_ERR_ACCESS_DENIED;
    else if (op == ZX_HANDLE_OP_DUPLICATE && (s->rights & (ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER)) !=
                                                 (ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER))
        r = ZX_ERR_ACCESS_DENIED;
    else if (d && d->rights != ZX_RIGHT_SAME_RIGHTS && (d->rights & ~s->rights)) r = ZX_ERR_INVALID_ARGS;
    if (d) d->result = r;
    return r;
}

// The first handle's error of the list, the results stored; nothing taken.
static zx_status_t check_handles(struct send_list *sl, struct kobj *self) {
    struct handle_table *ht = cur_handles();
    zx_status_t st = ZX_OK;
    for (uint32_t i = 0; i < sl->n; i++) {
        struct handle_slot *s;
        zx_status_t r = send_status(ht, sl, i, self, &s);
        if (r != ZX_OK && st == ZX_OK) st = r;
    }
    return st;
}

// Fills m->handles from the caller's table. Moved handles are consumed whatever happens;
// duplicated ones stay. Per-handle results go to sl->disp[i].result (write_etc).
static zx_status_t take_handles(struct send_list *sl, struct kobj *self, struct message *m) {
    struct handle_table *ht = cur_handles();
    zx_status_t st = ZX_OK;
    for (uint32_t i = 0; i < sl->n; i++) {
        m->handles[i].obj = NULL;
        zx_handle_disposition_t *d = sl->etc ? &sl->disp[i] : NULL;
        uint32_t op = d ? d->operation : ZX_HANDLE_OP_MOVE;
        struct handle_slot *s;
        zx_status_t r = send_status(ht, sl, i, self, &s);
        if (r != ZX_OK && st == ZX_OK) st = r;
        if (!s) continue;
        zx_rights_t rights = (d && d->rights != ZX_RIGHT_SAME_RIGHTS) ? d->rights : s->rights;
        if (op == ZX_HANDLE_OP_DUPLICATE) {
            if (r == ZX_OK) {
                kobj_ref(s->obj);
                s->obj->handle_count++;
                m->handles[i].obj = s->obj;
                m->handles[i].rights = rights;
            }
            continue;
        }
        if (op != ZX_HANDLE_OP_MOVE) continue;  // a bad operation consumes nothing
        (void)handle_detach(ht, sl->values[i], &m->handles[i].obj, NULL);
        m->handles[i].rights = rights;
        m->handles[i].from_owner = ht->owner;
        m->handles[i].from_value = sl->values[i];
    }
    return st;
}

// Builds the message a write sends; consumes the moved handles even when it fails.
static zx_status_t build_message(struct channel *ch, user_in_ptr bytes, uint32_t num_bytes,
                                 struct send_list *sl, struct message **out) {
    uint32_t nb = num_bytes <= ZX_CHANNEL_MAX_MSG_BYTES ? num_bytes : 0;
    struct kobj *peer = ch->obj.peer;
    struct message *m = peer ? channel_message_alloc(to_channel(peer), nb, sl->n) : message_alloc(nb, sl->n);
    if (!m) {
        // The handles' and the size's errors come first, as when the message exists; only a
        // write that would otherwise go says ZX_ERR_NO_MEMORY.
        zx_status_t st = check_handles(sl, &ch->obj);
        if (st == ZX_OK && num_bytes > ZX_CHANNEL_MAX_MSG_BYTES) st = ZX_ERR_OUT_OF_RANGE;
        for (uint32_t i = 0; i < sl->n; i++)
            if (!sl->etc || sl->disp[i].operation == ZX_HANDLE_OP_MOVE) (void)handle_close(cur_handles(), sl->values[i]);
        return st != ZX_OK ? st : ZX_ERR_NO_MEMORY;
    }
    zx_status_t st = take_handles(sl, &ch->obj, m);
    if (st == ZX_OK && num_bytes > ZX_CHANNEL_MAX_MSG_BYTES) st = ZX_ERR_OUT_OF_RANGE;
    if (st == ZX_OK && num_bytes) st = copy_from_user(m->data, bytes, num_bytes);
    if (st != ZX_OK) {
        message_free(m);
        return st;
    }
    *out = m;
    return ZX_OK;
}

// The general write: every case, every error.
__attribute__((noinline)) static int64_t do_write(zx_handle_t handle, uint32_t options, user_in_ptr bytes,
                                                  uint32_t num_bytes, user_inout_ptr handles, uint32_t num_handles,
                                                  bool etc) {
    if (num_handles > ZX_CHANNEL_MAX_MSG_HANDLES) {
        close_excess_handles(user_in(handles), num_handles, etc);
        return ZX_ERR_OUT_OF_RANGE;
    }
    struct send_list sl;
    zx_status_t st = read_send_list(&sl, user_in(handles), num_handles, etc);
    if (st != ZX_OK) return st;
    struct channel *ch = NULL;
    st = etc ? lookup_channel_write_etc_handle(handle, &ch) : lookup_channel_write_handle(handle, &ch);
    if (st == ZX_OK && options != 0) st = ZX_ERR_INVALID_ARGS;
    struct message *m = NULL;
    if (st == ZX_OK) {
        st = build_message(ch, bytes, num_bytes, &sl, &m);
    } else {
        for (uint32_t i = 0; i < sl.n; i++)
            if (!etc || sl.disp[i].operation == ZX_HANDLE_OP_MOVE) (void)handle_close(cur_handles(), sl.values[i]);
    }
    if (st == ZX_OK) {
        st = channel_send(ch, m);
        if (st != ZX_OK) message_free(m);
    }
    if (etc && num_handles) {
        zx_status_t wst = copy_to_user(user_out(handles), sl.disp, num_handles * sizeof(zx_handle_disposition_t));
        if (st == ZX_OK) st = wst;
    }
    if (ch) kobj_unref(&ch->obj);
    return st;
}

// ---- the fast paths (seL4's shape) ----
//
// write_fast and read_fast check every condition of the common case and change nothing until
// all hold (and the copies have succeeded); otherwise they return FAST_FALLBACK and the general
// path (do_write, do_read) starts over, giving the exact status and side effects of every other
// case. They are leaves on their common path: no call (the user copies are asm calls that keep
// the caller's registers, and a copy that faults falls back), so the decoder they are inlined
// into saves no register. They take no reference on the channel: nothing they do can block,
// run another thread or close a handle, so the object the handle names outlives the call (with
// threads on several CPUs this becomes the channel pair's lock, docs/smp.md). The rare tails
// that need a call (observers to tell, a message to free) are tail calls (fast_tail).
#define FAST_FALLBACK SYSCALL_FAST_FALLBACK

// The end of a fast path that changed a signal with observers to tell, or has a message that
// is not to be kept as the spare: ZX_OK after doing it.
__attribute__((noinline)) static int64_t fast_tail(struct kobj *signalled, struct message *to_free) {
    if (signalled) kobj_signal_observers(signalled);
    if (to_free) kfree(to_free);
    return ZX_OK;
}

// zx_channel_write: options 0, a small message with at most MSG_SMALL_HANDLES handles, each
// valid, movable, not the channel itself and named once, to an open peer that has a spare
// message, no zx_channel_call waiting and room in its queue.
// max_handles: 0 for the decoder's fast path (sys_channel_write_fast: the registers it needs
// are then few enough to leave the callee-saved ones alone), MSG_SMALL_HANDLES for the one the
// general entry tries first.
__attribute__((always_inline)) static inline int64_t write_fast(zx_handle_t handle, uint32_t options,
                                                                user_in_ptr bytes, uint32_t num_bytes,
                                                                user_in_ptr handles, uint32_t num_handles,
                                                                const uint32_t max_handles, const bool direct) {
    if (unlikely(options != 0 || num_bytes > MSG_SMALL_BYTES || num_handles > max_handles))
        return FAST_FALLBACK;
    struct handle_table *ht = cur_handles();
    struct channel *ch = fast_lookup_channel_write_handle(handle);
    if (unlikely(!ch || !ch->obj.peer)) return FAST_FALLBACK;
    struct channel *dst = to_channel(ch->obj.peer);
    struct message *m = dst->spare;
    if (unlikely(!m || !wait_queue_empty(&dst->callers) || dst->count >= CHANNEL_MAX_PENDING))
        return FAST_FALLBACK;
    uintptr_t fault;
    zx_handle_t values[MSG_SMALL_HANDLES];
    struct handle_slot *slots[MSG_SMALL_HANDLES] = {0};
    if (num_handles) {
        if (unlikely(hal_copy_from_user(values, handles.addr, num_handles * sizeof(values[0]), &fault) != ZX_OK))
            return FAST_FALLBACK;
        for (uint32_t i = 0; i < num_handles; i++) {
            struct handle_slot *s = slots[i] = handle_slot_of(ht, values[i]);
            if (unlikely(!s || s->obj == &ch->obj || !(s->rights & ZX_RIGHT_TRANSFER))) return FAST_FALLBACK;
            for (uint32_t j = 0; j < i; j++)
                if (unlikely(values[j] == values[i])) return FAST_FALLBACK;
        }
    }
    zx_status_t st = direct ? hal_copy_from_user_direct(m->data, bytes.addr, num_bytes, &fault)
                            : hal_copy_from_user(m->data, bytes.addr, num_bytes, &fault);
    if (unlikely(st != ZX_OK)) return FAST_FALLBACK;
    // Nothing can fail now.
    dst->spare = NULL;
    m->num_bytes = num_bytes;
    m->num_handles = num_handles;
    for (uint32_t i = 0; i < num_handles; i++) {
        struct msg_handle *mh = &m->handles[i];
        mh->obj = slots[i]->obj;
        mh->rights = slots[i]->rights;
        mh->from_owner = ht->owner;
        mh->from_value = values[i];
        handle_free_slot(ht, slots[i]);
    }
    list_add_tail(&dst->messages, &m->link);
    // READABLE is set exactly while the queue holds a message.
    if (dst->count++ == 0 && kobj_signal_flip(&dst->obj, 0, ZX_CHANNEL_READABLE)) return fast_tail(&dst->obj, NULL);
    return ZX_OK;
}

// zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options, const void* bytes,
//                              uint32_t num_bytes, const zx_handle_t* handles, uint32_t num_handles);
__attribute__((always_inline)) inline int64_t sys_channel_write_fast(zx_handle_t handle, uint32_t options,
                                                                   user_in_ptr bytes, uint32_t num_bytes,
                                                                   user_in_ptr handles, uint32_t num_handles) {
    return write_fast(handle, options, bytes, num_bytes, handles, num_handles, 0, false);
}

int64_t sys_channel_write(zx_handle_t handle, uint32_t options, user_in_ptr bytes, uint32_t num_bytes,
                          user_in_ptr handles, uint32_t num_handles) {
    // One handle (the common case) has a path of its own, without the loops.
    int64_t st = num_handles == 1
                     ? write_fast(handle, options, bytes, num_bytes, handles, 1, 1, false)
                     : write_fast(handle, options, bytes, num_bytes, handles, num_handles, MSG_SMALL_HANDLES, false);
    if (likely(st != FAST_FALLBACK)) return st;
    return do_write(handle, options, bytes, num_bytes, (user_inout_ptr){handles.addr}, num_handles, false);
}

// The direct entry (syscalls.def `direct`, docs/performance.md): no handles inline, one handle
// out of line (a tail call with the arguments still in their registers), anything else (or
// whatever the fast paths decline) through the general path.
__attribute__((noinline)) static int64_t write_direct_one(zx_handle_t handle, uint32_t options, user_in_ptr bytes,
                                                          uint32_t num_bytes, user_in_ptr handles) {
    int64_t st = write_fast(handle, options, bytes, num_bytes, handles, 1, 1, true);
    if (likely(st != FAST_FALLBACK)) return syscall_direct_done(st);
    return syscall_fallback_channel_write();
}

int64_t sys_channel_write_direct(zx_handle_t handle, uint32_t options, user_in_ptr bytes, uint32_t num_bytes,
                                 user_in_ptr handles, uint32_t num_handles) {
    int64_t st = FAST_FALLBACK;
    if (likely((options | num_handles) == 0)) st = write_fast(handle, 0, bytes, num_bytes, handles, 0, 0, true);
    else if (num_handles == 1) return write_direct_one(handle, options, bytes, num_bytes, handles);
    if (likely(st != FAST_FALLBACK)) return syscall_direct_done(st);
    return syscall_fallback_channel_write();
}

// zx_status_t zx_channel_write_etc(zx_handle_t handle, uint32_t options, const void* bytes,
//                                  uint32_t num_bytes, zx_handle_disposition_t* handles,
//                                  uint32_t num_handles);
int64_t sys_channel_write_etc(zx_handle_t handle, uint32_t options, user_in_ptr bytes, uint32_t num_bytes,
                              user_inout_ptr handles, uint32_t num_handles) {
    return do_write(handle, options, bytes, num_bytes, handles, num_handles, true);
}

// ---- delivering a message to user memory ----

// Gives m's handles to the caller (deliver, below): the handle values (or
// zx_handle_info_t records) reach user memory before the handles exist, so on failure nothing is
// installed and m keeps its handles.
__attribute__((noinline)) static zx_status_t deliver_handles(struct message *m, user_out_ptr handles, bool etc) {
    struct handle_table *ht = cur_handles();
    uint32_t n = m->num_handles;
    if (!n) return ZX_OK;
    zx_handle_t vals[ZX_CHANNEL_MAX_MSG_HANDLES];
    zx_status_t st = ZX_OK;
    uint32_t i;
    for (i = 0; i < n; i++) {
        st = handle_reserve(ht, &vals[i]);
        if (st != ZX_OK) break;
    }
    if (st == ZX_OK) {
        if (etc) {
            zx_handle_info_t info[ZX_CHANNEL_MAX_MSG_HANDLES];
            for (uint32_t j = 0; j < n; j++) {
                info[j] = (zx_handle_info_t){.handle = vals[j], .type = m->handles[j].obj->type,
                                             .rights = m->handles[j].rights};
            }
            st = copy_to_user(handles, info, n * sizeof(info[0]));
        } else {
            st = copy_to_user(handles, vals, n * sizeof(zx_handle_t));
        }
    }
    if (st != ZX_OK) {
        while (i--) handle_unreserve(ht, vals[i]);
        return st;
    }
    for (i = 0; i < n; i++) {
        handle_commit_moved(ht, vals[i], m->handles[i].obj, m->handles[i].rights);
        msg_handle_arrived(&m->handles[i]);
    }
    m->num_handles = 0;  // all moved out: freeing m releases none
    return ZX_OK;
}

static inline zx_status_t deliver(struct message *m, user_out_ptr bytes, user_out_ptr handles, bool etc) {
    zx_status_t st = m->num_bytes ? copy_to_user(bytes, m->data, m->num_bytes) : ZX_OK;
    if (st != ZX_OK) return st;
    if (likely(!m->num_handles)) return ZX_OK;
    return deliver_handles(m, handles, etc);
}

// The general read: every case, every error.
__attribute__((noinline)) static int64_t do_read(zx_handle_t handle, uint32_t options, user_out_ptr bytes,
                                                 user_out_ptr handles, uint32_t num_bytes, uint32_t num_handles,
                                                 user_out_opt_ptr actual_bytes, user_out_opt_ptr actual_handles,
                                                 bool etc) {
    struct channel *ch;
    zx_status_t st = etc ? lookup_channel_read_etc_handle(handle, &ch) : lookup_channel_read_handle(handle, &ch);
    if (st != ZX_OK) return st;
    if (options & ~ZX_CHANNEL_READ_MAY_DISCARD) {
        kobj_unref(&ch->obj);
        return ZX_ERR_INVALID_ARGS;
    }
    struct message *m = channel_peek(ch);
    if (!m) {
        st = ch->obj.peer ? ZX_ERR_SHOULD_WAIT : ZX_ERR_PEER_CLOSED;
        kobj_unref(&ch->obj);
        return st;
    }
    st = put_opt_u32(actual_bytes, m->num_bytes);
    if (st == ZX_OK) st = put_opt_u32(actual_handles, m->num_handles);
    if (st == ZX_OK && (num_bytes < m->num_bytes || num_handles < m->num_handles)) {
        if (options & ZX_CHANNEL_READ_MAY_DISCARD) {
            channel_pop(ch);
            channel_message_free(ch, m);
        }
        st = ZX_ERR_BUFFER_TOO_SMALL;
    }
    if (st == ZX_OK) st = deliver(m, bytes, handles, etc);
    if (st == ZX_OK) {
        channel_pop(ch);
        channel_message_free(ch, m);
    }
    kobj_unref(&ch->obj);
    return st;
}

// zx_channel_read: options 0, a message waiting that fits the buffers, its handles (if any)
// given slots the table has free. actual_bytes and actual_handles as the caller asks.
// max_handles as for write_fast: 0 for sys_channel_read_fast.
__attribute__((always_inline)) static inline int64_t read_fast(zx_handle_t handle, uint32_t options,
                                                               user_out_ptr bytes, user_out_ptr handles,
                                                               uint32_t num_bytes, uint32_t num_handles,
                                                               user_out_opt_ptr actual_bytes,
                                                               user_out_opt_ptr actual_handles,
                                                               const uint32_t max_handles, const bool shared,
                                                               const bool direct) {
    if (unlikely(options != 0)) return FAST_FALLBACK;
    struct handle_table *ht = cur_handles();
    struct channel *ch = fast_lookup_channel_read_handle(handle);
    if (unlikely(!ch || list_empty(&ch->messages))) return FAST_FALLBACK;
    struct message *m = container_of(ch->messages.next, struct message, link);
    uint32_t nh = m->num_handles;
    if (unlikely(m->num_bytes > num_bytes || nh > num_handles || nh > max_handles)) return FAST_FALLBACK;
    if (shared && unlikely(!m->small || ch->spare)) return FAST_FALLBACK;  // it would be freed: a heap call
    uintptr_t fault;
    if (actual_bytes.addr &&
        unlikely(hal_copy_to_user(actual_bytes.addr, &m->num_bytes, sizeof(uint32_t), &fault) != ZX_OK))
        return FAST_FALLBACK;
    if (actual_handles.addr &&
        unlikely(hal_copy_to_user(actual_handles.addr, &m->num_handles, sizeof(uint32_t), &fault) != ZX_OK))
        return FAST_FALLBACK;
    zx_status_t st = direct ? hal_copy_to_user_direct(bytes.addr, m->data, m->num_bytes, &fault)
                            : hal_copy_to_user(bytes.addr, m->data, m->num_bytes, &fault);
    if (unlikely(st != ZX_OK)) return FAST_FALLBACK;
    if (nh) {
        // The new handles' values reach user memory before the handles exist; the slots are
        // the first nh of the free list, taken only when the values are out. A handle with
        // waits to end (msg_handle_arrived) takes the general path.
        zx_handle_t vals[MSG_SMALL_HANDLES];
        struct handle_slot *slots[MSG_SMALL_HANDLES];
        uint32_t next = ht->free_head;
        for (uint32_t i = 0; i < nh; i++) {
            if (unlikely(!next || !list_empty(&m->handles[i].obj->observers))) return FAST_FALLBACK;
            slots[i] = &ht->slots[next - 1];
            vals[i] = slots[i]->next_value;
            next = slots[i]->next_free;
        }
        if (unlikely(hal_copy_to_user(handles.addr, vals, nh * sizeof(vals[0]), &fault) != ZX_OK))
            return FAST_FALLBACK;
        ht->free_head = next;
        for (uint32_t i = 0; i < nh; i++) {
            struct msg_handle *mh = &m->handles[i];
            handle_commit_slot(ht, slots[i], vals[i], mh->obj, mh->rights);
        }
        m->num_handles = 0;  // all moved out
    }
    list_unlink(&m->link);  // a message's link is looked at only while it is queued
    struct kobj *signalled = --ch->count == 0 && kobj_signal_flip(&ch->obj, ZX_CHANNEL_READABLE, 0) ? &ch->obj : NULL;
    struct message *to_free = NULL;
    if (likely(m->small && !ch->spare)) ch->spare = m;
    else to_free = m;
    if (unlikely(signalled || to_free)) return fast_tail(signalled, to_free);
    return ZX_OK;
}

// zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_t* handles,
//                             uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes,
//                             uint32_t* actual_handles);
__attribute__((always_inline)) inline int64_t sys_channel_read_fast(zx_handle_t handle, uint32_t options,
                                                                  user_out_ptr bytes, user_out_ptr handles,
                                                                  uint32_t num_bytes, uint32_t num_handles,
                                                                  user_out_opt_ptr actual_bytes,
                                                                  user_out_opt_ptr actual_handles) {
    return read_fast(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles, 0, false,
                     false);
}

int64_t sys_channel_read(zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles,
                         uint32_t num_bytes, uint32_t num_handles, user_out_opt_ptr actual_bytes,
                         user_out_opt_ptr actual_handles) {
    // A message with one handle (the common case) has a path of its own, without the loops.
    int64_t st = read_fast(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles, 1,
                           false, false);
    if (likely(st != FAST_FALLBACK)) return st;
    st = read_fast(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles,
                   MSG_SMALL_HANDLES, false, false);
    if (likely(st != FAST_FALLBACK)) return st;
    return do_read(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles, false);
}

// The direct entry, as for the write: room for no handles inline, for some out of line (a
// message with at most one handle).
__attribute__((noinline)) static int64_t read_direct_some(
    zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles, uint32_t num_bytes,
    uint32_t num_handles, user_out_opt_ptr actual_bytes, user_out_opt_ptr actual_handles) {
    int64_t st = read_fast(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles, 1,
                           false, true);
    if (likely(st != FAST_FALLBACK)) return syscall_direct_done(st);
    return syscall_fallback_channel_read();
}

int64_t sys_channel_read_direct(zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles,
                                uint32_t num_bytes, uint32_t num_handles, user_out_opt_ptr actual_bytes,
                                user_out_opt_ptr actual_handles) {
    if (num_handles)
        return read_direct_some(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes,
                                actual_handles);
    int64_t st = read_fast(handle, options, bytes, handles, num_bytes, 0, actual_bytes, actual_handles, 0, false, true);
    if (likely(st != FAST_FALLBACK)) return syscall_direct_done(st);
    return syscall_fallback_channel_read();
}

// Under the kernel lock's shared hold (docs/smp.md): the decoders' fast paths (no handles, no
// call) under the channel pair's lock, for channels nothing observes (telling observers is a
// call: the general path does it under the exclusive hold). The lookup here finds the lock;
// write_fast and read_fast look the handle up again (a few moves): taking the channel as a
// parameter instead made the one-CPU paths do the lookup before their cheaper checks
// (Channel/WriteRead/64bytes/1handles 728 -> 751 instructions).
int64_t sys_channel_write_shared(zx_handle_t handle, uint32_t options, user_in_ptr bytes, uint32_t num_bytes,
                                 user_in_ptr handles, uint32_t num_handles) {
    struct channel *ch = fast_lookup_channel_write_handle(handle);
    if (unlikely(!ch || !ch->obj.peer)) return FAST_FALLBACK;
    struct spinlock *l = kobj_lock(&ch->obj);  // the pair's: the peer's too
    spin_lock(l);
    int64_t st = FAST_FALLBACK;
    if (likely(!kobj_observed(ch->obj.peer))) st = write_fast(handle, options, bytes, num_bytes, handles, num_handles, 0, false);
    spin_unlock(l);
    return st;
}

int64_t sys_channel_read_shared(zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles,
                                uint32_t num_bytes, uint32_t num_handles, user_out_opt_ptr actual_bytes,
                                user_out_opt_ptr actual_handles) {
    struct channel *ch = fast_lookup_channel_read_handle(handle);
    if (unlikely(!ch)) return FAST_FALLBACK;
    struct spinlock *l = kobj_lock(&ch->obj);
    spin_lock(l);
    int64_t st = FAST_FALLBACK;
    if (likely(!kobj_observed(&ch->obj)))
        st = read_fast(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles, 0, true, false);
    spin_unlock(l);
    return st;
}

// zx_status_t zx_channel_read_etc(zx_handle_t handle, uint32_t options, void* bytes,
//                                 zx_handle_info_t* handles, uint32_t num_bytes, uint32_t num_handles,
//                                 uint32_t* actual_bytes, uint32_t* actual_handles);
int64_t sys_channel_read_etc(zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles,
                             uint32_t num_bytes, uint32_t num_handles, user_out_opt_ptr actual_bytes,
                             user_out_opt_ptr actual_handles) {
    return do_read(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles, true);
}

// ---- zx_channel_call ----
// The wait (WAIT_CHANNEL_CALL) sits on the channel's callers queue; the channel hands the
// reply with the matching txid to state.channel_call.reply and wakes it.

// The cancel of a call (syscalls/wait.c): a reply that was never delivered is freed (its
// handles closed).
void channel_call_cancel(struct waiter *w) {
    struct channel_call_state *c = &w->state.channel_call;
    if (c->reply) message_free(c->reply);
    c->reply = NULL;
    kobj_unref(&c->channel->obj);
}

static int64_t call_cont(struct task *task, zx_status_t reason) {
    const struct channel_call_state *c = &task->wait.state.channel_call;
    struct message *m = c->reply;
    if (reason != ZX_OK || !m) return reason != ZX_OK ? reason : ZX_ERR_INTERNAL;
    user_out_ptr ab = c->actual_bytes, ah = c->actual_handles;
    zx_status_t st = ab.addr ? put_u32(ab, m->num_bytes) : ZX_OK;
    if (st == ZX_OK && ah.addr) st = put_u32(ah, m->num_handles);
    if (st != ZX_OK) return st;
    if (c->rd_num_bytes < m->num_bytes || c->rd_num_handles < m->num_handles)
        return ZX_ERR_BUFFER_TOO_SMALL;
    return deliver(m, c->rd_bytes, c->rd_handles, c->etc);
}

static int64_t do_call(zx_handle_t handle, uint32_t options, zx_time_t deadline, user_in_ptr args,
                       user_out_ptr actual_bytes, user_out_ptr actual_handles, bool etc) {
    zx_channel_call_args_t a;  // same layout as zx_channel_call_etc_args_t
    _Static_assert(sizeof(zx_channel_call_args_t) == sizeof(zx_channel_call_etc_args_t), "call args");
    zx_status_t st = copy_from_user(&a, args, sizeof(a));
    if (st != ZX_OK) return st;
    user_in_ptr wr_handles = {(uintptr_t)a.wr_handles};
    if (a.wr_num_handles > ZX_CHANNEL_MAX_MSG_HANDLES) {
        close_excess_handles(wr_handles, a.wr_num_handles, etc);
        return ZX_ERR_OUT_OF_RANGE;
    }
    struct send_list sl;
    st = read_send_list(&sl, wr_handles, a.wr_num_handles, etc);
    if (st != ZX_OK) return st;
    struct channel *ch = NULL;
    st = etc ? lookup_channel_call_etc_handle(handle, &ch) : lookup_channel_call_handle(handle, &ch);
    if (st == ZX_OK && options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && a.wr_num_bytes < sizeof(zx_txid_t)) st = ZX_ERR_INVALID_ARGS;
    struct message *m = NULL;
    if (st == ZX_OK) {
        st = build_message(ch, (user_in_ptr){(uintptr_t)a.wr_bytes}, a.wr_num_bytes, &sl, &m);
    } else {
        for (uint32_t i = 0; i < sl.n; i++)
            if (!etc || sl.disp[i].operation == ZX_HANDLE_OP_MOVE) (void)handle_close(cur_handles(), sl.values[i]);
    }
    if (etc && a.wr_num_handles) {
        zx_status_t wst = copy_to_user((user_out_ptr){(uintptr_t)a.wr_handles}, sl.disp,
                                       a.wr_num_handles * sizeof(zx_handle_disposition_t));
        if (st == ZX_OK) st = wst;
    }
    if (st != ZX_OK) {
        if (ch) kobj_unref(&ch->obj);
        return st;
    }
    struct thread *t = current_thread();
    uint32_t txid = channel_next_txid();
    memcpy(m->data, &txid, sizeof(txid));
    st = channel_send(ch, m);
    if (st != ZX_OK) {
        message_free(m);
        kobj_unref(&ch->obj);
        return st;
    }
    t->task.wait.state.channel_call = (struct channel_call_state){
        .channel = ch,
        .reply = NULL,
        .txid = txid,
        .rd_bytes = {(uintptr_t)a.rd_bytes},
        .rd_handles = {(uintptr_t)a.rd_handles},
        .actual_bytes = actual_bytes,
        .actual_handles = actual_handles,
        .rd_num_bytes = a.rd_num_bytes,
        .rd_num_handles = a.rd_num_handles,
        .etc = etc,
    };
    wait_block(&t->task, &ch->callers, WAIT_CHANNEL_CALL, deadline, call_cont);
    return SYS_BLOCKED;
}

// zx_status_t zx_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline,
//                             const zx_channel_call_args_t* args, uint32_t* actual_bytes,
//                             uint32_t* actual_handles);
int64_t sys_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline, user_in_ptr args,
                         user_out_ptr actual_bytes, user_out_ptr actual_handles) {
    return do_call(handle, options, deadline, args, actual_bytes, actual_handles, false);
}

// zx_status_t zx_channel_call_etc(zx_handle_t handle, uint32_t options, zx_time_t deadline,
//                                 zx_channel_call_etc_args_t* args, uint32_t* actual_bytes,
//                                 uint32_t* actual_handles);
int64_t sys_channel_call_etc(zx_handle_t handle, uint32_t options, zx_time_t deadline, user_inout_ptr args,
                             user_out_ptr actual_bytes, user_out_ptr actual_handles) {
    return do_call(handle, options, deadline, user_in(args), actual_bytes, actual_handles, true);
}

// zx_status_t zx_event_create(uint32_t options, zx_handle_t* out);
int64_t sys_event_create(uint32_t options, user_out_ptr out) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    {
        zx_status_t pst = job_policy_check(current_process(), ZX_POL_NEW_EVENT);
        if (pst != ZX_OK) return pst;
    }
    struct kobj *e;
    zx_status_t st = event_create(&e);
    if (st != ZX_OK) return st;
    st = give_handle(e, ZX_DEFAULT_EVENT_RIGHTS, out);
    kobj_unref(e);
    return st;
}

// zx_status_t zx_eventpair_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
int64_t sys_eventpair_create(uint32_t options, user_out_ptr out0, user_out_ptr out1) {
    if (options != 0) return ZX_ERR_NOT_SUPPORTED;
    {
        zx_status_t pst = job_policy_check(current_process(), ZX_POL_NEW_EVENTPAIR);
        if (pst != ZX_OK) return pst;
    }
    struct kobj *a, *b;
    zx_status_t st = eventpair_create(&a, &b);
    if (st != ZX_OK) return st;
    return give_pair(a, b, ZX_DEFAULT_EVENTPAIR_RIGHTS, out0, out1);
}
