#!/bin/bash
# khttpd opens files with credentials that carry no capabilities: a server
# that root started does not read another user's mode-0600 file through
# CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH. With --user UID it opens them as
# that user (numeric, without a passwd entry), and its own groups only.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq curl ss nlsend setpriv
need_module ktcp khttpd kecho

# Files of three owners under a root everyone may enter: root's, uid
# 1000's and uid 2000's (group 3000), each readable by its owner only, and
# one readable by all.
www=/tmp/www-user
rm -rf "$www"
mkdir -p "$www/u1000-dir"
echo public >"$www/public.txt"
echo root-only >"$www/root.txt"
echo u1000-only >"$www/u1000.txt"
echo u2000-only >"$www/u2000.txt"
echo group3000 >"$www/g3000.txt"
echo in-dir >"$www/u1000-dir/f.txt"
chmod 0644 "$www/public.txt" "$www/u1000-dir/f.txt"
chmod 0600 "$www/root.txt" "$www/u1000.txt" "$www/u2000.txt"
chmod 0640 "$www/g3000.txt"
chown 1000:1000 "$www/u1000.txt" "$www/u1000-dir"
chmod 0700 "$www/u1000-dir"
chown 2000:2000 "$www/u2000.txt"
chown 2000:3000 "$www/g3000.txt"
chmod 0755 "$www"

# Started by root without --user: root's own file and the public one are
# served; another user's 0600 file and directory are not.
http_start --root "$www"
expect_code /public.txt 200
assert_eq "$(curl -s "$URL/root.txt")" root-only "root's own 0600 file"
expect_code /u1000.txt 403
expect_code /u2000.txt 403
expect_code /u1000-dir/f.txt 403
assert_eq "$(ktcp list "$HTTP_ID" --json | jq -c '.opts | [.uid, .gid]')" \
	"[0,0]" "root's server reports uid and gid 0"
ktcp stop "$HTTP_ID"

# --user 1000, a uid without a passwd entry: its gid is 1000 too and it has
# no supplementary groups. Its files and directory are served; root's and
# uid 2000's 0600 files are not.
http_start --root "$www" --user 1000
assert_eq "$(curl -s "$URL/u1000.txt")" u1000-only "uid 1000's file as 1000"
assert_eq "$(curl -s "$URL/u1000-dir/f.txt")" in-dir "uid 1000's directory"
expect_code /public.txt 200
expect_code /root.txt 403
expect_code /u2000.txt 403
expect_code /g3000.txt 403
assert_eq "$(ktcp list "$HTTP_ID" --json | jq -c '.opts | [.uid, .gid, .groups]')" \
	"[1000,1000,[]]" "--user 1000 as reported"
ktcp stop "$HTTP_ID"

# A user by name, with a supplementary group: the group's file is served,
# the other files of its members are not.
cp /etc/passwd "$TEST_TMP/passwd"
cp /etc/group "$TEST_TMP/group"
restore() {
	cp "$TEST_TMP/passwd" /etc/passwd
	cp "$TEST_TMP/group" /etc/group
}
trap restore EXIT
echo "ktcpweb:x:2500:2500::/nonexistent:/bin/false" >>/etc/passwd
printf 'ktcpweb:x:2500:\nktcpshare:x:3000:ktcpweb\n' >>/etc/group
http_start --root "$www" --user ktcpweb
assert_eq "$(curl -s "$URL/g3000.txt")" group3000 "a supplementary group"
expect_code /u2000.txt 403
expect_code /u1000.txt 403
expect_code /root.txt 403
assert_eq "$(ktcp list "$HTTP_ID" --json | jq -c '.opts | [.uid, .gid, (.groups | sort)]')" \
	"[2500,2500,[2500,3000]]" "--user ktcpweb as reported"
# A list of several servers carries each one's root and groups.
id2=$(ktcp start http --port 8082 --root "$www/u1000-dir" --user 1000 --json |
	jq -r .id)
id3=$(ktcp start http --port 8083 --json | jq -r .id)
assert_eq "$(ktcp list --json | jq -c 'map(.opts | [.root, .uid, .gid, (.groups | if . then sort else . end)])')" \
	"[[\"$www\",2500,2500,[2500,3000]],[\"$www/u1000-dir\",1000,1000,[]],[null,0,0,null]]" \
	"three servers listed"
ktcp stop "$HTTP_ID"
ktcp stop "$id2"
ktcp stop "$id3"

# Bad users, refused by the CLI before the kernel sees them: exit 2 and a
# message that names the user.
# expect_usage MESSAGE ARGS...
expect_usage() {
	local err rc=0 msg=$1
	shift
	err=$(ktcp start http --port "$HTTP_PORT" --root "$www" "$@" 2>&1 \
		>/dev/null) || rc=$?
	assert_eq "$rc" 2 "exit code of start $* ($err)"
	assert_contains "$err" "$msg" "start $*"
}
expect_usage "no user 'nosuchuser'" --user nosuchuser
expect_usage "uid '4294967295' is out of range" --user 4294967295
expect_usage "the user name is empty" --user ""

