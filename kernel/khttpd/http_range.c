// SPDX-License-Identifier: GPL-2.0-only
/* Single byte-range parsing; the rules are in http_range.h. */
#include "http_range.h"

/* 1*DIGIT at *p, saturating at 2^64 - 1; false if there is no digit. */
static bool read_pos(const char **p, const char *end, u64 *out)
{
	const char *s = *p;
	u64 n = 0;
	u8 d;

	while (s < end && khttpd_is_digit(*s)) {
		d = *s++ - '0';
		if (n > KHTTPD_U64_MAX / 10 ||
		    (n == KHTTPD_U64_MAX / 10 && d > KHTTPD_U64_MAX % 10))
			n = KHTTPD_U64_MAX; /* stays saturated */
		else
			n = n * 10 + d;
	}
	if (s == *p)
		return false;
	*p = s;
	*out = n;
	return true;
}

enum khttpd_range khttpd_range_parse(const char *v, size_t len, u64 size,
				     u64 *start, u64 *count)
{
	const char *p, *end;
	bool has_first, has_last;
	u64 first = 0, last = 0;

	/* Before any pointer arithmetic: an absent header is (NULL, 0). */
	if (len < 6 || !khttpd_ieq(v, 6, "bytes="))
		return KHTTPD_RANGE_IGNORE;
	p = v + 6;
	end = v + len;
	has_first = read_pos(&p, end, &first);
	if (p == end || *p != '-')
		return KHTTPD_RANGE_IGNORE;
	p++;
	has_last = read_pos(&p, end, &last);
	/* Trailing bytes: a list (",") or junk; both are ignored. */
	if (p != end || (!has_first && !has_last))
		return KHTTPD_RANGE_IGNORE;
	if (has_first && has_last && first > last)
		return KHTTPD_RANGE_IGNORE;

	if (!has_first) {
		/* Suffix: the last n bytes, all of them if n > size. */
		if (!last || !size)
			return KHTTPD_RANGE_UNSATISFIABLE;
		*count = last < size ? last : size;
		*start = size - *count;
		return KHTTPD_RANGE_OK;
	}
	if (first >= size)
		return KHTTPD_RANGE_UNSATISFIABLE;
	if (!has_last || last >= size)
		last = size - 1;
	*start = first;
	*count = last - first + 1;
	return KHTTPD_RANGE_OK;
}
