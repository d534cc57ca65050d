#!/bin/bash
# Connection limits, idle timeouts, and settings changed on a running
# server: max-conns refuses the extra connection, idle connections close
# after the timeout (also one set later), and a port change rebinds the
# listener while established connections keep working.
# open_conn assigns the variable it is given by name.
# shellcheck disable=SC2154
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq
need_module ktcp kecho

# open_conn VAR PORT: open a connection on a new fd stored in VAR.
open_conn() {
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$2" || fail "connect to $2"
	printf -v "$1" %s "$fd"
}

# echo_ok FD: one round trip on an open connection.
echo_ok() {
	local line
	printf 'ping %s\n' "$1" >&"$1" || fail "write on fd $1"
	read -r -t 5 -u "$1" line || fail "no echo on fd $1"
	assert_eq "$line" "ping $1" "echo on fd $1"
}

# closed_by_peer FD: the server has closed the connection (EOF), within
# CLOSE_WAIT s (a bound for a hang; a debug kernel gets longer).
CLOSE_WAIT=10
slow_kernel && CLOSE_WAIT=60
closed_by_peer() {
	local line rc=0
	read -r -t $CLOSE_WAIT -u "$1" line || rc=$?
	[ $rc -gt 128 ] && fail "fd $1 still open after $CLOSE_WAIT s"
	[ -z "$line" ] || fail "unexpected data on fd $1: $line"
}

stat() { ktcp stats "$1" --json | jq -r ".stats.$2"; }

# max-conns: the fourth connection is closed at once and counted.
id=$(ktcp start echo --port 12345 --max-conns 3 --json | jq -r .id)
wait_port 12345
open_conn a 12345; open_conn b 12345; open_conn c 12345
echo_ok "$a"; echo_ok "$b"; echo_ok "$c"
open_conn d 12345
closed_by_peer "$d"
assert_eq "$(stat "$id" refused)" 1 refused
assert_eq "$(stat "$id" active)" 3 active
echo_ok "$a"
# Raising the limit lets a new one in.
ktcp set "$id" --max-conns 4
open_conn e 12345
echo_ok "$e"
exec {a}>&- {b}>&- {c}>&- {d}>&- {e}>&-

# Idle timeout: a silent connection is closed, a busy one is not. The
# margins are wide because the debug kernel runs this ten times slower.
ktcp set "$id" --idle-timeout 3s --max-conns 0
open_conn idle 12345
open_conn busy 12345
for _ in $(seq 20); do
	echo_ok "$busy"
	sleep 0.2
done
closed_by_peer "$idle"
echo_ok "$busy"
# Turning the timeout off keeps idle connections for good.
ktcp set "$id" --idle-timeout 0
wait_stat "$id" timed_out 1 timed_out
sleep 3.5
echo_ok "$busy"
# A timeout set later applies to connections already open.
ktcp set "$id" --idle-timeout 300ms
closed_by_peer "$busy"
# Counted once the server has released the socket the EOF came from.
wait_stat "$id" timed_out 2 "timed_out after set"
ktcp set "$id" --idle-timeout 0

# Port change: the listener moves, established connections stay up.
open_conn kept 12345
echo_ok "$kept"
ktcp set "$id" --port 12350
wait_port 12350
echo_ok "$kept"
open_conn moved 12350
echo_ok "$moved"
if (exec 3<>/dev/tcp/127.0.0.1/12345) 2>/dev/null; then
	fail "old port 12345 still accepts"
fi
# An address change on the same port replaces the listener in place.
ktcp set "$id" --addr 127.0.0.1
assert_eq "$(ktcp list "$id" --json | jq -r '.addr')" 127.0.0.1
echo_ok "$kept"
open_conn again 12350
echo_ok "$again"
# A port in use is refused and the server keeps its old one.
id2=$(ktcp start echo --port 12360 --json | jq -r .id)
expect_fail_with "port already in use" ktcp set "$id" --port 12360
assert_eq "$(ktcp list "$id" --json | jq -r '.port')" 12350 "kept port"
open_conn last 12350
echo_ok "$last"
ktcp stop "$id2"
ktcp stop "$id"
closed_by_peer "$kept"
