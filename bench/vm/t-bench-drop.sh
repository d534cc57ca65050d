#!/bin/bash
# Time to drop BENCH_DROP TIME_WAIT sockets: `ktcp drop` by filter (one
# request) and by tuple (`ktcp drop -` from ss's listing, 256 per
# request) against `ss -K`, BENCH_RUNS times each, the same way
# tests/vm/t-drop-many.sh checks them (tests/vm/drop-lib.sh).
# A measurement, not a test (make bench).
# shellcheck source=bench/vm/bench-lib.sh
. /tests/bench-lib.sh
# shellcheck source=tests/vm/drop-lib.sh
. /tests/drop-lib.sh
need ktcp tcp-pairs ss jq
need_module ktcp
bench_setup

# The other benchmarks run after this one in the same guest.
tw_reuse=$(cat /proc/sys/net/ipv4/tcp_tw_reuse)
trap 'echo "$tw_reuse" >/proc/sys/net/ipv4/tcp_tw_reuse' EXIT
drop_setup
n=$BENCH_DROP

# made PORT: make n TIME_WAIT sockets; print how many there are.
made() {
	local m
	make_tw "$1" "$n"
	m=$(tws "$1")
	# On the debug kernel one pair in a few hundred was once missing.
	[ "$m" -ge $((n - n / 100)) ] || fail "TIME_WAIT made: $m of $n"
	echo "$m"
}

emit "{\"bench\": \"plan\", \"name\": \"drop\", \"points\": $BENCH_RUNS}"
for run in $(seq "$BENCH_RUNS"); do
	progress "drop $run/$BENCH_RUNS: $n TIME_WAIT sockets, ktcp drop" \
		"(filter, tuples) and ss -K"
	m=$(made 12360)
	drop_by_filter 12360 "$m"
	filter_ms=$DROP_MS
	made 12361 >/dev/null
	drop_by_tuple 12361
	tuple_ms=$DROP_MS
	m_ss=$(made 12362)
	drop_by_ss 12362 || fail "ss -K left $DROP_LEFT of $m_ss TIME_WAIT"
	emit "{\"bench\": \"drop\", \"run\": $run, \"sockets\": $m,
		\"ss_sockets\": $m_ss, \"ktcp_filter_ms\": $filter_ms,
		\"ktcp_tuple_ms\": $tuple_ms, \"ss_ms\": $DROP_MS}"
done
