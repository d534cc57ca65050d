# shellcheck shell=bash
# Bash completion for ktcp(8). Installed as
# share/bash-completion/completions/ktcp; or source it by hand.
#
# Completes subcommands (also after "genl" and "help"), each subcommand's
# options (as in userspace/cli/*.c), --wq and --state values (--state takes
# a comma-separated list), --root directories, --user names, service names
# for `start`, server IDs for stop/set/list/stats and the --server of log
# and top, files for apply. Names and IDs come from the
# kernel only when the ktcp module is already loaded: pressing Tab never
# loads a module. Without it there are no servers, and the services are
# the two that load on demand, echo and http.

# Options of each subcommand; "=" marks one that takes a value. -g:
# bash-completion sources this file inside a function.
_ktcp_common_opts='--json --pretty --help'
_ktcp_settings_opts='--port= --addr= --backlog= --max-conns= --idle-timeout= --max-mem= --cpus='
declare -gA _ktcp_opts=(
	[start]="$_ktcp_common_opts $_ktcp_settings_opts --listeners= --wq= --root= --listing --keepalive-max= --max-request-line= --max-header= --head-timeout= --no-sendfile --user="
	[stop]="$_ktcp_common_opts"
	[set]="$_ktcp_common_opts $_ktcp_settings_opts"
	[list]="$_ktcp_common_opts"
	[stats]="$_ktcp_common_opts --reset --format="
	[services]="$_ktcp_common_opts"
	[monitor]="$_ktcp_common_opts --count="
	[log]="$_ktcp_common_opts --server= --count= --buffer="
	[top]="$_ktcp_common_opts --delay= --iterations= --once --server="
	[drop]="$_ktcp_common_opts --state= --src= --dst= --sport= --dport= --limit= --dry-run"
	[version]="$_ktcp_common_opts"
	[apply]="$_ktcp_common_opts --dry-run --stop"
	[save]="$_ktcp_common_opts"
)
# Short options that take a value (getopt strings in userspace/cli/*.c).
declare -gA _ktcp_short_args=(
	[start]='p P a b m t l w' [set]='p P a b m t' [monitor]='c'
	[log]='s c b' [top]='d n s'
	[stats]='f'
)
# The one operand: what it is, and whether it may be left out.
declare -gA _ktcp_operand=(
	[start]=service [stop]=id [set]=id [list]=id [stats]=id [apply]=file
)
_ktcp_commands='start stop set list stats services monitor log top drop version apply save help genl'
_ktcp_global_opts='--json --pretty --help --version'
# `ktcp drop --state`: ss's names (libktcp's ktcp_tcp_states_parse()).
_ktcp_states='all established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait close-wait last-ack closing'

# True when the kernel has the ktcp family; tests replace this function.
_ktcp_loaded() {
	[ -d /sys/module/ktcp ]
}

# _ktcp_services KTCP: registered services, plus those that load on demand.
_ktcp_services() {
	local names=''
	_ktcp_loaded && names=$("$1" services 2>/dev/null)
	# shellcheck disable=SC2086 # one name per word
	printf '%s\n' $names echo http | sort -u
}

# _ktcp_ids KTCP: the IDs of this netns's servers (`ktcp list --json`).
_ktcp_ids() {
	_ktcp_loaded || return 0
	"$1" list --json 2>/dev/null | grep -o '"id": *[0-9]*' | grep -o '[0-9]*$'
}

# Does option $2 of subcommand $1 take a value?
_ktcp_takes_value() {
	local cmd=$1 opt=$2 o
	case $opt in
	--*=*) return 1 ;;
	--*)
		for o in ${_ktcp_opts[$cmd]}; do
			[ "$o" = "$opt=" ] && return 0
		done
		return 1 ;;
	-?)
		for o in ${_ktcp_short_args[$cmd]:-}; do
			[ "-$o" = "$opt" ] && return 0
		done
		return 1 ;;
	esac
	return 1
}

# Complete the value $2 of option $1 of subcommand $cmd (into COMPREPLY).
_ktcp_value() {
	local opt=$1 cur=$2 head=''
	case $cmd:$opt in
	log:--server | log:-s | top:--server | top:-s)
		mapfile -t COMPREPLY < <(compgen -W "$(_ktcp_ids "$ktcp")" -- "$cur") ;;
	*) _ktcp_value_of "$opt" "$cur" ;;
	esac
	return 0
}

