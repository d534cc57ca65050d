#!/bin/bash
# The control plane through the CLI: start, list, stats, stop, errors,
# events, drops, autoloading of a service module, and the libktcp
# example program built with pkg-config. What ktcp --json prints is
# written to the console at the end (jrec), for the host to check against
# docs/ktcp.schema.json (scripts/check-json.py, from scripts/vm/run.sh).
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq ktcp-example nlsend
[ -r /tests/slow-poll.so ] || fail "/tests/slow-poll.so is missing"

modprobe -r kecho ktcp 2>/dev/null || true
# With autoloading off, the CLI says what is missing and how to fix it.
helper=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
rc=0
err=$(ktcp list 2>&1) || rc=$?
assert_eq "$rc" 1 "ktcp list without the module"
# The library's reason (ktcp_open_errmsg()), then the fix.
assert_contains "$err" "the ktcp kernel module is not loaded (no"
assert_contains "$err" "; try 'modprobe ktcp'"
# Not loaded: the family's version is absent, not null.
v=$(jrec version ktcp version --json)
assert_eq "$(jq -r 'has("family_version")' <<<"$v")" false "version unloaded"
echo "$helper" >/proc/sys/kernel/modprobe

# The family's alias loads ktcp on first use; starting "echo" loads kecho
# by its service alias.
ktcp list >/dev/null || fail "ktcp list did not autoload the module"
grep -q '^ktcp ' /proc/modules || fail "ktcp not autoloaded"
grep -q '^kecho ' /proc/modules && fail "kecho loaded too early"

# A START drops ktcp_lock while it loads its service's module: two starts
# of one name then must not both get it (test_service_load_delay_ms
# holds each there a second).
knob=/sys/module/ktcp/parameters/test_service_load_delay_ms
[ -w "$knob" ] ||
	fail "ktcp.ko has no test_service_load_delay_ms: the VM suite needs the test build"
echo 1000 >"$knob"
nlsend server_start service:str=echo port:u16=12351 name:str=twin \
	>"$TEST_TMP/twin1" &
t1=$!
nlsend server_start service:str=echo port:u16=12352 name:str=twin \
	>"$TEST_TMP/twin2" &
t2=$!
rc1=0 rc2=0
wait "$t1" || rc1=$?
wait "$t2" || rc2=$?
echo 0 >"$knob"
assert_eq "$(ktcp list --json | jq '[.[] | select(.name == "twin")] | length')" \
	1 "servers named twin ($(cat "$TEST_TMP/twin1" "$TEST_TMP/twin2"))"
assert_eq "$((rc1 + rc2))" 1 "starts of twin that failed"
assert_contains "$(cat "$TEST_TMP/twin1" "$TEST_TMP/twin2")" \
	"a server of this netns has this name"
ktcp stop "$(ktcp list --json | jq -r '.[] | select(.name == "twin") | .id')"
modprobe -r kecho

start_waiting "$TEST_TMP/events" ktcp monitor --json --count 4
mon=$BG

id=$(jrec start ktcp start echo --port 12345 --json | jq -r .id)
grep -q '^kecho ' /proc/modules || fail "starting echo did not load kecho"
wait_port 12345
# -p is the port, as in every tool of the project.
id2=$(jrec start ktcp start echo -p 12346 --addr 127.0.0.1 --backlog 7 \
	--max-conns 9 --idle-timeout 3s --max-mem 2M --cpus 0 --wq percpu \
	--json | jq -r .id)
[ "$id" != "$id2" ] || fail "two servers got one id: $id"

list=$(jrec list ktcp list --json)
assert_eq "$(jq length <<<"$list")" 2 "servers listed"
s2=$(jq -c ".[] | select(.id == $id2)" <<<"$list")
assert_eq "$(jq -r .service <<<"$s2")" echo
assert_eq "$(jq -r .addr <<<"$s2")" 127.0.0.1
assert_eq "$(jq -r .port <<<"$s2")" 12346
assert_eq "$(jq -r .backlog <<<"$s2")" 7
assert_eq "$(jq -r .max_conns <<<"$s2")" 9
assert_eq "$(jq -r .idle_timeout_ms <<<"$s2")" 3000
assert_eq "$(jq -r .max_mem_kb <<<"$s2")" 2048
# An echo server has no memory bound unless given; mem is a gauge of 0.
assert_eq "$(jq -r '.[] | select(.id == '"$id"') | .max_mem_kb' <<<"$list")" 0
assert_eq "$(jq -r '.[] | select(.id == '"$id"') | .stats.mem' <<<"$list")" 0
assert_eq "$(jq -r .opts.wq <<<"$s2")" percpu
# The CPUs: the one given, a string; without --cpus every CPU.
assert_eq "$(jq -r '.cpus | type' <<<"$s2")" string "cpus is a string"
assert_eq "$(jq -r .cpus <<<"$s2")" 0 "start --cpus 0"
cpus=$(jq -r '.[] | select(.id == '"$id"') | .cpus' <<<"$list")
[ "$cpus" = "$(cat /sys/devices/system/cpu/online)" ] ||
	[ "$cpus" = "$(cat /sys/devices/system/cpu/possible)" ] ||
	fail "the default CPU set is '$cpus', not every CPU"
