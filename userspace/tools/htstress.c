// SPDX-License-Identifier: GPL-2.0
/*
 * htstress - epoll HTTP/1.x load generator for khttpd and other servers.
 *
 * -c connections spread over -t threads, each thread with its own epoll
 * loop and statistics merged at the end. Every request is accounted for:
 * it either completes with a status or counts as one error, after which the
 * connection is replaced, so completed + errors == -n.
 *
 * Default is HTTP/1.0 with one connection per request, like the original
 * htstress; -k sends HTTP/1.1 requests and reuses connections as long as
 * the server allows it. Responses are parsed, not just counted: status
 * line, Content-Length, Connection, and bodies delimited by close.
 * Chunked responses are detected and counted as errors.
 *
 * --rate R (with -d) runs open loop, as wrk2 does: the connections
 * together offer R requests/s on a fixed schedule (pace.h), each still
 * with one request outstanding, and a request is timed from when it was
 * meant to be sent, so a server that falls behind shows its backlog in the
 * latency. The report says whether the rate was kept.
 *
 * -d runs for a time instead of a count; --hold keeps the kept-alive
 * connections open and idle at the end, for measuring what idle
 * connections cost a server.
 */
#include "tools.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#define SCRATCH_SIZE (64 * 1024)
#define HEAD_MAX (16 * 1024)
#define MAX_CONTENT_LENGTH (1ull << 62)

struct ht_opts {
	char host[256]; /* for getaddrinfo, no brackets */
	char port[8];
	char *authority; /* Host header: as written in the URL */
	char *path;
	const char *url;
	uint64_t count;
	double duration; /* -d, 0 when counting requests */
	double rate; /* --rate R requests/s, 0 for closed-loop */
	uint64_t conc;
	uint64_t threads;
	bool keepalive;
	struct load_opts load;
	struct sockaddr_storage addr;
	socklen_t addrlen;
};

enum resp_state {
	R_HEAD,
	R_BODY, /* Content-Length bytes to go */
	R_BODY_EOF, /* body ends when the server closes */
	R_DONE,
};

enum resp_result {
	RESP_MORE,
	RESP_DONE,
	RESP_BAD,
	RESP_CHUNKED,
};

struct resp {
	enum resp_state st;
	int status;
	bool has_clen;
	bool close; /* connection cannot be reused */
	uint64_t clen;
	uint64_t body;
	uint64_t nbytes; /* all bytes of this response so far */
	size_t hlen;
	char head[HEAD_MAX];
};

enum hconn_state {
	H_CONNECTING,
	H_SENDING,
	H_RECEIVING,
	H_WAITING, /* open loop: idle until its next slot */
	H_DONE,
};

struct hconn {
	struct ep_conn ep;
	enum hconn_state st;
	bool reused; /* served a response before this request */
	bool retried;
	size_t req_off;
	uint64_t t_start;
	struct resp r;
};

struct hworker {
	struct ep_worker ew;
	uint64_t reqs;
	uint64_t retries;
	uint64_t status[6]; /* by class: [1] 1xx ... [5] 5xx */
	uint64_t last_done; /* when the last response completed */
};

static const enum err_kind ht_errs[] = {
	ERR_REFUSED,	  ERR_RESET,   ERR_TIMEOUT, ERR_SHORT,
	ERR_BAD_RESPONSE, ERR_CHUNKED, ERR_OTHER,
};

static struct ht_opts opt;
static char *request;
static size_t request_len;
static atomic_uint_fast64_t next_req;
static uint64_t end_ns;
static _Atomic uint64_t pace_t0; /* open loop: when the schedule starts */

