# userspace/tools: TCP peers for the ktcp services. user-echo-server is the
# userspace baseline for kecho, echo-bench and htstress generate load and
# check byte-exactness. Plain C, pthreads; uring-echo-server, the io_uring
# peer, links liburing.

TOOLS := $(O)/tools/user-echo-server $(O)/tools/echo-bench $(O)/tools/htstress \
	$(O)/tools/uring-echo-server
TOOLS_COMMON := $(O)/obj/userspace/tools/tools.o \
	$(O)/obj/userspace/tools/pace.o
USER_TARGETS += $(TOOLS)
EXTRA_CFLAGS_tools := -pthread

$(O)/tools/user-echo-server: $(O)/obj/userspace/tools/user-echo-server.o
$(O)/tools/echo-bench: $(O)/obj/userspace/tools/bench.o
$(O)/tools/htstress: $(O)/obj/userspace/tools/htstress.o
$(O)/tools/uring-echo-server: $(O)/obj/userspace/tools/uring-echo-server.o
$(O)/tools/uring-echo-server: TOOL_LIBS := -luring

$(TOOLS): $(TOOLS_COMMON)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^ $(TOOL_LIBS) -lm

.PHONY: check-tools
# tcp-pairs (tests/drop) is the never-accepting listener of the --hold tests.
check-tools: $(TOOLS) $(O)/tools/tcp-pairs
	tests/tools/test-tools.sh
