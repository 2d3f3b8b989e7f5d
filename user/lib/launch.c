// zc user library: the process launcher (static position-independent ELF executables from the
// bootfs).
#include "launch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zc/procargs.h>

#include "elf64.h"
#include "zcrt.h"

#define PAGE_SIZE 4096u
#define STACK_SIZE (256u * 1024u)
#define MAX_PHDRS 64u
#define MSG_MAX_BYTES (64u * 1024u)
#define NUM_CHILD_HANDLES 8u

static uint64_t page_down(uint64_t v) { return v & ~(uint64_t)(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

// State of one launch. Every handle here is ours until handed over or closed by cleanup.
struct launch {
    const struct zc_launch_args *args;
    const char *path;
    zx_handle_t proc;
    zx_handle_t vmar;      // the child's root VMAR (moves into the procargs message)
    zx_handle_t image;     // the sub-VMAR holding the program's segments
    uint64_t image_lo;     // lowest page of the image's PT_LOADs (link address)
    uintptr_t load_bias;   // load address - link address
    zx_handle_t thread;
    uintptr_t entry;
    uintptr_t sp;
    uintptr_t vdso_base;
    bool extras_taken;     // args->extra_handles moved into the procargs message
};

static zx_status_t report(const struct launch *l, zx_status_t st, const char *what) {
    if (!l->args->quiet)
        printf("zc_launch: %s: %s (%s)\n", l->path, what, zc_status_name(st));
    return st;
}

static zx_vm_option_t perms_of(uint32_t p_flags) {
    zx_vm_option_t o = 0;
    if (p_flags & ZC_PF_R)
        o |= ZX_VM_PERM_READ;
    if (p_flags & ZC_PF_W)
        o |= ZX_VM_PERM_WRITE;
    if (p_flags & ZC_PF_X)
        o |= ZX_VM_PERM_EXECUTE;
    return o;
}

// Checks the ELF header of a static position-independent x86_64 executable (ET_DYN, relocating
// itself) and copies its program headers out (the file may sit unaligned in the archive).
static zx_status_t parse_exec(const struct launch *l, const unsigned char *file, size_t size,
                              struct zc_elf64_ehdr *eh, struct zc_elf64_phdr *ph) {
    if (size < sizeof(*eh))
        return report(l, ZX_ERR_NOT_SUPPORTED, "not an ELF file (too short)");
    memcpy(eh, file, sizeof(*eh));
    if (memcmp(eh->e_ident, ZC_ELFMAG, 4) != 0)
        return report(l, ZX_ERR_NOT_SUPPORTED, "not an ELF file (bad magic)");
    if (eh->e_ident[4] != ZC_ELFCLASS64 || eh->e_ident[5] != ZC_ELFDATA2LSB ||
        eh->e_machine != ZC_EM_X86_64)
        return report(l, ZX_ERR_NOT_SUPPORTED, "not an x86_64 ELF64 file");
    if (eh->e_type != ZC_ET_DYN)
        return report(l, ZX_ERR_NOT_SUPPORTED, "not a position-independent executable (ET_DYN)");
    if (eh->e_phentsize != sizeof(*ph) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS)
        return report(l, ZX_ERR_NOT_SUPPORTED, "bad program header table");
    if (eh->e_phoff > size || (uint64_t)eh->e_phnum * sizeof(*ph) > size - eh->e_phoff)
        return report(l, ZX_ERR_IO_DATA_INTEGRITY, "program headers past the end of the file");
    memcpy(ph, file + eh->e_phoff, (size_t)eh->e_phnum * sizeof(*ph));

    bool entry_ok = false;
    unsigned loads = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct zc_elf64_phdr *p = &ph[i];
        if (p->p_type != ZC_PT_LOAD)
            continue;
        loads++;
        if (p->p_filesz > p->p_memsz || p->p_vaddr + p->p_memsz < p->p_vaddr)
            return report(l, ZX_ERR_NOT_SUPPORTED, "bad PT_LOAD sizes");
        if (p->p_offset > size || p->p_filesz > size - p->p_offset)
            return report(l, ZX_ERR_IO_DATA_INTEGRITY, "segment past the end of the file");
        if ((p->p_flags & ZC_PF_X) && eh->e_entry >= p->p_vaddr &&
            eh->e_entry < p->p_vaddr + p->p_memsz)
            entry_ok = true;
    }
    if (loads == 0)
        return report(l, ZX_ERR_NOT_SUPPORTED, "no PT_LOAD segment");
    if (!entry_ok)
        return report(l, ZX_ERR_NOT_SUPPORTED, "entry point outside executable segments");
    return ZX_OK;
}

// The pages the PT_LOAD segments cover, [*lo, *hi) in link addresses (*hi <= *lo: none).
static void load_span(const struct zc_elf64_phdr *ph, unsigned n, uint64_t *lo, uint64_t *hi) {
    *lo = UINT64_MAX;
    *hi = 0;
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type != ZC_PT_LOAD || ph[i].p_memsz == 0)
            continue;
        if (page_down(ph[i].p_vaddr) < *lo)
            *lo = page_down(ph[i].p_vaddr);
        if (page_up(ph[i].p_vaddr + ph[i].p_memsz) > *hi)
            *hi = page_up(ph[i].p_vaddr + ph[i].p_memsz);
    }
}