static const char usage_text[] =
	"usage: htstress [-n REQUESTS | -d SECONDS] [-c CONCURRENCY]\n"
	"                [-t THREADS] [-k] [--rate R] [--timeout MS]\n"
	"                [--hold SECONDS] [--server-cpus LIST]\n"
	"                [--csv | --json] URL\n"
	"\n"
	"Send GET requests to URL (http://HOST[:PORT][/PATH], HOST a name,\n"
	"an IPv4 address or an IPv6 address in brackets).\n"
	"\n"
	"  -n REQUESTS     total requests (default 1000)\n"
	"  -d SECONDS      send requests for SECONDS instead; the ones\n"
	"                  under way then still complete\n"
	"  -c CONCURRENCY  concurrent connections (default 1)\n"
	"  -t THREADS      threads sharing the connections (default 1)\n"
	"  -k              HTTP/1.1 keep-alive; default is HTTP/1.0 with\n"
	"                  one connection per request\n"
	"  --rate R        open loop: R requests/s over all connections,\n"
	"                  evenly spaced, one request at a time on each;\n"
	"                  latency from the intended send time; reports\n"
	"                  the achieved rate and whether it kept R (95 %).\n"
	"                  Needs -d\n"
	"  --timeout MS    fail a request after MS without progress\n"
	"                  (default 5000)\n"
	"  --hold SECONDS  with -k: keep the connections open and idle after\n"
	"                  their last response for SECONDS, or until SIGINT\n"
	"                  or SIGTERM; prints \"holding N connections\" to\n"
	"                  stderr when they all are. A connection the server\n"
	"                  closes meanwhile is an error (held_lost)\n"
	"  --server-cpus LIST  how busy these CPUs (the server's, e.g.\n"
	"                  0-1) were in the window: its wall time less\n"
	"                  their idle time in /proc/stat. Reports\n"
	"                  server_cpu and server_cpu_us_per_req, the CPU\n"
	"                  time one request cost there. Needs -d\n"
	"  --csv, --json   machine-readable output\n"
	"  -h, --help      show this help\n"
	"\n"
	"Exit status: 0 when every request got a 2xx response, 1 otherwise,\n"
	"2 usage.\n";

/* --- response parser ------------------------------------------------------ */

static void resp_reset(struct resp *r)
{
	r->st = R_HEAD;
	r->status = 0;
	r->has_clen = false;
	r->close = false;
	r->clen = r->body = r->nbytes = 0;
	r->hlen = 0;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && !strncasecmp(name, want, len);
}

/* Is token (case-insensitive) one of the comma-separated items of v? */
static bool has_token(const char *v, size_t len, const char *token)
{
	size_t tl = strlen(token), i = 0, s, e;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < len && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && !strncasecmp(v + s, token, tl))
			return true;
	}
	return false;
}

static int parse_clen(struct resp *r, const char *v, size_t len)
{
	uint64_t n = 0;
	size_t i;

	if (!len)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9' || n > MAX_CONTENT_LENGTH / 10)
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	/* Differing duplicates make the body length ambiguous. */
	if (r->has_clen && r->clen != n)
		return -1;
	r->has_clen = true;
	r->clen = n;
	return 0;
}

/*
 * One header line [p, p + len). Sets *ka for "Connection: keep-alive" and
 * *chunked for any Transfer-Encoding but identity.
 */
static int parse_header(struct resp *r, const char *p, size_t len, bool *ka,
			bool *chunked)
{
	const char *colon = memchr(p, ':', len);
	const char *v;
	size_t nlen, vlen;

	if (!colon || colon == p)
		return -1;
	nlen = (size_t)(colon - p);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (name_is(p, nlen, "content-length"))
		return parse_clen(r, v, vlen);
	if (name_is(p, nlen, "transfer-encoding") &&
	    !(vlen == 8 && !strncasecmp(v, "identity", 8)))
		*chunked = true;
	if (name_is(p, nlen, "connection")) {
		if (has_token(v, vlen, "close"))
			r->close = true;
		if (has_token(v, vlen, "keep-alive"))
			*ka = true;
	}
	return 0;
}

