#!/bin/bash
# khttpd validators: a strong ETag of mtime and size (as nginx makes it),
# If-None-Match (weak comparison, "*", lists, over If-Modified-Since),
# If-Match and If-Unmodified-Since (412), If-Range with an entity tag
# (strong comparison), 304s carrying the ETag, no Last-Modified after the
# response's Date.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
# shellcheck source=tests/vm/http-lib.sh
. /tests/http-lib.sh
need ktcp jq curl stat
need_module ktcp khttpd

www=/tmp/www-validators
rm -rf "$www"
mkdir -p "$www/dir"
printf 'hello, validators\n' >"$www/f.txt"
printf '<p>index</p>\n' >"$www/dir/index.html"
http_start --root "$www" --listing

# etag FILE : the ETag nginx would send for FILE.
etag() {
	printf '"%x-%x"' "$(stat -c %Y "$1")" "$(stat -c %s "$1")"
}

# head_of PATH [CURL ARGS...] : the response head of a GET of PATH.
head_of() {
	local path=$1
	shift
	curl -s -D - -o /dev/null "$@" "$URL$path" | tr -d '\r'
}

et=$(etag "$www/f.txt")
r=$(head_of /f.txt)
assert_eq "$(status_line "$r")" "HTTP/1.1 200 OK"
assert_eq "$(header "$r" ETag)" "$et" "ETag of a file"
lm=$(header "$r" Last-Modified)
assert_eq "$(header "$(curl -s -I "$URL/f.txt")" ETag)" "$et" "ETag on HEAD"
# index.html served for its directory: the file's tag
assert_eq "$(header "$(head_of /dir/)" ETag)" "$(etag "$www/dir/index.html")" \
	"ETag of an index.html"

# If-None-Match: 304 with the ETag, no body and no Content-Length
r=$(curl -s -i -H "If-None-Match: $et" "$URL/f.txt" | tr -d '\r')
assert_eq "$(status_line "$r")" "HTTP/1.1 304 Not Modified" "INM: the tag"
assert_eq "$(header "$r" ETag)" "$et" "ETag of a 304"
assert_eq "$(header "$r" Last-Modified)" "$lm" "Last-Modified of a 304"
assert_eq "$(header "$r" Content-Length)" "" "Content-Length of a 304"
assert_eq "$(printf '%s\n' "$r" | sed '1,/^$/d')" "" "body of a 304"
# weak comparison, lists, "*", and HEAD
expect_code /f.txt 304 -H "If-None-Match: W/$et"
expect_code /f.txt 304 -H "If-None-Match: \"x\", W/\"y\",$et"
expect_code /f.txt 304 -H "If-None-Match: *"
expect_code /f.txt 304 -I -H "If-None-Match: $et"
# a list spread over two field lines is one list
expect_code /f.txt 304 -H 'If-None-Match: "x"' -H "If-None-Match: $et"
# no match: the file
expect_code /f.txt 200 -H 'If-None-Match: "x"'
expect_code /f.txt 200 -H "If-None-Match: \"${et//\"/}0\""
expect_code /f.txt 200 -H 'If-None-Match: "x", W/"y"'

# If-None-Match is evaluated instead of If-Modified-Since (RFC 9110
# 13.1.3, 13.2.2): a tag that does not match wins over a date that would
# give 304, even when the tag is junk; a match wins over an old date.
expect_code /f.txt 200 -H 'If-None-Match: "x"' -H "If-Modified-Since: $lm"
expect_code /f.txt 200 -H 'If-None-Match: junk' -H "If-Modified-Since: $lm"
expect_code /f.txt 304 -H "If-None-Match: $et" \
	-H "If-Modified-Since: Thu, 01 Jan 1998 00:00:00 GMT"
# without If-None-Match, If-Modified-Since as before
expect_code /f.txt 304 -H "If-Modified-Since: $lm"

# If-Match (RFC 9110 13.1.1): strong comparison, "*", lists; false is 412.
expect_code /f.txt 200 -H "If-Match: $et"
expect_code /f.txt 200 -H "If-Match: \"x\", $et"
expect_code /f.txt 200 -H "If-Match: *"
expect_code /f.txt 206 -r 0-4 -H "If-Match: $et"
r=$(head_of /f.txt -H 'If-Match: "x"')
assert_eq "$(status_line "$r")" "HTTP/1.1 412 Precondition Failed" "If-Match"
expect_code /f.txt 412 -H "If-Match: W/$et"
expect_code /f.txt 412 -I -H 'If-Match: "x"'
expect_code /f.txt 412 -H 'If-Match: junk'
# If-Unmodified-Since (13.1.4): 412 when modified after the date; ignored
# when invalid or when If-Match is there; before If-None-Match.
expect_code /f.txt 200 -H "If-Unmodified-Since: $lm"
expect_code /f.txt 412 -H "If-Unmodified-Since: Thu, 01 Jan 1998 00:00:00 GMT"
expect_code /f.txt 200 -H "If-Unmodified-Since: not a date"
expect_code /f.txt 200 -H "If-Match: $et" \
	-H "If-Unmodified-Since: Thu, 01 Jan 1998 00:00:00 GMT"
