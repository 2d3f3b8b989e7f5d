# syscalls/: everything generated from syscalls/syscalls.def by syscalls/gen_syscalls.py
# (docs/syscalls.md), and the vDSO (user/vdso/build.mk, included at the end).
#
# For other fragments:
#   SYSCALLS_GEN_HDRS   generated headers; make them an order-only prerequisite of any object
#                       that includes <zircon/syscalls.h> or syscalls/*.h (use -MMD for the rest)
#   SYSCALLS_TABLE_SRC  the kernel's argument decoders and dispatch table (compile with the kernel)
#   VDSO_STUBS_SRC      the vDSO's syscall stubs (built by user/vdso/build.mk)
#   USER_ZX_JUMP_SRCS   zx_* jump stubs + name table for user programs (link into every program)
#   VDSO_SO             the vDSO image, $(BUILD)/user/vdso.so
# Include paths: -Iinclude -I$(GEN)/include -I$(GEN) (and -I. for "kernel/user_ptr.h").

SYSCALLS_DEF    := syscalls/syscalls.def
SYSCALLS_GEN_PY := syscalls/gen_syscalls.py
SYSCALLS_STAMP  := $(GEN)/.syscalls.stamp

SYSCALLS_GEN_HDRS := \
    $(GEN)/include/zircon/syscalls.h \
    $(GEN)/include/zircon/testonly-syscalls.h \
    $(GEN)/syscalls/numbers.h \
    $(GEN)/syscalls/sys_decls.h \
    $(GEN)/syscalls/syscall_table.h \
    $(GEN)/syscalls/sys_lookups.h \
    $(GEN)/user/zx_vdso_table.h \
    $(GEN)/user/vdso_calls.h
SYSCALLS_TABLE_SRC := $(GEN)/syscalls/sys_table.c
VDSO_STUBS_SRC     := $(GEN)/user/vdso_stubs.S
VDSO_EXPORTS       := $(GEN)/user/vdso_exports.txt
USER_ZX_JUMP_SRCS  := $(GEN)/user/zx_jump.S $(GEN)/user/zx_names.c

SYSCALLS_GEN_ALL := $(SYSCALLS_GEN_HDRS) $(SYSCALLS_TABLE_SRC) $(VDSO_STUBS_SRC) \
    $(VDSO_EXPORTS) $(USER_ZX_JUMP_SRCS)

# One run writes every file; files whose content is unchanged keep their old timestamp, so an
# edit of one line of the def recompiles only what depends on the files that changed.
$(SYSCALLS_STAMP): $(SYSCALLS_DEF) $(SYSCALLS_GEN_PY)
	@mkdir -p $(@D)
	$(Q)$(PY) $(SYSCALLS_GEN_PY) $(SYSCALLS_DEF) $(GEN)
	@touch $@

# (Re)creates a generated file that went missing while the stamp stayed.
$(SYSCALLS_GEN_ALL): $(SYSCALLS_STAMP)
	@test -f $@ || $(PY) $(SYSCALLS_GEN_PY) $(SYSCALLS_DEF) $(GEN) >/dev/null

.PHONY: syscalls-gen
syscalls-gen: $(SYSCALLS_GEN_ALL)

include user/vdso/build.mk
