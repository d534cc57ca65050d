#!/bin/bash
# Echo throughput and latency: kecho (unbound workqueue pinned to the server
# CPUs, and its percpu workqueue, which runs where the packets arrive and
# so cannot be pinned) against user-echo-server with 1 and 2 threads, all
# driven by echo-bench on its own CPU: closed loop, every connection count
# times every message size, BENCH_RUNS times, servers interleaved within
# each run so drift hits them alike. A measurement, not a test (make bench).
# shellcheck source=bench/vm/bench-lib.sh
. /tests/bench-lib.sh
need ktcp echo-bench user-echo-server
need_module ktcp kecho
bench_setup

SERVERS="kecho kecho-percpu user-t1 user-t2"

start_server() {
	case $1 in
	kecho) ktcp_start echo --port 12345 ;;
	kecho-percpu) ktcp_start echo --port 12345 --wq percpu ;;
	user-t1) user_echo_start 1 ;;
	user-t2) user_echo_start 2 ;;
	esac
	wait_port 12345
}

stop_server() {
	case $1 in
	kecho*) ktcp_stop ;;
	*) stop_pid "$UES_PID" ;;
	esac
}

# point SERVER RUN CONNS SIZE: one closed-loop run, one record.
point() {
	local out rc=0
	out=$("${ON_CLIENT[@]}" echo-bench -p 12345 -c "$3" -s "$4" \
		-d "$BENCH_SECS" --timeout 30000 --json \
		2>"$TEST_TMP/eb.err") || rc=$?
	# 1 means errors, which are part of the result; anything else broke.
	[ $rc -le 1 ] || fail "echo-bench exited $rc: $(cat "$TEST_TMP/eb.err")"
	has_number "$out" msgs_per_s ||
		fail "echo-bench printed no throughput: $out"
	emit "{\"bench\": \"echo\", \"server\": \"$1\", \"run\": $2,
		\"conns\": $3, \"size\": $4, \"out\": $out}"
}

nservers=$(wc -w <<<"$SERVERS")
total=$((BENCH_RUNS * nservers * $(wc -w <<<"$BENCH_CONNS") *
	$(wc -w <<<"$BENCH_SIZES")))
emit "{\"bench\": \"plan\", \"name\": \"echo\", \"points\": $total}"
i=0
for run in $(seq "$BENCH_RUNS"); do
	for s in $SERVERS; do
		start_server "$s"
		for c in $BENCH_CONNS; do
			for size in $BENCH_SIZES; do
				i=$((i + 1))
				progress "echo $i/$total: run $run, $s," \
					"$c connections, $size B"
				point "$s" "$run" "$c" "$size"
			done
		done
		stop_server "$s"
	done
done
