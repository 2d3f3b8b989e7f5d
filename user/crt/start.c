// zc crt: the entry point of every user program (and of userboot).
//
// The kernel (or a launcher) starts the first thread at _start with the bootstrap channel and
// the vDSO's load address (docs/abi.md, "Process start"). Before anything else can make a
// system call, _start fills zc_vdso_table from the vDSO's dynamic symbol table: the zx_*
// functions programs call are jump stubs through that table (build/gen/user/zx_jump.S).
// It then reads the procargs message, keeps the handles by tag, builds argv and runs main().
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zc/procargs.h>
#include <zc/vdso.h>

#include <user/zx_vdso_table.h>

#include "elf64.h"
#include "zcrt.h"

int main(int argc, char **argv);
_Noreturn void _start(zx_handle_t bootstrap, uintptr_t vdso_base);

#define PROCARGS_MAX_BYTES (64u * 1024u)
#define PROCARGS_MAX_HANDLES 64u
#define MISSING_MAX 8u

struct startup_handle {
    uint32_t tag;
    zx_handle_t handle;
};

// Written once by _start before main(); read-only afterwards except zc_take_handle's removals.
static struct startup_handle startup_handles[PROCARGS_MAX_HANDLES];
static uint32_t startup_count;
static zx_handle_t self_process, self_vmar, self_thread, self_job;
static uintptr_t vdso_load_base;
static uint32_t vdso_missing;                 // number of names the vDSO lacks
static uint32_t vdso_missing_index[MISSING_MAX];  // the first few of them

static uint8_t procargs_buf[PROCARGS_MAX_BYTES] __attribute__((aligned(8)));
static zx_handle_t procargs_handles[PROCARGS_MAX_HANDLES];
static char *argv_small[32];

zx_handle_t zc_take_handle(uint32_t tag) {
    for (uint32_t i = 0; i < startup_count; i++) {
        if (startup_handles[i].tag == tag && startup_handles[i].handle != ZX_HANDLE_INVALID) {
            zx_handle_t h = startup_handles[i].handle;
            startup_handles[i].handle = ZX_HANDLE_INVALID;
            return h;
        }
    }
    return ZX_HANDLE_INVALID;
}

zx_handle_t zc_get_handle(uint32_t tag) {
    for (uint32_t i = 0; i < startup_count; i++) {
        if (startup_handles[i].tag == tag && startup_handles[i].handle != ZX_HANDLE_INVALID)
            return startup_handles[i].handle;
    }
    return ZX_HANDLE_INVALID;
}

// ---- zx_thread_self ----
// There is no thread-local storage in this runtime: the threads that the helpers start
// (zc_thread_register) are known by their stacks, and zx_thread_self() finds the calling one
// by its stack pointer. Any other thread (the main thread, or one started by hand) gets the
// main thread's handle.
#define THREADS_MAX 128
#define THREAD_CLAIMING 2u  // a slot being filled (no handle value: theirs end in binary 11)
static struct {
    zx_handle_t handle;  // 0: a free slot (claimed with a compare-and-swap)
    uintptr_t lo, hi;    // its stack
} threads[THREADS_MAX];

