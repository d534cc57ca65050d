#!/bin/bash
# Build the initramfs the test VM boots: busybox, real tools the tests need,
# our modules for one kernel release, the project's binaries and the guest
# tests. Runs without root: device nodes are written straight into the cpio.
#
# Usage: mkinitramfs.sh --release R --out FILE [--kmods DIR]... [--tests DIR]...
#        [--bin-dir DIR] [--moddir DIR] [--bench]
#   --kmods DIR   tree searched for our *.ko (default $O/kmod-test/R/kernel,
#                 the test build: make modules KTCP_TEST_HOOKS=y)
#   --tests DIR   copied to /tests in the guest (default tests/vm)
#   --bin-dir DIR project binaries: executables and *.so* directly in DIR and
#                 in DIR/tools go to /usr/bin and /usr/lib (default $O)
#   --moddir DIR  the kernel's own modules (default /lib/modules/R, optional:
#                 a kernel with everything built in has none)
#   --bench       also BENCH_TOOLS and BENCH_FILES (the benchmark image)
set -eu

# Real tools copied with their libraries. Tests call them by name: the guest
# puts /usr/sbin and /usr/bin before busybox's /bin in PATH, and runs tests in
# bash, which (unlike busybox sh) does not prefer its own applets. A tool
# missing on the host is an error: tests in the VM never skip. nginx and
# lighttpd are t-http-conformance's reference servers (and the benchmarks');
# tmux is the terminal t-top watches `ktcp top` in, as a person would;
# inotifywait counts the closes of a file khttpd keeps open (t-http-files).
TOOLS="bash ip ss jq curl setpriv unshare nsenter timeout kmod slowhttptest
genl-ctrl-list nice tc nginx lighttpd tmux wrk inotifywait"
# Files (or directories) the tools need, copied to the same path: tmux
# wants a UTF-8 locale and glibc's C.UTF-8 is not built in.
FILES="/usr/lib/locale/C.utf8"
# Optional host tools: copied when present, for debugging in `make vm`.
OPTIONAL_TOOLS="strace"
# The kernel's own modules the guest may need, with their dependencies:
# virtio for the forwarded ports in shell/demo mode, *_diag for ss, veth and
# dummy for namespace tests, netem for tests that lose packets. Built-in or
# absent ones are skipped.
KERNEL_MODULES="virtio_pci virtio_net inet_diag tcp_diag udp_diag veth dummy
sch_netem"
# The benchmark image only (--bench, for bench/): h2o (the third HTTP
# peer), taskset to pin servers and clients to CPUs (util-linux's:
# busybox's may lack -c), and perf to profile the server CPUs; the other
# userspace servers the kernel ones are compared with are in TOOLS. The bench scripts write the servers' configuration themselves;
# nginx's mime.types is the one file of its own they include.
BENCH_TOOLS="taskset h2o perf"
BENCH_FILES="/etc/nginx/mime.types"

top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
release='' out='' bindir='' moddir='' bench=0
kmods=() tests=()

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--release) release=$2 ;;
	--out) out=$2 ;;
	--kmods) kmods+=("$2") ;;
	--tests) tests+=("$2") ;;
	--bin-dir) bindir=$2 ;;
	--moddir) moddir=$2 ;;
	--bench) bench=1; shift; continue ;;
	*) die "unknown argument '$1'" ;;
	esac
	shift 2