/* "HTTP/1.x SSS reason": returns the minor version or -1. */
static int parse_status_line(struct resp *r, const char *p, size_t len)
{
	const char *s = p + 9;

	if (len < 12 || memcmp(p, "HTTP/1.", 7) ||
	    (p[7] != '0' && p[7] != '1') || p[8] != ' ')
		return -1;
	if (s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9' || (len > 12 && s[3] != ' '))
		return -1;
	r->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return p[7] - '0';
}

/* Parse the complete head in r->head[0..hlen) and pick the body framing. */
static enum resp_result resp_parse_head(struct resp *r)
{
	const char *p = r->head, *end = r->head + r->hlen - 2, *eol;
	bool ka = false, chunked = false;
	int minor = -1;

	for (; p < end; p = eol + 2) {
		eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
		if (minor < 0) {
			minor = parse_status_line(r, p, (size_t)(eol - p));
			if (minor < 0)
				return RESP_BAD;
		} else if (parse_header(r, p, (size_t)(eol - p), &ka,
					&chunked)) {
			return RESP_BAD;
		}
	}
	if (minor == 0 && !ka)
		r->close = true;
	if (r->status < 200 || r->status == 204 || r->status == 304) {
		r->st = R_DONE;
	} else if (chunked) {
		return RESP_CHUNKED;
	} else if (r->has_clen) {
		r->st = r->clen ? R_BODY : R_DONE;
	} else {
		r->st = R_BODY_EOF;
		r->close = true;
	}
	return RESP_MORE;
}

/*
 * Collect the head. Returns how much of p it took, or -1 when the head is
 * too long; *complete tells whether the blank line was seen.
 */
static long resp_take_head(struct resp *r, const char *p, size_t n,
			   bool *complete)
{
	size_t take = n < HEAD_MAX - r->hlen ? n : HEAD_MAX - r->hlen;
	size_t from = r->hlen >= 3 ? r->hlen - 3 : 0, old = r->hlen;
	const char *end;

	memcpy(r->head + r->hlen, p, take);
	r->hlen += take;
	end = memmem(r->head + from, r->hlen - from, "\r\n\r\n", 4);
	*complete = end;
	if (!end) {
		if (r->hlen == HEAD_MAX)
			return -1;
		return (long)take;
	}
	r->hlen = (size_t)(end - r->head) + 4;
	return (long)(r->hlen - old);
}

/*
 * Feed n received bytes. *used is how many belong to this response; the
 * caller treats anything after a complete response as an error because
 * requests are not pipelined.
 */
static enum resp_result resp_feed(struct resp *r, const char *p, size_t n,
				  size_t *used)
{
	enum resp_result ret;
	bool complete;
	uint64_t take;
	size_t u = 0;
	long h;

	if (r->st == R_HEAD) {
		h = resp_take_head(r, p, n, &complete);
		if (h < 0)
			return RESP_BAD;
		u = (size_t)h;
		if (complete) {
			ret = resp_parse_head(r);
			if (ret != RESP_MORE)
				return ret;
		}
	}
	if (r->st == R_BODY) {
		take = r->clen - r->body;
		if (take > n - u)
			take = n - u;
		r->body += take;
		u += (size_t)take;
		if (r->body == r->clen)
			r->st = R_DONE;
	} else if (r->st == R_BODY_EOF) {
		r->body += n - u;
		u = n;
	}
	r->nbytes += u;
	*used = u;
	return r->st == R_DONE ? RESP_DONE : RESP_MORE;
}

/* --- connections ---------------------------------------------------------- */

static void conn_close(struct hconn *c)
{
	if (c->ep.fd >= 0)
		close(c->ep.fd);
	c->ep.fd = -1;
}

static void req_start(struct hworker *w, struct hconn *c);

/* Count one failed request, print the first of each kind, close c. */
__attribute__((format(printf, 4, 0))) static void
req_verror(struct hworker *w, struct hconn *c, enum err_kind kind,
	   const char *fmt, va_list ap)
{
	char msg[256];

	if (ep_error_first(&w->ew, kind)) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		warnx_("first %s error: %s", err_kind_name(kind), msg);
	}
	conn_close(c);
}

