// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Build ktcp requests and parse ktcp replies. No sockets here: every
 * function works on an nl_msg or an nlmsghdr, so the unit tests can build
 * a request and parse it back, or synthesize a reply and parse it.
 *
 * Parsing is lenient in one way only: attributes this library does not
 * know (a newer kernel's) are skipped. Known attributes with a wrong
 * length are an error (-EBADMSG): a reply we cannot trust is not half
 * used.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"

_Static_assert(KTCP_SERVICE_LEN == KTCP_SERVICE_NAME_MAX + 1,
	       "service name length differs from the UAPI");
_Static_assert((int)KTCP_WQ_UNBOUND == (int)KTCP_ECHO_WQ_UNBOUND &&
		       (int)KTCP_WQ_PERCPU == (int)KTCP_ECHO_WQ_PERCPU,
	       "workqueue values differ from the UAPI");
/*
 * The sizes ktcp.h promises: a new field takes reserved space, and these
 * stay (the ABI baseline, `make check-abi`, checks the layout too).
 */
_Static_assert(sizeof(struct ktcp_stats) == KTCP_STATS_SLOTS * 8 &&
		       offsetof(struct ktcp_stats, evicted) ==
			       (KTCP_STATS_A_EVICTED - KTCP_STATS_A_ACCEPTED +
				1) * 8,
	       "struct ktcp_stats: 64 slots, has and then a counter per bit");
_Static_assert(sizeof(struct ktcp_latency) == 1088 &&
		       KTCP_LATENCY_BUCKETS <= KTCP_LATENCY_SLOTS,
	       "struct ktcp_latency: 1088 bytes, room for the kernel's buckets");
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct ktcp_server_cfg) == 256 &&
		       sizeof(struct ktcp_server) == 1024 &&
		       sizeof(struct ktcp_event) == 128 &&
		       sizeof(struct ktcp_log_record) == 256,
	       "libktcp struct sizes changed");
#endif

/*
 * Room for any request. A start's or a set's, with a root of
 * KTCP_PATH_MAX chars and its CPU list, name and groups at their
 * longest, is larger than the page nlmsg_alloc() gives, which failed
 * such a start with ENOMEM.
 */
#define KTCP_MSG_SIZE 8192

int ktcp_msg_new(int family, uint8_t cmd, int flags, struct nl_msg **msgp)
{
	struct nl_msg *msg = nlmsg_alloc_size(KTCP_MSG_SIZE);

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 KTCP_GENL_VERSION)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

int ktcp_msg_getfamily(const char *name, struct nl_msg **msgp)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

static int put_addr(struct nl_msg *msg, const struct ktcp_addr *addr)
{
	if (addr->family == AF_INET)
		return nla_put(msg, KTCP_A_ADDR, 4, &addr->v4);
	if (addr->family == AF_INET6)
		return nla_put(msg, KTCP_A_ADDR, 16, &addr->v6);
	return -1;
}

/* The attributes that start and set share. */
static int put_common(struct nl_msg *msg, const struct ktcp_server_cfg *cfg)
{
	uint64_t has = cfg->has;

	if ((has & KTCP_HAS_ADDR) && put_addr(msg, &cfg->addr) < 0)
		return -1;
	if ((has & KTCP_HAS_PORT) && nla_put_u16(msg, KTCP_A_PORT, cfg->port))
		return -1;
	if ((has & KTCP_HAS_BACKLOG) &&
	    nla_put_u32(msg, KTCP_A_BACKLOG, cfg->backlog))
		return -1;
	if ((has & KTCP_HAS_MAX_CONNS) &&
	    nla_put_u32(msg, KTCP_A_MAX_CONNS, cfg->max_conns))
		return -1;
	if ((has & KTCP_HAS_IDLE_TIMEOUT) &&
	    nla_put_u32(msg, KTCP_A_IDLE_TIMEOUT_MS, cfg->idle_timeout_ms))
		return -1;
	if ((has & KTCP_HAS_MAX_MEM) &&
	    nla_put_u32(msg, KTCP_A_MAX_MEM_KB, cfg->max_mem_kb))
		return -1;
	if ((has & KTCP_HAS_CPUS) &&
	    nla_put_string(msg, KTCP_A_CPUS, cfg->cpus))
		return -1;
	return 0;
}

#define HTTP_OPTS                                                       \
	(KTCP_HAS_HTTP_ROOT | KTCP_HAS_HTTP_LISTING |                   \
	 KTCP_HAS_HTTP_KEEPALIVE_MAX | KTCP_HAS_HTTP_MAX_REQUEST_LINE | \
	 KTCP_HAS_HTTP_MAX_HEADER | KTCP_HAS_HTTP_SENDFILE |            \
	 KTCP_HAS_HTTP_USER | KTCP_HAS_HTTP_HEAD_TIMEOUT)
/* What start and set take: anything else in has is refused. */
#define SET_BITS                                                         \
	(KTCP_HAS_ADDR | KTCP_HAS_PORT | KTCP_HAS_BACKLOG |              \
	 KTCP_HAS_MAX_CONNS | KTCP_HAS_IDLE_TIMEOUT | KTCP_HAS_MAX_MEM | \
	 KTCP_HAS_CPUS)
#define START_BITS                                                      \
	(SET_BITS | KTCP_HAS_LISTENERS | KTCP_HAS_ECHO_WQ | HTTP_OPTS | \
	 KTCP_HAS_NAME)

/* The user to serve files as: uid, gid and groups, always together. */
static int put_http_user(struct nl_msg *msg, const struct ktcp_server_cfg *cfg)
{
	if (nla_put_u32(msg, KTCP_OPT_A_HTTP_UID, cfg->http_uid) ||
	    nla_put_u32(msg, KTCP_OPT_A_HTTP_GID, cfg->http_gid) ||
	    nla_put(msg, KTCP_OPT_A_HTTP_GROUPS,
		    (int)(cfg->http_ngroups * sizeof(uint32_t)),
		    cfg->http_groups))
		return -1;
	return 0;
}

