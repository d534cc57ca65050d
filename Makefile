# ktcp top-level build. `make help` lists the targets.
#
# Userspace goes to $(O) (default build/). Modules are built per kernel in
# $(O)/kmod/<release>/ from a copy of kernel/ and include/, so one tree can
# hold modules for several kernels at once.

O ?= build
export O

# --- dependencies first -----------------------------------------------------
# These goals need what `make deps` installs (compilers, libnl, json-c, Check,
# the kernels and their headers), and the rest of this Makefile and the files
# it includes compute flags from installed packages while they are parsed
# (pkg-config, the installed kernels' headers). So for them this make only
# runs scripts/deps.sh, then a second make with the other goals, which parses
# everything after the installation: nothing below sees a package missing
# that deps was to install, with -j too. KTCP_DEPS_DONE=1 marks that second
# make and the makes it runs. Plain `make`, install and clean install nothing.
DEPS_GOALS := deps demo vm check check-% torture bench bench-% lint
ifneq ($(if $(KTCP_DEPS_DONE),,$(filter $(DEPS_GOALS),$(MAKECMDGOALS))),)
AFTER_DEPS := $(filter-out deps,$(MAKECMDGOALS))
.PHONY: deps after-deps $(AFTER_DEPS)
deps:
	@scripts/deps.sh
# The second make. Named apart from deps, so that its failure does not end
# with a line that blames deps.
after-deps: deps
	@$(MAKE) --no-print-directory KTCP_DEPS_DONE=1 $(AFTER_DEPS)
$(AFTER_DEPS): after-deps
	@:
else # the build itself, parsed after `make deps` when a goal needs it
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

.PHONY: all modules userspace check check-unit check-vm check-debug vm \
	debug-kernel \
	demo lint format clean help
all: modules userspace

help:
	@echo "make               build modules (KDIR=...) and userspace"
	@echo "make deps          install build and test dependencies (root)"
	@echo "make check         unit tests, then VM tests on every installed kernel"
	@echo "make check-debug KERNEL=DIR   VM tests on a debug kernel"
	@echo "make check-fresh   make deps and the build, as on a new machine, in a"
	@echo "                  fresh Debian 12 root (debootstrap, chroot; no VM)"
	@echo "make debug-kernel  build one (DEBUG_KERNEL_OUT=$(O)/debug-6.1)"
	@echo "make vm            interactive shell in the test VM"
	@echo "make demo          boot the VM with services running and clients"
	@echo "make lint          clang-format, cppcheck, checkpatch and shellcheck"
	@echo "make check-runner  self-test of the VM runner"
	@echo "make torture       load/traffic/unload cycles (CYCLES=200) on every"
	@echo "                  installed kernel, and with KERNEL=DIR a debug kernel"
	@echo "make bench         benchmarks in the VM (bench-publish: into docs/)"
	@echo "make install       ktcp, libktcp, headers, man pages, completion and"
	@echo "                  modules (PREFIX=/usr/local DESTDIR= KDIR=); also uninstall"
	@echo "make install-dkms  module sources for DKMS in /usr/src/ktcp-VERSION"

# --- kernel modules ---------------------------------------------------------
# KTCP_TEST_HOOKS=y builds the VM suite's modules, with the fault injection
# of kernel/test_hooks.h, in $(O)/kmod-test/: apart from the release build
# in $(O)/kmod/, so that `make install` and the benchmarks never see them.
KTCP_TEST_HOOKS ?=
KMOD_DIR = $(O)/kmod$(if $(KTCP_TEST_HOOKS),-test)/$(call krelease,$(KDIR))
modules:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "make: no kernel headers; run 'make deps' or pass KDIR=" >&2; exit 1; }
	@mkdir -p $(KMOD_DIR)
	@rsync -a --delete kernel include $(KMOD_DIR)/ 2>/dev/null || \
		{ rm -rf $(KMOD_DIR)/kernel $(KMOD_DIR)/include; cp -a kernel include $(KMOD_DIR)/; }
	$(MAKE) -C $(KDIR) M=$(abspath $(KMOD_DIR))/kernel O= W=1 \
		$(if $(filter true,$(CI)),KCFLAGS=-Werror) \
		$(if $(KTCP_TEST_HOOKS),KTCP_TEST_HOOKS=y) modules

