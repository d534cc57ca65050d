/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libktcp: control in-kernel TCP services over the "ktcp" generic netlink
 * family. This header is the whole public API; it uses no libnl types, so
 * callers never see netlink.
 *
 * Conventions:
 * - Every function that can fail returns 0 on success or a negative errno.
 *   Errors from the kernel are passed through unchanged (-EADDRINUSE,
 *   -ENOENT, -EPERM, ...); after any failure ktcp_errmsg() returns the
 *   kernel's extended ACK message, or one of the library's, when there is
 *   one. Every call on a handle clears it first (since 2.1), so it is
 *   always about the last call. ktcp_open() has no handle to keep it:
 *   ktcp_open_errmsg() hands it to the caller.
 * - -EPROTONOSUPPORT from ktcp_open() means the "ktcp" family is not
 *   registered: the ktcp kernel module is not loaded.
 * - Optional fields carry a presence bit in a "has" mask: set the bit to
 *   send a field; check it before reading a field the kernel returned.
 *   Fields that an older kernel does not send, or that a newer kernel sends
 *   and this library does not know, never cause an error.
 * - Everything the library allocates has a matching _free().
 * - The structs have a fixed size and end in reserved space, so that
 *   later versions add fields by taking reserved space, never by changing
 *   a size or moving a field (the ABI of libktcp.so.2, checked against a
 *   baseline by `make check-abi`): struct ktcp_stats is 64 uint64_t
 *   slots, one "has" mask of 64 bits and up to 63 counters; struct
 *   ktcp_server_cfg is 256 bytes, struct ktcp_server 1024 (its stats
 *   included) and struct ktcp_event 128. Zero-initialize them (= { 0 } or
 *   memset) and leave the reserved space alone: ktcp_server_start() and
 *   ktcp_server_set() reject a "has" bit or a reserved field that this
 *   library does not know (-EINVAL), so a program built against a newer
 *   header learns that an older library cannot do what it asked.
 * - A handle is not thread-safe; use one handle per thread.
 */
#ifndef KTCP_LIB_H
#define KTCP_LIB_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of libktcp this header belongs to, and of the package: the
 * one place it is written. The build reads these three lines for the
 * soname (libktcp.so.MAJOR), the file name, libktcp.pc, dkms.conf and
 * ktcp_lib_version(). ktcp_lib_version() tells the version of the library
 * that is running, which may be a later MINOR or PATCH than this.
 */
#define KTCP_VERSION_MAJOR 2
#define KTCP_VERSION_MINOR 1
#define KTCP_VERSION_PATCH 0
/* For #if: KTCP_VERSION >= KTCP_VERSION_NUM(2, 1, 0). */
#define KTCP_VERSION_NUM(major, minor, patch) \
	(((major) << 16) | ((minor) << 8) | (patch))
#define KTCP_VERSION                                             \
	KTCP_VERSION_NUM(KTCP_VERSION_MAJOR, KTCP_VERSION_MINOR, \
			 KTCP_VERSION_PATCH)

/* Service names: at most 15 characters, NUL-terminated. */
#define KTCP_SERVICE_LEN 16
/* Enough for any message of ktcp_errmsg() or ktcp_open_errmsg(). */
#define KTCP_ERRMSG_LEN 256
/* Big enough for ktcp_addrport_format(): "[v6-address]:65535". */
#define KTCP_ADDRPORT_STRLEN (INET6_ADDRSTRLEN + 8)

/* Opaque handle: one netlink socket for requests, one for events. */
struct ktcp;

