#!/bin/bash
# Self-test: the module leaks; kmemleak (debug kernels) must report it.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe leakmod || fail "modprobe leakmod"
modprobe -r leakmod || fail "modprobe -r leakmod"
