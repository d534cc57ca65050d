#!/bin/bash
# Servers belong to the network namespace they were started in: invisible
# and untouchable from another, and stopped when their namespace goes away,
# connections and all, with no socket left behind.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq unshare nsenter echo-bench ip ss
need_module ktcp kecho

# Namespaces alive before this test; every one it makes must be freed.
ns_base=$(slab_objs net_namespace)
[ "$ns_base" != none ] || fail "no net_namespace slab cache"

id=$(ktcp start echo --port 12345 --json | jq -r .id)
wait_port 12345

# Inside a new netns: nothing of ours is visible, the same port is free,
# and a server there works on its own loopback. The inner script expands
# its own variables.
# shellcheck disable=SC2016
unshare -n bash -c '
	set -eu
	. /tests/lib.sh
	ip link set lo up
	assert_eq "$(ktcp list --json | jq length)" 0 "servers seen from a new netns"
	expect_fail_with "no server with this id" ktcp stop '"$id"'
	expect_fail_with "no server with this id" ktcp stats '"$id"'
	nid=$(ktcp start echo --port 12345 --json | jq -r .id)
	wait_port 12345
	echo-bench -p 12345 -c 4 --sizes 1-64k -n 100 --verify >/dev/null ||
		fail "echo inside the netns"
	assert_eq "$(ktcp stats --json | jq -r .total.accepted)" 4 "netns totals"
	echo "$nid" >"$TEST_TMP/nid"
	# Leave with the server running and connections open: the netns
	# teardown must close them. The bench runs until killed (600 s
	# only bound it), once its 50 connections are up: a debug kernel
	# can take longer than a fixed second, or the 30 s it once ran.
	echo-bench -p 12345 -c 50 -s 4k -d 600 >/dev/null 2>&1 &
	bench=$!
	up=10
	slow_kernel && up=60
	end=$((SECONDS + up))
	until [ "$(ktcp stats "$nid" --json | jq -r .stats.active)" -ge 50 ]; do
		kill -0 $bench 2>/dev/null || fail "echo-bench ended early"
		[ $SECONDS -lt $end ] || fail "50 connections not up after $up s"
		sleep 0.2
	done
	dmesg | wc -l >"$TEST_TMP/mark"
	kill -9 $bench 2>/dev/null || fail "echo-bench ended before it was killed"
' || fail "netns part failed"
mark=$(cat "$TEST_TMP/mark")
nid=$(cat "$TEST_TMP/nid")

# The init netns saw none of that traffic and still has its own server.
assert_eq "$(ktcp list --json | jq -r '.[].id')" "$id" "servers after netns"
assert_eq "$(ktcp stats "$id" --json | jq -r .stats.accepted)" 0 "isolation"

# stopped_with_netns ID MARK : a namespace is torn down asynchronously;
# its server ID must stop within 10 s (30 s on a debug kernel). Server ids
# start at 1 in every namespace, so only the kernel log after MARK (a
# dmesg_mark taken before the namespace went) counts.
dmesg_mark() { dmesg | wc -l; }
stopped_since() {
	dmesg | tail -n +$(($2 + 1)) | grep -q "server $1 (echo) stopped"
}
stopped_with_netns() {
	local s=10
	slow_kernel && s=30
	within "$s" stopped_since "$1" "$2" ||
		fail "server $1 did not stop with its netns"
}

stopped_with_netns "$nid" "$mark"
echo-bench -p 12345 -c 2 -n 10 --verify >/dev/null || fail "init netns echo"
ktcp stop "$id"