/*
 * Fail the request without starting the next one: for failures inside
 * req_begin(), whose caller loops, so a server that refuses every connect
 * at once cannot recurse through thousands of requests.
 */
__attribute__((format(printf, 4, 5))) static int req_error(struct hworker *w,
							   struct hconn *c,
							   enum err_kind kind,
							   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	req_verror(w, c, kind, fmt, ap);
	va_end(ap);
	return -1;
}

/* Fail the request and go on with the next one. */
#define req_fail(w, c, ...)                   \
	do {                                  \
		req_error(w, c, __VA_ARGS__); \
		req_start(w, c);              \
	} while (0)

static void req_fail_errno(struct hworker *w, struct hconn *c, int err,
			   const char *what)
{
	req_fail(w, c, err_kind_of_errno(err), "%s: %s", what, strerror(err));
}

static void req_send(struct hworker *w, struct hconn *c)
{
	size_t before = c->req_off;
	int err = send_nonblock(c->ep.fd, request, request_len, &c->req_off);

	if (c->req_off > before)
		c->ep.deadline = w->ew.now + opt.load.timeout_ms * 1000000ull;
	if (err) {
		req_fail_errno(w, c, err, "send");
		return;
	}
	if (c->req_off < request_len) {
		ep_set_events(&w->ew, &c->ep, EPOLLOUT);
		return;
	}
	c->st = H_RECEIVING;
	ep_set_events(&w->ew, &c->ep, EPOLLIN);
}

/*
 * Send the current request, on a new connection unless one is open.
 * Returns -1 when the request failed at once; the caller starts the next.
 */
static int req_begin(struct hworker *w, struct hconn *c)
{
	const char *what;
	int err;

	resp_reset(&c->r);
	c->req_off = 0;
	c->ep.deadline = w->ew.now + opt.load.timeout_ms * 1000000ull;
	if (c->ep.fd >= 0) {
		c->st = H_SENDING;
		req_send(w, c);
		return 0;
	}
	c->reused = false;
	c->st = H_CONNECTING;
	err = ep_connect(&w->ew, &c->ep, (const struct sockaddr *)&opt.addr,
			 opt.addrlen, &what);
	if (err)
		return req_error(w, c, err_kind_of_errno(err), "%s: %s", what,
				 strerror(err));
	return 0;
}

/* Is there another request to send? */
static bool req_claim(void)
{
	if (interrupted)
		return false;
	if (opt.duration)
		return now_ns() < end_ns;
	return atomic_fetch_add(&next_req, 1) < opt.count;
}

/*
 * Start c's next request, or finish c when there is none. Open loop: wait
 * for c's slot first, unless intended is the slot that has just come.
 */
static void req_next(struct hworker *w, struct hconn *c, uint64_t intended)
{
	do {
		if (!intended && opt.rate > 0 && !interrupted &&
		    now_ns() < end_ns) {
			intended = ep_pace_next(&w->ew, &c->ep);
			if (!intended) {
				c->st = H_WAITING;
				return;
			}
		}
		if (!req_claim()) {
			c->st = H_DONE;
			if (opt.load.hold && c->ep.fd >= 0) {
				ep_hold_conn(&w->ew, &c->ep);
				return;
			}
			conn_close(c);
			w->ew.live--;
			return;
		}
		c->t_start = intended ? intended : now_ns();
		intended = 0;
		c->retried = false;
	} while (req_begin(w, c));
}

static void req_start(struct hworker *w, struct hconn *c)
{
	req_next(w, c, 0);
}

static void req_due(struct ep_worker *ew, struct ep_conn *ec, uint64_t intended)
{
	struct hconn *c = container_of(ec, struct hconn, ep);

	if (c->st == H_WAITING)
		req_next(container_of(ew, struct hworker, ew), c, intended);
}

/*
 * Open loop, between requests: a kept-alive connection the server closes
 * is reopened for the next request; anything else it sends is an error.
 */
