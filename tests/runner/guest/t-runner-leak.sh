#!/bin/bash
# Self-test: the module leaks; kmemleak (debug kernels) must report it.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe leakmod || fail "modprobe leakmod"
modprobe -r leakmod || fail "modprobe -r leakmod"
# Orphans, in a session of their own so that the runner's cleanup leaves
# them, exiting one after another every 0.2 s for 15 s while the VM's
# last kmemleak scans run: each exit signals PID 1 (SIGCHLD), and a scan
# asked for by a task with a signal pending stops without reporting.
# shellcheck disable=SC2016 # expanded by that sh
setsid sh -c 'for i in $(seq 75); do sleep "$((i / 5)).$((i % 5 * 2))" & done' \
	</dev/null >/dev/null 2>&1 &