done
[ -n "$release" ] || die "--release is required"
[ -n "$out" ] || die "--out is required"
cd "$top"
[ ${#kmods[@]} -gt 0 ] || kmods=("$O/kmod-test/$release/kernel")
[ ${#tests[@]} -gt 0 ] || tests=(tests/vm)
bindir=${bindir:-$O}
moddir=${moddir:-/lib/modules/$release}

root=$(mktemp -d "${TMPDIR:-/tmp}/ktcp-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib,lib,lib64,etc,dev,proc,sys,tmp,run,root,tests}
mkdir -p "$root/lib/modules/$release/extra"

# Copy a file to the same path in the guest, following symlinks.
copy_file() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
}

# Copy an ELF file and every library ldd resolves for it. Libraries found
# outside the system (our own libktcp in $bindir) go to /usr/lib, which the
# dynamic loader searches by default.
copy_elf() {
	local src=$1 dst=$2 lib
	copy_file "$src" "$dst"
	ldd "$src" 2>/dev/null | grep -q 'not a dynamic' && return 0
	if LD_LIBRARY_PATH=$bindir ldd "$src" | grep -q 'not found'; then
		LD_LIBRARY_PATH=$bindir ldd "$src" >&2
		die "$src: unresolved libraries"
	fi
	# Lines look like "libx.so.1 => /path (0x...)" or "/lib64/ld-linux... (0x...)".
	LD_LIBRARY_PATH=$bindir ldd "$src" |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		while read -r lib; do
			case $lib in
			/lib/* | /lib64/* | /usr/*) [ -e "$root$lib" ] || copy_file "$lib" "$lib" ;;
			*) [ -e "$root/usr/lib/$(basename "$lib")" ] ||
				copy_file "$lib" "/usr/lib/$(basename "$lib")" ;;
			esac
		done
}

is_elf() {
	[ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]
}

# busybox: every applet as a link in /bin only, so real tools in /usr/bin and
# /usr/sbin win in PATH lookups (bash). busybox sh itself still runs applets
# first; /init therefore calls real tools by full path.
bb=$(command -v busybox) || die "busybox not found (scripts/deps.sh installs busybox-static)"
if ! is_elf "$bb" || ldd "$bb" >/dev/null 2>&1; then
	die "$bb is not a static binary (install busybox-static)"
fi
cp "$bb" "$root/bin/busybox"
for applet in $("$bb" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done

extra_tools=''
[ $bench -eq 0 ] || extra_tools=$BENCH_TOOLS
for t in $TOOLS $extra_tools $OPTIONAL_TOOLS; do
	if ! path=$(command -v "$t"); then
		case " $OPTIONAL_TOOLS " in
		*" $t "*) continue ;;
		esac
		die "required tool '$t' not found on the host (see scripts/deps.sh)"
	fi
	# Keep the bin/sbin split of the PATH entry, not of the link target.
	case $path in
	*/sbin/*) copy_elf "$(readlink -f "$path")" "/usr/sbin/$t" ;;
	*) copy_elf "$(readlink -f "$path")" "/usr/bin/$t" ;;
	esac
done
for f in $FILES; do
	[ -r "$f" ] || die "file $f not found on the host (see scripts/deps.sh)"
	mkdir -p "$root$(dirname "$f")"
	cp -RL "$f" "$root$f"
done
if [ $bench -eq 1 ]; then
	for f in $BENCH_FILES; do
		[ -r "$f" ] || die "bench file $f not found on the host (see scripts/deps.sh)"
		copy_file "$f" "$f"
	done
fi
# kmod's applets. /sbin/modprobe is the kernel's usermode helper path
# (request_module), so it must be the real one too: busybox's cannot read the
# xz-compressed modules of newer Debian kernels.
kmod=/usr/sbin/kmod
[ -e "$root$kmod" ] || kmod=/usr/bin/kmod
[ -e "$root$kmod" ] || die "kmod missing from the image"
for a in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -sf "$kmod" "$root/usr/sbin/$a"
	ln -sf "$kmod" "$root/sbin/$a"
done
ln -sf /usr/bin/bash "$root/bin/bash"

# The project's binaries and libraries: whatever has been built.
for d in "$bindir" "$bindir/tools"; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		case $f in
		*.so | *.so.*) copy_file "$f" "/usr/lib/$(basename "$f")" ;;
		*) [ -x "$f" ] || continue
			if is_elf "$f"; then
				copy_elf "$f" "/usr/bin/$(basename "$f")"
			else
				copy_file "$f" "/usr/bin/$(basename "$f")"
			fi ;;
		esac
	done
done

# Our modules, then the kernel's, then depmod so modprobe works by name.
n=0
for d in "${kmods[@]}"; do
	[ -d "$d" ] || { echo "mkinitramfs: note: no module tree $d" >&2; continue; }
	while IFS= read -r ko; do
		cp "$ko" "$root/lib/modules/$release/extra/"
		n=$((n + 1))
	done < <(find "$d" -name '*.ko' | sort)
done
echo "mkinitramfs: $n module(s) of ours for $release" >&2
if [ -d "$moddir/kernel" ]; then
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -e "$moddir/$f" ] && copy_file "$moddir/$f" "/lib/modules/$release/$f"
	done
	# modprobe wants the directory that holds lib/modules/R.
	base=${moddir%/lib/modules/"$release"}
	[ "$base" != "$moddir" ] || die "--moddir must end in /lib/modules/$release"
	for m in $KERNEL_MODULES; do
		# "insmod /lib/modules/R/kernel/x.ko" per dependency, or "builtin x".
		modprobe -S "$release" -d "${base:-/}" --show-depends "$m" \
			2>/dev/null | awk '$1 == "insmod" { print $2 }' |
			while read -r ko; do
				rel=/${ko#"$base"/}
				[ -e "$root$rel" ] || copy_file "$ko" "$rel"
			done
	done
fi
depmod -b "$root" "$release"

# Guest tests and helpers.
for d in "${tests[@]}"; do
	[ -d "$d" ] || die "no test directory $d"
	find "$d" -maxdepth 1 -type f ! -name '*.mk' ! -name '*.c' ! -name '*.h' \
		-exec cp {} "$root/tests/" \;
done
if [ -d "$O/tests/vm" ]; then
	find "$O/tests/vm" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/tests/" \;
fi
# The netlink fuzzer's seed corpus (tests/nlfuzz/build.mk).
if [ -d tests/nlfuzz/corpus ]; then
	mkdir -p "$root/tests/nlfuzz-corpus"
	cp tests/nlfuzz/corpus/*.hex "$root/tests/nlfuzz-corpus/"
fi

cp scripts/vm/init "$root/init"
chmod 755 "$root/init" "$root"/tests/*
# mktemp made the root 0700: non-root tests must reach /usr/lib and /tests.
chmod 755 "$root"
chmod 1777 "$root/tmp"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost ktcp-vm
::1	localhost ip6-localhost
EOF
# glibc tools resolve names through NSS; keep it to files (no DNS in the VM).
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$root/etc/nsswitch.conf"
echo ktcp-vm >"$root/etc/hostname"
: >"$root/etc/fstab"

# One newc cpio entry, for nodes that need root to create on disk.
cpio_entry() { # name mode(octal) rdevmajor rdevminor
	local name=$1 namesize=$((${#1} + 1)) pad
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 $((8#$2)) 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0
	printf '%s\0' "$name"
	pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}

mkdir -p "$(dirname "$out")"
if command -v zstd >/dev/null; then
	compress="zstd -q -T0 -10"
else
	compress="gzip -6"
fi
{
	(cd "$root" && find . -print0 | sort -z |
		cpio --null -o -H newc -R 0:0 --quiet)
	cpio_entry dev/console 020600 5 1
	cpio_entry dev/null 020666 1 3
	cpio_entry TRAILER!!! 0 0 0
} | $compress >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: wrote $out ($(du -h "$out" | cut -f1))" >&2
