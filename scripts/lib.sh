# shellcheck shell=bash disable=SC2034 # set here, used by the scripts
# Helpers for the host scripts: bench/run.sh, scripts/check-*.sh,
# scripts/vm/run.sh and scripts/vm/check-vm.sh. Set PROG, the name their
# messages start with, and DIE_STATUS if die is not to exit 1, then source:
#   PROG=check-dkms
#   # shellcheck source=scripts/lib.sh
#   . "$(dirname "$0")/lib.sh"
#
# It sets top, O and make but does not cd to $top: check-modules.sh takes
# paths relative to the directory it is called from.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Exported, so that the scripts and makes a script runs use the same build tree.
O=${O:-build}
export O
make=${MAKE:-make}
# An absolute path, so that --help still finds the script after cd "$top".
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

die() {
	echo "$PROG: $*" >&2
	exit "${DIE_STATUS:-1}"
}

# usage: --help is the comment at the top of the script, up to `set -eu`.
usage() {
	sed -n '2,/^set -eu/p' "$self" | sed '$d; s/^# \{0,1\}//'
	exit 0
}

# parse_options ARGS...: the command line, through two functions the script
# defines, each a case over its options that returns 1 for one it does not
# know:
#   flag OPTION            an option without a value
#   setting OPTION VALUE   an option with one
# The value is checked after setting has seen it, so that an unknown last
# option is reported as unknown, not as lacking a value.
parse_options() {
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) usage ;;
		esac
		if flag "$1"; then
			shift
		elif setting "$1" "${2-}"; then
			[ $# -ge 2 ] || die "$1 needs a value"
			shift 2
		else
			die "unknown argument '$1' (see --help)"
		fi
	done
}

# scratch_dir NAME KEEP: sets tmp to a new directory, removed on exit unless
# KEEP is 1 (--keep), when its path is printed for a look afterwards.
scratch_dir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktcp-$1.XXXXXX")
	if [ "$2" -eq 1 ]; then
		echo "$PROG: keeping $tmp"
	else
		trap 'rm -rf "$tmp"' EXIT
	fi
}

# check_jobs NAME VALUE: dies unless VALUE, the setting NAME, is a number
# of VMs to run at once.
check_jobs() {
	case $2 in
	'' | *[!0-9]* | 0) die "$1 must be a number of VMs, 1 or more, not '$2'" ;;
	esac
}

# jobs_throttle N: waits until fewer than N background jobs run.
jobs_throttle() {
	while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do
		wait -n || true
	done
}

# jobs_stop_on_interrupt: a script's background jobs start with SIGINT
# ignored, so a Ctrl-C never reaches run.sh's trap and its QEMU would run
# on to its timeout. Pass INT and TERM on as TERM to each job and all it
# has started, the deepest first (QEMU, which runs under timeout in a
# process group of its own; a job that is a subshell would otherwise wait
# for its run.sh), wait for them, and exit 130.
jobs_stop_on_interrupt() {
	trap jobs_stop INT TERM
}

# shellcheck disable=SC2317 # run by the trap
jobs_stop() {
	local p
	# HUP too: if make ends first, its group gets one while a job of ours
	# may be stopped (kill_tree).
	trap '' INT TERM HUP
	for p in $(jobs -p); do
		kill_tree "$p"
	done
	wait
	exit 130
}

# kill_tree PID: TERM to PID's descendants, the deepest first, then to PID.
# PID is stopped meanwhile, so that it cannot see its children end before
# its own TERM comes (run.sh would take its QEMU's end for a failed boot),
# nor start new ones.
# shellcheck disable=SC2317 # run by the trap
kill_tree() {
	local c
	kill -STOP "$1" 2>/dev/null || return 0
	for c in $(pgrep -P "$1"); do
		kill_tree "$c"
	done
	kill -TERM "$1" 2>/dev/null || true
	kill -CONT "$1" 2>/dev/null || true
}

# one_vm_args ARGS...: true if ARGS name something of a single VM's
# (its log, name, initramfs, what goes into the image, a mode that wants
# the terminal or forwarded ports), which VMs run at once cannot share.
one_vm_args() {
	local a
	for a in "$@"; do
		case $a in
		--log | --name | --initrd | --tests | --kmods | --bench | --mode | --ports)
			return 0
			;;
		esac
	done
	return 1
}
