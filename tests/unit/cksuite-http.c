// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's pure HTTP code: request parser (http_parser.c), target decoding
 * (http_path.c), Range (http_range.c), HTTP-date (http_date.c), entity
 * tags (http_etag.c), listing rows (http_listing.c) and the ASCII classes
 * they all use (http_types.h).
 *
 * Every request in the tables is also fed byte by byte, each prefix in a
 * heap buffer of exactly its size, so valgrind (KTCP_VALGRIND=1) sees any
 * read past the bytes received.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_date.h"
#include "http_etag.h"
#include "http_head.h"
#include "http_listing.h"
#include "http_parser.h"
#include "http_path.h"
#include "http_range.h"

#include "cksuites.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define OK 1 /* expected: the whole string is one request head */

static const struct khttpd_limits deflim = {
	KHTTPD_DEFAULT_MAX_REQUEST_LINE,
	KHTTPD_DEFAULT_MAX_HEADER_BYTES,
	KHTTPD_DEFAULT_MAX_HEADERS,
};

static void rebase_tags(struct khttpd_taglist *t, const char *s,
			const char *base)
{
	unsigned int i;

	for (i = 0; i < KHTTPD_TAG_LINES; i++)
		if (t->line[i].p)
			t->line[i].p = s + (t->line[i].p - base);
}

/*
 * Parse the first len bytes of s from a buffer of exactly len bytes. The
 * pointers into that buffer are rebased onto s, which outlives it: the
 * callers compare them.
 */
static int parse_n(const char *s, size_t len, const struct khttpd_limits *lim,
		   struct khttpd_request *req)
{
	char *copy = malloc(len ? len : 1);
	const char *base;
	int ret;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	ret = khttpd_parse_request(copy, len, lim, req);
	/* Rebase the pointers onto s, so that callers can compare them. */
	base = copy;
	if (ret > 0) {
		req->method_name.p = s + (req->method_name.p - base);
		req->target.p = s + (req->target.p - base);
		if (req->host.p)
			req->host.p = s + (req->host.p - base);
		if (req->ims.p)
			req->ims.p = s + (req->ims.p - base);
		if (req->range.p)
			req->range.p = s + (req->range.p - base);
		if (req->if_range.p)
			req->if_range.p = s + (req->if_range.p - base);
		rebase_tags(&req->inm, s, base);
		rebase_tags(&req->im, s, base);
	}
	free(copy);
	return ret;
}

static int parse(const char *s, struct khttpd_request *req)
{
	return parse_n(s, strlen(s), &deflim, req);
}

/*
 * Feeding a prefix must answer 0 or the final answer, and once it answers
 * it keeps answering the same, with the same result.
 */
static void check_incremental(const char *s, size_t len,
			      const struct khttpd_limits *lim)
{
	struct khttpd_request whole, part;
	int final = parse_n(s, len, lim, &whole);
	int prev = 0, ret;
	size_t k;

	for (k = 0; k <= len; k++) {
		ret = parse_n(s, k, lim, &part);
		ck_assert_msg(ret == 0 || ret == final,
			      "prefix %zu of '%.40s' gave %d, whole %d", k, s,
			      ret, final);
		ck_assert_msg(prev == 0 || ret == prev,
			      "prefix %zu of '%.40s' gave %d after %d", k, s,
			      ret, prev);
		if (final > 0) {
			ck_assert_int_eq(ret, k < (size_t) final ? 0 : final);
			if (ret > 0)
				ck_assert_mem_eq(&part, &whole, sizeof(whole));
		}
		prev = ret;
	}
}

static void expect(const char *s, int want, const struct khttpd_limits *lim)
{
	struct khttpd_request req;
	int ret = parse_n(s, strlen(s), lim ? lim : &deflim, &req);

	if (want == OK)
		want = (int)strlen(s);
	ck_assert_msg(ret == want, "'%s': got %d, want %d", s, ret, want);
	check_incremental(s, strlen(s), lim ? lim : &deflim);
}

#define H11 " HTTP/1.1\r\nHost: a\r\n"

static const struct {
	const char *req;
	int want;
} cases[] = {
	/* good */
	{ "GET /" H11 "\r\n", OK },
	{ "GET / HTTP/1.0\r\n\r\n", OK },
	{ "HEAD /x" H11 "\r\n", OK },
	{ "\r\n\r\nGET / HTTP/1.0\r\n\r\n", OK },
	{ "GET / HTTP/1.9\r\nHost: a\r\n\r\n", OK },
	{ "GET http://a/b" H11 "\r\n", OK },
	{ "OPTIONS *" H11 "\r\n", OK },
	{ "POST /" H11 "Content-Length: 5\r\n\r\n", OK },
	{ "GET / HTTP/1.1\r\nHost:a\r\n\r\n", OK },
	{ "GET / HTTP/1.1\r\nHost: \r\n\r\n", OK },
	{ "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", OK },
	{ "GET / HTTP/1.1\r\nHOST: a\r\n\r\n", OK },
	{ "GET /" H11 "X-Empty:\r\n\r\n", OK },
	{ "GET /" H11 "X:\t a b \t\r\n\r\n", OK },
	{ "GET /" H11 "X: caf\xc3\xa9\r\n\r\n", OK },
	{ "GET /" H11 "Connection: close\r\n\r\n", OK },
	{ "GET /" H11 "Connection: , Upgrade ,, keep-alive\r\n\r\n", OK },
	{ "GET /" H11 "Content-Length: 0\r\n\r\n", OK },
	{ "GET /" H11 "Content-Length: 18446744073709551615\r\n\r\n", OK },
	{ "GET /" H11 "Content-Length:  7 \r\n\r\n", OK },
	{ "GET /" H11 "Content-Length: 7\r\nContent-Length: 007\r\n\r\n", OK },
	{ "GET /" H11 "Transfer_Encoding: chunked\r\n\r\n", OK },
	{ "GET /~a!$&'()*+,;=:@-._%41?q=/?" H11 "\r\n", OK },
	{ "M-SEARCH *" H11 "\r\n", -501 },

	/* line endings */
	{ "GET / HTTP/1.1\nHost: a\n\n", -400 },
	{ "GET / HTTP/1.1\r\nHost: a\n\r\n", -400 },
	{ "GET /" H11 "\n", -400 },
	{ "\nGET / HTTP/1.0\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\rHost: a\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n", -400 },
	{ "GET /" H11 "X: a\rb\r\n\r\n", -400 },
	{ "GET /" H11 "\r\r\n", -400 },
	{ "\r\rGET / HTTP/1.0\r\n\r\n", -400 },

	/* control bytes (NUL: request_nul) */
	{ "GET /" H11 "X: a\x7f\r\n\r\n", -400 },
	{ "GET /" H11 "X: a\x01\r\n\r\n", -400 },
	{ "GET /a\x01 HTTP/1.0\r\n\r\n", -400 },
	{ "GET /a\x7f HTTP/1.0\r\n\r\n", -400 },
	{ "GET /a\x80 HTTP/1.0\r\n\r\n", -400 },
	{ "GET /a\tb HTTP/1.0\r\n\r\n", -400 },

	/* request line */
	{ "GET  / HTTP/1.0\r\n\r\n", -400 },
	{ " GET / HTTP/1.0\r\n\r\n", -400 },
	{ "GET / HTTP/1.0 \r\n\r\n", -400 },
	{ "GET /  HTTP/1.0\r\n\r\n", -400 },
	{ "GET\t/ HTTP/1.0\r\n\r\n", -400 },
	{ "GET /\r\n\r\n", -400 },
	{ "GET / \r\n\r\n", -400 },
	{ "GET\r\n\r\n", -400 },
	{ "GET / http/1.1\r\n\r\n", -400 },
	{ "GET / HTTP/1.10\r\n\r\n", -400 },
	{ "GET / HTTP/1\r\n\r\n", -400 },
	{ "GET / HTTP/11.1\r\n\r\n", -400 },
	{ "GET / HTTP/1.x\r\n\r\n", -400 },
	{ "GET / HTTP/2.0x\r\n\r\n", -400 },
	{ "GE(T / HTTP/1.0\r\n\r\n", -400 },
	{ "G@T / HTTP/1.0\r\n\r\n", -400 },
	{ "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", -400 },

	/* versions and methods */
	{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", -505 },
	{ "GET / HTTP/0.9\r\n\r\n", -505 },
	{ "GET / HTTP/3.1\r\n", -505 },
	{ "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", -505 },
	{ "FOO /" H11 "\r\n", -501 },
	{ "get /" H11 "\r\n", -501 },
	{ "FOO / HTTP/1.1\r\n\r\n", -400 }, /* no Host beats 501 */

	/* field lines */
	{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", -400 },
	{ "GET /" H11 "X: a\r\n b\r\n\r\n", -400 },
	{ "GET /" H11 "X: a\r\n\tb\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\n Host: a\r\n\r\n", -400 },
	{ "GET /" H11 ": a\r\n\r\n", -400 },
	{ "GET /" H11 "Ho(st: a\r\n\r\n", -400 },
	{ "GET /" H11 "Host\r\n\r\n", -400 },
	{ "GET /" H11 "X-\xc3\xa9: a\r\n\r\n", -400 },

	/* Host */
	{ "GET / HTTP/1.1\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\nX: a\r\n\r\n", -400 },
	{ "GET /" H11 "Host: a\r\n\r\n", -400 },
	{ "GET /" H11 "Host: b\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", -400 },
	{ "GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n", -400 },
	{ "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", -400 },

	/* Content-Length */
	{ "GET /" H11 "Content-Length:\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: +5\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: -5\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 5 5\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 0x10\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 1e3\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 5,5\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 5, 5\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 18446744073709551616\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 99999999999999999999999\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", -400 },
	{ "GET /" H11 "Content-Length: 5\r\ncontent-length: 50\r\n\r\n", -400 },

	/* Transfer-Encoding: smuggling and unsupported */
	{ "POST /" H11
	  "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
	  -400 },
	{ "POST /" H11
	  "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
	  -400 },
	{ "POST /" H11
	  "transfer-encoding: chunked\r\nContent-Length: 0\r\n\r\n",
	  -400 },
	{ "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", -400 },
	{ "POST /" H11 "Transfer-Encoding: chunked\r\n\r\n", -400 },
	{ "GET /" H11 "Transfer-Encoding: gzip\r\n\r\n", -400 },
	{ "GET /" H11 "Transfer-Encoding: x-gzip, chunked\r\n\r\n", -400 },
	{ "GET /" H11 "Transfer-Encoding: , ,chunked;a=b\r\n\r\n", -400 },
	{ "GET /" H11
	  "Transfer-Encoding: GZIP\r\nTransfer-Encoding: Chunked\r\n\r\n",
	  -400 },
	{ "GET /" H11 "Transfer-Encoding: @\r\n\r\n", -400 },
	{ "GET /" H11 "Transfer-Encoding: chunked, /\r\n\r\n", -400 },
	/* An unknown coding: 501 (RFC 9112 6.1), after the framing checks */
	{ "GET /" H11 "Transfer-Encoding: identity\r\n\r\n", -501 },
	{ "GET /" H11 "Transfer-Encoding: foo, chunked\r\n\r\n", -501 },
	{ "GET /" H11
	  "Transfer-Encoding: chunked\r\nTransfer-Encoding: br\r\n\r\n",
	  -501 },
	{ "GET /" H11 "Transfer-Encoding: gzipped\r\n\r\n", -501 },
	{ "GET /" H11 "Transfer-Encoding: foo\r\nContent-Length: 1\r\n\r\n",
	  -400 },
	{ "GET / HTTP/1.0\r\nTransfer-Encoding: foo\r\n\r\n", -400 },
	{ "GET /" H11 "Transfer-Encoding:\r\n\r\n", -400 },
	{ "GET /" H11 "Transfer-Encoding : chunked\r\n\r\n", -400 },
	{ "GET /" H11 "Transfer-Encoding: chunked\r\n chunked\r\n\r\n", -400 },

	/* Connection */
	{ "GET /" H11 "Connection: close foo\r\n\r\n", -400 },
	{ "GET /" H11 "Connection: \"close\"\r\n\r\n", -400 },
};

START_TEST(request_table)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *s = cases[i].req;
		size_t len = strlen(s);
		struct khttpd_request req;
		int want = cases[i].want == OK ? (int)len : cases[i].want;
		int ret = parse_n(s, len, &deflim, &req);

		ck_assert_msg(ret == want, "case %zu '%s': got %d want %d", i,
			      s, ret, want);
		check_incremental(s, len, &deflim);
	}
}
END_TEST

