// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd request-head parser; the rules are in http_parser.h.
 *
 * One pass, left to right, over at most max_header_bytes bytes. Each
 * function returns 0 when it consumed what it parses, MORE when the buffer
 * ends first, or -status. Because every decision is made at the first byte
 * that settles it, and the checks needing the whole head are made at its
 * end, a prefix of the input never gives an answer the whole would not.
 */
#include "http_parser.h"

#define MORE 1 /* the buffer ends before the thing being parsed */
#define END 2 /* parse_field(): the empty line that ends the head */
#define INT_LIMIT 0x7fffffffu

struct cursor {
	const char *buf;
	size_t pos;
	size_t end; /* min(len, max_header_bytes): never read past it */
	bool truncated; /* len >= max_header_bytes */
};

/* Out of bytes: wait for more, unless the head can no longer fit. */
static int more(const struct cursor *c)
{
	return c->truncated ? -431 : MORE;
}

/* At a CR: step over CRLF; a CR followed by anything else is invalid. */
static int eat_crlf(struct cursor *c)
{
	if (c->pos + 1 >= c->end)
		return more(c);
	if (c->buf[c->pos + 1] != '\n')
		return -400;
	c->pos += 2;
	return 0;
}

/*
 * Next byte of the request line starting at start, not consumed. Every byte
 * but the CR that ends the line counts towards the limit.
 */
static int line_peek(const struct cursor *c, size_t start, u32 max, u8 *ch)
{
	if (c->pos >= c->end)
		return more(c);
	*ch = c->buf[c->pos];
	if (*ch != '\r' && c->pos - start >= max)
		return -414;
	return 0;
}

static const struct {
	const char *name;
	enum khttpd_method method;
} methods[] = {
	{ "GET", KHTTPD_METHOD_GET },
	{ "HEAD", KHTTPD_METHOD_HEAD },
	{ "POST", KHTTPD_METHOD_POST },
	{ "PUT", KHTTPD_METHOD_PUT },
	{ "DELETE", KHTTPD_METHOD_DELETE },
	{ "CONNECT", KHTTPD_METHOD_CONNECT },
	{ "OPTIONS", KHTTPD_METHOD_OPTIONS },
	{ "TRACE", KHTTPD_METHOD_TRACE },
	{ "PATCH", KHTTPD_METHOD_PATCH },
	{ NULL, KHTTPD_METHOD_UNKNOWN },
};

/* Methods are case-sensitive (RFC 9110 9.1): "get" is unknown. */
static enum khttpd_method method_lookup(const char *p, size_t len)
{
	size_t i;

	for (i = 0; methods[i].name; i++)
		if (strlen(methods[i].name) == len &&
		    !memcmp(p, methods[i].name, len))
			return methods[i].method;
	return KHTTPD_METHOD_UNKNOWN;
}

/* Visible ASCII only: no controls, no spaces, no DEL, no raw UTF-8. */
static bool is_target_char(u8 ch)
{
	return ch >= 0x21 && ch <= 0x7e;
}

/*
 * A non-empty request-line element of @ok characters up to its SP, which
 * is consumed. Returns 0 with @out set, "need more", or -400.
 */
static int parse_word(struct cursor *c, size_t start, u32 max,
		      bool (*ok)(u8 ch), struct khttpd_str *out)
{
	size_t begin = c->pos;
	u8 ch;
	int ret;

	for (;;) {
		ret = line_peek(c, start, max, &ch);
		if (ret)
			return ret;
		if (ch == ' ')
			break;
		if (!ok(ch))
			return -400;
		c->pos++;
	}
	if (c->pos == begin)
		return -400;
	out->p = c->buf + begin;
	out->len = c->pos - begin;
	c->pos++; /* SP */
	return 0;
}

static int parse_method(struct cursor *c, size_t start, u32 max,
			struct khttpd_request *req)
{
	int ret = parse_word(c, start, max, khttpd_is_tchar, &req->method_name);

	if (!ret)
		req->method =
			method_lookup(req->method_name.p, req->method_name.len);
	return ret;
}

static int parse_target(struct cursor *c, size_t start, u32 max,
			struct khttpd_request *req)
{
	return parse_word(c, start, max, is_target_char, &req->target);
}

/*
 * "HTTP/" DIGIT "." DIGIT CRLF. The version is judged only once the line
 * is complete, so that "HTTP/2.0x" is 400 whichever way it arrives.
 */
static int parse_version(struct cursor *c, size_t start, u32 max,
			 struct khttpd_request *req)
{
	static const char pattern[] = "HTTP/#.#";
	const char *v = c->buf + c->pos;
	size_t i;
	u8 ch;
	int ret;

