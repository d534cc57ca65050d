#!/bin/bash
# Self-test: a failing test must fail the run.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

assert_eq "$(uname -s)" NotLinux "deliberate self-test failure"
