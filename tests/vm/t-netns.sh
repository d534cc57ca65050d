#!/bin/bash
# Servers belong to the network namespace they were started in: invisible
# and untouchable from another, and stopped when their namespace goes away,
# connections and all.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq unshare echo-bench ip
need_module ktcp kecho

id=$(ktcp start echo --port 12345 --json | jq -r .id)
wait_port 12345

# Inside a new netns: nothing of ours is visible, the same port is free,
# and a server there works on its own loopback. The inner script expands
# its own variables.
# shellcheck disable=SC2016
unshare -n bash -c '
	set -eu
	. /tests/lib.sh
	ip link set lo up
	assert_eq "$(ktcp list --json | jq length)" 0 "servers seen from a new netns"
	expect_fail_with "no server with this id" ktcp stop '"$id"'
	expect_fail_with "no server with this id" ktcp stats '"$id"'
	nid=$(ktcp start echo --port 12345 --json | jq -r .id)
	wait_port 12345
	echo-bench -p 12345 -c 4 --sizes 1-64k -n 100 --verify >/dev/null ||
		fail "echo inside the netns"
	assert_eq "$(ktcp stats --json | jq -r .total.accepted)" 4 "netns totals"
	echo "$nid" >"$TEST_TMP/nid"
	# Leave with the server running and connections open: the netns
	# teardown must close them.
	echo-bench -p 12345 -c 50 -s 4k -d 30 >/dev/null 2>&1 &
	sleep 1
	kill -9 $!
' || fail "netns part failed"
nid=$(cat "$TEST_TMP/nid")

# The init netns saw none of that traffic and still has its own server.
assert_eq "$(ktcp list --json | jq -r '.[].id')" "$id" "servers after netns"
assert_eq "$(ktcp stats "$id" --json | jq -r .stats.accepted)" 0 "isolation"

# The namespace is torn down asynchronously; its server must stop.
for _ in $(seq 50); do
	dmesg | grep -q "server $nid (echo) stopped" && break
	sleep 0.2
done
dmesg | grep -q "server $nid (echo) stopped" ||
	fail "server $nid did not stop with its netns"
echo-bench -p 12345 -c 2 -n 10 --verify >/dev/null || fail "init netns echo"
ktcp stop "$id"
