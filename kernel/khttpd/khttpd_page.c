// SPDX-License-Identifier: GPL-2.0
/* Generated content: the built-in page, error bodies, directory listings. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "khttpd.h"

/* A listing stops growing here; the page then says it was cut short. */
#define KHTTPD_LISTING_MAX (1024 * 1024)

static const char khttpd_builtin[] =
	"<!DOCTYPE html>\n"
	"<html><head><meta charset=\"utf-8\"><title>khttpd</title></head>\n"
	"<body><h1>khttpd</h1>\n"
	"<p>This is khttpd, an in-kernel HTTP server of ktcp. It has no "
	"document root: start it with <code>ktcp start http --root DIR"
	"</code> to serve files.</p>\n"
	"</body></html>\n";

const char *khttpd_builtin_page(size_t *len)
{
	*len = sizeof(khttpd_builtin) - 1;
	return khttpd_builtin;
}

const char *khttpd_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 206:
		return "Partial Content";
	case 301:
		return "Moved Permanently";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 416:
		return "Range Not Satisfiable";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}

/* A short HTML body for an error status; returns its length. */
int khttpd_error_body(int status, char *buf, size_t len)
{
	const char *r = khttpd_reason(status);

	return scnprintf(buf, len,
			 "<!DOCTYPE html>\n<html><head><title>%d %s</title>"
			 "</head>\n<body><h1>%d %s</h1></body></html>\n",
			 status, r, status, r);
}

struct khttpd_list {
	struct dir_context ctx;
	char *buf;
	size_t len, cap;
	bool nomem; /* an allocation failed: the listing is given up */
	bool cut; /* KHTTPD_LISTING_MAX reached: the rest is left out */
};

/* Room for @need more bytes; the buffer only ever grows. */
static bool khttpd_list_room(struct khttpd_list *l, size_t need)
{
	size_t cap;
	char *p;

	if (l->nomem)
		return false;
	if (l->len + need <= l->cap)
		return true;
	cap = max3(l->cap * 2, l->len + need, (size_t)PAGE_SIZE);
	p = kvmalloc(cap, GFP_KERNEL);
	if (!p) {
		l->nomem = true;
		return false;
	}
	if (l->len)
		memcpy(p, l->buf, l->len);
	kvfree(l->buf);
	l->buf = p;
	l->cap = cap;
	return true;
}

static void khttpd_list_put(struct khttpd_list *l, const char *s, size_t n)
{
	if (khttpd_list_room(l, n)) {
		memcpy(l->buf + l->len, s, n);
		l->len += n;
	}
}

static void khttpd_list_puts(struct khttpd_list *l, const char *s)
{
	khttpd_list_put(l, s, strlen(s));
}

/* Text as HTML: & < > " ' escaped. */
static void khttpd_list_html(struct khttpd_list *l, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			khttpd_list_puts(l, "&amp;");
			break;
		case '<':
			khttpd_list_puts(l, "&lt;");
			break;
		case '>':
			khttpd_list_puts(l, "&gt;");
			break;
		case '"':
			khttpd_list_puts(l, "&quot;");
			break;
		case '\'':
			khttpd_list_puts(l, "&#39;");
			break;
		default:
			khttpd_list_put(l, &s[i], 1);
			break;
		}
	}
}

/* A name as a relative URL: all but unreserved characters as %XX. */
static void khttpd_list_url(struct khttpd_list *l, const char *s, size_t n)
{
	char esc[3];
	size_t i;
	u8 c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (khttpd_is_unreserved(c)) {
			khttpd_list_put(l, &s[i], 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex_asc_upper_hi(c);
		esc[2] = hex_asc_upper_lo(c);
		khttpd_list_put(l, esc, 3);
	}
}

/* The most one entry can take: every byte escaped, twice. */
static size_t khttpd_list_entry_max(size_t namelen)
{
	return 64 + 9 * namelen;
}

static bool khttpd_list_actor(struct dir_context *ctx, const char *name,
			      int namelen, loff_t off, u64 ino,
			      unsigned int type)
{
	struct khttpd_list *l = container_of(ctx, struct khttpd_list, ctx);
	const char *slash = type == DT_DIR ? "/" : "";

	if ((namelen == 1 && name[0] == '.') ||
	    (namelen == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (l->len + khttpd_list_entry_max(namelen) > KHTTPD_LISTING_MAX) {
		l->cut = true;
		return false; /* stops the walk */
	}
	khttpd_list_puts(l, "<li><a href=\"");
	khttpd_list_url(l, name, namelen);
	khttpd_list_puts(l, slash);
	khttpd_list_puts(l, "\">");
	khttpd_list_html(l, name, namelen);
	khttpd_list_puts(l, slash);
	khttpd_list_puts(l, "</a></li>\n");
	return !l->nomem;
}

/*
 * An HTML index of the open directory @dir, whose decoded URL path is
 * @path. Entries come in directory order, names HTML-escaped and links
 * percent-encoded. Returns 0 with a kvmalloc'ed body in *body (kvfree()
 * it) of *len bytes, or -errno.
 */
int khttpd_listing(const struct khttpd_server *ks, struct file *dir,
		   const char *path, char **body, size_t *len)
{
	struct khttpd_list l = { .ctx.actor = khttpd_list_actor };
	const struct cred *old;
	int err;

	khttpd_list_puts(&l, "<!DOCTYPE html>\n<html><head>"
			     "<meta charset=\"utf-8\"><title>Index of ");
	khttpd_list_html(&l, path, strlen(path));
	khttpd_list_puts(&l, "</title></head>\n<body><h1>Index of ");
	khttpd_list_html(&l, path, strlen(path));
	khttpd_list_puts(&l, "</h1>\n<ul>\n");
	old = override_creds(ks->cred);
	err = l.nomem ? -ENOMEM : iterate_dir(dir, &l.ctx);
	revert_creds(old);
	if (l.cut)
		khttpd_list_puts(&l, "<li>(listing truncated)</li>\n");
	khttpd_list_puts(&l, "</ul>\n</body></html>\n");
	if (!err && l.nomem)
		err = -ENOMEM;
	if (err) {
		kvfree(l.buf);
		return err;
	}
	*body = l.buf;
	*len = l.len;
	return 0;
}
