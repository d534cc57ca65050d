// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SOCK_DROP requests and replies, and TCP state names. No sockets here,
 * as in msg.c: the unit tests build requests and parse synthesized
 * replies.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"

_Static_assert(KTCP_TCP_STATES_ALL == KTCP_DROP_STATES_ALL,
	       "droppable states differ from the UAPI");
_Static_assert((int)KTCP_DROPPED == (int)KTCP_DROP_DROPPED &&
		       (int)KTCP_NOT_FOUND == (int)KTCP_DROP_NOT_FOUND &&
		       (int)KTCP_FOUND == (int)KTCP_DROP_FOUND,
	       "drop results differ from the UAPI");
_Static_assert(KTCP_DROP_DRY_RUN == KTCP_DROP_F_DRY_RUN,
	       "drop flags differ from the UAPI");

/* ss's names, lower case. */
static const char *const state_names[] = {
	[KTCP_TCP_ESTABLISHED] = "established",
	[KTCP_TCP_SYN_SENT] = "syn-sent",
	[KTCP_TCP_SYN_RECV] = "syn-recv",
	[KTCP_TCP_FIN_WAIT1] = "fin-wait-1",
	[KTCP_TCP_FIN_WAIT2] = "fin-wait-2",
	[KTCP_TCP_TIME_WAIT] = "time-wait",
	[KTCP_TCP_CLOSE] = "close",
	[KTCP_TCP_CLOSE_WAIT] = "close-wait",
	[KTCP_TCP_LAST_ACK] = "last-ack",
	[KTCP_TCP_LISTEN] = "listen",
	[KTCP_TCP_CLOSING] = "closing",
};
#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

KTCP_EXPORT const char *ktcp_tcp_state_name(unsigned int state)
{
	return state < N_STATES ? state_names[state] : NULL;
}

static int state_parse_one(const char *s, size_t len, uint32_t *states)
{
	unsigned int i;

	if (len == 3 && !strncasecmp(s, "all", 3)) {
		*states |= KTCP_TCP_STATES_ALL;
		return 0;
	}
	for (i = 1; i < N_STATES; i++) {
		if (strlen(state_names[i]) != len ||
		    strncasecmp(s, state_names[i], len))
			continue;
		if (!(KTCP_TCP_STATE_BIT(i) & KTCP_TCP_STATES_ALL))
			return -EINVAL;
		*states |= KTCP_TCP_STATE_BIT(i);
		return 0;
	}
	return -EINVAL;
}

KTCP_EXPORT int ktcp_tcp_states_parse(const char *s, uint32_t *states)
{
	uint32_t v = 0;
	const char *comma;
	size_t len;

	if (!s)
		return -EINVAL;
	for (;;) {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		if (state_parse_one(s, len, &v))
			return -EINVAL;
		if (!comma)
			break;
		s = comma + 1;
	}
	*states = v;
	return 0;
}

/* --- requests ------------------------------------------------------------ */

/* The family of an address, IPv4-mapped IPv6 counting as IPv4; 0 if bad. */
static int addr_family(const struct ktcp_addr *a)
{
	if (a->family == AF_INET)
		return AF_INET;
	if (a->family != AF_INET6)
		return 0;
	return IN6_IS_ADDR_V4MAPPED(&a->v6) ? AF_INET : AF_INET6;
}

int ktcp_check_tuple(const struct ktcp_sock_tuple *t, const char **why)
{
	int sf = addr_family(&t->saddr), df = addr_family(&t->daddr);

	*why = NULL;
	if (!sf || !df)
		*why = "an address is neither IPv4 nor IPv6";
	else if (sf != df)
		*why = "local and remote addresses are of different families";
	else if (!t->sport || !t->dport)
		*why = "ports are 1 to 65535";
	else if (!t->ifindex &&
		 ((sf == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&t->saddr.v6)) ||
		  (df == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&t->daddr.v6))))
		*why = "a link-local address needs its interface (ifindex)";
	else if (t->ifindex > INT32_MAX)
		*why = "interface indexes are 1 to 2^31 - 1";
	else if (!ktcp_zeroed(t->reserved, sizeof(t->reserved)))
		*why = "reserved fields are not zero";
	return *why ? -EINVAL : 0;
}

static int put_addr(struct nl_msg *msg, int type, const struct ktcp_addr *a)
{
	if (a->family == AF_INET)
		return nla_put(msg, type, 4, &a->v4);
	return nla_put(msg, type, 16, &a->v6);
}

