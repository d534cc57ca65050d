#!/bin/bash
# Echo throughput and latency: kecho (its connections on the server CPUs,
# --cpus, and with --wq percpu, which runs where the packets arrive and so
# cannot be pinned) against user-echo-server with 1 and 2 threads and
# uring-echo-server (io_uring) with 1, all driven by echo-bench on its own
# CPU, BENCH_RUNS times, servers interleaved within each run so drift hits
# them alike. Each run has three phases:
#   closed loop: every connection count times every message size;
#   open loop: kecho, user-echo-server -t 1 and uring-echo-server offered
#   the same fixed rate (echo-bench --rate), 50 % and 90 % of the slowest
#   of the three's closed-loop maximum at that point in this run, so their
#   latencies compare at equal load;
#   histograms: what recording service times costs kecho. One server runs
#   throughout and ktcp's parameter "latency" flips between closed-loop
#   runs, HIST_PAIRS pairs per point, each pair in the other order than
#   the last: the static key is all that changes, and the with / without
#   ratio of a pair is free of restarts and of drift slower than a pair.
#   TCG's noise is still larger than 2 %, so the cost is also read off a
#   perf profile of the server CPUs at each connection count with the
#   smallest message (where recording weighs most): the share of their
#   busy time spent recording (latency-share.awk).
# A measurement, not a test (make bench).
# shellcheck source=bench/vm/bench-lib.sh
. /tests/bench-lib.sh
need ktcp echo-bench user-echo-server uring-echo-server perf
need_module ktcp kecho
bench_setup

SERVERS="kecho kecho-percpu user-t1 user-t2 uring"
LATENCY_PARAM=/sys/module/ktcp/parameters/latency
# The histograms' cost is a 2 % target, below TCG's run-to-run noise:
# it takes many pairs to tell.
HIST_PAIRS=4
# Compared at equal offered load; the open loop's rate is a share of the
# slowest of them.
OPEN_SERVERS="kecho user-t1 uring"
OPEN_LOADS="50 90"

start_server() {
	case $1 in
	kecho) ktcp_start echo --port 12345 ;;
	kecho-percpu) ktcp_start echo --port 12345 --wq percpu ;;
	user-t1) user_echo_start 1 ;;
	user-t2) user_echo_start 2 ;;
	uring) uring_echo_start 1 ;;
	esac
	wait_port 12345
}

stop_server() {
	case $1 in
	kecho*) ktcp_stop ;;
	*) stop_pid "$UES_PID" ;;
	esac
}

# closed_run CONNS SIZE: echo-bench's --json output of one closed-loop run
# against the server on port 12345, its CPUs measured.
closed_run() {
	local out rc=0
	out=$("${ON_CLIENT[@]}" echo-bench -p 12345 -c "$1" -s "$2" \
		-d "$BENCH_SECS" --timeout 30000 --server-cpus "$SERVER_CPUS" \
		--json 2>"$TEST_TMP/eb.err") || rc=$?
	# 1 means errors, which are part of the result; anything else broke.
	[ $rc -le 1 ] || fail "echo-bench exited $rc: $(cat "$TEST_TMP/eb.err")"
	has_number "$out" msgs_per_s ||
		fail "echo-bench printed no throughput: $out"
	echo "$out"
}

