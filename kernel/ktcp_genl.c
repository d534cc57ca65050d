// SPDX-License-Identifier: GPL-2.0
/*
 * The "ktcp" generic netlink family: one handler per command. The UAPI
 * header include/uapi/linux/ktcp.h documents the protocol.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>

#include "ktcp_internal.h"
#include "test_hooks.h"
#include "droptcp/droptcp.h"

static struct genl_family ktcp_genl_family;

static struct netlink_range_validation ktcp_backlog_range = {
	.min = 1,
	.max = KTCP_BACKLOG_MAX,
};

static struct netlink_range_validation ktcp_idle_range = {
	.max = KTCP_IDLE_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation ktcp_head_timeout_range = {
	.min = 1,
	.max = KTCP_IDLE_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation ktcp_max_mem_range = {
	.max = KTCP_MAX_MEM_KB_MAX,
};

static struct netlink_range_validation ktcp_http_line_range = {
	.min = 64,
	.max = 32768,
};

static struct netlink_range_validation ktcp_http_header_range = {
	.min = 256,
	.max = 65536,
};

/* Every address attribute of the family is an in_addr or an in6_addr. */
int ktcp_validate_addr(const struct nlattr *attr,
		       struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == sizeof(struct in_addr) ||
	    nla_len(attr) == sizeof(struct in6_addr))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "address must be 4 bytes (IPv4) or 16 (IPv6)");
	return -EINVAL;
}

static struct netlink_range_validation ktcp_http_id_range = {
	.max = KTCP_HTTP_ID_MAX,
};

/* KTCP_OPT_A_HTTP_GROUPS: whole u32 gids, none of them (u32)-1. */
static int ktcp_validate_groups(const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	const u32 *gid = nla_data(attr);
	int i, n = nla_len(attr) / sizeof(u32);

	if (nla_len(attr) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "groups must be an array of u32 gids");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (gid[i] > KTCP_HTTP_ID_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a group id is out of range");
			return -ERANGE;
		}
	}
	return 0;
}

static const struct nla_policy ktcp_opt_policy[KTCP_OPT_A_MAX + 1] = {
	[KTCP_OPT_A_ECHO_WQ] = NLA_POLICY_MAX(NLA_U8, __KTCP_ECHO_WQ_MAX - 1),
	[KTCP_OPT_A_HTTP_ROOT] = { .type = NLA_NUL_STRING,
				   .len = KTCP_PATH_MAX },
	[KTCP_OPT_A_HTTP_LISTING] = NLA_POLICY_MAX(NLA_U8, 1),
	[KTCP_OPT_A_HTTP_KEEPALIVE_MAX] = { .type = NLA_U32 },
	[KTCP_OPT_A_HTTP_MAX_REQUEST_LINE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_http_line_range),
	[KTCP_OPT_A_HTTP_MAX_HEADER] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_http_header_range),
	[KTCP_OPT_A_HTTP_SENDFILE] = NLA_POLICY_MAX(NLA_U8, 1),
	[KTCP_OPT_A_HTTP_UID] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_http_id_range),
	[KTCP_OPT_A_HTTP_GID] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_http_id_range),
	[KTCP_OPT_A_HTTP_GROUPS] =
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, ktcp_validate_groups,
				       KTCP_HTTP_GROUPS_MAX * sizeof(u32)),
	[KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_head_timeout_range),
};

static const struct nla_policy ktcp_policy[KTCP_A_MAX + 1] = {
	[KTCP_A_SERVER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KTCP_A_SERVICE] = { .type = NLA_NUL_STRING,
			     .len = KTCP_SERVICE_NAME_MAX },
	[KTCP_A_ADDR] = KTCP_ADDR_POLICY,
	[KTCP_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KTCP_A_BACKLOG] = NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_backlog_range),
	[KTCP_A_MAX_CONNS] = { .type = NLA_U32 },
	[KTCP_A_IDLE_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_idle_range),
	[KTCP_A_LISTENERS] = NLA_POLICY_RANGE(NLA_U32, 1, KTCP_LISTENERS_MAX),
	[KTCP_A_OPTS] = NLA_POLICY_NESTED(ktcp_opt_policy),
	/* reply-only */
	[KTCP_A_STATS] = { .type = NLA_REJECT },
	[KTCP_A_LATENCY] = { .type = NLA_REJECT },
	/* SOCK_DROP (droptcp/drop_nl.c) */
	[KTCP_A_SOCK] = NLA_POLICY_NESTED(droptcp_sock_policy),
	[KTCP_A_FILTER] = NLA_POLICY_NESTED(droptcp_filter_policy),
	[KTCP_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KTCP_DROP_F_ALL),
	[KTCP_A_DROPPED] = { .type = NLA_REJECT },
	[KTCP_A_NOT_FOUND] = { .type = NLA_REJECT },
	[KTCP_A_MAX_MEM_KB] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ktcp_max_mem_range),
	[KTCP_A_CPUS] = { .type = NLA_NUL_STRING, .len = KTCP_CPUS_MAX },
	[KTCP_A_NAME] = { .type = NLA_NUL_STRING, .len = KTCP_NAME_MAX },
	/* notification-only */
	[KTCP_A_ACCESS] = { .type = NLA_REJECT },
};

