#!/bin/bash
# kecho echoes exactly what it receives: random binary payloads with NUL
# bytes, 1 byte to 1 MiB, over many concurrent connections, on both
# workqueue modes; and its counters equal the traffic sent. A server's
# SO_REUSEPORT group of listeners is its own: no other server joins it.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq echo-bench
need_module ktcp kecho khttpd

# echo-bench fails a connection after this long without progress. A
# burst overflows the listener's SYN queue and a debug kernel accepts
# slowly, so a SYN can need three retransmissions (1 + 2 + 4 s).
TIMEOUT=5000
slow_kernel && TIMEOUT=30000

for wq in unbound percpu; do
	id=$(ktcp start echo --port 12345 --wq "$wq" --json | jq -r .id)
	wait_port 12345
	out=$(echo-bench --timeout $TIMEOUT -p 12345 -c 32 -t 2 \
		--sizes 1-1M -n 200 --verify --seed 7 --json) ||
		fail "echo-bench ($wq): $out"
	sent=$(jq -r .bytes_sent <<<"$out")
	[ "$sent" -gt 1000000 ] || fail "too little traffic: $sent"
	assert_eq "$(jq -r .bytes_received <<<"$out")" "$sent" "echoed ($wq)"
	# Also single bytes, many times: partial messages and tiny sends.
	small=$(echo-bench --timeout $TIMEOUT -p 12345 -c 8 -s 1 -n 2000 \
		--verify --json) ||
		fail "1-byte echo ($wq): $small"
	sent=$((sent + $(jq -r .bytes_sent <<<"$small")))
	# 40 connections opened and closed by the clients: all accounted,
	# once the server has closed its ends (closed counts before active).
	no_active "$id" 30
	st=$(ktcp stats "$id" --json | jq -c .stats)
	assert_eq "$(jq -r .bytes_in <<<"$st")" "$sent" "bytes_in ($wq)"
	assert_eq "$(jq -r .bytes_out <<<"$st")" "$sent" "bytes_out ($wq)"
	assert_eq "$(jq -r .accepted <<<"$st")" 40 "accepted ($wq)"
	assert_eq "$(jq -r .closed <<<"$st")" 40 "closed ($wq)"
	assert_eq "$(jq -r .active <<<"$st")" 0 "active ($wq)"
	assert_eq "$(jq -r .errors <<<"$st")" 0 "errors ($wq)"
	# Totals add up over servers; reset zeroes counters, not the gauge.
	assert_eq "$(ktcp stats --json | jq -r .total.bytes_in)" "$sent" total
	ktcp stats --reset
	assert_eq "$(ktcp stats "$id" --json | jq -r .stats.bytes_in)" 0 reset
	ktcp stop "$id"
done

# The connect burst of the original bench: many short connections.
id=$(ktcp start echo --port 12345 --backlog 1024 --json | jq -r .id)
wait_port 12345
out=$(echo-bench --timeout $TIMEOUT -p 12345 --burst 500 --verify --json) ||
	fail "burst: $out"
sleep 0.5
assert_eq "$(ktcp stats "$id" --json | jq -r .stats.accepted)" 500 burst
ktcp stop "$id"

# A SO_REUSEPORT group: N listeners on one port, all of them serving.
id=$(ktcp start echo --port 12345 --listeners 4 --json | jq -r .id)
wait_port 12345
assert_eq "$(ss -Htln 'sport = :12345' | wc -l)" 4 "listening sockets"
assert_eq "$(ktcp list "$id" --json | jq -r '.listeners')" 4 listeners
out=$(echo-bench --timeout $TIMEOUT -p 12345 -c 64 -t 2 --sizes 1-4k \
	-n 640 --verify --json) ||
	fail "echo through 4 listeners: $out"
sleep 0.5
assert_eq "$(ktcp stats "$id" --json | jq -r .stats.accepted)" 64 \
	"accepted through 4 listeners"
ktcp stop "$id"
assert_eq "$(ss -Htln 'sport = :12345' | wc -l)" 0 "listeners left"

# The group is the server's own. Our listeners all carry root's uid, and
# the kernel lets a SO_REUSEPORT socket of the same uid join a group: a
# second server with --listeners 2 on the port would get a share of the
# SYNs. It is refused as a taken port is, with the same message, over
# IPv4 too (the group is dual-stack [::]), and by a SET as by a START.
id=$(ktcp start echo --port 12345 --listeners 2 --json | jq -r .id)
wait_port 12345
taken=$(ktcp start echo --port 12345 2>&1 >/dev/null) &&
	fail "a second echo on 12345 started"
assert_eq "$taken" \
	"ktcp: cannot start echo on port 12345: Address already in use: port already in use" \
	"a single listener on the group's port"
expect_fail_with "^$taken\$" ktcp start echo --port 12345 --listeners 2
expect_fail_with "^ktcp: cannot start http on port 12345: Address already in use: port already in use\$" \
	ktcp start http --port 12345 --listeners 2 --root /tmp
expect_fail_with "^$taken\$" ktcp start echo --addr 0.0.0.0 --port 12345 \
	--listeners 2
assert_eq "$(ss -Htln 'sport = :12345' | wc -l)" 2 "listeners on 12345"
id2=$(ktcp start echo --port 12346 --listeners 2 --json | jq -r .id)
wait_port 12346
expect_fail_with \
	"^ktcp: cannot change server $id2: Address already in use: port already in use\$" \
	ktcp set "$id2" --port 12345
assert_eq "$(ss -Htln 'sport = :12345' | wc -l)" 2 "listeners on 12345"
assert_eq "$(ss -Htln 'sport = :12346' | wc -l)" 2 "listeners on 12346"
assert_eq "$(ktcp list "$id2" --json | jq -r .port)" 12346 "kept port"
# The group itself still moves to a new address on its port.
ktcp set "$id" --addr 127.0.0.1
assert_eq "$(ss -Htln 'src 127.0.0.1 and sport = :12345' | wc -l)" 2 \
	"group moved to 127.0.0.1"
out=$(echo-bench --timeout $TIMEOUT -p 12345 -c 8 -s 16 -n 80 --verify \
	--json) || fail "echo through the moved group: $out"
sleep 0.5
assert_eq "$(ktcp stats "$id" --json | jq -r .stats.accepted)" 8 \
	"accepted by the moved group"
ktcp stop "$id2"
ktcp stop "$id"
assert_eq "$(ss -Htln 'sport = :12345' | wc -l)" 0 "listeners left"
