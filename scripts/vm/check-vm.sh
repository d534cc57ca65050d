#!/bin/bash
# make check-vm: for every installed Debian cloud kernel (image + headers),
# build our modules, boot the VM and run the guest suite. One kernel failing
# does not stop the others; the summary lists each, and the exit status is
# nonzero if any failed, or if a supported kernel series (6.1 and 6.12,
# the two `make deps` installs) has no installed kernel: the suite is
# promised on both, and a run on one is not a pass. Extra arguments go to
# scripts/vm/run.sh.
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
for r in $releases; do
	kdir=/usr/src/linux-headers-$r
	echo "check-vm: === $r ==="
	if ! "$make" --no-print-directory modules KDIR="$kdir" \
		KTCP_TEST_HOOKS=y; then
		summary+=("vm: $r: FAIL (module build failed)")
		failed=1
		continue
	fi
	out=$O/vm/$r-run.out
	# Without pipefail the pipeline's status is tee's; run.sh's is kept.
	scripts/vm/run.sh --kdir "$kdir" "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
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