/*
 * Services and the framework explain failures with static strings, which
 * NL_SET_ERR_MSG() cannot take as it wants a literal. A service's strings
 * live in its module, which may be unloaded as soon as ktcp_lock is
 * dropped, before netlink builds the ACK that carries the message: the
 * ACK gets ktcp's own copy instead. There is one copy per distinct text,
 * kept until the family goes, so they are only as many as the texts the
 * services have.
 */
struct ktcp_msg {
	struct list_head node;
	char text[];
};

static LIST_HEAD(ktcp_msgs); /* under ktcp_lock */

static const char *ktcp_msg_keep(const char *why)
{
	struct ktcp_msg *m;
	size_t len;

	lockdep_assert_held(&ktcp_lock);
	list_for_each_entry(m, &ktcp_msgs, node)
		if (!strcmp(m->text, why))
			return m->text;
	len = strlen(why) + 1;
	m = kmalloc(struct_size(m, text, len), GFP_KERNEL);
	if (!m)
		return NULL;
	memcpy(m->text, why, len);
	list_add(&m->node, &ktcp_msgs);
	return m->text;
}

static void ktcp_msgs_free(void)
{
	struct ktcp_msg *m, *tmp;

	list_for_each_entry_safe(m, tmp, &ktcp_msgs, node)
		kfree(m);
}

/* ktcp_lock held, so that the service behind @why is still loaded. */
static void ktcp_set_msg(struct genl_info *info, const char *why)
{
	if (why && info->extack)
		info->extack->_msg = ktcp_msg_keep(why);
}

/* --- building messages -------------------------------------------------- */

static int ktcp_put_addr(struct sk_buff *skb, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	const struct sockaddr_in *sin = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return nla_put_in_addr(skb, KTCP_A_ADDR,
				       sin->sin_addr.s_addr) ||
		       nla_put_u16(skb, KTCP_A_PORT, ntohs(sin->sin_port));
	return nla_put_in6_addr(skb, KTCP_A_ADDR, &sin6->sin6_addr) ||
	       nla_put_u16(skb, KTCP_A_PORT, ntohs(sin6->sin6_port));
}

static int ktcp_put_stats(struct sk_buff *skb, const u64 *v)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, KTCP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = KTCP_STATS_A_ACCEPTED; i <= KTCP_STATS_A_MAX; i++)
		if (nla_put_u64_64bit(skb, i, v[i], KTCP_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ktcp_put_opts(struct sk_buff *skb, const struct ktcp_opts *opts)
{
	struct nlattr *nest;

	if (!opts->present)
		return 0;
	nest = nla_nest_start(skb, KTCP_A_OPTS);
	if (!nest)
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_ECHO_WQ)) &&
	    nla_put_u8(skb, KTCP_OPT_A_ECHO_WQ, opts->echo_wq))
		return -EMSGSIZE;
	if (opts->http_root &&
	    nla_put_string(skb, KTCP_OPT_A_HTTP_ROOT, opts->http_root))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_LISTING)) &&
	    nla_put_u8(skb, KTCP_OPT_A_HTTP_LISTING, opts->http_listing))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_KEEPALIVE_MAX)) &&
	    nla_put_u32(skb, KTCP_OPT_A_HTTP_KEEPALIVE_MAX,
			opts->http_keepalive_max))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_MAX_REQUEST_LINE)) &&
	    nla_put_u32(skb, KTCP_OPT_A_HTTP_MAX_REQUEST_LINE,
			opts->http_max_request_line))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_MAX_HEADER)) &&
	    nla_put_u32(skb, KTCP_OPT_A_HTTP_MAX_HEADER, opts->http_max_header))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_SENDFILE)) &&
	    nla_put_u8(skb, KTCP_OPT_A_HTTP_SENDFILE, opts->http_sendfile))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_UID)) &&
	    nla_put_u32(skb, KTCP_OPT_A_HTTP_UID, opts->http_uid))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_GID)) &&
	    nla_put_u32(skb, KTCP_OPT_A_HTTP_GID, opts->http_gid))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_GROUPS)) &&
	    nla_put(skb, KTCP_OPT_A_HTTP_GROUPS,
		    opts->http_ngroups * sizeof(u32), opts->http_groups))
		return -EMSGSIZE;
	if ((opts->present & BIT(KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS)) &&
	    nla_put_u32(skb, KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS,
			opts->http_head_timeout_ms))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ktcp_put_cpus(struct sk_buff *skb, const struct ktcp_server *srv)
{
	char buf[KTCP_CPUS_MAX + 1];

	/* START and SET take no set that prints longer, and all is 0-N. */
	if (ktcp_server_cpus_print((struct ktcp_server *)srv, buf,
				   sizeof(buf)) >= sizeof(buf))
		return -EMSGSIZE;
	return nla_put_string(skb, KTCP_A_CPUS, buf);
}

