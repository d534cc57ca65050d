// SPDX-License-Identifier: GPL-2.0
/*
 * nlsend: send one hand-built "ktcp" generic netlink request and print what
 * comes back. The CLI checks its input before the kernel sees it, so the
 * kernel's own validation (policies, ranges, extack messages) is tested
 * with this instead: it puts exactly the attributes it is told to.
 *
 *   nlsend [--fresh] [--small-reads] [--dump] [--to PORT] CMD [ATTR[.SUB]:TYPE=VALUE ...]
 *
 * CMD and ATTR are numbers or names (server_start, port, opts.echo_wq,
 * sock.ifindex).
 * TYPE: u8 u16 u32 u64 str (NUL-terminated) raw (no NUL) hex flag.
 * Consecutive ATTR.SUB arguments of one ATTR go into one nest; "--"
 * between them starts another (repeated nests, e.g. sock_drop tuples).
 * Prints "ok" or "error <errno-name> <extack message>" last; replies are
 * printed one attribute per line as "type=len:hex". Exit: 0 ok, 1 error
 * from the kernel, 2 usage. --small-reads reads 4 KiB at a time, as a
 * client with a plain recv() loop and a page-sized buffer does; --fresh
 * sends on a socket that has read nothing yet (see resolve_fresh()).
 * --to PORT sends the message to the netlink socket of that port id
 * instead of the kernel, as a forger with CAP_NET_ADMIN in the netns
 * can, and waits for nothing: libktcp's readers must drop it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct name {
	const char *name;
	int value;
};

static const struct name cmds[] = {
	{ "server_start", KTCP_CMD_SERVER_START },
	{ "server_stop", KTCP_CMD_SERVER_STOP },
	{ "server_get", KTCP_CMD_SERVER_GET },
	{ "server_set", KTCP_CMD_SERVER_SET },
	{ "stats_get", KTCP_CMD_STATS_GET },
	{ "stats_reset", KTCP_CMD_STATS_RESET },
	{ "service_get", KTCP_CMD_SERVICE_GET },
	{ "server_started", KTCP_CMD_SERVER_STARTED },
	{ "server_stopped", KTCP_CMD_SERVER_STOPPED },
	{ "sock_drop", KTCP_CMD_SOCK_DROP },
	{ "access", KTCP_CMD_ACCESS },
	{ NULL, 0 },
};

static const struct name attrs[] = {
	{ "server_id", KTCP_A_SERVER_ID },
	{ "service", KTCP_A_SERVICE },
	{ "addr", KTCP_A_ADDR },
	{ "port", KTCP_A_PORT },
	{ "backlog", KTCP_A_BACKLOG },
	{ "max_conns", KTCP_A_MAX_CONNS },
	{ "idle_timeout_ms", KTCP_A_IDLE_TIMEOUT_MS },
	{ "max_mem_kb", KTCP_A_MAX_MEM_KB },
	{ "cpus", KTCP_A_CPUS },
	{ "name", KTCP_A_NAME },
	{ "listeners", KTCP_A_LISTENERS },
	{ "opts", KTCP_A_OPTS },
	{ "stats", KTCP_A_STATS },
	{ "latency", KTCP_A_LATENCY },
	{ "sock", KTCP_A_SOCK },
	{ "filter", KTCP_A_FILTER },
	{ "flags", KTCP_A_FLAGS },
	{ "access", KTCP_A_ACCESS },
	{ NULL, 0 },
};

static const struct name opts[] = {
	{ "echo_wq", KTCP_OPT_A_ECHO_WQ },
	{ "http_root", KTCP_OPT_A_HTTP_ROOT },
	{ "http_sendfile", KTCP_OPT_A_HTTP_SENDFILE },
	{ "http_uid", KTCP_OPT_A_HTTP_UID },
	{ "http_gid", KTCP_OPT_A_HTTP_GID },
	{ "http_groups", KTCP_OPT_A_HTTP_GROUPS },
	{ "http_head_timeout_ms", KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS },
	{ NULL, 0 },
};

/* KTCP_A_SOCK's, by name; numbers work in any nest. */
static const struct name socks[] = {
	{ "saddr", KTCP_SOCK_A_SADDR },	    { "daddr", KTCP_SOCK_A_DADDR },
	{ "sport", KTCP_SOCK_A_SPORT },	    { "dport", KTCP_SOCK_A_DPORT },
	{ "ifindex", KTCP_SOCK_A_IFINDEX }, { NULL, 0 },
};

