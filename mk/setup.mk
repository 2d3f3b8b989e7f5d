# make setup: install the Debian packages zc needs (the list is in tools/setup.sh).
#
# `make test`, `make bench` and `make run` run setup first, once: the stamp's name carries a hash
# of the package list, so a changed list runs it again. The stamp is included as a makefile, which
# makes GNU make bring it up to date before it builds anything else, even under -j. It is empty.

SETUP_SH    := tools/setup.sh
SETUP_HASH  := $(shell bash $(SETUP_SH) --list | sha256sum | cut -c1-12)
SETUP_STAMP := $(BUILD)/.setup-$(SETUP_HASH)

# The Linux peer's kernel for `make bench` (docs/bench.md): Debian's linux-image-cloud-amd64,
# downloaded and unpacked (never installed) into $(LINUX_DIR). kernel.json (package, version,
# vmlinuz path) is written last, so it is the stamp. The setup stamp fetches it too, but only
# warns when that fails (make test then skips the one test that boots Linux); `make bench`
# depends on the stamp itself and stops there with the reason.
LINUX_DIR := $(BUILD)/linux
LINUX_KERNEL_STAMP := $(LINUX_DIR)/kernel.json
LINUX_FETCH_SOFT = bash $(SETUP_SH) --linux-kernel $(LINUX_DIR) || \
	echo "setup: warning: the Linux peer's kernel is not there; make bench will try again"

.PHONY: setup linux-kernel
setup:
	$(Q)bash $(SETUP_SH)
	$(Q)mkdir -p $(BUILD) && rm -f $(BUILD)/.setup-* && touch $(SETUP_STAMP)
	$(Q)bash $(SETUP_SH) --linux-kernel $(LINUX_DIR)

$(SETUP_STAMP):
	$(Q)bash $(SETUP_SH)
	$(Q)[ -f $(LINUX_KERNEL_STAMP) ] || $(LINUX_FETCH_SOFT)
	$(Q)mkdir -p $(BUILD) && rm -f $(BUILD)/.setup-* && touch $@

linux-kernel: $(LINUX_KERNEL_STAMP)
$(LINUX_KERNEL_STAMP):
	$(Q)bash $(SETUP_SH) --linux-kernel $(LINUX_DIR)

# Not under -n: make would run the install to remake the "makefile".
ifneq ($(filter test bench run,$(MAKECMDGOALS)),)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
include $(SETUP_STAMP)
endif
endif