bool zc_thread_register(zx_handle_t thread, uintptr_t stack, size_t size) {
    for (unsigned i = 0; i < THREADS_MAX; i++) {
        zx_handle_t free = ZX_HANDLE_INVALID;
        if (__atomic_load_n(&threads[i].handle, __ATOMIC_RELAXED) == ZX_HANDLE_INVALID &&
            __atomic_compare_exchange_n(&threads[i].handle, &free, THREAD_CLAIMING, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            threads[i].lo = stack;
            threads[i].hi = stack + size;
            __atomic_store_n(&threads[i].handle, thread, __ATOMIC_RELEASE);
            return true;
        }
    }
    return false;  // zx_thread_self() in that thread gives the main thread's handle
}

void zc_thread_unregister(zx_handle_t thread) {
    for (unsigned i = 0; i < THREADS_MAX; i++)
        if (thread != ZX_HANDLE_INVALID && __atomic_load_n(&threads[i].handle, __ATOMIC_ACQUIRE) == thread)
            __atomic_store_n(&threads[i].handle, ZX_HANDLE_INVALID, __ATOMIC_RELEASE);
}

zx_handle_t zx_thread_self(void) {
    uintptr_t sp;
    __asm__("mov %%rsp, %0" : "=r"(sp));
    for (unsigned i = 0; i < THREADS_MAX; i++) {
        zx_handle_t h = __atomic_load_n(&threads[i].handle, __ATOMIC_ACQUIRE);
        if (h != ZX_HANDLE_INVALID && h != THREAD_CLAIMING && sp >= threads[i].lo && sp < threads[i].hi)
            return h;
    }
    return self_thread;
}

zx_handle_t zx_process_self(void) { return self_process; }
zx_handle_t zx_vmar_root_self(void) { return self_vmar; }
zx_handle_t zx_job_default(void) { return self_job; }
uintptr_t zc_vdso_base(void) { return vdso_load_base; }
uint32_t zc_vdso_missing_count(void) { return vdso_missing; }

// What a table slot points to when the vDSO lacks that function.
static void vdso_missing_called(void) {
    static int reentered;
    if (!reentered++) {
        printf("crt: called a zx_* function this vDSO does not export; missing:");
        for (uint32_t i = 0; i < vdso_missing && i < MISSING_MAX; i++)
            printf(" %s", zc_vdso_names[vdso_missing_index[i]]);
        printf("%s\n", vdso_missing > MISSING_MAX ? " ..." : "");
        exit(ZX_ERR_NOT_SUPPORTED);
    }
    __builtin_trap();  // zx_debuglog_write or zx_process_exit itself is missing
}

struct vdso_image {
    uintptr_t base;
    const uint32_t *hash;  // DT_HASH: nbucket, nchain, buckets[nbucket], chains[nchain]
    const struct zc_elf64_sym *symtab;
    const char *strtab;
    uint64_t strsz;
};

// Finds the dynamic tables of the vDSO mapped at `base`. The image is the kernel's and
// linked at 0, so every d_ptr is an offset from `base`.
static bool vdso_open(uintptr_t base, struct vdso_image *img) {
    const struct zc_elf64_ehdr *eh = (const struct zc_elf64_ehdr *)base;
    if (!base || memcmp(eh->e_ident, ZC_ELFMAG, 4) != 0 || eh->e_ident[4] != ZC_ELFCLASS64 ||
        eh->e_phentsize != sizeof(struct zc_elf64_phdr))
        return false;
    const struct zc_elf64_phdr *ph = (const struct zc_elf64_phdr *)(base + eh->e_phoff);
    const struct zc_elf64_dyn *dyn = NULL;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == ZC_PT_DYNAMIC)
            dyn = (const struct zc_elf64_dyn *)(base + ph[i].p_vaddr);
    }
    if (!dyn)
        return false;
    *img = (struct vdso_image){.base = base};
    for (; dyn->d_tag != ZC_DT_NULL; dyn++) {
        switch (dyn->d_tag) {
        case ZC_DT_HASH:
            img->hash = (const uint32_t *)(base + dyn->d_val);
            break;
        case ZC_DT_SYMTAB:
            img->symtab = (const struct zc_elf64_sym *)(base + dyn->d_val);
            break;
        case ZC_DT_STRTAB:
            img->strtab = (const char *)(base + dyn->d_val);
            break;
        case ZC_DT_STRSZ:
            img->strsz = dyn->d_val;
            break;
        default:
            break;
        }
    }
    return img->hash && img->symtab && img->strtab && img->hash[0] != 0;
}

// Returns the symbol's address in this process, or 0 when the vDSO does not define it.
static uintptr_t vdso_lookup(const struct vdso_image *img, const char *name) {
    uint32_t nbucket = img->hash[0], nchain = img->hash[1];
    const uint32_t *bucket = img->hash + 2;
    const uint32_t *chain = bucket + nbucket;
    for (uint32_t i = bucket[zc_elf_sysv_hash(name) % nbucket]; i != 0 && i < nchain;
         i = chain[i]) {
        const struct zc_elf64_sym *s = &img->symtab[i];
        if (s->st_shndx == ZC_SHN_UNDEF || s->st_name >= img->strsz)
            continue;
        if (strcmp(img->strtab + s->st_name, name) == 0)
            return img->base + s->st_value;
    }
    return 0;
}

static void vdso_resolve(uintptr_t base) {
    struct vdso_image img;
    bool ok = vdso_open(base, &img);
    vdso_load_base = base;
    for (size_t i = 0; i < zc_vdso_count; i++) {
        uintptr_t addr = ok ? vdso_lookup(&img, zc_vdso_names[i]) : 0;
        if (!addr) {
            addr = (uintptr_t)vdso_missing_called;
            if (vdso_missing < MISSING_MAX)
                vdso_missing_index[vdso_missing] = (uint32_t)i;
            vdso_missing++;
        }
        zc_vdso_table[i] = (__typeof__(zc_vdso_table[0]))addr;
    }
    if (!ok)
        return;
    // Use the memcpy the kernel measured best on this machine.
    uintptr_t c = vdso_lookup(&img, ZC_VDSO_CONSTANTS_SYMBOL);
    if (c) {
        const struct zc_vdso_constants *k = (const struct zc_vdso_constants *)c;
        if (k->magic == ZC_VDSO_CONSTANTS_MAGIC)
            zc_memcpy_use(k->memcpy_variant);
    }
}