# Raw requests: the kernel's own checks, each with its message.
start=(server_start service:str=http port:u16="$HTTP_PORT")
expect_nl ERANGE "out of range" "${start[@]}" opts.http_uid:u32=4294967295 \
	opts.http_gid:u32=0
expect_nl ERANGE "out of range" "${start[@]}" opts.http_uid:u32=0 \
	opts.http_gid:u32=4294967295
expect_nl EINVAL "both a uid and a gid" "${start[@]}" opts.http_uid:u32=1000
expect_nl EINVAL "both a uid and a gid" "${start[@]}" opts.http_gid:u32=1000
expect_nl EINVAL "both a uid and a gid" "${start[@]}" opts.http_groups:hex=
expect_nl EINVAL "array of u32" "${start[@]}" opts.http_uid:u32=1 \
	opts.http_gid:u32=1 opts.http_groups:hex=e80300
expect_nl ERANGE "group id is out of range" "${start[@]}" opts.http_uid:u32=1 \
	opts.http_gid:u32=1 opts.http_groups:hex=e8030000ffffffff
# 65 groups: one more than KTCP_HTTP_GROUPS_MAX
expect_nl ERANGE "Attribute failed policy validation" "${start[@]}" \
	opts.http_uid:u32=1 opts.http_gid:u32=1 \
	opts.http_groups:hex="$(printf 'e8030000%.0s' $(seq 65))"
expect_nl EINVAL "not supported by this service" server_start \
	service:str=echo port:u16=7000 opts.http_uid:u32=1 opts.http_gid:u32=1
# 64 groups are fine.
out=$(nlsend "${start[@]}" opts.http_uid:u32=1000 opts.http_gid:u32=1000 \
	opts.http_groups:hex="$(printf 'e8030000%.0s' $(seq 64))") ||
	fail "64 groups: $out"
HTTP_ID=$(ktcp list --json | jq -r '.[0].id')
assert_eq "$(ktcp list "$HTTP_ID" --json | jq -r '.opts.groups | length')" \
	64 "64 groups reported"
ktcp stop "$HTTP_ID"
wait_port_closed() {
	local i
	for i in $(seq 50); do
		ss -Htln "( sport = :$HTTP_PORT )" | grep -q . || return 0
		sleep 0.1
	done
	fail "port $HTTP_PORT still listening"
}
wait_port_closed

# A caller with CAP_NET_ADMIN but not CAP_SETUID/CAP_SETGID (uid 1000, no
# groups) serves as itself, with or without naming itself, and cannot name
# anyone else: not root, not another uid, not another group.
as1000() {
	setpriv --reuid=1000 --regid=1000 --clear-groups \
		--inh-caps=+net_admin --ambient-caps=+net_admin "$@"
}
# expect_eperm MESSAGE ARGS...
expect_eperm() {
	local err rc=0 msg=$1
	shift
	err=$(as1000 ktcp start http --port "$HTTP_PORT" --root "$www" "$@" \
		2>&1 >/dev/null) || rc=$?
	assert_eq "$rc" 1 "exit code of uid 1000's start $* ($err)"
	assert_contains "$err" "Operation not permitted" "uid 1000's start $*"
	assert_contains "$err" "$msg" "uid 1000's start $*"
	case $err in
	*CAP_NET_ADMIN*) fail "uid 1000's start $*: blames CAP_NET_ADMIN: $err" ;;
	esac
}
expect_eperm CAP_SETUID --user 0
expect_eperm CAP_SETUID --user 2000
expect_eperm CAP_SETUID --user ktcpweb
out=$(as1000 nlsend "${start[@]}" opts.http_uid:u32=1000 opts.http_gid:u32=0) &&
	fail "uid 1000 served as gid 0: $out"
assert_contains "$out" "error EPERM" "uid 1000 asking for gid 0"
assert_contains "$out" "CAP_SETGID" "uid 1000 asking for gid 0"
out=$(as1000 nlsend "${start[@]}" opts.http_uid:u32=1000 \
	opts.http_gid:u32=1000 opts.http_groups:hex=00000000) &&
	fail "uid 1000 served with group 0: $out"
assert_contains "$out" "CAP_SETGID" "uid 1000 asking for group 0"
assert_eq "$(ktcp list --json | jq length)" 0 "no server after the refusals"
for self in "" "--user 1000"; do
	# shellcheck disable=SC2086 # $self is zero or two words
	HTTP_ID=$(as1000 ktcp start http --port "$HTTP_PORT" --root "$www" \
		$self --json | jq -r .id)
	if [ -z "$HTTP_ID" ] || [ "$HTTP_ID" = null ]; then
		fail "uid 1000 cannot start a server with '$self'"
	fi
	wait_port "$HTTP_PORT"
	expect_code /u1000.txt 200
	expect_code /root.txt 403
	assert_eq "$(ktcp list "$HTTP_ID" --json | jq -c '.opts | [.uid, .gid]')" \
		"[1000,1000]" "uid 1000's server '$self'"
	ktcp stop "$HTTP_ID"
	wait_port_closed
done
