#!/bin/bash
# Dropping established connections: the remote end reads ECONNRESET, the
# local owner ECONNABORTED, and the listener keeps accepting. A tuple that
# names the listener's port but no connection drops nothing. IPv4, IPv6,
# and IPv4 connections of IPv6 sockets given as IPv4-mapped or as IPv4.
# A connection whose owner makes its socket a listener while the drop
# holds it is not dropped, and neither is that listener. A connection
# found as a request socket (SYN-RECV) whose handshake completes while
# the drop holds it is dropped as the connection it became.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp tcp-pairs ss jq tc
need_module ktcp
# No helper outlives a failed test to hold its ports.
trap 'kill $(jobs -p) 2>/dev/null || true
tc qdisc del dev lo root 2>/dev/null || true' EXIT

# start_hold LADDR CADDR PORT OUT: a held connection (tcp-pairs hold) in
# the background, its output in OUT; sets HOLD_PID and HOLD_READY (the
# "ready SRC DST" line) once it is connected. A debug kernel can take
# seconds to get there. The hold ends when both ends have failed, or
# after HOLD s, which bound a hang: the drops after "ready" must come
# before it, and a debug kernel takes seconds for each command.
HOLD=20
slow_kernel && HOLD=120
start_hold() {
	tcp-pairs hold "$1" "$3" "$2" $HOLD >"$4" &
	HOLD_PID=$!
	wait_line "$4" '^ready' 30
	HOLD_READY=$(grep '^ready' "$4")
}

# run_hold LADDR CADDR PORT REWRITE: one connection; its client end is
# dropped by its tuple "SRC DST", passed through the command REWRITE
# (cat: as printed; sed: another form of the same addresses).
run_hold() {
	local laddr=$1 caddr=$2 port=$3 rewrite=$4 out line src dst res
	out=$TEST_TMP/hold.$port
	start_hold "$laddr" "$caddr" "$port" "$out"
	local pid=$HOLD_PID
	line=$HOLD_READY
	# shellcheck disable=SC2086 # split into its words on purpose
	set -- $line
	src=$2 dst=$3
	# The listener's own port with a remote that has no connection.
	res=$(ktcp drop "$dst" "${src%:*}:9" --json) ||
		fail "drop of a listener tuple failed"
	assert_eq "$(jq -r '.sockets[0].result' <<<"$res")" not-found \
		"listener tuple $dst"
	ss -Htln "sport = :$port" | grep -q . || fail "the listener was dropped"
	# shellcheck disable=SC2046 # split into its words on purpose
	set -- $(echo "$src $dst" | eval "$rewrite")
	src=$1 dst=$2
	res=$(ktcp drop "$src" "$dst" --json) || fail "drop $src $dst"
	assert_eq "$(jq -r '.sockets[0].result' <<<"$res")" dropped \
		"drop $src $dst"
	assert_eq "$(jq -r '.sockets[0].state' <<<"$res")" established "state"
	wait $pid || fail "tcp-pairs hold failed"
	assert_eq "$(sed -n 's/^local //p' "$out")" ECONNABORTED "local owner"
	assert_eq "$(sed -n 's/^remote //p' "$out")" ECONNRESET "remote end"
	assert_eq "$(sed -n 's/^listener //p' "$out")" ok "listener"
}

run_hold 127.0.0.1 127.0.0.1 12370 cat
run_hold ::1 ::1 12371 cat
# An IPv4 client of an IPv6 listener: the client's socket is IPv4; give
# its tuple IPv4-mapped.
run_hold :: 127.0.0.1 12372 "sed 's/127.0.0.1:/[::ffff:127.0.0.1]:/g'"

# The server end of such a connection is an IPv6 socket: drop it by its
# IPv4 tuple and by a filter with a mapped address.
start_hold :: 127.0.0.1 12373 "$TEST_TMP/h4"
pid=$HOLD_PID
# shellcheck disable=SC2086 # split into its words on purpose
set -- $HOLD_READY
res=$(ktcp drop "$3" "$2" --json) || fail "drop of the server end"
assert_eq "$(jq -r '.sockets[0].result' <<<"$res")" dropped "server end"
wait $pid || true
assert_eq "$(sed -n 's/^local //p' "$TEST_TMP/h4")" ECONNRESET "client"

# The destination port keeps the filter to this one connection: once the
# client reads its RST, tcp-pairs connects again to check the listener,
# and the walk, still going through the hash, would find that one too.
start_hold :: 127.0.0.1 12374 "$TEST_TMP/h5"
pid=$HOLD_PID
# shellcheck disable=SC2086 # split into its words on purpose
set -- $HOLD_READY
res=$(ktcp drop --state established --src ::ffff:127.0.0.1 --sport 12374 \
	--dport "${2##*:}" --json) || fail "mapped filter"
assert_eq "$(jq -r .dropped <<<"$res")" 1 "mapped filter dropped"
assert_eq "$(jq -r '.sockets[0].src | "\(.addr):\(.port)"' <<<"$res")" 127.0.0.1:12374 \
	"reported as IPv4"
wait $pid || true
assert_eq "$(sed -n 's/^local //p' "$TEST_TMP/h5")" ECONNRESET "client 5"

# A socket that its owner disconnects (connect(AF_UNSPEC)) and makes a
# listener between the drop finding it and aborting it: the drop must see
# that the connection is gone and leave the listener alone. The test
# build's test_drop_delay_ms holds the drop in that window.
params=/sys/module/ktcp/parameters
[ -w "$params/test_drop_delay_ms" ] ||
	fail "ktcp.ko has no fault injection: the VM suite needs the test build (make modules KTCP_TEST_HOOKS=y)"
scale=1
slow_kernel && scale=10

