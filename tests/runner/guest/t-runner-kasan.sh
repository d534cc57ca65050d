#!/bin/bash
# Self-test: the module reads past a buffer; KASAN (debug kernels) must report it
# and the host fail the run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe faultmod kind=kasan || fail "modprobe faultmod kind=kasan"