static int ktcp_put_server(struct sk_buff *skb, const struct ktcp_server *srv)
{
	const struct ktcp_server_params *p = &srv->params;
	u64 stats[KTCP_STATS_A_MAX + 1];

	ktcp_server_stats(srv, stats);
	if (nla_put_u32(skb, KTCP_A_SERVER_ID, srv->id) ||
	    nla_put_string(skb, KTCP_A_SERVICE, srv->svc->name) ||
	    ktcp_put_addr(skb, &p->addr) ||
	    nla_put_u32(skb, KTCP_A_BACKLOG, p->backlog) ||
	    nla_put_u32(skb, KTCP_A_MAX_CONNS, p->max_conns) ||
	    nla_put_u32(skb, KTCP_A_IDLE_TIMEOUT_MS, p->idle_timeout_ms) ||
	    nla_put_u32(skb, KTCP_A_MAX_MEM_KB, p->max_mem_kb) ||
	    ktcp_put_cpus(skb, srv) ||
	    (p->name[0] && nla_put_string(skb, KTCP_A_NAME, p->name)) ||
	    nla_put_u32(skb, KTCP_A_LISTENERS, p->listeners) ||
	    ktcp_put_opts(skb, &srv->opts) || ktcp_put_stats(skb, stats))
		return -EMSGSIZE;
	return 0;
}

/* The server's service times (KTCP_A_LATENCY). */
static int ktcp_put_latency(struct sk_buff *skb, const struct ktcp_server *srv)
{
	struct nlattr *nest, *buckets;
	u64 count, sum;

	nest = nla_nest_start(skb, KTCP_A_LATENCY);
	if (!nest)
		return -EMSGSIZE;
	/* Summed straight into the message, 8-byte aligned. */
	buckets = nla_reserve_64bit(skb, KTCP_LATENCY_A_BUCKETS,
				    KTCP_LATENCY_BUCKETS * sizeof(u64),
				    KTCP_LATENCY_A_PAD);
	if (!buckets)
		return -EMSGSIZE;
	count = ktcp_latency_read(&srv->lat, nla_data(buckets), &sum);
	if (nla_put_u64_64bit(skb, KTCP_LATENCY_A_COUNT, count,
			      KTCP_LATENCY_A_PAD) ||
	    nla_put_u64_64bit(skb, KTCP_LATENCY_A_SUM_NS, sum,
			      KTCP_LATENCY_A_PAD) ||
	    nla_put_u8(skb, KTCP_LATENCY_A_MIN_SHIFT, KTCP_LATENCY_MIN_SHIFT) ||
	    nla_put_u8(skb, KTCP_LATENCY_A_SUB_BITS, KTCP_LATENCY_SUB_BITS))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ktcp_put_server_stats(struct sk_buff *skb,
				 const struct ktcp_server *srv)
{
	u64 stats[KTCP_STATS_A_MAX + 1];

	ktcp_server_stats(srv, stats);
	if (nla_put_u32(skb, KTCP_A_SERVER_ID, srv->id) ||
	    nla_put_string(skb, KTCP_A_SERVICE, srv->svc->name) ||
	    ktcp_put_stats(skb, stats) || ktcp_put_latency(skb, srv))
		return -EMSGSIZE;
	return 0;
}

typedef int (*ktcp_put_fn)(struct sk_buff *skb, const struct ktcp_server *srv);

/*
 * A server's message (ktcp_put_server()) holds its root, up to
 * KTCP_PATH_MAX chars, and at most this much of all the rest: the CPU
 * list, name and groups at their longest and the counters take about
 * 1.3 KiB.
 */
#define KTCP_SERVER_MSG_REST 2048

/* The payload of a server's message, for a root of @root_len chars. */
static size_t ktcp_server_msg_size(size_t root_len)
{
	return KTCP_SERVER_MSG_REST + root_len + 1;
}

/* One message about @srv in reply to @info. */
static int ktcp_reply_server(struct genl_info *info,
			     const struct ktcp_server *srv, ktcp_put_fn put)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(ktcp_server_msg_size(KTCP_PATH_MAX), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ktcp_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr || put(msg, srv)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Announce a server start, stop or change on the events group. */
void ktcp_genl_notify(struct ktcp_server *srv, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ktcp_genl_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, KTCP_A_SERVER_ID, srv->id) ||
	    nla_put_string(msg, KTCP_A_SERVICE, srv->svc->name) ||
	    ktcp_put_addr(msg, &srv->params.addr)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&ktcp_genl_family, srv->net, msg, 0, 0,
				GFP_KERNEL);
}

/*
 * The access log (kernel/access_log.c builds the records): the group
 * after "events" in ktcp_genl_mcgrps[].
 */
enum { KTCP_GRP_EVENTS, KTCP_GRP_ACCESS };

/*
 * The kernel's check for listeners is per protocol, not per netns: one
 * listener in any netns (a user namespace's root may listen in its own)
 * would make every server build a record per request, which nobody gets.
 * A record that no listener of its netns took quiets its server's records
 * for KTCP_ACCESS_QUIET_MS, so such a server pays at most one record per
 * period for each response under way when it ends. A listener that joins
 * meanwhile, or one that took no record of the server's (a full socket,
 * a socket filter), gets its records that much later.
 */
#define KTCP_ACCESS_QUIET_MS 50

