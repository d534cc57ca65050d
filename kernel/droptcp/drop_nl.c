// SPDX-License-Identifier: GPL-2.0
/*
 * KTCP_CMD_SOCK_DROP: tuples in a do request, a filter in a dump. The
 * policies here are the ones the family table points at, so attributes
 * arrive validated; what is left to check is how they combine.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/version.h>
#include <net/ipv6.h>
#include <net/tcp_states.h>

#include "../ktcp_internal.h"
#include "../test_hooks.h"
#include "droptcp.h"

/* Interface indexes are positive ints. */
static struct netlink_range_validation droptcp_ifindex_range = {
	.min = 1,
	.max = INT_MAX,
};

const struct nla_policy droptcp_sock_policy[KTCP_SOCK_A_MAX + 1] = {
	[KTCP_SOCK_A_SADDR] = KTCP_ADDR_POLICY,
	[KTCP_SOCK_A_DADDR] = KTCP_ADDR_POLICY,
	[KTCP_SOCK_A_SPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KTCP_SOCK_A_DPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	/* reply-only */
	[KTCP_SOCK_A_STATE] = { .type = NLA_REJECT },
	[KTCP_SOCK_A_RESULT] = { .type = NLA_REJECT },
	[KTCP_SOCK_A_IFINDEX] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &droptcp_ifindex_range),
};

const struct nla_policy droptcp_filter_policy[KTCP_FILTER_A_MAX + 1] = {
	[KTCP_FILTER_A_STATES] = NLA_POLICY_MASK(NLA_U32, KTCP_DROP_STATES_ALL),
	[KTCP_FILTER_A_SADDR] = KTCP_ADDR_POLICY,
	[KTCP_FILTER_A_SPREFIX] = NLA_POLICY_MAX(NLA_U8, 128),
	[KTCP_FILTER_A_DADDR] = KTCP_ADDR_POLICY,
	[KTCP_FILTER_A_DPREFIX] = NLA_POLICY_MAX(NLA_U8, 128),
	[KTCP_FILTER_A_SPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KTCP_FILTER_A_DPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KTCP_FILTER_A_LIMIT] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* State of a filter dump, between its dumpit calls. */
struct droptcp_dump {
	const struct genl_family *family;
	struct droptcp_filter f;
	struct droptcp_walk w;
	bool summary_sent;
	/* A request error that start could not report (see there). */
	int err;
	struct netlink_ext_ack ext;
};

/* --- parsing --------------------------------------------------------------- */

/* An address attribute into @addr; IPv4-mapped becomes AF_INET. */
static u8 droptcp_get_addr(const struct nlattr *a, struct in6_addr *addr)
{
	if (nla_len(a) == sizeof(struct in_addr)) {
		ipv6_addr_set_v4mapped(nla_get_in_addr(a), addr);
		return AF_INET;
	}
	*addr = nla_get_in6_addr(a);
	return ipv6_addr_v4mapped(addr) ? AF_INET : AF_INET6;
}

static int droptcp_parse_tuple(const struct nlattr *nest,
			       struct droptcp_tuple *t,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KTCP_SOCK_A_MAX + 1];
	u8 dfamily;
	int err;

	err = nla_parse_nested(tb, KTCP_SOCK_A_MAX, nest, droptcp_sock_policy,
			       extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, KTCP_SOCK_A_SADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, KTCP_SOCK_A_DADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, KTCP_SOCK_A_SPORT) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, KTCP_SOCK_A_DPORT)) {
		NL_SET_ERR_MSG(extack,
			       "a tuple needs both addresses and ports");
		return -EINVAL;
	}
	t->family = droptcp_get_addr(tb[KTCP_SOCK_A_SADDR], &t->saddr);
	dfamily = droptcp_get_addr(tb[KTCP_SOCK_A_DADDR], &t->daddr);
	if (t->family != dfamily) {
		NL_SET_ERR_MSG_ATTR(
			extack, tb[KTCP_SOCK_A_DADDR],
			"local and remote addresses are of different families");
		return -EINVAL;
	}
	t->sport = nla_get_u16(tb[KTCP_SOCK_A_SPORT]);
	t->dport = nla_get_u16(tb[KTCP_SOCK_A_DPORT]);
	t->ifindex = tb[KTCP_SOCK_A_IFINDEX] ?
			     nla_get_u32(tb[KTCP_SOCK_A_IFINDEX]) :
			     0;
	/* Such a socket is always bound to its interface: say which. */
	if (!t->ifindex && t->family == AF_INET6 &&
	    (ipv6_addr_type(&t->saddr) & IPV6_ADDR_LINKLOCAL ||
	     ipv6_addr_type(&t->daddr) & IPV6_ADDR_LINKLOCAL)) {
		NL_SET_ERR_MSG_ATTR(
			extack, nest,
			"a link-local address needs its interface (KTCP_SOCK_A_IFINDEX)");
		return -EINVAL;
	}
	return 0;
}

