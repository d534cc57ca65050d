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

# A command that fails at a test's top level ends the test (set -e) with
# nothing said; name it, or the log shows a failure without a reason.
# Only the top level has the trap (no set -E, which would also fire in
# subshells whose failure is expected): helpers say why with fail.
on_err() {
	case $- in
	*e*) echo "fail: line $2: '$3' exited $1" >&2 ;;
	esac
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR

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

# wait_line FILE REGEX SECS: wait for a line in FILE (a tool's stderr).
wait_line() {
	local i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "no '$2' in $1 after $3 s: $(tail -n 5 "$1" 2>/dev/null)"
}

# start_waiting FILE CMD... : CMD in the background, its output in FILE
# and its pid in BG, once it first waits in poll() or ppoll(), which
# slow-poll.so (with no delay) marks with a file. A tool takes seconds to
# start on a debug kernel beside another VM; `ktcp monitor` waits only
# once it has subscribed, and misses the events before; `ktcp top` waits
# once it has taken its first sample. CMD may be a function that runs
# the tool as another user (t-perms): anyone may write the mark.
start_waiting() {
	local out=$1 dir
	shift
	[ -r /tests/slow-poll.so ] || fail "the image has no /tests/slow-poll.so"
	dir=$(mktemp -d /tmp/waits.XXXXXX) ||
		fail "cannot make a directory for start_waiting's mark"
	chmod 777 "$dir" || fail "cannot open $dir to every user"
	KTCP_TEST_POLL_DELAY_MS=0 KTCP_TEST_POLL_MARK=$dir/mark \
		LD_PRELOAD=/tests/slow-poll.so "$@" >"$out" &
	BG=$!
	for _ in $(seq 300); do
		if [ -e "$dir/mark" ]; then
			rm -rf "$dir"
			return 0
		fi
		kill -0 "$BG" 2>/dev/null || fail "$* ended before it waited"
		sleep 0.1
	done
	fail "$* did not wait within 30 s"
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

# vm_knob NAME DEFAULT : a test setting, from the environment as
# KTCP_<NAME> (upper case; for runs by hand in `make vm`), else from
# ktcpvm.<name>=VALUE on the kernel command line (run.sh --append), else
# DEFAULT.
vm_knob() {
	local name=$1 env arg
	env=KTCP_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
	if [ -n "${!env:-}" ]; then
		echo "${!env}"
		return 0
	fi
	# shellcheck disable=SC2013 # words, not lines
	for arg in $(cat /proc/cmdline); do
		case $arg in
		ktcpvm."$name"=*) echo "${arg#*=}"; return 0 ;;
		esac
	done
	echo "$2"
}

# slow_kernel : true on a debug kernel (lockdep or kmemleak, which come
# with KASAN in ours), where everything takes about ten times longer.
slow_kernel() {
	[ -e /proc/lockdep ] || [ -e /sys/kernel/debug/kmemleak ]
}

# no_active ID SECS : wait until server ID has no connection left, or fail
# after SECS seconds.
no_active() {
	local n
	for _ in $(seq $(($2 * 5))); do
		n=$(ktcp stats "$1" --json | jq -r .stats.active)
		[ "$n" = 0 ] && return 0
		sleep 0.2
	done
	fail "server $1 still has $n connections after $2 s"
}

# wait_stat ID KEY WANT [MSG] : wait until counter KEY of server ID is
# WANT, or fail after 10 s (60 s on a debug kernel). A connection's
# counters (closed, timed_out, evicted, over_mem, active) change after its
# socket is released: a client that has just seen its end can read them a
# moment early. A counter that never gets there still fails, only later.
# wait_stat_min ID KEY MIN [MSG] : the same, until it is MIN or more.
wait_stat() { stat_until is "$@"; }
wait_stat_min() { stat_until "at least" "$@"; }
stat_until() {
	local how=$1 secs=10 n
	shift
	slow_kernel && secs=60
	within "$secs" stat_reached "$how" "$@" ||
		fail "${4:-counter $2 of server $1}: got '$n', expected $how '$3' after $secs s"
}
# stat_reached is|"at least" ID KEY WANT : read counter KEY of server ID
# into the caller's n; whether it is WANT (at least WANT).
stat_reached() {
	n=$(ktcp stats "$2" --json | jq -r ".stats.$3")
	case $1 in
	is) [ "$n" = "$4" ] ;;
	*) [ "$n" -ge "$4" ] 2>/dev/null ;;
	esac
}

