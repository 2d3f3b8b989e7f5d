// The test HAL: hal/hal.h for unit tests in a host process (see testhal.h for the machine).
#define _GNU_SOURCE
#include "testhal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zircon/errors.h>
#include <zircon/syscalls/debug.h>

#include "hal/user_segs.h"

#define PAGE HAL_PAGE_SIZE

// ---- physical memory ----

uintptr_t hal_physmap_base;
static uint8_t *arena;
// Two ranges with a hole between them; the first does not start on a 4 MiB boundary.
static struct hal_mem_range ranges[2];

void th_init(void) {
    if (arena) return;
    size_t align = 4ul << 20;  // the largest buddy block: kernel addresses keep the alignment
    void *m = mmap(NULL, TH_PHYS_SIZE + align, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        perror("testhal: mmap");
        exit(2);
    }
    arena = (uint8_t *)(((uintptr_t)m + align - 1) & ~(align - 1));
    hal_physmap_base = (uintptr_t)arena - TH_PHYS_BASE;
    ranges[0] = (struct hal_mem_range){TH_PHYS_BASE + 3 * PAGE, (32ul << 20) - 3 * PAGE};
    ranges[1] = (struct hal_mem_range){TH_PHYS_BASE + (36ul << 20), 32ul << 20};
}

size_t hal_boot_memory(const struct hal_mem_range **r) {
    *r = ranges;
    return 2;
}
uint64_t hal_total_memory(void) { return ranges[0].size + ranges[1].size; }
const char *hal_boot_cmdline(void) { return ""; }
void hal_boot_initrd(paddr_t *base, uint64_t *size) {
    *base = 0;
    *size = 0;
}
uint64_t hal_boot_ticks(void) { return 0; }

// ---- console ----

static char *con;
static size_t con_len, con_cap;
bool th_console_echo;

void hal_console_write(const char *s, size_t n) {
    if (th_console_echo) fwrite(s, 1, n, stderr);
    if (con_len + n + 1 > con_cap) {
        size_t cap = con_cap ? con_cap : 4096;
        while (cap < con_len + n + 1) cap *= 2;
        char *c = realloc(con, cap);
        if (!c) return;
        con = c;
        con_cap = cap;
    }
    memcpy(con + con_len, s, n);
    con_len += n;
    con[con_len] = 0;
}

const char *th_console(size_t *len) {
    if (len) *len = con_len;
    return con ? con : "";
}
void th_console_clear(void) {
    con_len = 0;
    if (con) con[0] = 0;
}
bool th_console_contains(const char *s) { return con && strstr(con, s) != NULL; }

// ---- time ----

static zx_time_t now_ns = 1000000000;  // boot was a second ago
static zx_time_t deadline = ZX_TIME_INFINITE;
uint64_t th_timer_sets;

uint64_t hal_ticks(void) { return (uint64_t)now_ns; }
uint64_t hal_ticks_per_second(void) { return 1000000000ull; }
zx_time_t hal_now(void) { return now_ns; }
void hal_timer_set(zx_time_t d) {
    deadline = d;
    th_timer_sets++;
}
void hal_time_params(uint64_t *ticks_at_boot, uint64_t *ns_mult) {
    *ticks_at_boot = 0;
    *ns_mult = 1ull << 32;
}

zx_time_t th_now(void) { return now_ns; }
void th_set_now(zx_time_t t) { now_ns = t; }
zx_time_t th_timer_deadline(void) { return deadline; }

// The interrupt: the one-shot has fired.
static bool take_timer_interrupt(void) {
    if (deadline == ZX_TIME_INFINITE || now_ns < deadline) return false;
    deadline = ZX_TIME_INFINITE;
    kernel_timer_interrupt();
    return true;
}

void th_advance(zx_duration_t ns) {
    now_ns += ns;
    take_timer_interrupt();
}

// ---- cpu ----

static uint64_t rnd = 0x9e3779b97f4a7c15ull;
void th_seed_random(uint64_t seed) { rnd = seed ? seed : 1; }
uint64_t hal_random(void) {  // xorshift64*: deterministic
    rnd ^= rnd >> 12;
    rnd ^= rnd << 25;
    rnd ^= rnd >> 27;
    return rnd * 2685821657736338717ull;
}

