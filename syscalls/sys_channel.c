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

// The fast path of zx_channel_write (seL4's shape): a small message with at most
// MSG_SMALL_HANDLES handles, all movable, to an open peer that no zx_channel_call waits on and
// whose queue is not full. It checks each condition and changes nothing until all hold (and
// the copies in have succeeded); otherwise it returns FAST_FALLBACK and do_write starts over,
// giving the exact status and side effects of every other case.
#define FAST_FALLBACK 1  // no zx_status_t is positive

static int64_t write_fast(zx_handle_t handle, uint32_t options, user_in_ptr bytes, uint32_t num_bytes,
                          user_in_ptr handles, uint32_t num_handles) {
    if (unlikely(options != 0 || num_bytes > MSG_SMALL_BYTES || num_handles > MSG_SMALL_HANDLES))
        return FAST_FALLBACK;
    zx_handle_t values[MSG_SMALL_HANDLES];
    if (num_handles && copy_from_user(values, handles, num_handles * sizeof(values[0])) != ZX_OK)
        return FAST_FALLBACK;
    struct channel *ch;
    if (unlikely(lookup_channel_write_handle(handle, &ch) != ZX_OK)) return FAST_FALLBACK;
    int64_t st = FAST_FALLBACK;
    struct kobj *peer = ch->obj.peer;
    struct channel *dst = peer ? to_channel(peer) : NULL;
    if (unlikely(!dst || !wait_queue_empty(&dst->callers) || dst->count >= CHANNEL_MAX_PENDING)) goto out_unref;
    // Each handle: valid, movable, not the channel itself, named once.
    struct handle_table *ht = cur_handles();
    for (uint32_t i = 0; i < num_handles; i++) {
        struct handle_slot *s = handle_slot_of(ht, values[i]);
        if (unlikely(!s || s->obj == &ch->obj || !(s->rights & ZX_RIGHT_TRANSFER))) goto out_unref;
        for (uint32_t j = 0; j < i; j++)
            if (unlikely(values[j] == values[i])) goto out_unref;
    }
    struct message *m = channel_message_alloc(dst, num_bytes, num_handles);
    if (unlikely(!m)) goto out_unref;
    if (unlikely(copy_from_user(m->data, bytes, num_bytes) != ZX_OK)) {
        channel_message_free(dst, m);
        goto out_unref;
    }
    for (uint32_t i = 0; i < num_handles; i++) {
        struct msg_handle *mh = &m->handles[i];
        (void)handle_detach(ht, values[i], &mh->obj, &mh->rights);
        mh->from_owner = ht->owner;
        mh->from_value = values[i];
    }
    channel_enqueue(dst, m);
    st = ZX_OK;
out_unref:
    kobj_unref(&ch->obj);
    return st;
}

// zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options, const void* bytes,
//                              uint32_t num_bytes, const zx_handle_t* handles, uint32_t num_handles);
int64_t sys_channel_write(zx_handle_t handle, uint32_t options, user_in_ptr bytes, uint32_t num_bytes,
                          user_in_ptr handles, uint32_t num_handles) {
    int64_t st = write_fast(handle, options, bytes, num_bytes, handles, num_handles);
    if (likely(st != FAST_FALLBACK)) return st;
    return do_write(handle, options, bytes, num_bytes, (user_inout_ptr){handles.addr}, num_handles, false);
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

// The fast path of zx_channel_read: options 0, no actual_bytes/actual_handles wanted, a message
// waiting that fits the buffers. Then do_read's result is deliver's; anything else falls back.
static int64_t read_fast(zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles,
                         uint32_t num_bytes, uint32_t num_handles, user_out_opt_ptr actual_bytes,
                         user_out_opt_ptr actual_handles) {
    if (unlikely(options != 0 || actual_bytes.addr || actual_handles.addr)) return FAST_FALLBACK;
    struct channel *ch;
    if (unlikely(lookup_channel_read_handle(handle, &ch) != ZX_OK)) return FAST_FALLBACK;
    int64_t st = FAST_FALLBACK;
    struct message *m = channel_peek(ch);
    if (likely(m && m->num_bytes <= num_bytes && m->num_handles <= num_handles)) {
        st = deliver(m, bytes, handles, false);
        if (likely(st == ZX_OK)) {
            channel_pop(ch);
            channel_message_free(ch, m);
        }
    }
    kobj_unref(&ch->obj);
    return st;
}

// zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_t* handles,
//                             uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes,
//                             uint32_t* actual_handles);
int64_t sys_channel_read(zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles,
                         uint32_t num_bytes, uint32_t num_handles, user_out_opt_ptr actual_bytes,
                         user_out_opt_ptr actual_handles) {
    int64_t st = read_fast(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles);
    if (likely(st != FAST_FALLBACK)) return st;
    return do_read(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes, actual_handles, false);
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
