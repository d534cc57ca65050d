#!/bin/bash
# Self-test of the VM runner (make check-runner): boots the VM with tests and
# modules whose outcome is known and checks that scripts/vm/run.sh reports
# each one correctly. A runner that passes broken kernels is worse than none.
#
# Usage: tests/runner/run.sh [--kdir KDIR] [--kernel BZIMAGE] [--cases LIST]
#   default: the newest installed Debian cloud kernel with headers, and all
#   cases: good,warn,fail,missing,none,crash,boot,hang,hung,stall,pin,taken,
#   interrupt on any kernel; leak,kmemleak-off,kasan,ubsan,lockdep,
#   nonstatic,lockdep-off only on a kernel configured with the checker
#   they need (the debug kernel), skipped with a note on others.
set -eu

# The body is one brace group so bash parses it before running: editing this
# file while a long run uses it must not change what that run executes.
{
PROG=runner DIE_STATUS=2
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$top"
kdir='' kernel='' cases=good,warn,fail,missing,none,crash,boot,hang,hung,stall,pin,taken,interrupt,leak,kmemleak-off,kasan,ubsan,lockdep,nonstatic,lockdep-off
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=$2 ;;
	--kernel) kernel=$2 ;;
	--cases) cases=$2 ;;
	*) echo "runner: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift 2
done
if [ -z "$kdir" ]; then
	kdir=$(scripts/vm/kernels.sh | tail -n 1)
	[ -n "$kdir" ] || { echo "runner: no installed kernel (make deps)" >&2; exit 2; }
	kdir=/usr/src/linux-headers-$kdir
fi
release=$(scripts/vm/krelease.sh "$kdir")
kernel=${kernel:-/boot/vmlinuz-$release}
work=$O/runner/$release
mkdir -p "$work"

echo "runner: building self-test modules for $release"
rm -rf "$work/src"
mkdir -p "$work/src"
cp -a tests/runner/Kbuild tests/runner/goodmod tests/runner/warnmod \
	tests/runner/leakmod tests/runner/faultmod "$work/src/"
# O= on the command line: ours (inherited through MAKEFLAGS) would be
# taken by kbuild as its output directory.
make -s -C "$kdir" M="$(cd "$work/src" && pwd)" O= modules >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; exit 1; }
initrd=$work/initramfs
scripts/vm/mkinitramfs.sh --release "$release" --out "$initrd" \
	--kmods "$work/src" --tests tests/vm --tests tests/runner/guest

failures=0
# RUNNER_JOBS (default 2) cases boot at once: a TCG guest keeps about one
# host core busy. Each case's VM has its own name (run.sh --name).
jobs=${RUNNER_JOBS:-2}
check_jobs RUNNER_JOBS "$jobs"
pending=()
jobs_stop_on_interrupt

# wanted NAME: the case is one of --cases.
wanted() {
	case ,$cases, in
	*,"$1",*) return 0 ;;
	*) return 1 ;;
	esac
}

# run_vm NAME RUN_ARGS...: run.sh on the runner's kernel, image and tests,
# as the VM NAME, its console in $work/console-NAME.log.
run_vm() {
	local name=$1
	shift
	scripts/vm/run.sh --kdir "$kdir" --kernel "$kernel" --initrd "$initrd" \
		--tests tests/vm --tests tests/runner/guest --name "$release-$name" \
		--log "$work/console-$name.log" "$@"
}

# run_case NAME WANT_RC PATTERN RUN_ARGS...: boots the case and writes its
# verdict to $work/case-NAME.verdict: a PASS line, or a FAIL line and the
# end of run.sh's output; the seconds it took in $work/case-NAME.secs.
run_case() {
	local name=$1 want=$2 pattern=$3 out rc=0 start secs ok=1
	shift 3
	out=$work/case-$name.log
	start=$(date +%s)
	run_vm "$name" "$@" >"$out" 2>&1 || rc=$?
	secs=$(($(date +%s) - start))
	case $want in
	0) [ $rc -eq 0 ] || ok=0 ;;
	nonzero) [ $rc -ne 0 ] && [ $rc -ne 124 ] || ok=0 ;;
	*) [ $rc -eq "$want" ] || ok=0 ;;
	esac
	grep -Eq -- "$pattern" "$out" || ok=0
	echo "$secs" >"$work/case-$name.secs"
	if [ $ok -eq 1 ]; then
		echo "runner: PASS $name (exit $rc, ${secs}s)"
	else
		echo "runner: FAIL $name: want exit $want and /$pattern/, got exit $rc; output:"
		sed 's/^/    | /' "$out" | tail -n 60
	fi >"$work/case-$name.verdict"
}