// A deterministic "hardware" source, so the CPRNG's tests are repeatable (th_entropy_off stops it).
bool th_entropy_off;
bool hal_entropy(uint64_t *out) {
    if (th_entropy_off) return false;
    *out = hal_random();
    return true;
}
const char *hal_entropy_source(void) { return th_entropy_off ? "none" : "testhal"; }

void hal_cpu_memcpy_features(bool *erms, bool *fsrm, bool *sse2) { *erms = *fsrm = *sse2 = false; }
#include "hal/one_cpu.h"
uint32_t hal_dcache_line_size(void) { return 64; }

jmp_buf *th_shutdown_jmp;
int th_last_shutdown_code = -1;
void (*th_on_fatal)(const char *why);

static __attribute__((noreturn)) void fatal(const char *why) {
    if (th_on_fatal) th_on_fatal(why);
    fprintf(stdout, "testhal: %s\n", why);
    size_t n;
    const char *c = th_console(&n);
    const char *tail = n > 2000 ? c + n - 2000 : c;
    fprintf(stdout, "testhal: console (last %zu bytes):\n%s\n", strlen(tail), tail);
    fflush(stdout);
    _exit(3);
}

void hal_shutdown(int code) {
    th_last_shutdown_code = code;
    if (th_shutdown_jmp) {
        jmp_buf *j = th_shutdown_jmp;
        th_shutdown_jmp = NULL;
        longjmp(*j, code + 1);
    }
    char why[64];
    snprintf(why, sizeof(why), "hal_shutdown(%d) (a panic is 126)", code);
    fatal(why);
}

void hal_halt(void) { hal_shutdown(-1); }

// ---- MMU: a hash map per address space ----

struct th_pte {
    uint64_t vpn;  // va >> 12; 0 = empty (page 0 is never user memory)
    paddr_t pa;
    unsigned flags;
};

struct th_mmu {
    struct th_pte *slots;
    size_t cap, count;
};

uint64_t th_mmu_live;
int th_mmu_fail_maps;
static struct hal_aspace *active;

static size_t vpn_hash(uint64_t vpn, size_t cap) {
    return (size_t)((vpn * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static struct th_pte *mmu_find(const struct th_mmu *m, uint64_t vpn) {
    if (!m->cap) return NULL;
    for (size_t i = vpn_hash(vpn, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].vpn == vpn) return &m->slots[i];
        if (m->slots[i].vpn == 0) return NULL;
    }
}

static void mmu_put(struct th_mmu *m, uint64_t vpn, paddr_t pa, unsigned flags) {
    if ((m->count + 1) * 2 > m->cap) {
        struct th_mmu old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->slots = calloc(m->cap, sizeof(*m->slots));
        if (!m->slots) fatal("out of host memory");
        m->count = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].vpn) mmu_put(m, old.slots[i].vpn, old.slots[i].pa, old.slots[i].flags);
        free(old.slots);
    }
    size_t i = vpn_hash(vpn, m->cap);
    while (m->slots[i].vpn && m->slots[i].vpn != vpn) i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].vpn) m->count++;
    m->slots[i] = (struct th_pte){vpn, pa, flags};
}

static void mmu_remove(struct th_mmu *m, struct th_pte *e) {
    size_t i = (size_t)(e - m->slots);
    m->slots[i].vpn = 0;
    m->count--;
    for (size_t j = (i + 1) & (m->cap - 1); m->slots[j].vpn; j = (j + 1) & (m->cap - 1)) {
        struct th_pte x = m->slots[j];
        m->slots[j].vpn = 0;
        m->count--;
        mmu_put(m, x.vpn, x.pa, x.flags);
    }
}

zx_status_t hal_aspace_init(struct hal_aspace *as) {
    paddr_t pa;
    if (!kernel_alloc_frame(&pa)) return ZX_ERR_NO_MEMORY;  // stands for the top-level table
    as->mmu = calloc(1, sizeof(*as->mmu));
    if (!as->mmu) fatal("out of host memory");
    as->root_pa = pa;
    as->table_pages = 1;
    th_mmu_live++;
    return ZX_OK;
}

void hal_aspace_destroy(struct hal_aspace *as) {
    if (!as->mmu) return;
    if (active == as) active = NULL;
    free(as->mmu->slots);
    free(as->mmu);
    as->mmu = NULL;
    kernel_free_frame(as->root_pa);
    as->root_pa = 0;
    as->table_pages = 0;
    th_mmu_live--;
}

