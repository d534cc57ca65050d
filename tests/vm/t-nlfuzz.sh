#!/bin/bash
# The netlink fuzzer (tests/nlfuzz): four processes send random and mutated
# requests to the family, one of them running valid start/traffic/drop/stop
# cycles meanwhile, for a bounded time; every request must be answered, and
# well formed. Afterwards the kernel must still work: an echo server starts
# and echoes, nothing is left over, the modules unload (which destroys the
# connection caches: a leaked connection is a SLUB error). The runner fails
# the run on any splat in the kernel log.
#
# Knobs (lib.sh vm_knob): ktcpvm.fuzz_time=SECONDS (default 20),
# ktcpvm.fuzz_seed=N to replay a run; the seed is in the kernel log.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need nlfuzz ktcp jq echo-bench od diff
need_module ktcp kecho khttpd

# The checked-in corpus is the generator's (make nlfuzz-corpus rewrites it).
nlfuzz --gen-corpus "$TEST_TMP/corpus" >/dev/null || fail "nlfuzz --gen-corpus"
diff -r /tests/nlfuzz-corpus "$TEST_TMP/corpus" >&2 ||
	fail "tests/nlfuzz/corpus is not what nlfuzz --gen-corpus writes"

secs=$(vm_knob fuzz_time 20)
seed=$(vm_knob fuzz_seed "$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')")
# The debug kernel is ten times slower; a lost answer is still lost.
reply_ms=5000
min_requests=2000
if slow_kernel; then
	reply_ms=60000
	min_requests=200
fi
echo "t-nlfuzz: nlfuzz seed $seed, ${secs}s" >/dev/kmsg
rc=0
nlfuzz -t "$secs" -s "$seed" -j 4 -c 1 -d /tests/nlfuzz-corpus \
	-T "$reply_ms" -p 47000-47099 >"$TEST_TMP/out" 2>&1 || rc=$?
cat "$TEST_TMP/out"
# The summary goes to the kernel log too: the runner shows a passing
# test's output nowhere else.
grep -v FAIL "$TEST_TMP/out" | sed 's/^/t-/' >/dev/kmsg 2>/dev/null || true
[ "$rc" -eq 0 ] || fail "nlfuzz failed (exit $rc, seed $seed)"
out=$(cat "$TEST_TMP/out")
assert_contains "$out" "nlfuzz: PASS (seed $seed)"

# It really fuzzed: enough requests, answered with success and with each
# kind of rejection the policies make, and valid cycles that went through.
requests=$(sed -n 's/^nlfuzz: \([0-9]*\) requests in.*/\1/p' <<<"$out")
[ "${requests:-0}" -ge "$min_requests" ] ||
	fail "only ${requests:-0} requests in ${secs}s"
answers=$(grep '^nlfuzz: answers:' <<<"$out")
for e in ok EINVAL ERANGE ENOENT EOPNOTSUPP; do
	grep -Eq " $e [0-9]+" <<<"$answers" || fail "no $e answer: $answers"
done
cycles=$(sed -n 's/.* \([0-9]*\) valid cycles (\([0-9]*\) echoed).*/\1 \2/p' \
	<<<"$out")
read -r ncycles echoed <<<"$cycles"
[ "${ncycles:-0}" -ge 1 ] || fail "no valid cycle completed: $cycles"
[ "${echoed:-0}" -ge 1 ] || fail "no cycle connection echoed: $cycles"

# The kernel is healthy: nothing left, a new server works and goes.
assert_eq "$(ktcp list --json | jq length)" 0 "servers left after nlfuzz"
id=$(ktcp start echo --port 12345 --json | jq -r .id)
wait_port 12345
echo-bench -p 12345 -c 4 -n 200 --sizes 1-4k --verify >/dev/null ||
	fail "echo after fuzzing"
ktcp stop "$id"
assert_eq "$(ktcp list --json | jq length)" 0 "servers at the end"
modprobe -r khttpd kecho ktcp || fail "modules do not unload after fuzzing"
