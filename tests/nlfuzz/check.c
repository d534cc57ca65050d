// SPDX-License-Identifier: GPL-2.0
/*
 * Judging what the kernel sends back, message by message: addressed to us,
 * for a request still open, of a type that request can get, well formed
 * down to every attribute (only the family's, with their exact lengths),
 * and, for SOCK_DROP, with counts that add up.
 */
#include <string.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>

#include "engine.h"

static int check_str(const struct nlattr *a, int max)
{
	int n = NLA_LEN(a);

	return n >= 1 && n <= max + 1 && NLA_DATA(a)[n - 1] == '\0' &&
			       strlen((char *)NLA_DATA(a)) == (size_t)n - 1 ?
		       0 :
		       -1;
}

/* A CPU list as the kernel prints one: "0-3,8", never empty. */
static int check_cpus(const struct nlattr *a)
{
	const char *s = (const char *)NLA_DATA(a);

	if (check_str(a, KTCP_CPUS_MAX) || !*s)
		return -1;
	return strspn(s, "0123456789,-") == strlen(s) ? 0 : -1;
}

/* A server's name: 1 to KTCP_NAME_MAX of A-Z a-z 0-9 . _ - */
static int check_name(const struct nlattr *a)
{
	const char *s = (const char *)NLA_DATA(a);

	if (check_str(a, KTCP_NAME_MAX) || !*s)
		return -1;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-") == strlen(s) ?
		       0 :
		       -1;
}

static int check_len(const struct nlattr *a, int want)
{
	return NLA_LEN(a) == want ? 0 : -1;
}

static int check_addr(const struct nlattr *a)
{
	return NLA_LEN(a) == 4 || NLA_LEN(a) == 16 ? 0 : -1;
}

/* Checks a nest; returns the failed attribute's type, or 0. */
typedef int (*nest_fn)(struct xchg *x, struct pend *p, const struct nlattr *a,
		       void *arg);

static int walk(struct xchg *x, struct pend *p, const unsigned char *data,
		int len, nest_fn fn, void *arg)
{
	const struct nlattr *a;
	int rem, bad;

	for_each_nla(a, data, len, rem)
	{
		bad = fn(x, p, a, arg);
		if (bad)
			return bad;
	}
	return rem ? -1 : 0;
}

static int opt_attr(struct xchg *x, struct pend *p, const struct nlattr *a,
		    void *arg)
{
	int bad = -1;

	switch (NLA_TYPE(a)) {
	case KTCP_OPT_A_ECHO_WQ:
	case KTCP_OPT_A_HTTP_LISTING:
	case KTCP_OPT_A_HTTP_SENDFILE:
		bad = check_len(a, 1);
		break;
	case KTCP_OPT_A_HTTP_ROOT:
		bad = check_str(a, KTCP_PATH_MAX);
		break;
	case KTCP_OPT_A_HTTP_KEEPALIVE_MAX:
	case KTCP_OPT_A_HTTP_MAX_REQUEST_LINE:
	case KTCP_OPT_A_HTTP_MAX_HEADER:
	case KTCP_OPT_A_HTTP_UID:
	case KTCP_OPT_A_HTTP_GID:
	case KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS:
		bad = check_len(a, 4);
		break;
	case KTCP_OPT_A_HTTP_GROUPS:
		bad = NLA_LEN(a) % 4 || NLA_LEN(a) > KTCP_HTTP_GROUPS_MAX * 4 ?
			      -1 :
			      0;
		break;
	}
	return bad ? NLA_TYPE(a) : 0;
}

static int stats_attr(struct xchg *x, struct pend *p, const struct nlattr *a,
		      void *arg)
{
	int t = NLA_TYPE(a);

	if (t == KTCP_STATS_A_PAD)
		return 0;
	return t > KTCP_STATS_A_PAD && t <= KTCP_STATS_A_MAX &&
			       !check_len(a, 8) ?
		       0 :
		       t;
}

/* A histogram: count the buckets' sum, every length exact. */
struct latency_seen {
	uint64_t count, sum;
	bool has_count, has_buckets;
};

