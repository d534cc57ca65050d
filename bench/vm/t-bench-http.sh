#!/bin/bash
# HTTP throughput and latency: khttpd against Debian's nginx and lighttpd,
# serving the same small (1 KiB) and 1 MiB files, measured with wrk and
# with htstress, keep-alive and one connection per request (wrk sends
# "Connection: close", htstress HTTP/1.0). Servers on the server CPUs,
# the load generator on its own; BENCH_RUNS runs with the servers
# interleaved. After each run's closed loop, an open loop: the small file
# requested by htstress --rate from every server at the same rate, 50 % and
# 90 % of the slowest server's closed-loop htstress maximum in that run and
# mode, so their latencies compare at equal load. A measurement, not a
# test (make bench).
# shellcheck source=bench/vm/bench-lib.sh
. /tests/bench-lib.sh
need ktcp wrk htstress nginx lighttpd h2o
need_module ktcp khttpd
bench_setup
make_www

SERVERS="khttpd nginx lighttpd h2o"
FILES="small.html 1m.bin"
MODES="keep-alive close"
TOOLS="wrk htstress"
OPEN_LOADS="50 90"
# wrk counts whole seconds.
WRK_SECS=$(awk -v s="$BENCH_SECS" 'BEGIN { n = int(s + 0.999); print n < 1 ? 1 : n }')

start_server() {
	case $1 in
	khttpd)
		ktcp_start http --port 8081 --root "$WWW"
		wait_port 8081
		;;
	nginx) nginx_start 8082 ;;
	lighttpd) lighttpd_start 8083 ;;
	h2o) h2o_start 8084 ;;
	esac
	# Every server must serve the files whole before it is measured.
	for f in $FILES; do
		curl -fsS -o "$TEST_TMP/got" "http://127.0.0.1:$(port_of "$1")/$f" ||
			fail "$1 does not serve $f"
		cmp -s "$TEST_TMP/got" "$WWW/$f" || fail "$1 serves $f wrong"
	done
}

stop_server() {
	case $1 in
	khttpd) ktcp_stop ;;
	nginx) nginx_stop ;;
	lighttpd) lighttpd_stop ;;
	h2o) h2o_stop ;;
	esac
}

# run_wrk URL MODE: the JSON line of wrk-json.lua, with wrk's own CPU use
# added as htstress reports it (user + system time over wall time, from
# bash's time; saturated at 90 % of the one CPU it runs on): wrk has no
# such figure of its own.
run_wrk() {
	local hdr=() out real user sys cpu sat=no TIMEFORMAT='%R %U %S'
	[ "$2" = keep-alive ] || hdr=(-H "Connection: close")
	{ time "${ON_CLIENT[@]}" wrk -t 1 -c "$BENCH_HTTP_CONNS" \
		-d "${WRK_SECS}s" --timeout 30s -s /tests/wrk-json.lua \
		${hdr[@]+"${hdr[@]}"} "$1" >"$TEST_TMP/wrk.out" 2>&1; } \
		2>"$TEST_TMP/wrk.time" ||
		fail "wrk failed: $(cat "$TEST_TMP/wrk.out")"
	read -r real user sys <"$TEST_TMP/wrk.time"
	cpu=$(awk -v r="$real" -v u="$user" -v s="$sys" \
		'BEGIN { if (r > 0) printf "%.2f", (u + s) / r }')
	[ -n "$cpu" ] || fail "no times for wrk: $(cat "$TEST_TMP/wrk.time")"
	awk -v c="$cpu" 'BEGIN { exit !(c >= 0.9) }' && sat=yes
	out=$(sed -n 's/^WRK-JSON //p' "$TEST_TMP/wrk.out")
	[ -n "$out" ] || fail "wrk printed no result: $(cat "$TEST_TMP/wrk.out")"
	printf '%s, "client_cpu": %s, "client_cpus": 1, "client_saturated": "%s"}\n' \
		"${out%\}}" "$cpu" "$sat"
}