# drop_args SRC DST ARGS...: ARGS into DROP_ARGS, with the words SRC and
# DST standing for the connection's ends.
drop_args() {
	local src=$1 dst=$2 arg
	shift 2
	DROP_ARGS=()
	for arg in "$@"; do
		case $arg in
		SRC) DROP_ARGS+=("$src") ;;
		DST) DROP_ARGS+=("$dst") ;;
		*) DROP_ARGS+=("$arg") ;;
		esac
	done
}

# relisten PORT NEWPORT DROP-ARGS...: DROP-ARGS, with SRC and DST standing
# for the connection's ends, must report it not found and drop nothing.
relisten() {
	local port=$1 newport=$2 out=$TEST_TMP/relisten.$1 ctl=$TEST_TMP/ctl.$1
	local pid drop fd res
	shift 2
	mkfifo "$ctl"
	tcp-pairs relisten 127.0.0.1 "$port" "$newport" <"$ctl" >"$out" &
	pid=$!
	exec {fd}>"$ctl"
	wait_line "$out" '^ready' 30
	# shellcheck disable=SC2046 # split into its words on purpose
	set -- $(grep '^ready' "$out") "$@"
	drop_args "$2" "$3" "${@:4}"
	echo $((2000 * scale)) >"$params/test_drop_delay_ms"
	ktcp drop "${DROP_ARGS[@]}" --json >"$TEST_TMP/res.$port" &
	drop=$!
	# The drop has found the socket and sleeps: now the owner moves.
	sleep "$((scale / 2)).$((scale % 2 * 5))"
	echo go >&"$fd"
	wait_line "$out" '^listening' 30
	wait $drop || fail "ktcp drop ${DROP_ARGS[*]} failed"
	echo 0 >"$params/test_drop_delay_ms"
	echo check >&"$fd"
	exec {fd}>&-
	wait $pid || fail "tcp-pairs relisten failed"
	assert_eq "$(sed -n 's/^relistener //p' "$out")" ok \
		"the listener the connection became ($*)"
	res=$(cat "$TEST_TMP/res.$port")
	assert_eq "$(jq -r '.sockets[0].result' <<<"$res")" not-found \
		"result for the connection that became a listener ($*)"
	assert_eq "$(jq -r .dropped <<<"$res")" 0 "dropped ($*)"
}

relisten 12375 12376 SRC DST
relisten 12377 12378 --state established --dport 12377

# A request socket whose handshake completes between the drop's lookup
# and its abort: the request is no longer in its listener's queue, and
# the connection it became has its tuple and its place in the hash, and
# is dropped instead. netem delays every packet on lo by D, so the
# listener's request socket lives from D to 3D after the connect (SYN,
# SYN-ACK, ACK); the drop finds it and, held by test_drop_delay_ms for
# 3D, aborts after the last ACK came. On a debug kernel 3 s: the drop
# must find the request within 2D, and everything else waits for D.
D=1000
slow_kernel && D=3000
# request_race PORT EXPECT DROP-ARGS...: DROP-ARGS, with SRC and DST
# standing for the request's ends (the listener's side), must report
# EXPECT ("STATE RESULT"): "established dropped" drops the connection,
# "syn-recv not-found" (a filter that does not take the connection)
# leaves it open.
request_race() {
	local port=$1 expect=$2 out=$TEST_TMP/req.$1 res=$TEST_TMP/res.$1
	local pid drop req='' end=$((SECONDS + 3 * D / 1000))
	shift 2
	tc qdisc add dev lo root netem delay "${D}ms"
	tcp-pairs hold 127.0.0.1 "$port" 127.0.0.1 $((20 * scale)) >"$out" &
	pid=$!
	while [ -z "$req" ] && [ $SECONDS -le $end ]; do
		req=$(ss -Htn state syn-recv "sport = :$port")
		sleep 0.05
	done
	[ -n "$req" ] || fail "no SYN-RECV socket on port $port"
	# shellcheck disable=SC2086 # split into its words on purpose
	set -- $req "$@"
	drop_args "$3" "$4" "${@:5}"
	echo $((3 * D)) >"$params/test_drop_delay_ms"
	ktcp drop "${DROP_ARGS[@]}" --json >"$res" &
	drop=$!
	# The race is run only if the drop found the request: it is held
	# (msleep() in its kernel stack) after its lookup while the request
	# is still there.
	until grep -q '\bmsleep\b' "/proc/$drop/stack" 2>/dev/null; do
		kill -0 $drop 2>/dev/null || fail "the drop ended before its hold"
		sleep 0.05
	done
	[ -n "$(ss -Htn state syn-recv "sport = :$port")" ] ||
		fail "the handshake completed before the drop found the request (${DROP_ARGS[*]})"
	wait $drop || fail "ktcp drop ${DROP_ARGS[*]} failed"
	echo 0 >"$params/test_drop_delay_ms"
	assert_eq "$(jq -r '[.sockets[] | "\(.state) \(.result)"] | join(",")' "$res")" \
		"$expect" "the request that became a connection (${DROP_ARGS[*]})"
	if [ "$expect" = "established dropped" ]; then
		# The delay stays until the client has read the RST: removing
		# netem would throw away the packets it holds.
		wait $pid || fail "tcp-pairs hold failed"
		assert_eq "$(sed -n 's/^local //p' "$out")" ECONNRESET \
			"client of the request that became a connection (${DROP_ARGS[*]})"
	else
		[ -n "$(ss -Htn state established "sport = :$port")" ] ||
			fail "the connection left alone is gone (${DROP_ARGS[*]})"
		kill $pid
		wait $pid || true
	fi
	tc qdisc del dev lo root
}

request_race 12379 "established dropped" SRC DST
request_race 12380 "established dropped" --state syn-recv,established \
	--sport 12380
request_race 12381 "syn-recv not-found" --state syn-recv --sport 12381
