// SPDX-License-Identifier: GPL-2.0
/*
 * The exchange engine: send bytes to the family and account for every
 * answer. Before sending, the buffer is walked the way netlink_rcv_skb()
 * walks it (a header, nlmsg_len within what is left, the next message at
 * the aligned end, a stop at the first bad length), which says which
 * messages the kernel will see and what it owes for each:
 *
 *   not NLM_F_REQUEST, or a control type  an ACK (error 0) iff NLM_F_ACK
 *   a dump (NLM_F_DUMP)                   NLMSG_DONE, or an error
 *   a do with NLM_F_ACK                   an ACK or an error, replies first
 *   a do without NLM_F_ACK                an error, or for the commands
 *                                         that reply (START, GET,
 *                                         STATS_GET, SOCK_DROP) a reply
 *
 * When an answer is optional, an acknowledged NLMSG_NOOP follows in a
 * second sendmsg(): the kernel handles requests in the sender's context, so
 * its ACK comes after everything the batch caused. Every message read must
 * be well formed, addressed to us, belong to a request still open, and
 * carry only attributes of the family with their exact lengths.
 *
 * The same walk keeps the fuzzing safe: every message the kernel will see
 * goes to the ktcp family (never another family's id), and the ports of
 * SERVER_START and SERVER_SET are moved into the fuzzer's range.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>

#include "engine.h"
#include "tools.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Sized for a batch of 16-byte messages. */
struct pend pends[NLF_SEND_MAX / NLMSG_HDRLEN + 2];
static unsigned char sendbuf[NLF_SEND_MAX];
static unsigned char recvbuf[1 << 18];

const char *nlf_errname(int err)
{
	const char *s = err ? strerrorname_np(err < 0 ? -err : err) : "ok";

	return s ? s : "E?";
}

void nlf_hexdump(FILE *f, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%s%02x%s", i % 16 ? "" : "    ", p[i],
			i + 1 == len || i % 16 == 15 ? "\n" :
			i % 4 == 3		     ? " " :
						       "");
}

int xfail(struct xchg *x, const char *fmt, ...)
{
	va_list ap;

	if (x->failed)
		return -1;
	x->failed = true;
	fprintf(stderr, "nlfuzz: FAIL: worker %d (seed %llu): ", x->ctx->worker,
		(unsigned long long)x->ctx->seed);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nnlfuzz: the request (%zu bytes, seq %u..%u):\n",
		x->len, x->first_seq, x->first_seq + x->n);
	nlf_hexdump(stderr, x->buf, x->len);
	return -1;
}

void count_errno(struct nlf_ctx *ctx, int err)
{
	int e = err < 0 ? -err : err;

	if (e > NLF_ERRNO_MAX)
		e = NLF_ERRNO_MAX;
	__atomic_add_fetch(&ctx->stats->by_errno[e], 1, __ATOMIC_RELAXED);
}

/* --- sockets ---------------------------------------------------------------- */

static int sock_send(struct nlf_sock *sk, const void *buf, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	ssize_t n;

	n = sendto(sk->fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

/* One GETFAMILY exchange by hand: the engine needs the id first. */
static int resolve_family(struct nlf_sock *sk)
{
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		struct nlattr a;
		char name[8];
	} req = {
		.h = { .nlmsg_len = sizeof(req),
		       .nlmsg_type = GENL_ID_CTRL,
		       .nlmsg_flags = NLM_F_REQUEST,
		       .nlmsg_seq = ++sk->seq },
		.g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
		.a = { .nla_len = NLA_HDRLEN + sizeof(KTCP_GENL_NAME),
		       .nla_type = CTRL_ATTR_FAMILY_NAME },
		.name = KTCP_GENL_NAME,
	};
	struct pollfd pfd = { .fd = sk->fd, .events = POLLIN };
	struct nlmsghdr *h = (struct nlmsghdr *)recvbuf;
	struct nlattr *a;
	ssize_t n;
	int rem;

	if (sock_send(sk, &req, sizeof(req)))
		return -errno;
	if (poll(&pfd, 1, 10000) != 1)
		return -ETIMEDOUT;
	n = recv(sk->fd, recvbuf, sizeof(recvbuf), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, n))
		return -EBADMSG;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error ? e->error : -EBADMSG;
	}
	if (h->nlmsg_type != GENL_ID_CTRL)
		return -EBADMSG;
	a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	rem = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (;
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID &&
		    a->nla_len == NLA_HDRLEN + 2) {
			memcpy(&sk->family, (char *)a + NLA_HDRLEN, 2);
			return 0;
		}
	return -EBADMSG;
}

