// VMO signals: ZX_VMO_ZERO_CHILDREN (kernel-owned) and the user signals.
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "util.h"
#include "zctest.h"

TEST(VmoSignalTestCase, InitialState) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_EQ(signals_now(vmo), ZX_VMO_ZERO_CHILDREN);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoSignalTestCase, UserSignals) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_OK(zx_object_signal(vmo, 0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7));
    EXPECT_EQ(signals_now(vmo), ZX_VMO_ZERO_CHILDREN | ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7);
    EXPECT_OK(zx_object_signal(vmo, ZX_USER_SIGNAL_0, 0));
    EXPECT_EQ(signals_now(vmo), ZX_VMO_ZERO_CHILDREN | ZX_USER_SIGNAL_7);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST(VmoSignalTestCase, KernelSignalNotSettable) {
    // zx_object_signal: "ZX_ERR_INVALID_ARGS clear_mask or set_mask contain bits that are not
    // allowed" -- only the user signals are.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_STATUS(zx_object_signal(vmo, ZX_VMO_ZERO_CHILDREN, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(vmo, 0, ZX_VMO_ZERO_CHILDREN | ZX_USER_SIGNAL_1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_now(vmo), ZX_VMO_ZERO_CHILDREN);  // the failed call changed nothing
    EXPECT_OK(zx_handle_close(vmo));
}

#if defined(ZX_SYS_vmo_create_child)

struct zc_waiter {
    zx_handle_t vmo;
    volatile int about_to_wait;
    zx_status_t status;
    zx_signals_t observed;
};

static void wait_zero_children_fn(void *arg) {
    struct zc_waiter *w = arg;
    __atomic_store_n(&w->about_to_wait, 1, __ATOMIC_RELEASE);
    w->status = zx_object_wait_one(w->vmo, ZX_VMO_ZERO_CHILDREN, zx_deadline_after(ZX_SEC(5)),
                                   &w->observed);
}

TEST(VmoSignalTestCase, ClosingLastChildWakesWaiter) {
    struct zc_waiter w = {.status = 1};
    zx_handle_t child;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &w.vmo));
    ASSERT_OK(zx_vmo_create_child(w.vmo, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, &child));
    struct core_thread t;
    ASSERT_OK(core_thread_start(&t, "zero-children", wait_zero_children_fn, &w));
    wait_until_blocked(&w.about_to_wait);
    EXPECT_EQ(w.status, 1);
    EXPECT_OK(zx_handle_close(child));
    EXPECT_OK(core_thread_join(&t));
    EXPECT_OK(w.status);
    EXPECT_TRUE(w.observed & ZX_VMO_ZERO_CHILDREN);
    EXPECT_OK(zx_handle_close(w.vmo));
}

#if defined(ZX_SYS_port_create) && defined(ZX_SYS_object_wait_async)

TEST(VmoSignalTestCase, ZeroChildrenOnPort) {
    zx_handle_t vmo, child, port;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE, &child));
    ASSERT_OK(zx_object_wait_async(vmo, port, 77, ZX_VMO_ZERO_CHILDREN, 0));
    zx_port_packet_t pkt;
    EXPECT_STATUS(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(child));
    ASSERT_OK(zx_port_wait(port, zx_deadline_after(ZX_SEC(1)), &pkt));
    EXPECT_EQ(pkt.key, 77);
    EXPECT_EQ(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
    EXPECT_EQ(pkt.signal.trigger, ZX_VMO_ZERO_CHILDREN);
    EXPECT_TRUE(pkt.signal.observed & ZX_VMO_ZERO_CHILDREN);
    EXPECT_OK(zx_handle_close(port));
    EXPECT_OK(zx_handle_close(vmo));
}

#endif  // ZX_SYS_port_create && ZX_SYS_object_wait_async

#endif  // ZX_SYS_vmo_create_child