static void check_va(const char *what, uintptr_t va) {
    if (va % PAGE || va < HAL_USER_BASE || va >= HAL_USER_END) {
        char why[96];
        snprintf(why, sizeof(why), "%s: bad user page address %#lx", what, (unsigned long)va);
        fatal(why);
    }
}

zx_status_t hal_aspace_map(struct hal_aspace *as, uintptr_t va, paddr_t pa, unsigned flags) {
    check_va("hal_aspace_map", va);
    if (!as->mmu) fatal("hal_aspace_map on a destroyed address space");
    if (pa % PAGE || pa < TH_PHYS_BASE || pa >= TH_PHYS_BASE + TH_PHYS_SIZE)
        fatal("hal_aspace_map: frame outside physical memory");
    if (th_mmu_fail_maps > 0) {
        th_mmu_fail_maps--;
        return ZX_ERR_NO_MEMORY;
    }
    mmu_put(as->mmu, va >> HAL_PAGE_SHIFT, pa, flags);
    return ZX_OK;
}

size_t hal_aspace_map_absent(struct hal_aspace *as, uintptr_t va, size_t n, const paddr_t *pa,
                             const unsigned *flags) {
    if (((va & ((1ul << 21) - 1)) + n * PAGE) > (1ul << 21)) fatal("hal_aspace_map_absent: run crosses 2 MiB");
    size_t mapped = 0;
    for (size_t i = 0; i < n; i++) {
        uintptr_t p = va + i * PAGE;
        if (pa[i] == HAL_NO_PAGE || hal_aspace_query(as, p, NULL, NULL)) continue;
        if (!(flags[i] & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC))) continue;
        check_va("hal_aspace_map_absent", p);
        mmu_put(as->mmu, p >> HAL_PAGE_SHIFT, pa[i], flags[i]);
        mapped++;
    }
    return mapped;
}

static int cmp_pte(const void *a, const void *b) {
    uint64_t x = ((const struct th_pte *)a)->vpn, y = ((const struct th_pte *)b)->vpn;
    return x < y ? -1 : x > y;
}

// The mapped pages of [va, va+len), ascending: by probing pages or scanning the table,
// whichever is less work (ranges can be terabytes).
static size_t mmu_collect(struct th_mmu *m, uintptr_t va, size_t len, struct th_pte **out) {
    *out = NULL;
    if (!m || !m->count || !len) return 0;
    uint64_t first = va >> HAL_PAGE_SHIFT, last = (va + len - 1) >> HAL_PAGE_SHIFT;
    struct th_pte *v = malloc(m->count * sizeof(*v));
    if (!v) fatal("out of host memory");
    size_t n = 0;
    if (last - first < m->count) {
        for (uint64_t p = first; p <= last; p++) {
            struct th_pte *e = mmu_find(m, p);
            if (e) v[n++] = *e;
        }
    } else {
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].vpn >= first && m->slots[i].vpn <= last) v[n++] = m->slots[i];
        qsort(v, n, sizeof(*v), cmp_pte);
    }
    *out = v;
    return n;
}

void hal_aspace_unmap(struct hal_aspace *as, uintptr_t va, size_t len,
                      void (*fn)(void *ctx, uintptr_t va, paddr_t pa), void *ctx) {
    check_va("hal_aspace_unmap", va);
    if (va + len < va || va + len > HAL_USER_END) fatal("hal_aspace_unmap: range beyond the user half");
    struct th_pte *v;
    size_t n = mmu_collect(as->mmu, va, len, &v);
    for (size_t i = 0; i < n; i++) {
        mmu_remove(as->mmu, mmu_find(as->mmu, v[i].vpn));
        if (fn) fn(ctx, v[i].vpn << HAL_PAGE_SHIFT, v[i].pa);
    }
    free(v);
}

void hal_aspace_protect(struct hal_aspace *as, uintptr_t va, size_t len, unsigned flags) {
    check_va("hal_aspace_protect", va);
    struct th_pte *v;
    size_t n = mmu_collect(as->mmu, va, len, &v);
    for (size_t i = 0; i < n; i++) mmu_find(as->mmu, v[i].vpn)->flags = flags;
    free(v);
}

bool hal_aspace_query(struct hal_aspace *as, uintptr_t va, paddr_t *pa, unsigned *flags) {
    if (!as->mmu) return false;
    struct th_pte *e = mmu_find(as->mmu, va >> HAL_PAGE_SHIFT);
    if (!e) return false;
    if (pa) *pa = e->pa;
    if (flags) *flags = e->flags;
    return true;
}

