/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ktcp: in-kernel TCP services controlled over generic netlink.
 *
 * Family "ktcp" (KTCP_GENL_NAME), version KTCP_GENL_VERSION. All state is
 * per network namespace: a server started in one netns is neither visible
 * nor reachable from another, and is stopped when its netns goes away.
 *
 * Privilege: commands that change state (SERVER_START, SERVER_STOP,
 * SERVER_SET, STATS_RESET, and SOCK_DROP even as a dry run) need
 * CAP_NET_ADMIN in the *initial* user namespace (GENL_ADMIN_PERM). An
 * in-kernel server is kernel attack surface and pins kernel memory, so it
 * is not offered to unprivileged user namespaces even though their netns
 * has its own servers. Read commands (SERVER_GET, STATS_GET, SERVICE_GET)
 * and the "events" group are open to any process, like `ss` or `ip link`.
 * The "access" group, which carries clients' addresses and what they
 * asked for, needs CAP_NET_ADMIN in the netns's user namespace to join.
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
 *            KTCP_A_MAX_CONNS, KTCP_A_IDLE_TIMEOUT_MS and
 *            KTCP_A_MAX_MEM_KB (defaults below),
 *            KTCP_A_LISTENERS (default 1; >1 opens that many SO_REUSEPORT
 *            listeners), KTCP_A_CPUS (default: every CPU),
 *            KTCP_A_NAME (optional; unique within the netns),
 *            KTCP_A_OPTS (service options, nested KTCP_OPT_A_*).
 *   Defaults: a service that faces untrusted clients has bounded ones,
 *            so that a server started with no options survives hostile
 *            clients; the reply to SERVER_GET always carries the values
 *            in use. http: KTCP_HTTP_DEFAULT_MAX_CONNS connections,
 *            KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS between requests,
 *            KTCP_HTTP_DEFAULT_MAX_MEM_KB of buffers and (KTCP_OPT_A_*)
 *            KTCP_HTTP_DEFAULT_HEAD_TIMEOUT_MS for a request head. echo:
 *            unlimited (0) for all three, as before.
 *   Reply:   KTCP_CMD_SERVER_START with KTCP_A_SERVER_ID.
 *   Errors:  EADDRINUSE (port taken), EEXIST (another server of the
 *            netns has this KTCP_A_NAME), ENOENT (unknown service: from
 *            6.2, which formats extack messages, the message names it and
 *            lists the known ones; before, it is "unknown service
 *            (SERVICE_GET lists the known ones)" on KTCP_A_SERVICE, and
 *            KTCP_CMD_SERVICE_GET is the way to learn them), EINVAL
 *            (options that the service does not take), EPERM (no
 *            CAP_NET_ADMIN; or an http user other than the caller without
 *            CAP_SETUID/CAP_SETGID).
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
 *   KTCP_A_MAX_MEM_KB, KTCP_A_LISTENERS, KTCP_A_CPUS, KTCP_A_NAME (when
 *   the server has one), KTCP_A_OPTS, KTCP_A_STATS.
 *   Dumps carry a generation counter; a dump that raced with a change has
 *   NLM_F_DUMP_INTR set on a message and should be retried.
 *
 * KTCP_CMD_SERVER_SET (do)
 *   Request: KTCP_A_SERVER_ID and any of KTCP_A_PORT, KTCP_A_ADDR,
 *   KTCP_A_BACKLOG, KTCP_A_MAX_CONNS, KTCP_A_IDLE_TIMEOUT_MS,
 *   KTCP_A_MAX_MEM_KB, KTCP_A_CPUS (connections on a CPU no longer in
 *   the set move to one that is). A lower limit applies to what comes
 *   next: open
 *   connections and memory already held stay. A new port or
 *   address rebinds the listeners; established connections stay up. If
 *   the new listeners cannot be opened the old ones keep running.
 *
 * KTCP_CMD_STATS_GET (do, dump)
 *   do with KTCP_A_SERVER_ID: that server's counters.
 *   do without:               totals over every server of the netns.
 *   dump:                     one message per server.
 *   Reply: KTCP_A_SERVER_ID (absent for totals), KTCP_A_SERVICE,
 *          KTCP_A_STATS (nested KTCP_STATS_A_*, all u64) and, per server
 *          only (not in the totals), KTCP_A_LATENCY (nested
 *          KTCP_LATENCY_A_*: the histogram of service times, below).
 *
 * KTCP_CMD_STATS_RESET (do)
 *   KTCP_A_SERVER_ID: zero that server's counters and latency histogram;
 *   without it, every server's and the netns's KTCP_STATS_A_DROPPED.
 *   KTCP_STATS_A_ACTIVE is a gauge and is not reset.
 *
 * KTCP_CMD_SERVICE_GET (dump)
 *   One message per registered service: KTCP_A_SERVICE.
 *
 * KTCP_CMD_SOCK_DROP (do, dump; CAP_NET_ADMIN)
 *   Abort TCP connections of the caller's netns, like `ss -K` but also for
 *   TIME_WAIT and request sockets, and without CONFIG_INET_DIAG_DESTROY.
 *   Only the established hash (established, TIME_WAIT and request
 *   sockets) is searched: a listening socket is never dropped, even when a
 *   tuple names its port. Full sockets are aborted as tcp_abort() does it:
 *   a RST goes to the peer when the state calls for one and the local
 *   owner sees ECONNABORTED. A socket is checked again, under its lock,
 *   right before it is aborted: one that its owner disconnected
 *   (connect(AF_UNSPEC)) since it was found, and may have made a listener
 *   or connected elsewhere, is left alone and reported as gone
 *   (KTCP_DROP_NOT_FOUND). TIME_WAIT sockets are descheduled, request
 *   sockets removed from their listener's queue; a request whose
 *   handshake completed since it was found is not there, and the
 *   connection it became, found by its tuple, is dropped instead (by a
 *   filter, only if it matches), reported with its own state.
 *   A socket bound to a device (the scope of a link-local address,
 *   SO_BINDTODEVICE, a VRF) is found by tuple only with its interface in
 *   KTCP_SOCK_A_IFINDEX; a tuple with an ifindex finds a socket bound to
 *   no device too. A filter finds them all.
 *
 *   do, by tuple:
 *     Request: KTCP_A_SOCK, repeated, 1..KTCP_DROP_TUPLES_MAX times, each
 *              with KTCP_SOCK_A_SADDR, KTCP_SOCK_A_DADDR, KTCP_SOCK_A_SPORT
 *              and KTCP_SOCK_A_DPORT (all required), and
 *              KTCP_SOCK_A_IFINDEX (required when an address is IPv6
 *              link-local); KTCP_A_FLAGS (optional). Every tuple is
 *              checked before any is dropped: one bad tuple fails the
 *              request and drops nothing.
 *     Reply:   KTCP_CMD_SOCK_DROP with one KTCP_A_SOCK per request tuple,
 *              in request order: the tuple (IPv4-mapped as IPv4, with
 *              its KTCP_SOCK_A_IFINDEX if it had one),
 *              KTCP_SOCK_A_RESULT and, when found, KTCP_SOCK_A_STATE; then
 *              KTCP_A_DROPPED and KTCP_A_NOT_FOUND, the counts. A tuple
 *              that matches nothing ("already gone") is not an error.
 *   dump, by filter:
 *     Request: KTCP_A_FILTER (required), KTCP_A_FLAGS (optional).
 *     Reply:   one KTCP_CMD_SOCK_DROP message per matching socket, with a
 *              KTCP_A_SOCK: its tuple (KTCP_SOCK_A_IFINDEX when the
 *              socket is bound to a device), KTCP_SOCK_A_STATE and
 *              KTCP_SOCK_A_RESULT; then a last message with only
 *              KTCP_A_DROPPED, the count. Sockets are dropped as the dump
 *              goes, a reply message's worth at a time; a dump that the
 *              caller stops reading stops dropping. The hash is walked
 *              without a snapshot: a socket created during the dump may or
 *              may not be seen. A reply buffer (one read: as many
 *              sockets as the reader's buffer holds) ends between hash
 *              buckets, so sockets that come and go between reads do not
 *              make others be reported twice or skipped; only a bucket
 *              with more matches than a buffer holds is split, and
 *              within a read one of more than 16 is taken in passes.
 *   With KTCP_DROP_F_DRY_RUN in KTCP_A_FLAGS nothing is dropped: results
 *   are KTCP_DROP_FOUND instead of KTCP_DROP_DROPPED and KTCP_A_DROPPED
 *   counts the sockets that would have been dropped.
 *   IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are the IPv4 address:
 *   a tuple or filter may give either form, and the IPv4 connections of
 *   IPv6 sockets are reported with 4-byte addresses.
 *   Errors: EINVAL (a tuple with addresses of two families, a prefix
 *           longer than its address, tuples and a filter together, a
 *           filter in a do or tuples in a dump, no states in a filter),
 *           E2BIG (more than KTCP_DROP_TUPLES_MAX tuples), EPERM. A bad
 *           filter fails the dump before anything is dropped, in the ACK
 *           or (kernels whose dump start has no extack, 6.1) in
 *           NLMSG_DONE, with the extack message either way.
 *   After a drop that dropped anything (not after a dry run), the events
 *   group gets KTCP_CMD_SOCK_DROPPED, and STATS_GET totals count the
 *   sockets in KTCP_STATS_A_DROPPED.
 *
 * Notifications on multicast group KTCP_MCGRP_EVENTS ("events"):
 *   KTCP_CMD_SERVER_STARTED, KTCP_CMD_SERVER_STOPPED and, after a
 *   successful SERVER_SET, KTCP_CMD_SERVER_CHANGED: KTCP_A_SERVER_ID,
 *   KTCP_A_SERVICE, KTCP_A_ADDR, KTCP_A_PORT (the new ones).
 *   KTCP_CMD_SOCK_DROPPED, once per SOCK_DROP request (do or whole dump)
 *   that dropped sockets: KTCP_A_DROPPED.
 *
 * Access log on multicast group KTCP_MCGRP_ACCESS ("access"; joining it
 * needs CAP_NET_ADMIN):
 *   KTCP_CMD_ACCESS, one per HTTP response of an http server:
 *   KTCP_A_SERVER_ID and KTCP_A_ACCESS (nested, KTCP_ACCESS_A_*). Only
 *   the listeners of the server's netns get them. A record is built only
 *   while the group has a listener in that netns, so a server nobody
 *   logs pays one check per request (the kernel's check sees listeners
 *   of any netns: once no listener of its netns took a record of a
 *   server, the server makes no more for 50 ms, so a listener that joins
 *   meanwhile, or whose socket was full or filtered the record out,
 *   gets records from then on). Serving never waits for the log:
 *   records are built without sleeping, and one that cannot be built (no
 *   memory) or that the socket of a listener with NETLINK_BROADCAST_ERROR
 *   set (libktcp sets it) has no room for is counted in the server's
 *   KTCP_STATS_A_LOG_DROPPED (the listener that missed it sees ENOBUFS on
 *   its socket, flag or not); KTCP_STATS_A_LOG_SENT counts the others.
 *   A listener that wants every record needs a receive buffer big enough
 *   for the server's peak rate (SO_RCVBUFFORCE).
 */
#ifndef _UAPI_LINUX_KTCP_H
#define _UAPI_LINUX_KTCP_H

#define KTCP_GENL_NAME "ktcp"
#define KTCP_GENL_VERSION 1
#define KTCP_MCGRP_EVENTS "events"
#define KTCP_MCGRP_ACCESS "access"

/* Longest service name, NUL excluded. */
#define KTCP_SERVICE_NAME_MAX 15
#define KTCP_BACKLOG_MAX 65535
/* Idle timeout upper bound: one day. */
#define KTCP_IDLE_TIMEOUT_MS_MAX (24U * 3600U * 1000U)
#define KTCP_LISTENERS_MAX 64
/* Longest document root path for khttpd, NUL excluded. */
#define KTCP_PATH_MAX 4095
/* Most tuples in one SOCK_DROP request (bounds the reply's size). */
#define KTCP_DROP_TUPLES_MAX 256
/* Largest uid or gid of KTCP_OPT_A_HTTP_*: (u32)-1 is no id. */
#define KTCP_HTTP_ID_MAX 0xfffffffeU
/* Most supplementary groups in KTCP_OPT_A_HTTP_GROUPS. */
#define KTCP_HTTP_GROUPS_MAX 64
/* Longest KTCP_A_CPUS, NUL excluded. */
#define KTCP_CPUS_MAX 255
/* Longest KTCP_A_NAME, NUL excluded. */
#define KTCP_NAME_MAX 63
/* Largest KTCP_A_MAX_MEM_KB: 1 TiB. */
#define KTCP_MAX_MEM_KB_MAX (1U << 30)

/* KTCP_A_BACKLOG when a start does not give it. */
#define KTCP_DEFAULT_BACKLOG 128

/*
 * The longest request target, Referer and User-Agent of an access record
 * (KTCP_ACCESS_A_*): longer ones are cut to this many bytes, and the
 * record says so (KTCP_ACCESS_A_CUT).
 */
#define KTCP_ACCESS_TARGET_MAX 2048
#define KTCP_ACCESS_REFERER_MAX 1024
#define KTCP_ACCESS_USER_AGENT_MAX 512
/* The longest method (a token of the request line) an access record has. */
#define KTCP_ACCESS_METHOD_MAX 31

/* The http service's defaults (see SERVER_START). */
#define KTCP_HTTP_DEFAULT_MAX_CONNS 1024
#define KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS 75000 /* as nginx's keepalive */
#define KTCP_HTTP_DEFAULT_MAX_MEM_KB 65536
#define KTCP_HTTP_DEFAULT_HEAD_TIMEOUT_MS 60000 /* as nginx's header */
#define KTCP_HTTP_DEFAULT_MAX_REQUEST_LINE 8192 /* KTCP_OPT_A_HTTP_... */
#define KTCP_HTTP_DEFAULT_MAX_HEADER 16384

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
	KTCP_CMD_SOCK_DROP,
	KTCP_CMD_SOCK_DROPPED, /* notification only */
	KTCP_CMD_ACCESS, /* notification only, "access" group */
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
	/*
	 * Connections at most. A new connection beyond it takes the place
	 * of the connection that has waited longest for its peer (counted
	 * in KTCP_STATS_A_EVICTED) when the service marks any as waiting
	 * (http: between requests or in a request head), else it is
	 * refused (KTCP_STATS_A_REFUSED).
	 */
	KTCP_A_MAX_CONNS, /* u32, 0 = unlimited */
	KTCP_A_IDLE_TIMEOUT_MS, /* u32, 0 = never, ..KTCP_IDLE_TIMEOUT_MS_MAX */
	KTCP_A_LISTENERS, /* u32, 1..KTCP_LISTENERS_MAX */
	KTCP_A_OPTS, /* nested, KTCP_OPT_A_*: service options */
	KTCP_A_STATS, /* nested, KTCP_STATS_A_*: counters (replies only) */
	KTCP_A_SOCK, /* nested, KTCP_SOCK_A_*: one socket; repeated */
	KTCP_A_FILTER, /* nested, KTCP_FILTER_A_*: which sockets to drop */
	KTCP_A_FLAGS, /* u32, KTCP_DROP_F_*; unknown bits are rejected */
	KTCP_A_DROPPED, /* u32, sockets dropped (replies, events only) */
	KTCP_A_NOT_FOUND, /* u32, tuples that matched nothing (replies only) */
	/*
	 * The buffers the server's connections may hold between runs, in
	 * KiB, 0 for no bound (http: request heads, responses, listings):
	 * KTCP_STATS_A_MEM. A connection that would go beyond it is
	 * answered with an error, if the service can, and closed
	 * (KTCP_STATS_A_OVER_MEM). Socket buffers are TCP's, bounded by
	 * net.ipv4.tcp_rmem, tcp_wmem and tcp_mem.
	 */
	KTCP_A_MAX_MEM_KB, /* u32, KiB, 0 = unlimited, ..KTCP_MAX_MEM_KB_MAX */
	/*
	 * The CPUs that run the server's connections, in the syntax of
	 * `taskset -c` ("0-3,8"): each connection runs on one of them,
	 * chosen when it is accepted (the CPU its packets arrive on when
	 * that is one of them), one connection after another per CPU.
	 * Every CPU named must be online, and the set must print (ranges
	 * and single CPUs, as replies carry it) within KTCP_CPUS_MAX chars:
	 * "0-255:1/2" is short, but prints as 456 chars, and is refused.
	 * Replies carry the set in use.
	 */
	KTCP_A_CPUS, /* NUL-terminated string, at most KTCP_CPUS_MAX chars */
	/*
	 * A name the starter gives the server (SERVER_START only; fixed
	 * for its life), to find it again by something steadier than its
	 * id: `ktcp apply` matches the servers of its configuration file
	 * by name, and knows those without one are not its own. 1 to
	 * KTCP_NAME_MAX characters of A-Z a-z 0-9 . _ -; unique within
	 * the netns (EEXIST). Replies carry it when the server has one.
	 */
	KTCP_A_NAME, /* NUL-terminated string, at most KTCP_NAME_MAX chars */
	KTCP_A_LATENCY, /* nested, KTCP_LATENCY_A_*: service times (replies) */
	KTCP_A_ACCESS, /* nested, KTCP_ACCESS_A_*: an access record
			* (KTCP_CMD_ACCESS only) */
	__KTCP_A_MAX
};
#define KTCP_A_MAX (__KTCP_A_MAX - 1)

