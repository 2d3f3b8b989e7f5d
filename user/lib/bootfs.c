// zc user library: the bootfs reader (cpio "newc": magic 070701 or 070702).
//
// Each entry: a 110-byte ASCII header (magic + 13 eight-digit hex fields), the NUL-terminated
// name padded so header+name is a multiple of 4, the data padded to a multiple of 4.
// The archive ends with the entry "TRAILER!!!".
#include "bootfs.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "zcrt.h"

#define NEWC_HDR_SIZE 110u
#define NEWC_FIELD_MODE 1
#define NEWC_FIELD_FILESIZE 6
#define NEWC_FIELD_NAMESIZE 11
#define MODE_TYPE_MASK 0170000u
#define MODE_REGULAR 0100000u

zx_status_t bootfs_open(zx_handle_t vmo, struct bootfs *out) {
    uint64_t size;
    zx_status_t st = zx_vmo_get_size(vmo, &size);
    if (st != ZX_OK)
        return st;
    if (size == 0)
        return ZX_ERR_IO_DATA_INTEGRITY;
    zx_vaddr_t addr;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, size, &addr);
    if (st != ZX_OK)
        return st;
    out->base = (const unsigned char *)addr;
    out->size = size;
    return ZX_OK;
}

void bootfs_close(struct bootfs *bfs) {
    if (bfs->base)
        zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)bfs->base, bfs->size);
    bfs->base = NULL;
    bfs->size = 0;
}

static bool hex_field(const unsigned char *hdr, int index, uint32_t *out) {
    const unsigned char *f = hdr + 6 + 8 * index;
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned char c = f[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

static size_t align4(size_t v) { return (v + 3) & ~(size_t)3; }

// Strips the leading "/" and "./" an archiver may put before names.
static const char *normalize(const char *p) {
    for (;;) {
        if (p[0] == '/')
            p++;
        else if (p[0] == '.' && p[1] == '/')
            p += 2;
        else
            return p;
    }
}

struct entry {
    const char *name;
    const void *data;
    size_t size;
    uint32_t mode;
};

// Decodes the entry at *off and advances *off past it. Returns ZX_OK, ZX_ERR_STOP at the
// trailer (or a clean end of the mapping), ZX_ERR_IO_DATA_INTEGRITY when malformed.
static zx_status_t next_entry(const struct bootfs *bfs, size_t *off, struct entry *e) {
    size_t pos = *off;
    if (pos >= bfs->size || bfs->size - pos < NEWC_HDR_SIZE)
        return ZX_ERR_STOP;
    const unsigned char *h = bfs->base + pos;
    if (h[0] == 0)
        return ZX_ERR_STOP;  // zero padding after the archive
    if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
        return ZX_ERR_IO_DATA_INTEGRITY;
    uint32_t mode, filesize, namesize;
    if (!hex_field(h, NEWC_FIELD_MODE, &mode) || !hex_field(h, NEWC_FIELD_FILESIZE, &filesize) ||
        !hex_field(h, NEWC_FIELD_NAMESIZE, &namesize) || namesize == 0)
        return ZX_ERR_IO_DATA_INTEGRITY;
    size_t name_off = pos + NEWC_HDR_SIZE;
    if (namesize > bfs->size - name_off)
        return ZX_ERR_IO_DATA_INTEGRITY;
    const char *name = (const char *)bfs->base + name_off;
    if (name[namesize - 1] != '\0')
        return ZX_ERR_IO_DATA_INTEGRITY;
    size_t data_off = align4(name_off + namesize);
    if (data_off > bfs->size || filesize > bfs->size - data_off)
        return ZX_ERR_IO_DATA_INTEGRITY;
    if (strcmp(name, "TRAILER!!!") == 0)
        return ZX_ERR_STOP;
    *e = (struct entry){
        .name = normalize(name),
        .data = bfs->base + data_off,
        .size = filesize,
        .mode = mode,
    };
    *off = align4(data_off + filesize);
    return ZX_OK;
}

zx_status_t bootfs_find(const struct bootfs *bfs, const char *path, const void **data,
                        size_t *size) {
    path = normalize(path);
    size_t off = 0;
    struct entry e;
    zx_status_t st;
    while ((st = next_entry(bfs, &off, &e)) == ZX_OK) {
        if ((e.mode & MODE_TYPE_MASK) == MODE_REGULAR && strcmp(e.name, path) == 0) {
            *data = e.data;
            *size = e.size;
            return ZX_OK;
        }
    }
    return st == ZX_ERR_STOP ? ZX_ERR_NOT_FOUND : st;
}

void bootfs_for_each(const struct bootfs *bfs,
                     void (*fn)(void *ctx, const char *path, const void *data, size_t size),
                     void *ctx) {
    size_t off = 0;
    struct entry e;
    while (next_entry(bfs, &off, &e) == ZX_OK) {
        if ((e.mode & MODE_TYPE_MASK) == MODE_REGULAR)
            fn(ctx, e.name, e.data, e.size);
    }
}
