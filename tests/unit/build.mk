# Unit tests (Check): $(O)/tests/check-all runs every cksuite-*.c. They
# link the library's and the CLI's objects directly, internals included
# (libktcp.a exports the API only).
UNIT_DIR := tests/unit
UNIT_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard $(UNIT_DIR)/*.c))

# khttpd's pure HTTP code, built for userspace by the generic
# $(O)/obj/%.o rule: it includes only http_types.h, which maps to libc here.
KHTTPD_DIR := kernel/khttpd
KHTTPD_PURE_SRCS := $(addprefix $(KHTTPD_DIR)/,http_parser.c http_path.c \
	http_range.c http_date.c http_etag.c http_listing.c http_head.c)
KHTTPD_PURE_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(KHTTPD_PURE_SRCS))

# The load generators' pure logic (open-loop schedule, percentiles).
UNIT_TOOLS_OBJS := $(TOOLS_COMMON)

$(O)/obj/$(UNIT_DIR)/%.o: BASE_CFLAGS += -I$(LIBKTCP_DIR) -I$(CLI_DIR) \
	-I$(KHTTPD_DIR) -Ikernel -Iuserspace/tools $(NL_CFLAGS) $(JSON_CFLAGS) $(CHECK_CFLAGS)

$(O)/tests/check-all: $(UNIT_OBJS) $(CLI_PURE_OBJS) $(KHTTPD_PURE_OBJS) \
		$(LIBKTCP_OBJS) $(UNIT_TOOLS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(UNIT_OBJS) $(CLI_PURE_OBJS) \
		$(KHTTPD_PURE_OBJS) $(LIBKTCP_OBJS) $(UNIT_TOOLS_OBJS) \
		$(NL_LIBS) $(JSON_LIBS) $(CHECK_LIBS) -pthread -lm

UNIT_TESTS += $(O)/tests/check-all
