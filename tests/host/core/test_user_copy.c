// User copies (kernel/user_copy.c) with kernel/ alone: the fault handler the layer above
// registers (user_copy_set_fault_handler) resolves faults page by page and the copy retries.
#include <string.h>
#include <zircon/errors.h>

#include "kernel/pmm.h"
#include "kernel/user_copy.h"
#include "tests/host/ktest.h"

#define PAGE HAL_PAGE_SIZE
#define VA 0x0000000040000000ul  // user pages the handler maps on demand

static struct hal_aspace as;
static int faults, write_faults;
static paddr_t frames[8];
static int nframes;
static zx_status_t handler_status;

// Maps a fresh zeroed frame at the faulting page (the VM's part in the real kernel).
static zx_status_t map_on_fault(uintptr_t addr, unsigned fault_flags) {
    faults++;
    if (fault_flags & HAL_FAULT_WRITE) write_faults++;
    if (handler_status != ZX_OK) return handler_status;
    if (nframes == 8 || !pmm_alloc(0, &frames[nframes])) return ZX_ERR_NO_MEMORY;
    memset(paddr_to_kva(frames[nframes]), 0, PAGE);
    return hal_aspace_map(&as, addr & ~(PAGE - 1), frames[nframes++], HAL_MMU_READ | HAL_MMU_WRITE);
}

static bool setup(zx_status_t st) {
    faults = write_faults = nframes = 0;
    handler_status = st;
    if (hal_aspace_init(&as) != ZX_OK) return false;
    hal_aspace_activate(&as);
    return true;
}

static void teardown(void) {
    hal_aspace_unmap(&as, VA, 8 * PAGE, NULL, NULL);
    hal_aspace_activate(NULL);
    hal_aspace_destroy(&as);
    for (int i = 0; i < nframes; i++) pmm_free(frames[i], 0);
}

