#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests for userspace/tools on loopback; needs no kernel module, only
# python3 for the reference and deliberately broken peers.
#
#   tests/tools/test-tools.sh        (or: make check-tools)
#
# Uses the binaries in $O/tools (O defaults to build). Every server listens
# on a port the kernel picks, so parallel runs do not collide. Ends with
# "N passed, N failed" and exits nonzero when anything failed.

set -u

O=${O:-build}
T=$O/tools
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
PASS=0
FAIL=0
PIDS=()

cleanup()
{
	local pid

	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

ok()
{
	PASS=$((PASS + 1))
	echo "PASS: $*"
}

fail()
{
	FAIL=$((FAIL + 1))
	echo "FAIL: $*"
}

# check DESCRIPTION CONDITION...: pass when the condition command succeeds.
check()
{
	local what=$1

	shift
	if "$@"; then
		ok "$what"
	else
		fail "$what"
	fi
}

# json FILE KEY: one value from a tool's --json output, which has one
# member per line. (python3 would take 0.3 s per call; valid_json checks
# the syntax once per tool.)
json()
{
	awk -v k="\"$2\":" '$1 == k { v = $2; sub(/,$/, "", v);
		gsub(/"/, "", v); print v }' "$1"
}

valid_json()
{
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"
}

# wait_for FILE REGEX: wait up to 10 s for a line in FILE, print match.
wait_for()
{
	for _ in $(seq 100); do
		if grep -qE "$2" "$1" 2>/dev/null; then
			grep -oE "$2" "$1" | head -n 1
			return 0
		fi
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1" >&2
	cat "$1" >&2
	return 1
}

# start NAME COMMAND...: run in the background, output in $WORK/NAME.log.
start()
{
	local name=$1

	shift
	"$@" >"$WORK/$name.log" 2>&1 &
	PIDS+=($!)
	eval "PID_$name=$!"
}

port_of()
{
	wait_for "$WORK/$1.log" "$2" | grep -oE '[0-9]+$'
}

for t in user-echo-server uring-echo-server echo-bench htstress; do
	if [ ! -x "$T/$t" ]; then
		echo "missing $T/$t; run 'make userspace' first" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# Python peers start slowly; start them all now and collect ports later.
mkdir -p "$WORK/www"
head -c 100000 /dev/urandom >"$WORK/www/blob"
start flip python3 "$HERE/peers.py" flip-echo
start chunked python3 "$HERE/peers.py" chunked
start silent python3 "$HERE/peers.py" silent
start hangup python3 "$HERE/peers.py" hangup
start http10 python3 -u -m http.server -b 127.0.0.1 -d "$WORK/www" 0
start http11 python3 -u -m http.server -p HTTP/1.1 -b ::1 -d "$WORK/www" 0

# --- echo: byte-exact under load --------------------------------------------

# bench NAME ARGS...: run echo-bench --json, add up its byte totals.
SENT=0
RCVD=0
bench()
{
	local name=$1 out=$WORK/bench rc t0=$SECONDS

	shift
	"$T/echo-bench" --json "$@" >"$out.json" 2>"$out.err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(json "$out.json" bytes_sent)" = \
			      "$(json "$out.json" bytes_received)" ]; then
		ok "$name (exit 0, bytes sent == received, $((SECONDS - t0)) s)"
	else
		fail "$name (exit $rc)"
		cat "$out.json" "$out.err"
	fi
	SENT=$((SENT + $(json "$out.json" bytes_sent || echo 0)))
	RCVD=$((RCVD + $(json "$out.json" bytes_received || echo 0)))
}

# The epoll server and the io_uring one, each with 1 and 2 threads.
for srv in user:1 user:2 uring:1 uring:2; do
	threads=${srv#*:}
	s=echo${srv%:*}$threads
	start "$s" "$T/${srv%:*}-echo-server" -p 0 -t "$threads"
	port=$(port_of "$s" 'listening on .*:[0-9]+') || { fail "$s start"; continue; }
	SENT=0
	RCVD=0
	bench "$s verify sizes 1-1M, 50 conns" -p "$port" -c 50 -t 2 \
		--verify --sizes 1-1M -n 400 --seed "$threads"
	bench "$s verify 1-byte messages" -p "$port" -c 50 --verify \
		-s 1 -n 20000
	bench "$s verify burst 500" -p "$port" --burst 500 --verify \
		--sizes 1-4k
	bench "$s duration run over IPv6" -a ::1 -p "$port" -c 10 -t 2 \
		-d 0.5
	bench "$s open loop, 500 msgs/s" -p "$port" -c 10 -d 0.5 \
		--rate 500
	check "$s open loop reports its rate and the client's CPU" \
		grep -q '"rate_kept": "\(yes\|no\)"' "$WORK/bench.json"
	bench "$s duration run with the server's CPU time" -p "$port" \
		-c 10 -d 0.5 --server-cpus "0-$(($(nproc) - 1))"
	check "$s: the server CPUs were busy in the window" \
		awk -v v="$(json "$WORK/bench.json" server_cpu)" \
		'BEGIN { exit !(v > 0) }'
	check "$s: CPU time per message measured" \
		awk -v v="$(json "$WORK/bench.json" server_cpu_us_per_msg)" \
		'BEGIN { exit !(v > 0) }'
	check "$s slow reader gets an exact echo (server backlog)" \
		python3 "$HERE/peers.py" slow-reader "$port"
	eval "kill -INT \$PID_$s"
	wait_for "$WORK/$s.log" 'bytes sent [0-9]+' >/dev/null
	counters=$(grep -oE 'bytes received [0-9]+, bytes sent [0-9]+' \
		"$WORK/$s.log")
	# The slow reader moved 8 MiB each way on top of the bench runs.
	SENT=$((SENT + 8388608))
	RCVD=$((RCVD + 8388608))
	check "$s server counters match bench ($SENT/$RCVD)" \
		test "$counters" = "bytes received $SENT, bytes sent $RCVD"
done

check "echo-bench --json is valid JSON" valid_json "$WORK/bench.json"

# --- echo: errors are detected ----------------------------------------------

port=$(port_of flip 'port [0-9]+')
"$T/echo-bench" --json -p "$port" --verify -s 5000 -n 20 \
	>"$WORK/flip.json" 2>"$WORK/flip.err"
rc=$?
check "corrupting peer: exit 1" test $rc -eq 1
check "corrupting peer: mismatch counted" \
	test "$(json "$WORK/flip.json" err_mismatch)" -ge 1
check "corrupting peer: first mismatch explained" \
	grep -q 'first mismatch error' "$WORK/flip.err"

# expect_err PEER KIND ARGS...: echo-bench against a broken peer must exit
# 1 with exactly one error of KIND per connection.
expect_err()
{
	local peer=$1 kind=$2 rc n

	shift 2
	port=$(port_of "$peer" 'port [0-9]+')
	"$T/echo-bench" --json -p "$port" "$@" >"$WORK/$peer.json" \
		2>"$WORK/$peer.err"
	rc=$?
	n=$(json "$WORK/$peer.json" "err_$kind")
	if [ $rc -eq 1 ] && [ "$n" = 2 ] &&
	   [ "$(json "$WORK/$peer.json" errors)" = 2 ]; then
		ok "$peer peer: exit 1, err_$kind=2"
	else
		fail "$peer peer: exit $rc, err_$kind=$n"
		cat "$WORK/$peer.json" "$WORK/$peer.err"
	fi
}

expect_err silent timeout -c 2 -n 10 --timeout 300
expect_err hangup short -c 2 -n 10 -s 1000

# A port the kernel just handed out and nobody listens on.
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$T/echo-bench" --csv -p "$closed" -c 3 -n 10 >"$WORK/refused.csv" 2>/dev/null
rc=$?
check "refused: exit 1 and err_refused=3" test $rc -eq 1 -a \
	"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "err_refused") c = i } NR == 2 { print $c }' "$WORK/refused.csv")" = 3

# --- echo: --hold and connect-only bursts -----------------------------------

start holdsrv "$T/user-echo-server" -p 0 -a 127.0.0.1
port=$(port_of holdsrv 'listening on .*:[0-9]+')
"$T/echo-bench" --json -p "$port" --burst 40 -s 0 --hold 0.3 \
	>"$WORK/hold0.json" 2>"$WORK/hold0.err"
rc=$?
check "burst -s 0 --hold: exit 0, 40 connects, 40 held, no bytes" \
	test $rc -eq 0 -a "$(json "$WORK/hold0.json" messages)" = 40 -a \
	"$(json "$WORK/hold0.json" held)" = 40 -a \
	"$(json "$WORK/hold0.json" bytes_received)" = 0
check "burst --hold says when it holds" \
	grep -q 'holding 40 connections' "$WORK/hold0.err"
# -d times the echo from when every connection is up: setup_s apart.
"$T/echo-bench" --json -p "$port" -c 200 -d 0.5 >"$WORK/win.json" 2>/dev/null
rc=$?
check "-d window: exit 0, setup_s reported, >= 0.5 s of counted echo" \
	test $rc -eq 0 -a -n "$(json "$WORK/win.json" setup_s)" -a \
	"$(json "$WORK/win.json" messages)" -gt 0 -a \
	"$(json "$WORK/win.json" elapsed_s | tr -d .)" -ge 500
"$T/echo-bench" --json -p "$port" -c 6 -n 30 --verify --hold 0.2 \
	>"$WORK/hold1.json" 2>/dev/null
rc=$?
check "closed loop --hold: exit 0, 30 messages, 6 held" \
	test $rc -eq 0 -a "$(json "$WORK/hold1.json" messages)" = 30 -a \
	"$(json "$WORK/hold1.json" held)" = 6
# The server goes away during the hold: every connection is lost.
"$T/echo-bench" --json -p "$port" -c 5 -n 10 --hold 30 \
	>"$WORK/hold2.json" 2>"$WORK/hold2.err" &
holder=$!
wait_for "$WORK/hold2.err" 'holding 5 connections' >/dev/null
eval "kill \$PID_holdsrv"
sleep 0.3
kill -INT $holder
wait $holder
rc=$?
check "connections closed while held: exit 1, held_lost 5" \
	test $rc -eq 1 -a "$(json "$WORK/hold2.json" held_lost)" = 5 -a \
	"$(json "$WORK/hold2.json" held)" = 0

# A listener that never accepts holds connections in its accept queue
# (tcp-pairs listen, the reference of bench/vm/t-bench-scale.sh).
if [ -x "$O/tools/tcp-pairs" ]; then
	closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	start lsn "$O/tools/tcp-pairs" listen 127.0.0.1 "$closed" 10
	wait_for "$WORK/lsn.log" listening >/dev/null
	"$T/echo-bench" --json -p "$closed" --burst 30 -s 0 --hold 0.2 \
		>"$WORK/lsn.json" 2>/dev/null
	rc=$?
	check "tcp-pairs listen: 30 connections held in its accept queue" \
		test $rc -eq 0 -a "$(json "$WORK/lsn.json" held)" = 30
else
	fail "missing $O/tools/tcp-pairs"
fi

# --- usage errors: exit 2 and quote the bad input ---------------------------

# usage DESCRIPTION QUOTED COMMAND...: exit 2, stderr contains 'QUOTED'.
usage()
{
	local what=$1 quoted=$2 rc

	shift 2
	"$@" >/dev/null 2>"$WORK/usage.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -qF "'$quoted'" "$WORK/usage.err"; then
		ok "usage: $what"
	else
		fail "usage: $what (exit $rc)"
		cat "$WORK/usage.err"
	fi
}

usage "echo-bench bad size" 12q "$T/echo-bench" -s 12q
usage "echo-bench reversed --sizes" 5-1 "$T/echo-bench" --sizes 5-1
usage "echo-bench zero connections" 0 "$T/echo-bench" -c 0
usage "echo-bench bad duration" soon "$T/echo-bench" -d soon
usage "echo-bench bad host" no.such.host.invalid \
	"$T/echo-bench" -a no.such.host.invalid
usage "echo-bench stray argument" extra "$T/echo-bench" extra
usage "echo-bench zero hold" 0 "$T/echo-bench" --hold 0
usage "htstress bad duration" 1x "$T/htstress" -d 1x http://127.0.0.1/
usage "echo-bench bad --server-cpus" 0-x "$T/echo-bench" --server-cpus 0-x
usage "echo-bench CPU not in /proc/stat" 4000 "$T/echo-bench" \
	--server-cpus 4000
usage "htstress bad --server-cpus" 2-1 "$T/htstress" -d 1 \
	--server-cpus 2-1 http://127.0.0.1/
"$T/echo-bench" -n 5 --server-cpus 0 >/dev/null 2>&1
check "usage: echo-bench --server-cpus with -n exits 2" test $? -eq 2
"$T/htstress" -n 5 --server-cpus 0 http://127.0.0.1/ >/dev/null 2>&1
check "usage: htstress --server-cpus without -d exits 2" test $? -eq 2
usage "user-echo-server bad port" 99999 "$T/user-echo-server" -p 99999
usage "user-echo-server bad address" 1.2.3 "$T/user-echo-server" -a 1.2.3
usage "user-echo-server bad threads" -1 "$T/user-echo-server" -t -1
usage "htstress bad scheme" ftp://x/ "$T/htstress" ftp://x/
usage "htstress bad count" abc "$T/htstress" -n abc http://127.0.0.1/
usage "htstress unbracketed IPv6" http://::1:80/ "$T/htstress" http://::1:80/
"$T/echo-bench" -d 1 -n 5 >/dev/null 2>&1
check "usage: echo-bench -d with -n exits 2" test $? -eq 2
"$T/htstress" >/dev/null 2>&1
check "usage: htstress without URL exits 2" test $? -eq 2
"$T/echo-bench" -s 0 -c 2 >/dev/null 2>&1
check "usage: echo-bench -s 0 without --burst exits 2" test $? -eq 2
"$T/htstress" -n 5 -d 1 http://127.0.0.1/ >/dev/null 2>&1
check "usage: htstress -n with -d exits 2" test $? -eq 2
"$T/htstress" --hold 1 http://127.0.0.1/ >/dev/null 2>&1
check "usage: htstress --hold without -k exits 2" test $? -eq 2

# --- htstress against python http.server ----------------------------------

# hts ID NAME N EXPECT_2XX ARGS...: run htstress --json -n N into
# $WORK/ID.json, check the exit code and that 2xx == EXPECT_2XX.
hts()
{
	local id=$1 name=$2 n=$3 expect=$4 rc want=0

	shift 4
	[ "$expect" = "$n" ] || want=1
	"$T/htstress" --json -n "$n" "$@" >"$WORK/$id.json" 2>"$WORK/$id.err"
	rc=$?
	if [ $rc -eq $want ] &&
	   [ "$(json "$WORK/$id.json" status_2xx)" = "$expect" ]; then
		ok "htstress $name (exit $rc, 2xx = $expect)"
	else
		fail "htstress $name (exit $rc)"
		cat "$WORK/$id.json" "$WORK/$id.err"
	fi
}

port=$(port_of http10 'port [0-9]+')
hts h10 "HTTP/1.0" 400 400 -c 4 -t 2 "http://127.0.0.1:$port/blob"
hts h10k "-k against a HTTP/1.0 server" 400 400 -c 4 -k "http://127.0.0.1:$port/"
hts 404 "404s exit 1" 20 0 -c 2 "http://127.0.0.1:$port/missing"
check "htstress 404s counted as 4xx" \
	test "$(json "$WORK/404.json" status_4xx)" = 20

port=$(port_of http11 'port [0-9]+')
hts h11k "keep-alive over IPv6" 200 200 -c 8 -t 2 -k "http://[::1]:$port/blob"
check "htstress keep-alive reuses connections" \
	test "$(json "$WORK/h11k.json" connections)" = 8

check "htstress --json is valid JSON" valid_json "$WORK/h11k.json"

# For a duration instead of a count: requests == 2xx, and it lasted.
"$T/htstress" --json -d 0.5 -c 4 -k "http://[::1]:$port/blob" \
	>"$WORK/dur.json" 2>"$WORK/dur.err"
rc=$?
check "htstress -d 0.5: exit 0, every request 2xx, ran >= 0.5 s" \
	test $rc -eq 0 -a "$(json "$WORK/dur.json" requests)" -gt 0 -a \
	"$(json "$WORK/dur.json" status_2xx)" = \
	"$(json "$WORK/dur.json" requests)" -a \
	"$(json "$WORK/dur.json" elapsed_s | tr -d .)" -ge 500
"$T/htstress" --json -k -c 5 -n 5 --hold 0.3 "http://[::1]:$port/blob" \
	>"$WORK/hthold.json" 2>"$WORK/hthold.err"
rc=$?
check "htstress -k --hold: exit 0, 5 connections held" \
	test $rc -eq 0 -a "$(json "$WORK/hthold.json" held)" = 5 -a \
	"$(json "$WORK/hthold.json" held_lost)" = 0

port=$(port_of chunked 'port [0-9]+')
hts chunked "chunked is an error" 10 0 -c 2 "http://127.0.0.1:$port/"
check "htstress chunked counted" \
	test "$(json "$WORK/chunked.json" err_chunked)" = 10

# make bench's profile of what latency histograms cost: perf script's
# frames (leaf first), one sample per paragraph. Recording: a clock read
# from ktcp_conn_data_ready(), anything under ktcp_conn_latency(); not: a
# clock read of TCP's, other work, idle time.
printf '%s\n' \
	' ffffffff81000001 ktime_get' ' ffffffffc0000001 ktcp_conn_data_ready' \
	' ffffffff81000002 tcp_data_queue' '' \
	' ffffffff81000001 ktime_get' ' ffffffff81000003 tcp_clock_ns' \
	' ffffffffc0000002 ktcp_conn_data_ready' '' \
	' ffffffff81000004 read_tsc' ' ffffffff81000001 ktime_get' \
	' ffffffffc0000003 ktcp_conn_latency' ' ffffffffc0000004 kecho_recv' '' \
	' ffffffff81000005 tcp_ack' ' ffffffffc0000005 ktcp_conn_work' '' \
	' ffffffff81000006 pv_native_safe_halt' ' ffffffff81000007 do_idle' '' \
	>"$WORK/perf.script"
check "latency-share.awk: 5 samples, 4 busy, 2 recording" \
	test "$(awk -f "$HERE/../../bench/vm/latency-share.awk" \
		"$WORK/perf.script")" = "5 4 2"

echo "($SECONDS s)"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
