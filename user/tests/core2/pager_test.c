// Pagers (docs/pager.md): zx_pager_create, zx_pager_create_vmo, zx_pager_supply_pages,
// zx_pager_op_range, zx_pager_detach_vmo, zx_pager_query_dirty_ranges; ZX_PAGER_VMO_READ /
// DIRTY / COMPLETE packets; reads, faults and user copies that wait for the pager; dirty
// tracking and writeback; a pager in one process serving a VMO another maps and writes.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/exception.h>
#include <zircon/syscalls/port.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_pager_create) && defined(ZX_SYS_pager_create_vmo) && defined(ZX_SYS_pager_supply_pages) && \
    defined(ZX_SYS_pager_op_range) && defined(ZX_SYS_pager_detach_vmo)

#define KEY 0x5eedu

struct pg {
    zx_handle_t pager, port, vmo;
};

static zx_status_t pg_make(struct pg *g, uint64_t pages, uint32_t options) {
    zx_status_t st = zx_pager_create(0, &g->pager);
    if (st == ZX_OK) st = zx_port_create(0, &g->port);
    if (st == ZX_OK) st = zx_pager_create_vmo(g->pager, options, g->port, KEY, pages * PAGE, &g->vmo);
    return st;
}

// Pager handles have no ZX_RIGHT_DUPLICATE: a pager with fewer rights is made by replacing.
static zx_status_t pg_make_weak(struct pg *g, zx_rights_t keep) {
    zx_status_t st = pg_make(g, 1, 0);
    if (st == ZX_OK) st = zx_handle_replace(g->pager, keep, &g->pager);
    return st;
}

static void pg_close(struct pg *g) {
    zx_handle_close(g->vmo);
    zx_handle_close(g->port);
    zx_handle_close(g->pager);
}

// Supplies pages [first, first + n) with first words PAGER_TAG + index.
static zx_status_t supply(struct pg *g, uint64_t first, uint64_t n) {
    zx_handle_t aux;
    zx_status_t st = zx_vmo_create(n * PAGE, 0, &aux);
    if (st != ZX_OK) return st;
    for (uint64_t i = 0; i < n && st == ZX_OK; i++) {
        uint64_t word = PAGER_TAG + first + i;
        st = zx_vmo_write(aux, &word, i * PAGE, sizeof(word));
    }
    if (st == ZX_OK) st = zx_pager_supply_pages(g->pager, g->vmo, first * PAGE, n * PAGE, aux, 0);
    zx_handle_close(aux);
    return st;
}

// The next packet on the pager's port (ZX_ERR_TIMED_OUT after `wait`).
static zx_status_t next_request(struct pg *g, zx_duration_t wait, zx_port_packet_t *pkt) {
    return zx_port_wait(g->port, zx_deadline_after(wait), pkt);
}

static bool is_read(const zx_port_packet_t *p, uint64_t offset, uint64_t length) {
    return p->key == KEY && p->type == ZX_PKT_TYPE_PAGE_REQUEST && p->page_request.command == ZX_PAGER_VMO_READ &&
           p->page_request.offset == offset && p->page_request.length == length;
}

// ---- threads that read, write or touch a pager VMO ----

struct reader {
    zx_handle_t vmo;
    uint64_t offset, len;
    uintptr_t addr;          // touch: a mapping to read from instead
    zx_handle_t dst;         // copy: zx_vmo_write(dst, addr...) with the mapping as the buffer
    volatile uint64_t word;  // the first word read
    volatile zx_status_t status;
    volatile uint64_t done;
};

static void read_fn(void *arg) {
    struct reader *r = arg;
    uint64_t buf[512 * 8];
    r->status = zx_vmo_read(r->vmo, buf, r->offset, r->len);
    r->word = buf[0];
    r->done = 1;
}

static void touch_fn(void *arg) {
    struct reader *r = arg;
    r->word = *(volatile uint64_t *)r->addr;
    r->status = ZX_OK;
    r->done = 1;
}

static void copy_fn(void *arg) {
    struct reader *r = arg;
    r->status = zx_vmo_write(r->dst, (const void *)r->addr, 0, r->len);
    r->done = 1;
}

// Starts fn(r) on thread t and waits until it blocks for the pager.
static zx_status_t start_blocked(struct tthread *t, const char *name, void (*fn)(void *), struct reader *r) {
    zx_status_t st = tthread_start(t, name, fn, r);
    if (st == ZX_OK && !wait_thread_state(t->handle, ZX_THREAD_STATE_BLOCKED_PAGER)) st = ZX_ERR_TIMED_OUT;
    return st;
}

// Waits for r's call to finish and for its thread to end; ZX_ERR_TIMED_OUT if it did not.
static zx_status_t finish(struct tthread *t, struct reader *r) {
    zx_status_t st = wait_u64(&r->done, 1) ? ZX_OK : ZX_ERR_TIMED_OUT;
    tthread_join(t);
    return st;
}

// ---- creation and its errors ----

TEST(PagerTest, CreateAndErrors) {
    zx_handle_t p, port, vmo;
    EXPECT_STATUS(zx_pager_create(1, &p), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_create(0, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_pager_create(0, &p));
    EXPECT_EQ(handle_type(p), ZX_OBJ_TYPE_PAGER);
    EXPECT_EQ(handle_rights(p), ZX_DEFAULT_PAGER_RIGHTS);
    ASSERT_OK(zx_port_create(0, &port));
    EXPECT_STATUS(zx_pager_create_vmo(p, 1u << 9, port, KEY, PAGE, &vmo), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_create_vmo(p, 0, port, KEY, PAGE, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_create_vmo(p, 0, port, KEY, UINT64_MAX, &vmo), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_pager_create_vmo(BOGUS_HANDLE, 0, port, KEY, PAGE, &vmo), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_create_vmo(p, 0, BOGUS_HANDLE, KEY, PAGE, &vmo), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_create_vmo(port, 0, port, KEY, PAGE, &vmo), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_pager_create_vmo(p, 0, p, KEY, PAGE, &vmo), ZX_ERR_WRONG_TYPE);
    zx_handle_t ro_port = dup_rights(port, ZX_RIGHT_READ | ZX_RIGHT_TRANSFER);
    EXPECT_STATUS(zx_pager_create_vmo(p, 0, ro_port, KEY, PAGE, &vmo), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ro_port);
    zx_handle_t no_attach;
    ASSERT_OK(zx_pager_create(0, &no_attach));
    ASSERT_OK(zx_handle_replace(no_attach, ZX_RIGHT_MANAGE_VMO, &no_attach));
    EXPECT_STATUS(zx_pager_create_vmo(no_attach, 0, port, KEY, PAGE, &vmo), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(no_attach);
    // A resizable one: VMO rights plus RESIZE, the pager-backed flag in ZX_INFO_VMO.
    ASSERT_OK(zx_pager_create_vmo(p, ZX_VMO_RESIZABLE, port, KEY, 3 * PAGE + 1, &vmo));
    EXPECT_EQ(handle_type(vmo), ZX_OBJ_TYPE_VMO);
    EXPECT_EQ(handle_rights(vmo), ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_RESIZE);
    uint64_t size = 0;
    EXPECT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 4 * PAGE);
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_TRUE(info.flags & ZX_INFO_VMO_PAGER_BACKED);
    EXPECT_TRUE(info.flags & ZX_INFO_VMO_RESIZABLE);
    EXPECT_EQ(info.committed_bytes, 0);
    EXPECT_OK(zx_vmo_set_size(vmo, 8 * PAGE));
    // No request was made: the port is empty.
    zx_port_packet_t pkt;
    EXPECT_STATUS(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
    zx_handle_close(vmo);
    // Closing it sends ZX_PAGER_VMO_COMPLETE.
    ASSERT_OK(zx_port_wait(port, 0, &pkt));
    EXPECT_EQ(pkt.key, KEY);
    EXPECT_EQ(pkt.type, ZX_PKT_TYPE_PAGE_REQUEST);
    EXPECT_EQ(pkt.page_request.command, ZX_PAGER_VMO_COMPLETE);
    zx_handle_close(port);
    zx_handle_close(p);
}

// ---- reads and faults wait for the pager ----

TEST(PagerTest, VmoReadWaitsForSupply) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 4, 0));
    struct reader r = {.vmo = g.vmo, .offset = PAGE + 8, .len = 8};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-reader", read_fn, &r));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, PAGE, PAGE));
    EXPECT_EQ(r.done, 0);
    ASSERT_OK(supply(&g, 1, 1));
    ASSERT_OK(finish(&t, &r));
    EXPECT_OK(r.status);
    EXPECT_EQ(r.word, 0);  // the word at +8 of a page whose first word is the tag
    uint64_t w = 0;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, PAGE, sizeof(w)));  // present now: no wait
    EXPECT_EQ(w, PAGER_TAG + 1);
    EXPECT_STATUS(next_request(&g, 0, &pkt), ZX_ERR_TIMED_OUT);
    pg_close(&g);
}

