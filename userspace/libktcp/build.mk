# libktcp: $(O)/libktcp.so.$(LIBKTCP_VERSION) (soname libktcp.so.MAJOR),
# $(O)/libktcp.a and $(O)/libktcp.pc. Objects are position independent and
# hidden by default: only KTCP_EXPORT functions, listed by name in
# libktcp.map, are exported, and the archive exports the same (its
# internal ktcp_* functions are made local).
LIBKTCP_DIR := userspace/libktcp
PREFIX ?= /usr/local
OBJCOPY ?= objcopy

# The one version of the package is KTCP_VERSION_MAJOR/MINOR/PATCH in
# ktcp.h (C users see it there); everything else is made from it.
ktcp_version_part = $(shell sed -n \
	's/^.define KTCP_VERSION_$(1) \([0-9][0-9]*\)$$/\1/p' $(LIBKTCP_DIR)/ktcp.h)
LIBKTCP_MAJOR := $(call ktcp_version_part,MAJOR)
LIBKTCP_VERSION := $(LIBKTCP_MAJOR).$(call ktcp_version_part,MINOR).$(call \
	ktcp_version_part,PATCH)
ifneq ($(words $(subst ., ,$(LIBKTCP_VERSION))),3)
$(error $(LIBKTCP_DIR)/ktcp.h: no KTCP_VERSION_MAJOR/MINOR/PATCH lines)
endif
LIBKTCP_SONAME := libktcp.so.$(LIBKTCP_MAJOR)

LIBKTCP_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard $(LIBKTCP_DIR)/*.c))
LIBKTCP_SO := $(O)/libktcp.so.$(LIBKTCP_VERSION)
LIBKTCP_A := $(O)/libktcp.a
LIBKTCP_PC := $(O)/libktcp.pc $(O)/libktcp-uninstalled.pc

$(O)/obj/$(LIBKTCP_DIR)/%.o: BASE_CFLAGS += $(NL_CFLAGS) -fPIC \
	-fvisibility=hidden

# Linked against the real file name, with the soname and .so links beside
# it as ldconfig and make install make them.
$(LIBKTCP_SO): $(LIBKTCP_OBJS) $(LIBKTCP_DIR)/libktcp.map
	rm -f $(O)/libktcp.so.[0-9]*
	$(CC) -shared -Wl,-soname,$(LIBKTCP_SONAME) \
		-Wl,--version-script=$(LIBKTCP_DIR)/libktcp.map -Wl,-z,defs \
		$(CFLAGS) -o $@ $(LIBKTCP_OBJS) $(NL_LIBS)
	ln -sf $(notdir $@) $(O)/$(LIBKTCP_SONAME)
	ln -sf $(LIBKTCP_SONAME) $(O)/libktcp.so

# One relocatable object whose hidden symbols (everything but KTCP_EXPORT)
# are made local: a program linking libktcp.a sees the API only, and its
# own ktcp_msg_new() or ktcp_parse_id() cannot clash with ours.
$(LIBKTCP_A): $(LIBKTCP_OBJS)
	rm -f $@ $(O)/obj/libktcp-all.o
	$(LD) -r -o $(O)/obj/libktcp-all.o $^
	$(OBJCOPY) --localize-hidden $(O)/obj/libktcp-all.o
	$(AR) rcs $@ $(O)/obj/libktcp-all.o

$(O)/libktcp.pc: $(LIBKTCP_DIR)/libktcp.pc.in $(LIBKTCP_DIR)/build.mk \
		$(LIBKTCP_DIR)/ktcp.h
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIBKTCP_VERSION)|' \
		$< >$@

$(O)/libktcp-uninstalled.pc: $(LIBKTCP_DIR)/libktcp-uninstalled.pc.in \
		$(LIBKTCP_DIR)/build.mk $(LIBKTCP_DIR)/ktcp.h
	@mkdir -p $(dir $@)
	sed -e 's|@BUILDDIR@|$(abspath $(O))|' \
		-e 's|@SRCDIR@|$(abspath $(LIBKTCP_DIR))|' \
		-e 's|@VERSION@|$(LIBKTCP_VERSION)|' $< >$@

USER_TARGETS += $(LIBKTCP_SO) $(LIBKTCP_A) $(LIBKTCP_PC)

# check-abi: the exports, the version node, the archive's symbols, and the
# ABI against the committed baseline (scripts/check-abi.sh; abigail-tools).
.PHONY: check-abi abi-baseline
check-abi: $(LIBKTCP_SO) $(LIBKTCP_A)
	@scripts/check-abi.sh --lib $(LIBKTCP_SO) --archive $(LIBKTCP_A)

# A new baseline, for a release that changes the soname (or adds to it).
abi-baseline: $(LIBKTCP_SO)
	@scripts/check-abi.sh --lib $(LIBKTCP_SO) --update

# Installing (the library and everything else): install.mk.
