#!/bin/bash
# khttpd against the requirements of RFC 9110 and RFC 9112 that apply to an
# origin server of static files, each case citing its section, with Debian's
# nginx and lighttpd answering the same bytes in the same run as references.
#
# Every case is one of
#   MUST    a requirement (MUST, MUST NOT, or what the grammar leaves no
#           choice about): a khttpd failure fails the test;
#   SHOULD  a recommendation: shown, counted, never fails the test;
#   CHOICE  the RFC allows several answers, each one conformant: the cell
#           says which one the server makes (khttpd's is documented in the
#           case's comment); it fails only on an answer outside the choice.
# The references never fail the test: a reference's FAIL is worth a look
# at the case, not at the server.
#
# The table goes to the console (the run's log, build/vm/RELEASE-test.log),
# each line starting "conformance: ", passing or not; the reasons for each
# failed cell go to the test's own output (shown when it fails).
#
# Requests are raw bytes (printf formats) on a fresh connection each, read
# until the server closes or a few seconds pass, which tells whether the
# server closed the connection.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq nginx lighttpd timeout
need_module ktcp
set +e
# Lengths and ${s:i:n} count bytes.
export LC_ALL=C

WWW=/tmp/conf-www
SERVERS="khttpd nginx lighttpd"
declare -A PORT=([khttpd]=8081 [nginx]=8082 [lighttpd]=8083)

