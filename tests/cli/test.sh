#!/bin/bash
# make check-cli: the CLI's parsing and help, on the host, where the ktcp
# family is absent: whatever parses runs into "module not loaded" (exit 1),
# whatever does not is a usage error (exit 2). Checks
#   - global options before genl, between genl and the command, after it;
#   - -p is the port; the old -p (--pretty) gets a hint;
#   - `ktcp CMD --help` is `ktcp help CMD`: every option with its short
#     form, range and default, the numbers those of <linux/ktcp.h>, wrapped
#     to COLUMNS, to the terminal (TIOCGWINSZ), or to 80 for a pipe;
#   - the netstat recipe of ktcp(8), run on real netstat output.
#
# Usage: tests/cli/test.sh [KTCP]   (default build/ktcp)
# Prints one line per failed case and "N passed, M failed"; exits 1 if any
# case failed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
case ${1:-} in
-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
ktcp=${1:-$top/build/ktcp}
[ -x "$ktcp" ] || { echo "cli test: no $ktcp (make userspace)" >&2; exit 2; }
uapi=$top/include/uapi/linux/ktcp.h
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktcp-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
unset COLUMNS

ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
# check MSG CMD...: CMD must succeed; check_not MSG CMD...: must fail.
check() {
	local msg=$1
	shift
	if "$@"; then ok; else bad "$msg"; fi
}
check_not() {
	local msg=$1
	shift
	if "$@"; then bad "$msg"; else ok; fi
}

# run ARGS...: $rc, $out (stdout) and $err (stderr) of ktcp ARGS.
run() {
	rc=0
	"$ktcp" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
	out=$(cat "$tmp/out") err=$(cat "$tmp/err")
}

# expect_rc RC ARGS...
expect_rc() {
	local want=$1
	shift
	run "$@"
	if [ "$rc" = "$want" ]; then ok; else
		bad "ktcp $*: exit $rc, expected $want: $err"
	fi
}

# has TEXT NEEDLE WHAT
has() {
	case $1 in
	*"$2"*) ok ;;
	*) bad "$3: '$2' not in: $1" ;;
	esac
}

# The value of a macro of the UAPI header.
macro() {
	sed -n "s/^#define $1 \([0-9]*\)\( .*\)\{0,1\}\$/\1/p" "$uapi"
}

[ ! -d /sys/module/ktcp ] ||
	echo "cli test: note: this kernel has ktcp; exit 1 cases may pass as 0"
# Parsed: anything but a usage error (1 here: the family is absent).
parsed() {
	run "$@"
	if [ "$rc" != 2 ]; then ok; else bad "ktcp $*: a usage error: $err"; fi
}

# --- global options on either side of genl and of the command --------------
parsed --json stats
parsed genl --json stats
parsed --json genl stats
parsed genl stats --json
parsed --json genl --pretty stats --json
parsed genl -j list
# ... also after a command with options of its own: --pretty is not one
# of drop's filter options. Before: "tuples and filter options exclude
# each other", and "a filter needs --state" without tuples.
parsed drop --pretty 127.0.0.1:1 127.0.0.1:2
parsed drop 127.0.0.1:1 --pretty 127.0.0.1:2 --json
expect_rc 2 drop --pretty
has "$err" "tuples, '-' or filter options are required" "drop --pretty"
expect_rc 2 genl
expect_rc 2 genl --json
expect_rc 2 genl genl stats
expect_rc 2 genl --nope stats
has "$err" "ktcp: genl: unrecognized option '--nope'" "genl --nope"
expect_rc 0 help genl
has "$out" "usage: ktcp genl" "help genl"
expect_rc 0 genl --help
has "$out" "usage: ktcp genl" "genl --help"
run help stats
want=$out
expect_rc 0 help genl stats
check "help genl stats differs from help stats" [ "$out" = "$want" ]
expect_rc 0 genl help stats
check "genl help stats differs from help stats" [ "$out" = "$want" ]

# --- --json where the output has no JSON form: refused, not ignored ----------
expect_rc 2 save --json
has "$err" "save prints a ktcp.conf(5) file" "save --json"
expect_rc 2 --json save
expect_rc 2 apply -j /etc/ktcp/ktcp.conf
has "$err" "apply reports in text" "apply --json"
expect_rc 2 genl -j apply --stop
expect_rc 2 stats --format prometheus --json
has "$err" "--format prometheus is a format of its own" "stats prometheus json"
expect_rc 2 -j stats 1 --format prometheus
expect_rc 2 stats --reset --format prometheus
has "$err" "--reset prints nothing" "stats --reset --format"
parsed stats --reset --json # prints nothing, in either form
parsed stats --format prometheus
parsed apply --dry-run /dev/null
run save --nope
check "usage of save: '${err##*$'\n'}' (no space at the end)" \
	[ "${err##*$'\n'}" = "usage: ktcp save" ]

# --- -p is the port ------------------------------------------------------------
parsed start echo -p 7
parsed start echo -p7 --pretty --json
parsed set 1 -p 8
parsed start echo -P 7 # the old short form still works
expect_rc 2 -p list
has "$err" "use --pretty" "ktcp -p list"
expect_rc 2 --json list -p
has "$err" "use --pretty" "ktcp list -p"
expect_rc 2 genl -p stats
has "$err" "use --pretty" "ktcp genl -p stats"
expect_rc 2 start echo --json -p
has "$err" "use --pretty" "ktcp start echo -p"
parsed --pretty list

