#!/bin/bash
# Stopping a server, or unloading kecho, while 1,000 connections are open
# and busy closes everything and frees everything, again and again. The
# proof of "frees everything" is the unload: kecho's connection cache is
# destroyed with it, and SLUB reports (a BUG line, which fails the run)
# any object still allocated from it.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq echo-bench
ulimit -n 65536

# Live connection objects of the echo service (its own slab cache).
conns() { slab_objs ktcp_echo_conn; }

# Threads in the system: the second half of /proc/loadavg's 4th field.
threads() { cut -d' ' -f4 /proc/loadavg | cut -d/ -f2; }

# Seconds for 1,000 connections to come up: a debug kernel takes far
# longer than the 10 s a release kernel is given.
UP=30
slow_kernel && UP=300

for round in 1 2 3 4; do
	need_module ktcp kecho
	id=$(ktcp start echo --port 12345 --backlog 4096 --json | jq -r .id)
	wait_port 12345
	t0=$(threads)
	# The bench runs until the stop or unload below closes its
	# connections (its 600 s only bound a hang): a shorter run that
	# ended first on a slow kernel would leave nothing to stop.
	echo-bench -p 12345 -c 1000 -t 2 -s 4k -d 600 --timeout 60000 \
		>/dev/null 2>&1 &
	bench=$!
	active=0
	end=$((SECONDS + UP))
	while [ $SECONDS -lt $end ]; do
		active=$(ktcp stats "$id" --json | jq -r .stats.active)
		[ "$active" -ge 1000 ] && break
		kill -0 "$bench" 2>/dev/null ||
			fail "round $round: echo-bench ended with $active up"
		sleep 0.1
	done
	assert_eq "$active" 1000 "round $round: connections up (after $UP s)"
	# No thread per connection: the workqueue pool may grow a little.
	t1=$(threads)
	[ $((t1 - t0)) -lt 64 ] ||
		fail "round $round: $((t1 - t0)) threads for 1000 connections"
	[ "$(conns)" -ge 1000 ] ||
		fail "round $round: $(conns) connection objects, expected 1000"
	if [ $((round % 2)) -eq 1 ]; then
		ktcp stop "$id"
		assert_eq "$(ktcp list --json | jq length)" 0 "servers after stop"
	else
		modprobe -r kecho || fail "round $round: rmmod kecho under load"
		assert_eq "$(conns)" none "round $round: cache left after rmmod"
		assert_eq "$(ktcp list --json | jq length)" 0 "servers after rmmod"
	fi
	wait "$bench" || true # the bench sees its connections closed
	modprobe -r kecho ktcp || fail "round $round: unload"
	assert_eq "$(conns)" none "round $round: cache left after unload"
done
