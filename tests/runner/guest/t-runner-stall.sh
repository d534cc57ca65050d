#!/bin/bash
# Self-test: the module spins with preemption off for 15 s; RCU (its stall
# timeout set to 3 s by the runner's --append) must report a stall and the
# host fail the run. The test itself passes.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe faultmod kind=stall ms=15000 || fail "modprobe faultmod kind=stall"
