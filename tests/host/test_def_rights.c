// The rights a syscall checks come from syscalls/syscalls.def, nowhere else. This file is built
// twice: into kernel-unit-tests against the def as it is, and into kernel-unit-tests-defedit,
// whose syscall layer is compiled from a copy of the def with one right edited out
// (tests/host/build.mk: vmo_read's handle<vmo:READ> becomes handle<vmo>; -DZC_DEF_EDITED).
// The same calls must then get different answers.
#include <zircon/rights.h>

#include "objects/vmo.h"
#include "syscalls/numbers.h"
#include "tests/host/kt_env.h"

#define PAGE HAL_PAGE_SIZE

static void run_calls(struct th_prog *p, struct hal_uctx *u) { th_calls_step(p, u); }

// zx_vmo_read with a VMO handle holding every default right but READ, then with all of them;
// the statuses of both calls.
static void vmo_read_without_read(zx_status_t *without, zx_status_t *with) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "def-rights"));
    struct vmo *v;
    ASSERT_OK(vmo_create(PAGE, 0, &v));
    zx_handle_t weak = kt_proc_handle(&kp, &v->obj, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_READ);
    zx_handle_t full = kt_proc_handle(&kp, &v->obj, ZX_DEFAULT_VMO_RIGHTS);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    ASSERT_NE(full, ZX_HANDLE_INVALID);
    uintptr_t buf = th_user_alloc(16);
    const struct th_call calls[] = {
        {ZX_SYS_vmo_read, {weak, buf, 0, 16}},
        {ZX_SYS_vmo_read, {full, buf, 0, 16}},
    };
    struct th_calls c = {calls, 2, ZX_SYS_thread_exit};
    ASSERT_OK(kt_proc_start(&kp, run_calls, &c));
    kt_run(false);
    ASSERT_TRUE(kp.prog.returned[0]);
    ASSERT_TRUE(kp.prog.returned[1]);
    *without = (zx_status_t)kp.prog.ret[0];
    *with = (zx_status_t)kp.prog.ret[1];
    kobj_unref(&v->obj);
    kt_proc_destroy(&kp);
}

#ifndef ZC_DEF_EDITED

// syscall vmo_read(handle<vmo:READ> handle, ...): the handle must hold ZX_RIGHT_READ.
TEST(DefRights, VmoReadNeedsReadAsTheDefSays) {
    zx_status_t without = ZX_ERR_INTERNAL, with = ZX_ERR_INTERNAL;
    vmo_read_without_read(&without, &with);
    EXPECT_STATUS(without, ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(with);
}

#else

// The edited def says handle<vmo>: the very same call now succeeds without the right, and
// nothing else about vmo_read changed.
TEST(DefRights, VmoReadFollowsTheEditedDef) {
    zx_status_t without = ZX_ERR_INTERNAL, with = ZX_ERR_INTERNAL;
    vmo_read_without_read(&without, &with);
    EXPECT_OK(without);
    EXPECT_OK(with);
}

#endif
