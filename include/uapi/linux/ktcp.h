/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ktcp: in-kernel TCP services controlled over generic netlink.
 *
 * Family "ktcp" (KTCP_GENL_NAME), version KTCP_GENL_VERSION. All state is
 * per network namespace: a server started in one netns is neither visible
 * nor reachable from another, and is stopped when its netns goes away.
 *
 * Privilege: commands that change state (SERVER_START, SERVER_STOP,
 * SERVER_SET, STATS_RESET) need CAP_NET_ADMIN in the *initial* user
 * namespace (GENL_ADMIN_PERM). An in-kernel server is kernel attack surface
 * and pins kernel memory, so it is not offered to unprivileged user
 * namespaces even though their netns has its own servers. Read commands
 * (SERVER_GET, STATS_GET, SERVICE_GET) and the "events" group are open to
 * any process, like `ss` or `ip link`.
 *
 * Errors come back as a negative errno in the netlink ACK, with an extended
 * ACK message (and, for attribute errors, the offending attribute) naming
 * what was wrong. Attributes are validated strictly: unknown attributes,
 * wrong lengths, out-of-range values and unknown flag bits are rejected.
 *
 * Commands
 * --------
 * KTCP_CMD_SERVER_START (do)
 *   Request: KTCP_A_SERVICE (required), KTCP_A_PORT (required),
 *            KTCP_A_ADDR (optional, default: IPv6 any, which also accepts
 *            IPv4 unless bindv6only), KTCP_A_BACKLOG (default 128),
 *            KTCP_A_MAX_CONNS (default 0 = unlimited),
 *            KTCP_A_IDLE_TIMEOUT_MS (default 0 = never),
 *            KTCP_A_LISTENERS (default 1; >1 opens that many SO_REUSEPORT
 *            listeners), KTCP_A_OPTS (service options, nested
 *            KTCP_OPT_A_*).
 *   Reply:   KTCP_CMD_SERVER_START with KTCP_A_SERVER_ID.
 *   Errors:  EADDRINUSE (port taken), ENOENT (unknown service; the extack
 *            message lists the known ones), EINVAL (options that the
 *            service does not take), EPERM.
 *   A service whose module is not loaded is loaded ("ktcp-service-NAME"
 *   module alias) when it is installed.
 *
 * KTCP_CMD_SERVER_STOP (do)
 *   Request: KTCP_A_SERVER_ID. Closes the listeners and every connection.
 *   Errors:  ENOENT (no such server in this netns).
 *
 * KTCP_CMD_SERVER_GET (do, dump)
 *   do:   KTCP_A_SERVER_ID -> one server. dump: every server of the netns.
 *   Reply attributes: KTCP_A_SERVER_ID, KTCP_A_SERVICE, KTCP_A_ADDR,
 *   KTCP_A_PORT, KTCP_A_BACKLOG, KTCP_A_MAX_CONNS, KTCP_A_IDLE_TIMEOUT_MS,
 *   KTCP_A_LISTENERS, KTCP_A_OPTS, KTCP_A_STATS.
 *   Dumps carry a generation counter; a dump that raced with a change has
 *   NLM_F_DUMP_INTR set on a message and should be retried.
 *
 * KTCP_CMD_SERVER_SET (do)
 *   Request: KTCP_A_SERVER_ID and any of KTCP_A_PORT, KTCP_A_ADDR,
 *   KTCP_A_BACKLOG, KTCP_A_MAX_CONNS, KTCP_A_IDLE_TIMEOUT_MS. A new port or
 *   address rebinds the listeners; established connections stay up. If
 *   the new listeners cannot be opened the old ones keep running.
 *
 * KTCP_CMD_STATS_GET (do, dump)
 *   do with KTCP_A_SERVER_ID: that server's counters.
 *   do without:               totals over every server of the netns.
 *   dump:                     one message per server.
 *   Reply: KTCP_A_SERVER_ID (absent for totals), KTCP_A_SERVICE,
 *          KTCP_A_STATS (nested KTCP_STATS_A_*, all u64).
 *
 * KTCP_CMD_STATS_RESET (do)
 *   KTCP_A_SERVER_ID: zero that server's counters; without it, every
 *   server's. KTCP_STATS_A_ACTIVE is a gauge and is not reset.
 *
 * KTCP_CMD_SERVICE_GET (dump)
 *   One message per registered service: KTCP_A_SERVICE.
 *
 * Notifications on multicast group KTCP_MCGRP_EVENTS ("events"):
 *   KTCP_CMD_SERVER_STARTED, KTCP_CMD_SERVER_STOPPED and, after a
 *   successful SERVER_SET, KTCP_CMD_SERVER_CHANGED: KTCP_A_SERVER_ID,
 *   KTCP_A_SERVICE, KTCP_A_ADDR, KTCP_A_PORT (the new ones).
 */
