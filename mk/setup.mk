# make setup: install the Debian packages zc needs (the list is in tools/setup.sh).
#
# `make test`, `make bench` and `make run` run setup first, once: the stamp's name carries a hash
# of the package list, so a changed list runs it again. The stamp is included as a makefile, which
# makes GNU make bring it up to date before it builds anything else, even under -j. It is empty.

SETUP_SH    := tools/setup.sh
SETUP_HASH  := $(shell bash $(SETUP_SH) --list | sha256sum | cut -c1-12)
SETUP_STAMP := $(BUILD)/.setup-$(SETUP_HASH)

.PHONY: setup
setup:
	$(Q)bash $(SETUP_SH)
	$(Q)mkdir -p $(BUILD) && rm -f $(BUILD)/.setup-* && touch $(SETUP_STAMP)

$(SETUP_STAMP):
	$(Q)bash $(SETUP_SH)
	$(Q)mkdir -p $(BUILD) && rm -f $(BUILD)/.setup-* && touch $@

# Not under -n: make would run the install to remake the "makefile".
ifneq ($(filter test bench run,$(MAKECMDGOALS)),)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
include $(SETUP_STAMP)
endif
endif