// One VMO per PT_LOAD, holding the file bytes (and zeros for .bss), mapped at p_vaddr from the
// start of the image's sub-VMAR.
static zx_status_t load_segment(struct launch *l, const unsigned char *file,
                                const struct zc_elf64_phdr *p) {
    uint64_t start = page_down(p->p_vaddr);
    uint64_t len = page_up(p->p_vaddr + p->p_memsz) - start;
    if (len == 0)
        return ZX_OK;

    zx_handle_t vmo;
    zx_status_t st = zx_vmo_create(len, 0, &vmo);
    if (st != ZX_OK)
        return report(l, st, "zx_vmo_create for a segment failed");
    if (p->p_filesz) {
        st = zx_vmo_write(vmo, file + p->p_offset, p->p_vaddr - start, p->p_filesz);
        if (st != ZX_OK) {
            report(l, st, "zx_vmo_write of a segment failed");
            goto out_close_vmo;
        }
    }
    if (p->p_flags & ZC_PF_X) {
        // Fresh VMOs lack ZX_RIGHT_EXECUTE (Zircon); the job's ambient policy grants it.
        st = zx_vmo_replace_as_executable(vmo, ZX_HANDLE_INVALID, &vmo);
        if (st != ZX_OK)
            return report(l, st, "zx_vmo_replace_as_executable failed");  // vmo consumed
    }
    zx_vaddr_t addr;
    st = zx_vmar_map(l->image, ZX_VM_SPECIFIC | perms_of(p->p_flags), start - l->image_lo, vmo,
                     0, len, &addr);
    if (st != ZX_OK)
        report(l, st, "zx_vmar_map of a segment failed");
out_close_vmo:
    zx_handle_close(vmo);  // the mapping holds the VMO
    return st;
}

// Bring-up fallback for a kernel without zx_vmar_allocate: the whole image as one read+execute
// mapping (rodata becomes executable; Zircon itself would refuse such a mapping).
static zx_status_t map_vdso_whole(struct launch *l, zx_handle_t vdso_vmo, uint64_t lo,
                                  uint64_t hi) {
    zx_vaddr_t addr;
    zx_status_t st = zx_vmar_map(l->vmar, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, 0, vdso_vmo, lo,
                                 hi - lo, &addr);
    if (st != ZX_OK)
        return report(l, st, "zx_vmar_map of the vDSO failed");
    l->vdso_base = addr - lo;
    return ZX_OK;
}