/* strlen() stops at the NUL: these need their real length. */
START_TEST(request_nul)
{
	static const char a[] = "G\0T / HTTP/1.0\r\n\r\n";
	static const char b[] = "GET /\0 HTTP/1.0\r\n\r\n";
	static const char c[] = "GET / HTTP/1.1\r\nHost: a\r\nX\0: a\r\n\r\n";
	static const char d[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";
	static const char e[] = "GET / HTTP/1.1\r\nHost: a\0\r\n\r\n";
	struct khttpd_request req;

	ck_assert_int_eq(parse_n(a, sizeof(a) - 1, &deflim, &req), -400);
	ck_assert_int_eq(parse_n(b, sizeof(b) - 1, &deflim, &req), -400);
	ck_assert_int_eq(parse_n(c, sizeof(c) - 1, &deflim, &req), -400);
	ck_assert_int_eq(parse_n(d, sizeof(d) - 1, &deflim, &req), -400);
	ck_assert_int_eq(parse_n(e, sizeof(e) - 1, &deflim, &req), -400);
	check_incremental(a, sizeof(a) - 1, &deflim);
	check_incremental(d, sizeof(d) - 1, &deflim);
}
END_TEST

static bool str_is(struct khttpd_str s, const char *want)
{
	return s.len == strlen(want) && !memcmp(s.p, want, s.len);
}

START_TEST(request_fields)
{
	static const char s[] =
		"GET /a/b?c=d HTTP/1.1\r\n"
		"host: example.com:8080\r\n"
		"Connection: Upgrade, Keep-Alive\r\n"
		"connection: CLOSE\r\n"
		"Content-Length: 0\r\n"
		"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT \r\n"
		"Range:\tbytes=0-99\r\n"
		"User-Agent: t\r\n"
		"\r\n";
	struct khttpd_request req;

	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.head_len, strlen(s));
	ck_assert_int_eq(req.method, KHTTPD_METHOD_GET);
	ck_assert(str_is(req.method_name, "GET"));
	ck_assert(str_is(req.target, "/a/b?c=d"));
	ck_assert_uint_eq(req.version_minor, 1);
	ck_assert(str_is(req.host, "example.com:8080"));
	ck_assert_uint_eq(req.conn, KHTTPD_CONN_CLOSE | KHTTPD_CONN_KEEP_ALIVE);
	ck_assert(!khttpd_keep_alive(&req));
	ck_assert_uint_eq(req.content_length, 0);
	ck_assert_uint_eq(req.present, KHTTPD_HDR_HOST |
					       KHTTPD_HDR_CONTENT_LENGTH |
					       KHTTPD_HDR_IF_MODIFIED_SINCE |
					       KHTTPD_HDR_RANGE);
	ck_assert(str_is(req.ims, "Sun, 06 Nov 1994 08:49:37 GMT"));
	ck_assert(str_is(req.range, "bytes=0-99"));
	ck_assert_uint_eq(req.nheaders, 7);
	check_incremental(s, strlen(s), &deflim);
}
END_TEST

START_TEST(request_duplicates)
{
	struct khttpd_request req;
	const char *s;

	/* IMS or Range twice: dropped, however many more follow. */
	s = "GET /" H11 "Range: bytes=0-1\r\nRange: bytes=2-3\r\n"
	    "Range: bytes=4-5\r\nIf-Modified-Since: x\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.present & KHTTPD_HDR_RANGE, 0);
	ck_assert_ptr_null(req.range.p);
	ck_assert(str_is(req.ims, "x"));
	ck_assert_uint_eq(req.present,
			  KHTTPD_HDR_HOST | KHTTPD_HDR_IF_MODIFIED_SINCE);

	/* If-Range twice: dropped, and Range with it, in either order. */
	s = "GET /" H11 "If-Range: \"a\"\r\nRange: bytes=0-1\r\n"
	    "If-Range: \"a\"\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.present, KHTTPD_HDR_HOST);
	ck_assert_ptr_null(req.range.p);
	ck_assert_ptr_null(req.if_range.p);
	s = "GET /" H11 "If-Range: x\r\nIf-Range: x\r\nRange: bytes=0-1\r\n"
	    "\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.present, KHTTPD_HDR_HOST);
	/* Once, with Range: both kept. */
	s = "GET /" H11 "Range: bytes=0-1\r\nIf-Range: \"v1\"\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.present, KHTTPD_HDR_HOST | KHTTPD_HDR_RANGE |
					       KHTTPD_HDR_IF_RANGE);
	ck_assert(str_is(req.if_range, "\"v1\""));
	ck_assert(str_is(req.range, "bytes=0-1"));

	s = "GET /" H11 "If-Modified-Since: x\r\nIf-Modified-Since: x\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	/* dropped, and no internal bits left over */
	ck_assert_uint_eq(req.present, KHTTPD_HDR_HOST);
	ck_assert_uint_eq(req.ims.len, 0);

	s = "POST /" H11 "Content-Length: 42\r\nContent-Length: 42\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.content_length, 42);
}
END_TEST

