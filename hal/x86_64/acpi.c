// The CPUs the firmware lists in ACPI's MADT: RSDP, then RSDT or XSDT, then the MADT's local
// APIC (type 0) and local x2APIC (type 9) entries. Read once at boot through the physmap; every
// table is checked (signature, checksum, bounds) before anything in it is believed.
#include <string.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "x86.h"

#define SDT_HEADER 36               // signature, length, revision, checksum, OEM ids, creator
#define MADT_ENTRIES 44             // the header, local APIC address (4), flags (4)
#define TABLE_MAX (1u << 20)        // longer than any MADT or RSDT/XSDT a machine has
#define PHYS_READABLE (4ull << 30)  // the physmap covers at least [0, 4 GiB) (mmu.c)

#define MADT_LAPIC 0
#define MADT_X2APIC 9
#define MADT_ENABLED 1u        // flags bit 0: usable now
#define XAPIC_MAX_ID (X86_XAPIC_IDS - 2)  // 0xff is the broadcast destination

static bool readable(uint64_t pa, uint64_t len) {
    return len <= TABLE_MAX && pa < PHYS_READABLE && len <= PHYS_READABLE - pa;
}

static bool sums_to_zero(const uint8_t *p, size_t len) {
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) sum += p[i];
    return sum == 0;
}

static uint32_t get32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t get64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

// The RSDP at pa, when its signature and checksums hold (ACPI 1.0: 20 bytes; 2.0+: `length`).
static const uint8_t *rsdp_at(uint64_t pa) {
    if (!readable(pa, 36)) return NULL;
    const uint8_t *p = paddr_to_kva(pa);
    if (memcmp(p, "RSD PTR ", 8) || !sums_to_zero(p, 20)) return NULL;
    if (p[15] >= 2 && (get32(p + 20) < 36 || !sums_to_zero(p, 36))) return NULL;
    return p;
}

// The RSDP is on a 16-byte boundary in the first KiB of the EBDA or in 0xe0000..0xfffff.
static const uint8_t *find_rsdp(uint64_t hint) {
    const uint8_t *p = hint ? rsdp_at(hint) : NULL;
    if (p) return p;
    uint64_t ebda = (uint64_t)*(const uint16_t *)paddr_to_kva(0x40e) << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        for (uint64_t a = ebda; a < ebda + 1024; a += 16)
            if ((p = rsdp_at(a))) return p;
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
        if ((p = rsdp_at(a))) return p;
    return NULL;
}

// The system description table at pa, when its length and checksum hold (and signature, if
// asked); *len is its length.
static const uint8_t *table_at(uint64_t pa, const char *sig, uint32_t *len) {
    if (!readable(pa, SDT_HEADER)) return NULL;
    const uint8_t *t = paddr_to_kva(pa);
    *len = get32(t + 4);
    if (*len < SDT_HEADER || !readable(pa, *len) || !sums_to_zero(t, *len)) return NULL;
    if (sig && memcmp(t, sig, 4)) return NULL;
    return t;
}

static const uint8_t *find_madt(const uint8_t *rsdp, uint32_t *len) {
    // ACPI 2.0+ with an XSDT: 8-byte entries; otherwise the RSDT's 4-byte ones.
    bool x = rsdp[15] >= 2 && get64(rsdp + 24);
    uint32_t rlen;
    const uint8_t *root = x ? table_at(get64(rsdp + 24), "XSDT", &rlen)
                            : table_at(get32(rsdp + 16), "RSDT", &rlen);
    if (!root) return NULL;
    unsigned step = x ? 8 : 4;
    for (uint32_t off = SDT_HEADER; off + step <= rlen; off += step) {
        uint64_t pa = x ? get64(root + off) : get32(root + off);
        const uint8_t *t = table_at(pa, "APIC", len);
        if (t && *len >= MADT_ENTRIES) return t;
    }
    return NULL;
}

static bool listed(const uint32_t *ids, unsigned n, uint32_t id) {
    for (unsigned i = 0; i < n; i++)
        if (ids[i] == id) return true;
    return false;
}

unsigned x86_acpi_cpus(uint64_t rsdp_hint, uint32_t *ids, unsigned max,
                       struct x86_madt_skipped *skipped) {
    *skipped = (struct x86_madt_skipped){0, 0};
    const uint8_t *rsdp = find_rsdp(rsdp_hint);
    if (!rsdp) return 0;
    uint32_t len;
    const uint8_t *madt = find_madt(rsdp, &len);
    if (!madt) return 0;
    unsigned n = 0;
    for (uint32_t off = MADT_ENTRIES; off + 2 <= len;) {
        const uint8_t *e = madt + off;
        uint8_t type = e[0], elen = e[1];
        if (elen < 2 || off + elen > len) break;  // malformed: trust nothing after it
        off += elen;
        uint32_t id, flags;
        if (type == MADT_LAPIC && elen >= 8) {
            id = e[3];
            flags = get32(e + 4);
        } else if (type == MADT_X2APIC && elen >= 16) {
            id = get32(e + 4);
            flags = get32(e + 8);
        } else {
            continue;
        }
        if (listed(ids, n, id)) continue;  // an x2APIC entry repeating a local APIC one
        if (!(flags & MADT_ENABLED))
            skipped->disabled++;
        else if (id > XAPIC_MAX_ID || n == max)
            skipped->over++;
        else
            ids[n++] = id;
    }
    return n;
}
