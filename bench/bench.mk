# Benchmarks (bench/run.sh boots the VM with bench/vm/t-bench-*.sh; results
# in $(O)/bench, see docs/benchmarks.md). They measure and never judge:
# check-bench, part of make check, runs each once at tiny size and fails
# only when a benchmark script breaks (missing numbers, a crash, bad JSON).
# BENCH_ARGS: more bench/run.sh arguments, e.g. "--runs 5 --only echo,http";
# BENCH_KERNEL: the guest kernel release (default the newest installed).
BENCH_ARGS ?=
BENCH_KERNEL ?=
BENCH_RUN = bench/run.sh $(if $(BENCH_KERNEL),--kernel $(BENCH_KERNEL))

.PHONY: bench bench-publish check-bench
bench: userspace
	@$(BENCH_RUN) $(BENCH_ARGS)

# The same, then docs/bench/*.png and the table in docs/benchmarks.md.
bench-publish: userspace
	@$(BENCH_RUN) --publish $(BENCH_ARGS)

check-bench: userspace
	@$(BENCH_RUN) --quick

check: check-bench
