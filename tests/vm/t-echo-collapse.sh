#!/bin/bash
# kecho sends back from the received skb itself, inside tcp_read_sock(),
# while that skb is still in the receive queue. On 6.12 a send that builds
# 16 segments processes the socket's backlog on the way
# (tcp_sendmsg_locked()), and a segment found there with the receive memory
# over the buffer makes TCP collapse the receive queue (tcp_prune_queue()),
# which frees the skb being sent from whatever holds it: a use after free,
# unless the send goes from a clone. A peer brings both about (tcp-hostile
# collapse): a small window and MSS make the server's segments small, and
# 1-byte segments between large chunks take its receive memory over the
# buffer. (6.1 sends the frags through do_tcp_sendpages(), which does not
# process the backlog: this test did not catch it there.)
#
# The test asserts that the queue was collapsed (TcpExtTCPRcvCollapsed rose)
# and that every byte came back right, then that the server still echoes to
# a new client and that the kernel logged no oops. A use after free is seen
# with slub_debug=FZP (run.sh --append; on 6.12 before the fix, a general
# protection fault in __skb_send_sock() within seconds) or KASAN; without
# either it may read memory that still holds the data.
#
# It runs in a network namespace of its own, for its counters and for a
# tcp_rmem whose maximum is the default buffer: TCP cannot grow the buffer
# instead of collapsing (to 6 MiB by default), so the queue is collapsed
# often, also while kecho sends. With the default tcp_rmem, 60 s of this
# freed some 950,000 skbs collapsing, without the fault.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq unshare ip dmesg
need_module ktcp kecho
HOSTILE=/tests/tcp-hostile
[ -x "$HOSTILE" ] || fail "$HOSTILE is missing"
[ "${1-}" = netns ] || exec unshare -n bash "$0" netns
ip link set lo up
echo "4096 131072 131072" >/proc/sys/net/ipv4/tcp_rmem

# collapsed: skbs TCP freed collapsing receive queues, in this namespace.
collapsed() {
	awk '$1 == "TcpExt:" && !names { for (i = 2; i <= NF; i++) n[i] = $i
			names = 1; next }
		$1 == "TcpExt:" { for (i = 2; i <= NF; i++)
			if (n[i] == "TCPRcvCollapsed") print $i }' /proc/net/netstat
}

# kernel_splats: oops, BUG, WARNING and KASAN lines since line $mark of
# the log. Without slub_debug the old code's first sign on 6.12 was a
# WARNING in skb_splice_from_iter(), for a freed skb's frag page.
kernel_splats() {
	dmesg | tail -n +$((mark + 1)) |
		grep -cE 'Oops|BUG:|WARNING:|KASAN|general protection|UBSAN' ||
		true
}

mark=$(dmesg | wc -l)
id=$(ktcp start echo --port 12345 --json | jq -r .id)
wait_port 12345
before=$(collapsed)
# 4 connections for 10 s (20 on a debug kernel, where the queue fills
# slower): each announces MSS 536 and the smallest window, and sends
# 32 KiB chunks with 64 1-byte segments after each.
secs=10
! slow_kernel || secs=20
out=$("$HOSTILE" -p 12345 -k 4 -m 536 -w 1 -b 32768 -t 64 collapse "$secs") ||
	fail "tcp-hostile collapse: $out"
after=$(collapsed)
echo "collapse: $out; skbs collapsed: $((after - before))"
splats=$(kernel_splats)
[ "$splats" = 0 ] ||
	fail "the kernel logged $splats oops/BUG lines during the run (its log)"
[ "$after" -gt "$before" ] ||
	fail "no receive queue was collapsed ($before, $after): the test" \
		"no longer reaches tcp_collapse()"
assert_eq "$(jq -r .wrong_bytes <<<"$out")" 0 "wrong bytes in the echo: $out"
assert_eq "$(jq -r .complete <<<"$out")" 4 \
	"connections whose echo came back whole, then its end: $out"

# The server still echoes, to a new client.
exec {fd}<>/dev/tcp/127.0.0.1/12345 || fail "connect after the run"
printf 'still here\n' >&"$fd"
read -r -t 10 -u "$fd" line || fail "no echo after the run"
assert_eq "$line" "still here" "echo after the run"
exec {fd}>&-
no_active "$id" 30
assert_eq "$(ktcp stats "$id" --json | jq -r .stats.errors)" 0 errors
ktcp stop "$id"
splats=$(kernel_splats)
[ "$splats" = 0 ] || fail "the kernel logged $splats oops/BUG lines (its log)"
