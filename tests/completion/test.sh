#!/bin/bash
# make check-completion: the bash completion of ktcp, driven the way bash
# drives it (COMP_WORDS/COMP_CWORD set, then the function that
# `complete -p ktcp` names), against a stub `ktcp` that prints canned
# `services` and `list --json` output. The option lists are also compared
# with the CLI's own getopt tables in userspace/cli/*.c, so an option added
# there and not here fails this test.
#
# Usage: tests/completion/test.sh [COMPLETION-FILE]
#   default: userspace/cli/ktcp-completion.bash
# Prints one line per failed case and "N passed, M failed"; exits 1 if any
# case failed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
case ${1:-} in
-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
file=${1:-$top/userspace/cli/ktcp-completion.bash}
[ -r "$file" ] || { echo "completion test: cannot read $file" >&2; exit 2; }
cli=$top/userspace/cli
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktcp-completion.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# --- a stub ktcp: logs each call, answers services and list --json ---------
mkdir -p "$tmp/bin" "$tmp/www/pub" "$tmp/www/priv"
cat >"$tmp/bin/ktcp" <<'EOF'
#!/bin/bash
echo "$*" >>"$STUB_LOG"
case "$*" in
services) [ "$STUB_SERVICES" != fail ] || exit 1
	printf '%s\n' $STUB_SERVICES ;;
"list --json") printf '%s\n' "$STUB_LIST" ;;
*) exit 2 ;;
esac
EOF
chmod +x "$tmp/bin/ktcp"
export PATH=$tmp/bin:$PATH STUB_LOG=$tmp/calls
export STUB_SERVICES='echo foo' STUB_LIST=''
: >"$STUB_LOG"

# bash-completion sources completion files inside a function: the file's
# tables must survive that.
load() {
	# shellcheck source=userspace/cli/ktcp-completion.bash
	. "$file"
}
load
loaded=1
# The test decides whether the "kernel" has ktcp; the real check looks at
# /sys/module/ktcp.
_ktcp_loaded() {
	[ $loaded -eq 1 ]
}

ok() {
	passed=$((passed + 1))
}

