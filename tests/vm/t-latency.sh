#!/bin/bash
# Service time histograms (KTCP_A_LATENCY): kecho takes one sample per
# message and khttpd one per response, so known traffic gives known
# counts; the buckets add up to the count, the quantiles are ordered and
# plausible; `ktcp stats` shows them, --reset zeroes them, and the ktcp
# parameter "latency" switches recording off and on again.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq echo-bench htstress curl
need_module ktcp kecho

PARAM=/sys/module/ktcp/parameters/latency
[ -w "$PARAM" ] || fail "no writable $PARAM"
assert_eq "$(cat "$PARAM")" 1 "recording is on by default"
LIMIT_NS=10000000000 # 10 s: anything above is no service time of ours

# lat ID: the server's latency object.
lat() { ktcp stats "$1" --json | jq -c .latency; }

# check_hist ID COUNT WHAT: COUNT samples, buckets that add up to it,
# quantiles in order and below LIMIT_NS, a mean within the buckets.
check_hist() {
	local l
	l=$(lat "$1")
	assert_eq "$(jq -r .count <<<"$l")" "$2" "$3: samples"
	assert_eq "$(jq -r '[.buckets[].count] | add' <<<"$l")" "$2" \
		"$3: the buckets' sum"
	jq -e --argjson lim "$LIMIT_NS" '
		.p50_ns > 0 and .p50_ns <= .p90_ns and .p90_ns <= .p99_ns and
		.p99_ns <= .p999_ns and .p999_ns < $lim and
		.sum_ns / .count >= .buckets[0].from_ns and
		.sum_ns / .count <= (.buckets[-1].to_ns // $lim)' <<<"$l" \
		>/dev/null || fail "$3: implausible histogram: $l"
}

# --- echo: one sample per message ------------------------------------------
id=$(ktcp start echo --port 12345 --json | jq -r .id)
wait_port 12345
assert_eq "$(lat "$id" | jq -c '[.count, .buckets]')" '[0,[]]' "echo: none yet"
# 4 connections, one 100-byte message (one segment) at a time each.
out=$(echo-bench -p 12345 -c 4 -s 100 -n 400 --verify --json) ||
	fail "echo-bench: $out"
assert_eq "$(jq -r .messages <<<"$out")" 400 "messages echoed"
check_hist "$id" 400 echo
# The text form: a line of quantiles.
text=$(ktcp stats)
[[ $text =~ latency:\ count\ 400\ p50\ [0-9.]+(ns|us|ms|s)\ p90\ .*\ p99\ .*\ p99\.9\  ]] ||
	fail "no latency line in ktcp stats: $text"

# Off: nothing is recorded, what was stays; on again: counted again.
echo 0 >"$PARAM"
assert_eq "$(cat "$PARAM")" 0 "switched off"
echo-bench -p 12345 -c 2 -s 100 -n 100 --json >/dev/null || fail "echo (off)"
assert_eq "$(lat "$id" | jq -r .count)" 400 "echo: none taken while off"
echo 1 >"$PARAM"
echo-bench -p 12345 -c 2 -s 100 -n 100 --json >/dev/null || fail "echo (on)"
check_hist "$id" 500 "echo, on again"

ktcp stats --reset "$id"
assert_eq "$(lat "$id" | jq -c '[.count, .sum_ns, .buckets]')" '[0,0,[]]' \
	"echo: reset"
ktcp stop "$id"

# --- http: one sample per response ------------------------------------------
http_start --backlog 128
# 300 keep-alive requests over 3 connections, and 2 of curl's: a 404 too.
out=$(htstress -n 300 -c 3 -k --json "$URL/") || fail "htstress: $out"
expect_code / 200
expect_code /nothing 404
reqs=$(ktcp stats "$HTTP_ID" --json | jq -r .stats.http_requests)
assert_eq "$reqs" 302 "http requests"
check_hist "$HTTP_ID" 302 http
# Pipelined: three requests in one segment, three samples.
raw $'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >/dev/null
check_hist "$HTTP_ID" 305 "http, pipelined"
ktcp stop "$HTTP_ID"

# STATS_GET totals carry none: they mix services.
[ "$(ktcp stats --json | jq -c '.total | has("latency")')" = false ] ||
	fail "the totals have a histogram"
