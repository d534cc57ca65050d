# libktcp: $(O)/libktcp.so.1 (soname libktcp.so.1), $(O)/libktcp.a and
# $(O)/libktcp.pc. Objects are position independent and hidden by default:
# only KTCP_EXPORT functions, matched by libktcp.map, are exported.
LIBKTCP_VERSION := 1.0.0
PREFIX ?= /usr/local
LIBKTCP_DIR := userspace/libktcp
LIBKTCP_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard $(LIBKTCP_DIR)/*.c))
LIBKTCP_SO := $(O)/libktcp.so.1
LIBKTCP_A := $(O)/libktcp.a
LIBKTCP_PC := $(O)/libktcp.pc $(O)/libktcp-uninstalled.pc

$(O)/obj/$(LIBKTCP_DIR)/%.o: BASE_CFLAGS += $(NL_CFLAGS) -fPIC \
	-fvisibility=hidden

$(LIBKTCP_SO): $(LIBKTCP_OBJS) $(LIBKTCP_DIR)/libktcp.map
	$(CC) -shared -Wl,-soname,libktcp.so.1 \
		-Wl,--version-script=$(LIBKTCP_DIR)/libktcp.map -Wl,-z,defs \
		$(CFLAGS) -o $@ $(LIBKTCP_OBJS) $(NL_LIBS)
	ln -sf libktcp.so.1 $(O)/libktcp.so

$(LIBKTCP_A): $(LIBKTCP_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/libktcp.pc: $(LIBKTCP_DIR)/libktcp.pc.in $(LIBKTCP_DIR)/build.mk
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIBKTCP_VERSION)|' \
		$< >$@

$(O)/libktcp-uninstalled.pc: $(LIBKTCP_DIR)/libktcp-uninstalled.pc.in \
		$(LIBKTCP_DIR)/build.mk
	@mkdir -p $(dir $@)
	sed -e 's|@BUILDDIR@|$(abspath $(O))|' \
		-e 's|@SRCDIR@|$(abspath $(LIBKTCP_DIR))|' \
		-e 's|@VERSION@|$(LIBKTCP_VERSION)|' $< >$@

USER_TARGETS += $(LIBKTCP_SO) $(LIBKTCP_A) $(LIBKTCP_PC)

# Installing (the library and everything else): install.mk.