static int latency_attr(struct xchg *x, struct pend *p, const struct nlattr *a,
			void *arg)
{
	struct latency_seen *l = arg;
	int t = NLA_TYPE(a);
	uint64_t v;
	unsigned int i;

	switch (t) {
	case KTCP_LATENCY_A_PAD:
		return 0;
	case KTCP_LATENCY_A_COUNT:
		if (check_len(a, 8))
			return t;
		memcpy(&l->count, NLA_DATA(a), 8);
		l->has_count = true;
		return 0;
	case KTCP_LATENCY_A_SUM_NS:
		return check_len(a, 8) ? t : 0;
	case KTCP_LATENCY_A_MIN_SHIFT:
	case KTCP_LATENCY_A_SUB_BITS:
		return check_len(a, 1) ? t : 0;
	case KTCP_LATENCY_A_BUCKETS:
		if (!NLA_LEN(a) || NLA_LEN(a) % 8 || NLA_LEN(a) > 1024 * 8)
			return t;
		for (i = 0; i < (unsigned int)NLA_LEN(a) / 8; i++) {
			memcpy(&v, (const char *)NLA_DATA(a) + i * 8, 8);
			l->sum += v;
		}
		l->has_buckets = true;
		return 0;
	}
	return t;
}

static int latency_nest(struct xchg *x, struct pend *p, const struct nlattr *a)
{
	struct latency_seen l = { 0 };

	if (walk(x, p, NLA_DATA(a), NLA_LEN(a), latency_attr, &l))
		return 1;
	if (!l.has_count || !l.has_buckets || l.count != l.sum)
		return -1;
	return 0;
}

struct sock_seen {
	int result, state;
	bool saddr, daddr, sport, dport;
};

static int sock_attr(struct xchg *x, struct pend *p, const struct nlattr *a,
		     void *arg)
{
	struct sock_seen *s = arg;
	int t = NLA_TYPE(a), bad = -1;

	switch (t) {
	case KTCP_SOCK_A_SADDR:
	case KTCP_SOCK_A_DADDR:
		bad = check_addr(a);
		*(t == KTCP_SOCK_A_SADDR ? &s->saddr : &s->daddr) = true;
		break;
	case KTCP_SOCK_A_SPORT:
	case KTCP_SOCK_A_DPORT:
		bad = check_len(a, 2);
		*(t == KTCP_SOCK_A_SPORT ? &s->sport : &s->dport) = true;
		break;
	case KTCP_SOCK_A_STATE:
		bad = check_len(a, 1) || !NLA_DATA(a)[0] || NLA_DATA(a)[0] > 12;
		s->state = NLA_DATA(a)[0];
		break;
	case KTCP_SOCK_A_RESULT:
		bad = check_len(a, 1) || !NLA_DATA(a)[0] ||
		      NLA_DATA(a)[0] >= __KTCP_DROP_MAX;
		s->result = NLA_DATA(a)[0];
		break;
	case KTCP_SOCK_A_IFINDEX: {
		uint32_t ifindex;

		bad = check_len(a, 4);
		if (!bad) {
			memcpy(&ifindex, NLA_DATA(a), 4);
			bad = !ifindex || ifindex > INT32_MAX;
		}
		break;
	}
	}
	return bad ? t : 0;
}

/* What one family message carried, for the per-command checks. */
struct seen {
	uint32_t id;
	uint16_t port;
	bool has_id, has_port, has_dropped, has_not_found;
	uint32_t dropped, not_found;
	unsigned int socks, drops, founds, misses, others;
};

static int sock_nest(struct xchg *x, struct seen *s, const struct nlattr *a)
{
	struct sock_seen ss = { 0 };
	int bad;

	bad = walk(x, NULL, NLA_DATA(a), NLA_LEN(a), sock_attr, &ss);
	if (bad)
		return xfail(x, "SOCK nest: bad attribute %d", bad);
	if (!ss.saddr || !ss.daddr || !ss.sport || !ss.dport || !ss.result)
		return xfail(x, "SOCK nest without its tuple or result");
	s->socks++;
	if (ss.result == KTCP_DROP_DROPPED)
		s->drops++;
	else if (ss.result == KTCP_DROP_FOUND)
		s->founds++;
	else
		s->misses++;
	return 0;
}

