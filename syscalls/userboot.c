// Starting user space the Zircon way: the kernel loads only userboot and the vDSO, and hands
// userboot a bootstrap channel with everything else (docs/abi.md).
#include <zircon/syscalls/log.h>
#include <zc/procargs.h>
#include <zc/vdso.h>

#include "kernel/elf.h"
#include "kernel/heap.h"
#include "kernel/init.h"
#include "objects/channel.h"
#include "objects/debuglog.h"
#include "objects/resource.h"
#include "objects/vmo.h"
#include "syscalls/priv.h"

#define PAGE HAL_PAGE_SIZE
#define USERBOOT_STACK (64 * 1024)

extern const uint8_t userboot_image[], userboot_image_end[];
extern const uint8_t vdso_image[], vdso_image_end[];

static struct vmo *vdso_vmo;
static struct vmo *bootfs_vmo;

static const struct elf64_ehdr *elf_check(const uint8_t *img, size_t size, const char *what) {
    const struct elf64_ehdr *eh = (const void *)img;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
        eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size)
        panic("%s: not an ELF64 image", what);
    return eh;
}

static const struct elf64_phdr *phdr(const uint8_t *img, unsigned i) {
    const struct elf64_ehdr *eh = (const void *)img;
    return (const void *)(img + eh->phoff + i * sizeof(struct elf64_phdr));
}

static uint32_t seg_perms(uint32_t f) {
    return ((f & PF_R) ? ZX_VM_PERM_READ : 0) | ((f & PF_W) ? ZX_VM_PERM_WRITE : 0) |
           ((f & PF_X) ? ZX_VM_PERM_EXECUTE : 0);
}

// Finds a dynamic symbol of the vDSO image (linked at 0, so st_value is an offset).
static uint64_t vdso_symbol(const uint8_t *img, size_t size, const char *name) {
    const struct elf64_ehdr *eh = elf_check(img, size, "vDSO");
    const struct elf64_dyn *dyn = NULL;
    for (unsigned i = 0; i < eh->phnum; i++)
        if (phdr(img, i)->type == PT_DYNAMIC) dyn = (const void *)(img + phdr(img, i)->offset);
    if (!dyn) panic("vDSO: no dynamic section");
    uint64_t hash = 0, symtab = 0, strtab = 0;
    for (; dyn->tag != DT_NULL; dyn++) {
        if (dyn->tag == DT_HASH) hash = dyn->val;
        if (dyn->tag == DT_SYMTAB) symtab = dyn->val;
        if (dyn->tag == DT_STRTAB) strtab = dyn->val;
    }
    if (!hash || !symtab || !strtab) panic("vDSO: no DT_HASH/SYMTAB/STRTAB");
    uint32_t nsyms = ((const uint32_t *)(img + hash))[1];
    const struct elf64_sym *syms = (const void *)(img + symtab);
    for (uint32_t i = 0; i < nsyms; i++)
        if (!strcmp((const char *)img + strtab + syms[i].name, name)) return syms[i].value;
    panic("vDSO: no symbol %s", name);
}

static void vdso_prepare(void) {
    size_t size = vdso_image_end - vdso_image;
    uint64_t off = vdso_symbol(vdso_image, size, ZC_VDSO_CONSTANTS_SYMBOL);
    struct zc_vdso_constants c = {0};
    c.magic = ZC_VDSO_CONSTANTS_MAGIC;
    c.ticks_per_second = hal_ticks_per_second();
    hal_time_params(&c.ticks_at_boot, &c.ns_mult);
    c.num_cpus = hal_cpu_count();  // online: every one runs threads (docs/smp.md)
    c.physmem = hal_total_memory();
    c.page_size = PAGE;
    c.dcache_line_size = hal_dcache_line_size();
    c.icache_line_size = hal_dcache_line_size();
    c.memcpy_variant = 0;
    for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
        if (zc_memcpy_variant_fn(v) == zc_memcpy_impl) c.memcpy_variant = v;
    strlcpy(c.version_string, "zc 0.1 (zircon syscall interface)", sizeof(c.version_string));
    if (vmo_create((size + PAGE - 1) & ~(PAGE - 1), VMO_F_VDSO | VMO_F_EXECUTABLE, &vdso_vmo) != ZX_OK ||
        vmo_write_kernel(vdso_vmo, 0, vdso_image, size) != ZX_OK ||
        vmo_write_kernel(vdso_vmo, off, &c, sizeof(c)) != ZX_OK)
        panic("vDSO: out of memory");
    strlcpy(vdso_vmo->obj.name, "vdso/full", sizeof(vdso_vmo->obj.name));
}