/*
 * A refused request still says its method once its request line was read
 * that far: a HEAD's error response has no body.
 */
START_TEST(request_error_method)
{
	struct khttpd_request req;

	ck_assert_int_eq(parse("HEAD / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
			       &req),
			 -400);
	ck_assert_int_eq(req.method, KHTTPD_METHOD_HEAD);
	ck_assert_int_eq(parse("HEAD /\x01 HTTP/1.1\r\n\r\n", &req), -400);
	ck_assert_int_eq(req.method, KHTTPD_METHOD_HEAD);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
			       &req),
			 -400);
	ck_assert_int_eq(req.method, KHTTPD_METHOD_GET);
	/* Not even a method: none. */
	ck_assert_int_eq(parse("H(AD / HTTP/1.1\r\n\r\n", &req), -400);
	ck_assert_int_eq(req.method, KHTTPD_METHOD_UNKNOWN);
}
END_TEST

START_TEST(request_versions)
{
	struct khttpd_request req;

	ck_assert_int_gt(parse("GET / HTTP/1.0\r\n\r\n", &req), 0);
	ck_assert_uint_eq(req.version_minor, 0);
	ck_assert(!khttpd_keep_alive(&req));
	ck_assert_int_gt(
		parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &req),
		0);
	ck_assert(khttpd_keep_alive(&req));
	ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &req), 0);
	ck_assert_uint_eq(req.version_minor, 1);
	ck_assert(khttpd_keep_alive(&req));
	ck_assert_int_gt(parse("GET / HTTP/1.7\r\nHost: a\r\n\r\n", &req), 0);
	ck_assert_uint_eq(req.version_minor, 1);
	ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: a\r\n"
			       "Connection: close\r\n\r\n",
			       &req),
			 0);
	ck_assert(!khttpd_keep_alive(&req));
}
END_TEST

START_TEST(methods)
{
	static const struct {
		const char *name;
		enum khttpd_method m;
		int status;
	} t[] = {
		{ "GET", KHTTPD_METHOD_GET, 0 },
		{ "HEAD", KHTTPD_METHOD_HEAD, 0 },
		{ "POST", KHTTPD_METHOD_POST, 405 },
		{ "PUT", KHTTPD_METHOD_PUT, 405 },
		{ "DELETE", KHTTPD_METHOD_DELETE, 405 },
		{ "CONNECT", KHTTPD_METHOD_CONNECT, 405 },
		{ "OPTIONS", KHTTPD_METHOD_OPTIONS, 405 },
		{ "TRACE", KHTTPD_METHOD_TRACE, 405 },
		{ "PATCH", KHTTPD_METHOD_PATCH, 405 },
		{ "GETS", KHTTPD_METHOD_UNKNOWN, 501 },
		{ "GE", KHTTPD_METHOD_UNKNOWN, 501 },
		{ "Get", KHTTPD_METHOD_UNKNOWN, 501 },
		{ "PROPFIND", KHTTPD_METHOD_UNKNOWN, 501 },
		{ "!#$%&'*+-.^_`|~09azAZ", KHTTPD_METHOD_UNKNOWN, 501 },
	};
	struct khttpd_request req;
	char buf[128];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		snprintf(buf, sizeof(buf), "%s / HTTP/1.0\r\n\r\n", t[i].name);
		ret = parse(buf, &req);
		ck_assert_int_eq(req.method, t[i].m);
		ck_assert_int_eq(khttpd_method_status(t[i].m), t[i].status);
		ck_assert_int_eq(ret,
				 t[i].status == 501 ? -501 : (int)strlen(buf));
	}
}
END_TEST

START_TEST(pipelined)
{
	static const char s[] = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
				"POST /b HTTP/1.1\r\nHost: a\r\n"
				"Content-Length: 17\r\n\r\n"
				"GET /x HTTP/1.1\r\n" /* the body */
				"HEAD /c HTTP/1.0\r\n\r\n"
				"GET /d HTTP/1.1\r\nHo";
	struct khttpd_request req;
	size_t off = 0, len = sizeof(s) - 1;
	int ret;

	ret = parse_n(s + off, len - off, &deflim, &req);
	ck_assert_int_eq(ret, 28);
	ck_assert(str_is(req.target, "/a"));
	off += ret;

	ret = parse_n(s + off, len - off, &deflim, &req);
	ck_assert_int_gt(ret, 0);
	ck_assert_int_eq(req.method, KHTTPD_METHOD_POST);
	ck_assert(str_is(req.target, "/b"));
	ck_assert_uint_eq(req.content_length, 17);
	off += ret + req.content_length; /* the body is never a request */

	ret = parse_n(s + off, len - off, &deflim, &req);
	ck_assert_int_gt(ret, 0);
	ck_assert_int_eq(req.method, KHTTPD_METHOD_HEAD);
	ck_assert(str_is(req.target, "/c"));
	off += ret;

	ck_assert_int_eq(parse_n(s + off, len - off, &deflim, &req), 0);
	check_incremental(s, len, &deflim);
}
END_TEST

START_TEST(many_pipelined)
{
	static const char one[] = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
	char buf[100 * (sizeof(one) - 1)];
	struct khttpd_request req;
	size_t off = 0, n = 0;
	int ret;

	for (n = 0; n < 100; n++)
		memcpy(buf + n * (sizeof(one) - 1), one, sizeof(one) - 1);
	for (n = 0; off < sizeof(buf); n++) {
		ret = khttpd_parse_request(buf + off, sizeof(buf) - off,
					   &deflim, &req);
		ck_assert_int_eq(ret, sizeof(one) - 1);
		off += ret;
	}
	ck_assert_uint_eq(n, 100);
}
END_TEST

/* A request with a request line of line_len bytes and a head of head_len. */
static char *make_request(size_t line_len, size_t head_len)
{
	char *s = malloc(head_len + 1);
	size_t i, pad;

	ck_assert_ptr_nonnull(s);
	/* "GET /aaaa HTTP/1.0\r\n" "X: bbbb\r\n" "\r\n" */
	ck_assert_uint_ge(line_len, 14);
	ck_assert_uint_ge(head_len, line_len + 2 + 5 + 2);
	memcpy(s, "GET /", 5);
	for (i = 5; i < line_len - 9; i++)
		s[i] = 'a';
	memcpy(s + i, " HTTP/1.0\r\nX: ", 14);
	i += 14;
	pad = head_len - i - 4;
	memset(s + i, 'b', pad);
	memcpy(s + i + pad, "\r\n\r\n", 5);
	ck_assert_uint_eq(strlen(s), head_len);
	return s;
}

START_TEST(limits)
{
	const struct khttpd_limits lim = { 32, 128, 3 };
	struct khttpd_request req;
	char *s, *r;

	/* request line: at the limit, one over */
	s = make_request(32, 100);
	expect(s, OK, &lim);
	free(s);
	s = make_request(33, 100);
	expect(s, -414, &lim);
	s[20] = '\0'; /* a prefix within the limit just needs more */
	expect(s, 0, &lim);
	free(s);

	/* head: at the limit, one over */
	s = make_request(20, 128);
	expect(s, OK, &lim);
	free(s);
	s = make_request(20, 129);
	expect(s, -431, &lim);
	/* a full buffer without a complete head: 431 at once, not "more" */
	ck_assert_int_eq(khttpd_parse_request(s, 128, &lim, &req), -431);
	ck_assert_int_eq(khttpd_parse_request(s, 127, &lim, &req), 0);
	free(s);

	/* field lines: at the limit, one over */
	expect("GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", OK, &lim);
	expect("GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", -431,
	       &lim);

	/* a complete head within the limit is found in a longer buffer */
	ck_assert_int_eq(khttpd_parse_request("GET / HTTP/1.0\r\n\r\nGET /", 23,
					      &lim, &req),
			 18);

	/* leading empty lines count towards the head */
	s = malloc(131);
	ck_assert_ptr_nonnull(s);
	memcpy(s, "\r\n\r\n", 4);
	r = make_request(20, 126);
	memcpy(s + 4, r, 127);
	free(r);
	expect(s + 2, OK, &lim); /* 128 bytes */
	expect(s, -431, &lim); /* 130 */
	free(s);
}
END_TEST

