#!/bin/bash
# make lint: clang-format, cppcheck, checkpatch, shellcheck and the man
# pages (groff warnings; ktcp.7's program must compile). Runs every
# check, then fails if any failed. Files: tracked ones plus new files not yet
# ignored, so a check before the first commit sees them too.
#
# checkpatch.pl (kernel/ only; CHECKPATCH=path, see the Makefile) ignores:
#   LINUX_VERSION_CODE  ktcp is out of tree and builds for 6.1 and 6.12, so
#                       version checks are how it bridges API changes
#   FILE_PATH_CHANGES   asks for MAINTAINERS updates; not a kernel tree
#   CONSTANT_COMPARISON flags `LINUX_VERSION_CODE >= KERNEL_VERSION(...)`,
#                       the idiom itself
#   SPLIT_STRING        meant for log messages, which must stay greppable;
#                       ours are none, only khttpd's HTML pages are split
#   SPDX_LICENSE_TAG is kept: every kernel file states its licence.
#
# A tool that is missing fails its check: a check that cannot run must not
# look like one that passed. LINT_SKIP (comma-separated: clang-format,
# checkpatch) is the explicit opt-out for one that is knowingly absent, and
# the output says it was skipped.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
CHECKPATCH=${CHECKPATCH:-}
LINT_SKIP=${LINT_SKIP:-}
failed=()

# missing TOOL HOW: TOOL cannot run; fails the lint unless LINT_SKIP names it.
missing() {
	case ,$LINT_SKIP, in
	*,"$1",*)
		echo "lint: $1 skipped: not available ($2), and LINT_SKIP=$LINT_SKIP"
		;;
	*)
		echo "lint: $1 is not available ($2); LINT_SKIP=$1 skips it"
		failed+=("$1")
		;;
	esac
}

files() {
	git ls-files --cached --others --exclude-standard -- "$@" |
		while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done
}

mapfile -t csrc < <(files '*.c' '*.h')
mapfile -t usrc < <(files 'userspace/*.c' 'userspace/*.h' 'tests/*.c' 'tests/*.h' |
	grep -v '^tests/runner/')
mapfile -t ksrc < <(files 'kernel/*.c' 'kernel/*.h')
mapfile -t shsrc < <(files '*.sh' '*.bash' scripts/vm/init .ci/run)
mapfile -t mansrc < <(files 'docs/*.[1-8]')

# One line per file; `clang-format FILE | diff -u FILE -` shows the changes.
if ! command -v clang-format >/dev/null; then
	missing clang-format "make deps installs it"
else
	echo "lint: clang-format (${#csrc[@]} files)"
	bad=0
	for f in ${csrc[@]+"${csrc[@]}"}; do
		n=$(clang-format --dry-run "$f" 2>&1 | grep -c 'clang-format-violations' || true)
		if [ "$n" -ne 0 ]; then
			echo "  $f: $n place(s) not clang-formatted"
			bad=1
		fi
	done
	if [ $bad -ne 0 ]; then
		failed+=(clang-format)
		echo "lint: 'make format' fixes the formatting"
	fi
fi

echo "lint: cppcheck (${#usrc[@]} files)"
# Unit tests and tools see the library and the UAPI the way the build does.
if [ ${#usrc[@]} -gt 0 ] && ! cppcheck --quiet --error-exitcode=1 \
	--enable=warning,performance,portability --inline-suppr \
	--std=c11 -D__GNUC__ -I include/uapi -I userspace/libktcp \
	-I userspace/common -I userspace/cli -I userspace/tools \
	"${usrc[@]}"; then
	failed+=(cppcheck)
fi

if [ -z "$CHECKPATCH" ] || [ ! -r "$CHECKPATCH" ]; then
	missing checkpatch "no checkpatch.pl: Debian's headers lack it; unpack or build the debug kernel (make debug-kernel), or pass CHECKPATCH="
elif [ ${#ksrc[@]} -gt 0 ]; then
	echo "lint: checkpatch (${#ksrc[@]} files, $CHECKPATCH)"
	if ! perl "$CHECKPATCH" --no-tree --terse --file --show-types \
		--ignore LINUX_VERSION_CODE,FILE_PATH_CHANGES,CONSTANT_COMPARISON,SPLIT_STRING "${ksrc[@]}"; then
		failed+=(checkpatch)
	fi
fi

echo "lint: shellcheck (${#shsrc[@]} files)"
if [ ${#shsrc[@]} -gt 0 ] && ! shellcheck -x "${shsrc[@]}"; then
	failed+=(shellcheck)
fi

echo "lint: man pages (${#mansrc[@]} files)"
# Every groff warning (-ww) counts, as `man` would hide them.
bad=0
for f in ${mansrc[@]+"${mansrc[@]}"}; do
	out=$(groff -man -Tutf8 -ww -z "$f" 2>&1)
	if [ -n "$out" ]; then
		echo "  $f: groff warns:"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad=1
	fi
done
# The libnl client printed in ktcp(7) must compile as shown.
example=$(mktemp "${TMPDIR:-/tmp}/ktcp-man-example.XXXXXX.c")
# shellcheck disable=SC2046 # pkg-config prints one flag per word
if ! scripts/man-example.sh docs/ktcp.7 >"$example" ||
	! cc -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror \
		-Iinclude/uapi -fsyntax-only \
		$(pkg-config --cflags libnl-genl-3.0) "$example"; then
	echo "  docs/ktcp.7: its example program does not compile"
	bad=1
fi
rm -f "$example"
[ $bad -eq 0 ] || failed+=(man)

if [ ${#failed[@]} -gt 0 ]; then
	echo "lint: FAILED: ${failed[*]}"
	exit 1
fi
echo "lint: clean"
