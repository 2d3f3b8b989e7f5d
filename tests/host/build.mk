# Kernel unit tests on the host (docs/host-tests.md): kernel/ (portable parts), objects/ and
# syscalls/ compiled with the host compiler against the test HAL (hal/testhal/), linked with
# the tests in tests/host/ (kernel/ alone with those of tests/host/core/: below). Two binaries,
# both in HOST_TESTS:
#   $(BUILD)/host/kernel-unit-tests        -O2
#   $(BUILD)/host/kernel-unit-tests-asan   AddressSanitizer + UBSan
# Included by the top-level Makefile after syscalls/build.mk (it needs SYSCALLS_GEN_HDRS).

KUNIT_BIN      := $(BUILD)/host/kernel-unit-tests
KUNIT_ASAN_BIN := $(BUILD)/host/kernel-unit-tests-asan
KUNIT_DIR      := $(BUILD)/host/kunit

# The kernel under test. kernel/main.c (init levels, memcpy selection) and syscalls/userboot.c
# (the embedded userboot and vDSO images) are boot-only and stay out.
KUNIT_KERNEL_SRCS = kernel/pmm.c kernel/heap.c kernel/sched.c kernel/wait.c kernel/klog.c kernel/debug.c \
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

# kernel/ alone: every kernel/*.c (kernel/main.c and its init levels included) with the test
# HAL, the runner and the tests of tests/host/core/, and nothing of objects/ or syscalls/, so
# that the link itself (an executable: an undefined symbol fails it) proves kernel/ calls
# nothing above it. kernel/main.c's memcpy selection links libc-opt's host objects; the
# init-level table gets its start and end symbols from tests/host/core/kinit.ld.
#   $(BUILD)/host/kernel-core-tests        -O2
#   $(BUILD)/host/kernel-core-tests-asan   AddressSanitizer + UBSan
KCORE_BIN      := $(BUILD)/host/kernel-core-tests
KCORE_ASAN_BIN := $(BUILD)/host/kernel-core-tests-asan
KCORE_SRCS = $(wildcard kernel/*.c) hal/testhal/testhal.c tests/host/ktest.c tests/host/heap_wrap.c \
    $(wildcard tests/host/core/*.c)
KCORE_LD   := tests/host/core/kinit.ld
KCORE_LDFLAGS = $(KUNIT_LDFLAGS) -Wl,-T,$(KCORE_LD)

$(KCORE_BIN): $(KCORE_SRCS:%.c=$(KUNIT_DIR)/plain/%.o) $(LIBC_OPT_HOST_OBJS) $(KCORE_LD)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $(filter %.o,$^) $(KCORE_LDFLAGS)
	@echo "  HOSTLD  $@"
$(KCORE_ASAN_BIN): $(KCORE_SRCS:%.c=$(KUNIT_DIR)/asan/%.o) $(LIBC_OPT_HOST_OBJS) $(KCORE_LD)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -fsanitize=address,undefined -o $@ $(filter %.o,$^) $(KCORE_LDFLAGS)
	@echo "  HOSTLD  $@"

HOST_TESTS += $(KCORE_BIN) $(KCORE_ASAN_BIN)

.PHONY: test-kernel-unit
# make test-kernel-unit [KUNIT_ARGS='--filter Vmar.']
test-kernel-unit: $(KUNIT_BIN) $(KUNIT_ASAN_BIN) $(KCORE_BIN) $(KCORE_ASAN_BIN)
	$(Q)$(KUNIT_BIN) $(KUNIT_ARGS)
	$(Q)$(KUNIT_ASAN_BIN) $(KUNIT_ARGS)
	$(Q)$(KCORE_BIN) $(KUNIT_ARGS)
	$(Q)$(KCORE_ASAN_BIN) $(KUNIT_ARGS)

-include $(wildcard $(KUNIT_DIR)/*/*.d $(KUNIT_DIR)/*/*/*.d $(KUNIT_DIR)/*/*/*/*.d $(KUNIT_DIR)/*/*/*/*/*.d)

# ---- kernel-unit-tests-defedit: the def decides (tests/host/test_def_rights.c) ----
# The syscall layer compiled from a copy of syscalls.def with one right edited out (vmo_read's
# handle<vmo:READ> becomes handle<vmo>), linked with the kernel, objects and test framework
# objects of kernel-unit-tests: only the DefRights tests, which expect the edited behaviour
# under -DZC_DEF_EDITED. The edit must apply, or the build stops.
KDEF_DIR  := $(BUILD)/host/defedit
KDEF_DEF  := $(KDEF_DIR)/syscalls.def
KDEF_GEN  := $(KDEF_DIR)/gen
KDEF_BIN  := $(BUILD)/host/kernel-unit-tests-defedit
KDEF_FROM := syscall vmo_read(handle<vmo:READ> handle,
KDEF_TO   := syscall vmo_read(handle<vmo> handle,
KDEF_STAMP := $(KDEF_DIR)/.gen-stamp
KDEF_CFLAGS = $(filter-out -I$(GEN)/include -I$(GEN),$(KUNIT_CFLAGS)) -I$(KDEF_GEN)/include -I$(KDEF_GEN) \
    -DZC_DEF_EDITED $(KUNIT_OPT)

KDEF_SYSCALL_SRCS = $(filter syscalls/%,$(KUNIT_KERNEL_SRCS)) tests/host/test_def_rights.c
KDEF_SHARED_SRCS = $(filter-out syscalls/%,$(KUNIT_KERNEL_SRCS)) $(wildcard hal/testhal/*.c) \
    tests/host/ktest.c tests/host/kt_env.c tests/host/kt_vm.c tests/host/heap_wrap.c
KDEF_OBJS = $(KDEF_SYSCALL_SRCS:%.c=$(KDEF_DIR)/obj/%.o) $(KDEF_DIR)/obj/gen/sys_table.o \
    $(KDEF_SHARED_SRCS:%.c=$(KUNIT_DIR)/plain/%.o)

$(KDEF_DEF): $(SYSCALLS_DEF)
	@mkdir -p $(@D)
	$(Q)grep -qF '$(KDEF_FROM)' $< || { echo "$@: '$(KDEF_FROM)' is not in $<"; exit 1; }
	$(Q)sed 's/$(subst [,\[,$(KDEF_FROM))/$(KDEF_TO)/' $< > $@
$(KDEF_STAMP): $(KDEF_DEF) $(SYSCALLS_GEN_PY)
	$(Q)$(PY) $(SYSCALLS_GEN_PY) $< $(KDEF_GEN) >/dev/null
	@touch $@
$(KDEF_DIR)/obj/%.o: %.c $(KDEF_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(KDEF_CFLAGS) -MMD -MP -c $< -o $@
$(KDEF_DIR)/obj/gen/sys_table.o: $(KDEF_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(KDEF_CFLAGS) -MMD -MP -c $(KDEF_GEN)/syscalls/sys_table.c -o $@
$(KDEF_BIN): $(KDEF_OBJS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $^ $(KUNIT_LDFLAGS)
	@echo "  HOSTLD  $@"

HOST_TESTS += $(KDEF_BIN)

-include $(wildcard $(KDEF_DIR)/obj/*/*.d $(KDEF_DIR)/obj/*/*/*.d)
