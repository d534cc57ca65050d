// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing strategies. Each round picks one: a corpus request as is, mutated
 * (bits, bytes, attribute types, lengths, nesting, sizes, commands,
 * splices), built at random, with random netlink flags, with NLM_F_DUMP on
 * a do-only command, an unknown command, a lie about its framing, several
 * in one sendmsg(), a dump left unread, or many servers at once. Mutations
 * keep the attribute lengths of enclosing nests consistent unless lying
 * about them is the point, so that they reach deep into the policies.
 */
#include <string.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>

#include "nlfuzz.h"

/* --- random numbers --------------------------------------------------------- */

/* splitmix64: tiny, and good enough to pick mutations. */
uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed;
	rng_next(r);
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

bool rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

/* Values at the edges of the policies' ranges. */
static uint64_t interesting(struct rng *r)
{
	static const uint64_t v[] = {
		0,	  1,	      2,	  3,	      4,
		7,	  15,	      16,	  63,	      64,
		65,	  127,	      128,	  255,	      256,
		1023,	  4095,	      4096,	  32767,      32768,
		32769,	  65535,      65536,	  65537,      86400000,
		86400001, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		~0ULL,	  0x0b7e,     0x0b7f,	  0x0480,
	};

	if (rng_pct(r, 20))
		return rng_next(r);
	return v[rng_below(r, sizeof(v) / sizeof(v[0]))];
}

/* --- attributes of a request ------------------------------------------------ */

struct attr_ref {
	size_t off; /* of the nlattr in the payload */
	int parent; /* index of the enclosing nest, or -1 */
};

#define MAX_REFS 512

/* Attributes that hold attributes, at the top level of the family. */
static bool looks_nested(const struct nlattr *a, int parent)
{
	int t = a->nla_type & NLA_TYPE_MASK;

	if (a->nla_type & NLA_F_NESTED)
		return true;
	return parent < 0 && (t == KTCP_A_OPTS || t == KTCP_A_SOCK ||
			      t == KTCP_A_FILTER || t == KTCP_A_STATS);
}

static void collect(const struct req *q, size_t off, size_t end, int parent,
		    struct attr_ref *refs, int *n)
{
	const struct nlattr *a;

	while (off + NLA_HDRLEN <= end && *n < MAX_REFS) {
		a = (const struct nlattr *)(q->payload + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end)
			return;
		refs[*n].off = off;
		refs[*n].parent = parent;
		(*n)++;
		if (looks_nested(a, parent))
			collect(q, off + NLA_HDRLEN, off + a->nla_len, *n - 1,
				refs, n);
		off += NLA_ALIGN(a->nla_len);
	}
}

static int attrs_of(const struct req *q, struct attr_ref *refs)
{
	int n = 0;

	if (q->len > GENL_HDRLEN)
		collect(q, GENL_HDRLEN, q->len, -1, refs, &n);
	return n;
}

static struct nlattr *attr_at(struct req *q, size_t off)
{
	return (struct nlattr *)(q->payload + off);
}

/*
 * Replace [off, off + old) by new bytes of length len, and grow or shrink
 * the nests around it by as much. False when it would not fit.
 */
static bool splice(struct req *q, const struct attr_ref *refs, int parent,
		   size_t off, size_t old, const void *data, size_t len)
{
	long delta = (long)len - (long)old;
	struct nlattr *a;
	long n;

	if (q->len + len - old > sizeof(q->payload) || off + old > q->len)
		return false;
	memmove(q->payload + off + len, q->payload + off + old,
		q->len - off - old);
	if (len)
		memcpy(q->payload + off, data, len);
	q->len = q->len + len - old;
	for (; parent >= 0; parent = refs[parent].parent) {
		a = attr_at(q, refs[parent].off);
		n = (long)a->nla_len + delta;
		a->nla_len = n < 0 ? 0 : n > 0xffff ? 0xffff : (uint16_t)n;
	}
	return true;
}