/*
 * An access record: one HTTP response. Strings other than METHOD are the
 * bytes the client sent, which may be anything but CR, LF and NUL (a
 * target is visible ASCII; header values may hold tabs and bytes
 * 0x80-0xff): escape them before printing. A record of a request that
 * could not be parsed (400, 408, ...) has no METHOD, TARGET or PROTO.
 */
enum ktcp_access_attr {
	KTCP_ACCESS_A_UNSPEC,
	KTCP_ACCESS_A_PAD,
	KTCP_ACCESS_A_TIME, /* u64, ns since the epoch (CLOCK_REALTIME): the
			     * request head was complete */
	KTCP_ACCESS_A_ADDR, /* binary, 4 or 16 bytes: the client's address
			     * (IPv4-mapped IPv6 as IPv4), network order */
	KTCP_ACCESS_A_PORT, /* u16, host order: the client's port */
	KTCP_ACCESS_A_METHOD, /* NUL-terminated string, as sent, at most
			       * KTCP_ACCESS_METHOD_MAX chars */
	KTCP_ACCESS_A_TARGET, /* binary, the request target as sent, at most
			       * KTCP_ACCESS_TARGET_MAX bytes */
	KTCP_ACCESS_A_PROTO, /* u8, the HTTP/1.x minor version: 0 or 1 */
	KTCP_ACCESS_A_STATUS, /* u16, the response's status code */
	KTCP_ACCESS_A_BYTES, /* u64, body bytes sent (headers not counted) */
	KTCP_ACCESS_A_USEC, /* u64, microseconds from the complete request
			     * head to the response's last byte handed to
			     * TCP */
	KTCP_ACCESS_A_REFERER, /* binary, at most KTCP_ACCESS_REFERER_MAX
				* bytes; absent without the header */
	KTCP_ACCESS_A_USER_AGENT, /* binary, at most
				   * KTCP_ACCESS_USER_AGENT_MAX bytes; absent
				   * without the header */
	KTCP_ACCESS_A_CUT, /* u8, KTCP_ACCESS_CUT_* bits: what was cut short;
			    * absent when nothing was */
	__KTCP_ACCESS_A_MAX
};
#define KTCP_ACCESS_A_MAX (__KTCP_ACCESS_A_MAX - 1)

