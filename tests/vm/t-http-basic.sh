#!/bin/bash
# khttpd: the built-in page, every status code on status line and headers,
# keep-alive, pipelining, request bodies, limits, listing and counters.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq curl
need_module ktcp

# --- without --root: the built-in page, autoloading khttpd -----------------
http_start
grep -q '^khttpd ' /proc/modules || fail "khttpd was not autoloaded"
r=$(curl -s -i "$URL/")
assert_eq "$(status_line "$r")" "HTTP/1.1 200 OK"
assert_eq "$(header "$r" Server)" khttpd
assert_eq "$(header "$r" Content-Type)" "text/html; charset=utf-8"
assert_contains "$(header "$r" Date)" " GMT"
assert_contains "$r" "<h1>khttpd</h1>"
len=$(curl -s "$URL/" | wc -c)
assert_eq "$(header "$r" Content-Length)" "$len" "built-in Content-Length"
expect_code /nothing-here 404
# HEAD: the same headers, no body.
r=$(curl -s -I "$URL/")
assert_eq "$(header "$r" Content-Length)" "$len" "HEAD Content-Length"
assert_eq "$(curl -s -I -o /dev/null -w '%{size_download}' "$URL/")" 0
assert_eq "$(ktcp list "$HTTP_ID" --json | jq -r '.opts.root')" null
ktcp stop "$HTTP_ID"

# --- with a root --------------------------------------------------------------
www=/tmp/www-basic
rm -rf "$www"
mkdir -p "$www/dir" "$www/empty" "$www/list"
echo "hello" >"$www/hello.txt"
echo "<p>dir index</p>" >"$www/dir/index.html"
echo A >"$www/a.txt"
echo B >"$www/b.txt"
echo C >"$www/c.txt"
echo '{}' >"$www/x.json"
touch "$www/list/<b>&\"q\".txt"
echo cv >"$www/list/r$(printf '\303\251')sum$(printf '\303\251') 2024.txt"
mkdir "$www/list/sub dir"
# A listing larger than the send buffer: it goes out in several pieces.
mkdir "$www/many"
for i in $(seq 1000); do
	: >"$www/many/file-with-a-name-long-enough-to-fill-the-listing-$i.txt"
done
http_start --root "$www" --idle-timeout 5s
j=$(ktcp list "$HTTP_ID" --json)
assert_eq "$(jq -r '.opts.root' <<<"$j")" "$www"
assert_eq "$(jq -r '.opts.listing' <<<"$j")" false
assert_eq "$(jq -r '.opts.sendfile' <<<"$j")" true
assert_eq "$(jq -r '.opts.max_request_line' <<<"$j")" 8192
assert_eq "$(jq -r '.opts.max_header' <<<"$j")" 16384
assert_eq "$(jq -r '.opts.keepalive_max' <<<"$j")" 0

# 200 with the full set of headers
r=$(curl -s -i "$URL/hello.txt")
assert_eq "$(status_line "$r")" "HTTP/1.1 200 OK"
assert_eq "$(header "$r" Content-Type)" "text/plain; charset=utf-8"
assert_eq "$(header "$r" Content-Length)" 6
assert_eq "$(header "$r" Server)" khttpd
assert_eq "$(header "$r" Accept-Ranges)" bytes
lm=$(header "$r" Last-Modified)
assert_eq "$lm" "$(TZ=GMT date -r "$www/hello.txt" '+%a, %d %b %Y %H:%M:%S GMT')" \
	Last-Modified
assert_eq "$(curl -s "$URL/hello.txt")" hello
assert_eq "$(curl -s -o /dev/null -w '%{content_type}' "$URL/x.json")" \
	application/json