# report NAME: prints the case's verdict and counts a failure.
report() {
	cat "$work/case-$1.verdict"
	grep -q '^runner: PASS' "$work/case-$1.verdict" || failures=$((failures + 1))
}

# expect NAME WANT_RC(0|nonzero|124) PATTERN RUN_ARGS...: WANT_RC is the class
# of run.sh's exit status; PATTERN (grep -E) must appear in its output. The
# good case runs alone (the hang case's timeout derives from its time); the
# others up to RUNNER_JOBS at once, reported at the end.
expect() {
	local name=$1
	wanted "$name" || return 0
	rm -f "$work/case-$name.verdict" "$work/case-$name.secs"
	if [ "$name" = good ] || [ "$jobs" -eq 1 ]; then
		run_case "$@"
		report "$name"
		last_secs=$(cat "$work/case-$name.secs")
		return
	fi
	jobs_throttle "$jobs"
	run_case "$@" &
	pending+=("$name")
}

# The hang case's timeout derives from a normal boot; without the good case,
# assume a slow (debug) kernel.
last_secs=60
expect good 0 '^vm: .*: PASS \(1 passed, 0 failed\)' --test runner-good
good_secs=$last_secs
expect warn nonzero "'WARNING:' in the kernel log" --test runner-good,runner-warn
expect fail nonzero '^vm: .*: FAIL \(1 passed, 1 failed\)' --test 'runner-good,runner-f*'
# A test the host expects but the image lacks (as when mkinitramfs.sh missed
# a file): the guest runs the others, passes, and the host must notice.
mkdir -p "$work/absent"
printf '#!/bin/bash\n# Never in the image: tests/runner/run.sh\n' \
	>"$work/absent/t-runner-absent.sh"
expect missing nonzero 'test runner-absent did not report' \
	--tests "$work/absent" --test runner-good,runner-absent
# A --test that matches nothing runs nothing, and fails before booting.
expect none nonzero "no test in .* matches 'runner-nosuch'" \
	--test runner-nosuch
expect crash nonzero 'no KTCP-VM-RESULT' --test runner-crash
# A kernel that dies before /init (here: no /init to run) is booted three
# times in all, then fails the run.
expect boot nonzero 'boot2\); booting again' --test runner-good \
	--append rdinit=/nonexistent
# Long enough to boot, short enough to be sure the guest is still sleeping.
expect hang 124 'TIMEOUT: QEMU killed' --test runner-hang --test-timeout 100000 \
	--timeout $((good_secs * 2 + 20))
# The detectors every Debian kernel has: a task stuck in D state (the test
# lowers the hung task timeout to 5 s), a CPU that holds up RCU (stall
# timeout 3 s), a module that cannot be unloaded.
expect hung nonzero 'blocked for more than.* in the kernel log' \
	--test runner-hung
expect stall nonzero "self-detected stall' in the kernel log" \
	--test runner-stall --append rcupdate.rcu_cpu_stall_timeout=3
expect pin nonzero 'module faultmod could not be unloaded' --test runner-pin

# A name in use: a second run of it stops at once (status 2), before it
# builds or boots anything, and says what to do.
if wanted taken; then
	mkdir -p "$O/vm"
	lock=$O/vm/$release-taken.lock
	flock "$lock" sleep 300 &
	holder=$!
	until ! flock -n "$lock" true; do
		kill -0 "$holder" || break
		sleep 0.1
	done
	rm -f "$work/case-taken.verdict"
	run_case taken 2 "a VM named '[^']*-taken' is running already; give this one another --name" \
		--test runner-good
	kill_tree "$holder"
	wait "$holder" 2>/dev/null || :
	report taken
fi

