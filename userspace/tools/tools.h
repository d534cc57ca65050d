/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ktcp userspace tools (user-echo-server,
 * uring-echo-server, echo-bench, htstress): option parsing, latency
 * histograms, result reports, sockets.
 *
 * Nothing here knows about netlink or the kernel services; the tools are
 * peers that talk plain TCP, so they work the same against kecho/khttpd and
 * against their userspace baselines.
 */
#ifndef KTCP_TOOLS_H
#define KTCP_TOOLS_H

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "pace.h"

/* Exit codes shared by all tools. */
#define EXIT_OK 0
#define EXIT_ERRORS 1
#define EXIT_USAGE 2

/* --- time ----------------------------------------------------------------- */

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

/* --- option parsing ------------------------------------------------------- */

/*
 * The parse_* helpers return 0 on success. On failure they print
 * "<prog>: invalid <what> '<input>': <reason>" to stderr and return -1, so
 * callers only have to exit with EXIT_USAGE.
 */
int parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
	      uint64_t *out);
/* Like parse_u64, with an optional binary suffix k/K, m/M or g/G. */
int parse_size(const char *what, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out);
/* "MIN-MAX" of sizes (each with optional suffix), MIN <= MAX. */
int parse_size_range(const char *what, const char *s, uint64_t min,
		     uint64_t max, uint64_t *lo, uint64_t *hi);
/* Non-negative decimal seconds, e.g. "10" or "0.5". */
int parse_seconds(const char *what, const char *s, double *out);
/* Like parse_seconds, but 0 is refused too. */
int parse_positive_seconds(const char *what, const char *s, double *out);
/* A rate per second, decimal, from 1 to 1e8 (open loop's --rate). */
int parse_rate(const char *what, const char *s, double *out);

/*
 * After getopt: fail with "unexpected argument '<arg>'" when more than max
 * operands follow the options.
 */
int check_operands(int argc, char **argv, int max);

/*
 * The last case of a tool's option switch: -h prints usage to stdout and
 * exits with EXIT_OK. Any other option is one getopt has complained about
 * already, so usage goes to stderr and -1 is returned for EXIT_USAGE.
 */
int help_or_usage(int ch, const char *usage);

/* Print "<prog>: <fmt>\n" to stderr. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- latency histogram ---------------------------------------------------- */

/*
 * Log-linear buckets: values below 128 are exact, above that every power of
 * two is split into 64 buckets, so a reported percentile is within 1/64
 * (1.6%) of the true value while the histogram stays a fixed 30 KiB that
 * threads can fill without locking and merge at the end.
 */
#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS (HIST_SUB + (64 - HIST_SUB_BITS) * (HIST_SUB / 2))

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
void hist_merge(struct hist *dst, const struct hist *src);
/* Value at quantile q (0..1]; 0 for an empty histogram. */
uint64_t hist_quantile(const struct hist *h, double q);

/* --- error kinds ---------------------------------------------------------- */

enum err_kind {
	ERR_REFUSED, /* connect() refused: nothing listening */
	ERR_RESET, /* connection reset or aborted by the peer */
	ERR_TIMEOUT, /* no progress within the timeout */
	ERR_SHORT, /* peer closed before the whole reply arrived */
	ERR_MISMATCH, /* echoed bytes differ from what was sent */
	ERR_BAD_RESPONSE, /* unparsable HTTP response */
	ERR_CHUNKED, /* chunked HTTP response (not supported) */
	ERR_OTHER, /* anything else; the first one is printed */
	ERR_NR,
};

/* Short stable name of an error kind, used as report key suffix. */
const char *err_kind_name(enum err_kind k);
/* Classify a socket errno. */
enum err_kind err_kind_of_errno(int err);

/* --- reports -------------------------------------------------------------- */

enum report_fmt {
	FMT_TABLE,
	FMT_CSV,
	FMT_JSON,
};

#define REPORT_MAX_FIELDS 64

/*
 * A result is a flat list of fields, each added once with its key (CSV
 * column and JSON member), label (table) and unit, and printed in the chosen
 * format by report_print(). One call per field keeps the three forms from
 * drifting apart.
 */
struct report {
	unsigned nr;
	struct {
		const char *key;
		const char *label;
		const char *unit;
		bool is_str;
		char val[128];
	} f[REPORT_MAX_FIELDS];
};

void report_str(struct report *r, const char *key, const char *label,
		const char *val);
void report_u64(struct report *r, const char *key, const char *label,
		uint64_t val, const char *unit);
void report_dbl(struct report *r, const char *key, const char *label,
		double val, int prec, const char *unit);
