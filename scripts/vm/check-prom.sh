#!/bin/bash
# Judge the Prometheus text that a test VM's guest printed (tests/vm/
# t-apply.sh: `ktcp stats --format prometheus` of real servers) with
# promtool, Prometheus' own checker: the format must parse and pass its
# lint (counters end in _total, HELP and TYPE for each family, ...).
# Usage: check-prom.sh LOG [OUT]
#   LOG: the console log (scripts/vm/run.sh); the guest prints each line
#   of the text as "KTCP-PROM: <line>" (a prefix, so that kernel messages
#   on the same console cannot slip into it). OUT (default LOG with .prom
#   for .log) keeps what was checked. Exit 1 when there is none, or when
#   promtool finds anything.
set -eu
PROG=check-prom
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
[ "${1-}" = --help ] && usage
log=${1:?usage: check-prom.sh LOG [OUT]}
out=${2:-${log%.log}.prom}
command -v promtool >/dev/null || die "promtool missing (make deps installs prometheus)"
sed -n 's/^KTCP-PROM: \{0,1\}//p' "$log" >"$out"
[ -s "$out" ] || die "no Prometheus text (KTCP-PROM: lines) in $log"
grep -q '^ktcp_connections_accepted_total{' "$out" ||
	die "no per-server sample in $out"
if ! problems=$(promtool check metrics <"$out" 2>&1); then
	echo "$problems" >&2
	die "promtool check metrics failed on $out"
fi
echo "check-prom: promtool check metrics: $(grep -c '^# TYPE' "$out") families, $(grep -vc '^#' "$out") samples OK ($out)"
