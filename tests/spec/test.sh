#!/bin/bash
# make check-spec: scripts/check-spec.py passes on the tree, and fails, naming
# the difference, on copies of the spec, the UAPI header and kernel/ that
# were each changed in one place (a renamed, added or retyped attribute, a
# changed value, a missing command, group or flag, a policy that drifted).
#
# Usage: tests/spec/test.sh
# Prints one line per failed case and "N passed, M failed"; exits 1 if any
# case failed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
case ${1:-} in
-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
check=$top/scripts/check-spec.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktcp-spec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# The tree itself must match.
if out=$("$check" 2>&1); then
	passed=$((passed + 1))
else
	echo "FAIL: the tree: $out"
	failed=$((failed + 1))
fi

# mutate WHAT EXPECTED EDIT...: run EDIT FILE on a fresh copy of WHAT (spec,
# header, or kernel for kernel/ktcp_genl.c); the checker must exit 1 and
# print a line containing EXPECTED.
mutate() {
	local what=$1 expected=$2 file out rc=0 kdir=$top/kernel
	shift 2
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t"
	cp "$top/include/uapi/linux/ktcp.yaml" "$top/include/uapi/linux/ktcp.h" "$tmp/t/"
	case $what in
	spec) file=$tmp/t/ktcp.yaml ;;
	header) file=$tmp/t/ktcp.h ;;
	kernel) cp -r "$top/kernel" "$tmp/t/kernel"
		kdir=$tmp/t/kernel
		file=$kdir/ktcp_genl.c ;;
	esac
	cp "$file" "$tmp/orig"
	"$@" "$file"
	if cmp -s "$file" "$tmp/orig"; then
		echo "FAIL: $what: '$*' changed nothing (the test is stale)"
		failed=$((failed + 1))
		return
	fi
	out=$("$check" --spec "$tmp/t/ktcp.yaml" --header "$tmp/t/ktcp.h" \
		--kernel "$kdir" 2>&1) || rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$expected" <<<"$out"; then
		passed=$((passed + 1))
	else
		echo "FAIL: $what: '$*': exit $rc, expected a line with '$expected':"
		printf '    %s\n' "$out"
		failed=$((failed + 1))
	fi
}

# A whole list item of the spec, "      -" to the next one, out.
drop_item() { # NAME FILE
	perl -0pi -e "s/\\n *-\\n *name: \\Q$1\\E\\n.*?(?=\\n *-\\n)//s" "$2"
}

# Attribute names and values, both ways.
mutate spec "only in the spec: KTCP_A_BACKLOGS" \
	sed -i 's/name: backlog$/name: backlogs/'
mutate spec "only in the header: KTCP_A_BACKLOG = 6" \
	sed -i 's/name: backlog$/name: backlogs/'
mutate header "only in the header: KTCP_A_NEW = 17" \
	sed -i 's/^\tKTCP_A_NOT_FOUND,/&\n\tKTCP_A_NEW, \/* u32 *\//'
mutate header "KTCP_STATS_A_PAD: header 5, spec 1" \
	sed -i 's/^\tKTCP_STATS_A_PAD,/\tKTCP_STATS_A_PAD = 5,/'
mutate spec "only in the header: KTCP_OPT_A_HTTP_LISTING" \
	drop_item http-listing
# Types, from the header's comments and the kernel's policies.
mutate spec "KTCP_A_PORT: type u16 in the header, u32 in the spec" \
	sed -i '/name: port$/{n;s/u16/u32/}'
mutate header "KTCP_A_MAX_CONNS: type u16 in the header, u32 in the spec" \
	sed -i 's/KTCP_A_MAX_CONNS, \/\* u32/KTCP_A_MAX_CONNS, \/* u16/'
mutate header "KTCP_A_SERVER_ID: the header's comment names no type" \
	sed -i 's/^\tKTCP_A_SERVER_ID, \/\* u32, /\tKTCP_A_SERVER_ID, \/* /'
