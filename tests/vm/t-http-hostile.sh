#!/bin/bash
# khttpd against hostile clients: slowhttptest's slow headers, slow body
# and slow read attacks are cut off near the idle timeout while other
# clients keep being served; 10,000 connections over --max-conns take the
# place of the quietest, so that a normal client is still answered;
# clients that half-close or reset mid-response leave nothing behind.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
HOSTILE=/tests/tcp-hostile
# Seconds to wait for connections to be gone, for the server to have
# dealt with the flood (bounds only: the waits end when it has), for the
# flood to be open and dealt with.
SETTLE=5 FLOOD_SETTLE=60 FLOOD_WAIT=180
slow_kernel && SETTLE=30 FLOOD_SETTLE=300 FLOOD_WAIT=900
need ktcp jq curl slowhttptest "$HOSTILE"
need_module ktcp khttpd

www=/tmp/www-hostile
rm -rf "$www"
mkdir -p "$www"
echo small >"$www/index.html"
head -c $((4 << 20)) /dev/urandom >"$www/big.bin"
http_start --root "$www" --idle-timeout 2s --head-timeout 2s --backlog 4096

# attack NAME COUNTER ARGS... : run slowhttptest (40 connections at once,
# for at most $LIMIT s) and, while it runs, probe the server with a normal
# client (answered within 3 s each time) and watch COUNTER: it must grow
# by 40 (every attacking connection disposed of) while the tool still
# thinks it is attacking; its own probe must never fail. With a 2 s idle
# timeout that takes 4 to 9 s under TCG; a debug kernel is ~10x slower.
# The probes' own connections are closed too: for COUNTER "closed" the
# probes done so far are not the attackers'. (A probe the server has not
# closed yet is subtracted all the same: that can only make the attack
# look slower.)
LIMIT=20
slow_kernel && LIMIT=150
# disposed COUNTER BASE PROBES : attackers COUNTER counts since BASE.
disposed() {
	local n=$(($(hstat "$1") - $2))
	[ "$1" != closed ] || n=$((n - $3))
	echo "$n"
}

attack() {
	local name=$1 counter=$2 base t0 done_after='' probes=0 log
	shift 2
	base=$(hstat "$counter")
	t0=$(date +%s)
	slowhttptest -c 40 -r 40 -l "$LIMIT" -p 2 -u "$URL/big.bin" "$@" \
		>"$TEST_TMP/$name.log" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$done_after" ] &&
			[ "$(disposed "$counter" "$base" "$probes")" -ge 40 ]; then
			done_after=$(($(date +%s) - t0))
		fi
		assert_eq "$(curl -s -m 3 -o /dev/null -w '%{http_code}' \
			"$URL/index.html")" 200 "$name: probe during the attack"
		probes=$((probes + 1))
		sleep 0.3
	done
	wait "$pid" || fail "slowhttptest $name: $(tail -n 5 "$TEST_TMP/$name.log")"
	if [ -z "$done_after" ] &&
		[ "$(disposed "$counter" "$base" "$probes")" -ge 40 ]; then
		done_after=$(($(date +%s) - t0))
	fi
	log=$(sed 's/\x1b\[[0-9;]*m//g' "$TEST_TMP/$name.log")
	[ "$probes" -ge 1 ] || fail "$name: no probe ran: $log"
	[ -n "$done_after" ] ||
		fail "$name: $(disposed "$counter" "$base" "$probes") attackers disposed of ($counter), not 40"
	[ "$done_after" -le $((LIMIT - 4)) ] || fail "$name: took $done_after s"
	echo "note: $name attack disposed of in $done_after s"
	grep -a 'service available' <<<"$log" | tail -n 1 | grep -q YES ||
		fail "$name: slowhttptest saw the service down"
}

