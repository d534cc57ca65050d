// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Servers, counters and services: each call builds a request (msg.c),
 * runs it (nl.c) and turns the replies into the caller's structs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ktcp.h>

#include "internal.h"

/* Growable array that a dump fills, one element per reply. */
struct vec {
	void *data;
	size_t len, cap, size;
};

static void *vec_add(struct vec *v)
{
	void *p;
	size_t cap;

	if (v->len == v->cap) {
		cap = v->cap ? v->cap * 2 : 16;
		p = realloc(v->data, cap * v->size);
		if (!p)
			return NULL;
		v->data = p;
		v->cap = cap;
	}
	p = (char *)v->data + v->len++ * v->size;
	memset(p, 0, v->size);
	return p;
}

static int build_error(struct ktcp *h, int err, const char *why)
{
	ktcp_set_errmsg(h, why);
	return err;
}

static int id_cb(struct nlmsghdr *nlh, void *arg)
{
	return ktcp_parse_id(nlh, arg);
}

KTCP_EXPORT int ktcp_server_start(struct ktcp *h,
				  const struct ktcp_server_cfg *cfg,
				  uint32_t *id)
{
	struct nl_msg *msg;
	const char *why;
	uint32_t new_id = 0;
	int err;

	ktcp_call_begin(h);
	err = ktcp_msg_server_start(ktcp_family_id(h), cfg, &msg, &why);
	if (err)
		return build_error(h, err, why);
	err = ktcp_request(h, msg, id_cb, &new_id);
	/* An ACK without the reply would leave the caller without an id. */
	if (!err && !new_id)
		err = build_error(h, -EBADMSG,
				  "the reply carried no server id");
	if (!err && id)
		*id = new_id;
	return err;
}

static int simple_request(struct ktcp *h, uint8_t cmd, uint32_t id)
{
	struct nl_msg *msg;
	int err;

	err = ktcp_msg_id(ktcp_family_id(h), cmd, id, &msg);
	if (err)
		return err;
	return ktcp_request(h, msg, NULL, NULL);
}

KTCP_EXPORT int ktcp_server_stop(struct ktcp *h, uint32_t id)
{
	ktcp_call_begin(h);
	if (!id)
		return build_error(h, -EINVAL, "server ids start at 1");
	return simple_request(h, KTCP_CMD_SERVER_STOP, id);
}

KTCP_EXPORT int ktcp_server_set(struct ktcp *h, uint32_t id,
				const struct ktcp_server_cfg *cfg)
{
	struct nl_msg *msg;
	const char *why;
	int err;

	ktcp_call_begin(h);
	if (!id)
		return build_error(h, -EINVAL, "server ids start at 1");
	err = ktcp_msg_server_set(ktcp_family_id(h), id, cfg, &msg, &why);
	if (err)
		return build_error(h, err, why);
	return ktcp_request(h, msg, NULL, NULL);
}

/*
 * A parsed server's groups, root and cpus point into the message. Its
 * "extra" is the three, groups first (so they stay 4-byte aligned), in
 * one block of extra_len() bytes that starts at extra_start().
 */
static size_t extra_len(const struct ktcp_server *srv)
{
	size_t n = 0;

	if (srv->http_groups)
		n += srv->http_ngroups * sizeof(uint32_t);
	if (srv->http_root)
		n += strlen(srv->http_root) + 1;
	if (srv->cpus)
		n += strlen(srv->cpus) + 1;
	return n;
}

static void *extra_start(const struct ktcp_server *srv)
{
	if (srv->http_groups)
		return (void *)srv->http_groups;
	if (srv->http_root)
		return (void *)srv->http_root;
	return (void *)srv->cpus;
}

/* Forget srv's extra (after it was freed, or never copied). */
static void extra_forget(struct ktcp_server *srv)
{
	srv->http_groups = NULL;
	srv->http_root = NULL;
	srv->cpus = NULL;
}

/* Copy the string *s to p + off, point *s there; the new offset. */
static size_t string_move(const char **s, char *p, size_t off)
{
	size_t n;

	if (!*s)
		return off;
	n = strlen(*s) + 1;
	memcpy(p + off, *s, n);
	*s = p + off;
	return off + n;
}

