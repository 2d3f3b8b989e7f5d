# The Linux peer of `make bench` (docs/bench.md): one static binary, the same labels on Linux
# APIs, built with the host gcc against glibc's libc.a (package libc6-dev) and the shared
# perftest runner core (microbenchmarks/runner, without its zc platform). It is /init of
# $(LINUX_INITRAMFS), a reproducible cpio newc archive (harness/bench_initramfs.py).
# Included from mk/targets.mk; LINUX_DIR comes from mk/setup.mk.

LINUX_BENCH_DIR := $(BUILD)/linux/bench
LINUX_BENCH_SRCS := $(wildcard microbenchmarks/linux/*.c)
LINUX_RUNNER_SRCS := $(filter-out %/platform_zc.c,$(wildcard microbenchmarks/runner/*.c))
LINUX_BENCH_OBJS := $(LINUX_BENCH_SRCS:microbenchmarks/%.c=$(LINUX_BENCH_DIR)/%.o) \
                    $(LINUX_RUNNER_SRCS:microbenchmarks/%.c=$(LINUX_BENCH_DIR)/%.o)
LINUX_BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -fno-pie \
                      -Imicrobenchmarks/runner -Imicrobenchmarks/linux
LINUX_BENCH_BIN := $(LINUX_BENCH_DIR)/linux-bench
LINUX_INITRAMFS := $(BUILD)/linux/initramfs.cpio

$(LINUX_BENCH_DIR)/linux/%.o: microbenchmarks/linux/%.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LINUX_BENCH_CFLAGS) -Werror -MMD -MP -c $< -o $@
$(LINUX_BENCH_DIR)/runner/%.o: microbenchmarks/runner/%.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LINUX_BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(LINUX_BENCH_BIN): $(LINUX_BENCH_OBJS)
	$(Q)$(HOSTCC) -static -no-pie -o $@ $^ -lpthread

$(LINUX_INITRAMFS): $(LINUX_BENCH_BIN) harness/bench_initramfs.py
	$(Q)$(PY) harness/bench_initramfs.py --init $< -o $@

.PHONY: linux-bench
linux-bench: $(LINUX_INITRAMFS)

-include $(LINUX_BENCH_OBJS:.o=.d)
