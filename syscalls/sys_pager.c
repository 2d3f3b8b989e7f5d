// Pagers (docs/pager.md): the zx_pager_* calls, and how a syscall waits for a pager's page.
#include <zircon/syscalls/policy.h>
#include <zircon/syscalls/port.h>

#include "objects/pager.h"
#include "objects/port.h"
#include "objects/vmo.h"
#include "syscalls/priv.h"

#define PAGE HAL_PAGE_SIZE

// ---- waiting for a pager ----

// The cancel of WAIT_PAGER (syscalls/wait.c): only zx_vmo_read / zx_vmo_write hold something,
// their VMO. A request keeps no record of its waiters beyond its wait queue, which the waiter
// has left by now.
void pager_wait_cancel(struct waiter *w) {
    struct vmo *v = w->state.pager.vmo;
    w->state.pager.vmo = NULL;
    if (v) kobj_unref(&v->obj);
}

static int64_t restart_cont(struct task *t, zx_status_t reason) {
    struct pager_wait_state *ps = &t->wait.state.pager;
    if (reason == ZX_OK) {
        hal_uctx_restart_syscall(&t->uctx);  // keep_regs: the call is issued again
        return 0;
    }
    t->wait.keep_regs = false;
    return ps->offset ? (int64_t)ps->offset : reason;  // `offset` holds fail_result here
}

// The waiter's state for a call that is issued again once the wait ends well.
static struct task *restart_state(int64_t fail_result) {
    struct task *t = &current_thread()->task;
    struct pager_wait_state *ps = &t->wait.state.pager;
    ps->how = PAGER_WAIT_RESTART;
    ps->vmo = NULL;
    ps->offset = (uint64_t)fail_result;
    return t;
}

int64_t pager_block_restart(struct pager_request *req, uint64_t page, int64_t fail_result) {
    struct task *t = restart_state(fail_result);
    pager_wait(t, req, page, restart_cont);
    t->wait.keep_regs = true;  // nothing is returned: the registers still hold the call
    return SYS_BLOCKED;
}

int64_t pager_restart_now(void) {
    struct task *t = restart_state(0);
    wait_block(t, NULL, WAIT_PAGER, ZX_TIME_INFINITE, restart_cont);
    t->wait.keep_regs = true;
    waiter_wake(&t->wait, ZX_OK);  // the continuation issues the call again when it next runs
    return SYS_BLOCKED;
}

// The copy of zx_vmo_read / zx_vmo_write, or a wait (the state holds the call) when the pager
// owes a page of the range. Takes the caller's reference on v when it waits.
static int64_t vmo_rw_try(struct task *t, struct vmo *v, user_inout_ptr buffer, uint64_t offset, size_t len,
                          bool write, wait_cont_fn cont) {
    if (offset > v->size || len > v->size - offset) return ZX_ERR_OUT_OF_RANGE;
    struct pager_request *req;
    uint64_t page;
    zx_status_t st = vmo_pager_need(v, offset, len, write, &req, &page);
    if (st == ZX_ERR_SHOULD_WAIT) {
        struct pager_wait_state *ps = &t->wait.state.pager;
        ps->how = PAGER_WAIT_RETRY;
        ps->vmo = v;
        ps->buffer = buffer;
        ps->offset = offset;
        ps->len = len;
        ps->write = write;
        pager_wait(t, req, page, cont);
        return SYS_BLOCKED;
    }
    if (st != ZX_OK) return st;
    return write ? vmo_write_user(v, user_in(buffer), offset, len) : vmo_read_user(v, user_out(buffer), offset, len);
}

static int64_t vmo_rw_cont(struct task *t, zx_status_t reason) {
    struct pager_wait_state *ps = &t->wait.state.pager;
    if (reason != ZX_OK) return reason;  // the pager failed the page, or the VMO was detached
    struct vmo *v = ps->vmo;
    ps->vmo = NULL;  // the retry owns the reference again
    int64_t r = vmo_rw_try(t, v, ps->buffer, ps->offset, ps->len, ps->write, vmo_rw_cont);
    if (r == SYS_BLOCKED) return 0;  // waits again, holding v
    kobj_unref(&v->obj);
    return r;
}

int64_t pager_vmo_rw(struct vmo *v, user_inout_ptr buffer, uint64_t offset, size_t len, bool write) {
    int64_t r = vmo_rw_try(&current_thread()->task, v, buffer, offset, len, write, vmo_rw_cont);
    if (r != SYS_BLOCKED) kobj_unref(&v->obj);
    return r;
}

// ---- the calls ----