// Maps the vDSO's segments into a sub-VMAR of `as`, returns its base.
static uintptr_t map_vdso(struct process *p) {
    const uint8_t *img = vdso_image;
    const struct elf64_ehdr *eh = elf_check(img, vdso_image_end - img, "vDSO");
    uintptr_t base;
    zx_rights_t vr = ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE;
    zx_rights_t ar = vmar_rights_for(p->as->root->flags);
    struct vmar *sub;
    if (vmar_allocate(p->as->root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_EXECUTE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                      vdso_vmo->size, &sub) != ZX_OK)
        panic("userboot: cannot place the vDSO");
    base = sub->r.base;
    for (unsigned i = 0; i < eh->phnum; i++) {
        const struct elf64_phdr *ph = phdr(img, i);
        if (ph->type != PT_LOAD) continue;
        uint64_t start = ph->vaddr & ~(PAGE - 1), end = (ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1);
        uintptr_t got;
        if (vmar_map(sub, seg_perms(ph->flags) | ZX_VM_SPECIFIC, start, vdso_vmo, start, end - start, vr, ar,
                     &got) != ZX_OK)
            panic("userboot: cannot map the vDSO");
    }
    kobj_unref(&sub->obj);
    return base;
}

// Userboot is position-independent (ET_DYN, linked at 0; it relocates itself): its segments go
// into one sub-VMAR wherever the root VMAR places it, each with its own rights.
static uintptr_t load_userboot(struct process *p) {
    const uint8_t *img = userboot_image;
    size_t size = userboot_image_end - img;
    const struct elf64_ehdr *eh = elf_check(img, size, "userboot");
    zx_rights_t ar = vmar_rights_for(p->as->root->flags);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < eh->phnum; i++) {
        const struct elf64_phdr *ph = phdr(img, i);
        if (ph->type != PT_LOAD || ph->memsz == 0) continue;
        if ((ph->vaddr & ~(PAGE - 1)) < lo) lo = ph->vaddr & ~(PAGE - 1);
        if (((ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1)) > hi) hi = (ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1);
    }
    struct vmar *sub;
    if (eh->type != ET_DYN || hi <= lo ||
        vmar_allocate(p->as->root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE |
                      ZX_VM_CAN_MAP_SPECIFIC, 0, hi - lo, &sub) != ZX_OK)
        panic("userboot: not a position-independent image, or no room for it");
    uintptr_t bias = sub->r.base - lo;
    for (unsigned i = 0; i < eh->phnum; i++) {
        const struct elf64_phdr *ph = phdr(img, i);
        if (ph->type != PT_LOAD || ph->memsz == 0) continue;
        uint64_t start = ph->vaddr & ~(PAGE - 1), end = (ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1);
        struct vmo *v;
        if (ph->offset + ph->filesz > size || vmo_create(end - start, 0, &v) != ZX_OK ||
            vmo_write_kernel(v, ph->vaddr - start, img + ph->offset, ph->filesz) != ZX_OK)
            panic("userboot: bad segment %u", i);
        uintptr_t got;
        if (vmar_map(sub, seg_perms(ph->flags) | ZX_VM_SPECIFIC, start - lo, v, 0, end - start,
                     ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE, ar, &got) != ZX_OK)
            panic("userboot: cannot map segment %u at %#lx", i, bias + start);
        kobj_unref(&v->obj);
    }
    kobj_unref(&sub->obj);
    return bias + eh->entry;
}

static void make_bootfs(void) {
    paddr_t base;
    uint64_t size;
    hal_boot_initrd(&base, &size);
    if (vmo_create((size + PAGE - 1) & ~(PAGE - 1), 0, &bootfs_vmo) != ZX_OK ||
        (size && vmo_write_kernel(bootfs_vmo, 0, paddr_to_kva(base), size) != ZX_OK))
        panic("bootfs: out of memory");
    strlcpy(bootfs_vmo->obj.name, "bootfs", sizeof(bootfs_vmo->obj.name));
}