/* Latency fields (min, mean, p50, p99, p99.9, max) in microseconds. */
void report_latency(struct report *r, const struct hist *h);
/* One err_<kind> field per listed kind; errs is indexed by kind. */
void report_errors(struct report *r, const uint64_t *errs,
		   const enum err_kind *kinds, unsigned int nr);
void report_print(const struct report *r, enum report_fmt fmt, FILE *out);
/*
 * The load generator's own CPU use between a and b: client_cpu (in CPUs,
 * user + system over wall time), client_cpus (the CPUs it may run on) and
 * client_saturated ("yes" at 90 % of those or more: the point then
 * measures the client, not the server).
 */
void report_client_cpu(struct report *r, const struct cpu_sample *a,
		       const struct cpu_sample *b);
/*
 * Open-loop fields: offered_per_s, achieved_per_s, offered (messages the
 * schedule held), rate_kept ("yes" when achieved >= 95 % of offered).
 */
void report_rate(struct report *r, double offered, double secs,
		 double achieved);

/* --- load generator options ----------------------------------------------- */

/*
 * echo-bench and htstress share these long options, so they mean the same
 * in both; a tool's own long options are numbered from OPT_TOOL on.
 */
enum {
	OPT_TIMEOUT = 256,
	OPT_HOLD,
	OPT_CSV,
	OPT_JSON,
	OPT_SERVER_CPUS,
	OPT_TOOL,
};

struct load_opts {
	uint64_t timeout_ms; /* fail a connection making no progress */
	double hold; /* seconds for ep_hold(), 0 to close at the end */
	enum report_fmt fmt;
	bool fmt_given; /* --csv and --json exclude each other */
	cpu_set_t server_cpus; /* --server-cpus: watched in the window */
	bool server_cpus_given;
};

/* clang-format off */
/* The long options of struct load_opts, first in the tools' tables. */
#define LOAD_LONG_OPTS						\
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },	\
	{ "hold", required_argument, NULL, OPT_HOLD },		\
	{ "csv", no_argument, NULL, OPT_CSV },			\
	{ "json", no_argument, NULL, OPT_JSON },		\
	{ "server-cpus", required_argument, NULL, OPT_SERVER_CPUS }, \
	{ "help", no_argument, NULL, 'h' }
#define LOAD_OPTS_DEFAULT { .timeout_ms = 5000, .fmt = FMT_TABLE }
/* clang-format on */

/*
 * The default case of a load generator's option switch: parses the shared
 * options into lo, and ends like help_or_usage() for the others.
 */
int parse_load_opt(int ch, const char *arg, struct load_opts *lo,
		   const char *usage);

/*
 * --server-cpus: a thread samples /proc/stat for those CPUs when the
 * measured window opens (*start_ns turns non-zero) and when it has lasted
 * window_ns, or stops early when the run ends first.
 */
struct cpus_watch {
	const struct load_opts *lo;
	_Atomic uint64_t *start_ns; /* CLOCK_MONOTONIC, as now_ns() */
	uint64_t window_ns;
	struct cpus_time a, b;
	bool measured; /* both samples taken, the window complete */
	atomic_bool stop;
	pthread_t thread;
	bool running;
};

/* Start watching if --server-cpus was given; 0, or -1 with a message. */
int cpus_watch_start(struct cpus_watch *w, const struct load_opts *lo,
		     _Atomic uint64_t *start_ns, double window_s);
/* Stop and join the watcher. */
void cpus_watch_end(struct cpus_watch *w);
/*
 * With --server-cpus: server_cpus (the list's size), server_cpu (busy CPUs
 * in the window) and key (busy CPU time in µs over the n messages or
 * requests served in the window); null when the window was not measured
 * or nothing was served.
 */
void report_server_cpu(struct report *r, const struct cpus_watch *w, uint64_t n,
		       const char *key, const char *label);

/* --- sockets -------------------------------------------------------------- */

/*
 * Resolve host and port for a TCP client. Accepts names, IPv4 and IPv6
 * literals (optionally in brackets). Prints the reason and returns -1 on
 * failure.
 */
int resolve_tcp(const char *host, const char *port, struct sockaddr_storage *ss,
		socklen_t *len);
/* "1.2.3.4:80" or "[::1]:80". */
void format_sockaddr(const struct sockaddr *sa, char *buf, size_t len);
/*
 * Start a non-blocking connect with TCP_NODELAY set. Returns the socket, or
 * -1 with *err set to the errno when it failed at once.
 */
int connect_nonblock(const struct sockaddr *sa, socklen_t len, int *err);
/*
 * Send buf[*off..len) on a non-blocking socket until it is all gone or the
 * socket is full, moving *off past what went out. Returns 0, or the errno
 * of a failed send; *off counts what was sent before it failed too.
 */
