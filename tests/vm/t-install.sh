#!/bin/bash
# What an installed ktcp looks like from outside. The image holds our
# modules where `make install` puts them (/lib/modules/R/extra, indexed by
# depmod; scripts/vm/mkinitramfs.sh), so: modprobe finds them by name and
# by alias, and once ktcp is loaded `genl-ctrl-list` (libnl-utils) shows the
# family "ktcp" with exactly its operations, their flags and its multicast
# group, as include/uapi/linux/ktcp.h and ktcp.yaml say; the libnl client
# printed in ktcp(7) works as the page says, and is refused what needs
# CAP_NET_ADMIN. Loading by name and unloading every module is t-modules;
# a started service loading its module is t-cli (echo) and t-http-basic
# (http).
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need genl-ctrl-list modprobe modinfo setpriv jq ktcp ktcp-man-example

release=$(uname -r)
modprobe -r khttpd kecho ktcp 2>/dev/null || true

# --- modules: where make install puts them, found through depmod ---------------
for m in ktcp kecho khttpd; do
	assert_eq "$(modinfo -n "$m")" "/lib/modules/$release/extra/$m.ko" \
		"modinfo -n $m"
done
# The family's alias (requested by the controller when a client asks for
# "ktcp") and the services' aliases (requested by SERVER_START).
assert_eq "$(modprobe -R net-pf-16-proto-16-family-ktcp)" ktcp "family alias"
assert_eq "$(modprobe -R ktcp-service-echo)" kecho "echo's alias"
assert_eq "$(modprobe -R ktcp-service-http)" khttpd "http's alias"

# --- the family as genl-ctrl-list shows it --------------------------------------
# The block of one family in `genl-ctrl-list -d`: its header line to the
# next family's.
family_block() {
	awk -v name="$1" '
		/^0x[0-9a-f]+ / { p = ($2 == name) }
		p' <<<"$2"
}
# A dump of the controller loads nothing.
out=$(genl-ctrl-list -d) || fail "genl-ctrl-list -d failed"
[ -z "$(family_block ktcp "$out")" ] || fail "family ktcp listed before modprobe"
modprobe ktcp
out=$(genl-ctrl-list -d) || fail "genl-ctrl-list -d failed"
block=$(family_block ktcp "$out")
echo "$block"
[ -n "$block" ] || fail "genl-ctrl-list shows no family ktcp: $out"
head=$(head -n 2 <<<"$block" | tr -s ' \n' '  ')
# maxattr: KTCP_A_MAX of ktcp.h (KTCP_A_ACCESS).
[[ $head =~ ^0x[0-9a-f]+\ ktcp\ version\ 1\ hdrsize\ 0\ maxattr\ 21\ $ ]] ||
	fail "family header: '$head'"
# Operations as "0xNN flags", sorted (6.1 lists SOCK_DROP, a full op,
# first): the commands of ktcp.h with their do/dump and GENL_ADMIN_PERM,
# and none of the notification-only ones (8, 9, 10, 12, 13).
ops=$(sed -n 's/^ *op [a-zA-Z_]* (\(0x[0-9a-f]*\)) <\(.*\)>$/\1 \2/p' <<<"$block" |
	sed 's/,$//' | sort)
expected_ops="0x01 admin_perm,has_doit,has_policy
0x02 admin_perm,has_doit,has_policy
0x03 has_doit,has_dump,has_policy
0x04 admin_perm,has_doit,has_policy
0x05 has_doit,has_dump,has_policy
0x06 admin_perm,has_doit,has_policy
0x07 has_dump,has_policy
0x0b admin_perm,has_doit,has_dump,has_policy"
assert_eq "$ops" "$expected_ops" "operations"
groups=$(sed -n 's/^ *grp \([^ ]*\) (0x[0-9a-f]*)$/\1/p' <<<"$block")
assert_eq "$groups" "events
access" "multicast groups"
modprobe -r ktcp
out=$(genl-ctrl-list -d)
[ -z "$(family_block ktcp "$out")" ] || fail "family ktcp still listed after rmmod"

# --- the libnl client of ktcp(7) ----------------------------------------------------
# Without privilege: the start is refused, the list is open (and empty).
# Its genl_ctrl_resolve() loads ktcp through the family's alias.
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	ktcp-man-example 2>&1) || fail "ktcp-man-example as nobody could not list: $out"
assert_contains "$out" "start: Operation not permitted"
grep -q '^ktcp ' /proc/modules || fail "resolving the family did not load ktcp"
[[ $out == *"list: server"* ]] && fail "servers listed before any was started: $out"
# As root: the new server's id, then the list with it.
out=$(ktcp-man-example) || fail "ktcp-man-example: $out"
id=$(ktcp list --json | jq -r '.[] | select(.port == 12345) | .id')
[ -n "$id" ] || fail "ktcp-man-example started no server on 12345: $out"
assert_eq "$out" "start: server $id
list: server $id: echo on port 12345" "ktcp-man-example's output"
ktcp stop "$id"
