#!/bin/bash
# Judge a test VM's console log (written by scripts/vm/run.sh).
# Usage: check-log.sh [--config KCONFIG] LOG
#   exit 0 when the kernel log is clean and every checker the kernel has is
#   still on at the end. KCONFIG, the kernel's .config, says which checkers
#   it is built with (each must then be on at the end).
#
# Where it looks: the guest's test output shares the console with the kernel,
# and a test may legitimately print "WARNING:" or "BUG:". So when the guest
# got to the end, only the kernel's own text is scanned: the dmesg dump
# between KTCP-DMESG-BEGIN/END plus anything the kernel printed after it
# (shutdown). When the dump is missing (panic, hang, timeout) the whole log is
# scanned instead; that run fails anyway and the match says why. kmemleak's
# report (KTCP-KMEMLEAK-BEGIN/END) is checked for "unreferenced object" only,
# and the taint flags the guest reports catch splats that scrolled out of the
# dmesg ring buffer.
#
# A checker that turned itself off reports nothing more: lockdep after its
# first splat or a non-static key, kmemleak after an internal error (its
# final scan then reads an empty report), the hung task detector after
# kernel.hung_task_warnings reports. The guest prints their state at boot
# and at the end (KTCP-VM-CHECKERS-BOOT/END: name=on|off|absent ...,
# scripts/vm/init); one that was on at boot, or that the kernel is built
# with, must be on at the end.
set -eu

config=''
if [ "${1-}" = --config ]; then
	config=${2:?--config needs a file}
	shift 2
fi
log=${1:?usage: check-log.sh [--config KCONFIG] LOG}
[ -r "$log" ] || { echo "check-log: cannot read $log" >&2; exit 2; }

# Extended regexes, one per line. "BUG:" covers KASAN, KFENCE, sleeping in
# atomic, bad page state, soft lockups and scheduling-while-atomic; the rest
# are splats with other headers, and the messages of checkers that turn
# themselves off (lockdep, kmemleak).
PATTERNS='BUG:
WARNING:
kernel BUG at
Oops
KASAN
UBSAN
possible circular locking
possible recursive locking
inconsistent lock state
suspicious RCU usage
DEBUG_LOCKS_WARN_ON
INFO: task .* blocked for more than
rcu: INFO: .* detected stalls
rcu: INFO: .*self-detected stall
rcu: INFO: .*detected expedited stalls
trying to register non-static key
turning off the locking correctness validator
Disabling lock debugging due to kernel taint
Kernel memory leak detector disabled
soft lockup
hard LOCKUP
general protection fault
Unable to handle kernel
Kernel panic
refcount_t:
list_add corruption
list_del corruption
ODEBUG:
stack-protector
unreferenced object'
# Taint bits that mean a splat happened: B bad page (5), D died (7),
# W warning (9), L soft lockup (14). O/E (out-of-tree, unsigned) are expected.
TAINT_BAD=$(((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14)))

text=$(tr -d '\r' <"$log")
problems=0

report() {
	echo "check-log: $*"
	problems=$((problems + 1))
}