static void conn_idle_input(struct hworker *w, struct hconn *c)
{
	ssize_t n = ep_recv(&w->ew, &c->ep, SCRATCH_SIZE);

	if (n > 0) {
		req_error(w, c, ERR_BAD_RESPONSE,
			  "%zd bytes while no request was open", n);
		c->reused = false;
	} else if (n == 0 || errno != EAGAIN) {
		conn_close(c);
		c->reused = false;
	}
}

static void resp_done(struct hworker *w, struct hconn *c)
{
	w->last_done = now_ns();
	hist_add(&w->ew.lat, w->last_done - c->t_start);
	w->reqs++;
	w->status[c->r.status / 100]++;
	if (opt.keepalive && !c->r.close)
		c->reused = true;
	else
		conn_close(c);
	req_start(w, c);
}

/*
 * A kept-alive connection may have been closed by the server just before
 * our request arrived; like browsers, retry once on a new connection when
 * not a single byte of the response came back.
 */
static bool req_retry(struct hworker *w, struct hconn *c)
{
	if (!c->reused || c->retried || c->r.nbytes)
		return false;
	w->retries++;
	c->retried = true;
	conn_close(c);
	if (req_begin(w, c))
		req_start(w, c);
	return true;
}

static void resp_eof(struct hworker *w, struct hconn *c)
{
	if (c->r.st == R_BODY_EOF) {
		resp_done(w, c);
		return;
	}
	if (req_retry(w, c))
		return;
	req_fail(w, c, ERR_SHORT,
		 "server closed after %" PRIu64 " bytes of the response",
		 c->r.nbytes);
}

/* Returns false when c moved on (new request, error), true for more. */
static bool resp_input(struct hworker *w, struct hconn *c, size_t n)
{
	enum resp_result ret;
	size_t used;

	ret = resp_feed(&c->r, w->ew.scratch, n, &used);
	if (ret == RESP_BAD) {
		req_fail(w, c, ERR_BAD_RESPONSE, "cannot parse response: %.40s",
			 c->r.hlen ? c->r.head : "");
		return false;
	}
	if (ret == RESP_CHUNKED) {
		req_fail(w, c, ERR_CHUNKED, "chunked response (status %d)",
			 c->r.status);
		return false;
	}
	if (ret == RESP_DONE && used < n) {
		req_fail(w, c, ERR_BAD_RESPONSE,
			 "%zu bytes after the end of the response", n - used);
		return false;
	}
	if (ret == RESP_DONE) {
		resp_done(w, c);
		return false;
	}
	return true;
}

static void resp_recv(struct hworker *w, struct hconn *c)
{
	ssize_t n;

	for (;;) {
		n = ep_recv(&w->ew, &c->ep, SCRATCH_SIZE);
		if (n == 0) {
			resp_eof(w, c);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && !req_retry(w, c))
				req_fail_errno(w, c, errno, "recv");
			return;
		}
		c->ep.deadline = w->ew.now + opt.load.timeout_ms * 1000000ull;
		if (!resp_input(w, c, (size_t)n))
			return;
	}
}

static void conn_connected(struct hworker *w, struct hconn *c)
{
	int err = ep_connect_result(&c->ep);

	if (err) {
		req_fail_errno(w, c, err, "connect");
		return;
	}
	c->st = H_SENDING;
	req_send(w, c);
}

static void conn_event(struct ep_worker *ew, struct ep_conn *ec,
		       uint32_t events)
{
	struct hworker *w = container_of(ew, struct hworker, ew);
	struct hconn *c = container_of(ec, struct hconn, ep);

	switch (c->st) {
	case H_CONNECTING:
		conn_connected(w, c);
		break;
	case H_SENDING:
		req_send(w, c);
		break;
	case H_RECEIVING:
		resp_recv(w, c);
		break;
	case H_WAITING:
		conn_idle_input(w, c);
		break;
	case H_DONE:
		break;
	}
}