int send_nonblock(int fd, const void *buf, size_t len, size_t *off);

/* --- echo servers --------------------------------------------------------- */

/*
 * user-echo-server and uring-echo-server take the same options, so they
 * mean the same in both: -p PORT, -a ADDR, -t THREADS (each thread with its
 * own SO_REUSEPORT listener) and -b BACKLOG.
 */
struct server_opts {
	struct sockaddr_storage addr; /* with the port once listening */
	socklen_t addrlen;
	bool any; /* no -a: dual-stack any */
	uint64_t port; /* 0 until the first listener got a free one */
	uint64_t threads;
	uint64_t backlog;
};

/*
 * Parse a server's command line into o: the options above with their
 * defaults (dual-stack any, port 12345, 1 thread, backlog 4096), -h and the
 * server's own long options (NULL for none; --help there should map to
 * 'h'), and no operands. -h prints usage to stdout and exits with EXIT_OK.
 * Returns 0, or -1 after saying why, for EXIT_USAGE.
 */
int parse_server_opts(int argc, char **argv, const struct option *longopts,
		      const char *usage, struct server_opts *o);
/*
 * Open a TCP listener on o's address and port with SO_REUSEPORT (IPv4 too
 * on the dual-stack any address), SOCK_CLOEXEC and the socket type flags
 * given (e.g. SOCK_NONBLOCK). When o's port is 0 the first listener gets
 * a free one and o keeps it, so the listeners of the other threads bind
 * the same. Returns the socket, or -1 after saying why.
 */
int server_listen(struct server_opts *o, int type_flags);

/*
 * A server's threads: each owns a listener and serves its connections on
 * its own, with its own counters summed at exit. A server embeds struct
 * server_worker first in its worker and says in struct server_ops how to
 * set one up and run it.
 */
struct server_worker {
	pthread_t tid;
	int lfd; /* this thread's SO_REUSEPORT listener */
	int stop_fd; /* an eventfd, readable once the server is to stop */
	uint64_t accepted;
	uint64_t bytes_in;
	uint64_t bytes_out;
};

struct server_ops {
	size_t worker_size; /* the server's worker, server_worker first */
	int listen_flags; /* socket type flags of the listeners */
	/* Set up w once its listener is open; w is freed by fini. */
	int (*init)(struct server_worker *w);
	/* The thread: serve until stop_fd is readable. */
	void *(*run)(void *w);
	void (*fini)(struct server_worker *w);
	/* Optional: appended to "listening on ADDR, N threads". */
	const char *(*note)(void);
};

/*
 * Run a server: one worker of ops per o->threads, each in its own thread,
 * until SIGINT or SIGTERM. Prints "listening on ADDR, N threads" at start
 * and the summed counters at exit to stderr. Returns EXIT_OK, or
 * EXIT_ERRORS when the server could not start.
 */
int server_run(struct server_opts *o, const struct server_ops *ops);

/* --- signals -------------------------------------------------------------- */

/* Set by the first SIGINT or SIGTERM after catch_interrupts(). */
extern volatile sig_atomic_t interrupted;

/*
 * Ignore SIGPIPE and let the first ^C (or SIGTERM) end the run so the
 * results are still reported; a second one kills as usual.
 */
void catch_interrupts(void);

/* --- epoll client workers ------------------------------------------------- */

/*
 * The load generators spread their connections over threads, each running
 * the same epoll loop over its own connections with its own statistics,
 * merged at the end so the hot path takes no locks. A tool embeds struct
 * ep_worker first in its worker and struct ep_conn first in its connection,
 * and says in struct ep_ops what to do with them.
 */
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct ep_conn {
	int fd;
	uint32_t events; /* as registered with epoll */
	uint64_t deadline; /* fails with a timeout when passed */
	uint64_t pace_slot; /* open loop: the next message's number */
	bool pace_waiting; /* open loop: idle until its slot is due */
};

struct ep_worker;

struct ep_ops {
	size_t worker_size; /* the tool's worker, ep_worker first */
	size_t conn_size; /* the tool's connection, ep_conn first */
	size_t scratch_size; /* receive buffer per worker */
	/* Open connection c; called once for each before the loop. */
	void (*start)(struct ep_worker *w, struct ep_conn *c);
	void (*event)(struct ep_worker *w, struct ep_conn *c, uint32_t events);
	/* c made no progress before its deadline; c may already be done. */
	void (*expired)(struct ep_worker *w, struct ep_conn *c);
	/* Optional: free what the tool hangs off a connection. */
	void (*conn_fini)(struct ep_conn *c);
	/*
	 * Open loop (ep_pace_setup): c waited in ep_pace_next() and its slot,
	 * intended for time intended (ns), has come.
	 */
	void (*due)(struct ep_worker *w, struct ep_conn *c, uint64_t intended);
};