TEST(PagerTest, ReadOfARangeIsOneBatchedRequest) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 16, 0));
    ASSERT_OK(supply(&g, 5, 1));  // a present page ends the run
    struct reader r = {.vmo = g.vmo, .offset = 0, .len = 8 * PAGE};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "pager-batch", read_fn, &r));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, 0, 5 * PAGE));
    ASSERT_OK(supply(&g, 0, 5));
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));  // the rest after the present page
    EXPECT_TRUE(is_read(&pkt, 6 * PAGE, 2 * PAGE));
    ASSERT_OK(supply(&g, 6, 2));
    ASSERT_OK(finish(&t, &r));
    EXPECT_OK(r.status);
    EXPECT_EQ(r.word, PAGER_TAG);
    pg_close(&g);
}

TEST(PagerTest, FaultWaitsAndResumesAtTheInstruction) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, g.vmo, 0, 2 * PAGE, &addr));
    struct reader r = {.addr = addr + PAGE};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-toucher", touch_fn, &r));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, PAGE, PAGE));
    ASSERT_OK(supply(&g, 1, 1));
    ASSERT_OK(finish(&t, &r));
    EXPECT_EQ(r.word, PAGER_TAG + 1);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    pg_close(&g);
}

TEST(PagerTest, FaultStormOnOnePageMakesOneRequest) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 1, 0));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, g.vmo, 0, PAGE, &addr));
    enum { N = 6 };
    struct reader r[N];
    struct tthread t[N];
    for (int i = 0; i < N; i++) {
        r[i] = (struct reader){.addr = addr + 8 * (uint64_t)i};
        ASSERT_OK(tthread_start(&t[i], "pager-storm", touch_fn, &r[i]));
    }
    for (int i = 0; i < N; i++) ASSERT_TRUE(wait_thread_state(t[i].handle, ZX_THREAD_STATE_BLOCKED_PAGER));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, 0, PAGE));
    EXPECT_STATUS(next_request(&g, 0, &pkt), ZX_ERR_TIMED_OUT);  // one request for all of them
    ASSERT_OK(supply(&g, 0, 1));
    for (int i = 0; i < N; i++) {
        ASSERT_TRUE(wait_u64(&r[i].done, 1));
        EXPECT_EQ(r[i].word, i == 0 ? PAGER_TAG : 0);
        tthread_join(&t[i]);
    }
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    pg_close(&g);
}

// A syscall whose user buffer lies in a pager mapping waits for the page and is issued again.
TEST(PagerTest, UserCopyFromPagerMappingRestartsTheCall) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, g.vmo, 0, 2 * PAGE, &addr));
    zx_handle_t dst;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &dst));
    struct reader r = {.addr = addr, .dst = dst, .len = 2 * PAGE};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-copier", copy_fn, &r));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, 0, PAGE));
    ASSERT_OK(supply(&g, 0, 1));
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));  // restarted, it needs the second page
    EXPECT_TRUE(is_read(&pkt, PAGE, PAGE));
    EXPECT_EQ(r.done, 0);
    ASSERT_OK(supply(&g, 1, 1));
    ASSERT_OK(finish(&t, &r));
    EXPECT_OK(r.status);
    uint64_t w[2] = {0, 0};
    EXPECT_OK(zx_vmo_read(dst, &w[0], 0, 8));
    EXPECT_OK(zx_vmo_read(dst, &w[1], PAGE, 8));
    EXPECT_EQ(w[0], PAGER_TAG);
    EXPECT_EQ(w[1], PAGER_TAG + 1);
    zx_handle_close(dst);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    pg_close(&g);
}

// zx_channel_read takes the direct entry (docs/performance.md): a copy that waits for a pager
// falls back to the general path, stops, and the call is issued again from the registers the
// direct entry kept; the message is read once, intact. (zx_channel_write consumes its handles
// even when it fails, so it is not issued again: dispatch.c, pager_restart.)
struct chan_copier {
    zx_handle_t ch;
    uintptr_t addr;
    volatile zx_status_t status;
    volatile uint32_t actual;
    volatile uint64_t done;
};

static void chan_read_fn(void *arg) {
    struct chan_copier *c = arg;
    uint32_t nb = 0, nh = 0;
    c->status = zx_channel_read(c->ch, 0, (void *)(c->addr + 8), NULL, 64, 0, &nb, &nh);
    c->actual = nb;
    c->done = 1;
}

static zx_status_t start_blocked_on(struct tthread *t, const char *name, void (*fn)(void *), void *arg) {
    zx_status_t st = tthread_start(t, name, fn, arg);
    if (st == ZX_OK && !wait_thread_state(t->handle, ZX_THREAD_STATE_BLOCKED_PAGER)) st = ZX_ERR_TIMED_OUT;
    return st;
}

