#!/bin/bash
# make check-install: `make install` into a staging root (DESTDIR), then use
# what it installed as a user would:
#   - exactly the expected files, the library's links and soname, a .pc
#     whose prefix is PREFIX (not the build tree);
#   - examples/ built with `pkg-config --cflags --libs libktcp` against the
#     staged header and library, and run (it must reach the library and
#     report the missing family: the host kernel has no ktcp);
#   - the staged ktcp runs, its man pages render and its completion loads;
#   - systemd-analyze verify finds nothing to say about the staged
#     ktcp.service (run against the staged ktcp and man pages), and the
#     modules-load.d entry loads ktcp;
#   - modprobe finds the staged modules by name and alias after depmod;
#   - `make uninstall` leaves no file behind;
# and once more with another PREFIX and LIBDIR, for the .pc's paths.
#
# Usage: check-install.sh [--kdir KDIR] [--keep]
#   --kdir KDIR  headers the modules were built with (`make modules KDIR=`;
#                default: the newest installed Debian cloud kernel's)
#   --keep       keep the staging directory (its path is printed)
set -eu

PROG=check-install
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top"
kdir='' keep=0

# Not lib.sh's die: the verdict is one line, PASS at the end or FAIL here.
die() {
	echo "check-install: FAIL: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--kdir) [ $# -ge 2 ] || die "--kdir needs a directory"
		kdir=$2; shift ;;
	--keep) keep=1 ;;
	-h | --help) usage ;;
	*) echo "check-install: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$kdir" ]; then
	r=$(scripts/vm/kernels.sh | tail -n 1)
	[ -n "$r" ] || die "no kernel headers installed (make deps) and no --kdir"
	kdir=/usr/src/linux-headers-$r
fi
release=$(scripts/vm/krelease.sh "$kdir") || die "no kernel release in $kdir"
kargs=(KDIR="$kdir")
# One version for everything (KTCP_VERSION_* in ktcp.h); the soname is its
# major number.
version=$("$make" -s --no-print-directory print-version)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
	die "make print-version printed '$version'"
libversion=$version
soname=libktcp.so.${version%%.*}

scratch_dir install "$keep"
stage=$tmp/stage
mkdir -p "$stage"

# The staged tree as sorted "path" or "path -> target" lines.
staged_files() {
	(cd "$1" && find . ! -type d | sed 's|^\./|/|' | LC_ALL=C sort |
		while IFS= read -r f; do
			if [ -L "$1$f" ]; then
				echo "$f -> $(readlink "$1$f")"
			else
				echo "$f"
			fi
		done)
}

# --- default PREFIX (/usr/local) --------------------------------------------
"$make" --no-print-directory install DESTDIR="$stage" "${kargs[@]}" \
	>"$tmp/install.out" 2>&1 || { cat "$tmp/install.out" >&2; die "make install"; }
p=/usr/local
expected="/lib/modules/$release/extra/kecho.ko
/lib/modules/$release/extra/khttpd.ko
/lib/modules/$release/extra/ktcp.ko
$p/bin/ktcp
$p/lib/modules-load.d/ktcp.conf
$p/lib/systemd/system/ktcp.service
$p/include/ktcp.h
$p/include/linux/ktcp.h
$p/lib/libktcp.a
$p/lib/libktcp.so -> $soname
$p/lib/libktcp.so.$libversion
$p/lib/$soname -> libktcp.so.$libversion
$p/lib/pkgconfig/libktcp.pc
$p/share/bash-completion/completions/ktcp
$p/share/man/man3/libktcp.3
$p/share/man/man5/ktcp.conf.5
$p/share/man/man7/ktcp.7
$p/share/man/man8/ktcp.8"
expected=$(LC_ALL=C sort <<<"$expected")
got=$(staged_files "$stage")
[ "$got" = "$expected" ] ||
	die "installed files differ (- expected, + installed):
$(diff <(echo "$expected") <(echo "$got") | grep '^[<>]' | sed 's/^</-/; s/^>/+/')"
got=$(readelf -d "$stage$p/lib/libktcp.so.$libversion" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$got" = "$soname" ] || die "installed library's soname is '$got', not $soname"
# The header's version macros are the package's.
got=$(printf '#include <ktcp.h>\nKTCP_VERSION_MAJOR.KTCP_VERSION_MINOR.KTCP_VERSION_PATCH\n' |
	cc -E -P -I"$stage$p/include" - | tail -n 1 | tr -d ' ')
[ "$got" = "$version" ] || die "installed ktcp.h says version '$got', not $version"
cmp -s include/uapi/linux/ktcp.h "$stage$p/include/linux/ktcp.h" ||
	die "include/linux/ktcp.h is not the UAPI header"

# pkg-config as on the target, through the sysroot of the staged tree.
pc() {
	PKG_CONFIG_PATH=$stage$p/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage \
		pkg-config "$@"
}
grep -qx "prefix=$p" "$stage$p/lib/pkgconfig/libktcp.pc" ||
	die "libktcp.pc does not say prefix=$p: $(cat "$stage$p/lib/pkgconfig/libktcp.pc")"
[ "$(pc --modversion libktcp)" = "$libversion" ] || die "libktcp.pc version"
flags=$(pc --cflags --libs libktcp)
case " $flags " in
*" -I$stage$p/include "*" -L$stage$p/lib "*) ;;
*) die "pkg-config --cflags --libs libktcp: '$flags' does not name the staged tree" ;;
esac
# The compile line is read below, so this make must echo it even when the
# caller's make runs with -s (MAKEFLAGS reaches sub-makes).
PKG_CONFIG_PATH=$stage$p/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage MAKEFLAGS='' \
	"$make" --no-print-directory -C examples OUT="$tmp/ktcp-example" \
	CFLAGS="-O2 -Wall -Wextra -Werror" >"$tmp/example.out" 2>&1 ||
	{ cat "$tmp/example.out" >&2; die "examples/ does not build against the installed files"; }
