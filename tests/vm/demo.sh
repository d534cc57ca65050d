#!/bin/bash
# make demo: what ktcp does, shown with real clients in the guest. Each
# step prints the command it runs, so the output reads as a tutorial.
set -eu

step() {
	printf '\n$ %s\n' "$*"
	"$@"
}

step modprobe ktcp
step ktcp version
step ktcp start echo --port 12345
step ktcp start echo --port 12346 --wq percpu --max-conns 100 --idle-timeout 30s
step ktcp list
step echo-bench -p 12345 -c 50 -t 2 --sizes 1-64k -d 3 --verify
step echo-bench -p 12346 -c 50 -t 2 -s 64 -d 3
step ktcp stats
step ktcp --json --pretty stats 1
# The userspace baseline on the same guest, for comparison.
user-echo-server -p 12400 -t 1 2>/dev/null &
sleep 0.5
step echo-bench -p 12400 -c 50 -t 2 -s 64 -d 3
kill %1
step ktcp stop 1
step ktcp stop 2
step ktcp list
