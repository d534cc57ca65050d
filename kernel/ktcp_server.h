/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ktcp server framework, as seen by services (kecho, khttpd).
 *
 * A service describes how to serve one connection; the framework owns the
 * listening sockets, accepting, the connection registry, idle timeouts,
 * counters and teardown. Connections are driven by socket callbacks that
 * queue one work item per connection, so an idle connection costs memory
 * but no thread. All of a connection's I/O runs in that work item, which
 * the workqueue never runs on two CPUs at once: services need no locking
 * for their per-connection state.
 */
#ifndef _KTCP_SERVER_H
#define _KTCP_SERVER_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/types.h>
#include <linux/ktcp.h>

struct file;
struct ktcp_conn;
struct ktcp_server;

/* Service options from KTCP_A_OPTS; @present has BIT(KTCP_OPT_A_*) set. */
struct ktcp_opts {
	u32 present;
	u8 echo_wq;
	/*
	 * http. A service may read http_root only in ->configure and
	 * ->server_init; the framework keeps its own copy for reporting.
	 */
	const char *http_root;
	u8 http_listing;
	u8 http_sendfile;
	u32 http_keepalive_max;
	u32 http_max_request_line;
	u32 http_max_header;
	/*
	 * http: the user files are opened as, numbered as in the initial
	 * user namespace once ->configure has checked them. Groups are
	 * copied with the struct; BIT(KTCP_OPT_A_HTTP_GROUPS) says whether
	 * they replace the caller's.
	 */
	u32 http_uid;
	u32 http_gid;
	u32 http_ngroups;
	u32 http_groups[KTCP_HTTP_GROUPS_MAX];
	u32 http_head_timeout_ms;
};

/* What the framework needs to run a server; filled from the request. */
struct ktcp_server_params {
	struct sockaddr_storage addr; /* port included */
	u32 backlog;
	u32 max_conns;
	u32 idle_timeout_ms;
	u32 listeners;
	u32 max_mem_kb; /* 0: unlimited */
	/*
	 * The CPUs that run connections, valid during the request only;
	 * NULL: every CPU (start), unchanged (set).
	 */
	const struct cpumask *cpus;
	/*
	 * Run a connection wherever its packets arrive, not on the one CPU
	 * chosen at accept (echo's KTCP_ECHO_WQ_PERCPU).
	 */
	bool percpu_wq;
	/* KTCP_A_NAME, "" when none: fixed at start, reported as given. */
	char name[KTCP_NAME_MAX + 1];
	/*
	 * BIT(KTCP_A_*) of the settings the request gave: ->configure
	 * fills in its own defaults for the others.
	 */
	u32 given;
};

/* Returned by ->conn_process(). */
enum ktcp_conn_verdict {
	KTCP_CONN_WAIT = 0, /* keep the connection, wait for socket events */
	KTCP_CONN_AGAIN = 1, /* more to do: run again after others had a go */
	KTCP_CONN_DONE = 2, /* close the connection normally */
	/*
	 * close it as the idle timeout does, counted as timed out: for a
	 * peer that trickles bytes to dodge the timer. Unsent data makes it
	 * a reset, so a peer that stopped reading pins nothing.
	 */
	KTCP_CONN_TOO_SLOW = 3,
	/* a negative errno closes the connection and counts an error */
};

struct ktcp_service {
	const char *name; /* at most KTCP_SERVICE_NAME_MAX chars */
	struct module *owner;
	u32 opts_mask; /* BIT(KTCP_OPT_A_*) this service accepts */
	size_t server_priv_size; /* bytes of ktcp_server_priv() per server */
	size_t conn_priv_size; /* bytes of ktcp_conn_priv() per connection */
	/*
	 * Set TCP_NODELAY on every connection: for services that answer
	 * pipelined requests one after another, where Nagle would hold each
	 * answer's last small segment until the peer's delayed ACK of the one
	 * before (40 ms or more). Pieces of one answer are joined with
	 * ktcp_conn_send(..., more = true) instead.
	 */
	bool nodelay;
	/*
	 * At max_conns, let a new connection take the place of a waiting
	 * one (ktcp_conn_set_waiting()). A new connection waits until the
	 * service says otherwise.
	 */
	bool evict_waiting;
	/*
	 * Bytes a connection may move (received and sent) in one run before
	 * it yields its CPU to the next connection; 0: KTCP_RUN_BYTES.
	 */
	u32 run_bytes;
	/*
	 * Stamp the arrival of data (the socket's data_ready) for
	 * ktcp_conn_rx_start(): a clock read per wakeup while the latency
	 * switch is on, so only for services that use it.
	 */
	bool stamp_rx;
	/* TCP_NOTSENT_LOWAT for every connection; 0: the system's. */
	u32 notsent_lowat;
	/*
	 * Apply service options to @p before the server starts, and record
	 * the defaults it chose in @opts so they are reported. On failure,
	 * set *why to a static message.
	 */
	int (*configure)(struct ktcp_server_params *p, struct ktcp_opts *opts,
			 const char **why);
	/*
	 * Set up ktcp_server_priv() before the listeners open. Runs in the
	 * context of the process that started the server, so the caller's
	 * credentials are current_cred(). Option values that point into the
	 * request (strings) are valid only during this call.
	 */
	int (*server_init)(struct ktcp_server *srv,
			   const struct ktcp_opts *opts, const char **why);
	/* Free ktcp_server_priv(); every connection is gone by then. */
	void (*server_release)(struct ktcp_server *srv);
	/*
	 * Serve @conn: read and write without blocking, return a verdict.
	 * Called whenever the socket becomes readable or writable or changes
	 * state, never concurrently for one connection.
	 */
	int (*conn_process)(struct ktcp_conn *conn);
	/*
	 * The credentials ->conn_process() runs with, or NULL for the
	 * worker's own: switched to once per run, so that a service that
	 * opens and reads files as a given user pays override_creds() (a
	 * reference count shared by every CPU) once, not per operation.
	 */
	const struct cred *(*run_cred)(struct ktcp_server *srv);
	/* Free per-connection resources; the socket is still open. */
	void (*conn_release)(struct ktcp_conn *conn);

