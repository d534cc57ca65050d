# libFuzzer targets (clang). `make check` runs each for FUZZ_TIME seconds:
#   make fuzz-http          build $(O)/fuzz/fuzz-http
#   make check-fuzz         run each target for FUZZ_TIME seconds
# A run starts from the seed corpus in tests/fuzz/corpus-<name>/ (which it
# never writes) and keeps what it finds in $(O)/fuzz/corpus-<name>/; a crash
# leaves $(O)/fuzz/crash-*. Add crashing inputs to the seed corpus, and as a
# unit test, once fixed. KHTTPD_PURE_SRCS comes from tests/unit/build.mk,
# included before this file.
FUZZ_CC ?= clang
FUZZ_TIME ?= 20
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Wno-unused-parameter $(if $(WERROR),-Werror)
FUZZ_DIR := tests/fuzz
FUZZ_HTTP_SRCS := $(FUZZ_DIR)/fuzz-http.c $(KHTTPD_PURE_SRCS)

.PHONY: fuzz-http check-fuzz
fuzz-http: $(O)/fuzz/fuzz-http

$(O)/fuzz/fuzz-http: $(FUZZ_HTTP_SRCS) $(wildcard $(KHTTPD_DIR)/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(KHTTPD_DIR) -Iinclude/uapi -o $@ \
		$(FUZZ_HTTP_SRCS)

check-fuzz: $(O)/fuzz/fuzz-http
	@mkdir -p $(O)/fuzz/corpus-http
	$(O)/fuzz/fuzz-http -max_total_time=$(FUZZ_TIME) -max_len=20000 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-dict=$(FUZZ_DIR)/http.dict -artifact_prefix=$(O)/fuzz/ \
		$(O)/fuzz/corpus-http $(FUZZ_DIR)/corpus-http