# Slow headers: a header line every second, never the end of the head:
# 408 one head timeout after the first byte.
attack headers timed_out -H -i 1 -x 10
# Slow body: POST with Content-Length 65536, 10 bytes a second. khttpd
# answers the POST (405) at once and closes on the tool's trickle.
attack body closed -B -i 1 -x 10 -s 65536
# The same trickle after a GET it answers: dropping the body is paced too.
t0=$(hstat timed_out)
out=$("$HOSTILE" -p "$HTTP_PORT" slowbody /index.html) || fail "slowbody: $out"
[ "$(jq -r '.closed_after_s < 6' <<<"$out")" = true ] ||
	fail "slow body not cut off: $out"
assert_eq "$(hstat timed_out)" $((t0 + 1)) "slow body counted as timed out"
# Slow read: a window of at most 32 bytes, read a little each second: the
# response moves too slowly and is reset.
attack read timed_out -X -w 1 -y 32 -n 1 -z 32 -k 1

# The slow clients are gone (the idle timeout, 2 s, closes what is left);
# the server serves as before.
http_idle
expect_code /index.html 200

ktcp stop "$HTTP_ID"

# Without the 2 s idle timeout from here on: a debug kernel under load can
# stall that long, and these clients are not slow.
http_start --root "$www" --backlog 4096
# A client that half-closes right after its request still gets the whole
# answer; then the server closes too.
out=$("$HOSTILE" -p "$HTTP_PORT" -k 20 halfclose /big.bin) ||
	fail "halfclose: $out"
assert_eq "$(jq -r .answered <<<"$out")" 20 "half-closed clients answered"
[ "$(jq -r .last_bytes <<<"$out")" -gt $((4 << 20)) ] ||
	fail "half-closed client got a short answer: $out"

# Resets in the middle of a 4 MiB body: counted, nothing left open.
errors0=$(hstat errors)
out=$("$HOSTILE" -p "$HTTP_PORT" -k 50 -b 100000 rst /big.bin) ||
	fail "rst: $out"
assert_eq "$(jq -r .reset <<<"$out")" 50 "resets sent"
for _ in $(seq "$SETTLE"); do
	[ "$(hstat active)" -eq 0 ] && break
	sleep 1
done
assert_eq "$(hstat active)" 0 "active after resets"
[ "$(hstat errors)" -gt "$errors0" ] || fail "resets not counted as errors"
expect_code /index.html 200
ktcp stop "$HTTP_ID"

# 10,000 silent connections over --max-conns 100: each new one takes the
# place of the one quiet the longest (all are quiet), so the last 100 are
# held, 10,000 evicted and none refused; the server still counts right,
# and a normal client is answered during the flood, not locked out.
# The flood counts once the server has closed all but 100 (-e), or after
# FLOOD_SETTLE s: a fixed 3 s could end while a debug kernel still had
# connections to accept and evict. It holds them until killed.
http_start --root "$www" --max-conns 100 --backlog 4096
"$HOSTILE" -p "$HTTP_PORT" -e 100 -s $((FLOOD_SETTLE * 1000)) -H 600 \
	flood 10100 >"$TEST_TMP/flood" &
flood_pid=$!
for _ in $(seq "$FLOOD_WAIT"); do
	[ -s "$TEST_TMP/flood" ] && break
	sleep 1
done
out=$(cat "$TEST_TMP/flood")
[ -n "$out" ] || fail "flood did not report within $FLOOD_WAIT s"
assert_eq "$(jq -r .opened <<<"$out")" 10100 "flood connections opened"
assert_eq "$(jq -r .held <<<"$out")" 100 "connections held at max-conns"
# The last evictions are counted after the flood saw their sockets close.
hstat_is evicted 10000 "evicted over max-conns"
hstat_is active 100 "active at max-conns"
assert_eq "$(hstat refused)" 0 "refused over max-conns"
expect_code /index.html 200
kill "$flood_pid" 2>/dev/null || fail "the flood ended before it was stopped"
wait "$flood_pid" || true # killed: 143
for _ in $(seq "$SETTLE"); do
	[ "$(hstat active)" -eq 0 ] && break
	sleep 1
done
assert_eq "$(hstat active)" 0 "active after the flood"
expect_code /index.html 200
ktcp stop "$HTTP_ID"
rm -rf "$www"
