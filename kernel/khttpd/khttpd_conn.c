// SPDX-License-Identifier: GPL-2.0
/*
 * One HTTP connection: read a request head into a bounded buffer, parse
 * it, answer it, and go on with the next (pipelined) request once the
 * answer is out. Everything is non-blocking; each ->conn_process() call
 * does one step and says whether to run again or wait for the socket.
 *
 *   READ    receive, drop request bodies, parse heads
 *   SEND    send the response buffer; refill it from the body source
 *           (file or memory) until the body is out
 *   LINGER  we close: our side is shut down (FIN sent), and what the
 *           client still sends is read and dropped until it closes, so
 *           that unread data does not turn our close into a RST that
 *           would destroy the response in flight (a "lingering close")
 *
 * Slow clients: any byte resets the framework's idle timer, so a client
 * that trickles could hold a connection forever. A request head must
 * therefore arrive within the head timeout of its first byte (else 408;
 * the framework runs us at that deadline even if the client went quiet),
 * and a request body or a response must move at least KHTTPD_MIN_PACE
 * bytes per idle timeout (else the connection is closed): this catches
 * Slowloris, slow POST bodies and readers that shrink their window.
 *
 * Hostile numbers: every buffer below is charged to the server's memory
 * bound (ktcp_conn_mem_charge()); a connection that would go beyond it
 * gets a static 503 and is closed. While not answering a request, the
 * connection is marked as waiting, so that at max_conns a new client
 * takes the place of the one quiet the longest: half-sent heads cannot
 * lock others out.
 *
 * Memory: the receive buffer and the send buffer exist only while a
 * request is being received or answered; an idle keep-alive connection
 * holds neither. Each is only as large as the request needs: the kernel
 * zeroes what it allocates (init_on_alloc), and zeroing a 64 KiB buffer
 * for every small response cost more than the rest of the request. So
 * the receive buffer starts at KHTTPD_RX_MIN and grows up to max_header
 * bytes as a head needs it, and the send buffer holds the headers and a
 * short body (KHTTPD_HEAD_SIZE), growing to KHTTPD_BUF_SIZE only for a
 * body sent through it a buffer at a time. Buffers of the first size
 * go to the CPU's spares when given back (khttpd_spare.c), so a busy
 * keep-alive server does not allocate and zero two for every request.
 * A file body goes from the page cache into the socket without a copy
 * (ktcp_conn_sendfile()); a server started with sendfile off
 * (KTCP_OPT_A_HTTP_SENDFILE 0), or a file system that cannot splice, has
 * it streamed through the send buffer instead. Either way any size costs
 * the same.
 *
 * Service time (KTCP_A_LATENCY): a response's runs from the moment the
 * first byte of its request head is read (for a pipelined request, the
 * moment the response before it is out) to the moment its last byte is
 * queued in the socket.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "ktcp_server.h"
#include "khttpd.h"
#include "http_date.h"
#include "http_etag.h"
#include "http_head.h"
#include "http_path.h"
#include "http_range.h"

/* The receive buffer's first size: room for most request heads. */
#define KHTTPD_RX_MIN 2048
/* The send buffer's first size: headers and a short body (errors, page). */
#define KHTTPD_HEAD_SIZE 2048
/* Its largest: a body (file or memory) that goes through it in pieces. */
#define KHTTPD_BUF_SIZE (64 * 1024)
/* File bytes offered to the socket per zero-copy send. */
#define KHTTPD_SPLICE_MAX (256 * 1024)
/* Request bodies up to this size are read and dropped; larger get 413. */
#define KHTTPD_MAX_BODY (1024 * 1024)
/* Bytes read and dropped in LINGER, beyond a request body, before closing. */
#define KHTTPD_LINGER_MAX (256 * 1024)
/* A body or a response moving less than this per idle timeout is too slow. */
#define KHTTPD_MIN_PACE (16 * 1024)
/* A connection's kept file closes this long after its last response. */
#define KHTTPD_KEPT_IDLE (5 * HZ)

enum khttpd_state {
	KHTTPD_READ,
	KHTTPD_SEND,
	KHTTPD_LINGER,
};

struct khttpd_conn {
	struct khttpd_server *ks; /* set by the first run: not a call per use */
	enum khttpd_state state;
	u32 nrequests;
	bool close; /* close once the response is out */

	char *rx; /* rx_cap bytes, up to max_header */
	u32 rx_cap;
	u32 rx_len; /* bytes in rx */
	u32 rx_scanned; /* of which the parser saw all without a full head */
	unsigned long head_start; /* jiffies: first byte of the head in rx */
	u64 head_ns; /* ktcp_latency_clock() then, 0 while it is off */
	u64 resp_ns; /* head_ns of the request being answered */
	u64 discard; /* request body bytes still to drop */
	unsigned long pace_start; /* jiffies: this pace period began */
	u64 paced; /* body or response bytes moved in this period */

	char *buf; /* buf_size bytes: what is being sent */
	u32 buf_size;
	u32 len, off; /* bytes in buf, bytes of buf sent */
	u64 left; /* body bytes not yet in buf */
	struct file *file; /* body source: a file from pos ... */
	struct file *kept; /* the last file served, open (khttpd_keep()) */
	unsigned long kept_until; /* jiffies: closed then unless served again */
	loff_t pos;
	bool copy; /* ... read into buf: sendfile off, or cannot splice */
	char *mem; /* ... or memory (kvmalloc'ed) from mem_off */
	size_t mem_off;
	size_t mem_size; /* charged for mem */
	u32 lingered; /* bytes dropped in LINGER */
	bool busy; /* told the framework we do not wait for the client */
	struct khttpd_log log; /* the access record (khttpd_log.c) */
};