bool ktcp_genl_access_wanted(struct ktcp_server *srv)
{
	int n = genl_has_listeners(&ktcp_genl_family, srv->net,
				   KTCP_GRP_ACCESS);

	return n > 0 && time_after_eq(jiffies, READ_ONCE(srv->log_quiet_until));
}

/* The header of a KTCP_CMD_ACCESS message, or NULL when it does not fit. */
void *ktcp_genl_access_put(struct sk_buff *skb)
{
	return genlmsg_put(skb, 0, 0, &ktcp_genl_family, 0, KTCP_CMD_ACCESS);
}

/*
 * Without sleeping. 0 when every listener got it; -ENOBUFS when one had
 * no room; -ESRCH when none of @srv's netns took it, which quiets @srv's
 * records for a while.
 */
int ktcp_genl_access_send(struct ktcp_server *srv, struct sk_buff *skb)
{
	int err = genlmsg_multicast_netns(&ktcp_genl_family, srv->net, skb, 0,
					  KTCP_GRP_ACCESS, GFP_NOWAIT);

	if (err == -ESRCH)
		WRITE_ONCE(srv->log_quiet_until,
			   jiffies + msecs_to_jiffies(KTCP_ACCESS_QUIET_MS));
	return err;
}

/* --- parsing requests ------------------------------------------------------ */

/* Fill p->addr from KTCP_A_ADDR / KTCP_A_PORT, keeping what is absent. */
static void ktcp_parse_addr(struct genl_info *info,
			    struct ktcp_server_params *p)
{
	struct sockaddr_in6 *sin6 = (void *)&p->addr;
	struct sockaddr_in *sin = (void *)&p->addr;
	struct nlattr *a = info->attrs[KTCP_A_ADDR];
	__be16 port = sin->sin_port; /* same offset in both */

	if (a) {
		memset(&p->addr, 0, sizeof(p->addr));
		if (nla_len(a) == sizeof(struct in_addr)) {
			sin->sin_family = AF_INET;
			sin->sin_addr.s_addr = nla_get_in_addr(a);
		} else {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = nla_get_in6_addr(a);
		}
		sin->sin_port = port;
	}
	if (info->attrs[KTCP_A_PORT])
		sin->sin_port = htons(nla_get_u16(info->attrs[KTCP_A_PORT]));
}

/* Settings that both START and SET take, as BIT(KTCP_A_*). */
static const u32 ktcp_param_attrs =
	BIT(KTCP_A_ADDR) | BIT(KTCP_A_PORT) | BIT(KTCP_A_BACKLOG) |
	BIT(KTCP_A_MAX_CONNS) | BIT(KTCP_A_IDLE_TIMEOUT_MS) |
	BIT(KTCP_A_MAX_MEM_KB);

static void ktcp_parse_params(struct genl_info *info,
			      struct ktcp_server_params *p)
{
	struct nlattr **a = info->attrs;
	int i;

	ktcp_parse_addr(info, p);
	if (a[KTCP_A_BACKLOG])
		p->backlog = nla_get_u32(a[KTCP_A_BACKLOG]);
	if (a[KTCP_A_MAX_CONNS])
		p->max_conns = nla_get_u32(a[KTCP_A_MAX_CONNS]);
	if (a[KTCP_A_IDLE_TIMEOUT_MS])
		p->idle_timeout_ms = nla_get_u32(a[KTCP_A_IDLE_TIMEOUT_MS]);
	if (a[KTCP_A_MAX_MEM_KB])
		p->max_mem_kb = nla_get_u32(a[KTCP_A_MAX_MEM_KB]);
	BUILD_BUG_ON(KTCP_A_MAX >= 32);
	for (i = 1; i <= KTCP_A_MAX; i++)
		if (a[i] && (ktcp_param_attrs & BIT(i)))
			p->given |= BIT(i);
}

/*
 * KTCP_A_CPUS into @mask, which the caller frees when *given, error or
 * not. Every CPU named must be online, and the set must print within
 * KTCP_CPUS_MAX chars: replies and dumps carry it printed, and a list
 * such as 0-255:1/2 (every other CPU) is short only as given.
 */
static int ktcp_parse_cpus(struct genl_info *info, cpumask_var_t *mask,
			   bool *given)
{
	struct nlattr *a = info->attrs[KTCP_A_CPUS];

	*given = false;
	if (!a)
		return 0;
	if (!zalloc_cpumask_var(mask, GFP_KERNEL))
		return -ENOMEM;
	*given = true;
	switch (cpulist_parse(nla_data(a), *mask)) {
	case 0:
		break;
	case -ERANGE: /* beyond nr_cpu_ids */
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "a CPU in the list does not exist");
		return -EINVAL;
	default:
		NL_SET_ERR_MSG_ATTR(
			info->extack, a,
			"not a CPU list (taskset -c's syntax: 0-3,8)");
		return -EINVAL;
	}
	if (cpumask_empty(*mask)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "the CPU list is empty");
		return -EINVAL;
	}
	if (!cpumask_subset(*mask, cpu_online_mask)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "a CPU in the list is not online");
		return -EINVAL;
	}
	/* The test build's lower limit leaves the message as it is. */
	if (snprintf(NULL, 0, "%*pbl", cpumask_pr_args(*mask)) >
	    min_not_zero(ktcp_test_cpus_max(), KTCP_CPUS_MAX)) {
		NL_SET_ERR_MSG_ATTR(
			info->extack, a,
			"the CPU list prints longer than 255 chars (as ranges and single CPUs): name fewer or more contiguous CPUs");
		return -EINVAL;
	}
	return 0;
}