# within SECS CMD... : true once CMD succeeds, tried every 0.2 s; false
# if it has not within SECS seconds. The caller says what failed.
within() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# held_in FUNC : some task is held in a test build's msleep() called
# from kernel function FUNC now, as its /proc/PID/stack shows (the hold,
# ktcp_test_delay(), tail-calls msleep(): FUNC is its caller).
held_in() {
	local stacks
	stacks=$(grep -ls '\bmsleep\b' /proc/[0-9]*/stack) || return 1
	# shellcheck disable=SC2086 # one word per file
	grep -qs "\b$1\b" $stacks
}
# wait_held FUNC yes|no MSG [SECS] : until held_in FUNC is true (yes) or
# false (no), or fail after SECS (10) seconds, six times that on a debug
# kernel.
wait_held() {
	local secs=${4:-10}
	slow_kernel && secs=$((secs * 6))
	within "$secs" held_is "$1" "$2" ||
		fail "$3: held in $1 is not '$2' after $secs s"
}
# held_is FUNC yes|no : whether held_in FUNC is true (yes), false (no).
held_is() {
	case $2 in
	yes) held_in "$1" ;;
	no) ! held_in "$1" ;;
	*) return 1 ;;
	esac
}

# tcp_alloc : TCP sockets allocated, in every network namespace.
tcp_alloc() { awk '$1 == "TCP:" { print $9 }' /proc/net/sockstat; }

# now_ms : milliseconds, from bash itself (busybox date has no %N).
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# wq_trace_init : the workqueue's workqueue_execute_start tracepoint on,
# recording off (trace_on starts it). The event is enabled once, and left
# so (the VM is the suite's alone); recording is switched with tracing_on.
# Each enable or disable patches the kernel's text while both CPUs run,
# and under TCG a CPU has looped in the int3 handler of such a patch (an
# RCU stall and a hung VM, seen once in t-cpus on 6.1). Without
# record-cmd, no tracepoint of the scheduler's is patched at all.
TRACEFS=/sys/kernel/tracing
wq_trace_init() {
	[ -d $TRACEFS/events ] || mount -t tracefs tracefs $TRACEFS ||
		fail "cannot mount tracefs"
	[ -d $TRACEFS/events/workqueue/workqueue_execute_start ] ||
		fail "no workqueue_execute_start tracepoint"
	echo 0 >$TRACEFS/tracing_on
	echo 0 >$TRACEFS/options/record-cmd
	echo 1 >$TRACEFS/events/workqueue/workqueue_execute_start/enable
}
# trace_on : an empty trace, recording; trace_off : recording stopped.
trace_on() {
	echo 0 >$TRACEFS/tracing_on
	: >$TRACEFS/trace
	echo 1 >$TRACEFS/tracing_on
}
trace_off() { echo 0 >$TRACEFS/tracing_on; }

