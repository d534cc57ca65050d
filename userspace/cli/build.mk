# The ktcp CLI, $(O)/ktcp. libktcp is linked statically so that the binary
# runs from the build tree (and in the test VM) with only libnl and json-c.
CLI_DIR := userspace/cli
CLI_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard $(CLI_DIR)/*.c))
# Pure parts, also linked into the unit tests.
CLI_PURE_OBJS := $(O)/obj/$(CLI_DIR)/args.o $(O)/obj/$(CLI_DIR)/show.o \
	$(O)/obj/$(CLI_DIR)/drop_args.o $(O)/obj/$(CLI_DIR)/config.o \
	$(O)/obj/$(CLI_DIR)/prometheus.o $(O)/obj/$(CLI_DIR)/help.o \
	$(O)/obj/$(CLI_DIR)/accesslog.o $(O)/obj/$(CLI_DIR)/top_frame.o

$(O)/obj/$(CLI_DIR)/%.o: BASE_CFLAGS += -I$(LIBKTCP_DIR) $(JSON_CFLAGS)

$(O)/ktcp: $(CLI_OBJS) $(LIBKTCP_A)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJS) $(LIBKTCP_A) $(NL_LIBS) $(JSON_LIBS)

USER_TARGETS += $(O)/ktcp
