// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for khttpd's pure HTTP code. Beyond "no crash, no
 * sanitizer report" it checks the properties the server relies on, and
 * aborts when one fails:
 * - a head length is within the input and within max_header_bytes, and
 *   every string the parser returns lies inside the head;
 * - a prefix of the input answers 0 or what the whole answers;
 * - pipelined requests are parsed one after another (advancing by head and
 *   Content-Length body), as the server will;
 * - a decoded path starts with '/', has no "." or ".." segment, no "//",
 *   no control byte, and fits len + 2;
 * - a Range answer lies within the size;
 * - a parsed date formats back to a date that parses to the same time;
 * - If-None-Match and If-Match lines lie inside the head, and evaluating
 *   them (and
 *   any input as a tag list or an If-Range tag) stays within them.
 * The input is run under tight and default limits, so the limit paths are
 * reached too.
 */
#define _GNU_SOURCE /* memmem() */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_date.h"
#include "http_etag.h"
#include "http_parser.h"
#include "http_path.h"
#include "http_range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static void check_str(const struct khttpd_str *s, const char *buf, int head)
{
	if (!s->p) {
		CHECK(!s->len);
		return;
	}
	CHECK(s->p >= buf && s->p + s->len <= buf + head);
}

static void check_path(const struct khttpd_str *t)
{
	size_t size = t->len + 2, i, seg = 1;
	char *dst = malloc(size);
	bool dir;
	int n;

	CHECK(dst);
	n = khttpd_path_decode(t->p, t->len, dst, size, &dir);
	CHECK(n == -400 || n > 0);
	if (n > 0) {
		CHECK((size_t)n < size && dst[n] == '\0' && dst[0] == '/');
		CHECK(dir == (dst[n - 1] == '/'));
		for (i = 1; i <= (size_t)n; i++) {
			if (i < (size_t)n && dst[i] != '/') {
				CHECK((unsigned char)dst[i] >= 0x20 &&
				      dst[i] != 0x7f);
				continue;
			}
			/* the segment dst[seg..i) */
			CHECK(i > seg || i == (size_t)n);
			CHECK(!(i - seg == 1 && dst[seg] == '.'));
			CHECK(!(i - seg == 2 && dst[seg] == '.' &&
				dst[seg + 1] == '.'));
			seg = i + 1;
		}
	}
	free(dst);
}

static void check_range(const struct khttpd_str *r, uint64_t size)
{
	uint64_t start = 0, count = 0;

	if (khttpd_range_parse(r->p, r->len, size, &start, &count) ==
	    KHTTPD_RANGE_OK) {
		CHECK(count >= 1 && count <= size && start <= size - count);
	}
}

static void check_date(const char *s, size_t len)
{
	char buf[KHTTPD_DATE_LEN + 1];
	s64 t, back;

	if (!khttpd_date_parse(s, len, &t))
		return;
	CHECK(t >= -62167219200LL && t <= 253402300799LL + 1);
	if (t < 0 || t > 253402300799LL)
		return; /* format clamps these */
	CHECK(khttpd_date_format(t, buf) == KHTTPD_DATE_LEN);
	CHECK(strlen(buf) == KHTTPD_DATE_LEN);
	CHECK(khttpd_date_parse(buf, KHTTPD_DATE_LEN, &back) && back == t);
}

static void check_taglist(const struct khttpd_taglist *l, const char *buf,
			  int head)
{
	CHECK(l->lines <= KHTTPD_TAG_LINES + 1);
	for (uint32_t i = 0; i < l->lines && i < KHTTPD_TAG_LINES; i++)
		check_str(&l->line[i], buf, head);
	khttpd_taglist_match(l, "\"0-0\"", 5, false);
	khttpd_taglist_match(l, "\"0-0\"", 5, true);
}

static void check_request(const struct khttpd_request *req, const char *buf,
			  int head)
{
	check_str(&req->method_name, buf, head);
	check_str(&req->target, buf, head);
	check_str(&req->host, buf, head);
	check_str(&req->ims, buf, head);
	check_str(&req->range, buf, head);
	CHECK(req->target.len > 0 && req->head_len == (uint32_t)head);
	CHECK(req->version_minor <= 1);
	CHECK(khttpd_method_status(req->method) != 501);
	check_path(&req->target);
	check_range(&req->range, 1000);
	check_range(&req->range, req->content_length);
	check_date(req->ims.p, req->ims.len);
	check_taglist(&req->inm, buf, head);
	check_taglist(&req->im, buf, head);
	CHECK(!!(req->present & KHTTPD_HDR_IF_NONE_MATCH) == !!req->inm.lines);
	CHECK(!!(req->present & KHTTPD_HDR_IF_MATCH) == !!req->im.lines);
	check_str(&req->ius, buf, head);
	check_str(&req->if_range, buf, head);
}

static bool is_status(int r)
{
	return r == -400 || r == -414 || r == -431 || r == -501 || r == -505;
}

static void run(const char *buf, size_t len, const struct khttpd_limits *lim,
		size_t split)
{
	struct khttpd_request req, part;
	size_t off = 0;
	int ret, pret;

	while (off < len) {
		ret = khttpd_parse_request(buf + off, len - off, lim, &req);
		CHECK(ret == 0 || ret > 0 || is_status(ret));
		/* a prefix answers 0 or the same */
		if (split <= len - off) {
			pret = khttpd_parse_request(buf + off, split, lim,
						    &part);
			CHECK(pret == 0 || pret == ret);
			if (pret > 0)
				CHECK(!memcmp(&part, &req, sizeof(req)));
		}
		if (ret <= 0)
			return;
		CHECK((size_t)ret <= len - off &&
		      (u32)ret <= lim->max_header_bytes);
		check_request(&req, buf + off, ret);
		if (req.content_length > len - off - ret)
			return;
		off += ret + req.content_length;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct khttpd_limits tight = { 24, 96, 4 };
	static const struct khttpd_limits deflt = {
		KHTTPD_DEFAULT_MAX_REQUEST_LINE,
		KHTTPD_DEFAULT_MAX_HEADER_BYTES,
		KHTTPD_DEFAULT_MAX_HEADERS,
	};
	const char *buf = (const char *)data;
	size_t split = size ? data[size - 1] % (size + 1) : 0;

	run(buf, size, &deflt, split);
	run(buf, size, &tight, split);
	/* the helpers on their own, on raw input */
	check_date(buf, size);
	{
		struct khttpd_str s = { buf, size };

		if (size && data[0] == '/')
			check_path(&s);
		check_range(&s, size);
		if (khttpd_etag_list(buf, size, "\"0-0\"", 5, false) ==
		    KHTTPD_ETAG_MATCH)
			CHECK(memmem(buf, size, "\"0-0\"", 5) ||
			      memchr(buf, '*', size));
		if (khttpd_etag_strong_eq(buf, size, "\"0-0\"", 5))
			CHECK(size == 5 && !memcmp(buf, "\"0-0\"", 5));
	}
	return 0;
}
