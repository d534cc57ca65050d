#!/bin/bash
# ktcp top: known load gives the rates, connections, p99 and errors it
# should, in --once's text and JSON (recorded for the host to check
# against docs/ktcp.schema.json); servers that come and go between two
# samples get no stale rates; and, in a tmux terminal read back with
# capture-pane as a person would see it, the view redraws, fits a
# resized window, and q, Ctrl-C and SIGTERM all end it with the
# terminal's modes restored.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq echo-bench htstress tmux stty pidof stat
need_module ktcp kecho

www=$TEST_TMP/www
mkdir -p "$www"
echo hello >"$www/index.html"
head -c $((4 << 20)) /dev/zero >"$www/big.bin"
# The http server has a name (apply gives it), the echo server none.
cat >"$TEST_TMP/ktcp.conf" <<EOF
[server web]
service = http
port = $HTTP_PORT
root = $www
backlog = 1024
EOF
ktcp apply "$TEST_TMP/ktcp.conf" >/dev/null || fail "ktcp apply"
HTTP_ID=$(ktcp list --json | jq -r '.[] | select(.name == "web") | .id')
echo_id=$(ktcp start echo --port 12345 --json | jq -r .id)
wait_port "$HTTP_PORT"
wait_port 12345

# row TEXT ID: server ID's line of a text frame, as fields:
# ID SERVICE PORT RATE UNIT CONNS P99 ERR ERRTOT NAME
row() { awk -v id="$2" '$1 == id' <<<"$1"; }
# field LINE N
field() { awk -v n="$2" '{ print $n }' <<<"$1"; }
# jrow JSON ID: server ID's object of a JSON frame.
jrow() { jq -c --argjson id "$2" '.servers[] | select(.id == $id)' <<<"$1"; }

# --- idle, text: both servers, nothing moving ---------------------------------
out=$(ktcp top --once -d 1) || fail "ktcp top --once"
printf '%s\n' "$out"
assert_contains "$(head -n 1 <<<"$out")" "every 1s, 2 servers" "header"
assert_contains "$out" "RATE, P99 and ERR over the last 1." "interval"
assert_contains "$out" "ERRTOT since start or reset" "header: ERRTOT"
case $out in *$'\033'*) fail "--once printed escape sequences" ;; esac
e=$(row "$out" "$echo_id")
h=$(row "$out" "$HTTP_ID")
assert_eq "$(field "$e" 2):$(field "$e" 3):$(field "$e" 10)" "echo:12345:-" \
	"echo row"
assert_eq "$(field "$h" 2):$(field "$h" 3):$(field "$h" 10)" \
	"http:$HTTP_PORT:web" "http row"
assert_eq "$(field "$e" 4) $(field "$e" 5) $(field "$e" 6) $(field "$e" 7)" \
	"0.0 msg/s 0 -" "idle echo: rate, conns, p99"
assert_eq "$(field "$h" 4) $(field "$h" 5) $(field "$h" 6) $(field "$h" 8)" \
	"0.0 req/s 0 0" "idle http: rate, conns, errors"

# --- known load: 100 echo messages/s on 4 connections, 40 requests/s on 2 -----
# It lasts until both frames are taken (7 s, and the tools' start): on a
# debug kernel beside another VM, that has come within 2 s of 10.
load_secs=10
slow_kernel && load_secs=20
echo-bench -p 12345 -c 4 -s 64 --rate 100 -d "$load_secs" --json \
	>"$TEST_TMP/eb" &
eb=$!
htstress -c 2 -k --rate 40 -d "$load_secs" --json "$URL/" >"$TEST_TMP/hs" &
hs=$!
sleep 2
j=$(jrec top ktcp top --once -d 3 --json) || fail "ktcp top --once --json"
out=$(ktcp top --once -d 2)
wait $eb || fail "echo-bench: $(cat "$TEST_TMP/eb")"
wait $hs || fail "htstress: $(cat "$TEST_TMP/hs")"
printf '%s\n' "$j" "$out"
for f in eb hs; do
	assert_eq "$(jq -r .rate_kept "$TEST_TMP/$f")" yes \
		"the load generator kept its rate: $(cat "$TEST_TMP/$f")"
done
jq -e '.interval_ns >= 2900000000 and .interval_ns < 6000000000 and
	.delay_ms == 3000' <<<"$j" >/dev/null || fail "interval: $j"
e=$(jrow "$j" "$echo_id")
h=$(jrow "$j" "$HTTP_ID")
jq -e '.unit == "msg/s" and .rate >= 60 and .rate <= 140 and
	.active == 4 and .p99_ns > 0 and .p99_ns < 1000000000 and
	.errors == 0 and (has("name") | not)' <<<"$e" >/dev/null ||
	fail "echo under 100 msg/s: $e"