/* KTCP_ACCESS_A_CUT bits. */
enum ktcp_access_cut {
	KTCP_ACCESS_CUT_TARGET = 1 << 0,
	KTCP_ACCESS_CUT_REFERER = 1 << 1,
	KTCP_ACCESS_CUT_USER_AGENT = 1 << 2,
};

/* KTCP_A_FLAGS of SOCK_DROP. */
enum ktcp_drop_flags {
	KTCP_DROP_F_DRY_RUN = 1 << 0, /* report, drop nothing */
};
#define KTCP_DROP_F_ALL KTCP_DROP_F_DRY_RUN

/*
 * A socket of SOCK_DROP: S is the local end, D the remote one, as in the
 * "Local" and "Peer" columns of `ss -tn`. Addresses are 4 bytes (IPv4) or
 * 16 (IPv6), network order; both of one family, or one IPv4 and one
 * IPv4-mapped IPv6 address.
 */
enum ktcp_sock_attr {
	KTCP_SOCK_A_UNSPEC,
	KTCP_SOCK_A_SADDR, /* binary, 4 or 16 bytes: local address */
	KTCP_SOCK_A_DADDR, /* binary, 4 or 16 bytes: remote address */
	KTCP_SOCK_A_SPORT, /* u16, host order, 1..65535: local port */
	KTCP_SOCK_A_DPORT, /* u16, host order, 1..65535: remote port */
	KTCP_SOCK_A_STATE, /* u8, TCP_* state as `ss` shows it (replies only;
			    * a request socket is TCP_SYN_RECV, a TIME_WAIT
			    * socket its substate: TIME_WAIT or FIN_WAIT2) */
	KTCP_SOCK_A_RESULT, /* u8, enum ktcp_sock_result (replies only) */
	KTCP_SOCK_A_IFINDEX, /* u32, 1..INT_MAX: the interface the socket is
			      * bound to (requests: optional, required with a
			      * link-local address; replies: when bound) */
	__KTCP_SOCK_A_MAX
};
#define KTCP_SOCK_A_MAX (__KTCP_SOCK_A_MAX - 1)

