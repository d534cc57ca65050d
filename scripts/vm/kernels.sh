#!/bin/sh
# Print the releases of installed Debian cloud kernels that have both an image
# and headers (so modules can be built and booted), oldest first.
set -eu
cd "$(dirname "$0")/../.."

for h in /usr/src/linux-headers-*-cloud-amd64; do
	r=${h#/usr/src/linux-headers-}
	[ "$(scripts/vm/krelease.sh "$h" 2>/dev/null)" = "$r" ] || continue
	[ -r "/boot/vmlinuz-$r" ] && echo "$r"
done | sort -V