/* What a response is made of, before it goes into the send buffer. */
struct khttpd_resp {
	int status;
	const char *type; /* Content-Type, NULL without a body */
	u64 length; /* Content-Length */
	u64 start, size; /* 206: first byte and file size for Content-Range */
	s64 mtime; /* Last-Modified, when has_mtime */
	bool has_mtime;
	const char *etag; /* ETag, or NULL */
	const char *location; /* 301 */
	size_t location_len;
	bool head; /* HEAD: headers only */
};

/*
 * A kept file closes KHTTPD_KEPT_IDLE after its last response went out:
 * a quiet client must not pin a deleted file's space, or a file system
 * mounted beneath the root, for as long as it stays connected, nor one
 * that sends half a head, or part of a body, and waits.
 */
static void khttpd_kept_restart(struct khttpd_conn *hc)
{
	hc->kept_until = jiffies + KHTTPD_KEPT_IDLE;
}

static bool khttpd_kept_expired(const struct khttpd_conn *hc)
{
	return hc->kept && !time_before(jiffies, hc->kept_until);
}

static void khttpd_body_release(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	if (hc->file) {
		/*
		 * Its time runs from now, and again from the response's end:
		 * a pipelined head read while this response is still being
		 * sent sets the deadline from it (khttpd_head_begins()).
		 */
		khttpd_keep(&hc->kept, hc->file);
		khttpd_kept_restart(hc);
		hc->file = NULL;
	}
	kvfree(hc->mem);
	hc->mem = NULL;
	ktcp_conn_mem_uncharge(conn, hc->mem_size);
	hc->mem_size = 0;
	hc->left = 0;
}

/*
 * Free a buffer; one of the first size becomes this CPU's spare for the
 * next connection (khttpd_spare.c). Its charge is the caller's.
 */
static void khttpd_give_back(enum khttpd_spare kind, void *buf, bool first)
{
	if (buf && first)
		khttpd_spare_put(kind, buf);
	else
		kvfree(buf);
}

static void khttpd_rx_free(struct khttpd_conn *hc)
{
	khttpd_give_back(KHTTPD_SPARE_RX, hc->rx, hc->rx_cap == KHTTPD_RX_MIN);
	hc->rx = NULL;
	hc->rx_cap = 0;
}

static void khttpd_buf_free(struct khttpd_conn *hc)
{
	khttpd_give_back(KHTTPD_SPARE_HEAD, hc->buf,
			 hc->buf_size == KHTTPD_HEAD_SIZE);
	hc->buf = NULL;
	hc->buf_size = 0;
}

/* What is left charged, the framework gives back after this. */
void khttpd_conn_release(struct ktcp_conn *conn)
{
	struct khttpd_conn *hc = ktcp_conn_priv(conn);

	khttpd_log_done(conn, &hc->log);
	khttpd_body_release(conn, hc);
	khttpd_keep(&hc->kept, NULL);
	khttpd_buf_free(hc);
	khttpd_rx_free(hc);
}

static void khttpd_count(struct ktcp_conn *conn, int status)
{
	static const unsigned int cls[] = {
		[2] = KTCP_STATS_A_HTTP_2XX,
		[3] = KTCP_STATS_A_HTTP_3XX,
		[4] = KTCP_STATS_A_HTTP_4XX,
		[5] = KTCP_STATS_A_HTTP_5XX,
	};
	int c = status / 100;

	if (c >= 2 && c <= 5)
		ktcp_conn_stat_add(conn, cls[c], 1);
}

/* True when a whole idle timeout (if there is one) has passed since @t. */
static bool khttpd_idle_since(struct ktcp_conn *conn, unsigned long t)
{
	unsigned long idle = ktcp_conn_idle_timeout(conn);

	return idle && time_after(jiffies, t + idle);
}

/* A request body or a response starts moving: a new pace period. */
static void khttpd_pace_start(struct khttpd_conn *hc)
{
	hc->pace_start = jiffies;
	hc->paced = 0;
}

/*
 * Account @n bytes moved; true when a whole idle timeout has gone by with
 * less than KHTTPD_MIN_PACE moved. The verdict comes when bytes move:
 * if none do, the idle timer closes the connection anyway.
 */
static bool khttpd_too_slow(struct ktcp_conn *conn, struct khttpd_conn *hc,
			    size_t n)
{
	hc->paced += n;
	if (!khttpd_idle_since(conn, hc->pace_start))
		return false;
	if (hc->paced < KHTTPD_MIN_PACE)
		return true;
	khttpd_pace_start(hc);
	return false;
}