TEST(PagerTest, ChannelReadIntoPagerMappingRestartsTheCall) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 1, 0));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, g.vmo, 0, PAGE, &addr));
    zx_handle_t ch[2];
    ASSERT_OK(zx_channel_create(0, &ch[0], &ch[1]));
    uint8_t msg[64];
    for (unsigned i = 0; i < sizeof(msg); i++) msg[i] = (uint8_t)(i * 7 + 1);
    ASSERT_OK(zx_channel_write(ch[0], 0, msg, sizeof(msg), NULL, 0));
    struct chan_copier c = {.ch = ch[1], .addr = addr};
    struct tthread t;
    ASSERT_OK(start_blocked_on(&t, "chan-reader", chan_read_fn, &c));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, 0, PAGE));
    zx_signals_t pending = 0;
    EXPECT_OK(zx_object_wait_one(ch[1], ZX_CHANNEL_READABLE, 0, &pending));  // not taken yet
    ASSERT_OK(supply(&g, 0, 1));
    ASSERT_TRUE(wait_u64(&c.done, 1));
    tthread_join(&t);
    EXPECT_OK(c.status);
    EXPECT_EQ(c.actual, 64u);
    EXPECT_EQ(memcmp((const void *)(addr + 8), msg, sizeof(msg)), 0);
    EXPECT_EQ(*(volatile uint64_t *)addr, PAGER_TAG);
    EXPECT_STATUS(zx_object_wait_one(ch[1], ZX_CHANNEL_READABLE, 0, &pending), ZX_ERR_TIMED_OUT);
    zx_handle_close(ch[0]);
    zx_handle_close(ch[1]);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    pg_close(&g);
}

// ---- failing, detaching, closing ----

TEST(PagerTest, FailedReadReturnsThePagersStatus) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    struct reader r = {.vmo = g.vmo, .offset = 0, .len = 2 * PAGE};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "pager-failed", read_fn, &r));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, 0, 2 * PAGE));
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, (uint64_t)(int64_t)ZX_ERR_IO));
    ASSERT_OK(finish(&t, &r));
    EXPECT_STATUS(r.status, ZX_ERR_IO);
    pg_close(&g);
}

TEST(PagerTest, DetachFailsBlockedReadsAndSendsComplete) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    struct reader r = {.vmo = g.vmo, .offset = 0, .len = 8};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-detach", read_fn, &r));
    ASSERT_OK(zx_pager_detach_vmo(g.pager, g.vmo));
    ASSERT_OK(finish(&t, &r));
    EXPECT_STATUS(r.status, ZX_ERR_BAD_STATE);
    // The queued READ was taken back: COMPLETE is the last (and only) packet.
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, 0, &pkt));
    EXPECT_EQ(pkt.page_request.command, ZX_PAGER_VMO_COMPLETE);
    EXPECT_STATUS(next_request(&g, 0, &pkt), ZX_ERR_TIMED_OUT);
    // Detached: accesses fail at once, supplying and failing are refused, detach again is a no-op.
    uint64_t w;
    EXPECT_STATUS(zx_vmo_read(g.vmo, &w, 0, sizeof(w)), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(supply(&g, 0, 1), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, (uint64_t)(int64_t)ZX_ERR_IO),
                  ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_pager_detach_vmo(g.pager, g.vmo));
    EXPECT_STATUS(next_request(&g, 0, &pkt), ZX_ERR_TIMED_OUT);
    pg_close(&g);
}

TEST(PagerTest, ClosingThePagerFailsReadersWithoutPackets) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 1, 0));
    struct reader r = {.vmo = g.vmo, .offset = 0, .len = 8};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-closed", read_fn, &r));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    zx_handle_close(g.pager);
    g.pager = ZX_HANDLE_INVALID;
    ASSERT_OK(finish(&t, &r));
    EXPECT_STATUS(r.status, ZX_ERR_BAD_STATE);
    zx_handle_close(g.vmo);
    g.vmo = ZX_HANDLE_INVALID;
    EXPECT_STATUS(next_request(&g, 0, &pkt), ZX_ERR_TIMED_OUT);  // not even COMPLETE
    pg_close(&g);
}

// A pager that never answers: the reader waits (no deadline) until it is killed; the request
// stays the pager's to answer, and answering it later is harmless.
TEST(PagerTest, KillingABlockedReaderCleansUp) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 1, 0));
    struct reader r = {.vmo = g.vmo, .offset = 0, .len = 8};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-killed", read_fn, &r));
    sleep_ms(20);
    EXPECT_EQ(thread_state(t.handle), ZX_THREAD_STATE_BLOCKED_PAGER);
    tthread_kill(&t);
    EXPECT_EQ(r.done, 0);
    ASSERT_OK(supply(&g, 0, 1));
    uint64_t w = 0;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 0, sizeof(w)));
    EXPECT_EQ(w, PAGER_TAG);
    pg_close(&g);
}

// ---- supply and op_range errors ----

TEST(PagerTest, SupplyErrors) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 4, 0));
    zx_handle_t aux, other, child;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &aux));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &other));
    EXPECT_STATUS(zx_pager_supply_pages(BOGUS_HANDLE, g.vmo, 0, PAGE, aux, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, BOGUS_HANDLE, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_supply_pages(g.port, g.vmo, 0, PAGE, aux, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.port, 0, PAGE, aux, 0), ZX_ERR_WRONG_TYPE);
    struct pg weak;
    ASSERT_OK(pg_make_weak(&weak, ZX_RIGHT_ATTACH_VMO));
    EXPECT_STATUS(zx_pager_supply_pages(weak.pager, weak.vmo, 0, PAGE, aux, 0), ZX_ERR_ACCESS_DENIED);
    pg_close(&weak);
    zx_handle_t ro = dup_rights(aux, ZX_RIGHT_READ);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, ro, 0), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ro);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, other, 0, PAGE, aux, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 1, PAGE, aux, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE + 1, aux, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, aux, 3), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 4 * PAGE, PAGE, aux, 0), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, other, PAGE), ZX_ERR_OUT_OF_RANGE);
    ASSERT_OK(zx_vmo_create_child(aux, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, PAGE, &child));
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, aux, 0), ZX_ERR_BAD_STATE);  // has a child
    EXPECT_STATUS(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, child, 0), ZX_ERR_BAD_STATE);  // is one
    zx_handle_close(child);
    // Pages already there are not replaced; aux's range is decommitted either way.
    uint64_t one = 1, two = 2, w = 0;
    ASSERT_OK(zx_vmo_write(aux, &one, 0, sizeof(one)));
    ASSERT_OK(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, aux, 0));
    ASSERT_OK(zx_vmo_write(aux, &two, 0, sizeof(two)));
    ASSERT_OK(zx_pager_supply_pages(g.pager, g.vmo, 0, PAGE, aux, 0));
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 0, sizeof(w)));
    EXPECT_EQ(w, 1);
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(aux, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, 0);
    // An uncommitted aux page supplies zeros.
    ASSERT_OK(zx_pager_supply_pages(g.pager, g.vmo, PAGE, PAGE, aux, PAGE));
    w = 7;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, PAGE, sizeof(w)));
    EXPECT_EQ(w, 0);
    zx_handle_close(other);
    zx_handle_close(aux);
    pg_close(&g);
}

