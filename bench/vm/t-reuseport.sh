#!/bin/bash
# A measurement, not a test (it asserts nothing and is not in make check):
# accept-heavy load (connect bursts) and many-connection echo against one
# listener and against a SO_REUSEPORT group of two, three times each.
# Results go to the kernel log ("reuseport bench:" lines), which the
# runner prints. Run from the top directory:
#   scripts/vm/run.sh --kdir RELEASE --tests tests/vm --tests bench/vm \
#       --test reuseport --test-timeout 450
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
ulimit -n 65536
need_module ktcp kecho
report() { echo "reuseport bench: $*" >/dev/kmsg; }
for run in 1 2 3; do
	for l in 1 2; do
		id=$(ktcp start echo --port 12345 --backlog 4096 \
			--listeners $l --json | jq -r .id)
		wait_port 12345
		b=$(echo-bench -p 12345 --burst 3000 -t 2 --json)
		c=$(echo-bench -p 12345 -c 200 -t 2 -s 64 -d 3 --json)
		report "run $run listeners $l" \
			"burst_elapsed_s $(jq -r .elapsed_s <<<"$b")" \
			"burst_errors $(jq -r .errors <<<"$b")" \
			"echo_msgs_per_s $(jq -r .msgs_per_s <<<"$c")" \
			"p99_us $(jq -r .lat_p99_us <<<"$c")"
		ktcp stop "$id"
		sleep 1
	done
done