/* Status line and headers into the (empty) send buffer. */
static int khttpd_head(struct ktcp_conn *conn, struct khttpd_conn *hc,
		       const struct khttpd_resp *r)
{
	char date[KHTTPD_DATE_LEN + 1];
	struct khttpd_head h;

	khttpd_head_init(&h, hc->buf, hc->buf_size);
	khttpd_head_lit(&h, "HTTP/1.1 ");
	khttpd_head_put_u64(&h, r->status);
	khttpd_head_lit(&h, " ");
	khttpd_head_puts(&h, khttpd_reason(r->status));
	khttpd_head_lit(&h, "\r\nServer: khttpd\r\nDate: ");
	khttpd_head_put(&h, date,
			khttpd_date_format(ktime_get_real_seconds(), date));
	khttpd_head_lit(&h, "\r\n");
	if (r->has_mtime) {
		khttpd_head_lit(&h, "Last-Modified: ");
		khttpd_head_put(&h, date, khttpd_date_format(r->mtime, date));
		khttpd_head_lit(&h, "\r\n");
	}
	if (r->etag) {
		khttpd_head_lit(&h, "ETag: ");
		khttpd_head_puts(&h, r->etag);
		khttpd_head_lit(&h, "\r\n");
	}
	if (r->status == 200 || r->status == 206 || r->status == 416)
		khttpd_head_lit(&h, "Accept-Ranges: bytes\r\n");
	if (r->status == 206) {
		khttpd_head_lit(&h, "Content-Range: bytes ");
		khttpd_head_put_u64(&h, r->start);
		khttpd_head_lit(&h, "-");
		khttpd_head_put_u64(&h, r->start + r->length - 1);
		khttpd_head_lit(&h, "/");
		khttpd_head_put_u64(&h, r->size);
		khttpd_head_lit(&h, "\r\n");
	} else if (r->status == 416) {
		khttpd_head_lit(&h, "Content-Range: bytes */");
		khttpd_head_put_u64(&h, r->size);
		khttpd_head_lit(&h, "\r\n");
	}
	if (r->status == 405)
		khttpd_head_lit(&h, "Allow: GET, HEAD\r\n");
	if (r->location) {
		khttpd_head_lit(&h, "Location: ");
		khttpd_head_put(&h, r->location, r->location_len);
		khttpd_head_lit(&h, "\r\n");
	}
	if (r->type) {
		khttpd_head_lit(&h, "Content-Type: ");
		khttpd_head_puts(&h, r->type);
		khttpd_head_lit(&h, "\r\n");
	}
	if (r->status != 304) {
		khttpd_head_lit(&h, "Content-Length: ");
		khttpd_head_put_u64(&h, r->length);
		khttpd_head_lit(&h, "\r\n");
	}
	if (hc->close)
		khttpd_head_lit(&h, "Connection: close\r\n\r\n");
	else
		khttpd_head_lit(&h, "Connection: keep-alive\r\n\r\n");
	if (khttpd_head_cut(&h))
		return -EOVERFLOW;
	hc->len = h.len;
	hc->off = 0;
	khttpd_count(conn, r->status);
	khttpd_log_status(conn, &hc->log, r->status, h.len);
	return 0;
}

/*
 * A send buffer of at least @size bytes, keeping the hc->len in it.
 * -ENOBUFS: the server's memory bound is reached.
 */
static int khttpd_buf_reserve(struct ktcp_conn *conn, struct khttpd_conn *hc,
			      u32 size)
{
	char *buf;
	int err;

	if (hc->buf_size >= size)
		return 0;
	err = ktcp_conn_mem_charge(conn, size - hc->buf_size);
	if (err)
		return err;
	buf = NULL;
	if (!hc->buf && size == KHTTPD_HEAD_SIZE)
		buf = khttpd_spare_get(KHTTPD_SPARE_HEAD);
	if (!buf)
		buf = kvmalloc(size, GFP_KERNEL);
	if (!buf) {
		ktcp_conn_mem_uncharge(conn, size - hc->buf_size);
		return -ENOMEM;
	}
	if (hc->buf)
		memcpy(buf, hc->buf, hc->len);
	khttpd_buf_free(hc);
	hc->buf = buf;
	hc->buf_size = size;
	return 0;
}

/*
 * A file body that fits in the head's buffer (KHTTPD_HEAD_SIZE, whatever
 * the buffer has grown to) after the head goes out with it: one sendmsg()
 * and one segment, where splicing it after the head took a second
 * sendmsg() and the splice machinery (the 1 KiB keep-alive benchmark
 * spent about 10 % of its CPU time there). A read that fails or comes
 * short leaves the rest to the usual way, which fails as it always did:
 * after the head.
 */
static void khttpd_join_body(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	ssize_t got;

	if (!hc->file || !hc->left || hc->len + hc->left > KHTTPD_HEAD_SIZE)
		return;
	got = khttpd_read(hc->ks, hc->file, hc->buf + hc->len, hc->left,
			  &hc->pos);
	if (got <= 0)
		return;
	hc->len += got;
	hc->left -= got;
	if (!hc->left)
		khttpd_body_release(conn, hc);
}

/*
 * Start sending response @r, whose body (unless HEAD) is @r->length bytes
 * of hc->file from hc->pos or of hc->mem, which the caller has set.
 */
static int khttpd_respond(struct ktcp_conn *conn, struct khttpd_conn *hc,
			  const struct khttpd_resp *r)
{
	int err;

	/* Not from a file: the kept one was not asked for again. */
	if (!hc->file)
		khttpd_keep(&hc->kept, NULL);
	hc->len = 0;
	err = khttpd_buf_reserve(conn, hc, KHTTPD_HEAD_SIZE);
	if (err)
		return err;
	err = khttpd_head(conn, hc, r);
	/* Only a long Location needs more room. */
	if (err == -EOVERFLOW) {
		err = khttpd_buf_reserve(conn, hc, KHTTPD_BUF_SIZE);
		if (!err)
			err = khttpd_head(conn, hc, r);
	}
	if (err)
		return err;
	/* Its service time runs until the last byte is queued. */
	hc->resp_ns = hc->head_ns;
	hc->left = r->head || r->status == 304 ? 0 : r->length;
	if (!hc->left)
		khttpd_body_release(conn, hc);
	khttpd_join_body(conn, hc);
	hc->state = KHTTPD_SEND;
	khttpd_pace_start(hc);
	return 0;
}

