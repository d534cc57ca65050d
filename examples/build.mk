# The example is built exactly as a user would build it, through
# pkg-config (the build tree's libktcp-uninstalled.pc), and runs in the VM
# tests as proof that the library works for an outside program.
KTCP_EXAMPLE := $(O)/tools/ktcp-example
USER_TARGETS += $(KTCP_EXAMPLE)

$(KTCP_EXAMPLE): examples/ktcp-example.c $(LIBKTCP_SO) $(O)/libktcp-uninstalled.pc
	@mkdir -p $(dir $@)
	@# examples/Makefile knows only the source: relink for a new library.
	rm -f $@
	PKG_CONFIG_PATH=$(abspath $(O)) $(MAKE) -C examples \
		CFLAGS="-O2 -g -Wall -Wextra $(if $(WERROR),-Werror)" \
		OUT=$(abspath $@)
