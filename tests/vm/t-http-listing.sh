#!/bin/bash
# khttpd directory listings as nginx's autoindex has them: a link to the
# parent (not at the root), each entry's modification time and size,
# directories first, then by name in byte order; entries that cannot be
# served left out.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq curl stat
need_module ktcp khttpd

www=/tmp/www-listing
rm -rf "$www"
mkdir -p "$www/d/sub" "$www/d/Zdir" "$www/d/a-dir"
printf '12345' >"$www/d/b.txt"
: >"$www/d/a.txt"
printf 'C' >"$www/d/C.txt"
printf 'u' >"$www/d/$(printf '\303\251').txt"
ln -s b.txt "$www/d/link-to-b"
ln -s /etc/passwd "$www/d/link-out"
ln -s nowhere "$www/d/dangling"
mkfifo "$www/d/fifo"
http_start --root "$www" --listing

r=$(curl -s -i "$URL/d/" | tr -d '\r')
assert_eq "$(status_line "$r")" "HTTP/1.1 200 OK"
# has_row NAME HREF WHAT : the listing has the table row of an entry, with
# its time as HTTP writes it and its size (a directory: "-"). Not from a
# command substitution, whose fail would not end the test.
has_row() {
	local f=$www/d/${1%/} lm size=-
	lm=$(date -u -d "@$(stat -L -c %Y "$f")" '+%a, %d %b %Y %H:%M:%S GMT')
	case $2 in */) ;; *) size=$(stat -L -c %s "$f") ;; esac
	assert_contains "$r" "$(printf '<tr><td><a href="%s">%s</a></td><td>%s</td><td>%s</td></tr>' \
		"$2" "$1" "$lm" "$size")" "$3"
}
has_row b.txt b.txt "row of a file"
has_row a.txt a.txt "row of an empty file"
has_row sub/ sub/ "row of a directory"
has_row link-to-b link-to-b "row of a symlink"
# ... the time the file's own Last-Modified has.
lm=$(header "$(curl -s -I "$URL/d/b.txt")" Last-Modified)
[ -n "$lm" ] || fail "no Last-Modified for b.txt"
assert_contains "$r" "<td>$lm</td><td>5</td>" "the time of b.txt"
assert_contains "$r" '<tr><td><a href="../">../</a></td><td></td><td></td></tr>' \
	"the parent's row"

# The order: the parent, directories, then files, each by name (bytes).
order=$(printf '%s\n' "$r" | grep -o '<a href="[^"]*"' | cut -d'"' -f2 |
	tr '\n' ' ')
assert_eq "$order" "../ Zdir/ a-dir/ sub/ C.txt a.txt b.txt link-to-b %C3%A9.txt " \
	"order of the listing"
# What would not be served is not listed.
for n in link-out dangling fifo; do
	case $r in *"$n"*) fail "$n is listed" ;; esac
done
expect_code /d/link-out 403
expect_code /d/fifo 403

# The root has no parent.
r=$(curl -s "$URL/")
assert_contains "$r" '<a href="d/">d/</a>'
case $r in *'href="../"'*) fail "a parent link at the root" ;; esac
# A deeper directory: its parent is one up, and the link works.
r=$(curl -s "$URL/d/sub/")
assert_contains "$r" '<a href="../">../</a>'
assert_contains "$(curl -s "$URL/d/sub/" | grep -o '<title>.*</title>')" \
	"Index of /d/sub/"

# --- a HEAD of a big listing is a run's worth of work ------------------------
# It builds the whole listing to send none of it. Counted by the bytes
# sent alone, a connection pipelining such HEADs would do 16 per run while
# the other connections of its CPU wait; the listing built counts as if
# sent, so each of them ends its run (the workqueue's tracepoint counts
# the runs).
mkdir "$www/big"
(cd "$www/big" && for i in $(seq 1000); do : >"file-$i.txt"; done)
len=$(curl -s "$URL/big/" | wc -c)
[ "$len" -gt 65536 ] || fail "the listing of 1000 files is $len bytes"
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T || fail "cannot mount tracefs"
echo 0 >$T/tracing_on
echo 0 >$T/options/record-cmd
echo 1 >$T/events/workqueue/workqueue_execute_start/enable
: >$T/trace
echo 1 >$T/tracing_on
n=20
heads=$(for _ in $(seq $((n - 1))); do
	printf 'HEAD /big/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'
done)
r=$(raw "${heads}HEAD /big/ HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
echo 0 >$T/tracing_on
assert_eq "$(printf '%s' "$r" | grep -c '^HTTP/1.1 200 OK')" $n \
	"answers to $n pipelined HEADs"
runs=$(grep -c 'function ktcp_conn_work\b' $T/trace || true)
echo "note: $n pipelined HEADs of a $len-byte listing took $runs runs"
[ "$runs" -ge $n ] || fail "$n HEADs of a $len-byte listing in $runs runs"
ktcp stop "$HTTP_ID"
rm -rf "$www"