/* A response with a small in-memory body (errors, the built-in page). */
static int khttpd_respond_mem(struct ktcp_conn *conn, struct khttpd_conn *hc,
			      struct khttpd_resp *r, const char *body,
			      size_t len)
{
	int err;

	r->length = len;
	err = khttpd_respond(conn, hc, r);
	if (err || !hc->left)
		return err;
	/* It goes after the headers: one send, no separate small segment. */
	if (hc->len + len > KHTTPD_BUF_SIZE)
		return -EOVERFLOW;
	err = khttpd_buf_reserve(conn, hc, hc->len + len);
	if (err)
		return err;
	memcpy(hc->buf + hc->len, body, len);
	hc->len += len;
	hc->left = 0;
	return 0;
}

static int khttpd_respond_error(struct ktcp_conn *conn, struct khttpd_conn *hc,
				int status, bool head)
{
	struct khttpd_resp r = {
		.status = status,
		.type = "text/html; charset=utf-8",
		.head = head,
	};
	char body[256];
	int len;

	len = khttpd_error_body(status, body, sizeof(body));
	return khttpd_respond_mem(conn, hc, &r, body, len);
}

/*
 * 301 to the directory @path (decoded, "/a/b") with its slash. The Location
 * is built from the decoded path, percent-encoded, never from the raw
 * target: "GET //docs" must not send the browser to host "docs", nor an
 * absolute-form target to the host the client named. The query, visible
 * ASCII only (the parser made sure), stays after it.
 */
static int khttpd_respond_redirect(struct ktcp_conn *conn,
				   struct khttpd_conn *hc,
				   const struct khttpd_request *req,
				   const char *path, size_t plen)
{
	const char *q = memchr(req->target.p, '?', req->target.len);
	size_t qlen = q ? req->target.p + req->target.len - q : 0;
	size_t size = 3 * plen + 2 + qlen;
	struct khttpd_resp r = {
		.status = 301,
		.type = "text/html; charset=utf-8",
		.head = req->method == KHTTPD_METHOD_HEAD,
	};
	char body[256];
	int err, blen, n;
	char *loc;

	loc = kmalloc(size, GFP_KERNEL);
	if (!loc)
		return -ENOMEM;
	n = khttpd_path_encode(path, plen, loc, size);
	if (WARN_ON_ONCE(n < 0)) {
		kfree(loc);
		return -EINVAL;
	}
	loc[n++] = '/';
	if (q)
		memcpy(loc + n, q, qlen);
	r.location = loc;
	r.location_len = n + qlen;
	blen = khttpd_error_body(301, body, sizeof(body));
	err = khttpd_respond_mem(conn, hc, &r, body, blen);
	kfree(loc);
	return err;
}

/*
 * The Last-Modified of a file stamped @mtime: RFC 9110 8.8.2.1 does not
 * let it be later than the response's Date, and a date cannot be before
 * 1970. The conditions compare this, the value sent, so a file stamped
 * in 2099 and then rewritten is not "not modified" since 2099. (The ETag
 * keeps the stamp itself: it must not change from second to second.)
 */
static s64 khttpd_last_modified(s64 mtime)
{
	return clamp_t(s64, mtime, 0, ktime_get_real_seconds());
}

/* A valid date in @v that Last-Modified @mtime is after. */
static bool khttpd_modified_since(const struct khttpd_str *v, s64 mtime,
				  bool *valid)
{
	s64 date;

	*valid = khttpd_date_parse(v->p, v->len, &date);
	return *valid && mtime > date;
}

/*
 * The preconditions of a GET or HEAD, in RFC 9110 13.2.2's order: 412
 * when If-Match names neither the file's tag (strong comparison) nor
 * "*", or, without If-Match, when the file was modified after a valid
 * If-Unmodified-Since; then 304 when If-None-Match names its tag (weak
 * comparison) or is "*", or, without If-None-Match (even one that cannot
 * be read: RFC 9110 13.1.3), when it was not modified after a valid
 * If-Modified-Since. 0: none stops the answer.
 */
static int khttpd_preconditions(const struct khttpd_request *req, s64 mtime,
				const char *etag, size_t etag_len)
{
	bool valid;

	if (req->present & KHTTPD_HDR_IF_MATCH) {
		if (!khttpd_taglist_match(&req->im, etag, etag_len, true))
			return 412;
	} else if ((req->present & KHTTPD_HDR_IF_UNMODIFIED_SINCE) &&
		   khttpd_modified_since(&req->ius, mtime, &valid)) {
		return 412;
	}
	if (req->present & KHTTPD_HDR_IF_NONE_MATCH) {
		if (khttpd_taglist_match(&req->inm, etag, etag_len, false))
			return 304;
		return 0;
	}
	if ((req->present & KHTTPD_HDR_IF_MODIFIED_SINCE) &&
	    !khttpd_modified_since(&req->ims, mtime, &valid) && valid)
		return 304;
	return 0;
}

/*
 * If-Range (RFC 9110 13.1.5): the range is wanted only if the file is
 * still the one the client has part of: the entity tag given is the
 * file's (strong comparison, so never a weak tag), or the date given is
 * its Last-Modified. Otherwise, an invalid date included, the client gets
 * the whole file.
 */
static bool khttpd_if_range(const struct khttpd_request *req, s64 mtime,
			    const char *etag, size_t etag_len)
{
	const struct khttpd_str *v = &req->if_range;
	s64 date;

	if (!(req->present & KHTTPD_HDR_IF_RANGE))
		return true;
	if (khttpd_etag_is_tag(v->p, v->len))
		return khttpd_etag_strong_eq(v->p, v->len, etag, etag_len);
	return khttpd_date_parse(v->p, v->len, &date) && date == mtime;
}

