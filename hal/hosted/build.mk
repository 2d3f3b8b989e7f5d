# zc-hosted (docs/hosted.md): the kernel as one Linux process. kernel/, objects/, syscalls/ and
# hal/hosted (plus hal/x86_64/state.c, the register layouts both x86_64 backends share), built
# with the host compiler as an ordinary executable, with userboot and the vDSO embedded as in
# the bare-metal image and libc-opt's host objects for the user-copy routine.
#   $(BUILD)/hosted/zc-hosted        gcc -O2
#   $(BUILD)/hosted/zc-hosted-asan   clang -O1, AddressSanitizer + UndefinedBehaviorSanitizer
# Included by the top Makefile after kernel/build.mk, libc-opt/build.mk and user/build.mk.

HOSTED_BIN      := $(BUILD)/hosted/zc-hosted
HOSTED_ASAN_BIN := $(BUILD)/hosted/zc-hosted-asan
HOSTED_CLANG    ?= clang
hosted_comma    := ,

HOSTED_C_SRCS := $(wildcard hal/hosted/*.c) hal/x86_64/state.c \
    $(wildcard kernel/*.c objects/*.c syscalls/*.c) hal/hosted/fuzz/allocfail.c
HOSTED_S_SRCS := hal/hosted/entry.S kernel/embed.S
HOSTED_CFLAGS := -std=gnu11 -g -fno-omit-frame-pointer -mfsgsbase -D_KERNEL -DZC_HOSTED \
    -Wall -Wextra -Werror -Wno-unused-parameter \
    -I. -Ihal/hosted -Iinclude -I$(GEN)/include -I$(GEN) -Ilibc-opt
HOSTED_C_ONLY := -D_GNU_SOURCE -include hal/hosted/hosted_compat.h
# The allocation-failure instrument (hal/hosted/fuzz/allocfail.c) wraps these (ld --wrap).
HOSTED_WRAP := kmalloc kzalloc kfree slab_alloc slab_free pmm_alloc kernel_alloc_frame \
    hal_context_run hal_shutdown
HOSTED_LDFLAGS := -Wl,-T,hal/hosted/kinit.ld -Wl,-z,noexecstack $(HOSTED_WRAP:%=-Wl,--wrap=%)
HOSTED_EMBED := -DUSERBOOT_PATH='"$(USERBOOT_ELF)"' -DVDSO_PATH='"$(VDSO_SO)"'

# $(call hosted_variant,NAME,COMPILER,FLAGS,BINARY[,EXTRA_C_SRCS[,LINK_FLAGS]])
define hosted_variant
$(1)_OBJS := $$(HOSTED_C_SRCS:%.c=$(BUILD)/hosted/$(1)/%.o) $(5:%.c=$(BUILD)/hosted/$(1)/%.o) \
    $$(HOSTED_S_SRCS:%.S=$(BUILD)/hosted/$(1)/%.o) $(BUILD)/hosted/$(1)/gen/sys_table.o
$$($(1)_OBJS): hal/hosted/build.mk
$(BUILD)/hosted/$(1)/%.o: %.c | $$(SYSCALLS_GEN_HDRS)
	@mkdir -p $$(@D)
	$$(Q)$(2) $$(HOSTED_CFLAGS) $$(HOSTED_C_ONLY) $(3) -MMD -MP -c $$< -o $$@
$(BUILD)/hosted/$(1)/%.o: %.S
	@mkdir -p $$(@D)
	$$(Q)$(2) $$(HOSTED_CFLAGS) $(3) -MMD -MP -c $$< -o $$@
$(BUILD)/hosted/$(1)/kernel/embed.o: kernel/embed.S $$(USERBOOT_ELF) $$(VDSO_SO)
	@mkdir -p $$(@D)
	$$(Q)$(2) $$(HOSTED_CFLAGS) $(3) $$(HOSTED_EMBED) -c $$< -o $$@
# The decoders inline object layouts (syscalls/priv.h): -MMD, so a changed header rebuilds
# them too (without it a grown struct task left them reading the old offsets).
$(BUILD)/hosted/$(1)/gen/sys_table.o: $$(SYSCALLS_TABLE_SRC) | $$(SYSCALLS_GEN_HDRS)
	@mkdir -p $$(@D)
	$$(Q)$(2) $$(HOSTED_CFLAGS) $$(HOSTED_C_ONLY) $(3) -MMD -MP -c $$< -o $$@
$(4): $$($(1)_OBJS) $$(LIBC_OPT_HOST_OBJS) hal/hosted/kinit.ld
	@mkdir -p $$(@D)
	$$(Q)$(2) $(3) $(6) -o $$@ $$($(1)_OBJS) $$(LIBC_OPT_HOST_OBJS) $$(HOSTED_LDFLAGS)
	@echo "  HOSTED  $$@"
-include $$($(1)_OBJS:.o=.d)
endef

$(eval $(call hosted_variant,plain,$(HOSTCC),-O2,$(HOSTED_BIN)))
$(eval $(call hosted_variant,asan,$(HOSTED_CLANG),-O1 -fsanitize=address$(hosted_comma)undefined -fno-sanitize-recover=undefined,$(HOSTED_ASAN_BIN)))

# zc-hosted-fuzz (hal/hosted/fuzz/driver.c, docs/hosted.md): libFuzzer over the kernel, its
# code instrumented for coverage, ASan and UBSan; libFuzzer's runtime is Debian's
# libclang-rt-14-dev (tools/setup.sh).
HOSTED_FUZZ_BIN := $(BUILD)/hosted/zc-hosted-fuzz
$(eval $(call hosted_variant,fuzz,$(HOSTED_CLANG),-O1 -DZC_HOSTED_FUZZ -fsanitize=fuzzer-no-link$(hosted_comma)address$(hosted_comma)undefined -fno-sanitize-recover=undefined,$(HOSTED_FUZZ_BIN),hal/hosted/fuzz/driver.c,-fsanitize=fuzzer -lpthread))

.PHONY: hosted hosted-asan
hosted: $(HOSTED_BIN) $(BUILD)/bootfs.cpio
hosted-asan: $(HOSTED_ASAN_BIN) $(BUILD)/bootfs.cpio

# The allocation-failure sweep (harness/alloc_sweep.py, docs/hosted.md): zc-hosted with the Nth
# kernel allocation failing, for every N of each suite's run (or a stride past the first ones).
# make test runs the bounded sweep (--quick, ~1.5 min) as a host test through this script;
# make alloc-sweep [JOBS=2] the full one (about 1.5 h on 2 cores; see the docs).
ALLOC_SWEEP_QUICK := $(BUILD)/hosted/alloc-sweep-quick
ALLOC_SWEEP_ARGS = --binary $(abspath $(HOSTED_BIN)) --initrd $(abspath $(BUILD)/bootfs.cpio) \
    --log-dir $(abspath $(BUILD)/test-logs)
$(ALLOC_SWEEP_QUICK): $(HOSTED_BIN) $(BUILD)/bootfs.cpio hal/hosted/build.mk
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\ncd %s && exec %s -m harness.alloc_sweep --quick %s\n' \
		'$(CURDIR)' '$(PY)' '$(ALLOC_SWEEP_ARGS)' > $@ && chmod +x $@
HOST_TESTS += $(ALLOC_SWEEP_QUICK)

JOBS ?= 2
.PHONY: alloc-sweep
alloc-sweep: $(HOSTED_BIN) $(BUILD)/bootfs.cpio
	$(Q)$(PY) -m harness.alloc_sweep $(ALLOC_SWEEP_ARGS) --jobs $(JOBS)

# make fuzz [SECONDS=60]: libFuzzer over the hosted kernel (harness/hosted_fuzz.py): new inputs
# in $(BUILD)/fuzz/corpus (the seeds of hal/hosted/fuzz/corpus are read too), findings in
# $(BUILD)/fuzz/artifacts. make test runs a bounded 60 s run as a host test through this script.
HOSTED_FUZZ_ARGS = --binary $(abspath $(HOSTED_FUZZ_BIN)) --initrd $(abspath $(BUILD)/bootfs.cpio) \
    --work $(abspath $(BUILD)/fuzz)
HOSTED_FUZZ_TEST := $(BUILD)/hosted/fuzz-60s
$(HOSTED_FUZZ_TEST): $(HOSTED_FUZZ_BIN) $(BUILD)/bootfs.cpio hal/hosted/build.mk
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\ncd %s && exec %s -m harness.hosted_fuzz --seconds 60 %s\n' \
		'$(CURDIR)' '$(PY)' '$(HOSTED_FUZZ_ARGS)' > $@ && chmod +x $@
HOST_TESTS += $(HOSTED_FUZZ_TEST)

.PHONY: fuzz
fuzz: $(HOSTED_FUZZ_BIN) $(BUILD)/bootfs.cpio
	$(Q)$(PY) -m harness.hosted_fuzz $(HOSTED_FUZZ_ARGS) --seconds $(if $(SECONDS),$(SECONDS),60)