# --- userspace ----------------------------------------------------------------
USER_TARGETS :=
UNIT_TESTS :=
include userspace/libktcp/build.mk
include userspace/cli/build.mk
include userspace/tools/build.mk
include tests/unit/build.mk
include tests/fuzz/build.mk
include tests/vm/build.mk
include tests/nlsend/build.mk
include tests/nlfuzz/build.mk
include tests/drop/build.mk
include tests/ynl/build.mk
include examples/build.mk
include install.mk
include bench/bench.mk

userspace: $(USER_TARGETS)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS_$(notdir $(patsubst %/,%,$(dir $<)))) -MMD -MP -c -o $@ $<

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# --- tests ------------------------------------------------------------------
check: check-unit check-abi check-tools check-spec check-completion check-cli check-json check-install \
	check-dkms check-fuzz check-runner check-vm

check-unit: $(UNIT_TESTS)
	@scripts/run-unit-tests.sh $(UNIT_TESTS)

# check-fresh: what a new user's first `make demo` or `make check` does before
# it boots anything (make deps, userspace, the modules for every kernel),
# in a Debian 12 root made by debootstrap, from a clone of HEAD
# (scripts/check-fresh.sh). Root; not part of `make check`.
# FRESH_ARGS: more arguments, e.g. "--commit REV --keep".
FRESH_ARGS ?=
.PHONY: check-fresh
check-fresh:
	@scripts/check-fresh.sh $(FRESH_ARGS)

# --- VM tests (scripts/vm/, docs in scripts/vm/run.sh) -----------------------
# VM_ARGS: extra scripts/vm/run.sh arguments, e.g. VM_ARGS="--test 'kecho*'".
# KERNEL_RELEASE: kernel for `make vm`, `make demo` and check-runner (default
# the newest installed cloud kernel). KERNEL: a debug kernel directory
# (bzImage + build/) for check-debug.
VM_ARGS ?=
# VM_JOBS: how many kernels' VMs check-vm boots at once (scripts/vm/check-vm.sh).
# A cloud kernel's suite takes 10 to 13 minutes alone on a 2-core host, 1.2x
# that beside another: VM_TIMEOUT, each VM's limit, is 30 minutes.
VM_JOBS ?= 2
VM_TIMEOUT ?= 1800
# VM_TEST_TIMEOUT: each guest test's limit there. The longest, t-http-files,
# takes up to 115 s beside another VM (the guest's default limit is 120 s).
VM_TEST_TIMEOUT ?= 300
# The debug suite takes 20 to 23 minutes in one VM on a quiet 2-core host,
# and has taken more than twice as long on a busy one: each VM gets 50
# minutes. DEBUG_JOBS: how many VMs share its tests (scripts/vm/check-debug.sh).
DEBUG_JOBS ?= 2
DEBUG_VM_TIMEOUT ?= 3000
KERNEL_RELEASE ?= $(lastword $(shell scripts/vm/kernels.sh 2>/dev/null))
KERNEL ?=
VM_KDIR = /usr/src/linux-headers-$(KERNEL_RELEASE)

.PHONY: check-runner
check-vm: userspace
	@VM_JOBS=$(VM_JOBS) scripts/vm/check-vm.sh --timeout $(VM_TIMEOUT) \
		--test-timeout $(VM_TEST_TIMEOUT) $(VM_ARGS)

