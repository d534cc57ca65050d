#!/bin/sh
# Print the C program of a man page: the .EX/.EE block that follows the
# line '.\" The lint (scripts/lint.sh) compiles the program below.', with
# the roff escapes it uses (\e \- \(aq \(dq \&) turned back into C.
#
# Usage: man-example.sh PAGE [MARK] >FILE.c
# MARK: another marker's text (after '.\" '), for the shell examples that
# tests/cli/test.sh runs, e.g. 'tests/cli/test.sh runs the command below.'
# The build compiles docs/ktcp.7's program (it runs in the VM tests) and
# the lint compiles it with -Werror, so the page cannot show code that
# does not build.
set -eu
case ${1:-} in
'' | -h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
	[ -n "${1:-}" ]; exit ;;
esac
page=$1
mark=${2:-The lint (scripts/lint.sh) compiles the program below.}
[ -r "$page" ] || { echo "man-example: cannot read $page" >&2; exit 1; }
out=$(MARK=".\\\" $mark" awk '
	$0 == ENVIRON["MARK"] { want = 1; next }
	want && /^\.EX/ { inside = 1; next }
	inside && /^\.EE/ { exit }
	inside { print }
' "$page" | sed 's/\\e/\\/g; s/\\-/-/g; s/\\(aq/'"'"'/g; s/\\(dq/"/g; s/\\&//g')
[ -n "$out" ] || { echo "man-example: $page has no marked program" >&2; exit 1; }
printf '%s\n' "$out"
