// SPDX-License-Identifier: GPL-2.0
/*
 * khttpd: the "http" service. Serves GET and HEAD of static files beneath
 * a document root (or a built-in page without one) over HTTP/1.0 and 1.1,
 * with keep-alive, pipelining, conditional and range requests.
 *
 * The credentials to serve files with are made once in ->server_init()
 * (khttpd_cred.c: the starting process's or those of the user it named,
 * with no capabilities), and the root is resolved with them; every file
 * is then looked up beneath that root and opened with those credentials.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/module.h>
#include <linux/namei.h>

#include "ktcp_server.h"
#include "khttpd.h"

#define KHTTPD_OPTS                                                        \
	(BIT(KTCP_OPT_A_HTTP_ROOT) | BIT(KTCP_OPT_A_HTTP_LISTING) |        \
	 BIT(KTCP_OPT_A_HTTP_KEEPALIVE_MAX) |                              \
	 BIT(KTCP_OPT_A_HTTP_MAX_REQUEST_LINE) |                           \
	 BIT(KTCP_OPT_A_HTTP_MAX_HEADER) | BIT(KTCP_OPT_A_HTTP_SENDFILE) | \
	 BIT(KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS) | KHTTPD_USER_OPTS)

/*
 * Safe without options: a server facing the Internet must bound what
 * hostile clients can hold (connections, buffers, time), as nginx does
 * by default. A setting the request gave, even 0 (none), is kept.
 */
static void khttpd_default_params(struct ktcp_server_params *p)
{
	if (!(p->given & BIT(KTCP_A_MAX_CONNS)))
		p->max_conns = KTCP_HTTP_DEFAULT_MAX_CONNS;
	if (!(p->given & BIT(KTCP_A_IDLE_TIMEOUT_MS)))
		p->idle_timeout_ms = KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS;
	if (!(p->given & BIT(KTCP_A_MAX_MEM_KB)))
		p->max_mem_kb = KTCP_HTTP_DEFAULT_MAX_MEM_KB;
}

/* Fill in the defaults, so that the server reports what it uses. */
static int khttpd_configure(struct ktcp_server_params *p,
			    struct ktcp_opts *opts, const char **why)
{
	u32 all = KHTTPD_OPTS & ~BIT(KTCP_OPT_A_HTTP_ROOT) & ~KHTTPD_USER_OPTS;
	bool line_given = opts->present & BIT(KTCP_OPT_A_HTTP_MAX_REQUEST_LINE);
	int err;

	if (opts->http_root && opts->http_root[0] != '/') {
		*why = "the document root must be an absolute path";
		return -EINVAL;
	}
	if (!(opts->present & BIT(KTCP_OPT_A_HTTP_MAX_HEADER)))
		opts->http_max_header = KHTTPD_DEFAULT_MAX_HEADER_BYTES;
	if (!(opts->present & BIT(KTCP_OPT_A_HTTP_SENDFILE)))
		opts->http_sendfile = 1;
	if (!(opts->present & BIT(KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS)))
		opts->http_head_timeout_ms = KTCP_HTTP_DEFAULT_HEAD_TIMEOUT_MS;
	if (!line_given)
		opts->http_max_request_line =
			min_t(u32, KHTTPD_DEFAULT_MAX_REQUEST_LINE,
			      opts->http_max_header);
	if (opts->http_max_request_line > opts->http_max_header) {
		*why = "the request line limit is larger than the header limit";
		return -EINVAL;
	}
	err = khttpd_user_configure(opts, why);
	if (err)
		return err;
	khttpd_default_params(p);
	/* Absent listing and keep-alive limit are 0, their defaults. */
	opts->present |= all;
	return 0;
}

static int khttpd_server_init(struct ktcp_server *srv,
			      const struct ktcp_opts *opts, const char **why)
{
	struct khttpd_server *ks = ktcp_server_priv(srv);
	const struct cred *old;
	int err;

	ks->lim.max_request_line = opts->http_max_request_line;
	ks->lim.max_header_bytes = opts->http_max_header;
	ks->lim.max_headers = KHTTPD_DEFAULT_MAX_HEADERS;
	ks->keepalive_max = opts->http_keepalive_max;
	ks->head_timeout = msecs_to_jiffies(opts->http_head_timeout_ms);
	ks->listing = opts->http_listing;
	ks->sendfile = opts->http_sendfile;
	ks->cred = khttpd_cred_prepare(opts);
	if (IS_ERR(ks->cred)) {
		err = PTR_ERR(ks->cred);
		ks->cred = NULL;
		return err;
	}
	if (opts->http_root) {
		/*
		 * In the caller's mount namespace, as the user that serves
		 * the files: a root that user cannot reach fails here.
		 */
		old = override_creds(ks->cred);
		err = kern_path(opts->http_root,
				LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ks->root);
		revert_creds(old);
		if (err) {
			if (err == -ENOTDIR)
				*why = "the document root is not a directory";
			else if (err == -EACCES)
				*why = "the serving user cannot reach the document root";
			else
				*why = "cannot look up the document root";
			put_cred(ks->cred);
			ks->cred = NULL;
			return err;
		}
	}
	return 0;
}

static void khttpd_server_release(struct ktcp_server *srv)
{
	struct khttpd_server *ks = ktcp_server_priv(srv);

	if (ks->root.mnt)
		path_put(&ks->root);
	put_cred(ks->cred);
}

static const struct cred *khttpd_run_cred(struct ktcp_server *srv)
{
	const struct khttpd_server *ks = ktcp_server_priv(srv);

	return ks->cred;
}

static struct ktcp_service khttpd_service = {
	.name = "http",
	.owner = THIS_MODULE,
	.opts_mask = KHTTPD_OPTS,
	.nodelay = true, /* pipelined answers: no delayed-ACK stall */
	.evict_waiting = true, /* half-sent heads must not lock others out */
	/*
	 * A slow reader's socket takes no more than this unsent: without
	 * it, autotuning lets a send queue grow to megabytes, which a
	 * reader of 32 bytes a second pins, and which each run spends
	 * time filling while the connections behind it wait.
	 */
	.notsent_lowat = 128 * 1024,
	.server_priv_size = sizeof(struct khttpd_server),
	/* .conn_priv_size is set at init: the struct is khttpd_conn.c's */
	.configure = khttpd_configure,
	.server_init = khttpd_server_init,
	.server_release = khttpd_server_release,
	.conn_process = khttpd_conn_process,
	.run_cred = khttpd_run_cred,
	.conn_release = khttpd_conn_release,
};

static int __init khttpd_init(void)
{
	khttpd_service.conn_priv_size = khttpd_conn_priv_size;
	return ktcp_service_register(&khttpd_service);
}

static void __exit khttpd_exit(void)
{
	ktcp_service_unregister(&khttpd_service);
	khttpd_spares_free(); /* every connection is gone */
}

module_init(khttpd_init);
module_exit(khttpd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp HTTP static file service");
MODULE_ALIAS("ktcp-service-http");