TEST(PagerTest, OpRangeErrors) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    zx_handle_t other;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &other));
    const uint64_t io = (uint64_t)(int64_t)ZX_ERR_IO;
    EXPECT_STATUS(zx_pager_op_range(BOGUS_HANDLE, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, io), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, BOGUS_HANDLE, 0, PAGE, io), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_op_range(g.port, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, io), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.port, 0, PAGE, io), ZX_ERR_WRONG_TYPE);
    struct pg weak;
    ASSERT_OK(pg_make_weak(&weak, ZX_RIGHT_ATTACH_VMO));
    EXPECT_STATUS(zx_pager_op_range(weak.pager, ZX_PAGER_OP_FAIL, weak.vmo, 0, PAGE, io), ZX_ERR_ACCESS_DENIED);
    pg_close(&weak);
    zx_handle_t ro = dup_rights(g.vmo, ZX_RIGHT_READ);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, ro, 0, PAGE, io), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ro);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, other, 0, PAGE, io), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 1, PAGE, io), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, (uint64_t)(int64_t)ZX_ERR_NO_MEMORY),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, 0x00000000fffffffbull),
                  ZX_ERR_INVALID_ARGS);  // ZX_ERR_IO not sign-extended
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, PAGE, 2 * PAGE, io), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_pager_op_range(g.pager, 99, g.vmo, 0, PAGE, 0), ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, io));  // nothing outstanding
    zx_handle_close(other);
    pg_close(&g);
}

TEST(PagerTest, DetachErrors) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 1, 0));
    zx_handle_t other_pager, other;
    ASSERT_OK(zx_pager_create(0, &other_pager));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &other));
    EXPECT_STATUS(zx_pager_detach_vmo(BOGUS_HANDLE, g.vmo), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_detach_vmo(g.pager, BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_detach_vmo(g.port, g.vmo), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_pager_detach_vmo(g.pager, g.port), ZX_ERR_WRONG_TYPE);
    struct pg weak;
    ASSERT_OK(pg_make_weak(&weak, ZX_RIGHT_MANAGE_VMO));
    EXPECT_STATUS(zx_pager_detach_vmo(weak.pager, weak.vmo), ZX_ERR_ACCESS_DENIED);
    pg_close(&weak);
    ASSERT_OK(pg_make_weak(&weak, ZX_RIGHT_ATTACH_VMO));
    EXPECT_STATUS(zx_pager_detach_vmo(weak.pager, weak.vmo), ZX_ERR_ACCESS_DENIED);
    pg_close(&weak);
    EXPECT_STATUS(zx_pager_detach_vmo(g.pager, other), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_detach_vmo(other_pager, g.vmo), ZX_ERR_INVALID_ARGS);
    zx_handle_close(other);
    zx_handle_close(other_pager);
    pg_close(&g);
}

#if defined(ZX_SYS_pager_query_vmo_stats)
static uint32_t modified(struct pg *g, uint32_t options) {
    zx_pager_vmo_stats_t st = {.modified = 0xdead};
    if (zx_pager_query_vmo_stats(g->pager, g->vmo, options, &st, sizeof(st)) != ZX_OK) return 0xffffffffu;
    return st.modified;
}

TEST(PagerTest, QueryVmoStatsSeesWritesThroughEveryPath) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    ASSERT_OK(supply(&g, 0, 2));
    EXPECT_EQ(modified(&g, 0), 0);  // supplying is not modifying
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, g.vmo, 0, 2 * PAGE, &addr));
    EXPECT_EQ(*(volatile uint64_t *)addr, PAGER_TAG);  // a read maps the page
    EXPECT_EQ(modified(&g, 0), 0);
    *(volatile uint64_t *)addr = 1;  // the first write faults and marks it
    EXPECT_EQ(modified(&g, ZX_PAGER_RESET_VMO_STATS), ZX_PAGER_VMO_STATS_MODIFIED);
    EXPECT_EQ(modified(&g, 0), 0);
    *(volatile uint64_t *)addr = 2;  // the mapping was write-protected by the reset
    EXPECT_EQ(modified(&g, ZX_PAGER_RESET_VMO_STATS), ZX_PAGER_VMO_STATS_MODIFIED);
    uint64_t w = 3;
    ASSERT_OK(zx_vmo_write(g.vmo, &w, PAGE, sizeof(w)));
    EXPECT_EQ(modified(&g, ZX_PAGER_RESET_VMO_STATS), ZX_PAGER_VMO_STATS_MODIFIED);
    EXPECT_EQ(modified(&g, 0), 0);
    // A clone's writes are its own.
    zx_handle_t c;
    ASSERT_OK(zx_vmo_create_child(g.vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, 2 * PAGE, &c));
    ASSERT_OK(zx_vmo_write(c, &w, 0, sizeof(w)));
    EXPECT_EQ(modified(&g, 0), 0);
    zx_handle_close(c);
    // Errors.
    zx_pager_vmo_stats_t st;
    zx_handle_t other, ro;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &other));
    EXPECT_STATUS(zx_pager_query_vmo_stats(BOGUS_HANDLE, g.vmo, 0, &st, sizeof(st)), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_query_vmo_stats(g.port, g.vmo, 0, &st, sizeof(st)), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_pager_query_vmo_stats(g.pager, other, 0, &st, sizeof(st)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_query_vmo_stats(g.pager, g.vmo, 2, &st, sizeof(st)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_query_vmo_stats(g.pager, g.vmo, 0, NULL, sizeof(st)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_query_vmo_stats(g.pager, g.vmo, 0, &st, sizeof(st) - 1), ZX_ERR_BUFFER_TOO_SMALL);
    ro = dup_rights(g.vmo, ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_pager_query_vmo_stats(g.pager, ro, 0, &st, sizeof(st)), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ro);
    zx_handle_close(other);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    pg_close(&g);
}
#endif

// ---- clones ----

TEST(PagerTest, ClonesAskTheParentsPager) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    zx_handle_t c;
    EXPECT_STATUS(zx_vmo_create_child(g.vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PAGE, &c), ZX_ERR_NOT_SUPPORTED);
    ASSERT_OK(zx_vmo_create_child(g.vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, 2 * PAGE, &c));
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(c, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_TRUE(info.flags & ZX_INFO_VMO_PAGER_BACKED);
    EXPECT_TRUE(info.flags & ZX_INFO_VMO_IS_COW_CLONE);
    struct reader r = {.vmo = c, .offset = PAGE, .len = 8};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "pager-clone", read_fn, &r));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_read(&pkt, PAGE, PAGE));
    ASSERT_OK(supply(&g, 1, 1));
    ASSERT_OK(finish(&t, &r));
    EXPECT_OK(r.status);
    EXPECT_EQ(r.word, PAGER_TAG + 1);
    // The clone's write is its own.
    uint64_t mine = 99, w = 0;
    ASSERT_OK(zx_vmo_write(c, &mine, PAGE, sizeof(mine)));
    EXPECT_OK(zx_vmo_read(g.vmo, &w, PAGE, sizeof(w)));
    EXPECT_EQ(w, PAGER_TAG + 1);
    zx_handle_close(c);
    pg_close(&g);
}

// ---- a pager process serving another process ----

// Serves READ requests until the child ends; fails them instead when `fail` is set.
static void serve_child(struct pg *g, zx_handle_t proc, bool fail, int *requests) {
    ASSERT_OK(zx_object_wait_async(proc, g->port, KEY + 1, ZX_PROCESS_TERMINATED, 0));
    for (;;) {
        zx_port_packet_t pkt;
        ASSERT_OK(next_request(g, LONG_WAIT, &pkt));
        if (pkt.key == KEY + 1) return;
        ASSERT_EQ(pkt.page_request.command, ZX_PAGER_VMO_READ);
        (*requests)++;
        uint64_t first = pkt.page_request.offset / PAGE, n = pkt.page_request.length / PAGE;
        if (fail)
            ASSERT_OK(zx_pager_op_range(g->pager, ZX_PAGER_OP_FAIL, g->vmo, first * PAGE, n * PAGE,
                                        (uint64_t)(int64_t)ZX_ERR_IO_DATA_INTEGRITY));
        else
            ASSERT_OK(supply(g, first, n));
    }
}

