# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
# Timing drops of many TIME_WAIT sockets, shared by the drop test
# (tests/vm/t-drop-many.sh) and the drop benchmark (bench/vm/t-bench-drop.sh).
# Source after /tests/lib.sh: . /tests/drop-lib.sh
#
# Each drop_* function takes a destination port whose TIME_WAIT sockets
# (made with make_tw) it removes, checks that none is left, and sets
# DROP_MS to the time the removal took.

DROP_MS=0

# The default cap on TIME_WAIT sockets follows the hash size: raise it. New
# connections must not reuse (and so end) TIME_WAIT ports.
drop_setup() {
	echo 200000 >/proc/sys/net/ipv4/tcp_max_tw_buckets
	echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse
}

# tws PORT: how many TIME_WAIT sockets have destination PORT.
tws() { ss -Htan state time-wait "( dport = :$1 )" | grep -c . || true; }

# make_tw PORT N: N connections to 127.0.0.1:PORT, each closed first by the
# client, whose socket stays in TIME_WAIT for 60 s.
make_tw() {
	tcp-pairs tw 127.0.0.1 "$1" "$2" client || fail "making $2 TIME_WAIT"
}

# drop_by_filter PORT EXPECTED: one `ktcp drop` by filter must drop and
# report exactly EXPECTED sockets.
drop_by_filter() {
	local t0 t1 out
	t0=$(now_ms)
	out=$(ktcp drop --state time-wait --dport "$1" --json)
	t1=$(now_ms)
	assert_eq "$(jq -r .dropped <<<"$out")" "$2" "dropped"
	assert_eq "$(jq -r '.sockets | length' <<<"$out")" "$2" "reported"
	assert_eq "$(tws "$1")" 0 "TIME_WAIT left"
	DROP_MS=$((t1 - t0))
}

# drop_by_tuple PORT: the TIME_WAIT tuples as `ss` lists them, dropped by
# `ktcp drop -` from stdin (up to 256 per request).
drop_by_tuple() {
	local t0 t1 out tuples=$TEST_TMP/tuples
	ss -Htan state time-wait "( dport = :$1 )" |
		awk '{print $(NF-1)" "$NF}' >"$tuples"
	t0=$(now_ms)
	out=$(ktcp drop - --json <"$tuples")
	t1=$(now_ms)
	assert_eq "$(jq -r .dropped <<<"$out")" "$(wc -l <"$tuples")" \
		"dropped by tuple"
	assert_eq "$(tws "$1")" 0 "TIME_WAIT left by tuple"
	DROP_MS=$((t1 - t0))
}

# drop_by_ss PORT: `ss -K`, which kills TIME_WAIT sockets since 6.0 when the
# kernel has CONFIG_INET_DIAG_DESTROY. Returns 1, with DROP_LEFT set to the
# sockets it left (then dropped by ktcp), when it cannot.
DROP_LEFT=0
drop_by_ss() {
	local t0 t1
	t0=$(now_ms)
	ss -Htan -K state time-wait "( dport = :$1 )" >/dev/null 2>&1 || true
	t1=$(now_ms)
	DROP_MS=$((t1 - t0))
	DROP_LEFT=$(tws "$1")
	[ "$DROP_LEFT" -ne 0 ] || return 0
	ktcp drop --state time-wait --dport "$1" >/dev/null
	return 1
}