static int put_http_opts(struct nl_msg *msg, const struct ktcp_server_cfg *cfg)
{
	uint64_t has = cfg->has;

	if ((has & KTCP_HAS_HTTP_ROOT) &&
	    nla_put_string(msg, KTCP_OPT_A_HTTP_ROOT, cfg->http_root))
		return -1;
	if ((has & KTCP_HAS_HTTP_LISTING) &&
	    nla_put_u8(msg, KTCP_OPT_A_HTTP_LISTING, cfg->http_listing))
		return -1;
	if ((has & KTCP_HAS_HTTP_KEEPALIVE_MAX) &&
	    nla_put_u32(msg, KTCP_OPT_A_HTTP_KEEPALIVE_MAX,
			cfg->http_keepalive_max))
		return -1;
	if ((has & KTCP_HAS_HTTP_MAX_REQUEST_LINE) &&
	    nla_put_u32(msg, KTCP_OPT_A_HTTP_MAX_REQUEST_LINE,
			cfg->http_max_request_line))
		return -1;
	if ((has & KTCP_HAS_HTTP_MAX_HEADER) &&
	    nla_put_u32(msg, KTCP_OPT_A_HTTP_MAX_HEADER, cfg->http_max_header))
		return -1;
	if ((has & KTCP_HAS_HTTP_SENDFILE) &&
	    nla_put_u8(msg, KTCP_OPT_A_HTTP_SENDFILE, cfg->http_sendfile))
		return -1;
	if ((has & KTCP_HAS_HTTP_USER) && put_http_user(msg, cfg) < 0)
		return -1;
	if ((has & KTCP_HAS_HTTP_HEAD_TIMEOUT) &&
	    nla_put_u32(msg, KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS,
			cfg->http_head_timeout_ms))
		return -1;
	return 0;
}

