// SPDX-License-Identifier: GPL-2.0-only
/* Listing rows, escaping and order; the format is in http_listing.h. */
#include "http_date.h"
#include "http_listing.h"

static size_t put(char *dst, const char *s)
{
	size_t n = strlen(s);

	memcpy(dst, s, n);
	return n;
}

size_t khttpd_html_escape(const char *s, size_t n, char *dst)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			o += put(dst + o, "&amp;");
			break;
		case '<':
			o += put(dst + o, "&lt;");
			break;
		case '>':
			o += put(dst + o, "&gt;");
			break;
		case '"':
			o += put(dst + o, "&quot;");
			break;
		case '\'':
			o += put(dst + o, "&#39;");
			break;
		default:
			dst[o++] = s[i];
			break;
		}
	}
	return o;
}

size_t khttpd_name_encode(const char *s, size_t n, char *dst)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;
	u8 c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (khttpd_is_unreserved(c)) {
			dst[o++] = c;
			continue;
		}
		dst[o++] = '%';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	return o;
}

/* Decimal @n at @dst, at most 20 digits. */
static size_t put_u64(char *dst, u64 n)
{
	char tmp[20];
	size_t i = 0, len;
	u32 d;

	do {
		n = khttpd_div_u64_rem(n, 10, &d);
		tmp[i++] = '0' + d;
	} while (n);
	len = i;
	while (i)
		*dst++ = tmp[--i];
	return len;
}

size_t khttpd_listing_row(const struct khttpd_dirent *e, char *dst)
{
	const char *slash = e->dir ? "/" : "";
	size_t o = 0;

	o += put(dst + o, "<tr><td><a href=\"");
	o += khttpd_name_encode(e->name, e->len, dst + o);
	o += put(dst + o, slash);
	o += put(dst + o, "\">");
	o += khttpd_html_escape(e->name, e->len, dst + o);
	o += put(dst + o, slash);
	o += put(dst + o, "</a></td><td>");
	/* writes a NUL after the date, which the next put() overwrites */
	o += khttpd_date_format(e->mtime, dst + o);
	o += put(dst + o, "</td><td>");
	if (e->dir)
		dst[o++] = '-';
	else
		o += put_u64(dst + o, e->size);
	o += put(dst + o, "</td></tr>\n");
	return o;
}

size_t khttpd_listing_row_room(const char *name, size_t len)
{
	size_t room = 128 + 2 * len, i;

	for (i = 0; i < len; i++) {
		if (!khttpd_is_unreserved(name[i]))
			room += 2; /* %XX */
		if (name[i] == '"')
			room += 5; /* &quot; */
		else if (strchr("&<>'", name[i]) && name[i])
			room += 4; /* at most &amp; or &#39; */
	}
	return room;
}

int khttpd_listing_cmp(const struct khttpd_dirent *a,
		       const struct khttpd_dirent *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->dir != b->dir)
		return a->dir ? -1 : 1;
	c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}
