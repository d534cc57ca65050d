#!/bin/bash
# Self-test: the module turns lockdep off without a word (debug kernels);
# only the checkers' state at the end shows it, and the host must fail the
# run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe faultmod kind=lockdep_off || fail "modprobe faultmod kind=lockdep_off"