// The procargs message: arguments = the command line's words.
static struct message *bootstrap_message(struct kobj **objs, const zx_rights_t *rights,
                                         const uint32_t *tags, uint32_t n) {
    const char *cmd = hal_boot_cmdline();
    size_t clen = strlen(cmd);
    uint32_t hoff = sizeof(struct zc_procargs), aoff = hoff + n * sizeof(uint32_t);
    struct message *m = message_alloc(aoff + clen + 1, n);
    if (!m) panic("userboot: no memory for the bootstrap message");
    struct zc_procargs pa = {ZC_PROCARGS_MAGIC, ZC_PROCARGS_VERSION, hoff, n, aoff, 0};
    char *args = (char *)m->data + aoff;
    uint32_t len = 0;
    for (const char *s = cmd; *s;) {
        while (*s == ' ') s++;
        if (!*s) break;
        while (*s && *s != ' ') args[len++] = *s++;
        args[len++] = 0;
        pa.args_num++;
    }
    m->num_bytes = aoff + len;
    memcpy(m->data, &pa, sizeof(pa));
    memcpy(m->data + hoff, tags, n * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) {
        kobj_ref(objs[i]);
        objs[i]->handle_count++;
        m->handles[i].obj = objs[i];
        m->handles[i].rights = rights[i];
    }
    return m;
}

static void userboot_level(void) {
    vdso_prepare();
    make_bootfs();
    struct process *p;
    struct thread *t;
    if (process_create(job_root(), "userboot", &p) != ZX_OK || thread_create(p, "userboot", &t) != ZX_OK)
        panic("userboot: cannot create the first process");
    p->is_root = true;
    uintptr_t entry = load_userboot(p);
    uintptr_t vdso_base = map_vdso(p);

    struct vmo *stack;
    uintptr_t sp;
    if (vmo_create(USERBOOT_STACK, 0, &stack) != ZX_OK ||
        vmar_map(p->as->root, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack, 0, USERBOOT_STACK,
                 ZX_DEFAULT_VMO_RIGHTS, vmar_rights_for(p->as->root->flags), &sp) != ZX_OK)
        panic("userboot: no stack");
    strlcpy(stack->obj.name, "userboot-stack", sizeof(stack->obj.name));
    kobj_unref(&stack->obj);

    struct debuglog *log;
    struct channel *ours, *theirs;
    struct resource *root_resource;
    if (debuglog_create(0, &log) != ZX_OK || channel_create_pair(&ours, &theirs) != ZX_OK ||
        resource_create_root(&root_resource) != ZX_OK)
        panic("userboot: no memory");
    struct kobj *objs[] = {&p->obj, &p->as->root->obj, &t->obj, &vdso_vmo->obj, &bootfs_vmo->obj,
                           &job_root()->obj, &log->obj, &root_resource->obj};
    zx_rights_t rights[] = {ZX_DEFAULT_PROCESS_RIGHTS, vmar_rights_for(p->as->root->flags),
                            ZX_DEFAULT_THREAD_RIGHTS,
                            (ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_WRITE) | ZX_RIGHT_EXECUTE,
                            ZX_DEFAULT_VMO_RIGHTS, ZX_DEFAULT_JOB_RIGHTS, ZX_DEFAULT_LOG_RIGHTS,
                            ZX_DEFAULT_RESOURCE_RIGHTS};
    uint32_t tags[] = {ZC_HND_PROC_SELF, ZC_HND_VMAR_ROOT, ZC_HND_THREAD_SELF, ZC_HND_VDSO_VMO,
                       ZC_HND_BOOTFS_VMO, ZC_HND_JOB, ZC_HND_DEBUGLOG, ZC_HND_RESOURCE};
    struct message *m = bootstrap_message(objs, rights, tags, countof(objs));
    if (channel_send(ours, m) != ZX_OK) panic("userboot: bootstrap channel");
    kobj_unref(&log->obj);
    kobj_unref(&root_resource->obj);

    // Userboot's end of the channel goes into its table; ours is closed (the message stays).
    zx_handle_t boot_h;
    handle_release_kernel_ref(&ours->obj);
    theirs->obj.handle_count++;
    if (handle_install(&p->handles, &theirs->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &boot_h) != ZX_OK)
        panic("userboot: handle table");

    p->start_time = hal_now();
    if (thread_start(t, entry, sp + USERBOOT_STACK - 8, boot_h, vdso_base) != ZX_OK)
        panic("userboot: cannot start");
    kobj_unref(&t->obj);
    kobj_unref(&p->obj);  // the process lives on through its thread and the job
}
KERNEL_INIT(userboot_level, INIT_LEVEL_USER);
