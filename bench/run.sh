#!/bin/bash
# make bench: boot the benchmark VM, run bench/vm/t-bench-*.sh in it, then
# turn the records its kernel log carries into JSON, a table and plots.
#
# Usage: bench/run.sh [options]
#   --kernel RELEASE  guest kernel (default: the newest installed cloud kernel)
#   --only GLOBS      which benchmarks: comma-separated globs of echo, http,
#                     scale, drop (default all)
#   --runs N          repeats of every figure (default 3); each figure is
#                     the median of them, with min and max
#   --secs S          seconds per load point (default 2)
#   --scale N         idle connections held in the scale benchmark (10000)
#   --drop N          TIME_WAIT sockets dropped in the drop benchmark (10000)
#   --quick           everything once at tiny sizes (make check-bench): the
#                     scripts must still run and produce every number
#   --out DIR         results (default $O/bench, $O/bench-check for --quick)
#   --publish         copy the plots to docs/bench/ and the table into
#                     docs/benchmarks.md (between its "make bench" markers)
#   --no-build        use the modules and programs already built in $O
#
# Writes DIR/results.json, DIR/table.md, DIR/*.png and DIR/vm.log. Exit
# status: 0 when every benchmark ran and reported every number; 1 when one
# broke (a script failed, a record is missing or malformed); 2 usage.
# Timings never fail it: benchmarks measure, they do not judge.
set -eu

# The body is one brace group so bash parses it before running: editing this
# file while a long run uses it must not change what that run executes.
{
# die exits 2 ("usage" above): a bad call, found before anything runs.
PROG=bench DIE_STATUS=2
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$top"
release='' only='*' runs=3 secs=2 scale=10000 drop=10000 quick=0
out='' publish=0 build=1
conns=1,100,1000 sizes=64,4096 http_conns=32
args=("$@")

flag() {
	case $1 in
	--quick) quick=1 ;;
	--publish) publish=1 ;;
	--no-build) build=0 ;;
	*) return 1 ;;
	esac
}

setting() {
	case $1 in
	--kernel) release=$2 ;;
	--only) only=$2 ;;
	--runs) runs=$2 ;;
	--secs) secs=$2 ;;
	--scale) scale=$2 ;;
	--drop) drop=$2 ;;
	--out) out=$2 ;;
	*) return 1 ;;
	esac
}

parse_options "$@"
for v in runs scale drop; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$v wants a positive integer, not '${!v}'"
done
# A JSON number the guest writes as is: 0.5 or 2, not .5 or 2.
if ! [[ $secs =~ ^[0-9]+(\.[0-9]+)?$ ]] || [[ $secs =~ ^0+(\.0*)?$ ]]; then
	die "--secs wants a positive number of seconds, not '$secs'"
fi
if [ $quick -eq 1 ]; then
	runs=1 secs=0.3 conns=10 sizes=64,4096 http_conns=4 scale=200 drop=200
	out=${out:-$O/bench-check}
fi
out=${out:-$O/bench}
if [ -z "$release" ]; then
	release=$(scripts/vm/kernels.sh | tail -n 1)
	[ -n "$release" ] || die "no installed kernel with headers (make deps)"
fi
kdir=/usr/src/linux-headers-$release
[ -d "$kdir" ] || die "no headers for '$release' in $kdir"

# Which guest scripts: t-bench-NAME.sh for each NAME matching --only.
tests=''
IFS=, read -ra globs <<<"$only"
for name in drop echo http scale; do
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2053 # $g is a glob on purpose
		if [[ $name == $g ]]; then
			tests="$tests${tests:+,}bench-$name"
			break
		fi
	done
done
[ -n "$tests" ] || die "--only '$only' matches none of echo, http, scale, drop"

# Guest time: the load points plus their setup, generously; the VM gets
# the sum of the per-script limits and a margin.
test_timeout=$((600 + runs * (scale / 25 + drop / 50 + 120 * ${secs%.*} + 200)))
vm_timeout=$((test_timeout * 4 + 300))
# make check: a hang must fail in minutes, not hours.
[ $quick -eq 0 ] || test_timeout=240 vm_timeout=900

mkdir -p "$out"
rm -f "$out"/*.png "$out/results.json" "$out/table.md"
if [ $build -eq 1 ]; then
	echo "bench: building modules for $release and userspace" >&2
	"$make" --no-print-directory modules KDIR="$kdir" >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log" >&2; echo "bench: module build failed" >&2; exit 1; }
	"$make" --no-print-directory userspace >>"$out/build.log" 2>&1 ||
		{ cat "$out/build.log" >&2; echo "bench: userspace build failed" >&2; exit 1; }
fi

cat >"$out/meta.json" <<EOF
{
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "command": "bench/run.sh${args[*]+ ${args[*]}}",
  "commit": "$(git describe --always --dirty 2>/dev/null || echo unknown)",
  "kernel": "$release",
  "host_cpu": "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | tr -d '\042\134')",
  "host_cpus": $(nproc),
  "qemu": "$(qemu-system-x86_64 --version | head -n 1 | tr -d '\042\134')",
  "vm": "-machine q35 -smp 2 -m 2G -cpu max,-la57,-cx16 (TCG)",
  "quick": $([ $quick -eq 1 ] && echo true || echo false),
  "settings": {"runs": $runs, "secs": $secs, "conns": [$conns], "sizes": [$sizes],
    "http_conns": $http_conns, "scale": $scale, "drop": $drop}
}
EOF

append="log_buf_len=8M ktcpbench.runs=$runs ktcpbench.secs=$secs"
append="$append ktcpbench.conns=$conns ktcpbench.sizes=$sizes"
append="$append ktcpbench.http_conns=$http_conns ktcpbench.scale=$scale"
append="$append ktcpbench.drop=$drop"
echo "bench: $tests on $release, $runs run(s) of ${secs}s per point;" \
	"log $out/vm.log" >&2
# Progress, test verdicts and the summary; the whole console is in the log.
rc=0
# The release build, without the VM suite's fault injection points.
scripts/vm/run.sh --kdir "$kdir" --name "$release-bench" --bench \
	--kmods "$O/kmod/$release/kernel" \
	--tests tests/vm --tests bench/vm \
	--test "$tests" --test-timeout "$test_timeout" --timeout "$vm_timeout" \
	--append "$append" --log "$out/vm.log" 2>&1 |
	sed -un '/KTCP-DMESG-BEGIN/,/KTCP-DMESG-END/d
		s/.*\(ktcp-bench: .*\)/\1/p
		/^\(PASS\|FAIL\) /p; /^    | /p; /^vm: /p; /^run.sh: /p'
rc=${PIPESTATUS[0]}

report=(python3 bench/report.py --log "$out/vm.log" --meta "$out/meta.json"
	--out "$out" --only "$tests")
[ $publish -eq 0 ] || report+=(--publish)
if ! "${report[@]}"; then
	echo "bench: FAIL: the results are incomplete or malformed" >&2
	exit 1
fi
if [ "$rc" -ne 0 ]; then
	echo "bench: FAIL: the VM run failed (status $rc; see $out/vm.log)" >&2
	exit 1
fi
echo "bench: results in $out (results.json, table.md, *.png)" >&2
exit 0
}