/* A random attribute: type, flags, and a payload of an interesting size. */
static size_t random_attr(struct rng *r, unsigned char *out, size_t cap)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 8, 15, 16, 17 };
	struct nlattr a;
	size_t len, i;
	uint64_t v;

	if (rng_pct(r, 5))
		len = rng_below(r, 8192);
	else if (rng_pct(r, 20))
		len = rng_below(r, 300);
	else
		len = sizes[rng_below(r, sizeof(sizes) / sizeof(sizes[0]))];
	if (NLA_HDRLEN + len > cap)
		len = cap - NLA_HDRLEN;
	a.nla_type = (uint16_t)(rng_pct(r, 85) ? rng_below(r, KTCP_A_MAX + 3) :
						 rng_next(r));
	if (rng_pct(r, 10))
		a.nla_type ^= NLA_F_NESTED;
	a.nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy(out, &a, sizeof(a));
	v = interesting(r);
	for (i = 0; i < len; i++)
		out[NLA_HDRLEN + i] = len <= 8 ? (unsigned char)(v >> (8 * i)) :
				      rng_pct(r, 50) ?
						 (unsigned char)('a' + i % 26) :
						 (unsigned char)rng_next(r);
	memset(out + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return NLA_ALIGN(NLA_HDRLEN + len);
}

/* --- mutations -------------------------------------------------------------- */

static void m_bitflip(struct req *q, struct rng *r)
{
	size_t from = rng_pct(r, 90) && q->len > GENL_HDRLEN ? GENL_HDRLEN : 0;

	if (q->len > from)
		q->payload[from + rng_below(r, (uint32_t)(q->len - from))] ^=
			(unsigned char)(1U << rng_below(r, 8));
}

static void m_byte(struct req *q, struct rng *r)
{
	if (q->len)
		q->payload[rng_below(r, (uint32_t)q->len)] =
			(unsigned char)interesting(r);
}

static void m_attr_type(struct req *q, struct rng *r, struct attr_ref *ref)
{
	struct nlattr *a = attr_at(q, ref->off);
	uint16_t flags = a->nla_type & ~NLA_TYPE_MASK;

	a->nla_type = (uint16_t)(rng_pct(r, 80) ? rng_below(r, 20) :
						  rng_next(r) & NLA_TYPE_MASK);
	a->nla_type |= rng_pct(r, 80) ? flags :
					(uint16_t)(rng_next(r) & 0xc000);
}

static void m_attr_len(struct req *q, struct rng *r, struct attr_ref *ref)
{
	struct nlattr *a = attr_at(q, ref->off);
	static const int deltas[] = { -8, -4, -3, -2, -1, 1, 2, 3, 4, 8 };

	if (rng_pct(r, 30))
		a->nla_len = (uint16_t)interesting(r);
	else
		a->nla_len = (uint16_t)(a->nla_len +
					deltas[rng_below(
						r, sizeof(deltas) /
							   sizeof(deltas[0]))]);
}

static void m_truncate(struct req *q, struct rng *r)
{
	if (q->len)
		q->len = rng_below(r, (uint32_t)q->len);
}

static void m_insert(struct req *q, struct rng *r, struct attr_ref *refs, int n)
{
	unsigned char a[8192 + NLA_HDRLEN + 4];
	size_t len = random_attr(r, a, sizeof(a) - 4);
	int at = n ? (int)rng_below(r, (uint32_t)n + 1) : 0;

	/* Before attribute at, inside its nest; or at the very end. */
	if (at == n)
		splice(q, refs, -1, q->len, 0, a, len);
	else
		splice(q, refs, refs[at].parent, refs[at].off, 0, a, len);
}

static void m_delete(struct req *q, struct attr_ref *ref, struct attr_ref *refs)
{
	struct nlattr *a = attr_at(q, ref->off);
	size_t len = NLA_ALIGN(a->nla_len);

	if (ref->off + len > q->len)
		len = q->len - ref->off;
	splice(q, refs, ref->parent, ref->off, len, NULL, 0);
}

static void m_dup(struct req *q, struct attr_ref *ref, struct attr_ref *refs)
{
	unsigned char copy[NLF_MSG_MAX];
	size_t len = NLA_ALIGN(attr_at(q, ref->off)->nla_len);

	if (ref->off + len > q->len)
		return;
	memcpy(copy, q->payload + ref->off, len);
	splice(q, refs, ref->parent, ref->off, 0, copy, len);
}

