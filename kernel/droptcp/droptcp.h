/* SPDX-License-Identifier: GPL-2.0 */
/*
 * droptcp: abort TCP connections of a netns by tuple or by filter.
 * drop.c does the work on sockets and knows nothing of netlink;
 * drop_nl.c is the KTCP_CMD_SOCK_DROP command that ktcp_genl.c lists.
 */
#ifndef _KTCP_DROPTCP_H
#define _KTCP_DROPTCP_H

#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/ktcp.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

/*
 * One end pair of a connection. IPv4 addresses (and IPv4-mapped IPv6
 * ones) are kept IPv4-mapped in the in6_addr, with family AF_INET.
 */
struct droptcp_tuple {
	struct in6_addr saddr; /* local */
	struct in6_addr daddr; /* remote */
	u16 sport, dport; /* host order */
	u8 family; /* AF_INET or AF_INET6 */
	int ifindex; /* the device it is bound to; 0: none */
};

/* A socket found (or a tuple not found), as the caller is told. */
struct droptcp_sock {
	struct droptcp_tuple t;
	u8 state; /* TCP_*, as ss shows it; 0 when not found */
	u8 result; /* enum ktcp_sock_result */
};

struct droptcp_filter {
	struct in6_addr saddr, daddr;
	u32 states; /* KTCP_DROP_STATE() bits */
	u32 limit; /* 0: no limit */
	u16 sport, dport; /* 0: any */
	u8 sfamily, dfamily; /* 0: any address */
	u8 sprefix, dprefix;
};

/* Where a filter walk over the established hash stands. */
struct droptcp_walk {
	struct net *net;
	const struct droptcp_filter *f;
	bool dry_run;
	bool done; /* every bucket seen, or the limit reached */
	unsigned int bucket; /* next bucket to scan */
	unsigned int skip; /* matches in it handled before, still there */
	u32 count; /* sockets reported */
	u32 dropped; /* of which dropped */
};

/* Report one socket; a nonzero return stops the walk. */
typedef int (*droptcp_report_fn)(const struct droptcp_sock *s, void *arg);

void droptcp_tuple_drop(struct net *net, bool dry_run, struct droptcp_sock *s);
int droptcp_walk(struct droptcp_walk *w, unsigned int max,
		 droptcp_report_fn report, void *arg);
void droptcp_count(struct net *net, u32 dropped);

/* drop_nl.c: the command, and the policies the family table uses */
extern const struct nla_policy droptcp_sock_policy[KTCP_SOCK_A_MAX + 1];
extern const struct nla_policy droptcp_filter_policy[KTCP_FILTER_A_MAX + 1];
int droptcp_nl_doit(const struct genl_family *family, struct genl_info *info);
int droptcp_nl_start(struct netlink_callback *cb);
int droptcp_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int droptcp_nl_done(struct netlink_callback *cb);

#endif /* _KTCP_DROPTCP_H */
