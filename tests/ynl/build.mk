# ktcp-ynl-client: a client whose netlink code the kernel's YNL generator
# made from include/uapi/linux/ktcp.yaml (scripts/check-ynl.sh), linked
# with the ynl library of linux-source-6.12; tests/vm/t-ynl.sh runs it
# against the module. Built only where that source is installed (make
# deps installs it): without it t-ynl fails for want of the client.
YNL_CLIENT := $(O)/tools/ktcp-ynl-client
YNL_GEN := $(O)/ynl/gen
YNL_LIB := $(O)/ynl/src/tools/net/ynl/lib

ifneq ($(wildcard /usr/src/linux-source-6.12.tar.xz),)
USER_TARGETS += $(YNL_CLIENT)
endif

$(YNL_GEN)/ktcp-user.c: include/uapi/linux/ktcp.yaml \
		include/uapi/linux/ktcp.h scripts/check-ynl.sh
	O=$(O) scripts/check-ynl.sh

$(YNL_CLIENT): tests/ynl/ynl-client.c $(YNL_GEN)/ktcp-user.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(CFLAGS) -I$(YNL_GEN) -I$(YNL_LIB) -Iinclude/uapi \
		-o $@ tests/ynl/ynl-client.c $(YNL_GEN)/ktcp-user.c \
		$(YNL_LIB)/ynl.c
