#!/bin/bash
# A filter's listing (dry run) that takes several dump messages reports
# each socket once, while sockets come and go between the messages. A
# message that stopped inside a hash bucket was resumed by position, and
# the sockets added at the bucket's head in between made it report some
# twice (and would skip some had others gone): now a message ends
# between buckets.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp tcp-pairs ss jq unshare sysctl sort uniq
need_module ktcp
params=/sys/module/ktcp/parameters
[ -w "$params/test_drop_dump_delay_ms" ] ||
	fail "ktcp.ko has no test_drop_dump_delay_ms: the VM suite needs the test build"
# A namespace of its own with the smallest hash a namespace can have (128
# buckets), so every bucket holds many sockets: a message boundary falls
# inside one, and new sockets land in it.
old=$(sysctl -n net.ipv4.tcp_child_ehash_entries) ||
	fail "no net.ipv4.tcp_child_ehash_entries"
trap 'sysctl -qw net.ipv4.tcp_child_ehash_entries=$old
echo 0 >$params/test_drop_dump_delay_ms
kill $(jobs -p) 2>/dev/null || true' EXIT
sysctl -qw net.ipv4.tcp_child_ehash_entries=128

# Few enough per bucket that a message boundary, not a bucket of more
# than a batch (16, taken in passes), is what splits one.
n=400
export n params
# shellcheck disable=SC2016 # the inner script expands its own variables
unshare -n bash -c '
	set -eu
	. /tests/lib.sh
	. /tests/drop-lib.sh
	ip link set lo up
	drop_setup
	make_tw 12360 "$n"
	made=$(tws 12360)
	[ "$made" -ge $((n - n / 100)) ] || fail "TIME_WAIT made: $made of $n"
	# Each message after the first waits 300 ms, while more TIME_WAIT
	# sockets are made, on another port, until the listing ends or
	# there are as many again: more would fill buckets past a batch.
	echo 300 >"$params/test_drop_dump_delay_ms"
	ktcp drop --state time-wait --dry-run --json >"$TEST_TMP/list" &
	list=$!
	for _ in $(seq $((n / 20))); do
		kill -0 $list 2>/dev/null || break
		make_tw 12361 20
	done
	wait $list || fail "ktcp drop --dry-run failed"
	echo 0 >"$params/test_drop_dump_delay_ms"
	jq -r ".sockets[] | select(.dst.port == 12360) |
		\"\(.src.port)\"" "$TEST_TMP/list" | sort >"$TEST_TMP/ports"
	dups=$(uniq -d "$TEST_TMP/ports" | wc -l)
	echo "listed $(wc -l <"$TEST_TMP/ports") of $made, $dups twice;" \
		"$(jq ".sockets | length" "$TEST_TMP/list") in all, $(tws 12361) made meanwhile"
	assert_eq "$dups" 0 "sockets listed twice"
	assert_eq "$(sort -u "$TEST_TMP/ports" | wc -l)" "$made" \
		"sockets of port 12360 listed"
'