// Runs child case `what` `arg` on a duplicate of g's VMO, serving its READ requests until it
// ends: it must succeed, having made `requests` of them.
static void serve_pager_child(struct pg *g, const char *what, const char *arg, int requests) {
    zx_handle_t dup;
    ASSERT_OK(zx_handle_duplicate(g->vmo, ZX_RIGHT_SAME_RIGHTS, &dup));
    zx_handle_t proc;
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, what, arg, dup, &proc));
    int made = 0;
    serve_child(g, proc, false, &made);
    int64_t rc;
    ASSERT_OK(process_wait(proc, &rc));
    EXPECT_EQ(rc, CHILD_OK);
    EXPECT_EQ(made, requests);
    zx_handle_close(proc);
}

TEST(PagerTest, PagerSuppliesAVmoAnotherProcessMaps) {
    struct pg g;
    enum { PAGES = 8 };
    ASSERT_OK(pg_make(&g, PAGES, 0));
    serve_pager_child(&g, "pager-read", "8", PAGES);  // one fault per page; the reads found them all
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(g.vmo, ZX_INFO_VMO, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.committed_bytes, PAGES * PAGE);
    // Done with it: detach, and COMPLETE is the last packet.
    ASSERT_OK(zx_pager_detach_vmo(g.pager, g.vmo));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, 0, &pkt));
    EXPECT_EQ(pkt.page_request.command, ZX_PAGER_VMO_COMPLETE);
    // Supplied pages stay readable after the detach.
    uint64_t w = 0;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 3 * PAGE, sizeof(w)));
    EXPECT_EQ(w, PAGER_TAG + 3);
    pg_close(&g);
}

TEST(PagerTest, FailedFaultKillsTheReaderAsABadAccess) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    zx_handle_t dup;
    ASSERT_OK(zx_handle_duplicate(g.vmo, ZX_RIGHT_SAME_RIGHTS, &dup));
    zx_handle_t proc;
    ASSERT_OK(child_launch(ZX_HANDLE_INVALID, "pager-read", "2", dup, &proc));
    int requests = 0;
    serve_child(&g, proc, true, &requests);
    int64_t rc;
    ASSERT_OK(process_wait(proc, &rc));
    EXPECT_EQ(rc, ZX_TASK_RETCODE_EXCEPTION_KILL);  // a fatal page fault nobody handled
    EXPECT_EQ(requests, 1);
    zx_handle_close(proc);
    pg_close(&g);
}

// A fault the pager fails is a ZX_EXCP_FATAL_PAGE_FAULT whose synth code is the pager's status.
TEST(PagerTest, FailedFaultRaisesAFatalPageFault) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 1, 0));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, g.vmo, 0, PAGE, &addr));
    struct reader r = {.addr = addr};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "pager-fatal", touch_fn, &r));
    zx_handle_t exc_ch;
    ASSERT_OK(zx_task_create_exception_channel(t.handle, 0, &exc_ch));
    ASSERT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_PAGER));
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, (uint64_t)(int64_t)ZX_ERR_IO));
    ASSERT_TRUE(wait_signals(exc_ch, ZX_CHANNEL_READABLE));
    zx_exception_info_t info;
    zx_handle_t exc;
    uint32_t nb, nh;
    ASSERT_OK(zx_channel_read(exc_ch, 0, &info, &exc, sizeof(info), 1, &nb, &nh));
    EXPECT_EQ(info.type, ZX_EXCP_FATAL_PAGE_FAULT);
    zx_exception_report_t report;
    ASSERT_OK(zx_object_get_info(t.handle, ZX_INFO_THREAD_EXCEPTION_REPORT, &report, sizeof(report), NULL, NULL));
    EXPECT_EQ(report.context.synth_code, (uint32_t)ZX_ERR_IO);
    EXPECT_EQ(report.context.arch.u.x86_64.cr2, addr);
    EXPECT_EQ(r.done, 0);
    tthread_kill(&t);
    zx_handle_close(exc);
    zx_handle_close(exc_ch);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE));
    pg_close(&g);
}

// ---- dirty tracking: ZX_VMO_TRAP_DIRTY, ZX_PAGER_OP_DIRTY / WRITEBACK_*, dirty ranges ----
#if defined(ZX_SYS_pager_query_dirty_ranges)

static bool is_dirty_request(const zx_port_packet_t *p, uint64_t offset, uint64_t length) {
    return p->key == KEY && p->type == ZX_PKT_TYPE_PAGE_REQUEST && p->page_request.command == ZX_PAGER_VMO_DIRTY &&
           p->page_request.offset == offset && p->page_request.length == length;
}

// The dirty ranges of the whole VMO into r (up to max); returns how many there are (avail),
// or -1 when the query failed or actual is not min(avail, max).
static int64_t dirty_ranges(struct pg *g, zx_vmo_dirty_range_t *r, size_t max) {
    uint64_t size;
    size_t actual = 99, avail = 99;
    if (zx_vmo_get_size(g->vmo, &size) != ZX_OK ||
        zx_pager_query_dirty_ranges(g->pager, g->vmo, 0, size, r, max * sizeof(*r), &actual, &avail) != ZX_OK ||
        actual != (avail < max ? avail : max))
        return -1;
    return (int64_t)avail;
}

static bool range_is(const zx_vmo_dirty_range_t *r, uint64_t offset, uint64_t length, uint64_t options) {
    return r->offset == offset && r->length == length && r->options == options;
}

static zx_status_t writeback(struct pg *g, uint64_t offset, uint64_t length, uint64_t begin_data) {
    zx_status_t st = zx_pager_op_range(g->pager, ZX_PAGER_OP_WRITEBACK_BEGIN, g->vmo, offset, length, begin_data);
    if (st == ZX_OK) st = zx_pager_op_range(g->pager, ZX_PAGER_OP_WRITEBACK_END, g->vmo, offset, length, 0);
    return st;
}