static int put_tuple(struct nl_msg *msg, const struct ktcp_sock_tuple *t)
{
	struct nlattr *nest;

	/* Strict validation in the kernel wants NLA_F_NESTED on nests. */
	nest = nla_nest_start(msg, KTCP_A_SOCK | NLA_F_NESTED);
	if (!nest || put_addr(msg, KTCP_SOCK_A_SADDR, &t->saddr) ||
	    put_addr(msg, KTCP_SOCK_A_DADDR, &t->daddr) ||
	    nla_put_u16(msg, KTCP_SOCK_A_SPORT, t->sport) ||
	    nla_put_u16(msg, KTCP_SOCK_A_DPORT, t->dport) ||
	    (t->ifindex && nla_put_u32(msg, KTCP_SOCK_A_IFINDEX, t->ifindex)))
		return -1;
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

static int put_flags(struct nl_msg *msg, unsigned int flags)
{
	return flags ? nla_put_u32(msg, KTCP_A_FLAGS, flags) : 0;
}

/* Most one KTCP_A_SOCK nest of a request takes: 4 + 2 * 20 + 3 * 8. */
#define TUPLE_MSG_SIZE 68

/* One request for tuples t[0..n), n <= KTCP_DROP_TUPLES_MAX, checked. */
int ktcp_msg_sock_drop(int family, const struct ktcp_sock_tuple *t, size_t n,
		       unsigned int flags, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	size_t i;

	if (n == 0 || n > KTCP_DROP_TUPLES_MAX || (flags & ~KTCP_DROP_F_ALL))
		return -EINVAL;
	/* A default message (a page) holds about 60 tuples. */
	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + 64 +
			       n * TUPLE_MSG_SIZE);
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			 KTCP_CMD_SOCK_DROP, KTCP_GENL_VERSION))
		goto nomem;
	for (i = 0; i < n; i++)
		if (put_tuple(msg, &t[i]))
			goto nomem;
	if (put_flags(msg, flags))
		goto nomem;
	*msgp = msg;
	return 0;
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

static int max_prefix(const struct ktcp_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

/* The has bits of struct ktcp_drop_filter that this library sends. */
#define FILTER_KNOWN (KTCP_FILTER_SPREFIX | KTCP_FILTER_DPREFIX)

/*
 * Why f asks for a condition this library does not know, or NULL: a
 * newer header's field, left out of the request, would widen the drop.
 */
static const char *filter_unknown(const struct ktcp_drop_filter *f)
{
	if (f->has & ~FILTER_KNOWN)
		return "the filter has a 'has' bit this library does not know";
	if (!ktcp_zeroed(f->reserved, sizeof(f->reserved)))
		return "the filter's reserved space is not zero";
	return NULL;
}

int ktcp_check_filter(const struct ktcp_drop_filter *f, unsigned int flags,
		      const char **why)
{
	*why = filter_unknown(f);
	if (*why)
		return -EINVAL;
	if (flags & ~KTCP_DROP_F_ALL)
		*why = "unknown flags";
	else if (!f->states)
		*why = "a filter needs at least one state";
	else if (f->states & ~KTCP_TCP_STATES_ALL)
		*why = "only established to closing, but not listen or close, can be dropped";
	else if (f->saddr.family != AF_UNSPEC && !addr_family(&f->saddr))
		*why = "the local address is neither IPv4 nor IPv6";
	else if (f->daddr.family != AF_UNSPEC && !addr_family(&f->daddr))
		*why = "the remote address is neither IPv4 nor IPv6";
	else if (((f->has & KTCP_FILTER_SPREFIX) &&
		  f->saddr.family == AF_UNSPEC) ||
		 ((f->has & KTCP_FILTER_DPREFIX) &&
		  f->daddr.family == AF_UNSPEC))
		*why = "a prefix length needs an address";
	else if (((f->has & KTCP_FILTER_SPREFIX) &&
		  f->sprefix > max_prefix(&f->saddr)) ||
		 ((f->has & KTCP_FILTER_DPREFIX) &&
		  f->dprefix > max_prefix(&f->daddr)))
		*why = "prefix longer than the address";
	return *why ? -EINVAL : 0;
}

static int put_filter(struct nl_msg *msg, const struct ktcp_drop_filter *f)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, KTCP_A_FILTER | NLA_F_NESTED);
	if (!nest || nla_put_u32(msg, KTCP_FILTER_A_STATES, f->states))
		return -1;
	if (f->saddr.family != AF_UNSPEC &&
	    put_addr(msg, KTCP_FILTER_A_SADDR, &f->saddr))
		return -1;
	if ((f->has & KTCP_FILTER_SPREFIX) &&
	    nla_put_u8(msg, KTCP_FILTER_A_SPREFIX, f->sprefix))
		return -1;
	if (f->daddr.family != AF_UNSPEC &&
	    put_addr(msg, KTCP_FILTER_A_DADDR, &f->daddr))
		return -1;
	if ((f->has & KTCP_FILTER_DPREFIX) &&
	    nla_put_u8(msg, KTCP_FILTER_A_DPREFIX, f->dprefix))
		return -1;
	if ((f->sport && nla_put_u16(msg, KTCP_FILTER_A_SPORT, f->sport)) ||
	    (f->dport && nla_put_u16(msg, KTCP_FILTER_A_DPORT, f->dport)) ||
	    (f->limit && nla_put_u32(msg, KTCP_FILTER_A_LIMIT, f->limit)))
		return -1;
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

