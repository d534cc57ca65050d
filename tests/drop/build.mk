# Helpers of the drop VM tests (tests/vm/t-drop-*.sh), in $(O)/tools so the
# VM image picks them up with the other tools.
DROP_TOOLS := $(O)/tools/tcp-pairs
USER_TARGETS += $(DROP_TOOLS)

$(O)/tools/tcp-pairs: $(O)/obj/tests/drop/tcp-pairs.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