static int top_attr(struct xchg *x, struct pend *p, const struct nlattr *a,
		    void *arg)
{
	struct seen *s = arg;
	int t = NLA_TYPE(a), bad = -1;

	switch (t) {
	case KTCP_A_SERVER_ID:
		bad = check_len(a, 4);
		s->has_id = !bad;
		s->id = bad ? 0 : nla_u32(a);
		bad = bad || !s->id;
		break;
	case KTCP_A_SERVICE:
		bad = check_str(a, KTCP_SERVICE_NAME_MAX);
		break;
	case KTCP_A_ADDR:
		bad = check_addr(a);
		break;
	case KTCP_A_PORT:
		bad = check_len(a, 2);
		s->has_port = !bad;
		if (!bad)
			memcpy(&s->port, NLA_DATA(a), 2);
		break;
	case KTCP_A_BACKLOG:
	case KTCP_A_MAX_CONNS:
	case KTCP_A_IDLE_TIMEOUT_MS:
	case KTCP_A_MAX_MEM_KB:
	case KTCP_A_LISTENERS:
		bad = check_len(a, 4);
		break;
	case KTCP_A_CPUS:
		bad = check_cpus(a);
		break;
	case KTCP_A_NAME:
		bad = check_name(a);
		break;
	case KTCP_A_OPTS:
		bad = walk(x, p, NLA_DATA(a), NLA_LEN(a), opt_attr, NULL);
		break;
	case KTCP_A_STATS:
		bad = walk(x, p, NLA_DATA(a), NLA_LEN(a), stats_attr, NULL);
		break;
	case KTCP_A_LATENCY:
		bad = p->cmd == KTCP_CMD_STATS_GET ? latency_nest(x, p, a) : -1;
		break;
	case KTCP_A_SOCK:
		return sock_nest(x, s, a) ? -1 : 0;
	case KTCP_A_ACCESS: /* "access" group only, never in a reply */
		bad = -1;
		break;
	case KTCP_A_DROPPED:
	case KTCP_A_NOT_FOUND:
		bad = check_len(a, 4);
		if (!bad && t == KTCP_A_DROPPED) {
			s->has_dropped = true;
			s->dropped = nla_u32(a);
		} else if (!bad) {
			s->has_not_found = true;
			s->not_found = nla_u32(a);
		}
		break;
	}
	if (bad && !x->failed)
		xfail(x, "reply to cmd %u: bad attribute %d (len %u): %s",
		      p->cmd, t, a->nla_len,
		      bad > 0 ? "nested attribute" : "length or value");
	return bad ? -1 : 0;
}

/* A SOCK_DROP reply by tuple: every tuple's result, the counts. */
static int check_drop_do(struct xchg *x, struct pend *p, const struct seen *s)
{
	if (s->socks != p->tuples)
		return xfail(x, "SOCK_DROP: %u results for %u tuples", s->socks,
			     p->tuples);
	if (!s->has_dropped || !s->has_not_found)
		return xfail(x, "SOCK_DROP reply without its counts");
	if (s->dropped != s->drops || s->not_found != s->misses)
		return xfail(x, "SOCK_DROP counts %u/%u, results %u/%u",
			     s->dropped, s->not_found, s->drops, s->misses);
	if (p->dry_run ? s->drops != 0 : s->founds != 0)
		return xfail(x, "SOCK_DROP: result kinds do not fit dry run %d",
			     p->dry_run);
	x->ctx->res.dropped = s->dropped;
	x->ctx->res.not_found = s->not_found;
	x->ctx->res.socks = s->socks;
	return 0;
}

/* One message of a SOCK_DROP dump: a socket, or the closing count. */
static int check_drop_dump(struct xchg *x, struct pend *p, const struct seen *s)
{
	if (p->summary)
		return xfail(x, "SOCK_DROP dump: a message after the count");
	if (s->has_dropped && !s->socks) {
		p->summary = true;
		p->summary_val = s->dropped;
		return 0;
	}
	if (s->socks != 1 || s->has_dropped || s->has_not_found)
		return xfail(x, "SOCK_DROP dump: %u sockets in one message",
			     s->socks);
	p->sock_msgs++;
	if (p->dry_run ? s->founds : s->drops)
		p->sock_hits++;
	return 0;
}

