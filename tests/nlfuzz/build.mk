# nlfuzz: the netlink fuzzer of the VM test t-nlfuzz. In $(O)/tools, like
# nlsend, so the VM image picks it up; its seed corpus, tests/nlfuzz/corpus,
# goes to /tests/nlfuzz-corpus there (scripts/vm/mkinitramfs.sh).
# `make nlfuzz-corpus` rewrites the corpus from the generator in nlfuzz.
NLFUZZ := $(O)/tools/nlfuzz
NLFUZZ_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard tests/nlfuzz/*.c))
USER_TARGETS += $(NLFUZZ)
EXTRA_CFLAGS_nlfuzz := -Iuserspace/tools

$(NLFUZZ): $(NLFUZZ_OBJS) $(TOOLS_COMMON)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^ -lm

.PHONY: nlfuzz-corpus
nlfuzz-corpus: $(NLFUZZ)
	rm -f tests/nlfuzz/corpus/*.hex
	@mkdir -p tests/nlfuzz/corpus
	$(NLFUZZ) --gen-corpus tests/nlfuzz/corpus