void hal_aspace_activate(struct hal_aspace *as) { active = as; }
uint64_t hal_aspace_table_pages(const struct hal_aspace *as) { return as->table_pages; }
size_t th_mmu_pages(const struct hal_aspace *as) { return as->mmu ? as->mmu->count : 0; }
struct hal_aspace *th_active_aspace(void) { return active; }

// ---- user memory ----

struct ubuf {
    uintptr_t uaddr;
    size_t len;
    uint8_t *host;
    unsigned flags;
    bool owned;
};
static struct ubuf *ubufs;
static size_t nubufs, ubufs_cap;
static uintptr_t next_ubuf = TH_USER_BUFS;
uint64_t th_user_faults;

uintptr_t th_user_map(void *buf, size_t len, unsigned flags) {
    if (nubufs == ubufs_cap) {
        ubufs_cap = ubufs_cap ? ubufs_cap * 2 : 16;
        ubufs = realloc(ubufs, ubufs_cap * sizeof(*ubufs));
        if (!ubufs) fatal("out of host memory");
    }
    uintptr_t u = next_ubuf;
    next_ubuf += (len + 2 * PAGE - 1) & ~(PAGE - 1);  // an unmapped page between buffers
    ubufs[nubufs++] = (struct ubuf){u, len, buf, flags, false};
    return u;
}

uintptr_t th_user_alloc(size_t len) {
    void *b = calloc(1, len ? len : 1);
    if (!b) fatal("out of host memory");
    uintptr_t u = th_user_map(b, len, TH_USER_R | TH_USER_W);
    ubufs[nubufs - 1].owned = true;
    return u;
}

static struct ubuf *ubuf_find(uintptr_t a) {
    for (size_t i = 0; i < nubufs; i++)
        if (a >= ubufs[i].uaddr && a - ubufs[i].uaddr < ubufs[i].len) return &ubufs[i];
    return NULL;
}

void *th_user_host(uintptr_t u) {
    struct ubuf *b = ubuf_find(u);
    return b ? b->host + (u - b->uaddr) : NULL;
}

void th_user_reset(void) {
    for (size_t i = 0; i < nubufs; i++)
        if (ubufs[i].owned) free(ubufs[i].host);
    nubufs = 0;
    next_ubuf = TH_USER_BUFS;
}

static void *(*user_copy_fn)(void *, const void *, size_t) = memcpy;
void hal_set_user_copy_routine(void *(*fn)(void *, const void *, size_t)) { (void)fn; }

// Copies between kernel memory k and user memory [u, u+len) piece by piece: a registered buffer
// or a page of the active aspace with the needed permission; otherwise faults at the first byte
// that cannot be reached.
static zx_status_t user_copy(uintptr_t u, void *k, size_t len, bool to_user, uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (u + len < u || u + len > HAL_USER_END) return ZX_ERR_INVALID_ARGS;
    size_t done = 0;
    while (done < len) {
        uintptr_t a = u + done;
        size_t n;
        uint8_t *host;
        struct ubuf *b = ubuf_find(a);
        if (b && (b->flags & (to_user ? TH_USER_W : TH_USER_R))) {
            n = b->len - (a - b->uaddr);
            host = b->host + (a - b->uaddr);
        } else {
            paddr_t pa;
            unsigned fl;
            unsigned need = to_user ? HAL_MMU_WRITE : HAL_MMU_READ;
            if (b || !active || !hal_aspace_query(active, a & ~(PAGE - 1), &pa, &fl) || !(fl & need)) {
                *fault_addr = a;
                th_user_faults++;
                return ZX_ERR_UNAVAILABLE;
            }
            n = PAGE - (a % PAGE);
            host = (uint8_t *)paddr_to_kva(pa) + (a % PAGE);
        }
        if (n > len - done) n = len - done;
        if (to_user) user_copy_fn(host, (uint8_t *)k + done, n);
        else user_copy_fn((uint8_t *)k + done, host, n);
        done += n;
    }
    return ZX_OK;
}