/*
 * At most KHTTPD_MAX_EMPTY_LINES empty lines before the request line:
 * each one is a line end, after which the caller parses the whole head
 * again, so without a bound a client sending "\r\n" a segment at a time
 * would make the parsing quadratic in max_header_bytes.
 */
START_TEST(limits_empty_lines)
{
	const char *req = "GET / HTTP/1.0\r\n\r\n";
	size_t n = KHTTPD_MAX_EMPTY_LINES + 1, i;
	char *s = malloc(2 * n + strlen(req) + 1);
	struct khttpd_request r;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, "\r\n", 2);
	strcpy(s + 2 * n, req);
	expect(s + 2, OK, NULL); /* the most */
	expect(s, -400, NULL); /* one more */
	/* refused at the one more's CR, without waiting for a line end */
	ck_assert_int_eq(parse_n(s, 2 * n - 1, &deflim, &r), -400);
	free(s);
}
END_TEST

/*
 * khttpd_parse_worth(): only a line end or a full buffer can change
 * the parser's "more" answer, and bytes that held neither are never
 * searched again.
 */
START_TEST(parse_worth)
{
	const struct khttpd_limits lim = { 32, 64, 3 }, tiny = { 32, 16, 3 };
	const char *s = "GET / HTTP/1.0\r\nX";
	u32 scanned = 0;

	ck_assert(!khttpd_parse_worth(s, 5, &scanned, &lim));
	ck_assert_uint_eq(scanned, 5);
	ck_assert(!khttpd_parse_worth(s, 15, &scanned, &lim)); /* to "\r" */
	ck_assert_uint_eq(scanned, 15);
	ck_assert(khttpd_parse_worth(s, 16, &scanned, &lim)); /* "\n" */
	ck_assert_uint_eq(scanned, 15); /* the caller parses, then moves it */
	scanned = 16;
	ck_assert(!khttpd_parse_worth(s, 17, &scanned, &lim));
	ck_assert_uint_eq(scanned, 17);
	/* a full buffer, line end or not */
	scanned = 10;
	ck_assert(khttpd_parse_worth("aaaaaaaaaaaaaaaa", 16, &scanned, &tiny));
}
END_TEST

START_TEST(limits_default)
{
	struct khttpd_request req;
	size_t len = 64 * 1024;
	char *s = malloc(len + 32);

	/* The VM test's 64 KiB request line: 414, without waiting for CRLF. */
	ck_assert_ptr_nonnull(s);
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', len);
	ck_assert_int_eq(khttpd_parse_request(s, len, &deflim, &req), -414);
	ck_assert_int_eq(khttpd_parse_request(s,
					      KHTTPD_DEFAULT_MAX_REQUEST_LINE,
					      &deflim, &req),
			 0);
	ck_assert_int_eq(
		khttpd_parse_request(s, KHTTPD_DEFAULT_MAX_REQUEST_LINE + 1,
				     &deflim, &req),
		-414);
	free(s);
}
END_TEST

START_TEST(limits_extreme)
{
	const struct khttpd_limits zero = { 0, 0, 0 };
	const struct khttpd_limits huge = { UINT32_MAX, UINT32_MAX,
					    UINT32_MAX };
	const char *s = "GET / HTTP/1.0\r\n\r\n";
	struct khttpd_request req;

	/* no head fits in 0 bytes */
	ck_assert_int_eq(khttpd_parse_request(s, 0, &zero, &req), -431);
	ck_assert_int_eq(khttpd_parse_request(s, 1, &zero, &req), -431);
	ck_assert_int_eq(khttpd_parse_request(s, strlen(s), &huge, &req),
			 (int)strlen(s));
	ck_assert_int_eq(khttpd_parse_request(s, 0, &huge, &req), 0);
}
END_TEST

/* --- target to path ---------------------------------------------------- */

static const struct {
	const char *target;
	int want; /* > 0: expect out */
	const char *out;
	bool dir;
} paths[] = {
	{ "/", 1, "/", true },
	{ "/a/b", 1, "/a/b", false },
	{ "/a/b/", 1, "/a/b/", true },
	{ "//a///b//", 1, "/a/b/", true },
	{ "/a?x=1", 1, "/a", false },
	{ "/a/?x", 1, "/a/", true },
	{ "/?../..", 1, "/", true },
	{ "/a?%00", 1, "/a", false },
	{ "/a%20b", 1, "/a b", false },
	{ "/%41%7e%7E", 1, "/A~~", false },
	{ "/%3f", 1, "/?", false },
	{ "/%25", 1, "/%", false },
	{ "/%252e%252e/", 1, "/%2e%2e/", true }, /* decoded exactly once */
	{ "/%e2%82%ac", 1, "/\xe2\x82\xac", false },
	{ "/...", 1, "/...", false },
	{ "/..a/a..", 1, "/..a/a..", false },
	{ "/.hidden", 1, "/.hidden", false },
	{ "/%2e%2e%5c", 1, "/..\\", false },
	{ "http://host/a/b?q", 1, "/a/b", false },
	{ "HTTP://host", 1, "/", true },
	{ "https://h:443/x", 1, "/x", false },
	{ "http://h?x", 1, "/", true },
	{ "http://h//../", -400, NULL, false },

	{ "", -400, NULL, false },
	{ "*", -400, NULL, false },
	{ "h:443", -400, NULL, false },
	{ "a/b", -400, NULL, false },
	{ "ftp://h/x", -400, NULL, false },
	{ "http:/x", -400, NULL, false },
	{ "/a#frag", -400, NULL, false },
	{ "/a b", -400, NULL, false },
	{ "/a\x01", -400, NULL, false },
	{ "/a\x80", -400, NULL, false },
	{ "/%", -400, NULL, false },
	{ "/%4", -400, NULL, false },
	{ "/%zz", -400, NULL, false },
	{ "/%4g", -400, NULL, false },
	{ "/%%41", -400, NULL, false },
	{ "/%00", -400, NULL, false },
	{ "/a%00.html", -400, NULL, false },
	{ "/a%0d%0aSet-Cookie:x", -400, NULL, false },
	{ "/%7f", -400, NULL, false },
	{ "/%2F", -400, NULL, false },
	{ "/%2f", -400, NULL, false },
	{ "/a%2fb", -400, NULL, false },
	{ "/..", -400, NULL, false },
	{ "/../etc/passwd", -400, NULL, false },
	{ "/a/../b", -400, NULL, false },
	{ "/a/..", -400, NULL, false },
	{ "/a/../", -400, NULL, false },
	{ "/a/..?x", -400, NULL, false },
	{ "/%2e%2e/", -400, NULL, false },
	{ "/%2E%2E", -400, NULL, false },
	{ "/.%2e/", -400, NULL, false },
	{ "/..%2f", -400, NULL, false },
	{ "/..%2fetc", -400, NULL, false },
	{ "/.", -400, NULL, false },
	{ "/./a", -400, NULL, false },
	{ "/a/.", -400, NULL, false },
	{ "/%2e/a", -400, NULL, false },
};

START_TEST(path_table)
{
	char dst[64];
	size_t i;
	bool dir;
	int ret;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		const char *t = paths[i].target;

		dir = !paths[i].dir;
		memset(dst, 'X', sizeof(dst));
		ret = khttpd_path_decode(t, strlen(t), dst, sizeof(dst), &dir);
		if (paths[i].want < 0) {
			ck_assert_msg(ret == paths[i].want,
				      "'%s': got %d want %d", t, ret,
				      paths[i].want);
			continue;
		}
		ck_assert_msg(ret == (int)strlen(paths[i].out), "'%s': got %d",
			      t, ret);
		ck_assert_msg(!strcmp(dst, paths[i].out), "'%s': got '%s'", t,
			      dst);
		ck_assert_msg(dir == paths[i].dir, "'%s': dir %d", t, dir);
	}
}
END_TEST

START_TEST(path_size)
{
	char dst[8];
	bool dir;

	/* len + 1 is enough for origin-form, len + 2 for absolute-form */
	ck_assert_int_eq(khttpd_path_decode("/abcd", 5, dst, 6, &dir), 5);
	ck_assert_int_eq(khttpd_path_decode("/abcd", 5, dst, 5, &dir), -414);
	ck_assert_int_eq(khttpd_path_decode("/abcd/", 6, dst, 6, &dir), -414);
	ck_assert_int_eq(khttpd_path_decode("http://h", 8, dst, 2, &dir), 1);
	ck_assert_str_eq(dst, "/");
	ck_assert_int_eq(khttpd_path_decode("/", 1, dst, 1, &dir), -414);
	ck_assert_int_eq(khttpd_path_decode("/", 1, dst, 0, &dir), -414);
	/* the length, not a NUL, ends the target */
	ck_assert_int_eq(khttpd_path_decode("/ab%41", 4, dst, 8, &dir), -400);
	ck_assert_int_eq(khttpd_path_decode("/a/..", 3, dst, 8, &dir), 3);
}
END_TEST

