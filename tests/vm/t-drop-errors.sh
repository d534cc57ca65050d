#!/bin/bash
# What `ktcp drop` and the kernel refuse: malformed input (CLI and raw
# netlink); and another netns's sockets are never touched. Unprivileged
# callers are t-perms.sh's.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp nlsend tcp-pairs unshare ss jq
need_module ktcp

# CLI: each bad input names the problem and exits 2 before sending.
expect_fail_with "not ADDR:PORT" ktcp drop 127.0.0.1 127.0.0.1:80
expect_fail_with "out of range" ktcp drop 127.0.0.1:0 127.0.0.1:80
expect_fail_with "out of range" ktcp drop 127.0.0.1:1 127.0.0.1:65536
expect_fail_with "not ADDR:PORT" ktcp drop 300.0.0.1:1 127.0.0.1:80
expect_fail_with "not ADDR:PORT" ktcp drop '[127.0.0.1]:1' 127.0.0.1:80
expect_fail_with "different address families" ktcp drop 127.0.0.1:1 '[::1]:2'
expect_fail_with "in pairs" ktcp drop 127.0.0.1:1
expect_fail_with "needs --state" ktcp drop --dport 80
expect_fail_with "not a list of states" ktcp drop --state listen
expect_fail_with "exclude each other" ktcp drop --state all 1.1.1.1:1 \
	2.2.2.2:2
expect_fail_with "prefix length is 0 to 32" ktcp drop --state all \
	--src 10.0.0.0/33
rc=0
ktcp drop 127.0.0.1 x >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 2 "usage errors exit 2"

# The kernel checks on its own (nlsend sends exactly what it is told).
lo=7f000001
expect_nl EINVAL "missing attribute 12" sock_drop
expect_nl EINVAL "both addresses and ports" sock_drop sock.1:hex=$lo \
	sock.2:hex=$lo sock.3:u16=1
expect_nl ERANGE "out of range" sock_drop sock.1:hex=$lo sock.2:hex=$lo \
	sock.3:u16=0 sock.4:u16=1
expect_nl EINVAL "4 bytes \(IPv4\) or 16" sock_drop sock.1:hex=7f0000 \
	sock.2:hex=$lo sock.3:u16=1 sock.4:u16=2
expect_nl EINVAL "different families" sock_drop sock.1:hex=$lo \
	sock.2:hex=00000000000000000000000000000001 sock.3:u16=1 sock.4:u16=2
expect_nl EINVAL "length" sock_drop sock.1:hex=$lo sock.2:hex=$lo \
	sock.3:u32=1 sock.4:u16=2
expect_nl EINVAL "Attribute failed policy validation" sock_drop \
	sock.1:hex=$lo sock.2:hex=$lo sock.3:u16=1 sock.4:u16=2 sock.6:u8=1
expect_nl EINVAL "reserved bit set" sock_drop sock.1:hex=$lo sock.2:hex=$lo \
	sock.3:u16=1 sock.4:u16=2 flags:u32=2
expect_nl EINVAL "for dump requests" sock_drop filter.1:u32=64
expect_nl EINVAL "needs KTCP_A_FILTER" --dump sock_drop
expect_nl EINVAL "states" --dump sock_drop filter.7:u16=80
expect_nl EINVAL "reserved bit set" --dump sock_drop filter.1:u32=1024 # LISTEN
expect_nl EINVAL "no states" --dump sock_drop filter.1:u32=0
expect_nl EINVAL "prefix longer" --dump sock_drop filter.1:u32=64 \
	filter.2:hex=$lo filter.3:u8=33
expect_nl EINVAL "needs an address" --dump sock_drop filter.1:u32=64 \
	filter.3:u8=8
expect_nl EINVAL "tuples are for do" --dump sock_drop sock.1:hex=$lo
# More than KTCP_DROP_TUPLES_MAX (256) tuples.
args=()
for i in $(seq 257); do
	args+=("sock.1:hex=$lo" "sock.2:hex=$lo" "sock.3:u16=$i" sock.4:u16=1 --)
