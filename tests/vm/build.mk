# Guest test helpers: each tests/vm/*.c is one program, built to
# $(O)/tests/vm/ and copied with the scripts to /tests in the VM image.
VM_TEST_PROGS := $(patsubst tests/vm/%.c,$(O)/tests/vm/%,$(wildcard tests/vm/*.c))
USER_TARGETS += $(VM_TEST_PROGS)

$(O)/tests/vm/%: $(O)/obj/tests/vm/%.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
