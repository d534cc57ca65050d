/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khttpd: static files over HTTP/1.1 as a ktcp service. Shared between
 * the files of khttpd.ko:
 *   khttpd_main.c  registration, options, per-server state
 *   khttpd_conn.c  the per-connection state machine and responses
 *   khttpd_cred.c  the credentials files are served with: the starting
 *                  process's or a named user's, with no capabilities
 *   khttpd_file.c  lookups beneath the root, opening, reading and sending
 *                  files with those credentials, MIME types
 *   khttpd_page.c  the built-in page, error bodies, directory listings
 *   khttpd_log.c   access records
 *   khttpd_spare.c a spare receive and send buffer per CPU
 * The request parser (http_*.c) is plain C shared with the unit tests.
 */
#ifndef _KHTTPD_H
#define _KHTTPD_H

#include <linux/path.h>
#include <linux/stat.h>
#include <linux/types.h>

#include "ktcp_server.h"
#include "http_parser.h"

struct cred;
struct file;
struct ktcp_conn;
struct ktcp_opts;

/* The options that name the user files are served as. */
#define KHTTPD_USER_OPTS                                       \
	(BIT(KTCP_OPT_A_HTTP_UID) | BIT(KTCP_OPT_A_HTTP_GID) | \
	 BIT(KTCP_OPT_A_HTTP_GROUPS))

/* Per server, in ktcp_server_priv(); read-only once the server runs. */
struct khttpd_server {
	struct path root; /* root.mnt NULL: no root, serve the built-in page */
	const struct cred *cred; /* files are served with; no capabilities */
	struct khttpd_limits lim;
	u32 keepalive_max; /* requests per connection, 0 = unlimited */
	unsigned long head_timeout; /* jiffies from a head's first byte */
	bool listing;
	bool sendfile; /* file bodies without a copy; else through a buffer */
};

/* A resolved target: a regular file or a directory beneath the root. */
struct khttpd_node {
	struct path path;
	struct kstat stat;
};

/* The access record of a connection's current request (khttpd_log.c). */
struct khttpd_log {
	struct ktcp_log rec;
	bool begun; /* a request (or an answer to none) is being logged */
	int status; /* 0 until the response's status is chosen */
	u32 head_len; /* of the bytes sent, the response's head */
	u64 sent; /* bytes of the response sent, head included */
};

/* khttpd_conn.c */
extern const size_t khttpd_conn_priv_size;
int khttpd_conn_process(struct ktcp_conn *conn);
void khttpd_conn_release(struct ktcp_conn *conn);

/*
 * khttpd_spare.c: a buffer of the first size of its kind (KHTTPD_RX_MIN,
 * KHTTPD_HEAD_SIZE), kvfree()able; get gives NULL when this CPU has none,
 * put keeps @buf as this CPU's spare (frees it under init_on_free).
 */
enum khttpd_spare {
	KHTTPD_SPARE_RX,
	KHTTPD_SPARE_HEAD,
	KHTTPD_SPARE_KINDS,
};

void *khttpd_spare_get(enum khttpd_spare kind);
void khttpd_spare_put(enum khttpd_spare kind, void *buf);
void khttpd_spares_free(void);

/* khttpd_cred.c */
int khttpd_user_configure(struct ktcp_opts *opts, const char **why);
const struct cred *khttpd_cred_prepare(const struct ktcp_opts *opts);

/* khttpd_file.c */
/*
 * A lookup kept beneath the root fails with -EAGAIN when a ".." in it
 * (a symlink's, since the name has none) met a rename or a mount change
 * anywhere on the machine; the caller is to try again (openat2(2) says
 * the same of RESOLVE_BENEATH). Under TCG, with one process renaming as
 * fast as it can, two lookups in three through a symlink climbing eight
 * levels lost (t-http-safety); so many tries that losing them all takes
 * renames faster still, and then the answer is 503, not 500.
 */
#define KHTTPD_LOOKUP_TRIES 32
/*
 * Resolve @name beneath the root; where it resolves to @kept, a file the
 * connection keeps open (NULL if none), that is found without a walk.
 */
int khttpd_lookup(const struct khttpd_server *ks, const char *name,
		  const struct file *kept, struct khttpd_node *node);
/*
 * khttpd_lookup() that takes each try lost to a rename from *@tries, a
 * budget lookups that belong together share (a listing's, which would
 * otherwise repeat each of thousands of lookups 32 times); -EAGAIN once
 * it is spent.
 */
int khttpd_lookup_tries(const struct khttpd_server *ks, const char *name,
			struct khttpd_node *node, unsigned int *tries);
int khttpd_open(const struct khttpd_server *ks, struct khttpd_node *node,
		struct file **kept, struct file **filp);
void khttpd_close(struct file *filp);
void khttpd_keep(struct file **kept, struct file *filp);
ssize_t khttpd_read(const struct khttpd_server *ks, struct file *filp,
		    void *buf, size_t len, loff_t *pos);
ssize_t khttpd_sendfile(const struct khttpd_server *ks, struct ktcp_conn *conn,
			struct file *filp, loff_t *pos, size_t len, bool more);
const char *khttpd_mime_type(const char *name);

/* khttpd_page.c */
const char *khttpd_builtin_page(size_t *len);
int khttpd_error_body(int status, char *buf, size_t len);
const char *khttpd_reason(int status);
int khttpd_listing(const struct khttpd_server *ks, struct file *dir,
		   const char *path, char **body, size_t *len, size_t *cap,
		   size_t *work);

/* khttpd_log.c */
void khttpd_log_request(struct ktcp_conn *conn, struct khttpd_log *log,
			const struct khttpd_request *req, const char *head,
			size_t len);
void khttpd_log_status(struct ktcp_conn *conn, struct khttpd_log *log,
		       int status, u32 head_len);
void khttpd_log_done(struct ktcp_conn *conn, struct khttpd_log *log);

static inline void khttpd_log_sent(struct khttpd_log *log, size_t n)
{
	log->sent += n;
}

#endif /* _KHTTPD_H */
