#!/bin/bash
# A connection ktcp closes is finished by TCP even when its FIN is lost:
# the orphaned socket keeps its retransmission timer, sends the FIN again
# once packets flow, the client sees the end of the stream, and nothing
# stays behind in FIN-WAIT-1. (Kernel sockets used to lose their timers
# in tcp_close(); see "Closed connections" in docs/security.md.)
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq tc ss timeout
need_module ktcp kecho

PORT=12346
# Retransmissions back off (0.2, 0.4, 0.8 ... s): the one after the loss
# ends comes within about as long again as the loss lasted.
EOF_WAIT=30
slow_kernel && EOF_WAIT=120

lo_loss_off() { tc qdisc del dev lo root 2>/dev/null || true; }
trap lo_loss_off EXIT

id=$(ktcp start echo --port "$PORT" --json | jq -r .id)
wait_port "$PORT"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'ping\n' >&3
read -r -t 10 line <&3 || fail "no echo from the server"
assert_eq "$line" ping "echo before the loss"

# From here every packet on lo is lost, the FIN of this close too.
tc qdisc add dev lo root netem loss 100%
ktcp stop "$id"
sleep 1
orphan=$(ss -Htno state fin-wait-1 "sport = :$PORT")
[ -n "$orphan" ] ||
	fail "no FIN-WAIT-1 socket after the stop: $(ss -Htanoi "sport = :$PORT")"
assert_contains "$orphan" "timer:(on," "the orphan's retransmission timer"

lo_loss_off
t0=$(now_ms)
rest=$(timeout "$EOF_WAIT" cat <&3) ||
	fail "no end of stream within $EOF_WAIT s; server side: $(ss -Htnoi "sport = :$PORT")"
assert_eq "$rest" "" "data after the close"
echo "note: FIN delivered $(($(now_ms) - t0)) ms after the loss ended"
exec 3<&-

# The client's FIN completes the close: nothing left but TIME-WAIT.
left=''
for _ in $(seq 50); do
	left=$(ss -Htno state fin-wait-1 state last-ack state closing \
		"sport = :$PORT")
	[ -z "$left" ] && break
	sleep 0.2
done
assert_eq "$left" "" "server sockets still closing"