assert_eq "$(jq -r '.[] | select(.id == '"$id"') | .opts.wq' <<<"$list")" \
	unbound
# list ID: the object that list has in its array, not an array of one.
one=$(jrec server ktcp list "$id2" --json)
assert_eq "$(jq -c . <<<"$one")" "$(jq -c '.[] | select(.id == '"$id2"')' <<<"$list")" "list ID"
# The text form carries the same facts.
assert_contains "$(ktcp list)" "12346"

stats=$(jrec stats ktcp stats --json)
# stats ID: the object that stats has in its servers, service included.
one=$(jrec server_stats ktcp stats "$id2" --json)
assert_eq "$(jq -r .service <<<"$one")" echo "stats ID service"
assert_eq "$(jq -c 'del(.stats)' <<<"$one")" \
	"$(jq -c '.servers[] | select(.id == '"$id2"') | del(.stats)' <<<"$stats")" \
	"stats ID"
# Global options on either side of genl.
assert_eq "$(ktcp genl --json stats "$id2" | jq -r .id)" "$id2" "genl --json"
assert_eq "$(ktcp --json genl stats "$id2" | jq -r .id)" "$id2" "--json genl"
jrec version ktcp genl version --json >/dev/null
jq -e '.total.accepted == 0 and (.servers | length) == 2' <<<"$stats" \
	>/dev/null || fail "stats --json: $stats"
assert_eq "$(jrec services ktcp services --json | jq -r '.[]')" echo

# set: a new port rebinds; the old one is free again.
# One set, one "changed" event (the monitor below counts them).
ktcp set "$id2" --port 12347 --backlog 8 --max-mem 0 --cpus 0-1
wait_port 12347
assert_eq "$(ktcp list "$id2" --json | jq -r '.port')" 12347 "set port"
assert_eq "$(ktcp list "$id2" --json | jq -r '.backlog')" 8 "set backlog"
assert_eq "$(ktcp list "$id2" --json | jq -r '.max_mem_kb')" 0 "set max-mem"
assert_contains "$(ktcp list "$id2")" "max_mem_kb 0"
assert_eq "$(ktcp list "$id2" --json | jq -r '.cpus')" 0-1 "set --cpus"
assert_contains "$(ktcp list "$id2")" "cpus 0-1"
ss -Htln 'sport = :12346' | grep -q . && fail "12346 still listening"

# Errors: the reason, the bad input, a non-zero exit.
expect_fail_with "port already in use" ktcp start echo --port 12345
expect_fail_with "unknown service" ktcp start nosuch --port 1000
expect_fail_with "known services: echo" ktcp start nosuch --port 1000
# The kernel's own message, as <linux/ktcp.h> describes it: the known
# services from 6.2 (formatted extack messages), a pointer to SERVICE_GET
# before.
case $(uname -r) in
6.1.*) known='unknown service \(SERVICE_GET lists the known ones\) \(attribute .service.\)' ;;
*) known='unknown service "nosuch"; known: echo' ;;
esac
expect_fail_with "$known" ktcp start nosuch --port 1000
expect_fail_with "'70000'" ktcp start echo --port 70000
expect_fail_with "'abc'" ktcp stop abc
expect_fail_with "'12x' is not a size" ktcp set "$id2" --max-mem 12x
expect_fail_with "'2T' is out of range \\(0-1T\\)" ktcp set "$id2" --max-mem 2T
# A CPU list: junk is the CLI's to refuse, a CPU the machine lacks the
# kernel's, with its message on the attribute, and a refused set leaves
# the CPUs as they were. (A CPU that exists but is offline: below.)
expect_fail_with "'0-x' is not a CPU list" ktcp set "$id2" --cpus 0-x
expect_fail_with "the range 3-1 goes down" ktcp start echo --port 1000 \
	--cpus 3-1
expect_fail_with \
	"^ktcp: cannot change server $id2: Invalid argument: a CPU in the list does not exist \\(attribute 'cpus'\\)$" \
	ktcp set "$id2" --cpus 4095
