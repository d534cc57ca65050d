#!/bin/bash
# Lifecycle torture: cycles of load the modules, start kecho and khttpd,
# drive them with hundreds of clients (echo-bench and htstress), and cut
# them off mid-traffic: stop the servers and then unload, or unload with
# the servers running, in turn. Each rmmod must take under a second, and
# after each cycle everything must be back: the services' connection
# caches gone (destroying them is SLUB's check that no connection
# outlived its server), TCP sockets and their slab objects at the
# baseline, and unreclaimable slab memory not growing cycle after cycle.
# t-stop-load does the same for kecho alone with 1,000 connections, and
# t-modules plain load and unload.
#
# Knobs (lib.sh vm_knob): ktcpvm.cycles=N (default: as many as fit in
# ktcpvm.lifecycle_secs, 60, but at least 4; on a debug kernel 2, one of
# each kind; `make torture` runs 200), ktcpvm.lifecycle_clients=N
# (default 300: two thirds echo, one third HTTP keep-alive),
# ktcpvm.rmmod_ms=N (default 1000, 5000 on a debug kernel).
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq echo-bench htstress ss nice /tests/rmmod-time
ulimit -n 65536

# A cycle takes 3 to 10 s on the cloud kernels under TCG, depending on
# what else the host runs, and twice that on the debug kernel: a time
# budget, rather than a count, keeps make check's share steady.
cycles=$(vm_knob cycles 0)
if slow_kernel; then
	budget_s=$(vm_knob lifecycle_secs 0)
	min_cycles=2
	settle_s=30
else
	budget_s=$(vm_knob lifecycle_secs 60)
	min_cycles=4
	settle_s=10
fi
# Each rmmod within a second; the debug kernel (KASAN, lockdep) runs the
# same code several times slower and gets five. Connecting hundreds of
# clients takes it up to half a minute on an idle host: it gets four times
# the cloud kernels' 30 s for that.
rmmod_ms=1000
up_s=30
if slow_kernel; then
	rmmod_ms=5000
	up_s=120
fi
rmmod_ms=$(vm_knob rmmod_ms "$rmmod_ms")
clients=$(vm_knob lifecycle_clients 300)
echo_clients=$((clients * 2 / 3))
http_clients=$((clients - echo_clients))
www=/tmp/www-lifecycle
mkdir -p "$www"
head -c 16384 /dev/urandom >"$www/f"

report() {
	echo "$*"
	echo "t-lifecycle: $*" >/dev/kmsg 2>/dev/null || true
}