/* A dump request (NLM_F_DUMP) for a checked filter. */
int ktcp_msg_sock_drop_filter(int family, const struct ktcp_drop_filter *f,
			      unsigned int flags, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	err = ktcp_msg_new(family, KTCP_CMD_SOCK_DROP, NLM_F_DUMP, &msg);
	if (err)
		return err;
	if (put_filter(msg, f) || put_flags(msg, flags)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

/* --- replies ------------------------------------------------------------- */

static int get_addr(struct nlattr *a, struct ktcp_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (!a)
		return -EBADMSG;
	if (nla_len(a) == 4) {
		addr->family = AF_INET;
		memcpy(&addr->v4, nla_data(a), 4);
	} else if (nla_len(a) == 16) {
		addr->family = AF_INET6;
		memcpy(&addr->v6, nla_data(a), 16);
	} else {
		return -EBADMSG;
	}
	return 0;
}

static int get_exact(struct nlattr *a, int len)
{
	return a && nla_len(a) == len ? 0 : -EBADMSG;
}

/* One KTCP_A_SOCK: the tuple and result are required, the state not. */
int ktcp_parse_drop_sock(struct nlattr *nest, struct ktcp_drop_result *r)
{
	struct nlattr *tb[KTCP_SOCK_A_MAX + 1];
	struct ktcp_drop_result tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (nla_parse_nested(tb, KTCP_SOCK_A_MAX, nest, NULL) < 0 ||
	    get_addr(tb[KTCP_SOCK_A_SADDR], &tmp.tuple.saddr) ||
	    get_addr(tb[KTCP_SOCK_A_DADDR], &tmp.tuple.daddr) ||
	    get_exact(tb[KTCP_SOCK_A_SPORT], 2) ||
	    get_exact(tb[KTCP_SOCK_A_DPORT], 2) ||
	    get_exact(tb[KTCP_SOCK_A_RESULT], 1))
		return -EBADMSG;
	tmp.tuple.sport = nla_get_u16(tb[KTCP_SOCK_A_SPORT]);
	tmp.tuple.dport = nla_get_u16(tb[KTCP_SOCK_A_DPORT]);
	tmp.status = nla_get_u8(tb[KTCP_SOCK_A_RESULT]);
	if (tb[KTCP_SOCK_A_IFINDEX]) {
		if (get_exact(tb[KTCP_SOCK_A_IFINDEX], 4))
			return -EBADMSG;
		tmp.tuple.ifindex = nla_get_u32(tb[KTCP_SOCK_A_IFINDEX]);
	}
	if (tb[KTCP_SOCK_A_STATE]) {
		if (get_exact(tb[KTCP_SOCK_A_STATE], 1))
			return -EBADMSG;
		tmp.state = nla_get_u8(tb[KTCP_SOCK_A_STATE]);
	}
	*r = tmp;
	return 0;
}

/*
 * Every KTCP_A_SOCK of a SOCK_DROP reply, in order, to fn; *dropped gets
 * KTCP_A_DROPPED when the message has it (else it is left alone).
 * Returns 0, -EBADMSG, or fn's error.
 */
int ktcp_parse_drop(struct nlmsghdr *nlh, ktcp_drop_fn fn, void *arg,
		    uint32_t *dropped)
{
	struct ktcp_drop_result r;
	struct nlattr *a;
	int rem, err;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) == KTCP_A_SOCK) {
			err = ktcp_parse_drop_sock(a, &r);
			if (!err)
				err = fn(&r, arg);
			if (err)
				return err;
		} else if (nla_type(a) == KTCP_A_DROPPED) {
			if (get_exact(a, 4))
				return -EBADMSG;
			*dropped = nla_get_u32(a);
		}
	}
	return rem ? -EBADMSG : 0;
}
