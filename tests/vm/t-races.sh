#!/bin/bash
# Races in the framework, widened by the test build's fault injection
# (kernel/test_hooks.h) so that each is hit on every run. Without its fix,
# each one frees memory that is used afterwards: KASAN reports it on the
# debug kernel, and the counters or the CLI's message below go wrong on
# every kernel.
#   accept:  a client resets its connection while the accept path still
#            holds it (connect, a byte, SO_LINGER {1,0});
#   start:   the second listener of `--listeners 2` fails after the first
#            has accepted a flood of connections;
#   message: a failed START's reason comes from khttpd, which is unloaded
#            before the ACK that carries the message is built.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq
need_module ktcp kecho

params=/sys/module/ktcp/parameters
[ -w "$params/test_accept_delay_ms" ] ||
	fail "ktcp.ko has no fault injection: the VM suite needs the test build (make modules KTCP_TEST_HOOKS=y)"

# hook NAME MS : set a fault injection knob of ktcp.ko.
hook() { echo "$2" >"$params/$1"; }

stat() { ktcp stats "$1" --json | jq -r ".stats.$2"; }

# The debug kernel is about ten times slower: so are its windows.
scale=1
slow_kernel && scale=10

# --- accept ------------------------------------------------------------
# Each accept sleeps in the window; every client resets inside it.
id=$(ktcp start echo --port 12350 --json | jq -r .id)
wait_port 12350
hook test_accept_delay_ms $((20 * scale))
out=$(/tests/rst-race -p 12350 -P 2 -n 25 -w $((5 * scale)))
hook test_accept_delay_ms 0
echo "accept: $out"
assert_eq "$(jq -r .refused <<<"$out")" 0 "accept: connects refused"
no_active "$id" 30
assert_eq "$(stat "$id" accepted)" 50 "accept: accepted"
assert_eq "$(stat "$id" closed)" 50 "accept: closed"
# The server still serves.
exec {fd}<>/dev/tcp/127.0.0.1/12350 || fail "accept: connect after the race"
echo hello >&"$fd"
read -r -t 10 -u "$fd" line || fail "accept: no echo after the race"
assert_eq "$line" hello "accept: echo after the race"
exec {fd}>&-
ktcp stop "$id"

# --- start -------------------------------------------------------------
# Listener 0 accepts the flood while listener 1 waits to fail.
hook test_listener_delay_ms $((1500 * scale))
hook test_fail_listener 1
err=$TEST_TMP/start.err
ktcp start echo --port 12351 --listeners 2 2>"$err" >/dev/null &
start=$!
wait_port 12351 $((5 * scale))
# The flood counts once the server has closed all of them (-e 0), which
# the failed start must do, or after 20 s (200 s): a fixed wait could end
# before a slow start had failed.
/tests/tcp-hostile -p 12351 -e 0 -s $((20000 * scale)) flood 20 \
	>"$TEST_TMP/flood" &
flood=$!
rc=0
wait "$start" || rc=$?
hook test_listener_delay_ms 0
hook test_fail_listener 0
[ "$rc" -ne 0 ] || fail "start: a start whose listener failed succeeded"
assert_contains "$(cat "$err")" "injected failure (test build)" "start: error"
wait "$flood" || fail "start: tcp-hostile flood failed"
out=$(cat "$TEST_TMP/flood")
echo "start: $out"
assert_eq "$(jq -r .opened <<<"$out")" 20 "start: flood connections opened"
# Every accepted connection was closed by the failed start, none kept.
assert_eq "$(jq -r .held <<<"$out")" 0 "start: connections left open"
assert_eq "$(ktcp list --json | jq length)" 0 "start: servers left"
assert_eq "$(slab_objs ktcp_echo_conn)" 0 "start: echo connections in the slab"

# --- message -------------------------------------------------------------
need_module khttpd
hook test_start_fail_delay_ms $((2000 * scale))
ktcp start http --port 12352 --root /etc/passwd 2>"$err" >/dev/null &
start=$!
# The request fails in khttpd's server_init, then waits before its ACK.
sleep $((1 * scale))
rmmod khttpd || fail "message: rmmod khttpd failed"
rc=0
wait "$start" || rc=$?
hook test_start_fail_delay_ms 0
[ "$rc" -ne 0 ] || fail "message: a start with a file as root succeeded"
assert_contains "$(cat "$err")" "the document root is not a directory" \
	"message: the CLI's error"

# --- lost listeners ----------------------------------------------------
# A set to an address in use (another server holds 127.0.0.2:12353), on
# the same port, closes the old listeners to try again; when reopening
# them fails too (listener 1, injected), the server has none. A set back
# to its own address must then listen again, not report success while
# nothing listens.
need_module kecho
id=$(ktcp start echo --addr 127.0.0.1 --port 12353 --listeners 2 --json |
	jq -r .id)
other=$(ktcp start echo --addr 127.0.0.2 --port 12353 --json | jq -r .id)
wait_port 12353
hook test_fail_listener 1
rc=0
out=$(ktcp set "$id" --addr 127.0.0.2 2>&1) || rc=$?
hook test_fail_listener 0
[ "$rc" -ne 0 ] || fail "lost listeners: a set to an address in use succeeded"
assert_contains "$out" "in use" "lost listeners: the set's error"
if (exec 3<>/dev/tcp/127.0.0.1/12353) 2>/dev/null; then
	fail "lost listeners: the injected failure left a listener"
fi
ktcp set "$id" --addr 127.0.0.1 || fail "lost listeners: set back failed"
exec {fd}<>/dev/tcp/127.0.0.1/12353 ||
	fail "lost listeners: nothing listens after the set back"
echo again >&"$fd"
read -r -t 10 -u "$fd" line || fail "lost listeners: no echo after the set back"
assert_eq "$line" again "lost listeners: echo after the set back"
exec {fd}>&-
# Once more, without the injected failure: the server loses its
# listeners to the address in use, gets its own back on reopening, and
# must count them, or stopping it frees them still listening.
ktcp stop "$id"
id=$(ktcp start echo --addr 127.0.0.1 --port 12353 --listeners 2 --json |
	jq -r .id)
hook test_fail_listener 1
ktcp set "$id" --addr 127.0.0.2 2>/dev/null &&
	fail "lost listeners: a set to an address in use succeeded"
hook test_fail_listener 0
ktcp set "$id" --addr 127.0.0.2 2>/dev/null &&
	fail "lost listeners: the second set to an address in use succeeded"
exec {fd}<>/dev/tcp/127.0.0.1/12353 ||
	fail "lost listeners: the reopened listeners do not listen"
exec {fd}>&-
ktcp stop "$id"
if (exec 3<>/dev/tcp/127.0.0.1/12353) 2>/dev/null; then
	fail "lost listeners: a stopped server's listeners still listen"
fi
ktcp stop "$other"
