#!/bin/bash
# Build the sanitizer kernel that `make check-debug` boots: Debian's own
# 6.1 source (linux-source-6.1) with KASAN, KFENCE, lockdep, kmemleak,
# UBSAN and debug objects, everything the test VM needs built in.
#
# Usage: build-debug-kernel.sh OUTDIR
#   OUTDIR/bzImage   the kernel to boot
#   OUTDIR/build/    a tree to build out-of-tree modules against (KDIR)
#   OUTDIR/config    its configuration
# Environment: WORK (scratch directory, default /tmp/ktcp-debug-kernel),
# JOBS (parallel jobs, default nproc), CONFIG_ONLY=1 (stop after writing
# OUTDIR/config). About 25 minutes on 2 cores.
set -eu

die() {
	echo "build-debug-kernel: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 OUTDIR (see the top of this file)"
case $1 in -h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
mkdir -p "$1"
out=$(cd "$1" && pwd)
work=${WORK:-/tmp/ktcp-debug-kernel}
jobs=${JOBS:-$(nproc)}

pkgs="linux-source-6.1 build-essential flex bison bc libelf-dev libssl-dev
xz-utils"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" -eq 0 ] || die "needs root to install:$missing"
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null ||
		die "apt-get install$missing failed"
fi

src=
for f in /usr/src/linux-source-6.1.tar.*; do
	[ -e "$f" ] && src=$f
done
[ -n "$src" ] || die "no /usr/src/linux-source-6.1.tar.* after installing linux-source-6.1"
mkdir -p "$work"
cd "$work"
[ -d linux-source-6.1 ] || tar -xf "$src"
cd linux-source-6.1

# Debian's cloud configuration when a 6.1 cloud kernel is installed, else
# the upstream default; then nothing modular (the VM loads no module files
# of the kernel's own), except what the guest tests use, built in.
cfg=
for f in /boot/config-6.1.*-cloud-amd64; do
	[ -e "$f" ] && cfg=$f
done
if [ -n "$cfg" ]; then
	cp "$cfg" .config
else
	make -s x86_64_defconfig
fi
builtin="IPV6 VETH DUMMY TUN INET_DIAG INET_TCP_DIAG INET_UDP_DIAG
INET_RAW_DIAG NETLINK_DIAG UNIX_DIAG PACKET_DIAG VIRTIO VIRTIO_PCI
VIRTIO_PCI_LEGACY VIRTIO_NET VIRTIO_CONSOLE VIRTIO_BLK HW_RANDOM_VIRTIO"
for opt in $builtin; do
	scripts/config --set-val "$opt" y
done
sed -i 's/=m$/=n/' .config

# Unsigned modules; no debug info (it triples the build for nothing the
# logs need); the checkers.
scripts/config \
	--disable MODULE_SIG --disable MODULE_SIG_ALL --set-str MODULE_SIG_KEY "" \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--disable DEBUG_INFO --disable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_BTF \
	--enable DEBUG_INFO_NONE --set-str LOCALVERSION -ktcp-debug \
	--enable KASAN --enable KASAN_GENERIC --enable KASAN_INLINE \
	--enable KFENCE \
	--enable PROVE_LOCKING --enable DEBUG_ATOMIC_SLEEP --enable DEBUG_LIST \
	--enable DEBUG_KMEMLEAK --disable DEBUG_KMEMLEAK_DEFAULT_OFF \
	--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 16000 \
	--enable DEBUG_OBJECTS --enable DEBUG_OBJECTS_WORK \
	--enable DEBUG_OBJECTS_TIMERS \
	--enable UBSAN --enable UBSAN_BOUNDS \
	--enable DETECT_HUNG_TASK --enable SOFTLOCKUP_DETECTOR
make -s olddefconfig
for opt in KASAN PROVE_LOCKING DEBUG_KMEMLEAK KFENCE UBSAN; do
	grep -q "^CONFIG_$opt=y" .config || die "CONFIG_$opt did not stick"
done

if [ "${CONFIG_ONLY:-0}" = 1 ]; then
	cp .config "$out/config"
	echo "build-debug-kernel: $out/config"
	exit 0
fi
echo "build-debug-kernel: building in $work (log: build.log)"
make -j"$jobs" bzImage modules_prepare >build.log 2>&1 ||
	{ tail -n 40 build.log; die "build failed"; }

cp arch/x86/boot/bzImage "$out/bzImage"
cp .config "$out/config"
# What building an external module needs, and no more.
rm -rf "$out/build"
mkdir -p "$out/build"
tar -cf - Makefile .config Module.symvers include arch/x86/include \
	arch/x86/Makefile* scripts tools/objtool/objtool 2>/dev/null |
	tar -xf - -C "$out/build"
echo "build-debug-kernel: $out/bzImage ($(make -s kernelrelease))"
