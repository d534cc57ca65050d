#!/bin/bash
# make check-debug: the guest suite on a debug kernel (KASAN, lockdep,
# kmemleak, KFENCE, UBSAN), its tests shared among DEBUG_JOBS VMs
# (default 2) that run at once.
#
# Usage: check-debug.sh --kdir KDIR --kernel BZIMAGE [run.sh options]
#
# One debug VM keeps about one host core busy, not two: two at once on a
# 2-core host each take about 1.4x the time of one alone, so the suite
# takes about 70 % of the time (2026-12-06: 1502 s for both halves at once,
# 2212 s for the whole suite in one VM the run before). Each VM's kernel
# log is judged on its own (scripts/vm/check-log.sh): a report in either
# fails the run, as in one VM. The tests are dealt out longest first, each
# to the VM with the least work so far, by the seconds
# tests/vm/debug-seconds gives (measured on the debug kernel; a test it
# does not list counts as 60 s). With --test among the options, one VM
# runs the tests it names; so it does with an option of one VM's (--log,
# --name, --initrd, --tests, --kmods, --bench, --mode, --ports).
#
# Exit status: 0 when every VM passed, 1 when one failed, 2 for a bad call.
set -eu

# The body is one brace group so bash parses it before running: editing this
# file while a long run uses it must not change what that run executes.
{
PROG=check-debug
DIE_STATUS=2
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$top"

jobs=${DEBUG_JOBS:-2}
check_jobs DEBUG_JOBS "$jobs"
# A --test of its own, or an option of one VM's, makes one VM.
kdir='' prev=''
for a in "$@"; do
	[ "$a" != --test ] || jobs=1
	[ "$prev" != --kdir ] || kdir=$a
	prev=$a
done
if one_vm_args "$@"; then
	jobs=1
fi
[ -n "$kdir" ] || die "--kdir is required"
release=$(scripts/vm/krelease.sh "$kdir") || exit 2
mkdir -p "$O/vm"

if [ "$jobs" -eq 1 ]; then
	exec scripts/vm/run.sh "$@"
fi

# shares: the tests, longest first, each to the share with the least work.
declare -A secs
while read -r t s; do
	case $t in '' | '#'*) continue ;; esac
	secs[$t]=$s
done <tests/vm/debug-seconds
tests=()
for f in tests/vm/t-*.sh; do
	t=${f##*/t-}
	tests+=("${secs[${t%.sh}]:-60} ${t%.sh}")
done
shares=() load=()
for i in $(seq 0 $((jobs - 1))); do
	shares[i]='' load[i]=0
done
while read -r s t; do
	min=0
	for i in "${!load[@]}"; do
		[ "${load[i]}" -ge "${load[min]}" ] || min=$i
	done
	shares[min]=${shares[min]:+${shares[min]},}$t
	load[min]=$((load[min] + s))
done < <(printf '%s\n' "${tests[@]}" | sort -rn)

jobs_stop_on_interrupt
# One initramfs for every VM: the same modules and tests.
initrd=$O/vm/$release-shared.initramfs
scripts/vm/mkinitramfs.sh --release "$release" --out "$initrd"
pids=() names=()
for i in "${!shares[@]}"; do
	[ -n "${shares[i]}" ] || continue
	name=$release-$((i + 1))
	echo "check-debug: VM $name (about ${load[i]} s): ${shares[i]}"
	scripts/vm/run.sh "$@" --name "$name" --initrd "$initrd" \
		--test "${shares[i]}" >"$O/vm/$name-run.out" 2>&1 &
	pids+=($!) names+=("$name")
done
rc=0
for i in "${!pids[@]}"; do
	r=0
	wait "${pids[i]}" || r=$?
	echo "check-debug: === VM ${names[i]}: output ==="
	cat "$O/vm/${names[i]}-run.out"
	[ "$r" -eq 0 ] || rc=1
done
echo "check-debug: summary"
for n in "${names[@]}"; do
	line=$(grep -E '^vm: ' "$O/vm/$n-run.out" | tail -n 1 || true)
	echo "${line:-vm: $n: FAIL (run.sh ended without a summary)}"
done
exit $rc
}