// Maps every PT_LOAD of the vDSO image at its offset inside one sub-VMAR, each with its own
// permissions, and records the load address.
static zx_status_t map_vdso(struct launch *l, zx_handle_t vdso_vmo) {
    struct zc_elf64_ehdr eh;
    struct zc_elf64_phdr ph[MAX_PHDRS];
    zx_status_t st = zx_vmo_read(vdso_vmo, &eh, 0, sizeof(eh));
    if (st != ZX_OK)
        return report(l, st, "cannot read the vDSO image");
    if (memcmp(eh.e_ident, ZC_ELFMAG, 4) != 0 || eh.e_type != ZC_ET_DYN ||
        eh.e_phentsize != sizeof(ph[0]) || eh.e_phnum == 0 || eh.e_phnum > MAX_PHDRS)
        return report(l, ZX_ERR_NOT_SUPPORTED, "bad vDSO image");
    st = zx_vmo_read(vdso_vmo, ph, eh.e_phoff, (size_t)eh.e_phnum * sizeof(ph[0]));
    if (st != ZX_OK)
        return report(l, st, "cannot read the vDSO program headers");

    for (unsigned i = 0; i < eh.e_phnum; i++) {
        // Mapped straight from the VMO: no .bss, file offset congruent to the address.
        if (ph[i].p_type == ZC_PT_LOAD &&
            (ph[i].p_memsz != ph[i].p_filesz || (ph[i].p_vaddr - ph[i].p_offset) % PAGE_SIZE))
            return report(l, ZX_ERR_NOT_SUPPORTED, "vDSO segment cannot be mapped directly");
    }
    uint64_t lo, hi;
    load_span(ph, eh.e_phnum, &lo, &hi);
    if (hi <= lo)
        return report(l, ZX_ERR_NOT_SUPPORTED, "vDSO has no PT_LOAD");

    zx_handle_t sub;
    zx_vaddr_t sub_addr;
    st = zx_vmar_allocate(l->vmar,
                          ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_EXECUTE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                          hi - lo, &sub, &sub_addr);
    if (st == ZX_ERR_NOT_SUPPORTED || st == ZX_ERR_BAD_SYSCALL)
        return map_vdso_whole(l, vdso_vmo, lo, hi);
    if (st != ZX_OK)
        return report(l, st, "zx_vmar_allocate for the vDSO failed");
    for (unsigned i = 0; i < eh.e_phnum && st == ZX_OK; i++) {
        if (ph[i].p_type != ZC_PT_LOAD)
            continue;
        uint64_t start = page_down(ph[i].p_vaddr);
        uint64_t len = page_up(ph[i].p_vaddr + ph[i].p_memsz) - start;
        zx_vaddr_t addr;
        st = zx_vmar_map(sub, ZX_VM_SPECIFIC | perms_of(ph[i].p_flags), start - lo, vdso_vmo,
                         page_down(ph[i].p_offset), len, &addr);
        if (st != ZX_OK)
            report(l, st, "zx_vmar_map of a vDSO segment failed");
    }
    if (st == ZX_OK)
        l->vdso_base = sub_addr - lo;
    else
        zx_vmar_destroy(sub);
    zx_handle_close(sub);  // the region and its mappings stay
    return st;
}

static zx_status_t map_stack(struct launch *l) {
    zx_handle_t vmo;
    zx_status_t st = zx_vmo_create(STACK_SIZE, 0, &vmo);
    if (st != ZX_OK)
        return report(l, st, "zx_vmo_create for the stack failed");
    zx_vaddr_t addr;
    st = zx_vmar_map(l->vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, STACK_SIZE, &addr);
    zx_handle_close(vmo);
    if (st != ZX_OK)
        return report(l, st, "zx_vmar_map of the stack failed");
    // docs/abi.md: the thread starts as if called, with rsp = 16-byte aligned top - 8.
    l->sp = addr + STACK_SIZE - 8;
    return ZX_OK;
}

// Builds the procargs message (include/zc/procargs.h) into a malloc'ed buffer.
static zx_status_t build_message(const struct launch *l, const uint32_t *tags, uint32_t ntags,
                                 void **msg_out, uint32_t *len_out) {
    const struct zc_launch_args *a = l->args;
    size_t len = sizeof(struct zc_procargs) + ntags * sizeof(uint32_t);
    size_t args_off = len;
    for (int i = 0; i < a->argc; i++) {
        len += strlen(a->argv[i]) + 1;
        if (len > MSG_MAX_BYTES)
            return report(l, ZX_ERR_OUT_OF_RANGE, "arguments too long for one message");
    }
    unsigned char *msg = malloc(len);
    if (!msg)
        return report(l, ZX_ERR_NO_MEMORY, "no memory for the procargs message");
    struct zc_procargs hdr = {
        .magic = ZC_PROCARGS_MAGIC,
        .version = ZC_PROCARGS_VERSION,
        .handle_info_off = sizeof(struct zc_procargs),
        .handle_count = ntags,
        .args_off = (uint32_t)args_off,
        .args_num = (uint32_t)a->argc,
    };
    memcpy(msg, &hdr, sizeof(hdr));
    memcpy(msg + hdr.handle_info_off, tags, ntags * sizeof(uint32_t));
    size_t off = args_off;
    for (int i = 0; i < a->argc; i++) {
        size_t n = strlen(a->argv[i]) + 1;
        memcpy(msg + off, a->argv[i], n);
        off += n;
    }
    *msg_out = msg;
    *len_out = (uint32_t)len;
    return ZX_OK;
}