grep -q -- "-I$stage$p/include" "$tmp/example.out" ||
	die "examples/ was not compiled with the staged header: $(cat "$tmp/example.out")"
lib=$(LD_LIBRARY_PATH=$stage$p/lib ldd "$tmp/ktcp-example" |
	awk -v so="$soname" '$1 == so { print $3 }')
[ "$lib" = "$stage$p/lib/$soname" ] ||
	die "ktcp-example loads libktcp from '$lib', not the staged tree"
rc=0
out=$(LD_LIBRARY_PATH=$stage$p/lib "$tmp/ktcp-example" 2>&1) || rc=$?
if [ $rc -ne 1 ] || [[ $out != *"the ktcp module is not loaded"* ]]; then
	die "ktcp-example (rc $rc, no ktcp family on the host): $out"
fi

out=$(LD_LIBRARY_PATH=$stage$p/lib "$stage$p/bin/ktcp" --help) ||
	die "installed ktcp --help failed"
[[ $out == "usage: ktcp "* ]] || die "installed ktcp --help printed: $out"
out=$(LD_LIBRARY_PATH=$stage$p/lib "$stage$p/bin/ktcp" --version)
[ "$out" = "ktcp $version" ] ||
	die "ktcp --version says '$out', the package is $version (ktcp.h)"
out=$(LD_LIBRARY_PATH=$stage$p/lib "$stage$p/bin/ktcp" version | head -n 1)
[ "$out" = "ktcp $version, libktcp $version" ] ||
	die "ktcp version says '$out', the package is $version"
for m in man3/libktcp.3 man5/ktcp.conf.5 man7/ktcp.7 man8/ktcp.8; do
	out=$(MANWIDTH=80 man -l "$stage$p/share/man/$m" 2>&1) ||
		die "man -l $m: $out"
	[[ $out == *NAME* ]] || die "man -l $m rendered no NAME section"
done
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(bash -c '. "$1" && complete -p ktcp' _ \
	"$stage$p/share/bash-completion/completions/ktcp") ||
	die "the installed completion does not load"
[[ $out == "complete -F _ktcp "* ]] || die "completion registers: $out"

# The unit as systemd reads it. Its commands are $p/bin/ktcp, which on this
# host is the staged one: verify a copy that says so, with man finding the
# staged pages its Documentation= names. verify exits 0 on unknown keys
# and bad dependencies too: any word from it fails.
unit=$stage$p/lib/systemd/system/ktcp.service
grep -qx "ExecStart=$p/bin/ktcp apply /etc/ktcp/ktcp.conf" "$unit" ||
	die "ktcp.service does not run $p/bin/ktcp apply: $(cat "$unit")"
grep -qx "ExecStop=$p/bin/ktcp apply --stop" "$unit" ||
	die "ktcp.service does not stop with ktcp apply --stop"
sed "s|=$p/bin/ktcp |=$stage$p/bin/ktcp |" "$unit" >"$tmp/ktcp.service"
command -v systemd-analyze >/dev/null || die "systemd-analyze missing (make deps)"
out=$(LD_LIBRARY_PATH=$stage$p/lib MANPATH=$stage$p/share/man \
	systemd-analyze verify "$tmp/ktcp.service" 2>&1) ||
	die "systemd-analyze verify ktcp.service: $out"
[ -z "$out" ] || die "systemd-analyze verify ktcp.service: $out"
[ "$(grep -v '^#' "$stage$p/lib/modules-load.d/ktcp.conf")" = ktcp ] ||
	die "modules-load.d/ktcp.conf does not load ktcp"

scripts/check-modules.sh --base "$stage" --release "$release" \
	--dir "/lib/modules/$release/extra" || die "installed modules"

"$make" --no-print-directory uninstall DESTDIR="$stage" "${kargs[@]}" \
	>"$tmp/uninstall.out" 2>&1 || { cat "$tmp/uninstall.out" >&2; die "make uninstall"; }
left=$(staged_files "$stage")
[ -z "$left" ] || die "make uninstall left: $left"

# --- PREFIX=/usr with a multiarch LIBDIR: the .pc follows them -------------
p=/usr libdir=/usr/lib/x86_64-linux-gnu
"$make" --no-print-directory install-user DESTDIR="$stage" PREFIX=$p \
	LIBDIR=$libdir >"$tmp/install2.out" 2>&1 ||
	{ cat "$tmp/install2.out" >&2; die "make install-user PREFIX=$p"; }
pc2() {
	PKG_CONFIG_PATH=$stage$libdir/pkgconfig pkg-config "$@" libktcp
}
got="$(pc2 --variable=prefix) $(pc2 --variable=libdir) $(pc2 --variable=includedir)"
[ "$got" = "$p $libdir $p/include" ] ||
	die "PREFIX=$p LIBDIR=$libdir: libktcp.pc has prefix, libdir, includedir $got"
if [ ! -e "$stage$libdir/$soname" ] || [ ! -e "$stage$p/bin/ktcp" ]; then
	die "PREFIX=$p LIBDIR=$libdir: files not where expected: $(staged_files "$stage")"
fi
"$make" --no-print-directory uninstall-user DESTDIR="$stage" PREFIX=$p \
	LIBDIR=$libdir >/dev/null
left=$(staged_files "$stage")
[ -z "$left" ] || die "make uninstall-user PREFIX=$p left: $left"

echo "check-install: PASS (install, pkg-config build, systemd-analyze verify, modules for $release, uninstall)"