enum ktcp_sock_result {
	KTCP_DROP_UNSPEC,
	KTCP_DROP_DROPPED, /* found and dropped */
	KTCP_DROP_NOT_FOUND, /* no such socket, or it went away meanwhile */
	KTCP_DROP_FOUND, /* found, not dropped: KTCP_DROP_F_DRY_RUN */
	__KTCP_DROP_MAX
};
#define KTCP_DROP_MAX (__KTCP_DROP_MAX - 1)

/* TCP states (TCP_* of the kernel's tcp_states.h) as filter bits. */
#define KTCP_DROP_STATE(st) (1U << (st))
/*
 * Every droppable state: all but CLOSE (7) and LISTEN (10), that is
 * ESTABLISHED 1, SYN_SENT 2, SYN_RECV 3, FIN_WAIT1 4, FIN_WAIT2 5,
 * TIME_WAIT 6, CLOSE_WAIT 8, LAST_ACK 9 and CLOSING 11.
 */
#define KTCP_DROP_STATES_ALL 0x0b7eU
/* The same bits by name (the YNL spec's drop-state flags). */
enum ktcp_drop_state_bits {
	KTCP_DROP_STATE_ESTABLISHED = 0x0002,
	KTCP_DROP_STATE_SYN_SENT = 0x0004,
	KTCP_DROP_STATE_SYN_RECV = 0x0008,
	KTCP_DROP_STATE_FIN_WAIT1 = 0x0010,
	KTCP_DROP_STATE_FIN_WAIT2 = 0x0020,
	KTCP_DROP_STATE_TIME_WAIT = 0x0040,
	KTCP_DROP_STATE_CLOSE_WAIT = 0x0100,
	KTCP_DROP_STATE_LAST_ACK = 0x0200,
	KTCP_DROP_STATE_CLOSING = 0x0800,
};

