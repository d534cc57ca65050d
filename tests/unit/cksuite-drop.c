// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dropping connections: SOCK_DROP requests built and parsed back, replies
 * synthesized and parsed (userspace/libktcp/drop_msg.c), state names, and
 * the CLI's tuple and stdin parsing (userspace/cli/drop_args.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cksuites.h"
#include "drop_args.h"
#include "internal.h"

#define FAMILY 0x1234

static struct ktcp_sock_tuple tuple(const char *src, const char *dst)
{
	struct ktcp_sock_tuple t;
	struct args_err e;

	ck_assert_msg(!drop_tuple(src, dst, &t, &e), "%s %s: %s", src, dst,
		      e.msg);
	return t;
}

/* --- requests ------------------------------------------------------------ */

START_TEST(tuple_request)
{
	struct ktcp_sock_tuple t[2] = {
		tuple("127.0.0.1:51496", "127.0.0.1:12345"),
		tuple("[::1]:80", "[2001:db8::1]:443")
	};
	struct nlattr *tb[KTCP_A_MAX + 1], *sb[KTCP_SOCK_A_MAX + 1], *a;
	struct nlmsghdr *nlh;
	struct nl_msg *msg;
	int rem, n = 0;

	ck_assert_int_eq(
		ktcp_msg_sock_drop(FAMILY, t, 2, KTCP_DROP_DRY_RUN, &msg), 0);
	nlh = nlmsg_hdr(msg);
	ck_assert_uint_eq(nlh->nlmsg_flags & NLM_F_DUMP, 0);
	ck_assert_int_eq(genlmsg_parse(nlh, 0, tb, KTCP_A_MAX, NULL), 0);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_FLAGS]), KTCP_DROP_F_DRY_RUN);
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) != KTCP_A_SOCK)
			continue;
		ck_assert(a->nla_type & NLA_F_NESTED);
		ck_assert_int_eq(nla_parse_nested(sb, KTCP_SOCK_A_MAX, a, NULL),
				 0);
		ck_assert_int_eq(nla_len(sb[KTCP_SOCK_A_SADDR]),
				 n == 0 ? 4 : 16);
		ck_assert_mem_eq(nla_data(sb[KTCP_SOCK_A_DADDR]),
				 n == 0 ? (void *)&t[0].daddr.v4 :
					  (void *)&t[1].daddr.v6,
				 n == 0 ? 4 : 16);
		ck_assert_uint_eq(nla_get_u16(sb[KTCP_SOCK_A_SPORT]),
				  n == 0 ? 51496 : 80);
		ck_assert_uint_eq(nla_get_u16(sb[KTCP_SOCK_A_DPORT]),
				  n == 0 ? 12345 : 443);
		n++;
	}
	ck_assert_int_eq(n, 2);
	nlmsg_free(msg);
}
END_TEST

START_TEST(tuple_request_limits)
{
	static struct ktcp_sock_tuple many[KTCP_DROP_TUPLES_MAX + 1];
	struct nl_msg *msg;
	size_t i;

	for (i = 0; i <= KTCP_DROP_TUPLES_MAX; i++)
		many[i] = tuple("[2001:db8::1]:1", "[2001:db8::2]:65535");
	/* The most a request takes fits, one more is refused. */
	ck_assert_int_eq(ktcp_msg_sock_drop(FAMILY, many, KTCP_DROP_TUPLES_MAX,
					    0, &msg),
			 0);
	nlmsg_free(msg);
	ck_assert_int_eq(ktcp_msg_sock_drop(FAMILY, many,
					    KTCP_DROP_TUPLES_MAX + 1, 0, &msg),
			 -EINVAL);
	ck_assert_int_eq(ktcp_msg_sock_drop(FAMILY, many, 0, 0, &msg), -EINVAL);
	ck_assert_int_eq(ktcp_msg_sock_drop(FAMILY, many, 1, 0x80, &msg),
			 -EINVAL);
}
END_TEST