static int khttpd_lookup_status(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
	case -ENAMETOOLONG:
		return 404;
	case -EACCES:
	case -EPERM:
	case -EXDEV: /* a symlink out of the root */
	case -ELOOP:
		return 403;
	case -EWOULDBLOCK: /* a lease held (khttpd_open()), renames (lookup) */
		return 503;
	default:
		return 500;
	}
}

/*
 * A regular file. It is opened first, as the serving user: a file that
 * user cannot read is 403 whatever the request's conditions, so that no
 * 304, 412, ETag or Last-Modified tells anything about it. Then the
 * preconditions (khttpd_preconditions(); If-Range), then Range, for GET
 * only: HEAD ignores it (RFC 9110 14.2) and gets what a GET without it
 * would.
 */
static int khttpd_respond_file(struct ktcp_conn *conn, struct khttpd_conn *hc,
			       const struct khttpd_request *req,
			       struct khttpd_node *node, const char *path)
{
	struct khttpd_server *ks = hc->ks;
	u64 size = node->stat.size, start = 0, count = size;
	char etag[KHTTPD_ETAG_SIZE];
	struct khttpd_resp r = {
		.status = 200,
		.type = khttpd_mime_type(path),
		.head = req->method == KHTTPD_METHOD_HEAD,
		.mtime = khttpd_last_modified(node->stat.mtime.tv_sec),
		.has_mtime = true,
		.etag = etag,
		.size = size,
	};
	int etag_len = khttpd_etag_format(node->stat.mtime.tv_sec, size, etag);
	char body[256];
	struct file *f;
	int err;

	err = khttpd_open(ks, node, &hc->kept, &f);
	if (err)
		return khttpd_respond_error(conn, hc, khttpd_lookup_status(err),
					    r.head);
	switch (khttpd_preconditions(req, r.mtime, etag, etag_len)) {
	case 412:
		khttpd_close(f);
		return khttpd_respond_error(conn, hc, 412, r.head);
	case 304:
		hc->file = f; /* no body: khttpd_respond() keeps it */
		r.status = 304;
		r.type = NULL;
		return khttpd_respond(conn, hc, &r);
	default:
		break;
	}
	if (req->method == KHTTPD_METHOD_GET &&
	    (req->present & KHTTPD_HDR_RANGE) &&
	    khttpd_if_range(req, r.mtime, etag, etag_len)) {
		switch (khttpd_range_parse(req->range.p, req->range.len, size,
					   &start, &count)) {
		case KHTTPD_RANGE_OK:
			r.status = 206;
			break;
		case KHTTPD_RANGE_UNSATISFIABLE:
			khttpd_close(f);
			r.status = 416;
			r.type = "text/html; charset=utf-8";
			r.etag = NULL;
			return khttpd_respond_mem(
				conn, hc, &r, body,
				khttpd_error_body(416, body, sizeof(body)));
		default:
			start = 0;
			count = size;
			break;
		}
	}
	r.start = start;
	r.length = count;
	hc->file = f; /* without a body, khttpd_respond() keeps it */
	hc->pos = start;
	hc->copy = !ks->sendfile;
	return khttpd_respond(conn, hc, &r);
}

static int khttpd_respond_dir(struct ktcp_conn *conn, struct khttpd_conn *hc,
			      const struct khttpd_request *req,
			      struct khttpd_node *node, char *path, size_t plen,
			      size_t psize)
{
	struct khttpd_server *ks = hc->ks;
	static const char index[] = "index.html";
	bool head = req->method == KHTTPD_METHOD_HEAD;
	struct khttpd_resp r = {
		.status = 200,
		.type = "text/html; charset=utf-8",
		.head = head,
	};
	struct khttpd_node inode;
	struct file *dir;
	size_t len, cap, work;
	char *body;
	int err;

	/* path ends in '/', and psize >= plen + sizeof(index) */
	if (plen + sizeof(index) <= psize) {
		memcpy(path + plen, index, sizeof(index));
		err = khttpd_lookup(ks, path, hc->kept, &inode);
		path[plen] = '\0';
		if (!err && S_ISREG(inode.stat.mode)) {
			err = khttpd_respond_file(conn, hc, req, &inode, index);
			path_put(&inode.path);
			return err;
		}
		if (!err)
			path_put(&inode.path);
		/* Lost to renames (khttpd_lookup()): not "no index.html". */
		if (err == -EAGAIN)
			return khttpd_respond_error(conn, hc, 503, head);
	}
	if (!ks->listing)
		return khttpd_respond_error(conn, hc, 403, head);
	err = khttpd_open(ks, node, NULL, &dir);
	if (err)
		return khttpd_respond_error(conn, hc, 403, head);
	err = khttpd_listing(ks, dir, path, &body, &len, &cap, &work);
	khttpd_close(dir);
	/* Sent or not (a HEAD), making it was work (khttpd_listing()). */
	ktcp_conn_run_charge(conn, work);
	if (err == -EAGAIN)
		return khttpd_respond_error(conn, hc, 503, head);
	if (err)
		return khttpd_respond_error(conn, hc, 500, head);
	/* The whole buffer is held until sent, not only its @len bytes. */
	err = ktcp_conn_mem_charge(conn, cap);
	if (err) {
		kvfree(body);
		return err;
	}
	r.length = len;
	hc->mem = body;
	hc->mem_size = cap;
	hc->mem_off = 0;
	return khttpd_respond(conn, hc, &r);
}

/*
 * The decoded path of most requests fits on the stack: a kmalloc() and
 * kfree() per request were about 1.5 % of the samples in a profile of
 * 1 KiB keep-alive requests.
 */
#define KHTTPD_SHORT_PATH 128