/* Same attribute, a payload of another size: u8, u16, u32, u64 or text. */
static void m_resize(struct req *q, struct rng *r, struct attr_ref *ref,
		     struct attr_ref *refs)
{
	static const size_t sizes[] = { 0, 1, 2, 4, 8, 16, 300 };
	struct nlattr *a = attr_at(q, ref->off);
	size_t len = sizes[rng_below(r, sizeof(sizes) / sizeof(sizes[0]))];
	size_t old = a->nla_len - NLA_HDRLEN;
	unsigned char data[304];
	uint64_t v = interesting(r);
	size_t i;

	if (ref->off + NLA_ALIGN(a->nla_len) > q->len)
		return;
	for (i = 0; i < len; i++)
		data[i] = len <= 8	 ? (unsigned char)(v >> (8 * i)) :
			  i + 1 == len	 ? 0 :
			  rng_pct(r, 10) ? '/' :
					   (unsigned char)('a' + i % 26);
	memset(data + len, 0, NLA_ALIGN(len) - len);
	if (splice(q, refs, ref->parent, ref->off + NLA_HDRLEN, NLA_ALIGN(old),
		   data, NLA_ALIGN(len)))
		attr_at(q, ref->off)->nla_len = (uint16_t)(NLA_HDRLEN + len);
}

static void m_int(struct req *q, struct rng *r, struct attr_ref *ref)
{
	struct nlattr *a = attr_at(q, ref->off);
	size_t len = a->nla_len - NLA_HDRLEN;
	uint64_t v = interesting(r);

	if (len > 8 || ref->off + a->nla_len > q->len)
		return;
	memcpy(q->payload + ref->off + NLA_HDRLEN, &v, len);
}

static void m_flag_bits(struct req *q, struct rng *r, struct attr_ref *ref)
{
	attr_at(q, ref->off)->nla_type ^= rng_pct(r, 50) ? NLA_F_NESTED :
							   NLA_F_NET_BYTEORDER;
}

/* Put an attribute inside 1..40 nests of random types. */
static void m_wrap(struct req *q, struct rng *r, struct attr_ref *ref,
		   struct attr_ref *refs)
{
	unsigned int depth = rng_pct(r, 80) ? 1 : 1 + rng_below(r, 40);
	size_t len = NLA_ALIGN(attr_at(q, ref->off)->nla_len);
	struct nlattr h;
	unsigned int i;

	if (ref->off + len > q->len)
		return;
	for (i = 0; i < depth; i++) {
		h.nla_type = (uint16_t)(rng_below(r, KTCP_A_MAX + 2) |
					(rng_pct(r, 70) ? NLA_F_NESTED : 0));
		h.nla_len = (uint16_t)(NLA_HDRLEN + len);
		if (!splice(q, refs, ref->parent, ref->off, 0, &h, sizeof(h)))
			return;
		len += NLA_HDRLEN;
	}
}

static void m_genl_hdr(struct req *q, struct rng *r)
{
	if (q->len < GENL_HDRLEN)
		return;
	switch (rng_below(r, 4)) {
	case 0:
		q->payload[0] = (uint8_t)rng_below(r, __KTCP_CMD_MAX + 2);
		break;
	case 1:
		q->payload[0] = (uint8_t)rng_next(r);
		break;
	case 2:
		q->payload[1] = (uint8_t)rng_next(r); /* version */
		break;
	default:
		q->payload[2] = (uint8_t)rng_next(r); /* reserved */
		q->payload[3] = (uint8_t)rng_next(r);
		break;
	}
}

/* Attributes of another corpus request, appended. */
static void m_splice_corpus(struct req *q, struct rng *r,
			    const struct corpus *c)
{
	const struct corpus_msg *m = &c->msg[rng_below(r, (uint32_t)c->n)];
	size_t len;

	if (m->len <= GENL_HDRLEN)
		return;
	len = m->len - GENL_HDRLEN;
	if (q->len + len <= sizeof(q->payload)) {
		memcpy(q->payload + q->len, m->payload + GENL_HDRLEN, len);
		q->len += len;
	}
}