	/* framework-private */
	struct list_head node; /* in the registry */
	struct kmem_cache *conn_cache; /* "ktcp_<name>_conn" in slabinfo */
};

int ktcp_service_register(struct ktcp_service *svc);
void ktcp_service_unregister(struct ktcp_service *svc);

void *ktcp_server_priv(struct ktcp_server *srv);
struct ktcp_server *ktcp_conn_server(struct ktcp_conn *conn);
void *ktcp_conn_priv(struct ktcp_conn *conn);
/*
 * Non-blocking receive and send. Return bytes moved (send may be short),
 * 0 at end of stream (receive), -EAGAIN when the socket is not ready, or
 * another negative errno. Both count bytes and reset the idle timer.
 * @more (send): more of the response follows at once, so a partial last
 * segment waits for it instead of leaving as a small packet of its own.
 */
int ktcp_conn_recv(struct ktcp_conn *conn, void *buf, size_t len);
/* As ktcp_conn_recv(), but what it returns stays queued; counts nothing. */
int ktcp_conn_peek(struct ktcp_conn *conn, void *buf, size_t len);
int ktcp_conn_send(struct ktcp_conn *conn, const void *buf, size_t len,
		   bool more);
/*
 * Whether a receive would find something: data, the peer's FIN or an
 * error. Without the socket lock, so it costs no receive call (lock, LSM
 * hook) that would only say -EAGAIN: what arrives after it said no runs
 * the connection again, as data_ready queues it.
 */
bool ktcp_conn_readable(struct ktcp_conn *conn);
/*
 * Give what the peer sent, in place, to @actor: tcp_read_sock() under one
 * socket lock, at most @budget bytes (desc->count). The actor returns how
 * much of each skb it consumed; what it leaves stays queued, and TCP's
 * window holds the peer back until a later run takes it. desc->arg.data
 * is @conn; an actor that stops on an error sets desc->error. Returns the
 * bytes consumed; 0 once the peer closed and everything was consumed;
 * -EAGAIN when nothing could be (nothing queued, or the actor took
 * nothing); -EBADMSG when urgent data (MSG_OOB) is next, which
 * tcp_read_sock() does not pass: ktcp_conn_recv() steps over it; or the
 * actor's or the socket's -errno. Counts bytes and resets the idle timer.
 */
int ktcp_conn_read_sock(struct ktcp_conn *conn, sk_read_actor_t actor,
			size_t budget);
/*
 * From an actor of ktcp_conn_read_sock() only: send @len bytes of @skb
 * from @off, its pages by reference. Returns bytes sent (maybe short),
 * -EAGAIN when the send queue is full, or another negative errno.
 */
int ktcp_conn_send_skb(struct ktcp_conn *conn, struct sk_buff *skb, int off,
		       int len);
/*
 * Send up to @len bytes of @file from *@pos without copying them: its
 * page-cache pages go into the socket by reference, as with sendfile(2).
 * The file is read with the current credentials. @more: more of the
 * response follows, so a partial last segment may wait for it. Returns
 * bytes sent (*@pos advanced past them), 0 at end of file, -EAGAIN when
 * the socket is full, -EOPNOTSUPP when @file cannot splice (copy it instead),
 * or another negative errno. Counts bytes and resets the idle timer.
 */
ssize_t ktcp_conn_sendfile(struct ktcp_conn *conn, struct file *file,
			   loff_t *pos, size_t len, bool more);
/*
 * Send a FIN once what is queued is out, and keep receiving: a service
 * that closes first drains the peer's last bytes (which would otherwise
 * turn the close into a RST) before it returns KTCP_CONN_DONE.
 */
