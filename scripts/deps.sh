#!/bin/sh
# Install everything ktcp needs to build and test, from Debian packages only.
# Idempotent: when every package is present it returns in well under a second
# without touching the network.
# Package lists are space-separated words on purpose.
# shellcheck disable=SC2086
set -eu

# Userspace build, tests, VM guest tools.
PKGS="build-essential pkg-config libnl-3-dev libnl-genl-3-dev libjson-c-dev
check qemu-system-x86 busybox-static cpio kmod iproute2 util-linux jq curl
clang-format cppcheck libnl-utils python3 zstd xz-utils
clang libclang-rt-14-dev shellcheck slowhttptest
dkms python3-yaml python3-jsonschema man-db groff-base abigail-tools
prometheus systemd goaccess tmux inotify-tools"
# prometheus: promtool checks `ktcp stats --format prometheus`; systemd:
# systemd-analyze verifies the installed ktcp.service (make check);
# goaccess parses `ktcp log`'s Combined Log Format (tests/vm/t-http-log.sh);
# tmux, copied into the VM, is the terminal tests/vm/t-top.sh reads
# `ktcp top` from; inotify-tools' inotifywait, copied there too, counts
# the closes of a file khttpd keeps open (tests/vm/t-http-files.sh).
# make check-spec: the kernel's YNL code generator and library
# (tools/net/ynl/ in the source tarball; bookworm-backports' and
# bookworm-security's 6.12, the kernel whose YNL the spec follows).
PKGS="$PKGS linux-source-6.12"
# make check-fresh: a minimal Debian root to run make deps and the build in.
PKGS="$PKGS debootstrap"
# The userspace servers copied into the VM (t-http-conformance's references,
# and make bench's), the load generator copied into the benchmark VM, and
# gnuplot for the plots (made on the host).
# liburing-dev builds uring-echo-server, the io_uring echo peer (its
# liburing2 goes into the guest with it); h2o is make bench's third HTTP
# peer.
PKGS="$PKGS nginx lighttpd h2o wrk gnuplot-nox liburing-dev"
# perf, copied into the benchmark VM, profiles kecho's CPUs in make bench:
# what recording latency histograms costs is below TCG's noise otherwise.
PKGS="$PKGS linux-perf"
# The browser test (tests/vm/t-http-browser.sh): headless Chromium on the
# host, driven through chromedriver, fetches from khttpd in the guest.
PKGS="$PKGS chromium chromium-driver"
# Kernels: bookworm's 6.1 LTS and bookworm-backports' 6.12 LTS.
KPKGS="linux-image-cloud-amd64 linux-headers-cloud-amd64"
BPO_SUITE=bookworm-backports

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages: $*" >&2
		echo "deps: run 'sudo make deps' (or scripts/deps.sh as root)" >&2
		exit 1
	fi
}

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# The 6.12 kernel counts as present when any 6.12 headers are installed.
have_bpo_kernel() {
	ls -d /usr/src/linux-headers-6.12.*-cloud-amd64 >/dev/null 2>&1 &&
		ls /boot/vmlinuz-6.12.*-cloud-amd64 >/dev/null 2>&1
}

have_stable_kernel() {
	ls -d /usr/src/linux-headers-6.1.*-cloud-amd64 >/dev/null 2>&1 &&
		ls /boot/vmlinuz-6.1.*-cloud-amd64 >/dev/null 2>&1
}

add_backports() {
	grep -rqs "$BPO_SUITE" /etc/apt/sources.list /etc/apt/sources.list.d/ &&
		return 0
	# Same archive as the main suite, so the mirror choice is the admin's.
	uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources \
		2>/dev/null | head -n 1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null)
	[ -n "$uri" ] || uri=http://deb.debian.org/debian
	echo "deb $uri $BPO_SUITE main" >/etc/apt/sources.list.d/ktcp-backports.list
}

todo=$(missing $PKGS)
kernels_ok=1
have_stable_kernel || kernels_ok=0
have_bpo_kernel || kernels_ok=0
[ -z "$todo" ] && [ $kernels_ok -eq 1 ] && exit 0

need_root $todo kernels
export DEBIAN_FRONTEND=noninteractive
add_backports
apt-get update -q
# nginx, lighttpd and h2o are only run inside the VM (tests, benchmarks): keep
# their packages from starting them on this machine (policy-rc.d, for this
# install only, unless the admin has one).
no_start=''
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	no_start=1
fi
rc=0
[ -z "$todo" ] || apt-get install -y -q --no-install-recommends $todo || rc=$?
[ -z "$no_start" ] || rm -f /usr/sbin/policy-rc.d
[ $rc -eq 0 ] || exit $rc
# initramfs-tools would run on every kernel install; the VM builds its own.
have_stable_kernel || apt-get install -y -q --no-install-recommends \
	$KPKGS
have_bpo_kernel || apt-get install -y -q --no-install-recommends \
	-t "$BPO_SUITE" $KPKGS
# Both kernels come through one metapackage name, so the older one is only
# "automatically installed"; keep apt autoremove from taking it away.
# shellcheck disable=SC2046 # one package name per word
apt-mark manual $(dpkg-query -W -f='${Package}\n' \
	'linux-image-6.*-cloud-amd64' 'linux-headers-6.*-cloud-amd64' \
	2>/dev/null) >/dev/null
