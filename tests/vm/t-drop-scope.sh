#!/bin/bash
# ktcp drop by tuple with an interface. A link-local connection (on a
# dummy interface; the kernel binds every link-local socket to its
# interface) is found only with its scope, by name or index, on either
# end ([fe80::1%ktcp-ll0]:PORT), not on another interface. Without a
# scope, or without brackets around an IPv6 address with a port, the CLI
# refuses before sending anything; the kernel refuses a link-local tuple
# without KTCP_SOCK_A_IFINDEX on its own. ss's lines (the interface after
# the brackets) drop the connection they show.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp tcp-pairs nlsend ss jq
need_module ktcp
# busybox's ip comes first in PATH for sh: the real one, by its path.
IP=/usr/sbin/ip
dev=ktcp-ll0
trap 'kill $(jobs -p) 2>/dev/null || true; $IP link del $dev 2>/dev/null || true' EXIT

$IP link add $dev type dummy || fail "cannot add a dummy interface"
$IP link set $dev up
$IP -6 addr add fe80::1/64 dev $dev nodad || fail "cannot add fe80::1"
ifindex=$(cat /sys/class/net/$dev/ifindex)

# A held connection from fe80::1%dev to itself (tcp-pairs hold), until
# it is dropped or HOLD s have passed: a bound for a hang that the checks
# before the drop, on a debug kernel, must not reach.
HOLD=20
slow_kernel && HOLD=120
port=12361
out=$TEST_TMP/hold
tcp-pairs hold "fe80::1%$dev" $port "fe80::1%$dev" $HOLD >"$out" &
pid=$!
wait_line "$out" '^ready' 30
line=$(grep '^ready' "$out")
# shellcheck disable=SC2086 # split into its words on purpose
set -- $line
src=$2 dst=$3
sport=${src##*:}
assert_eq "$dst" "[fe80::1]:$port" "the held connection's remote end"
scoped() { echo "${1%]*}%$2]:${1##*:}"; } # scoped [ADDR]:PORT IFACE

# Refused by the CLI, saying why, before anything is sent.
expect_fail_with "a link-local address needs its interface" \
	ktcp drop "$src" "$dst"
expect_fail_with "needs brackets, \[ADDR\]:PORT" \
	ktcp drop "fe80::1:$sport" "$dst"
expect_fail_with "no interface 'ktcp-nosuch'" \
	ktcp drop "$(scoped "$src" ktcp-nosuch)" "$dst"
# Another interface: not that connection.
res=$(ktcp drop --json "$(scoped "$src" lo)" "$dst") ||
	fail "drop on lo failed"
assert_eq "$(jq -r '.sockets[0].result' <<<"$res")" not-found \
	"the connection on another interface"
# By index, on the remote end, as a dry run: found, left alone.
res=$(jrec drop ktcp drop --dry-run --json "$src" \
	"$(scoped "$dst" "$ifindex")") || fail "dry run by index failed"
assert_eq "$(jq -r '.sockets[0].result' <<<"$res")" found "dry run by index"
assert_eq "$(jq -r '.sockets[0].state' <<<"$res")" established "its state"
# The result says which interface, by index and name; the text puts it on
# the local end, as ss does.
assert_eq "$(jq -r '.sockets[0].ifindex' <<<"$res")" "$ifindex" "its ifindex"
assert_eq "$(jq -r '.sockets[0].dev' <<<"$res")" "$dev" "its interface"
res=$(ktcp drop --dry-run "$src" "$(scoped "$dst" "$ifindex")") ||
	fail "dry run by index (text) failed"
assert_contains "$res" "found     $(scoped "$src" "$dev") $dst established" \
	"the text result"
# By name: dropped, and its owner hears of it.
res=$(ktcp drop --json "$(scoped "$src" $dev)" "$dst") ||
	fail "drop by name failed"
assert_eq "$(jq -r '.sockets[0].result' <<<"$res")" dropped "drop by name"
wait $pid || fail "tcp-pairs hold failed"
assert_eq "$(sed -n 's/^local //p' "$out")" ECONNABORTED "local owner"

# What ss prints, piped in as the README shows: the local end with its
# interface after the brackets, [fe80::1]%ktcp-ll0:PORT.
port=12362
tcp-pairs hold "fe80::1%$dev" $port "fe80::1%$dev" $HOLD >"$out" &
pid=$!
wait_line "$out" '^ready' 30
ss -Htn state established "( dport = :$port )" |
	awk '{ print $3 " " $4 }' >"$TEST_TMP/ss"
assert_contains "$(cat "$TEST_TMP/ss")" "]%$dev:" "ss's local end"
res=$(ktcp drop --json - <"$TEST_TMP/ss") || fail "drop of ss's lines failed"
assert_eq "$(jq -r .dropped <<<"$res")" 1 "dropped from ss's lines"
wait $pid || fail "tcp-pairs hold failed"
assert_eq "$(sed -n 's/^local //p' "$out")" ECONNABORTED "local owner (ss)"

# The kernel on its own: a link-local tuple needs an interface, which is
# a positive int.
ll=fe800000000000000000000000000001
expect_nl EINVAL "link-local address needs its interface" sock_drop \
	sock.saddr:hex=$ll sock.daddr:hex=$ll sock.sport:u16=1 \
	sock.dport:u16=2
expect_nl ERANGE "out of range" sock_drop sock.saddr:hex=$ll \
	sock.daddr:hex=$ll sock.sport:u16=1 sock.dport:u16=2 sock.ifindex:u32=0
out=$(nlsend sock_drop sock.saddr:hex=$ll sock.daddr:hex=$ll \
	sock.sport:u16=1 sock.dport:u16=2 "sock.ifindex:u32=$ifindex") ||
	fail "a link-local tuple with its interface: $out"

# The --json output above, for the host to check against the schema.
jrec_dump
