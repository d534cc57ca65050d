#!/bin/bash
# Every module we built loads and unloads cleanly, alone and in order.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

release=$(uname -r)
mods=()
for f in /lib/modules/"$release"/extra/*.ko; do
	[ -e "$f" ] && mods+=("$(basename "$f" .ko)")
done
[ ${#mods[@]} -gt 0 ] || fail "no modules of ours in /lib/modules/$release/extra"
for m in "${mods[@]}"; do
	modprobe "$m" || fail "modprobe $m"
	grep -q "^$m " /proc/modules || fail "$m not in /proc/modules"
done
for m in "${mods[@]}"; do
	# modprobe -r also removes dependencies that became unused.
	if grep -q "^$m " /proc/modules; then
		modprobe -r "$m" || fail "modprobe -r $m"
	fi
done
for m in "${mods[@]}"; do
	grep -q "^$m " /proc/modules && fail "$m still loaded"
done
true