# point SERVER RUN CONNS SIZE: one closed-loop run, one record; its
# throughput is kept in MAX for the open loop.
declare -A MAX
point() {
	local out
	out=$(closed_run "$3" "$4") || exit 1
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

# hist_point RUN PAIR LATENCY CONNS SIZE: one closed-loop run of the kecho
# that runs, with its service times recorded (LATENCY 1) or not (0).
hist_point() {
	local out
	echo "$3" >"$LATENCY_PARAM" || fail "cannot set latency=$3"
	out=$(closed_run "$4" "$5") || exit 1
	emit "{\"bench\": \"echo-hist\", \"run\": $1, \"pair\": $2,
		\"latency\": $3, \"conns\": $4, \"size\": $5, \"out\": $out}"
}

# prof_point RUN CONNS SIZE: a closed-loop run of the kecho that runs, its
# server CPUs profiled (cpu-clock, call chains) for PROF_SECS inside it;
# one record: samples, busy samples, samples recording service times.
# perf takes a second or more to start under TCG: the load runs on well
# past the profile's end.
PROF_SECS=3
prof_point() {
	local pid counts samples busy recording
	"${ON_CLIENT[@]}" echo-bench -p 12345 -c "$2" -s "$3" \
		-d $((PROF_SECS + 4)) --timeout 30000 \
		>/dev/null 2>"$TEST_TMP/eb.err" &
	pid=$!
	sleep 1
	perf record -q -e cpu-clock -F 4000 -g -C "$SERVER_CPUS" \
		-o "$TEST_TMP/perf.data" -- sleep "$PROF_SECS" \
		>"$TEST_TMP/perf.err" 2>&1 ||
		fail "perf record failed: $(cat "$TEST_TMP/perf.err")"
	wait "$pid" || [ $? -le 1 ] ||
		fail "echo-bench failed: $(cat "$TEST_TMP/eb.err")"
	counts=$(perf script -i "$TEST_TMP/perf.data" -F ip,sym 2>/dev/null |
		awk -f /tests/latency-share.awk)
	[[ $counts =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]] ||
		fail "no profile from perf: '$counts'"
	read -r samples busy recording <<<"$counts"
	[ "$busy" -gt 0 ] || fail "the profile has no busy sample ($samples)"
	emit "{\"bench\": \"echo-prof\", \"run\": $1, \"conns\": $2,
		\"size\": $3, \"samples\": $samples, \"busy\": $busy,
		\"recording\": $recording}"
}

nservers=$(wc -w <<<"$SERVERS")
npoints=$(($(wc -w <<<"$BENCH_CONNS") * $(wc -w <<<"$BENCH_SIZES")))
nopen=$(($(wc -w <<<"$OPEN_SERVERS") * $(wc -w <<<"$OPEN_LOADS")))
total=$((BENCH_RUNS * nservers * npoints))
total_open=$((BENCH_RUNS * nopen * npoints))
total_hist=$((BENCH_RUNS * HIST_PAIRS * 2 * npoints))
PROF_SIZE=$(tr ' ' '\n' <<<"$BENCH_SIZES" | sort -n | head -n 1)
total_prof=$((BENCH_RUNS * $(wc -w <<<"$BENCH_CONNS")))
emit "{\"bench\": \"plan\", \"name\": \"echo\", \"points\": $total}"
emit "{\"bench\": \"plan\", \"name\": \"echo-open\",
	\"points\": $total_open}"
emit "{\"bench\": \"plan\", \"name\": \"echo-hist\",
	\"points\": $total_hist}"
emit "{\"bench\": \"plan\", \"name\": \"echo-prof\",
	\"points\": $total_prof}"
i=0
j=0
k=0
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
	start_server kecho
	for c in $BENCH_CONNS; do
		for size in $BENCH_SIZES; do
			for pair in $(seq "$HIST_PAIRS"); do
				order="1 0"
				[ $((pair % 2)) -eq 1 ] || order="0 1"
				for lat in $order; do
					k=$((k + 1))
					progress "echo histograms $k/$total_hist:" \
						"run $run, pair $pair, latency=$lat," \
						"$c connections, $size B"
					hist_point "$run" "$pair" "$lat" "$c" "$size"
				done
			done
		done
	done
	echo 1 >"$LATENCY_PARAM" || fail "cannot switch latency back on"
	for c in $BENCH_CONNS; do
		progress "echo profile: run $run, $c connections, $PROF_SIZE B"
		prof_point "$run" "$c" "$PROF_SIZE"
	done
	stop_server kecho
done
