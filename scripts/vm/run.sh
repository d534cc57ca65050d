#!/bin/bash
# Boot the ktcp test VM under QEMU and report the guest's result.
#
# Usage: run.sh --kdir KDIR|RELEASE [options]
#   --kdir K        kernel build tree (its release names the modules) or a
#                   release string such as 6.1.0-56-cloud-amd64
#   --kernel FILE   bzImage (default /boot/vmlinuz-RELEASE)
#   --mode M        test (default), shell or demo
#   --test GLOBS    comma-separated globs of guest tests to run (default all)
#   --timeout SECS  kill QEMU after SECS (default: test 900, demo 600, shell
#                   none); a killed VM is a failure
#   --test-timeout SECS  per-test limit in the guest (default 120)
#   --append ARGS   extra kernel command line
#   --kvm           use KVM (opt-in: it hangs on some hosts; TCG is default)
#   --initrd FILE   boot this initramfs instead of building one
#   --kmods DIR, --tests DIR   passed to mkinitramfs.sh (repeatable); the
#                   t-*.sh in the --tests directories (default tests/vm)
#                   that match --test are the tests the run expects
#   --bench         passed to mkinitramfs.sh: add the benchmark tools
#   --log FILE      console log (default $O/vm/NAME-MODE.log)
#   --name NAME     names this VM's files in $O/vm (default RELEASE): two
#                   VMs of one kernel at once need two names, and a run
#                   whose name is in use stops at once (status 2)
#   --ports "P..."  host ports forwarded to the guest in shell/demo mode
#                   (default "8081 12345")
#
# Host checks (test mode): a guest test can have a program run on the host
# while it waits, for what only the host has (a browser, say). The test
# calls host_check NAME (tests/vm/lib.sh), which prints
#   KTCP-VM-HOST-CHECK: NAME
# on the console; this script runs host/NAME from the first --tests
# directory that has it (tests/vm/host/ by default) with
#   KTCP_GUEST_URL  http://127.0.0.1:PORT/, a free host port forwarded to the
#                   guest's port 8081 (the guest brings eth0 up first:
#                   guest_net_up in tests/vm/lib.sh)
#   KTCP_HOST_OUT   a directory for what it keeps ($O/vm/RELEASE-host-NAME/)
# under a 120 s limit, its output in $O/vm/RELEASE-host-NAME.log, and
# answers "KTCP-HOST-RESULT: NAME STATUS" on the guest's second serial port
# (/dev/ttyS1, a pipe pair $O/vm/RELEASE-host.in/.out here). The guest test
# passes or fails on that status; a check the host lacks answers 127.
#
# Exit status: the guest tests' status; 1 when the kernel log shows a splat or
# leak or a checker turned off (scripts/vm/check-log.sh), when an expected
# test did not report PASS or FAIL, when t-apply was expected and its
# Prometheus text fails promtool (scripts/vm/check-prom.sh), when
# t-http-log was expected and GoAccess disagrees with its access log
# (scripts/vm/check-clf.sh), when t-http-log's or t-top's JSON does not
# match docs/ktcp.schema.json, or when the guest never reported a
# result; 124 when the timeout killed the VM; 130 when interrupted (INT or
# TERM: QEMU is stopped too); 2 for a bad call, such as a --test that
# matches no test. The last line is a one-line summary:
#   vm: RELEASE: PASS (N passed, 0 failed)
set -eu

# The body is one brace group so bash parses it before running: editing this
# file while a long run uses it must not change what that run executes.
{
# die exits 2: a bad call, found before QEMU runs.
PROG=run.sh DIE_STATUS=2
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
kdir='' kernel='' mode=test pattern='' timeout='' test_timeout='' append=''
kvm=0 initrd='' log='' ports="8081 12345" vmname=
mk_args=() test_dirs=()

flag() {
	case $1 in
	--kvm) kvm=1 ;;
	--bench) mk_args+=(--bench) ;;
	*) return 1 ;;
	esac
}

setting() {
	case $1 in
	--kdir) kdir=$2 ;;
	--kernel) kernel=$2 ;;
	--mode) mode=$2 ;;
	--test) pattern=$2 ;;
	--timeout) timeout=$2 ;;
	--test-timeout) test_timeout=$2 ;;
	--append) append=$2 ;;
	--initrd) initrd=$2 ;;
	--kmods) mk_args+=("$1" "$2") ;;
	--tests) mk_args+=("$1" "$2") test_dirs+=("$2") ;;
	--log) log=$2 ;;
	--name) vmname=$2 ;;
	--ports) ports=$2 ;;
	*) return 1 ;;
	esac
}