/*
 * Which sockets SOCK_DROP takes. All given conditions must hold. STATES
 * is required: a filter drops nothing by accident, and everything only
 * with KTCP_DROP_STATES_ALL. LISTEN and CLOSE are not droppable states.
 * An address matches its own family only (IPv4-mapped counts as IPv4).
 */
enum ktcp_filter_attr {
	KTCP_FILTER_A_UNSPEC,
	KTCP_FILTER_A_STATES, /* u32, KTCP_DROP_STATE(TCP_*) bits, not 0 */
	KTCP_FILTER_A_SADDR, /* binary, 4 or 16 bytes: local address */
	KTCP_FILTER_A_SPREFIX, /* u8, SADDR prefix length (default: all) */
	KTCP_FILTER_A_DADDR, /* binary, 4 or 16 bytes: remote address */
	KTCP_FILTER_A_DPREFIX, /* u8, DADDR prefix length (default: all) */
	KTCP_FILTER_A_SPORT, /* u16, host order, 1..65535: local port */
	KTCP_FILTER_A_DPORT, /* u16, host order, 1..65535: remote port */
	KTCP_FILTER_A_LIMIT, /* u32, >= 1: stop after this many sockets */
	__KTCP_FILTER_A_MAX
};
#define KTCP_FILTER_A_MAX (__KTCP_FILTER_A_MAX - 1)

