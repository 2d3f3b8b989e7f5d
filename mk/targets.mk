# run, test, bench, clean: the host harness (harness/, /usr/bin/python3 -m harness) drives QEMU.
# Included last, after every part has filled in ALL_TARGETS, HOST_TESTS and QEMU_SUITES.

ZC_KERNEL := $(BUILD)/kernel/zc.elf
ZC_INITRD := $(BUILD)/bootfs.cpio
HARNESS   := $(PY) -m harness
MODE      ?= auto
# seconds per boot (make run) or per suite / host test (make test); empty = the harness default
TIMEOUT   ?=
HARNESS_MACHINE = --kernel $(ZC_KERNEL) --initrd $(ZC_INITRD) --mode $(MODE) \
	$(if $(TIMEOUT),--timeout $(TIMEOUT))

.PHONY: run test bench clean

# make run PROG=hello [ARGS="x y"] [MODE=auto|kvm|tcg|icount] [TIMEOUT=s]
ifneq ($(filter run,$(MAKECMDGOALS)),)
ifeq ($(PROG),)
$(error make run needs PROG=<program in bootfs bin/>, e.g. make run PROG=hello ARGS="a b")
endif
endif
run: all | $(SETUP_STAMP)
	$(Q)$(HARNESS) boot $(HARNESS_MACHINE) --cmdline "init=bin/$(PROG)$(if $(ARGS), $(ARGS))"

test: all $(HOST_TESTS) | $(SETUP_STAMP)
	$(Q)$(HARNESS) test $(HARNESS_MACHINE) --log-dir $(BUILD)/test-logs \
		--suite $(QEMU_SUITES) --host-test $(HOST_TESTS) --pytest tests

# Runs the benchmarks that exist so far.
bench: | $(SETUP_STAMP)
	@echo "bench: the Fuchsia microbenchmarks (microbenchmarks/) are not there yet;" \
	      "running the host memcpy benchmark (bench-memcpy) only."
	$(Q)if $(MAKE) -n bench-memcpy >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory bench-memcpy; \
	else \
		echo "bench: bench-memcpy is not defined yet (libc-opt/): nothing to run"; \
	fi

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)
