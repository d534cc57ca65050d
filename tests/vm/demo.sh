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

# khttpd: static files beneath a root, with the starter's credentials.
mkdir -p /tmp/www/docs
echo '<h1>hello from khttpd</h1>' >/tmp/www/index.html
head -c 1048576 /dev/urandom >/tmp/www/docs/blob.bin
step ktcp start http --port 8081 --root /tmp/www --listing --idle-timeout 10s
step curl -s http://127.0.0.1:8081/
step curl -sI http://127.0.0.1:8081/docs/blob.bin
step curl -s -o /dev/null -w '%{http_code} for /../etc/passwd\n' \
	--path-as-is http://127.0.0.1:8081/../etc/passwd
step htstress -n 2000 -c 20 -t 2 -k http://127.0.0.1:8081/index.html
step ktcp stats 3

# droptcp: the clients above left TIME_WAIT sockets behind.
step ktcp drop --state time-wait --dport 8081 --dry-run
step ktcp drop --state time-wait --dport 8081
step ss -tan state time-wait
step ktcp stop 3
step ktcp list