#ifndef _UAPI_LINUX_KTCP_H
#define _UAPI_LINUX_KTCP_H

#define KTCP_GENL_NAME "ktcp"
#define KTCP_GENL_VERSION 1
#define KTCP_MCGRP_EVENTS "events"

/* Longest service name, NUL excluded. */
#define KTCP_SERVICE_NAME_MAX 15
#define KTCP_BACKLOG_MAX 65535
/* Idle timeout upper bound: one day. */
#define KTCP_IDLE_TIMEOUT_MS_MAX (24U * 3600U * 1000U)
#define KTCP_LISTENERS_MAX 64
/* Longest document root path for khttpd, NUL excluded. */
#define KTCP_PATH_MAX 4095

enum ktcp_cmd {
	KTCP_CMD_UNSPEC,
	KTCP_CMD_SERVER_START,
	KTCP_CMD_SERVER_STOP,
	KTCP_CMD_SERVER_GET,
	KTCP_CMD_SERVER_SET,
	KTCP_CMD_STATS_GET,
	KTCP_CMD_STATS_RESET,
	KTCP_CMD_SERVICE_GET,
	KTCP_CMD_SERVER_STARTED, /* notification only */
	KTCP_CMD_SERVER_STOPPED, /* notification only */
	KTCP_CMD_SERVER_CHANGED, /* notification only */
	__KTCP_CMD_MAX
};
#define KTCP_CMD_MAX (__KTCP_CMD_MAX - 1)

enum ktcp_attr {
	KTCP_A_UNSPEC,
	KTCP_A_PAD,
	KTCP_A_SERVER_ID, /* u32, > 0, unique within the netns */
	KTCP_A_SERVICE, /* NUL-terminated string of a-z 0-9 - _, at most
			 * KTCP_SERVICE_NAME_MAX chars, e.g. "echo" */
	KTCP_A_ADDR, /* binary: 4 bytes (IPv4) or 16 (IPv6), network order */
	KTCP_A_PORT, /* u16, host order, 1..65535 */
	KTCP_A_BACKLOG, /* u32, 1..KTCP_BACKLOG_MAX */
	KTCP_A_MAX_CONNS, /* u32, 0 = unlimited; beyond it, new ones refused */
	KTCP_A_IDLE_TIMEOUT_MS, /* u32, 0 = never, ..KTCP_IDLE_TIMEOUT_MS_MAX */
	KTCP_A_LISTENERS, /* u32, 1..KTCP_LISTENERS_MAX */
	KTCP_A_OPTS, /* nested, KTCP_OPT_A_*: service options */
	KTCP_A_STATS, /* nested, KTCP_STATS_A_*: counters (replies only) */
	__KTCP_A_MAX
};
#define KTCP_A_MAX (__KTCP_A_MAX - 1)

/* Workqueue that serves a kecho server's connections. */
enum ktcp_echo_wq {
	KTCP_ECHO_WQ_UNBOUND, /* any CPU; the default */
	KTCP_ECHO_WQ_PERCPU, /* the CPU that queued the work (old bench=1) */
	__KTCP_ECHO_WQ_MAX
};

/*
 * Service options. A service rejects (EINVAL, with a message) the options
 * that it does not take.
 */
enum ktcp_opt_attr {
	KTCP_OPT_A_UNSPEC,
	KTCP_OPT_A_ECHO_WQ, /* u8, enum ktcp_echo_wq (echo) */
	__KTCP_OPT_A_MAX
};
#define KTCP_OPT_A_MAX (__KTCP_OPT_A_MAX - 1)

/*
 * Counters, all u64. ACTIVE is a gauge (connections open now); the rest
 * only grow until reset. Services add their own after the common ones.
 */
enum ktcp_stats_attr {
	KTCP_STATS_A_UNSPEC,
	KTCP_STATS_A_PAD,
	KTCP_STATS_A_ACCEPTED, /* connections accepted */
	KTCP_STATS_A_ACTIVE, /* connections open now */
	KTCP_STATS_A_CLOSED, /* connections closed, for any reason */
	KTCP_STATS_A_TIMED_OUT, /* closed by the idle timeout */
	KTCP_STATS_A_REFUSED, /* closed at once: over KTCP_A_MAX_CONNS */
	KTCP_STATS_A_BYTES_IN, /* payload bytes received */
	KTCP_STATS_A_BYTES_OUT, /* payload bytes sent */
	KTCP_STATS_A_ERRORS, /* connections closed by a socket error */
	__KTCP_STATS_A_MAX
};
#define KTCP_STATS_A_MAX (__KTCP_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_KTCP_H */
