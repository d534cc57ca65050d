// SPDX-License-Identifier: GPL-2.0
/* Generated content: the built-in page, error bodies, directory listings. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "khttpd.h"
#include "http_listing.h"

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
	case 412:
		return "Precondition Failed";
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

/*
 * A listing is made in three passes: the names are collected (under the
 * directory's lock, so nothing else is done then), each is looked up as
 * a request for it would be, and the entries are sorted and written.
 */
struct khttpd_list {
	struct dir_context ctx;
	char *names; /* the names, one after the other, not terminated */
	size_t names_len, names_cap;
	struct khttpd_dirent *ents; /* their lengths, until looked up */
	size_t nents, ents_cap;
	size_t room; /* what the rows of the entries so far can take */
	bool nomem; /* an allocation failed: the listing is given up */
	bool cut; /* KHTTPD_LISTING_MAX reached: the rest is left out */
};

/* What the page is written into; it only ever grows. */
struct khttpd_page {
	char *buf;
	size_t len, cap;
	bool nomem;
};

/* *p of *cap bytes (@used of them kept) grown to hold @need more. */
static bool khttpd_grow(void **p, size_t *cap, size_t used, size_t need)
{
	size_t ncap;
	void *n;

	if (used + need <= *cap)
		return true;
	ncap = max3(*cap * 2, used + need, (size_t)PAGE_SIZE);
	n = kvmalloc(ncap, GFP_KERNEL);
	if (!n)
		return false;
	if (used)
		memcpy(n, *p, used);
	kvfree(*p);
	*p = n;
	*cap = ncap;
	return true;
}

/* Room for @need more bytes at pg->buf + pg->len, or false. */
static bool khttpd_page_room(struct khttpd_page *pg, size_t need)
{
	if (!pg->nomem &&
	    !khttpd_grow((void **)&pg->buf, &pg->cap, pg->len, need))
		pg->nomem = true;
	return !pg->nomem;
}

static void khttpd_page_puts(struct khttpd_page *pg, const char *s)
{
	size_t n = strlen(s);

	if (khttpd_page_room(pg, n)) {
		memcpy(pg->buf + pg->len, s, n);
		pg->len += n;
	}
}

static void khttpd_page_html(struct khttpd_page *pg, const char *s)
{
	size_t n = strlen(s);

	if (khttpd_page_room(pg, 6 * n))
		pg->len += khttpd_html_escape(s, n, pg->buf + pg->len);
}

