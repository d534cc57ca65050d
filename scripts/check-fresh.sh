#!/bin/bash
# make check-fresh: a new user's first `make demo` or `make check`, up to
# where it would boot a VM, on a fresh Debian 12. In a minimal bookworm root
# made by debootstrap, with git and make (what the README's first command
# takes for given), and a clone of the committed HEAD in /root/ktcp, it runs
# as root in a chroot:
#   make deps userspace   in one make, as `make demo` and `make check` run
#                         deps and then the userspace build in one
#   make -jN modules KDIR=/usr/src/linux-headers-R
#                         for each R that scripts/vm/kernels.sh lists there
# and checks the result: both of the supported kernels (bookworm's 6.1,
# bookworm-backports' 6.12) installed, the CLI built and running, the three
# modules built for each kernel with its vermagic. It never boots QEMU.
#
# Usage: check-fresh.sh [--commit REV] [--cache DIR] [--jobs N] [--keep]
#   --commit REV  clone REV instead of HEAD (to see an older commit fail)
#   --cache DIR   the debootstrapped root and the downloaded packages, kept
#                 between runs (default /var/cache/ktcp-fresh); the root is
#                 made again when it is older than 7 days, was not finished,
#                 or was made from another mirror or package list
#   --jobs N      make -jN for the modules (default: the number of CPUs)
#   --keep        keep this run's root (the next run removes it)
#
# Needs root (debootstrap, mount, chroot). The root takes its apt sources
# from the host's /etc/apt (the file that names bookworm), so it uses the
# same Debian mirror and nothing else. Each run starts from a copy of the
# pristine root, so `make deps` really installs everything there; only
# downloaded packages are reused (DIR/archives, bind-mounted as the root's
# /var/cache/apt/archives). The chroot runs in new mount and PID namespaces
# (unshare): a trap unmounts /proc, /sys, /dev, /dev/pts and the package
# cache again, the host never sees those mounts, and no process started in
# the root outlives the run. The whole output goes to $O/fresh/check-fresh.log;
# on a failure its end is shown.
#
# Nothing in the installation is turned off for the chroot: the kernels'
# postinst hooks (initramfs-tools, dkms) run as on a machine and succeed with
# /proc, /sys and /dev mounted, and services are kept from starting by
# deps.sh's own policy-rc.d, as on a machine. A failing hook fails the run.
set -eu

# The body is one brace group so bash parses it before running: editing this
# file while a long run uses it must not change what that run executes.
{
PROG=check-fresh
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
rev=HEAD cache=/var/cache/ktcp-fresh jobs=$(nproc) keep=0
SUITE=bookworm
# Besides Debian's minimal base (debootstrap --variant=minbase): git to have
# cloned the repository with, make to type the README's first command;
# ca-certificates, which an https mirror needs.
INCLUDE=git,make,ca-certificates
MAX_AGE_DAYS=7

flag() {
	case $1 in
	--keep) keep=1 ;;
	*) return 1 ;;
	esac
}

setting() {
	case $1 in
	--commit) rev=$2 ;;
	--cache) cache=$2 ;;
	--jobs) jobs=$2 ;;
	*) return 1 ;;
	esac
}

parse_options "$@"
cd "$top"
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount, chroot)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (make deps)"
commit=$(git rev-parse --verify -q "$rev^{commit}") || die "no commit '$rev'"

# sources_mirror FILE: the first URI of FILE's enabled deb entry for $SUITE
# (not -updates, -security or -backports), in deb822 or one-line format.
sources_mirror() {
	case $1 in
	*.sources)
		awk -v suite="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; deb = 0; ok = 0; off = 0
			for (i = 1; i <= NF; i++) {
				n = split($i, w, /[ \t]+/)
				key = tolower(w[1])
				if (key == "uris:") uri = w[2]
				for (j = 2; j <= n; j++) {
					if (key == "types:" && w[j] == "deb") deb = 1
					if (key == "suites:" && w[j] == suite) ok = 1
				}
				if (key == "enabled:" && tolower(w[2]) == "no") off = 1
			}
			if (uri != "" && deb && ok && !off) { print uri; exit }
		}' "$1"
		;;
	*)
		awk -v suite="$SUITE" '$1 == "deb" {
			sub(/^[ \t]*deb[ \t]+(\[[^]]*\][ \t]+)?/, "")
			if ($2 == suite) { print $1; exit }
		}' "$1"
		;;
	esac
}

