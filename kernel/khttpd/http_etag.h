/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entity tags (RFC 9110 8.8.3) and the fields that carry them: If-Match
 * (13.1.1), If-None-Match (13.1.2) and If-Range (13.1.5). Pure C like
 * http_parser.h.
 *
 * khttpd's tag for a file is the one nginx sends: the modification time
 * in seconds and the size, both in lower-case hex without leading zeros,
 * joined by '-' and quoted: "5f5e1000-1a". It is sent as a strong tag, as
 * nginx does; it changes whenever the size or the second of the last
 * modification does, which is what Last-Modified promises too.
 *
 * Grammar (RFC 9110 8.8.3, 5.6.1): entity-tag = [ "W/" ] DQUOTE *etagc
 * DQUOTE, etagc = %x21 / %x23-7E / obs-text; "W/" is case-sensitive.
 * If-None-Match and If-Match are "*" or a comma list of entity tags,
 * whitespace and empty elements allowed around the commas. A field value
 * that is neither (an unquoted tag, junk between tags, "*" in a list) is
 * invalid and matches nothing: for If-None-Match the full response goes
 * out, which is never wrong, and its presence still disables
 * If-Modified-Since (RFC 9110 13.1.3); for If-Match the answer is 412.
 */
#ifndef KHTTPD_HTTP_ETAG_H
#define KHTTPD_HTTP_ETAG_H

#include "http_parser.h"

/* The longest tag khttpd makes: two 16-digit numbers, '-', quotes, NUL. */
#define KHTTPD_ETAG_SIZE (2 * 16 + 3 + 1)

/**
 * khttpd_etag_format() - the entity tag of a file
 * @mtime: its modification time, seconds since the epoch (taken as
 *         unsigned 64 bits when negative, as nginx prints it)
 * @size: its size
 * @buf: KHTTPD_ETAG_SIZE bytes; gets the quoted tag and a NUL
 *
 * Return: the tag's length, without the NUL.
 */
int khttpd_etag_format(s64 mtime, u64 size, char *buf);

/* What khttpd_etag_list() found. */
enum khttpd_etag_match {
	KHTTPD_ETAG_INVALID = -1, /* the value is not "*" or a list */
	KHTTPD_ETAG_NONE = 0, /* a valid list without the tag */
	KHTTPD_ETAG_MATCH = 1, /* "*", or the tag is in the list */
};

/**
 * khttpd_etag_list() - does an If-None-Match or If-Match value name a tag?
 * @v: one field value ("*" or a list of entity tags), not NUL-terminated
 * @len: its length
 * @etag: the representation's (strong) tag, quotes included
 * @etag_len: its length
 * @strong: strong comparison (If-Match), else weak (If-None-Match)
 *
 * RFC 9110 8.8.3.2: a member matches when its opaque tag equals @etag;
 * weakly with or without "W/", strongly only without. "*" matches any
 * representation.
 *
 * Return: see enum khttpd_etag_match.
 */
enum khttpd_etag_match khttpd_etag_list(const char *v, size_t len,
					const char *etag, size_t etag_len,
					bool strong);

/**
 * khttpd_taglist_match() - does an If-None-Match or If-Match match a tag?
 * @l: the field's lines (khttpd_request.inm or .im)
 * @etag: the representation's tag; @etag_len: its length
 * @strong: as for khttpd_etag_list()
 *
 * The field lines are one list (RFC 9110 5.3): true when one of them
 * matches and none is invalid, and there were not too many of them.
 * False without any line.
 */
bool khttpd_taglist_match(const struct khttpd_taglist *l, const char *etag,
			  size_t etag_len, bool strong);

/**
 * khttpd_etag_is_tag() - is an If-Range value an entity tag?
 * @v: the value; @len: its length
 *
 * Return: true when @v starts like one ('"' or "W/"): it is then compared
 * as a tag, and anything else as an HTTP-date (RFC 9110 13.1.5).
 */
bool khttpd_etag_is_tag(const char *v, size_t len);

/**
 * khttpd_etag_strong_eq() - strong comparison (RFC 9110 8.8.3.2)
 * @v: an entity tag as received (If-Range); @len: its length
 * @etag: the representation's strong tag; @etag_len: its length
 *
 * Return: true only when @v is a valid strong tag equal to @etag; a weak
 * tag never matches.
 */
bool khttpd_etag_strong_eq(const char *v, size_t len, const char *etag,
			   size_t etag_len);

#endif /* KHTTPD_HTTP_ETAG_H */
