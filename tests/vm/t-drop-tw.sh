#!/bin/bash
# TIME_WAIT sockets on both sides of a port: some dropped by tuple (CLI
# arguments and stdin), the rest by filter; `ss -tan` must show exactly
# the ones not dropped at each step. A dry run drops nothing.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp tcp-pairs ss jq awk sort
need_module ktcp

port=12360
# No reuse of TIME_WAIT ports by new connections (the loopback default).
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse
# "SRC DST" of every TIME_WAIT socket touching the port, sorted.
tw() {
	ss -Htan state time-wait "( sport = :$port or dport = :$port )" |
		awk '{print $(NF-1)" "$NF}' | sort
}
count() { tw | grep -c . || true; }

ktcp stats --reset # the dropped counter is checked at the end
tcp-pairs tw 127.0.0.1 $port 20 both || fail "making TIME_WAIT sockets"
all=$(tw)
assert_eq "$(count)" 20 "TIME_WAIT sockets made"
# Ten on each side: the client ends (dport) and the server ends (sport).
assert_eq "$(printf '%s\n' "$all" | grep -c " 127.0.0.1:$port\$")" 10 \
	"client-side TIME_WAIT"

# Dry run: listed as found, nothing dropped.
out=$(ktcp drop --state time-wait --dport $port --dry-run --json)
assert_eq "$(jq -r .found <<<"$out")" 10 "dry run found"
assert_eq "$(jq -r .dropped <<<"$out")" 0 "dry run dropped"
assert_eq "$(jq -r '[.sockets[].result] | unique | join(",")' <<<"$out")" \
	found "dry-run results"
assert_eq "$(count)" 20 "a dry run dropped something"

# Two by tuple on the command line, exactly as the issue spells it.
# shellcheck disable=SC2046 # SRC and DST, split on purpose
set -- $(printf '%s\n' "$all" | sed -n 1p)
out=$(ktcp genl drop "$1" "$2") || fail "ktcp genl drop $1 $2"
assert_contains "$out" "dropped   $1 $2 time-wait" "drop output"
# shellcheck disable=SC2046 # SRC and DST, split on purpose
set -- $(printf '%s\n' "$all" | sed -n 2p)
ktcp drop "$1" "$2" >/dev/null || fail "ktcp drop $1 $2"
expected=$(printf '%s\n' "$all" | sed 1,2d)
assert_eq "$(tw)" "$expected" "after two tuples"

# Dropping again: already gone is not an error.
out=$(ktcp drop "$1" "$2" --json) || fail "second drop of $1 $2"
assert_eq "$(jq -r '.sockets[0].result' <<<"$out")" not-found "gone"
assert_eq "$(jq -r .not_found <<<"$out")" 1 "not_found count"

# Four from stdin, the last line without a newline.
printf '%s\n' "$all" | sed -n 3,6p | head -c -1 | ktcp drop - >/dev/null ||
	fail "drop from stdin"
expected=$(printf '%s\n' "$all" | sed 1,6d)
assert_eq "$(tw)" "$expected" "after stdin"

# A bad line: reported with its number and nothing dropped.
{
	printf '%s\n' "$all" | sed -n 7p
	echo "127.0.0.1 127.0.0.1:$port"
} >"$TEST_TMP/bad"
expect_fail_with "line 2: .*not ADDR:PORT" ktcp drop - <"$TEST_TMP/bad"
assert_eq "$(tw)" "$expected" "a bad line dropped something"

# The client ends by filter (with a limit first), then the server ends.
out=$(ktcp drop --state time-wait --dport $port --limit 1 --json)
assert_eq "$(jq -r .dropped <<<"$out")" 1 "limit"
ktcp drop --state time-wait --dst 127.0.0.1 --dport $port >/dev/null
assert_eq "$(tw | grep -c " 127.0.0.1:$port\$" || true)" 0 "client ends left"
left=$(count)
[ "$left" -gt 0 ] || fail "the dport filter took server ends too"
out=$(ktcp drop --state time-wait,established --src 127.0.0.0/8 \
	--sport $port --json)
assert_eq "$(jq -r .dropped <<<"$out")" "$left" "server ends dropped"
assert_eq "$(count)" 0 "TIME_WAIT left"

# Counted in the totals, and reset with them.
assert_eq "$(ktcp stats --json | jq -r .total.dropped)" 20 "stats dropped"
ktcp stats --reset
assert_eq "$(ktcp stats --json | jq -r .total.dropped)" 0 "stats reset"
