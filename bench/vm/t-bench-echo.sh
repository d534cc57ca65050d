#!/bin/bash
# Echo throughput and latency: kecho (its connections on the server CPUs,
# --cpus, and with --wq percpu, which runs where the packets arrive and so
# cannot be pinned) against user-echo-server with 1 and 2 threads and
# uring-echo-server (io_uring) with 1, all driven by echo-bench on its own
# CPU, BENCH_RUNS times, servers interleaved within each run so drift hits
# them alike; kecho also with its service times not recorded (ktcp's
# parameter latency=0: "kecho-nolat"), for what recording costs. Each run
# has two phases:
#   closed loop: every connection count times every message size;
#   open loop: kecho, user-echo-server -t 1 and uring-echo-server offered
#   the same fixed rate (echo-bench --rate), 50 % and 90 % of the slowest
#   of the three's closed-loop maximum at that point in this run, so their
#   latencies compare at equal load.
# A measurement, not a test (make bench).
# shellcheck source=bench/vm/bench-lib.sh
. /tests/bench-lib.sh
need ktcp echo-bench user-echo-server uring-echo-server
need_module ktcp kecho
bench_setup

SERVERS="kecho kecho-percpu kecho-nolat user-t1 user-t2 uring"
# Every other run swaps kecho and kecho-nolat, whose ratio is a 2 % target:
# going first in a run must not count as the histograms' cost.
SERVERS_SWAPPED="kecho-nolat kecho-percpu kecho user-t1 user-t2 uring"
LATENCY_PARAM=/sys/module/ktcp/parameters/latency
# Compared at equal offered load; the open loop's rate is a share of the
# slowest of them.
OPEN_SERVERS="kecho user-t1 uring"
OPEN_LOADS="50 90"

start_server() {
	case $1 in
	kecho) ktcp_start echo --port 12345 ;;
	kecho-percpu) ktcp_start echo --port 12345 --wq percpu ;;
	kecho-nolat)
		echo 0 >"$LATENCY_PARAM" || fail "cannot switch latency off"
		ktcp_start echo --port 12345
		;;
	user-t1) user_echo_start 1 ;;
	user-t2) user_echo_start 2 ;;
	uring) uring_echo_start 1 ;;
	esac
	wait_port 12345
}

stop_server() {
	case $1 in
	kecho-nolat)
		ktcp_stop
		echo 1 >"$LATENCY_PARAM"
		;;
	kecho*) ktcp_stop ;;
	*) stop_pid "$UES_PID" ;;
	esac
}

# point SERVER RUN CONNS SIZE: one closed-loop run, one record; its
# throughput is kept in MAX for the open loop.
declare -A MAX
point() {
	local out rc=0
	out=$("${ON_CLIENT[@]}" echo-bench -p 12345 -c "$3" -s "$4" \
		-d "$BENCH_SECS" --timeout 30000 --server-cpus "$SERVER_CPUS" \
		--json 2>"$TEST_TMP/eb.err") || rc=$?
	# 1 means errors, which are part of the result; anything else broke.
	[ $rc -le 1 ] || fail "echo-bench exited $rc: $(cat "$TEST_TMP/eb.err")"
	has_number "$out" msgs_per_s ||
		fail "echo-bench printed no throughput: $out"
	MAX[$1,$3,$4]=$(json_num "$out" msgs_per_s)
	emit "{\"bench\": \"echo\", \"server\": \"$1\", \"run\": $2,
		\"conns\": $3, \"size\": $4, \"out\": $out}"
}

# open_rate CONNS SIZE LOAD: LOAD % of the slowest open-loop server's
# closed-loop messages/s at this point of this run, 0 if one served none.
open_rate() {
	local s min='' v
	for s in $OPEN_SERVERS; do
		v=${MAX[$s,$1,$2]%.*}
		[ -n "$min" ] && [ "$min" -le "$v" ] || min=$v
	done
	echo $((min * $3 / 100))
}

# open_point SERVER RUN CONNS SIZE LOAD: one open-loop run at LOAD % of
# the slowest server's maximum, one record; "out": null when there was no
# rate to offer (a server served nothing in the closed loop).
open_point() {
	local out rc=0 rate
	rate=$(open_rate "$3" "$4" "$5")
	if [ "$rate" -lt 1 ]; then
		out=null
	else
		out=$("${ON_CLIENT[@]}" echo-bench -p 12345 -c "$3" -s "$4" \
			-d "$BENCH_SECS" --rate "$rate" --timeout 30000 \
			--server-cpus "$SERVER_CPUS" --json \
			2>"$TEST_TMP/eb.err") || rc=$?
		[ $rc -le 1 ] ||
			fail "echo-bench exited $rc: $(cat "$TEST_TMP/eb.err")"
		has_number "$out" achieved_per_s ||
			fail "echo-bench printed no achieved rate: $out"
	fi
	emit "{\"bench\": \"echo-open\", \"server\": \"$1\", \"run\": $2,
		\"conns\": $3, \"size\": $4, \"load\": $5, \"rate\": $rate,
		\"out\": $out}"
}

nservers=$(wc -w <<<"$SERVERS")
npoints=$(($(wc -w <<<"$BENCH_CONNS") * $(wc -w <<<"$BENCH_SIZES")))
nopen=$(($(wc -w <<<"$OPEN_SERVERS") * $(wc -w <<<"$OPEN_LOADS")))
total=$((BENCH_RUNS * nservers * npoints))
total_open=$((BENCH_RUNS * nopen * npoints))
emit "{\"bench\": \"plan\", \"name\": \"echo\", \"points\": $total}"
emit "{\"bench\": \"plan\", \"name\": \"echo-open\",
	\"points\": $total_open}"
i=0
j=0
for run in $(seq "$BENCH_RUNS"); do
	order=$SERVERS
	[ $((run % 2)) -eq 1 ] || order=$SERVERS_SWAPPED
	for s in $order; do
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
	for s in $OPEN_SERVERS; do
		start_server "$s"
		for c in $BENCH_CONNS; do
			for size in $BENCH_SIZES; do
				for load in $OPEN_LOADS; do
					j=$((j + 1))
					progress "echo open loop $j/$total_open:" \
						"run $run, $s, $c connections," \
						"$size B, $load %"
					open_point "$s" "$run" "$c" "$size" "$load"
				done
			done
		done
		stop_server "$s"
	done
done