static void mutate_once(struct req *q, struct rng *r, const struct corpus *c)
{
	static struct attr_ref refs[MAX_REFS];
	int n = attrs_of(q, refs);
	struct attr_ref *ref = n ? &refs[rng_below(r, (uint32_t)n)] : NULL;
	unsigned int op = rng_below(r, 16);

	if (!ref && op >= 3 && op != 5 && op < 13)
		op = 5; /* no attributes: add one */
	switch (op) {
	case 0:
		m_bitflip(q, r);
		break;
	case 1:
		m_byte(q, r);
		break;
	case 2:
		m_truncate(q, r);
		break;
	case 3:
		m_attr_type(q, r, ref);
		break;
	case 4:
		m_attr_len(q, r, ref);
		break;
	case 5:
		m_insert(q, r, refs, n);
		break;
	case 6:
		m_delete(q, ref, refs);
		break;
	case 7:
		m_dup(q, ref, refs);
		break;
	case 8:
		m_resize(q, r, ref, refs);
		break;
	case 9:
	case 10:
		m_int(q, r, ref);
		break;
	case 11:
		m_flag_bits(q, r, ref);
		break;
	case 12:
		m_wrap(q, r, ref, refs);
		break;
	case 13:
		m_genl_hdr(q, r);
		break;
	default:
		m_splice_corpus(q, r, c);
		break;
	}
}

/* --- building requests ------------------------------------------------------ */

/* Aim SERVER_ID attributes at servers that exist, most of the time. */
static void aim_ids(struct fuzz *f, struct req *q)
{
	static struct attr_ref refs[MAX_REFS];
	int i, n = attrs_of(q, refs);
	struct nlattr *a;
	uint32_t id;

	for (i = 0; i < n; i++) {
		a = attr_at(q, refs[i].off);
		if ((a->nla_type & NLA_TYPE_MASK) != KTCP_A_SERVER_ID ||
		    a->nla_len != NLA_HDRLEN + 4 || refs[i].parent >= 0)
			continue;
		id = f->known[rng_below(&f->rng, f->nknown)];
		if (rng_pct(&f->rng, 10))
			id = (uint32_t)interesting(&f->rng);
		if (id)
			memcpy(q->payload + refs[i].off + NLA_HDRLEN, &id, 4);
	}
}

static void from_corpus(struct fuzz *f, struct req *q)
{
	corpus_req(f->corpus, rng_below(&f->rng, (uint32_t)f->corpus->n), q);
	aim_ids(f, q);
}

static void mutated(struct fuzz *f, struct req *q)
{
	unsigned int i, n = 1 + rng_below(&f->rng, 6);

	from_corpus(f, q);
	for (i = 0; i < n; i++)
		mutate_once(q, &f->rng, f->corpus);
}

/* A request made up from nothing: a command and random attributes. */
static void random_req(struct fuzz *f, struct req *q)
{
	struct rng *r = &f->rng;
	unsigned int i, n = rng_below(r, 9);
	unsigned char a[8192 + NLA_HDRLEN];
	struct nlattr h;

	req_init(q, NLM_F_REQUEST | NLM_F_ACK, (uint8_t)rng_below(r, 16));
	if (rng_pct(r, 25))
		q->flags |= NLM_F_DUMP;
	for (i = 0; i < n; i++) {
		if (rng_pct(r, 20) && q->depth < 4)
			req_nest_start(q,
				       (uint16_t)rng_below(r, KTCP_A_MAX + 2));
		random_attr(r, a, sizeof(a));
		memcpy(&h, a, sizeof(h));
		req_put(q, h.nla_type, a + NLA_HDRLEN, h.nla_len - NLA_HDRLEN);
		if (q->depth && rng_pct(r, 30))
			req_nest_end(q);
	}
	while (q->depth)
		req_nest_end(q);
}

