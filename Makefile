# ktcp top-level build. `make help` lists the targets.
#
# Userspace goes to $(O) (default build/). Modules are built per kernel in
# $(O)/kmod/<release>/ from a copy of kernel/ and include/, so one tree can
# hold modules for several kernels at once.

O ?= build
export O
CC ?= cc
CFLAGS ?= -O2 -g
WERROR ?=
WARN_CFLAGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-unused-parameter
ifeq ($(CI),true)
WERROR := 1
endif
ifneq ($(WERROR),)
WARN_CFLAGS += -Werror
endif
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iinclude/uapi -Iuserspace/common \
	$(WARN_CFLAGS) $(CFLAGS)
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
JSON_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSON_LIBS := $(shell pkg-config --libs json-c 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# Kernel headers: KDIR if given, else the running kernel's, else the newest
# installed Debian cloud headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1))
# The release as `uname -r` shows it in the guest (Debian's kernel.release
# file holds the upstream version instead).
krelease = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(1)/include/generated/utsrelease.h 2>/dev/null)

.PHONY: all deps modules userspace check check-unit check-vm check-debug vm \
	demo lint format clean help
all: modules userspace

help:
	@echo "make               build modules (KDIR=...) and userspace"
	@echo "make deps          install build and test dependencies (root)"
	@echo "make check         unit tests, then VM tests on every installed kernel"
	@echo "make check-debug KERNEL=DIR   VM tests on a debug kernel"
	@echo "make vm            interactive shell in the test VM"
	@echo "make demo          boot the VM with services running and clients"
	@echo "make lint          clang-format, cppcheck and checkpatch checks"

deps:
	@scripts/deps.sh

# --- kernel modules ---------------------------------------------------------
KMOD_DIR = $(O)/kmod/$(call krelease,$(KDIR))
modules:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "make: no kernel headers; run 'make deps' or pass KDIR=" >&2; exit 1; }
	@mkdir -p $(KMOD_DIR)
	@rsync -a --delete kernel include $(KMOD_DIR)/ 2>/dev/null || \
		{ rm -rf $(KMOD_DIR)/kernel $(KMOD_DIR)/include; cp -a kernel include $(KMOD_DIR)/; }
	$(MAKE) -C $(KDIR) M=$(abspath $(KMOD_DIR))/kernel W=1 \
		$(if $(filter true,$(CI)),KCFLAGS=-Werror) modules

# --- userspace ----------------------------------------------------------------
USER_TARGETS :=
UNIT_TESTS :=
include userspace/libktcp/build.mk
include userspace/cli/build.mk
include userspace/tools/build.mk
include tests/unit/build.mk
include tests/vm/build.mk

userspace: $(USER_TARGETS)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS_$(notdir $(dir $<))) -MMD -MP -c -o $@ $<

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# --- tests ------------------------------------------------------------------
check: check-unit check-vm

check-unit: $(UNIT_TESTS)
	@scripts/run-unit-tests.sh $(UNIT_TESTS)

# --- formatting -------------------------------------------------------------
SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(SOURCES)

clean:
	rm -rf $(O)