static int put_opts(struct nl_msg *msg, const struct ktcp_server_cfg *cfg)
{
	struct nlattr *nest;

	if (!(cfg->has & (KTCP_HAS_ECHO_WQ | HTTP_OPTS)))
		return 0;
	/* Strict validation in the kernel wants NLA_F_NESTED on nests. */
	nest = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	if (!nest)
		return -1;
	if ((cfg->has & KTCP_HAS_ECHO_WQ) &&
	    nla_put_u8(msg, KTCP_OPT_A_ECHO_WQ, cfg->echo_wq))
		return -1;
	if (put_http_opts(msg, cfg) < 0)
		return -1;
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

/* Why the user of cfg cannot be sent, or NULL. */
static const char *http_user_invalid(const struct ktcp_server_cfg *cfg)
{
	uint32_t i;

	if (cfg->http_uid > KTCP_HTTP_ID_MAX ||
	    cfg->http_gid > KTCP_HTTP_ID_MAX)
		return "the uid and gid must be 0 to 4294967294";
	if (cfg->http_ngroups > KTCP_HTTP_GROUPS_MAX)
		return "at most 64 supplementary groups can be given";
	if (cfg->http_ngroups && !cfg->http_groups)
		return "http_ngroups is not 0, but http_groups is NULL";
	for (i = 0; i < cfg->http_ngroups; i++)
		if (cfg->http_groups[i] > KTCP_HTTP_ID_MAX)
			return "a group id must be 0 to 4294967294";
	return NULL;
}

/*
 * Why cfg asks for something this library does not know, or NULL: a has
 * bit outside known, or a reserved field that is not zero (a field of a
 * newer header that an older library would silently drop).
 */
static const char *cfg_unknown(const struct ktcp_server_cfg *cfg,
			       uint64_t known)
{
	if (cfg->has & ~known)
		return "the configuration has a 'has' bit this library does not know";
	if (!ktcp_zeroed(cfg->reserved, sizeof(cfg->reserved)))
		return "the configuration's reserved space is not zero";
	return NULL;
}

/*
 * Why cfg's CPU list cannot be sent, or NULL. Only what is cheap to see
 * here: which CPUs exist, are online, and whether ranges go up is the
 * kernel's to say (it parses the list as taskset -c does).
 */
static const char *cpus_invalid(const struct ktcp_server_cfg *cfg)
{
	const char *why =
		"the CPU list must be 1 to 255 characters of digits, ',' and '-' (e.g. 0-3,8)";
	size_t len;

	if (!(cfg->has & KTCP_HAS_CPUS))
		return NULL;
	if (!cfg->cpus)
		return why;
	len = strnlen(cfg->cpus, KTCP_CPUS_MAX + 1);
	if (len == 0 || len > KTCP_CPUS_MAX ||
	    strspn(cfg->cpus, "0123456789,-") != len)
		return why;
	return NULL;
}

/* Why cfg's server name cannot be sent, or NULL. */
static const char *name_invalid(const struct ktcp_server_cfg *cfg)
{
	size_t len;

	if (!(cfg->has & KTCP_HAS_NAME))
		return NULL;
	if (!cfg->name)
		return "the server name is NULL";
	len = strnlen(cfg->name, KTCP_NAME_MAX + 1);
	if (len == 0 || len > KTCP_NAME_MAX ||
	    strspn(cfg->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			      "abcdefghijklmnopqrstuvwxyz0123456789._-") != len)
		return "the server name must be 1 to 63 characters of A-Z a-z 0-9 . _ -";
	return NULL;
}

static bool addr_valid(const struct ktcp_server_cfg *cfg)
{
	int family = cfg->addr.family;

	return !(cfg->has & KTCP_HAS_ADDR) || family == AF_INET ||
	       family == AF_INET6;
}

int ktcp_msg_server_start(int family, const struct ktcp_server_cfg *cfg,
			  struct nl_msg **msgp, const char **why)
{
	size_t len = strnlen(cfg->service, sizeof(cfg->service));
	struct nl_msg *msg;
	int err;

	*why = cfg_unknown(cfg, START_BITS);
	if (*why)
		return -EINVAL;
	if (len == 0 || len >= sizeof(cfg->service)) {
		*why = "a service name of 1 to 15 characters is required";
		return -EINVAL;
	}
	if (!(cfg->has & KTCP_HAS_PORT)) {
		*why = "a port is required";
		return -EINVAL;
	}
	if (!addr_valid(cfg)) {
		*why = "the address is neither IPv4 nor IPv6";
		return -EAFNOSUPPORT;
	}
	*why = cpus_invalid(cfg);
	if (!*why)
		*why = name_invalid(cfg);
	if (*why)
		return -EINVAL;
	if ((cfg->has & KTCP_HAS_HTTP_ROOT) &&
	    (!cfg->http_root || cfg->http_root[0] != '/' ||
	     strlen(cfg->http_root) > KTCP_PATH_MAX)) {
		*why = "the document root must be an absolute path of at most 4095 characters";
		return -EINVAL;
	}
	if (cfg->has & KTCP_HAS_HTTP_USER) {
		*why = http_user_invalid(cfg);
		if (*why)
			return -EINVAL;
	}
	err = ktcp_msg_new(family, KTCP_CMD_SERVER_START, 0, &msg);
	if (err)
		return err;
	if (nla_put_string(msg, KTCP_A_SERVICE, cfg->service) ||
	    put_common(msg, cfg) < 0 ||
	    ((cfg->has & KTCP_HAS_LISTENERS) &&
	     nla_put_u32(msg, KTCP_A_LISTENERS, cfg->listeners)) ||
	    ((cfg->has & KTCP_HAS_NAME) &&
	     nla_put_string(msg, KTCP_A_NAME, cfg->name)) ||
	    put_opts(msg, cfg) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

int ktcp_msg_server_set(int family, uint32_t id,
			const struct ktcp_server_cfg *cfg, struct nl_msg **msgp,
			const char **why)
{
	struct nl_msg *msg;
	int err;

	*why = cfg_unknown(cfg, START_BITS);
	if (*why)
		return -EINVAL;
	/* Rejected here because SERVER_SET does not take them at all. */
	if (cfg->has & ~SET_BITS) {
		*why = "listeners and service options of a running server cannot be changed";
		return -EINVAL;
	}
	if (!(cfg->has & SET_BITS)) {
		*why = "nothing to change";
		return -EINVAL;
	}
	if (!addr_valid(cfg)) {
		*why = "the address is neither IPv4 nor IPv6";
		return -EAFNOSUPPORT;
	}
	*why = cpus_invalid(cfg);
	if (*why)
		return -EINVAL;
	err = ktcp_msg_new(family, KTCP_CMD_SERVER_SET, 0, &msg);
	if (err)
		return err;
	if (nla_put_u32(msg, KTCP_A_SERVER_ID, id) || put_common(msg, cfg)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

/* A request with just a server id, or none when id is 0. */
int ktcp_msg_id(int family, uint8_t cmd, uint32_t id, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	err = ktcp_msg_new(family, cmd, 0, &msg);
	if (err)
		return err;
	if (id && nla_put_u32(msg, KTCP_A_SERVER_ID, id)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

/* --- parsing ----------------------------------------------------------- */

/* A nest whose contents are whole attributes, with nothing left over. */
static int parse_nest(struct nlattr **tb, int max, struct nlattr *nest)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
		;
	if (rem != 0 || nla_parse_nested(tb, max, nest, NULL) < 0)
		return -EBADMSG;
	return 0;
}

static int parse_attrs(struct nlmsghdr *nlh, struct nlattr **tb, int max)
{
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	if (genlmsg_parse(nlh, 0, tb, max, NULL) < 0)
		return -EBADMSG;
	return 0;
}

/* Exact-length getters: 0 and the value, 1 when absent, -EBADMSG. */
static int get_u32(struct nlattr *a, uint32_t *v)
{
	if (!a)
		return 1;
	if (nla_len(a) != 4)
		return -EBADMSG;
	*v = nla_get_u32(a);
	return 0;
}

static int get_u64(struct nlattr *a, uint64_t *v)
{
	if (!a)
		return 1;
	if (nla_len(a) != 8)
		return -EBADMSG;
	*v = nla_get_u64(a);
	return 0;
}

static int get_u16(struct nlattr *a, uint16_t *v)
{
	if (!a)
		return 1;
	if (nla_len(a) != 2)
		return -EBADMSG;
	*v = nla_get_u16(a);
	return 0;
}

static int get_u8(struct nlattr *a, uint8_t *v)
{
	if (!a)
		return 1;
	if (nla_len(a) != 1)
		return -EBADMSG;
	*v = nla_get_u8(a);
	return 0;
}

/* A u8 attribute into *v, setting bit in *has when present. */
static int get_u8_has(struct nlattr *a, uint8_t *v, uint64_t *has, uint64_t bit)
{
	int ret = get_u8(a, v);

	if (ret == 0)
		*has |= bit;
	return ret < 0 ? ret : 0;
}

/* A u32 attribute into *v, setting bit in *has when present. */
static int get_u32_has(struct nlattr *a, uint32_t *v, uint64_t *has,
		       uint64_t bit)
{
	int ret = get_u32(a, v);

	if (ret == 0)
		*has |= bit;
	return ret < 0 ? ret : 0;
}

static int get_string(struct nlattr *a, char *buf, size_t len)
{
	const char *s;
	size_t n;

	if (!a)
		return 1;
	s = nla_data(a);
	n = strnlen(s, (size_t)nla_len(a));
	if (n == 0 || n >= len)
		return -EBADMSG;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

static int get_string_has(struct nlattr *a, char *buf, size_t len,
			  uint64_t *has, uint64_t bit)
{
	int ret = get_string(a, buf, len);

	if (ret == 0)
		*has |= bit;
	return ret < 0 ? ret : 0;
}

static int get_addr(struct nlattr *a, struct ktcp_addr *addr)
{
	struct ktcp_addr tmp = { 0 };

	if (!a)
		return 1;
	if (nla_len(a) == 4) {
		tmp.family = AF_INET;
		memcpy(&tmp.v4, nla_data(a), 4);
	} else if (nla_len(a) == 16) {
		tmp.family = AF_INET6;
		memcpy(&tmp.v6, nla_data(a), 16);
	} else {
		return -EBADMSG;
	}
	*addr = tmp;
	return 0;
}

int ktcp_parse_family(struct nlmsghdr *nlh, struct ktcp_family *fam)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp;
	struct ktcp_family f = { 0 };
	uint16_t id;
	int rem, err;

	err = parse_attrs(nlh, tb, CTRL_ATTR_MAX);
	if (err)
		return err;
	if (get_u16(tb[CTRL_ATTR_FAMILY_ID], &id) ||
	    get_u32(tb[CTRL_ATTR_VERSION], &f.version))
		return -EBADMSG;
	f.id = id;
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		nla_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
			struct nlattr *gb[CTRL_ATTR_MCAST_GRP_MAX + 1];
			char name[GENL_NAMSIZ];

			if (parse_nest(gb, CTRL_ATTR_MCAST_GRP_MAX, grp))
				return -EBADMSG;
			if (get_string(gb[CTRL_ATTR_MCAST_GRP_NAME], name,
				       sizeof(name)))
				continue;
			if (!strcmp(name, KTCP_MCGRP_EVENTS) &&
			    get_u32(gb[CTRL_ATTR_MCAST_GRP_ID], &f.events_grp) <
				    0)
				return -EBADMSG;
			if (!strcmp(name, KTCP_MCGRP_ACCESS) &&
			    get_u32(gb[CTRL_ATTR_MCAST_GRP_ID], &f.access_grp) <
				    0)
				return -EBADMSG;
		}
	}
	*fam = f;
	return 0;
}

int ktcp_parse_id(struct nlmsghdr *nlh, uint32_t *id)
{
	struct nlattr *tb[KTCP_A_MAX + 1];
	int err;

	err = parse_attrs(nlh, tb, KTCP_A_MAX);
	if (err)
		return err;
	if (get_u32(tb[KTCP_A_SERVER_ID], id))
		return -EBADMSG;
	return 0;
}

/* Stats attribute type -> bit and field, in attribute order. */
static uint64_t *stat_field(struct ktcp_stats *st, int type, uint64_t *bit)
{
	uint64_t *const fields[] = {
		[KTCP_STATS_A_ACCEPTED] = &st->accepted,
		[KTCP_STATS_A_ACTIVE] = &st->active,
		[KTCP_STATS_A_CLOSED] = &st->closed,
		[KTCP_STATS_A_TIMED_OUT] = &st->timed_out,
		[KTCP_STATS_A_REFUSED] = &st->refused,
		[KTCP_STATS_A_BYTES_IN] = &st->bytes_in,
		[KTCP_STATS_A_BYTES_OUT] = &st->bytes_out,
		[KTCP_STATS_A_ERRORS] = &st->errors,
		[KTCP_STATS_A_DROPPED] = &st->dropped,
		[KTCP_STATS_A_HTTP_REQUESTS] = &st->http_requests,
		[KTCP_STATS_A_HTTP_2XX] = &st->http_2xx,
		[KTCP_STATS_A_HTTP_3XX] = &st->http_3xx,
		[KTCP_STATS_A_HTTP_4XX] = &st->http_4xx,
		[KTCP_STATS_A_HTTP_5XX] = &st->http_5xx,
		[KTCP_STATS_A_HTTP_REUSED] = &st->http_reused,
		[KTCP_STATS_A_BYTES_ZEROCOPY] = &st->bytes_zerocopy,
		[KTCP_STATS_A_MEM] = &st->mem,
		[KTCP_STATS_A_OVER_MEM] = &st->over_mem,
		[KTCP_STATS_A_EVICTED] = &st->evicted,
		[KTCP_STATS_A_LOG_SENT] = &st->log_sent,
		[KTCP_STATS_A_LOG_DROPPED] = &st->log_dropped,
	};

	if (type < KTCP_STATS_A_ACCEPTED || type > KTCP_STATS_A_LOG_DROPPED)
		return NULL;
	*bit = 1ULL << (type - KTCP_STATS_A_ACCEPTED);
	return fields[type];
}

static int parse_stats_nest(struct nlattr *nest, struct ktcp_stats *st)
{
	struct nlattr *tb[KTCP_STATS_A_MAX + 1];
	struct ktcp_stats tmp = { 0 };
	uint64_t *field, bit;
	int type;

	if (parse_nest(tb, KTCP_STATS_A_MAX, nest))
		return -EBADMSG;
	for (type = KTCP_STATS_A_ACCEPTED; type <= KTCP_STATS_A_MAX; type++) {
		field = stat_field(&tmp, type, &bit);
		if (!field || !tb[type])
			continue;
		if (nla_len(tb[type]) != 8)
			return -EBADMSG;
		*field = nla_get_u64(tb[type]);
		tmp.has |= bit;
	}
	*st = tmp;
	return 0;
}

/*
 * The user files are served as: uid and gid together, and the groups.
 * http_groups points into the message (4-byte aligned, as every attribute's
 * payload), like http_root.
 */
static int parse_http_user(struct nlattr **tb, struct ktcp_server *srv)
{
	struct nlattr *groups = tb[KTCP_OPT_A_HTTP_GROUPS];
	int uid, gid;

	uid = get_u32(tb[KTCP_OPT_A_HTTP_UID], &srv->http_uid);
	gid = get_u32(tb[KTCP_OPT_A_HTTP_GID], &srv->http_gid);
	if (uid < 0 || gid < 0)
		return -EBADMSG;
	if (uid == 0 && gid == 0)
		srv->has |= KTCP_HAS_HTTP_USER;
	if (groups) {
		if (nla_len(groups) % 4 ||
		    nla_len(groups) > KTCP_HTTP_GROUPS_MAX * 4)
			return -EBADMSG;
		srv->http_ngroups = (uint32_t)nla_len(groups) / 4;
		srv->http_groups = srv->http_ngroups ? nla_data(groups) : NULL;
		srv->has |= KTCP_HAS_HTTP_GROUPS;
	}
	return 0;
}

/*
 * The http options. http_root points into the message: the caller copies
 * it before the message goes (server.c).
 */
static int parse_http_opts(struct nlattr **tb, struct ktcp_server *srv)
{
	struct nlattr *root = tb[KTCP_OPT_A_HTTP_ROOT];
	int ret;

	if (root) {
		if (nla_len(root) < 2 ||
		    !memchr(nla_data(root), '\0', (size_t)nla_len(root)))
			return -EBADMSG;
		srv->http_root = nla_data(root);
		srv->has |= KTCP_HAS_HTTP_ROOT;
	}
	ret = get_u8_has(tb[KTCP_OPT_A_HTTP_LISTING], &srv->http_listing,
			 &srv->has, KTCP_HAS_HTTP_LISTING);
	if (ret >= 0)
		ret = get_u32_has(tb[KTCP_OPT_A_HTTP_KEEPALIVE_MAX],
				  &srv->http_keepalive_max, &srv->has,
				  KTCP_HAS_HTTP_KEEPALIVE_MAX);
	if (ret >= 0)
		ret = get_u32_has(tb[KTCP_OPT_A_HTTP_MAX_REQUEST_LINE],
				  &srv->http_max_request_line, &srv->has,
				  KTCP_HAS_HTTP_MAX_REQUEST_LINE);
	if (ret >= 0)
		ret = get_u32_has(tb[KTCP_OPT_A_HTTP_MAX_HEADER],
				  &srv->http_max_header, &srv->has,
				  KTCP_HAS_HTTP_MAX_HEADER);
	if (ret >= 0)
		ret = get_u8_has(tb[KTCP_OPT_A_HTTP_SENDFILE],
				 &srv->http_sendfile, &srv->has,
				 KTCP_HAS_HTTP_SENDFILE);
	if (ret >= 0)
		ret = get_u32_has(tb[KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS],
				  &srv->http_head_timeout_ms, &srv->has,
				  KTCP_HAS_HTTP_HEAD_TIMEOUT);
	if (ret >= 0)
		ret = parse_http_user(tb, srv);
	return ret < 0 ? ret : 0;
}

static int parse_opts_nest(struct nlattr *nest, struct ktcp_server *srv)
{
	struct nlattr *tb[KTCP_OPT_A_MAX + 1];
	int ret;

	if (parse_nest(tb, KTCP_OPT_A_MAX, nest))
		return -EBADMSG;
	ret = get_u8(tb[KTCP_OPT_A_ECHO_WQ], &srv->echo_wq);
	if (ret == 0)
		srv->has |= KTCP_HAS_ECHO_WQ;
	if (ret < 0)
		return ret;
	return parse_http_opts(tb, srv);
}

/*
 * The CPU list in use: a non-empty string, pointing into the message like
 * http_root (server.c copies both). Not checked further: it is the
 * kernel's cpulist, and a caller only prints it.
 */
static int get_cpus(struct nlattr *a, struct ktcp_server *srv)
{
	if (!a)
		return 0;
	if (nla_len(a) < 2 || !memchr(nla_data(a), '\0', (size_t)nla_len(a)))
		return -EBADMSG;
	srv->cpus = nla_data(a);
	srv->has |= KTCP_HAS_CPUS;
	return 0;
}

/* id, service, addr and port: what servers and events share. */
static int parse_ident(struct nlattr **tb, uint32_t *id, char *service,
		       struct ktcp_addr *addr, uint16_t *port, uint64_t *has)
{
	int ret;

	ret = get_u32(tb[KTCP_A_SERVER_ID], id);
	if (ret < 0)
		return ret;
	if (ret == 0)
		*has |= KTCP_HAS_ID;
	ret = get_string(tb[KTCP_A_SERVICE], service, KTCP_SERVICE_LEN);
	if (ret < 0)
		return ret;
	if (ret == 0)
		*has |= KTCP_HAS_SERVICE;
	ret = get_addr(tb[KTCP_A_ADDR], addr);
	if (ret < 0)
		return ret;
	if (ret == 0)
		*has |= KTCP_HAS_ADDR;
	ret = get_u16(tb[KTCP_A_PORT], port);
	if (ret < 0)
		return ret;
	if (ret == 0)
		*has |= KTCP_HAS_PORT;
	return 0;
}

int ktcp_parse_server(struct nlmsghdr *nlh, struct ktcp_server *srv)
{
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct ktcp_server s = { 0 };
	int err;

	err = parse_attrs(nlh, tb, KTCP_A_MAX);
	if (err)
		return err;
	err = parse_ident(tb, &s.id, s.service, &s.addr, &s.port, &s.has);
	if (!err)
		err = get_u32_has(tb[KTCP_A_BACKLOG], &s.backlog, &s.has,
				  KTCP_HAS_BACKLOG);
	if (!err)
		err = get_u32_has(tb[KTCP_A_MAX_CONNS], &s.max_conns, &s.has,
				  KTCP_HAS_MAX_CONNS);
	if (!err)
		err = get_u32_has(tb[KTCP_A_IDLE_TIMEOUT_MS],
				  &s.idle_timeout_ms, &s.has,
				  KTCP_HAS_IDLE_TIMEOUT);
	if (!err)
		err = get_u32_has(tb[KTCP_A_LISTENERS], &s.listeners, &s.has,
				  KTCP_HAS_LISTENERS);
	if (!err)
		err = get_u32_has(tb[KTCP_A_MAX_MEM_KB], &s.max_mem_kb, &s.has,
				  KTCP_HAS_MAX_MEM);
	if (!err)
		err = get_cpus(tb[KTCP_A_CPUS], &s);
	if (!err)
		err = get_string_has(tb[KTCP_A_NAME], s.name, sizeof(s.name),
				     &s.has, KTCP_HAS_NAME);
	if (!err && tb[KTCP_A_OPTS])
		err = parse_opts_nest(tb[KTCP_A_OPTS], &s);
	if (!err && tb[KTCP_A_STATS]) {
		err = parse_stats_nest(tb[KTCP_A_STATS], &s.stats);
		s.has |= KTCP_HAS_STATS;
	}
	/* A server without an id is of no use to anyone. */
	if (!err && !(s.has & KTCP_HAS_ID))
		err = -EBADMSG;
	if (!err)
		*srv = s;
	return err;
}

int ktcp_parse_stats(struct nlmsghdr *nlh, struct ktcp_stats *st)
{
	struct nlattr *tb[KTCP_A_MAX + 1];
	int err;

	err = parse_attrs(nlh, tb, KTCP_A_MAX);
	if (err)
		return err;
	if (!tb[KTCP_A_STATS])
		return -EBADMSG;
	return parse_stats_nest(tb[KTCP_A_STATS], st);
}

/*
 * The layout must give every bucket a width of at least 1 ns (sub_bits
 * at most min_shift) and stay within 64 bits; the buckets are u64s,
 * 8-byte aligned by the kernel's padding but copied all the same.
 */
static int parse_latency_nest(struct nlattr *nest, struct ktcp_latency *lat)
{
	struct nlattr *tb[KTCP_LATENCY_A_MAX + 1], *b;
	struct ktcp_latency tmp = { 0 };
	uint64_t v;
	size_t i, n;

	if (parse_nest(tb, KTCP_LATENCY_A_MAX, nest))
		return -EBADMSG;
	b = tb[KTCP_LATENCY_A_BUCKETS];
	if (get_u8(tb[KTCP_LATENCY_A_MIN_SHIFT], &tmp.min_shift) ||
	    get_u8(tb[KTCP_LATENCY_A_SUB_BITS], &tmp.sub_bits) || !b ||
	    tmp.min_shift > 63 || tmp.sub_bits > tmp.min_shift ||
	    nla_len(b) % 8 || !nla_len(b))
		return -EBADMSG;
	n = (size_t)nla_len(b) / 8;
	for (i = 0; i < n; i++) {
		memcpy(&v, (const char *)nla_data(b) + i * 8, 8);
		/* Those beyond the slots add to the last, open, one. */
		tmp.buckets[i < KTCP_LATENCY_SLOTS ? i :
						     KTCP_LATENCY_SLOTS - 1] +=
			v;
		tmp.count += v;
	}
	tmp.nbuckets = n < KTCP_LATENCY_SLOTS ? n : KTCP_LATENCY_SLOTS;
	if (tb[KTCP_LATENCY_A_SUM_NS]) {
		if (nla_len(tb[KTCP_LATENCY_A_SUM_NS]) != 8)
			return -EBADMSG;
		tmp.sum_ns = nla_get_u64(tb[KTCP_LATENCY_A_SUM_NS]);
	}
	*lat = tmp;
	return 0;
}

int ktcp_parse_latency(struct nlmsghdr *nlh, struct ktcp_latency *lat)
{
	struct nlattr *tb[KTCP_A_MAX + 1];
	int err;

	err = parse_attrs(nlh, tb, KTCP_A_MAX);
	if (err)
		return err;
	if (!tb[KTCP_A_LATENCY])
		return 1;
	return parse_latency_nest(tb[KTCP_A_LATENCY], lat);
}

int ktcp_parse_service(struct nlmsghdr *nlh, char *name, size_t len)
{
	struct nlattr *tb[KTCP_A_MAX + 1];
	int err;

	err = parse_attrs(nlh, tb, KTCP_A_MAX);
	if (err)
		return err;
	return get_string(tb[KTCP_A_SERVICE], name, len) ? -EBADMSG : 0;
}

int ktcp_parse_event(struct nlmsghdr *nlh, struct ktcp_event *ev)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct ktcp_event e = { 0 };
	int err;

	err = parse_attrs(nlh, tb, KTCP_A_MAX);
	if (err)
		return err;
	if (gnlh->cmd == KTCP_CMD_SERVER_STARTED)
		e.type = KTCP_EVENT_SERVER_STARTED;
	else if (gnlh->cmd == KTCP_CMD_SERVER_STOPPED)
		e.type = KTCP_EVENT_SERVER_STOPPED;
	else if (gnlh->cmd == KTCP_CMD_SERVER_CHANGED)
		e.type = KTCP_EVENT_SERVER_CHANGED;
	else if (gnlh->cmd == KTCP_CMD_SOCK_DROPPED)
		e.type = KTCP_EVENT_SOCK_DROPPED;
	else
		return -EPROTO; /* not an event: a caller skips it */
	err = parse_ident(tb, &e.id, e.service, &e.addr, &e.port, &e.has);
	if (err)
		return err;
	if (tb[KTCP_A_DROPPED]) {
		uint32_t n;

		if (get_u32(tb[KTCP_A_DROPPED], &n))
			return -EBADMSG;
		e.dropped = n;
		e.has |= KTCP_HAS_DROPPED;
	}
	*ev = e;
	return 0;
}

/*
 * A binary attribute of an access record, in place. The kernel never
 * sends more than the UAPI maximum, and callers size their buffers by it
 * (the CLI's escaped log line): a longer one is not the kernel's.
 */
static int get_bytes(struct nlattr *a, size_t max, const char **p, size_t *len)
{
	if ((size_t)nla_len(a) > max)
		return -EBADMSG;
	*p = nla_data(a);
	*len = (size_t)nla_len(a);
	return 0;
}

static int parse_log_nest(struct nlattr *nest, struct ktcp_log_record *r)
{
	struct nlattr *tb[KTCP_ACCESS_A_MAX + 1];
	uint8_t u8v;

	if (parse_nest(tb, KTCP_ACCESS_A_MAX, nest))
		return -EBADMSG;
	if (get_u64(tb[KTCP_ACCESS_A_TIME], &r->time_ns) < 0 ||
	    get_addr(tb[KTCP_ACCESS_A_ADDR], &r->addr) < 0 ||
	    get_u16(tb[KTCP_ACCESS_A_PORT], &r->port) < 0 ||
	    get_u16(tb[KTCP_ACCESS_A_STATUS], &r->status) < 0 ||
	    get_u64(tb[KTCP_ACCESS_A_BYTES], &r->bytes) < 0 ||
	    get_u64(tb[KTCP_ACCESS_A_USEC], &r->usec) < 0)
		return -EBADMSG;
	if (tb[KTCP_ACCESS_A_CUT]) {
		if (get_u8(tb[KTCP_ACCESS_A_CUT], &u8v) < 0)
			return -EBADMSG;
		r->cut = u8v;
	}
	if (tb[KTCP_ACCESS_A_METHOD] && tb[KTCP_ACCESS_A_TARGET]) {
		if (get_string(tb[KTCP_ACCESS_A_METHOD], r->method,
			       sizeof(r->method)) < 0 ||
		    get_u8(tb[KTCP_ACCESS_A_PROTO], &r->proto_minor) < 0 ||
		    get_bytes(tb[KTCP_ACCESS_A_TARGET], KTCP_ACCESS_TARGET_MAX,
			      &r->target, &r->target_len) < 0)
			return -EBADMSG;
		r->has |= KTCP_LOG_HAS_REQUEST;
	}
	if (tb[KTCP_ACCESS_A_REFERER]) {
		if (get_bytes(tb[KTCP_ACCESS_A_REFERER],
			      KTCP_ACCESS_REFERER_MAX, &r->referer,
			      &r->referer_len) < 0)
			return -EBADMSG;
		r->has |= KTCP_LOG_HAS_REFERER;
	}
	if (tb[KTCP_ACCESS_A_USER_AGENT]) {
		if (get_bytes(tb[KTCP_ACCESS_A_USER_AGENT],
			      KTCP_ACCESS_USER_AGENT_MAX, &r->user_agent,
			      &r->user_agent_len) < 0)
			return -EBADMSG;
		r->has |= KTCP_LOG_HAS_USER_AGENT;
	}
	return 0;
}

int ktcp_parse_log(struct nlmsghdr *nlh, struct ktcp_log_record *rec)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct ktcp_log_record r = { 0 };
	int err;

	/* First: it checks that the genl header, gnlh->cmd, is there. */
	err = parse_attrs(nlh, tb, KTCP_A_MAX);
	if (err)
		return err;
	if (gnlh->cmd != KTCP_CMD_ACCESS)
		return -EPROTO;
	if (get_u32(tb[KTCP_A_SERVER_ID], &r.id) || !tb[KTCP_A_ACCESS])
		return -EBADMSG;
	err = parse_log_nest(tb[KTCP_A_ACCESS], &r);
	if (!err)
		*rec = r;
	return err;
}

/* --- extended ACK -------------------------------------------------------- */

static const char *const attr_names[KTCP_A_MAX + 1] = {
	[KTCP_A_SERVER_ID] = "id",
	[KTCP_A_SERVICE] = "service",
	[KTCP_A_ADDR] = "addr",
	[KTCP_A_PORT] = "port",
	[KTCP_A_BACKLOG] = "backlog",
	[KTCP_A_MAX_CONNS] = "max_conns",
	[KTCP_A_IDLE_TIMEOUT_MS] = "idle_timeout_ms",
	[KTCP_A_LISTENERS] = "listeners",
	[KTCP_A_OPTS] = "opts",
	[KTCP_A_STATS] = "stats",
	[KTCP_A_SOCK] = "sock",
	[KTCP_A_FILTER] = "filter",
	[KTCP_A_FLAGS] = "flags",
	[KTCP_A_DROPPED] = "dropped",
	[KTCP_A_NOT_FOUND] = "not_found",
	[KTCP_A_MAX_MEM_KB] = "max_mem_kb",
	[KTCP_A_CPUS] = "cpus",
	[KTCP_A_NAME] = "name",
	[KTCP_A_ACCESS] = "access",
};

static const char *const opt_names[KTCP_OPT_A_MAX + 1] = {
	[KTCP_OPT_A_ECHO_WQ] = "echo_wq",
	[KTCP_OPT_A_HTTP_ROOT] = "http_root",
	[KTCP_OPT_A_HTTP_LISTING] = "http_listing",
	[KTCP_OPT_A_HTTP_KEEPALIVE_MAX] = "http_keepalive_max",
	[KTCP_OPT_A_HTTP_MAX_REQUEST_LINE] = "http_max_request_line",
	[KTCP_OPT_A_HTTP_MAX_HEADER] = "http_max_header",
	[KTCP_OPT_A_HTTP_SENDFILE] = "http_sendfile",
	[KTCP_OPT_A_HTTP_UID] = "http_uid",
	[KTCP_OPT_A_HTTP_GID] = "http_gid",
	[KTCP_OPT_A_HTTP_GROUPS] = "http_groups",
	[KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS] = "http_head_timeout_ms",
};

static const char *const sock_names[KTCP_SOCK_A_MAX + 1] = {
	[KTCP_SOCK_A_SADDR] = "sock.saddr",
	[KTCP_SOCK_A_DADDR] = "sock.daddr",
	[KTCP_SOCK_A_SPORT] = "sock.sport",
	[KTCP_SOCK_A_DPORT] = "sock.dport",
	[KTCP_SOCK_A_STATE] = "sock.state",
	[KTCP_SOCK_A_RESULT] = "sock.result",
};

static const char *const filter_names[KTCP_FILTER_A_MAX + 1] = {
	[KTCP_FILTER_A_STATES] = "filter.states",
	[KTCP_FILTER_A_SADDR] = "filter.saddr",
	[KTCP_FILTER_A_SPREFIX] = "filter.sprefix",
	[KTCP_FILTER_A_DADDR] = "filter.daddr",
	[KTCP_FILTER_A_DPREFIX] = "filter.dprefix",
	[KTCP_FILTER_A_SPORT] = "filter.sport",
	[KTCP_FILTER_A_DPORT] = "filter.dport",
	[KTCP_FILTER_A_LIMIT] = "filter.limit",
};

/* Names of the attributes inside a nest of top-level type @type. */
static const char *const *nest_names(int type, int *max)
{
	switch (type) {
	case KTCP_A_OPTS:
		*max = KTCP_OPT_A_MAX;
		return opt_names;
	case KTCP_A_SOCK:
		*max = KTCP_SOCK_A_MAX;
		return sock_names;
	case KTCP_A_FILTER:
		*max = KTCP_FILTER_A_MAX;
		return filter_names;
	default:
		return NULL;
	}
}

static const char *name_of(const char *const *names, int max, int type)
{
	if (type <= 0 || type > max)
		return NULL;
	return names[type];
}

/* The top-level attribute of request req that covers byte offset off. */
static const struct nlattr *top_attr_at(const struct nlmsghdr *req,
					uint32_t off)
{
	const uint32_t base = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlattr *a;
	uint32_t pos;
	int rem;

	if (!req || off < base || off >= req->nlmsg_len)
		return NULL;
	a = (const struct nlattr *)((const char *)req + base);
	rem = (int)(req->nlmsg_len - base);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		pos = (uint32_t)((const char *)a - (const char *)req);
		if (off >= pos && off < pos + a->nla_len)
			return a;
	}
	return NULL;
}

/*
 * The attribute at byte offset off of request req (offsets count from the
 * start of its nlmsghdr, as in NLMSGERR_ATTR_OFFS), looking into the
 * options, socket and filter nests. NULL when off points at no attribute
 * that we know.
 */
const char *ktcp_attr_name(const struct nlmsghdr *req, uint32_t off)
{
	const struct nlattr *a = top_attr_at(req, off), *o;
	const char *const *names;
	int orem, max;

	if (!a)
		return NULL;
	if ((const char *)a - (const char *)req == (long)off)
		return name_of(attr_names, KTCP_A_MAX, nla_type(a));
	names = nest_names(nla_type(a), &max);
	if (!names)
		return NULL;
	nla_for_each_nested(o, a, orem)
		if ((const char *)o - (const char *)req == (long)off)
			return name_of(names, max, nla_type(o));
	return NULL;
}

/* A missing attribute: in the nest at offset nest, or at top level. */
static const char *missing_name(const struct nlmsghdr *req,
				const struct nlattr *nest_off, uint32_t type)
{
	const struct nlattr *a;
	const char *const *names;
	uint32_t off;
	int max;

	if (!nest_off)
		return name_of(attr_names, KTCP_A_MAX, (int)type);
	/* Without the request, assume the options nest, the oldest one. */
	if (get_u32((struct nlattr *)nest_off, &off) ||
	    !(a = top_attr_at(req, off)))
		return name_of(opt_names, KTCP_OPT_A_MAX, (int)type);
	names = nest_names(nla_type(a), &max);
	return names ? name_of(names, max, (int)type) : NULL;
}

/* The TLVs of an ACK or DONE message, and the errno it carries. */
static int ack_tlvs(const struct nlmsghdr *nlh, const struct nlattr **tlvs,
		    int *len)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	uint32_t off, echo = 0;
	int err;

	*tlvs = NULL;
	*len = 0;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
			return 0;
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
		off = NLMSG_LENGTH(sizeof(int));
	} else {
		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EBADMSG;
		err = e->error;
		/*
		 * Without NETLINK_CAP_ACK the request's payload is echoed
		 * after the nlmsgerr; the TLVs follow, aligned.
		 */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len > NLMSG_HDRLEN)
			echo = e->msg.nlmsg_len - NLMSG_HDRLEN;
		off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e) + echo);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < nlh->nlmsg_len) {
		*tlvs = (const struct nlattr *)((const char *)nlh + off);
		*len = (int)(nlh->nlmsg_len - off);
	}
	return err > 0 ? -err : err;
}