static int ktcp_parse_opts(struct genl_info *info, struct ktcp_opts *opts)
{
	struct nlattr *tb[KTCP_OPT_A_MAX + 1];
	int err, i;

	memset(opts, 0, sizeof(*opts));
	if (!info->attrs[KTCP_A_OPTS])
		return 0;
	err = nla_parse_nested(tb, KTCP_OPT_A_MAX, info->attrs[KTCP_A_OPTS],
			       ktcp_opt_policy, info->extack);
	if (err)
		return err;
	for (i = 1; i <= KTCP_OPT_A_MAX; i++)
		if (tb[i])
			opts->present |= BIT(i);
	if (tb[KTCP_OPT_A_ECHO_WQ])
		opts->echo_wq = nla_get_u8(tb[KTCP_OPT_A_ECHO_WQ]);
	if (tb[KTCP_OPT_A_HTTP_ROOT])
		opts->http_root = nla_data(tb[KTCP_OPT_A_HTTP_ROOT]);
	if (tb[KTCP_OPT_A_HTTP_LISTING])
		opts->http_listing = nla_get_u8(tb[KTCP_OPT_A_HTTP_LISTING]);
	if (tb[KTCP_OPT_A_HTTP_KEEPALIVE_MAX])
		opts->http_keepalive_max =
			nla_get_u32(tb[KTCP_OPT_A_HTTP_KEEPALIVE_MAX]);
	if (tb[KTCP_OPT_A_HTTP_MAX_REQUEST_LINE])
		opts->http_max_request_line =
			nla_get_u32(tb[KTCP_OPT_A_HTTP_MAX_REQUEST_LINE]);
	if (tb[KTCP_OPT_A_HTTP_MAX_HEADER])
		opts->http_max_header =
			nla_get_u32(tb[KTCP_OPT_A_HTTP_MAX_HEADER]);
	if (tb[KTCP_OPT_A_HTTP_SENDFILE])
		opts->http_sendfile = nla_get_u8(tb[KTCP_OPT_A_HTTP_SENDFILE]);
	if (tb[KTCP_OPT_A_HTTP_UID])
		opts->http_uid = nla_get_u32(tb[KTCP_OPT_A_HTTP_UID]);
	if (tb[KTCP_OPT_A_HTTP_GID])
		opts->http_gid = nla_get_u32(tb[KTCP_OPT_A_HTTP_GID]);
	if (tb[KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS])
		opts->http_head_timeout_ms =
			nla_get_u32(tb[KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS]);
	if (tb[KTCP_OPT_A_HTTP_GROUPS]) {
		/* The policy bounds it to KTCP_HTTP_GROUPS_MAX whole gids. */
		opts->http_ngroups =
			nla_len(tb[KTCP_OPT_A_HTTP_GROUPS]) / sizeof(u32);
		memcpy(opts->http_groups, nla_data(tb[KTCP_OPT_A_HTTP_GROUPS]),
		       opts->http_ngroups * sizeof(u32));
	}
	return 0;
}

static void ktcp_unknown_service(struct genl_info *info, const char *name)
{
#ifdef NL_SET_ERR_MSG_FMT
	char known[64];

	ktcp_service_names(known, sizeof(known));
	NL_SET_ERR_MSG_FMT(info->extack, "unknown service \"%s\"; known: %s",
			   name, known[0] ? known : "none");
#else
	/* 6.1 has no formatted messages; SERVICE_GET lists the known ones */
	NL_SET_ERR_MSG_ATTR(
		info->extack, info->attrs[KTCP_A_SERVICE],
		"unknown service (SERVICE_GET lists the known ones)");
#endif
}

/*
 * The name becomes part of a module alias to load; keep it plain ASCII.
 * Not islower(): the kernel's ctype is Latin-1, where 0xDF-0xFF are lower
 * case letters.
 */
static bool ktcp_service_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!(*name >= 'a' && *name <= 'z') &&
		    !(*name >= '0' && *name <= '9') && *name != '-' &&
		    *name != '_')
			return false;
	return true;
}

/* A server's name: printable, safe in a file, a label or a shell word. */
static bool ktcp_server_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!(*name >= 'a' && *name <= 'z') &&
		    !(*name >= 'A' && *name <= 'Z') &&
		    !(*name >= '0' && *name <= '9') && *name != '-' &&
		    *name != '_' && *name != '.')
			return false;
	return true;
}

