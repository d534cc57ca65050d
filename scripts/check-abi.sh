#!/bin/bash
# The ABI of libktcp: what the shared library and the archive export, and
# the layout of every public type, against a committed baseline.
#
#   scripts/check-abi.sh --lib build/libktcp.so.X.Y.Z [--archive build/libktcp.a]
#   scripts/check-abi.sh --lib build/libktcp.so.X.Y.Z --update
#
# Checks, failing on the first that does not hold:
# - the functions ktcp.h declares, the KTCP_EXPORT definitions, the names
#   in libktcp.map and the library's dynamic symbols are the same set, and
#   every export carries a LIBKTCP_<major>.<n> version;
# - the archive defines no other global symbol (internals are local);
# - abidiff (abigail-tools) finds no incompatible change between the
#   baseline of the library's soname, userspace/libktcp/abi/SONAME.abi,
#   and the library: no member or struct of another size or offset (but
#   the reserved array a new field shrinks, and the opaque struct ktcp,
#   whose members callers never see), nothing removed, no type renamed. A soname without a baseline fails too: an incompatible change
#   needs a new soname (KTCP_VERSION_MAJOR in ktcp.h) and its baseline,
#   made with --update (make abi-baseline) and committed. Compatible
#   changes (a new function, a field in reserved space) pass, with
#   abidiff's report.
# It never passes without having run abidiff: missing tools or a library
# without debug information are failures.
set -eu
PROG=check-abi
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

lib='' archive='' update=0
flag() {
	case $1 in
	--update) update=1 ;;
	*) return 1 ;;
	esac
}
setting() {
	case $1 in
	--lib) lib=$2 ;;
	--archive) archive=$2 ;;
	*) return 1 ;;
	esac
}
parse_options "$@"
[ -n "$lib" ] || die "--lib is required (see --help)"
[ -r "$lib" ] || die "no library $lib"
for t in abidw abidiff readelf nm; do
	command -v $t >/dev/null ||
		die "$t is missing: install abigail-tools and binutils (make deps)"
done
dir=$top/userspace/libktcp
header=$dir/ktcp.h
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] || die "$lib has no soname"
readelf -S "$lib" | grep -q '\.debug_info' ||
	die "$lib has no debug information (build with -g): abidiff could not see the types"
baseline=$dir/abi/$soname.abi
scratch_dir abi 0

# --- exports ----------------------------------------------------------------
# Functions of ktcp.h: a name followed by "(" at the start of a declaration.
sed -n 's/^[a-z].*[ *]\(ktcp_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u \
	>"$tmp/header"