/* Copy srv's extra to p (4-byte aligned) and point srv there. */
static size_t extra_move(struct ktcp_server *srv, char *p)
{
	size_t off = 0;

	if (srv->http_groups) {
		off = srv->http_ngroups * sizeof(uint32_t);
		memcpy(p, srv->http_groups, off);
		srv->http_groups = (const uint32_t *)(void *)p;
	}
	off = string_move(&srv->http_root, p, off);
	return string_move(&srv->cpus, p, off);
}

/* Move srv's extra out of the message into a block of its own. */
static int extra_copy(struct ktcp_server *srv, void **block)
{
	size_t n = extra_len(srv);

	*block = NULL;
	if (!n)
		return 0;
	*block = malloc(n);
	if (!*block) {
		extra_forget(srv);
		return -ENOMEM;
	}
	extra_move(srv, *block);
	return 0;
}

static void vec_reset(void *arg)
{
	struct vec *v = arg;

	v->len = 0;
}

/*
 * While the dump runs, each server's extra is copied to a block of its
 * own; at the end they move behind the array, in the same allocation, so
 * that ktcp_server_list_free() is one free().
 */
static int server_list_cb(struct nlmsghdr *nlh, void *arg)
{
	struct ktcp_server *srv = vec_add(arg);
	void *block;
	int err;

	if (!srv)
		return -ENOMEM;
	err = ktcp_parse_server(nlh, srv);
	if (!err)
		err = extra_copy(srv, &block);
	if (err)
		extra_forget(srv);
	return err;
}

static void server_vec_strings_free(struct vec *v)
{
	struct ktcp_server *arr = v->data;
	size_t i;

	for (i = 0; i < v->len; i++) {
		free(extra_start(&arr[i]));
		extra_forget(&arr[i]);
	}
}

static void server_vec_reset(void *arg)
{
	server_vec_strings_free(arg);
	vec_reset(arg);
}

#define ALIGN4(n) (((n) + 3) & ~(size_t)3)

/* Move each server's extra behind the array, groups 4-byte aligned. */
static int server_vec_pack(struct vec *v)
{
	size_t i, total = 0, off = v->len * v->size;
	struct ktcp_server *arr;
	char *p;

	arr = v->data;
	for (i = 0; i < v->len; i++)
		if (extra_len(&arr[i]))
			total += ALIGN4(extra_len(&arr[i]));
	if (!total)
		return 0;
	p = realloc(v->data, off + total);
	if (!p)
		return -ENOMEM;
	v->data = p;
	arr = v->data;
	for (i = 0; i < v->len; i++) {
		void *block = extra_start(&arr[i]);

		if (!block)
			continue;
		off += ALIGN4(extra_move(&arr[i], p + off));
		free(block);
	}
	return 0;
}

KTCP_EXPORT int ktcp_server_list(struct ktcp *h, struct ktcp_server **arr,
				 size_t *n)
{
	struct vec v = { .size = sizeof(struct ktcp_server) };
	int err;

	ktcp_call_begin(h);
	*arr = NULL;
	*n = 0;
	err = ktcp_dump(h, KTCP_CMD_SERVER_GET, server_list_cb,
			server_vec_reset, &v);
	if (!err)
		err = server_vec_pack(&v);
	if (err || !v.len) {
		server_vec_strings_free(&v);
		free(v.data);
		return err;
	}
	*arr = v.data;
	*n = v.len;
	return 0;
}

KTCP_EXPORT void ktcp_server_list_free(struct ktcp_server *arr)
{
	free(arr);
}

/*
 * One server, in the same shape as a list of one: its http_root,
 * http_groups and cpus behind it in one allocation, which the caller owns.
 */
KTCP_EXPORT int ktcp_server_get(struct ktcp *h, uint32_t id,
				struct ktcp_server **srv)
{
	struct vec v = { .size = sizeof(struct ktcp_server) };
	struct nl_msg *msg;
	int err;