# 301 for a directory without its slash, then its index.html
r=$(curl -s -i "$URL/dir?x=1")
assert_eq "$(status_line "$r")" "HTTP/1.1 301 Moved Permanently"
assert_eq "$(header "$r" Location)" "/dir/?x=1"
assert_eq "$(curl -s -L "$URL/dir")" "<p>dir index</p>"
# The Location is the decoded path, re-encoded, on this host: never
# "//dir/" (host "dir" to a browser), nor a host the client named.
r=$(raw 'GET //dir HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
assert_eq "$(header "$r" Location)" "/dir/" "Location of //dir"
r=$(raw 'GET http://evil.example//dir?q HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
assert_eq "$(header "$r" Location)" "/dir/?q" "Location of an absolute-form target"
mkdir "$www/r$(printf '\303\251')s:@"
r=$(raw 'GET /r%%C3%%A9s%%3a@ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
assert_eq "$(header "$r" Location)" "/r%C3%A9s%3A%40/" "an encoded Location"
# 403 for a directory without index.html (no listing), 404 otherwise
expect_code /empty/ 403
expect_code /missing.txt 404
expect_code /hello.txt/ 404
# 405 with Allow for known methods, 501 for unknown ones
r=$(curl -s -i -X POST -d 'x=1' "$URL/hello.txt")
assert_eq "$(status_line "$r")" "HTTP/1.1 405 Method Not Allowed"
assert_eq "$(header "$r" Allow)" "GET, HEAD"
expect_code /hello.txt 405 -X DELETE
r=$(raw 'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n')
assert_eq "$(status_line "$r")" "HTTP/1.1 501 Not Implemented"
assert_eq "$(header "$r" Connection)" close
# 400: no Host in HTTP/1.1, bare LF, garbage, smuggling
r=$(raw 'GET / HTTP/1.1\r\n\r\n')
assert_eq "$(status_line "$r")" "HTTP/1.1 400 Bad Request"
r=$(raw 'GET / HTTP/1.1\nHost: x\n\n')
assert_eq "$(status_line "$r")" "HTTP/1.1 400 Bad Request"
r=$(raw '\x01\x02garbage\r\n\r\n')
assert_eq "$(status_line "$r")" "HTTP/1.1 400 Bad Request"
# Empty lines before the request line: ten are skipped, an eleventh is 400.
r=$(raw "$(printf '\\r\\n%.0s' $(seq 10))GET /hello.txt HTTP/1.0\r\n\r\n")
assert_eq "$(status_line "$r")" "HTTP/1.1 200 OK" "ten empty lines first"
r=$(raw "$(printf '\\r\\n%.0s' $(seq 11))GET /hello.txt HTTP/1.0\r\n\r\n")
assert_eq "$(status_line "$r")" "HTTP/1.1 400 Bad Request" "eleven empty lines"
r=$(raw 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc')
assert_eq "$(status_line "$r")" "HTTP/1.1 400 Bad Request"
# A chunked body: 400 and close (not 501: RFC 9112 7, every HTTP/1.1
# recipient understands chunked).
r=$(raw 'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n')
assert_eq "$(status_line "$r")" "HTTP/1.1 400 Bad Request" "a chunked body"
assert_eq "$(header "$r" Connection)" close "a chunked body"
# ... and nothing after it is read as a request: a request pipelined
# behind the body gets no answer (the body is not decoded).
r=$(raw 'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n')
assert_eq "$(printf '%s' "$r" | grep -c '^HTTP/1.1 ')" 1 \
	"answers to a chunked body and a request behind it"
r=$(raw 'GET / HTTP/2.0\r\nHost: x\r\n\r\n')
assert_eq "$(status_line "$r")" "HTTP/1.1 505 HTTP Version Not Supported"
# 500: a lookup that fails for a reason that is not the client's. No file
# system here fails on demand: the test build's khttpd makes every lookup
# fail with EIO.
knob=/sys/module/khttpd/parameters/test_lookup_errno
[ -w "$knob" ] || fail "khttpd.ko has no fault injection: the VM suite needs the test build"
echo 5 >"$knob"
r=$(curl -s -i "$URL/hello.txt")
echo 0 >"$knob"
assert_eq "$(status_line "$r")" "HTTP/1.1 500 Internal Server Error"
assert_contains "$r" "500 Internal Server Error" "the 500's page"
expect_code /hello.txt 200
# 413: a body too large to read and drop
r=$(raw 'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\nabc')
assert_eq "$(status_line "$r")" "HTTP/1.1 413 Content Too Large"
# A body it does read and drop (up to 1 MiB), sent on a connection that
# closes after the answer, is dropped whole before the close: closing
# with some of it unread resets the connection, and the client's next
# read, or its write of the rest, fails instead of getting the answer.
# shellcheck disable=SC2016 # expanded by the inner bash
r=$(timeout 30 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
	printf "POST /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" >&3
	printf "Content-Length: 1000000\r\n\r\n" >&3
	head -c 1000000 /dev/zero >&3 || exit 2
	cat <&3 || exit 3' body "$HTTP_PORT" 2>&1) ||
	fail "a 1 MB body before a close: exit $?: $(printf '%s' "$r" | tail -n 3)"
assert_eq "$(status_line "$r")" "HTTP/1.1 405 Method Not Allowed" \
	"a 1 MB body before a close"
# 414: a 64 KiB request line; the connection still gets its answer
long=$(head -c 65536 /dev/zero | tr '\0' a)
r=$(raw "GET /$long HTTP/1.1\r\nHost: x\r\n\r\n")
assert_eq "$(status_line "$r")" "HTTP/1.1 414 URI Too Long"
assert_eq "$(header "$r" Connection)" close
# 431: a head larger than the limit
big=$(head -c 20000 /dev/zero | tr '\0' b)
r=$(raw "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n")
assert_eq "$(status_line "$r")" "HTTP/1.1 431 Request Header Fields Too Large"
# ... and the server is still healthy
expect_code /hello.txt 200
# Heads under the limit but larger than the receive buffer's first size
# (2 KiB) are served, whatever the steps it grows in; a request pipelined
# after one still gets its own answer.
for n in 3000 9000 16000; do
	big=$(head -c "$n" /dev/zero | tr '\0' b)
	r=$(raw "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	assert_eq "$(printf '%s' "$r" | tr -d '\r' | grep -x '[AB]' | tr -d '\n')" AB \
		"answers after a head of $n bytes"
done
# A Location longer than the send buffer's first size (2 KiB)
q=$(head -c 5000 /dev/zero | tr '\0' q)
r=$(curl -s -i "$URL/dir?$q")
assert_eq "$(status_line "$r")" "HTTP/1.1 301 Moved Permanently"
assert_eq "$(header "$r" Location)" "/dir/?$q" "a 5000-byte Location"

# A request body is read and dropped, never taken for the next request.
r=$(raw 'GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 23\r\n\r\nGET /b.txt HTTP/1.1\r\n\r\nGET /c.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
assert_eq "$(printf '%s' "$r" | grep -c '^HTTP/1.1 ')" 2 "responses"
assert_eq "$(printf '%s' "$r" | tr -d '\r' | grep -x '[ABC]' | tr -d '\n')" AC
# Pipelining: answers in order, on one connection
r=$(raw 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /c.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
assert_eq "$(printf '%s' "$r" | grep -c '^HTTP/1.1 ')" 5 "pipelined responses"
assert_eq "$(printf '%s' "$r" | tr -d '\r' | grep -x '[ABC]' | tr -d '\n')" ABC
assert_eq "$(printf '%s' "$r" | tr -d '\r' | grep '^HTTP/1.1' | cut -d' ' -f2 | tr '\n' ' ')" \
	"200 200 200 404 200 "
# HTTP/1.0: closed after the response unless keep-alive is asked for
r=$(raw 'GET /a.txt HTTP/1.0\r\n\r\n')
assert_eq "$(header "$r" Connection)" close
# Keep-alive: curl reuses one connection for several URLs
reused=$(hstat http_reused)
v=$(curl -sv -o /dev/null -o /dev/null -o /dev/null \
	"$URL/a.txt" "$URL/b.txt" "$URL/c.txt" 2>&1)
printf '%s\n' "$v" | grep -Eq 'Re-?using existing connection' ||
	fail "curl did not reuse the connection: $v"
assert_eq "$(printf '%s\n' "$v" | grep -c 'Connected to')" 1 "connections"
# ... and the server counts the two requests that came on it after the first
assert_eq "$(hstat http_reused)" $((reused + 2)) "http_reused"
# No stall on keep-alive: a response's last piece must leave at once, not
# wait for more (MSG_MORE left on) or for the client's delayed ACK of the
# piece before it, at least 40 ms (TCP_DELACK_MIN) per request once the
# connection's quick ACKs are spent. Noise only adds time, so the fastest
# of the later requests tells.
t=$(curl -s -o /dev/null -w '%{num_connects} %{time_total}\n' \
	"$URL/a.txt?[1-40]")
assert_eq "$(awk '{ n += $1 } END { print n }' <<<"$t")" 1 \
	"connections for 40 keep-alive requests"
fastest=$(tail -n 30 <<<"$t" | sort -n -k 2 | awk 'NR == 1 { print $2 * 1000 }')
echo "fastest of the last 30 keep-alive requests: $fastest ms"
awk -v ms="$fastest" 'BEGIN { exit !(ms < 40) }' ||
	fail "fastest keep-alive request took $fastest ms (a held piece: >= 40);" \
		"all, in s: $(awk '{ printf "%s ", $2 }' <<<"$t")"
# ... nor on pipelined ones: khttpd sets TCP_NODELAY. Of two answers sent
# in turn, Nagle would hold the second until the client ACKs the first,
# which it delays: 40 ms or more a pair once quick ACKs are spent, so
# more than half of 40 pairs. The client sets TCP_NODELAY itself.
p=$(/tests/tcp-hostile -p "$HTTP_PORT" -k 40 pipeline /hello.txt) ||
	fail "tcp-hostile pipeline failed"
echo "pipelined pairs: $p"
median=$(jq -r .median_ms <<<"$p")
awk -v ms="$median" 'BEGIN { exit !(ms < 40) }' ||
	fail "pipelined pairs took $median ms at the median (Nagle: >= 40)"

# One segment per small response, not a head and then a body: the head
# waits (MSG_MORE) for the body that follows it. Forty requests in turn
# on one connection must leave the server's socket as forty data
# segments, retransmissions aside (eighty without MSG_MORE).
exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
for i in $(seq 40); do
	printf 'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n' >&3
	while IFS= read -r -t 10 -u 3 line && [ "$line" != $'\r' ]; do :; done
	IFS= read -r -t 10 -N 6 -u 3 body || fail "response $i: no body"
	assert_eq "$body" $'hello\n' "body of keep-alive response $i"
done
info=$(ss -Htin state established "sport = :$HTTP_PORT")
exec 3>&-
segs=$(grep -o 'data_segs_out:[0-9]*' <<<"$info" | cut -d: -f2)
retrans=$(grep -o 'retrans:[0-9]*/[0-9]*' <<<"$info" | cut -d/ -f2)
[ -n "$segs" ] || fail "no data_segs_out for the server's socket: $info"
assert_eq "$((segs - ${retrans:-0}))" 40 "data segments for 40 small responses"

# Counters: requests and responses by class
# (each request above, and each answer: 501, 505 and 500 are the 5xx,
# the six redirects the 3xx).
assert_eq "$(hstat http_requests)" 198 http_requests
assert_eq "$(hstat http_2xx)" 183 http_2xx
assert_eq "$(hstat http_3xx)" 6 http_3xx
assert_eq "$(hstat http_4xx)" 17 http_4xx
assert_eq "$(hstat http_5xx)" 3 http_5xx
ktcp stop "$HTTP_ID"

# --keepalive-max: the second answer closes the connection
http_start --root "$www" --keepalive-max 2
r=$(raw 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /c.txt HTTP/1.1\r\nHost: x\r\n\r\n')
assert_eq "$(printf '%s' "$r" | grep -c '^HTTP/1.1 ')" 2 "keepalive-max"
assert_eq "$(printf '%s' "$r" | tr -d '\r' | grep -c '^Connection: close')" 1
ktcp stop "$HTTP_ID"

# --listing: an index of a directory without index.html, names escaped
http_start --root "$www" --listing
r=$(curl -s -i "$URL/list/")
assert_eq "$(status_line "$r")" "HTTP/1.1 200 OK"
assert_contains "$r" '<a href="%3Cb%3E%26%22q%22.txt">&lt;b&gt;&amp;&quot;q&quot;.txt</a>'
assert_contains "$r" '<a href="sub%20dir/">sub dir/</a>'
# Every byte of a UTF-8 name is escaped (the kernel's ctype calls 0xC0 to
# 0xFF letters), and the link leads to the file.
assert_contains "$r" '<a href="r%C3%A9sum%C3%A9%202024.txt">'
assert_eq "$(curl -s "$URL/list/r%C3%A9sum%C3%A9%202024.txt")" cv \
	"the UTF-8 name's link"
case $r in *'<b>'*) fail "unescaped name in listing" ;; esac
expect_code "/list/sub%20dir/" 200
curl -s -D "$TEST_TMP/many.head" -o "$TEST_TMP/many.html" "$URL/many/"
len=$(wc -c <"$TEST_TMP/many.html")
[ "$len" -gt 65536 ] || fail "listing of /many/ is only $len bytes"
assert_eq "$(header "$(cat "$TEST_TMP/many.head")" Content-Length)" "$len" \
	"listing Content-Length"
assert_eq "$(grep -o 'href="file-with-[^"]*"' "$TEST_TMP/many.html" |
	sort -u | wc -l)" 1000 "files in the listing of /many/"
expect_code /dir/ 200
assert_eq "$(ktcp list "$HTTP_ID" --json | jq -r '.opts.listing')" true
ktcp stop "$HTTP_ID"

# Bad options are refused with a reason.
expect_fail_with "absolute" ktcp start http --port "$HTTP_PORT" --root www
expect_fail_with "not a directory|look up" \
	ktcp start http --port "$HTTP_PORT" --root "$www/hello.txt"
expect_fail_with "'100' is out of range \(256-65536\)" \
	ktcp start http --port "$HTTP_PORT" --max-header 100
expect_fail_with "request line" ktcp start http --port "$HTTP_PORT" \
	--max-request-line 4096 --max-header 1024
expect_fail_with "not supported" ktcp start echo --port "$HTTP_PORT" --listing
expect_fail_with "not supported" ktcp start echo --port "$HTTP_PORT" \
	--no-sendfile
rm -rf "$www"
