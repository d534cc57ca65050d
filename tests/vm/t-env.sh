#!/bin/bash
# The VM itself: tools the other tests rely on are real and work.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

need ip ss jq curl setpriv unshare nsenter timeout modprobe
# Real iproute2, not busybox's applet.
ip -V | grep -q iproute2 || fail "ip is not iproute2: $(ip -V 2>&1)"
ip -j link show lo | jq -e '.[0].operstate == "UNKNOWN" or .[0].operstate == "UP"' >/dev/null ||
	fail "lo is not up"
assert_eq "$(id -u)" 0 "tests run as root"
assert_eq "$(setpriv --reuid=65534 --regid=65534 --clear-groups id -u)" 65534 \
	"setpriv to nobody"
# By name: /etc/passwd and /etc/group must resolve through glibc.
assert_eq "$(setpriv --reuid=nobody --regid=nogroup --clear-groups id -u)" 65534 \
	"setpriv to nobody by name"
# A new network namespace has its own loopback.
unshare -n sh -c 'ip link set lo up && ip -4 addr show lo' | grep -q 127.0.0.1 ||
	fail "unshare -n"
expect_fail_with "not found|No such" modprobe ktcp_no_such_module
# Real kmod, not busybox: busybox's modprobe cannot read .ko.xz (6.12).
modprobe -V | grep -q kmod || fail "modprobe is not kmod's"
for f in /usr/sbin/* /usr/bin/* /sbin/* /bin/*; do
	[ -e "$f" ] || fail "dangling link $f"
done