/* KTCP_A_NAME into p->name; 0, or -EINVAL with the reason. */
static int ktcp_parse_name(struct genl_info *info, struct ktcp_server_params *p)
{
	struct nlattr *a = info->attrs[KTCP_A_NAME];

	if (!a)
		return 0;
	if (!ktcp_server_name_ok(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(
			info->extack, a,
			"server names are 1 or more of A-Z a-z 0-9 . _ -");
		return -EINVAL;
	}
	/* The policy bounds it to KTCP_NAME_MAX chars. */
	strscpy(p->name, nla_data(a), sizeof(p->name));
	return 0;
}

/* ktcp_lock held: whether another server of @net is called @name. */
static bool ktcp_name_taken(struct net *net, const char *name)
{
	struct ktcp_server *srv;
	int id;

	lockdep_assert_held(&ktcp_lock);
	if (!*name)
		return false;
	for (id = 0; (srv = idr_get_next(&ktcp_net(net)->servers, &id)); id++)
		if (!strcmp(srv->params.name, name))
			return true;
	return false;
}

/* ktcp_lock held. */
static struct ktcp_server *ktcp_get_server(struct genl_info *info)
{
	struct ktcp_server *srv;

	if (GENL_REQ_ATTR_CHECK(info, KTCP_A_SERVER_ID))
		return ERR_PTR(-EINVAL);
	srv = ktcp_net_find(genl_info_net(info),
			    nla_get_u32(info->attrs[KTCP_A_SERVER_ID]));
	if (!srv) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KTCP_A_SERVER_ID],
				    "no server with this id in this netns");
		return ERR_PTR(-ENOENT);
	}
	return srv;
}

/* --- command handlers ------------------------------------------------------ */

static int ktcp_start_reply(struct genl_info *info, u32 id)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ktcp_genl_family, 0,
				KTCP_CMD_SERVER_START);
	if (!hdr || nla_put_u32(msg, KTCP_A_SERVER_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int ktcp_nl_server_start(struct sk_buff *skb, struct genl_info *info)
{
	struct ktcp_server_params p = {
		.backlog = KTCP_DEFAULT_BACKLOG,
		.listeners = 1,
	};
	const char *name, *why = NULL;
	struct ktcp_service *svc;
	struct ktcp_server *srv;
	struct ktcp_opts opts;
	cpumask_var_t cpus;
	bool cpus_given;
	u32 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KTCP_A_SERVICE) ||
	    GENL_REQ_ATTR_CHECK(info, KTCP_A_PORT))
		return -EINVAL;
	name = nla_data(info->attrs[KTCP_A_SERVICE]);
	/* Default: IPv6 any, which takes IPv4 too unless bindv6only. */
	p.addr.ss_family = AF_INET6;
	ktcp_parse_params(info, &p);
	if (info->attrs[KTCP_A_LISTENERS])
		p.listeners = nla_get_u32(info->attrs[KTCP_A_LISTENERS]);
	err = ktcp_parse_opts(info, &opts);
	if (err)
		return err;

	if (!ktcp_service_name_ok(name)) {
		NL_SET_ERR_MSG_ATTR(
			info->extack, info->attrs[KTCP_A_SERVICE],
			"service names are made of a-z, 0-9, - and _");
		return -EINVAL;
	}
	err = ktcp_parse_name(info, &p);
	if (err)
		return err;
	err = ktcp_parse_cpus(info, &cpus, &cpus_given);
	if (err)
		goto out_cpus;
	if (cpus_given)
		p.cpus = cpus;

	mutex_lock(&ktcp_lock);
	svc = ktcp_service_find(name);
	err = -ENOENT;
	if (!svc) {
		ktcp_unknown_service(info, name);
		goto out;
	}
	/* After the find, which drops ktcp_lock to load a module. */
	err = -EEXIST;
	if (ktcp_name_taken(genl_info_net(info), p.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KTCP_A_NAME],
				    "a server of this netns has this name");
		goto out;
	}
	err = -EINVAL;
	if (opts.present & ~svc->opts_mask) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KTCP_A_OPTS],
				    "option not supported by this service");
		goto out;
	}
	if (svc->configure) {
		err = svc->configure(&p, &opts, &why);
		if (err)
			goto out;
	}
	srv = ktcp_server_start(genl_info_net(info), svc, &p, &opts, &why);
	err = PTR_ERR_OR_ZERO(srv);
	if (err)
		goto out;
	id = srv->id;
	ktcp_genl_notify(srv, KTCP_CMD_SERVER_STARTED);
	err = ktcp_start_reply(info, id);
out:
	ktcp_set_msg(info, why);
	mutex_unlock(&ktcp_lock);
	if (err)
		ktcp_test_delay(KTCP_TEST_START_FAILED);
out_cpus:
	if (cpus_given)
		free_cpumask_var(cpus);
	return err;
}

static int ktcp_nl_server_stop(struct sk_buff *skb, struct genl_info *info)
{
	struct ktcp_server *srv;
	int err = 0;

	mutex_lock(&ktcp_lock);
	srv = ktcp_get_server(info);
	if (IS_ERR(srv)) {
		err = PTR_ERR(srv);
	} else {
		ktcp_genl_notify(srv, KTCP_CMD_SERVER_STOPPED);
		ktcp_server_stop(srv);
	}
	mutex_unlock(&ktcp_lock);
	return err;
}