int ktcp_conn_shutdown_write(struct ktcp_conn *conn);
void ktcp_conn_stat_add(struct ktcp_conn *conn, unsigned int stat, u64 n);
/*
 * The server's idle timeout in jiffies, 0 for none. Activity of any kind
 * resets the idle timer; a service that must bound how long a unit of
 * work (an HTTP request head) may take measures it against this.
 */
unsigned long ktcp_conn_idle_timeout(struct ktcp_conn *conn);
/*
 * Run the connection at jiffies @when (0: no deadline), whether or not
 * its socket has news, so that the service can enforce a time limit of
 * its own (an HTTP request head's). A spurious run is possible.
 */
void ktcp_conn_set_deadline(struct ktcp_conn *conn, unsigned long when);
/*
 * Memory a connection holds between runs (buffers) counts against the
 * server's bound (KTCP_A_MAX_MEM_KB). Charge @n bytes before allocating
 * them: -ENOBUFS when that would go beyond the bound, and the connection
 * is then counted in KTCP_STATS_A_OVER_MEM when it closes. Uncharge what
 * is freed; whatever is still charged when the connection closes is
 * given back by the framework.
 */
int ktcp_conn_mem_charge(struct ktcp_conn *conn, size_t n);
void ktcp_conn_mem_uncharge(struct ktcp_conn *conn, size_t n);
/*
 * Work worth @n bytes that moved none (khttpd's listings: a lookup per
 * entry, shown or not, and a HEAD sends none of the page): it counts
 * toward the run's byte budget as if sent, so that a peer cannot get
 * unbounded work done per run by asking for what is not sent.
 */
void ktcp_conn_run_charge(struct ktcp_conn *conn, size_t n);
/*
 * Whether the connection waits for its peer (between requests, or in the
 * middle of one): at KTCP_A_MAX_CONNS, a new connection takes the place
 * of the waiting connection that has been quiet the longest, if the
 * service has ->evict_waiting; else new connections are refused at the
 * limit.
 */
void ktcp_conn_set_waiting(struct ktcp_conn *conn, bool waiting);

/*
 * Service times (KTCP_A_LATENCY; what a sample is, each service says in
 * <linux/ktcp.h>). ktcp_latency_clock() is the time in ns, or 0 while
 * recording is off (the "latency" parameter of ktcp). ktcp_conn_latency()
 * records one sample, from @start to now, in the server's histogram on
 * this CPU; a @start of 0 records nothing, so a sample that began while
 * recording was off is not taken.
 */
u64 ktcp_latency_clock(void);
void ktcp_conn_latency(struct ktcp_conn *conn, u64 start);
/*
 * For a service with ->stamp_rx: when the bytes that the last
 * ktcp_conn_read_sock() consumed began to arrive (the data_ready of the
 * first), if it left nothing queued; else 0 (the rest is consumed later,
 * and that call tells), or while recording is off.
 */
u64 ktcp_conn_rx_start(struct ktcp_conn *conn);

/*
 * Access log: a record per response on the family's "access" multicast
 * group (include/uapi/linux/ktcp.h, KTCP_CMD_ACCESS). A service keeps a
 * struct ktcp_log per connection (zeroed; its fields are the
 * framework's) and calls:
 *   ktcp_log_begin()  when a request is complete (@req NULL for a
 *                     response to no request: a malformed head, a
 *                     timeout). Unless the server's netns has a listener,
 *                     it does nothing else: no record is built.
 *   ktcp_log_end()    once the response is out, or the connection closes
 *                     with it unfinished: the record goes out with its
 *                     status and the body bytes sent. Status 0 (none was
 *                     chosen) drops it unsent.
 * Neither sleeps nor waits for a listener: a record that cannot be built
 * or delivered is counted in KTCP_STATS_A_LOG_DROPPED.
 */
struct ktcp_log {
	struct sk_buff *skb; /* the record being built; NULL: none */
	void *hdr, *nest;
	u64 start_ns; /* ktime_get_ns() at begin */
};

/* The request's side of a record; strings are not NUL-terminated. */
struct ktcp_log_req {
	const char *method, *target, *referer, *user_agent;
	size_t method_len, target_len, referer_len, user_agent_len;
	u8 version_minor;
};

void ktcp_log_begin(struct ktcp_conn *conn, struct ktcp_log *log,
		    const struct ktcp_log_req *req);
/*
 * Whether the server's netns has a listener now: a service need not find
 * a record's optional fields (referer, user agent) when none does. One
 * that joins between this and ktcp_log_begin() gets a record without them.
 */
bool ktcp_log_wanted(struct ktcp_conn *conn);
void ktcp_log_end(struct ktcp_conn *conn, struct ktcp_log *log, int status,
		  u64 bytes);

#endif /* _KTCP_SERVER_H */