/* The redirect's Location: decode the target, then encode the path. */
START_TEST(path_location)
{
	static const struct {
		const char *target, *location;
	} locs[] = {
		{ "/docs", "/docs" },
		/* a browser reads "//docs/" as host "docs" */
		{ "//docs", "/docs" },
		{ "///docs//a", "/docs/a" },
		/* the client's host never comes back */
		{ "http://evil.example/docs", "/docs" },
		{ "HTTPS://evil.example//x", "/x" },
		{ "/a%20b/r%C3%A9sum%c3%a9", "/a%20b/r%C3%A9sum%C3%A9" },
		{ "/%3A:x@y%3F", "/%3A%3Ax%40y%3F" },
		{ "/~a-b_c.d", "/~a-b_c.d" },
	};
	char path[64], loc[3 * 64 + 1];
	size_t i;
	bool dir;
	int n;

	for (i = 0; i < ARRAY_SIZE(locs); i++) {
		const char *t = locs[i].target;

		n = khttpd_path_decode(t, strlen(t), path, sizeof(path), &dir);
		ck_assert_msg(n > 0, "'%s': decode %d", t, n);
		n = khttpd_path_encode(path, n, loc, sizeof(loc));
		ck_assert_msg(n == (int)strlen(locs[i].location),
			      "'%s': got %d", t, n);
		ck_assert_msg(!strcmp(loc, locs[i].location), "'%s': got '%s'",
			      t, loc);
	}
}
END_TEST

/* Every byte: '/' and the unreserved ASCII ones stay, the rest is %XX. */
START_TEST(path_encode_bytes)
{
	char in[2] = "/", out[8], want[8];
	int c, n;

	for (c = 1; c < 256; c++) {
		in[1] = (char)c;
		n = khttpd_path_encode(in, 2, out, sizeof(out));
		if (c == '/' || c == '-' || c == '.' || c == '_' || c == '~' ||
		    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			snprintf(want, sizeof(want), "/%c", c);
		else
			snprintf(want, sizeof(want), "/%%%02X", c);
		ck_assert_msg(n == (int)strlen(want), "byte 0x%02x: %d", c, n);
		ck_assert_msg(!strcmp(out, want), "byte 0x%02x: '%s'", c, out);
	}
	/* 3 * len + 1 is enough, one less is not */
	ck_assert_int_eq(khttpd_path_encode("/\xe9", 2, out, 5), 4);
	ck_assert_int_eq(khttpd_path_encode("/\xe9", 2, out, 4), -1);
	ck_assert_int_eq(khttpd_path_encode("/a", 2, out, 2), -1);
}
END_TEST

/* --- Range --------------------------------------------------------------- */

#define IGN KHTTPD_RANGE_IGNORE
#define RNG KHTTPD_RANGE_OK
#define UNS KHTTPD_RANGE_UNSATISFIABLE
#define BIG "99999999999999999999999"
#define MAX "18446744073709551615"

static const struct {
	const char *v;
	u64 size;
	enum khttpd_range want;
	u64 start, count;
} ranges[] = {
	{ "bytes=0-499", 1000, RNG, 0, 500 },
	{ "bytes=500-999", 1000, RNG, 500, 500 },
	{ "bytes=500-", 1000, RNG, 500, 500 },
	{ "bytes=-200", 1000, RNG, 800, 200 },
	{ "bytes=0-0", 1000, RNG, 0, 1 },
	{ "bytes=999-", 1000, RNG, 999, 1 },
	{ "bytes=999-999", 1000, RNG, 999, 1 },
	{ "bytes=0-5000", 1000, RNG, 0, 1000 },
	{ "bytes=-5000", 1000, RNG, 0, 1000 },
	{ "bytes=-1000", 1000, RNG, 0, 1000 },
	{ "BYTES=0-1", 1000, RNG, 0, 2 },
	{ "Bytes=007-008", 1000, RNG, 7, 2 },
	{ "bytes=1000-", 1000, UNS, 0, 0 },
	{ "bytes=1000-1001", 1000, UNS, 0, 0 },
	{ "bytes=-0", 1000, UNS, 0, 0 },
	{ "bytes=0-", 0, UNS, 0, 0 },
	{ "bytes=-1", 0, UNS, 0, 0 },
	{ "bytes=5-3", 1000, IGN, 0, 0 },
	{ "bytes=0-1,5-6", 1000, IGN, 0, 0 },
	{ "bytes=0-1, 5-6", 1000, IGN, 0, 0 },
	{ "bytes=0-1,", 1000, IGN, 0, 0 },
	{ "bytes= 0-1", 1000, IGN, 0, 0 },
	{ "bytes=0 -1", 1000, IGN, 0, 0 },
	{ "bytes=0- 1", 1000, IGN, 0, 0 },
	{ "bytes =0-1", 1000, IGN, 0, 0 },
	{ "bytes=", 1000, IGN, 0, 0 },
	{ "bytes=-", 1000, IGN, 0, 0 },
	{ "bytes=1", 1000, IGN, 0, 0 },
	{ "bytes=--1", 1000, IGN, 0, 0 },
	{ "bytes=+1-2", 1000, IGN, 0, 0 },
	{ "bytes=0x10-", 1000, IGN, 0, 0 },
	{ "bytes=a-b", 1000, IGN, 0, 0 },
	{ "items=0-1", 1000, IGN, 0, 0 },
	{ "bytes", 1000, IGN, 0, 0 },
	{ "", 1000, IGN, 0, 0 },
	/* overflow: saturates at 2^64 - 1 */
	{ "bytes=" MAX "-", 1000, UNS, 0, 0 },
	{ "bytes=" BIG "-", 1000, UNS, 0, 0 },
	{ "bytes=" BIG "-" BIG, 1000, UNS, 0, 0 },
	{ "bytes=0-" BIG, 1000, RNG, 0, 1000 },
	{ "bytes=-" BIG, 1000, RNG, 0, 1000 },
	{ "bytes=0-", KHTTPD_U64_MAX, RNG, 0, KHTTPD_U64_MAX },
	{ "bytes=0-" MAX, KHTTPD_U64_MAX, RNG, 0, KHTTPD_U64_MAX },
	{ "bytes=-" MAX, KHTTPD_U64_MAX, RNG, 0, KHTTPD_U64_MAX },
	{ "bytes=18446744073709551614-" MAX, KHTTPD_U64_MAX, RNG,
	  KHTTPD_U64_MAX - 1, 1 },
	{ "bytes=" MAX "-", KHTTPD_U64_MAX, UNS, 0, 0 },
};

START_TEST(range_table)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		u64 start = 12345, count = 12345;
		enum khttpd_range r =
			khttpd_range_parse(ranges[i].v, strlen(ranges[i].v),
					   ranges[i].size, &start, &count);

		ck_assert_msg(r == ranges[i].want, "'%s': got %d", ranges[i].v,
			      r);
		if (r != RNG)
			continue;
		ck_assert_msg(
			start == ranges[i].start && count == ranges[i].count,
			"'%s': got %llu+%llu", ranges[i].v,
			(unsigned long long)start, (unsigned long long)count);
		ck_assert_uint_le(count, ranges[i].size - start);
	}
}
END_TEST

/* start + count <= size for every small range of every small size */
START_TEST(range_exhaustive)
{
	char v[64];
	u64 size, a, b, start, count;

	for (size = 0; size < 12; size++)
		for (a = 0; a < 14; a++)
			for (b = 0; b < 14; b++) {
				snprintf(v, sizeof(v), "bytes=%llu-%llu",
					 (unsigned long long)a,
					 (unsigned long long)b);
				if (khttpd_range_parse(v, strlen(v), size,
						       &start, &count) != RNG)
					continue;
				ck_assert_uint_ge(count, 1);
				ck_assert_uint_le(start + count, size);
				ck_assert_uint_eq(start, a);
			}
}
END_TEST

/* --- HTTP-date ----------------------------------------------------------- */