static int droptcp_parse_filter_addr(struct nlattr **tb, int addr_type,
				     int prefix_type, struct in6_addr *addr,
				     u8 *family, u8 *prefix,
				     struct netlink_ext_ack *extack)
{
	u8 max;

	*family = 0;
	if (!tb[addr_type]) {
		if (!tb[prefix_type])
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, tb[prefix_type],
				    "a prefix length needs an address");
		return -EINVAL;
	}
	*family = droptcp_get_addr(tb[addr_type], addr);
	max = *family == AF_INET ? 32 : 128;
	*prefix = tb[prefix_type] ? nla_get_u8(tb[prefix_type]) : max;
	/* An IPv4-mapped address given with an IPv6 prefix: /96 + n is /n. */
	if (*family == AF_INET && nla_len(tb[addr_type]) == 16 &&
	    tb[prefix_type]) {
		if (*prefix < 96) {
			NL_SET_ERR_MSG_ATTR(
				extack, tb[prefix_type],
				"prefix of an IPv4-mapped address must be 96 to 128");
			return -EINVAL;
		}
		*prefix -= 96;
	}
	if (*prefix > max) {
		NL_SET_ERR_MSG_ATTR(
			extack, tb[prefix_type],
			"prefix longer than the address (32 for IPv4)");
		return -EINVAL;
	}
	return 0;
}

static int droptcp_parse_filter(const struct nlattr *nest,
				struct droptcp_filter *f,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KTCP_FILTER_A_MAX + 1];
	int err;

	memset(f, 0, sizeof(*f));
	err = nla_parse_nested(tb, KTCP_FILTER_A_MAX, nest,
			       droptcp_filter_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, KTCP_FILTER_A_STATES)) {
		NL_SET_ERR_MSG(extack, "a filter needs its set of states");
		return -EINVAL;
	}
	f->states = nla_get_u32(tb[KTCP_FILTER_A_STATES]);
	if (!f->states) {
		NL_SET_ERR_MSG_ATTR(
			extack, tb[KTCP_FILTER_A_STATES],
			"no states: the filter would match nothing");
		return -EINVAL;
	}
	err = droptcp_parse_filter_addr(tb, KTCP_FILTER_A_SADDR,
					KTCP_FILTER_A_SPREFIX, &f->saddr,
					&f->sfamily, &f->sprefix, extack);
	if (!err)
		err = droptcp_parse_filter_addr(tb, KTCP_FILTER_A_DADDR,
						KTCP_FILTER_A_DPREFIX,
						&f->daddr, &f->dfamily,
						&f->dprefix, extack);
	if (err)
		return err;
	if (tb[KTCP_FILTER_A_SPORT])
		f->sport = nla_get_u16(tb[KTCP_FILTER_A_SPORT]);
	if (tb[KTCP_FILTER_A_DPORT])
		f->dport = nla_get_u16(tb[KTCP_FILTER_A_DPORT]);
	if (tb[KTCP_FILTER_A_LIMIT])
		f->limit = nla_get_u32(tb[KTCP_FILTER_A_LIMIT]);
	return 0;
}

static bool droptcp_dry_run(struct nlattr **attrs)
{
	return attrs[KTCP_A_FLAGS] &&
	       (nla_get_u32(attrs[KTCP_A_FLAGS]) & KTCP_DROP_F_DRY_RUN);
}

/* --- building messages ----------------------------------------------------- */

/* Room one KTCP_A_SOCK takes at most. */
static size_t droptcp_sock_size(void)
{
	return nla_total_size(0) + 2 * nla_total_size(sizeof(struct in6_addr)) +
	       2 * nla_total_size(sizeof(u16)) +
	       2 * nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u32));
}