# Markers can share a line with kernel output on the console, so match them
# anywhere in the line.
# Found by line numbers, then cut with sed: a kernel log can be hundreds of
# thousands of lines, and awk appending them one by one to a string would
# take minutes.
section() { # BEGIN-marker END-marker: last complete section
	local range from to
	range=$(printf '%s\n' "$text" | awk -v b="$1" -v e="$2" '
		index($0, b) { from = NR + 1; inside = 1; next }
		index($0, e) && inside { s = from; t = NR - 1; inside = 0; done = 1 }
		END { if (!done) exit 1; print s, t }') || return 1
	read -r from to <<<"$range"
	[ "$to" -ge "$from" ] || return 0
	printf '%s\n' "$text" | sed -n "${from},${to}p"
}

result=$(printf '%s\n' "$text" | sed -n 's/.*KTCP-VM-RESULT: \([0-9][0-9]*\).*/\1/p' | tail -n 1)
if [ -z "$result" ]; then
	report "no KTCP-VM-RESULT line: the guest crashed, hung or was killed"
elif [ "$result" -ne 0 ]; then
	summary=$(printf '%s\n' "$text" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1 || true)
	report "guest tests failed (rc $result${summary:+: $summary})"
fi

if kernel=$(section KTCP-DMESG-BEGIN KTCP-DMESG-END); then
	after=$(printf '%s\n' "$text" | awk '/KTCP-DMESG-END/ { p = 1; next } p')
	scan=$(printf '%s\n%s\n' "$kernel" "$after")
	where="the kernel log"
else
	scan=$text
	where="the console log (no complete dmesg dump)"
fi

while IFS= read -r pat; do
	hits=$(printf '%s\n' "$scan" | grep -E -- "$pat" || true)
	[ -n "$hits" ] || continue
	report "'$pat' in $where:"
	printf '%s\n' "$hits" | head -n 10 | sed 's/^/    /'
done <<<"$PATTERNS"

if leaks=$(section KTCP-KMEMLEAK-BEGIN KTCP-KMEMLEAK-END); then
	if printf '%s\n' "$leaks" | grep -q 'unreferenced object'; then
		report "kmemleak found leaks:"
		printf '%s\n' "$leaks" | head -n 40 | sed 's/^/    /'
	fi
fi

# Modules the guest could not unload at the end (scripts/vm/init): their
# exit paths never ran, so neither did kmemleak's view of them.
for m in $(printf '%s\n' "$text" | sed -n 's/.*KTCP-VM-UNLOAD-FAILED: \([^ ]*\).*/\1/p'); do
	report "module $m could not be unloaded"
done

# The checkers' state (scripts/vm/init's checkers()). Judged when the guest
# got to the end; a crash fails the run above already.
boot=$(printf '%s\n' "$text" | sed -n 's/.*KTCP-VM-CHECKERS-BOOT: //p' | tail -n 1)
end=$(printf '%s\n' "$text" | sed -n 's/.*KTCP-VM-CHECKERS-END: //p' | tail -n 1)
y() { grep -qx "$1=y" "$config"; }
# built NAME: whether KCONFIG says the kernel has checker NAME on by default.
built() {
	[ -n "$config" ] || return 1
	case $1 in
	lockdep) y CONFIG_PROVE_LOCKING ;;
	kmemleak) y CONFIG_DEBUG_KMEMLEAK && ! y CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF ;;
	kfence) y CONFIG_KFENCE && ! grep -qx 'CONFIG_KFENCE_SAMPLE_INTERVAL=0' "$config" ;;
	kasan) y CONFIG_KASAN ;;
	hung_task) y CONFIG_DETECT_HUNG_TASK ;;
	softlockup) y CONFIG_SOFTLOCKUP_DETECTOR ;;
	rcu_stall) y CONFIG_RCU_STALL_COMMON ;;
	*) return 1 ;;
	esac
}
if [ -n "$result" ]; then
	if [ -z "$end" ]; then
		report "no KTCP-VM-CHECKERS-END line: the checkers' state is unknown"
	else
		echo "check-log: checkers at boot: ${boot:-(not reported)}"
		echo "check-log: checkers at the end: $end"
	fi
	for kv in $end; do
		name=${kv%%=*} state=${kv#*=}
		[ "$state" != on ] || continue
		if [[ " $boot " == *" $name=on "* ]]; then
			report "$name was on at boot and is $state at the end"
		elif built "$name"; then
			report "$name is $state at the end, though the kernel is built with it ($config)"
		fi
	done
fi

taint=$(printf '%s\n' "$text" | sed -n 's/.*KTCP-VM-TAINT: \([0-9][0-9]*\).*/\1/p' | tail -n 1)
if [ -n "$taint" ] && [ $((taint & TAINT_BAD)) -ne 0 ]; then
	report "kernel tainted $taint (bad page/died/warning/soft lockup flag set)"
fi

if [ $problems -ne 0 ]; then
	echo "check-log: FAIL ($problems problem(s)) in $log"
	exit 1
fi
echo "check-log: clean ($log)"
