#!/bin/bash
# Self-test: the module leaks, then kmemleak is turned off before its final
# scan (debug kernels): the empty report must not pass the run.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

modprobe leakmod || fail "modprobe leakmod"
modprobe -r leakmod || fail "modprobe -r leakmod"
echo off >/sys/kernel/debug/kmemleak || fail "cannot turn kmemleak off"