START_TEST(tuple_check)
{
	struct ktcp_sock_tuple t = tuple("127.0.0.1:1", "127.0.0.1:2");
	const char *why;

	ck_assert_int_eq(ktcp_check_tuple(&t, &why), 0);
	/* IPv4 with IPv4-mapped is one family. */
	t = tuple("127.0.0.1:1", "[::ffff:127.0.0.1]:2");
	ck_assert_int_eq(ktcp_check_tuple(&t, &why), 0);
	ck_assert_int_eq(ktcp_addr_parse("::1", &t.daddr), 0);
	ck_assert_int_eq(ktcp_check_tuple(&t, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "different families"));
	t = tuple("127.0.0.1:1", "127.0.0.1:2");
	t.dport = 0;
	ck_assert_int_eq(ktcp_check_tuple(&t, &why), -EINVAL);
	t.dport = 2;
	t.saddr.family = AF_UNSPEC;
	ck_assert_int_eq(ktcp_check_tuple(&t, &why), -EINVAL);
}
END_TEST

START_TEST(filter_request)
{
	struct ktcp_drop_filter f = { 0 };
	struct nlattr *tb[KTCP_A_MAX + 1], *fb[KTCP_FILTER_A_MAX + 1];
	struct nl_msg *msg;
	const char *why;

	f.states = KTCP_TCP_STATE_BIT(KTCP_TCP_TIME_WAIT);
	ck_assert_int_eq(ktcp_addr_parse("10.0.0.0", &f.daddr), 0);
	f.dprefix = 8;
	f.has = KTCP_FILTER_DPREFIX;
	f.dport = 12345;
	f.limit = 10;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), 0);
	ck_assert_int_eq(ktcp_msg_sock_drop_filter(FAMILY, &f, 0, &msg), 0);
	ck_assert(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP);
	ck_assert_int_eq(genlmsg_parse(nlmsg_hdr(msg), 0, tb, KTCP_A_MAX, NULL),
			 0);
	ck_assert_ptr_null(tb[KTCP_A_FLAGS]); /* 0 is not sent */
	ck_assert(tb[KTCP_A_FILTER]->nla_type & NLA_F_NESTED);
	ck_assert_int_eq(nla_parse_nested(fb, KTCP_FILTER_A_MAX,
					  tb[KTCP_A_FILTER], NULL),
			 0);
	ck_assert_uint_eq(nla_get_u32(fb[KTCP_FILTER_A_STATES]), 1U << 6);
	ck_assert_int_eq(nla_len(fb[KTCP_FILTER_A_DADDR]), 4);
	ck_assert_uint_eq(nla_get_u8(fb[KTCP_FILTER_A_DPREFIX]), 8);
	ck_assert_uint_eq(nla_get_u16(fb[KTCP_FILTER_A_DPORT]), 12345);
	ck_assert_uint_eq(nla_get_u32(fb[KTCP_FILTER_A_LIMIT]), 10);
	/* Conditions not set are not sent. */
	ck_assert_ptr_null(fb[KTCP_FILTER_A_SADDR]);
	ck_assert_ptr_null(fb[KTCP_FILTER_A_SPREFIX]);
	ck_assert_ptr_null(fb[KTCP_FILTER_A_SPORT]);
	nlmsg_free(msg);
}
END_TEST

START_TEST(filter_check)
{
	struct ktcp_drop_filter f = { 0 };
	const char *why;

	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "state"));
	f.states = KTCP_TCP_STATE_BIT(KTCP_TCP_LISTEN);
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
	f.states = KTCP_TCP_STATES_ALL;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), 0);
	ck_assert_int_eq(ktcp_check_filter(&f, 2, &why), -EINVAL);
	f.has = KTCP_FILTER_SPREFIX; /* a prefix without an address */
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
	ck_assert_int_eq(ktcp_addr_parse("192.0.2.0", &f.saddr), 0);
	f.sprefix = 33;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
	f.sprefix = 24;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), 0);
}
END_TEST