# shellcheck disable=SC2016 # a sed program
sed -n '/^KTCP_EXPORT/{:a;/(/!{N;ba};s/(.*//;s/.*[ *\n]//p}' "$dir"/*.c |
	sort -u >"$tmp/defined"
sed -n 's/^[[:space:]]*\(ktcp_[a-z0-9_]*\);$/\1/p' "$dir/libktcp.map" |
	sort -u >"$tmp/map"
# The dynamic symbols the library defines, as NAME@@VERSION.
nm -D --defined-only --with-symbol-versions "$lib" | awk '{ print $3 }' |
	sort -u >"$tmp/dynsym"
sed 's/@.*//' "$tmp/dynsym" | grep -v '^LIBKTCP_' | sort -u >"$tmp/exported"
same() { # NAME1 FILE1 NAME2 FILE2
	cmp -s "$2" "$4" ||
		die "$1 and $3 differ (- $1, + $3):
$(diff "$2" "$4" | grep '^[<>]' | sed 's/^</-/; s/^>/+/')"
}
same "ktcp.h's functions" "$tmp/header" "the KTCP_EXPORT functions" "$tmp/defined"
same "ktcp.h's functions" "$tmp/header" "libktcp.map" "$tmp/map"
same "ktcp.h's functions" "$tmp/header" "$(basename "$lib")'s exports" "$tmp/exported"
major=${soname##*.so.}
bad=$(grep -v "^LIBKTCP_" "$tmp/dynsym" | grep -Ev "@@LIBKTCP_$major\.[0-9]+$" || true)
[ -z "$bad" ] || die "exports outside a LIBKTCP_$major.N node: $bad"
# Version nodes: a baseline export keeps its node; a new one goes into the
# node of this release, LIBKTCP_<major>.<KTCP_VERSION_MINOR>, which must
# be the newest (nothing lands in a sealed node, and the minor version
# moves with the symbols).
minor=$(sed -n 's/^#define KTCP_VERSION_MINOR \([0-9][0-9]*\)$/\1/p' "$header")
[ -n "$minor" ] || die "no KTCP_VERSION_MINOR in $header"
if [ -r "$baseline" ]; then
	sed -n "s/.*<elf-symbol name='\([a-z0-9_]*\)' version='\([A-Z0-9_.]*\)'.*/\1@@\2/p" \
		"$baseline" | sort -u >"$tmp/base-versions"
	moved=$(comm -23 "$tmp/base-versions" "$tmp/dynsym")
	[ -z "$moved" ] || die "exports of the baseline not in their node any more: $moved"
	added=$(sed 's/@.*//' "$tmp/base-versions" | comm -13 - "$tmp/exported")
	sealed=$(sed 's/.*@@//' "$tmp/base-versions" | sort -u)
	for f in $added; do
		node=$(grep "^$f@@" "$tmp/dynsym" | sed 's/.*@@//')
		if echo "$sealed" | grep -qx "$node"; then
			die "$f is new since the baseline but in $node, which the baseline seals: give it a new node, LIBKTCP_$major.N, and N to KTCP_VERSION_MINOR in ktcp.h"
		fi
		grep -qx "$f@@LIBKTCP_$major.$minor" "$tmp/dynsym" ||
			die "$f is new since the baseline but not in LIBKTCP_$major.$minor: new functions go into the node of the release that adds them, KTCP_VERSION_MINOR ($minor) in ktcp.h names it"
	done
	newest=$(grep -o "@@LIBKTCP_$major\.[0-9]*$" "$tmp/dynsym" | sed 's/.*\.//' | sort -n | tail -n 1)
	[ "$newest" = "$minor" ] || [ -z "$added" ] ||
		die "LIBKTCP_$major.$newest is newer than KTCP_VERSION_MINOR ($minor)"
fi
if [ -n "$archive" ]; then
	nm -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sort -u \
		>"$tmp/archive"
	same "ktcp.h's functions" "$tmp/header" "$(basename "$archive")'s globals" "$tmp/archive"
fi

# --- types: abidiff against the baseline --------------------------------------
abi() { # OUT: the ABI of $lib as abidw sees it through ktcp.h
	abidw --no-corpus-path --no-comp-dir-path --header-file "$header" \
		--out-file "$1" "$lib" || die "abidw $lib failed"
	if ! grep -q "name='ktcp_server_start'" "$1" ||
		! grep -q "name='ktcp_stats'" "$1"; then
		die "abidw saw no functions or types of ktcp.h in $lib"
	fi
}
if [ $update -eq 1 ]; then
	mkdir -p "$dir/abi"
	abi "$baseline"
	echo "$PROG: wrote ${baseline#"$top"/}: commit it"
	exit 0
fi
[ -r "$baseline" ] ||
	die "no baseline for $soname (${baseline#"$top"/}): a new soname needs one, made with 'make abi-baseline' and committed"
abi "$tmp/current.abi"
rc=0
# The opaque handle's layout is not ABI (userspace/libktcp/abi/opaque.suppr).
abidiff --no-added-syms --suppressions "$dir/abi/opaque.suppr" \
	"$baseline" "$tmp/current.abi" >"$tmp/report" 2>&1 ||
	rc=$?
# abidiff's status is a bit mask: 1 error, 2 usage, 4 change, 8 incompatible.
if [ $((rc & 3)) -ne 0 ]; then
	cat "$tmp/report" >&2
	die "abidiff failed (status $rc)"
fi
# abidiff calls incompatible (8) only what breaks linking: a removed
# function. A struct whose members moved is "a change" (4) to it, as is a
# field taking reserved space. What a program built against the baseline
# would misread is incompatible here: a member or a struct that changed
# size or offset, other than the reserved array that a new field shrinks;
# a member, parameter or function removed; a type renamed (not an array).
incompatible=$(awk '
	/type of .* changed:$/ { m = $0; sub(/^[^\x27]*\x27/, "", m); sub(/\x27.*/, "", m) }
	/offset changed/ {
		n = m
		if ($0 ~ /^ *\x27/) { n = $0; sub(/^ *\x27/, "", n); sub(/\x27.*/, "", n) }
		if (n !~ / reserved\[/) print
	}
	/ type size changed/ && !/array type size/ { print }
	/[1-9][0-9]* Removed|deletion|removed|was added|return type changed/ { print }
	/type name changed from \x27[^\x27[]*\x27 to/ { print }
' "$tmp/report")
if [ $((rc & 8)) -ne 0 ] || [ -n "$incompatible" ]; then
	cat "$tmp/report" >&2
	echo "$PROG: incompatible: ${incompatible:-removed symbols}" >&2
	die "an incompatible change to the ABI of $soname: keep the layout (a new field takes reserved space), or change the soname (KTCP_VERSION_MAJOR in ktcp.h) and make its baseline"
fi
if [ $((rc & 4)) -ne 0 ]; then
	cat "$tmp/report"
	echo "$PROG: compatible changes to $soname (above): new functions go in a new version node of libktcp.map"
fi
echo "$PROG: PASS ($soname: $(wc -l <"$tmp/header") functions, baseline ${baseline#"$top"/})"
