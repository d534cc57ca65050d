#!/bin/bash
# The YNL spec through the kernel's own YNL code generator
# (tools/net/ynl/ynl-gen-c.py of Debian's linux-source-6.12, which
# validates it against the genetlink-c schema first): it must make the
# UAPI header, the user-space client (header and source) and the kernel
# policies and ops (header and source), and every name the UAPI header
# it makes defines must be in include/uapi/linux/ktcp.h with the same
# value (scripts/check-spec.py --generated), and the user-space client it
# makes must compile against ktcp.h.
#
#   scripts/check-ynl.sh [--spec FILE] [--header FILE] [--out DIR]
#
# The generator and its schemas are unpacked once from
# /usr/src/linux-source-6.12.tar.xz into $O/ynl/ (about 20 s), and again
# only when the tarball changes. The generated files stay in --out
# (default $O/ynl/gen/): the user-space ones are what a client of the
# family compiles (tests/vm/t-ynl.sh runs one). Needs linux-source-6.12,
# python3-yaml and python3-jsonschema (make deps).
set -eu
PROG=check-ynl
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

spec=$top/include/uapi/linux/ktcp.yaml
header=$top/include/uapi/linux/ktcp.h
out=''
flag() { return 1; }
setting() {
	case $1 in
	--spec) spec=$2 ;;
	--header) header=$2 ;;
	--out) out=$2 ;;
	*) return 1 ;;
	esac
}
parse_options "$@"
case $O in /*) build=$O ;; *) build=$top/$O ;; esac
[ -n "$out" ] || out=$build/ynl/gen
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] ||
	die "no /usr/src/linux-source-6.12.tar.xz: install linux-source-6.12 (make deps)"
python3 -c 'import yaml, jsonschema' 2>/dev/null ||
	die "python3-yaml and python3-jsonschema are needed (make deps)"

# --- the generator, unpacked once per tarball ---------------------------------
src=$build/ynl/src
stamp="$(stat -c '%s %Y' "$tarball") $tarball"
if [ "$(cat "$src/.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	echo "$PROG: unpacking tools/net/ynl from $tarball (once)"
	tar -xJf "$tarball" -C "$src" --strip-components=1 --wildcards \
		'*/tools/net/ynl/*' '*/Documentation/netlink/*.yaml' \
		'*/tools/include/uapi/*' ||
		die "cannot unpack $tarball"
	echo "$stamp" >"$src/.stamp"
fi
gen=$src/tools/net/ynl/ynl-gen-c.py
[ -r "$gen" ] || die "$tarball has no tools/net/ynl/ynl-gen-c.py"

# The generator finds its schema beside the spec's directory, and the
# kernel tree by its MAINTAINERS: give it the layout of one.
scratch_dir ynl 0
mkdir -p "$tmp/Documentation/netlink/specs"
touch "$tmp/MAINTAINERS"
cp "$src"/Documentation/netlink/*.yaml "$tmp/Documentation/netlink/"
cp "$spec" "$tmp/Documentation/netlink/specs/ktcp.yaml"
mkdir -p "$out"
run() { # MODE --header|--source OUT
	python3 "$gen" --mode "$1" "$2" \
		--spec "$tmp/Documentation/netlink/specs/ktcp.yaml" \
		-o "$out/$3" >"$tmp/log" 2>&1 && return
	tail -n 5 "$tmp/log" >&2
	die "ynl-gen-c.py --mode $1 $2 refused the spec (above)"
}
run uapi --header ktcp-uapi.h
run user --header ktcp-user.h
run user --source ktcp-user.c
run kernel --header ktcp-nl.h
run kernel --source ktcp-nl.c
# The generated client must compile against the real header: its code
# names the header's types (enum ktcp_drop_flags, ...), not only values.
mkdir -p "$tmp/inc/linux"
cp "$header" "$tmp/inc/linux/ktcp.h"
${CC:-cc} -std=gnu11 -Wall -Werror -I"$out" -I"$src/tools/net/ynl/lib" \
	-I"$tmp/inc" -c -o "$tmp/ktcp-user.o" "$out/ktcp-user.c" ||
	die "the generated client does not compile against ${header#"$top"/}"
python3 "$top/scripts/check-spec.py" --header "$header" \
	--generated "$out/ktcp-uapi.h" ||
	die "the header generated from the spec and ${header#"$top"/} differ"
echo "$PROG: PASS (ynl-gen-c.py of $(basename "$tarball"): uapi, user and kernel, header and source)"