/*
 * Where a kecho server's connections run (named for the workqueues of
 * earlier versions; every server now runs on a per-CPU one).
 */
enum ktcp_echo_wq {
	KTCP_ECHO_WQ_UNBOUND, /* the CPU given at accept (KTCP_A_CPUS) */
	KTCP_ECHO_WQ_PERCPU, /* wherever its packets arrive, each time */
	__KTCP_ECHO_WQ_MAX
};
#define KTCP_ECHO_WQ_MAX (__KTCP_ECHO_WQ_MAX - 1)

/*
 * Service options. A service rejects (EINVAL, with a message) the options
 * that it does not take.
 */
enum ktcp_opt_attr {
	KTCP_OPT_A_UNSPEC,
	KTCP_OPT_A_ECHO_WQ, /* u8, enum ktcp_echo_wq (echo) */
	/*
	 * http: NUL-terminated absolute path of the document root, at most
	 * KTCP_PATH_MAX chars. Resolved once at start, by the starting
	 * process; files are opened beneath it as the user of
	 * KTCP_OPT_A_HTTP_UID (below). Absent: a built-in page is served.
	 */
	KTCP_OPT_A_HTTP_ROOT,
	KTCP_OPT_A_HTTP_LISTING, /* u8, 0 or 1: list directories without
				  * index.html (http; default 0: 403) */
	KTCP_OPT_A_HTTP_KEEPALIVE_MAX, /* u32, requests per connection
					* (http; default 0 = unlimited) */
	KTCP_OPT_A_HTTP_MAX_REQUEST_LINE, /* u32, bytes, 64..32768, larger
					   * gets 414 (http; default 8192) */
	KTCP_OPT_A_HTTP_MAX_HEADER, /* u32, bytes of a request head, 256..
				     * 65536, larger gets 431 (http; default
				     * 16384) */
	KTCP_OPT_A_HTTP_SENDFILE, /* u8, 0 or 1: send file bodies from the
				   * page cache without copying them (http;
				   * default 1); 0 reads them into a buffer
				   * and sends that */
	/*
	 * http: the user that files are looked up, opened and read as:
	 * KTCP_OPT_A_HTTP_UID and KTCP_OPT_A_HTTP_GID (u32, 0..
	 * KTCP_HTTP_ID_MAX, ids of the caller's user namespace), and
	 * KTCP_OPT_A_HTTP_GROUPS, the supplementary groups (binary: an array
	 * of u32 gids, host order, at most KTCP_HTTP_GROUPS_MAX; empty for
	 * none). Whoever the user, files are opened with no capabilities at
	 * all, so CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH of a root caller
	 * never serve a file that the user could not read.
	 *
	 * UID and GID come together, GROUPS only with them (UID and GID
	 * without GROUPS: no supplementary groups); an id without a
	 * mapping in the caller's user namespace is EINVAL. Naming a user
	 * other than the caller (a uid other than its fsuid: CAP_SETUID; a
	 * gid other than its fsgid, or groups other than exactly its own:
	 * CAP_SETGID, both in the initial user namespace, as setresuid(2)
	 * and setgroups(2) want) is EPERM without those capabilities:
	 * CAP_NET_ADMIN alone lets a caller serve as itself, not as another.
	 *
	 * Absent, files are opened as the caller (its fsuid, fsgid and
	 * groups), without its capabilities. Replies always carry UID and
	 * GID (the caller's when not given), GROUPS when UID was given;
	 * ids as the initial user namespace numbers them.
	 */
	KTCP_OPT_A_HTTP_UID, /* u32, 0..KTCP_HTTP_ID_MAX (http) */
	KTCP_OPT_A_HTTP_GID, /* u32, 0..KTCP_HTTP_ID_MAX (http) */
	KTCP_OPT_A_HTTP_GROUPS, /* binary, u32 gids, at most
				 * KTCP_HTTP_GROUPS_MAX (http) */
	/*
	 * A request head must be complete this long after its first byte,
	 * else 408 and close, however the bytes trickle in (http; default
	 * KTCP_HTTP_DEFAULT_HEAD_TIMEOUT_MS). Independent of the idle
	 * timeout.
	 */
	KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS, /* u32, ms, 1..KTCP_IDLE_TIMEOUT_MS_MAX */
	__KTCP_OPT_A_MAX
};
#define KTCP_OPT_A_MAX (__KTCP_OPT_A_MAX - 1)