static bool khttpd_list_actor(struct dir_context *ctx, const char *name,
			      int namelen, loff_t off, u64 ino,
			      unsigned int type)
{
	struct khttpd_list *l = container_of(ctx, struct khttpd_list, ctx);
	size_t room = khttpd_listing_row_room(name, namelen);

	if ((namelen == 1 && name[0] == '.') ||
	    (namelen == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (l->room + room > KHTTPD_LISTING_MAX) {
		l->cut = true;
		return false; /* stops the walk */
	}
	if (!khttpd_grow((void **)&l->names, &l->names_cap, l->names_len,
			 namelen) ||
	    !khttpd_grow((void **)&l->ents, &l->ents_cap,
			 l->nents * sizeof(*l->ents), sizeof(*l->ents))) {
		l->nomem = true;
		return false;
	}
	memcpy(l->names + l->names_len, name, namelen);
	l->names_len += namelen;
	l->ents[l->nents++] = (struct khttpd_dirent){ .len = namelen };
	l->room += room;
	return true;
}

/*
 * Look each entry up beneath the root as a request for it would be
 * (@path is the directory's URL path, ending in '/'), with the serving
 * user's credentials. What would not be served (a symlink out of the
 * root or dangling, a device, a FIFO, a socket) is left out. Entries
 * kept are packed at the front; returns how many, -ENOMEM, or -EAGAIN
 * when renames took more tries than the listing has (then no entry is
 * left out for them: the answer is 503, as for a file).
 */
static int khttpd_list_stat(const struct khttpd_server *ks,
			    struct khttpd_list *l, const char *path)
{
	/* four lost tries an entry on average: 5 times its lookups at most */
	unsigned int tries = KHTTPD_LOOKUP_TRIES + 4 * l->nents;
	size_t plen = strlen(path), i, kept = 0;
	const char *name = l->names;
	struct khttpd_node node;
	char *full;
	int err;

	full = kmalloc(plen + NAME_MAX + 1, GFP_KERNEL);
	if (!full)
		return -ENOMEM;
	memcpy(full, path, plen);
	for (i = 0; i < l->nents; i++) {
		struct khttpd_dirent *e = &l->ents[i];

		cond_resched();
		e->name = name;
		name += e->len;
		if (e->len > NAME_MAX)
			continue;
		memcpy(full + plen, e->name, e->len);
		full[plen + e->len] = '\0';
		err = khttpd_lookup_tries(ks, full, &node, &tries);
		if (err == -EAGAIN) {
			kfree(full);
			return err;
		}
		if (err)
			continue;
		e->dir = S_ISDIR(node.stat.mode);
		e->size = node.stat.size;
		e->mtime = node.stat.mtime.tv_sec;
		path_put(&node.path);
		l->ents[kept++] = *e;
	}
	kfree(full);
	return kept;
}

static int khttpd_list_cmp(const void *a, const void *b)
{
	return khttpd_listing_cmp(a, b);
}

/*
 * An HTML index of the open directory @dir, whose decoded URL path is
 * @path (ending in '/'); the format is in http_listing.h. Returns 0 with
 * a kvmalloc'ed body in *body (kvfree() it) of *len bytes, in a buffer of
 * *cap bytes (what it holds until freed), or -errno.
 * Either way *work is what making it cost, in bytes of a run's budget:
 * the room of every entry looked up, shown or not, as a directory of
 * entries that are all left out costs the lookups and writes nothing.
 */
int khttpd_listing(const struct khttpd_server *ks, struct file *dir,
		   const char *path, char **body, size_t *len, size_t *cap,
		   size_t *work)
{
	struct khttpd_list l = { .ctx.actor = khttpd_list_actor };
	struct khttpd_page pg = {};
	int err, n, i;

	/* As every file access, with the server's credentials (the run's). */
	err = iterate_dir(dir, &l.ctx);
	if (!err && l.nomem)
		err = -ENOMEM;
	if (err)
		goto out;
	n = khttpd_list_stat(ks, &l, path);
	if (n < 0) {
		err = n;
		goto out;
	}
	sort(l.ents, n, sizeof(*l.ents), khttpd_list_cmp, NULL);

	khttpd_page_puts(&pg, "<!DOCTYPE html>\n<html><head>"
			      "<meta charset=\"utf-8\"><title>Index of ");
	khttpd_page_html(&pg, path);
	khttpd_page_puts(&pg, "</title>\n<style>td{padding:0 1em 0 0}"
			      "td+td+td{text-align:right}</style></head>\n"
			      "<body><h1>Index of ");
	khttpd_page_html(&pg, path);
	khttpd_page_puts(&pg, "</h1>\n<table>\n<tr><th>Name</th>"
			      "<th>Last modified</th><th>Size</th></tr>\n");
	if (strcmp(path, "/"))
		khttpd_page_puts(&pg, "<tr><td><a href=\"../\">../</a></td>"
				      "<td></td><td></td></tr>\n");
	for (i = 0; i < n; i++)
		if (khttpd_page_room(&pg,
				     khttpd_listing_row_max(l.ents[i].len)))
			pg.len +=
				khttpd_listing_row(&l.ents[i], pg.buf + pg.len);
	if (l.cut)
		khttpd_page_puts(&pg, "<tr><td colspan=\"3\">"
				      "(listing truncated)</td></tr>\n");
	khttpd_page_puts(&pg, "</table>\n</body></html>\n");
	if (pg.nomem)
		err = -ENOMEM;
out:
	*work = l.room;
	kvfree(l.names);
	kvfree(l.ents);
	if (err) {
		kvfree(pg.buf);
		return err;
	}
	*body = pg.buf;
	*len = pg.len;
	*cap = pg.cap;
	return 0;
}
