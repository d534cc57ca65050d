# shellcheck shell=bash
# Helpers for the khttpd guest tests (t-http-*.sh). Source after lib.sh.

HTTP_PORT=${HTTP_PORT:-8081}
URL=http://127.0.0.1:$HTTP_PORT

# http_start ARGS... : start an http server on HTTP_PORT; sets $HTTP_ID.
http_start() {
	HTTP_ID=$(ktcp start http --port "$HTTP_PORT" "$@" --json | jq -r .id)
	if [ -z "$HTTP_ID" ] || [ "$HTTP_ID" = null ]; then
		fail "cannot start http $*"
	fi
	wait_port "$HTTP_PORT"
}

# http_idle : every connection of the server is gone: curl closed each one
# when done, and the server closes its end when it sees that (10 s, 60 s
# on a debug kernel).
http_idle() {
	local secs=10
	slow_kernel && secs=60
	no_active "$HTTP_ID" "$secs"
}

# code PATH [CURL ARGS...] : the status code curl gets for PATH.
code() {
	local path=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' "$@" "$URL$path"
}

# expect_code PATH CODE [CURL ARGS...]
expect_code() {
	local path=$1 want=$2
	shift 2
	assert_eq "$(code "$path" "$@")" "$want" "status of $path"
}

# raw REQUEST : send REQUEST (printf format) on a new connection, print
# everything the server sends until it closes (at most 10 s).
raw() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "$2" >&3
		cat <&3' raw "$HTTP_PORT" "$1"
}

# status_line RESPONSE : its first line without the CR.
status_line() {
	printf '%s\n' "$1" | head -n 1 | tr -d '\r'
}

# header RESPONSE NAME : value of the first header NAME (case-insensitive).
header() {
	printf '%s\n' "$1" | tr -d '\r' | sed -n '/^$/q; p' |
		awk -v n="$2" 'BEGIN { n = tolower(n) ":" }
			tolower($1) == n { sub(/^[^:]*: */, ""); print; exit }'
}

# hstat KEY : a counter of the http server.
hstat() {
	ktcp stats "$HTTP_ID" --json | jq -r ".stats.$1"
}

# hstat_is KEY WANT [MSG] : the counter gets to WANT (wait_stat).
hstat_is() {
	wait_stat "$HTTP_ID" "$1" "$2" "${3:-$1}"
}