# slab_objs CACHE : objects in use in a slab cache, or "none" when there is
# no such cache (a service's connection cache goes with its module; run.sh
# boots with slab_nomerge so each is its own). SLUB counts the free objects
# of per-CPU slabs as in use: shrinking the cache first gives them back.
# KFENCE (debug kernel) serves a sampled allocation from its own pool,
# which the cache does not count: those live objects are added.
slab_objs() {
	local n
	[ ! -w "/sys/kernel/slab/$1/shrink" ] ||
		echo 1 >"/sys/kernel/slab/$1/shrink" 2>/dev/null || true
	n=$(awk -v c="$1" '$1 == c { print $2; found = 1 }
		END { if (!found) print "none" }' /proc/slabinfo)
	[ "$n" = none ] || n=$((n + $(kfence_objs "$1")))
	echo "$n"
}

# kfence_objs CACHE : live objects of CACHE in KFENCE's pool; 0 without
# KFENCE.
kfence_objs() {
	local f=/sys/kernel/debug/kfence/objects
	[ -r "$f" ] || { echo 0; return; }
	awk -v c="cache=$1" '
		/^kfence-#/ { n += mine && !freed; mine = $NF == c
			freed = 0; next }
		/^freed by task/ { freed = 1 }
		END { print n + (mine && !freed) }' "$f"
}

# guest_net_up: eth0 up with QEMU's user-network addresses, for tests the
# host talks to (scripts/vm/run.sh forwards a host port to the guest's
# 8081). guest_net_down takes it down again, for the tests after.
guest_net_up() {
	local i=0
	# Modules on Debian's kernels, built in on the debug kernel.
	modprobe virtio_pci 2>/dev/null || true
	modprobe virtio_net 2>/dev/null || true
	while [ ! -e /sys/class/net/eth0 ]; do
		[ $i -lt 50 ] || fail "no eth0: has the VM a network card?"
		sleep 0.1
		i=$((i + 1))
	done
	ip link set eth0 up
	ip addr replace 10.0.2.15/24 dev eth0
	ip route replace default via 10.0.2.2
}

guest_net_down() {
	ip addr flush dev eth0 2>/dev/null || true
	ip link set eth0 down 2>/dev/null || true
}

# host_check NAME [SECS]: have scripts/vm/run.sh run tests/vm/host/NAME on
# the host, and wait for its exit status (at most SECS, default 150 s),
# which host_check returns. The request goes out on the console, the
# answer comes back on /dev/ttyS1 (see run.sh's comment on host checks);
# the check's output stays on the host, in build/vm/RELEASE-host-NAME.log.
host_check() {
	local name=$1 line
	[ -c /dev/ttyS1 ] || fail "no /dev/ttyS1 for the host's answer"
	stty -F /dev/ttyS1 raw -echo || fail "cannot set up /dev/ttyS1"
	echo "KTCP-VM-HOST-CHECK: $name" >/dev/console
	while IFS= read -r -t "${2:-150}" line </dev/ttyS1; do
		line=${line%$'\r'}
		case $line in
		"KTCP-HOST-RESULT: $name "*)
			echo "host check $name: status ${line##* }"
			return "${line##* }"
			;;
		esac
	done
	fail "no answer from the host to host check $name"
}

# JSON records: what `ktcp --json` printed, kept for the host to check
# against docs/ktcp.schema.json (scripts/check-json.py, which run.sh runs
# on the console log after the cli test).
JSON_RECORDS=${TEST_TMP:-/tmp}/json-records

# jrec DEF CMD... : run CMD (a ktcp --json command), print its output and
# keep each line of it as a document of the schema's definition DEF.
jrec() {
	local def=$1 out rc=0
	shift
	out=$("$@") || rc=$?
	[ $rc -eq 0 ] || fail "'$*' failed with exit $rc"
	jrec_lines "$def" <<<"$out"
	printf '%s\n' "$out"
}

# jrec_lines DEF <FILE : keep each line of stdin as a DEF document.
jrec_lines() {
	local line
	while IFS= read -r line; do
		[ -n "$line" ] && printf 'KTCP-JSON: %s %s\n' "$1" "$line"
	done >>"$JSON_RECORDS"
}

# jrec_dump : write the records to the console, with the kernel's console
# messages held back so that none lands inside a line.
jrec_dump() {
	local level
	level=$(cut -f1 /proc/sys/kernel/printk)
	dmesg -n 1
	cat "$JSON_RECORDS" >/dev/console
	dmesg -n "$level"
}