/* GET or HEAD of a well-formed request. */
static int khttpd_serve(struct ktcp_conn *conn, struct khttpd_conn *hc,
			const struct khttpd_request *req)
{
	struct khttpd_server *ks = hc->ks;
	bool head = req->method == KHTTPD_METHOD_HEAD;
	struct khttpd_node node;
	size_t psize = req->target.len + 2 + sizeof("index.html"), plen;
	char short_path[KHTTPD_SHORT_PATH], *path = short_path;
	bool dir;
	int n, err;

	if (psize > sizeof(short_path)) {
		path = kmalloc(psize, GFP_KERNEL);
		if (!path)
			return -ENOMEM;
	}
	n = khttpd_path_decode(req->target.p, req->target.len, path, psize,
			       &dir);
	if (n < 0) {
		err = khttpd_respond_error(conn, hc, -n, head);
		goto out;
	}
	if (!ks->root.mnt) {
		struct khttpd_resp r = {
			.status = 200,
			.type = "text/html; charset=utf-8",
			.head = head,
		};

		const char *page = khttpd_builtin_page(&plen);

		if (strcmp(path, "/") && strcmp(path, "/index.html"))
			err = khttpd_respond_error(conn, hc, 404, head);
		else
			err = khttpd_respond_mem(conn, hc, &r, page, plen);
		goto out;
	}
	err = khttpd_lookup(ks, path, hc->kept, &node);
	if (err) {
		err = khttpd_respond_error(conn, hc, khttpd_lookup_status(err),
					   head);
		goto out;
	}
	if (S_ISDIR(node.stat.mode))
		err = dir ? khttpd_respond_dir(conn, hc, req, &node, path, n,
					       psize) :
			    khttpd_respond_redirect(conn, hc, req, path, n);
	else if (dir) /* "file/": there is no such directory */
		err = khttpd_respond_error(conn, hc, 404, head);
	else
		err = khttpd_respond_file(conn, hc, req, &node, path);
	path_put(&node.path);
out:
	if (path != short_path)
		kfree(path);
	return err;
}

/*
 * The connection has one deadline (ktcp_conn_set_deadline()), at which
 * the framework runs it: the earlier of the end of the head being
 * received (@head), and the closing of the kept file.
 */
static void khttpd_deadline(struct ktcp_conn *conn, struct khttpd_conn *hc,
			    bool head)
{
	unsigned long when = hc->head_start + hc->ks->head_timeout;

	if (hc->kept && (!head || time_before(hc->kept_until, when)))
		when = hc->kept_until;
	else if (!head)
		return;
	ktcp_conn_set_deadline(conn, when);
}

/*
 * A request head begins now. Slowloris: a client trickling a head resets
 * the idle timer with every byte, so the head as a whole must arrive
 * within head_timeout of its first byte. The framework runs us then even
 * if the client has gone quiet.
 */
static void khttpd_head_begins(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	hc->head_start = jiffies;
	hc->head_ns = ktcp_latency_clock();
	khttpd_deadline(conn, hc, true);
}

static bool khttpd_head_late(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	return hc->rx_len && !hc->discard &&
	       time_after(jiffies, hc->head_start + hc->ks->head_timeout);
}

/* Drop @n bytes from the front of the receive buffer. */
static void khttpd_rx_consume(struct ktcp_conn *conn, struct khttpd_conn *hc,
			      u32 n)
{
	hc->rx_len -= n;
	memmove(hc->rx, hc->rx + n, hc->rx_len);
	hc->rx_scanned = 0;
	/* What is left begins the next request (or its body, dropped). */
	khttpd_head_begins(conn, hc);
}

/* Drop request body bytes that are already in the receive buffer. */
static void khttpd_rx_discard(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	u32 n = min_t(u64, hc->discard, hc->rx_len);

	if (n) {
		khttpd_rx_consume(conn, hc, n);
		hc->discard -= n;
	}
}

/* A complete request head of @len bytes is at the start of rx. */
static int khttpd_request(struct ktcp_conn *conn, struct khttpd_conn *hc,
			  const struct khttpd_request *req, u32 len)
{
	struct khttpd_server *ks = hc->ks;
	bool head = req->method == KHTTPD_METHOD_HEAD;
	int status, err;

	khttpd_log_request(conn, &hc->log, req, hc->rx, len);
	ktcp_conn_stat_add(conn, KTCP_STATS_A_HTTP_REQUESTS, 1);
	if (hc->nrequests++)
		ktcp_conn_stat_add(conn, KTCP_STATS_A_HTTP_REUSED, 1);
	hc->close = !khttpd_keep_alive(req) ||
		    (ks->keepalive_max && hc->nrequests >= ks->keepalive_max);
	status = khttpd_method_status(req->method);
	if (req->content_length > KHTTPD_MAX_BODY) {
		/* Not worth reading: answer and close instead. */
		hc->close = true;
		status = 413;
	}
	if (status) {
		err = khttpd_respond_error(conn, hc, status, head);
	} else {
		/*
		 * The head is still needed (req points into rx): the body
		 * and the head leave rx only once the response is made.
		 */
		err = khttpd_serve(conn, hc, req);
	}
	if (!hc->close) {
		khttpd_rx_consume(conn, hc, len);
		hc->discard = req->content_length;
		khttpd_rx_discard(conn, hc);
	} else if (req->content_length <= KHTTPD_MAX_BODY) {
		/* Its body, still to come, is dropped in LINGER. */
		hc->discard = req->content_length -
			      min_t(u64, req->content_length, hc->rx_len - len);
	}
	return err;
}

