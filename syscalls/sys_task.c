// Processes and threads.
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "syscalls/priv.h"

static bool user_pc_ok(const struct process *p, uintptr_t pc) {
    return pc >= hal_aspace_user_base(&p->as->hal) && pc < hal_aspace_user_end(&p->as->hal);
}

// zx_status_t zx_process_create(zx_handle_t job, const char* name, size_t name_size,
//                               uint32_t options, zx_handle_t* proc_handle, zx_handle_t* vmar_handle);
int64_t sys_process_create(zx_handle_t job, user_in_ptr name, size_t name_size, uint32_t options,
                           user_out_ptr proc_handle, user_out_ptr vmar_handle) {
    struct job *j;
    zx_status_t st = lookup_process_create_job(job, &j);
    if (st != ZX_OK) return st;
    char buf[ZX_MAX_NAME_LEN];
    if (options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = job_policy_check(current_process(), ZX_POL_NEW_PROCESS);
    if (st == ZX_OK) st = copy_name_from_user(buf, sizeof(buf), name, name_size);
    struct process *p = NULL;
    if (st == ZX_OK) st = process_create(j, buf, &p);
    kobj_unref(&j->obj);
    if (st != ZX_OK) return st;
    struct kobj *objs[2] = {&p->obj, &p->as->root->obj};
    zx_rights_t rights[2] = {ZX_DEFAULT_PROCESS_RIGHTS, vmar_rights_for(p->as->root->flags)};
    user_out_ptr outs[2] = {proc_handle, vmar_handle};
    st = give_handles(2, objs, rights, outs);
    if (st != ZX_OK) process_kill(p, 0);  // never handed out: it must not linger in the job
    kobj_unref(&p->obj);  // the handle (if any) keeps it now
    return st;
}

// zx_status_t zx_process_start(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry,
//                              zx_vaddr_t stack, zx_handle_t arg1, uintptr_t arg2);
// arg1 (handle?<any:TRANSFER,release>) was taken out of the caller's table by the decoder before
// anything else: it goes to the new process, or is closed when this fails.
int64_t sys_process_start(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry, zx_vaddr_t stack,
                          struct consumed_handle *arg1, uintptr_t arg2) {
    struct process *p = NULL;
    struct thread *t = NULL;
    zx_status_t st = lookup_process_start_handle(handle, &p);
    if (st == ZX_OK) st = lookup_process_start_thread(thread, &t);
    if (st == ZX_OK) st = arg1->status;
    if (st == ZX_OK && t->proc != p) st = ZX_ERR_ACCESS_DENIED;
    if (st == ZX_OK && (p->state != PROC_INITIAL || t->started)) st = ZX_ERR_BAD_STATE;
    if (st == ZX_OK && !user_pc_ok(p, entry)) st = ZX_ERR_INVALID_ARGS;
    zx_handle_t child_value = ZX_HANDLE_INVALID;
    if (st == ZX_OK && arg1->obj) {
        st = handle_install(&p->handles, arg1->obj, arg1->rights, &child_value);
        if (st == ZX_OK) arg1->obj = NULL;  // the child's handle has it now
    }
    if (st == ZX_OK) {
        p->start_time = hal_now();
        st = thread_start(t, entry, stack, child_value, arg2);
    }
    if (t) put_thread(t);
    if (p) put_process(p);
    return st;
}

// void zx_process_exit(int64_t retcode);
int64_t sys_process_exit(int64_t retcode) {
    process_kill(current_process(), retcode);
    return 0;
}

// zx_status_t zx_thread_create(zx_handle_t process, const char* name, size_t name_size,
//                              uint32_t options, zx_handle_t* out);
int64_t sys_thread_create(zx_handle_t process, user_in_ptr name, size_t name_size, uint32_t options,
                          user_out_ptr out) {
    struct process *p;
    zx_status_t st = lookup_thread_create_process(process, &p);
    if (st != ZX_OK) return st;
    char buf[ZX_MAX_NAME_LEN];
    struct thread *t = NULL;
    if (options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = copy_name_from_user(buf, sizeof(buf), name, name_size);
    if (st == ZX_OK) st = thread_create(p, buf, &t);
    kobj_unref(&p->obj);
    if (st != ZX_OK) return st;
    st = give_handle(&t->obj, ZX_DEFAULT_THREAD_RIGHTS, out);
    if (st != ZX_OK && !t->started) thread_kill(t);
    kobj_unref(&t->obj);
    return st;
}

// zx_status_t zx_thread_start(zx_handle_t handle, zx_vaddr_t thread_entry, zx_vaddr_t stack,
//                             uintptr_t arg1, uintptr_t arg2);
int64_t sys_thread_start(zx_handle_t handle, zx_vaddr_t thread_entry, zx_vaddr_t stack, uintptr_t arg1,
                         uintptr_t arg2) {
    struct thread *t;
    zx_status_t st = lookup_thread_start_handle(handle, &t);
    if (st != ZX_OK) return st;
    if (!user_pc_ok(t->proc, thread_entry)) st = ZX_ERR_INVALID_ARGS;
    else if (t->proc->state != PROC_RUNNING || t->started) st = ZX_ERR_BAD_STATE;
    else st = thread_start(t, thread_entry, stack, arg1, arg2);
    kobj_unref(&t->obj);
    return st;
}

// void zx_thread_exit(void);
int64_t sys_thread_exit(void) {
    thread_kill(current_thread());
    return 0;
}

// zx_status_t zx_task_kill(zx_handle_t handle);
int64_t sys_task_kill(zx_handle_t handle) {
    struct kobj *obj;
    zx_status_t st = lookup_task_kill_handle(handle, &obj);
    if (st != ZX_OK) return st;
    switch (obj->type) {
    case ZX_OBJ_TYPE_PROCESS:
        process_kill(to_process(obj), ZX_TASK_RETCODE_SYSCALL_KILL);
        break;
    case ZX_OBJ_TYPE_THREAD:
        thread_kill(to_thread(obj));
        break;
    case ZX_OBJ_TYPE_JOB:
        job_kill(to_job(obj), ZX_TASK_RETCODE_SYSCALL_KILL);
        break;
    default:
        st = ZX_ERR_WRONG_TYPE;
    }
    kobj_unref(obj);
    return st;
}

// The shared body of zx_task_suspend and zx_task_suspend_token; st and obj: the lookup of handle.
static int64_t task_suspend_looked_up(zx_status_t st, struct kobj *obj, user_out_ptr token) {
    if (st != ZX_OK) return st;
    struct thread *self = current_thread();
    if (obj == &self->obj || obj == &self->proc->obj) st = ZX_ERR_NOT_SUPPORTED;  // not oneself
    else st = probe_out(token, sizeof(zx_handle_t));
    if (st != ZX_OK) {
        kobj_unref(obj);
        return st;
    }
    struct kobj *tk = NULL;
    st = task_suspend(obj, &tk);
    kobj_unref(obj);
    if (st != ZX_OK) return st;
    return give_new_handle(tk, ZX_DEFAULT_SUSPEND_TOKEN_RIGHTS, token);  // a failure resumes the task
}

// zx_status_t zx_task_suspend(zx_handle_t handle, zx_handle_t* token);
int64_t sys_task_suspend(zx_handle_t handle, user_out_ptr token) {
    struct kobj *obj = NULL;
    zx_status_t st = lookup_task_suspend_handle(handle, &obj);
    return task_suspend_looked_up(st, obj, token);
}

// zx_status_t zx_task_suspend_token(zx_handle_t handle, zx_handle_t* token);
int64_t sys_task_suspend_token(zx_handle_t handle, user_out_ptr token) {
    struct kobj *obj = NULL;
    zx_status_t st = lookup_task_suspend_token_handle(handle, &obj);
    return task_suspend_looked_up(st, obj, token);
}

#include <zircon/syscalls/debug.h>
#define STATE_MAX sizeof(zx_thread_state_vector_regs_t)  // the largest state struct

// zx_status_t zx_thread_read_state(zx_handle_t handle, uint32_t kind, void* buffer, size_t buffer_size);
int64_t sys_thread_read_state(zx_handle_t handle, uint32_t kind, user_out_ptr buffer, size_t buffer_size) {
    struct thread *t;
    zx_status_t st = lookup_thread_read_state_handle(handle, &t);
    if (st != ZX_OK) return st;
    static uint8_t buf[STATE_MAX];  // one CPU, interrupts off: no concurrent user
    size_t len = buffer_size < sizeof(buf) ? buffer_size : sizeof(buf);
    if (!thread_stopped(t)) st = ZX_ERR_BAD_STATE;
    else st = hal_uctx_read_state(&t->task.uctx, kind, buf, &len);
    if (st == ZX_OK) st = copy_to_user(buffer, buf, len);
    kobj_unref(&t->obj);
    return st;
}

// zx_status_t zx_thread_write_state(zx_handle_t handle, uint32_t kind, const void* buffer,
//                                   size_t buffer_size);
int64_t sys_thread_write_state(zx_handle_t handle, uint32_t kind, user_in_ptr buffer, size_t buffer_size) {
    struct thread *t;
    zx_status_t st = lookup_thread_write_state_handle(handle, &t);
    if (st != ZX_OK) return st;
    static uint8_t buf[STATE_MAX];
    if (buffer_size > sizeof(buf)) st = ZX_ERR_INVALID_ARGS;
    else if (!thread_stopped(t)) st = ZX_ERR_BAD_STATE;
    else st = copy_from_user(buf, buffer, buffer_size);
    if (st == ZX_OK) st = hal_uctx_write_state(&t->task.uctx, kind, buf, buffer_size);
    kobj_unref(&t->obj);
    return st;
}

#define MEMORY_ACCESS_MAX (64u << 20)

// st and p: the lookup of the process handle.
static int64_t process_memory(zx_status_t st, struct process *p, uintptr_t vaddr, uintptr_t ubuf, size_t size,
                              user_out_opt_ptr actual, bool write) {
    if (st != ZX_OK) return st;
    if (size == 0 || size > MEMORY_ACCESS_MAX) st = ZX_ERR_INVALID_ARGS;
    else if (p->state == PROC_DEAD) st = ZX_ERR_BAD_STATE;
    else if (write && p->as->vdso_image_base && vaddr < p->as->vdso_end && vaddr + size > p->as->vdso_image_base)
        st = ZX_ERR_ACCESS_DENIED;  // the vDSO is shared by every process: never written
    static uint8_t chunk[4096];
    size_t total = 0;
    while (st == ZX_OK && total < size) {
        size_t n = size - total < sizeof(chunk) ? size - total : sizeof(chunk);
        size_t done = 0;  // what this chunk moved (none when it failed)
        if (write) {
            st = copy_from_user(chunk, (user_in_ptr){ubuf + total}, n);
            if (st == ZX_OK) st = vm_aspace_access(p->as, vaddr + total, chunk, n, true, &done);
        } else {
            st = vm_aspace_access(p->as, vaddr + total, chunk, n, false, &done);
            if (st == ZX_OK) st = copy_to_user((user_out_ptr){ubuf + total}, chunk, done);
        }
        if (st == ZX_ERR_NO_MEMORY && total) st = ZX_OK;  // a partial transfer is a success
        if (st != ZX_OK) break;
        total += done;
        if (done < n) break;
    }
    if (st == ZX_OK) st = put_opt_u64(actual, total);
    put_process(p);
    return st;
}

// zx_status_t zx_process_read_memory(zx_handle_t handle, zx_vaddr_t vaddr, void* buffer,
//                                    size_t buffer_size, size_t* actual);
int64_t sys_process_read_memory(zx_handle_t handle, zx_vaddr_t vaddr, user_out_ptr buffer, size_t buffer_size,
                                user_out_opt_ptr actual) {
    struct process *p = NULL;
    zx_status_t st = lookup_process_read_memory_handle(handle, &p);
    return process_memory(st, p, vaddr, buffer.addr, buffer_size, actual, false);
}

// zx_status_t zx_process_write_memory(zx_handle_t handle, zx_vaddr_t vaddr, const void* buffer,
//                                     size_t buffer_size, size_t* actual);
int64_t sys_process_write_memory(zx_handle_t handle, zx_vaddr_t vaddr, user_in_ptr buffer, size_t buffer_size,
                                 user_out_opt_ptr actual) {
    struct process *p = NULL;
    zx_status_t st = lookup_process_write_memory_handle(handle, &p);
    return process_memory(st, p, vaddr, buffer.addr, buffer_size, actual, true);
}
