#!/bin/bash
# Self-test: modprobe sleeps uninterruptibly in the module's init for 20 s;
# the hung task detector (5 s here) must report it and the host fail the
# run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

echo 5 >/proc/sys/kernel/hung_task_timeout_secs ||
	fail "cannot set hung_task_timeout_secs"
modprobe faultmod kind=hung ms=20000 || fail "modprobe faultmod kind=hung"
