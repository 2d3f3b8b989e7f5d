// Sockets and FIFOs.
#include "objects/fifo.h"
#include "objects/socket.h"
#include <zircon/syscalls/policy.h>

#include "syscalls/priv.h"

// zx_status_t zx_socket_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1);
int64_t sys_socket_create(uint32_t options, user_out_ptr out0, user_out_ptr out1) {
    if (options & ~ZX_SOCKET_CREATE_MASK) return ZX_ERR_INVALID_ARGS;
    {
        zx_status_t pst = job_policy_check(current_process(), ZX_POL_NEW_SOCKET);
        if (pst != ZX_OK) return pst;
    }
    struct socket *a, *b;
    zx_status_t st = socket_create_pair(options, &a, &b);
    if (st != ZX_OK) return st;
    return give_pair(&a->obj, &b->obj, ZX_DEFAULT_SOCKET_RIGHTS, out0, out1);
}

// zx_status_t zx_socket_write(zx_handle_t handle, uint32_t options, const void* buffer,
//                             size_t buffer_size, size_t* actual);
int64_t sys_socket_write(zx_handle_t handle, uint32_t options, user_in_ptr buffer, size_t buffer_size,
                         user_out_opt_ptr actual) {
    struct socket *s;
    zx_status_t st = lookup_socket_write_handle(handle, &s);
    if (st != ZX_OK) return st;
    size_t n = 0;
    if (options != 0) st = ZX_ERR_INVALID_ARGS;
    else st = probe_opt_out(actual, sizeof(size_t));
    if (st == ZX_OK) st = socket_write(s, buffer, buffer_size, &n);
    if (st == ZX_OK) st = put_opt_u64(actual, n);
    kobj_unref(&s->obj);
    return st;
}

// zx_status_t zx_socket_read(zx_handle_t handle, uint32_t options, void* buffer, size_t buffer_size,
//                            size_t* actual);
int64_t sys_socket_read(zx_handle_t handle, uint32_t options, user_out_ptr buffer, size_t buffer_size,
                        user_out_opt_ptr actual) {
    struct socket *s;
    zx_status_t st = lookup_socket_read_handle(handle, &s);
    if (st != ZX_OK) return st;
    size_t n = 0;
    if (options & ~ZX_SOCKET_PEEK) st = ZX_ERR_INVALID_ARGS;
    else st = probe_opt_out(actual, sizeof(size_t));
    if (st == ZX_OK) st = socket_read(s, options & ZX_SOCKET_PEEK, buffer, buffer_size, &n);
    if (st == ZX_OK) st = put_opt_u64(actual, n);
    kobj_unref(&s->obj);
    return st;
}

// zx_status_t zx_socket_set_disposition(zx_handle_t handle, uint32_t disposition,
//                                       uint32_t disposition_peer);
int64_t sys_socket_set_disposition(zx_handle_t handle, uint32_t disposition, uint32_t disposition_peer) {
    struct socket *s;
    zx_status_t st = lookup_socket_set_disposition_handle(handle, &s);
    if (st != ZX_OK) return st;
    st = socket_set_disposition(s, disposition, disposition_peer);
    kobj_unref(&s->obj);
    return st;
}

// zx_status_t zx_fifo_create(size_t elem_count, size_t elem_size, uint32_t options,
//                            zx_handle_t* out0, zx_handle_t* out1);
int64_t sys_fifo_create(size_t elem_count, size_t elem_size, uint32_t options, user_out_ptr out0,
                        user_out_ptr out1) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    if (!elem_count || !elem_size || elem_count > ZX_FIFO_MAX_SIZE_BYTES || elem_size > ZX_FIFO_MAX_SIZE_BYTES ||
        elem_count * elem_size > ZX_FIFO_MAX_SIZE_BYTES)
        return ZX_ERR_OUT_OF_RANGE;
    struct fifo *a, *b;
    {
        zx_status_t pst = job_policy_check(current_process(), ZX_POL_NEW_FIFO);
        if (pst != ZX_OK) return pst;
    }
    zx_status_t st = fifo_create_pair((uint32_t)elem_count, (uint32_t)elem_size, &a, &b);
    if (st != ZX_OK) return st;
    return give_pair(&a->obj, &b->obj, ZX_DEFAULT_FIFO_RIGHTS, out0, out1);
}

// zx_status_t zx_fifo_write(zx_handle_t handle, size_t elem_size, const void* data, size_t count,
//                           size_t* actual_count);
int64_t sys_fifo_write(zx_handle_t handle, size_t elem_size, user_in_ptr data, size_t count,
                       user_out_opt_ptr actual_count) {
    struct fifo *f;
    zx_status_t st = lookup_fifo_write_handle(handle, &f);
    if (st != ZX_OK) return st;
    size_t n = 0;
    if (elem_size != f->elem_size || count == 0) st = ZX_ERR_OUT_OF_RANGE;
    else st = probe_opt_out(actual_count, sizeof(size_t));
    if (st == ZX_OK) st = fifo_write(f, data, count, &n);
    if (st == ZX_OK) st = put_opt_u64(actual_count, n);
    kobj_unref(&f->obj);
    return st;
}

// zx_status_t zx_fifo_read(zx_handle_t handle, size_t elem_size, void* data, size_t count,
//                          size_t* actual_count);
int64_t sys_fifo_read(zx_handle_t handle, size_t elem_size, user_out_ptr data, size_t count,
                      user_out_opt_ptr actual_count) {
    struct fifo *f;
    zx_status_t st = lookup_fifo_read_handle(handle, &f);
    if (st != ZX_OK) return st;
    size_t n = 0;
    if (elem_size != f->elem_size || count == 0) st = ZX_ERR_OUT_OF_RANGE;
    else st = probe_opt_out(actual_count, sizeof(size_t));
    if (st == ZX_OK) st = fifo_read(f, data, count, &n);
    if (st == ZX_OK) st = put_opt_u64(actual_count, n);
    kobj_unref(&f->obj);
    return st;
}
