#!/bin/bash
# Self-test: the module indexes past an array; UBSAN (debug kernels) must report
# it and the host fail the run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe faultmod kind=ubsan || fail "modprobe faultmod kind=ubsan"
