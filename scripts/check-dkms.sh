#!/bin/bash
# make check-dkms: the DKMS package works as a user would drive it —
# `make install-dkms`, then `dkms add`, `dkms build` and `dkms install` for
# each kernel, then `dkms remove` — but in a throw-away tree: the source,
# dkms and install trees are temporary directories (--sourcetree,
# --dkmstree, --installtree) and so is the module signing key, so neither
# /usr/src, /var/lib/dkms nor /lib/modules is touched.
#
# Usage: check-dkms.sh [--kernel RELEASE]... [--keep]
#   --kernel R  a kernel release to build for (repeatable; default every
#               installed Debian cloud kernel with headers, scripts/vm/kernels.sh)
#   --keep      keep the temporary directory (its path is printed)
#
# dkms finds a kernel's headers at /lib/modules/R/build, which Debian's
# linux-headers-R package links to /usr/src/linux-headers-R; the kernel
# need not be running. Needs root (dkms add insists) and the dkms package.
set -eu

PROG=check-dkms
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top"
releases=() keep=0

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || die "--kernel needs a release"
		releases+=("$2"); shift ;;
	--keep) keep=1 ;;
	-h | --help) usage ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
command -v dkms >/dev/null || die "dkms is not installed (make deps)"
[ "$(id -u)" -eq 0 ] || die "dkms add needs root"
if [ ${#releases[@]} -eq 0 ]; then
	mapfile -t releases < <(scripts/vm/kernels.sh)
fi
[ ${#releases[@]} -gt 0 ] || die "no kernel with headers installed (make deps)"

version=$("$make" -s --no-print-directory print-version)
[ -n "$version" ] || die "make print-version printed no version"
scratch_dir dkms "$keep"
# dkms runs make for the kernel: our make's command-line variables (O= above
# all, which kbuild takes as its output tree) must not reach it.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS
root=$tmp/root
mkdir -p "$tmp/dkms" "$root/lib/modules"
trees=(--sourcetree "$root/usr/src" --dkmstree "$tmp/dkms"
	--installtree "$root/lib/modules")
# dkms signs what it builds, by default with a key it creates in
# /var/lib/dkms; it takes these two from the environment instead.
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub

"$make" --no-print-directory install-dkms DESTDIR="$root" >/dev/null
src=$root/usr/src/ktcp-$version
[ -r "$src/dkms.conf" ] || die "install-dkms left no $src/dkms.conf"
grep -qx "PACKAGE_VERSION=\"$version\"" "$src/dkms.conf" ||
	die "$src/dkms.conf does not say PACKAGE_VERSION=\"$version\""
dkms add -m ktcp -v "$version" "${trees[@]}" >/dev/null ||
	die "dkms add failed"

failed=0
for r in "${releases[@]}"; do
	start=$(date +%s)
	[ -d "/lib/modules/$r/build" ] ||
		die "$r: no /lib/modules/$r/build (install linux-headers-$r)"
	# Where dkms leaves the log of a failed build.
	log=$tmp/dkms/ktcp/$version/build/make.log
	if ! dkms build -m ktcp -v "$version" -k "$r" "${trees[@]}" \
		>"$tmp/build-$r.out" 2>&1; then
		cat "$tmp/build-$r.out" "$log" 2>/dev/null | tail -n 40 >&2
		echo "check-dkms: $r: FAIL (dkms build)"
		failed=1
		continue
	fi
	# dkms installs only into a kernel directory that exists.
	mkdir -p "$root/lib/modules/$r"
	if ! dkms install -m ktcp -v "$version" -k "$r" --no-depmod \
		"${trees[@]}" >"$tmp/install-$r.out" 2>&1; then
		cat "$tmp/install-$r.out" >&2
		echo "check-dkms: $r: FAIL (dkms install)"
		failed=1
		continue
	fi
	if ! scripts/check-modules.sh --base "$root" --release "$r" \
		--dir "/lib/modules/$r/updates/dkms"; then
		echo "check-dkms: $r: FAIL (installed modules)"
		failed=1
		continue
	fi
	status=$(dkms status -m ktcp -v "$version" -k "$r" "${trees[@]}" 2>/dev/null)
	case $status in
	*": installed"*) ;;
	*) echo "check-dkms: $r: FAIL (dkms status: $status)"
		failed=1
		continue ;;
	esac
	echo "check-dkms: $r: PASS (built, signed, installed in $(($(date +%s) - start))s)"
done

dkms remove -m ktcp -v "$version" --all --no-depmod "${trees[@]}" \
	>"$tmp/remove.out" 2>&1 || { cat "$tmp/remove.out" >&2; die "dkms remove failed"; }
left=$(find "$root/lib/modules" -name '*.ko*')
[ -z "$left" ] || die "dkms remove left modules behind: $left"
exit $failed