/* Parse what rx holds, if that can tell more than last time. */
static int khttpd_parse(struct ktcp_conn *conn, struct khttpd_conn *hc,
			bool *again)
{
	struct khttpd_server *ks = hc->ks;
	struct khttpd_request req;
	int ret;

	*again = false;
	if (!khttpd_parse_worth(hc->rx, hc->rx_len, &hc->rx_scanned, &ks->lim))
		return 0;
	ret = khttpd_parse_request(hc->rx, hc->rx_len, &ks->lim, &req);
	if (ret == 0) {
		hc->rx_scanned = hc->rx_len;
		return 0;
	}
	*again = true;
	if (ret > 0)
		return khttpd_request(conn, hc, &req, ret);
	/*
	 * The framing is lost: answer, then close; with no body when the
	 * request line said HEAD (RFC 9110 9.3.2).
	 */
	hc->close = true;
	return khttpd_respond_error(conn, hc, -ret,
				    req.method == KHTTPD_METHOD_HEAD);
}

/* Nothing pending: give the buffers back while the client is quiet. */
static void khttpd_trim(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	ktcp_conn_mem_uncharge(conn, hc->buf_size + hc->rx_cap);
	khttpd_buf_free(hc);
	khttpd_rx_free(hc);
	hc->rx_scanned = 0;
}

/*
 * Room in the receive buffer: it grows fourfold each time a head fills
 * it, up to max_header bytes. A head that fills all of those has been
 * refused by the parser before we get here, so there is always room.
 */
static int khttpd_rx_room(struct ktcp_conn *conn, struct khttpd_conn *hc,
			  u32 max)
{
	u32 cap;
	char *rx;
	int err;

	if (hc->rx_len < hc->rx_cap)
		return 0;
	cap = min(hc->rx_cap ? hc->rx_cap * 4 : KHTTPD_RX_MIN, max);
	if (WARN_ON_ONCE(cap <= hc->rx_len))
		return -EOVERFLOW;
	err = ktcp_conn_mem_charge(conn, cap - hc->rx_cap);
	if (err)
		return err;
	rx = NULL;
	if (!hc->rx && cap == KHTTPD_RX_MIN)
		rx = khttpd_spare_get(KHTTPD_SPARE_RX);
	if (!rx)
		rx = krealloc(hc->rx, cap, GFP_KERNEL);
	if (!rx) {
		ktcp_conn_mem_uncharge(conn, cap - hc->rx_cap);
		return -ENOMEM;
	}
	hc->rx = rx;
	hc->rx_cap = cap;
	return 0;
}

/*
 * Nothing to read: wait for the client, without buffers between requests,
 * and without the kept file once its time is up. The deadline may have
 * been spent (the kept file's, or a head's that a body being dropped
 * moved up): set again the one still due.
 */
static int khttpd_rx_wait(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	bool head = hc->rx_len && !hc->discard;

	if (khttpd_kept_expired(hc))
		khttpd_keep(&hc->kept, NULL);
	if (hc->kept || head)
		khttpd_deadline(conn, hc, head);
	if (!hc->rx_len)
		khttpd_trim(conn, hc);
	return KTCP_CONN_WAIT;
}

static int khttpd_read_step(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	struct khttpd_server *ks = hc->ks;
	bool again, was_body;
	int n;

	if (khttpd_head_late(conn, hc)) {
		ktcp_conn_stat_add(conn, KTCP_STATS_A_TIMED_OUT, 1);
		hc->close = true;
		n = khttpd_respond_error(conn, hc, 408, false);
		return n ? n : KTCP_CONN_AGAIN;
	}
	if (hc->rx_len && !hc->discard) {
		n = khttpd_parse(conn, hc, &again);
		if (n < 0 || again)
			return n < 0 ? n : KTCP_CONN_AGAIN;
	}
	if (!ktcp_conn_readable(conn))
		return khttpd_rx_wait(conn, hc);
	n = khttpd_rx_room(conn, hc, ks->lim.max_header_bytes);
	if (n)
		return n;
	n = ktcp_conn_recv(conn, hc->rx + hc->rx_len, hc->rx_cap - hc->rx_len);
	if (n == -EAGAIN)
		return khttpd_rx_wait(conn, hc);
	if (n <= 0)
		return n ? n : KTCP_CONN_DONE; /* 0: the client closed */
	if (!hc->rx_len)
		khttpd_head_begins(conn, hc);
	was_body = hc->discard;
	hc->rx_len += n;
	khttpd_rx_discard(conn, hc);
	if (was_body && khttpd_too_slow(conn, hc, n))
		return KTCP_CONN_TOO_SLOW; /* its response is out: just close */
	return KTCP_CONN_AGAIN;
}

/* The send buffer is out: put the next piece of the body into it. */
static int khttpd_refill(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	size_t n = min_t(u64, hc->left, KHTTPD_BUF_SIZE);
	ssize_t got;
	int err;

	hc->len = 0; /* all of it sent: nothing to keep */
	err = khttpd_buf_reserve(conn, hc, n);
	if (err)
		return err;
	if (hc->file) {
		got = khttpd_read(hc->ks, hc->file, hc->buf, n, &hc->pos);
		if (got < 0)
			return got;
		if (!got) /* truncated while we send it: cannot finish */
			return -EIO;
		n = got;
	} else {
		memcpy(hc->buf, hc->mem + hc->mem_off, n);
		hc->mem_off += n;
	}
	hc->len = n;
	hc->off = 0;
	hc->left -= n;
	if (!hc->left)
		khttpd_body_release(conn, hc);
	return 0;
}