expect_fail_with "Invalid argument: a CPU in the list does not exist \\(attribute 'cpus'\\)$" \
	ktcp start echo --port 1000 --cpus 0,4095
assert_eq "$(ktcp list "$id2" --json | jq -r '.cpus')" 0-1 \
	"cpus after a refused set"
expect_fail_with "'0' is out of range" ktcp start http --port 1000 \
	--head-timeout 0
expect_fail_with "no server with this id" ktcp stop 4242
expect_fail_with "no server with this id" ktcp set 4242 --port 1
expect_fail_with "no server with this id" ktcp stats 4242
# getopt's own complaints name the command too, whatever ktcp's path.
expect_fail_with "^ktcp: stats: unrecognized option '--jsn'" ktcp stats --jsn
expect_fail_with "^ktcp: start: option '--port' requires an argument" \
	"$(command -v ktcp)" start echo --port
expect_fail_with "^ktcp: unrecognized option '--nope'" ktcp --nope
rc=0
ktcp start echo --port 70000 2>/dev/null || rc=$?
assert_eq "$rc" 2 "usage errors exit 2"
rc=0
ktcp stats --jsn 2>/dev/null || rc=$?
assert_eq "$rc" 2 "unknown options exit 2"
rc=0
ktcp stop 4242 2>/dev/null || rc=$?
assert_eq "$rc" 1 "failures exit 1"

# Privilege (CAP_NET_ADMIN to change, none to read): t-perms.sh.

ktcp stop "$id"
ktcp stop "$id2"
assert_eq "$(ktcp list --json | jq length)" 0 "servers left"

# Events: started x2, changed, stopped... monitor exits after 4.
wait "$mon" || fail "monitor exited with $?"
ev=$(jq -r '"\(.event) \(.id) \(.port)"' "$TEST_TMP/events" | tr '\n' ,)
assert_eq "$ev" "started $id 12345,started $id2 12346,changed $id2 12347,stopped $id 12345," "events"
jrec_lines event <"$TEST_TMP/events"

# An http server's options, all of them.
hid=$(jrec start ktcp start http -p 12348 --root "$TEST_TMP" --listing \
	--user 0 --json | jq -r .id)
jrec server ktcp list "$hid" --json >/dev/null
ktcp stop "$hid"

# A root that is not UTF-8 (a path may hold any bytes; this one has 0xff
# and an ESC): JSON has it as the array of its bytes (check-json on the
# host decodes every record strictly), text escapes it; neither prints
# the bytes themselves.
odd=$TEST_TMP/r$'\xff\x1b'x
mkdir -p "$odd"
hid=$(ktcp start http -p 12348 --root "$odd" --json | jq -r .id)
out=$(jrec server ktcp list "$hid" --json)
assert_eq "$(jq -c '.opts.root | .[-4:]' <<<"$out")" "[114,255,27,120]" \
	"a root that is not UTF-8, in JSON"
txt=$(LC_ALL=C ktcp list "$hid")
assert_contains "$txt" 'r\xff\x1bx' "a root that is not UTF-8, in text"
case $txt$out in
*$'\xff'* | *$'\x1b'*) fail "a raw byte of the root was printed: $txt" ;;
esac
ktcp stop "$hid"

# A root as long as a root may be (4095 chars): its server's message is
# larger than a default netlink dump buffer, and a dump must neither
# leave it out nor end early; nor may a reply to it fail.
deep=$TEST_TMP
while [ "${#deep}" -lt 3800 ]; do
	deep=$deep/$(printf 'd%.0s' $(seq 200))