static void note_server(struct xchg *x, struct pend *p, const struct seen *s)
{
	struct nlf_result *r = &x->ctx->res;

	if (!s->has_id)
		return;
	if (p->cmd == KTCP_CMD_SERVER_START) {
		r->server_id = s->id;
		STAT_ADD(x->ctx, started, 1);
	}
	if (p->cmd == KTCP_CMD_SERVER_GET && s->has_port &&
	    r->nids < sizeof(r->ids) / sizeof(r->ids[0])) {
		r->ids[r->nids] = s->id;
		r->ports[r->nids++] = s->port;
	}
	if (x->ctx->saw_id)
		x->ctx->saw_id(x->ctx, s->id, p->cmd == KTCP_CMD_SERVER_START);
}

static int check_family_msg(struct xchg *x, struct pend *p,
			    const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	struct seen s = { 0 };
	int len = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (!p->dispatched)
		return xfail(x, "a reply to a message the family never saw");
	if (len < 0)
		return xfail(x, "reply of %u bytes, no genetlink header",
			     h->nlmsg_len);
	if (g->cmd != p->cmd)
		return xfail(x, "reply cmd %u to request cmd %u", g->cmd,
			     p->cmd);
	if (!!(h->nlmsg_flags & NLM_F_MULTI) != p->dump)
		return xfail(x, "NLM_F_MULTI is %s on a %s reply",
			     p->dump ? "missing" : "set",
			     p->dump ? "dump" : "do");
	if (walk(x, p, (const unsigned char *)g + GENL_HDRLEN, len, top_attr,
		 &s))
		return xfail(x, "reply with trailing bytes or bad attributes");
	p->answered = true;
	x->ctx->res.messages++;
	STAT_ADD(x->ctx, replies, 1);
	note_server(x, p, &s);
	if (p->cmd == KTCP_CMD_SERVER_START && !s.has_id)
		return xfail(x, "SERVER_START reply without a server id");
	if (p->cmd == KTCP_CMD_SOCK_DROP)
		return p->dump ? check_drop_dump(x, p, &s) :
				 check_drop_do(x, p, &s);
	return 0;
}

/* Extended ACK attributes of an error or DONE. */
static int check_tlvs(struct xchg *x, struct pend *p, const unsigned char *data,
		      int len)
{
	const struct nlattr *a;
	int rem;

	for_each_nla(a, data, len, rem)
	{
		switch (NLA_TYPE(a)) {
		case NLMSGERR_ATTR_MSG:
			if (check_str(a, 1024))
				return xfail(x, "extack message not a string");
			snprintf(x->ctx->res.msg, sizeof(x->ctx->res.msg),
				 "%.*s", (int)sizeof(x->ctx->res.msg) - 1,
				 (char *)NLA_DATA(a));
			break;
		case NLMSGERR_ATTR_OFFS:
		case NLMSGERR_ATTR_MISS_NEST:
			if (check_len(a, 4) || nla_u32(a) >= p->len)
				return xfail(
					x,
					"extack offset %u outside the %u-byte request",
					NLA_LEN(a) == 4 ? nla_u32(a) : 0,
					p->len);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (check_len(a, 4))
				return xfail(x, "extack missing type: length");
			break;
		}
	}
	return rem ? xfail(x, "extack attributes: %d trailing bytes", rem) : 0;
}

static int finish(struct xchg *x, struct pend *p, int err)
{
	if (err > 0 || err < -4095)
		return xfail(x, "error code %d", err);
	p->done = true;
	p->answered = true;
	x->ctx->res.err = err;
	count_errno(x->ctx, err);
	if (!p->dispatched && err)
		return xfail(x, "error %s for a message the family never saw",
			     nlf_errname(err));
	if (!err && !p->dump && !(p->flags & NLM_F_ACK))
		return xfail(x, "an ACK without NLM_F_ACK");
	if (p->cmd == KTCP_CMD_SOCK_DROP && p->dump && !err) {
		if (!p->summary)
			return xfail(x,
				     "SOCK_DROP dump ended without its count");
		if (p->summary_val != p->sock_hits)
			return xfail(x,
				     "SOCK_DROP dump: count %u, %u sockets %s",
				     p->summary_val, p->sock_hits,
				     p->dry_run ? "found" : "dropped");
	}
	return 0;
}