static const struct name errnames[] = {
	{ "EINVAL", EINVAL },
	{ "ENOENT", ENOENT },
	{ "EPERM", EPERM },
	{ "EADDRINUSE", EADDRINUSE },
	{ "EOPNOTSUPP", EOPNOTSUPP },
	{ "ERANGE", ERANGE },
	{ "EMSGSIZE", EMSGSIZE },
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "ENOMEM", ENOMEM },
	{ "E2BIG", E2BIG },
	{ "EEXIST", EEXIST }, /* a server name taken */
	{ NULL, 0 },
};

static int err_code;
static int done;
static char err_msg[512];

static void usage(void)
{
	fprintf(stderr,
		"usage: nlsend [--fresh] [--small-reads] [--dump] [--to PORT] CMD [ATTR[.SUB]:TYPE=VALUE ...]\n");
	exit(2);
}

static int lookup(const struct name *t, const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s && !*end)
		return (int)v;
	for (; t->name; t++)
		if (!strcmp(t->name, s))
			return t->value;
	fprintf(stderr, "nlsend: unknown name '%s'\n", s);
	exit(2);
}

static const char *errname(int e)
{
	const struct name *t;

	for (t = errnames; t->name; t++)
		if (t->value == e)
			return t->name;
	return strerror(e);
}

static int put_hex(struct nl_msg *msg, int type, const char *hex)
{
	unsigned char buf[512];
	size_t n = strlen(hex) / 2, i;

	if (n > sizeof(buf) || strlen(hex) % 2)
		return -1;
	for (i = 0; i < n; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &buf[i]) != 1)
			return -1;
	return nla_put(msg, type, (int)n, buf);
}

static int put_value(struct nl_msg *msg, int type, const char *t, const char *v)
{
	unsigned long long n = strtoull(v, NULL, 0);

	if (!strcmp(t, "u8"))
		return nla_put_u8(msg, type, (uint8_t)n);
	if (!strcmp(t, "u16"))
		return nla_put_u16(msg, type, (uint16_t)n);
	if (!strcmp(t, "u32"))
		return nla_put_u32(msg, type, (uint32_t)n);
	if (!strcmp(t, "u64"))
		return nla_put_u64(msg, type, n);
	if (!strcmp(t, "str"))
		return nla_put_string(msg, type, v);
	if (!strcmp(t, "raw"))
		return nla_put(msg, type, (int)strlen(v), v);
	if (!strcmp(t, "hex"))
		return put_hex(msg, type, v);
	if (!strcmp(t, "flag"))
		return nla_put_flag(msg, type);
	fprintf(stderr, "nlsend: unknown type '%s'\n", t);
	exit(2);
}

/*
 * "opts.echo_wq:u8=1" or "port:u16=80". Consecutive arguments into the
 * same nest ("sock.1:... sock.2:...") share one; "--" between them starts
 * a new one.
 */
static struct nlattr *open_nest;
static int open_nest_type;

static void close_nest(struct nl_msg *msg)
{
	if (open_nest)
		nla_nest_end(msg, open_nest);
	open_nest = NULL;
}

static void put_arg(struct nl_msg *msg, char *arg)
{
	char *colon = strchr(arg, ':'), *eq, *dot;
	int type, parent;

	if (!colon)
		usage();
	*colon = '\0';
	eq = strchr(colon + 1, '=');
	if (eq)
		*eq = '\0';
	dot = strchr(arg, '.');
	if (dot) {
		*dot = '\0';
		parent = lookup(attrs, arg);
		if (!open_nest || open_nest_type != parent) {
			close_nest(msg);
			open_nest = nla_nest_start(msg, parent);
			open_nest_type = parent;
		}
		type = lookup(parent == KTCP_A_SOCK ? socks : opts, dot + 1);
	} else {
		close_nest(msg);
		type = lookup(attrs, arg);
	}
	if (put_value(msg, type, colon + 1, eq ? eq + 1 : "") < 0) {
		fprintf(stderr, "nlsend: cannot add '%s'\n", arg);
		exit(2);
	}
}

/* Keep the kernel's errno and extack message, which libnl drops. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	struct nlattr *attrs_start = (struct nlattr *)(e + 1);

	err_code = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		len -= (int)e->msg.nlmsg_len - NLMSG_HDRLEN;
		attrs_start =
			(struct nlattr *)((char *)&e->msg + e->msg.nlmsg_len);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && len > 0 &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX, attrs_start, len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(err_msg, sizeof(err_msg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		snprintf(err_msg + strlen(err_msg),
			 sizeof(err_msg) - strlen(err_msg),
			 "missing attribute %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	if (tb[NLMSGERR_ATTR_OFFS])
		snprintf(err_msg + strlen(err_msg),
			 sizeof(err_msg) - strlen(err_msg), " (offset %u)",
			 nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	return NL_STOP;
}

/* ACK (do) or NLMSG_DONE (dump): the exchange is over. */
static int on_done(struct nl_msg *msg, void *arg)
{
	done = 1;
	return NL_STOP;
}

