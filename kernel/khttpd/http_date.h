/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP-date (RFC 9110 5.6.7) to and from seconds since the Unix epoch,
 * without libc or kernel time functions (the kernel has no strptime), in
 * integer arithmetic on the proleptic Gregorian calendar. Pure C like
 * http_parser.h.
 *
 * Output is always IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
 * Input (If-Modified-Since) is any of the three forms a recipient must
 * accept:
 *   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
 *   RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT"
 *   asctime      "Sun Nov  6 08:49:37 1994"
 * Names are case-sensitive, as RFC 9110 says. The day name must be a day
 * name but need not match the date (it carries no information). RFC 850's
 * two-digit year is 1970-2069. Second 60 (a leap second) is accepted and
 * reads as the next second. Years 0000-9999 parse; dates before 1970 are
 * negative.
 */
#ifndef KHTTPD_HTTP_DATE_H
#define KHTTPD_HTTP_DATE_H

#include "http_types.h"

#define KHTTPD_DATE_LEN 29 /* strlen("Sun, 06 Nov 1994 08:49:37 GMT") */

/**
 * khttpd_date_format() - write an IMF-fixdate
 * @t: seconds since the epoch; clamped to 1970-01-01 .. 9999-12-31 so the
 *     result always has the fixed length
 * @buf: KHTTPD_DATE_LEN + 1 bytes; gets the date and a NUL
 *
 * Return: KHTTPD_DATE_LEN.
 */
int khttpd_date_format(s64 t, char *buf);

/**
 * khttpd_date_parse() - read an HTTP-date in any of the three forms
 * @s: the date (e.g. khttpd_request.ims), not NUL-terminated
 * @len: its length; nothing may precede or follow the date
 * @t: set to seconds since the epoch on success
 *
 * Return: true if @s is a valid date; false otherwise, and the caller
 * ignores the header (RFC 9110 13.1.3).
 */
bool khttpd_date_parse(const char *s, size_t len, s64 *t);

#endif /* KHTTPD_HTTP_DATE_H */