static int ktcp_nl_server_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ktcp_server_params p;
	struct ktcp_server *srv;
	const char *why = NULL;
	cpumask_var_t cpus;
	bool cpus_given;
	int err;

	if (info->attrs[KTCP_A_SERVICE] || info->attrs[KTCP_A_LISTENERS] ||
	    info->attrs[KTCP_A_OPTS] || info->attrs[KTCP_A_NAME]) {
		NL_SET_ERR_MSG(
			info->extack,
			"service, listeners, options and name are fixed at start");
		return -EINVAL;
	}
	err = ktcp_parse_cpus(info, &cpus, &cpus_given);
	if (err)
		goto out_cpus;
	mutex_lock(&ktcp_lock);
	srv = ktcp_get_server(info);
	err = PTR_ERR_OR_ZERO(srv);
	if (err)
		goto out;
	p = srv->params;
	ktcp_parse_params(info, &p);
	if (cpus_given)
		p.cpus = cpus;
	err = ktcp_server_update(srv, &p, &why);
	if (!err) {
		ktcp_net(srv->net)->generation++;
		ktcp_genl_notify(srv, KTCP_CMD_SERVER_CHANGED);
	}
out:
	ktcp_set_msg(info, why);
	mutex_unlock(&ktcp_lock);
out_cpus:
	if (cpus_given)
		free_cpumask_var(cpus);
	return err;
}

static int ktcp_nl_server_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ktcp_server *srv;
	int err;

	mutex_lock(&ktcp_lock);
	srv = ktcp_get_server(info);
	err = IS_ERR(srv) ? PTR_ERR(srv) :
			    ktcp_reply_server(info, srv, ktcp_put_server);
	mutex_unlock(&ktcp_lock);
	return err;
}

/*
 * One message per server of the netns, resuming after cb->args[0]. A
 * server whose message does not fit an empty buffer ends the dump in
 * EMSGSIZE, not early as if it were over.
 */
static int ktcp_dump_servers(struct sk_buff *skb, struct netlink_callback *cb,
			     u8 cmd, ktcp_put_fn put)
{
	struct ktcp_net *kn = ktcp_net(sock_net(skb->sk));
	struct ktcp_server *srv;
	int id = cb->args[0], ret;
	void *hdr;

	mutex_lock(&ktcp_lock);
	cb->seq = kn->generation;
	while ((srv = idr_get_next(&kn->servers, &id))) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ktcp_genl_family,
				  NLM_F_MULTI, cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (put(skb, srv)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		id++;
	}
	cb->args[0] = id;
	ret = skb->len;
	if (srv && !ret) {
		NL_SET_ERR_MSG_MOD(
			cb->extack,
			"a server's message does not fit in the dump's buffer");
		ret = -EMSGSIZE;
	}
	mutex_unlock(&ktcp_lock);
	return ret;
}

/*
 * A dump's first buffer is as large as the largest read its socket has
 * made, and at least NLMSG_GOODSIZE: on a socket that has read nothing
 * yet, a server with a long root did not fit it. Ask for room for the
 * largest message of the netns's servers, and no more, so that a reader
 * of 4 KiB reads still gets buffers it can read whole while every
 * server's message fits one.
 */
static int ktcp_nl_server_dump_start(struct netlink_callback *cb)
{
	struct ktcp_net *kn = ktcp_net(sock_net(cb->skb->sk));
	const struct ktcp_server *srv;
	size_t root = 0;
	int id = 0;

	mutex_lock(&ktcp_lock);
	for (; (srv = idr_get_next(&kn->servers, &id)); id++)
		if (srv->opts.http_root)
			root = max(root, strlen(srv->opts.http_root));
	mutex_unlock(&ktcp_lock);
	cb->min_dump_alloc =
		nlmsg_total_size(GENL_HDRLEN + ktcp_server_msg_size(root));
	return 0;
}

static int ktcp_nl_server_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ktcp_dump_servers(skb, cb, KTCP_CMD_SERVER_GET, ktcp_put_server);
}

/* Totals over every server of the netns. */
static int ktcp_put_totals(struct sk_buff *skb, struct net *net)
{
	u64 sum[KTCP_STATS_A_MAX + 1] = {}, v[KTCP_STATS_A_MAX + 1];
	struct ktcp_server *srv;
	int id = 0, i;

	while ((srv = idr_get_next(&ktcp_net(net)->servers, &id))) {
		ktcp_server_stats(srv, v);
		for (i = 0; i <= KTCP_STATS_A_MAX; i++)
			sum[i] += v[i];
		id++;
	}
	/* Not a server's: sockets dropped by SOCK_DROP in this netns. */
	sum[KTCP_STATS_A_DROPPED] = atomic64_read(&ktcp_net(net)->sock_dropped);
	return ktcp_put_stats(skb, sum);
}

static int ktcp_reply_totals(struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ktcp_genl_family, 0,
				KTCP_CMD_STATS_GET);
	if (!hdr || ktcp_put_totals(msg, genl_info_net(info))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int ktcp_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ktcp_server *srv;
	int err;

	mutex_lock(&ktcp_lock);
	if (!info->attrs[KTCP_A_SERVER_ID]) {
		err = ktcp_reply_totals(info);
	} else {
		srv = ktcp_get_server(info);
		err = IS_ERR(srv) ? PTR_ERR(srv) :
				    ktcp_reply_server(info, srv,
						      ktcp_put_server_stats);
	}
	mutex_unlock(&ktcp_lock);
	return err;
}

