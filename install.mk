# make install / uninstall, DKMS sources, and their host-side tests.
# Included from the top Makefile after the build.mk files (it uses their
# LIBKTCP_*, the krelease function, KDIR and PREFIX).
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [KDIR=...]
#       install-user:    bin/ktcp, lib/libktcp.so.2.x.y + links, libktcp.a,
#                        pkgconfig/libktcp.pc, include/ktcp.h and
#                        include/linux/ktcp.h, man pages, bash completion,
#                        lib/systemd/system/ktcp.service (ktcp apply at
#                        boot) and lib/modules-load.d/ktcp.conf
#       install-modules: ktcp.ko, kecho.ko, khttpd.ko (built with
#                        `make modules KDIR=...`) to
#                        $(DESTDIR)/lib/modules/$(KRELEASE)/extra, then depmod
#   make uninstall       removes exactly those files (same variables)
#   make install-dkms    module sources and dkms.conf (from dkms.conf.in) to
#                        $(DESTDIR)/usr/src/ktcp-$(KTCP_VERSION) for
#                        `dkms add/build/install ktcp/$(KTCP_VERSION)`
#   make uninstall-dkms  removes that directory
#
# With DESTDIR set (staging, packaging) neither depmod nor ldconfig runs:
# the target system runs them when the files land there.

# The one version number of the package: KTCP_VERSION_* in libktcp's ktcp.h
# (userspace/libktcp/build.mk reads it); dkms.conf is made from it.
KTCP_VERSION := $(LIBKTCP_VERSION)
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd looks in /usr/local/lib/... too, so these follow PREFIX.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
# The kernel the modules are installed for: KDIR's release by default.
KRELEASE ?= $(call krelease,$(KDIR))
MODULES_DIR = /lib/modules/$(KRELEASE)/extra
DKMS_SRCDIR = /usr/src/ktcp-$(KTCP_VERSION)

INST_MODULES := ktcp kecho khttpd
# Where `make modules` leaves each one, under $(O)/kmod/<release>/kernel.
INST_KO = $(addprefix $(O)/kmod/$(KRELEASE)/kernel/,ktcp.ko kecho/kecho.ko \
	khttpd/khttpd.ko)
INST_LIB_REAL := libktcp.so.$(LIBKTCP_VERSION)
INST_MAN := docs/ktcp.8 docs/libktcp.3 docs/ktcp.7 docs/ktcp.conf.5
INST_COMPLETION := userspace/cli/ktcp-completion.bash
# Every file install-user creates, relative to $(DESTDIR); uninstall-user
# removes this list, so the two cannot disagree.
INST_USER_FILES = $(BINDIR)/ktcp $(LIBDIR)/$(INST_LIB_REAL) \
	$(LIBDIR)/$(LIBKTCP_SONAME) $(LIBDIR)/libktcp.so $(LIBDIR)/libktcp.a \
	$(LIBDIR)/pkgconfig/libktcp.pc $(INCLUDEDIR)/ktcp.h \
	$(INCLUDEDIR)/linux/ktcp.h $(BASHCOMPDIR)/ktcp \
	$(SYSTEMDUNITDIR)/ktcp.service $(MODULESLOADDIR)/ktcp.conf \
	$(foreach m,$(INST_MAN),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
# What the module build needs, for DKMS: sources and Kbuild files of
# kernel/ (no build products) and the UAPI header; and dkms.conf, made
# from dkms.conf.in.
DKMS_FILES = include/uapi/linux/ktcp.h \
	$(shell find kernel -name Kbuild -o \( -name '*.[ch]' ! -name '*.mod.c' \) | sort)

.PHONY: install uninstall install-user uninstall-user install-modules \
	print-version \
	uninstall-modules install-dkms uninstall-dkms install-libktcp \
	check-install check-dkms check-spec check-completion check-cli check-json
install: install-user install-modules
# For scripts: the package's version, e.g. 2.0.0.
print-version:
	@echo $(KTCP_VERSION)
uninstall: uninstall-user uninstall-modules
# The former name of install-user.
install-libktcp: install-user

# libdir/includedir in the .pc follow LIBDIR/INCLUDEDIR when they are not
# the defaults under PREFIX.
INST_PC_SED = -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIBKTCP_VERSION)|' \
	$(if $(filter-out $(PREFIX)/lib,$(LIBDIR)),-e 's|^libdir=.*|libdir=$(LIBDIR)|') \
	$(if $(filter-out $(PREFIX)/include,$(INCLUDEDIR)),-e 's|^includedir=.*|includedir=$(INCLUDEDIR)|')