mutate kernel "KTCP_A_PORT: policy ktcp_policy has type u32, the spec u16" \
	sed -i 's/\[KTCP_A_PORT\] = NLA_POLICY_MIN(NLA_U16, 1)/[KTCP_A_PORT] = NLA_POLICY_MIN(NLA_U32, 1)/'
mutate spec "KTCP_A_OPTS: nests KTCP_OPT_A_* in the header, set stats in the spec" \
	sed -i 's/nested-attributes: opt$/nested-attributes: stats/'
# Checks against the policies.
mutate spec "KTCP_A_LISTENERS: policy ktcp_policy checks {'min': 1, 'max': 64}, the spec {'min': 1, 'max': 65}" \
	sed -i '/name: listeners$/,/max:/s/max: 64/max: 65/'
mutate kernel "KTCP_A_BACKLOG: policy ktcp_policy checks {'min': 1, 'max': 1000}" \
	sed -i 's/\.max = KTCP_BACKLOG_MAX,/.max = 1000,/'
mutate kernel "KTCP_OPT_A_HTTP_SENDFILE: policy ktcp_opt_policy checks nothing, the spec {'max': 1}" \
	sed -i 's/\[KTCP_OPT_A_HTTP_SENDFILE\] = NLA_POLICY_MAX(NLA_U8, 1)/[KTCP_OPT_A_HTTP_SENDFILE] = { .type = NLA_U8 }/'
mutate spec "KTCP_A_FLAGS: policy ktcp_policy checks {'flags-mask': 1}" \
	sed -i 's/flags-mask: drop-flags/flags-mask: drop-states-all/'
mutate spec "KTCP_A_STATS: rejected by policy ktcp_policy but in a request of the spec" \
	sed -i 's/attributes: \[server-id, port, addr, backlog, max-conns,$/attributes: [server-id, stats, port, addr, backlog, max-conns,/'
# Constants, enums and flags.
mutate spec "KTCP_BACKLOG_MAX: header 65535, spec 65536" \
	sed -i 's/value: 65535/value: 65536/'
mutate header "KTCP_DROP_STATES_ALL: header 2943, spec 2942" \
	sed -i 's/#define KTCP_DROP_STATES_ALL 0x0b7eU/#define KTCP_DROP_STATES_ALL 0x0b7fU/'
mutate spec "only in the spec: KTCP_DROP_F_DRY_RUNS" \
	sed -i 's/name: dry-run/name: dry-runs/'
mutate header "only in the header: KTCP_ECHO_WQ_OTHER = 2" \
	sed -i 's/^\tKTCP_ECHO_WQ_PERCPU,.*/&\n\tKTCP_ECHO_WQ_OTHER,/'
# Commands, their kinds and flags.
mutate spec "KTCP_CMD_SERVICE_GET: an operation in kernel/, not in the spec" \
	drop_item service-get
mutate spec "KTCP_CMD_SERVER_STOP: admin no in the spec, yes in kernel/" \
	sed -i '/name: server-stop$/,/flags:/{/flags:/d}'
mutate kernel "KTCP_CMD_SERVER_GET: dump yes in the spec, no in kernel/" \
	sed -i '/\.cmd = KTCP_CMD_SERVER_GET,/,/}/{/\.dumpit/d}'
mutate header "KTCP_CMD_SOCK_DROPPED: a request in the header, an event in the spec" \
	sed -i 's/KTCP_CMD_SOCK_DROPPED, \/\* notification only \*\//KTCP_CMD_SOCK_DROPPED,/'
mutate header "only in the header: KTCP_CMD_NEW = 13" \
	sed -i 's/^\tKTCP_CMD_SOCK_DROPPED,.*/&\n\tKTCP_CMD_NEW,/'
# Multicast groups and the family's name.
mutate spec "only in the header: KTCP_MCGRP_EVENTS" \
	sed -i 's/      name: events$/      name: event/'
mutate header "KTCP_MCGRP_EVENTS: header 'evts', spec 'events'" \
	sed -i 's/#define KTCP_MCGRP_EVENTS "events"/#define KTCP_MCGRP_EVENTS "evts"/'