static void conn_start(struct ep_worker *ew, struct ep_conn *ec)
{
	req_start(container_of(ew, struct hworker, ew),
		  container_of(ec, struct hconn, ep));
}

static void conn_expired(struct ep_worker *ew, struct ep_conn *ec)
{
	struct hworker *w = container_of(ew, struct hworker, ew);
	struct hconn *c = container_of(ec, struct hconn, ep);

	if (c->st != H_DONE && c->st != H_WAITING)
		req_fail(w, c, ERR_TIMEOUT, "no progress for %" PRIu64 " ms",
			 opt.load.timeout_ms);
}

static const struct ep_ops ht_ops = {
	.worker_size = sizeof(struct hworker),
	.conn_size = sizeof(struct hconn),
	.scratch_size = SCRATCH_SIZE,
	.start = conn_start,
	.event = conn_event,
	.expired = conn_expired,
	.due = req_due,
};

/* --- setup and report ----------------------------------------------------- */

struct totals {
	struct ep_totals ep;
	uint64_t reqs, retries, status[6];
	uint64_t held, held_lost;
	uint64_t last_done;
	struct cpu_sample cpu0, cpu1; /* the client's own CPU time */
	const struct cpus_watch *server; /* --server-cpus */
};

static void sum_workers(struct hworker *w, unsigned int nw, struct totals *t)
{
	unsigned int i, k;

	memset(t, 0, sizeof(*t));
	ep_sum(w, &ht_ops, nw, &t->ep);
	for (i = 0; i < nw; i++) {
		t->reqs += w[i].reqs;
		t->retries += w[i].retries;
		if (w[i].last_done > t->last_done)
			t->last_done = w[i].last_done;
		for (k = 0; k < 6; k++)
			t->status[k] += w[i].status[k];
	}
}

static void report(const struct totals *t, unsigned int nw, double elapsed)
{
	static const char *const keys[6] = {
		NULL,	      "status_1xx", "status_2xx",
		"status_3xx", "status_4xx", "status_5xx",
	};
	struct report r = { 0 };
	unsigned int k;

	report_str(&r, "url", "url", opt.url);
	report_str(&r, "mode", "mode", opt.keepalive ? "keep-alive" : "close");
	report_str(&r, "loop", "load", opt.rate > 0 ? "open" : "closed");
	report_u64(&r, "concurrency", "concurrency", opt.conc, NULL);
	report_u64(&r, "threads", "threads", nw, NULL);
	report_dbl(&r, "elapsed_s", "elapsed", elapsed, 3, "s");
	report_u64(&r, "requests", "requests", t->reqs, NULL);
	report_u64(&r, "errors", "errors", t->ep.nerrs, NULL);
	report_dbl(&r, "req_per_s", "throughput", t->reqs / elapsed, 1,
		   "req/s");
	report_dbl(&r, "mb_per_s", "received", t->ep.bytes_rcvd / elapsed / 1e6,
		   2, "MB/s");
	if (opt.rate > 0)
		report_rate(&r, opt.rate, opt.duration, t->reqs / elapsed);
	report_latency(&r, &t->ep.lat);
	report_client_cpu(&r, &t->cpu0, &t->cpu1);
	report_server_cpu(&r, t->server, t->reqs, "server_cpu_us_per_req",
			  "server CPU/req");
	report_u64(&r, "connections", "connections", t->ep.connects, NULL);
	report_u64(&r, "retries", "retries", t->retries, NULL);
	report_u64(&r, "bytes_received", "bytes received", t->ep.bytes_rcvd,
		   NULL);
	for (k = 1; k < 6; k++)
		report_u64(&r, keys[k], keys[k], t->status[k], NULL);
	report_errors(&r, t->ep.errs, ht_errs,
		      sizeof(ht_errs) / sizeof(ht_errs[0]));
	report_u64(&r, "held", "held open", t->held, NULL);
	report_u64(&r, "held_lost", "lost while held", t->held_lost, NULL);
	report_print(&r, opt.load.fmt, stdout);
}

