// SPDX-License-Identifier: GPL-2.0-only
/* Request target to path; the rules are in http_path.h. */
#include "http_path.h"

/* Where the path of an origin- or absolute-form target starts, or NULL. */
static const char *path_start(const char *t, const char *end)
{
	size_t n = end - t;

	if (n && t[0] == '/')
		return t;
	if (n >= 7 && khttpd_ieq(t, 7, "http://"))
		t += 7;
	else if (n >= 8 && khttpd_ieq(t, 8, "https://"))
		t += 8;
	else
		return NULL;
	/* Skip the authority; an absent path is "/" (RFC 9112 3.2.2). */
	while (t < end && *t != '/' && *t != '?' && *t != '#')
		t++;
	return t;
}

static int hex_value(u8 c)
{
	if (khttpd_is_digit(c))
		return c - '0';
	c = khttpd_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "." and ".." are refused rather than resolved. */
static bool dot_segment(const char *seg, size_t len)
{
	return (len == 1 && seg[0] == '.') ||
	       (len == 2 && seg[0] == '.' && seg[1] == '.');
}

/* Decode the byte at *p (a plain byte or "%XX"), advancing *p. */
static int next_byte(const char **p, const char *end, u8 *out)
{
	const char *s = *p;
	int hi, lo;

	if ((u8)*s < 0x21 || (u8)*s > 0x7e || *s == '#')
		return -400;
	if (*s != '%') {
		*out = *s;
		*p = s + 1;
		return 0;
	}
	if (end - s < 3)
		return -400;
	hi = hex_value(s[1]);
	lo = hex_value(s[2]);
	if (hi < 0 || lo < 0)
		return -400;
	*out = hi << 4 | lo;
	if (*out < 0x20 || *out == 0x7f || *out == '/')
		return -400;
	*p = s + 3;
	return 0;
}

int khttpd_path_decode(const char *target, size_t len, char *dst, size_t size,
		       bool *dir)
{
	const char *end, *p;
	size_t o, seg;
	u8 b;
	int ret;

	if (!len) /* before any pointer arithmetic: target may be NULL */
		return -400;
	end = target + len;
	p = path_start(target, end);
	if (!p)
		return -400;
	if (size < 2)
		return -414;
	dst[0] = '/';
	o = seg = 1; /* dst[seg..o) is the segment being decoded */
	while (p < end && *p != '?') {
		if (*p == '/') {
			p++;
			if (dot_segment(dst + seg, o - seg))
				return -400;
			if (o == seg)
				continue; /* empty segment: collapse */
			b = '/';
		} else {
			ret = next_byte(&p, end, &b);
			if (ret)
				return ret;
		}
		if (o + 1 >= size)
			return -414;
		dst[o++] = b;
		if (b == '/')
			seg = o;
	}
	if (dot_segment(dst + seg, o - seg))
		return -400;
	dst[o] = '\0';
	*dir = o == seg;
	return (int)o;
}

int khttpd_path_encode(const char *path, size_t len, char *dst, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;
	u8 c;

	for (i = 0; i < len; i++) {
		c = path[i];
		if (c == '/' || khttpd_is_unreserved(c)) {
			if (o + 1 >= size)
				return -1;
			dst[o++] = c;
			continue;
		}
		if (o + 3 >= size)
			return -1;
		dst[o++] = '%';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	if (o >= size)
		return -1;
	dst[o] = '\0';
	return (int)o;
}