// The "done when": a pager process serves a VMO another process maps, reads and
// writes; the pager then finds what was written, writes it back, and detaches.
TEST(PagerTest, PagerWritesBackWhatAnotherProcessWrote) {
    struct pg g;
    enum { PAGES = 8 };
    ASSERT_OK(pg_make(&g, PAGES, 0));
    serve_pager_child(&g, "pager-write", "8", PAGES);
    // The odd pages were written: four one-page ranges, none of them zero.
    zx_vmo_dirty_range_t r[PAGES];
    ASSERT_EQ(dirty_ranges(&g, r, PAGES), 4);
    for (int i = 0; i < 4; i++) EXPECT_TRUE(range_is(&r[i], (2 * (uint64_t)i + 1) * PAGE, PAGE, 0));
    // A buffer with room for two: actual 2, avail 4; the query goes on after the last one.
    ASSERT_EQ(dirty_ranges(&g, r, 2), 4);
    EXPECT_TRUE(range_is(&r[1], 3 * PAGE, PAGE, 0));
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_pager_query_dirty_ranges(g.pager, g.vmo, 4 * PAGE, 4 * PAGE, r, sizeof(r), &actual, &avail));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(avail, 2);
    EXPECT_TRUE(range_is(&r[0], 5 * PAGE, PAGE, 0));
    // Write them back: the pager reads what the child wrote, then they are clean.
    for (uint64_t i = 1; i < PAGES; i += 2) {
        ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_WRITEBACK_BEGIN, g.vmo, i * PAGE, PAGE, 0));
        uint64_t w[2] = {0, 0};
        ASSERT_OK(zx_vmo_read(g.vmo, w, i * PAGE, sizeof(w)));
        EXPECT_EQ(w[0], PAGER_TAG + i);
        EXPECT_EQ(w[1], PAGER_WRITTEN + i);
        ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_WRITEBACK_END, g.vmo, i * PAGE, PAGE, 0));
    }
    EXPECT_EQ(dirty_ranges(&g, r, PAGES), 0);
    ASSERT_OK(zx_pager_detach_vmo(g.pager, g.vmo));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, 0, &pkt));
    EXPECT_EQ(pkt.page_request.command, ZX_PAGER_VMO_COMPLETE);
    // A write after the detach is still tracked: the pager can write it back.
    uint64_t w = 5;
    ASSERT_OK(zx_vmo_write(g.vmo, &w, 2 * PAGE, sizeof(w)));
    ASSERT_EQ(dirty_ranges(&g, r, PAGES), 1);
    EXPECT_TRUE(range_is(&r[0], 2 * PAGE, PAGE, 0));
    EXPECT_OK(writeback(&g, 0, PAGES * PAGE, 0));
    EXPECT_EQ(dirty_ranges(&g, r, PAGES), 0);
    pg_close(&g);
}

static void write_fn(void *arg) {
    struct reader *r = arg;
    uint64_t buf[2 * 512];
    for (size_t i = 0; i < sizeof(buf) / sizeof(buf[0]); i++) buf[i] = PAGER_WRITTEN + i;
    r->status = zx_vmo_write(r->vmo, buf, r->offset, r->len);
    r->done = 1;
}

static void poke_fn(void *arg) {
    struct reader *r = arg;
    *(volatile uint64_t *)r->addr = PAGER_WRITTEN;
    r->status = ZX_OK;
    r->done = 1;
}

TEST(PagerTest, TrapDirtyWritesWaitForTheDirtyOp) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 4, ZX_VMO_TRAP_DIRTY));
    ASSERT_OK(supply(&g, 0, 4));
    zx_vmo_dirty_range_t r[4];
    // zx_vmo_write of two clean pages: one DIRTY request for both.
    struct reader wr = {.vmo = g.vmo, .offset = PAGE, .len = 2 * PAGE};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-trap-write", write_fn, &wr));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_dirty_request(&pkt, PAGE, 2 * PAGE));
    EXPECT_EQ(dirty_ranges(&g, r, 4), 0);  // nothing is dirty until the pager says so
    EXPECT_EQ(wr.done, 0);
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, PAGE, 2 * PAGE, 0));
    ASSERT_OK(finish(&t, &wr));
    EXPECT_OK(wr.status);
    ASSERT_EQ(dirty_ranges(&g, r, 4), 1);
    EXPECT_TRUE(range_is(&r[0], PAGE, 2 * PAGE, 0));
    uint64_t w = 0;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, PAGE, sizeof(w)));
    EXPECT_EQ(w, PAGER_WRITTEN);
    // A dirty page is written without asking again.
    EXPECT_OK(zx_vmo_write(g.vmo, &w, 2 * PAGE, sizeof(w)));
    EXPECT_STATUS(next_request(&g, 0, &pkt), ZX_ERR_TIMED_OUT);
    // A write through a mapping faults, asks, and runs again once the pager dirtied the page.
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, g.vmo, 0, 4 * PAGE, &addr));
    EXPECT_EQ(*(volatile uint64_t *)(addr + 3 * PAGE), PAGER_TAG + 3);  // reading asks nothing
    struct reader pk = {.addr = addr + 3 * PAGE + 8};
    ASSERT_OK(start_blocked(&t, "pager-trap-poke", poke_fn, &pk));
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_dirty_request(&pkt, 3 * PAGE, PAGE));
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, 3 * PAGE, PAGE, 0));
    ASSERT_OK(finish(&t, &pk));
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 3 * PAGE + 8, sizeof(w)));
    EXPECT_EQ(w, PAGER_WRITTEN);
    ASSERT_EQ(dirty_ranges(&g, r, 4), 1);
    EXPECT_TRUE(range_is(&r[0], PAGE, 3 * PAGE, 0));
    // Written back, the page is clean again: the next write asks again.
    ASSERT_OK(writeback(&g, 3 * PAGE, PAGE, 0));
    pk.done = 0;
    ASSERT_OK(start_blocked(&t, "pager-trap-poke", poke_fn, &pk));
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_dirty_request(&pkt, 3 * PAGE, PAGE));
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, 3 * PAGE, PAGE, 0));
    ASSERT_OK(finish(&t, &pk));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 4 * PAGE));
    pg_close(&g);
}

TEST(PagerTest, TrapDirtyFailedRequestFailsTheWrite) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, ZX_VMO_TRAP_DIRTY));
    ASSERT_OK(supply(&g, 0, 2));
    struct reader wr = {.vmo = g.vmo, .offset = 0, .len = 8};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-trap-fail", write_fn, &wr));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_dirty_request(&pkt, 0, PAGE));
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_FAIL, g.vmo, 0, PAGE, (uint64_t)(int64_t)ZX_ERR_NO_SPACE));
    ASSERT_OK(finish(&t, &wr));
    EXPECT_STATUS(wr.status, ZX_ERR_NO_SPACE);
    zx_vmo_dirty_range_t r[2];
    EXPECT_EQ(dirty_ranges(&g, r, 2), 0);  // the page stayed clean, with its old content
    uint64_t w = 0;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 0, sizeof(w)));
    EXPECT_EQ(w, PAGER_TAG);
    // Detached, a write to a clean page has nobody to ask.
    ASSERT_OK(zx_pager_detach_vmo(g.pager, g.vmo));
    EXPECT_STATUS(zx_vmo_write(g.vmo, &w, PAGE, sizeof(w)), ZX_ERR_BAD_STATE);
    pg_close(&g);
}

static void stream_write_fn(void *arg) {
    struct reader *r = arg;
    zx_handle_t stream;
    uint64_t w = PAGER_WRITTEN;
    zx_iovec_t iov = {.buffer = &w, .capacity = sizeof(w)};
    size_t actual = 0;
    r->status = zx_stream_create(ZX_STREAM_MODE_WRITE, r->vmo, r->offset, &stream);
    if (r->status == ZX_OK) {
        r->status = zx_stream_writev(stream, 0, &iov, 1, &actual);
        zx_handle_close(stream);
    }
    r->word = actual;
    r->done = 1;
}