static int run(void)
{
	unsigned int nw = (unsigned int)opt.threads;
	struct hworker *w;
	struct totals *t;
	uint64_t t0, t1, held = 0, lost = 0;
	struct cpu_sample cpu0, cpu1;
	static _Atomic uint64_t window_t0;
	struct cpus_watch server = { 0 };
	double elapsed;
	int ret = EXIT_ERRORS;

	if (nw > opt.conc)
		nw = (unsigned int)opt.conc;
	w = ep_alloc_workers(&ht_ops, nw, opt.conc);
	t = malloc(sizeof(*t));
	if (!w || !t)
		goto out;
	if (cpus_watch_start(&server, &opt.load, &window_t0, opt.duration))
		goto out;
	cpu_sample_take(&cpu0);
	t0 = now_ns();
	end_ns = t0 + (uint64_t)(opt.duration * 1e9);
	atomic_store(&window_t0, t0);
	if (opt.rate > 0) {
		atomic_store(&pace_t0, t0);
		ep_pace_setup(w, &ht_ops, nw, opt.rate, opt.conc, &pace_t0);
	}
	if (ep_run_workers(w, &ht_ops, nw))
		goto out;
	/* The hold is not part of the run's time. */
	t1 = now_ns();
	cpu_sample_take(&cpu1);
	cpus_watch_end(&server);
	elapsed = (double)(t1 - t0) / 1e9;
	held = ep_hold(w, &ht_ops, nw, opt.load.hold, &lost);
	sum_workers(w, nw, t);
	t->cpu0 = cpu0;
	t->cpu1 = cpu1;
	t->server = &server;
	/*
	 * Open loop: the window, or longer if responses came after it;
	 * connections waiting for a slot past it do not count.
	 */
	if (opt.rate > 0)
		elapsed = t->last_done > end_ns ?
				  (double)(t->last_done - t0) / 1e9 :
				  opt.duration;
	t->held = held;
	t->held_lost = lost;
	report(t, nw, elapsed);
	if (!t->ep.nerrs && !lost && t->reqs &&
	    t->status[2] == (opt.duration ? t->reqs : opt.count))
		ret = EXIT_OK;
out:
	cpus_watch_end(&server);
	ep_free_workers(w, &ht_ops, nw);
	free(t);
	return ret;
}

/* --- options -------------------------------------------------------------- */

static int bad_url(const char *why)
{
	warnx_("invalid URL '%s': %s", opt.url, why);
	return -1;
}

/* Split "host[:port]" or "[v6][:port]" into opt.host and opt.port. */
static int parse_authority(const char *a, size_t len)
{
	const char *colon, *hs = a, *he;
	uint64_t port = 80;
	char pbuf[8];

	if (memchr(a, '@', len))
		return bad_url("user info is not supported");
	if (len && a[0] == '[') {
		he = memchr(a, ']', len);
		if (!he)
			return bad_url("missing ']' after IPv6 address");
		hs = a + 1;
		colon = he + 1 < a + len ? he + 1 : NULL;
		if (colon && *colon != ':')
			return bad_url("junk after ']'");
	} else {
		colon = memchr(a, ':', len);
		he = colon ? colon : a + len;
		if (colon && memrchr(a, ':', len) != colon)
			return bad_url("IPv6 addresses must be in brackets");
	}
	if (he == hs || (size_t)(he - hs) >= sizeof(opt.host))
		return bad_url("bad host");
	memcpy(opt.host, hs, (size_t)(he - hs));
	if (colon) {
		size_t pl = len - (size_t)(colon + 1 - a);

		if (!pl || pl >= sizeof(pbuf))
			return bad_url("bad port");
		memcpy(pbuf, colon + 1, pl);
		pbuf[pl] = '\0';
		if (parse_u64("port", pbuf, 1, 65535, &port))
			return -1;
	}
	snprintf(opt.port, sizeof(opt.port), "%" PRIu64, port);
	return 0;
}

