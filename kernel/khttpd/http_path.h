/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From a request target to the path khttpd looks up beneath its root.
 * Pure C like http_parser.h.
 *
 * The target is percent-decoded exactly once, and every decision is made on
 * the decoded bytes, so that no spelling of a name means something the
 * checks did not see:
 * - origin-form ("/a/b?q") and absolute-form ("http://host/a/b?q", scheme
 *   http or https, any case; RFC 9112 3.2.2) are accepted; the query is
 *   dropped. Anything else ("*", "host:443", "a/b") is 400.
 * - A raw '#' (a fragment, which clients never send) is 400, as is any byte
 *   outside 0x21-0x7e.
 * - "%XX" with two hex digits (either case) decodes to one byte; a '%' not
 *   followed by two hex digits is 400. A decoded control character (%00 to
 *   %1F, %7F) is 400: no file we serve needs one, and a CR or LF could
 *   reach a response header (the Location of a 301).
 * - A decoded '/' (%2F) is 400. A name cannot contain '/', so %2F could
 *   only mean a separator, and two spellings of one separator is how
 *   traversal filters get bypassed ("..%2f").
 * - A "." or ".." segment, after decoding, is 400. It is refused, not
 *   resolved: clients remove dot segments before sending (RFC 3986 5.2.4),
 *   so only a hostile or careless one sends them.
 * - Empty segments collapse: "//a///b" is "/a/b".
 *
 * The result always starts with '/' and is NUL-terminated. It ends with
 * '/' exactly when the target path does (the root "/" included), which
 * *dir reports: a directory asked for without it gets a 301.
 */
#ifndef KHTTPD_HTTP_PATH_H
#define KHTTPD_HTTP_PATH_H

#include "http_types.h"

/**
 * khttpd_path_decode() - decode and check the path of a request target
 * @target: the raw request target (khttpd_request.target)
 * @len: its length
 * @dst: where the decoded path goes, NUL-terminated
 * @size: size of @dst; len + 2 is always enough
 * @dir: set to whether the path ends in '/'
 *
 * Return: the length of the decoded path (>= 1, without the NUL), -400 for
 * a target refused as described above, or -414 if @dst is too small.
 */
int khttpd_path_decode(const char *target, size_t len, char *dst, size_t size,
		       bool *dir);

/**
 * khttpd_path_encode() - percent-encode a decoded path for a URL
 * @path: a path as khttpd_path_decode() returns it (starts with one '/')
 * @len: its length
 * @dst: where the encoded path goes, NUL-terminated
 * @size: size of @dst; 3 * len + 1 is always enough
 *
 * '/' and the unreserved characters stay, every other byte becomes "%XX".
 * What comes out is a path that a browser resolves on the same host: it
 * starts with exactly one '/' ("//host" would name another host) and has
 * no ':' before it (nor anywhere: a scheme).
 *
 * Return: the length written (without the NUL), or -1 if @size is too small.
 */
int khttpd_path_encode(const char *path, size_t len, char *dst, size_t size);

#endif /* KHTTPD_HTTP_PATH_H */