START_TEST(date_format)
{
	static const struct {
		s64 t;
		const char *s;
	} t[] = {
		{ 784111777, "Sun, 06 Nov 1994 08:49:37 GMT" },
		{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
		{ -5, "Thu, 01 Jan 1970 00:00:00 GMT" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
		{ 2147483648LL, "Tue, 19 Jan 2038 03:14:08 GMT" },
		{ 253402300799LL, "Fri, 31 Dec 9999 23:59:59 GMT" },
		{ INT64_MAX, "Fri, 31 Dec 9999 23:59:59 GMT" },
		{ INT64_MIN, "Thu, 01 Jan 1970 00:00:00 GMT" },
	};
	char buf[KHTTPD_DATE_LEN + 1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		memset(buf, 'X', sizeof(buf));
		ck_assert_int_eq(khttpd_date_format(t[i].t, buf),
				 KHTTPD_DATE_LEN);
		ck_assert_str_eq(buf, t[i].s);
	}
}
END_TEST

static bool pdate(const char *s, s64 *t)
{
	return khttpd_date_parse(s, strlen(s), t);
}

START_TEST(date_parse)
{
	static const struct {
		const char *s;
		s64 t;
	} good[] = {
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 784111777 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 784111777 },
		{ "Sun Nov  6 08:49:37 1994", 784111777 },
		{ "Sun Nov 06 08:49:37 1994", 784111777 },
		{ "Mon, 06 Nov 1994 08:49:37 GMT",
		  784111777 }, /* name unchecked */
		{ "Sun, 06 Nov 1994 08:49:60 GMT", 784111777 + 23 },
		{ "Tue, 29 Feb 2000 00:00:00 GMT", 951782400 },
		{ "Thursday, 06-Nov-69 08:49:37 GMT", 3150953377LL },
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
		{ "Sat, 01 Jan 0000 00:00:00 GMT", -62167219200LL },
		{ "Fri, 31 Dec 9999 23:59:59 GMT", 253402300799LL },
		{ "Wed Dec 31 23:59:59 1969", -1 },
	};
	static const char *const bad[] = {
		"",
		"Sun, 06 Nov 1994 08:49:37 gmt",
		"sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 94 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		" Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 08:49:37",
		"Sun,06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT",
		"Sun, 06 Nov 1994 08:49 GMT",
		"Sun, 31 Feb 1994 08:49:37 GMT",
		"Sun, 29 Feb 1900 08:49:37 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 31 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:00 GMT",
		"Sun, 06 Nov 1994 08:49:61 GMT",
		"Sun, 06 Nov -994 08:49:37 GMT",
		"Foo, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06-Nov-94 08:49:37 GMT",
		"Sunday, 06-Nov-1994 08:49:37 GMT",
		"Sun Nov 6 08:49:37 1994",
		"Sun Nov   6 08:49:37 1994",
		"Sun Nov  6 08:49:37 1994 GMT",
		"Sun  Nov  6 08:49:37 1994",
		" Nov  6 08:49:37 1994",
		"1994-11-06T08:49:37Z",
		"784111777",
	};
	s64 t;
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		t = 42;
		ck_assert_msg(pdate(good[i].s, &t), "'%s' refused", good[i].s);
		ck_assert_msg(t == good[i].t, "'%s': %lld", good[i].s,
			      (long long)t);
		/* no proper prefix is a date */
		for (k = 0; k < strlen(good[i].s); k++)
			ck_assert(!khttpd_date_parse(good[i].s, k, &t));
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		t = 42;
		ck_assert_msg(!pdate(bad[i], &t), "'%s' accepted", bad[i]);
		ck_assert_int_eq(t, 42);
	}
}
END_TEST

