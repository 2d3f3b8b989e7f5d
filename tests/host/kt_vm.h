// Helpers for VM tests: an address space of its own, and a coherence check of the fake MMU
// against the VMOs.
#ifndef ZC_TESTS_HOST_KT_VM_H
#define ZC_TESTS_HOST_KT_VM_H

#include "objects/vmar.h"
#include "objects/vmo.h"
#include "tests/host/ktest.h"

#define KT_RW (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)
#define KT_ROOT_RIGHTS(as) vmar_rights_for((as)->root->flags)

// Every page the fake MMU maps for a mapping of `as` must be the page the VMO shows there
// (the same frame), and writable only if the VMO owns it. Fails the test at file:line for
// each page that is not; returns how many.
int kt_vm_check_coherent(struct vm_aspace *as, const char *file, int line);
#define EXPECT_VM_COHERENT(as) kt_vm_check_coherent((as), __FILE__, __LINE__)

// Maps v whole (read+write) into as's root; returns the address (0 on failure, test failed).
uintptr_t kt_map(struct vm_aspace *as, struct vmo *v, zx_vm_option_t extra);

// The fake MMU's frame at va, or 0.
paddr_t kt_pte(struct vm_aspace *as, uintptr_t va, unsigned *flags);

// Destroys the address space (as a dying process does) and drops the creation reference.
void kt_aspace_destroy(struct vm_aspace *as);

#endif
