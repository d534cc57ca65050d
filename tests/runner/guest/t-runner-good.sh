#!/bin/bash
# Self-test: a clean module loads and unloads; the run must pass.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe goodmod || fail "modprobe goodmod"
grep -q '^goodmod ' /proc/modules || fail "goodmod not loaded"
modprobe -r goodmod || fail "modprobe -r goodmod"
