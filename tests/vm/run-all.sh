#!/bin/bash
# Guest test harness: runs /tests/t-*.sh whose name (without "t-" and ".sh")
# matches one of the comma-separated globs in $1, each in its own bash process,
# working directory and time limit ($2 seconds). Prints "PASS name" or
# "FAIL name" plus the test's output, and last exactly "N passed, M failed"
# (CI parses that line). Exits nonzero if any test failed or none matched.
set -u

patterns=${1:-*}
limit=${2:-120}
dir=${TESTS_DIR:-/tests}
passed=0
failed=0

IFS=, read -ra globs <<<"$patterns"

# Every test starts with none of our modules loaded: a failed test's servers
# must not make the next one fail ("port already in use").
ours=()
for f in /lib/modules/"$(uname -r)"/extra/*.ko; do
	[ -e "$f" ] && ours+=("$(basename "$f" .ko)")
done
reset_modules() {
	local m pass left
	for pass in 1 2 3; do
		left=
		for m in ${ours[@]+"${ours[@]}"}; do
			grep -q "^$m " /proc/modules || continue
			rmmod "$m" 2>/dev/null || left="$left $m"
		done
		[ -z "$left" ] && return 0
		[ "$pass" -lt 3 ] && sleep 1
	done
	echo "note: after $1, could not unload:$left"
}

matches() {
	local name=$1 p
	for p in "${globs[@]}"; do
		# shellcheck disable=SC2053 # $p is a glob on purpose
		[[ $name == $p ]] && return 0
	done
	return 1
}

for t in "$dir"/t-*.sh; do
	[ -e "$t" ] || break
	name=${t##*/t-}
	name=${name%.sh}
	matches "$name" || continue
	work=$(mktemp -d /tmp/test-"$name".XXXXXX)
	start=$(date +%s)
	# -k: a test that ignores SIGTERM is killed anyway. timeout leads its
	# own process group, so whatever the test left running is killed
	# afterwards and cannot hold ports or files for the next test.
	(cd "$work" && TEST_TMP=$work exec timeout -k 5 "$limit" bash "$t") \
		>"$work.out" 2>&1 </dev/null &
	pid=$!
	wait $pid
	rc=$?
	kill -KILL -- -"$pid" 2>/dev/null
	reset_modules "$name"
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1))
	else
		[ $rc -eq 124 ] && echo "test timed out after ${limit}s" >>"$work.out"
		echo "FAIL $name (exit $rc, ${secs}s)"
		sed 's/^/    | /' "$work.out"
		failed=$((failed + 1))
	fi
	rm -rf "$work" "$work.out"
done

if [ $((passed + failed)) -eq 0 ]; then
	echo "no test matches '$patterns'"
	failed=1
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
