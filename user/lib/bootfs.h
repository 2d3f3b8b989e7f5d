// zc user library: read-only access to the bootfs, a cpio archive ("newc" format) in a VMO.
#ifndef ZC_USER_BOOTFS_H
#define ZC_USER_BOOTFS_H

#include <stddef.h>
#include <zircon/types.h>

struct bootfs {
    const unsigned char *base;  // the archive, mapped read-only
    size_t size;                // bytes mapped (the VMO's size)
};

// Maps `vmo` (borrowed: the caller keeps and may close it) read-only into this process.
// ZX_ERR_* from zx_vmo_get_size / zx_vmar_map.
zx_status_t bootfs_open(zx_handle_t vmo, struct bootfs *out) __attribute__((warn_unused_result));

// Unmaps the archive.
void bootfs_close(struct bootfs *bfs);

// Finds a regular file by path ("bin/hello"; leading "/" or "./" ignored). On success points
// *data/*size at its bytes inside the mapping. ZX_ERR_NOT_FOUND when absent,
// ZX_ERR_IO_DATA_INTEGRITY when the archive is malformed before the file is reached.
zx_status_t bootfs_find(const struct bootfs *bfs, const char *path, const void **data,
                        size_t *size) __attribute__((warn_unused_result));

// Calls fn for each regular file of the archive, in archive order.
void bootfs_for_each(const struct bootfs *bfs,
                     void (*fn)(void *ctx, const char *path, const void *data, size_t size),
                     void *ctx);

#endif
