#!/bin/bash
# What idle connections cost: BENCH_SCALE connections opened at once, each
# after one exchange (an echo, or a keep-alive HTTP request) held open and
# idle, against kecho, khttpd, nginx, lighttpd and user-echo-server. Kernel
# memory (/proc/meminfo Slab, SUnreclaim, KernelStack, PageTables and the
# /proc/slabinfo caches that grew most), threads and the server's own RSS
# are read before and while they are held; the records give the change per
# connection. The reference "tcp" holds the same connections in the accept
# queue of a listener that never accepts (tcp-pairs listen): bare TCP
# sockets, client side included, so what a server adds beyond the TCP
# socket is its figure minus the reference's (bench/report.py).
# A measurement, not a test (make bench).
# shellcheck source=bench/vm/bench-lib.sh
. /tests/bench-lib.sh
need ktcp echo-bench htstress user-echo-server tcp-pairs ss nginx lighttpd
need_module ktcp kecho khttpd
bench_setup
make_www

SERVERS="tcp kecho user-t1 khttpd nginx lighttpd"
N=$BENCH_SCALE
# Seconds the clients would hold at most; they are stopped once measured.
HOLD=900
# Seconds for deferred work (RCU frees, accept work) to settle: more for
# more connections.
SETTLE=0.5
[ "$N" -lt 1000 ] || SETTLE=2
REF_PID=

# The process name whose RSS counts as the server's (none: kernel).
comm_of() {
	case $1 in
	user-t1) echo user-echo-serv ;;
	nginx | lighttpd) echo "$1" ;;
	esac
}

start_server() {
	case $1 in
	tcp)
		tcp-pairs listen 127.0.0.1 12345 "$HOLD" >"$TEST_TMP/ref.out" &
		REF_PID=$!
		wait_port 12345
		;;
	kecho) ktcp_start echo --port 12345 ;;
	user-t1) user_echo_start 1 ;;
	# As many as nginx, lighttpd and h2o are given (the default is 1024).
	khttpd) ktcp_start http --port 8081 --root "$WWW" --max-conns 30000 ;;
	nginx) nginx_start 8082 ;;
	lighttpd) lighttpd_start 8083 ;;
	esac
	wait_port "$(port_of "$1")"
}

stop_server() {
	case $1 in
	tcp) stop_pid "$REF_PID" ;;
	kecho | khttpd) ktcp_stop ;;
	user-t1) stop_pid "$UES_PID" ;;
	nginx) nginx_stop ;;
	lighttpd) lighttpd_stop ;;
	esac
}

# hold SERVER: start the client that holds N idle connections in the
# background; returns once they all are idle. Sets CLIENT_PID.
CLIENT_PID=
hold() {
	local port err=$TEST_TMP/client.err
	port=$(port_of "$1")
	# Emptied here, not only by the client's redirection: that runs in the
	# background, and wait_line would find the last client's line.
	: >"$err"
	case $1 in
	tcp)
		# No server speaks: connect only.
		"${ON_CLIENT[@]}" echo-bench -p "$port" --burst "$N" -s 0 --hold "$HOLD" \
			--timeout 60000 --json >"$TEST_TMP/client.json" 2>"$err" &
		;;
	kecho | user-t1)
		"${ON_CLIENT[@]}" echo-bench -p "$port" --burst "$N" -s 64 --hold "$HOLD" \
			--timeout 60000 --json >"$TEST_TMP/client.json" 2>"$err" &
		;;
	*)
		"${ON_CLIENT[@]}" htstress -k -c "$N" -n "$N" --hold "$HOLD" \
			--timeout 60000 --json "http://127.0.0.1:$port/small.html" \
			>"$TEST_TMP/client.json" 2>"$err" &
		;;
	esac
	CLIENT_PID=$!
	wait_line "$err" "holding [0-9]+ connections" 300
	grep -q "holding $N connections" "$err" ||
		fail "$1: the client holds fewer than $N: $(cat "$err")"
}