// Writes the procargs message into a new channel; *peer_out is the end for the child.
// The child's root VMAR handle moves into the message.
static zx_status_t send_procargs(struct launch *l, zx_handle_t bootfs_vmo, zx_handle_t vdso_vmo,
                                 zx_handle_t job, zx_handle_t debuglog, zx_handle_t *peer_out) {
    static const uint32_t tags[NUM_CHILD_HANDLES] = {
        ZC_HND_PROC_SELF, ZC_HND_VMAR_ROOT, ZC_HND_THREAD_SELF, ZC_HND_VDSO_VMO,
        ZC_HND_BOOTFS_VMO, ZC_HND_JOB, ZC_HND_DEBUGLOG, ZC_HND_RESOURCE,
    };
    const zx_handle_t sources[NUM_CHILD_HANDLES] = {
        l->proc, ZX_HANDLE_INVALID, l->thread, vdso_vmo, bootfs_vmo, job, debuglog,
        zc_get_handle(ZC_HND_RESOURCE),  // the root resource, passed down when we hold it
    };
    zx_handle_t handles[NUM_CHILD_HANDLES + ZC_LAUNCH_MAX_EXTRA];
    uint32_t n = 0;
    uint32_t sent_tags[NUM_CHILD_HANDLES + ZC_LAUNCH_MAX_EXTRA];
    zx_status_t st = ZX_OK;

    for (uint32_t i = 0; i < NUM_CHILD_HANDLES; i++) {
        if (tags[i] == ZC_HND_VMAR_ROOT) {
            sent_tags[n] = tags[i];
            handles[n++] = l->vmar;
            l->vmar = ZX_HANDLE_INVALID;
            continue;
        }
        if (sources[i] == ZX_HANDLE_INVALID)
            continue;  // e.g. no debuglog to pass on
        st = zx_handle_duplicate(sources[i], ZX_RIGHT_SAME_RIGHTS, &handles[n]);
        if (st != ZX_OK) {
            report(l, st, "zx_handle_duplicate for the child failed");
            goto out_close_handles;
        }
        sent_tags[n++] = tags[i];
    }
    // The caller's extra handles move into the message (zc_launch closes them if we fail
    // before this point).
    for (uint32_t i = 0; i < l->args->num_extra; i++) {
        sent_tags[n] = l->args->extra_tags[i];
        handles[n++] = l->args->extra_handles[i];
    }
    l->extras_taken = true;

    void *msg;
    uint32_t len;
    st = build_message(l, sent_tags, n, &msg, &len);
    if (st != ZX_OK)
        goto out_close_handles;

    zx_handle_t ours, theirs;
    st = zx_channel_create(0, &ours, &theirs);
    if (st != ZX_OK) {
        report(l, st, "zx_channel_create failed");
        free(msg);
        goto out_close_handles;
    }
    st = zx_channel_write(ours, 0, msg, len, handles, n);  // consumes the handles in any case
    free(msg);
    zx_handle_close(ours);  // the message stays readable by the child
    if (st != ZX_OK) {
        zx_handle_close(theirs);
        return report(l, st, "zx_channel_write of the procargs message failed");
    }
    *peer_out = theirs;
    return ZX_OK;

out_close_handles:
    for (uint32_t i = 0; i < n; i++)
        zx_handle_close(handles[i]);
    return st;
}

static const char *base_name(const char *path) {
    const char *b = path;
    for (const char *p = path; *p; p++) {
        if (*p == '/' && p[1])
            b = p + 1;
    }
    return b;
}

