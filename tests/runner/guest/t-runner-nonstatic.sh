#!/bin/bash
# Self-test: the module takes a spinlock lockdep was never told about;
# lockdep (debug kernels) reports a non-static key and turns itself off, and
# the host must fail the run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe faultmod kind=nonstatic || fail "modprobe faultmod kind=nonstatic"