zx_status_t hal_copy_from_user(void *dst, uintptr_t usrc, size_t len, uintptr_t *fault_addr) {
    return user_copy(usrc, dst, len, false, fault_addr);
}
zx_status_t hal_copy_to_user(uintptr_t udst, const void *src, size_t len, uintptr_t *fault_addr) {
    return user_copy(udst, (void *)src, len, true, fault_addr);
}
zx_status_t hal_copy_from_user_direct(void *dst, uintptr_t usrc, size_t len, uintptr_t *fault_addr) {
    return user_copy(usrc, dst, len, false, fault_addr);
}
zx_status_t hal_copy_to_user_direct(uintptr_t udst, const void *src, size_t len, uintptr_t *fault_addr) {
    return user_copy(udst, (void *)src, len, true, fault_addr);
}

static zx_status_t copy_piece(uintptr_t u, char *k, size_t m, bool to_user, uintptr_t *fault_addr) {
    return user_copy(u, k, m, to_user, fault_addr);
}
zx_status_t hal_copy_user_segs(struct hal_user_segs *c, void *k, size_t len, bool to_user, uintptr_t *fault_addr) {
    return hal_user_segs_walk(c, k, len, to_user, fault_addr, copy_piece);
}

// ---- user contexts and scripted threads ----

void hal_uctx_init(struct hal_uctx *u, uintptr_t pc, uintptr_t sp, uint64_t arg1, uint64_t arg2) {
    memset(u, 0, sizeof(*u));
    u->pc = pc;
    u->sp = sp;
    u->arg1 = arg1;
    u->arg2 = arg2;
    if (pc == TH_PROG_PC && arg2) {
        u->prog = (struct th_prog *)(uintptr_t)arg2;
        u->prog->last = -1;
    }
}

uint64_t hal_uctx_syscall(const struct hal_uctx *u, uint64_t args[8]) {
    memcpy(args, u->args, sizeof(u->args));
    return u->sysno;
}

void hal_uctx_set_return(struct hal_uctx *u, uint64_t value) {
    u->ret = value;
    u->rets_set++;
    struct th_prog *p = u->prog;
    if (p && p->last >= 0 && p->last < (int)(sizeof(p->ret) / sizeof(p->ret[0]))) {
        p->ret[p->last] = (int64_t)value;
        p->returned[p->last] = true;
    }
}

uintptr_t hal_uctx_pc(const struct hal_uctx *u) { return u->pc; }

// The scripted program's step that issued the syscall runs again.
void hal_uctx_restart_syscall(struct hal_uctx *u) {
    if (u->prog) u->prog->n--;
}

// Register state: the general registers carry pc, sp and the two arguments (rip, rsp, rdi,
// rsi); the other kinds read as zeros and cannot be written.
static size_t state_size(uint32_t kind) {
    switch (kind) {
    case ZX_THREAD_STATE_GENERAL_REGS: return sizeof(zx_thread_state_general_regs_t);
    case ZX_THREAD_STATE_FP_REGS: return sizeof(zx_thread_state_fp_regs_t);
    case ZX_THREAD_STATE_VECTOR_REGS: return sizeof(zx_thread_state_vector_regs_t);
    case ZX_THREAD_STATE_DEBUG_REGS: return sizeof(zx_thread_state_debug_regs_t);
    case ZX_THREAD_STATE_SINGLE_STEP: return sizeof(zx_thread_state_single_step_t);
    default: return 0;
    }
}

zx_status_t hal_uctx_read_state(struct hal_uctx *u, uint32_t kind, void *buf, size_t *len) {
    size_t n = state_size(kind);
    if (!n) return ZX_ERR_INVALID_ARGS;
    if (*len < n) return ZX_ERR_BUFFER_TOO_SMALL;
    memset(buf, 0, n);
    if (kind == ZX_THREAD_STATE_GENERAL_REGS) {
        zx_thread_state_general_regs_t *r = buf;
        r->rip = u->pc;
        r->rsp = u->sp;
        r->rdi = u->arg1;
        r->rsi = u->arg2;
        r->rax = u->ret;
    }
    *len = n;
    return ZX_OK;
}

zx_status_t hal_uctx_write_state(struct hal_uctx *u, uint32_t kind, const void *buf, size_t len) {
    size_t n = state_size(kind);
    if (!n || len != n) return ZX_ERR_INVALID_ARGS;
    if (kind != ZX_THREAD_STATE_GENERAL_REGS) return ZX_ERR_NOT_SUPPORTED;
    const zx_thread_state_general_regs_t *r = buf;
    if (r->rip >= HAL_USER_END) return ZX_ERR_INVALID_ARGS;
    u->pc = r->rip;
    u->sp = r->rsp;
    u->arg1 = r->rdi;
    u->arg2 = r->rsi;
    return ZX_OK;
}
zx_status_t hal_aspace_set_ioports(struct hal_aspace *as, uint32_t first, uint32_t count, bool allow) {
    (void)as;
    (void)allow;
    return first > 0x10000 || count > 0x10000 - first ? ZX_ERR_INVALID_ARGS : ZX_OK;
}

