#!/bin/bash
# Self-test: the module holds a reference on itself and cannot be unloaded;
# the host must fail the run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe faultmod kind=pin || fail "modprobe faultmod kind=pin"
