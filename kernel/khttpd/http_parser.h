/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khttpd request-head parser: plain C, no allocation, no kernel or libc
 * dependency beyond http_types.h, so the same file runs in the module, in
 * the Check unit tests and under libFuzzer.
 *
 * khttpd_parse_request() is given every byte received so far on a
 * connection (buf, len) and answers with one of:
 *
 *   > 0    a complete request head of that many bytes: the request line,
 *          the header fields and the empty line that ends them. *req is
 *          filled in and points into buf. The request body, if any
 *          (req->content_length), follows; the next pipelined request
 *          starts after the body: advance by head + body and call again.
 *   0      the head is not complete yet and nothing seen so far is wrong:
 *          receive more and call again with the longer buffer. The parser
 *          keeps no state, so it starts over each time. So that a client
 *          trickling a byte per segment cannot make that quadratic, the
 *          caller may call again only when the new bytes hold a '\n' or
 *          the buffer is full (max_header_bytes), as khttpd_parse_worth()
 *          tells: the answers are the same, garbage and over-long lines
 *          are just refused later. A head then costs at most one parse
 *          per line, and its lines are bounded: KHTTPD_MAX_EMPTY_LINES,
 *          the request line, max_headers field lines and the empty one.
 *   < 0    minus the HTTP status to answer with, then close the
 *          connection (the framing can no longer be trusted):
 *          -400 malformed or a Transfer-Encoding, -414 request line
 *          too long, -431 head too large or too many fields, -501
 *          unknown method or transfer coding, -505 HTTP major version
 *          other than 1.
 *
 * Feeding the bytes one at a time gives the same answer as feeding them all
 * at once: a prefix of the input answers 0 or the final answer, never
 * anything else. Checks that need the whole head (Host present,
 * Transfer-Encoding together with Content-Length, unknown method) are made
 * at its end; everything else is reported at the first byte that is wrong,
 * so garbage is refused without waiting for a line end.
 *
 * What is accepted (RFC 9112 unless noted):
 * - Lines end in CRLF only. A bare LF is refused (400), as is a bare CR:
 *   every real client sends CRLF, and a server that accepts what a proxy in
 *   front of it reads differently is how requests get smuggled.
 * - Empty lines (CRLF) before the request line are skipped (RFC 9112 2.2),
 *   up to KHTTPD_MAX_EMPTY_LINES; one more is 400, at its CR. They count
 *   towards max_header_bytes.
 * - Request line: method SP target SP "HTTP/" DIGIT "." DIGIT, single
 *   spaces. The method is a token and case-sensitive. The target is one or
 *   more visible ASCII characters (0x21-0x7e); its form (origin, absolute,
 *   "*") is checked by khttpd_path_decode(), not here. HTTP/1.0 is 1.0,
 *   HTTP/1.1 to HTTP/1.9 are 1.1 (RFC 9110 6.2), other majors are 505.
 * - Field lines: token ":" OWS value OWS. Whitespace before the colon, a
 *   line starting with whitespace (obs-fold), an empty name and control
 *   characters (other than HTAB) in a value are 400. Bytes 0x80-0xff
 *   (obs-text) are allowed in values.
 * - Host: required in HTTP/1.1; more than one, or a value with characters
 *   no URI authority has, is 400 (RFC 9112 3.2).
 * - Content-Length: 1*DIGIT, at most 2^64 - 1; several field lines with the
 *   same value are one; different values, a comma list, a sign, spaces or
 *   hex are 400 (RFC 9110 8.6).
 * - Transfer-Encoding: with Content-Length, or in an HTTP/1.0 request, 400
 *   (RFC 9112 6.1, smuggling); otherwise 400 as well, and the connection
 *   closes: khttpd takes no body of unannounced length. Not 501, since
 *   every HTTP/1.1 recipient understands chunked (RFC 9112 7).
 * - Connection: a comma list of tokens; "close" and "keep-alive" are noted,
 *   others ignored.
 * - If-Modified-Since, Range and If-Range are returned raw; when one
 *   appears twice it is dropped, since it then has more than one member
 *   and RFC 9110 (13.1.3, 13.1.5, 14.2) lets the server ignore it. A
 *   second If-Range drops Range as well: without its condition a range
 *   might splice bytes of two versions of a file, a full answer never.
 * - If-Unmodified-Since is returned raw, and dropped when twice, as
 *   If-Modified-Since is.
 * - If-None-Match and If-Match are lists, which may come in several field
 *   lines (RFC 9110 5.3): up to KHTTPD_TAG_LINES of each are returned raw,
 *   in order; with more, .lines says so and the list is not evaluated
 *   (If-None-Match matches nothing: a full response, never wrong;
 *   If-Match fails: 412). See http_etag.h for evaluating them.
 */
#ifndef KHTTPD_HTTP_PARSER_H
#define KHTTPD_HTTP_PARSER_H

#include <linux/ktcp.h>

#include "http_types.h"

enum khttpd_method {
	KHTTPD_METHOD_UNKNOWN = 0, /* a valid token, but not one we know */
	KHTTPD_METHOD_GET,
	KHTTPD_METHOD_HEAD,
	KHTTPD_METHOD_POST,
	KHTTPD_METHOD_PUT,
	KHTTPD_METHOD_DELETE,
	KHTTPD_METHOD_CONNECT,
	KHTTPD_METHOD_OPTIONS,
	KHTTPD_METHOD_TRACE,
	KHTTPD_METHOD_PATCH,
};

/* Tokens seen in Connection header fields (bits of khttpd_request.conn). */
#define KHTTPD_CONN_CLOSE 0x1
#define KHTTPD_CONN_KEEP_ALIVE 0x2