zx_status_t hal_uctx_set_tls_base(struct hal_uctx *u, enum hal_tls_reg reg, uintptr_t base) {
    (void)u;
    (void)reg;
    return base < HAL_USER_END ? ZX_OK : ZX_ERR_INVALID_ARGS;
}
void hal_uctx_release(struct hal_uctx *u) { u->released = true; }

static struct hal_trap pending;

void th_sys_at(struct hal_uctx *u, uintptr_t pc, uint64_t num, const uint64_t args[8]) {
    u->pc = pc;
    u->sysno = num;
    memcpy(u->args, args, sizeof(u->args));
    pending = (struct hal_trap){.kind = HAL_TRAP_SYSCALL, .pc = pc};
    u->prog->trap_set = true;
}
void th_sys_(struct hal_uctx *u, uint64_t num, const uint64_t args[8]) { th_sys_at(u, TH_VDSO_PC, num, args); }

void th_fault(struct hal_uctx *u, uintptr_t addr, uint32_t fault_flags) {
    pending = (struct hal_trap){.kind = HAL_TRAP_PAGE_FAULT, .vector = 14, .fault_flags = fault_flags,
                                .fault_addr = addr, .pc = u->pc, .name = "page fault"};
    u->prog->trap_set = true;
}

void th_exception(struct hal_uctx *u, uint32_t vector, const char *name) {
    pending = (struct hal_trap){.kind = HAL_TRAP_EXCEPTION, .vector = vector, .pc = u->pc, .name = name};
    u->prog->trap_set = true;
}

void th_spin(struct hal_uctx *u, zx_duration_t ns) {
    now_ns += ns;
    pending = (struct hal_trap){.kind = HAL_TRAP_INTERRUPT, .vector = 32, .pc = u->pc, .name = "timer"};
    u->prog->trap_set = true;
}

void th_calls_step(struct th_prog *p, struct hal_uctx *u) {
    const struct th_calls *c = p->ctx;
    if (p->n < c->n) {
        th_sys_(u, c->calls[p->n].num, c->calls[p->n].a);
    } else if (p->n == c->n && c->exit_num) {
        TH_SYS(u, c->exit_num, 0);
    }
}

jmp_buf *th_idle_jmp;
bool th_idle_advance;
int th_run_calls, th_run_limit = 100000;

static hal_syscall_fn syscall_handler;
static uint64_t syscalls_seen;

void hal_set_syscall_handler(hal_syscall_fn fn) { syscall_handler = fn; }

int th_entry;
uint64_t th_direct_calls;
static const hal_syscall_direct_fn *direct_fns;
static unsigned direct_count;
static hal_syscall_direct_stop_fn direct_stop;
uint64_t hal_direct_regs[9];

void hal_set_syscall_direct(const hal_syscall_direct_fn *fns, unsigned count, hal_syscall_direct_stop_fn stop) {
    direct_fns = fns;
    direct_count = count;
    direct_stop = stop;
}

// A direct call as hal/x86_64/entry.S makes it.
static struct hal_syscall_result direct_call(struct hal_uctx *u) {
    th_direct_calls++;
    memcpy(hal_direct_regs, u->args, sizeof(u->args));
    hal_direct_regs[8] = u->pc;
    const uint64_t *a = u->args;
    int64_t r = direct_fns[u->sysno](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], u->pc);
    if (hal_cpu_word(HAL_CPU_WORD_SYSCALL_STOP)) return direct_stop(r);
    return (struct hal_syscall_result){r, HAL_SYSCALL_RETURN};
}

