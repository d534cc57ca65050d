#!/bin/bash
# Self-test: the module takes two mutexes in both orders; lockdep (debug
# kernels) must report it and the host fail the run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe faultmod kind=lockdep || fail "modprobe faultmod kind=lockdep"
