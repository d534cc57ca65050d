#!/bin/sh
# Run each unit test binary given as an argument; fail if any fails.
#
# Tests run with CK_FORK=yes so that a crash fails one test, not the run.
# KTCP_VALGRIND=1 runs them under valgrind instead (CK_FORK=no, so that
# valgrind sees the tests themselves), failing on any error or leak.
set -u

[ $# -gt 0 ] || { echo "usage: $0 TEST..." >&2; exit 2; }

failed=0
for t in "$@"; do
	echo "== $t"
	if [ "${KTCP_VALGRIND:-0}" = 1 ]; then
		CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full \
			--show-leak-kinds=definite,indirect,possible \
			--errors-for-leak-kinds=definite,indirect,possible \
			"$t"
	else
		CK_FORK=yes "$t"
	fi
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: $t (exit $rc)" >&2
		failed=1
	fi
done
[ $failed -eq 0 ] && echo "unit tests: all passed"
exit $failed