/* An IPv4 or IPv6 address; family AF_UNSPEC means "none". */
struct ktcp_addr {
	int family; /* AF_INET, AF_INET6 or AF_UNSPEC */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* Workqueue for an echo server's connections (service option). */
enum ktcp_wq {
	KTCP_WQ_UNBOUND = 0, /* any CPU; the kernel's default */
	KTCP_WQ_PERCPU = 1, /* the CPU that queued the work */
};

/* Presence bits for struct ktcp_server_cfg and struct ktcp_server. */
#define KTCP_HAS_ADDR (1ULL << 0)
#define KTCP_HAS_PORT (1ULL << 1)
#define KTCP_HAS_BACKLOG (1ULL << 2)
#define KTCP_HAS_MAX_CONNS (1ULL << 3)
#define KTCP_HAS_IDLE_TIMEOUT (1ULL << 4)
#define KTCP_HAS_LISTENERS (1ULL << 5)
#define KTCP_HAS_ECHO_WQ (1ULL << 6)
#define KTCP_HAS_HTTP_ROOT (1ULL << 7)
#define KTCP_HAS_HTTP_LISTING (1ULL << 8)
#define KTCP_HAS_HTTP_KEEPALIVE_MAX (1ULL << 9)
#define KTCP_HAS_HTTP_MAX_REQUEST_LINE (1ULL << 10)
#define KTCP_HAS_HTTP_MAX_HEADER (1ULL << 11)
#define KTCP_HAS_HTTP_SENDFILE (1ULL << 12)
#define KTCP_HAS_HTTP_USER (1ULL << 13)
/* Only in struct ktcp_server: */
#define KTCP_HAS_HTTP_GROUPS (1ULL << 14)
/* Only in struct ktcp_server and struct ktcp_event: */
#define KTCP_HAS_ID (1ULL << 16)
#define KTCP_HAS_SERVICE (1ULL << 17)
#define KTCP_HAS_STATS (1ULL << 18)
#define KTCP_HAS_DROPPED (1ULL << 19)
/* Since 2.0: */
#define KTCP_HAS_MAX_MEM (1ULL << 20)
#define KTCP_HAS_HTTP_HEAD_TIMEOUT (1ULL << 21)
/* After 2.0.0 (whose library refuses the bit with -EINVAL): */
#define KTCP_HAS_CPUS (1ULL << 22)
#define KTCP_HAS_NAME (1ULL << 23)

/* Server names: at most 63 characters (KTCP_NAME_MAX), NUL-terminated. */
#define KTCP_SERVER_NAME_LEN 64

/*
 * Configuration for ktcp_server_start() and ktcp_server_set(). Fields
 * without their KTCP_HAS_* bit are not sent and the kernel uses its
 * default (start) or keeps the current value (set); the defaults of each
 * service are in <linux/ktcp.h> (KTCP_HTTP_DEFAULT_*). service is
 * required by start and ignored by set. 256 bytes.
 */
struct ktcp_server_cfg {
	char service[KTCP_SERVICE_LEN];
	uint64_t has; /* KTCP_HAS_* */
	struct ktcp_addr addr; /* KTCP_HAS_ADDR; default: IPv6 any */
	uint16_t port; /* KTCP_HAS_PORT; 1..65535, required by start */
	uint8_t echo_wq; /* KTCP_HAS_ECHO_WQ; enum ktcp_wq, start only */
	uint8_t http_listing; /* KTCP_HAS_HTTP_LISTING; 0 or 1 */
	uint32_t backlog; /* KTCP_HAS_BACKLOG; 1..65535 */
	uint32_t max_conns; /* KTCP_HAS_MAX_CONNS; 0 = unlimited */
	uint32_t idle_timeout_ms; /* KTCP_HAS_IDLE_TIMEOUT; 0 = never */
	uint32_t listeners; /* KTCP_HAS_LISTENERS; 1..64, start only */
	/*
	 * KTCP_HAS_MAX_MEM: KiB of buffers the server's connections may
	 * hold, 0 = unlimited, at most KTCP_MAX_MEM_KB_MAX.
	 */
	uint32_t max_mem_kb;
	/* http service options, start only: */
	uint32_t http_keepalive_max; /* KTCP_HAS_HTTP_KEEPALIVE_MAX; requests
				      * per connection, 0 = unlimited */
	uint32_t http_max_request_line; /* KTCP_HAS_HTTP_MAX_REQUEST_LINE;
					 * 64..32768 bytes */
	uint32_t http_max_header; /* KTCP_HAS_HTTP_MAX_HEADER; 256..65536 */
	/*
	 * KTCP_HAS_HTTP_HEAD_TIMEOUT: a request head must be complete this
	 * many ms after its first byte; 1..KTCP_IDLE_TIMEOUT_MS_MAX.
	 */
	uint32_t http_head_timeout_ms;
	uint8_t http_sendfile; /* KTCP_HAS_HTTP_SENDFILE; 0 copies file
				* bodies through a buffer; default 1 */
	const char *http_root; /* KTCP_HAS_HTTP_ROOT; absolute path of at
				* most 4095 chars, the caller's string */
	/*
	 * KTCP_HAS_HTTP_USER: open files as this user, with these
	 * supplementary groups (http_ngroups gids, 0..64, at http_groups,
	 * the caller's array; none when 0), and no capabilities. Without
	 * it, files are opened as the caller, also without capabilities.
	 * A user other than the caller needs CAP_SETUID and CAP_SETGID
	 * (-EPERM). Ids are numbers, as getpwnam(3) and getgrouplist(3)
	 * give them: the library looks up no names.
	 */
	uint32_t http_uid;
	uint32_t http_gid;
	const uint32_t *http_groups;
	uint32_t http_ngroups;
	/*
	 * KTCP_HAS_CPUS: the CPUs that run the server's connections, in the
	 * syntax of taskset -c ("0-3,8"): 1 to 255 (KTCP_CPUS_MAX)
	 * digits, ',' and '-'; the caller's string. Each connection runs
	 * on one of them, chosen when it is accepted. Default: every CPU.
	 * Every CPU named must be online (the kernel checks, -EINVAL).
	 */
	const char *cpus;
	/*
	 * KTCP_HAS_NAME, start only: a name for the server, 1 to 63
	 * characters of A-Z a-z 0-9 . _ -, unique within the netns
	 * (-EEXIST); the caller's string. `ktcp apply` finds its servers
	 * by it.
	 */
	const char *name;
	uint64_t reserved[15]; /* for later options: leave zeroed */
};

/*
 * Counter presence bits for struct ktcp_stats.has: bit n is the counter
 * in slot n + 1 of the struct, the n-th counter of <linux/ktcp.h>
 * (KTCP_STATS_A_<NAME> - KTCP_STATS_A_ACCEPTED).
 */
#define KTCP_STAT_ACCEPTED (1ULL << 0)
#define KTCP_STAT_ACTIVE (1ULL << 1)
#define KTCP_STAT_CLOSED (1ULL << 2)
#define KTCP_STAT_TIMED_OUT (1ULL << 3)
#define KTCP_STAT_REFUSED (1ULL << 4)
#define KTCP_STAT_BYTES_IN (1ULL << 5)
#define KTCP_STAT_BYTES_OUT (1ULL << 6)
#define KTCP_STAT_ERRORS (1ULL << 7)
#define KTCP_STAT_DROPPED (1ULL << 8)
#define KTCP_STAT_HTTP_REQUESTS (1ULL << 9)
#define KTCP_STAT_HTTP_2XX (1ULL << 10)
#define KTCP_STAT_HTTP_3XX (1ULL << 11)
#define KTCP_STAT_HTTP_4XX (1ULL << 12)
#define KTCP_STAT_HTTP_5XX (1ULL << 13)
#define KTCP_STAT_HTTP_REUSED (1ULL << 14)
#define KTCP_STAT_BYTES_ZEROCOPY (1ULL << 15)
#define KTCP_STAT_MEM (1ULL << 16)
#define KTCP_STAT_OVER_MEM (1ULL << 17)
#define KTCP_STAT_EVICTED (1ULL << 18)
/* Since 2.1: */
#define KTCP_STAT_LOG_SENT (1ULL << 19)
#define KTCP_STAT_LOG_DROPPED (1ULL << 20)

/* Slots of struct ktcp_stats: has, then up to 63 counters. */
#define KTCP_STATS_SLOTS 64

/*
 * Counters of one server or the totals of a netns. active and mem are
 * gauges (open now, held now); the others only grow until reset. Always
 * KTCP_STATS_SLOTS uint64_t: a new counter takes the first reserved slot
 * and the next bit of has, so the size never changes.
 */
struct ktcp_stats {
	uint64_t has; /* KTCP_STAT_* bits of the counters present */
	uint64_t accepted;
	uint64_t active;
	uint64_t closed;
	uint64_t timed_out; /* closed by the idle timeout */
	uint64_t refused; /* closed at once: over max_conns */
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t errors; /* closed by a socket error */
	/* Sockets dropped by ktcp_sock_drop*() in the netns: in the totals
	 * (ktcp_stats_get() with id 0) only. */
	uint64_t dropped;
	/* http servers: requests parsed, responses by status class */
	uint64_t http_requests;
	uint64_t http_2xx, http_3xx, http_4xx, http_5xx;
	uint64_t http_reused; /* requests on a kept-alive connection */
	/* of bytes_out, those sent from the page cache without a copy */
	uint64_t bytes_zerocopy;
	uint64_t mem; /* a gauge, not reset: bytes of buffers held now */
	uint64_t over_mem; /* closed: max_mem_kb was reached */
	uint64_t evicted; /* closed to make room at max_conns */
	/* http servers, since 2.1: access records sent to the log (none
	 * while nobody reads it), and those lost (ktcp_log_open()) */
	uint64_t log_sent;
	uint64_t log_dropped;
	uint64_t reserved[KTCP_STATS_SLOTS - 22]; /* later counters */
};

/*
 * A running server, as reported by ktcp_server_get()/ktcp_server_list().
 * 1024 bytes.
 */
struct ktcp_server {
	uint32_t id; /* KTCP_HAS_ID */
	char service[KTCP_SERVICE_LEN]; /* KTCP_HAS_SERVICE */
	uint64_t has; /* KTCP_HAS_* */
	struct ktcp_addr addr;
	uint16_t port;
	uint8_t echo_wq; /* KTCP_HAS_ECHO_WQ: echo servers only */
	uint8_t http_listing; /* KTCP_HAS_HTTP_LISTING */
	uint32_t backlog;
	uint32_t max_conns;
	uint32_t idle_timeout_ms;
	uint32_t listeners;
	uint32_t max_mem_kb; /* KTCP_HAS_MAX_MEM: KiB, 0 = unlimited */
	/* http servers: */
	uint32_t http_keepalive_max; /* KTCP_HAS_HTTP_KEEPALIVE_MAX */
	uint32_t http_max_request_line; /* KTCP_HAS_HTTP_MAX_REQUEST_LINE */
	uint32_t http_max_header; /* KTCP_HAS_HTTP_MAX_HEADER */
	uint32_t http_head_timeout_ms; /* KTCP_HAS_HTTP_HEAD_TIMEOUT */
	uint8_t http_sendfile; /* KTCP_HAS_HTTP_SENDFILE */
	/*
	 * KTCP_HAS_HTTP_ROOT. Like http_groups, it points into the memory
	 * that ktcp_server_get() or ktcp_server_list() returned, and is
	 * freed with it.
	 */
	const char *http_root;
	/*
	 * The user that files are opened as (KTCP_HAS_HTTP_USER: the
	 * starter's own when none was named) and, when one was named,
	 * its supplementary groups (KTCP_HAS_HTTP_GROUPS: http_ngroups
	 * gids at http_groups).
	 */
	uint32_t http_uid;
	uint32_t http_gid;
	const uint32_t *http_groups;
	uint32_t http_ngroups;
	/*
	 * KTCP_HAS_CPUS: the CPUs that run the connections, as the kernel
	 * prints a cpulist ("0-1,8"). In the same memory as http_root.
	 */
	const char *cpus;
	/* KTCP_HAS_NAME: the name given at start; "" without. */
	char name[KTCP_SERVER_NAME_LEN];
	uint64_t reserved[39]; /* for later fields */
	struct ktcp_stats stats; /* KTCP_HAS_STATS */
};

enum ktcp_event_type {
	KTCP_EVENT_SERVER_STARTED = 1,
	KTCP_EVENT_SERVER_STOPPED = 2,
	KTCP_EVENT_SERVER_CHANGED = 3, /* ktcp_server_set() changed it */
	KTCP_EVENT_SOCK_DROPPED = 4, /* a ktcp_sock_drop*() dropped sockets */
};

/* A notification from the "events" multicast group. */
struct ktcp_event {
	enum ktcp_event_type type;
	uint32_t id; /* KTCP_HAS_ID */
	char service[KTCP_SERVICE_LEN]; /* KTCP_HAS_SERVICE */
	struct ktcp_addr addr; /* KTCP_HAS_ADDR */
	uint16_t port; /* KTCP_HAS_PORT */
	uint64_t has; /* KTCP_HAS_* */
	uint64_t dropped; /* KTCP_HAS_DROPPED: sockets, SOCK_DROPPED only */
	uint64_t reserved[8]; /* for later fields; 128 bytes in all */
};

/* Presence bits of struct ktcp_log_record.has (since 2.1). */
#define KTCP_LOG_HAS_REQUEST (1U << 0) /* method, target, proto_minor */
#define KTCP_LOG_HAS_REFERER (1U << 1)
#define KTCP_LOG_HAS_USER_AGENT (1U << 2)

/* What of a record was cut short (struct ktcp_log_record.cut). */
#define KTCP_LOG_CUT_TARGET (1U << 0) /* at KTCP_ACCESS_TARGET_MAX */
#define KTCP_LOG_CUT_REFERER (1U << 1) /* at KTCP_ACCESS_REFERER_MAX */
#define KTCP_LOG_CUT_USER_AGENT (1U << 2) /* at KTCP_ACCESS_USER_AGENT_MAX */

/*
 * An access record: one HTTP response of an http server (since 2.1;
 * ktcp_log_recv()). target, referer and user_agent are the bytes the
 * client sent, not NUL-terminated, which may hold any byte but CR, LF
 * and NUL: escape them before printing. They point into the handle's
 * memory, valid until the next ktcp_log_recv() or ktcp_close(). A
 * response to a request that could not be parsed (400, 408, a 503 for
 * lack of memory) has no KTCP_LOG_HAS_REQUEST. 256 bytes.
 */
struct ktcp_log_record {
	uint32_t id; /* the server */
	uint32_t has; /* KTCP_LOG_HAS_* */
	uint64_t time_ns; /* request complete, ns since the epoch */
	struct ktcp_addr addr; /* the client */
	uint16_t port;
	uint16_t status; /* 0: the kernel sent none */
	uint8_t proto_minor; /* HTTP/1.proto_minor */
	uint8_t cut; /* KTCP_LOG_CUT_* */
	char method[32]; /* NUL-terminated */
	uint64_t bytes; /* body bytes sent */
	uint64_t usec; /* request complete to response out */
	const char *target;
	size_t target_len;
	const char *referer; /* KTCP_LOG_HAS_REFERER */
	size_t referer_len;
	const char *user_agent; /* KTCP_LOG_HAS_USER_AGENT */
	size_t user_agent_len;
	uint64_t reserved[14]; /* for later fields */
};

/* --- dropping connections: types ------------------------------------------ */

/* TCP states, the kernel's TCP_* values, as ktcp_sock_drop*() use them. */
enum ktcp_tcp_state {
	KTCP_TCP_ESTABLISHED = 1,
	KTCP_TCP_SYN_SENT = 2,
	KTCP_TCP_SYN_RECV = 3,
	KTCP_TCP_FIN_WAIT1 = 4,
	KTCP_TCP_FIN_WAIT2 = 5,
	KTCP_TCP_TIME_WAIT = 6,
	KTCP_TCP_CLOSE = 7,
	KTCP_TCP_CLOSE_WAIT = 8,
	KTCP_TCP_LAST_ACK = 9,
	KTCP_TCP_LISTEN = 10,
	KTCP_TCP_CLOSING = 11,
};
/* A state's bit in struct ktcp_drop_filter.states. */
#define KTCP_TCP_STATE_BIT(st) (1U << (st))
/* Every state that can be dropped: all but CLOSE and LISTEN. */
#define KTCP_TCP_STATES_ALL 0x0b7eU

/*
 * A connection as seen from one end: saddr/sport the local end, daddr/
 * dport the remote one (netstat's "Local" and "Foreign" columns). Both
 * addresses of one family; an IPv4-mapped IPv6 address counts as IPv4.
 */
struct ktcp_sock_tuple {
	struct ktcp_addr saddr;
	struct ktcp_addr daddr;
	uint16_t sport; /* 1..65535 */
	uint16_t dport; /* 1..65535 */
	/*
	 * Since 2.1 (the 2.0 library ignores it): the interface the socket
	 * is bound to, as ss shows it after '%': the scope of a link-local
	 * address (required with one), or a device of SO_BINDTODEVICE or a
	 * VRF. 0: none; then only sockets bound to no device are found.
	 * In results, the socket's (0 when it has none).
	 */
	uint32_t ifindex;
	uint64_t reserved[2];
};

enum ktcp_drop_status {
	/* Since 2.1, only with an error from ktcp_sock_drop(): */
	KTCP_NOT_SENT = 0, /* an earlier request failed: not dropped */
	KTCP_DROPPED = 1, /* found and dropped */
	KTCP_NOT_FOUND = 2, /* no such connection: already gone, not an error */
	KTCP_FOUND = 3, /* found, left alone: KTCP_DROP_DRY_RUN */
	KTCP_FAILED = 4, /* its request failed: may or may not be dropped */
};

/* What happened to one socket (or tuple). */
struct ktcp_drop_result {
	struct ktcp_sock_tuple tuple; /* IPv4-mapped addresses come as IPv4 */
	uint8_t state; /* enum ktcp_tcp_state, as ss shows it; 0 if not found */
	uint8_t status; /* enum ktcp_drop_status */
	uint64_t reserved[2];
};

/* Flags of ktcp_sock_drop*(). */
#define KTCP_DROP_DRY_RUN (1U << 0) /* report what matches, drop nothing */

/* Presence bits for struct ktcp_drop_filter.has. */
#define KTCP_FILTER_SPREFIX (1U << 0)
#define KTCP_FILTER_DPREFIX (1U << 1)

/*
 * Which sockets ktcp_sock_drop_filter() drops: all conditions that are set
 * must hold. states is required (at least one bit). An address with
 * family AF_UNSPEC, a port 0 or a limit 0 is no condition; a prefix
 * length without its KTCP_FILTER_*PREFIX bit is the whole address.
 */
struct ktcp_drop_filter {
	uint32_t states; /* KTCP_TCP_STATE_BIT()s, or KTCP_TCP_STATES_ALL */
	struct ktcp_addr saddr; /* local address */
	struct ktcp_addr daddr; /* remote address */
	uint8_t sprefix; /* KTCP_FILTER_SPREFIX: 0..32 or 0..128 */
	uint8_t dprefix; /* KTCP_FILTER_DPREFIX */
	uint16_t sport; /* local port */
	uint16_t dport; /* remote port */
	uint32_t limit; /* at most this many sockets */
	unsigned int has;
	uint64_t reserved[4];
};

/* --- handle -------------------------------------------------------------- */

/*
 * ktcp_open() - connect to the "ktcp" family of the caller's netns.
 * Returns 0 and stores a new handle in *hp, or:
 *   -EPROTONOSUPPORT  the family is not registered (module not loaded);
 *   -ENOMEM, or another -errno from the socket layer.
 * On failure *hp is set to NULL.
 */
int ktcp_open(struct ktcp **hp);

/*
 * ktcp_open_errmsg() - ktcp_open(), and when it fails, why in words in
 * buf (len bytes; KTCP_ERRMSG_LEN is enough, a longer message is cut):
 * "the ktcp kernel module is not loaded ...", "cannot open a generic
 * netlink socket: Permission denied ...". buf is left empty on success.
 * buf may be NULL when len is 0. Returns as ktcp_open(). Since 2.1.
 */
int ktcp_open_errmsg(struct ktcp **hp, char *buf, size_t len);

/* ktcp_close() - close the handle and free it. NULL is a no-op. */
void ktcp_close(struct ktcp *h);

/*
 * ktcp_errmsg() - why the last failed call on h failed, in words: the
 * kernel's extended ACK message (naming the offending attribute when the
 * kernel pointed at one), or a message of the library's own. Returns NULL
 * when there is none. Every call that takes a handle (but this one,
 * ktcp_family_version(), ktcp_monitor_fd() and ktcp_log_fd()) clears the
 * message when it starts, so a message never outlives the call that set it. Valid
 * until the next call on h.
 */
const char *ktcp_errmsg(const struct ktcp *h);

/*
 * ktcp_family_version() - the kernel family's version (KTCP_GENL_VERSION
 * of the loaded module). Never fails on an open handle.
 */
uint32_t ktcp_family_version(const struct ktcp *h);

/*
 * ktcp_lib_version() - the running library's version, "MAJOR.MINOR.PATCH"
 * (e.g. "2.0.0"; the header's is KTCP_VERSION_MAJOR/MINOR/PATCH).
 */
const char *ktcp_lib_version(void);

/* --- servers ------------------------------------------------------------- */

/*
 * ktcp_server_start() - start a server of cfg->service on cfg->port.
 * Returns 0 and the new server's id in *id (id may be NULL), or:
 *   -EINVAL      missing service or port, a has bit or reserved field
 *                this library does not know, a malformed cpus, or a
 *                value the kernel rejected (a CPU that is not online);
 *   -ENOENT      unknown service (the message lists the known ones);
 *   -EADDRINUSE  the port is taken;
 *   -EEXIST      another server of the netns has cfg->name;
 *   -EPERM       the caller lacks CAP_NET_ADMIN;
 *   another -errno from the kernel or the socket.
 */
int ktcp_server_start(struct ktcp *h, const struct ktcp_server_cfg *cfg,
		      uint32_t *id);

/*
 * ktcp_server_stop() - stop server id, closing its listeners and every
 * connection. Returns 0, -ENOENT (no such server), -EPERM, or -errno.
 */
int ktcp_server_stop(struct ktcp *h, uint32_t id);

/*
 * ktcp_server_set() - change a running server: any of addr, port,
 * backlog, max_conns, idle_timeout_ms, max_mem_kb and cpus (cfg->service
 * is ignored). A new address or port rebinds the listeners; if that fails
 * the old ones keep running. A lower limit applies to what comes next:
 * open connections and memory already held stay. Connections on a CPU
 * no longer in cpus move to one that is. Returns 0, -EINVAL
 * (nothing to set; listeners or service options, which cannot be
 * changed; a has bit or reserved field this library does not know),
 * -ENOENT, -EADDRINUSE, -EPERM, or -errno.
 */
int ktcp_server_set(struct ktcp *h, uint32_t id,
		    const struct ktcp_server_cfg *cfg);

/*
 * ktcp_server_get() - server id's configuration and counters, in memory
 * the caller owns. Returns 0 with a malloc'ed server in *srv (its
 * http_root, http_groups and cpus in the same allocation), to free with
 * ktcp_server_free(), or -ENOENT (no such server), or -errno, with *srv
 * NULL.
 */
int ktcp_server_get(struct ktcp *h, uint32_t id, struct ktcp_server **srv);

/* ktcp_server_free() - free a server from ktcp_server_get(). NULL: no-op. */
void ktcp_server_free(struct ktcp_server *srv);

/*
 * ktcp_server_list() - every server of the netns, as one consistent
 * snapshot: a dump that raced with a change is retried a few times.
 * Returns 0 with a malloc'ed array in *arr (NULL when *n is 0) to free
 * with ktcp_server_list_free(), or:
 *   -EAGAIN  the list kept changing while it was read;
 *   -ENOMEM, or another -errno.
 */
int ktcp_server_list(struct ktcp *h, struct ktcp_server **arr, size_t *n);

/* ktcp_server_list_free() - free an array from ktcp_server_list(). */
void ktcp_server_list_free(struct ktcp_server *arr);

/* --- counters ------------------------------------------------------------ */

/*
 * ktcp_stats_get() - counters of server id, or with id 0 the totals over
 * every server of the netns. Returns 0, -ENOENT (no such server), -errno.
 */
int ktcp_stats_get(struct ktcp *h, uint32_t id, struct ktcp_stats *st);

/*
 * ktcp_stats_reset() - zero the counters of server id, or with id 0 of
 * every server. The active gauge is not reset. Returns 0, -ENOENT, -EPERM,
 * or -errno.
 */
int ktcp_stats_reset(struct ktcp *h, uint32_t id);

/* --- service times (since 2.1) ------------------------------------------ */

/* Buckets a struct ktcp_latency holds at most. */
#define KTCP_LATENCY_SLOTS 128

/*
 * A server's histogram of service times, as the kernel keeps it (what a
 * sample is, for each service, and the bucket layout: "Service times" in
 * <linux/ktcp.h>). Bucket 0 holds samples below 2^min_shift ns; each
 * power of two above is split into 2^sub_bits buckets of equal width;
 * the last of the nbuckets has no upper bound. ktcp_latency_bucket_end()
 * computes the bounds and ktcp_latency_percentile() estimates quantiles,
 * so callers need not. Zeroed by ktcp_stats_reset(). 1088 bytes.
 */
struct ktcp_latency {
	uint64_t count; /* samples: the sum of buckets[] */
	uint64_t sum_ns; /* the sum of every sample, ns */
	uint32_t nbuckets; /* buckets[0..nbuckets) are used, 1..128 */
	uint8_t min_shift; /* bucket 0 ends at 2^min_shift ns */
	uint8_t sub_bits; /* 2^sub_bits buckets per power of two */
	uint16_t reserved16;
	uint64_t reserved[5]; /* for later fields */
	uint64_t buckets[KTCP_LATENCY_SLOTS]; /* samples per bucket */
};

/*
 * ktcp_latency_get() - the service time histogram of server id (not of
 * the totals: id 0 is -EINVAL). Returns 0, -ENOENT (no such server),
 * -EOPNOTSUPP (a ktcp module older than 2.1, which keeps none), or
 * -errno. A kernel with more buckets than KTCP_LATENCY_SLOTS has the
 * ones beyond added to the last slot, which then has no upper bound.
 * Since 2.1.
 */
int ktcp_latency_get(struct ktcp *h, uint32_t id, struct ktcp_latency *lat);

/*
 * ktcp_latency_bucket_end() - where bucket i of lat ends: the smallest
 * ns value beyond it (bucket i holds [end(i - 1), end(i)), bucket 0
 * from 0). UINT64_MAX for the last bucket (nbuckets - 1), which has no
 * end, and for an i beyond it. Pure arithmetic. Since 2.1.
 */
uint64_t ktcp_latency_bucket_end(const struct ktcp_latency *lat,
				 unsigned int i);

/*
 * ktcp_latency_percentile() - estimate the q-quantile (0 <= q <= 1;
 * 0.99 for p99) of lat's samples in ns, into *ns: the bucket holding the
 * ceil(q * count)-th smallest sample (at least the first), with its
 * samples taken as spread evenly across it; in the last bucket, which
 * has no end, its start. The error is at most one bucket's width, a
 * quarter of the value with the kernel's layout. Returns 0, -EINVAL (q
 * not in [0, 1]) or -ENODATA (no samples). Pure arithmetic. Since 2.1.
 */
int ktcp_latency_percentile(const struct ktcp_latency *lat, double q,
			    uint64_t *ns);

/* --- services ------------------------------------------------------------ */

/*
 * ktcp_service_list() - names of the services registered in the kernel
 * (loaded service modules). Returns 0 with a malloc'ed array of n
 * malloc'ed strings in *names (NULL when *n is 0), to free with
 * ktcp_service_list_free(), or -EAGAIN/-ENOMEM/-errno as
 * ktcp_server_list().
 */
int ktcp_service_list(struct ktcp *h, char ***names, size_t *n);

/* ktcp_service_list_free() - free names from ktcp_service_list(). */
void ktcp_service_list_free(char **names, size_t n);

/* --- events -------------------------------------------------------------- */

/*
 * ktcp_monitor_open() - subscribe h to the "events" multicast group, on a
 * second socket, so that requests on h still work. Returns 0 (also when
 * already subscribed), -EOPNOTSUPP (the family has no "events" group), or
 * -errno.
 */
int ktcp_monitor_open(struct ktcp *h);

/*
 * ktcp_monitor_fd() - file descriptor to poll() for POLLIN before calling
 * ktcp_event_recv() with timeout 0. Returns the fd, or -ENOTCONN when
 * ktcp_monitor_open() was not called.
 */
int ktcp_monitor_fd(const struct ktcp *h);

/*
 * ktcp_event_recv() - wait up to timeout_ms (-1: forever, 0: do not wait)
 * for the next event and store it in *ev. Returns 0 with an event, or:
 *   -ETIMEDOUT  no event came in time;
 *   -EINTR      a signal interrupted the wait;
 *   -ENOBUFS    the socket overflowed and events were lost; the monitor
 *               stays usable, so a caller can resync with
 *               ktcp_server_list() and go on;
 *   -ENOTCONN   ktcp_monitor_open() was not called;
 *   another -errno.
 */
int ktcp_event_recv(struct ktcp *h, struct ktcp_event *ev, int timeout_ms);

/* --- access log (since 2.1) ------------------------------------------- */

/*
 * ktcp_log_open() - subscribe h to the "access" multicast group on a
 * socket of its own, with a receive buffer of rcvbuf bytes (0: 16 MiB;
 * beyond net.core.rmem_max only with CAP_NET_ADMIN, which joining the
 * group needs anyway). Returns 0 (also when already subscribed), or
 * -EPERM (no CAP_NET_ADMIN in the netns), -EOPNOTSUPP (the module has
 * no access log), -ENOMEM or another -errno. Records come only while
 * someone is subscribed; those a full socket could not take are lost
 * (ktcp_log_recv() says -ENOBUFS, and the server counts them in
 * log_dropped).
 */
int ktcp_log_open(struct ktcp *h, size_t rcvbuf);

/*
 * ktcp_log_fd() - file descriptor to poll() for POLLIN before calling
 * ktcp_log_recv() with timeout 0. Returns it, or -ENOTCONN when
 * ktcp_log_open() was not called.
 */
int ktcp_log_fd(const struct ktcp *h);

/*
 * ktcp_log_recv() - wait up to timeout_ms (-1: forever, 0: not at all)
 * for records, then store up to n of those already queued in recs[], in
 * the order the kernel sent them, with a few system calls for all.
 * Returns how many (>= 1), or:
 *   -ETIMEDOUT  none came in time;
 *   -ENOBUFS    the socket overflowed and records were lost (how many,
 *               the servers' log_dropped tells); call again to go on;
 *   -EINTR      a signal came while waiting;
 *   -ENOTCONN   ktcp_log_open() was not called;
 *   another -errno from the socket.
 * The strings of recs[] stay valid until the next call.
 */
int ktcp_log_recv(struct ktcp *h, struct ktcp_log_record *recs, size_t n,
		  int timeout_ms);

/* --- dropping connections ------------------------------------------------ */

/*
 * ktcp_sock_drop() - abort the n connections named by tuples in the
 * caller's netns (CAP_NET_ADMIN), like `ss -K` but also in TIME_WAIT.
 * Listening sockets are never dropped. Full sockets get a RST to the peer
 * and ECONNABORTED for their owner. With KTCP_DROP_DRY_RUN in flags
 * nothing is dropped: status tells whether each one exists.
 * Every tuple is checked before any request is sent; more than the
 * kernel's limit per request (256) are sent in several requests.
 * Returns 0 with a malloc'ed array of n results in *res, in the order of
 * tuples, to free with ktcp_drop_result_free() (NULL when n is 0). A tuple
 * that matches nothing is KTCP_NOT_FOUND, not an error. Errors:
 *   -EINVAL  a bad tuple (the message says which, counting from 1), or
 *            unknown flags; nothing was sent;
 *   -EPERM   the caller lacks CAP_NET_ADMIN;
 *   -EOPNOTSUPP  the kernel module has no SOCK_DROP;
 *   another -errno.
 * If a later request fails, the earlier ones' drops stand: the error
 * comes back with *res holding all n results, those of the answered
 * requests, KTCP_FAILED for the tuples of the failed one (whose drops
 * may or may not have happened) and KTCP_NOT_SENT for the rest; free it
 * as on success. When the first request fails, or nothing was sent,
 * *res is NULL. (2.0 freed the results and set *res to NULL.)
 */
int ktcp_sock_drop(struct ktcp *h, const struct ktcp_sock_tuple *tuples,
		   size_t n, unsigned int flags, struct ktcp_drop_result **res);

/*
 * ktcp_sock_drop_filter() - abort every connection of the caller's netns
 * that f matches (see struct ktcp_drop_filter), or with KTCP_DROP_DRY_RUN
 * list them. Returns 0 with a malloc'ed array of *n results in *res (NULL
 * when nothing matched), to free with ktcp_drop_result_free(), or:
 *   -EINVAL  no states, a prefix longer than its address, a prefix
 *            without an address, unknown flags, a has bit or a nonzero
 *            reserved field this library does not know (a condition it
 *            would not apply, which would widen the drop);
 *   -EPERM, -EOPNOTSUPP, another -errno as ktcp_sock_drop(). Sockets
 *   dropped before a failure stay dropped, and (since 2.1) those that
 *   were reported come back with the error in *res and *n, to free as
 *   on success.
 */
int ktcp_sock_drop_filter(struct ktcp *h, const struct ktcp_drop_filter *f,
			  unsigned int flags, struct ktcp_drop_result **res,
			  size_t *n);

/* ktcp_drop_result_free() - free results from ktcp_sock_drop*(). */
void ktcp_drop_result_free(struct ktcp_drop_result *res);

/*
 * ktcp_tcp_state_name() - "established", "syn-sent", "syn-recv",
 * "fin-wait-1", "fin-wait-2", "time-wait", "close", "close-wait",
 * "last-ack", "listen", "closing"; NULL for anything else.
 */
const char *ktcp_tcp_state_name(unsigned int state);

/*
 * ktcp_tcp_states_parse() - a comma-separated list of droppable state
 * names as above (case does not matter), or "all", into a mask of
 * KTCP_TCP_STATE_BIT()s. Returns 0, or -EINVAL (an unknown or empty name;
 * "listen" and "close", which cannot be dropped).
 */
int ktcp_tcp_states_parse(const char *s, uint32_t *states);

/* --- addresses (pure helpers, no netlink) -------------------------------- */

/*
 * ktcp_addr_parse() - parse a numeric IPv4 ("192.0.2.1") or IPv6 ("::1",
 * "[::1]") address. No host names, no IPv6 zone ("%eth0"), no port.
 * Returns 0 or -EINVAL.
 */
int ktcp_addr_parse(const char *s, struct ktcp_addr *addr);

/*
 * ktcp_port_parse() - parse a decimal port 1..65535 with nothing else
 * around it. Returns 0, -EINVAL (not a number) or -ERANGE.
 */
int ktcp_port_parse(const char *s, uint16_t *port);

/*
 * ktcp_addrport_parse() - parse "ADDR", "ADDR:PORT" (IPv4) or "[ADDR]" /
 * "[ADDR]:PORT" (IPv6); a bare IPv6 address takes no port. *has_port
 * tells whether a port was given (has_port may be NULL only when a port
 * is not wanted: then a port is an error). Returns 0, -EINVAL or -ERANGE
 * (port out of range).
 */
int ktcp_addrport_parse(const char *s, struct ktcp_addr *addr, uint16_t *port,
			int *has_port);

/*
 * ktcp_addr_format() - "192.0.2.1", "::1", or "*" for AF_UNSPEC, into
 * buf of len bytes (INET6_ADDRSTRLEN is enough). Returns 0, -ENOSPC or
 * -EAFNOSUPPORT.
 */
int ktcp_addr_format(const struct ktcp_addr *addr, char *buf, size_t len);

/*
 * ktcp_addrport_format() - "192.0.2.1:80", "[::1]:80" or "*:80", into buf
 * of len bytes (KTCP_ADDRPORT_STRLEN is enough). Returns 0, -ENOSPC or
 * -EAFNOSUPPORT.
 */
int ktcp_addrport_format(const struct ktcp_addr *addr, uint16_t port, char *buf,
			 size_t len);

/*
 * ktcp_wq_name() - "unbound" or "percpu" for an enum ktcp_wq value, NULL
 * for an unknown one. ktcp_wq_parse() is the reverse: 0 or -EINVAL.
 */
const char *ktcp_wq_name(unsigned int wq);
int ktcp_wq_parse(const char *s, uint8_t *wq);

#ifdef __cplusplus
}
#endif

#endif /* KTCP_LIB_H */
