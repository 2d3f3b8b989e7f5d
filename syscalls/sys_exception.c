// Exception channels and exception objects.
#include "objects/exception.h"
#include "syscalls/priv.h"

// zx_status_t zx_task_create_exception_channel(zx_handle_t handle, uint32_t options, zx_handle_t* out);
int64_t sys_task_create_exception_channel(zx_handle_t handle, uint32_t options, user_out_ptr out) {
    struct kobj *task;
    zx_rights_t have;
    zx_status_t st = lookup_task_create_exception_channel_handle_rights(handle, &task, &have);
    if (st != ZX_OK) return st;
    struct exc_port *port = NULL;
    if (options & ~ZX_EXCEPTION_CHANNEL_DEBUGGER) st = ZX_ERR_INVALID_ARGS;
    else if (task->type == ZX_OBJ_TYPE_THREAD)
        port = options ? NULL : &to_thread(task)->exc;
    else if (task->type == ZX_OBJ_TYPE_PROCESS)
        port = options ? &to_process(task)->exc_debugger : &to_process(task)->exc;
    else if (task->type == ZX_OBJ_TYPE_JOB)
        port = options ? NULL : &to_job(task)->exc;
    if (st == ZX_OK && !port) st = ZX_ERR_INVALID_ARGS;  // no debugger channel on threads and jobs here
    // A job's or a process's channel reaches its threads: that takes ZX_RIGHT_ENUMERATE.
    if (st == ZX_OK && task->type != ZX_OBJ_TYPE_THREAD && !(have & ZX_RIGHT_ENUMERATE)) st = ZX_ERR_ACCESS_DENIED;
    if (st == ZX_OK) {
        bool dead = (task->type == ZX_OBJ_TYPE_THREAD && to_thread(task)->task.state == TASK_DEAD) ||
                    (task->type == ZX_OBJ_TYPE_PROCESS && to_process(task)->state == PROC_DEAD) ||
                    (task->type == ZX_OBJ_TYPE_JOB && to_job(task)->dead);
        if (dead) st = ZX_ERR_BAD_STATE;
    }
    struct kobj *user_end = NULL;
    if (st == ZX_OK) st = exc_port_bind(port, &user_end);
    kobj_unref(task);
    if (st != ZX_OK) return st;
    st = give_handle(user_end, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_READ, out);
    kobj_unref(user_end);
    if (st != ZX_OK) exc_port_release(port);
    return st;
}

// zx_status_t zx_exception_get_thread(zx_handle_t handle, zx_handle_t* out);
int64_t sys_exception_get_thread(zx_handle_t handle, user_out_ptr out) {
    struct exception *e;
    zx_status_t st = lookup_exception_get_thread_handle(handle, &e);
    if (st != ZX_OK) return st;
    st = give_handle(&e->thread->obj, ZX_DEFAULT_THREAD_RIGHTS, out);
    kobj_unref(&e->obj);
    return st;
}

// zx_status_t zx_exception_get_process(zx_handle_t handle, zx_handle_t* out);
int64_t sys_exception_get_process(zx_handle_t handle, user_out_ptr out) {
    struct exception *e;
    zx_status_t st = lookup_exception_get_process_handle(handle, &e);
    if (st != ZX_OK) return st;
    // A thread's own channel gives access to the thread only.
    if (e->channel_type == ZX_EXCEPTION_CHANNEL_TYPE_THREAD) st = ZX_ERR_ACCESS_DENIED;
    else st = give_handle(&e->thread->proc->obj, ZX_DEFAULT_PROCESS_RIGHTS, out);
    kobj_unref(&e->obj);
    return st;
}

// zx_status_t zx_thread_raise_exception(uint32_t options, zx_excp_type_t type,
//                                       const zx_exception_context_t* context);
// A user-defined exception for the job debugger channels of the caller's jobs. zc has no job
// debugger channels (zx_task_create_exception_channel refuses them), so nobody ever listens and
// the thread goes on at once, as Zircon's does when no debugger is attached.
int64_t sys_thread_raise_exception(uint32_t options, zx_excp_type_t type, user_in_ptr context) {
    zx_exception_context_t ctx;
    if (options != ZX_EXCEPTION_TARGET_JOB_DEBUGGER || type != ZX_EXCP_USER) return ZX_ERR_INVALID_ARGS;
    return copy_from_user(&ctx, context, sizeof(ctx));
}
