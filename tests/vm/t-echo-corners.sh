#!/bin/bash
# kecho at the corners of the byte stream, on both workqueue modes:
# urgent data (MSG_OOB) in the middle of a message is stepped over and
# the rest echoed, as a userspace echo server's read() does; and data
# that arrives in one segment with the peer's FIN is echoed before the
# connection closes (the FIN must not be lost with the data); and a
# message that arrives in two segments comes back without a Nagle stall.
# Urgent data is also stepped over where the echo waits on a slow reader,
# and when it is the last byte before the FIN.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq
need_module ktcp kecho
HOSTILE=/tests/tcp-hostile
[ -x "$HOSTILE" ] || fail "$HOSTILE is missing"
LOWAT=/proc/sys/net/ipv4/tcp_notsent_lowat
LOWAT_DEFAULT=$(cat "$LOWAT")

for wq in unbound percpu; do
	id=$(ktcp start echo --port 12345 --wq "$wq" --json | jq -r .id)
	wait_port 12345
	out=$("$HOSTILE" -p 12345 -k 20 urgent "before!after") ||
		fail "urgent ($wq): $out"
	assert_eq "$(jq -r .ok <<<"$out")" 20 "urgent rounds echoed ($wq): $out"
	assert_eq "$(jq -r .last_echo <<<"$out")" beforeafter "urgent echo ($wq)"
	# The urgent byte last, our FIN right after it: the echo ends with a
	# FIN. Kept unread, the byte would make the close a reset.
	out=$("$HOSTILE" -p 12345 -k 20 urgentfin "before!") ||
		fail "urgentfin ($wq): $out"
	assert_eq "$(jq -r .ok <<<"$out")" 20 \
		"urgent byte, then FIN: rounds echoed and closed ($wq): $out"
	assert_eq "$(jq -r .last_echo <<<"$out")" before "urgentfin echo ($wq)"
	out=$("$HOSTILE" -p 12345 -k 20 finwithdata "data and FIN") ||
		fail "finwithdata ($wq): $out"
	assert_eq "$(jq -r .ok <<<"$out")" 20 \
		"data+FIN rounds echoed and closed ($wq): $out"
	# kecho sets TCP_NODELAY: echoed in two pieces, the second piece
	# would otherwise wait for the client's ACK of the first, which it
	# delays (40 ms or more once quick ACKs are spent: most of 40 rounds).
	out=$("$HOSTILE" -p 12345 -k 40 split "a message in two pieces") ||
		fail "split ($wq): $out"
	echo "split rounds ($wq): $out"
	median=$(jq -r .median_ms <<<"$out")
	awk -v ms="$median" 'BEGIN { exit !(ms < 40) }' ||
		fail "split messages took $median ms at the median ($wq;" \
			"Nagle: >= 40)"
	# Urgent data met while the echo waits on the client's window. With
	# TCP_NOTSENT_LOWAT finite (a common tuning) a send can stop with
	# room left in the send buffer, before it starts or part way: kecho
	# took the 64 bytes after the mark, sent none or some of them and
	# closed with an error, the echo short of its last bytes.
	echo 4096 >"$LOWAT"
	rc=0
	out=$("$HOSTILE" -p 12345 -k 300 -w 2048 urgentbulk 49152) || rc=$?
	echo "$LOWAT_DEFAULT" >"$LOWAT"
	[ "$rc" = 0 ] || fail "urgentbulk ($wq): exit $rc: $out"
	assert_eq "$(jq -r .ok <<<"$out")" 300 \
		"urgent rounds behind a slow reader ($wq): $out"
	no_active "$id" 30
	st=$(ktcp stats "$id" --json | jq -c .stats)
	assert_eq "$(jq -r .closed <<<"$st")" 361 "closed ($wq)"
	assert_eq "$(jq -r .errors <<<"$st")" 0 "errors ($wq)"
	assert_eq "$(jq -r .timed_out <<<"$st")" 0 "timed out ($wq)"
	ktcp stop "$id"
done
