// SPDX-License-Identifier: GPL-2.0-only
/* Entity tags; the rules are in http_etag.h. */
#include "http_etag.h"

/* Lower-case hex of @n without leading zeros ("0" for 0) at @p. */
static int put_hex(char *p, u64 n)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[16];
	int i = 0, len;

	do {
		tmp[i++] = hex[n & 15];
		n >>= 4;
	} while (n);
	len = i;
	while (i)
		*p++ = tmp[--i];
	return len;
}

int khttpd_etag_format(s64 mtime, u64 size, char *buf)
{
	int n = 0;

	buf[n++] = '"';
	n += put_hex(buf + n, (u64)mtime);
	buf[n++] = '-';
	n += put_hex(buf + n, size);
	buf[n++] = '"';
	buf[n] = '\0';
	return n;
}

/* etagc: %x21 / %x23-7E / obs-text */
static bool etagc(u8 c)
{
	return c == 0x21 || (c >= 0x23 && c != 0x7f);
}

/*
 * An entity tag at v[*i]; *i moves past it. The opaque tag, quotes
 * included, is returned in *op and *oplen; *weak says whether "W/" came
 * before it. False if there is none.
 */
static bool read_tag(const char *v, size_t len, size_t *i, const char **op,
		     size_t *oplen, bool *weak)
{
	size_t p = *i, start;

	*weak = false;
	if (p + 1 < len && v[p] == 'W' && v[p + 1] == '/') {
		*weak = true;
		p += 2;
	}
	if (p >= len || v[p] != '"')
		return false;
	start = p++;
	while (p < len && etagc(v[p]))
		p++;
	if (p >= len || v[p] != '"')
		return false;
	p++;
	*op = v + start;
	*oplen = p - start;
	*i = p;
	return true;
}

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

enum khttpd_etag_match khttpd_etag_list(const char *v, size_t len,
					const char *etag, size_t etag_len,
					bool strong)
{
	enum khttpd_etag_match ret = KHTTPD_ETAG_NONE;
	const char *op;
	size_t i = 0, oplen;
	bool weak;

	while (len && ows(v[len - 1]))
		len--;
	while (i < len && ows(v[i]))
		i++;
	if (len - i == 1 && v[i] == '*')
		return KHTTPD_ETAG_MATCH;
	while (i < len) {
		/* empty elements: ", ," */
		if (v[i] == ',' || ows(v[i])) {
			i++;
			continue;
		}
		if (!read_tag(v, len, &i, &op, &oplen, &weak))
			return KHTTPD_ETAG_INVALID;
		if (oplen == etag_len && !memcmp(op, etag, etag_len) &&
		    !(strong && weak))
			ret = KHTTPD_ETAG_MATCH;
		while (i < len && ows(v[i]))
			i++;
		if (i < len && v[i] != ',')
			return KHTTPD_ETAG_INVALID;
	}
	return ret;
}

bool khttpd_taglist_match(const struct khttpd_taglist *l, const char *etag,
			  size_t etag_len, bool strong)
{
	bool match = false;
	u32 i;

	if (l->lines > KHTTPD_TAG_LINES)
		return false;
	for (i = 0; i < l->lines; i++) {
		switch (khttpd_etag_list(l->line[i].p, l->line[i].len, etag,
					 etag_len, strong)) {
		case KHTTPD_ETAG_INVALID:
			return false;
		case KHTTPD_ETAG_MATCH:
			match = true;
			break;
		default:
			break;
		}
	}
	return match;
}

bool khttpd_etag_is_tag(const char *v, size_t len)
{
	return len && (v[0] == '"' || (len > 1 && v[0] == 'W' && v[1] == '/'));
}

bool khttpd_etag_strong_eq(const char *v, size_t len, const char *etag,
			   size_t etag_len)
{
	const char *op;
	size_t i = 0, oplen;
	bool weak;

	if (!read_tag(v, len, &i, &op, &oplen, &weak) || i != len || weak)
		return false;
	return oplen == etag_len && !memcmp(op, etag, etag_len);
}
