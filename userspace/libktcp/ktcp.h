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
 *   one.
 * - -EPROTONOSUPPORT from ktcp_open() means the "ktcp" family is not
 *   registered: the ktcp kernel module is not loaded.
 * - Optional fields carry a presence bit in a "has" mask: set the bit to
 *   send a field; check it before reading a field the kernel returned.
 *   Fields that an older kernel does not send, or that a newer kernel sends
 *   and this library does not know, never cause an error.
 * - Everything the library allocates has a matching _free().
 * - The structs end in reserved space so that later versions can add
 *   fields without changing their size (the ABI of libktcp.so.1);
 *   zero-initialize them (= { 0 } or memset) and leave it alone.
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

/* Service names: at most 15 characters, NUL-terminated. */
#define KTCP_SERVICE_LEN 16
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
#define KTCP_HAS_ADDR (1U << 0)
#define KTCP_HAS_PORT (1U << 1)
#define KTCP_HAS_BACKLOG (1U << 2)
#define KTCP_HAS_MAX_CONNS (1U << 3)
#define KTCP_HAS_IDLE_TIMEOUT (1U << 4)
#define KTCP_HAS_LISTENERS (1U << 5)
#define KTCP_HAS_ECHO_WQ (1U << 6)
/* Only in struct ktcp_server and struct ktcp_event: */
#define KTCP_HAS_ID (1U << 16)
#define KTCP_HAS_SERVICE (1U << 17)
#define KTCP_HAS_STATS (1U << 18)

/*
 * Configuration for ktcp_server_start() and ktcp_server_set(). Fields
 * without their KTCP_HAS_* bit are not sent and the kernel uses its
 * default (start) or keeps the current value (set). service is required
 * by start and ignored by set.
 */
struct ktcp_server_cfg {
	char service[KTCP_SERVICE_LEN];
	struct ktcp_addr addr; /* KTCP_HAS_ADDR; default: IPv6 any */
	uint16_t port; /* KTCP_HAS_PORT; 1..65535, required by start */
	uint32_t backlog; /* KTCP_HAS_BACKLOG; 1..65535 */
	uint32_t max_conns; /* KTCP_HAS_MAX_CONNS; 0 = unlimited */
	uint32_t idle_timeout_ms; /* KTCP_HAS_IDLE_TIMEOUT; 0 = never */
	uint32_t listeners; /* KTCP_HAS_LISTENERS; 1..64, start only */
	uint8_t echo_wq; /* KTCP_HAS_ECHO_WQ; enum ktcp_wq, start only */
	unsigned int has;
	uint64_t reserved[8]; /* for later options: leave zeroed */
};

/* Counter presence bits for struct ktcp_stats.has. */
#define KTCP_STAT_ACCEPTED (1ULL << 0)
#define KTCP_STAT_ACTIVE (1ULL << 1)
#define KTCP_STAT_CLOSED (1ULL << 2)
#define KTCP_STAT_TIMED_OUT (1ULL << 3)
#define KTCP_STAT_REFUSED (1ULL << 4)
#define KTCP_STAT_BYTES_IN (1ULL << 5)
#define KTCP_STAT_BYTES_OUT (1ULL << 6)
#define KTCP_STAT_ERRORS (1ULL << 7)

/*
 * Counters of one server or the totals of a netns. active is a gauge
 * (connections open now); the others only grow until reset.
 */
struct ktcp_stats {
	uint64_t accepted;
	uint64_t active;
	uint64_t closed;
	uint64_t timed_out; /* closed by the idle timeout */
	uint64_t refused; /* closed at once: over max_conns */
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t errors; /* closed by a socket error */
	uint64_t has; /* KTCP_STAT_* bits of the counters present */
	uint64_t reserved[8]; /* for later counters */
};

/* A running server, as reported by ktcp_server_get()/ktcp_server_list(). */
struct ktcp_server {
	uint32_t id; /* KTCP_HAS_ID */
	char service[KTCP_SERVICE_LEN]; /* KTCP_HAS_SERVICE */
	struct ktcp_addr addr;
	uint16_t port;
	uint32_t backlog;
	uint32_t max_conns;
	uint32_t idle_timeout_ms;
	uint32_t listeners;
	uint8_t echo_wq; /* KTCP_HAS_ECHO_WQ: echo servers only */
	struct ktcp_stats stats; /* KTCP_HAS_STATS */
	unsigned int has; /* KTCP_HAS_* */
	uint64_t reserved[8]; /* for later fields */
};

enum ktcp_event_type {
	KTCP_EVENT_SERVER_STARTED = 1,
	KTCP_EVENT_SERVER_STOPPED = 2,
	KTCP_EVENT_SERVER_CHANGED = 3, /* settings changed by ktcp_server_set() */
};

/* A notification from the "events" multicast group. */
struct ktcp_event {
	enum ktcp_event_type type;
	uint32_t id; /* KTCP_HAS_ID */
	char service[KTCP_SERVICE_LEN]; /* KTCP_HAS_SERVICE */
	struct ktcp_addr addr; /* KTCP_HAS_ADDR */
	uint16_t port; /* KTCP_HAS_PORT */
	unsigned int has;
	uint64_t reserved[4]; /* for later fields */
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

/* ktcp_close() - close the handle and free it. NULL is a no-op. */
void ktcp_close(struct ktcp *h);

/*
 * ktcp_errmsg() - why the last failed call on h failed, in words: the
 * kernel's extended ACK message (naming the offending attribute when the
 * kernel pointed at one), or a message of the library's own. Returns NULL
 * when there is none. Valid until the next call on h.
 */
const char *ktcp_errmsg(const struct ktcp *h);

/*
 * ktcp_family_version() - the kernel family's version (KTCP_GENL_VERSION
 * of the loaded module). Never fails on an open handle.
 */
uint32_t ktcp_family_version(const struct ktcp *h);

/* ktcp_lib_version() - this library's version, e.g. "1.0.0". */
const char *ktcp_lib_version(void);

/* --- servers ------------------------------------------------------------- */

/*
 * ktcp_server_start() - start a server of cfg->service on cfg->port.
 * Returns 0 and the new server's id in *id (id may be NULL), or:
 *   -EINVAL      missing service or port, or a value the kernel rejected;
 *   -ENOENT      unknown service (the message lists the known ones);
 *   -EADDRINUSE  the port is taken;
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
 * backlog, max_conns and idle_timeout_ms (cfg->service is ignored). A new
 * address or port rebinds the listeners; if that fails the old ones keep
 * running. Returns 0, -EINVAL (nothing to set, or listeners/echo_wq,
 * which cannot be changed), -ENOENT, -EADDRINUSE, -EPERM, or -errno.
 */
int ktcp_server_set(struct ktcp *h, uint32_t id,
		    const struct ktcp_server_cfg *cfg);

/*
 * ktcp_server_get() - fill *srv with server id's configuration and
 * counters. Returns 0, -ENOENT (no such server), or -errno.
 */
int ktcp_server_get(struct ktcp *h, uint32_t id, struct ktcp_server *srv);

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