# --- the files, the same for every server ------------------------------------
rm -rf "$WWW"
mkdir -p "$WWW"
printf 0123456789 >"$WWW/r.txt"
printf A >"$WWW/a.txt"
printf B >"$WWW/b.txt"
# An old modification time: Last-Modified is then a strong validator
# (RFC 9110 8.8.2.2), so If-Range may match it.
touch -d '2020-01-02 03:04:05' "$WWW"/*.txt
chmod -R a+rX "$WWW"
LM='Thu, 02 Jan 2020 03:04:05 GMT'
LM_850='Thursday, 02-Jan-20 03:04:05 GMT'
LM_ASC='Thu Jan  2 03:04:05 2020'
LM_LATER='Fri, 03 Jan 2020 03:04:05 GMT'
LM_EARLIER='Wed, 01 Jan 2020 03:04:05 GMT'

# --- the servers ---------------------------------------------------------------
CONF=/tmp/conf-servers
mkdir -p "$CONF"
chown nobody:nogroup "$CONF"

# khttpd as `ktcp start http --root` runs it.
http_start --root "$WWW" --idle-timeout 10s

# nginx with what its Debian package configures for a static site: sendfile,
# its MIME types for .txt, no access log. lingering_close always: nginx
# otherwise closes at once after an error with the rest of a request
# unread, the kernel then resets the connection, and the reset can discard
# the response before it left: a lost answer, not nginx's choice of one.
cat >"$CONF/nginx.conf" <<EOF
user nobody nogroup;
worker_processes 1;
pid $CONF/nginx.pid;
error_log $CONF/nginx-error.log;
events { worker_connections 256; }
http {
	types { text/plain txt; text/html html; }
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	lingering_close always;
	client_body_temp_path $CONF/body;
	proxy_temp_path $CONF/proxy;
	fastcgi_temp_path $CONF/fastcgi;
	uwsgi_temp_path $CONF/uwsgi;
	scgi_temp_path $CONF/scgi;
	server {
		listen 127.0.0.1:${PORT[nginx]};
		root $WWW;
	}
}
EOF
nginx -e "$CONF/nginx-error.log" -c "$CONF/nginx.conf" ||
	fail "nginx did not start: $(cat "$CONF/nginx-error.log")"
wait_port "${PORT[nginx]}"

# lighttpd with its static-file module only (what serves files).
cat >"$CONF/lighttpd.conf" <<EOF
server.document-root = "$WWW"
server.upload-dirs = ( "$CONF" )
server.bind = "127.0.0.1"
server.port = ${PORT[lighttpd]}
server.username = "nobody"
server.groupname = "nogroup"
server.errorlog = "$CONF/lighttpd-error.log"
server.compat-module-load = "disable"
server.modules = ( "mod_staticfile" )
mimetype.assign = ( ".txt" => "text/plain", ".html" => "text/html" )
EOF
lighttpd -D -f "$CONF/lighttpd.conf" >"$CONF/lighttpd.out" 2>&1 &
lighttpd_pid=$!
stop_refs() {
	kill "$lighttpd_pid" 2>/dev/null
	[ ! -s "$CONF/nginx.pid" ] || kill -QUIT "$(cat "$CONF/nginx.pid")" 2>/dev/null
}
trap stop_refs EXIT
wait_port "${PORT[lighttpd]}"

# --- talking to a server --------------------------------------------------------

# rq FORMAT [LATER]: send FORMAT (printf) to the current server ($P) on a
# new connection, then LATER (a format too) half a second after; R is
# everything the server answered, CLOSED yes when it closed the connection
# within 3 s, no when that wait ran out. Then R is split into responses
# (parse). LATER is what a server must not answer once it decided to close:
# sent at once, it would make the server reset the connection, and a reset
# can discard the response the server had not yet sent. All in this shell,
# no process per request: under TCG, starting programs would take most of
# the test's time. (Responses hold no NUL, where read would stop.)
trap '' PIPE
rq() {
	local fd rc=0
	R='' CLOSED=refused
	if exec {fd}<>"/dev/tcp/127.0.0.1/$P"; then
		# shellcheck disable=SC2059 # the request is a format
		printf "$1" >&"$fd"
		if [ -n "${2:-}" ]; then
			sleep 0.5
			# shellcheck disable=SC2059
			printf "$2" >&"$fd"
		fi
		IFS= read -r -d '' -t 3 -u "$fd" R || rc=$?
		exec {fd}<&-
		CLOSED=yes
		[ "$rc" -le 128 ] || CLOSED=no
	fi 2>/dev/null
	parse
}

# parse: split R into NR responses: ST[i] status code, HD[i] header section
# (without CRs), BD[i] body, framed by Content-Length, or by the close. A
# response to HEAD has no body: NOBODY lists the indexes of those.
NOBODY=''
parse() {
	local rest=$R head cl n=0
	ST=() HD=() BD=()
	while [[ $rest == HTTP/* && $rest == *$'\r\n\r\n'* ]]; do
		head=${rest%%$'\r\n\r\n'*}
		rest=${rest#*$'\r\n\r\n'}
		head=${head//$'\r'/}
		HD[n]=$head
		ST[n]=${head#* }
		ST[n]=${ST[n]%% *}
		ST[n]=${ST[n]%%$'\n'*}
		if [[ " $NOBODY " == *" $n "* || ${ST[n]} == 304 ||
			${ST[n]} == 204 || ${ST[n]} == 1?? ]]; then
			BD[n]=''
		elif hv "$head" content-length; then
			cl=$HV
			BD[n]=${rest:0:cl}
			rest=${rest:cl}
		else
			BD[n]=$rest
			rest=''
		fi
		n=$((n + 1))
	done
	NR=$n
}

# hv HEAD NAME: HV is the value of the first field NAME in HEAD; status 1
# when there is none.
hv() {
	local line name=${2,,}
	HV=''
	while IFS= read -r line; do
		if [[ ${line,,} == "$name:"* ]]; then
			line=${line#*:}
			line=${line#"${line%%[! 	]*}"}
			HV=${line%"${line##*[! 	]}"}
			return 0
		fi
	done <<<"$1"
	return 1
}

# h I NAME: print field NAME of response I ('' and status 1 when absent).
h() {
	hv "${HD[$1]}" "$2"
	local rc=$?
	printf '%s' "$HV"
	return $rc
}

# --- verdicts -----------------------------------------------------------------

# A case sets CELL, what goes in the table ("ok" unless it says what the
# server chose), and calls bad with the reason when the server fails it.
bad() {
	[ -n "$WHY" ] || WHY=$*
}

# want_status I CODE...: response I exists and has one of the CODEs.
want_status() {
	local i=$1 c
	shift
	if [ "$NR" -le "$i" ]; then
		bad "no response $((i + 1)) (got $NR; closed: $CLOSED)" \
			"$(printf '%q' "${R:0:80}")"
		return 1
	fi
	for c in "$@"; do
		[ "${ST[i]}" != "$c" ] || return 0
	done
	bad "response $((i + 1)): status ${ST[i]}, wanted $*"
	return 1
}

# want_body I TEXT
want_body() {
	[ "${BD[$1]}" = "$2" ] ||
		bad "response $(($1 + 1)): body '${BD[$1]:0:40}', wanted '$2'"
}

# want_field I NAME VALUE
want_field() {
	local v
	v=$(h "$1" "$2")
	[ "$v" = "$3" ] || bad "response $(($1 + 1)): $2 '$v', wanted '$3'"
}

# want_closed: the server closed the connection after its response.
want_closed() {
	[ "$CLOSED" = yes ] || bad "the connection stayed open"
}

# want_one: exactly one response (nothing answered after it).
want_one() {
	[ "$NR" -eq 1 ] || bad "$NR responses, wanted 1"
}

GET_R='GET /r.txt HTTP/1.1\r\nHost: x\r\n'
CLOSE='Connection: close\r\n'
NEXT='GET /b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'

# A follow-up response: after a request whose framing the server must
# have understood, the next request on the connection is answered ("B"),
# or the server closed the connection instead.
next_or_closed() {
	if [ "$NR" -ge 2 ]; then
		want_status 1 200 && want_body 1 B
	else
		want_closed
		[ "$NR" -eq 1 ] || bad "$NR responses"
	fi
}

# the ETag of r.txt, '' when the server sends none
etag_of_r() {
	rq "${GET_R}${CLOSE}\r\n"
	h 0 etag
}

# --- the cases ----------------------------------------------------------------
# case_NAME: one case, run once per server with P set to its port.
# CASES: "NAME|LEVEL|SECTION|TITLE" in the order of the table.
CASES=()
add() { CASES+=("$1|$2|$3|$4"); }

add get MUST "RFC 9112 6.3" "GET: 200, Content-Length frames the body"
case_get() {
	rq "${GET_R}${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789 && want_field 0 content-length 10
}

add host_missing MUST "RFC 9112 3.2" "HTTP/1.1 without Host: 400"
case_host_missing() {
	rq "GET /r.txt HTTP/1.1\r\n${CLOSE}\r\n"
	want_status 0 400
}

add host_twice MUST "RFC 9112 3.2" "two Host fields: 400"
case_host_twice() {
	rq "${GET_R}Host: y\r\n${CLOSE}\r\n"
	want_status 0 400
}

add host_invalid MUST "RFC 9112 3.2" "Host with an invalid value (x/y): 400"
case_host_invalid() {
	rq "GET /r.txt HTTP/1.1\r\nHost: x/y\r\n${CLOSE}\r\n"
	want_status 0 400
}

add host_absolute_missing MUST "RFC 9112 3.2" "absolute-form without Host: 400"
case_host_absolute_missing() {
	rq "GET http://x/r.txt HTTP/1.1\r\n${CLOSE}\r\n"
	want_status 0 400
}

add absolute_form MUST "RFC 9112 3.2.2" "absolute-form accepted (Host ignored)"
case_absolute_form() {
	rq "GET http://x/r.txt HTTP/1.1\r\nHost: y\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add http10_no_host MUST "RFC 9112 3.2" "HTTP/1.0 without Host: served"
case_http10_no_host() {
	rq 'GET /r.txt HTTP/1.0\r\n\r\n'
	want_status 0 200 && want_body 0 0123456789
	[ -z "$(h 0 transfer-encoding)" ] ||
		bad "Transfer-Encoding in a response to HTTP/1.0 (RFC 9112 6.1)"
}

add field_name_case MUST "RFC 9110 5.1" "field names are case-insensitive"
case_field_name_case() {
	rq 'GET /r.txt HTTP/1.1\r\nhOsT: x\r\nrAnGe: bytes=0-0\r\nconnection: close\r\n\r\n'
	want_status 0 206 && want_body 0 0
}

add ws_before_colon MUST "RFC 9112 5.1" "whitespace before a colon: 400"
case_ws_before_colon() {
	rq "${GET_R}Accept : */*\r\n${CLOSE}\r\n"
	want_status 0 400
}