# A client outside the namespace, over veth, is still connected when the
# namespace goes. ktcp closes the server's socket from the namespace's
# exit, when it can no longer be held: no reference may be taken then
# (the runner fails on the kernel's refcount warning), and TCP drops the
# connection at once. The kernel's count of TCP sockets comes back.
#
# veth_netns OUT IN NET : a namespace held by process $holder alone (killing
# it deletes the namespace), joined to ours by a veth pair: OUT here with
# NET.1, IN there with NET.2.
veth_netns() {
	unshare -n sleep 600 &
	holder=$!
	within 5 own_ns || fail "unshare -n did not make its netns"
	ip link add "$1" type veth peer name "$2" netns "$holder"
	ip addr add "$3.1/24" dev "$1"
	ip link set "$1" up
	in_ns ip addr add "$3.2/24" dev "$2"
	in_ns ip link set "$2" up
}
own_ns() { [ "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
in_ns() { nsenter -t "$holder" -n "$@"; }
base=$(tcp_alloc)
veth_netns ktcp-out ktcp-in 10.199.0
gid=$(in_ns ktcp start echo --addr 10.199.0.2 --port 12345 --json |
	jq -r .id)
exec {c}<>/dev/tcp/10.199.0.2/12345
printf 'ping\n' >&"$c"
read -r -t 10 line <&"$c" || fail "no echo over veth"
assert_eq "$line" ping "echo over veth"
mark=$(dmesg_mark)
kill "$holder"
wait "$holder" || true # killed: 143
stopped_with_netns "$gid" "$mark"
# Our own end lost its route with the veth: drop it by hand.
ss -K dst 10.199.0.2 >/dev/null
exec {c}<&-
tcp_back() { [ "$(tcp_alloc)" -le "$base" ]; }
within 15 tcp_back ||
	fail "$(tcp_alloc) TCP sockets allocated, $base before the netns"

# A deleted namespace that a closing socket still holds: the server closed
# an idle connection while the peer was unreachable (our end of the veth
# down), so its FIN is retransmitted and the socket holds the namespace for
# as long as TCP tries (minutes); peers reconnecting now and then could
# keep it for ever. The server must stop all the same once no process,
# file or mount can reach the namespace, and refuse the peer when it is
# back; the namespace goes once TCP is done with the socket.
veth_netns ktcp-o2 ktcp-i2 10.199.1
hid=$(in_ns ktcp start echo --addr 10.199.1.2 --port 12346 \
	--idle-timeout 2s --json | jq -r .id)
exec {c}<>/dev/tcp/10.199.1.2/12346
printf 'ping\n' >&"$c"
read -r -t 10 line <&"$c" || fail "no echo over veth (closing socket)"
assert_eq "$line" ping "echo over veth (closing socket)"
ip link set ktcp-o2 down
# The idle timeout closes the connection; its FIN goes nowhere.
fin_wait() { in_ns ss -Htn state fin-wait-1 | grep -q 12346; }
within 60 fin_wait ||
	fail "no socket in FIN-WAIT-1: $(in_ns ss -Htan)"
mark=$(dmesg_mark)
kill "$holder"
wait "$holder" || true # killed: 143
stopped_with_netns "$hid" "$mark"
ip link set ktcp-o2 up
# The peer is back: the namespace still exists, its server does not.
if (exec 3<>/dev/tcp/10.199.1.2/12346) 2>/dev/null; then
	fail "the server of a deleted namespace accepted a connection"
fi
# Our FIN, sent again, reaches the peer; the socket ends once the peer
# closes too.
close_wait() { ss -Htn state close-wait dst 10.199.1.2 | grep -q .; }
within 30 close_wait || : # if not, the namespace count below fails
exec {c}<&-
# A peer that keeps reconnecting, every half second, while the namespace
# is deleted: the connections it makes do not keep the server, nor the
# namespace, alive. Its echo is its proof of reaching the server.
veth_netns ktcp-o3 ktcp-i3 10.199.2
rid=$(in_ns ktcp start echo --addr 10.199.2.2 --port 12347 --json |
	jq -r .id)
# It keeps trying once the server is gone (set -e must not end it).
reconnect() {
	while :; do
		(exec 3<>/dev/tcp/10.199.2.2/12347 && printf 'ping\n' >&3 &&
			read -r -t 2 -u 3 line && echo "$line") 2>/dev/null ||
			true
		sleep 0.5
	done
}
reconnect >"$TEST_TMP/reconnect" &
rpid=$!
reached() { [ "$(grep -c ping "$TEST_TMP/reconnect")" -ge 2 ]; }
within 15 reached ||
	fail "the reconnecting peer never reached the server"
mark=$(dmesg_mark)
kill "$holder"
wait "$holder" || true # killed: 143
stopped_with_netns "$rid" "$mark"
kill "$rpid"
wait "$rpid" || true # killed: 143

# The reaper reads a namespace's references and its sockets apart. A
# socket opened in between must not make a live namespace look deleted:
# the initial one, which is never deleted, nor any other.
# test_reap_delay_ms widens that window to a second; connections opened
# one after another, and held, fall into it.
knob=/sys/module/ktcp/parameters/test_reap_delay_ms
[ -w "$knob" ] ||
	fail "ktcp.ko has no test_reap_delay_ms: the VM suite needs the test build"
# hold_conns PORT: open connections to 127.0.0.1:PORT one after another
# for 3 to 4 s (the reaper looks every 2 s now), hold them 2 s more, and
# say how many.
hold_conns() {
	local end=$((SECONDS + 4)) n=0 fd
	ulimit -n 4096
	while [ "$SECONDS" -lt "$end" ] && [ "$n" -lt 3000 ]; do
		# shellcheck disable=SC2034 # held open, never used
		exec {fd}<>"/dev/tcp/127.0.0.1/$1"
		n=$((n + 1))
	done
	sleep 2
	echo "$n"
}
echo 1000 >"$knob"
gid=$(ktcp start echo --port 12348 --json | jq -r .id)
wait_port 12348
n=$(hold_conns 12348)
assert_eq "$(ktcp list --json | jq -r '.[].id')" "$gid" \
	"the initial namespace's server while $n sockets came"
# shellcheck disable=SC2016 # expanded by the inner bash
unshare -n bash -c '
	set -eu
	. /tests/lib.sh
	ip link set lo up
	ktcp start echo --port 12348 >/dev/null
	wait_port 12348
	'"$(declare -f hold_conns)"'
	hold_conns 12348 >/dev/null
	assert_eq "$(ktcp list --json | jq length)" 1 \
		"a live namespace'"'"'s server while sockets come"
' || fail "reaper part failed"
echo 0 >"$knob"
ktcp stop "$gid"

# The namespaces themselves are freed, once TCP is done with the sockets
# that held them: no reference taken for a closing socket is lost. The
# kernel frees a dismantled namespace one cleanup round late (after a
# further rcu_barrier()), so one more namespace comes and goes, and only
# that one may still be allocated.
unshare -n true
ns_freed() { [ "$(slab_objs net_namespace)" -le $((ns_base + 1)) ]; }
within 60 ns_freed ||
	fail "$(slab_objs net_namespace) namespaces allocated, $ns_base before"
