// Buddy allocator. Free blocks are linked through their own first bytes (via the physmap);
// a per-frame byte array records, for each free block head, its order + 1 (0 = not a free head).
#include "kernel/pmm.h"

#include <string.h>

#include "kernel/debug.h"

struct free_block {
    struct free_block *next, *prev;
};

static struct free_block free_lists[PMM_MAX_ORDER + 1];
static uint8_t *free_order;      // per frame: order + 1 when the frame heads a free block
static paddr_t frames_base;      // lowest managed frame
static uint64_t frames_count;    // span of managed frames
static uint64_t nr_free, nr_total;

static inline uint64_t frame_index(paddr_t pa) { return (pa - frames_base) >> HAL_PAGE_SHIFT; }
static inline paddr_t frame_pa(uint64_t idx) { return frames_base + (idx << HAL_PAGE_SHIFT); }

static void list_push(unsigned order, paddr_t pa) {
    struct free_block *b = paddr_to_kva(pa), *head = &free_lists[order];
    b->next = head->next;
    b->prev = head;
    head->next->prev = b;
    head->next = b;
    free_order[frame_index(pa)] = (uint8_t)(order + 1);
}

static void list_remove(paddr_t pa) {
    struct free_block *b = paddr_to_kva(pa);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    free_order[frame_index(pa)] = 0;
}

void pmm_free(paddr_t pa, unsigned order) {
    DEBUG_ASSERT((pa & ((HAL_PAGE_SIZE << order) - 1)) == 0);
    nr_free += 1ul << order;
    uint64_t idx = frame_index(pa);
    while (order < PMM_MAX_ORDER) {
        uint64_t buddy = idx ^ (1ul << order);
        if (buddy >= frames_count || free_order[buddy] != order + 1) break;
        list_remove(frame_pa(buddy));
        idx &= ~(1ul << order);
        order++;
    }
    list_push(order, frame_pa(idx));
}

bool pmm_alloc(unsigned order, paddr_t *out) {
    unsigned o = order;
    while (o <= PMM_MAX_ORDER && free_lists[o].next == &free_lists[o]) o++;
    if (o > PMM_MAX_ORDER) return false;
    paddr_t pa = kva_to_paddr(free_lists[o].next);
    list_remove(pa);
    while (o > order) {  // split, returning the upper halves
        o--;
        list_push(o, pa + (HAL_PAGE_SIZE << o));
    }
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
    // The order map lives at the start of the largest range.
    size_t map_bytes = (frames_count + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1);
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (r[i].size > r[best].size) best = i;
    if (r[best].size < map_bytes) panic("pmm: no room for the frame map");
    paddr_t map_pa = r[best].base;
    free_order = paddr_to_kva(map_pa);
    memset(free_order, 0, map_bytes);
    for (unsigned o = 0; o <= PMM_MAX_ORDER; o++) free_lists[o].next = free_lists[o].prev = &free_lists[o];

    for (size_t i = 0; i < n; i++) {
        paddr_t b = r[i].base, e = r[i].base + r[i].size;
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