struct ep_worker {
	pthread_t tid;
	const struct ep_ops *ops;
	int epfd;
	char *conns; /* nconns connections of ops->conn_size */
	unsigned int nconns;
	unsigned int live; /* connections not done yet; the loop ends at 0 */
	uint64_t now; /* now_ns() at the last wakeup */
	char *scratch;
	struct hist lat;
	uint64_t connects;
	uint64_t bytes_rcvd;
	uint64_t errs[ERR_NR];
	double pace_rate; /* open loop: this worker's messages/s, 0 if closed */
	const _Atomic uint64_t *pace_t0; /* schedule start, 0 until known */
	unsigned int pace_cursor; /* the connection whose slot is next */
};

/* What all workers of a run did, summed by ep_sum(). */
struct ep_totals {
	struct hist lat;
	uint64_t connects;
	uint64_t bytes_rcvd;
	uint64_t errs[ERR_NR];
	uint64_t nerrs;
};

/* Worker i of an array of ops->worker_size workers. */
struct ep_worker *ep_nth(void *workers, const struct ep_ops *ops,
			 unsigned int i);
unsigned int ep_conn_index(const struct ep_worker *w, const struct ep_conn *c);
/*
 * Allocate nw workers sharing conns connections, NULL on failure. Free them
 * with ep_free_workers(), also after a failure.
 */
void *ep_alloc_workers(const struct ep_ops *ops, unsigned int nw,
		       uint64_t conns);
void ep_free_workers(void *workers, const struct ep_ops *ops, unsigned int nw);
/* Run every worker in its own thread until all its connections are done. */
int ep_run_workers(void *workers, const struct ep_ops *ops, unsigned int nw);
void ep_sum(void *workers, const struct ep_ops *ops, unsigned int nw,
	    struct ep_totals *t);

/*
 * Start a non-blocking connect on c and register it for EPOLLOUT. Returns
 * 0, or the errno with *what set to the call that failed.
 */
int ep_connect(struct ep_worker *w, struct ep_conn *c,
	       const struct sockaddr *sa, socklen_t len, const char **what);
/* The result of c's connect once it is writable: 0 or an errno. */
int ep_connect_result(const struct ep_conn *c);
void ep_set_events(struct ep_worker *w, struct ep_conn *c, uint32_t ev);
/*
 * Receive at most max bytes of c into w->scratch (no more than it holds),
 * counted in w->bytes_rcvd. Returns what recv() does, but not EINTR.
 */
ssize_t ep_recv(struct ep_worker *w, struct ep_conn *c, size_t max);
/*
 * Count an error of this kind; true for the first one of the run, which
 * the caller prints, so a failing server does not flood the terminal.
 */
bool ep_error_first(struct ep_worker *w, enum err_kind kind);

/*
 * Open loop: the nw workers offer rate messages/s together, each its share
 * by its number of connections out of conns, on the schedule of pace.h
 * from *t0 (which the tool sets once, when the window opens; connections
 * that ask before wait). Call before ep_run_workers().
 */
void ep_pace_setup(void *workers, const struct ep_ops *ops, unsigned int nw,
		   double rate, uint64_t conns, const _Atomic uint64_t *t0);
/*
 * Open loop: c is ready for its next message. Returns the message's
 * intended time (ns) when it is due already (or overdue): send it now.
 * Otherwise returns 0, c waits without a deadline, and ops->due is called
 * when its slot comes.
 */
uint64_t ep_pace_next(struct ep_worker *w, struct ep_conn *c);

/*
 * --hold: connection c is finished but stays open, idle and no longer
 * watched, until ep_hold() closes it. The tool marks c done in its own
 * state; the worker's loop ends when all connections are done or held.
 */
void ep_hold_conn(struct ep_worker *w, struct ep_conn *c);
/*
 * After ep_run_workers(): keep the held connections open for secs seconds
 * or until SIGINT/SIGTERM, then close them. Prints "holding N connections"
 * to stderr first, so a script can measure the server while they are
 * idle. Returns how many were still open at the end; *lost is set to how
 * many the server closed or reset meanwhile. Without --hold (secs 0) it
 * does nothing and returns 0.
 */
uint64_t ep_hold(void *workers, const struct ep_ops *ops, unsigned int nw,
		 double secs, uint64_t *lost);

#endif /* KTCP_TOOLS_H */
