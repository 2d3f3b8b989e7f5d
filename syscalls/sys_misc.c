// Debuglog, sleeping and the test syscalls.
#include <zircon/syscalls/log.h>
#include <zircon/syscalls/resource.h>

#include <zircon/syscalls/object.h>

#include "kernel/klog.h"
#include "objects/debuglog.h"
#include "objects/event.h"
#include "objects/resource.h"
#include "syscalls/priv.h"

// zx_status_t zx_debuglog_create(zx_handle_t resource, uint32_t options, zx_handle_t* out);
int64_t sys_debuglog_create(zx_handle_t resource, uint32_t options, user_out_ptr out) {
    // As in Zircon: a write-only log (options 0) may be made without a resource (a program's
    // first output, before it has any handle); anything else needs the root resource, checked
    // before the options.
    struct resource *r;
    zx_status_t st = lookup_debuglog_create_resource(resource, &r);  // NULL for ZX_HANDLE_INVALID
    if (st != ZX_OK) return st;
    if (!r && options != 0) return ZX_ERR_BAD_HANDLE;
    if (r) {
        bool root = r->kind == ZX_RSRC_KIND_ROOT;
        put_resource(r);
        if (!root) return ZX_ERR_WRONG_TYPE;
    }
    if (options & ~ZX_LOG_FLAG_READABLE) return ZX_ERR_INVALID_ARGS;
    struct debuglog *d;
    st = debuglog_create(options, &d);
    if (st != ZX_OK) return st;
    zx_rights_t rights = ZX_DEFAULT_LOG_RIGHTS | ((options & ZX_LOG_FLAG_READABLE) ? ZX_RIGHT_READ : 0);
    st = give_handle(&d->obj, rights, out);
    kobj_unref(&d->obj);
    return st;
}

// zx_status_t zx_debuglog_write(zx_handle_t handle, uint32_t options, const void* buffer,
//                               size_t buffer_size);
int64_t sys_debuglog_write(zx_handle_t handle, uint32_t options, user_in_ptr buffer, size_t buffer_size) {
    if (options & ~0x7u) return ZX_ERR_INVALID_ARGS;  // severity bits only
    struct debuglog *d;
    zx_status_t st = lookup_debuglog_write_handle(handle, &d);
    if (st != ZX_OK) return st;
    char buf[ZX_LOG_RECORD_DATA_MAX];
    size_t n = buffer_size < sizeof(buf) ? buffer_size : sizeof(buf);
    st = copy_from_user(buf, buffer, n);
    if (st == ZX_OK) {
        struct thread *t = current_thread();
        klog_append(t->proc->obj.koid, t->obj.koid, ZX_LOG_INFO, 0, buf, n);
    }
    kobj_unref(&d->obj);
    return st;
}

// zx_status_t zx_debuglog_read(zx_handle_t handle, uint32_t options, void* buffer, size_t buffer_size);
int64_t sys_debuglog_read(zx_handle_t handle, uint32_t options, user_out_ptr buffer, size_t buffer_size) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    struct debuglog *d;
    zx_status_t st = lookup_debuglog_read_handle(handle, &d);
    if (st != ZX_OK) return st;
    struct klog_record r;
    if (!klog_read(&d->cursor, &r)) {
        kobj_unref(&d->obj);
        return ZX_ERR_SHOULD_WAIT;
    }
    // The record is a header plus its data (a flexible array).
    static uint8_t buf[ZX_LOG_RECORD_MAX];
    zx_log_record_t *rec = (zx_log_record_t *)buf;
    memset(rec, 0, sizeof(*rec));
    rec->sequence = r.sequence;
    rec->datalen = r.datalen;
    rec->severity = r.severity;
    rec->flags = r.flags;
    rec->timestamp = r.timestamp;
    rec->pid = r.pid;
    rec->tid = r.tid;
    size_t datalen = r.datalen;
    if (datalen > ZX_LOG_RECORD_MAX - sizeof(*rec)) datalen = ZX_LOG_RECORD_MAX - sizeof(*rec);
    memcpy(rec->data, r.data, datalen);
    size_t n = sizeof(*rec) + datalen;
    if (n > buffer_size) n = buffer_size;
    st = copy_to_user(buffer, rec, n);
    kobj_unref(&d->obj);
    return st == ZX_OK ? (int64_t)n : st;
}

static int64_t sleep_cont(struct task *t, zx_status_t reason) {
    return reason == ZX_ERR_TIMED_OUT ? ZX_OK : reason;
}

// zx_status_t zx_nanosleep(zx_time_t deadline);
int64_t sys_nanosleep(zx_time_t deadline) {
    if (deadline <= hal_now()) return ZX_OK;
    wait_block(sched_current(), NULL, WAIT_SLEEP, deadline, sleep_cont);
    return SYS_BLOCKED;
}

// zx_status_t zx_thread_legacy_yield(uint32_t options);
int64_t sys_thread_legacy_yield(uint32_t options) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    sched_yield();
    return ZX_OK;
}

// zx_status_t zx_syscall_test_N(...): the sum of the arguments, wrapped to a 32-bit status.
// Summed as unsigned 32-bit values (an overflowing signed sum would be undefined behaviour).
static inline int64_t status_sum(uint32_t sum) { return (int32_t)sum; }
int64_t sys_syscall_test_0(void) { return 0; }
int64_t sys_syscall_test_1(int32_t a) { return a; }
int64_t sys_syscall_test_2(int32_t a, int32_t b) { return status_sum((uint32_t)a + b); }
int64_t sys_syscall_test_3(int32_t a, int32_t b, int32_t c) { return status_sum((uint32_t)a + b + c); }
int64_t sys_syscall_test_4(int32_t a, int32_t b, int32_t c, int32_t d) { return status_sum((uint32_t)a + b + c + d); }
int64_t sys_syscall_test_5(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e) { return status_sum((uint32_t)a + b + c + d + e); }
int64_t sys_syscall_test_6(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f) {
    return status_sum((uint32_t)a + b + c + d + e + f);
}
int64_t sys_syscall_test_7(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g) {
    return status_sum((uint32_t)a + b + c + d + e + f + g);
}
int64_t sys_syscall_test_8(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g,
                           int32_t h) {
    return status_sum((uint32_t)a + b + c + d + e + f + g + h);
}
int64_t sys_syscall_test_wrapper(int32_t a, int32_t b, int32_t c) { return status_sum((uint32_t)a + b + c); }

// zx_status_t zx_syscall_test_handle_create(zx_status_t return_value, zx_handle_t* out);
int64_t sys_syscall_test_handle_create(zx_status_t return_value, user_out_ptr out) {
    if (return_value != ZX_OK) return return_value;
    struct kobj *e;
    zx_status_t st = event_create(&e);
    if (st != ZX_OK) return st;
    st = give_handle(e, ZX_DEFAULT_EVENT_RIGHTS, out);
    kobj_unref(e);
    return st;
}
