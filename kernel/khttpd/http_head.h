/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A response head, appended piece by piece into a fixed buffer. Pure C like
 * http_parser.h.
 *
 * Why not scnprintf(): a head is a dozen literals, strings and numbers, and
 * vsnprintf() decodes its format at every call; it was 6 % of khttpd's CPU
 * time per keep-alive request for a small file. Appending is memcpy() and
 * a digit loop.
 *
 * A piece that does not fit marks the head cut and is dropped whole; the
 * caller checks once, at the end (khttpd_head_cut()).
 */
#ifndef KHTTPD_HTTP_HEAD_H
#define KHTTPD_HTTP_HEAD_H

#include "http_types.h"

struct khttpd_head {
	char *p;
	size_t size; /* of p */
	size_t len; /* bytes written */
	bool cut; /* a piece did not fit */
};

static inline void khttpd_head_init(struct khttpd_head *h, char *p, size_t size)
{
	h->p = p;
	h->size = size;
	h->len = 0;
	h->cut = false;
}

void khttpd_head_put(struct khttpd_head *h, const char *s, size_t len);
void khttpd_head_puts(struct khttpd_head *h, const char *s);
/* @v in decimal, as "%llu" would write it. */
void khttpd_head_put_u64(struct khttpd_head *h, u64 v);

/* A string literal, its length known at compile time. */
#define khttpd_head_lit(h, s) khttpd_head_put(h, s, sizeof(s) - 1)

static inline bool khttpd_head_cut(const struct khttpd_head *h)
{
	return h->cut;
}

#endif /* KHTTPD_HTTP_HEAD_H */