int ktcp_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		   char *buf, size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	const char *msg = "", *bad = NULL, *miss = NULL, *sep;
	const struct nlattr *tlvs;
	uint32_t v;
	int tlen, err;

	buf[0] = '\0';
	err = ack_tlvs(nlh, &tlvs, &tlen);
	if (!tlvs || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)tlvs,
			       tlen, NULL) < 0)
		return err;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0 &&
	    memchr(nla_data(tb[NLMSGERR_ATTR_MSG]), '\0',
		   (size_t)nla_len(tb[NLMSGERR_ATTR_MSG])))
		msg = nla_data(tb[NLMSGERR_ATTR_MSG]);
	if (get_u32(tb[NLMSGERR_ATTR_OFFS], &v) == 0)
		bad = ktcp_attr_name(req, v);
	if (get_u32(tb[NLMSGERR_ATTR_MISS_TYPE], &v) == 0)
		miss = missing_name(req, tb[NLMSGERR_ATTR_MISS_NEST], v);
	sep = *msg ? " " : "";
	if (bad)
		snprintf(buf, len, "%s%s(attribute '%s')", msg, sep, bad);
	else if (miss)
		snprintf(buf, len, "%s%s(missing attribute '%s')", msg, sep,
			 miss);
	else
		snprintf(buf, len, "%s", msg);
	return err;
}
