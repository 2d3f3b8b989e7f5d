# microbenchmarks/: the perftest runner core (runner/), zc's benchmark program bin/zc-bench and
# bin/thread-footprint (zircon/), and the host test of the runner (runner/test/).
# Included by the top Makefile after user/build.mk (uses USER_CFLAGS and user_program).
# microbenchmarks/linux/ has its own fragment.
#
# Outputs: $(BUILD)/user/zc-bench.elf, $(BUILD)/user/thread-footprint.elf (both in the bootfs),
#          $(BUILD)/host/runner-test (a HOST_TESTS entry: last line "N passed, N failed").

MB_OUT := $(BUILD)/microbenchmarks
MB_RUNNER_SRCS := microbenchmarks/runner/perftest.c microbenchmarks/runner/stats.c \
                  microbenchmarks/runner/json.c microbenchmarks/runner/regex.c
MB_RUNNER_HDRS := $(wildcard microbenchmarks/runner/*.h)
# What a Linux build of the runner compiles (microbenchmarks/linux/): the core + the platform.
MB_RUNNER_LINUX_SRCS := $(MB_RUNNER_SRCS) microbenchmarks/runner/platform_linux.c
MB_CFLAGS = $(USER_CFLAGS) -I microbenchmarks/runner

# zc user space
MB_ZC_SRCS := $(MB_RUNNER_SRCS) microbenchmarks/runner/platform_zc.c \
              $(wildcard microbenchmarks/zircon/*.c)
MB_ZC_OBJS := $(MB_ZC_SRCS:%.c=$(MB_OUT)/zc/%.o)
MB_FOOTPRINT_OBJS := $(MB_OUT)/zc/microbenchmarks/zircon/footprint/thread_footprint.o

$(MB_OUT)/zc/%.o: %.c user/build.mk microbenchmarks/build.mk | $(USER_GEN_HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(MB_CFLAGS) -MMD -MP -c $< -o $@

$(eval $(call user_program,zc-bench,$(MB_ZC_OBJS)))
$(eval $(call user_program,thread-footprint,$(MB_FOOTPRINT_OBJS)))

BOOTFS_FILES += $(USER_OUT)/zc-bench.elf $(USER_OUT)/thread-footprint.elf
ALL_TARGETS += $(USER_OUT)/zc-bench.elf $(USER_OUT)/thread-footprint.elf

# host test of the runner core (statistics, JSON, regex, options, a fake-clock run)
MB_HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror
$(BUILD)/host/runner-test: $(MB_RUNNER_SRCS) microbenchmarks/runner/test/runner_test.c \
                           $(MB_RUNNER_HDRS) microbenchmarks/build.mk
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(MB_HOST_CFLAGS) -o $@ microbenchmarks/runner/test/runner_test.c \
		$(MB_RUNNER_SRCS)

HOST_TESTS += $(BUILD)/host/runner-test

.PHONY: test-runner
test-runner: $(BUILD)/host/runner-test
	$(Q)$<

-include $(MB_ZC_OBJS:.o=.d) $(MB_FOOTPRINT_OBJS:.o=.d)