bad() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# complete LINE [split]: the sorted completions for LINE with the cursor at
# its end. "split" breaks words at "=" as bash does with the default
# COMP_WORDBREAKS ("--wq=p" is "--wq" "=" "p").
complete_line() {
	local line=$1 mode=${2:-} w rest
	local -a words=()
	read -ra words <<<"$line"
	[[ $line == *" " ]] && words+=("")
	if [ "$mode" = split ]; then
		local -a split=()
		for w in "${words[@]}"; do
			while [[ $w == *=* ]]; do
				rest=${w#*=}
				[ -n "${w%%=*}" ] && split+=("${w%%=*}")
				split+=("=")
				w=$rest
			done
			[ -n "$w" ] || [ "${split[-1]:-}" = = ] || split+=("")
			[ -n "$w" ] && split+=("$w")
		done
		words=("${split[@]}")
	fi
	COMP_WORDS=("${words[@]}")
	COMP_CWORD=$((${#words[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	"$func" ktcp "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd ' ' -
}

# expect LINE EXPECTED [split]
expect() {
	local got
	got=$(complete_line "$1" "${3:-}")
	if [ "$got" = "$2" ]; then
		ok
	else
		bad "'$1'${3:+ (split at =)}: got '$got', expected '$2'"
	fi
}

# --- registration -----------------------------------------------------------
reg=$(complete -p ktcp 2>&1)
func=$(awk '{ for (i = 1; i < NF; i++) if ($i == "-F") print $(i + 1) }' <<<"$reg")
if [ -n "$func" ] && declare -F "$func" >/dev/null; then
	ok
else
	bad "complete -p ktcp: '$reg' names no function"
	echo "0 passed, 1 failed"
	exit 1
fi

# --- the CLI's own tables -----------------------------------------------------
# Long options of one getopt table macro in cli.h, or of the struct option
# tables of a file, as "--name" or "--name=" (required_argument).
opts_of() {
	awk '{
		while (match($0, /\{ "[a-z-]+", (no|required)_argument/)) {
			s = substr($0, RSTART, RLENGTH)
			split(s, f, "\"")
			print "--" f[2] (s ~ /required/ ? "=" : "")
			$0 = substr($0, RSTART + RLENGTH)
		}
	}'
}
macro_opts() { # NAME
	sed -n "/^#define $1\b/,/[^\\\\]\$/p" "$cli/cli.h" | opts_of
}
cli_opts() { # FILE
	local f=$1
	{
		sed -n '/struct option .*\[\] = {/,/^};/p' "$f" | opts_of
		grep -q 'CLI_COMMON_OPTS,' "$f" && macro_opts CLI_COMMON_OPTS
		grep -q 'CLI_SETTINGS_OPTS,' "$f" && macro_opts CLI_SETTINGS_OPTS
	} | sort | paste -sd ' ' -
}
commands=()
for f in "$cli"/*.c; do
	name=$(sed -n '/^const struct cli_cmd cmd_/,/^};/s/.*\.name = "\([a-z]*\)".*/\1/p' "$f")
	[ -n "$name" ] || continue
	commands+=("$name")
	want=$(cli_opts "$f")
	[ -n "$want" ] || { bad "$f: no options found for $name"; continue; }
	expect "ktcp $name --" "$want"
	expect "ktcp $name -" "$want"
done
if [ ${#commands[@]} -ge 9 ]; then
	ok
else
	bad "found only ${#commands[@]} subcommands in $cli: ${commands[*]}"
fi
all=$(printf '%s\n' "${commands[@]}" help genl | sort | paste -sd ' ' -)
expect "ktcp " "$all"
expect "ktcp -j " "$all"
expect "ktcp genl " "$(printf '%s\n' "${commands[@]}" help | sort | paste -sd ' ' -)"
expect "ktcp help " "$(printf '%s\n' "${commands[@]}" | sort | paste -sd ' ' -)"
expect "ktcp -" "$(sed -n '/static const struct option opts\[\]/,/};/p' \
	"$cli/main.c" | opts_of | sort | paste -sd ' ' -)"

# --- subcommands and global options --------------------------------------------
expect "ktcp st" "start stats stop"
expect "ktcp --pretty -j s" "save services set start stats stop"
expect "ktcp genl sta" "start stats"
expect "ktcp genl genl " ""
expect "ktcp help st" "start stats stop"
expect "ktcp help stop " ""
expect "ktcp nosuch " ""

# --- option values -------------------------------------------------------------
expect "ktcp start --w" "--wq="
expect "ktcp start --wq " "percpu unbound"
expect "ktcp start -w p" "percpu"
expect "ktcp start --wq=" "--wq=percpu --wq=unbound"
expect "ktcp start --wq=u" "--wq=unbound"
expect "ktcp start --wq=" "percpu unbound" split
expect "ktcp start --wq=p" "percpu" split
expect "ktcp start --root $tmp/www/p" "$tmp/www/priv $tmp/www/pub"
expect "ktcp start --root=$tmp/www/pr" "--root=$tmp/www/priv"
expect "ktcp start --port " ""
expect "ktcp start --listing --m" "--max-conns= --max-header= --max-mem= --max-request-line="
expect "ktcp set 1 --max-m" "--max-mem="
expect "ktcp set 1 --cp" "--cpus="
expect "ktcp start echo --port 7 --cp" "--cpus="
expect "ktcp set 1 --cpus " ""
expect "ktcp start --root /srv --he" "--head-timeout= --help"
expect "ktcp start --root /srv --n" "--no-sendfile"
expect "ktcp start --root /srv --us" "--user="
expect "ktcp start --user roo" "root"
expect "ktcp start --user=roo" "--user=root"
expect "ktcp monitor --count " ""
expect "ktcp log --" "--buffer= --count= --help --json --pretty --server="
expect "ktcp log --count " ""
expect "ktcp log -b " ""
expect "ktcp drop --state " "all close-wait closing established fin-wait-1 fin-wait-2 last-ack syn-recv syn-sent time-wait"
expect "ktcp drop --state fin" "fin-wait-1 fin-wait-2"
expect "ktcp drop --state time-wait,es" "time-wait,established"
expect "ktcp drop --state=time-wait,cl" "--state=time-wait,close-wait --state=time-wait,closing"
expect "ktcp drop --state=syn-sent,syn-r" "syn-sent,syn-recv" split
expect "ktcp drop --d" "--dport= --dry-run --dst="
expect "ktcp drop --dry-run " ""

# --- services: `ktcp services` plus the two that load on demand ----------------
: >"$STUB_LOG"
expect "ktcp start " "echo foo http"
expect "ktcp start f" "foo"
expect "ktcp genl start " "echo foo http"
expect "ktcp start --port 8080 --wq percpu " "echo foo http"
expect "ktcp start -P 8080 -w percpu e" "echo"
expect "ktcp start -p 8080 " "echo foo http"
expect "ktcp start --port=8080 " "echo foo http" split
expect "ktcp start echo " ""
expect "ktcp start echo --port 1 " ""
if grep -qx services "$STUB_LOG"; then
	ok
else
	bad "the stub's 'ktcp services' was never called"
fi
STUB_SERVICES=fail
expect "ktcp start " "echo http"
STUB_SERVICES='echo foo'

# --- server IDs from `ktcp list --json`, compact or spaced ------------------------
STUB_LIST='[{"id":1,"service":"echo","port":7,"stats":{"accepted":3}},{"id":12,"service":"http","opts":{"root":"/srv/\"id\": 5"}}]'
expect "ktcp stop " "1 12"
expect "ktcp stop 1" "1 12"
expect "ktcp stop 12 " ""
expect "ktcp set " "1 12"
expect "ktcp set 1 --po" "--port="
expect "ktcp set 1 --addr ::1 " ""
expect "ktcp set --port 99 " "1 12"
expect "ktcp set -p 99 " "1 12"
expect "ktcp list " "1 12"
expect "ktcp stats --reset " "1 12"
expect "ktcp log --server " "1 12"
expect "ktcp log -s 1" "1 12"
expect "ktcp log --server=1" "--server=1 --server=12"
expect "ktcp log --server 1 " ""
expect "ktcp top --server " "1 12"
expect "ktcp top -s 1" "1 12"
expect "ktcp top --server=1" "--server=1 --server=12"
expect "ktcp top -d " ""
expect "ktcp top -d 1 --o" "--once"
expect "ktcp top -n 3 " ""
expect "ktcp genl stop " "1 12"
STUB_LIST='[ { "id": 3, "service": "echo" }, { "id": 40, "service": "echo" } ]'
expect "ktcp stop " "3 40"
expect "ktcp services " ""
expect "ktcp monitor " ""

# --- without the module: no calls, no IDs, the on-demand services ---------------
loaded=0
: >"$STUB_LOG"
expect "ktcp stop " ""
expect "ktcp start " "echo http"
if [ -s "$STUB_LOG" ]; then
	bad "ktcp was run without the module: $(cat "$STUB_LOG")"
else
	ok
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
