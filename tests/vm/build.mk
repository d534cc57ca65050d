# Guest test helpers: each tests/vm/*.c but vmtest.c is one program, built to
# $(O)/tests/vm/ and copied with the scripts to /tests in the VM image.
# vmtest.c is what they share, linked into each.
VM_TEST_LIB := $(O)/obj/tests/vm/vmtest.o
VM_TEST_PROGS := $(patsubst tests/vm/%.c,$(O)/tests/vm/%,\
	$(filter-out tests/vm/vmtest.c,$(wildcard tests/vm/*.c)))
USER_TARGETS += $(VM_TEST_PROGS)

$(O)/tests/vm/%: $(O)/obj/tests/vm/%.o $(VM_TEST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# LD_PRELOAD libraries for guest tests, copied to /tests with the programs.
VM_TEST_PRELOADS := $(patsubst tests/vm/preload/%.c,$(O)/tests/vm/%.so,\
	$(wildcard tests/vm/preload/*.c))
USER_TARGETS += $(VM_TEST_PRELOADS)

$(O)/tests/vm/%.so: tests/vm/preload/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -fPIC -shared -o $@ $< -ldl
