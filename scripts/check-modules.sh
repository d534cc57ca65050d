#!/bin/bash
# Check installed ktcp modules the way modprobe will see them: run depmod on
# a root directory that holds them, then resolve by name and by alias
# without loading anything (the host needs no module support). The files
# depmod writes are removed again, so the root is left as it was found.
#
# Usage: check-modules.sh --base DIR --release R --dir PATH
#   --base DIR     root holding lib/modules/R (a DESTDIR or dkms install tree)
#   --release R    kernel release
#   --dir PATH     where the modules must be, e.g. /lib/modules/R/extra
#
# Checks: ktcp.ko, kecho.ko and khttpd.ko (or .ko.xz/.zst/.gz) are in PATH
# with vermagic R and without the test build's fault injection;
# modprobe resolves the family's alias to ktcp and ktcp-service-echo and
# ktcp-service-http to kecho and khttpd; loading kecho loads ktcp first.
# Used by scripts/check-install.sh and scripts/check-dkms.sh.
set -eu

PROG=check-modules
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
base='' release='' dir=''

# Every option takes a value.
flag() {
	return 1
}

setting() {
	case $1 in
	--base) base=$2 ;;
	--release) release=$2 ;;
	--dir) dir=$2 ;;
	*) return 1 ;;
	esac
}

parse_options "$@"
if [ -z "$base" ] || [ -z "$release" ] || [ -z "$dir" ]; then
	die "--base, --release and --dir are required"
fi
moddir=$base/lib/modules/$release
[ -d "$moddir" ] || die "no $moddir"

# dkms compresses them as the kernel's own modules are (6.12: .ko.xz).
declare -A ko
for m in ktcp kecho khttpd; do
	for f in "$base$dir/$m".ko "$base$dir/$m".ko.{xz,zst,gz}; do
		[ -r "$f" ] && ko[$m]=$f
	done
	[ -n "${ko[$m]:-}" ] || die "no $m.ko (or compressed) in $dir"
	vermagic=$(modinfo -F vermagic "${ko[$m]}")
	[ "${vermagic%% *}" = "$release" ] ||
		die "$m.ko: vermagic '$vermagic' is not for $release"
	# The VM suite's fault injection (kernel/test_hooks.h) never ships.
	hooks=$(modinfo -F parm "${ko[$m]}" | sed -n 's/^\(test_[a-z_]*\):.*/\1/p' | paste -sd ' ')
	[ -z "$hooks" ] || die "$m.ko is a test build: it has $hooks"
done

# depmod's output files are ours to remove; anything else stays.
before=$(find "$moddir" -maxdepth 1 -name 'modules.*' | sort)
[ -z "$before" ] || die "$moddir already has depmod files: $before"
cleanup() {
	find "$moddir" -maxdepth 1 -name 'modules.*' -delete
}
trap cleanup EXIT
# Warnings about the kernel's own files (modules.order, modules.builtin)
# that a staging root lacks are expected; errors are not.
depmod -b "$base" "$release" 2>"$base/.depmod.err" ||
	{ cat "$base/.depmod.err" >&2; rm -f "$base/.depmod.err"; die "depmod failed"; }
rm -f "$base/.depmod.err"

mp=(modprobe -d "$base" -S "$release")
expect_alias() { # ALIAS MODULE
	local got
	got=$("${mp[@]}" --resolve-alias "$1" 2>/dev/null) || got=''
	[ "$got" = "$2" ] || die "alias $1 resolves to '$got', expected $2"
}
expect_alias net-pf-16-proto-16-family-ktcp ktcp
expect_alias ktcp-service-echo kecho
expect_alias ktcp-service-http khttpd

deps=$("${mp[@]}" --show-depends kecho 2>&1) || die "modprobe kecho: $deps"
want="insmod ${ko[ktcp]}
insmod ${ko[kecho]}"
[ "$(printf '%s\n' "$deps" | sed 's/ *$//')" = "$want" ] ||
	die "modprobe kecho would run: $deps; expected: $want"
echo "check-modules: $release: ktcp, kecho, khttpd in $dir; aliases resolve"