	for (i = 0; i < sizeof(pattern) - 1; i++) {
		ret = line_peek(c, start, max, &ch);
		if (ret)
			return ret;
		if (pattern[i] == '#' ? !khttpd_is_digit(ch) : ch != pattern[i])
			return -400;
		c->pos++;
	}
	ret = line_peek(c, start, max, &ch);
	if (ret)
		return ret;
	if (ch != '\r')
		return -400;
	ret = eat_crlf(c);
	if (ret)
		return ret;
	if (v[5] != '1')
		return -505;
	req->version_minor = v[7] == '0' ? 0 : 1;
	return 0;
}

static int parse_request_line(struct cursor *c, u32 max,
			      struct khttpd_request *req)
{
	unsigned int n;
	size_t start;
	int ret;

	/*
	 * RFC 9112 2.2: ignore empty lines before the request line, a few.
	 * Each is a line end, after which the whole head is parsed again.
	 */
	for (n = 0; c->pos < c->end && c->buf[c->pos] == '\r'; n++) {
		if (n == KHTTPD_MAX_EMPTY_LINES)
			return -400;
		ret = eat_crlf(c);
		if (ret)
			return ret;
	}
	start = c->pos;
	ret = parse_method(c, start, max, req);
	if (!ret)
		ret = parse_target(c, start, max, req);
	if (!ret)
		ret = parse_version(c, start, max, req);
	return ret;
}

/* What a URI authority (RFC 3986 3.2) can hold: host, IP literal, port. */
static bool host_ok(const struct khttpd_str *v)
{
	size_t i;
	u8 ch;

	for (i = 0; i < v->len; i++) {
		ch = v->p[i];
		if (!khttpd_is_digit(ch) && !khttpd_is_alpha(ch) &&
		    !(ch && strchr("-._~!$&'()*+,;=:[]%", ch)))
			return false;
	}
	return true;
}