_ktcp_value_of() {
	local opt=$1 cur=$2 head=''
	case $opt in
	--wq | -w)
		mapfile -t COMPREPLY < <(compgen -W 'unbound percpu' -- "$cur") ;;
	--format | -f)
		mapfile -t COMPREPLY < <(compgen -W 'prometheus' -- "$cur") ;;
	--root)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		compopt -o filenames 2>/dev/null ;;
	--user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur") ;;
	--state)
		# The word so far is a list: complete its last element.
		[[ $cur == *,* ]] && head=${cur%,*},
		mapfile -t COMPREPLY < <(compgen -P "$head" -W "$_ktcp_states" \
			-- "${cur##*,}") ;;
	*) COMPREPLY=() ;;
	esac
	return 0
}

# Set cmd to the subcommand ("genl CMD" is CMD, genl=1 after a bare
# "genl") and nops to the number of its operands before the current word.
_ktcp_parse() {
	local i w
	cmd='' nops=0 genl=0
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [ -z "$cmd" ]; then
			case $w in
			-*) ;;
			genl) [ "$genl" -eq 1 ] && cmd=genl # "genl genl": an error
				genl=1 ;;
			*) cmd=$w ;;
			esac
			continue
		fi
		# An option's value: "--opt value", or "--opt = value" when
		# COMP_WORDBREAKS split "--opt=value".
		if _ktcp_takes_value "$cmd" "$w"; then
			i=$((i + 1))
			[ "${COMP_WORDS[i]:-}" = = ] && i=$((i + 1))
			continue
		fi
		case $w in
		-) nops=$((nops + 1)) ;; # drop's "read tuples from stdin"
		-* | =) ;;
		*) [ "${COMP_WORDS[i - 1]}" = = ] || nops=$((nops + 1)) ;;
		esac
	done
}

_ktcp() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local ktcp=${COMP_WORDS[0]} cmd nops genl opt
	COMPREPLY=()
	command -v "$ktcp" >/dev/null 2>&1 || ktcp=ktcp
	_ktcp_parse

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]] && [ "$genl" -eq 0 ]; then
			mapfile -t COMPREPLY < <(compgen -W "$_ktcp_global_opts" -- "$cur")
		elif [ "$genl" -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -W "${_ktcp_commands% genl}" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_ktcp_commands" -- "$cur")
		fi
		return 0
	fi
	if [ "$cmd" = help ]; then
		[ "$nops" -eq 0 ] &&
			mapfile -t COMPREPLY < <(compgen -W "${!_ktcp_opts[*]}" -- "$cur")
		return 0
	fi
	[ -n "${_ktcp_opts[$cmd]+set}" ] || return 0

	# An option's value: "--opt=VALUE" in one word or split at "=" by
	# COMP_WORDBREAKS, "--opt VALUE", "-o VALUE".
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		_ktcp_takes_value "$cmd" "$opt" || return 0
		_ktcp_value "$opt" "${cur#*=}"
		[ ${#COMPREPLY[@]} -eq 0 ] ||
			mapfile -t COMPREPLY < <(printf '%s\n' "${COMPREPLY[@]/#/$opt=}")
		return 0
	fi
	if [ "$cur" = = ]; then
		_ktcp_takes_value "$cmd" "$prev" && _ktcp_value "$prev" ''
		return 0
	fi
	if [ "$prev" = = ] && [ "$COMP_CWORD" -ge 3 ]; then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
		_ktcp_takes_value "$cmd" "$opt" && _ktcp_value "$opt" "$cur"
		return 0
	fi
	if _ktcp_takes_value "$cmd" "$prev"; then
		_ktcp_value "$prev" "$cur"
		return 0
	fi

	if [[ $cur == -* ]]; then
		# An option that takes a value completes as "--opt=".
		mapfile -t COMPREPLY < <(compgen -W "${_ktcp_opts[$cmd]}" -- "$cur")
		[ ${#COMPREPLY[@]} -eq 1 ] && [[ ${COMPREPLY[0]} == *= ]] &&
			compopt -o nospace 2>/dev/null
		return 0
	fi
	case ${_ktcp_operand[$cmd]:-}:$nops in
	service:0)
		mapfile -t COMPREPLY < <(compgen -W "$(_ktcp_services "$ktcp")" -- "$cur") ;;
	id:0)
		mapfile -t COMPREPLY < <(compgen -W "$(_ktcp_ids "$ktcp")" -- "$cur") ;;
	file:0)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null ;;
	esac
	return 0
}
complete -F _ktcp ktcp
