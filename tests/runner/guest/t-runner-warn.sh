#!/bin/bash
# Self-test: the module warns on load. The test itself passes; the host must
# still fail the run from the kernel log.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe warnmod || fail "modprobe warnmod"
