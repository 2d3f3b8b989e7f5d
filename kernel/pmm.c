// Buddy allocator. The free lists are linked through per-frame index arrays rather than
// through the free memory itself, so boot does not touch every free block (under emulation the
// host's first touch of each guest huge page costs milliseconds).
#include "kernel/pmm.h"

#include <string.h>

#include "kernel/debug.h"

#define NIL 0xffffffffu

struct frame_link {
    uint32_t next, prev;  // frame indices of free block heads, NIL at the ends
};

static uint32_t free_heads[PMM_MAX_ORDER + 1];
static struct frame_link *links; // per frame (meaningful for free block heads only)
static uint8_t *free_order;      // per frame: order + 1 when the frame heads a free block
static paddr_t frames_base;      // lowest managed frame
static uint64_t frames_count;    // span of managed frames
static uint64_t nr_free, nr_total;

static inline uint64_t frame_index(paddr_t pa) { return (pa - frames_base) >> HAL_PAGE_SHIFT; }
static inline paddr_t frame_pa(uint64_t idx) { return frames_base + (idx << HAL_PAGE_SHIFT); }

static void list_push(unsigned order, uint32_t idx) {
    links[idx].prev = NIL;
    links[idx].next = free_heads[order];
    if (free_heads[order] != NIL) links[free_heads[order]].prev = idx;
    free_heads[order] = idx;
    free_order[idx] = (uint8_t)(order + 1);
}

static void list_remove(unsigned order, uint32_t idx) {
    struct frame_link *l = &links[idx];
    if (l->prev != NIL) links[l->prev].next = l->next;
    else free_heads[order] = l->next;
    if (l->next != NIL) links[l->next].prev = l->prev;
    free_order[idx] = 0;
}

void pmm_free(paddr_t pa, unsigned order) {
    DEBUG_ASSERT((pa & ((HAL_PAGE_SIZE << order) - 1)) == 0);
    nr_free += 1ul << order;
    uint64_t idx = frame_index(pa);
    while (order < PMM_MAX_ORDER) {
        uint64_t buddy = idx ^ (1ul << order);
        if (buddy >= frames_count || free_order[buddy] != order + 1) break;
        list_remove(order, (uint32_t)buddy);
        idx &= ~(1ul << order);
        order++;
    }
    list_push(order, (uint32_t)idx);
}

bool pmm_alloc(unsigned order, paddr_t *out) {
    unsigned o = order;
    while (o <= PMM_MAX_ORDER && free_heads[o] == NIL) o++;
    if (o > PMM_MAX_ORDER) return false;
    uint32_t idx = free_heads[o];
    list_remove(o, idx);
    while (o > order) {  // split, returning the upper halves
        o--;
        list_push(o, idx + (1u << o));
    }
    paddr_t pa = frame_pa(idx);
    nr_free -= 1ul << order;
    *out = pa;
    return true;
}

void pmm_init(void) {
    const struct hal_mem_range *r;
    size_t n = hal_boot_memory(&r);
    paddr_t lo = ~0ul, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (!r[i].size) continue;
        if (r[i].base < lo) lo = r[i].base;
        if (r[i].base + r[i].size > hi) hi = r[i].base + r[i].size;
    }
    if (hi <= lo) panic("pmm: no usable memory");
    frames_base = lo & ~((HAL_PAGE_SIZE << PMM_MAX_ORDER) - 1);
    frames_count = (hi - frames_base) >> HAL_PAGE_SHIFT;
    if (frames_count >= NIL) panic("pmm: too much memory");
    // The order map and the links live at the start of the largest range.
    size_t map_bytes = (frames_count * (1 + sizeof(struct frame_link)) + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1);
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (r[i].size > r[best].size) best = i;
    if (r[best].size < map_bytes) panic("pmm: no room for the frame map");
    paddr_t map_pa = (r[best].base + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1);
    links = paddr_to_kva(map_pa);
    free_order = (uint8_t *)(links + frames_count);
    memset(free_order, 0, frames_count);
    for (unsigned o = 0; o <= PMM_MAX_ORDER; o++) free_heads[o] = NIL;

    for (size_t i = 0; i < n; i++) {
        paddr_t b = (r[i].base + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1);
        paddr_t e = (r[i].base + r[i].size) & ~(HAL_PAGE_SIZE - 1);
        if (i == best) b += map_bytes;
        while (b < e) {
            unsigned o = PMM_MAX_ORDER;
            while (o && ((b & ((HAL_PAGE_SIZE << o) - 1)) || b + (HAL_PAGE_SIZE << o) > e)) o--;
            pmm_free(b, o);
            nr_total += 1ul << o;
            b += HAL_PAGE_SIZE << o;
        }
    }
    kprintf("zc: pmm: %lu MiB free in %zu ranges\n", (nr_free * HAL_PAGE_SIZE) >> 20, n);
}

uint64_t pmm_free_pages(void) { return nr_free; }
uint64_t pmm_total_pages(void) { return nr_total; }

bool kernel_alloc_frame(paddr_t *pa) {
    if (!pmm_alloc(0, pa)) return false;
    memset(paddr_to_kva(*pa), 0, HAL_PAGE_SIZE);
    return true;
}

void kernel_free_frame(paddr_t pa) { pmm_free(pa, 0); }
