# user/: crt, the user library, userboot, programs and in-guest test suites, and the bootfs.
# Included by the top Makefile after libc-opt/build.mk and syscalls/build.mk.
#
# Every program is a static position-independent ELF (ET_DYN linked at 0, relocating itself at
# start) by user/lib/user.ld, so one binary runs on every backend:
#   crt (user/crt) + the program's objects + the user library (an archive) + the generated
#   zx_* jump stubs and vDSO name table (syscalls/) + libc-opt.
# Output: $(BUILD)/user/<prog>.elf. Programs listed in BOOTFS_FILES land in the bootfs as
# bin/<prog> (the file name without .elf); userboot is embedded by the kernel instead.

-include user/vdso/build.mk

USER_CFLAGS := -O2 -g -std=c11 -ffreestanding -fno-stack-protector -fPIE \
	-fno-builtin-printf -Wall -Wextra -Werror \
	-I include -I $(GEN)/include -I $(GEN) -I . -I user/lib
USER_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,text -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack -T user/lib/user.ld

USER_OUT := $(BUILD)/user

# The generated user side of the syscall interface (syscalls/build.mk): the zx_* jump stubs
# through zc_vdso_table and the names crt resolves in the vDSO (USER_ZX_JUMP_SRCS).
USER_GEN_HEADERS := $(SYSCALLS_GEN_HDRS)
USER_STUB_OBJS := $(patsubst $(GEN)/user/%,$(USER_OUT)/gen/%.o,$(basename $(USER_ZX_JUMP_SRCS)))