// zx_status_t zx_pager_create(uint32_t options, zx_handle_t* out);
int64_t sys_pager_create(uint32_t options, user_out_ptr out) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    zx_status_t st = job_policy_check(current_process(), ZX_POL_NEW_PAGER);
    if (st != ZX_OK) return st;
    struct pager *p;
    st = pager_create(&p);
    if (st != ZX_OK) return st;
    st = give_handle(&p->obj, ZX_DEFAULT_PAGER_RIGHTS, out);
    kobj_unref(&p->obj);
    return st;
}

// zx_status_t zx_pager_create_vmo(zx_handle_t pager, uint32_t options, zx_handle_t port,
//                                 uint64_t key, uint64_t size, zx_handle_t* out);
int64_t sys_pager_create_vmo(zx_handle_t pager, uint32_t options, zx_handle_t port, uint64_t key, uint64_t size,
                             user_out_ptr out) {
    struct pager *p;
    struct port *q;
    zx_status_t st = lookup_pager_create_vmo_pager(pager, &p);
    if (st != ZX_OK) return st;
    st = lookup_pager_create_vmo_port(port, &q);
    if (st != ZX_OK) goto out_pager;
    if (options & ~(ZX_VMO_RESIZABLE | ZX_VMO_TRAP_DIRTY)) st = ZX_ERR_INVALID_ARGS;
    else if (size > VMO_MAX_SIZE) st = ZX_ERR_OUT_OF_RANGE;
    else st = job_policy_check(current_process(), ZX_POL_NEW_VMO);
    if (st != ZX_OK) goto out_port;
    struct vmo *v;
    uint32_t flags = VMO_F_PAGER_CHAIN | ((options & ZX_VMO_RESIZABLE) ? VMO_F_RESIZABLE : 0);
    st = vmo_create((size + PAGE - 1) & ~(PAGE - 1), flags, &v);
    if (st != ZX_OK) goto out_port;
    v->content_size = size;
    st = pager_src_attach(p, v, q, key, options & ZX_VMO_TRAP_DIRTY);
    if (st == ZX_OK) {
        zx_rights_t r = ZX_DEFAULT_VMO_RIGHTS | ((options & ZX_VMO_RESIZABLE) ? ZX_RIGHT_RESIZE : 0);
        st = give_handle(&v->obj, r, out);
        // A VMO that never reached the caller sends no ZX_PAGER_VMO_COMPLETE.
        if (st != ZX_OK) pager_src_detach(v->pager_src, ZX_OK, false);
    }
    kobj_unref(&v->obj);
out_port:
    kobj_unref(&q->obj);
out_pager:
    kobj_unref(&p->obj);
    return st;
}

static void put_pager_and_vmo(struct pager *p, struct vmo *v) {
    kobj_unref(&v->obj);
    kobj_unref(&p->obj);
}