/* Strict 1*DIGIT that fits a u64: no sign, space, hex or empty value. */
static int parse_content_length(const struct khttpd_str *v, u64 *out)
{
	u64 n = 0;
	size_t i;
	u8 d;

	if (!v->len)
		return -400;
	for (i = 0; i < v->len; i++) {
		if (!khttpd_is_digit(v->p[i]))
			return -400;
		d = v->p[i] - '0';
		if (n > KHTTPD_U64_MAX / 10 ||
		    (n == KHTTPD_U64_MAX / 10 && d > KHTTPD_U64_MAX % 10))
			return -400;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

/* A comma list of tokens, empty elements allowed (RFC 9110 5.6.1). */
static int parse_connection(const struct khttpd_str *v, u32 *conn)
{
	size_t i = 0, begin;

	while (i < v->len) {
		while (i < v->len &&
		       (v->p[i] == ' ' || v->p[i] == '\t' || v->p[i] == ','))
			i++;
		begin = i;
		while (i < v->len && khttpd_is_tchar(v->p[i]))
			i++;
		if (khttpd_ieq(v->p + begin, i - begin, "close"))
			*conn |= KHTTPD_CONN_CLOSE;
		else if (khttpd_ieq(v->p + begin, i - begin, "keep-alive"))
			*conn |= KHTTPD_CONN_KEEP_ALIVE;
		while (i < v->len && (v->p[i] == ' ' || v->p[i] == '\t'))
			i++;
		if (i < v->len && v->p[i] != ',')
			return -400;
	}
	return 0;
}

/* A transfer coding khttpd does not know: 501, once the framing is sane. */
#define TE_UNKNOWN 0x100000

/*
 * Transfer-Encoding: a list of codings, each a token with parameters. One
 * that is not HTTP's own (RFC 9112 7 and the registry: chunked, compress,
 * deflate, gzip, and the x- aliases) sets TE_UNKNOWN.
 */
static int parse_transfer_encoding(const struct khttpd_str *v, u32 *present)
{
	static const char *const known[] = {
		"chunked", "compress",	 "deflate",
		"gzip",	   "x-compress", "x-gzip",
	};
	size_t i = 0, begin, k;

	*present |= KHTTPD_HDR_TRANSFER_ENCODING;
	while (i < v->len) {
		while (i < v->len &&
		       (v->p[i] == ' ' || v->p[i] == '\t' || v->p[i] == ','))
			i++;
		if (i == v->len)
			break;
		begin = i;
		while (i < v->len && khttpd_is_tchar(v->p[i]))
			i++;
		if (i == begin)
			return -400;
		for (k = 0; k < ARRAY_SIZE(known); k++)
			if (khttpd_ieq(v->p + begin, i - begin, known[k]))
				break;
		if (k == ARRAY_SIZE(known))
			*present |= TE_UNKNOWN;
		/* Parameters: khttpd decodes nothing, so they do not matter. */
		while (i < v->len && v->p[i] != ',')
			i++;
	}
	return 0;
}

/*
 * A field we care about for the second time: keep it only if it says the
 * same. IMS, IUS, Range and If-Range are then dropped (the SEEN_* bit stops a
 * third one bringing them back).
 */
#define SEEN_IMS 0x10000
#define SEEN_RANGE 0x20000
#define SEEN_IF_RANGE 0x40000
#define SEEN_IUS 0x80000
#define SEEN_ALL (SEEN_IMS | SEEN_RANGE | SEEN_IF_RANGE | SEEN_IUS | TE_UNKNOWN)

static void drop_field(u32 *present, u32 bit, u32 seen, struct khttpd_str *dst)
{
	*present = (*present & ~bit) | seen;
	dst->p = NULL;
	dst->len = 0;
}

static void store_once(u32 *present, u32 bit, u32 seen, struct khttpd_str *dst,
		       const struct khttpd_str *v)
{
	if (*present & seen) {
		drop_field(present, bit, seen, dst);
		return;
	}
	*present |= bit | seen;
	*dst = *v;
}

/* One more field line of a list. */
static void store_line(u32 *present, u32 bit, struct khttpd_taglist *l,
		       const struct khttpd_str *v)
{
	*present |= bit;
	if (l->lines < KHTTPD_TAG_LINES)
		l->line[l->lines] = *v;
	if (l->lines <= KHTTPD_TAG_LINES)
		l->lines++;
}

static int store_field(struct khttpd_request *req, const struct khttpd_str *n,
		       const struct khttpd_str *v)
{
	u64 cl;
	int ret;

	if (khttpd_ieq(n->p, n->len, "host")) {
		if ((req->present & KHTTPD_HDR_HOST) || !host_ok(v))
			return -400;
		req->present |= KHTTPD_HDR_HOST;
		req->host = *v;
	} else if (khttpd_ieq(n->p, n->len, "content-length")) {
		ret = parse_content_length(v, &cl);
		if (ret)
			return ret;
		if ((req->present & KHTTPD_HDR_CONTENT_LENGTH) &&
		    cl != req->content_length)
			return -400;
		req->present |= KHTTPD_HDR_CONTENT_LENGTH;
		req->content_length = cl;
	} else if (khttpd_ieq(n->p, n->len, "transfer-encoding")) {
		return parse_transfer_encoding(v, &req->present);
	} else if (khttpd_ieq(n->p, n->len, "connection")) {
		return parse_connection(v, &req->conn);
	} else if (khttpd_ieq(n->p, n->len, "if-modified-since")) {
		store_once(&req->present, KHTTPD_HDR_IF_MODIFIED_SINCE,
			   SEEN_IMS, &req->ims, v);
	} else if (khttpd_ieq(n->p, n->len, "range")) {
		store_once(&req->present, KHTTPD_HDR_RANGE, SEEN_RANGE,
			   &req->range, v);
	} else if (khttpd_ieq(n->p, n->len, "if-range")) {
		if (req->present & SEEN_IF_RANGE) /* no condition, no range */
			drop_field(&req->present, KHTTPD_HDR_RANGE, SEEN_RANGE,
				   &req->range);
		store_once(&req->present, KHTTPD_HDR_IF_RANGE, SEEN_IF_RANGE,
			   &req->if_range, v);
	} else if (khttpd_ieq(n->p, n->len, "if-none-match")) {
		store_line(&req->present, KHTTPD_HDR_IF_NONE_MATCH, &req->inm,
			   v);
	} else if (khttpd_ieq(n->p, n->len, "if-match")) {
		store_line(&req->present, KHTTPD_HDR_IF_MATCH, &req->im, v);
	} else if (khttpd_ieq(n->p, n->len, "if-unmodified-since")) {
		store_once(&req->present, KHTTPD_HDR_IF_UNMODIFIED_SINCE,
			   SEEN_IUS, &req->ius, v);
	}
	return 0;
}

/* field-vchar, obs-text, SP and HTAB (RFC 9110 5.5). */
static bool value_char(u8 ch)
{
	return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

/*
 * One field line, or the empty line ending the head (END). A line that
 * starts with whitespace is obs-fold, or whitespace after the request line:
 * both 400 (RFC 9112 2.2, 5.2), as is whitespace before the colon (5.1).
 */
static int parse_field(struct cursor *c, u32 max_headers,
		       struct khttpd_request *req)
{
	struct khttpd_str name, value;
	size_t vend;
	int ret;

	if (c->pos >= c->end)
		return more(c);
	if (c->buf[c->pos] == '\r') {
		ret = eat_crlf(c);
		return ret ? ret : END;
	}
	if (++req->nheaders > max_headers)
		return -431;

	name.p = c->buf + c->pos;
	for (;;) {
		if (c->pos >= c->end)
			return more(c);
		if (c->buf[c->pos] == ':')
			break;
		if (!khttpd_is_tchar(c->buf[c->pos]))
			return -400;
		c->pos++;
	}
	name.len = c->buf + c->pos - name.p;
	if (!name.len)
		return -400;
	c->pos++; /* ':' */

	while (c->pos < c->end &&
	       (c->buf[c->pos] == ' ' || c->buf[c->pos] == '\t'))
		c->pos++;
	value.p = c->buf + c->pos;
	for (;;) {
		if (c->pos >= c->end)
			return more(c);
		if (c->buf[c->pos] == '\r')
			break;
		if (!value_char(c->buf[c->pos]))
			return -400;
		c->pos++;
	}
	vend = c->pos;
	while (vend > (size_t)(value.p - c->buf) &&
	       (c->buf[vend - 1] == ' ' || c->buf[vend - 1] == '\t'))
		vend--;
	value.len = c->buf + vend - value.p;
	ret = eat_crlf(c);
	if (ret)
		return ret;
	return store_field(req, &name, &value);
}

/* The checks that need the whole head, in order of precedence. */
static int check_head(const struct khttpd_request *req)
{
	u32 te = req->present & KHTTPD_HDR_TRANSFER_ENCODING;

	if (req->version_minor == 1 && !(req->present & KHTTPD_HDR_HOST))
		return -400;
	/* Smuggling: which framing would a proxy in front have used? */
	if (te && ((req->present & KHTTPD_HDR_CONTENT_LENGTH) ||
		   req->version_minor == 0))
		return -400;
	/* A coding it does not understand: 501 (RFC 9112 6.1), and close. */
	if (req->present & TE_UNKNOWN)
		return -501;
	/*
	 * khttpd takes no request content of unannounced length: 400, and
	 * the connection closes (RFC 9112 6.3 requires 400 unless chunked
	 * is the final coding; for chunked, RFC 9112 7 lets a server refuse
	 * the message, though not with 501: every recipient understands it).
	 */
	if (te)
		return -400;
	if (req->method == KHTTPD_METHOD_UNKNOWN)
		return -501;
	return 0;
}

int khttpd_parse_request(const char *buf, size_t len,
			 const struct khttpd_limits *lim,
			 struct khttpd_request *req)
{
	size_t max = lim->max_header_bytes;
	struct cursor c = { .buf = buf };
	int ret;

	memset(req, 0, sizeof(*req));
	if (max > INT_LIMIT)
		max = INT_LIMIT;
	c.end = len < max ? len : max;
	/* max bytes without a complete head: more bytes cannot help. */
	c.truncated = len >= max;

	ret = parse_request_line(&c, lim->max_request_line, req);
	while (!ret)
		ret = parse_field(&c, lim->max_headers, req);
	if (ret == MORE)
		return 0;
	if (ret != END)
		return ret;
	ret = check_head(req);
	if (ret)
		return ret;
	req->present &= ~SEEN_ALL;
	req->head_len = c.pos;
	return (int)c.pos;
}

bool khttpd_parse_worth(const char *buf, u32 len, u32 *scanned,
			const struct khttpd_limits *lim)
{
	if (len >= lim->max_header_bytes ||
	    memchr(buf + *scanned, '\n', len - *scanned))
		return true;
	*scanned = len;
	return false;
}

int khttpd_method_status(enum khttpd_method m)
{
	switch (m) {
	case KHTTPD_METHOD_GET:
	case KHTTPD_METHOD_HEAD:
		return 0;
	case KHTTPD_METHOD_UNKNOWN:
		return 501;
	default:
		return 405;
	}
}

bool khttpd_keep_alive(const struct khttpd_request *req)
{
	if (req->conn & KHTTPD_CONN_CLOSE)
		return false;
	return req->version_minor == 1 || (req->conn & KHTTPD_CONN_KEEP_ALIVE);
}
