# Kernel unit tests on the host (docs/host-tests.md): kernel/ (portable parts), objects/ and
# syscalls/ compiled with the host compiler against the test HAL (hal/testhal/), linked with
# the tests in tests/host/. Two binaries, both in HOST_TESTS:
#   $(BUILD)/host/kernel-unit-tests        -O2
#   $(BUILD)/host/kernel-unit-tests-asan   AddressSanitizer + UBSan
# Included by the top-level Makefile after syscalls/build.mk (it needs SYSCALLS_GEN_HDRS).

KUNIT_BIN      := $(BUILD)/host/kernel-unit-tests
KUNIT_ASAN_BIN := $(BUILD)/host/kernel-unit-tests-asan
KUNIT_DIR      := $(BUILD)/host/kunit

# The kernel under test. kernel/main.c (init levels, memcpy selection) and syscalls/userboot.c
# (the embedded userboot and vDSO images) are boot-only and stay out.
KUNIT_KERNEL_SRCS = kernel/pmm.c kernel/heap.c kernel/sched.c kernel/klog.c kernel/debug.c \
    kernel/user_copy.c kernel/chacha20.c kernel/cprng.c kernel/avl.c $(wildcard objects/*.c) \
    $(filter-out syscalls/userboot.c,$(wildcard syscalls/*.c))
KUNIT_TEST_SRCS = $(wildcard hal/testhal/*.c tests/host/*.c)
KUNIT_SRCS = $(KUNIT_KERNEL_SRCS) $(KUNIT_TEST_SRCS)

KUNIT_CFLAGS := -std=gnu11 -g -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter \
    -D_KERNEL -DZC_HOST_TEST -DZC_DEBUG -I. -Ihal/testhal -Iinclude -I$(GEN)/include -I$(GEN) -Ilibc-opt \
    -include tests/host/host_compat.h
KUNIT_OPT      := -O2
KUNIT_ASAN_OPT := -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
# Allocator entry points seen from outside the allocator (tests/host/heap_wrap.c).
KUNIT_WRAP   := kmalloc kzalloc kfree slab_alloc slab_free pmm_alloc pmm_free kernel_alloc_frame \
    kernel_free_frame
KUNIT_LDFLAGS := $(KUNIT_WRAP:%=-Wl,--wrap=%)

KUNIT_OBJS      = $(KUNIT_SRCS:%.c=$(KUNIT_DIR)/plain/%.o) $(KUNIT_DIR)/plain/gen/sys_table.o
KUNIT_ASAN_OBJS = $(KUNIT_SRCS:%.c=$(KUNIT_DIR)/asan/%.o) $(KUNIT_DIR)/asan/gen/sys_table.o

$(KUNIT_DIR)/plain/%.o: %.c | $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(KUNIT_CFLAGS) $(KUNIT_OPT) -MMD -MP -c $< -o $@
$(KUNIT_DIR)/asan/%.o: %.c | $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(KUNIT_CFLAGS) $(KUNIT_ASAN_OPT) -MMD -MP -c $< -o $@
$(KUNIT_DIR)/plain/gen/sys_table.o: $(SYSCALLS_TABLE_SRC) | $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(KUNIT_CFLAGS) $(KUNIT_OPT) -MMD -MP -c $< -o $@
$(KUNIT_DIR)/asan/gen/sys_table.o: $(SYSCALLS_TABLE_SRC) | $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(KUNIT_CFLAGS) $(KUNIT_ASAN_OPT) -MMD -MP -c $< -o $@

$(KUNIT_BIN): $(KUNIT_OBJS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $^ $(KUNIT_LDFLAGS)
	@echo "  HOSTLD  $@"
$(KUNIT_ASAN_BIN): $(KUNIT_ASAN_OBJS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -fsanitize=address,undefined -o $@ $^ $(KUNIT_LDFLAGS)
	@echo "  HOSTLD  $@"

HOST_TESTS += $(KUNIT_BIN) $(KUNIT_ASAN_BIN)

.PHONY: test-kernel-unit
# make test-kernel-unit [KUNIT_ARGS='--filter Vmar.']
test-kernel-unit: $(KUNIT_BIN) $(KUNIT_ASAN_BIN)
	$(Q)$(KUNIT_BIN) $(KUNIT_ARGS)
	$(Q)$(KUNIT_ASAN_BIN) $(KUNIT_ARGS)

-include $(wildcard $(KUNIT_DIR)/*/*.d $(KUNIT_DIR)/*/*/*.d $(KUNIT_DIR)/*/*/*/*.d)