// The pager VMO of a zx_pager_* call: ZX_ERR_INVALID_ARGS unless p made it.
static zx_status_t check_pager_vmo(struct pager *p, struct vmo *v) {
    return v->pager_src && v->pager_src->pager_koid == p->obj.koid ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

// Looks up the pager and its VMO for the zx_pager_* calls that take both, each through its
// call's generated lookup (the def's type and rights).
typedef zx_status_t (*pager_lookup_fn)(zx_handle_t, struct pager **);
typedef zx_status_t (*vmo_lookup_fn)(zx_handle_t, struct vmo **);
static zx_status_t get_pager_and_vmo(pager_lookup_fn lookup_pager, zx_handle_t pager, vmo_lookup_fn lookup_vmo,
                                     zx_handle_t vmo, struct pager **p, struct vmo **v) {
    zx_status_t st = lookup_pager(pager, p);
    if (st != ZX_OK) return st;
    st = lookup_vmo(vmo, v);
    if (st != ZX_OK) {
        kobj_unref(&(*p)->obj);
        return st;
    }
    st = check_pager_vmo(*p, *v);
    if (st != ZX_OK) put_pager_and_vmo(*p, *v);
    return st;
}

// A page-aligned range [offset, offset + length) inside v.
static zx_status_t check_range(const struct vmo *v, uint64_t offset, uint64_t length) {
    if ((offset | length) % PAGE) return ZX_ERR_INVALID_ARGS;
    if (offset + length < offset || offset + length > v->size) return ZX_ERR_OUT_OF_RANGE;
    return ZX_OK;
}

// zx_status_t zx_pager_detach_vmo(zx_handle_t pager, zx_handle_t vmo);
int64_t sys_pager_detach_vmo(zx_handle_t pager, zx_handle_t vmo) {
    struct pager *p;
    struct vmo *v;
    zx_status_t st = get_pager_and_vmo(lookup_pager_detach_vmo_pager, pager, lookup_pager_detach_vmo_vmo, vmo, &p, &v);
    if (st != ZX_OK) return st;
    // Waiting threads "resume and fault"; the last packet the pager gets is COMPLETE. A
    // second detach changes nothing.
    pager_src_detach(v->pager_src, ZX_ERR_BAD_STATE, true);
    put_pager_and_vmo(p, v);
    return ZX_OK;
}

// zx_status_t zx_pager_supply_pages(zx_handle_t pager, zx_handle_t pager_vmo, uint64_t offset,
//                                   uint64_t length, zx_handle_t aux_vmo, uint64_t aux_offset);
int64_t sys_pager_supply_pages(zx_handle_t pager, zx_handle_t pager_vmo, uint64_t offset, uint64_t length,
                               zx_handle_t aux_vmo, uint64_t aux_offset) {
    struct pager *p;
    struct vmo *v, *aux;
    zx_status_t st = get_pager_and_vmo(lookup_pager_supply_pages_pager, pager, lookup_pager_supply_pages_pager_vmo,
                                       pager_vmo, &p, &v);
    if (st != ZX_OK) return st;
    st = lookup_pager_supply_pages_aux_vmo(aux_vmo, &aux);
    if (st != ZX_OK) {
        put_pager_and_vmo(p, v);
        return st;
    }
    if (aux_offset % PAGE) st = ZX_ERR_INVALID_ARGS;
    else st = check_range(v, offset, length);
    if (st != ZX_OK) {
    } else if (aux_offset + length < aux_offset || aux_offset + length > aux->size) {
        st = ZX_ERR_OUT_OF_RANGE;
    } else if (!pager_src_attached(v->pager_src)) {
        st = ZX_ERR_BAD_STATE;
    } else if (aux->flags & VMO_F_PHYSICAL) {
        st = ZX_ERR_NOT_SUPPORTED;
    } else if (aux->parent || aux->slice_of || aux->user_parent || aux->user_child_count || aux->pager_src ||
               (aux->flags & (VMO_F_HIDDEN | VMO_F_PAGER_CHAIN))) {
        // "aux_vmo must have been created by zx_vmo_create(), must have no children".
        st = ZX_ERR_BAD_STATE;
    } else if (length) {
        st = vmo_supply_pages(v, offset, length, aux, aux_offset);
    }
    kobj_unref(&aux->obj);
    put_pager_and_vmo(p, v);
    return st;
}

static bool fail_status_allowed(uint64_t data) {
    switch ((zx_status_t)(int64_t)data) {
    case ZX_ERR_IO:
    case ZX_ERR_IO_DATA_INTEGRITY:
    case ZX_ERR_BAD_STATE:
    case ZX_ERR_NO_SPACE:
    case ZX_ERR_BUFFER_TOO_SMALL:
        return (int64_t)data == (int64_t)(zx_status_t)data;  // sign-extended
    default:
        return false;
    }
}

// zx_status_t zx_pager_op_range(zx_handle_t pager, uint32_t op, zx_handle_t pager_vmo,
//                               uint64_t offset, uint64_t length, uint64_t data);
int64_t sys_pager_op_range(zx_handle_t pager, uint32_t op, zx_handle_t pager_vmo, uint64_t offset, uint64_t length,
                           uint64_t data) {
    struct pager *p;
    struct vmo *v;
    zx_status_t st = get_pager_and_vmo(lookup_pager_op_range_pager, pager, lookup_pager_op_range_pager_vmo, pager_vmo, &p, &v);
    if (st != ZX_OK) return st;
    struct pager_src *s = v->pager_src;
    st = check_range(v, offset, length);
    if (st != ZX_OK) goto out;
    switch (op) {
    case ZX_PAGER_OP_FAIL:
        if (!fail_status_allowed(data)) st = ZX_ERR_INVALID_ARGS;
        else if (!pager_src_attached(s)) st = ZX_ERR_BAD_STATE;
        else pager_fail_range(s, offset / PAGE, (offset + length) / PAGE, (zx_status_t)(int64_t)data);
        break;
    case ZX_PAGER_OP_DIRTY:
        if (data != 0) st = ZX_ERR_INVALID_ARGS;
        else if (!pager_src_attached(s)) st = ZX_ERR_BAD_STATE;
        else st = vmo_pager_dirty_range(v, offset / PAGE, (offset + length) / PAGE);
        break;
    case ZX_PAGER_OP_WRITEBACK_BEGIN:
        // Allowed on a detached VMO: the pager writes back what stayed dirty.
        if (data & ~ZX_VMO_DIRTY_RANGE_IS_ZERO) st = ZX_ERR_INVALID_ARGS;
        else st = vmo_pager_writeback_begin(v, offset / PAGE, (offset + length) / PAGE, data != 0);
        break;
    case ZX_PAGER_OP_WRITEBACK_END:
        if (data != 0) st = ZX_ERR_INVALID_ARGS;
        else vmo_pager_writeback_end(v, offset / PAGE, (offset + length) / PAGE);
        break;
    default:
        st = ZX_ERR_NOT_SUPPORTED;
        break;
    }
out:
    put_pager_and_vmo(p, v);
    return st;
}

// The records of zx_pager_query_dirty_ranges: copied out while they fit, all counted.
struct dirty_out {
    user_out_ptr buffer;
    size_t room, count;
};

static zx_status_t dirty_out_put(void *ctx, uint64_t first, uint64_t end, bool zero) {
    struct dirty_out *o = ctx;
    if (o->count < o->room) {
        zx_vmo_dirty_range_t r = {.offset = first * PAGE, .length = (end - first) * PAGE,
                                  .options = zero ? ZX_VMO_DIRTY_RANGE_IS_ZERO : 0};
        zx_status_t st = copy_to_user((user_out_ptr){o->buffer.addr + o->count * sizeof(r)}, &r, sizeof(r));
        if (st != ZX_OK) return st;
    }
    o->count++;
    return ZX_OK;
}

// zx_status_t zx_pager_query_dirty_ranges(zx_handle_t pager, zx_handle_t pager_vmo, uint64_t offset,
//                                         uint64_t length, void* buffer, size_t buffer_size,
//                                         size_t* actual, size_t* avail);
int64_t sys_pager_query_dirty_ranges(zx_handle_t pager, zx_handle_t pager_vmo, uint64_t offset, uint64_t length,
                                     user_out_ptr buffer, size_t buffer_size, user_out_opt_ptr actual,
                                     user_out_opt_ptr avail) {
    struct pager *p;
    struct vmo *v;
    zx_status_t st = get_pager_and_vmo(lookup_pager_query_dirty_ranges_pager, pager, lookup_pager_query_dirty_ranges_pager_vmo,
                                       pager_vmo, &p, &v);
    if (st != ZX_OK) return st;
    // The range need not be page aligned: the query covers the pages it touches.
    struct dirty_out o = {.buffer = buffer, .room = buffer_size / sizeof(zx_vmo_dirty_range_t)};
    static const zx_vmo_dirty_range_t none;
    if (offset + length < offset || offset + length > v->size) st = ZX_ERR_OUT_OF_RANGE;
    // A buffer with room for a record must take one ("buffer is an invalid pointer"), whether
    // or not there is a range to put there.
    else if (o.room) st = copy_to_user(buffer, &none, sizeof(none));
    if (st == ZX_OK && length) st = vmo_pager_dirty_runs(v, offset / PAGE, (offset + length + PAGE - 1) / PAGE, dirty_out_put, &o);
    if (st == ZX_OK) st = put_opt_u64(actual, o.count < o.room ? o.count : o.room);
    if (st == ZX_OK) st = put_opt_u64(avail, o.count);
    put_pager_and_vmo(p, v);
    return st;
}

// zx_status_t zx_pager_query_vmo_stats(zx_handle_t pager, zx_handle_t pager_vmo, uint32_t options,
//                                      void* buffer, size_t buffer_size);
int64_t sys_pager_query_vmo_stats(zx_handle_t pager, zx_handle_t pager_vmo, uint32_t options, user_out_ptr buffer,
                                  size_t buffer_size) {
    struct pager *p;
    struct vmo *v;
    zx_status_t st = get_pager_and_vmo(lookup_pager_query_vmo_stats_pager, pager, lookup_pager_query_vmo_stats_pager_vmo,
                                       pager_vmo, &p, &v);
    if (st != ZX_OK) return st;
    struct pager_src *s = v->pager_src;
    if (options & ~ZX_PAGER_RESET_VMO_STATS) {
        st = ZX_ERR_INVALID_ARGS;
    } else if (buffer_size < sizeof(zx_pager_vmo_stats_t)) {
        st = ZX_ERR_BUFFER_TOO_SMALL;
    } else {
        zx_pager_vmo_stats_t stats = {.modified = s->modified ? ZX_PAGER_VMO_STATS_MODIFIED : 0};
        st = copy_to_user(buffer, &stats, sizeof(stats));
        if (st == ZX_OK && (options & ZX_PAGER_RESET_VMO_STATS)) vmo_pager_reset_modified(v);
    }
    put_pager_and_vmo(p, v);
    return st;
}