// Keeps the handles of a valid message by tag; returns false (and closes them) otherwise.
static bool take_handles(const struct zc_procargs *pa, uint32_t nbytes, uint32_t nhandles) {
    bool ok = pa->handle_count == nhandles && pa->handle_info_off <= nbytes &&
              pa->handle_info_off % 4 == 0 &&
              (uint64_t)nhandles * 4 <= nbytes - pa->handle_info_off;
    if (!ok) {
        for (uint32_t i = 0; i < nhandles; i++)
            zx_handle_close(procargs_handles[i]);
        return false;
    }
    const uint32_t *tags = (const uint32_t *)(procargs_buf + pa->handle_info_off);
    for (uint32_t i = 0; i < nhandles; i++)
        startup_handles[startup_count++] =
            (struct startup_handle){.tag = tags[i], .handle = procargs_handles[i]};
    self_process = zc_get_handle(ZC_HND_PROC_SELF);
    self_vmar = zc_get_handle(ZC_HND_VMAR_ROOT);
    self_thread = zc_get_handle(ZC_HND_THREAD_SELF);
    self_job = zc_get_handle(ZC_HND_JOB);
    return true;
}

// Points argv at the argument strings; returns argc, 0 if they are garbled.
static int parse_args(const struct zc_procargs *pa, uint32_t nbytes, char ***argv_out) {
    uint32_t n = pa->args_num;
    if (n == 0 || pa->args_off >= nbytes || n > nbytes - pa->args_off)
        return 0;
    char **argv = argv_small;
    if (n + 1 > sizeof(argv_small) / sizeof(argv_small[0])) {
        argv = malloc(((size_t)n + 1) * sizeof(char *));
        if (!argv)
            return 0;
    }
    char *p = (char *)procargs_buf + pa->args_off;
    char *end = (char *)procargs_buf + nbytes;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strnlen(p, (size_t)(end - p));
        if (p + len == end)
            return 0;  // unterminated
        argv[i] = p;
        p += len + 1;
    }
    argv[n] = NULL;
    *argv_out = argv;
    return (int)n;
}

static int read_procargs(zx_handle_t bootstrap, char ***argv) {
    uint32_t nbytes = 0, nhandles = 0;
    zx_status_t st = zx_channel_read(bootstrap, 0, procargs_buf, procargs_handles,
                                     sizeof(procargs_buf), PROCARGS_MAX_HANDLES, &nbytes,
                                     &nhandles);
    zx_handle_close(bootstrap);
    if (st != ZX_OK)
        return 0;
    const struct zc_procargs *pa = (const struct zc_procargs *)procargs_buf;
    if (nbytes < sizeof(*pa) || pa->magic != ZC_PROCARGS_MAGIC ||
        pa->version != ZC_PROCARGS_VERSION) {
        for (uint32_t i = 0; i < nhandles; i++)
            zx_handle_close(procargs_handles[i]);
        return 0;
    }
    if (!take_handles(pa, nbytes, nhandles))
        return 0;
    return parse_args(pa, nbytes, argv);
}

// The image is linked at 0 (user/lib/user.ld) and loaded anywhere: every stored address is an
// R_X86_64_RELATIVE relocation (base + addend) in the writable segment. Runs first, touching
// only what the linker addresses relative to the instruction pointer (the hidden symbols below
// and its own locals), so nothing it uses needs relocating. Anything else than RELATIVE means a
// build error (an undefined weak symbol, say): the program stops at once.
extern const char __zc_image_start[] __attribute__((visibility("hidden")));
extern const struct zc_elf64_dyn _DYNAMIC[] __attribute__((visibility("hidden")));

static void self_relocate(void) {
    uintptr_t base = (uintptr_t)__zc_image_start;
    uintptr_t rela = 0;
    uint64_t relasz = 0;
    for (const struct zc_elf64_dyn *d = _DYNAMIC; d->d_tag != ZC_DT_NULL; d++) {
        if (d->d_tag == ZC_DT_RELA)
            rela = base + d->d_val;
        else if (d->d_tag == ZC_DT_RELASZ)
            relasz = d->d_val;
    }
    const struct zc_elf64_rela *r = (const struct zc_elf64_rela *)rela;
    for (uint64_t i = 0; rela && i < relasz / sizeof(*r); i++) {
        if (ZC_ELF64_R_TYPE(r[i].r_info) != ZC_R_X86_64_RELATIVE)
            __builtin_trap();
        *(uint64_t *)(base + r[i].r_offset) = base + (uint64_t)r[i].r_addend;
    }
}

_Noreturn void _start(zx_handle_t bootstrap, uintptr_t vdso_base) {
    self_relocate();
    static char *no_args[1] = {NULL};
    char **argv = no_args;

    vdso_resolve(vdso_base);
    int argc = read_procargs(bootstrap, &argv);
    if (argc == 0)
        argv = no_args;
    exit(main(argc, argv));
}