static int check_error(struct xchg *x, struct pend *p, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
	const unsigned char *tlv = (const unsigned char *)(e + 1);

	if (len < 0)
		return xfail(x, "NLMSG_ERROR of %u bytes", h->nlmsg_len);
	if (p->dump && !e->error)
		return xfail(x, "an ACK to a dump instead of NLMSG_DONE");
	if (e->msg.nlmsg_seq != h->nlmsg_seq || e->msg.nlmsg_len != p->len ||
	    memcmp(&e->msg, p->req, sizeof(e->msg)))
		return xfail(x, "NLMSG_ERROR quotes another request header");
	/* The request comes back whole unless capped (always for an ACK). */
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (!e->error || x->ctx->sk.cap_ack)
			return xfail(x, "uncapped %s",
				     e->error ? "error" : "ACK");
		/* the attributes start aligned after it */
		len -= (int)NLMSG_ALIGN(p->len) - NLMSG_HDRLEN;
		if (len < 0 || memcmp(&e->msg, p->req, p->len))
			return xfail(x,
				     "NLMSG_ERROR quotes the request wrongly");
		tlv = (const unsigned char *)&e->msg + NLMSG_ALIGN(p->len);
	}
	x->ctx->res.msg[0] = '\0';
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && check_tlvs(x, p, tlv, len))
		return -1;
	return finish(x, p, e->error);
}

static int check_done(struct xchg *x, struct pend *p, const struct nlmsghdr *h)
{
	int len = (int)h->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(int);
	int err;

	if (!p->dump)
		return xfail(x, "NLMSG_DONE for a do request");
	if (len < 0)
		return xfail(x, "NLMSG_DONE of %u bytes", h->nlmsg_len);
	if (!(h->nlmsg_flags & NLM_F_MULTI))
		return xfail(x, "NLMSG_DONE without NLM_F_MULTI");
	memcpy(&err, NLMSG_DATA(h), sizeof(err));
	x->ctx->res.msg[0] = '\0';
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    check_tlvs(x, p, (const unsigned char *)NLMSG_DATA(h) + sizeof(int),
		       len))
		return -1;
	return finish(x, p, err);
}

static struct pend *pend_of(struct xchg *x, uint32_t seq)
{
	uint32_t i = seq - x->first_seq;

	if (i < x->n)
		return &pends[i];
	return NULL;
}

/* The sentinel's ACK, which proves that everything before it was read. */
static int check_sentinel(struct xchg *x, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);

	if (h->nlmsg_type != NLMSG_ERROR ||
	    h->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) || e->error)
		return xfail(x,
			     "the closing NOOP got type %u instead of an ACK",
			     h->nlmsg_type);
	x->sentinel = false;
	return 0;
}

int check_msg(struct xchg *x, const struct nlmsghdr *h)
{
	struct pend *p = pend_of(x, h->nlmsg_seq);

	if (h->nlmsg_pid != x->ctx->sk.portid)
		return xfail(x, "message for port id %u, ours is %u",
			     h->nlmsg_pid, x->ctx->sk.portid);
	if (x->sentinel && h->nlmsg_seq == x->first_seq + x->n)
		return check_sentinel(x, h);
	if (!p)
		return xfail(
			x, "message type %u with seq %u, which no request had",
			h->nlmsg_type, h->nlmsg_seq);
	if (p->done)
		return xfail(
			x, "message type %u for seq %u after its final answer",
			h->nlmsg_type, h->nlmsg_seq);
	if (h->nlmsg_type == NLMSG_ERROR)
		return check_error(x, p, h);
	if (h->nlmsg_type == NLMSG_DONE)
		return check_done(x, p, h);
	if (h->nlmsg_type == x->ctx->sk.family)
		return check_family_msg(x, p, h);
	return xfail(x, "message of type %u for seq %u", h->nlmsg_type,
		     h->nlmsg_seq);
}