static int parse_url(const char *url)
{
	const char *a, *p, *c;
	size_t alen, plen;

	opt.url = url;
	if (!strncasecmp(url, "https://", 8))
		return bad_url("https is not supported");
	if (strncasecmp(url, "http://", 7))
		return bad_url("must start with http://");
	a = url + 7;
	alen = strcspn(a, "/?#");
	if (parse_authority(a, alen))
		return -1;
	opt.authority = strndup(a, alen);
	p = a + alen;
	plen = strcspn(p, "#"); /* the fragment is not sent */
	for (c = p; c < p + plen; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return bad_url("spaces or control characters in path");
	/* p is empty or starts with '/', '?' or '#'. */
	if (*p == '/')
		opt.path = strndup(p, plen);
	else if (asprintf(&opt.path, "/%.*s", (int)plen, p) < 0)
		opt.path = NULL;
	return opt.authority && opt.path ? 0 : -1;
}

enum {
	OPT_RATE = OPT_TOOL,
};

static const struct option long_opts[] = {
	LOAD_LONG_OPTS,
	{ "rate", required_argument, NULL, OPT_RATE },
	{ NULL, 0, NULL, 0 },
};

/* Which options were given, for the exclusivity checks. */
struct seen {
	bool n, d;
};

static int parse_opt(int ch, struct seen *seen)
{
	switch (ch) {
	case 'n':
		seen->n = true;
		return parse_u64("request count", optarg, 1, UINT64_MAX / 2,
				 &opt.count);
	case 'd':
		seen->d = true;
		return parse_positive_seconds("duration", optarg,
					      &opt.duration);
	case 'c':
		return parse_u64("concurrency", optarg, 1, 1000000, &opt.conc);
	case 't':
		return parse_u64("thread count", optarg, 1, 1024, &opt.threads);
	case 'k':
		opt.keepalive = true;
		return 0;
	case OPT_RATE:
		return parse_rate("--rate", optarg, &opt.rate);
	default:
		return parse_load_opt(ch, optarg, &opt.load, usage_text);
	}
}

static int parse_opts(int argc, char **argv)
{
	struct seen seen = { 0 };
	int ch;

	opt = (struct ht_opts){
		.count = 1000,
		.conc = 1,
		.threads = 1,
		.load = LOAD_OPTS_DEFAULT,
	};
	while ((ch = getopt_long(argc, argv, "n:d:c:t:kh", long_opts, NULL)) !=
	       -1) {
		if (parse_opt(ch, &seen))
			return -1;
	}
	if (seen.n && seen.d) {
		warnx_("-n and -d are mutually exclusive");
		return -1;
	}
	if (opt.rate > 0 && !seen.d) {
		warnx_("--rate runs for a duration: it needs -d");
		return -1;
	}
	if (opt.load.server_cpus_given && !seen.d) {
		warnx_("--server-cpus measures the window of a run for a "
		       "duration: it needs -d");
		return -1;
	}
	if (opt.load.hold && !opt.keepalive) {
		warnx_("--hold needs -k: without keep-alive no connection "
		       "stays open");
		return -1;
	}
	if (optind == argc) {
		warnx_("missing URL");
		fputs(usage_text, stderr);
		return -1;
	}
	if (check_operands(argc, argv, 1) || parse_url(argv[optind]))
		return -1;
	if (resolve_tcp(opt.host, opt.port, &opt.addr, &opt.addrlen))
		return -1;
	if (asprintf(&request,
		     "GET %s HTTP/1.%d\r\nHost: %s\r\n"
		     "User-Agent: htstress\r\nAccept: */*\r\n\r\n",
		     opt.path, opt.keepalive ? 1 : 0, opt.authority) < 0)
		return -1;
	request_len = strlen(request);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = EXIT_USAGE;

	if (parse_opts(argc, argv))
		goto out;
	catch_interrupts();
	ret = run();
out:
	free(request);
	free(opt.authority);
	free(opt.path);
	return ret;
}