expect_code /f.txt 412 -H 'If-Match: "x"' -H "If-None-Match: $et"
expect_code /f.txt 304 -H "If-Match: $et" -H "If-None-Match: $et"
expect_code /f.txt 412 -H "If-Unmodified-Since: Thu, 01 Jan 1998 00:00:00 GMT" \
	-H "If-None-Match: $et"

# Preconditions apply only where the answer would be 2xx: a 404 stays 404,
# and a file the server may not read is 403, not a 304 that would tell its
# tag and date.
expect_code /nothing 404 -H "If-None-Match: *"
printf 'secret\n' >"$www/secret.txt"
chmod 000 "$www/secret.txt"
for h in "If-None-Match: *" "If-None-Match: $(etag "$www/secret.txt")" \
	"If-Modified-Since: Fri, 31 Dec 9999 23:59:59 GMT" 'If-Match: "x"'; do
	r=$(head_of /secret.txt -H "$h")
	assert_eq "$(status_line "$r")" "HTTP/1.1 403 Forbidden" "$h, unreadable"
	assert_eq "$(header "$r" ETag)$(header "$r" Last-Modified)" "" \
		"$h, unreadable"
done

# If-Range with a tag: strong comparison, so the range for the same tag,
# the whole file for a weak or another one.
r=$(head_of /f.txt -r 0-4 -H "If-Range: $et")
assert_eq "$(status_line "$r")" "HTTP/1.1 206 Partial Content" "If-Range: tag"
assert_eq "$(header "$r" ETag)" "$et" "ETag of a 206"
assert_eq "$(curl -s -r 0-4 -H "If-Range: $et" "$URL/f.txt")" hello \
	"If-Range bytes"
expect_code /f.txt 200 -r 0-4 -H "If-Range: W/$et"
expect_code /f.txt 200 -r 0-4 -H 'If-Range: "x"'
expect_code /f.txt 206 -r 0-4 -H "If-Range: $lm"

# The file changes: a new tag, and the old one no longer matches.
printf 'hello, validators, longer now\n' >"$www/f.txt"
et2=$(etag "$www/f.txt")
[ "$et2" != "$et" ] || fail "the tag did not change with the size"
assert_eq "$(header "$(head_of /f.txt)" ETag)" "$et2" "ETag after a change"
expect_code /f.txt 200 -H "If-None-Match: $et"
expect_code /f.txt 200 -r 0-4 -H "If-Range: $et"
expect_code /f.txt 304 -H "If-None-Match: $et, $et2"

# A file stamped in the future has the response's Date as Last-Modified
# (RFC 9110 8.8.2.1), and the conditions compare that: once the file is
# rewritten, a cache revalidating with it gets the new file, not a 304
# "not modified since 2099". The ETag keeps the stamp.
touch -d '2099-01-01 00:00:00' "$www/f.txt"
[ "$(stat -c %Y "$www/f.txt")" -gt "$(date +%s)" ] ||
	fail "the file system did not keep a stamp of 2099"
r=$(head_of /f.txt)
lm=$(header "$r" Last-Modified)
[ -n "$lm" ] || fail "no Last-Modified for a file stamped 2099"
[[ $lm != *2099* ]] || fail "Last-Modified $lm, after Date $(header "$r" Date)"
assert_eq "$(header "$r" ETag)" "$(etag "$www/f.txt")" "ETag of a file of 2099"
# not modified since 2050: the value sent is what is compared
expect_code /f.txt 304 -H "If-Modified-Since: Sat, 01 Jan 2050 00:00:00 GMT"
sleep 1
printf 'hello, rewritten\n' >"$www/f.txt"
expect_code /f.txt 200 -H "If-Modified-Since: $lm"

# A listing is generated: no ETag.
rm "$www/dir/index.html"
assert_eq "$(header "$(head_of /dir/)" ETag)" "" "ETag of a listing"
ktcp stop "$HTTP_ID"
rm -rf "$www"