static int ktcp_nl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ktcp_dump_servers(skb, cb, KTCP_CMD_STATS_GET,
				 ktcp_put_server_stats);
}

static int ktcp_nl_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct ktcp_net *kn = ktcp_net(genl_info_net(info));
	struct ktcp_server *srv;
	int id = 0, err = 0;

	mutex_lock(&ktcp_lock);
	if (info->attrs[KTCP_A_SERVER_ID]) {
		srv = ktcp_get_server(info);
		if (IS_ERR(srv)) {
			err = PTR_ERR(srv);
		} else {
			ktcp_stats_reset(&srv->stats);
			ktcp_latency_reset(&srv->lat);
		}
	} else {
		while ((srv = idr_get_next(&kn->servers, &id))) {
			ktcp_stats_reset(&srv->stats);
			ktcp_latency_reset(&srv->lat);
			id++;
		}
		atomic64_set(&kn->sock_dropped, 0);
	}
	mutex_unlock(&ktcp_lock);
	return err;
}

/* Services are global; cb->args[0] counts those already sent. */
static int ktcp_nl_service_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct ktcp_service *svc = NULL;
	long i = 0;
	void *hdr;

	mutex_lock(&ktcp_lock);
	while ((svc = ktcp_service_next(svc))) {
		if (i++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ktcp_genl_family,
				  NLM_F_MULTI, KTCP_CMD_SERVICE_GET);
		if (!hdr)
			break;
		if (nla_put_string(skb, KTCP_A_SERVICE, svc->name)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
	mutex_unlock(&ktcp_lock);
	return skb->len;
}

static const struct genl_small_ops ktcp_genl_ops[] = {
	{
		.cmd = KTCP_CMD_SERVER_START,
		.flags = GENL_ADMIN_PERM,
		.doit = ktcp_nl_server_start,
	},
	{
		.cmd = KTCP_CMD_SERVER_STOP,
		.flags = GENL_ADMIN_PERM,
		.doit = ktcp_nl_server_stop,
	},
	{
		.cmd = KTCP_CMD_SERVER_SET,
		.flags = GENL_ADMIN_PERM,
		.doit = ktcp_nl_server_set,
	},
	{
		.cmd = KTCP_CMD_STATS_GET,
		.doit = ktcp_nl_stats_get,
		.dumpit = ktcp_nl_stats_dump,
	},
	{
		.cmd = KTCP_CMD_STATS_RESET,
		.flags = GENL_ADMIN_PERM,
		.doit = ktcp_nl_stats_reset,
	},
	{
		.cmd = KTCP_CMD_SERVICE_GET,
		.dumpit = ktcp_nl_service_dump,
	},
};

/* Drop by tuple; the work and the filter dump are in droptcp/drop_nl.c. */
static int ktcp_nl_sock_drop(struct sk_buff *skb, struct genl_info *info)
{
	return droptcp_nl_doit(&ktcp_genl_family, info);
}

/*
 * SERVER_GET's dump starts by asking for buffers that hold the largest
 * server message, and SOCK_DROP's has a start and a done (the filter's
 * state, and the event once the whole dump is over): small ops carry
 * neither.
 */
static const struct genl_ops ktcp_genl_full_ops[] = {
	{
		.cmd = KTCP_CMD_SERVER_GET,
		.doit = ktcp_nl_server_get,
		.start = ktcp_nl_server_dump_start,
		.dumpit = ktcp_nl_server_dump,
	},
	{
		.cmd = KTCP_CMD_SOCK_DROP,
		.flags = GENL_ADMIN_PERM,
		.doit = ktcp_nl_sock_drop,
		.start = droptcp_nl_start,
		.dumpit = droptcp_nl_dumpit,
		.done = droptcp_nl_done,
	},
};

/* In the order of KTCP_GRP_*. */
static const struct genl_multicast_group ktcp_genl_mcgrps[] = {
	[KTCP_GRP_EVENTS] = { .name = KTCP_MCGRP_EVENTS },
	/* Clients' addresses and requests: for the netns's admin only. */
	[KTCP_GRP_ACCESS] = { .name = KTCP_MCGRP_ACCESS,
			      .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family ktcp_genl_family __ro_after_init = {
	.name = KTCP_GENL_NAME,
	.version = KTCP_GENL_VERSION,
	.maxattr = KTCP_A_MAX,
	.policy = ktcp_policy,
	.netnsok = true,
	/* ktcp_lock serialises us; stopping a server must not hold genl_mutex */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = ktcp_genl_ops,
	.n_small_ops = ARRAY_SIZE(ktcp_genl_ops),
	.ops = ktcp_genl_full_ops,
	.n_ops = ARRAY_SIZE(ktcp_genl_full_ops),
	.mcgrps = ktcp_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ktcp_genl_mcgrps),
};

int __init ktcp_genl_init(void)
{
	return genl_register_family(&ktcp_genl_family);
}

void ktcp_genl_exit(void)
{
	genl_unregister_family(&ktcp_genl_family);
	/* No request is running: unregistering waited for them. */
	ktcp_msgs_free();
}