// zx_vmo_read from r->dst into r->addr (a mapping of the pager VMO): the kernel's copy writes.
static void read_into_fn(void *arg) {
    struct reader *r = arg;
    r->status = zx_vmo_read(r->dst, (void *)r->addr, 0, r->len);
    r->done = 1;
}

// The calls that wait by restarting: a stream write, and a syscall whose output buffer is a
// clean page of a ZX_VMO_TRAP_DIRTY mapping (its copy asks for DIRTY, not READ).
TEST(PagerTest, TrapDirtyRestartedCallsWaitForTheDirtyOp) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, ZX_VMO_TRAP_DIRTY));
    ASSERT_OK(supply(&g, 0, 2));
    struct reader sw = {.vmo = g.vmo, .offset = 16};
    struct tthread t;
    ASSERT_OK(start_blocked(&t, "pager-trap-stream", stream_write_fn, &sw));
    zx_port_packet_t pkt;
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_dirty_request(&pkt, 0, PAGE));
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, 0, PAGE, 0));
    ASSERT_OK(finish(&t, &sw));
    EXPECT_OK(sw.status);
    EXPECT_EQ(sw.word, 8);
    uint64_t w = 0;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 16, sizeof(w)));
    EXPECT_EQ(w, PAGER_WRITTEN);
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, g.vmo, 0, 2 * PAGE, &addr));
    zx_handle_t src;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &src));
    w = PAGER_WRITTEN + 1;
    ASSERT_OK(zx_vmo_write(src, &w, 0, sizeof(w)));
    struct reader cp = {.dst = src, .addr = addr + PAGE + 8, .len = sizeof(w)};
    ASSERT_OK(start_blocked(&t, "pager-trap-copy", read_into_fn, &cp));
    ASSERT_OK(next_request(&g, LONG_WAIT, &pkt));
    EXPECT_TRUE(is_dirty_request(&pkt, PAGE, PAGE));
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, PAGE, PAGE, 0));
    ASSERT_OK(finish(&t, &cp));
    EXPECT_OK(cp.status);
    EXPECT_EQ(*(volatile uint64_t *)(addr + PAGE + 8), PAGER_WRITTEN + 1);
    zx_vmo_dirty_range_t r[2];
    ASSERT_EQ(dirty_ranges(&g, r, 2), 1);
    EXPECT_TRUE(range_is(&r[0], 0, 2 * PAGE, 0));
    EXPECT_STATUS(next_request(&g, 0, &pkt), ZX_ERR_TIMED_OUT);
    zx_handle_close(src);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    pg_close(&g);
}

// Without ZX_VMO_TRAP_DIRTY writes dirty pages at once, through every path; a write during a
// writeback makes the page dirty again, so the END leaves it dirty.
TEST(PagerTest, WritesDuringWritebackRedirty) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 3, 0));
    ASSERT_OK(supply(&g, 0, 3));
    zx_vmo_dirty_range_t r[3];
    EXPECT_EQ(dirty_ranges(&g, r, 3), 0);
    uint64_t w = 1;
    ASSERT_OK(zx_vmo_write(g.vmo, &w, 0, sizeof(w)));
    zx_handle_t stream;
    ASSERT_OK(zx_stream_create(ZX_STREAM_MODE_WRITE, g.vmo, 2 * PAGE, &stream));
    zx_iovec_t iov = {.buffer = &w, .capacity = sizeof(w)};
    size_t actual = 0;
    ASSERT_OK(zx_stream_writev(stream, 0, &iov, 1, &actual));
    zx_handle_close(stream);
    ASSERT_EQ(dirty_ranges(&g, r, 3), 2);
    EXPECT_TRUE(range_is(&r[0], 0, PAGE, 0));
    EXPECT_TRUE(range_is(&r[1], 2 * PAGE, PAGE, 0));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, g.vmo, 0, 3 * PAGE, &addr));
    *(volatile uint64_t *)addr = 2;  // mapped writable while dirty
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_WRITEBACK_BEGIN, g.vmo, 0, 3 * PAGE, 0));
    ASSERT_EQ(dirty_ranges(&g, r, 3), 2);  // awaiting clean is still dirty
    *(volatile uint64_t *)addr = 3;  // the mapping forgot the page: this write dirties it again
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_WRITEBACK_END, g.vmo, 0, 3 * PAGE, 0));
    ASSERT_EQ(dirty_ranges(&g, r, 3), 1);
    EXPECT_TRUE(range_is(&r[0], 0, PAGE, 0));
    // An END without a BEGIN cleans nothing; BEGIN then END does.
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_WRITEBACK_END, g.vmo, 0, PAGE, 0));
    ASSERT_EQ(dirty_ranges(&g, r, 3), 1);
    ASSERT_OK(writeback(&g, 0, PAGE, 0));
    EXPECT_EQ(dirty_ranges(&g, r, 3), 0);
    EXPECT_EQ(*(volatile uint64_t *)addr, 3);
    // ZX_PAGER_OP_DIRTY dirties supplied pages without a request.
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, PAGE, PAGE, 0));
    ASSERT_EQ(dirty_ranges(&g, r, 3), 1);
    EXPECT_TRUE(range_is(&r[0], PAGE, PAGE, 0));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 3 * PAGE));
    pg_close(&g);
}

// ZX_VM_MAP_RANGE fills the page tables at once, but clean pager pages only read-only: the
// first write still faults and is tracked.
TEST(PagerTest, MapRangeWritesAreTracked) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    ASSERT_OK(supply(&g, 0, 2));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_MAP_RANGE, 0, g.vmo, 0,
                          2 * PAGE, &addr));
    zx_vmo_dirty_range_t r[2];
    EXPECT_EQ(dirty_ranges(&g, r, 2), 0);
    *(volatile uint64_t *)(addr + PAGE) = 4;
    ASSERT_EQ(dirty_ranges(&g, r, 2), 1);
    EXPECT_TRUE(range_is(&r[0], PAGE, PAGE, 0));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * PAGE));
    pg_close(&g);
}