int nlf_open(struct nlf_ctx *ctx, bool cap_ack)
{
	struct nlf_sock *sk = &ctx->sk;
	struct sockaddr_nl addr;
	socklen_t alen = sizeof(addr);
	int one = 1, rcvbuf = 4 << 20, err;

	memset(sk, 0, sizeof(*sk));
	sk->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sk->fd < 0) {
		fprintf(stderr,
			"nlfuzz: cannot open a NETLINK_GENERIC socket: %s\n",
			strerror(errno));
		return -1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.nl_family = AF_NETLINK;
	if (bind(sk->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(sk->fd, (struct sockaddr *)&addr, &alen)) {
		fprintf(stderr, "nlfuzz: cannot bind a netlink socket: %s\n",
			strerror(errno));
		close(sk->fd);
		return -1;
	}
	sk->portid = addr.nl_pid;
	/*
	 * A batch's answers, each echoing its request, must all fit: a lost
	 * answer would look like the kernel's fault. FORCE passes rmem_max.
	 */
	if (setsockopt(sk->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(sk->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	setsockopt(sk->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	sk->cap_ack = cap_ack;
	if (cap_ack)
		setsockopt(sk->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
			   sizeof(one));
	err = resolve_family(sk);
	if (err) {
		if (err == -ENOENT)
			fprintf(stderr,
				"nlfuzz: no generic netlink family \"%s\" (is ktcp.ko loaded?)\n",
				KTCP_GENL_NAME);
		else
			fprintf(stderr,
				"nlfuzz: cannot resolve family \"%s\": %s\n",
				KTCP_GENL_NAME, strerror(-err));
		close(sk->fd);
		sk->fd = -1;
		return -1;
	}
	return 0;
}

void nlf_close(struct nlf_ctx *ctx)
{
	if (ctx->sk.fd >= 0)
		close(ctx->sk.fd);
	ctx->sk.fd = -1;
}
/* The request's attributes, as its handler gets them. */
static unsigned char *req_attrs(const struct pend *p, int *len)
{
	*len = (int)p->len - NLMSG_HDRLEN - GENL_HDRLEN;
	return p->req + NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Move the ports of START and SET into the fuzzer's range. */
static void clamp_ports(struct nlf_ctx *ctx, struct pend *p)
{
	unsigned int span = ctx->port_hi - ctx->port_lo + 1U;
	unsigned char *attrs;
	struct nlattr *a;
	uint16_t port;
	int len, rem;

	attrs = req_attrs(p, &len);
	for_each_nla(a, attrs, len, rem)
	{
		if (NLA_TYPE(a) != KTCP_A_PORT || NLA_LEN(a) < 2)
			continue;
		memcpy(&port, NLA_DATA(a), sizeof(port));
		if (port && (port < ctx->port_lo || port > ctx->port_hi)) {
			port = (uint16_t)(ctx->port_lo + port % span);
			memcpy(NLA_DATA(a), &port, sizeof(port));
		}
	}
}

/* SOCK_DROP: how many tuples, and whether it is a dry run. */
static void drop_request(struct pend *p)
{
	unsigned char *attrs;
	struct nlattr *a, *flags = NULL;
	int len, rem;

	attrs = req_attrs(p, &len);
	for_each_nla(a, attrs, len, rem)
	{
		if (NLA_TYPE(a) == KTCP_A_SOCK)
			p->tuples++;
		if (NLA_TYPE(a) == KTCP_A_FLAGS)
			flags = a;
	}
	p->dry_run = flags && NLA_LEN(flags) == 4 &&
		     (nla_u32(flags) & KTCP_DROP_F_DRY_RUN);
}

/* Replies with a do whose success always sends a message. */
static bool cmd_replies(uint8_t cmd)
{
	return cmd == KTCP_CMD_SERVER_START || cmd == KTCP_CMD_SERVER_GET ||
	       cmd == KTCP_CMD_STATS_GET || cmd == KTCP_CMD_SOCK_DROP;
}

/* --- the plan: what the kernel will see ------------------------------------- */

static void plan_one(struct xchg *x, struct nlmsghdr *h, struct pend *p)
{
	struct nlf_ctx *ctx = x->ctx;

	memset(p, 0, sizeof(*p));
	h->nlmsg_seq = x->first_seq + x->n;
	/* Never another family: an id we did not resolve could be anyone's. */
	if ((h->nlmsg_flags & NLM_F_REQUEST) &&
	    h->nlmsg_type >= NLMSG_MIN_TYPE && h->nlmsg_type != ctx->sk.family)
		h->nlmsg_type = ctx->sk.family;
	p->req = (unsigned char *)h;
	p->len = h->nlmsg_len;
	p->flags = h->nlmsg_flags;
	p->dispatched = (h->nlmsg_flags & NLM_F_REQUEST) &&
			h->nlmsg_type >= NLMSG_MIN_TYPE;
	if (!p->dispatched) {
		p->need_final = h->nlmsg_flags & NLM_F_ACK;
		return;
	}
	p->dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		/* genetlink answers -EINVAL without looking further */
		p->need_final = true;
		return;
	}
	p->cmd = ((struct genlmsghdr *)NLMSG_DATA(h))->cmd;
	if (p->cmd == KTCP_CMD_SERVER_START || p->cmd == KTCP_CMD_SERVER_SET)
		clamp_ports(ctx, p);
	if (p->cmd == KTCP_CMD_SOCK_DROP)
		drop_request(p);
	p->need_final = p->dump || (h->nlmsg_flags & NLM_F_ACK);
	p->need_answer = p->need_final || cmd_replies(p->cmd);
}

/* Walk buf as netlink_rcv_skb() will; true if an answer may not come. */
static bool plan(struct xchg *x, unsigned char *buf, size_t len)
{
	bool optional = false;
	size_t off = 0, step;
	struct nlmsghdr *h;

	x->n = 0;
	while (len - off >= NLMSG_HDRLEN) {
		h = (struct nlmsghdr *)(buf + off);
		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			break;
		plan_one(x, h, &pends[x->n]);
		if (!pends[x->n].need_answer && !pends[x->n].need_final)
			optional = true;
		x->n++;
		step = NLMSG_ALIGN(h->nlmsg_len);
		off += step < len - off ? step : len - off;
	}
	/* Bytes the kernel drops: make sure nothing answers them either. */
	return optional || off < len || x->n == 0;
}
/* Is anything still owed? Optional answers are settled by the sentinel. */
static bool owed(const struct xchg *x)
{
	unsigned int i;

	if (x->sentinel)
		return true;
	for (i = 0; i < x->n; i++)
		if ((pends[i].need_final && !pends[i].done) ||
		    (pends[i].need_answer && !pends[i].answered))
			return true;
	return false;
}

static int report_missing(struct xchg *x)
{
	unsigned int i;

	for (i = 0; i < x->n; i++) {
		const struct pend *p = &pends[i];

		if ((p->need_final && !p->done) ||
		    (p->need_answer && !p->answered))
			return xfail(
				x,
				"no %s for seq %u (cmd %u, flags 0x%x%s) within %u ms",
				p->need_final ? "final answer" : "answer",
				x->first_seq + i, p->cmd, p->flags,
				p->dump ? ", dump" : "", x->ctx->timeout_ms);
	}
	return xfail(x, "no ACK for the closing NOOP within %u ms",
		     x->ctx->timeout_ms);
}

static int read_answers(struct xchg *x)
{
	struct pollfd pfd = { .fd = x->ctx->sk.fd, .events = POLLIN };
	uint64_t deadline = now_ns() + x->ctx->timeout_ms * 1000000ULL;
	struct iovec iov = { recvbuf, sizeof(recvbuf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct nlmsghdr *h;
	uint64_t now;
	ssize_t n;
	int left;

	while (owed(x)) {
		now = now_ns();
		if (now >= deadline)
			return report_missing(x);
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1)) < 0 &&
		    errno != EINTR)
			return xfail(x, "poll: %s", strerror(errno));
		n = recvmsg(x->ctx->sk.fd, &mh, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return xfail(
				x, "recvmsg: %s%s", strerror(errno),
				errno == ENOBUFS ?
					" (answers overran the socket: a fuzzer limit)" :
					"");
		if (mh.msg_flags & MSG_TRUNC)
			return xfail(x, "a %zd-byte read was truncated", n);
		left = (int)n;
		for (h = (struct nlmsghdr *)recvbuf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left))
			if (check_msg(x, h))
				return -1;
		if (left)
			return xfail(x, "%d bytes after the last message",
				     left);
	}
	return 0;
}

static int send_sentinel(struct xchg *x)
{
	struct nlmsghdr h = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.nlmsg_seq = x->first_seq + x->n,
	};
	int err = sock_send(&x->ctx->sk, &h, sizeof(h));

	if (err)
		return xfail(x, "sending the closing NOOP: %s", strerror(-err));
	x->sentinel = true;
	return 0;
}

static void trace(struct nlf_ctx *ctx, const unsigned char *buf, size_t len)
{
	struct nlf_trace *t = ctx->trace;

	if (!t)
		return;
	t->len = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy(t->buf, buf, len < sizeof(t->buf) ? len : sizeof(t->buf));
	t->since_ns = now_ns();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->len = (uint32_t)len;
	t->busy = 1;
}

int nlf_exchange_raw(struct nlf_ctx *ctx, unsigned char *buf, size_t len)
{
	struct xchg x = { .ctx = ctx, .buf = buf, .len = len };
	bool optional;
	int err;

	memset(&ctx->res, 0, sizeof(ctx->res));
	x.first_seq = ctx->sk.seq + 1;
	optional = plan(&x, buf, len);
	/* The plan's seqs and the sentinel's are used up. */
	ctx->sk.seq += x.n + 1;
	STAT_ADD(ctx, requests, x.n);
	STAT_ADD(ctx, sends, 1);
	if (x.n > 1)
		STAT_ADD(ctx, batches, 1);
	if (optional)
		STAT_ADD(ctx, silent, 1);
	for (unsigned int i = 0; i < x.n; i++)
		if (pends[i].dump)
			STAT_ADD(ctx, dumps, 1);
	if (ctx->verbose) {
		fprintf(stderr, "nlfuzz: worker %d sends %zu bytes:\n",
			ctx->worker, len);
		nlf_hexdump(stderr, buf, len);
	}
	trace(ctx, buf, len);
	err = sock_send(&ctx->sk, buf, len);
	/*
	 * Refused whole, owing nothing: too big for the socket, or empty
	 * (ENODATA on 6.1 and 6.12).
	 */
	if (err == -EMSGSIZE || err == -ENOBUFS || (!len && err == -ENODATA)) {
		x.n = 0;
		STAT_ADD(ctx, refused, 1);
	} else if (err) {
		return xfail(&x, "sendmsg: %s", strerror(-err));
	}
	if ((optional || err) && send_sentinel(&x))
		return -1;
	err = read_answers(&x);
	if (ctx->trace)
		ctx->trace->busy = 0;
	return err;
}

/* Lay requests out one after the other, as a batch. */
static size_t serialize(struct nlf_ctx *ctx, struct req **reqs, unsigned int n)
{
	size_t off = 0, total;
	struct nlmsghdr h;
	long len;
	unsigned int i;

	for (i = 0; i < n; i++) {
		total = NLMSG_HDRLEN + reqs[i]->len;
		if (off + NLMSG_ALIGN(total) > sizeof(sendbuf))
			break;
		len = (long)total + reqs[i]->len_adj;
		memset(&h, 0, sizeof(h));
		h.nlmsg_len = len < 0 ? 0 : (uint32_t)len;
		h.nlmsg_type = reqs[i]->type ? reqs[i]->type : ctx->sk.family;
		h.nlmsg_flags = reqs[i]->flags;
		h.nlmsg_pid = reqs[i]->pid;
		memcpy(sendbuf + off, &h, sizeof(h));
		memcpy(sendbuf + off + NLMSG_HDRLEN, reqs[i]->payload,
		       reqs[i]->len);
		memset(sendbuf + off + total, 0, NLMSG_ALIGN(total) - total);
		off += i + 1 < n ? NLMSG_ALIGN(total) : total;
	}
	return off;
}

int nlf_exchange(struct nlf_ctx *ctx, struct req **reqs, unsigned int n)
{
	return nlf_exchange_raw(ctx, sendbuf, serialize(ctx, reqs, n));
}

/*
 * A dump whose reader goes away: read one message at most, then close the
 * socket, which ends the dump in the kernel (its done callback runs).
 */
int nlf_abandon_dump(struct nlf_ctx *ctx, struct req *q)
{
	struct pollfd pfd = { .fd = ctx->sk.fd, .events = POLLIN };
	struct xchg x = { .ctx = ctx, .buf = sendbuf };
	bool cap_ack = ctx->sk.cap_ack;
	int err;

	/* A dump to the family, which owes at least one message. */
	q->type = 0;
	q->len_adj = 0;
	q->flags |= NLM_F_DUMP | NLM_F_REQUEST;
	x.len = serialize(ctx, &q, 1);
	x.first_seq = ctx->sk.seq + 1;
	plan(&x, sendbuf, x.len);
	ctx->sk.seq += x.n + 1;
	trace(ctx, sendbuf, x.len);
	err = sock_send(&ctx->sk, sendbuf, x.len);
	if (err && err != -EMSGSIZE)
		return xfail(&x, "sendmsg: %s", strerror(-err));
	STAT_ADD(ctx, requests, 1);
	STAT_ADD(ctx, abandoned, 1);
	if (!err && poll(&pfd, 1, (int)ctx->timeout_ms) != 1)
		return xfail(&x, "nothing came for a dump within %u ms",
			     ctx->timeout_ms);
	if (!err && recv(ctx->sk.fd, recvbuf, 64, MSG_TRUNC) < 0)
		return xfail(&x, "recv: %s", strerror(errno));
	if (ctx->trace)
		ctx->trace->busy = 0;
	nlf_close(ctx);
	return nlf_open(ctx, cap_ack);
}
