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
# row NAME HREF : the table row of an entry, as the listing must have it
row() {
	local lm size=-
	lm=$(header "$(curl -s -I "$URL/d/$2")" Last-Modified)
	[ -n "$lm" ] || fail "no Last-Modified for $2"
	case $2 in */) ;; *) size=$(stat -L -c %s "$www/d/$1") ;; esac
	printf '<tr><td><a href="%s">%s</a></td><td>%s</td><td>%s</td></tr>' \
		"$2" "$1" "$lm" "$size"
}
assert_contains "$r" "$(row b.txt b.txt)" "row of a file"
assert_contains "$r" "$(row a.txt a.txt)" "row of an empty file"
assert_contains "$r" "$(row sub/ sub/)" "row of a directory"
assert_contains "$r" "$(row link-to-b link-to-b)" "row of a symlink"
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
ktcp stop "$HTTP_ID"
rm -rf "$www"