parse_options "$@"
cd "$top"

[ -n "$kdir" ] || die "--kdir is required"
if [ -d "$kdir" ]; then
	release=$(scripts/vm/krelease.sh "$kdir") || exit 2
else
	release=$kdir
fi
kernel=${kernel:-/boot/vmlinuz-$release}
vmname=${vmname:-$release}
label=$release
[ "$vmname" = "$release" ] || label="$release ($vmname)"
[ -r "$kernel" ] || die "cannot read kernel $kernel"
# The kernel's configuration says which checkers (kmemleak, lockdep, ...)
# must still be on at the end of the run (check-log.sh --config).
config=''
for c in "$kdir/.config" "/boot/config-$release"; do
	if [ -r "$c" ]; then
		config=$c
		break
	fi
done
case $mode in
test) timeout=${timeout:-900} ;;
demo) timeout=${timeout:-600} ;;
shell) timeout=${timeout:-0} ;;
*) die "unknown mode '$mode'" ;;
esac

# The tests the run expects: every t-*.sh of the --tests directories whose
# name matches a --test glob, as the guest's tests/vm/run-all.sh matches
# them. Each must report PASS or FAIL: a test the image lacks, or one the
# guest skipped, fails the run instead of going unnoticed.
expected=()
if [ "$mode" = test ]; then
	IFS=, read -ra globs <<<"${pattern:-*}"
	for d in "${test_dirs[@]:-tests/vm}"; do
		for t in "$d"/t-*.sh; do
			[ -e "$t" ] || continue
			name=${t##*/t-}
			name=${name%.sh}
			for g in "${globs[@]}"; do
				# shellcheck disable=SC2053 # $g is a glob on purpose
				if [[ $name == $g ]]; then
					expected+=("$name")
					break
				fi
			done
		done
	done
	[ ${#expected[@]} -gt 0 ] ||
		die "no test in ${test_dirs[*]:-tests/vm} matches '${pattern:-*}'"
fi

mkdir -p "$O/vm"
# One run per name: a second one would overwrite this one's log and
# initramfs, and its cleanup would kill this one's QEMU (by the pid file).
# QEMU inherits the lock, so the name stays taken while it runs.
exec {name_lock}>"$O/vm/$vmname.lock"
flock -n "$name_lock" ||
	die "a VM named '$vmname' is running already; give this one another --name"
log=${log:-$O/vm/$vmname-$mode.log}
if [ -z "$initrd" ]; then
	initrd=$O/vm/$vmname.initramfs
	scripts/vm/mkinitramfs.sh --release "$release" --out "$initrd" \
		${mk_args[@]+"${mk_args[@]}"}
fi

# slab_nomerge: each ktcp service's connection cache stays its own in
# /proc/slabinfo, so tests can see that no connection outlives its server.
# log_buf_len: the dmesg dump that check-log.sh scans must still hold the
# first test's messages after the chatty ones (t-nlfuzz starts and stops
# thousands of servers; the default 128 KiB keeps the last seconds only).
cmdline="console=ttyS0 panic=-1 slab_nomerge log_buf_len=16M ktcpvm.mode=$mode"
[ -z "$pattern" ] || cmdline="$cmdline ktcpvm.test=$pattern"
[ -z "$test_timeout" ] || cmdline="$cmdline ktcpvm.test_timeout=$test_timeout"
# Keep the console quiet for people at a shell; tests keep every message.
[ "$mode" = test ] || cmdline="$cmdline loglevel=4"
[ -z "$append" ] || cmdline="$cmdline $append"

# -cpu: la57 makes 6.12 double-fault under TCG, cx16 causes random SLUB
# oopses with QEMU 7.2 TCG. panic=-1 with -no-reboot turns a panic into a
# QEMU exit instead of a hang until the timeout. q35, not the default
# i440FX: on i440FX the debug kernel spends 25 s of its 41 s boot routing
# the network card's legacy interrupt through ACPI (virtio_pci's probe,
# seen with initcall_debug); on q35 the probe takes 0.2 s.
pidfile=$O/vm/$vmname-$mode.pid
qemu=(qemu-system-x86_64 -machine q35 -no-reboot -m 2G -smp 2
	-cpu "max,-la57,-cx16" -kernel "$kernel" -initrd "$initrd"
	-append "$cmdline" -pidfile "$pidfile")
if [ $kvm -eq 1 ]; then
	qemu+=(-accel kvm)
else
	qemu+=(-accel tcg)
fi
# Serial ports after the console (the batch run's -serial stdio).
serial=()
if [ "$mode" = test ]; then
	# Host checks: a free host port to the guest's 8081, the answer on
	# ttyS1. The guest has no network until a test brings eth0 up.
	host_port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
		die "cannot find a free port for the host checks"
	chan=$O/vm/$vmname-host
	rm -f "$chan.in" "$chan.out"
	mkfifo "$chan.in" "$chan.out"
	qemu+=(-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$host_port-:8081"
		-device "virtio-net-pci,netdev=n0")
	serial=(-serial "pipe:$chan")
else
	fwd=''
	for p in $ports; do
		fwd="$fwd,hostfwd=tcp::$p-:$p"
	done
	qemu+=(-netdev "user,id=n0$fwd" -device "virtio-net-pci,netdev=n0")
fi

# shellcheck disable=SC2317 # called from traps
cleanup() {
	[ -z "${vm_job:-}" ] || kill_tree "$vm_job"
	vm_job=''
	if [ -s "$pidfile" ]; then
		kill "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true
		rm -f "$pidfile"
	fi
	# All of it: its tail and a host check hold the name's lock too.
	[ -z "${watcher:-}" ] || kill_tree "$watcher"
	watcher=''
	[ -z "${chan:-}" ] || rm -f "$chan.in" "$chan.out"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# host_check NAME: run the guest's host check NAME (see the top), answer
# on the guest's ttyS1.
host_check() {
	local check=$1 script='' d rc=0
	for d in "${test_dirs[@]:-tests/vm}"; do
		if [ -x "$d/host/$check" ]; then
			script=$d/host/$check
			break
		fi
	done
	if [ -z "$script" ]; then
		echo "run.sh: no host check '$check' in ${test_dirs[*]:-tests/vm}" >&2
		rc=127
	else
		rm -rf "$O/vm/$vmname-host-$check"
		mkdir -p "$O/vm/$vmname-host-$check"
		KTCP_GUEST_URL=http://127.0.0.1:$host_port/ \
			KTCP_HOST_OUT=$O/vm/$vmname-host-$check \
			timeout -k 5 120 "$script" \
			>"$O/vm/$vmname-host-$check.log" 2>&1 </dev/null || rc=$?
		echo "run.sh: host check $check: status $rc; log" \
			"$O/vm/$vmname-host-$check.log" >&2
	fi
	# QEMU holds the pipe open: the write cannot block unless QEMU is gone.
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 10 bash -c 'printf "KTCP-HOST-RESULT: %s %s\n" "$1" "$2" >"$3"' \
		host_check "$check" "$rc" "$chan.in" || true
}

# host_checks: follow the console log (made anew by each boot) and serve
# each request of the guest's; ends with this script (tail --pid).
host_checks() {
	local line name
	tail -n +1 -F --pid=$$ "$log" 2>/dev/null | while IFS= read -r line; do
		case $line in
		*KTCP-VM-HOST-CHECK:\ *)
			name=${line##*KTCP-VM-HOST-CHECK: }
			if [[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
				host_check "$name"
			else
				echo "run.sh: bad host check name '$name'" >&2
			fi
			;;
		esac
	done
}

echo "run.sh: booting $label ($mode) from $kernel; log $log" >&2
start=$(date +%s)
watcher=''
if [ "$mode" = test ]; then
	: >"$log"
	host_checks &
	watcher=$!
fi
if [ "$mode" = shell ]; then
	# Interactive: QEMU owns the terminal (Ctrl-A X quits); the log keeps
	# the raw console.
	echo "run.sh: Ctrl-A X quits QEMU" >&2
	# Without pipefail a pipeline's status is tee's; QEMU's is PIPESTATUS[0].
	if [ "$timeout" -gt 0 ]; then
		timeout --foreground -k 10 "$timeout" "${qemu[@]}" -nographic | tee "$log"
		qrc=${PIPESTATUS[0]}
	else
		"${qemu[@]}" -nographic | tee "$log"
		qrc=${PIPESTATUS[0]}
	fi
	exit "$qrc"
fi
# Batch: the console is the only output; stdin is not the guest's, so ^C
# reaches this script. CRs are dropped so the log reads as plain text.
# A kernel that dies before /init starts has run none of ktcp's code (the
# modules are loaded by the tests): under TCG, Debian's 6.12 now and then
# takes a stray int3 while it patches its own text at boot. Such a boot is
# retried, twice at most, and says so; any later death is the run's.
# The run is a background job, waited for: bash runs a trap only between
# commands, so with QEMU in the foreground a Ctrl-C would wait for it to
# end (QEMU runs under timeout, in a process group of its own, and does
# not see the Ctrl-C). Interrupted, the wait returns and the trap kills
# the job's processes.
boot=1
while :; do
	(
		set +e # QEMU's status, even if tee fails
		timeout -k 10 "$timeout" "${qemu[@]}" -display none -monitor none \
			-serial stdio ${serial[@]+"${serial[@]}"} </dev/null |
			sed -u 's/\r$//' | tee "$log"
		exit "${PIPESTATUS[0]}"
	) &
	vm_job=$!
	qrc=0
	wait "$vm_job" || qrc=$?
	vm_job=''
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ] || [ "$boot" -ge 3 ] ||
		grep -q 'KTCP-VM-INIT' "$log"; then
		break
	fi
	cp "$log" "$log.boot$boot"
	echo "run.sh: the kernel died while booting, before /init ran" \
		"(log kept in $log.boot$boot); booting again" >&2
	boot=$((boot + 1))
done
secs=$(($(date +%s) - start))

rc=0
result=$(sed -n 's/.*KTCP-VM-RESULT: \([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "run.sh: TIMEOUT: QEMU killed after ${timeout}s" >&2
	rc=124
elif [ -z "$result" ]; then
	echo "run.sh: the guest exited without a result (QEMU status $qrc)" >&2
	rc=1
else
	rc=$result
fi
if ! scripts/vm/check-log.sh ${config:+--config "$config"} "$log" >&2; then
	[ "$rc" -ne 0 ] || rc=1
fi
# What a real tool on the host judges: t-apply prints its servers'
# Prometheus text (KTCP-PROM: lines), which must pass promtool.
for name in ${expected[@]+"${expected[@]}"}; do
	[ "$name" = apply ] || continue
	scripts/vm/check-prom.sh "$log" >&2 || { [ "$rc" -ne 0 ] || rc=1; }
done

# t-http-log prints its server's access log (KTCP-CLF: lines), which
# GoAccess must parse into the counts the server kept.
for name in ${expected[@]+"${expected[@]}"}; do
	[ "$name" = http-log ] || continue
	scripts/vm/check-clf.sh "$log" >&2 || { [ "$rc" -ne 0 ] || rc=1; }
	# and its `ktcp log --json` lines must match docs/ktcp.schema.json
	if ! scripts/check-json.py --require log_record,log_lost "$log" >&2; then
		echo "run.sh: ktcp log --json output does not match docs/ktcp.schema.json" >&2
		[ "$rc" -ne 0 ] || rc=1
	fi
done

# t-top records its `ktcp top --json` frames the same way.
for name in ${expected[@]+"${expected[@]}"}; do
	[ "$name" = top ] || continue
	if ! scripts/check-json.py --require top "$log" >&2; then
		echo "run.sh: ktcp top --json output does not match docs/ktcp.schema.json" >&2
		[ "$rc" -ne 0 ] || rc=1
	fi
done

# The cli test writes what `ktcp --json` printed to the console: it must
# match docs/ktcp.schema.json, every kind of document at least once.
for name in ${expected[@]+"${expected[@]}"}; do
	[ "$name" = cli ] || continue
	if ! scripts/check-json.py --require \
		start,list,server,stats,server_stats,services,event,drop,version \
		"$log" >&2; then
		echo "run.sh: ktcp --json output does not match docs/ktcp.schema.json" >&2
		[ "$rc" -ne 0 ] || rc=1
	fi
done

# Every expected test reported once, as "PASS name (...)" or "FAIL name
# (...)" at the end of a line (kernel messages can share its start on the
# console; a failed test's own output is indented with "    | ").
missing=0
if [ ${#expected[@]} -gt 0 ]; then
	reported=$(sed -nE '/^    \| /d
		s/^(.*[^|] )?(PASS|FAIL) ([^ ]+) \((exit [0-9]+, )?[0-9]+s\)$/\3/p' "$log")
	for name in "${expected[@]}"; do
		if ! grep -qxF -- "$name" <<<"$reported"; then
			echo "run.sh: test $name did not report PASS or FAIL" >&2
			missing=$((missing + 1))
		fi
	done
	if [ "$missing" -ne 0 ]; then
		echo "run.sh: $missing of ${#expected[@]} expected test(s) did not" \
			"report" >&2
		[ "$rc" -ne 0 ] || rc=1
	fi
fi

verdict=PASS
[ "$rc" -eq 0 ] || verdict=FAIL
[ -n "$summary" ] || summary="no test summary"
[ "$missing" -eq 0 ] ||
	summary="$summary; $missing of ${#expected[@]} expected did not report"
[ "$rc" -ne 124 ] || summary="$summary; timed out"
echo "vm: $label: $verdict ($summary) in ${secs}s"
exit "$rc"
}