add ows_trimmed MUST "RFC 9112 5" "OWS around a value is not part of it"
case_ows_trimmed() {
	rq "${GET_R}If-Modified-Since:  \t $LM \t \r\n${CLOSE}\r\n"
	want_status 0 304
}

# khttpd: 400 (it does not unfold).
add obs_fold MUST "RFC 9112 5.2" "obs-fold: 400, or unfolded"
case_obs_fold() {
	rq "${GET_R}X-A: a\r\n b\r\n${CLOSE}\r\n"
	want_status 0 400 200 && CELL=${ST[0]}
}

# khttpd: 400.
add ws_after_request_line MUST "RFC 9112 2.2" "whitespace line after request-line: 400 or ignored"
case_ws_after_request_line() {
	rq "GET /r.txt HTTP/1.1\r\n X-A: a\r\nHost: x\r\n${CLOSE}\r\n"
	want_status 0 400 200 && CELL=${ST[0]}
}

# khttpd: 400.
add nul_in_value MUST "RFC 9110 5.5" "NUL in a field value: 400, or replaced by SP"
case_nul_in_value() {
	rq "${GET_R}X-A: a\0b\r\n${CLOSE}\r\n"
	want_status 0 400 200 && CELL=${ST[0]}
}

add empty_line_first SHOULD "RFC 9112 2.2" "empty line before the request-line ignored"
case_empty_line_first() {
	rq "\r\n${GET_R}${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

# khttpd: 400 (only CRLF ends a line).
add bare_lf CHOICE "RFC 9112 2.2" "bare LF as line terminator: 400 or accepted"
case_bare_lf() {
	rq 'GET /r.txt HTTP/1.1\nHost: x\nConnection: close\n\n'
	want_status 0 400 200 && CELL=${ST[0]}
}

add method_case MUST "RFC 9110 9.1" "methods are case-sensitive: 'get' is not GET"
case_method_case() {
	rq "get /r.txt HTTP/1.1\r\nHost: x\r\n${CLOSE}\r\n"
	[ "$NR" -ge 1 ] || { bad "no response"; return; }
	[[ ${ST[0]} != 2?? ]] || bad "status ${ST[0]} for method 'get'"
	CELL=${ST[0]}
}

add method_unknown SHOULD "RFC 9110 9.1" "unknown method: 501"
case_method_unknown() {
	rq "BREW /r.txt HTTP/1.1\r\nHost: x\r\n${CLOSE}\r\n"
	want_status 0 501
}

add allow_405 MUST "RFC 9110 15.5.6" "405 (DELETE, POST) carries Allow"
case_allow_405() {
	local m got=''
	for m in DELETE POST; do
		rq "$m /r.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n${CLOSE}\r\n"
		[ "$NR" -ge 1 ] || { bad "$m: no response"; return; }
		got="$got${got:+/}${ST[0]}"
		[ "${ST[0]}" != 405 ] || [ -n "$(h 0 allow)" ] ||
			bad "$m: 405 without Allow"
	done
	CELL="ok ($got)"
}

add version_minor SHOULD "RFC 9110 2.5" "HTTP/1.2 served as 1.1, answered HTTP/1.1"
case_version_minor() {
	rq "GET /r.txt HTTP/1.2\r\nHost: x\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
	[[ $R == HTTP/1.1\ * ]] || bad "status line '${HD[0]%%$'\n'*}'"
}

# khttpd: 505.
add version_major CHOICE "RFC 9110 2.5, 15.6.6" "HTTP/2.0 on an HTTP/1 connection: 505 or 400"
case_version_major() {
	rq "GET /r.txt HTTP/2.0\r\nHost: x\r\n${CLOSE}\r\n"
	want_status 0 505 400 && CELL=${ST[0]}
}

add version_case MUST "RFC 9112 2.3" "HTTP-name is case-sensitive: 'http/1.1' is not 2xx"
case_version_case() {
	rq "GET /r.txt http/1.1\r\nHost: x\r\n${CLOSE}\r\n"
	[ "$NR" -ge 1 ] || { bad "no response"; return; }
	[[ ${ST[0]} != 2?? ]] || bad "status ${ST[0]}"
	CELL=${ST[0]}
}

add long_target MUST "RFC 9112 3" "64 KiB request-target: 414"
case_long_target() {
	local long
	long=$(head -c 65536 /dev/zero | tr '\0' a)
	rq "GET /$long HTTP/1.1\r\nHost: x\r\n${CLOSE}\r\n"
	want_status 0 414
}

# A GET with content: served, or refused and closed (RFC 9110 9.3.1 gives
# that content no meaning); either way the content is no request.
add cl_body_read MUST "RFC 9112 6.3" "Content-Length body read, not taken as a request"
case_cl_body_read() {
	rq "${GET_R}Content-Length: 5\r\n\r\nXXXXX" "$NEXT"
	want_status 0 200 400 413 || return
	if [ "${ST[0]}" = 200 ]; then
		want_body 0 0123456789 && next_or_closed
	else
		CELL="${ST[0]}+close"
		want_one
		want_closed
	fi
}

add cl_invalid MUST "RFC 9112 6.3" "invalid Content-Length (1a): 400 and close"
case_cl_invalid() {
	rq "${GET_R}Content-Length: 1a\r\n\r\nx"
	want_status 0 400 && want_closed
}

add cl_list_differs MUST "RFC 9112 6.3" "Content-Length: 1, 2: 400 and close"
case_cl_list_differs() {
	rq "${GET_R}Content-Length: 1, 2\r\n\r\nxx"
	want_status 0 400 && want_closed
}

add cl_twice_differs MUST "RFC 9112 6.3" "two different Content-Lengths: 400 and close"
case_cl_twice_differs() {
	rq "${GET_R}Content-Length: 1\r\nContent-Length: 2\r\n\r\nxx"
	want_status 0 400 && want_closed
}

# khttpd: accepted (the same value twice is one valid length).
add cl_twice_same CHOICE "RFC 9110 8.6" "the same Content-Length twice: 400, or one length"
case_cl_twice_same() {
	rq "${GET_R}Content-Length: 1\r\nContent-Length: 1\r\n\r\nx" "$NEXT"
	want_status 0 200 400 || return
	if [ "${ST[0]}" = 400 ]; then
		CELL=400
		want_closed
	else
		CELL="one length"
		want_body 0 0123456789 && next_or_closed
	fi
}

# khttpd: 400 and close (it takes no request content of unannounced
# length); answering after reading the body is the other way.
add chunked_body MUST "RFC 9112 7" "chunked body: read, or 400/411/413 and close (not 501)"
case_chunked_body() {
	rq "${GET_R}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" "$NEXT"
	chunked_verdict
}
chunked_verdict() {
	want_status 0 200 400 411 413 || return
	if [ "${ST[0]}" = 200 ]; then
		CELL='read'
		want_body 0 0123456789 && next_or_closed
	else
		CELL="${ST[0]}+close"
		want_one
		want_closed
	fi
}

add chunk_ext MUST "RFC 9112 7.1.1" "unknown chunk extension ignored"
case_chunk_ext() {
	rq "${GET_R}Transfer-Encoding: chunked\r\n\r\n3;foo=\"bar\"\r\nabc\r\n0\r\n\r\n" "$NEXT"
	chunked_verdict
}

add te_not_chunked MUST "RFC 9112 6.3" "Transfer-Encoding without final chunked: 400 and close"
case_te_not_chunked() {
	rq "${GET_R}Transfer-Encoding: gzip\r\n\r\nxxxx"
	want_status 0 400 && want_closed
}

add te_unknown SHOULD "RFC 9112 6.1" "unknown transfer coding: 501"
case_te_unknown() {
	rq "${GET_R}Transfer-Encoding: foo, chunked\r\n\r\n0\r\n\r\n" "$NEXT"
	want_status 0 501 && want_closed
}

add te_and_cl MUST "RFC 9112 6.1" "Transfer-Encoding with Content-Length: close after"
case_te_and_cl() {
	rq "${GET_R}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" "$NEXT"
	[ "$NR" -ge 1 ] || { bad "no response"; return; }
	CELL="${ST[0]}+close"
	want_one
	want_closed
}

add te_http10 MUST "RFC 9112 6.1" "Transfer-Encoding in HTTP/1.0: faulty framing, close"
case_te_http10() {
	rq "GET /r.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" "$NEXT"
	[ "$NR" -ge 1 ] || { bad "no response"; return; }
	CELL="${ST[0]}+close"
	want_one
	want_closed
}

add pipelining MUST "RFC 9112 9.3.2" "pipelined responses in request order"
case_pipelining() {
	rq "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n${GET_R}\r\n${NEXT}"
	want_status 2 200 || return
	[ "${BD[0]}${BD[1]}${BD[2]}" = A0123456789B ] ||
		bad "bodies '${BD[0]}' '${BD[1]}' '${BD[2]}'"
}

add connection_close MUST "RFC 9112 9.6" "Connection: close: close after, next not served"
case_connection_close() {
	rq "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n" "$NEXT"
	want_status 0 200 && want_body 0 A && want_one && want_closed
}

add http10_close MUST "RFC 9112 9.3" "HTTP/1.0 without keep-alive: close after"
case_http10_close() {
	rq "GET /a.txt HTTP/1.0\r\n\r\n" "$NEXT"
	want_status 0 200 && want_body 0 A && want_one && want_closed
}

# khttpd: persists.
add http10_keep_alive CHOICE "RFC 9112 9.3" "HTTP/1.0 keep-alive: persist or close"
case_http10_keep_alive() {
	rq 'GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' \
		'GET /b.txt HTTP/1.0\r\n\r\n'
	want_status 0 200 && want_body 0 A || return
	if [ "$NR" -ge 2 ]; then
		CELL=persists
		want_body 1 B
	else
		CELL=closes
		want_closed
	fi
}

add expect_http10 MUST "RFC 9110 15.2" "no 1xx to an HTTP/1.0 client (Expect)"
case_expect_http10() {
	rq "GET /a.txt HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nxx"
	[ "$NR" -ge 1 ] || { bad "no response"; return; }
	[[ ${ST[0]} != 1?? ]] || bad "status ${ST[0]} to HTTP/1.0"
	CELL="ok (${ST[0]})"
}

add head MUST "RFC 9110 9.3.2" "HEAD: no content"
case_head() {
	NOBODY=0
	rq "HEAD /r.txt HTTP/1.1\r\nHost: x\r\n\r\n" "$NEXT"
	NOBODY=''
	want_status 0 200 && want_status 1 200 && want_body 1 B
}

add head_error MUST "RFC 9110 9.3.2" "HEAD refused (Host twice): no content"
case_head_error() {
	NOBODY=0
	rq "HEAD /r.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"
	NOBODY=''
	want_status 0 400 || return
	[[ $R == *$'\r\n\r\n' ]] ||
		bad "content after the head: $(printf '%q' "${R#*$'\r\n\r\n'}" | head -c 60)"
}

add head_length MUST "RFC 9110 8.6" "HEAD: Content-Length, if any, as for GET"
case_head_length() {
	rq "HEAD /r.txt HTTP/1.1\r\nHost: x\r\n${CLOSE}\r\n"
	want_status 0 200 || return
	local cl
	cl=$(h 0 content-length) || return 0
	[ "$cl" = 10 ] || bad "Content-Length $cl, GET sends 10"
}

add head_fields SHOULD "RFC 9110 9.3.2" "HEAD: the header fields GET sends"
case_head_fields() {
	local f g
	rq "${GET_R}${CLOSE}\r\n"
	want_status 0 200 || return
	g=${HD[0]}
	rq "HEAD /r.txt HTTP/1.1\r\nHost: x\r\n${CLOSE}\r\n"
	want_status 0 200 || return
	for f in content-type content-length last-modified etag accept-ranges; do
		hv "$g" $f
		[ "$HV" = "$(h 0 $f)" ] || bad "$f: GET '$HV', HEAD '$(h 0 $f)'"
	done
}

add date MUST "RFC 9110 6.6.1" "Date in 200, 206, 304, 400, 404"
case_date() {
	local r
	for r in "${GET_R}" "${GET_R}Range: bytes=0-0\r\n" \
		"${GET_R}If-Modified-Since: $LM\r\n" 'GET /r.txt HTTP/1.1\r\n' \
		'GET /nothing HTTP/1.1\r\nHost: x\r\n'; do
		rq "$r${CLOSE}\r\n"
		[ "$NR" -ge 1 ] || { bad "no response"; return; }
		[ -n "$(h 0 date)" ] || bad "no Date in a ${ST[0]}"
	done
}

add imf_fixdate MUST "RFC 9110 5.6.7" "Date and Last-Modified in IMF-fixdate"
case_imf_fixdate() {
	local f v re='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'
	rq "${GET_R}${CLOSE}\r\n"
	want_status 0 200 || return
	for f in date last-modified; do
		v=$(h 0 $f)
		[[ $v =~ $re ]] || bad "$f '$v'"
	done
	want_field 0 last-modified "$LM"
}

add etag SHOULD "RFC 9110 8.8.3" "a strong ETag for files"
case_etag() {
	local e
	e=$(etag_of_r)
	[[ $e == \"*\" ]] || bad "ETag '$e'"
}

add ims_304 MUST "RFC 9110 13.1.3, 13.2.2" "If-Modified-Since = Last-Modified: 304, no content"
case_ims_304() {
	rq "${GET_R}If-Modified-Since: $LM\r\n\r\n" "$NEXT"
	want_status 0 304 && want_status 1 200 && want_body 1 B
}

add ims_formats MUST "RFC 9110 5.6.7" "If-Modified-Since in RFC 850 and asctime formats"
case_ims_formats() {
	local d
	for d in "$LM_850" "$LM_ASC"; do
		rq "${GET_R}If-Modified-Since: $d\r\n${CLOSE}\r\n"
		want_status 0 304 || return
	done
}

add ims_older MUST "RFC 9110 13.1.3" "If-Modified-Since before Last-Modified: 200"
case_ims_older() {
	rq "${GET_R}If-Modified-Since: $LM_EARLIER\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add ims_invalid MUST "RFC 9110 13.1.3" "If-Modified-Since not a date: ignored"
case_ims_invalid() {
	rq "${GET_R}If-Modified-Since: yesterday\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add ims_with_inm MUST "RFC 9110 13.1.3" "If-Modified-Since ignored with If-None-Match"
case_ims_with_inm() {
	rq "${GET_R}If-None-Match: \"no-such-tag\"\r\nIf-Modified-Since: $LM\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add inm_star MUST "RFC 9110 13.1.2" "If-None-Match: * on a file: 304"
case_inm_star() {
	rq "${GET_R}If-None-Match: *\r\n${CLOSE}\r\n"
	want_status 0 304
}

add inm_etag MUST "RFC 9110 13.1.2" "If-None-Match with its ETag (or W/): 304"
case_inm_etag() {
	local e
	e=$(etag_of_r)
	if [ -z "$e" ]; then
		CELL="n/a (no ETag)"
		return
	fi
	rq "${GET_R}If-None-Match: \"other\", $e\r\n${CLOSE}\r\n"
	want_status 0 304 || return
	rq "${GET_R}If-None-Match: W/$e\r\n${CLOSE}\r\n"
	want_status 0 304
}

add inm_other MUST "RFC 9110 13.1.2" "If-None-Match with another tag: 200"
case_inm_other() {
	rq "${GET_R}If-None-Match: \"no-such-tag\"\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add not_modified_fields MUST "RFC 9110 15.4.5, 8.6" "304: Date, ETag as 200, Content-Length as 200"
case_not_modified_fields() {
	local e cl
	e=$(etag_of_r)
	rq "${GET_R}If-Modified-Since: $LM\r\n${CLOSE}\r\n"
	want_status 0 304 || return
	[ -n "$(h 0 date)" ] || bad "no Date"
	[ "$(h 0 etag)" = "$e" ] || bad "ETag '$(h 0 etag)', 200 has '$e'"
	cl=$(h 0 content-length) || return 0
	[ "$cl" = 10 ] || bad "Content-Length $cl, 200 has 10"
}

add precondition_404 MUST "RFC 9110 13.2.1" "preconditions ignored when not 2xx: 404"
case_precondition_404() {
	rq "GET /nothing HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\nIf-Modified-Since: $LM_LATER\r\n${CLOSE}\r\n"
	want_status 0 404
}

add if_match MUST "RFC 9110 13.1.1" "If-Match that fails: not served (412)"
case_if_match() {
	rq "${GET_R}If-Match: \"no-such-tag\"\r\n${CLOSE}\r\n"
	want_status 0 412
}

add if_unmodified_since MUST "RFC 9110 13.1.4" "If-Unmodified-Since before Last-Modified: 412"
case_if_unmodified_since() {
	rq "${GET_R}If-Unmodified-Since: $LM_EARLIER\r\n${CLOSE}\r\n"
	want_status 0 412
}

add range MUST "RFC 9110 14.2, 15.3.7" "Range: 206 with Content-Range"
case_range() {
	rq "${GET_R}Range: bytes=2-5\r\n${CLOSE}\r\n"
	want_status 0 206 && want_body 0 2345 &&
		want_field 0 content-range 'bytes 2-5/10' &&
		want_field 0 content-length 4
}

add range_suffix MUST "RFC 9110 14.1.2" "suffix and open ranges (-3, 7-)"
case_range_suffix() {
	local r
	for r in -3 7-; do
		rq "${GET_R}Range: bytes=$r\r\n${CLOSE}\r\n"
		want_status 0 206 && want_body 0 789 &&
			want_field 0 content-range 'bytes 7-9/10'
	done
}

add range_416 SHOULD "RFC 9110 15.5.17, 14.4" "unsatisfiable range: 416, Content-Range */len"
case_range_416() {
	rq "${GET_R}Range: bytes=20-30\r\n${CLOSE}\r\n"
	want_status 0 416 && want_field 0 content-range 'bytes */10'
}

add range_unit MUST "RFC 9110 14.2" "unknown range unit ignored: 200"
case_range_unit() {
	rq "${GET_R}Range: pages=1-2\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add range_head MUST "RFC 9110 14.2" "Range on HEAD ignored: 200"
case_range_head() {
	rq "HEAD /r.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-0\r\n${CLOSE}\r\n"
	want_status 0 200
}

# khttpd: 200, the whole file.
add range_multi CHOICE "RFC 9110 14.2, 15.3.7.2" "two ranges: 200, one 206, or multipart"
case_range_multi() {
	rq "${GET_R}Range: bytes=0-0,5-5\r\n${CLOSE}\r\n"
	want_status 0 200 206 || return
	if [ "${ST[0]}" = 200 ]; then
		CELL=200
		want_body 0 0123456789
	elif [[ $(h 0 content-type) == multipart/byteranges* ]]; then
		CELL="206 multipart"
	else
		CELL="206 one"
	fi
}

add if_range_date SHOULD "RFC 9110 13.1.5" "If-Range = Last-Modified: 206"
case_if_range_date() {
	rq "${GET_R}Range: bytes=2-5\r\nIf-Range: $LM\r\n${CLOSE}\r\n"
	want_status 0 206 && want_body 0 2345
}

add if_range_other_date MUST "RFC 9110 13.1.5" "If-Range with another date: Range ignored"
case_if_range_other_date() {
	rq "${GET_R}Range: bytes=2-5\r\nIf-Range: $LM_LATER\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add if_range_other_tag MUST "RFC 9110 13.1.5" "If-Range with another ETag: Range ignored"
case_if_range_other_tag() {
	rq "${GET_R}Range: bytes=2-5\r\nIf-Range: \"no-such-tag\"\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add if_range_weak MUST "RFC 9110 13.1.5" "If-Range with a weak tag: Range ignored"
case_if_range_weak() {
	local e
	e=$(etag_of_r)
	rq "${GET_R}Range: bytes=2-5\r\nIf-Range: W/${e:-\"x\"}\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

add if_range_tag SHOULD "RFC 9110 13.1.5" "If-Range with its ETag: 206"
case_if_range_tag() {
	local e
	e=$(etag_of_r)
	if [ -z "$e" ]; then
		bad "no ETag to send"
		return
	fi
	rq "${GET_R}Range: bytes=2-5\r\nIf-Range: $e\r\n${CLOSE}\r\n"
	want_status 0 206 && want_body 0 2345
}

add if_range_alone MUST "RFC 9110 13.1.5" "If-Range without Range ignored: 200"
case_if_range_alone() {
	rq "${GET_R}If-Range: $LM\r\n${CLOSE}\r\n"
	want_status 0 200 && want_body 0 0123456789
}

# --- the run ------------------------------------------------------------------

# run_cases SERVER: every case against SERVER, one line per case in
# $TEST_TMP/res.SERVER: name, cell, reason, milliseconds (separated by
# ASCII's unit separator: tabs would collapse an empty reason).
run_cases() {
	local c name level section title t0
	P=${PORT[$1]}
	for c in "${CASES[@]}"; do
		IFS='|' read -r name level section title <<<"$c"
		CELL=ok WHY=''
		t0=$(now_ms)
		"case_$name"
		if [ -n "$WHY" ]; then
			if [ "$level" = CHOICE ] && [ "$CELL" != ok ]; then
				CELL="FAIL ($CELL)"
			else
				CELL=FAIL
			fi
		fi
		printf '%s\037%s\037%s\037%s\n' "$name" "$CELL" "$WHY" \
			$(($(now_ms) - t0))
	done >"$TEST_TMP/res.$1"
}

# out TEXT...: one line of the table, on the console: the run's log keeps
# it whether the test passes or not.
out() {
	if [ -w /dev/console ]; then
		echo "conformance: $*" >/dev/console
	else
		echo "conformance: $*"
	fi
}

row() {
	out "$(printf '%-50.50s %-22.22s %-6s | %-13.13s | %-13.13s | %-13.13s' "$@")"
}

# The servers answer at the same time, each its own sequence of cases.
start=$(date +%s)
pids=()
for s in $SERVERS; do
	run_cases "$s" &
	pids+=($!)
done
wait "${pids[@]}"
secs=$(($(date +%s) - start))

declare -A CELLS WHYS NFAIL
slow=()
for s in $SERVERS; do
	while IFS=$'\037' read -r name cell why ms; do
		CELLS[$s,$name]=$cell
		WHYS[$s,$name]=$why
		[ "$ms" -lt 2000 ] || slow+=("$s:$name ${ms}ms")
	done <"$TEST_TMP/res.$s"
done
# shellcheck disable=SC2086 # one word per server
row "case" "section" "level" $SERVERS
must_fail=0 should_fail=0
reasons=()
for c in "${CASES[@]}"; do
	IFS='|' read -r name level section title <<<"$c"
	cells=()
	for s in $SERVERS; do
		cells+=("${CELLS[$s,$name]:-missing}")
		[ -n "${CELLS[$s,$name]:-}" ] ||
			WHYS[$s,$name]="the case did not run"
		[ -n "${WHYS[$s,$name]}" ] || continue
		reasons+=("$s: $name ($level, $section): ${WHYS[$s,$name]}")
		NFAIL[$s]=$((${NFAIL[$s]:-0} + 1))
		[ "$s" = khttpd ] || continue
		if [ "$level" = SHOULD ]; then
			should_fail=$((should_fail + 1))
		else
			must_fail=$((must_fail + 1))
		fi
	done
	row "$title" "$section" "$level" "${cells[@]}"
done
out "${#CASES[@]} cases in $secs s; failed: khttpd ${NFAIL[khttpd]:-0}" \
	"($must_fail MUST or CHOICE, $should_fail SHOULD)," \
	"nginx ${NFAIL[nginx]:-0}, lighttpd ${NFAIL[lighttpd]:-0}"
for r in ${reasons[@]+"${reasons[@]}"}; do
	out "  $r"
done
[ ${#slow[@]} -eq 0 ] || out "slowest cases (2 s or more): ${slow[*]}"
[ "$must_fail" -eq 0 ] ||
	fail "khttpd fails $must_fail MUST-level case(s) of RFC 9110/9112" \
		"(the table: the lines starting 'conformance:' in the run's log)"