/*
 * A condition of a newer header, which this library would not send: the
 * drop would match more sockets than the caller asked for.
 */
START_TEST(filter_check_unknown)
{
	struct ktcp_drop_filter f = { .states = KTCP_TCP_STATES_ALL };
	const char *why;

	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), 0);
	f.has = 1U << 2;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "'has' bit"));
	f.has = 1U << 31;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
	f.has = 0;
	f.reserved[3] = 1;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "reserved"));
	f.reserved[3] = 0;
	f.reserved[0] = 1ULL << 63;
	ck_assert_int_eq(ktcp_check_filter(&f, 0, &why), -EINVAL);
}
END_TEST

/* --- replies ------------------------------------------------------------- */

static void put_sock(struct nl_msg *msg, const char *saddr, uint16_t sport,
		     uint8_t state, uint8_t result)
{
	struct nlattr *nest = nla_nest_start(msg, KTCP_A_SOCK | NLA_F_NESTED);
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, saddr, &a), 1);
	nla_put(msg, KTCP_SOCK_A_SADDR, 4, &a);
	nla_put(msg, KTCP_SOCK_A_DADDR, 4, &a);
	nla_put_u16(msg, KTCP_SOCK_A_SPORT, sport);
	nla_put_u16(msg, KTCP_SOCK_A_DPORT, 12345);
	if (state)
		nla_put_u8(msg, KTCP_SOCK_A_STATE, state);
	nla_put_u8(msg, KTCP_SOCK_A_RESULT, result);
	/* A socket bound to a device: here, those of port 1. */
	if (sport == 1)
		nla_put_u32(msg, KTCP_SOCK_A_IFINDEX, 3);
	nla_put_u32(msg, KTCP_SOCK_A_MAX + 3, 7); /* a newer kernel's */
	nla_nest_end(msg, nest);
}

struct got {
	struct ktcp_drop_result r[4];
	int n;
};

static int collect(const struct ktcp_drop_result *r, void *arg)
{
	struct got *g = arg;

	ck_assert_int_lt(g->n, 4);
	g->r[g->n++] = *r;
	return 0;
}

static struct nl_msg *drop_reply(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	ck_assert_ptr_nonnull(
		genlmsg_put(msg, 0, 1, FAMILY, 0, 0, KTCP_CMD_SOCK_DROP, 1));
	return msg;
}

