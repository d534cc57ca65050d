/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nl.c (sending, planning, reading) and check.c (judging each message
 * read) share about an exchange in progress.
 */
#ifndef NLFUZZ_ENGINE_H
#define NLFUZZ_ENGINE_H

#include <string.h>
#include <linux/netlink.h>

#include "nlfuzz.h"

/* What one message of a sendmsg() is owed, and what came back for it. */
struct pend {
	unsigned char *req; /* in the send buffer */
	uint32_t len; /* its nlmsg_len */
	uint16_t flags;
	uint8_t cmd;
	bool dispatched; /* reaches the family's handlers */
	bool dump;
	bool need_final; /* an ACK, error or DONE must come */
	bool need_answer; /* a reply or an error must come */
	bool answered;
	bool done;
	/* SOCK_DROP */
	bool dry_run;
	unsigned int tuples;
	uint32_t sock_msgs, sock_hits;
	bool summary;
	uint32_t summary_val;
};

/* One per message of the sendmsg() under way: one exchange at a time. */
extern struct pend pends[];

struct xchg {
	struct nlf_ctx *ctx;
	const unsigned char *buf;
	size_t len;
	uint32_t first_seq;
	unsigned int n; /* messages the kernel sees */
	bool sentinel;
	bool failed;
};

/* nla_ok() and nla_next() of the kernel, over [p, p + len). */
#define for_each_nla(a, p, len, rem)                              \
	for ((a) = (struct nlattr *)(p), (rem) = (int)(len);      \
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && \
	     (a)->nla_len <= (rem);                               \
	     (rem) -= NLA_ALIGN((a)->nla_len),                    \
	    (a) = (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))

#define NLA_TYPE(a) ((a)->nla_type & NLA_TYPE_MASK)
#define NLA_DATA(a) ((unsigned char *)(a) + NLA_HDRLEN)
#define NLA_LEN(a) ((int)(a)->nla_len - NLA_HDRLEN)

static inline uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, NLA_DATA(a), sizeof(v));
	return v;
}

#define STAT_ADD(ctx, field, v) \
	__atomic_add_fetch(&(ctx)->stats->field, (v), __ATOMIC_RELAXED)

/* Print why the exchange failed, with the request; returns -1. */
int xfail(struct xchg *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void count_errno(struct nlf_ctx *ctx, int err);
/* Account for one message read; -1 (after xfail) if it is wrong. */
int check_msg(struct xchg *x, const struct nlmsghdr *h);

#endif /* NLFUZZ_ENGINE_H */
