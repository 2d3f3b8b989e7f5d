# run, test, bench, clean: the host harness (harness/, /usr/bin/python3 -m harness) drives QEMU.
# Included last, after every part has filled in ALL_TARGETS, HOST_TESTS and QEMU_SUITES.

ZC_KERNEL := $(BUILD)/kernel/zc.elf
ZC_INITRD := $(BUILD)/bootfs.cpio
HARNESS   := $(PY) -m harness
MODE      ?= auto
# guest CPUs (QEMU -smp) for run, test, bench: the others come up and idle (docs/smp.md)
SMP       ?= 1
ifneq ($(filter-out 1 2 3 4 5 6 7 8,$(SMP))$(if $(strip $(SMP)),,empty),)
$(error SMP=$(SMP): the number of guest CPUs must be a whole number from 1 to 8)
endif
# seconds per boot (make run) or per suite / host test (make test); empty = the harness default
TIMEOUT   ?=
HARNESS_MACHINE = --kernel $(ZC_KERNEL) --initrd $(ZC_INITRD) --mode $(MODE) --smp $(SMP) \
	$(if $(TIMEOUT),--timeout $(TIMEOUT))

.PHONY: run test bench clean

# The Linux peer of make bench: its static /init and initramfs (LINUX_INITRAMFS).
include microbenchmarks/linux/build.mk

# make run PROG=hello [ARGS="x y"] [MODE=auto|kvm|tcg|icount] [SMP=1..8] [TIMEOUT=s]
ifneq ($(filter run,$(MAKECMDGOALS)),)
ifeq ($(PROG),)
$(error make run needs PROG=<program in bootfs bin/>, e.g. make run PROG=hello ARGS="a b")
endif
endif
# HAL=hosted: no QEMU, the kernel as one Linux process (build/hosted/zc-hosted, docs/hosted.md);
# HAL=hosted-asan: the same under AddressSanitizer + UBSan.
HAL ?= x86_64
ifeq ($(HAL),x86_64)
run: all | $(SETUP_STAMP)
	$(Q)$(HARNESS) boot $(HARNESS_MACHINE) --cmdline "init=bin/$(PROG)$(if $(ARGS), $(ARGS))"
else ifeq ($(HAL),hosted)
run: $(HOSTED_BIN) $(ZC_INITRD)
	$(Q)$(HOSTED_BIN) --initrd $(ZC_INITRD) init=bin/$(PROG) $(ARGS)
else ifeq ($(HAL),hosted-asan)
run: $(HOSTED_ASAN_BIN) $(ZC_INITRD)
	$(Q)$(HOSTED_ASAN_BIN) --initrd $(ZC_INITRD) init=bin/$(PROG) $(ARGS)
else
$(error unknown HAL=$(HAL) (choose from x86_64, hosted, hosted-asan))
endif

# The Linux peer's initramfs is built for the one harness test that boots it.
# Every in-guest suite also runs on the hosted backend, plain and under ASan+UBSan (modes
# hosted, hosted-asan in the summary).
test: all $(KERNEL_DEBUG_ELF) $(HOST_TESTS) $(LINUX_INITRAMFS) $(HOSTED_BIN) $(HOSTED_ASAN_BIN) | $(SETUP_STAMP)
	$(Q)$(HARNESS) test $(HARNESS_MACHINE) --log-dir $(BUILD)/test-logs \
		--suite $(QEMU_SUITES) --host-test $(HOST_TESTS) --pytest tests \
		--hosted $(HOSTED_BIN) $(HOSTED_ASAN_BIN)

# make bench [QUICK=1] [MODE=auto|kvm|tcg|icount] [SMP=1..8] [FILTER=regex] [SYSTEMS=a,b] [BENCH_ARGS='...']
# zc (bin/zc-bench) and the Linux peer (microbenchmarks/linux) in the same QEMU mode, one run
# folder results/runs/<date>-<commit>-<mode>/ and the report (docs/bench.md, harness/bench.py);
# then, natively on the host, zc-hosted and the same Linux program (harness/native.py), reported
# apart. SYSTEMS=zc-hosted,linux-host runs those two alone (no QEMU, mode `native`).

QUICK      ?=
FILTER     ?=
BENCH_ARGS ?=
ifneq ($(filter bench,$(MAKECMDGOALS)),)
ifneq ($(filter-out auto kvm tcg icount,$(MODE)),)
$(error make bench: unknown MODE=$(MODE) (choose from auto, kvm, tcg, icount))
endif
endif
bench: all $(LINUX_INITRAMFS) $(LINUX_KERNEL_STAMP) $(HOSTED_BIN) | $(SETUP_STAMP)
	$(Q)$(PY) -m harness.bench --mode $(MODE) --smp $(SMP) $(if $(filter-out 0 no false,$(QUICK)),--quick) \
		$(if $(FILTER),--filter '$(FILTER)') --kernel $(ZC_KERNEL) --initrd $(ZC_INITRD) \
		--linux-dir $(LINUX_DIR) --linux-initrd $(LINUX_INITRAMFS) \
		--hosted-bin $(HOSTED_BIN) --linux-bench-bin $(LINUX_BENCH_BIN) \
		$(if $(SYSTEMS),--systems $(SYSTEMS)) \
		$(if $(TIMEOUT),--timeout $(TIMEOUT)) $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)

# make fuzz-guest [SECONDS=60] [SEED=1] [MODE=...]: the in-guest random-syscall fuzzer for
# SECONDS (bin/fuzz-guest, docs/hostile.md); fails on a leak, a panic or a hang of the kernel.
# The boot's timeout leaves room for a guest clock that runs slow (TSC calibrated on a loaded
# host under TCG: seen 19% slow).
SECONDS_FUZZ := $(if $(SECONDS),$(SECONDS),60)
SEED ?= 1
.PHONY: fuzz-guest
fuzz-guest: all | $(SETUP_STAMP)
	$(Q)$(HARNESS) boot --kernel $(ZC_KERNEL) --initrd $(ZC_INITRD) --mode $(MODE) --smp $(SMP) \
		--timeout $(shell echo $$(( $(SECONDS_FUZZ) * 2 + 300 ))) \
		--cmdline "init=bin/fuzz-guest --seconds $(SECONDS_FUZZ) --seed $(SEED)"
