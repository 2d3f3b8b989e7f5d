# The vDSO (docs/abi.md): $(BUILD)/user/vdso.so, soname libzircon.so. Included from
# syscalls/build.mk (which defines VDSO_STUBS_SRC, VDSO_EXPORTS, SYSCALLS_GEN_HDRS); a second
# include is harmless.
ifndef ZC_VDSO_BUILD_MK
ZC_VDSO_BUILD_MK := 1

VDSO_SO     := $(BUILD)/user/vdso.so
VDSO_OBJDIR := $(BUILD)/user/vdso
VDSO_C_SRCS := $(wildcard user/vdso/*.c)
VDSO_S_SRCS := $(wildcard user/vdso/*.S)
VDSO_OBJS   := $(VDSO_C_SRCS:user/vdso/%.c=$(VDSO_OBJDIR)/%.o) $(VDSO_S_SRCS:user/vdso/%.S=$(VDSO_OBJDIR)/%.o) \
    $(VDSO_OBJDIR)/vdso_stubs.o

VDSO_CFLAGS := -std=gnu11 -O2 -fPIC -ffreestanding -nostdlib -fvisibility=hidden \
    -fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns -fno-plt \
    -fasynchronous-unwind-tables -Wall -Wextra -Werror \
    -Iinclude -I$(GEN)/include -I$(GEN)
VDSO_LDFLAGS := -nostdlib -shared -Wl,--hash-style=sysv -Wl,-z,norelro \
    -Wl,-soname,libzircon.so -Wl,-T,user/vdso/vdso.ld -Wl,--no-undefined \
    -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack

$(VDSO_OBJDIR)/%.o: user/vdso/%.c | $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(VDSO_CFLAGS) -MMD -MP -c $< -o $@

$(VDSO_OBJDIR)/%.o: user/vdso/%.S | $(SYSCALLS_GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(VDSO_CFLAGS) -MMD -MP -c $< -o $@

$(VDSO_OBJDIR)/vdso_stubs.o: $(VDSO_STUBS_SRC)
	@mkdir -p $(@D)
	$(Q)$(CC) $(VDSO_CFLAGS) -c $< -o $@

# Linked to a temporary name and checked (no writable segment, no dynamic relocations, every
# export of syscalls.def present) before it becomes $(VDSO_SO).
$(VDSO_SO): $(VDSO_OBJS) user/vdso/vdso.ld user/vdso/check_vdso.py $(VDSO_EXPORTS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(VDSO_CFLAGS) $(VDSO_LDFLAGS) -o $@.tmp $(VDSO_OBJS)
	$(Q)$(PY) user/vdso/check_vdso.py $@.tmp $(VDSO_EXPORTS) || { rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@
	@echo "  VDSO    $@"

.PHONY: vdso
vdso: $(VDSO_SO)

ALL_TARGETS += $(VDSO_SO)
-include $(VDSO_OBJS:.o=.d)

endif
