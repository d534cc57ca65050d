/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Range request header (RFC 9110 14.2), single byte ranges only. Pure C
 * like http_parser.h.
 *
 * "bytes=a-b", "bytes=a-" and "bytes=-n" (the unit in any case) select one
 * range of a representation of a given size. Everything else, a list of
 * ranges included, is ignored and the whole representation is served with
 * 200, which RFC 9110 14.2 allows ("A server MAY ignore the Range header
 * field"); so is a syntactically invalid range such as "bytes=5-3" or one
 * with spaces.
 *
 * A number too large for a u64 reads as 2^64 - 1, larger than any file, so
 * "bytes=99999999999999999999999-" is unsatisfiable and
 * "bytes=0-99999999999999999999999" is the whole file, as their values say.
 *
 * Unsatisfiable (416, with "Content-Range: bytes * / size"): a first
 * position at or past the end, a suffix length of 0, or any range of an
 * empty representation (there is no byte to select).
 */
#ifndef KHTTPD_HTTP_RANGE_H
#define KHTTPD_HTTP_RANGE_H

#include "http_types.h"

enum khttpd_range {
	KHTTPD_RANGE_IGNORE = 0, /* serve everything, 200 */
	KHTTPD_RANGE_OK, /* serve *start, *count: 206 */
	KHTTPD_RANGE_UNSATISFIABLE, /* 416 */
};

/**
 * khttpd_range_parse() - which bytes does a Range header select?
 * @v: the field value (khttpd_request.range), whitespace trimmed
 * @len: its length
 * @size: size of the representation
 * @start: first byte, set for KHTTPD_RANGE_OK
 * @count: number of bytes (>= 1), set for KHTTPD_RANGE_OK
 *
 * Return: what to answer, see enum khttpd_range. For KHTTPD_RANGE_OK,
 * *start + *count <= @size.
 */
enum khttpd_range khttpd_range_parse(const char *v, size_t len, u64 size,
				     u64 *start, u64 *count);

#endif /* KHTTPD_HTTP_RANGE_H */