jq -e '.unit == "req/s" and .rate >= 24 and .rate <= 56 and
	.active == 2 and .p99_ns > 0 and .p99_ns < 1000000000 and
	.errors == 0 and .name == "web"' <<<"$h" >/dev/null ||
	fail "http under 40 req/s: $h"
# The text frame says the same.
e=$(row "$out" "$echo_id")
h=$(row "$out" "$HTTP_ID")
awk '$5 == "msg/s" && $4 >= 60 && $4 <= 140 && $6 == 4 && $7 != "-"' \
	<<<"$e" | grep -q . || fail "echo row under load: $e"
awk '$5 == "req/s" && $4 >= 24 && $4 <= 56 && $6 == 2 && $7 != "-"' \
	<<<"$h" | grep -q . || fail "http row under load: $h"

# --- idle again: rates back to 0, no p99 without samples ----------------------
no_active "$echo_id" 10
no_active "$HTTP_ID" 10
j=$(jrec top ktcp top --once -d 1 --json)
jq -e '[.servers[] | .rate == 0 and .active == 0 and (has("p99_ns") | not)]
	| all' <<<"$j" >/dev/null || fail "idle after the load: $j"

# --- errors: resets in the middle of a 4 MiB body, in the interval ------------
errors0=$(ktcp stats "$HTTP_ID" --json | jq -r .stats.errors)
# The resets start once top has taken its first sample (start_waiting):
# a fixed second could end before a debug kernel's top had, and put the
# resets before its interval.
start_waiting "$TEST_TMP/top-rst" ktcp top --once -d 5 --server "$HTTP_ID" \
	--json
top_pid=$BG
/tests/tcp-hostile -p "$HTTP_PORT" -k 20 -b 100000 rst /big.bin >/dev/null ||
	fail "tcp-hostile rst"
wait $top_pid || fail "ktcp top --server"
j=$(cat "$TEST_TMP/top-rst")
jrec_lines top <<<"$j"
echo "$j"
jq -e --argjson e0 "$errors0" '(.servers | length) == 1 and
	.servers[0].errors > 0 and .servers[0].errors_total > $e0' <<<"$j" \
	>/dev/null || fail "resets not shown as errors: $j"
no_active "$HTTP_ID" 20
total=$(ktcp stats "$HTTP_ID" --json | jq -r .stats.errors)
out=$(ktcp top --once -d 1 --server "$HTTP_ID")
h=$(row "$out" "$HTTP_ID")
assert_eq "$(field "$h" 8) $(field "$h" 9)" "0 $total" \
	"http errors after the resets: interval, total"
assert_eq "$(grep -c ' echo ' <<<"$out")" 0 "--server shows one server"
expect_fail_with "server 4242: No such file" ktcp top --once --server 4242

# --- servers that come and go between two samples -------------------------
# Both after top's first sample, and the new one within the first
# interval: on a debug kernel beside another VM, the stop and start took
# 3.4 s once.
interval=3
slow_kernel && interval=10
gone=$(ktcp start echo --port 12346 --json | jq -r .id)
start_waiting "$TEST_TMP/top-n" ktcp top -n 2 -d "$interval" --json
top_pid=$BG
ktcp stop "$gone"
new=$(ktcp start echo --port 12347 --json | jq -r .id)
wait $top_pid || fail "ktcp top -n 2"
jrec_lines top <"$TEST_TMP/top-n"
cat "$TEST_TMP/top-n"
assert_eq "$(wc -l <"$TEST_TMP/top-n")" 2 "-n 2: two frames"
f1=$(sed -n 1p "$TEST_TMP/top-n")
f2=$(sed -n 2p "$TEST_TMP/top-n")
[ -z "$(jrow "$f1" "$gone")" ] || fail "a stopped server is still shown: $f1"
jq -e 'has("rate") or has("p99_ns") or has("errors") | not' \
	<<<"$(jrow "$f1" "$new")" >/dev/null ||
	fail "a new server has rates before its first interval: $f1"
jq -e '.rate == 0 and .errors == 0' <<<"$(jrow "$f2" "$new")" >/dev/null ||
	fail "a new server has no rate after an interval: $f2"
ktcp stop "$new"

# --- in a terminal: tmux, read back as a person sees it -------------------------
export LANG=C.UTF-8
tmux -f /dev/null new-session -d -s top -x 100 -y 20 \
	"bash --norc --noprofile" || fail "tmux new-session"
