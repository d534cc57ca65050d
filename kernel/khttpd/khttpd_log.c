// SPDX-License-Identifier: GPL-2.0
/*
 * The access log: a record per response (ktcp_log_begin() and
 * ktcp_log_end() of the framework, which build nothing unless someone
 * listens). khttpd_conn.c tells what happens to a request: it is
 * complete (khttpd_log_request()), its status is chosen
 * (khttpd_log_status()), bytes go out (khttpd_log_sent()), its response
 * is out or the connection closes (khttpd_log_done()).
 */
#include <linux/kernel.h>

#include "ktcp_server.h"
#include "khttpd.h"

/*
 * The value of header field @name in the head @head (@len bytes, checked
 * by the parser: CRLF lines, no control bytes but HTAB in values), from
 * @from, the end of the request line. The first such field wins.
 */
static bool khttpd_log_field(const char *from, const char *end,
			     const char *name, const char **v, size_t *vlen)
{
	const char *p = from, *eol, *colon;

	while (p < end) {
		eol = memchr(p, '\n', end - p);
		if (!eol)
			break;
		colon = memchr(p, ':', eol - p);
		if (colon && khttpd_ieq(p, colon - p, name)) {
			p = colon + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			/* back over CR and OWS */
			while (eol > p && (eol[-1] == '\r' || eol[-1] == ' ' ||
					   eol[-1] == '\t'))
				eol--;
			*v = p;
			*vlen = eol - p;
			return true;
		}
		p = eol + 1;
	}
	return false;
}

void khttpd_log_request(struct ktcp_conn *conn, struct khttpd_log *log,
			const struct khttpd_request *req, const char *head,
			size_t len)
{
	const char *end = head + len;
	const char *from = req->target.p + req->target.len;
	struct ktcp_log_req lr = {
		.method = req->method_name.p,
		.method_len = req->method_name.len,
		.target = req->target.p,
		.target_len = req->target.len,
		.version_minor = req->version_minor,
	};

	log->begun = true;
	log->sent = 0;
	log->head_len = 0;
	log->status = 0;
	/* Two scans of the head per request: only for a listener. */
	if (ktcp_log_wanted(conn)) {
		khttpd_log_field(from, end, "referer", &lr.referer,
				 &lr.referer_len);
		khttpd_log_field(from, end, "user-agent", &lr.user_agent,
				 &lr.user_agent_len);
	}
	ktcp_log_begin(conn, &log->rec, &lr);
}

void khttpd_log_status(struct ktcp_conn *conn, struct khttpd_log *log,
		       int status, u32 head_len)
{
	if (!log->begun) { /* a response to no request: 400, 408, 503 */
		log->begun = true;
		log->sent = 0;
		ktcp_log_begin(conn, &log->rec, NULL);
	}
	log->status = status;
	log->head_len = head_len;
}

void khttpd_log_done(struct ktcp_conn *conn, struct khttpd_log *log)
{
	u64 body = log->sent > log->head_len ? log->sent - log->head_len : 0;

	if (!log->begun)
		return;
	log->begun = false;
	ktcp_log_end(conn, &log->rec, log->status, body);
}