/* A piece of the caller's buffer; not NUL-terminated. */
struct khttpd_str {
	const char *p;
	size_t len;
};

/*
 * Limits, all inclusive ("at most"). max_request_line counts the request
 * line without its CRLF (414 beyond); max_header_bytes counts the whole
 * head, CRLFs included (431 beyond); max_headers counts field lines (431
 * beyond). Values above INT_MAX are taken as INT_MAX.
 *
 * The parser never looks past max_header_bytes, and answers 431 (not 0)
 * once it has that many bytes without a complete head, so a receive buffer
 * of max_header_bytes is all a connection needs.
 */
struct khttpd_limits {
	u32 max_request_line;
	u32 max_header_bytes;
	u32 max_headers;
};

#define KHTTPD_DEFAULT_MAX_REQUEST_LINE KTCP_HTTP_DEFAULT_MAX_REQUEST_LINE
#define KHTTPD_DEFAULT_MAX_HEADER_BYTES KTCP_HTTP_DEFAULT_MAX_HEADER
#define KHTTPD_DEFAULT_MAX_HEADERS 100
/* Empty lines before a request line, at most (as Apache httpd's default). */
#define KHTTPD_MAX_EMPTY_LINES 10

/* Field presence (bits of khttpd_request.present). */
#define KHTTPD_HDR_HOST 0x01
#define KHTTPD_HDR_CONTENT_LENGTH 0x02
#define KHTTPD_HDR_TRANSFER_ENCODING 0x04
#define KHTTPD_HDR_IF_MODIFIED_SINCE 0x08 /* exactly once: ims is valid */
#define KHTTPD_HDR_RANGE 0x10 /* exactly once: range is valid */
#define KHTTPD_HDR_IF_RANGE 0x20 /* exactly once: if_range is valid */
#define KHTTPD_HDR_IF_NONE_MATCH 0x40 /* at least once: inm */
#define KHTTPD_HDR_IF_MATCH 0x80 /* at least once: im */
#define KHTTPD_HDR_IF_UNMODIFIED_SINCE 0x100 /* exactly once: ius is valid */

/* Field lines of a list kept; more make .lines KHTTPD_TAG_LINES + 1. */
#define KHTTPD_TAG_LINES 4

/* The field lines of an If-None-Match or an If-Match, in order. */
struct khttpd_taglist {
	struct khttpd_str line[KHTTPD_TAG_LINES];
	u32 lines; /* up to KHTTPD_TAG_LINES + 1 (too many) */
};

/*
 * A parsed request head. All strings point into the buffer given to
 * khttpd_parse_request(), which must outlive them. Header values have their
 * surrounding whitespace removed.
 */
struct khttpd_request {
	enum khttpd_method method;
	struct khttpd_str method_name; /* as sent, for logs */
	struct khttpd_str target; /* raw; see khttpd_path_decode() */
	u8 version_minor; /* HTTP/1.0 -> 0, HTTP/1.1 and later 1.x -> 1 */
	u32 present; /* KHTTPD_HDR_* */
	u32 conn; /* KHTTPD_CONN_* */
	struct khttpd_str host;
	u64 content_length; /* 0 unless KHTTPD_HDR_CONTENT_LENGTH */
	struct khttpd_str ims; /* If-Modified-Since */
	struct khttpd_str range;
	struct khttpd_str if_range; /* an HTTP-date or an entity tag */
	struct khttpd_taglist inm; /* If-None-Match */
	struct khttpd_taglist im; /* If-Match */
	struct khttpd_str ius; /* If-Unmodified-Since */
	u32 nheaders; /* field lines, all names */
	u32 head_len; /* what khttpd_parse_request() returned */
};

/**
 * khttpd_parse_request() - parse one request head from the start of buf
 * @buf: bytes received so far, starting at the request
 * @len: how many
 * @lim: limits, see struct khttpd_limits
 * @req: filled in on success; otherwise only @req->method means
 *	anything: the request line's method when the line was read that
 *	far (a HEAD's error response has no body), else
 *	KHTTPD_METHOD_UNKNOWN
 *
 * Return: head length (> 0), 0 for "need more", or -status; see the top of
 * this file.
 */
int khttpd_parse_request(const char *buf, size_t len,
			 const struct khttpd_limits *lim,
			 struct khttpd_request *req);

/**
 * khttpd_method_status() - may khttpd serve this method?
 *
 * Return: 0 for GET and HEAD; 405 for the other methods we know (answer with
 * "Allow: GET, HEAD"); 501 for KHTTPD_METHOD_UNKNOWN.
 */
int khttpd_method_status(enum khttpd_method m);

/**
 * khttpd_parse_worth() - can the bytes received since the last call
 * change khttpd_parse_request()'s answer "need more"?
 * @buf: the bytes received so far
 * @len: how many
 * @scanned: how many of them are known to change nothing; moved to @len
 *	when the new ones do not either, so that a head trickled a byte per
 *	segment is searched once. After a parse that answered 0 the caller
 *	sets it to @len.
 * @lim: the limits the parser is given
 *
 * Return: true when they hold a line end or fill max_header_bytes, the
 * only two things after which the answer can be other than 0.
 */
bool khttpd_parse_worth(const char *buf, u32 len, u32 *scanned,
			const struct khttpd_limits *lim);

/**
 * khttpd_keep_alive() - may the connection stay open after the response?
 *
 * Return: true for HTTP/1.1 without "Connection: close", and for HTTP/1.0
 * with "Connection: keep-alive" and without "close" (RFC 9112 9.3).
 */
bool khttpd_keep_alive(const struct khttpd_request *req);

#endif /* KHTTPD_HTTP_PARSER_H */
