#!/bin/sh
# Print the release a kernel build tree's modules are for (their vermagic and
# /lib/modules/<release>). utsrelease.h, not include/config/kernel.release:
# Debian's 6.1 headers have "6.1.192" in the latter but build modules for
# "6.1.0-56-cloud-amd64".
set -eu
kdir=${1:?usage: krelease.sh KDIR}
r=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
	"$kdir/include/generated/utsrelease.h" 2>/dev/null || true)
[ -n "$r" ] || r=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || true)
[ -n "$r" ] || { echo "krelease: no kernel release in $kdir" >&2; exit 1; }
echo "$r"