# The host's sources file for $SUITE, and its mirror.
sources='' mirror=''
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources; do
	[ -r "$f" ] || continue
	mirror=$(sources_mirror "$f")
	if [ -n "$mirror" ]; then
		sources=$f
		break
	fi
done
[ -n "$sources" ] || die "no '$SUITE' entry in the host's /etc/apt sources"

# rm_tree DIR: remove DIR, which must have nothing mounted beneath it (the
# mounts are made in a namespace of their own, so there never should be).
rm_tree() {
	[ -e "$1" ] || return 0
	local d
	d=$(realpath "$1")
	if awk -v d="$d/" 'index($5 "/", d) == 1 { found = 1 } END { exit !found }' \
		/proc/self/mountinfo; then
		die "$d has something mounted beneath it: not removing it"
	fi
	rm -rf --one-file-system "$d"
}

mkdir -p "$cache/archives/partial" "$O/fresh"
cache=$(realpath "$cache")
log=$(realpath "$O/fresh")/check-fresh.log
# One run at a time per cache: it holds the root being made and the runs.
exec 9>"$cache/lock"
if ! flock -n 9; then
	echo "$PROG: waiting for another check-fresh using $cache"
	flock 9
fi
# Roots of earlier runs that were killed, or kept with --keep.
for d in "$cache"/run.*; do
	rm_tree "$d"
done

started=$(date +%s)
# elapsed: seconds since the start of the run.
elapsed() {
	echo $(($(date +%s) - started))
}

# The pristine root: made again when it is stale, unfinished (no stamp: the
# stamp is written last) or was made differently.
want="suite=$SUITE variant=minbase include=$INCLUDE mirror=$mirror"
stamp=$cache/root.stamp
if [ -d "$cache/root" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] &&
	[ -n "$(find "$stamp" -mtime -"$MAX_AGE_DAYS")" ]; then
	echo "$PROG: cached root $cache/root ($want," \
		"made $(date -r "$stamp" '+%F %R'))"
else
	rm -f "$stamp"
	rm_tree "$cache/root.new"
	rm_tree "$cache/root"
	echo "$PROG: debootstrap $want into $cache/root"
	# In a mount namespace of its own: debootstrap mounts /proc and /sys
	# in the root while it works.
	if ! unshare --mount --propagation private debootstrap --variant=minbase \
		--include="$INCLUDE" "$SUITE" "$cache/root.new" "$mirror" \
		>"$cache/debootstrap.log" 2>&1; then
		tail -n 30 "$cache/debootstrap.log" >&2
		die "debootstrap failed (log: $cache/debootstrap.log)"
	fi
	mv "$cache/root.new" "$cache/root"
	printf '%s\n' "$want" >"$stamp"
	echo "$PROG: root made in $(elapsed)s"
fi

run=$(mktemp -d "$cache/run.XXXXXX")
root=$run/root
ns_pid=''
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local p busy n
	# Interrupted: end the run in the root. Killing unshare kills its
	# child (--kill-child), the PID namespace's first process, and with it
	# every process in the namespace; wait until they are all gone.
	if [ -n "$ns_pid" ] && kill -KILL "$ns_pid" 2>/dev/null; then
		wait "$ns_pid" 2>/dev/null || true
		for n in $(seq 50); do
			busy=0
			for p in /proc/[0-9]*/root; do
				[ "$(readlink "$p" 2>/dev/null)" != "$root" ] || busy=1
			done
			[ "$busy" -eq 1 ] || break
			[ "$n" -lt 50 ] || echo "$PROG: processes still running in $root" >&2
			sleep 0.2
		done
	fi
	if [ "$keep" -eq 1 ]; then
		echo "$PROG: keeping $root (the next run removes it)"
	else
		rm_tree "$run"
	fi
}
trap cleanup EXIT
cp -a "$cache/root" "$root"
# The host's Debian sources (and so its mirror) replace debootstrap's
# one-line sources.list; the name resolution is the host's too.
rm -f "$root/etc/apt/sources.list"
case $sources in
/etc/apt/sources.list) cp "$sources" "$root/etc/apt/sources.list" ;;
*) cp "$sources" "$root/etc/apt/sources.list.d/" ;;
esac
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q --no-hardlinks "$top" "$root/root/ktcp"
git -C "$root/root/ktcp" -c advice.detachedHead=false checkout -q "$commit"
echo "$PROG: $(git log -1 --format='%h %s' "$commit") in $root/root/ktcp" \
	"(sources: $sources)"

