#!/bin/bash
# khttpd: stopping the server and unloading the module while clients are
# in the middle of downloads is clean (the VM runner fails on any splat
# or leak), and the downloads end early instead of hanging.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq curl
need_module ktcp khttpd

www=/tmp/www-stop
rm -rf "$www"
mkdir -p "$www"
truncate -s $((64 << 20)) "$www/big.bin"

# slow_downloads N : N clients ask for the big file and read only its
# first bytes, so the server is stuck mid-response; their fds in $fds.
slow_downloads() {
	local i fd
	fds=()
	for i in $(seq "$1"); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
		printf 'GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n' >&"$fd"
		head -c 1000 <&"$fd" >/dev/null
		fds+=("$fd")
	done
	[ "$(hstat active)" -eq "$1" ] || fail "active $(hstat active), expected $1"
}

# downloads_cut : every download ends, short of the whole file.
downloads_cut() {
	local fd size start
	for fd in "${fds[@]}"; do
		start=$(date +%s)
		size=$(timeout 10 cat <&"$fd" 2>/dev/null | wc -c)
		[ $(($(date +%s) - start)) -lt 10 ] ||
			fail "download on fd $fd did not end"
		[ "$size" -lt $((64 << 20)) ] || fail "download complete: $size bytes"
		exec {fd}>&-
	done
}

http_start --root "$www"
slow_downloads 3
ktcp stop "$HTTP_ID"
downloads_cut
assert_eq "$(ktcp list --json | jq length)" 0

http_start --root "$www"
slow_downloads 3
modprobe -r khttpd
downloads_cut
grep -q '^khttpd ' /proc/modules && fail "khttpd still loaded"
assert_eq "$(ktcp list --json | jq length)" 0
# Loaded again, it serves again.
http_start --root "$www"
curl -sf "$URL/big.bin" | cmp - "$www/big.bin" || fail "big.bin differs"
ktcp stop "$HTTP_ID"
rm -rf "$www"