static int droptcp_put_sock(struct sk_buff *skb, const struct droptcp_sock *s)
{
	const struct droptcp_tuple *t = &s->t;
	struct nlattr *nest;

	nest = nla_nest_start(skb, KTCP_A_SOCK);
	if (!nest)
		return -EMSGSIZE;
	if (t->family == AF_INET) {
		if (nla_put_in_addr(skb, KTCP_SOCK_A_SADDR,
				    t->saddr.s6_addr32[3]) ||
		    nla_put_in_addr(skb, KTCP_SOCK_A_DADDR,
				    t->daddr.s6_addr32[3]))
			goto cancel;
	} else if (nla_put_in6_addr(skb, KTCP_SOCK_A_SADDR, &t->saddr) ||
		   nla_put_in6_addr(skb, KTCP_SOCK_A_DADDR, &t->daddr)) {
		goto cancel;
	}
	if (nla_put_u16(skb, KTCP_SOCK_A_SPORT, t->sport) ||
	    nla_put_u16(skb, KTCP_SOCK_A_DPORT, t->dport) ||
	    (s->state && nla_put_u8(skb, KTCP_SOCK_A_STATE, s->state)) ||
	    nla_put_u8(skb, KTCP_SOCK_A_RESULT, s->result) ||
	    (t->ifindex && nla_put_u32(skb, KTCP_SOCK_A_IFINDEX, t->ifindex)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* After a real drop: count it and tell the events group. */
static void droptcp_announce(const struct genl_family *family, struct net *net,
			     u32 dropped)
{
	struct sk_buff *msg;
	void *hdr;

	if (!dropped)
		return;
	droptcp_count(net, dropped);
	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, family, 0, KTCP_CMD_SOCK_DROPPED);
	if (!hdr || nla_put_u32(msg, KTCP_A_DROPPED, dropped)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(family, net, msg, 0, 0, GFP_KERNEL);
}

/* --- do: by tuple ---------------------------------------------------------- */

/* Every tuple of the request, all checked before any is used. */
static int droptcp_parse_tuples(struct genl_info *info,
				struct droptcp_sock **socks, unsigned int *n)
{
	const struct nlattr *a;
	unsigned int i = 0;
	int rem, err;

	*n = 0;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(a) == KTCP_A_SOCK)
			(*n)++;
	if (*n > KTCP_DROP_TUPLES_MAX) {
		NL_SET_ERR_MSG(
			info->extack,
			"too many tuples (KTCP_DROP_TUPLES_MAX per request)");
		return -E2BIG;
	}
	*socks = kcalloc(*n, sizeof(**socks), GFP_KERNEL);
	if (!*socks)
		return -ENOMEM;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != KTCP_A_SOCK)
			continue;
		err = droptcp_parse_tuple(a, &(*socks)[i++].t, info->extack);
		if (err) {
			kfree(*socks);
			return err;
		}
	}
	return 0;
}

static int droptcp_reply(const struct genl_family *family,
			 struct genl_info *info,
			 const struct droptcp_sock *socks, unsigned int n,
			 u32 dropped, u32 not_found)
{
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(n * droptcp_sock_size() +
				  2 * nla_total_size(sizeof(u32)),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, family, 0, KTCP_CMD_SOCK_DROP);
	if (!hdr)
		goto nospace;
	for (i = 0; i < n; i++)
		if (droptcp_put_sock(msg, &socks[i]))
			goto nospace;
	if (nla_put_u32(msg, KTCP_A_DROPPED, dropped) ||
	    nla_put_u32(msg, KTCP_A_NOT_FOUND, not_found))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* 6.1's genl_info does not name its family, hence @family. */
int droptcp_nl_doit(const struct genl_family *family, struct genl_info *info)
{
	bool dry_run = droptcp_dry_run(info->attrs);
	struct net *net = genl_info_net(info);
	u32 dropped = 0, not_found = 0;
	struct droptcp_sock *socks;
	unsigned int i, n;
	int err;

	if (info->attrs[KTCP_A_FILTER]) {
		NL_SET_ERR_MSG_ATTR(
			info->extack, info->attrs[KTCP_A_FILTER],
			"a filter is for dump requests (NLM_F_DUMP); a do takes tuples");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, KTCP_A_SOCK))
		return -EINVAL;
	err = ktcp_test_drop_fault();
	if (err)
		return err;
	err = droptcp_parse_tuples(info, &socks, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		droptcp_tuple_drop(net, dry_run, &socks[i]);
		if (socks[i].result == KTCP_DROP_DROPPED)
			dropped++;
		else if (socks[i].result == KTCP_DROP_NOT_FOUND)
			not_found++;
		cond_resched();
	}
	droptcp_announce(family, net, dropped);
	err = droptcp_reply(family, info, socks, n, dropped, not_found);
	kfree(socks);
	return err;
}