/* Against libc's gmtime_r(), across the whole range, and back. */
START_TEST(date_roundtrip)
{
	const s64 max = 253402300799LL;
	char buf[KHTTPD_DATE_LEN + 1], ref[64];
	s64 t, back;
	struct tm tm;
	time_t tt;
	u64 i;

	for (i = 0; i < 40000; i++) {
		/* dense near the epoch and the leap days, sparse beyond */
		t = i < 20000 ? (s64)i * 86399 / 7 :
				(s64)(i * 1267650611ULL % max);
		tt = (time_t)t;
		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		strftime(ref, sizeof(ref), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		khttpd_date_format(t, buf);
		ck_assert_msg(!strcmp(buf, ref), "%lld: '%s' vs '%s'",
			      (long long)t, buf, ref);
		ck_assert(khttpd_date_parse(buf, KHTTPD_DATE_LEN, &back));
		ck_assert_int_eq(back, t);
	}
}
END_TEST

/*
 * An absent header is (NULL, 0); the helpers must not compute NULL + 0
 * (undefined behaviour, found by fuzz-http on its first seed).
 */
START_TEST(helpers_absent)
{
	u64 start, count;
	char dst[4];
	bool dir;
	s64 t;

	ck_assert_int_eq(khttpd_range_parse(NULL, 0, 10, &start, &count),
			 KHTTPD_RANGE_IGNORE);
	ck_assert(!khttpd_date_parse(NULL, 0, &t));
	ck_assert_int_eq(khttpd_path_decode(NULL, 0, dst, sizeof(dst), &dir),
			 -400);
}
END_TEST

/* --- ASCII classes ------------------------------------------------------- */

/*
 * Every byte, 0x80-0xFF included: the kernel's ctype is Latin-1 (0xC0-0xFF
 * are letters there) and glibc's is not, so a test that only ran the code
 * through libc would not see a class that leaned on ctype.
 */
START_TEST(ascii_classes)
{
	int c;

	for (c = 0; c < 256; c++) {
		bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
		bool digit = c >= '0' && c <= '9';
		bool unres = upper || lower || digit || c == '-' || c == '.' ||
			     c == '_' || c == '~';
		bool tchar = upper || lower || digit ||
			     (c && strchr("!#$%&'*+-.^_`|~", c));

		ck_assert_msg(khttpd_is_alpha(c) == (upper || lower),
			      "alpha 0x%02x", c);
		ck_assert_msg(khttpd_is_digit(c) == digit, "digit 0x%02x", c);
		ck_assert_msg(khttpd_is_unreserved(c) == unres,
			      "unreserved 0x%02x", c);
		ck_assert_msg(khttpd_is_tchar(c) == tchar, "tchar 0x%02x", c);
		ck_assert_msg(khttpd_lower(c) == (upper ? c + 32 : c),
			      "lower 0x%02x", c);
	}
	for (c = 0x80; c < 256; c++)
		ck_assert_msg(!khttpd_is_alpha(c) && !khttpd_is_digit(c) &&
				      !khttpd_is_unreserved(c) &&
				      !khttpd_is_tchar(c),
			      "0x%02x is ASCII to khttpd", c);
}
END_TEST

/* --- listings ------------------------------------------------------------ */

/* A name's link: every byte but the unreserved ASCII ones as %XX. */
START_TEST(name_encode_bytes)
{
	char in[3] = "a", out[64], want[16];
	size_t n;
	int c;

	for (c = 0; c < 256; c++) {
		in[1] = (char)c;
		n = khttpd_name_encode(in, 2, out);
		out[n] = '\0';
		if (khttpd_is_unreserved(c))
			snprintf(want, sizeof(want), "a%c", c);
		else
			snprintf(want, sizeof(want), "a%%%02X", c);
		ck_assert_msg(!strcmp(out, want), "byte 0x%02x: '%s'", c, out);
		if (c >= 0x80)
			ck_assert_msg(n == 4, "byte 0x%02x kept", c);
	}
	/* 'résumé 2024.txt' in UTF-8: both bytes of each 'é' */
	n = khttpd_name_encode("r\xc3\xa9sum\xc3\xa9 2024.txt", 17, out);
	out[n] = '\0';
	ck_assert_str_eq(out, "r%C3%A9sum%C3%A9%202024.txt");
	n = khttpd_name_encode("a/b:c#d?e%f", 11, out);
	out[n] = '\0';
	ck_assert_str_eq(out, "a%2Fb%3Ac%23d%3Fe%25f");
}
END_TEST

START_TEST(html_escape)
{
	char out[64];
	size_t n;
	int c;

	n = khttpd_html_escape("<b>&\"q\"'\xc3\xa9", 11, out);
	out[n] = '\0';
	ck_assert_str_eq(out, "&lt;b&gt;&amp;&quot;q&quot;&#39;\xc3\xa9");
	/* other bytes as they are, 0x80-0xFF (UTF-8) included */
	for (c = 1; c < 256; c++) {
		char in = (char)c;

		if (strchr("&<>\"'", c))
			continue;
		ck_assert_uint_eq(khttpd_html_escape(&in, 1, out), 1);
		ck_assert_int_eq((u8)out[0], c);
	}
}
END_TEST

static const char *row(const struct khttpd_dirent *e, char *buf)
{
	size_t n = khttpd_listing_row(e, buf);

	ck_assert_uint_le(n, khttpd_listing_row_room(e->name, e->len));
	ck_assert_uint_le(khttpd_listing_row_room(e->name, e->len),
			  khttpd_listing_row_max(e->len));
	buf[n] = '\0';
	return buf;
}

START_TEST(listing_rows)
{
	struct khttpd_dirent e = { "b.txt", 5, false, 12345, 784111777 };
	static char name[255], buf[128 + 9 * 255 + 1];
	int c;

	ck_assert_str_eq(row(&e, buf),
			 "<tr><td><a href=\"b.txt\">b.txt</a></td>"
			 "<td>Sun, 06 Nov 1994 08:49:37 GMT</td>"
			 "<td>12345</td></tr>\n");
	e = (struct khttpd_dirent){ "sub dir", 7, true, 4096, 0 };
	ck_assert_str_eq(row(&e, buf),
			 "<tr><td><a href=\"sub%20dir/\">sub dir/</a></td>"
			 "<td>Thu, 01 Jan 1970 00:00:00 GMT</td>"
			 "<td>-</td></tr>\n");
	e = (struct khttpd_dirent){ "<b>&\"\xc3\xa9\".txt", 12, false, 0,
				    253402300799LL };
	ck_assert_str_eq(row(&e, buf),
			 "<tr><td><a href=\"%3Cb%3E%26%22%C3%A9%22.txt\">"
			 "&lt;b&gt;&amp;&quot;\xc3\xa9&quot;.txt</a></td>"
			 "<td>Fri, 31 Dec 9999 23:59:59 GMT</td>"
			 "<td>0</td></tr>\n");
	e = (struct khttpd_dirent){ "f", 1, false, KHTTPD_U64_MAX, 0 };
	ck_assert(strstr(row(&e, buf), "<td>18446744073709551615</td>"));
	/* the worst names fit their room, and row_max */
	for (c = 0; c < 256; c++) {
		memset(name, c, sizeof(name));
		e = (struct khttpd_dirent){ name, sizeof(name), true, 0, -1 };
		row(&e, buf);
		e.dir = false;
		e.size = KHTTPD_U64_MAX;
		row(&e, buf);
	}
	/* a plain name takes about twice its length */
	ck_assert_uint_eq(khttpd_listing_row_room("a.txt", 5), 128 + 10);
}
END_TEST

static int cmp_ents(const void *a, const void *b)
{
	return khttpd_listing_cmp(a, b);
}

/* Directories first, then files, each in byte order of the names. */
START_TEST(listing_order)
{
	struct khttpd_dirent e[] = {
		{ "b.txt", 5, false, 0, 0 },  { "\xc3\xa9", 2, false, 0, 0 },
		{ "sub", 3, true, 0, 0 },     { "a.txt", 5, false, 0, 0 },
		{ "Zdir", 4, true, 0, 0 },    { "C.txt", 5, false, 0, 0 },
		{ "a", 1, false, 0, 0 },      { "a-dir", 5, true, 0, 0 },
		{ "a.txt2", 6, false, 0, 0 }, { "~", 1, false, 0, 0 },
	};
	static const char *const want[] = {
		"Zdir",	 "a-dir",  "sub",   "C.txt", "a",
		"a.txt", "a.txt2", "b.txt", "~",     "\xc3\xa9",
	};
	size_t i;

	qsort(e, ARRAY_SIZE(e), sizeof(e[0]), cmp_ents);
	for (i = 0; i < ARRAY_SIZE(e); i++)
		ck_assert_msg(e[i].len == strlen(want[i]) &&
				      !memcmp(e[i].name, want[i], e[i].len),
			      "%zu: got '%.*s', expected '%s'", i,
			      (int)e[i].len, e[i].name, want[i]);
	ck_assert_int_eq(khttpd_listing_cmp(&e[3], &e[3]), 0);
}
END_TEST

/* --- entity tags --------------------------------------------------------- */

START_TEST(etag_format)
{
	char buf[KHTTPD_ETAG_SIZE];

	ck_assert_int_eq(khttpd_etag_format(0, 0, buf), 5);
	ck_assert_str_eq(buf, "\"0-0\"");
	/* nginx: "%xT-%xO" of mtime and size */
	ck_assert_int_eq(khttpd_etag_format(0x5f5e1000, 26, buf), 13);
	ck_assert_str_eq(buf, "\"5f5e1000-1a\"");
	ck_assert_int_eq(khttpd_etag_format(-1, KHTTPD_U64_MAX, buf),
			 KHTTPD_ETAG_SIZE - 1);
	ck_assert_str_eq(buf, "\"ffffffffffffffff-ffffffffffffffff\"");
}
END_TEST

#define TAG "\"5f-1a\""
#define EMATCH KHTTPD_ETAG_MATCH
#define ENONE KHTTPD_ETAG_NONE
#define EINVAL KHTTPD_ETAG_INVALID

START_TEST(etag_lists)
{
	static const struct {
		const char *v;
		enum khttpd_etag_match want;
	} lists[] = {
		{ TAG, EMATCH },
		{ "W/" TAG, EMATCH }, /* weak comparison */
		{ "*", EMATCH },
		{ " * ", EMATCH },
		{ "\"x\", " TAG, EMATCH },
		{ "\"x\",W/\"y\"," TAG ",\"z\"", EMATCH },
		{ ", ," TAG ",,", EMATCH }, /* empty elements */
		{ "\t" TAG "\t,\t\"x\"", EMATCH },
		{ "\"x\"", ENONE },
		{ "\"x\", W/\"y\"", ENONE },
		{ "", ENONE },
		{ "\"\"", ENONE },
		{ "\"5f-1a0\"", ENONE },
		{ "\"5F-1A\"", ENONE }, /* opaque tags are case-sensitive */
		{ "w/" TAG, EINVAL }, /* "W/" is */
		{ "5f-1a", EINVAL }, /* unquoted */
		{ TAG " " TAG, EINVAL }, /* no comma */
		{ TAG ", *", EINVAL }, /* "*" only alone */
		{ "**", EINVAL },
		{ "\"x", EINVAL },
		{ TAG ", junk", EINVAL },
		{ "\"a b\"", EINVAL }, /* no SP in a tag */
		{ "\"a\"b\"", EINVAL },
		{ "\"\x80\xff\"", ENONE }, /* obs-text is allowed */
		{ "W/ " TAG, EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		ck_assert_msg(khttpd_etag_list(lists[i].v, strlen(lists[i].v),
					       TAG, strlen(TAG),
					       false) == lists[i].want,
			      "'%s'", lists[i].v);
}
END_TEST

START_TEST(etag_strong)
{
	static const struct {
		const char *v;
		bool tag, eq;
	} tags[] = {
		{ TAG, true, true },
		{ "W/" TAG, true, false }, /* strong comparison */
		{ "\"x\"", true, false },
		{ TAG " ", true, false },
		{ TAG ", " TAG, true, false },
		{ "\"5f-1a", true, false },
		{ "Sun, 06 Nov 1994 08:49:37 GMT", false, false },
		{ "", false, false },
		{ "W", false, false },
		{ "*", false, false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		const char *v = tags[i].v;

		ck_assert_msg(khttpd_etag_is_tag(v, strlen(v)) == tags[i].tag,
			      "'%s' is a tag", v);
		ck_assert_msg(khttpd_etag_strong_eq(v, strlen(v), TAG,
						    strlen(TAG)) == tags[i].eq,
			      "'%s' equals", v);
	}
	ck_assert(!khttpd_etag_is_tag(NULL, 0));
	ck_assert(!khttpd_etag_strong_eq(NULL, 0, TAG, strlen(TAG)));
}
END_TEST

/* If-Match: strong comparison, so a weak member never matches. */
START_TEST(etag_lists_strong)
{
	static const struct {
		const char *v;
		enum khttpd_etag_match want;
	} lists[] = {
		{ TAG, EMATCH },
		{ "W/" TAG, ENONE },
		{ "*", EMATCH },
		{ "W/\"x\", " TAG, EMATCH },
		{ "W/" TAG ", \"x\"", ENONE },
		{ "\"x\"", ENONE },
		{ "junk", EINVAL },
		{ TAG ", *", EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		ck_assert_msg(khttpd_etag_list(lists[i].v, strlen(lists[i].v),
					       TAG, strlen(TAG),
					       true) == lists[i].want,
			      "'%s'", lists[i].v);
}
END_TEST

/* If-None-Match field lines are one list; too many match nothing. */
START_TEST(if_none_match)
{
	static const struct {
		const char *fields;
		bool match;
	} reqs[] = {
		{ "If-None-Match: " TAG "\r\n", true },
		{ "if-none-match: \"x\"\r\nIf-None-Match: W/" TAG "\r\n",
		  true },
		{ "If-None-Match: \"x\"\r\nIf-None-Match: \"y\"\r\n", false },
		/* one invalid line spoils the list */
		{ "If-None-Match: " TAG "\r\nIf-None-Match: junk\r\n", false },
		{ "If-None-Match: a\r\nIf-None-Match: b\r\n"
		  "If-None-Match: c\r\nIf-None-Match: " TAG "\r\n",
		  false },
		{ "If-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n"
		  "If-None-Match: \"c\"\r\nIf-None-Match: " TAG "\r\n",
		  true },
		/* more than KHTTPD_INM_LINES: not evaluated */
		{ "If-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n"
		  "If-None-Match: \"c\"\r\nIf-None-Match: " TAG "\r\n"
		  "If-None-Match: \"e\"\r\n",
		  false },
		{ "If-None-Match: *\r\n", true },
		{ "If-None-Match:\r\n", false },
		{ "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
		  false },
	};
	struct khttpd_request req;
	char s[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: h\r\n%s\r\n",
			 reqs[i].fields);
		ck_assert_int_eq(parse(s, &req), (int)strlen(s));
		ck_assert_msg(khttpd_taglist_match(&req.inm, TAG, strlen(TAG),
						   false) == reqs[i].match,
			      "%s", reqs[i].fields);
		ck_assert_msg(!!(req.present & KHTTPD_HDR_IF_NONE_MATCH) ==
				      (strstr(s, "If-None-Match") ||
				       strstr(s, "if-none-match")),
			      "%s", reqs[i].fields);
		check_incremental(s, strlen(s), &deflim);
	}
	snprintf(s, sizeof(s),
		 "GET / HTTP/1.1\r\nHost: h\r\n"
		 "If-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n\r\n");
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.inm.lines, 2);
	ck_assert(str_is(req.inm.line[0], "\"a\""));
	ck_assert(str_is(req.inm.line[1], "\"b\""));
	ck_assert_uint_eq(req.im.lines, 0);
	ck_assert(!khttpd_taglist_match(&req.im, TAG, strlen(TAG), true));
}
END_TEST

/* If-Match is a list like If-None-Match; If-Unmodified-Since is one date. */
START_TEST(if_match_fields)
{
	struct khttpd_request req;
	const char *s;

	s = "GET / HTTP/1.1\r\nHost: h\r\nIf-Match: \"x\"\r\n"
	    "if-match: " TAG "\r\n"
	    "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.present & (KHTTPD_HDR_IF_MATCH |
					 KHTTPD_HDR_IF_UNMODIFIED_SINCE |
					 KHTTPD_HDR_IF_NONE_MATCH),
			  KHTTPD_HDR_IF_MATCH | KHTTPD_HDR_IF_UNMODIFIED_SINCE);
	ck_assert_uint_eq(req.im.lines, 2);
	ck_assert(khttpd_taglist_match(&req.im, TAG, strlen(TAG), true));
	ck_assert(str_is(req.ius, "Sun, 06 Nov 1994 08:49:37 GMT"));
	check_incremental(s, strlen(s), &deflim);
	/* twice: no date at all */
	s = "GET / HTTP/1.1\r\nHost: h\r\n"
	    "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.present & KHTTPD_HDR_IF_UNMODIFIED_SINCE, 0);
	ck_assert_ptr_null(req.ius.p);
	/* too many lines: not evaluated, so If-Match fails */
	s = "GET / HTTP/1.1\r\nHost: h\r\nIf-Match: " TAG "\r\n"
	    "If-Match: \"b\"\r\nIf-Match: \"c\"\r\nIf-Match: \"d\"\r\n"
	    "If-Match: \"e\"\r\n\r\n";
	ck_assert_int_eq(parse(s, &req), (int)strlen(s));
	ck_assert_uint_eq(req.im.lines, KHTTPD_TAG_LINES + 1);
	ck_assert(!khttpd_taglist_match(&req.im, TAG, strlen(TAG), true));
}
END_TEST

/* The response head builder: what scnprintf() wrote, and nothing past the end. */
START_TEST(head_builder)
{
	char buf[64];
	struct khttpd_head h;

	memset(buf, 'x', sizeof(buf));
	khttpd_head_init(&h, buf, sizeof(buf));
	khttpd_head_lit(&h, "HTTP/1.1 ");
	khttpd_head_put_u64(&h, 200);
	khttpd_head_lit(&h, " ");
	khttpd_head_puts(&h, "OK");
	khttpd_head_lit(&h, " 0=");
	khttpd_head_put_u64(&h, 0);
	khttpd_head_lit(&h, " max=");
	khttpd_head_put_u64(&h, UINT64_MAX);
	ck_assert(!khttpd_head_cut(&h));
	ck_assert_uint_eq(h.len, strlen("HTTP/1.1 200 OK 0=0 max="
					"18446744073709551615"));
	ck_assert(!memcmp(buf, "HTTP/1.1 200 OK 0=0 max=18446744073709551615",
			  h.len));
	ck_assert_int_eq(buf[h.len], 'x');
}
END_TEST

START_TEST(head_builder_cut)
{
	char buf[16];
	struct khttpd_head h;

	memset(buf, 'x', sizeof(buf));
	/* Exactly full is not cut. */
	khttpd_head_init(&h, buf, 8);
	khttpd_head_lit(&h, "12345678");
	ck_assert(!khttpd_head_cut(&h));
	ck_assert_uint_eq(h.len, 8);
	/* One byte more is, and the piece is dropped whole. */
	memset(buf, 'x', sizeof(buf));
	khttpd_head_init(&h, buf, 8);
	khttpd_head_lit(&h, "1234");
	khttpd_head_put_u64(&h, 12345);
	ck_assert(khttpd_head_cut(&h));
	ck_assert_uint_eq(h.len, 4);
	ck_assert_int_eq(buf[4], 'x');
	ck_assert_int_eq(buf[8], 'x');
	/* Once cut, a piece that would fit is dropped too: no holes. */
	khttpd_head_lit(&h, "a");
	ck_assert_uint_eq(h.len, 4);
	ck_assert(khttpd_head_cut(&h));
}
END_TEST

Suite *make_http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("parser");
	TCase *tp = tcase_create("path");
	TCase *td = tcase_create("date");
	TCase *tv = tcase_create("listings and validators");

	tcase_add_test(tc, request_table);
	tcase_add_test(tc, request_nul);
	tcase_add_test(tc, request_fields);
	tcase_add_test(tc, request_duplicates);
	tcase_add_test(tc, request_error_method);
	tcase_add_test(tc, request_versions);
	tcase_add_test(tc, methods);
	tcase_add_test(tc, pipelined);
	tcase_add_test(tc, many_pipelined);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, limits_default);
	tcase_add_test(tc, limits_extreme);
	tcase_add_test(tc, limits_empty_lines);
	tcase_add_test(tc, parse_worth);
	suite_add_tcase(s, tc);

	tcase_add_test(tp, path_table);
	tcase_add_test(tp, path_size);
	tcase_add_test(tp, path_location);
	tcase_add_test(tp, path_encode_bytes);
	tcase_add_test(tp, range_table);
	tcase_add_test(tp, range_exhaustive);
	tcase_add_test(tp, helpers_absent);
	suite_add_tcase(s, tp);

	tcase_add_test(td, date_format);
	tcase_add_test(td, date_parse);
	tcase_add_test(td, date_roundtrip);
	tcase_set_timeout(td, 30);
	suite_add_tcase(s, td);

	tcase_add_test(tv, ascii_classes);
	tcase_add_test(tv, name_encode_bytes);
	tcase_add_test(tv, html_escape);
	tcase_add_test(tv, listing_rows);
	tcase_add_test(tv, listing_order);
	tcase_add_test(tv, etag_format);
	tcase_add_test(tv, etag_lists);
	tcase_add_test(tv, etag_strong);
	tcase_add_test(tv, etag_lists_strong);
	tcase_add_test(tv, if_none_match);
	tcase_add_test(tv, if_match_fields);
	tcase_add_test(tv, head_builder);
	tcase_add_test(tv, head_builder_cut);
	suite_add_tcase(s, tv);
	return s;
}