START_TEST(parse_reply)
{
	struct nl_msg *msg = drop_reply();
	struct got g = { .n = 0 };
	uint32_t dropped = 99;
	char buf[KTCP_ADDRPORT_STRLEN];

	put_sock(msg, "127.0.0.1", 51496, KTCP_TCP_TIME_WAIT, KTCP_DROPPED);
	put_sock(msg, "127.0.0.2", 1, 0, KTCP_NOT_FOUND);
	nla_put_u32(msg, KTCP_A_DROPPED, 1);
	nla_put_u32(msg, KTCP_A_NOT_FOUND, 1);
	ck_assert_int_eq(ktcp_parse_drop(nlmsg_hdr(msg), collect, &g, &dropped),
			 0);
	ck_assert_int_eq(g.n, 2);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_int_eq(ktcp_addrport_format(&g.r[0].tuple.saddr,
					      g.r[0].tuple.sport, buf,
					      sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "127.0.0.1:51496");
	ck_assert_uint_eq(g.r[0].tuple.dport, 12345);
	ck_assert_uint_eq(g.r[0].state, KTCP_TCP_TIME_WAIT);
	ck_assert_uint_eq(g.r[0].status, KTCP_DROPPED);
	ck_assert_uint_eq(g.r[0].tuple.ifindex, 0);
	ck_assert_uint_eq(g.r[1].state, 0);
	ck_assert_uint_eq(g.r[1].status, KTCP_NOT_FOUND);
	ck_assert_uint_eq(g.r[1].tuple.ifindex, 3);
	nlmsg_free(msg);
}
END_TEST

START_TEST(parse_reply_malformed)
{
	struct nl_msg *msg = drop_reply();
	struct got g = { .n = 0 };
	struct nlattr *nest;
	uint32_t dropped = 0;

	/* No result: a reply we cannot trust. */
	nest = nla_nest_start(msg, KTCP_A_SOCK | NLA_F_NESTED);
	nla_put(msg, KTCP_SOCK_A_SADDR, 4, "\x7f\0\0\x01");
	nla_put(msg, KTCP_SOCK_A_DADDR, 4, "\x7f\0\0\x01");
	nla_put_u16(msg, KTCP_SOCK_A_SPORT, 1);
	nla_put_u16(msg, KTCP_SOCK_A_DPORT, 2);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(ktcp_parse_drop(nlmsg_hdr(msg), collect, &g, &dropped),
			 -EBADMSG);
	nlmsg_free(msg);

	/* A 3-byte address; a u32 port. */
	msg = drop_reply();
	nest = nla_nest_start(msg, KTCP_A_SOCK | NLA_F_NESTED);
	nla_put(msg, KTCP_SOCK_A_SADDR, 3, "\x7f\0\0");
	nla_nest_end(msg, nest);
	ck_assert_int_eq(ktcp_parse_drop(nlmsg_hdr(msg), collect, &g, &dropped),
			 -EBADMSG);
	nlmsg_free(msg);
	ck_assert_int_eq(g.n, 0);
}
END_TEST

START_TEST(parse_drop_event)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct ktcp_event ev;

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, KTCP_CMD_SOCK_DROPPED, 1);
	nla_put_u32(msg, KTCP_A_DROPPED, 10000);
	ck_assert_int_eq(ktcp_parse_event(nlmsg_hdr(msg), &ev), 0);
	ck_assert_int_eq(ev.type, KTCP_EVENT_SOCK_DROPPED);
	ck_assert(ev.has & KTCP_HAS_DROPPED);
	ck_assert_uint_eq(ev.dropped, 10000);
	nlmsg_free(msg);
}
END_TEST

START_TEST(extack_names_nested)
{
	struct ktcp_sock_tuple t = tuple("127.0.0.1:1", "127.0.0.1:2");
	const uint32_t base = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nl_msg *msg;

	ck_assert_int_eq(ktcp_msg_sock_drop(FAMILY, &t, 1, 0, &msg), 0);
	/* sock nest header, then saddr (4 + 4), daddr (4 + 4), sport. */
	ck_assert_str_eq(ktcp_attr_name(nlmsg_hdr(msg), base), "sock");
	ck_assert_str_eq(ktcp_attr_name(nlmsg_hdr(msg), base + 4),
			 "sock.saddr");
	ck_assert_str_eq(ktcp_attr_name(nlmsg_hdr(msg), base + 20),
			 "sock.sport");
	nlmsg_free(msg);
}
END_TEST

/* --- states -------------------------------------------------------------- */

START_TEST(states)
{
	uint32_t s;

	ck_assert_str_eq(ktcp_tcp_state_name(KTCP_TCP_TIME_WAIT), "time-wait");
	ck_assert_str_eq(ktcp_tcp_state_name(KTCP_TCP_FIN_WAIT1), "fin-wait-1");
	ck_assert_ptr_null(ktcp_tcp_state_name(0));
	ck_assert_ptr_null(ktcp_tcp_state_name(12));
	ck_assert_int_eq(ktcp_tcp_states_parse("time-wait,Established", &s), 0);
	ck_assert_uint_eq(s, (1U << 6) | (1U << 1));
	ck_assert_int_eq(ktcp_tcp_states_parse("all", &s), 0);
	ck_assert_uint_eq(s, KTCP_TCP_STATES_ALL);
	ck_assert_int_eq(ktcp_tcp_states_parse("listen", &s), -EINVAL);
	ck_assert_int_eq(ktcp_tcp_states_parse("close", &s), -EINVAL);
	ck_assert_int_eq(ktcp_tcp_states_parse("time-wait,", &s), -EINVAL);
	ck_assert_int_eq(ktcp_tcp_states_parse("", &s), -EINVAL);
	ck_assert_int_eq(ktcp_tcp_states_parse("timewait", &s), -EINVAL);
}
END_TEST

