// Mappings made without ZX_VM_MAP_RANGE fill their page tables on fault, and a fault may also
// map committed neighbours (fault-around). Zircon gives no way to see page-table entries, so
// these tests check what a program can observe: the neighbours show the VMO's current pages,
// fault-around never commits a page, and in a copy-on-write clone the neighbours mapped by a
// read fault are still copied on write (the parent never sees the clone's writes).
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

enum { kPages = 32 };

// A VMO of kPages pages; page i holds the byte i + 1 at offset 0 when `commit` is set.
static zx_handle_t make_vmo(bool commit) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    if (zx_vmo_create(kPages * PAGE, 0, &vmo) != ZX_OK) return ZX_HANDLE_INVALID;
    for (uint8_t i = 0; commit && i < kPages; i++) {
        uint8_t b = (uint8_t)(i + 1);
        if (zx_vmo_write(vmo, &b, (uint64_t)i * PAGE, 1) != ZX_OK) return ZX_HANDLE_INVALID;
    }
    return vmo;
}

// Maps all of vmo read-write without ZX_VM_MAP_RANGE; 0 on failure.
static volatile uint8_t *map_lazily(zx_handle_t vmo) {
    zx_vaddr_t addr = 0;
    if (zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                    kPages * PAGE, &addr) != ZX_OK)
        return NULL;
    return (volatile uint8_t *)addr;
}

static zx_status_t unmap(volatile uint8_t *p) {
    return zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)p, kPages * PAGE);
}

TEST(LazyMapTest, NeighboursShowTheVmosPages) {
    zx_handle_t vmo = make_vmo(true);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    volatile uint8_t *p = map_lazily(vmo);
    ASSERT_NE(p, NULL);
    EXPECT_EQ(p[0], 1);  // the fault; pages 1..15 may come with it
    for (int i = 0; i < kPages; i++) EXPECT_EQ(p[i * PAGE], i + 1);
    // Writes through the mapping and through the VMO meet on the same frames.
    p[5 * PAGE + 1] = 0x55;
    uint8_t b = 0;
    EXPECT_OK(zx_vmo_read(vmo, &b, 5 * PAGE + 1, 1));
    EXPECT_EQ(b, 0x55);
    b = 0x66;
    EXPECT_OK(zx_vmo_write(vmo, &b, 7 * PAGE + 2, 1));
    EXPECT_EQ(p[7 * PAGE + 2], 0x66);
    EXPECT_OK(unmap(p));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(LazyMapTest, FaultAroundCommitsNothing) {
    zx_handle_t vmo = make_vmo(false);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    volatile uint8_t *p = map_lazily(vmo);
    ASSERT_NE(p, NULL);
    EXPECT_EQ(vmo_committed_bytes(vmo), 0);
    p[3 * PAGE] = 9;  // one write fault: exactly one page committed
    EXPECT_EQ(vmo_committed_bytes(vmo), PAGE);
    EXPECT_EQ(p[4 * PAGE], 0);  // a read of a neighbour: at most one more page
    EXPECT_LE(vmo_committed_bytes(vmo), 2 * PAGE);
    EXPECT_OK(unmap(p));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(LazyMapTest, CloneNeighboursStillCopyOnWrite) {
    zx_handle_t vmo = make_vmo(true);
    ASSERT_NE(vmo, ZX_HANDLE_INVALID);
    zx_handle_t clone;
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, kPages * PAGE, &clone));
    volatile uint8_t *p = map_lazily(clone);
    ASSERT_NE(p, NULL);
    EXPECT_EQ(p[0], 1);  // a read fault: neighbours are the parent's pages
    p[3 * PAGE] = 0x33;  // must copy page 3, not write the parent's frame
    EXPECT_EQ(p[3 * PAGE], 0x33);
    uint8_t b = 0;
    EXPECT_OK(zx_vmo_read(vmo, &b, 3 * PAGE, 1));
    EXPECT_EQ(b, 4);
    EXPECT_OK(zx_vmo_read(clone, &b, 3 * PAGE, 1));
    EXPECT_EQ(b, 0x33);
    // The parent's own later writes stay out of the clone (snapshot), mapped page or not.
    b = 0x77;
    EXPECT_OK(zx_vmo_write(vmo, &b, 5 * PAGE, 1));
    EXPECT_EQ(p[5 * PAGE], 6);
    EXPECT_OK(unmap(p));
    EXPECT_OK(zx_handle_close(clone));
    EXPECT_OK(zx_handle_close(vmo));
}