trap 'tmux kill-server 2>/dev/null || true' EXIT
screen() { tmux capture-pane -p -t top; }
# wait_screen PATTERN WHAT: until the screen has a line matching PATTERN.
wait_screen() {
	local i
	for i in $(seq 50); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.2
	done
	screen | sed 's/^/    | /'
	fail "no '$1' on the screen: $2"
}
# Everything written to the pane, also kept as a byte stream: the first
# frame is on the screen for only 2 s, less than a debug kernel beside
# another VM has taken to get a capture-pane in after the header.
tmux pipe-pane -t top -o "cat >>$TEST_TMP/pane.out" || fail "tmux pipe-pane"
# said_pending FROM: the pane's bytes from offset FROM had a first frame.
said_pending() {
	tail -c +"$1" "$TEST_TMP/pane.out" |
		grep -aq 'RATE, P99 and ERR: pending, after the first 2s;'
}
start_s=10
slow_kernel && start_s=30
# run_top: ktcp top in the pane, then its status and the terminal's modes.
# Its first frame, before any interval, says the rates are pending.
run_top() {
	local from
	from=$(($(stat -c %s "$TEST_TMP/pane.out" 2>/dev/null || echo 0) + 1))
	tmux send-keys -t top "clear; ktcp top -d 2; echo \"top exited \$?\"; stty -a" Enter
	wait_screen '^ktcp top - [0-9:]+, every 2s, 2 servers' "the header"
	# The last top's frame stays on the screen until this one draws:
	# this top has run once its first frame is in the stream.
	within "$start_s" said_pending "$from" ||
		fail "the first frame did not say the rates are pending: $(
			tail -c +"$from" "$TEST_TMP/pane.out" | cat -v | head -c 2000)"
	wait_screen 'over the last 2\.' "a frame with rates"
}
# restored WHAT: top said it exited 0 and the tty is canonical with echo.
restored() {
	local s
	wait_screen '^top exited' "$1: top did not exit"
	wait_screen 'icanon' "$1: no stty output"
	s=$(screen)
	assert_contains "$s" "top exited 0" "$1: exit status"
	grep -Eq '(^| )-icanon( |$)' <<<"$s" && fail "$1: left -icanon: $s"
	grep -Eq '(^| )-echo( |$)' <<<"$s" && fail "$1: left -echo: $s"
	grep -Eq '(^| )echo( |$)' <<<"$s" || fail "$1: no echo in stty -a: $s"
}

run_top
s=$(screen)
printf '%s\n' "$s"
assert_contains "$s" "   ID SERVICE  PORT" "column heads"
row "$s" "$echo_id" | grep -q ' echo  *12345 ' || fail "no echo row: $s"
row "$s" "$HTTP_ID" | grep -q ' web$' || fail "no http row: $s"
# It refreshes: load shows up, and the clock moves.
clock=$(sed -n '1s/^ktcp top - \([0-9:]*\),.*/\1/p' <<<"$s")
echo-bench -p 12345 -c 2 -s 64 --rate 50 -d 5 --json >/dev/null &
eb=$!
for _ in $(seq 30); do
	s=$(screen)
	r=$(row "$s" "$echo_id" | awk '{ print $4 }')
	[ "$r" != 0.0 ] && [ "$r" != - ] && break
	sleep 0.3
done
wait $eb || fail "echo-bench in the terminal test"
printf '%s\n' "$s"
[ "$r" != 0.0 ] || fail "the rate did not move under load: $s"
[ "$(sed -n '1s/^ktcp top - \([0-9:]*\),.*/\1/p' <<<"$s")" != "$clock" ] ||
	fail "the clock did not move: $s"

# Narrower: every line cut at 30 columns, none wrapped onto the next row.
full=$(screen)
tmux resize-window -t top -x 30 -y 20
wait_screen '^ktcp top - [0-9:]+, every 2s,$' "a header cut at 30"
s=$(screen)
printf '%s\n' "$s"
# cut LINE: line LINE of the full screen as 30 columns show it (tmux
# gives no trailing blanks).
cut30() { sed -n "$1p" <<<"$full" | cut -c1-30 | sed 's/ *$//'; }
assert_eq "$(sed -n 2p <<<"$s")" "$(cut30 2)" "the second line, cut"
assert_eq "$(sed -n 3p <<<"$s")" "" "the blank line is still the third"
assert_eq "$(sed -n 4p <<<"$s")" "$(cut30 4)" "the column heads, cut"
assert_eq "$(sed -n 5p <<<"$s" | awk '{ print $1, $2, $3 }')" \
	"$(sed -n 5p <<<"$full" | awk '{ print $1, $2, $3 }')" "the first row, cut"
# Lower: the rows that do not fit are counted.
tmux resize-window -t top -x 100 -y 6
wait_screen '^\(2 more servers\)$' "a frame cut at 6 lines"
tmux resize-window -t top -x 100 -y 20
wait_screen '^ +[0-9]+ http ' "the rows back"

# q quits at once, and the terminal is as it was.
tmux send-keys -t top q
restored q
# So does Ctrl-C,
run_top
tmux send-keys -t top C-c
restored Ctrl-C
# and SIGTERM.
run_top
kill -TERM "$(pidof ktcp)"
restored SIGTERM

tmux kill-server
trap - EXIT
ktcp stop "$echo_id"
ktcp stop "$HTTP_ID"
jrec_dump