/* --- CLI parsing --------------------------------------------------------- */

START_TEST(endpoints)
{
	unsigned int lo = if_nametoindex("lo");
	struct ktcp_addr a;
	struct args_err e;
	uint32_t ifindex;
	uint16_t port;

	ck_assert_uint_ne(lo, 0);
	ck_assert_int_eq(
		drop_endpoint("127.0.0.1:51496", &a, &port, &ifindex, &e), 0);
	ck_assert_uint_eq(port, 51496);
	ck_assert_uint_eq(ifindex, 0);
	ck_assert_int_eq(drop_endpoint("[::1]:80", &a, &port, &ifindex, &e), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	/*
	 * Unbracketed IPv6 with a port (netstat's form) is ambiguous: is
	 * fe80::1:22 [fe80::1]:22 or [fe80::1:22]? Refused, saying why.
	 */
	ck_assert_int_eq(drop_endpoint("::1:8080", &a, &port, &ifindex, &e),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "'::1:8080'"));
	ck_assert_ptr_nonnull(strstr(e.msg, "needs brackets, [ADDR]:PORT"));
	ck_assert_int_eq(drop_endpoint("fe80::1:22", &a, &port, &ifindex, &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("::ffff:127.0.0.1:22", &a, &port,
				       &ifindex, &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("[::ffff:127.0.0.1]:22", &a, &port,
				       &ifindex, &e),
			 0);
	ck_assert_uint_eq(port, 22);
	/* Scopes: an interface name or index, IPv4 too (as ss prints). */
	ck_assert_int_eq(
		drop_endpoint("[fe80::1%lo]:22", &a, &port, &ifindex, &e), 0);
	ck_assert_uint_eq(ifindex, lo);
	ck_assert_uint_eq(port, 22);
	ck_assert(IN6_IS_ADDR_LINKLOCAL(&a.v6));
	ck_assert_int_eq(
		drop_endpoint("[fe80::1%7]:22", &a, &port, &ifindex, &e), 0);
	ck_assert_uint_eq(ifindex, 7);
	ck_assert_int_eq(
		drop_endpoint("127.0.0.1%lo:22", &a, &port, &ifindex, &e), 0);
	ck_assert_uint_eq(ifindex, lo);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(drop_endpoint("[fe80::1%no-such-if0]:22", &a, &port,
				       &ifindex, &e),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "no interface 'no-such-if0'"));
	ck_assert_int_eq(drop_endpoint("[fe80::1%]:22", &a, &port, &ifindex,
				       &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("[fe80::1%0]:22", &a, &port, &ifindex,
				       &e),
			 -EINVAL);
	/* As ss prints it: the interface after the brackets. */
	ck_assert_int_eq(
		drop_endpoint("[fe80::1]%lo:22", &a, &port, &ifindex, &e), 0);
	ck_assert_uint_eq(ifindex, lo);
	ck_assert_uint_eq(port, 22);
	ck_assert_int_eq(drop_endpoint("[fe80::1%lo]%lo:22", &a, &port,
				       &ifindex, &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("[fe80::1]%lo", &a, &port, &ifindex, &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("[fe80::1%lo]:22", &a, &port, NULL, &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("127.0.0.1", &a, &port, &ifindex, &e),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "'127.0.0.1'"));
	ck_assert_int_eq(drop_endpoint("[::1]", &a, &port, &ifindex, &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("127.0.0.1:0", &a, &port, &ifindex, &e),
			 -ERANGE);
	ck_assert_int_eq(drop_endpoint("127.0.0.1:65536", &a, &port, &ifindex,
				       &e),
			 -ERANGE);
	ck_assert_int_eq(drop_endpoint("host:80", &a, &port, &ifindex, &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("[127.0.0.1]:80", &a, &port, &ifindex,
				       &e),
			 -EINVAL);
	ck_assert_int_eq(drop_endpoint("", &a, &port, &ifindex, &e), -EINVAL);
}
END_TEST

/* A link-local tuple needs an interface, from either end, the same. */
START_TEST(tuple_scopes)
{
	unsigned int lo = if_nametoindex("lo");
	struct ktcp_sock_tuple t;
	struct args_err e;

	t = tuple("[fe80::1%lo]:22", "[fe80::2]:40000");
	ck_assert_uint_eq(t.ifindex, lo);
	t = tuple("[fe80::1]:22", "[fe80::2%lo]:40000");
	ck_assert_uint_eq(t.ifindex, lo);
	t = tuple("127.0.0.1:1", "127.0.0.1:2");
	ck_assert_uint_eq(t.ifindex, 0);
	ck_assert_int_eq(drop_tuple("[fe80::1]:22", "[fe80::2]:40000", &t, &e),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "link-local address needs its "
					    "interface"));
	ck_assert_int_eq(drop_tuple("[fe80::1%lo]:22", "[fe80::2%9999]:1", &t,
				    &e),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "different interfaces"));
}
END_TEST

/* The library checks the scope too, and sends it. */
START_TEST(tuple_ifindex_request)
{
	struct ktcp_sock_tuple t = tuple("[fe80::1%lo]:22", "[fe80::2]:1");
	struct nlattr *tb[KTCP_A_MAX + 1], *sb[KTCP_SOCK_A_MAX + 1];
	struct nl_msg *msg;
	const char *why;

	ck_assert_int_eq(ktcp_check_tuple(&t, &why), 0);
	ck_assert_int_eq(ktcp_msg_sock_drop(FAMILY, &t, 1, 0, &msg), 0);
	ck_assert_int_eq(genlmsg_parse(nlmsg_hdr(msg), 0, tb, KTCP_A_MAX, NULL),
			 0);
	ck_assert_int_eq(nla_parse_nested(sb, KTCP_SOCK_A_MAX, tb[KTCP_A_SOCK],
					  NULL),
			 0);
	ck_assert_ptr_nonnull(sb[KTCP_SOCK_A_IFINDEX]);
	ck_assert_uint_eq(nla_get_u32(sb[KTCP_SOCK_A_IFINDEX]), t.ifindex);
	nlmsg_free(msg);
	t.ifindex = 0;
	ck_assert_int_eq(ktcp_check_tuple(&t, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "link-local"));
	t.ifindex = 0x80000000u;
	ck_assert_int_eq(ktcp_check_tuple(&t, &why), -EINVAL);
	t = tuple("127.0.0.1:1", "127.0.0.1:2");
	t.reserved[1] = 1;
	ck_assert_int_eq(ktcp_check_tuple(&t, &why), -EINVAL);
}
END_TEST

START_TEST(argv_pairs)
{
	char *ok[] = { "127.0.0.1:1", "127.0.0.1:2", "[::1]:3", "[::1]:4" };
	char *mixed[] = { "127.0.0.1:1", "[::1]:2" };
	struct drop_list l = { 0 };
	struct args_err e;

	ck_assert_int_eq(drop_tuples_argv(ok, 4, &l, &e), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.t[1].dport, 4);
	ck_assert_int_eq(drop_tuples_argv(ok, 3, &l, &e), -EINVAL);
	ck_assert_int_eq(drop_tuples_argv(mixed, 2, &l, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "different address families"));
	drop_list_free(&l);
}
END_TEST

static int read_str(const char *s, struct drop_list *l, struct args_err *e)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");
	int err;

	ck_assert_ptr_nonnull(f);
	err = drop_tuples_read(f, l, e);
	fclose(f);
	return err;
}

START_TEST(stdin_list)
{
	struct drop_list l = { 0 };
	struct args_err e;

	/* Blank lines skipped; the last line without a newline counts. */
	ck_assert_int_eq(read_str("127.0.0.1:1 127.0.0.1:2\n\n"
				  "  [::1]:3\t[::1]:4  \n"
				  "127.0.0.1:5 127.0.0.1:6",
				  &l, &e),
			 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(l.t[2].sport, 5);
	ck_assert_int_eq(l.t[1].saddr.family, AF_INET6);
	drop_list_free(&l);

	ck_assert_int_eq(read_str("127.0.0.1:1 127.0.0.1:2\n"
				  "127.0.0.1:1 127.0.0.1:99999\n",
				  &l, &e),
			 -ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "line 2: "));
	drop_list_free(&l);
	ck_assert_int_eq(read_str("\n\n127.0.0.1:1\n", &l, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "line 3: "));
	drop_list_free(&l);
	/* netstat's unbracketed IPv6: refused, saying so, with the line. */
	ck_assert_int_eq(read_str("::1:3 ::1:4\n", &l, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg,
				     "line 1: '::1:3': an IPv6 "
				     "address with a port needs brackets"));
	drop_list_free(&l);
	ck_assert_int_eq(read_str("1.1.1.1:1 1.1.1.1:2 1.1.1.1:3\n", &l, &e),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "more than two"));
	drop_list_free(&l);
}
END_TEST

START_TEST(stdin_nul)
{
	static const char buf[] = "1.1.1.1:1 1.1.1.1:2\0 junk\n";
	struct drop_list l = { 0 };
	struct args_err e;
	FILE *f = fmemopen((void *)buf, sizeof(buf) - 1, "r");

	ck_assert_int_eq(drop_tuples_read(f, &l, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "line 1: a NUL byte"));
	fclose(f);
	drop_list_free(&l);
}
END_TEST

START_TEST(prefixes)
{
	struct ktcp_addr a;
	struct args_err e;
	uint8_t p = 0;
	int has;

	ck_assert_int_eq(drop_prefix("10.0.0.0/8", &a, &p, &has, &e), 0);
	ck_assert(has);
	ck_assert_uint_eq(p, 8);
	ck_assert_int_eq(drop_prefix("2001:db8::/32", &a, &p, &has, &e), 0);
	ck_assert_uint_eq(p, 32);
	ck_assert_int_eq(drop_prefix("::1", &a, &p, &has, &e), 0);
	ck_assert(!has);
	ck_assert_int_eq(drop_prefix("10.0.0.0/33", &a, &p, &has, &e), -ERANGE);
	ck_assert_int_eq(drop_prefix("10.0.0.0/", &a, &p, &has, &e), -ERANGE);
	ck_assert_int_eq(drop_prefix("/8", &a, &p, &has, &e), -EINVAL);
	ck_assert_int_eq(drop_prefix("x/8", &a, &p, &has, &e), -EINVAL);
}
END_TEST

Suite *make_drop_suite(void)
{
	Suite *s = suite_create("drop");
	TCase *msg = tcase_create("msg");
	TCase *cli = tcase_create("cli");

	tcase_add_test(msg, tuple_request);
	tcase_add_test(msg, tuple_request_limits);
	tcase_add_test(msg, tuple_check);
	tcase_add_test(msg, filter_request);
	tcase_add_test(msg, filter_check);
	tcase_add_test(msg, filter_check_unknown);
	tcase_add_test(msg, parse_reply);
	tcase_add_test(msg, parse_reply_malformed);
	tcase_add_test(msg, parse_drop_event);
	tcase_add_test(msg, extack_names_nested);
	tcase_add_test(msg, states);
	tcase_add_test(cli, endpoints);
	tcase_add_test(cli, tuple_scopes);
	tcase_add_test(msg, tuple_ifindex_request);
	tcase_add_test(cli, argv_pairs);
	tcase_add_test(cli, stdin_list);
	tcase_add_test(cli, stdin_nul);
	tcase_add_test(cli, prefixes);
	suite_add_tcase(s, msg);
	suite_add_tcase(s, cli);
	return s;
}
