#!/bin/bash
# Privilege, as include/uapi/linux/ktcp.h documents it: every command that
# changes state (SERVER_START, SERVER_STOP, SERVER_SET, STATS_RESET,
# SOCK_DROP by tuple and by filter, dry run included) needs CAP_NET_ADMIN
# in the *initial* user namespace (GENL_ADMIN_PERM), so it is refused with
# EPERM to
#   - a non-root uid with no capabilities at all,
#   - root with CAP_NET_ADMIN dropped (every other capability kept),
#   - root of a new user namespace (unshare -Ur), which has CAP_NET_ADMIN
#     there but not in the initial one,
#   - the same with its own network namespace too (unshare -Urn), whose
#     netns it owns;
# and reading (SERVER_GET, STATS_GET, SERVICE_GET, the events group) is
# open to all of them. Each refusal is checked through the CLI (exit code
# and message; tests/nlsend for what the CLI cannot send), and afterwards
# nothing may have changed: server, settings, counters, connection.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp nlsend setpriv unshare ss jq echo-bench
need_module ktcp kecho

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}
# Root keeps its uid and every capability but CAP_NET_ADMIN: it is dropped
# from the inheritable and bounding sets, which is what exec as root
# computes the new permitted set from.
root_no_net_admin() {
	setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$@"
}
userns() { unshare -Ur "$@"; }
userns_netns() { unshare -Urn "$@"; }

# Something to refuse changes to: a server with traffic behind it and one
# connection held open.
id=$(ktcp start echo --port 12345 --backlog 16 --json | jq -r .id)
wait_port 12345
echo-bench -p 12345 -c 2 -n 20 >/dev/null || fail "echo-bench"
exec {conn}<>/dev/tcp/127.0.0.1/12345
client=$(ss -Htn state established '( dport = :12345 )' | awk '{ print $3 }')
[ -n "$client" ] || fail "no established connection to 12345"
state() {
	ktcp list --json | jq -c "[.[] | {id, port, backlog, accepted: .stats.accepted}]"
	ss -Htn state established '( dport = :12345 )' | awk '{ print $3 }'
	ss -Htln '( sport = :12399 )'
}
before=$(state)

# Each context runs its part in one shell of its own: a context per
# command would double the test's time under TCG. CTX names it in messages.
# eperm CMD... : the CLI exits 1 and says why.
eperm() {
	local err rc=0
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	assert_eq "$rc" 1 "$CTX: exit code of '$*'"
	assert_contains "$err" "Operation not permitted" "$CTX: $*"
	assert_contains "$err" "CAP_NET_ADMIN" "$CTX: $*"
}