	ktcp_call_begin(h);
	*srv = NULL;
	if (!id)
		return build_error(h, -EINVAL, "server ids start at 1");
	err = ktcp_msg_id(ktcp_family_id(h), KTCP_CMD_SERVER_GET, id, &msg);
	if (err)
		return err;
	err = ktcp_request(h, msg, server_list_cb, &v);
	if (!err && v.len != 1)
		err = build_error(h, -EBADMSG, "no server in the reply");
	if (!err)
		err = server_vec_pack(&v);
	if (err) {
		server_vec_strings_free(&v);
		free(v.data);
		return err;
	}
	*srv = v.data;
	return 0;
}

KTCP_EXPORT void ktcp_server_free(struct ktcp_server *srv)
{
	free(srv);
}

static int stats_cb(struct nlmsghdr *nlh, void *arg)
{
	return ktcp_parse_stats(nlh, arg);
}

KTCP_EXPORT int ktcp_stats_get(struct ktcp *h, uint32_t id,
			       struct ktcp_stats *st)
{
	struct nl_msg *msg;
	int err;

	ktcp_call_begin(h);
	memset(st, 0, sizeof(*st));
	err = ktcp_msg_id(ktcp_family_id(h), KTCP_CMD_STATS_GET, id, &msg);
	if (err)
		return err;
	return ktcp_request(h, msg, stats_cb, st);
}

struct latency_reply {
	struct ktcp_latency *lat;
	int found;
};

static int latency_cb(struct nlmsghdr *nlh, void *arg)
{
	struct latency_reply *r = arg;
	int err = ktcp_parse_latency(nlh, r->lat);

	if (err < 0)
		return err;
	r->found = !err;
	return 0;
}

KTCP_EXPORT int ktcp_latency_get(struct ktcp *h, uint32_t id,
				 struct ktcp_latency *lat)
{
	struct latency_reply r = { .lat = lat };
	struct nl_msg *msg;
	int err;

	ktcp_call_begin(h);
	memset(lat, 0, sizeof(*lat));
	if (!id)
		return build_error(h, -EINVAL,
				   "service times are per server: give an id");
	err = ktcp_msg_id(ktcp_family_id(h), KTCP_CMD_STATS_GET, id, &msg);
	if (err)
		return err;
	err = ktcp_request(h, msg, latency_cb, &r);
	if (!err && !r.found)
		err = build_error(h, -EOPNOTSUPP,
				  "the ktcp module keeps no service times "
				  "(older than 2.1)");
	return err;
}

KTCP_EXPORT int ktcp_stats_reset(struct ktcp *h, uint32_t id)
{
	ktcp_call_begin(h);
	return simple_request(h, KTCP_CMD_STATS_RESET, id);
}

/* Service names are collected as fixed slots, then strdup()ed. */
struct service_slot {
	char name[KTCP_SERVICE_LEN];
};

static int service_cb(struct nlmsghdr *nlh, void *arg)
{
	struct service_slot *s = vec_add(arg);

	return s ? ktcp_parse_service(nlh, s->name, sizeof(s->name)) : -ENOMEM;
}

KTCP_EXPORT int ktcp_service_list(struct ktcp *h, char ***names, size_t *n)
{
	struct vec v = { .size = sizeof(struct service_slot) };
	struct service_slot *slots;
	char **out = NULL;
	size_t i;
	int err;

	ktcp_call_begin(h);
	*names = NULL;
	*n = 0;
	err = ktcp_dump(h, KTCP_CMD_SERVICE_GET, service_cb, vec_reset, &v);
	if (err || !v.len)
		goto out;
	err = -ENOMEM;
	out = calloc(v.len, sizeof(*out));
	if (!out)
		goto out;
	slots = v.data;
	for (i = 0; i < v.len; i++) {
		out[i] = strdup(slots[i].name);
		if (!out[i]) {
			ktcp_service_list_free(out, i);
			goto out;
		}
	}
	*names = out;
	*n = v.len;
	err = 0;
out:
	free(v.data);
	return err;
}

KTCP_EXPORT void ktcp_service_list_free(char **names, size_t n)
{
	size_t i;

	if (!names)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