# The runner's own self-test: known-good, warning, failing, crashing and
# hanging guests, a missing test, a hung task, an RCU stall, a module that
# will not unload (and, on a debug kernel, KASAN, UBSAN, lockdep, kmemleak
# and those checkers turned off) must be judged correctly; a VM name in use
# is refused, and a Ctrl-C stops the run and its QEMU
# (tests/runner/run.sh). KERNEL=dir runs it on a debug kernel instead.
check-runner:
	@$(if $(KERNEL),tests/runner/run.sh --kdir $(KERNEL)/build \
		--kernel $(KERNEL)/bzImage $(RUNNER_ARGS),tests/runner/run.sh \
		--kdir $(VM_KDIR) $(RUNNER_ARGS))

check-debug: userspace
	@test -n "$(KERNEL)" -a -r "$(KERNEL)/bzImage" -a -d "$(KERNEL)/build" || \
		{ echo "make: KERNEL=dir with bzImage and build/ is required" >&2; exit 1; }
	$(MAKE) modules KDIR=$(KERNEL)/build KTCP_TEST_HOOKS=y
	@DEBUG_JOBS=$(DEBUG_JOBS) scripts/vm/check-debug.sh \
		--kdir $(KERNEL)/build --kernel $(KERNEL)/bzImage \
		--timeout $(DEBUG_VM_TIMEOUT) --test-timeout 600 $(VM_ARGS)

# The kernel check-debug boots, built from Debian's linux-source-6.1
# (docs/security.md); about 25 minutes on 2 cores.
DEBUG_KERNEL_OUT ?= $(O)/debug-6.1
debug-kernel:
	@scripts/build-debug-kernel.sh $(DEBUG_KERNEL_OUT)

# Lifecycle torture (tests/vm/t-lifecycle.sh): CYCLES cycles of load, start,
# traffic, stop or rmmod, checked for leaks, on every installed cloud kernel,
# then on KERNEL=dir's debug kernel when given. A cycle takes 3 to 7 s on
# the cloud kernels under TCG (200: 10 to 25 minutes each), ten times that
# on the debug kernel.
CYCLES ?= 200
TORTURE_ARGS = --test lifecycle --append ktcpvm.cycles=$(CYCLES)
.PHONY: torture
torture: userspace
	@rc=0; \
	scripts/vm/check-vm.sh --timeout $$(($(CYCLES) * 40 + 900)) \
		--test-timeout $$(($(CYCLES) * 40 + 300)) $(TORTURE_ARGS) || rc=1; \
	if [ -n "$(KERNEL)" ]; then \
		$(MAKE) --no-print-directory modules KDIR=$(KERNEL)/build \
			KTCP_TEST_HOOKS=y && \
		scripts/vm/run.sh --kdir $(KERNEL)/build \
			--kernel $(KERNEL)/bzImage \
			--timeout $$(($(CYCLES) * 400 + 2400)) \
			--test-timeout $$(($(CYCLES) * 400 + 600)) \
			$(TORTURE_ARGS) || rc=1; \
	fi; exit $$rc

vm: userspace
	$(MAKE) modules KDIR=$(VM_KDIR) KTCP_TEST_HOOKS=y
	@scripts/vm/run.sh --kdir $(VM_KDIR) --mode shell $(VM_ARGS)

demo: userspace
	$(MAKE) modules KDIR=$(VM_KDIR) KTCP_TEST_HOOKS=y
	@scripts/vm/run.sh --kdir $(VM_KDIR) --mode demo $(VM_ARGS)

# --- lint -------------------------------------------------------------------
# checkpatch.pl: Debian's headers packages do not ship it; the debug kernel's
# build tree does. CHECKPATCH= overrides. Ignored checks (see scripts/lint.sh).
CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-headers-*/scripts/checkpatch.pl \
	$(O)/debug-6.1/build/scripts/checkpatch.pl))
lint:
	@CHECKPATCH="$(CHECKPATCH)" scripts/lint.sh

# --- formatting -------------------------------------------------------------
SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(SOURCES)

clean:
	rm -rf $(O)
endif # KTCP_DEPS_DONE
