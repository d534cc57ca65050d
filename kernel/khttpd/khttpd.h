/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khttpd: static files over HTTP/1.1 as a ktcp service. Shared between
 * the files of khttpd.ko:
 *   khttpd_main.c  registration, options, per-server state
 *   khttpd_conn.c  the per-connection state machine and responses
 *   khttpd_file.c  lookups beneath the root, opening, reading and sending
 *                  files as the starting process, MIME types
 *   khttpd_page.c  the built-in page, error bodies, directory listings
 * The request parser (http_*.c) is plain C shared with the unit tests.
 */
#ifndef _KHTTPD_H
#define _KHTTPD_H

#include <linux/path.h>
#include <linux/stat.h>
#include <linux/types.h>

#include "http_parser.h"

struct cred;
struct file;
struct ktcp_conn;

/* Per server, in ktcp_server_priv(); read-only once the server runs. */
struct khttpd_server {
	struct path root; /* root.mnt NULL: no root, serve the built-in page */
	const struct cred *cred; /* of the process that started the server */
	struct khttpd_limits lim;
	u32 keepalive_max; /* requests per connection, 0 = unlimited */
	bool listing;
	bool sendfile; /* file bodies without a copy; else through a buffer */
};

/* A resolved target: a regular file or a directory beneath the root. */
struct khttpd_node {
	struct path path;
	struct kstat stat;
};

/* khttpd_conn.c */
extern const size_t khttpd_conn_priv_size;
int khttpd_conn_process(struct ktcp_conn *conn);
void khttpd_conn_release(struct ktcp_conn *conn);

/* khttpd_file.c */
int khttpd_lookup(const struct khttpd_server *ks, const char *name,
		  struct khttpd_node *node);
int khttpd_open(const struct khttpd_server *ks, struct khttpd_node *node,
		struct file **filp);
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
		   const char *path, char **body, size_t *len);

#endif /* _KHTTPD_H */
