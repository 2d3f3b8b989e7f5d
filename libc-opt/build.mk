# libc-opt: freestanding memory/string routines (included by the top-level Makefile).
#
# Kernel and user builds link $(LIBC_OPT_KERNEL_OBJS) / $(LIBC_OPT_USER_OBJS), compiled here
# with $(KERNEL_CFLAGS) / $(USER_CFLAGS) (defined by fragments included after this one, so
# everything that reads them is expanded late). Anyone compiling $(LIBC_OPT_SRCS) another way
# must add $(LIBC_OPT_CFLAGS).

LIBC_OPT_SRCS := libc-opt/memcpy.S libc-opt/memset.S libc-opt/string.c libc-opt/select.c
# Keep the compiler from turning a loop in string.c into a call to the function it defines.
LIBC_OPT_CFLAGS := -fno-builtin -fno-tree-loop-distribute-patterns -Ilibc-opt
LIBC_OPT_NAMES := $(basename $(notdir $(LIBC_OPT_SRCS)))

LIBC_OPT_KERNEL_OBJS = $(LIBC_OPT_NAMES:%=$(BUILD)/kernel/libc-opt/%.o)
LIBC_OPT_USER_OBJS = $(LIBC_OPT_NAMES:%=$(BUILD)/user/libc-opt/%.o)

$(BUILD)/kernel/libc-opt/%.o: libc-opt/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(LIBC_OPT_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/kernel/libc-opt/%.o: libc-opt/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(LIBC_OPT_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/libc-opt/%.o: libc-opt/%.c user/build.mk
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) $(LIBC_OPT_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/libc-opt/%.o: libc-opt/%.S user/build.mk
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) $(LIBC_OPT_CFLAGS) -MMD -MP -c $< -o $@

# --- host test and benchmark -------------------------------------------------------------
# On the host the standard names (memcpy, strlen, ...) would clash with glibc's, so the host
# objects get them renamed to zch_<name>; the zc_memcpy_* names stay as they are.
HOSTCXX ?= g++
LIBC_OPT_STD_NAMES := memcpy memmove memset memcmp memchr strlen strnlen strcmp strncmp \
                      strchr strrchr strlcpy
LIBC_OPT_HOST_DIR := $(BUILD)/host/libc-opt
LIBC_OPT_HOST_OBJS := $(LIBC_OPT_NAMES:%=$(LIBC_OPT_HOST_DIR)/%.o)
LIBC_OPT_HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror
LIBC_OPT_RENAME := $(LIBC_OPT_HOST_DIR)/rename.syms

$(LIBC_OPT_RENAME): libc-opt/build.mk
	@mkdir -p $(@D)
	$(Q)printf '%s zch_%s\n' $(foreach n,$(LIBC_OPT_STD_NAMES),$(n) $(n)) > $@

$(LIBC_OPT_HOST_DIR)/%.o: libc-opt/%.c $(LIBC_OPT_RENAME)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LIBC_OPT_HOST_CFLAGS) $(LIBC_OPT_CFLAGS) -MMD -MP -MT $@ -MF $(@:.o=.d) -c $< -o $@.raw
	$(Q)objcopy --redefine-syms=$(LIBC_OPT_RENAME) $@.raw $@
$(LIBC_OPT_HOST_DIR)/%.o: libc-opt/%.S $(LIBC_OPT_RENAME)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LIBC_OPT_HOST_CFLAGS) $(LIBC_OPT_CFLAGS) -MMD -MP -MT $@ -MF $(@:.o=.d) -c $< -o $@.raw
	$(Q)objcopy --redefine-syms=$(LIBC_OPT_RENAME) $@.raw $@

$(LIBC_OPT_HOST_DIR)/test/%.o: libc-opt/test/%.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LIBC_OPT_HOST_CFLAGS) -D_GNU_SOURCE -Ilibc-opt -MMD -MP -c $< -o $@
$(LIBC_OPT_HOST_DIR)/test/%.o: libc-opt/test/%.S
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LIBC_OPT_HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/libc-opt-test: $(LIBC_OPT_HOST_DIR)/test/libc_opt_test.o \
                             $(LIBC_OPT_HOST_DIR)/test/regs_probe.o $(LIBC_OPT_HOST_OBJS)
	$(Q)$(HOSTCC) -o $@ $^

$(LIBC_OPT_HOST_DIR)/bench/memcpy_bench.o: libc-opt/bench/memcpy_bench.cc
	@mkdir -p $(@D)
	$(Q)$(HOSTCXX) -std=c++17 -O2 -g -Wall -Wextra -Werror -Ilibc-opt -MMD -MP -c $< -o $@

$(BUILD)/host/libc-opt-bench: $(LIBC_OPT_HOST_DIR)/bench/memcpy_bench.o $(LIBC_OPT_HOST_OBJS)
	$(Q)$(HOSTCXX) -o $@ $^ -lbenchmark -lpthread

HOST_TESTS += $(BUILD)/host/libc-opt-test

.PHONY: test-libc-opt bench-memcpy
test-libc-opt: $(BUILD)/host/libc-opt-test
	$(Q)$<

# make bench-memcpy [MEMCPY_BENCH_ARGS='--benchmark_filter=hot']
# Writes results/runs/<YYYYMMDD-HHMMSS>-<short commit>-host/ (docs/results.md).
MEMCPY_BENCH_ARGS ?=
bench-memcpy: $(BUILD)/host/libc-opt-bench | $(SETUP_STAMP)
	$(Q)commit=$$(git rev-parse --short HEAD 2>/dev/null || echo nocommit); \
	run=results/runs/$$(date -u +%Y%m%d-%H%M%S)-$$commit-host; \
	mkdir -p $$run && \
	if ! $(BUILD)/host/libc-opt-bench --benchmark_out=$$run/memcpy.gbench.json \
	        --benchmark_out_format=json $(MEMCPY_BENCH_ARGS); then \
	    rm -rf $$run; exit 1; \
	fi && \
	$(PY) harness/memcpy_report.py --write-meta --commit=$$commit $$run

-include $(wildcard $(BUILD)/kernel/libc-opt/*.d $(BUILD)/user/libc-opt/*.d \
                    $(LIBC_OPT_HOST_DIR)/*.d $(LIBC_OPT_HOST_DIR)/*/*.d)