static zx_status_t launch_steps(struct launch *l, const struct bootfs *bfs) {
    const struct zc_launch_args *a = l->args;
    zx_handle_t job = a->job ? a->job : zx_job_default();
    zx_handle_t bootfs_vmo = a->bootfs_vmo ? a->bootfs_vmo : zc_get_handle(ZC_HND_BOOTFS_VMO);
    zx_handle_t vdso_vmo = a->vdso_vmo ? a->vdso_vmo : zc_get_handle(ZC_HND_VDSO_VMO);
    zx_handle_t debuglog = a->debuglog ? a->debuglog : zc_get_handle(ZC_HND_DEBUGLOG);
    zx_status_t st;

    const void *file;
    size_t size;
    st = bootfs_find(bfs, l->path, &file, &size);
    if (st != ZX_OK)
        return report(l, st, st == ZX_ERR_NOT_FOUND ? "not found in bootfs" : "bad bootfs");

    struct zc_elf64_ehdr eh;
    struct zc_elf64_phdr ph[MAX_PHDRS];
    st = parse_exec(l, file, size, &eh, ph);
    if (st != ZX_OK)
        return st;
    if (vdso_vmo == ZX_HANDLE_INVALID)
        return report(l, ZX_ERR_BAD_HANDLE, "no vDSO VMO to map");

    const char *name = a->name ? a->name : base_name(l->path);
    st = zx_process_create(job, name, strlen(name), 0, &l->proc, &l->vmar);
    if (st != ZX_OK)
        return report(l, st, "zx_process_create failed");

    uint64_t lo, hi;
    load_span(ph, eh.e_phnum, &lo, &hi);
    if (hi <= lo)
        return report(l, ZX_ERR_NOT_SUPPORTED, "empty PT_LOAD segments");
    zx_vaddr_t image_addr;
    st = zx_vmar_allocate(l->vmar, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE |
                          ZX_VM_CAN_MAP_SPECIFIC, 0, hi - lo, &l->image, &image_addr);
    if (st != ZX_OK)
        return report(l, st, "zx_vmar_allocate for the image failed");
    l->image_lo = lo;
    l->load_bias = image_addr - lo;

    for (unsigned i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == ZC_PT_LOAD && (st = load_segment(l, file, &ph[i])) != ZX_OK)
            return st;
    }
    l->entry = l->load_bias + eh.e_entry;
    if ((st = map_vdso(l, vdso_vmo)) != ZX_OK || (st = map_stack(l)) != ZX_OK)
        return st;

    static const char thread_name[] = "initial-thread";
    st = zx_thread_create(l->proc, thread_name, sizeof(thread_name) - 1, 0, &l->thread);
    if (st != ZX_OK)
        return report(l, st, "zx_thread_create failed");

    zx_handle_t bootstrap;
    st = send_procargs(l, bootfs_vmo, vdso_vmo, job, debuglog, &bootstrap);
    if (st != ZX_OK)
        return st;
    // zx_process_start takes the bootstrap handle from us whatever the outcome.
    st = zx_process_start(l->proc, l->thread, l->entry, l->sp, bootstrap, l->vdso_base);
    if (st != ZX_OK)
        return report(l, st, "zx_process_start failed");
    return ZX_OK;
}

zx_status_t zc_launch(const struct zc_launch_args *args, zx_handle_t *proc_out) {
    struct launch l = {.args = args, .path = args && args->path ? args->path : "(null)"};
    if (!args || !args->path || !proc_out || args->argc < 0 || (args->argc > 0 && !args->argv) ||
        args->num_extra > ZC_LAUNCH_MAX_EXTRA ||
        (args->num_extra && (!args->extra_handles || !args->extra_tags))) {
        if (args && args->extra_handles && args->num_extra <= ZC_LAUNCH_MAX_EXTRA)
            zx_handle_close_many(args->extra_handles, args->num_extra);
        return report(&l, ZX_ERR_INVALID_ARGS, "bad launch arguments");
    }

    struct bootfs own_bfs = {0};
    const struct bootfs *bfs = args->bootfs;
    zx_status_t st;
    if (!bfs) {
        zx_handle_t vmo = args->bootfs_vmo ? args->bootfs_vmo : zc_get_handle(ZC_HND_BOOTFS_VMO);
        st = bootfs_open(vmo, &own_bfs);
        if (st != ZX_OK) {
            if (args->num_extra)
                zx_handle_close_many(args->extra_handles, args->num_extra);
            return report(&l, st, "cannot map the bootfs");
        }
        bfs = &own_bfs;
    }

    st = launch_steps(&l, bfs);
    if (!l.extras_taken && args->num_extra)
        zx_handle_close_many(args->extra_handles, args->num_extra);

    if (l.thread != ZX_HANDLE_INVALID)
        zx_handle_close(l.thread);
    if (l.image != ZX_HANDLE_INVALID)
        zx_handle_close(l.image);  // the region and its mappings stay
    if (l.vmar != ZX_HANDLE_INVALID)
        zx_handle_close(l.vmar);
    if (st == ZX_OK) {
        *proc_out = l.proc;
    } else if (l.proc != ZX_HANDLE_INVALID) {
        zx_task_kill(l.proc);
        zx_handle_close(l.proc);
    }
    if (bfs == &own_bfs)
        bootfs_close(&own_bfs);
    return st;
}