# release: stop holding; the client must have kept every connection.
release() {
	local rc=0
	kill -TERM "$CLIENT_PID"
	wait "$CLIENT_PID" || rc=$?
	[ $rc -eq 0 ] || fail "client exited $rc: $(cat "$TEST_TMP/client.err")"
	assert_eq "$(json_num "$(cat "$TEST_TMP/client.json")" held)" "$N" \
		"held to the end"
}

# snapshot FILE COMM: kernel memory, threads and the RSS (kB) of the
# processes whose name starts with COMM, then "slab NAME BYTES" for every
# cache, in FILE. One awk per source: a fork costs tens of ms under TCG.
snapshot() {
	awk '/^(Slab|SUnreclaim|KernelStack|PageTables):/ {
		sub(":", "", $1); print $1, $2 }' /proc/meminfo >"$1"
	awk '{ split($4, t, "/"); print "Threads", t[2] }' /proc/loadavg >>"$1"
	if [ -n "$2" ]; then
		awk -v c="$2" '/^Name:/ { n = $2 }
			/^VmRSS:/ && index(n, c) == 1 { s += $2 }
			END { print "RSS", s + 0 }' /proc/[0-9]*/status 2>/dev/null >>"$1"
	else
		echo "RSS 0" >>"$1"
	fi
	awk 'NR > 2 { print "slab", $1, $2 * $4 }' /proc/slabinfo >>"$1"
}

# record SERVER RUN BEFORE AFTER: the change per connection, in bytes (the
# top five slab caches by growth), and the thread count's change.
record() {
	awk -v s="$1" -v run="$2" -v n="$N" '
	FNR == 1 { f++ }
	# Entries of an accept queue: no accepted socket keeps one.
	$1 == "slab" && $2 ~ /^request_sock/ { rq += (f == 1 ? -$3 : $3) }
	$1 == "slab" { d[$2] += (f == 1 ? -$3 : $3); next }
	{ v[$1] += (f == 1 ? -$2 : $2) }
	END {
		printf "{\"bench\": \"scale\", \"server\": \"%s\", \"run\": %d,", s, run
		printf " \"conns\": %d, \"threads\": %d, \"rss_b\": %.0f,", n,
			v["Threads"], v["RSS"] * 1024 / n
		printf " \"slab_b\": %.0f, \"sunreclaim_b\": %.0f,",
			v["Slab"] * 1024 / n, v["SUnreclaim"] * 1024 / n
		printf " \"kstack_b\": %.0f, \"pagetables_b\": %.0f,",
			v["KernelStack"] * 1024 / n, v["PageTables"] * 1024 / n
		printf " \"reqsk_b\": %.0f, \"top\": {", rq / n
		for (k = 0; k < 5; k++) {
			best = ""
			for (c in d)
				if (best == "" || d[c] > d[best])
					best = c
			if (best == "" || d[best] <= 0)
				break
			printf "%s\"%s\": %.0f", k ? ", " : "", best, d[best] / n
			delete d[best]
		}
		print "}}"
	}' "$3" "$4"
}

# point SERVER RUN: hold N connections, measure, release, one record.
point() {
	local port established
	port=$(port_of "$1")
	start_server "$1"
	sleep 0.5
	snapshot "$TEST_TMP/before" "$(comm_of "$1")"
	hold "$1"
	sleep "$SETTLE"
	snapshot "$TEST_TMP/after" "$(comm_of "$1")"
	established=$(ss -Htn state established "( sport = :$port )" | wc -l)
	assert_eq "$established" "$N" "$1: connections established at the server"
	release
	emit "$(record "$1" "$2" "$TEST_TMP/before" "$TEST_TMP/after")"
	stop_server "$1"
	# The clients closed first: their TIME_WAIT sockets would expire
	# during the next measurement and hide part of its growth.
	ktcp drop --state time-wait >/dev/null
	sleep 0.5
}

total=$((BENCH_RUNS * $(wc -w <<<"$SERVERS")))
emit "{\"bench\": \"plan\", \"name\": \"scale\", \"points\": $total}"
i=0
for run in $(seq "$BENCH_RUNS"); do
	for s in $SERVERS; do
		i=$((i + 1))
		progress "scale $i/$total: run $run, $s, $N idle connections"
		point "$s" "$run"
	done
done