/*
 * Counters, all u64. ACTIVE and MEM are gauges (open now, held now); the rest
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
	KTCP_STATS_A_DROPPED, /* sockets dropped by SOCK_DROP: netns-wide, in
			       * the totals only (0 per server) */
	/* http: requests parsed, and responses by status class */
	KTCP_STATS_A_HTTP_REQUESTS,
	KTCP_STATS_A_HTTP_2XX,
	KTCP_STATS_A_HTTP_3XX,
	KTCP_STATS_A_HTTP_4XX,
	KTCP_STATS_A_HTTP_5XX,
	/* http: requests served on a kept-alive connection (not its first) */
	KTCP_STATS_A_HTTP_REUSED,
	/* of BYTES_OUT, those sent from the page cache without a copy */
	KTCP_STATS_A_BYTES_ZEROCOPY,
	/* a gauge, not reset: bytes of buffers held now (KTCP_A_MAX_MEM_KB) */
	KTCP_STATS_A_MEM,
	KTCP_STATS_A_OVER_MEM, /* closed: KTCP_A_MAX_MEM_KB was reached */
	KTCP_STATS_A_EVICTED, /* closed to make room at KTCP_A_MAX_CONNS */
	/* access records sent to the "access" group (none while nobody
	 * listens), and those lost: not built, or not delivered to every
	 * listener of the netns (see KTCP_CMD_ACCESS) */
	KTCP_STATS_A_LOG_SENT,
	KTCP_STATS_A_LOG_DROPPED,
	__KTCP_STATS_A_MAX
};
#define KTCP_STATS_A_MAX (__KTCP_STATS_A_MAX - 1)

