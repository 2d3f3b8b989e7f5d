// VMOs and VMARs.
#include <zircon/syscalls/policy.h>
#include <zircon/syscalls/resource.h>

#include "objects/vmar.h"
#include "objects/pager.h"
#include "objects/vmo.h"
#include "syscalls/priv.h"

#define PAGE HAL_PAGE_SIZE

static zx_rights_t vmo_rights(const struct vmo *v) {
    zx_rights_t r = ZX_DEFAULT_VMO_RIGHTS;
    if (v->flags & VMO_F_RESIZABLE) r |= ZX_RIGHT_RESIZE;
    return r;
}

// zx_status_t zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t* out);
int64_t sys_vmo_create(uint64_t size, uint32_t options, user_out_ptr out) {
    if (options & ~(ZX_VMO_RESIZABLE | ZX_VMO_DISCARDABLE)) return ZX_ERR_INVALID_ARGS;
    if ((options & ZX_VMO_RESIZABLE) && (options & ZX_VMO_DISCARDABLE)) return ZX_ERR_INVALID_ARGS;
    if (size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    uint64_t rounded = (size + PAGE - 1) & ~(PAGE - 1);
    struct vmo *v;
    zx_status_t st = job_policy_check(current_process(), ZX_POL_NEW_VMO);
    if (st != ZX_OK) return st;
    st = vmo_create(rounded, (options & ZX_VMO_RESIZABLE) ? VMO_F_RESIZABLE : 0, &v);
    if (st != ZX_OK) return st;
    v->content_size = size;
    st = give_handle(&v->obj, vmo_rights(v), out);
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_create_physical(zx_handle_t resource, zx_paddr_t paddr, size_t size,
//                                    zx_handle_t* out);
int64_t sys_vmo_create_physical(zx_handle_t resource, zx_paddr_t paddr, size_t size, user_out_ptr out) {
    // "resource does not grant access to the requested range of memory": ZX_ERR_ACCESS_DENIED.
    struct resource *r;
    zx_status_t st = lookup_vmo_create_physical_resource(resource, &r);
    if (st == ZX_OK) st = check_ranged_resource(r, ZX_RSRC_KIND_MMIO, paddr, size, ZX_ERR_ACCESS_DENIED);
    if (st != ZX_OK) return st;
    if ((paddr | size) % PAGE || size > VMO_MAX_SIZE) return ZX_ERR_INVALID_ARGS;
    struct vmo *v;
    st = vmo_create_physical(paddr, size, &v);
    if (st != ZX_OK) return st;
    // Unlike zx_vmo_create, physical memory may be mapped executable from the start.
    st = give_handle(&v->obj, ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE, out);
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_read(zx_handle_t handle, void* buffer, uint64_t offset, size_t buffer_size);
int64_t sys_vmo_read(zx_handle_t handle, user_out_ptr buffer, uint64_t offset, size_t buffer_size) {
    struct vmo *v;
    zx_status_t st = lookup_vmo_read_handle(handle, &v);
    if (st != ZX_OK) return st;
    if (unlikely(vmo_pager_backed(v)))  // may wait for the pager (docs/pager.md)
        return pager_vmo_rw(v, (user_inout_ptr){buffer.addr}, offset, buffer_size, false);
    st = vmo_read_user(v, buffer, offset, buffer_size);
    kobj_unref(&v->obj);
    return st;
}

// Under the kernel lock's shared hold (docs/smp.md): a read of pages the VMO owns, into user
// memory that is present (vmo_read_user_shared). A user buffer it declines may have been
// written in part: the general path writes it again.
int64_t sys_vmo_read_shared(zx_handle_t handle, user_out_ptr buffer, uint64_t offset, size_t buffer_size) {
    struct vmo *v = fast_lookup_vmo_read_handle(handle);
    if (unlikely(!v || !vmo_read_user_shared(v, buffer, offset, buffer_size))) return SYSCALL_FAST_FALLBACK;
    return ZX_OK;
}

// zx_status_t zx_vmo_write(zx_handle_t handle, const void* buffer, uint64_t offset, size_t buffer_size);
int64_t sys_vmo_write(zx_handle_t handle, user_in_ptr buffer, uint64_t offset, size_t buffer_size) {
    struct vmo *v;
    zx_status_t st = lookup_vmo_write_handle(handle, &v);
    if (st != ZX_OK) return st;
    if (unlikely(vmo_pager_backed(v)))
        return pager_vmo_rw(v, (user_inout_ptr){buffer.addr}, offset, buffer_size, true);
    st = vmo_write_user(v, buffer, offset, buffer_size);
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_get_size(zx_handle_t handle, uint64_t* size);
int64_t sys_vmo_get_size(zx_handle_t handle, user_out_ptr size) {
    struct vmo *v;
    zx_status_t st = lookup_vmo_get_size_handle(handle, &v);
    if (st != ZX_OK) return st;
    st = put_u64(size, v->size);
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_set_size(zx_handle_t handle, uint64_t size);
int64_t sys_vmo_set_size(zx_handle_t handle, uint64_t size) {
    struct vmo *v;
    zx_rights_t have;
    zx_status_t st = lookup_vmo_set_size_handle_rights(handle, &v, &have);
    if (st != ZX_OK) return st;
    if (!(v->flags & VMO_F_RESIZABLE)) st = ZX_ERR_UNAVAILABLE;
    else if (!(have & ZX_RIGHT_RESIZE)) st = ZX_ERR_ACCESS_DENIED;
    else if (size > VMO_MAX_SIZE) st = ZX_ERR_OUT_OF_RANGE;
    if (st == ZX_OK) {
        // The bytes between the new size and the page end must read as zero. Zeroing them is
        // the one step that can fail (a clone's shared page needs a private copy), so it goes
        // first: a failed call leaves the VMO as it was. Growing, they are zero already.
        uint64_t new_size = (size + PAGE - 1) & ~(PAGE - 1);
        uint64_t tail_end = new_size < v->size ? new_size : v->size;
        if (size % PAGE && size < tail_end) {
            // A pager's page to zero in part must be there first.
            struct pager_request *req;
            uint64_t page;
            st = vmo_pager_need(v, size, tail_end - size, true, &req, &page);
            if (st == ZX_ERR_SHOULD_WAIT) {
                kobj_unref(&v->obj);
                return pager_block_restart(req, page, 0);
            }
            if (st == ZX_OK) st = vmo_zero_range(v, size, tail_end - size);
        }
        if (st == ZX_OK) st = vmo_set_size(v, new_size);
        if (st == ZX_OK) v->content_size = size;
        if (st == ZX_OK) vmo_pager_mark_modified(v);  // (a pager's VMO: its size changed)
    }
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_get_stream_size(zx_handle_t handle, uint64_t* size);
int64_t sys_vmo_get_stream_size(zx_handle_t handle, user_out_ptr size) {
    struct vmo *v;
    zx_status_t st = lookup_vmo_get_stream_size_handle(handle, &v);
    if (st != ZX_OK) return st;
    st = put_u64(size, vmo_is_physical(v) ? 0 : v->content_size);  // no streams over physical memory
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_set_stream_size(zx_handle_t handle, uint64_t size);
// The stream size is the content size. A resizable VMO grows (to whole pages) to hold it; the
// bytes between the old and the new stream size read as zero afterwards.
int64_t sys_vmo_set_stream_size(zx_handle_t handle, uint64_t size) {
    struct vmo *v;
    zx_rights_t have;
    zx_status_t st = lookup_vmo_set_stream_size_handle_rights(handle, &v, &have);
    if (st != ZX_OK) return st;
    uint64_t old = v->content_size, rounded = (size + PAGE - 1) & ~(PAGE - 1);
    if (vmo_is_physical(v)) st = ZX_ERR_NOT_SUPPORTED;
    else if (size > VMO_MAX_SIZE) st = ZX_ERR_OUT_OF_RANGE;
    else if (rounded > v->size && !(v->flags & VMO_F_RESIZABLE)) st = ZX_ERR_OUT_OF_RANGE;
    else if (rounded > v->size && !(have & ZX_RIGHT_RESIZE)) st = ZX_ERR_ACCESS_DENIED;
    else if (rounded > v->size) st = vmo_set_size(v, rounded);
    if (st == ZX_OK) {
        uint64_t lo = old < size ? old : size, hi = old < size ? size : old;
        if (hi > v->size) hi = v->size;
        if (hi > lo) st = vmo_zero_range(v, lo, hi - lo);
        if (st == ZX_OK) v->content_size = size;
    }
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_transfer_data(zx_handle_t dst_vmo, uint32_t options, uint64_t offset,
//                                  uint64_t length, zx_handle_t src_vmo, uint64_t src_offset);
// The same as copying the range and then decommitting it in the source: the source range reads
// as zero afterwards. Anything but running out of memory leaves both VMOs unchanged.
int64_t sys_vmo_transfer_data(zx_handle_t dst_vmo, uint32_t options, uint64_t offset, uint64_t length,
                              zx_handle_t src_vmo, uint64_t src_offset) {
    struct vmo *dst, *src;
    zx_status_t st = lookup_vmo_transfer_data_dst_vmo(dst_vmo, &dst);
    if (st != ZX_OK) return st;
    st = lookup_vmo_transfer_data_src_vmo(src_vmo, &src);
    if (st != ZX_OK) {
        kobj_unref(&dst->obj);
        return st;
    }
    if (options != 0 || (offset | length | src_offset) % PAGE || dst == src)
        st = ZX_ERR_INVALID_ARGS;
    else if (offset + length < offset || offset + length > dst->size || src_offset + length < src_offset ||
             src_offset + length > src->size)
        st = ZX_ERR_OUT_OF_RANGE;
    else if (vmo_is_physical(dst) || vmo_is_physical(src) || vmo_pager_backed(dst) || vmo_pager_backed(src))
        st = ZX_ERR_NOT_SUPPORTED;  // (pager-backed: zx_pager_supply_pages moves pages into those)
    // The source gives up its pages: it may not share them with a parent or children.
    else if (src->parent || src->slice_of || src->user_parent || src->user_child_count)
        st = ZX_ERR_BAD_STATE;
    for (uint64_t done = 0; st == ZX_OK && done < length; done += PAGE) {
        paddr_t pa;
        if (vmo_lookup_page(src, (src_offset + done) / PAGE, &pa))
            st = vmo_write_kernel(dst, offset + done, paddr_to_kva(pa), PAGE);
        else
            st = vmo_zero_range(dst, offset + done, PAGE);
    }
    if (st == ZX_OK && length) st = vmo_decommit_range(src, src_offset, length);
    kobj_unref(&src->obj);
    kobj_unref(&dst->obj);
    return st;
}

// zx_status_t zx_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex, zx_handle_t* out);
// handle<vmo,release>: the decoder has taken the handle; it is gone whatever this returns.
int64_t sys_vmo_replace_as_executable(struct consumed_handle *handle, zx_handle_t vmex, user_out_ptr out) {
    if (handle->status != ZX_OK) return handle->status;
    // vmex: the VMEX system resource (or the root), or ZX_HANDLE_INVALID where the job's policy
    // allows it.
    struct resource *r;
    zx_status_t st = lookup_vmo_replace_as_executable_vmex(vmex, &r);
    if (st == ZX_OK && r) st = check_system_resource(r, ZX_RSRC_SYSTEM_VMEX_BASE);
    else if (st == ZX_OK) st = job_policy_check(current_process(), ZX_POL_AMBIENT_MARK_VMO_EXEC);
    if (st != ZX_OK) return st;
    return give_consumed(handle, handle->rights | ZX_RIGHT_EXECUTE, out);
}

// zx_status_t zx_vmar_allocate(zx_handle_t parent_vmar, zx_vm_option_t options, size_t offset,
//                              size_t size, zx_handle_t* child_vmar, zx_vaddr_t* child_addr);
int64_t sys_vmar_allocate(zx_handle_t parent_vmar, zx_vm_option_t options, size_t offset, size_t size,
                          user_out_ptr child_vmar, user_out_ptr child_addr) {
    struct vmar *parent;
    zx_rights_t have;
    zx_status_t st = lookup_vmar_allocate_parent_vmar_rights(parent_vmar, &parent, &have);
    if (st != ZX_OK) return st;
    // Mapping rights requested for the child must be held on the parent handle.
    zx_rights_t need = ((options & ZX_VM_CAN_MAP_READ) ? ZX_RIGHT_READ : 0) |
                       ((options & ZX_VM_CAN_MAP_WRITE) ? ZX_RIGHT_WRITE : 0) |
                       ((options & ZX_VM_CAN_MAP_EXECUTE) ? ZX_RIGHT_EXECUTE : 0);
    struct vmar *child = NULL;
    if ((have & need) != need) st = ZX_ERR_ACCESS_DENIED;
    else st = vmar_allocate(parent, options, offset, size, &child);
    kobj_unref(&parent->obj);
    if (st != ZX_OK) return st;
    st = put_u64(child_addr, child->r.base);
    if (st == ZX_OK) st = give_handle(&child->obj, vmar_rights_for(child->flags), child_vmar);
    if (st != ZX_OK) (void)vmar_destroy(child);
    kobj_unref(&child->obj);
    return st;
}

// zx_status_t zx_vmar_destroy(zx_handle_t handle);
int64_t sys_vmar_destroy(zx_handle_t handle) {
    struct vmar *v;
    zx_status_t st = lookup_vmar_destroy_handle(handle, &v);
    if (st != ZX_OK) return st;
    st = vmar_destroy(v);
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset,
//                         zx_handle_t vmo, uint64_t vmo_offset, size_t len, zx_vaddr_t* mapped_addr);
int64_t sys_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset, zx_handle_t vmo,
                     uint64_t vmo_offset, size_t len, user_out_ptr mapped_addr) {
    struct vmar *v;
    struct vmo *o;
    zx_rights_t vr, orr;
    zx_status_t st = lookup_vmar_map_handle_rights(handle, &v, &vr);
    if (st != ZX_OK) return st;
    st = lookup_vmar_map_vmo_rights(vmo, &o, &orr);
    if (st != ZX_OK) {
        kobj_unref(&v->obj);
        return st;
    }
    uintptr_t addr = 0;
    st = vmar_map(v, options, vmar_offset, o, vmo_offset, len, orr, vr, &addr);
    if (st == ZX_OK) {
        st = copy_to_user(mapped_addr, &addr, sizeof(addr));
        if (st != ZX_OK) (void)vmar_unmap(v, addr, len);
    }
    kobj_unref(&o->obj);
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len);
int64_t sys_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len) {
    struct vmar *v;
    zx_status_t st = lookup_vmar_unmap_handle(handle, &v);
    if (st != ZX_OK) return st;
    st = vmar_unmap(v, addr, len);
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr, size_t len);
int64_t sys_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr, size_t len) {
    struct vmar *v;
    zx_rights_t have;
    zx_status_t st = lookup_vmar_protect_handle_rights(handle, &v, &have);
    if (st != ZX_OK) return st;
    st = vmar_protect(v, options, addr, len, have);
    kobj_unref(&v->obj);
    return st;
}


// zx_status_t zx_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset,
//                                 uint64_t size, zx_handle_t* out);
int64_t sys_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset, uint64_t size,
                             user_out_ptr out) {
    struct vmo *v;
    zx_rights_t have;
    zx_status_t st = lookup_vmo_create_child_handle_rights(handle, &v, &have);
    if (st != ZX_OK) return st;
    const uint32_t kinds = ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE | ZX_VMO_CHILD_SLICE |
                           ZX_VMO_CHILD_REFERENCE;
    uint32_t kind = options & kinds;
    bool resizable = options & ZX_VMO_CHILD_RESIZABLE;
    struct vmo *c = NULL;
    uint64_t rsize = (size + PAGE - 1) & ~(PAGE - 1);
    if ((options & ~(kinds | ZX_VMO_CHILD_RESIZABLE | ZX_VMO_CHILD_NO_WRITE)) || kind == 0 || (kind & (kind - 1)))
        st = ZX_ERR_INVALID_ARGS;
    else if (resizable && (options & ZX_VMO_CHILD_NO_WRITE))
        st = ZX_ERR_INVALID_ARGS;
    else if (kind == ZX_VMO_CHILD_REFERENCE)
        st = ZX_ERR_NOT_SUPPORTED;
    else if (offset % PAGE)
        st = ZX_ERR_INVALID_ARGS;
    else if (rsize < size || offset + rsize < offset || rsize > VMO_MAX_SIZE)
        st = ZX_ERR_OUT_OF_RANGE;
    else if (kind == ZX_VMO_CHILD_SLICE && resizable)
        st = ZX_ERR_INVALID_ARGS;
    else if (kind != ZX_VMO_CHILD_SLICE && vmo_is_physical(v))
        st = ZX_ERR_NOT_SUPPORTED;  // physical memory has no copy-on-write
    else if (kind == ZX_VMO_CHILD_SNAPSHOT && vmo_pager_backed(v))
        st = ZX_ERR_NOT_SUPPORTED;  // a pager's pages change under it: only AT_LEAST_ON_WRITE
    else if (kind == ZX_VMO_CHILD_SLICE && (v->flags & VMO_F_RESIZABLE))
        st = ZX_ERR_NOT_SUPPORTED;
    else if (kind == ZX_VMO_CHILD_SLICE && offset + rsize > v->size)
        st = ZX_ERR_INVALID_ARGS;  // a slice must be a subrange of its parent
    else
        st = vmo_create_child(v, kind == ZX_VMO_CHILD_SLICE ? VMO_CHILD_SLICE : VMO_CHILD_SNAPSHOT, offset, rsize,
                              resizable, &c);
    if (st == ZX_OK) {
        // The child starts with its parent's name.
        memcpy(c->obj.name, v->obj.name, sizeof(c->obj.name));
        // "ZX_VMO_CHILD_SNAPSHOT creates an immutable VMO when the ZX_VMO_CHILD_NO_WRITE option is
        // enabled and the ZX_VMO_CHILD_RESIZABLE option is disabled."
        if (kind == ZX_VMO_CHILD_SNAPSHOT && (options & ZX_VMO_CHILD_NO_WRITE) && !resizable)
            c->flags |= VMO_F_IMMUTABLE;
        zx_rights_t r = have & ~ZX_RIGHT_RESIZE;
        if (kind != ZX_VMO_CHILD_SLICE) r = (r | ZX_RIGHT_WRITE) & ~ZX_RIGHT_EXECUTE;
        c->content_size = size;
        if (options & ZX_VMO_CHILD_NO_WRITE) r &= ~ZX_RIGHT_WRITE;
        if (resizable) r |= ZX_RIGHT_RESIZE;
        st = give_handle(&c->obj, r, out);
        kobj_unref(&c->obj);
    }
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_op_range(zx_handle_t handle, uint32_t op, uint64_t offset, uint64_t size,
//                             void* buffer, size_t buffer_size);
int64_t sys_vmo_op_range(zx_handle_t handle, uint32_t op, uint64_t offset, uint64_t size, user_inout_ptr buffer,
                         size_t buffer_size) {
    zx_rights_t need;
    switch (op) {
    case ZX_VMO_OP_COMMIT:
    case ZX_VMO_OP_DECOMMIT:
    case ZX_VMO_OP_ZERO:
    case ZX_VMO_OP_CACHE_INVALIDATE:
        need = ZX_RIGHT_WRITE;
        break;
    case ZX_VMO_OP_CACHE_SYNC:
    case ZX_VMO_OP_CACHE_CLEAN:
    case ZX_VMO_OP_CACHE_CLEAN_INVALIDATE:
    case ZX_VMO_OP_DONT_NEED:
    case ZX_VMO_OP_ALWAYS_NEED:
    case ZX_VMO_OP_LOCK:
    case ZX_VMO_OP_TRY_LOCK:
    case ZX_VMO_OP_UNLOCK:
        need = ZX_RIGHT_READ;
        break;
    default:
        need = 0;
    }
    struct vmo *v;
    zx_status_t st = lookup_vmo_op_range_handle(handle, need, &v);
    if (st != ZX_OK) return st;
    bool in_range = offset + size >= offset && offset + size <= v->size;
    bool cache_op = op >= ZX_VMO_OP_CACHE_SYNC && op <= ZX_VMO_OP_CACHE_CLEAN_INVALIDATE;
    if (op == ZX_VMO_OP_DECOMMIT && ((offset | size) % PAGE)) op = 0;   // -> INVALID_ARGS
    if (cache_op && size == 0) op = 0;
    if ((op == ZX_VMO_OP_COMMIT || op == ZX_VMO_OP_ZERO) && in_range && unlikely(vmo_pager_backed(v))) {
        // Pages a pager owes come from it first (docs/pager.md): wait, then the call again.
        struct pager_request *req;
        uint64_t page;
        st = vmo_pager_need(v, offset, size, op == ZX_VMO_OP_ZERO, &req, &page);
        if (st == ZX_ERR_SHOULD_WAIT) {
            kobj_unref(&v->obj);
            return pager_block_restart(req, page, 0);
        }
        if (st != ZX_OK) op = UINT32_MAX;  // detached: fails below with that status
    }
    switch (op) {
    case ZX_VMO_OP_COMMIT:
        st = vmo_commit_range(v, offset, size);
        break;
    case ZX_VMO_OP_DECOMMIT:
        st = vmo_decommit_range(v, offset, size);
        break;
    case ZX_VMO_OP_ZERO:
        st = vmo_zero_range(v, offset, size);
        break;
    case ZX_VMO_OP_CACHE_SYNC:
    case ZX_VMO_OP_CACHE_INVALIDATE:
    case ZX_VMO_OP_CACHE_CLEAN:
    case ZX_VMO_OP_CACHE_CLEAN_INVALIDATE:
    case ZX_VMO_OP_DONT_NEED:
    case ZX_VMO_OP_ALWAYS_NEED:
        st = in_range ? ZX_OK : ZX_ERR_OUT_OF_RANGE;  // coherent caches, no reclaim: nothing to do
        break;
    case ZX_VMO_OP_LOCK:
    case ZX_VMO_OP_TRY_LOCK:
    case ZX_VMO_OP_UNLOCK:
        st = ZX_ERR_NOT_SUPPORTED;  // only discardable VMOs can be locked
        break;
    case UINT32_MAX:  // st: why a pager's pages cannot come
        break;
    default:
        st = ZX_ERR_INVALID_ARGS;
    }
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_set_cache_policy(zx_handle_t handle, uint32_t cache_policy);
int64_t sys_vmo_set_cache_policy(zx_handle_t handle, uint32_t cache_policy) {
    struct vmo *v;
    zx_status_t st = lookup_vmo_set_cache_policy_handle(handle, &v);
    if (st != ZX_OK) return st;
    if (cache_policy & ~ZX_CACHE_POLICY_MASK) st = ZX_ERR_INVALID_ARGS;
    else if (!list_empty(&v->mappings) || v->parent || v->slice_of || v->user_child_count)
        st = ZX_ERR_BAD_STATE;
    // "Having committed pages is only allowed if transitioning from a cached state" (x86 keeps
    // caches coherent, so there is nothing to clean).
    else if (v->pages.count && v->cache_policy != ZX_CACHE_POLICY_CACHED)
        st = ZX_ERR_BAD_STATE;
    else v->cache_policy = cache_policy;
    kobj_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmar_op_range(zx_handle_t handle, uint32_t op, zx_vaddr_t address, size_t size,
//                              void* buffer, size_t buffer_size);
int64_t sys_vmar_op_range(zx_handle_t handle, uint32_t op, zx_vaddr_t address, size_t size, user_inout_ptr buffer,
                          size_t buffer_size) {
    struct vmar *v;
    zx_rights_t have;
    zx_status_t st = lookup_vmar_op_range_handle_rights(handle, &v, &have);
    if (st != ZX_OK) return st;
    // "buffer and buffer_size are currently unused, and must be empty".
    st = (buffer.addr || buffer_size) ? ZX_ERR_INVALID_ARGS : vmar_op_range(v, op, address, size, have);
    kobj_unref(&v->obj);
    return st;
}