# TCP sockets the kernel has allocated (exact: a per-CPU counter summed),
# and its orphans.
tcp_orphans() { awk '$1 == "TCP:" { print $5 }' /proc/net/sockstat; }
tcp_tw() { awk '$1 == "TCP:" { print $7 }' /proc/net/sockstat; }
meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
# Empty slabs that caches keep for later are memory, not leaks: give them
# back before measuring (bash builtins, no process per cache).
shrink_slabs() {
	local f
	for f in /sys/kernel/slab/*/shrink; do
		[ ! -w "$f" ] || echo 1 >"$f" 2>/dev/null || true
	done
}
# Slab caches of TCP sockets, as "NAME OBJECTS ...".
TCP_CACHES="TCP TCPv6 request_sock_TCP request_sock_TCPv6 tw_sock_TCP tw_sock_TCPv6"
tcp_slabs() {
	local c
	for c in $TCP_CACHES; do
		printf '%s %s\n' "$c" "$(slab_objs "$c")"
	done
}

# The debug kernel's checkers keep books in slab caches of their own:
# kmemleak a record per allocation, debugobjects one per timer and work
# item ever initialised. Without DEBUG_OBJECTS_FREE a debugobjects record
# outlives the memory it describes until something at that address is
# initialised again, so it grows with how widely allocations spread over
# memory (KASAN's quarantine spreads them), not with leaks, which kmemleak
# reports itself. They are left out of the slab memory measured here.
CHECKER_CACHES=" debug_objects_cache kmemleak_object "
# slab_kb : every other slab cache as "NAME KB" (its slabs' pages).
slab_kb() {
	awk -v skip="$CHECKER_CACHES" \
		'NR > 2 && !index(skip, " " $1 " ") { print $1, $15 * $6 * 4 }' \
		/proc/slabinfo
}
# checkers_kb : the checkers' caches, in kB.
checkers_kb() {
	awk -v keep="$CHECKER_CACHES" 'NR > 2 && index(keep, " " $1 " ") {
		kb += $15 * $6 * 4 } END { print kb + 0 }' /proc/slabinfo
}
# unrecl_kb : unreclaimable slab memory (SUnreclaim), the checkers' left out.
unrecl_kb() {
	echo $(($(meminfo_kb SUnreclaim) - $(checkers_kb)))
}
# slab_growth BASE : the caches that grew most since BASE (slab_kb's), as
# "NAME +KB" on one line, to say what a growth of SUnreclaim is made of.
slab_growth() {
	slab_kb | awk 'NR == FNR { base[$1] = $2; next }
		$2 > base[$1] { print $2 - base[$1], $1 }' "$1" - |
		sort -rn | head -n 8 | awk '{ printf "%s +%d kB; ", $2, $1 }'
}

# settle [SOCKETS] : the kernel's TCP socket count down to SOCKETS and no
# TIME_WAIT left (ss -K drops it, or it would linger for 60s; sockets
# closing meanwhile make more), or settle_s passed.
settle() {
	local i
	for i in $(seq $((settle_s * 4))); do
		ss -K state time-wait >/dev/null 2>&1 ||
			fail "ss -K state time-wait"
		[ "$(tcp_alloc)" -le "${1:-0}" ] && [ "$(tcp_tw)" -eq 0 ] &&
			break
		sleep 0.25
	done
}

# Sockets an earlier test left closing (an orphan in FIN_WAIT2 may live
# for tcp_fin_timeout, 60 s) are the baseline, not this test's leak;
# they are listed, for whoever wonders why the baseline is not zero.
settle
base_alloc=$(tcp_alloc)
base_orphans=$(tcp_orphans)
tcp_slabs >"$TEST_TMP/base-slabs"
shrink_slabs
base_unrecl=$(unrecl_kb)
slab_kb >"$TEST_TMP/base-slab-kb"
base_slab=$(meminfo_kb Slab)
# Only a debug kernel has the checkers' caches to leave out.
left_out=''
[ "$(checkers_kb)" -eq 0 ] || left_out=" (checkers' caches left out)"
report "baseline: TCP sockets $base_alloc ($base_orphans orphaned)," \
	"Slab ${base_slab} kB," \
	"SUnreclaim ${base_unrecl} kB$left_out;" \
	"$clients clients"
# With -i: a socket left over says whether a timer will ever end it.
if [ "$base_alloc" -gt 0 ]; then
	ss -Htanoei | head -n 40 | while IFS= read -r line; do
		report "from before: $line"
	done
fi

# timed_rmmod MODULE : unload it, in under rmmod_ms. The kernel's time is
# what counts (/tests/rmmod-time times delete_module(2)); with the start of
# the program, as `rmmod` takes it, in parentheses.
timed_rmmod() {
	local t0 ms all
	t0=$(now_ms)
	ms=$(/tests/rmmod-time "$1") || fail "cycle $cycle: rmmod $1"
	all=$(($(now_ms) - t0))
	rmmod_times="$rmmod_times $1=${ms}ms($all)"
	[ "$ms" -le "${slowest[$1]:-0}" ] || slowest[$1]=$ms
	[ "$ms" -le "$rmmod_ms" ] ||
		fail "cycle $cycle: rmmod $1 took ${ms} ms (limit ${rmmod_ms}):" \
			"$rmmod_times"
}

# conn_diag PORT : what a connection that never showed up can be waiting
# for: accepted by ktcp or not (a listener's Recv-Q is its accept queue),
# each TCP state on PORT, the kernel's listen and SYN drop counters.
conn_diag() {
	echo "--- ktcp stats"
	ktcp stats --json
	echo "--- listeners (Recv-Q: connections not yet accepted)"
	ss -Hltn
	echo "--- TCP states on port $1"
	ss -Htan "( sport = :$1 or dport = :$1 )" | awk '{ print $1 }' |
		sort | uniq -c
	echo "--- TcpExt counters about listening and SYNs (non-zero)"
	awk '$1 == "TcpExt:" && !h { split($0, k); h = 1; next }
		$1 == "TcpExt:" { for (i = 2; i <= NF; i++)
			if ($i != 0 && k[i] ~ /Listen|Syn|ReqQ|Cookie|Abort|Drop/)
				print k[i], $i }' /proc/net/netstat
}

# wait_active ID N PORT : N connections active on server ID, by ktcp's
# own count.
wait_active() {
	local i n=0
	for i in $(seq "$up_s"); do
		n=$(ktcp stats --json | jq --argjson id "$1" \
			'.servers[] | select(.id == $id) | .stats.active')
		[ "${n:-0}" -ge "$2" ] && return 0
		sleep 1
	done
	conn_diag "$3" >&2
	fail "cycle $cycle: $n connections active on server $1, expected $2"
}

# traffic_up : every client of both servers still connected, and requests
# answered.
traffic_up() {
	local st i
	for i in $(seq "$up_s"); do
		st=$(ktcp stats --json)
		jq -e --argjson e "$echo_id" --argjson h "$http_id" \
			--argjson ne "$echo_clients" --argjson nh "$http_clients" '
			(.servers[] | select(.id == $e) | .stats.active == $ne and
				.stats.bytes_in > 0) and
			(.servers[] | select(.id == $h) | .stats.active == $nh and
				.stats.http_2xx > 0)' <<<"$st" >/dev/null && return 0
		sleep 1
	done
	fail "cycle $cycle: traffic not up: $st"
}

# end CLIENT : its server is gone; htstress would retry at once, for ever,
# and take the CPU that the rest of the cycle is timed with.
end() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

one_cycle() {
	local c
	need_module ktcp kecho khttpd
	echo_id=$(ktcp start echo --port 12345 --backlog 4096 --json | jq -r .id)
	http_id=$(ktcp start http --port 8081 --root "$www" --backlog 4096 \
		--json | jq -r .id)
	wait_port 12345
	wait_port 8081
	# The clients get the CPU that nothing else wants (nice), so that the
	# commands of the cycle still run promptly under TCG.
	nice -n 19 echo-bench -p 12345 -c "$echo_clients" -t 2 -s 1k \
		-d 3600 --timeout 600000 >/dev/null 2>&1 &
	bench=$!
	wait_active "$echo_id" "$echo_clients" 12345
	nice -n 19 htstress -k -c "$http_clients" -t 2 -n 1000000000 \
		--timeout 600000 http://127.0.0.1:8081/f >/dev/null 2>&1 &
	stress=$!
	wait_active "$http_id" "$http_clients" 8081
	traffic_up
	t_up=$(now_ms)
	rmmod_times=
	if [ $((cycle % 2)) -eq 1 ]; then
		how="stop, then rmmod"
		ktcp stop "$http_id"
		end "$stress"
		t_stop=$(now_ms)
		ktcp stop "$echo_id"
		end "$bench"
		rmmod_times=" (stops: http $((t_stop - t_up)) ms, echo $(($(now_ms) - t_stop)) ms)"
		assert_eq "$(ktcp list --json | jq length)" 0 "cycle $cycle: servers"
		timed_rmmod khttpd
		timed_rmmod kecho
	else
		how="rmmod with servers running"
		timed_rmmod khttpd
		end "$stress"
		timed_rmmod kecho
		end "$bench"
	fi
	timed_rmmod ktcp
	for c in ktcp_echo_conn ktcp_http_conn; do
		assert_eq "$(slab_objs $c)" none "cycle $cycle: cache $c after rmmod"
	done
	t_cut=$(now_ms)
}

# check_back : TCP sockets and their slabs at the baseline again.
check_back() {
	local alloc orphans
	alloc=$(tcp_alloc)
	orphans=$(tcp_orphans)
	[ "$alloc" -le "$base_alloc" ] ||
		fail "cycle $cycle: $alloc TCP sockets allocated, $base_alloc before"
	[ "$orphans" -le "$base_orphans" ] ||
		fail "cycle $cycle: $orphans orphaned TCP sockets, $base_orphans before"
	assert_eq "$(tcp_tw)" 0 "cycle $cycle: TIME_WAIT sockets"
	tcp_slabs >"$TEST_TMP/slabs"
	awk -v cyc="$cycle" 'NR == FNR { base[$1] = $2; next }
		$2 == "none" || base[$1] == "none" { next }
		$2 > base[$1] + 8 {
			printf "fail: cycle %d: slab %s has %d objects, %d before\n",
				cyc, $1, $2, base[$1]; bad = 1 }
		END { exit bad }' "$TEST_TMP/base-slabs" "$TEST_TMP/slabs" >&2 ||
		exit 1
}

# more : is another cycle due?
more() {
	if [ "$cycles" -gt 0 ]; then
		[ "$cycle" -lt "$cycles" ]
	else
		[ "$cycle" -lt "$min_cycles" ] ||
			[ $(($(now_ms) - start)) -lt $((budget_s * 1000)) ]
	fi
}

unrecl=()
declare -A slowest # module -> its slowest rmmod, ms
start=$(now_ms)
cycle=0
while more; do
	cycle=$((cycle + 1))
	t0=$(now_ms)
	one_cycle
	settle "$base_alloc"
	check_back
	shrink_slabs
	unrecl+=("$(unrecl_kb)")
	report "cycle $cycle ($how): rmmod$rmmod_times;" \
		"Slab $(meminfo_kb Slab) kB, SUnreclaim ${unrecl[-1]} kB;" \
		"$(($(now_ms) - t0)) ms (up $((t_up - t0)), cut $((t_cut - t_up))," \
		"settled $(($(now_ms) - t_cut)))"
done

# Unreclaimable slab memory: not above the baseline by more than a
# margin (caches the first cycle warms up), and not growing from one cycle
# to the next in each of the last ones (up to 8, the first left out).
margin=$((base_unrecl / 10 > 8192 ? base_unrecl / 10 : 8192))
growth=$(slab_growth "$TEST_TMP/base-slab-kb")
[ "${unrecl[-1]}" -le $((base_unrecl + margin)) ] ||
	fail "SUnreclaim ${unrecl[-1]} kB after $cycle cycles," \
		"${base_unrecl} kB before (margin ${margin} kB); grew most: $growth"
n=${#unrecl[@]}
from=$((n > 9 ? n - 8 : 1))
if [ $((n - from)) -ge 4 ]; then
	grew=1
	for i in $(seq $((from + 1)) $((n - 1))); do
		[ "${unrecl[i]}" -gt "${unrecl[i - 1]}" ] || grew=0
	done
	[ "$grew" -eq 0 ] || [ $((unrecl[-1] - unrecl[from])) -le 512 ] ||
		fail "SUnreclaim grew in each of the last $((n - from)) cycles:" \
			"${unrecl[*]:from} kB; grew most: $growth"
fi
report "$cycle cycles; slowest rmmod: khttpd ${slowest[khttpd]} ms," \
	"kecho ${slowest[kecho]} ms, ktcp ${slowest[ktcp]} ms;" \
	"SUnreclaim ${base_unrecl} kB before, ${unrecl[-1]} kB after;" \
	"slab caches that grew most: $growth"
odebug=/sys/kernel/debug/debug_objects/stats
[ ! -r "$odebug" ] ||
	report "checkers' caches, left out above: $(checkers_kb) kB;" \
		"debugobjects: $(tr -s ' \n' ' ' <"$odebug")"
rm -rf "$www"