static void random_flags(struct fuzz *f, struct req *q)
{
	struct rng *r = &f->rng;

	if (rng_pct(r, 50))
		mutated(f, q);
	else
		from_corpus(f, q);
	q->flags = (uint16_t)rng_next(r);
	if (rng_pct(r, 90))
		q->flags |= NLM_F_REQUEST;
	if (rng_pct(r, 70))
		q->flags |= NLM_F_ACK;
}

/* NLM_F_DUMP on commands that only do, and no dump on dump-only ones. */
static void wrong_kind(struct fuzz *f, struct req *q)
{
	static const uint8_t do_only[] = {
		KTCP_CMD_SERVER_START,
		KTCP_CMD_SERVER_STOP,
		KTCP_CMD_SERVER_SET,
		KTCP_CMD_STATS_RESET,
	};
	size_t i;

	for (i = 0; i < 8; i++) {
		from_corpus(f, q);
		if (req_cmd(q) == KTCP_CMD_SERVICE_GET) {
			q->flags &= (uint16_t)~NLM_F_DUMP;
			return;
		}
		if (memchr(do_only, req_cmd(q), sizeof(do_only)))
			break;
	}
	q->flags |= NLM_F_DUMP;
}

static void unknown_cmd(struct fuzz *f, struct req *q)
{
	static const uint8_t cmds[] = {
		KTCP_CMD_UNSPEC,	 KTCP_CMD_SERVER_STARTED,
		KTCP_CMD_SERVER_STOPPED, KTCP_CMD_SERVER_CHANGED,
		KTCP_CMD_SOCK_DROPPED,	 __KTCP_CMD_MAX,
		__KTCP_CMD_MAX + 1,	 255,
	};
	struct rng *r = &f->rng;

	from_corpus(f, q);
	q->payload[0] =
		rng_pct(r, 70) ?
			cmds[rng_below(r, sizeof(cmds) / sizeof(cmds[0]))] :
			(uint8_t)rng_next(r);
	if (rng_pct(r, 30))
		q->flags ^= NLM_F_DUMP;
}

/* Requests about the framing itself: lengths, headers, control types. */
static void bad_framing(struct fuzz *f, struct req *q)
{
	struct rng *r = &f->rng;

	from_corpus(f, q);
	switch (rng_below(r, 7)) {
	case 0: /* nlmsg_len below the header */
		q->len_adj = -(int)(NLMSG_HDRLEN + q->len) +
			     (int)rng_below(r, NLMSG_HDRLEN);
		break;
	case 1: /* nlmsg_len beyond the bytes sent */
		q->len_adj = 1 + (int)rng_below(r, 64);
		break;
	case 2: /* nlmsg_len short of them: the rest parses as a message */
		q->len_adj = -(int)rng_below(r, (uint32_t)q->len + 1);
		break;
	case 3: /* no room for the generic netlink header */
		q->len = rng_below(r, GENL_HDRLEN);
		break;
	case 4: /* a control message (type 0 would mean the family) */
		q->type = (uint16_t)(1 + rng_below(r, NLMSG_MIN_TYPE - 1));
		q->flags = (uint16_t)(rng_next(r) | NLM_F_REQUEST);
		break;
	case 5: /* not a request */
		q->flags &= (uint16_t)~NLM_F_REQUEST;
		break;
	default: /* garbage after a valid header */
		q->len = rng_below(r, 512);
		for (size_t i = 0; i < q->len; i++)
			q->payload[i] = (unsigned char)rng_next(r);
		break;
	}
}

/* Bytes that are not a whole header, or nothing at all. */
static int short_send(struct fuzz *f)
{
	unsigned char buf[NLMSG_HDRLEN];
	struct nlmsghdr h = {
		.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
		.nlmsg_type = f->ctx->sk.family,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	};

	memcpy(buf, &h, sizeof(h));
	return nlf_exchange_raw(f->ctx, buf, rng_below(&f->rng, NLMSG_HDRLEN));
}

typedef void (*build_fn)(struct fuzz *f, struct req *q);

static const build_fn singles[] = {
	from_corpus,  mutated,	  mutated,     mutated,	    random_req,
	random_flags, wrong_kind, unknown_cmd, bad_framing,
};

