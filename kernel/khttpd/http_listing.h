/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pieces of a directory listing that do not need the kernel: escaping
 * a name for HTML and for a URL, one entry's table row, the order of the
 * entries. Pure C like http_parser.h, so the unit tests run exactly this.
 *
 * A listing is a table with one row per entry, as nginx's autoindex
 * shows it: the name as a link (a directory's with a '/' after it), its
 * modification time as an IMF-fixdate (the format of Last-Modified, in
 * GMT), its size in bytes ("-" for a directory):
 *
 *   <tr><td><a href="a%20b.txt">a b.txt</a></td>
 *   <td>Sun, 06 Nov 1994 08:49:37 GMT</td><td>1234</td></tr>
 *
 * (one line in the page). Directories come first, then files, each in
 * byte order of their names (strcmp(), so "B" before "a" and UTF-8 by code
 * point), as nginx sorts them.
 *
 * Links are relative and percent-encode every byte but the unreserved
 * ASCII characters (RFC 3986: A-Z a-z 0-9 - . _ ~), so any name, UTF-8 or
 * not, with '#', '?', '%', ':' or quotes, leads back to the file. The
 * classes are khttpd's own ASCII ones (http_types.h), never ctype, whose
 * kernel version takes 0xC0-0xFF for letters (Latin-1).
 */
#ifndef KHTTPD_HTTP_LISTING_H
#define KHTTPD_HTTP_LISTING_H

#include "http_types.h"

/* One entry, as the listing shows it. */
struct khttpd_dirent {
	const char *name; /* not NUL-terminated */
	size_t len;
	bool dir;
	u64 size; /* not shown for a directory */
	s64 mtime; /* seconds since the epoch */
};

/**
 * khttpd_html_escape() - text for an HTML page
 * @s: the text; @n: its length
 * @dst: at least 6 * @n bytes; not NUL-terminated
 *
 * '&', '<', '>', '"' and '\'' become character references, so the text
 * can go between tags and into attribute values.
 *
 * Return: the bytes written.
 */
size_t khttpd_html_escape(const char *s, size_t n, char *dst);

/**
 * khttpd_name_encode() - a file name as a relative URL
 * @s: the name; @n: its length
 * @dst: at least 3 * @n bytes; not NUL-terminated
 *
 * Every byte but the unreserved ASCII ones becomes "%XX" (upper-case hex),
 * '/' and ':' included: the result is one path segment, never a scheme.
 *
 * Return: the bytes written.
 */
size_t khttpd_name_encode(const char *s, size_t n, char *dst);

/* The most khttpd_listing_row() writes for any name of @namelen bytes. */
static inline size_t khttpd_listing_row_max(size_t namelen)
{
	return 128 + 9 * namelen;
}

/**
 * khttpd_listing_row_room() - the most a row for this name can take
 * @name: the name; @len: its length
 *
 * Return: at most khttpd_listing_row_max(@len), and no less than
 * khttpd_listing_row() writes for @name, whatever the size and time.
 */
size_t khttpd_listing_row_room(const char *name, size_t len);

/**
 * khttpd_listing_row() - one entry's table row, with its newline
 * @e: the entry
 * @dst: khttpd_listing_row_max(@e->len) bytes; not NUL-terminated
 *
 * Return: the bytes written.
 */
size_t khttpd_listing_row(const struct khttpd_dirent *e, char *dst);

/**
 * khttpd_listing_cmp() - the order of a listing
 *
 * Return: < 0 when @a comes before @b, > 0 after, 0 for the same name.
 */
int khttpd_listing_cmp(const struct khttpd_dirent *a,
		       const struct khttpd_dirent *b);

#endif /* KHTTPD_HTTP_LISTING_H */