# in_root ROOT ARCHIVES FUNCTION ARGS...: run the shell function FUNCTION
# (defined in this script) with ARGS in a chroot into ROOT, with /proc,
# /sys, /dev, /dev/pts and ARCHIVES (as /var/cache/apt/archives) mounted,
# and an environment of its own. Runs in new mount and PID namespaces (see
# the call): the mounts are never seen outside, whatever the chroot leaves
# running dies with it, and the trap unmounts them all the same, last first.
# shellcheck disable=SC2317 # run in the namespaces
in_root() {
	local root=$1 archives=$2 fn=$3
	shift 3
	mounted=()
	trap 'for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" || umount -l "${mounted[i]}"; done' EXIT
	mount -t proc proc "$root/proc"
	mounted+=("$root/proc")
	mount -t sysfs sysfs "$root/sys"
	mounted+=("$root/sys")
	mount --bind /dev "$root/dev"
	mounted+=("$root/dev")
	mount --bind /dev/pts "$root/dev/pts"
	mounted+=("$root/dev/pts")
	mount --bind "$archives" "$root/var/cache/apt/archives"
	mounted+=("$root/var/cache/apt/archives")
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "set -eu; $(declare -f "$fn"); $fn \"\$@\"" "$fn" "$@" \
		</dev/null
}

# user_steps JOBS: in the root, in the clone, what a new user runs; then the
# checks of what it built. Its messages go to the log and to fd 3.
# shellcheck disable=SC2317 # run in the root
user_steps() {
	local jobs=$1 r m ko v releases have_61=0 have_612=0 start
	note() {
		echo "check-fresh: $*"
		echo "check-fresh: $*" >&3
	}
	cd /root/ktcp
	start=$(date +%s)
	note "make deps userspace"
	make deps userspace
	note "make deps userspace: done in $(($(date +%s) - start))s"
	releases=$(scripts/vm/kernels.sh)
	note "installed kernels: ${releases//$'\n'/ }"
	for r in $releases; do
		case $r in
		6.1.*) have_61=1 ;;
		6.12.*) have_612=1 ;;
		esac
	done
	if [ "$have_61" -ne 1 ] || [ "$have_612" -ne 1 ]; then
		note "FAIL: not both a 6.1 and a 6.12 kernel with headers"
		return 1
	fi
	for r in $releases; do
		start=$(date +%s)
		make -j"$jobs" modules KDIR="/usr/src/linux-headers-$r"
		for m in ktcp kecho/kecho khttpd/khttpd; do
			ko=build/kmod/$r/kernel/$m.ko
			v=$(modinfo -F vermagic "$ko" | cut -d' ' -f1) || v=''
			[ "$v" = "$r" ] || {
				note "FAIL: $ko: vermagic '$v', not $r"
				return 1
			}
		done
		note "modules for $r: done in $(($(date +%s) - start))s"
	done
	build/ktcp --help >/dev/null || {
		note "FAIL: build/ktcp --help"
		return 1
	}
	# Superseded packages out of the cache shared with later runs.
	apt-get -q autoclean
}

echo "$PROG: log in $log"
rc=0
# In the background, so that a signal reaches this script (and its trap)
# at once. Fd 9, the lock, goes along: were this script killed outright,
# the next run would wait for whatever still runs in the root.
unshare --mount --propagation private --pid --fork --kill-child -- \
	bash -c "set -eu; $(declare -f in_root user_steps); in_root \"\$@\"" \
	in_root "$root" "$cache/archives" user_steps "$jobs" \
	3>&1 >"$log" 2>&1 &
ns_pid=$!
wait "$ns_pid" || rc=$?
ns_pid=''
if [ $rc -ne 0 ]; then
	echo "$PROG: the end of $log:"
	tail -n 40 "$log" | sed 's/^/  | /'
	echo "$PROG: FAIL ($(git log -1 --format='%h' "$commit"), exit status $rc," \
		"$(elapsed)s)"
	exit 1
fi
echo "$PROG: PASS ($(git log -1 --format='%h' "$commit"): make deps and the" \
	"build on a fresh $SUITE, $(elapsed)s)"
exit 0
}
