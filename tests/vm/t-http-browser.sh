#!/bin/bash
# A real browser on a khttpd directory listing: headless Chromium on the host
# (tests/vm/host/http-browser, run by scripts/vm/run.sh while this test
# waits) opens the listing of files named with UTF-8, spaces, '#', '?', '%',
# '&', quotes and '<' (tests/vm/browser-names.txt), follows every link,
# subdirectories included, and must get each file byte for byte. A
# screenshot of the listing stays on the host, in
# build/vm/RELEASE-host-http-browser/, its log beside it.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq ip stty
need_module ktcp

# Every file holds its path, a newline and the 256 byte values, which the
# host checks against the same list of names.
www=/tmp/www-browser
rm -rf "$www"
mkdir -p "$www"
for i in $(seq 0 255); do
	# shellcheck disable=SC2059 # the format is the byte
	printf "\\$(printf %03o "$i")"
done >"$TEST_TMP/bytes"
assert_eq "$(wc -c <"$TEST_TMP/bytes")" 256 "the 256 bytes"
n=0
while IFS= read -r name; do
	mkdir -p "$(dirname "$www/$name")"
	{ printf '%s\n' "$name"; cat "$TEST_TMP/bytes"; } >"$www/$name"
	n=$((n + 1))
done </tests/browser-names.txt
[ "$n" -gt 0 ] || fail "no names in /tests/browser-names.txt"

guest_net_up
trap guest_net_down EXIT
http_start --root "$www" --listing
host_check http-browser ||
	fail "the browser did not get every file (see build/vm/*-host-http-browser.log)"
