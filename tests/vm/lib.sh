# shellcheck shell=bash
# Helpers for guest tests (bash). Source with: . /tests/lib.sh
#
# A test is /tests/t-NAME.sh; it passes by exiting 0. Tests in the VM never
# skip: a missing tool or module is a failure (use `need`).
#
# Keep kernel-splat words (BUG:, WARNING:, Oops ...) out of test output where
# possible; the host only scans the kernel log section for them, but a clear
# log is easier to read.

set -eu

fail() {
	echo "fail: $*" >&2
	exit 1
}

# need TOOL... : every tool must be on PATH.
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || fail "required tool '$t' is missing"
	done
}

# assert_eq ACTUAL EXPECTED [MSG]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-values differ}: got '$1', expected '$2'"
}

# assert_contains HAYSTACK NEEDLE [MSG]
assert_contains() {
	case $1 in
	*"$2"*) ;;
	*) fail "${3:-missing text}: '$2' not in: $1" ;;
	esac
}

# expect_fail_with PATTERN CMD... : CMD must exit nonzero and print PATTERN
# (grep -E) on stderr.
expect_fail_with() {
	local pattern=$1 err rc=0
	shift
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	[ $rc -ne 0 ] || fail "'$*' succeeded, expected failure matching '$pattern'"
	printf '%s\n' "$err" | grep -Eq -- "$pattern" ||
		fail "'$*' failed (rc $rc) but stderr lacks '$pattern': $err"
}

# wait_port PORT [SECS] : wait until something listens on TCP PORT.
wait_port() {
	local port=$1 secs=${2:-10} i=0
	while [ $i -lt $((secs * 10)) ]; do
		ss -Htln "sport = :$port" | grep -q . && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "nothing listens on port $port after ${secs}s"
}

# need_module NAME... : load a module (ours or the kernel's) or fail.
need_module() {
	local m
	for m in "$@"; do
		modprobe "$m" || fail "cannot load module $m"
	done
}

# expect_nl ERRNO REGEX NLSEND-ARGS...: a raw request (tests/nlsend) must
# fail with ERRNO, and its last line (the kernel's extack message) match
# REGEX.
expect_nl() {
	local errno=$1 re=$2 out
	shift 2
	out=$(nlsend "$@") && fail "nlsend $* succeeded: $out"
	out=$(printf '%s\n' "$out" | tail -n 1)
	assert_contains "$out" "error $errno" "nlsend $*"
	printf '%s\n' "$out" | grep -Eq -- "$re" ||
		fail "nlsend $*: message does not match '$re': $out"
}