done
out=$(nlsend sock_drop "${args[@]}") && fail "257 tuples were taken"
assert_contains "$(tail -n 1 <<<"$out")" "error E2BIG too many tuples" \
	"257 tuples"
# 256 are fine: all not found.
out=$(nlsend sock_drop "${args[@]:0:$((256 * 5))}") ||
	fail "256 tuples: $(tail -n 1 <<<"$out")"
assert_eq "$(grep -c '^  12=' <<<"$out")" 256 "results of 256 tuples"
# A good one: one tuple, not found, with the counts.
out=$(nlsend sock_drop sock.1:hex=$lo sock.2:hex=$lo sock.3:u16=1 \
	sock.4:u16=2) || fail "a good request failed: $out"
assert_contains "$out" "  16=4:01000000" "not_found count"

# A later request failing (the test hook fails the second SOCK_DROP by
# tuple from now on with ENOMEM): libktcp still returns what the first
# request did, the failed request's tuples as failed, the rest as not
# sent, and the CLI prints them before the error.
args=()
for i in $(seq 600); do
	args+=("127.0.0.1:$i" 127.0.0.1:1)
done
echo 2 >/sys/module/ktcp/parameters/test_fail_drop_request
rc=0
out=$(ktcp drop --json "${args[@]}" 2>"$TEST_TMP/err") || rc=$?
echo 0 >/sys/module/ktcp/parameters/test_fail_drop_request
assert_eq "$rc" 1 "exit status of a drop whose second request failed"
assert_contains "$(cat "$TEST_TMP/err")" "Cannot allocate memory" \
	"the second request's error"
assert_eq "$(jq -r .not_found <<<"$out")" 256 "the first request's results"
assert_eq "$(jq '[.sockets[] | select(.result == "failed")] | length' \
	<<<"$out")" 256 "results of the failed request's tuples"
assert_eq "$(jq '[.sockets[] | select(.result == "not-sent")] | length' \
	<<<"$out")" 88 "results of the tuples never sent"
assert_eq "$(jq -r '.sockets[599].src.port' <<<"$out")" 600 \
	"the last tuple, in order"

# Unprivileged callers (EPERM, even for a dry run): t-perms.sh.

# Another netns: its TIME_WAIT sockets survive a drop-everything here,
# and a drop there does not reach ours.
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse
tcp-pairs tw 127.0.0.1 12350 3 client
# shellcheck disable=SC2016 # expanded by the inner shell
unshare -n bash -c '
	set -eu
	. /tests/lib.sh
	ip link set lo up
	echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse
	tcp-pairs tw 127.0.0.1 12350 2 client
	sleep 600 &
	echo $! >"$TEST_TMP/ns.pid"
	wait
' &
# The namespace lives until its sleep is killed below (600 s only bound
# it; 30 s could run out during a debug kernel's checks), and a debug
# kernel takes a while to set it up.
up=10
slow_kernel && up=60
end=$((SECONDS + up))
until [ -s "$TEST_TMP/ns.pid" ]; do
	[ $SECONDS -lt $end ] || fail "the other netns not set up after $up s"
	sleep 0.1
done
nsenter_pid=$(cat "$TEST_TMP/ns.pid")
inner() { nsenter -t "$nsenter_pid" -n "$@"; }
assert_eq "$(inner ss -Htan state time-wait | grep -c . || true)" 2 \
	"TIME_WAIT in the other netns"
out=$(ktcp drop --state all --dport 12350 --json)
assert_eq "$(jq -r .dropped <<<"$out")" 3 "dropped here"
assert_eq "$(inner ss -Htan state time-wait | grep -c . || true)" 2 \
	"the other netns was touched"
out=$(inner ktcp drop --state all --json)
assert_eq "$(jq -r .dropped <<<"$out")" 2 "dropped in the other netns"
kill "$nsenter_pid" 2>/dev/null || true
wait || true
