# The kernel image: hal/x86_64 + kernel/ + objects/ + syscalls/ + libc-opt, with userboot and
# the vDSO embedded.
KERNEL_ELF := $(BUILD)/kernel/zc.elf
GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
KERNEL_CFLAGS = -std=gnu11 -O2 -g -flto=auto -D_KERNEL -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
    -mno-red-zone -mcmodel=kernel -mno-sse -mno-mmx -mno-80387 -fno-pic -fno-pie \
    -fno-stack-protector -fomit-frame-pointer -fno-asynchronous-unwind-tables \
    -Wall -Wextra -Werror -Wno-unused-parameter \
    -I. -Ihal/x86_64 -Ikernel/libc -Ilibc-opt -Iinclude -I$(GEN)/include -I$(GEN)

KERNEL_C_SRCS := $(wildcard hal/x86_64/*.c kernel/*.c objects/*.c syscalls/*.c)
KERNEL_S_SRCS := $(wildcard hal/x86_64/*.S)
KERNEL_OBJS := $(KERNEL_C_SRCS:%.c=$(BUILD)/kernel/%.o) $(KERNEL_S_SRCS:%.S=$(BUILD)/kernel/%.o) \
    $(BUILD)/kernel/gen/sys_table.o $(BUILD)/kernel/embed.o

# Flags live here: objects are rebuilt when they change.
$(KERNEL_OBJS) $(LIBC_OPT_KERNEL_OBJS): kernel/build.mk

# Generated headers must exist before any kernel file compiles.
$(KERNEL_C_SRCS:%.c=$(BUILD)/kernel/%.o): | $(SYSCALLS_GEN_HDRS)

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@
# The decoders include syscalls/priv.h (the lookups and consume_handle inline object layouts):
# -MMD, so a changed header rebuilds them too.
$(BUILD)/kernel/gen/sys_table.o: $(SYSCALLS_TABLE_SRC) $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/kernel/embed.o: kernel/embed.S $(USERBOOT_ELF) $(VDSO_SO)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DUSERBOOT_PATH='"$(USERBOOT_ELF)"' -DVDSO_PATH='"$(VDSO_SO)"' -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) $(LIBC_OPT_KERNEL_OBJS) hal/x86_64/kernel.ld
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -nostdlib -static -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
	    -Wl,--build-id=none -T hal/x86_64/kernel.ld -o $@ $(KERNEL_OBJS) $(LIBC_OPT_KERNEL_OBJS)
	@echo "  KERNEL  $@"

ALL_TARGETS += $(KERNEL_ELF)
-include $(KERNEL_OBJS:.o=.d)

# The same kernel with its debug assertions (ZC_DEBUG: DEBUG_ASSERT, spin_assert_held): make
# test runs the SMP stress suite on it (tests/harness/test_smp.py).
KERNEL_DEBUG_ELF := $(BUILD)/kernel-debug/zc.elf
KERNEL_DEBUG_OBJS := $(KERNEL_OBJS:$(BUILD)/kernel/%=$(BUILD)/kernel-debug/%)
$(KERNEL_DEBUG_OBJS): kernel/build.mk
$(KERNEL_C_SRCS:%.c=$(BUILD)/kernel-debug/%.o): | $(SYSCALLS_GEN_HDRS)
$(BUILD)/kernel-debug/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DZC_DEBUG -MMD -MP -c $< -o $@
$(BUILD)/kernel-debug/%.o: %.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DZC_DEBUG -MMD -MP -c $< -o $@
$(BUILD)/kernel-debug/gen/sys_table.o: $(SYSCALLS_TABLE_SRC) $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DZC_DEBUG -MMD -MP -c $< -o $@
$(BUILD)/kernel-debug/embed.o: $(BUILD)/kernel/embed.o
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(KERNEL_DEBUG_ELF): $(KERNEL_DEBUG_OBJS) $(LIBC_OPT_KERNEL_OBJS) hal/x86_64/kernel.ld
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -nostdlib -static -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
	    -Wl,--build-id=none -T hal/x86_64/kernel.ld -o $@ $(KERNEL_DEBUG_OBJS) $(LIBC_OPT_KERNEL_OBJS)
	@echo "  KERNEL  $@"
-include $(KERNEL_DEBUG_OBJS:.o=.d)