// Pages past what the pager supplies (a VMO grown) read as zeros and are dirty, reported with
// ZX_VMO_DIRTY_RANGE_IS_ZERO; a WRITEBACK_BEGIN with that option cleans only pages still zero.
TEST(PagerTest, GrownPagesAreDirtyZeros) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, ZX_VMO_RESIZABLE));
    ASSERT_OK(supply(&g, 0, 2));
    ASSERT_OK(zx_vmo_set_size(g.vmo, 5 * PAGE));
    zx_vmo_dirty_range_t r[5];
    ASSERT_EQ(dirty_ranges(&g, r, 5), 1);
    EXPECT_TRUE(range_is(&r[0], 2 * PAGE, 3 * PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO));
    // A write into the zero range splits it.
    uint64_t w = 9;
    ASSERT_OK(zx_vmo_write(g.vmo, &w, 3 * PAGE, sizeof(w)));
    ASSERT_EQ(dirty_ranges(&g, r, 5), 3);
    EXPECT_TRUE(range_is(&r[0], 2 * PAGE, PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO));
    EXPECT_TRUE(range_is(&r[1], 3 * PAGE, PAGE, 0));
    EXPECT_TRUE(range_is(&r[2], 4 * PAGE, PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO));
    // Unaligned query bounds cover the pages they touch.
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_pager_query_dirty_ranges(g.pager, g.vmo, 3 * PAGE + 5, 10, r, sizeof(r), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_TRUE(range_is(&r[0], 3 * PAGE, PAGE, 0));
    // IS_ZERO over the whole range: the written page keeps its content and stays dirty.
    ASSERT_OK(writeback(&g, 2 * PAGE, 3 * PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO));
    ASSERT_EQ(dirty_ranges(&g, r, 5), 1);
    EXPECT_TRUE(range_is(&r[0], 3 * PAGE, PAGE, 0));
    ASSERT_OK(writeback(&g, 3 * PAGE, PAGE, 0));
    EXPECT_EQ(dirty_ranges(&g, r, 5), 0);
    w = 0;
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 3 * PAGE, sizeof(w)));
    EXPECT_EQ(w, 9);
    EXPECT_OK(zx_vmo_read(g.vmo, &w, 4 * PAGE, sizeof(w)));
    EXPECT_EQ(w, 0);
    // Shrinking drops what was past the end; growing again adds dirty zeros.
    ASSERT_OK(zx_vmo_set_size(g.vmo, PAGE));
    ASSERT_OK(zx_vmo_set_size(g.vmo, 2 * PAGE));
    ASSERT_EQ(dirty_ranges(&g, r, 5), 1);
    EXPECT_TRUE(range_is(&r[0], PAGE, PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO));
    pg_close(&g);
}

TEST(PagerTest, DirtyAndWritebackErrors) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 3, 0));
    ASSERT_OK(supply(&g, 0, 2));
    zx_handle_t other;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &other));
    const uint32_t ops[3] = {ZX_PAGER_OP_DIRTY, ZX_PAGER_OP_WRITEBACK_BEGIN, ZX_PAGER_OP_WRITEBACK_END};
    for (int i = 0; i < 3; i++) {
        uint32_t op = ops[i];
        EXPECT_STATUS(zx_pager_op_range(BOGUS_HANDLE, op, g.vmo, 0, PAGE, 0), ZX_ERR_BAD_HANDLE);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, BOGUS_HANDLE, 0, PAGE, 0), ZX_ERR_BAD_HANDLE);
        EXPECT_STATUS(zx_pager_op_range(g.port, op, g.vmo, 0, PAGE, 0), ZX_ERR_WRONG_TYPE);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, g.port, 0, PAGE, 0), ZX_ERR_WRONG_TYPE);
        zx_handle_t ro = dup_rights(g.vmo, ZX_RIGHT_READ);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, ro, 0, PAGE, 0), ZX_ERR_ACCESS_DENIED);
        zx_handle_close(ro);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, other, 0, PAGE, 0), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, g.vmo, 1, PAGE, 0), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, g.vmo, 0, PAGE - 1, 0), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, g.vmo, 2 * PAGE, 2 * PAGE, 0), ZX_ERR_OUT_OF_RANGE);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, g.vmo, PAGE, UINT64_MAX - PAGE + 1, 0), ZX_ERR_OUT_OF_RANGE);
        EXPECT_STATUS(zx_pager_op_range(g.pager, op, g.vmo, 0, PAGE, 2), ZX_ERR_INVALID_ARGS);
    }
    struct pg weak;
    ASSERT_OK(pg_make_weak(&weak, ZX_RIGHT_ATTACH_VMO));
    EXPECT_STATUS(zx_pager_op_range(weak.pager, ZX_PAGER_OP_DIRTY, weak.vmo, 0, PAGE, 0), ZX_ERR_ACCESS_DENIED);
    pg_close(&weak);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, 0, PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_WRITEBACK_END, g.vmo, 0, PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_WRITEBACK_BEGIN, g.vmo, 0, PAGE, ZX_VMO_DIRTY_RANGE_IS_ZERO));
    // Page 2 was never supplied: DIRTY over it fails and changes nothing.
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, PAGE, 2 * PAGE, 0), ZX_ERR_NOT_FOUND);
    zx_vmo_dirty_range_t r[3];
    EXPECT_EQ(dirty_ranges(&g, r, 3), 0);
    EXPECT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, 0, 0, 0));  // an empty range
    // Detached: DIRTY (like FAIL) is refused; writing back what stayed dirty is not.
    ASSERT_OK(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, 0, PAGE, 0));
    ASSERT_OK(zx_pager_detach_vmo(g.pager, g.vmo));
    EXPECT_STATUS(zx_pager_op_range(g.pager, ZX_PAGER_OP_DIRTY, g.vmo, PAGE, PAGE, 0), ZX_ERR_BAD_STATE);
    ASSERT_EQ(dirty_ranges(&g, r, 3), 1);
    EXPECT_OK(writeback(&g, 0, PAGE, 0));
    EXPECT_EQ(dirty_ranges(&g, r, 3), 0);
    zx_handle_close(other);
    pg_close(&g);
}

TEST(PagerTest, QueryDirtyRangesErrors) {
    struct pg g;
    ASSERT_OK(pg_make(&g, 2, 0));
    ASSERT_OK(supply(&g, 0, 2));
    uint64_t w = 1;
    ASSERT_OK(zx_vmo_write(g.vmo, &w, 0, sizeof(w)));
    zx_handle_t other, other_pager;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &other));
    ASSERT_OK(zx_pager_create(0, &other_pager));
    zx_vmo_dirty_range_t r[2];
    size_t actual = 0, avail = 0;
    EXPECT_STATUS(zx_pager_query_dirty_ranges(BOGUS_HANDLE, g.vmo, 0, PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.pager, BOGUS_HANDLE, 0, PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.port, g.vmo, 0, PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.pager, g.port, 0, PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_WRONG_TYPE);
    zx_handle_t wo = dup_rights(g.vmo, ZX_RIGHT_WRITE);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.pager, wo, 0, PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(wo);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.pager, other, 0, PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(other_pager, g.vmo, 0, PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.pager, g.vmo, 0, PAGE, NULL, sizeof(r), &actual, &avail),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.pager, g.vmo, PAGE, 2 * PAGE, r, sizeof(r), &actual, &avail),
                  ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_pager_query_dirty_ranges(g.pager, g.vmo, 1, UINT64_MAX, r, sizeof(r), &actual, &avail),
                  ZX_ERR_OUT_OF_RANGE);
    // actual and avail are optional; a buffer too small for one record just counts.
    EXPECT_OK(zx_pager_query_dirty_ranges(g.pager, g.vmo, 0, 2 * PAGE, r, sizeof(r), NULL, NULL));
    EXPECT_TRUE(range_is(&r[0], 0, PAGE, 0));
    EXPECT_OK(zx_pager_query_dirty_ranges(g.pager, g.vmo, 0, 2 * PAGE, NULL, 0, &actual, &avail));
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 1);
    EXPECT_OK(zx_pager_query_dirty_ranges(g.pager, g.vmo, PAGE, 0, r, sizeof(r), &actual, &avail));
    EXPECT_EQ(avail, 0);
    zx_handle_close(other);
    zx_handle_close(other_pager);
    pg_close(&g);
}
#endif

#endif