done
deep=$deep/$(printf 'e%.0s' $(seq $((4095 - ${#deep} - 1))))
mkdir -p "$deep"
assert_eq "${#deep}" 4095 "the long root's length"
hid=$(ktcp start http -p 12348 --root "$deep" --json | jq -r .id)
id4=$(ktcp start echo -p 12350 --json | jq -r .id)
assert_eq "$(ktcp list --json | jq -r '[.[].id] | join(",")')" "$hid,$id4" \
	"servers listed with a 4095-char root"
assert_eq "$(ktcp list "$hid" --json | jq -r '.opts.root | length')" 4095 \
	"the root, listed"
# A socket that has read nothing yet (Python's ynl dumps on such a one)
# gets a dump buffer as large as the longest server's message.
out=$(nlsend --fresh --dump server_get) ||
	fail "a dump on a fresh socket: $(printf '%s' "$out" | tail -n 2)"
assert_eq "$(printf '%s\n' "$out" | grep -c '^msg ')" 2 \
	"servers in a dump on a fresh socket"
# A client that reads 4 KiB at a time cannot take that server's message:
# it must hear so, not see a dump that ends early with 'ok'.
out=$(nlsend --fresh --small-reads --dump server_get) &&
	fail "a dump into 4 KiB reads left the long server out: $out"
echo "a dump into 4 KiB reads: $(printf '%s' "$out" | tail -n 1)"
# An answer to one request is sized for the longest root.
out=$(nlsend server_get "server_id:u32=$hid") ||
	fail "server_get of the long root's server: $out"
ktcp stop "$hid"
# Without it, a reader of 4 KiB reads still gets buffers it can read
# whole, with more servers than one such buffer holds.
ids=()
for port in $(seq 12360 12389); do
	ids+=("$(ktcp start echo -p "$port" --json | jq -r .id)")
done
out=$(nlsend --fresh --small-reads --dump server_get) ||
	fail "a dump of 31 servers into 4 KiB reads: $(printf '%s' "$out" | tail -n 1)"
assert_eq "$(printf '%s\n' "$out" | grep -c '^msg ')" 31 \
	"servers in a dump into 4 KiB reads"
for i in "${ids[@]}"; do
	ktcp stop "$i"
done
ktcp stop "$id4"

# Drops, and their event: endpoints are {addr, port}, as a server's; the
# event counts "dropped", as the reply does.
id3=$(ktcp start echo -p 12349 --json | jq -r .id)
wait_port 12349
start_waiting "$TEST_TMP/drop-events" ktcp monitor --json --count 1
mon=$BG
exec 3<>/dev/tcp/127.0.0.1/12349
res=$(jrec drop ktcp drop --json --dry-run --state established --dport 12349)
assert_eq "$(jq -r '.found' <<<"$res")" 1 "dry run found"
assert_eq "$(jq -r '.sockets[0].dst | "\(.addr) \(.port)"' <<<"$res")" \
	"127.0.0.1 12349" "dst endpoint"
sport=$(jq -r '.sockets[0].src.port' <<<"$res")
res=$(jrec drop ktcp drop --json "127.0.0.1:$sport" 127.0.0.1:12349 \
	'[::1]:40000' '[::1]:80')
assert_eq "$(jq -r '[.sockets[].result] | join(",")' <<<"$res")" \
	dropped,not-found "drop by tuple"
exec 3>&-
wait "$mon" || fail "drop monitor exited with $?"
assert_eq "$(jq -r '"\(.event) \(.dropped)"' "$TEST_TMP/drop-events")" \
	"dropped 1" "drop event"
jrec_lines event <"$TEST_TMP/drop-events"
ktcp stop "$id3"

# A SIGTERM that comes after monitor's last look at its flag and before
# it waits is not lost until the next event: slow-poll.so holds each
# poll()/ppoll() call 3s before making it, and the signal comes then.
rm -f "$TEST_TMP/in-poll"
KTCP_TEST_POLL_DELAY_MS=3000 KTCP_TEST_POLL_MARK=$TEST_TMP/in-poll \
	LD_PRELOAD=/tests/slow-poll.so ktcp monitor >/dev/null &
mon=$!
i=0
while [ ! -e "$TEST_TMP/in-poll" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "$TEST_TMP/in-poll" ] || fail "monitor never waited"
kill -TERM "$mon"
i=0
while kill -0 "$mon" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$mon" 2>/dev/null; then
	kill -KILL "$mon"
	fail "monitor lost a SIGTERM sent before it waited (still running 10s on)"
fi
rc=0
wait "$mon" || rc=$?
assert_eq "$rc" 0 "monitor's exit on SIGTERM"

# A CPU that exists but is offline is refused by name.
if [ -w /sys/devices/system/cpu/cpu1/online ]; then
	echo 0 >/sys/devices/system/cpu/cpu1/online
	rc=0
	err=$(ktcp start echo --port 1000 --cpus 0-1 2>&1) || rc=$?
	echo 1 >/sys/devices/system/cpu/cpu1/online
	assert_eq "$rc" 1 "start on an offline CPU"
	assert_contains "$err" "a CPU in the list is not online (attribute 'cpus')"
	assert_eq "$(ktcp list --json | jq length)" 0 "started on an offline CPU"
else
	echo "cli: no CPU hotplug: the offline CPU not tested"
fi

# libktcp from an outside program built with pkg-config.
out=$(ktcp-example) || fail "ktcp-example: $out"
assert_contains "$out" "started echo server"
assert_contains "$out" "stopped server"
assert_eq "$(ktcp list --json | jq length)" 0 "example left a server"

jrec_dump