/*
 * Service times (KTCP_A_LATENCY of a STATS_GET reply): a histogram per
 * server, kept per CPU and summed when read, zeroed by STATS_RESET.
 *
 * What one sample is:
 *   http: one response, from the moment khttpd reads the first byte of
 *         its request head from the socket (for a pipelined request, the
 *         moment the response before it is out) to the moment the last
 *         byte of the response is queued in the socket. Answers to heads
 *         that cannot be parsed (400, 408, 414, 431) count too; the 503
 *         of a server out of memory does not.
 *   echo: one message, from the socket's data_ready for its first
 *         segment (TCP queued it: the time waiting for a CPU counts) to
 *         the moment its last byte is queued back. A message is what
 *         arrives between two echoes: with a client that waits for each
 *         answer, each message it sends; bytes that arrive while an echo
 *         runs are the next message.
 *
 * Buckets are log-linear in nanoseconds: bucket 0 is [0, 2^MIN_SHIFT);
 * then each power of two [2^k, 2^(k+1)), k >= MIN_SHIFT, is split into
 * 2^SUB_BITS buckets of equal width, so bucket i >= 1 begins at
 *   2^(MIN_SHIFT + g) + s * 2^(MIN_SHIFT + g - SUB_BITS),
 *   g = (i - 1) >> SUB_BITS, s = (i - 1) & (2^SUB_BITS - 1),
 * and ends where bucket i + 1 begins. The last bucket has no end: it
 * holds everything beyond. A bucket is at most 1/2^SUB_BITS of its
 * values wide. Replies carry the layout (MIN_SHIFT, SUB_BITS and the
 * number of buckets), so a reader computes the bounds instead of
 * assuming these values.
 *
 * Recording costs a clock read and a per-CPU increment per sample, and
 * can be switched off for every server with the parameter "latency" of
 * the ktcp module (/sys/module/ktcp/parameters/latency, 1 by default):
 * while off, nothing is recorded, the histograms keep what they have.
 */
#define KTCP_LATENCY_MIN_SHIFT 10 /* bucket 0: below 1024 ns */
#define KTCP_LATENCY_SUB_BITS 2 /* 4 buckets per power of two */
/*
 * 1 + 26 << SUB_BITS: bucket 0, then 26 powers of two from 2^10 ns; the
 * last bucket, which has no end, begins at 60.1 s.
 */
#define KTCP_LATENCY_BUCKETS 105

enum ktcp_latency_attr {
	KTCP_LATENCY_A_UNSPEC,
	KTCP_LATENCY_A_PAD,
	KTCP_LATENCY_A_COUNT, /* u64, samples: the sum of the buckets */
	KTCP_LATENCY_A_SUM_NS, /* u64, ns: the sum of every sample */
	KTCP_LATENCY_A_MIN_SHIFT, /* u8, bucket 0's bound is 2^MIN_SHIFT ns */
	KTCP_LATENCY_A_SUB_BITS, /* u8, 2^SUB_BITS buckets per power of 2 */
	KTCP_LATENCY_A_BUCKETS, /* binary: an array of u64 counts, host
				 * order, one per bucket (at most 1024) */
	__KTCP_LATENCY_A_MAX
};
#define KTCP_LATENCY_A_MAX (__KTCP_LATENCY_A_MAX - 1)

#endif /* _UAPI_LINUX_KTCP_H */