TEST(UserCopy, FaultWithNoHandlerIsInvalidArgs) {
    ASSERT_TRUE(setup(ZX_OK));
    uint8_t buf[16] = {0};
    EXPECT_STATUS(copy_from_user(buf, (user_in_ptr){VA}, sizeof(buf)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(copy_to_user((user_out_ptr){VA}, buf, sizeof(buf)), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(faults, 0);
    teardown();
}

TEST(UserCopy, RegisteredHandlerResolvesEachPageAndTheCopyRetries) {
    ASSERT_TRUE(setup(ZX_OK));
    user_copy_set_fault_handler(map_on_fault);
    static uint8_t out[3 * PAGE], in[3 * PAGE];
    for (size_t i = 0; i < sizeof(out); i++) out[i] = (uint8_t)(i * 7 + 1);
    // Starts mid-page: touches four pages, one fault each, every one a write.
    ASSERT_OK(copy_to_user((user_out_ptr){VA + 100}, out, sizeof(out)));
    EXPECT_EQ(faults, 4);
    EXPECT_EQ(write_faults, 4);
    ASSERT_OK(copy_from_user(in, (user_in_ptr){VA + 100}, sizeof(in)));
    EXPECT_EQ(faults, 4);  // all present now
    EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
    user_copy_set_fault_handler(NULL);
    teardown();
}

TEST(UserCopy, ReadFaultsAskForReadAccess) {
    ASSERT_TRUE(setup(ZX_OK));
    user_copy_set_fault_handler(map_on_fault);
    uint8_t buf[32];
    memset(buf, 0xee, sizeof(buf));
    ASSERT_OK(copy_from_user(buf, (user_in_ptr){VA + PAGE}, sizeof(buf)));
    EXPECT_EQ(faults, 1);
    EXPECT_EQ(write_faults, 0);
    EXPECT_EQ(buf[0], 0);  // a fresh zeroed page
    user_copy_set_fault_handler(NULL);
    teardown();
}

TEST(UserCopy, HandlerFailureIsInvalidArgs) {
    ASSERT_TRUE(setup(ZX_ERR_NOT_FOUND));
    user_copy_set_fault_handler(map_on_fault);
    uint8_t buf[8] = {0};
    EXPECT_STATUS(copy_to_user((user_out_ptr){VA}, buf, sizeof(buf)), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(faults, 1);  // no retry after a refusal
    user_copy_set_fault_handler(NULL);
    teardown();
}

// A valid buffer whose page cannot be provided for lack of memory: the copy says so (the
// callers pass it on as the call's ZX_ERR_NO_MEMORY), in both directions, without retrying.
TEST(UserCopy, HandlerOutOfMemoryIsNoMemory) {
    ASSERT_TRUE(setup(ZX_ERR_NO_MEMORY));
    user_copy_set_fault_handler(map_on_fault);
    uint8_t buf[8] = {0};
    EXPECT_STATUS(copy_to_user((user_out_ptr){VA}, buf, sizeof(buf)), ZX_ERR_NO_MEMORY);
    EXPECT_STATUS(copy_from_user(buf, (user_in_ptr){VA}, sizeof(buf)), ZX_ERR_NO_MEMORY);
    EXPECT_EQ(faults, 2);
    user_copy_set_fault_handler(NULL);
    teardown();
}

// ---- scatter/gather (copy_user_segs) ----

// Buffers in fresh pages, the kernel run given in two parts (two VMO chunks) split inside a
// buffer: each page faults once, the copy goes on from the piece that faulted, every byte lands
// in order, the position ends past the last buffer; a zero-length buffer with a bad address is
// passed over.
TEST(UserCopy, SegsFaultInEachPageAndGoOn) {
    ASSERT_TRUE(setup(ZX_OK));
    user_copy_set_fault_handler(map_on_fault);
    static uint8_t run[3 * PAGE], back[3 * PAGE];
    for (size_t i = 0; i < sizeof(run); i++) run[i] = (uint8_t)(i * 5 + 2);
    const struct hal_user_seg seg[] = {{VA + 10, 100},       {0xffffffff80000000ul, 0},  {VA + 200, 1},
                                       {VA + PAGE - 3, 2 * PAGE}, {VA + 3 * PAGE, 7},          {VA + 4 * PAGE - 50, 90}};
    size_t total = 0;
    for (size_t i = 0; i < sizeof(seg) / sizeof(seg[0]); i++) total += seg[i].len;
    struct hal_user_segs c = {.seg = seg};
    ASSERT_OK(copy_user_segs(&c, run, PAGE, true));  // ends inside seg[3]
    EXPECT_EQ(c.moved, (size_t)PAGE);
    EXPECT_TRUE(c.seg == &seg[3]);
    ASSERT_OK(copy_user_segs(&c, run + PAGE, total - PAGE, true));
    EXPECT_EQ(c.moved, total);
    EXPECT_TRUE(c.seg == &seg[6]);
    EXPECT_EQ(faults, 5);  // pages 0-4, each once
    EXPECT_EQ(write_faults, 5);
    struct hal_user_segs r = {.seg = seg};
    ASSERT_OK(copy_user_segs(&r, back, total, false));
    EXPECT_EQ(r.moved, total);
    EXPECT_EQ(faults, 5);
    EXPECT_EQ(memcmp(back, run, total), 0);
    user_copy_set_fault_handler(NULL);
    teardown();
}

// A buffer whose page cannot be had: ZX_ERR_NO_MEMORY passed through, or ZX_ERR_INVALID_ARGS
// for a refused one; the position stays at that buffer, moved counts the ones before it.
TEST(UserCopy, SegsStopAtTheBufferThatFails) {
    static const zx_status_t handler[] = {ZX_ERR_NO_MEMORY, ZX_ERR_NOT_FOUND};
    static const zx_status_t want[] = {ZX_ERR_NO_MEMORY, ZX_ERR_INVALID_ARGS};
    for (int i = 0; i < 2; i++) {
        ASSERT_TRUE(setup(handler[i]));
        user_copy_set_fault_handler(map_on_fault);
        uint8_t good[24], run[64] = {1, 2, 3};
        uintptr_t u = th_user_map(good, sizeof(good), TH_USER_R | TH_USER_W);
        const struct hal_user_seg seg[] = {{u, 8}, {u + 8, 16}, {VA + 40, 16}, {u, 24}};
        struct hal_user_segs c = {.seg = seg};
        EXPECT_STATUS(copy_user_segs(&c, run, 64, i == 0), want[i]);
        EXPECT_EQ(c.moved, 24u);
        EXPECT_TRUE(c.seg == &seg[2]);
        EXPECT_EQ(faults, 1);
        // Out of the user range: no fault asked for.
        const struct hal_user_seg high[] = {{u, 8}, {HAL_USER_END - 4, 8}};
        c = (struct hal_user_segs){.seg = high};
        EXPECT_STATUS(copy_user_segs(&c, run, 16, false), ZX_ERR_INVALID_ARGS);
        EXPECT_EQ(c.moved, 8u);
        EXPECT_EQ(faults, 1);
        user_copy_set_fault_handler(NULL);
        th_user_reset();
        teardown();
    }
}

TEST(UserCopy, NameCopyStopsAtTheFirstNulAndClearsTheRest) {
    char src[8] = {'a', 'b', 0, 'x', 'y', 'z', 'w', 'v'};
    uintptr_t u = th_user_map(src, sizeof(src), TH_USER_R);
    char name[6];
    memset(name, 'q', sizeof(name));
    ASSERT_OK(copy_name_from_user(name, sizeof(name), (user_in_ptr){u}, sizeof(src)));
    EXPECT_EQ(strcmp(name, "ab"), 0);
    for (size_t i = 2; i < sizeof(name); i++) EXPECT_EQ(name[i], 0);
    // A name without NUL is cut to max - 1 bytes.
    char full[4] = {'w', 'x', 'y', 'z'};
    u = th_user_map(full, sizeof(full), TH_USER_R);
    ASSERT_OK(copy_name_from_user(name, 3, (user_in_ptr){u}, sizeof(full)));
    EXPECT_EQ(strcmp(name, "wx"), 0);
    th_user_reset();
}