USER_CRT_OBJS := $(USER_OUT)/crt/start.o
USER_LIB_SRCS := $(wildcard user/lib/*.c)
USER_LIB_OBJS := $(USER_LIB_SRCS:user/%.c=$(USER_OUT)/%.o)
USER_LIB := $(USER_OUT)/libzcuser.a
USER_LINK_DEPS := $(USER_CRT_OBJS) $(USER_LIB) $(USER_STUB_OBJS) user/lib/user.ld

$(USER_OUT)/%.o: user/%.c user/build.mk | $(USER_GEN_HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_OUT)/gen/%.o: $(GEN)/user/%.S user/build.mk | $(USER_GEN_HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@
$(USER_OUT)/gen/%.o: $(GEN)/user/%.c user/build.mk | $(USER_GEN_HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_LIB): $(USER_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcsD $@ $^

# $(call user_program,NAME,OBJECTS): links $(USER_OUT)/NAME.elf.
define user_program
$(USER_OUT)/$(1).elf: $(2) $(USER_LINK_DEPS) $(LIBC_OPT_USER_OBJS)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(USER_LDFLAGS) -o $$@ $(USER_CRT_OBJS) $(2) $(USER_LIB) $(USER_STUB_OBJS) \
		$$(LIBC_OPT_USER_OBJS) -lgcc
USER_PROGRAMS += $(USER_OUT)/$(1).elf
USER_DEPS += $(2:.o=.d)
endef

USER_PROGRAMS :=
USER_DEPS := $(USER_CRT_OBJS:.o=.d) $(USER_LIB_OBJS:.o=.d) $(USER_STUB_OBJS:.o=.d)

FOUNDATION_TEST_SRCS := $(wildcard user/tests/foundation/*.c)

$(eval $(call user_program,userboot,$(USER_OUT)/userboot/userboot.o))
$(eval $(call user_program,hello,$(USER_OUT)/bin/hello.o))
$(eval $(call user_program,cpus,$(USER_OUT)/bin/cpus.o))
$(eval $(call user_program,fault-child,$(USER_OUT)/tests/fault-child.o))
$(eval $(call user_program,foundation-test,$(FOUNDATION_TEST_SRCS:user/%.c=$(USER_OUT)/%.o)))

USERBOOT_ELF := $(USER_OUT)/userboot.elf
BOOTFS_FILES += $(USER_OUT)/hello.elf $(USER_OUT)/cpus.elf $(USER_OUT)/fault-child.elf $(USER_OUT)/foundation-test.elf
QEMU_SUITES += bin/foundation-test

# core-tests: the object-model conformance suite (user/tests/core, docs/core-tests.md).
CORE_TEST_SRCS := $(wildcard user/tests/core/*.c)
$(eval $(call user_program,core-tests,$(CORE_TEST_SRCS:user/%.c=$(USER_OUT)/%.o)))
BOOTFS_FILES += $(USER_OUT)/core-tests.elf
QEMU_SUITES += bin/core-tests

# core-tests-2: the object-model conformance suite, part 2 (user/tests/core2,
# docs/core-tests-2.md), and bin/leak-child, the victim of its kill-leak test.
CORE2_TEST_SRCS := $(filter-out user/tests/core2/leak_child.c,$(wildcard user/tests/core2/*.c))
$(eval $(call user_program,core-tests-2,$(CORE2_TEST_SRCS:user/%.c=$(USER_OUT)/%.o)))
$(eval $(call user_program,leak-child,$(USER_OUT)/tests/core2/leak_child.o $(USER_OUT)/tests/core2/util.o))
BOOTFS_FILES += $(USER_OUT)/core-tests-2.elf $(USER_OUT)/leak-child.elf
QEMU_SUITES += bin/core-tests-2
# smp-stress: races between CPUs (user/tests/smp, docs/smp.md), with core-tests-2's helpers.
SMP_STRESS_OBJS := $(patsubst user/%.c,$(USER_OUT)/%.o,$(wildcard user/tests/smp/*.c) \
	user/tests/core2/util.c user/tests/core2/asm.c)
$(eval $(call user_program,smp-stress,$(SMP_STRESS_OBJS)))
BOOTFS_FILES += $(USER_OUT)/smp-stress.elf
QEMU_SUITES += bin/smp-stress
# hostile-tests: every kernel syscall with hostile handles and pointers (user/tests/hostile,
# docs/hostile.md); its case table is generated from syscalls.def.
HOSTILE_GEN := $(GEN)/user/hostile_table.c $(GEN)/user/hostile_tests.c
$(GEN)/user/hostile_tests.c: $(GEN)/user/hostile_table.c
$(GEN)/user/hostile_table.c: syscalls/syscalls.def user/tests/hostile/gen_hostile.py \
		syscalls/gen_syscalls.py
	@mkdir -p $(@D)
	$(Q)$(PY) user/tests/hostile/gen_hostile.py syscalls/syscalls.def $@ $(GEN)/user/hostile_tests.c
$(USER_OUT)/gen/hostile_%.o: $(GEN)/user/hostile_%.c user/tests/hostile/hostile.h user/build.mk | $(USER_GEN_HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@
HOSTILE_TABLE_OBJ := $(USER_OUT)/gen/hostile_table.o
$(eval $(call user_program,hostile-tests,$(USER_OUT)/tests/hostile/hostile.o $(HOSTILE_TABLE_OBJ) $(USER_OUT)/gen/hostile_tests.o))
BOOTFS_FILES += $(USER_OUT)/hostile-tests.elf
QEMU_SUITES += bin/hostile-tests

# The in-guest fuzzer: bin/fuzz-guest runs bin/fuzz-child seed after seed (user/tests/fuzz).
# make test runs a bounded run (FUZZ_TEST_ARGS); make fuzz-guest SECONDS=N a longer one.
# bin/fuzz-hosted is the in-guest half of the libFuzzer target zc-hosted-fuzz (hal/hosted/fuzz).
$(eval $(call user_program,fuzz-guest,$(USER_OUT)/tests/fuzz/fuzz.o $(USER_OUT)/tests/fuzz/fuzz_run.o))
$(eval $(call user_program,fuzz-child,$(USER_OUT)/tests/fuzz/fuzz_child.o $(HOSTILE_TABLE_OBJ)))
$(eval $(call user_program,fuzz-hosted,$(USER_OUT)/tests/fuzz/fuzz_hosted.o $(USER_OUT)/tests/fuzz/fuzz_run.o))
BOOTFS_FILES += $(USER_OUT)/fuzz-guest.elf $(USER_OUT)/fuzz-child.elf $(USER_OUT)/fuzz-hosted.elf
QEMU_SUITES += bin/fuzz-guest

ALL_TARGETS += $(USER_PROGRAMS) $(BUILD)/bootfs.cpio

# The bootfs: a cpio "newc" archive of $(BUILD)/bootfs/, which holds bin/<name> for every
# file of BOOTFS_FILES (name = file name without .elf). Fragments included after this one
# may still append to BOOTFS_FILES (second expansion). Reproducible: sorted names, fixed
# modes, owner and times; the copies are stripped ($(BUILD)/user/*.elf keep their symbols).
.SECONDEXPANSION:
$(BUILD)/bootfs.cpio: $$(BOOTFS_FILES) user/build.mk
	@mkdir -p $(@D)
	$(Q)rm -rf $(BUILD)/bootfs && mkdir -p $(BUILD)/bootfs/bin
	$(Q)for f in $(BOOTFS_FILES); do \
		install -s -m 0755 $$f $(BUILD)/bootfs/bin/$$(basename $$f .elf) || exit 1; \
	done
	$(Q)find $(BUILD)/bootfs -type d -exec chmod 0755 {} + && \
		find $(BUILD)/bootfs -exec touch -h -d @0 {} +
	$(Q)cd $(BUILD)/bootfs && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | \
		cpio -o -H newc --reproducible --owner=0:0 --quiet > $(abspath $@).tmp && \
		mv $(abspath $@).tmp $(abspath $@)

-include $(USER_DEPS)
