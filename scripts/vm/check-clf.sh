#!/bin/bash
# Judge the access log that a test VM's guest printed (tests/vm/
# t-http-log.sh: `ktcp log` of a real khttpd) with GoAccess, a real
# consumer of the Combined Log Format: it must parse every line, and count
# the requests and the statuses the server counted.
# Usage: check-clf.sh LOG [OUT]
#   LOG: the console log (scripts/vm/run.sh); the guest prints each line
#   as "KTCP-CLF: <line>" and the server's counts as "KTCP-CLF-EXPECT:
#   requests=N 2xx=N ... responses=N 200=N 404=N ...". OUT (default LOG
#   with .clf for .log) keeps what was checked, OUT.json GoAccess's report.
#   Exit 1 when there is none, or when GoAccess disagrees.
set -eu
PROG=check-clf
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
[ "${1-}" = --help ] && usage
log=${1:?usage: check-clf.sh LOG [OUT]}
out=${2:-${log%.log}.clf}
command -v goaccess >/dev/null || die "goaccess missing (make deps installs it)"
command -v jq >/dev/null || die "jq missing (make deps installs it)"
sed -n 's/^KTCP-CLF: \{0,1\}//p' "$log" >"$out"
[ -s "$out" ] || die "no access log (KTCP-CLF: lines) in $log"
expect=$(sed -n 's/^KTCP-CLF-EXPECT: //p' "$log" | tail -n 1)
[ -n "$expect" ] || die "no KTCP-CLF-EXPECT: line in $log"
goaccess "$out" --log-format=COMBINED --no-global-config \
	-o "$out.json" >/dev/null 2>"$out.err" ||
	die "goaccess failed on $out: $(cat "$out.err")"

# want KEY : the value of KEY=N in the guest's line.
want() {
	local v
	v=$(tr ' ' '\n' <<<"$expect" | sed -n "s/^$1=//p")
	[ -n "$v" ] || die "no $1 in KTCP-CLF-EXPECT: $expect"
	echo "$v"
}
bad=0
check() {
	if [ "$2" != "$3" ]; then
		echo "check-clf: $1: GoAccess $2, the server $3" >&2
		bad=1
	fi
}
g=$out.json
check "requests" "$(jq .general.total_requests "$g")" "$(want responses)"
check "valid requests" "$(jq .general.valid_requests "$g")" "$(want responses)"
check "failed requests" "$(jq .general.failed_requests "$g")" 0
for c in 2 3 4 5; do
	got=$(jq --arg c "${c}xx" '[.status_codes.data[] |
		select(.data | startswith($c[0:1])) | .hits.count] | add // 0' "$g")
	check "${c}xx" "$got" "$(want "${c}xx")"
done
for code in 200 206 304 400 404 405; do
	got=$(jq --arg c "$code" '[.status_codes.data[].items[]? |
		select(.data | startswith($c + " ")) | .hits.count] | add // 0' "$g")
	check "status $code" "$got" "$(want "$code")"
done
[ $bad = 0 ] || die "GoAccess and the server disagree ($out, $g)"
echo "check-clf: GoAccess: $(jq .general.total_requests "$g") requests," \
	"statuses as the server counted ($out)"