# Ctrl-C, as a terminal sends it (SIGINT to run.sh's process group; QEMU
# runs in a group of its own and does not get it): run.sh exits 130 at
# once, and its QEMU ends and frees the name within seconds.
# qemu_alive: interrupt_case's QEMU ($qpid) has not ended yet.
qemu_alive() { [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; }
# interrupt_case: run in the background like the other cases.
interrupt_case() {
	local name=interrupt out=$work/case-interrupt.log con=$work/console-interrupt.log
	local pidfile=$O/vm/$release-interrupt-test.pid pid qpid='' rc=0 why=''
	rm -f "$con" "$pidfile" # a stale pid is not this run's QEMU
	set -m # its own process group, and SIGINT not ignored
	run_vm "$name" --test runner-hang --test-timeout 100000 --timeout 900 \
		>"$out" 2>&1 &
	pid=$!
	set +m
	# Until the guest runs its test (a debug kernel boots in minutes).
	for _ in $(seq 3000); do
		grep -q 'KTCP-VM-CHECKERS-BOOT' "$con" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	[ -s "$pidfile" ] && qpid=$(cat "$pidfile")
	[ -n "$qpid" ] || why="no QEMU pid in $pidfile once the guest ran"
	kill -INT -- "-$pid" 2>/dev/null || why=${why:-"run.sh ended before its Ctrl-C"}
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		why=${why:-"run.sh still runs 10 s after its Ctrl-C"}
		kill_tree "$pid"
	fi
	wait "$pid" || rc=$?
	[ $rc -eq 130 ] || why=${why:-"exit $rc, not 130"}
	# run.sh signals and exits; QEMU shuts down on its own time, and
	# holds the name's lock until it has.
	flock -w 10 "$O/vm/$release-interrupt.lock" true ||
		why=${why:-"the name is still taken 10 s after"}
	for _ in $(seq 100); do
		qemu_alive || break
		sleep 0.1
	done
	if qemu_alive; then
		why=${why:-"QEMU (pid $qpid) still runs 10 s after"}
		kill "$qpid" 2>/dev/null || :
	fi
	if [ -z "$why" ]; then
		echo "runner: PASS $name (exit $rc)"
	else
		echo "runner: FAIL $name: $why; output:"
		sed 's/^/    | /' "$out" | tail -n 60
	fi >"$work/case-$name.verdict"
}
if wanted interrupt; then
	rm -f "$work/case-interrupt.verdict"
	jobs_throttle "$jobs"
	interrupt_case &
	pending+=(interrupt)
fi

# The debug kernel's checkers, each only where the kernel has it.
# debug_case CONFIG_SYMBOL NAME EXPECT-ARGS...
debug_case() {
	local sym=$1 name=$2
	shift 2
	wanted "$name" || return 0
	if grep -qx "$sym=y" "$kdir/.config" 2>/dev/null; then
		expect "$name" "$@"
	else
		echo "runner: ($name case needs $sym; $release has none)"
	fi
}
debug_case CONFIG_DEBUG_KMEMLEAK leak nonzero 'kmemleak found leaks' \
	--test runner-leak
# kmemleak turned off before its final scan reads an empty report.
debug_case CONFIG_DEBUG_KMEMLEAK kmemleak-off nonzero \
	'kmemleak was on at boot and is off at the end' --test runner-kmemleak-off
debug_case CONFIG_KASAN kasan nonzero "'KASAN' in the kernel log" \
	--test runner-kasan
debug_case CONFIG_UBSAN_BOUNDS ubsan nonzero "'UBSAN' in the kernel log" \
	--test runner-ubsan
debug_case CONFIG_PROVE_LOCKING lockdep nonzero \
	"'possible circular locking' in the kernel log" --test runner-lockdep
debug_case CONFIG_PROVE_LOCKING nonstatic nonzero \
	"'trying to register non-static key' in the kernel log" \
	--test runner-nonstatic
# Silent: only the checkers' state at the end shows it.
debug_case CONFIG_PROVE_LOCKING lockdep-off nonzero \
	'lockdep was on at boot and is off at the end' --test runner-lockdep-off

wait
for name in ${pending[@]+"${pending[@]}"}; do
	if [ -s "$work/case-$name.verdict" ]; then
		report "$name"
	else
		echo "runner: FAIL $name: no verdict (its run ended early)"
		failures=$((failures + 1))
	fi
done
if [ $failures -ne 0 ]; then
	echo "runner: $failures case(s) failed on $release"
	exit 1
fi
echo "runner: all cases passed on $release"
exit
}