# run_htstress URL MODE [ARGS...]: its --json output.
run_htstress() {
	local ka=() rc=0 url=$1 mode=$2
	shift 2
	[ "$mode" = close ] || ka=(-k)
	"${ON_CLIENT[@]}" htstress ${ka[@]+"${ka[@]}"} -c "$BENCH_HTTP_CONNS" \
		-d "$BENCH_SECS" --timeout 30000 --server-cpus "$SERVER_CPUS" \
		--json "$@" "$url" \
		2>"$TEST_TMP/hts.err" || rc=$?
	# 1 means errors, which are part of the result; anything else broke.
	[ $rc -le 1 ] || fail "htstress exited $rc: $(cat "$TEST_TMP/hts.err")"
}

# point SERVER RUN FILE MODE TOOL: one run, one record; htstress's
# throughput on the small file is kept in MAX for the open loop.
declare -A MAX
point() {
	local url out
	url="http://127.0.0.1:$(port_of "$1")/$3"
	out=$("run_$5" "$url" "$4")
	has_number "$out" req_per_s || fail "$5 printed no throughput: $out"
	[ "$5:$3" != htstress:small.html ] ||
		MAX[$1,$4]=$(json_num "$out" req_per_s)
	emit "{\"bench\": \"http\", \"server\": \"$1\", \"run\": $2,
		\"file\": \"$3\", \"mode\": \"$4\", \"tool\": \"$5\",
		\"conns\": $BENCH_HTTP_CONNS, \"out\": $out}"
}

# open_point SERVER RUN MODE LOAD: htstress --rate on the small file at
# LOAD % of the slowest server's closed-loop maximum in this run and mode;
# "out": null when one server served nothing (no rate to offer). The file
# is always small.html; the record leaves it out to stay one log line.
open_point() {
	local s min='' v rate out=null
	for s in $SERVERS; do
		v=${MAX[$s,$3]%.*}
		[ -n "$min" ] && [ "$min" -le "$v" ] || min=$v
	done
	rate=$((min * $4 / 100))
	if [ "$rate" -ge 1 ]; then
		out=$(run_htstress "http://127.0.0.1:$(port_of "$1")/small.html" \
			"$3" --rate "$rate")
		has_number "$out" achieved_per_s ||
			fail "htstress printed no achieved rate: $out"
	fi
	emit "{\"bench\": \"http-open\", \"server\": \"$1\", \"run\": $2,
		\"mode\": \"$3\", \"load\": $4, \"rate\": $rate, \"out\": $out}"
}

per_server=$(($(wc -w <<<"$FILES") * $(wc -w <<<"$MODES") *
	$(wc -w <<<"$TOOLS")))
total=$((BENCH_RUNS * $(wc -w <<<"$SERVERS") * per_server))
total_open=$((BENCH_RUNS * $(wc -w <<<"$SERVERS") * $(wc -w <<<"$MODES") *
	$(wc -w <<<"$OPEN_LOADS")))
emit "{\"bench\": \"plan\", \"name\": \"http\", \"points\": $total}"
emit "{\"bench\": \"plan\", \"name\": \"http-open\", \"points\": $total_open}"
i=0
j=0
for run in $(seq "$BENCH_RUNS"); do
	for s in $SERVERS; do
		start_server "$s"
		for f in $FILES; do
			for m in $MODES; do
				for t in $TOOLS; do
					i=$((i + 1))
					progress "http $i/$total: run $run, $s," \
						"$f, $m, $t"
					point "$s" "$run" "$f" "$m" "$t"
				done
			done
		done
		stop_server "$s"
	done
	for s in $SERVERS; do
		start_server "$s"
		for m in $MODES; do
			for load in $OPEN_LOADS; do
				j=$((j + 1))
				progress "http open loop $j/$total_open: run $run," \
					"$s, small.html, $m, $load %"
				open_point "$s" "$run" "$m" "$load"
			done
		done
		stop_server "$s"
	done
done
