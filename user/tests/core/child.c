// The helper process of the fault tests (`bin/core-tests --child CASE`): it does one thing that
// must kill it with ZX_TASK_RETCODE_EXCEPTION_KILL (and nothing else). If it survives it says so
// and exits with CHILD_SURVIVED; `touch-mapped` is the control case and exits with CHILD_OK.
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zcrt.h"

#define CHILD_SURVIVED 0
#define CHILD_OK 42
#define CHILD_SETUP_FAILED 3

static volatile uint8_t *map_pages(zx_vm_option_t perms, size_t vmo_pages, size_t map_pages,
                                   zx_vm_option_t extra) {
    zx_handle_t vmo;
    zx_vaddr_t addr = 0;
    if (zx_vmo_create(vmo_pages * PAGE, 0, &vmo) != ZX_OK)
        return NULL;
    zx_status_t st =
        zx_vmar_map(zx_vmar_root_self(), perms | extra, 0, vmo, 0, map_pages * PAGE, &addr);
    zx_handle_close(vmo);
    return st == ZX_OK ? (volatile uint8_t *)addr : NULL;
}

static int run_case(const char *what) {
    const zx_vm_option_t rw = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE;
    if (strcmp(what, "touch-mapped") == 0) {
        volatile uint8_t *p = map_pages(rw, 4, 4, 0);
        if (!p)
            return CHILD_SETUP_FAILED;
        for (size_t i = 0; i < 4; i++)
            p[i * PAGE] = (uint8_t)i;
        return p[3 * PAGE] == 3 ? CHILD_OK : CHILD_SETUP_FAILED;
    }
    if (strcmp(what, "read-unmapped") == 0) {
        (void)*(volatile uint8_t *)UNMAPPED_PTR;
    } else if (strcmp(what, "read-vmar-hole") == 0) {
        // Inside an allocated sub-VMAR that has no mapping.
        zx_handle_t vmar;
        zx_vaddr_t addr;
        if (zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE, 0,
                             4 * PAGE, &vmar, &addr) != ZX_OK)
            return CHILD_SETUP_FAILED;
        (void)*(volatile uint8_t *)(addr + PAGE);
    } else if (strcmp(what, "write-read-only") == 0) {
        volatile uint8_t *p = map_pages(ZX_VM_PERM_READ, 1, 1, 0);
        if (!p)
            return CHILD_SETUP_FAILED;
        (void)p[0];
        p[0] = 1;
    } else if (strcmp(what, "read-after-unmap") == 0) {
        volatile uint8_t *p = map_pages(rw, 2, 2, 0);
        if (!p)
            return CHILD_SETUP_FAILED;
        p[PAGE] = 1;
        if (zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)p, 2 * PAGE) != ZX_OK)
            return CHILD_SETUP_FAILED;
        (void)p[PAGE];
    } else if (strcmp(what, "write-after-protect") == 0) {
        volatile uint8_t *p = map_pages(rw, 1, 1, 0);
        if (!p)
            return CHILD_SETUP_FAILED;
        p[0] = 1;
        if (zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, (zx_vaddr_t)p, PAGE) != ZX_OK)
            return CHILD_SETUP_FAILED;
        if (p[0] != 1)
            return CHILD_SETUP_FAILED;
        p[0] = 2;
    } else if (strcmp(what, "exec-no-exec") == 0) {
        volatile uint8_t *p = map_pages(rw, 1, 1, 0);
        if (!p)
            return CHILD_SETUP_FAILED;
        p[0] = 0xc3;  // ret
        ((void (*)(void))(uintptr_t)p)();
    } else if (strcmp(what, "read-past-vmo-end") == 0) {
        // A 2-page mapping of a 1-page VMO: the second page has nothing behind it.
        volatile uint8_t *p = map_pages(rw, 1, 2, ZX_VM_ALLOW_FAULTS);
        if (!p)
            return CHILD_SETUP_FAILED;
        p[0] = 1;
        (void)p[PAGE];
    } else if (strcmp(what, "write-destroyed-vmar") == 0) {
        zx_handle_t vmar, vmo;
        zx_vaddr_t base, addr;
        if (zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE, 0,
                             4 * PAGE, &vmar, &base) != ZX_OK ||
            zx_vmo_create(PAGE, 0, &vmo) != ZX_OK ||
            zx_vmar_map(vmar, rw, 0, vmo, 0, PAGE, &addr) != ZX_OK)
            return CHILD_SETUP_FAILED;
        *(volatile uint8_t *)addr = 1;
        if (zx_vmar_destroy(vmar) != ZX_OK)
            return CHILD_SETUP_FAILED;
        *(volatile uint8_t *)addr = 2;
    } else {
        printf("core-child: unknown case '%s'\n", what);
        return CHILD_SETUP_FAILED;
    }
    printf("core-child: survived %s\n", what);
    return CHILD_SURVIVED;
}

int core_child_main(const char *child_case) {
    printf("core-child: %s\n", child_case);
    zc_stdout_flush();
    return run_case(child_case);
}
