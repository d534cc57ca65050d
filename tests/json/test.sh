#!/bin/bash
# make check-json: docs/ktcp.schema.json is a valid schema, and
# scripts/check-json.py, which validates the VM suite's real `ktcp --json`
# output with it (tests/vm/t-cli.sh, scripts/vm/run.sh), passes each
# document of good.log and fails each of old-shapes.log, the shapes of
# ktcp 2.0.0 that issue 19 found inconsistent, and of bad.log, shapes
# the schema must refuse though no version printed them.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
check=$top/scripts/check-json.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktcp-json.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# each FILE WANT: every record line of FILE alone, exit status WANT.
each() {
	local line rc
	while IFS= read -r line; do
		case $line in KTCP-JSON:*) ;; *) continue ;; esac
		printf '%s\n' "$line" >"$tmp/one.log"
		rc=0
		"$check" "$tmp/one.log" >"$tmp/out" 2>&1 || rc=$?
		if [ "$rc" = "$2" ]; then
			passed=$((passed + 1))
		else
			echo "FAIL: exit $rc, expected $2: $line"
			sed 's/^/    /' "$tmp/out"
			failed=$((failed + 1))
		fi
	done <"$1"
}
each "$top/tests/json/good.log" 0
each "$top/tests/json/old-shapes.log" 1
each "$top/tests/json/bad.log" 1
# The console's own lines may be any bytes; a document must be UTF-8.
doc='[{"id":1,"service":"echo","addr":"::","port":7,"opts":{"root":"/r%s"}}]'
for want in 0 1; do
	# shellcheck disable=SC2059 # $doc is the format on purpose
	{
		printf 'kernel: \377\n'
		printf "KTCP-JSON: list $doc\n" "$([ $want = 1 ] && printf '\377')"
	} >"$tmp/bytes.log"
	rc=0
	"$check" "$tmp/bytes.log" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ]; then
		passed=$((passed + 1))
	else
		echo "FAIL: exit $rc, expected $want: $(cat -v "$tmp/bytes.log")"
		sed 's/^/    /' "$tmp/out"
		failed=$((failed + 1))
	fi
done
# No record at all is a failure, not a pass.
: >"$tmp/empty.log"
if "$check" "$tmp/empty.log" >/dev/null; then
	echo "FAIL: a log without records passed"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
