#!/bin/bash
# A client generated from the YNL spec by the kernel's own generator
# (ktcp-ynl-client: ynl-gen-c.py --mode user and the ynl library of
# linux-source-6.12, tests/ynl/) works against the module: it starts an
# echo server, finds it in a server-get dump with the port it asked for,
# reads its counters and stops it, and ktcp sees each step.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp ktcp-ynl-client jq
need_module ktcp

port=12371
out=$(ktcp-ynl-client $port) || fail "ktcp-ynl-client failed: $out"
id=$(sed -n 's/^started //p' <<<"$out")
[ -n "$id" ] || fail "no server started: $out"
assert_contains "$out" "server $id echo $port" "the dump lists the server"
assert_contains "$out" "stats $id accepted 0" "its counters"
assert_contains "$out" "stopped $id" "stopped"
assert_eq "$(ktcp list --json | jq length)" 0 "servers left after the client"
# A server ktcp started shows in the generated client's dump too.
ktcp start echo --port 12372 >/dev/null || fail "ktcp start failed"
out=$(ktcp-ynl-client $port) || fail "ktcp-ynl-client failed: $out"
assert_contains "$out" " echo 12372" "ktcp's server in the client's dump"
ktcp stop "$(ktcp list --json | jq -r '.[0].id')" >/dev/null
# The kernel's error comes back through the generated code.
ktcp start echo --port 12373 >/dev/null || fail "ktcp start failed"
rc=0
err=$(ktcp-ynl-client 12373 2>&1) || rc=$?
assert_eq "$rc" 1 "a taken port"
assert_contains "$err" "server-start: " "the failing step"
ktcp stop "$(ktcp list --json | jq -r '.[0].id')" >/dev/null ||
	fail "ktcp stop failed"