/* The headers are out: send the next part of the file body. */
static int khttpd_splice(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	size_t n = min_t(u64, hc->left, KHTTPD_SPLICE_MAX);
	ssize_t sent;

	sent = khttpd_sendfile(hc->ks, conn, hc->file, &hc->pos, n,
			       hc->left > n);
	if (sent == -EAGAIN)
		return KTCP_CONN_WAIT; /* write_space runs us again */
	if (sent == -EOPNOTSUPP) {
		hc->copy = true;
		return KTCP_CONN_AGAIN;
	}
	if (sent < 0)
		return sent;
	if (!sent) /* truncated while we send it: cannot finish */
		return -EIO;
	khttpd_log_sent(&hc->log, sent);
	if (khttpd_too_slow(conn, hc, sent))
		return KTCP_CONN_TOO_SLOW;
	hc->left -= sent;
	if (!hc->left)
		khttpd_body_release(conn, hc);
	return KTCP_CONN_AGAIN;
}

static int khttpd_send_step(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	int n;

	if (hc->off == hc->len) {
		if (!hc->left) {
			/* The response is out: queued, all of it. */
			ktcp_conn_latency(conn, hc->resp_ns);
			hc->resp_ns = 0;
			khttpd_log_done(conn, &hc->log);
			if (hc->close) {
				khttpd_keep(&hc->kept, NULL);
				ktcp_conn_shutdown_write(conn);
				hc->state = KHTTPD_LINGER;
				khttpd_pace_start(hc);
			} else {
				hc->state = KHTTPD_READ;
				khttpd_pace_start(hc); /* for a body to drop */
				khttpd_kept_restart(hc);
				/* A head that came while we sent: from now. */
				if (hc->rx_len)
					khttpd_head_begins(conn, hc);
			}
			return KTCP_CONN_AGAIN;
		}
		if (hc->file && !hc->copy)
			return khttpd_splice(conn, hc);
		n = khttpd_refill(conn, hc);
		if (n)
			return n;
	}
	/* Headers wait for the body's first bytes: one segment, not two. */
	n = ktcp_conn_send(conn, hc->buf + hc->off, hc->len - hc->off,
			   hc->left > 0);
	if (n == -EAGAIN)
		return KTCP_CONN_WAIT; /* write_space runs us again */
	if (n < 0)
		return n;
	khttpd_log_sent(&hc->log, n);
	if (khttpd_too_slow(conn, hc, n))
		return KTCP_CONN_TOO_SLOW;
	hc->off += n;
	return KTCP_CONN_AGAIN;
}

static int khttpd_linger_step(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	char stack[256];
	int n;

	/* Over the memory bound, the buffers are gone: read into the stack. */
	if (hc->buf)
		n = ktcp_conn_recv(conn, hc->buf, hc->buf_size);
	else
		n = ktcp_conn_recv(conn, stack, sizeof(stack));
	if (n == -EAGAIN)
		return KTCP_CONN_WAIT;
	if (n <= 0)
		return KTCP_CONN_DONE;
	hc->lingered += n;
	/*
	 * A request body still to come is dropped whole: closing with
	 * some of it unread would reset the connection before the client
	 * reads the answer. Trickling bytes must not make it last.
	 */
	if (hc->lingered > KHTTPD_LINGER_MAX + hc->discard ||
	    khttpd_idle_since(conn, hc->pace_start))
		return KTCP_CONN_DONE;
	return KTCP_CONN_AGAIN;
}

/*
 * The server's memory bound is reached. Before a response has begun, the
 * client is told so without taking any memory (a static answer, sent
 * directly), and the connection closes as after any error answer. In the
 * middle of one, it can only close.
 */
static int khttpd_over_mem(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	static const char resp[] = "HTTP/1.1 503 Service Unavailable\r\n"
				   "Server: khttpd\r\n"
				   "Retry-After: 1\r\n"
				   "Content-Length: 0\r\n"
				   "Connection: close\r\n\r\n";

	if (hc->state != KHTTPD_READ)
		return -ENOBUFS;
	khttpd_body_release(conn, hc);
	khttpd_keep(&hc->kept, NULL);
	khttpd_trim(conn, hc);
	hc->rx_len = 0;
	if (ktcp_conn_send(conn, resp, sizeof(resp) - 1, false) > 0) {
		khttpd_count(conn, 503);
		khttpd_log_status(conn, &hc->log, 503, sizeof(resp) - 1);
	}
	ktcp_conn_shutdown_write(conn);
	hc->state = KHTTPD_LINGER;
	khttpd_pace_start(hc);
	return KTCP_CONN_AGAIN;
}

static int khttpd_step(struct ktcp_conn *conn, struct khttpd_conn *hc)
{
	switch (hc->state) {
	case KHTTPD_SEND:
		return khttpd_send_step(conn, hc);
	case KHTTPD_LINGER:
		return khttpd_linger_step(conn, hc);
	default:
		return khttpd_read_step(conn, hc);
	}
}

int khttpd_conn_process(struct ktcp_conn *conn)
{
	struct khttpd_conn *hc = ktcp_conn_priv(conn);
	bool busy;
	int ret;

	if (unlikely(!hc->ks))
		hc->ks = ktcp_server_priv(ktcp_conn_server(conn));
	ret = khttpd_step(conn, hc);

	if (ret == -ENOBUFS)
		ret = khttpd_over_mem(conn, hc);
	/* Not while answering: at max_conns, others may take its place. */
	busy = hc->state == KHTTPD_SEND;
	if (busy != hc->busy) {
		hc->busy = busy;
		ktcp_conn_set_waiting(conn, !busy);
	}
	return ret;
}

const size_t khttpd_conn_priv_size = sizeof(struct khttpd_conn);
