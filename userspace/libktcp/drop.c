// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dropping connections: ktcp_sock_drop() sends tuples in requests of at
 * most KTCP_DROP_TUPLES_MAX, ktcp_sock_drop_filter() runs one dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ktcp.h>

#include "internal.h"

/* Results of one call, filled reply by reply. */
struct drop_acc {
	struct ktcp_drop_result *res;
	size_t len, cap;
	uint32_t dropped; /* the kernel's count (unused: we count ourselves) */
};

static int acc_add(const struct ktcp_drop_result *r, void *arg)
{
	struct drop_acc *acc = arg;
	struct ktcp_drop_result *p;
	size_t cap;

	if (acc->len == acc->cap) {
		cap = acc->cap ? acc->cap * 2 : 64;
		p = realloc(acc->res, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		acc->res = p;
		acc->cap = cap;
	}
	acc->res[acc->len++] = *r;
	return 0;
}

static int drop_cb(struct nlmsghdr *nlh, void *arg)
{
	struct drop_acc *acc = arg;

	return ktcp_parse_drop(nlh, acc_add, acc, &acc->dropped);
}

static int check_tuples(struct ktcp *h, const struct ktcp_sock_tuple *t,
			size_t n)
{
	char buf[128];
	const char *why;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!ktcp_check_tuple(&t[i], &why))
			continue;
		snprintf(buf, sizeof(buf), "tuple %zu: %s", i + 1, why);
		ktcp_set_errmsg(h, buf);
		return -EINVAL;
	}
	return 0;
}

/* One request of n tuples; the reply must have a result for each. */
static int drop_chunk(struct ktcp *h, const struct ktcp_sock_tuple *t, size_t n,
		      unsigned int flags, struct drop_acc *acc)
{
	size_t before = acc->len;
	struct nl_msg *msg;
	int err;

	err = ktcp_msg_sock_drop(ktcp_family_id(h), t, n, flags, &msg);
	if (err)
		return err;
	err = ktcp_request(h, msg, drop_cb, acc);
	if (!err && acc->len - before != n) {
		ktcp_set_errmsg(h,
				"the reply does not have a result per tuple");
		err = -EBADMSG;
	}
	return err;
}

/*
 * Results for tuples t[0..n) after a failure: those of the requests that
 * were answered, and KTCP_NOT_SENT or KTCP_FAILED for the others.
 */
static struct ktcp_drop_result *drop_partial(struct drop_acc *acc,
					     const struct ktcp_sock_tuple *t,
					     size_t n, size_t failed_end)
{
	struct ktcp_drop_result *res = realloc(acc->res, n * sizeof(*res));
	size_t i;

	if (!res)
		return NULL;
	acc->res = NULL;
	for (i = acc->len; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].tuple = t[i];
		res[i].status = i < failed_end ? KTCP_FAILED : KTCP_NOT_SENT;
	}
	return res;
}

KTCP_EXPORT int ktcp_sock_drop(struct ktcp *h,
			       const struct ktcp_sock_tuple *tuples, size_t n,
			       unsigned int flags,
			       struct ktcp_drop_result **res)
{
	struct drop_acc acc = { 0 };
	size_t done, chunk = 0;
	int err;

	*res = NULL;
	ktcp_call_begin(h);
	if (flags & ~KTCP_DROP_DRY_RUN) {
		ktcp_set_errmsg(h, "unknown flags");
		return -EINVAL;
	}
	err = check_tuples(h, tuples, n);
	if (err)
		return err;
	for (done = 0; !err && done < n; done += chunk) {
		chunk = n - done;
		if (chunk > KTCP_DROP_TUPLES_MAX)
			chunk = KTCP_DROP_TUPLES_MAX;
		err = drop_chunk(h, tuples + done, chunk, flags, &acc);
	}
	if (!err) {
		*res = acc.res;
		return 0;
	}
	/*
	 * A request failed: the earlier ones' drops stand, so their results
	 * go back with the error. Only a failing first request, whose
	 * tuples may or may not have been dropped, reports nothing.
	 */
	if (done > chunk) {
		/* The failed request's partial replies say nothing sure. */
		acc.len = done - chunk;
		*res = drop_partial(&acc, tuples, n, done);
	}
	free(acc.res);
	return err;
}

KTCP_EXPORT int ktcp_sock_drop_filter(struct ktcp *h,
				      const struct ktcp_drop_filter *f,
				      unsigned int flags,
				      struct ktcp_drop_result **res, size_t *n)
{
	struct drop_acc acc = { 0 };
	struct nl_msg *msg;
	const char *why;
	int err;

	*res = NULL;
	*n = 0;
	ktcp_call_begin(h);
	err = ktcp_check_filter(f, flags, &why);
	if (err) {
		ktcp_set_errmsg(h, why);
		return err;
	}
	err = ktcp_msg_sock_drop_filter(ktcp_family_id(h), f, flags, &msg);
	if (err)
		return err;
	/* Not ktcp_dump(): a drop is not retried, it is not idempotent. */
	err = ktcp_request(h, msg, drop_cb, &acc);
	/* Sockets reported before a failure were dropped: they go back too. */
	if (!acc.len) {
		free(acc.res);
		return err;
	}
	*res = acc.res;
	*n = acc.len;
	return err;
}

KTCP_EXPORT void ktcp_drop_result_free(struct ktcp_drop_result *res)
{
	free(res);
}