# identity UID NET_ADMIN SYS_ADMIN SAME_NETNS : the context is what it
# claims: its uid, whether its effective set holds CAP_NET_ADMIN (12) and
# CAP_SYS_ADMIN (21) (in its own user namespace: 1 or 0), and whether it
# shares the test's netns (yes or no).
identity() {
	local key val eff=0 same=no
	while read -r key val; do
		[ "$key" != CapEff: ] || eff=$((16#$val))
	done </proc/self/status
	[ "$(readlink /proc/$$/ns/net)" != "$NETNS" ] || same=yes
	assert_eq "$UID" "$1" "$CTX: uid"
	assert_eq $(((eff >> 12) & 1)) "$2" "$CTX: CAP_NET_ADMIN"
	assert_eq $(((eff >> 21) & 1)) "$3" "$CTX: CAP_SYS_ADMIN"
	assert_eq "$same" "$4" "$CTX: in the test's netns"
}

refusals() {
	eperm ktcp start echo --port 12399
	eperm ktcp stop "$id"
	eperm ktcp set "$id" --backlog 3
	eperm ktcp stats --reset
	eperm ktcp stats "$id" --reset
	eperm ktcp drop "$client" 127.0.0.1:12345
	eperm ktcp drop --state all --dport 12345
	eperm ktcp drop --state all --dport 12345 --dry-run
	# The check comes first: a request that the policy would reject gets
	# EPERM too (the CLI cannot send one).
	local out rc=0
	out=$(nlsend server_start) || rc=$?
	assert_eq "$rc" 1 "$CTX: exit code of nlsend server_start"
	assert_contains "$out" "error EPERM" "$CTX: nlsend server_start"
}

# reads N : reading works, and shows the N servers of the context's netns:
# GET (dump and do), STATS_GET (totals, dump and do), SERVICE_GET, and
# ktcp top, which reads those, checked by one jq over all the answers.
reads() {
	local n=$1 out
	out=$({
		ktcp list --json && ktcp stats --json && ktcp services --json &&
			ktcp top --once -d 0.1 --json
	}) || fail "$CTX: reading failed"
	if [ "$n" -eq 0 ]; then
		jq -se '.[0] == [] and .[1].servers == [] and .[2] == ["echo"] and
			.[3].servers == []' \
			<<<"$out" >/dev/null || fail "$CTX: read: $out"
		# Not there, rather than not allowed.
		expect_fail_with "no server with this id" ktcp list "$id"
		return 0
	fi
	out=$out$'\n'$(ktcp list "$id" --json && ktcp stats "$id" --json) ||
		fail "$CTX: reading server $id failed"
	jq -se --argjson id "$id" --argjson acc "$accepted" '
		(.[0] | map(.id)) == [$id] and
		(.[1].servers | map(.id)) == [$id] and .[2] == ["echo"] and
		(.[3].servers | map(.id)) == [$id] and
		.[4].backlog == 16 and .[5].stats.accepted == $acc' \
		<<<"$out" >/dev/null || fail "$CTX: read: $out"
}

accepted=$(ktcp stats "$id" --json | jq -r .stats.accepted)
NETNS=$(readlink /proc/self/ns/net)
export id client accepted NETNS
export -f fail assert_eq assert_contains expect_fail_with identity eperm \
	refusals reads
# None holds CAP_NET_ADMIN in the initial user namespace, yet root without
# it keeps the rest, and the namespaced roots hold it in their own.
CTX=nobody nobody bash -c "set -eu; identity 65534 0 0 yes; refusals; reads 1" ||
	fail "nobody: see above"
CTX=root_no_net_admin root_no_net_admin bash -c \
	"set -eu; identity 0 0 1 yes; refusals; reads 1" ||
	fail "root_no_net_admin: see above"
CTX=userns userns bash -c "set -eu; identity 0 1 1 yes; refusals; reads 1" ||
	fail "userns: see above"
CTX=userns_netns userns_netns bash -c \
	"set -eu; identity 0 1 1 no; refusals; reads 0" ||
	fail "userns_netns: see above"
assert_eq "$(state)" "$before" "state after the refused requests"

# The events group: unprivileged listeners hear a change made by root,
# made once each monitor has subscribed (start_waiting).
mons=()
for ctx in nobody root_no_net_admin userns; do
	start_waiting "$TEST_TMP/ev-$ctx" "$ctx" ktcp monitor --json --count 1
	mons+=("$BG")
done
ktcp set "$id" --backlog 17
for _ in $(seq 300); do
	alive=0
	for pid in "${mons[@]}"; do
		! kill -0 "$pid" 2>/dev/null || alive=1
	done
	[ $alive -eq 1 ] || break
	sleep 0.1
done
for pid in "${mons[@]}"; do
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		fail "monitor $pid heard nothing within 30 s of the change"
	fi
	wait "$pid" || fail "monitor $pid: exit $?"
done
for ctx in nobody root_no_net_admin userns; do
	assert_eq "$(jq -r '"\(.event) \(.id)"' "$TEST_TMP/ev-$ctx")" \
		"changed $id" "$ctx: event"
done

# Root, with CAP_NET_ADMIN, is the one who can.
ktcp stats "$id" --reset
assert_eq "$(ktcp stats "$id" --json | jq -r .stats.accepted)" 0 "reset"
out=$(ktcp drop "$client" 127.0.0.1:12345 --json)
assert_eq "$(jq -r .dropped <<<"$out")" 1 "root drops the connection"
exec {conn}>&-
ktcp stop "$id"
assert_eq "$(ktcp list --json | jq length)" 0 "servers left"