# --- help: every option, its short form, range and default ----------------------
commands=$(sed -n 's/^  \([a-z]*\) .*/\1/p' <("$ktcp" help) | grep -vx help)
check "ktcp help lists: $commands" [ "$(wc -w <<<"$commands")" -ge 9 ]
for c in $commands; do
	run help "$c"
	h=$out
	run "$c" --help
	check "ktcp $c --help differs from ktcp help $c" \
		[ "$rc.$out" = "0.$h" ]
	# Every long option of the command's getopt table is listed.
	f=$(grep -l "\.name = \"$c\"" "$top"/userspace/cli/*.c)
	for o in $(sed -n '/struct option .*\[\] = {/,/^};/p' "$f" |
		grep -o '{ "[a-z-]*"' | tr -d '{" '); do
		check "ktcp help $c does not list --$o" \
			grep -Eq -- "(^|  |, )--$o( |$)" <<<"$h"
	done
done
run help start
has "$out" "-p, --port PORT" "help start"
has "$out" "-b, --backlog N" "help start"
has "$out" "1-$(macro KTCP_BACKLOG_MAX); default 128" "help start: backlog"
has "$out" "1-$(macro KTCP_LISTENERS_MAX); default 1" "help start: listeners"
has "$out" "http $(macro KTCP_HTTP_DEFAULT_MAX_CONNS)" "help start: max-conns"
has "$out" "http $(($(macro KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS) / 1000))s" \
	"help start: idle-timeout"
has "$out" "http $(($(macro KTCP_HTTP_DEFAULT_MAX_MEM_KB) / 1024))M" \
	"help start: max-mem"
has "$out" "--pretty " "help start"
run help monitor
has "$out" "-c, --count N" "help monitor"
run help log
has "$out" "-s, --server ID" "help log"
has "$out" "-b, --buffer SIZE" "help log"
has "$out" "4K-1G;" "help log: buffer range"
has "$out" "default 16M" "help log: buffer default"
expect_rc 2 log --buffer 1K
has "$err" "below 4K" "log --buffer 1K"
expect_rc 2 log --server 0
expect_rc 2 log extra

# top: its options parse (then "module not loaded"), bad ones are usage
# errors that quote the value
run help top
has "$out" "-d, --delay SECS" "help top"
has "$out" "0.1-3600; default 2" "help top: delay range"
has "$out" "-n, --iterations N" "help top"
has "$out" "--once" "help top"
has "$out" "-s, --server ID" "help top"
parsed top --once
parsed top -d 0.5 -n 3 --json
parsed top --delay=3600 --server 7
parsed top --once --json --pretty
expect_rc 1 top --once
has "$err" "modprobe ktcp" "top without the module"
expect_rc 2 top -d 0
has "$err" "--delay '0' is out of range (0.1-3600 seconds)" "top -d 0"
expect_rc 2 top -d 0.05
expect_rc 2 top -d 3601
expect_rc 2 top -d 1.2345
has "$err" "at most 3 decimals" "top -d 1.2345"
expect_rc 2 top -d 2s
has "$err" "--delay '2s' is not a number of seconds" "top -d 2s"
expect_rc 2 top -d
expect_rc 2 top -n 0
has "$err" "--iterations '0' is out of range" "top -n 0"
expect_rc 2 top -n x
expect_rc 2 top --once -n 2
has "$err" "not both" "top --once -n 2"
expect_rc 2 top --server 0
expect_rc 2 top 1
has "$err" "no arguments expected" "top 1"
expect_rc 2 top -p
has "$err" "use --pretty" "top -p"

# widest LIMIT TEXT: no line of TEXT is longer than LIMIT
widest() {
	awk -v max="$1" 'length($0) > max { bad = 1 } END { exit bad }' <<<"$2"
}
COLUMNS=60 "$ktcp" help start >"$tmp/h60"
check "COLUMNS=60: lines longer than 60" widest 60 "$(cat "$tmp/h60")"
"$ktcp" help start | cat >"$tmp/h80"
check "a pipe: lines longer than 80" widest 80 "$(cat "$tmp/h80")"
check_not "a pipe: the lines do not use 80" widest 79 "$(cat "$tmp/h80")"
COLUMNS=200 "$ktcp" help start >"$tmp/h200"
check_not "COLUMNS=200: still 80 wide" widest 80 "$(cat "$tmp/h200")"
# A terminal 50 columns wide, its width from TIOCGWINSZ.
if command -v script >/dev/null; then
	script -qec "stty cols 50 rows 40; '$ktcp' help set" /dev/null |
		tr -d '\r' >"$tmp/tty"
	check "a 50-column terminal: $(cat "$tmp/tty")" \
		widest 50 "$(grep -- --backlog "$tmp/tty" && cat "$tmp/tty")"
else
	bad "script(1) is missing (util-linux)"
fi

# --- the netstat recipe of ktcp(8), on real netstat output -----------------------
recipe=$("$top"/scripts/man-example.sh "$top/docs/ktcp.8" \
	'tests/cli/test.sh runs the command below.' | sed 's/^# //')
if [ -z "$recipe" ]; then
	bad "ktcp(8) has no marked netstat recipe"
else
	mkdir -p "$tmp/bin"
	ln -s "$ktcp" "$tmp/bin/ktcp"
	# netstat -tn as net-tools prints it (IPv4, IPv6, IPv4 on IPv6).
	printf '#!/bin/sh\ncat %q\n' "$top/tests/cli/netstat-tn.txt" \
		>"$tmp/bin/netstat"
	chmod +x "$tmp/bin/netstat"
	rc=0
	err=$(PATH=$tmp/bin:$PATH bash -c "$recipe" 2>&1 >/dev/null) || rc=$?
	check "the recipe on netstat's output: $err" [ "$rc" != 2 ]
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