// Half the syscalls take the registered fast path (as on x86_64: the handler runs before the
// trap reaches the executor), so both entries of the kernel are tested; of those, every
// other direct call (hal_set_syscall_direct) goes the direct way.
static bool take_fast_path(struct hal_uctx *u) {
    uint64_t seen = syscalls_seen++;
    bool direct = u->sysno < direct_count;
    bool fast = th_entry == TH_ENTRY_MIXED ? !(seen & 1) : th_entry == TH_ENTRY_FAST || (th_entry == TH_ENTRY_DIRECT && direct);
    if (!syscall_handler || !fast) return false;
    direct = direct && (th_entry == TH_ENTRY_DIRECT || (th_entry == TH_ENTRY_MIXED && (seen & 2)));
    struct hal_syscall_result r = direct ? direct_call(u) : syscall_handler(u->args, u->sysno, u->pc);
    if (r.stop == HAL_SYSCALL_STOP_PENDING) {
        u->ret = (uint64_t)r.value;  // only the register: the result comes later
        pending.kind = HAL_TRAP_SYSCALL_DONE;
        return false;
    }
    hal_uctx_set_return(u, (uint64_t)r.value);
    if (r.stop == HAL_SYSCALL_STOP) {
        pending.kind = HAL_TRAP_SYSCALL_DONE;
        return false;
    }
    return true;  // straight back to "user mode": the program's next step
}

void hal_context_run(struct hal_uctx *u, struct hal_trap *trap) {
    u->runs++;
    if (++th_run_calls > th_run_limit) {
        if (th_on_fatal) th_on_fatal("step limit reached (a thread that never stops?)");
        if (th_idle_jmp) longjmp(*th_idle_jmp, 2);
        fatal("step limit reached");
    }
    // An interrupt that was due before entering user mode is taken first.
    if (take_timer_interrupt()) {
        *trap = (struct hal_trap){.kind = HAL_TRAP_INTERRUPT, .vector = 32, .pc = u->pc, .name = "timer"};
        return;
    }
    struct th_prog *p = u->prog;
    if (!p) {
        *trap = (struct hal_trap){.kind = HAL_TRAP_EXCEPTION, .vector = 6, .pc = u->pc,
                                  .name = "no test program"};
        return;
    }
    do {
        p->trap_set = false;
        p->last = -1;
        int n = p->n;
        p->step(p, u);
        p->n = n + 1;
        if (!p->trap_set) {
            *trap = (struct hal_trap){.kind = HAL_TRAP_EXCEPTION, .vector = 6, .pc = u->pc,
                                      .name = "test program ended"};
            return;
        }
        if (pending.kind == HAL_TRAP_SYSCALL) p->last = n;
    } while (pending.kind == HAL_TRAP_SYSCALL && take_fast_path(u));
    *trap = pending;
    if (pending.kind == HAL_TRAP_INTERRUPT) take_timer_interrupt();
}

void hal_idle(void) {
    if (th_idle_advance && deadline != ZX_TIME_INFINITE) {
        if (deadline > now_ns) now_ns = deadline;
        take_timer_interrupt();
        return;
    }
    if (!th_idle_jmp) fatal("hal_idle: the executor went idle outside a test's run");
    longjmp(*th_idle_jmp, 1);
}

// ---- status names ----

const char *th_status_name(zx_status_t st) {
    switch (st) {
#define S(x) case x: return #x;
    S(ZX_OK) S(ZX_ERR_INTERNAL) S(ZX_ERR_NOT_SUPPORTED) S(ZX_ERR_NO_RESOURCES) S(ZX_ERR_NO_MEMORY)
    S(ZX_ERR_INTERNAL_INTR_RETRY) S(ZX_ERR_INVALID_ARGS) S(ZX_ERR_BAD_HANDLE) S(ZX_ERR_WRONG_TYPE)
    S(ZX_ERR_BAD_SYSCALL) S(ZX_ERR_OUT_OF_RANGE) S(ZX_ERR_BUFFER_TOO_SMALL) S(ZX_ERR_BAD_STATE)
    S(ZX_ERR_TIMED_OUT) S(ZX_ERR_SHOULD_WAIT) S(ZX_ERR_CANCELED) S(ZX_ERR_PEER_CLOSED)
    S(ZX_ERR_NOT_FOUND) S(ZX_ERR_ALREADY_EXISTS) S(ZX_ERR_ALREADY_BOUND) S(ZX_ERR_UNAVAILABLE)
    S(ZX_ERR_ACCESS_DENIED) S(ZX_ERR_IO) S(ZX_ERR_STOP) S(ZX_ERR_NEXT) S(ZX_ERR_ASYNC)
    S(ZX_ERR_INTERNAL_INTR_KILLED)
#undef S
    default: return "(unknown status)";
    }
}