/*
 * A dump's error comes in NLMSG_DONE: an int, then TLVs. Seen on the way
 * in: libnl does not run a finish callback for every DONE.
 */
static int on_msg_in(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(int);
	int err;

	if (nlh->nlmsg_type != NLMSG_DONE || len < 0)
		return NL_OK;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (!err)
		return NL_OK;
	err_code = -err;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && len > 0 &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)nlmsg_data(nlh) + sizeof(int)),
		       len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(err_msg, sizeof(err_msg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a;
	int rem, i;

	printf("msg cmd=%u%s\n", ((struct genlmsghdr *)nlmsg_data(nlh))->cmd,
	       nlh->nlmsg_flags & NLM_F_DUMP_INTR ? " intr" : "");
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		printf("  %d=%d:", nla_type(a), nla_len(a));
		for (i = 0; i < nla_len(a) && i < 64; i++)
			printf("%02x", ((unsigned char *)nla_data(a))[i]);
		printf("\n");
	}
	return NL_OK;
}

/*
 * The family's id, asked on a socket of its own, so that the request goes
 * out on one that has read nothing yet (--fresh, as Python's ynl does):
 * the kernel sizes a dump's first buffer by the largest read the socket
 * has made.
 */
static int resolve_fresh(void)
{
	struct nl_sock *own = nl_socket_alloc();
	int family = -1;

	if (!own)
		return -1;
	if (genl_connect(own) >= 0)
		family = genl_ctrl_resolve(own, KTCP_GENL_NAME);
	nl_socket_free(own);
	return family;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk = nl_socket_alloc();
	/* Room for hundreds of tuples (sock_drop's limit tests). */
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);
	struct timeval tv = { .tv_sec = 10 };
	int family, one = 1, flags = 0, ret, i = 1;
	bool small = false, fresh = false;
	uint32_t to = 0;

	if (i < argc && !strcmp(argv[i], "--fresh")) {
		fresh = true;
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--small-reads")) {
		small = true;
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--dump")) {
		flags = NLM_F_DUMP;
		i++;
	}
	if (i + 1 < argc && !strcmp(argv[i], "--to")) {
		to = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		if (!to)
			usage();
		i += 2;
	}
	if (i >= argc || !sk || !msg)
		usage();
	if (small) {
		/* Every read 4 KiB, from the first, as a plain recv() loop. */
		nl_socket_disable_msg_peek(sk);
		nl_socket_set_msg_buf_size(sk, 4096);
	}
	if (genl_connect(sk) < 0) {
		fprintf(stderr, "nlsend: cannot open a netlink socket\n");
		return 1;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	family = fresh ? resolve_fresh() :
			 genl_ctrl_resolve(sk, KTCP_GENL_NAME);
	if (family < 0) {
		printf("error ENOENT family %s not found\n", KTCP_GENL_NAME);
		return 1;
	}
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
		    (uint8_t)lookup(cmds, argv[i]), KTCP_GENL_VERSION);
	for (i++; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			close_nest(msg);
		else
			put_arg(msg, argv[i]);
	}
	close_nest(msg);
	if (to) {
		nl_socket_set_peer_port(sk, to);
		ret = nl_send_auto_complete(sk, msg);
		if (ret < 0) {
			printf("error libnl %s\n", nl_geterror(ret));
			return 1;
		}
		printf("sent\n");
		nlmsg_free(msg);
		nl_socket_free(sk);
		return 0;
	}
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, NULL);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, NULL);
	nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, NULL);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_done, NULL);
	nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_done, NULL);
	/* A test tool must never hang: give up on a silent kernel. */
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	nl_send_auto_complete(sk, msg);
	do
		ret = nl_recvmsgs_default(sk);
	while (!done && !err_code && ret >= 0);
	if (err_code) {
		printf("error %s %s\n", errname(err_code), err_msg);
		return 1;
	}
	if (ret < 0) {
		printf("error libnl %s\n", nl_geterror(ret));
		return 1;
	}
	printf("ok\n");
	nlmsg_free(msg);
	nl_socket_free(sk);
	return 0;
}
