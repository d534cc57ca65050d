/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Access records as text: the Combined Log Format of Apache and nginx
 * (what GoAccess, AWStats and log shippers read) and JSON. Pure: no
 * netlink.
 */
#ifndef KTCP_CLI_ACCESSLOG_H
#define KTCP_CLI_ACCESSLOG_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/ktcp.h>
#include <ktcp.h>

struct json_object;

/*
 * Room for any line accesslog_clf() writes: every byte of the strings
 * may take 4 ("\xHH").
 */
#define ACCESSLOG_LINE_MAX                                       \
	(4 * (KTCP_ACCESS_TARGET_MAX + KTCP_ACCESS_REFERER_MAX + \
	      KTCP_ACCESS_USER_AGENT_MAX) +                      \
	 256)

/*
 * Copy @len bytes of @p to @out as nginx escapes its log: a byte below
 * 0x20 or above 0x7e, and the backslash, as "\xHH"; with @quote also the
 * double quote (inside a quoted field of a log line). @out has room for
 * 4 * @len + 1 bytes; it is NUL-terminated. Returns its length.
 */
size_t accesslog_escape(char *out, const char *p, size_t len, bool quote);

/*
 * One line of the Combined Log Format, newline included, into @out
 * (ACCESSLOG_LINE_MAX bytes), the time in the local time zone:
 *   ADDR - - [05/Dec/2026:03:20:00 +0000] "GET /a HTTP/1.1" 200 512 "REF" "UA"
 * A record without a request has "-" as its request line, a missing
 * Referer or User-Agent "-". Returns the line's length.
 */
size_t accesslog_clf(char *out, const struct ktcp_log_record *r);

/* The record as a JSON object (docs/json.md), or NULL without memory. */
struct json_object *accesslog_json(const struct ktcp_log_record *r);

#endif /* KTCP_CLI_ACCESSLOG_H */