mutate kernel "multicast group KTCP_MCGRP_OTHER: only in kernel/" \
	sed -i 's/{ \.name = KTCP_MCGRP_EVENTS }/{ .name = KTCP_MCGRP_OTHER }/'
mutate spec "KTCP_GENL_NAME: header 'ktcp', spec 'ktcq'" \
	sed -i 's/^name: ktcp$/name: ktcq/'
# A malformed spec is an error (exit 2), not a crash.
if out=$("$check" --spec /dev/null 2>&1); then
	echo "FAIL: an empty spec passed: $out"
	failed=$((failed + 1))
elif [[ $out == "check-spec: cannot check:"* ]]; then
	passed=$((passed + 1))
else
	echo "FAIL: an empty spec: $out"
	failed=$((failed + 1))
fi

# The kernel's YNL generator (scripts/check-ynl.sh): the tree passes, a
# spec it refuses fails, and so does a header that lacks or changes a
# name the generated header defines.
ynl=$top/scripts/check-ynl.sh
ynl_case() { # NAME EXPECTED EDIT... (on $tmp/y/ktcp.yaml or ktcp.h)
	local name=$1 expected=$2 out
	shift 2
	rm -rf "$tmp/y"
	mkdir -p "$tmp/y"
	cp "$top/include/uapi/linux/ktcp.yaml" "$top/include/uapi/linux/ktcp.h" "$tmp/y/"
	[ $# -eq 0 ] || "$@"
	if out=$("$ynl" --spec "$tmp/y/ktcp.yaml" --header "$tmp/y/ktcp.h" \
		--out "$tmp/gen" 2>&1); then
		[ -z "$expected" ] && passed=$((passed + 1)) && return
		echo "FAIL: ynl: $name passed"
	elif [ -n "$expected" ] && [[ $out == *"$expected"* ]]; then
		passed=$((passed + 1))
		return
	else
		echo "FAIL: ynl: $name: $out"
	fi
	failed=$((failed + 1))
}
ynl_case "the tree" ""
cp -r "$tmp/gen" "$tmp/tree-gen"
ynl_case "a license ynl-gen-c.py refuses" "License must be" \
	sed -i '1s/BSD-3-Clause/MIT/' "$tmp/y/ktcp.yaml"
ynl_case "max-len on a binary attribute" "binary type checks not implemented" \
	sed -i '0,/min-len: 4/s//min-len: 4\n          max-len: 16/' "$tmp/y/ktcp.yaml"
ynl_case "KTCP_DROP_F_DRY_RUN a define, not an enum ktcp_drop_flags" \
	"the generated client does not compile" \
	sed -i '/^enum ktcp_drop_flags {/,/^};/c #define KTCP_DROP_F_DRY_RUN (1U << 0)' \
	"$tmp/y/ktcp.h"
# The header cases need no generator: the tree's generated header.
gen_case() { # EXPECTED EDIT... (on $tmp/y/ktcp.h)
	local expected=$1 out
	shift
	cp "$top/include/uapi/linux/ktcp.h" "$tmp/y/ktcp.h"
	"$@"
	if out=$("$check" --header "$tmp/y/ktcp.h" \
		--generated "$tmp/tree-gen/ktcp-uapi.h" 2>&1); then
		echo "FAIL: ynl: '$*' passed"
		failed=$((failed + 1))
	elif [[ $out == *"$expected"* ]]; then
		passed=$((passed + 1))
	else
		echo "FAIL: ynl: '$*': $out"
		failed=$((failed + 1))
	fi
}
gen_case "KTCP_ECHO_WQ_MAX: generated from the spec, not in" \
	sed -i '/^#define KTCP_ECHO_WQ_MAX/d' "$tmp/y/ktcp.h"
gen_case "KTCP_DROP_STATE_CLOSING: 2048 generated from the spec, 4096 in" \
	sed -i 's/KTCP_DROP_STATE_CLOSING = 0x0800/KTCP_DROP_STATE_CLOSING = 0x1000/' "$tmp/y/ktcp.h"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