install-user: $(O)/ktcp $(LIBKTCP_SO) $(LIBKTCP_A)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(MODULESLOADDIR) \
		$(foreach s,3 5 7 8,$(DESTDIR)$(MANDIR)/man$(s))
	install -m 0755 $(O)/ktcp $(DESTDIR)$(BINDIR)/ktcp
	install -m 0755 $(LIBKTCP_SO) $(DESTDIR)$(LIBDIR)/$(INST_LIB_REAL)
	ln -sfn $(INST_LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIBKTCP_SONAME)
	ln -sfn $(LIBKTCP_SONAME) $(DESTDIR)$(LIBDIR)/libktcp.so
	install -m 0644 $(LIBKTCP_A) $(DESTDIR)$(LIBDIR)/libktcp.a
	# Generated here, not copied from $(O): PREFIX may differ from the build's.
	sed $(INST_PC_SED) $(LIBKTCP_DIR)/libktcp.pc.in \
		>$(DESTDIR)$(LIBDIR)/pkgconfig/libktcp.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/libktcp.pc
	install -m 0644 $(LIBKTCP_DIR)/ktcp.h $(DESTDIR)$(INCLUDEDIR)/ktcp.h
	install -m 0644 include/uapi/linux/ktcp.h $(DESTDIR)$(INCLUDEDIR)/linux/ktcp.h
	$(foreach m,$(INST_MAN),install -m 0644 $(m) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m));)
	install -m 0644 $(INST_COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/ktcp
	# The unit runs the ktcp installed here.
	sed 's|@BINDIR@|$(BINDIR)|g' dist/ktcp.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/ktcp.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/ktcp.service
	install -m 0644 dist/modules-load.conf \
		$(DESTDIR)$(MODULESLOADDIR)/ktcp.conf
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

uninstall-user:
	rm -f $(addprefix $(DESTDIR),$(INST_USER_FILES))
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

# depmod makes `modprobe ktcp` and the module aliases (the family's, and
# ktcp-service-echo/http that starting a server requests) work.
install-modules:
	@test -n "$(KRELEASE)" || { echo "make: no kernel release: pass KDIR=" \
		"(headers the modules were built with) or KRELEASE=" >&2; exit 1; }
	@for f in $(INST_KO); do test -r $$f || { echo "make: $$f missing:" \
		"run 'make modules KDIR=...' for $(KRELEASE) first" >&2; exit 1; }; done
	install -d $(DESTDIR)$(MODULES_DIR)
	install -m 0644 $(INST_KO) $(DESTDIR)$(MODULES_DIR)/
	@if [ -n "$(DESTDIR)" ]; then echo "make: DESTDIR is set, so depmod did" \
		"not run: run 'depmod $(KRELEASE)' where the modules land"; \
	else echo "depmod -a $(KRELEASE)"; depmod -a $(KRELEASE); fi

uninstall-modules:
	@test -n "$(KRELEASE)" || { echo "make: no kernel release: pass KDIR= or" \
		"KRELEASE=" >&2; exit 1; }
	rm -f $(foreach m,$(INST_MODULES),$(DESTDIR)$(MODULES_DIR)/$(m).ko)
	@if [ -z "$(DESTDIR)" ]; then echo "depmod -a $(KRELEASE)"; \
		depmod -a $(KRELEASE); fi

install-dkms:
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	@for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f || exit 1; done
	sed 's|@VERSION@|$(KTCP_VERSION)|' dkms.conf.in \
		>$(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
	@echo "make: sources in $(DESTDIR)$(DKMS_SRCDIR); now:" \
		"dkms add ktcp/$(KTCP_VERSION) && dkms install ktcp/$(KTCP_VERSION)"

uninstall-dkms:
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)

# --- the libnl client of ktcp(7) --------------------------------------------
# Built from the man page itself (scripts/man-example.sh), so the page
# cannot show code that does not compile; the VM tests run it
# (tests/vm/t-install.sh), so it cannot show code that does not work.
KTCP_MAN_EXAMPLE := $(O)/tools/ktcp-man-example
USER_TARGETS += $(KTCP_MAN_EXAMPLE)

$(KTCP_MAN_EXAMPLE): docs/ktcp.7 scripts/man-example.sh include/uapi/linux/ktcp.h
	@mkdir -p $(dir $@) $(O)/obj/docs
	scripts/man-example.sh $< >$(O)/obj/docs/ktcp-man-example.c
	$(CC) -std=gnu11 -Iinclude/uapi $(NL_CFLAGS) $(WARN_CFLAGS) $(CFLAGS) \
		-o $@ $(O)/obj/docs/ktcp-man-example.c $(NL_LIBS)

# --- tests ------------------------------------------------------------------
# check-spec: include/uapi/linux/ktcp.yaml against ktcp.h and kernel/, and
# through the kernel's YNL generator (scripts/check-ynl.sh), and both
# checkers against copies changed in one place each.
check-spec:
	@tests/spec/test.sh

# check-cli: the CLI's options, help and man-page recipe on the host.
check-cli: userspace
	@tests/cli/test.sh

# check-json: docs/ktcp.schema.json and scripts/check-json.py, which
# checks the VM suite's real `ktcp --json` output with it (run.sh, after
# tests/vm/t-cli.sh), against documents that must pass and the 2.0.0
# shapes that must fail.
check-json:
	@tests/json/test.sh

# check-completion: the bash completion, driven as bash drives it.
check-completion:
	@tests/completion/test.sh

# check-install: install into a staging root, build the example against it
# with pkg-config, run the installed ktcp, resolve the modules' aliases in
# the staged tree, uninstall, and require that nothing is left.
check-install: userspace
	$(MAKE) --no-print-directory modules
	@scripts/check-install.sh --kdir "$(KDIR)"

# check-dkms: dkms add/build/install into a throw-away dkms tree for every
# installed cloud kernel (scripts/check-dkms.sh; /var/lib/dkms is not used).
check-dkms:
	@scripts/check-dkms.sh
