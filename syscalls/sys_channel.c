// Channels, events and event pairs.
#include "kernel/heap.h"
#include "objects/channel.h"
#include "objects/simple.h"
#include "syscalls/priv.h"

// zx_status_t zx_channel_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
int64_t sys_channel_create(uint32_t options, user_out_ptr out0, user_out_ptr out1) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    struct channel *a, *b;
    zx_status_t st = channel_create_pair(&a, &b);
    if (st != ZX_OK) return st;
    struct kobj *objs[2] = {&a->obj, &b->obj};
    zx_rights_t rights[2] = {ZX_DEFAULT_CHANNEL_RIGHTS, ZX_DEFAULT_CHANNEL_RIGHTS};
    user_out_ptr outs[2] = {out0, out1};
    st = give_handles(2, objs, rights, outs);
    kobj_unref(&a->obj);
    kobj_unref(&b->obj);
    return st;
}

// Moves the caller's handles into m (all consumed, whatever happens). `self` is the channel
// being written, which may not travel through itself.
static zx_status_t take_handles(const zx_handle_t *hs, uint32_t n, struct kobj *self, struct message *m) {
    struct handle_table *ht = cur_handles();
    zx_status_t st = ZX_OK;
    for (uint32_t i = 0; i < n; i++) {
        m->handles[i].obj = NULL;
        struct handle_slot *s = handle_slot_of(ht, hs[i]);
        if (!s) {
            if (st == ZX_OK) st = ZX_ERR_BAD_HANDLE;
            continue;
        }
        if (st == ZX_OK && s->obj == self) st = ZX_ERR_NOT_SUPPORTED;
        if (st == ZX_OK && !(s->rights & ZX_RIGHT_TRANSFER)) st = ZX_ERR_ACCESS_DENIED;
        (void)handle_take(ht, hs[i], &m->handles[i].obj, &m->handles[i].rights);
    }
    return st;
}

// zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options, const void* bytes,
//                              uint32_t num_bytes, const zx_handle_t* handles, uint32_t num_handles);
int64_t sys_channel_write(zx_handle_t handle, uint32_t options, user_in_ptr bytes, uint32_t num_bytes,
                          user_in_ptr handles, uint32_t num_handles) {
    zx_handle_t hs[ZX_CHANNEL_MAX_MSG_HANDLES];
    if (num_handles > ZX_CHANNEL_MAX_MSG_HANDLES) {
        // Zircon still consumes what it can read of them.
        return ZX_ERR_OUT_OF_RANGE;
    }
    if (num_handles && copy_from_user(hs, handles, num_handles * sizeof(zx_handle_t)) != ZX_OK)
        return ZX_ERR_INVALID_ARGS;
    struct channel *ch = NULL;
    zx_status_t st = get_obj(handle, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_WRITE, &ch);
    if (st == ZX_OK && options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && num_bytes > ZX_CHANNEL_MAX_MSG_BYTES) st = ZX_ERR_OUT_OF_RANGE;
    struct message *m = message_alloc(st == ZX_OK ? num_bytes : 0, num_handles);
    if (!m) {
        if (ch) kobj_unref(&ch->obj);
        for (uint32_t i = 0; i < num_handles; i++) (void)handle_close(cur_handles(), hs[i]);
        return ZX_ERR_NO_MEMORY;
    }
    zx_status_t hst = take_handles(hs, num_handles, ch ? &ch->obj : NULL, m);
    if (st == ZX_OK) st = hst;
    if (st == ZX_OK && num_bytes && copy_from_user(m->data, bytes, num_bytes) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = channel_send(ch, m);
    if (st != ZX_OK) message_free(m);
    if (ch) kobj_unref(&ch->obj);
    return st;
}

// zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_t* handles,
//                             uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes,
//                             uint32_t* actual_handles);
int64_t sys_channel_read(zx_handle_t handle, uint32_t options, user_out_ptr bytes, user_out_ptr handles,
                         uint32_t num_bytes, uint32_t num_handles, user_out_ptr actual_bytes,
                         user_out_ptr actual_handles) {
    struct channel *ch;
    zx_status_t st = get_obj(handle, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_READ, &ch);
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
    if (actual_bytes.addr && put_u32(actual_bytes, m->num_bytes) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && actual_handles.addr && put_u32(actual_handles, m->num_handles) != ZX_OK)
        st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && (num_bytes < m->num_bytes || num_handles < m->num_handles)) {
        if (options & ZX_CHANNEL_READ_MAY_DISCARD) {
            channel_pop(ch);
            message_free(m);
        }
        st = ZX_ERR_BUFFER_TOO_SMALL;
    }
    if (st == ZX_OK && m->num_bytes && copy_to_user(bytes, m->data, m->num_bytes) != ZX_OK)
        st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && m->num_handles) {
        // Install, then publish the values; on a bad pointer take them back into the message.
        struct handle_table *ht = cur_handles();
        zx_handle_t vals[ZX_CHANNEL_MAX_MSG_HANDLES];
        uint32_t i;
        for (i = 0; i < m->num_handles; i++) {
            st = handle_install(ht, m->handles[i].obj, m->handles[i].rights, &vals[i]);
            if (st != ZX_OK) break;
        }
        if (st == ZX_OK && copy_to_user(handles, vals, m->num_handles * sizeof(zx_handle_t)) != ZX_OK)
            st = ZX_ERR_INVALID_ARGS;
        if (st != ZX_OK) {
            while (i--) (void)handle_take(ht, vals[i], &m->handles[i].obj, &m->handles[i].rights);
        } else {
            for (i = 0; i < m->num_handles; i++) m->handles[i].obj = NULL;
        }
    }
    if (st == ZX_OK) {
        channel_pop(ch);
        message_free(m);
    }
    kobj_unref(&ch->obj);
    return st;
}

// zx_status_t zx_event_create(uint32_t options, zx_handle_t* out);
int64_t sys_event_create(uint32_t options, user_out_ptr out) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
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
    struct kobj *a, *b;
    zx_status_t st = eventpair_create(&a, &b);
    if (st != ZX_OK) return st;
    struct kobj *objs[2] = {a, b};
    zx_rights_t rights[2] = {ZX_DEFAULT_EVENTPAIR_RIGHTS, ZX_DEFAULT_EVENTPAIR_RIGHTS};
    user_out_ptr outs[2] = {out0, out1};
    st = give_handles(2, objs, rights, outs);
    kobj_unref(a);
    kobj_unref(b);
    return st;
}
