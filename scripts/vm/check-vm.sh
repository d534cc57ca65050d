#!/bin/bash
# make check-vm: for every installed Debian cloud kernel (image + headers),
# build our modules, boot the VM and run the guest suite. One kernel failing
# does not stop the others; the summary lists each, and the exit status is
# nonzero if any failed, or if a supported kernel series (6.1 and 6.12,
# the two `make deps` installs) has no installed kernel: the suite is
# promised on both, and a run on one is not a pass. Extra arguments go to
# scripts/vm/run.sh.
#
# VM_JOBS (default 2) VMs run at once. A TCG guest keeps about one host
# core busy, not two: its tests wait on timers and on each other as often
# as they compute. Two at once on a 2-core host took 1.2x the time of one
# each (683 s against 570 s for 6.12's), so the two kernels' suites take
# about 60 % of the time they take one after the other. With more than one
# at once, each run's output is printed when it ends, not while it runs;
# run.sh options of a single VM's (--log, --name, --initrd, --tests,
# --kmods, --bench, --mode, --ports) make it one at a time.
set -eu

# The body is one brace group so bash parses it before running: editing this
# file while a long run uses it must not change what that run executes.
{
PROG=check-vm
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$top"
releases=$(scripts/vm/kernels.sh)
[ -n "$releases" ] || die "no installed kernel with headers (make deps)"

# failures OUT : each failed guest test's name and the end of its output,
# for the summary (CI shows only the end of a run's output).
failures() {
	awk '/^FAIL / { name = $0; n = 0; next }
		name != "" && /^    \| / { buf[n++ % 12] = $0; next }
		name != "" { print "  " name; s = n > 12 ? n - 12 : 0
			for (i = s; i < n; i++) print "  " buf[i % 12]; name = "" }' "$1"
}

mkdir -p "$O/vm"
summary=()
failed=0
# Any point release of each series will do.
for series in 6.1 6.12; do
	found=0
	for r in $releases; do
		case $r in "$series".*) found=1 ;; esac
	done
	if [ $found -eq 0 ]; then
		summary+=("vm: $series: FAIL (no $series kernel with headers installed; make deps installs it)")
		failed=1
	fi
done
jobs=${VM_JOBS:-2}
check_jobs VM_JOBS "$jobs"
run_args=("$@")
if one_vm_args "$@"; then
	jobs=1
fi
jobs_stop_on_interrupt

# run_one R : the guest suite on R, its output in $O/vm/R-run.out (and on
# stdout as it comes when one VM runs at a time).
run_one() {
	local out=$O/vm/$1-run.out
	if [ "$jobs" -eq 1 ]; then
		# Without pipefail the pipeline's status is tee's; run.sh's is kept.
		scripts/vm/run.sh --kdir "/usr/src/linux-headers-$1" \
			"${run_args[@]}" 2>&1 | tee "$out"
		return "${PIPESTATUS[0]}"
	fi
	exec scripts/vm/run.sh --kdir "/usr/src/linux-headers-$1" \
		"${run_args[@]}" >"$out" 2>&1
}

# The modules first, one kernel after the other (each build uses every
# core), then the VMs.
built=()
for r in $releases; do
	echo "check-vm: === $r: modules ==="
	if ! "$make" --no-print-directory modules \
		KDIR="/usr/src/linux-headers-$r" KTCP_TEST_HOOKS=y; then
		summary+=("vm: $r: FAIL (module build failed)")
		failed=1
		continue
	fi
	built+=("$r")
done
# One at a time: each in the foreground, its console as it comes.
# Several: in the background (run_one execs run.sh), printed as each ends.
pids=() rcs=()
for i in "${!built[@]}"; do
	r=${built[i]}
	echo "check-vm: === $r: guest suite (console in $O/vm/$r-run.out) ==="
	if [ "$jobs" -eq 1 ]; then
		rc=0
		run_one "$r" || rc=$?
		rcs[i]=$rc
		continue
	fi
	jobs_throttle "$jobs"
	run_one "$r" &
	pids[i]=$!
done
for i in "${!built[@]}"; do
	r=${built[i]}
	out=$O/vm/$r-run.out
	if [ -n "${pids[i]:-}" ]; then
		rc=0
		wait "${pids[i]}" || rc=$?
		echo "check-vm: === $r: output ==="
		cat "$out"
	else
		rc=${rcs[i]}
	fi
	line=$(grep -E '^vm: ' "$out" | tail -n 1 || true)
	summary+=("${line:-vm: $r: FAIL (run.sh exited $rc without a summary)}")
	if [ "$rc" -ne 0 ]; then
		failed=1
		lines=$(failures "$out")
		[ -z "$lines" ] || summary+=("$lines")
	fi
done

echo "check-vm: summary"
printf '%s\n' "${summary[@]}"
exit $failed
}
