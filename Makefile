# zc: one entry point. `make help` lists the targets.
BUILD ?= build
PY    := /usr/bin/python3
CC    ?= gcc
HOSTCC ?= gcc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# Each part appends to these.
ALL_TARGETS   :=
HOST_TESTS    :=     # host test executables, each prints "N passed, N failed" last
QEMU_SUITES   :=     # bootfs paths of in-guest test programs (bin/NAME)
BOOTFS_FILES  :=     # build products copied into bootfs bin/
CLEAN_EXTRA   :=

GEN := $(BUILD)/gen

.DEFAULT_GOAL := all

include mk/setup.mk
include libc-opt/build.mk
include syscalls/build.mk
include user/build.mk
include kernel/build.mk
include hal/hosted/build.mk
include tests/host/build.mk
include mk/perf.mk
include microbenchmarks/build.mk

.PHONY: all help
all: $(ALL_TARGETS)

help:
	@echo "make setup      install the Debian packages zc needs (run automatically)"
	@echo "make            build the kernel, the vDSO, user programs and the bootfs"
	@echo "make run PROG=hello [ARGS='...'] [MODE=kvm|tcg|icount] [SMP=N]   boot zc running bin/PROG"
	@echo "make test       host tests + in-guest test suites; last line 'N passed, N failed'"
	@echo "make bench      run the benchmarks"
	@echo "make clean      remove build/"

include mk/targets.mk