/* --- dump: by filter ------------------------------------------------------- */

/*
 * The dump's attributes and family: where genetlink keeps them moved when
 * it grew split ops (6.2).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define DROPTCP_DUMP_INFO(cb) (&genl_dumpit_info(cb)->info)
#else
#define DROPTCP_DUMP_INFO(cb) (genl_dumpit_info(cb))
#endif

static int droptcp_check_dump(struct nlattr **attrs, struct droptcp_dump *d,
			      struct netlink_ext_ack *extack)
{
	if (attrs[KTCP_A_SOCK]) {
		NL_SET_ERR_MSG_ATTR(
			extack, attrs[KTCP_A_SOCK],
			"tuples are for do requests; a dump takes a filter");
		return -EINVAL;
	}
	if (!attrs[KTCP_A_FILTER]) {
		NL_SET_ERR_MSG(
			extack,
			"a dump needs KTCP_A_FILTER (to drop by tuple, send a do)");
		return -EINVAL;
	}
	return droptcp_parse_filter(attrs[KTCP_A_FILTER], &d->f, extack);
}

/*
 * 6.1 gives start no extack: there a bad filter is kept and reported by
 * the first dumpit, whose error and message come back in NLMSG_DONE.
 */
int droptcp_nl_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = DROPTCP_DUMP_INFO(cb)->attrs;
	struct droptcp_dump *d;
	int err;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	err = droptcp_check_dump(attrs, d, cb->extack ?: &d->ext);
	if (err && cb->extack) {
		kfree(d);
		return err;
	}
	d->err = err;
	d->family = DROPTCP_DUMP_INFO(cb)->family;
	d->w.net = sock_net(cb->skb->sk);
	d->w.f = &d->f;
	d->w.dry_run = droptcp_dry_run(attrs);
	cb->args[0] = (long)d;
	return 0;
}

struct droptcp_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	const struct droptcp_dump *d;
};

static int droptcp_dump_one(const struct droptcp_sock *s, void *arg)
{
	struct droptcp_dump_ctx *ctx = arg;
	void *hdr;

	hdr = genlmsg_put(ctx->skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, ctx->d->family, NLM_F_MULTI,
			  KTCP_CMD_SOCK_DROP);
	if (!hdr)
		return -EMSGSIZE;
	if (droptcp_put_sock(ctx->skb, s)) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	return 0;
}

/* The last message: how many were dropped (dry run: would have been). */
static int droptcp_dump_summary(struct sk_buff *skb,
				struct netlink_callback *cb,
				const struct droptcp_dump *d)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  d->family, NLM_F_MULTI, KTCP_CMD_SOCK_DROP);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KTCP_A_DROPPED,
			d->w.dry_run ? d->w.count : d->w.dropped)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Only as many sockets are taken as there is room to report: a socket
 * is never dropped without the caller hearing of it.
 */
int droptcp_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct droptcp_dump *d = (struct droptcp_dump *)cb->args[0];
	struct droptcp_dump_ctx ctx = { .skb = skb, .cb = cb, .d = d };
	size_t msg_size = nlmsg_total_size(GENL_HDRLEN + droptcp_sock_size());
	unsigned int room = skb_tailroom(skb) / msg_size;

	if (d->err) {
		if (cb->extack)
			*cb->extack = d->ext;
		return d->err;
	}
	if (d->w.count)
		ktcp_test_delay(KTCP_TEST_DROP_DUMP);
	if (!d->w.done && room)
		droptcp_walk(&d->w, room, droptcp_dump_one, &ctx);
	if (d->w.done && !d->summary_sent && !droptcp_dump_summary(skb, cb, d))
		d->summary_sent = true;
	return skb->len;
}

/* Also when the caller stopped reading: announce what was dropped. */
int droptcp_nl_done(struct netlink_callback *cb)
{
	struct droptcp_dump *d = (struct droptcp_dump *)cb->args[0];

	if (!d)
		return 0;
	droptcp_announce(d->family, d->w.net, d->w.dropped);
	kfree(d);
	return 0;
}