#define N_SINGLES (sizeof(singles) / sizeof(singles[0]))

/* --- rounds ----------------------------------------------------------------- */

static struct req reqs[NLF_BATCH_MAX];
static struct req *reqp[NLF_BATCH_MAX];

/* Stop what this worker started beyond a few: servers are not free. */
static int trim_mine(struct fuzz *f, unsigned int keep)
{
	while (f->nmine > keep) {
		req_init(&reqs[0], NLM_F_REQUEST | NLM_F_ACK,
			 KTCP_CMD_SERVER_STOP);
		req_put_u32(&reqs[0], KTCP_A_SERVER_ID, f->mine[0]);
		memmove(f->mine, f->mine + 1, --f->nmine * sizeof(f->mine[0]));
		if (nlf_exchange(f->ctx, reqp, 1))
			return -1;
	}
	return 0;
}

int fuzz_stop_mine(struct fuzz *f)
{
	return trim_mine(f, 0);
}

static int batch(struct fuzz *f)
{
	unsigned int i, n = 2 + rng_below(&f->rng, NLF_BATCH_MAX - 1);

	for (i = 0; i < n; i++) {
		singles[rng_below(&f->rng, N_SINGLES)](f, &reqs[i]);
		if (reqs[i].len > NLF_MSG_MAX / 2)
			reqs[i].len = NLF_MSG_MAX / 2;
	}
	return nlf_exchange(f->ctx, reqp, n);
}

/* Valid STARTs in one batch, then dumps over all of them, then STOPs. */
static int many_servers(struct fuzz *f)
{
	unsigned int i, n = NLF_BATCH_MAX;
	uint16_t span = f->ctx->port_hi - f->ctx->port_lo + 1;

	for (i = 0; i < n; i++) {
		req_init(&reqs[i], NLM_F_REQUEST | NLM_F_ACK,
			 KTCP_CMD_SERVER_START);
		req_put_str(&reqs[i], KTCP_A_SERVICE,
			    rng_pct(&f->rng, 50) ? "echo" : "http");
		req_put_u16(
			&reqs[i], KTCP_A_PORT,
			(uint16_t)(f->ctx->port_lo + rng_below(&f->rng, span)));
	}
	if (nlf_exchange(f->ctx, reqp, n))
		return -1;
	req_init(&reqs[0], NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		 KTCP_CMD_SERVER_GET);
	req_init(&reqs[1], NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		 KTCP_CMD_STATS_GET);
	if (nlf_exchange(f->ctx, reqp, 1) || nlf_exchange(f->ctx, reqp + 1, 1))
		return -1;
	return trim_mine(f, 0);
}

static int abandon(struct fuzz *f)
{
	static const char *const dumps[] = { "server_get-dump",
					     "stats_get-dump",
					     "service_get-dump",
					     "sock_drop-filter-dry" };
	const char *want = dumps[rng_below(&f->rng, 4)];
	size_t i;

	for (i = 0; i < f->corpus->n; i++)
		if (!strcmp(f->corpus->msg[i].name, want))
			break;
	if (i == f->corpus->n)
		i = rng_below(&f->rng, (uint32_t)f->corpus->n);
	corpus_req(f->corpus, i, &reqs[0]);
	return nlf_abandon_dump(f->ctx, &reqs[0]);
}

int fuzz_round(struct fuzz *f)
{
	unsigned int pick = rng_below(&f->rng, 100);
	int err;

	if (!reqp[0])
		for (unsigned int i = 0; i < NLF_BATCH_MAX; i++)
			reqp[i] = &reqs[i];
	if (pick < 70) {
		singles[rng_below(&f->rng, N_SINGLES)](f, &reqs[0]);
		err = nlf_exchange(f->ctx, reqp, 1);
	} else if (pick < 88) {
		err = batch(f);
	} else if (pick < 92) {
		err = short_send(f);
	} else if (pick < 96) {
		err = abandon(f);
	} else {
		err = many_servers(f);
	}
	return err ? err : trim_mine(f, 6);
}
