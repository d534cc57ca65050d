// SPDX-License-Identifier: GPL-2.0
/*
 * echo-bench - closed-loop load generator and byte-exactness checker for
 * TCP echo servers (kecho, user-echo-server).
 *
 * Every connection sends one message, reads until the whole echo is back,
 * records the latency and sends the next one. Connections are spread over
 * -t threads, each with its own epoll loop and statistics that are merged
 * at the end, so the hot path takes no locks; the only shared state is the
 * message counter.
 *
 * A run for a duration (-d) times only the echo: its window opens once
 * every connection has connected (or failed), so opening thousands at once
 * does not count as echo time. Messages started before are warm-up,
 * neither counted nor timed; setup_s reports how long connecting took.
 *
 * With --verify every message is random binary data derived from the seed
 * and the message number, with at least one NUL byte, and every echoed byte
 * is compared. Connections end with shutdown(SHUT_WR) and wait for the
 * server's EOF, so the byte totals are exact and comparable to the server's
 * counters, and bytes after the last echo are caught.
 *
 * --rate R runs open loop instead (pace.h): the connections together
 * offer R messages/s on a fixed schedule from the moment the window opens,
 * each still with one message outstanding at a time, and a message is
 * timed from when it was meant to be sent. A connection whose echo comes
 * back after its next slot sends the next message at once (its latency
 * already counting the wait); no message is sent after the window shuts.
 * The report says whether the rate was kept.
 *
 * --hold keeps the connections open and idle after their last message
 * instead (with --burst -s 0 they only connect), for measuring what idle
 * connections cost a server.
 */
#include "tools.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define SCRATCH_SIZE (256 * 1024)
#define RECVS_PER_EVENT 4

struct bench_opts {
	const char *host;
	const char *port;
	uint64_t conns;
	uint64_t threads;
	uint64_t size_min;
	uint64_t size_max;
	uint64_t count; /* -n, 0 when running for a duration */
	double duration;
	uint64_t burst; /* --burst N, 0 for closed-loop */
	double rate; /* --rate R messages/s, 0 for closed-loop */
	bool verify;
	uint64_t seed;
	struct load_opts load;
	struct sockaddr_storage addr;
	socklen_t addrlen;
};

enum bconn_state {
	B_CONNECTING,
	B_ACTIVE, /* a message is being sent and echoed */
	B_WAITING, /* open loop: idle until its next slot */
	B_CLOSING, /* sent FIN, waiting for the server's EOF */
	B_DONE,
};

struct bconn {
	struct ep_conn ep;
	enum bconn_state st;
	unsigned int msgs; /* messages completed on this connection */
	uint64_t idx; /* message number: seeds size and data */
	size_t len;
	size_t sent;
	size_t rcvd;
	uint64_t t_start;
	char *buf;
	size_t cap;
	bool settled; /* connected or failed: counted in settled */
};

struct bworker {
	struct ep_worker ew;
	uint64_t msgs; /* counted: within the window */
	uint64_t warmup; /* completed before the window opened */
	uint64_t bytes_echoed; /* of the counted messages */
	uint64_t bytes_sent;
	uint64_t last_done; /* when the last counted message completed */
};

static const enum err_kind bench_errs[] = {
	ERR_REFUSED, ERR_RESET, ERR_TIMEOUT, ERR_SHORT, ERR_MISMATCH, ERR_OTHER,
};

static struct bench_opts opt;
static atomic_uint_fast64_t next_msg;
static uint64_t nconns; /* connections of the run */
static atomic_uint_fast64_t settled;
static _Atomic uint64_t ready_ns; /* all settled; 0 until then */
static _Atomic uint64_t end_ns = UINT64_MAX; /* -d: when the window shuts */

static const char usage_text[] =
	"usage: echo-bench [-a HOST] [-p PORT] [-c CONNS] [-t THREADS]\n"
	"         [-s SIZE | --sizes MIN-MAX] [-d SECONDS | -n COUNT]\n"
	"         [--rate R] [--verify] [--seed N] [--timeout MS]\n"
	"         [--hold SECONDS] [--server-cpus LIST] [--csv | --json]\n"
	"       echo-bench --burst N [-a HOST] [-p PORT] [-t THREADS] ...\n"
	"\n"
	"Closed-loop load on a TCP echo server: each connection sends a\n"
	"message, waits for the whole echo, and repeats. With --rate, open\n"
	"loop: messages leave on a fixed schedule and each is timed from\n"
	"when it was meant to leave.\n"
	"\n"
	"  -a HOST        server name or address (default 127.0.0.1)\n"
	"  -p PORT        server port (default 12345)\n"
	"  -c CONNS       concurrent connections (default 1)\n"
	"  -t THREADS     threads sharing the connections (default 1)\n"
	"  -s SIZE        message size in bytes, suffix k/M/G (default 64);\n"
	"                 0 with --burst: connect only, send nothing\n"
	"  --sizes MIN-MAX  random size per message, e.g. 1-1M\n"
	"  -d SECONDS     run this long (default 5)\n"
	"  -n COUNT       send COUNT messages in total instead\n"
	"  --rate R       open loop: R messages/s over all connections,\n"
	"                 evenly spaced, each connection one message at a\n"
	"                 time; latency from the intended send time; reports\n"
	"                 the achieved rate and whether it kept R (95 %).\n"
	"                 Needs -d\n"
	"  --burst N      open N connections at once; each sends one\n"
	"                 message, waits for the echo and closes\n"
	"  --verify       random binary payloads; compare every echoed byte\n"
	"  --seed N       payload and size seed (default 1)\n"
	"  --timeout MS   fail a connection after MS without progress\n"
	"                 (default 5000)\n"
	"  --hold SECONDS keep the connections open and idle after their\n"
	"                 last message for SECONDS, or until SIGINT or\n"
	"                 SIGTERM; prints \"holding N connections\" to\n"
	"                 stderr when they all are. A connection the server\n"
	"                 closes meanwhile is an error (held_lost)\n"
	"  --server-cpus LIST  how busy these CPUs (the server's, e.g.\n"
	"                 0-1) were in the window: its wall time less\n"
	"                 their idle time in /proc/stat. Reports\n"
	"                 server_cpu and server_cpu_us_per_msg, the CPU\n"
	"                 time one message cost there. Needs -d\n"
	"  --csv, --json  machine-readable output\n"
	"  -h, --help     show this help\n"
	"\n"
	"Exit status: 0 no errors, 1 errors or mismatches, 2 usage.\n";

/* --- payload -------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Size and payload depend only on seed and message number: reproducible. */
static size_t msg_size(uint64_t idx)
{
	uint64_t s = opt.seed ^ (idx * 0xd1b54a32d192ed03ull);
	uint64_t span = opt.size_max - opt.size_min + 1;

	if (span == 1)
		return opt.size_min;
	return opt.size_min + splitmix64(&s) % span;
}

static void fill_random(char *buf, size_t len, uint64_t s)
{
	size_t i;
	uint64_t r;

	for (i = 0; i + 8 <= len; i += 8) {
		r = splitmix64(&s);
		memcpy(buf + i, &r, 8);
	}
	if (i < len) {
		r = splitmix64(&s);
		memcpy(buf + i, &r, len - i);
	}
}

static void fill_payload(struct bconn *c)
{
	uint64_t s = opt.seed ^ (c->idx * 0x9fb21c651e98df25ull) ^
		     0x5851f42d4c957f2dull;

	fill_random(c->buf, c->len, s);
	/* Make sure a strlen()-based echo fails every message. */
	c->buf[c->len / 2] = '\0';
}

/* --- connections ---------------------------------------------------------- */

/* Does the run count only what happens once every connection is up? */
static bool windowed(void)
{
	return !opt.count && !opt.burst;
}

/* c has connected or failed; the last one to do so opens the window. */
static void conn_settle(struct bconn *c)
{
	uint64_t now;

	if (c->settled)
		return;
	c->settled = true;
	if (atomic_fetch_add(&settled, 1) + 1 < nconns)
		return;
	now = now_ns();
	atomic_store(&ready_ns, now);
	if (windowed())
		atomic_store(&end_ns, now + (uint64_t)(opt.duration * 1e9));
}

static void conn_finish(struct bworker *w, struct bconn *c)
{
	conn_settle(c);
	if (c->ep.fd >= 0)
		close(c->ep.fd);
	c->ep.fd = -1;
	c->st = B_DONE;
	w->ew.live--;
}

/* Count an error against c, print the first one of each kind, close c. */
__attribute__((format(printf, 4, 5))) static void
conn_fail(struct bworker *w, struct bconn *c, enum err_kind kind,
	  const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ep_error_first(&w->ew, kind)) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		warnx_("first %s error: connection %ld: %s",
		       err_kind_name(kind), (long)ep_conn_index(&w->ew, &c->ep),
		       msg);
	}
	conn_finish(w, c);
}

static void conn_fail_errno(struct bworker *w, struct bconn *c, int err,
			    const char *what)
{
	conn_fail(w, c, err_kind_of_errno(err), "%s: %s", what, strerror(err));
}

static bool msg_claim(struct bconn *c, uint64_t *idx)
{
	if (interrupted)
		return false;
	/* Open loop: nothing leaves after the window shuts, late or not. */
	if (opt.rate > 0 && now_ns() >= atomic_load(&end_ns))
		return false;
	if (opt.burst) {
		if (c->msgs)
			return false;
	} else if (!opt.count && now_ns() >= atomic_load(&end_ns)) {
		return false;
	}
	*idx = atomic_fetch_add(&next_msg, 1);
	return !opt.count || *idx < opt.count;
}

/* --hold: done, but open until ep_hold() closes it. */
static void conn_hold(struct bworker *w, struct bconn *c)
{
	c->st = B_DONE;
	ep_hold_conn(&w->ew, &c->ep);
}

static void conn_begin_close(struct bworker *w, struct bconn *c)
{
	if (shutdown(c->ep.fd, SHUT_WR) < 0) {
		conn_fail_errno(w, c, errno, "shutdown");
		return;
	}
	c->st = B_CLOSING;
	c->ep.deadline = w->ew.now + opt.load.timeout_ms * 1000000ull;
	ep_set_events(&w->ew, &c->ep, EPOLLIN);
}

static int conn_reserve(struct bconn *c)
{
	char *p;

	if (c->len <= c->cap)
		return 0;
	p = realloc(c->buf, c->len);
	if (!p)
		return -1;
	/* Without --verify the content is irrelevant but must be defined. */
	if (!opt.verify)
		fill_random(p + c->cap, c->len - c->cap, opt.seed);
	c->buf = p;
	c->cap = c->len;
	return 0;
}

static void msg_send(struct bworker *w, struct bconn *c)
{
	size_t before = c->sent;
	int err = send_nonblock(c->ep.fd, c->buf, c->len, &c->sent);

	if (c->sent > before) {
		w->bytes_sent += c->sent - before;
		c->ep.deadline = w->ew.now + opt.load.timeout_ms * 1000000ull;
	}
	if (err) {
		conn_fail_errno(w, c, err, "send");
		return;
	}
	ep_set_events(&w->ew, &c->ep,
		      EPOLLIN | (c->sent < c->len ? EPOLLOUT : 0));
}

static void msg_done(struct bworker *w, struct bconn *c);

static void msg_begin(struct bworker *w, struct bconn *c, uint64_t intended);

/* Open loop: wait for c's next slot, or send at once when it has come. */
static void msg_next(struct bworker *w, struct bconn *c)
{
	uint64_t due = ep_pace_next(&w->ew, &c->ep);

	if (due) {
		msg_begin(w, c, due);
		return;
	}
	c->st = B_WAITING;
}

static void msg_due(struct ep_worker *ew, struct ep_conn *ec, uint64_t intended)
{
	struct bworker *w = container_of(ew, struct bworker, ew);
	struct bconn *c = container_of(ec, struct bconn, ep);

	if (c->st != B_WAITING)
		return;
	c->st = B_ACTIVE;
	msg_begin(w, c, intended);
}

static void msg_start(struct bworker *w, struct bconn *c)
{
	if (opt.rate > 0)
		msg_next(w, c);
	else
		msg_begin(w, c, 0);
}

/* Send the next message; intended is its slot (open loop) or 0. */
static void msg_begin(struct bworker *w, struct bconn *c, uint64_t intended)
{
	uint64_t idx;

	if (!msg_claim(c, &idx)) {
		if (opt.load.hold)
			conn_hold(w, c);
		else
			conn_begin_close(w, c);
		return;
	}
	c->idx = idx;
	c->len = msg_size(idx);
	c->sent = c->rcvd = 0;
	/* --burst -s 0: the connect was the whole exchange. */
	if (!c->len) {
		msg_done(w, c);
		return;
	}
	if (conn_reserve(c)) {
		conn_fail(w, c, ERR_OTHER, "out of memory for %zu bytes",
			  c->len);
		return;
	}
	if (opt.verify)
		fill_payload(c);
	/*
	 * A burst measures connect + echo; closed loop only the echo; open
	 * loop from when the message was meant to leave.
	 */
	if (intended)
		c->t_start = intended;
	else if (!opt.burst)
		c->t_start = now_ns();
	c->ep.deadline = w->ew.now + opt.load.timeout_ms * 1000000ull;
	msg_send(w, c);
}

static void msg_done(struct bworker *w, struct bconn *c)
{
	uint64_t ready = atomic_load(&ready_ns);

	if (!windowed() || (ready && c->t_start >= ready)) {
		w->last_done = now_ns();
		hist_add(&w->ew.lat, w->last_done - c->t_start);
		w->msgs++;
		w->bytes_echoed += c->len;
	} else {
		w->warmup++;
	}
	c->msgs++;
	msg_start(w, c);
}

static bool msg_check(struct bworker *w, struct bconn *c, size_t n)
{
	const char *want = c->buf + c->rcvd;
	size_t i;

	if (!memcmp(w->ew.scratch, want, n))
		return true;
	for (i = 0; w->ew.scratch[i] == want[i]; i++)
		;
	conn_fail(w, c, ERR_MISMATCH,
		  "message %" PRIu64 ": byte %zu of %zu is 0x%02x, sent 0x%02x",
		  c->idx, c->rcvd + i, c->len, (unsigned char)w->ew.scratch[i],
		  (unsigned char)want[i]);
	return false;
}

static void msg_recv(struct bworker *w, struct bconn *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < RECVS_PER_EVENT && c->st == B_ACTIVE; i++) {
		n = ep_recv(&w->ew, &c->ep, c->len - c->rcvd);
		if (n == 0) {
			conn_fail(w, c, ERR_SHORT,
				  "server closed after %zu of %zu bytes of "
				  "message %" PRIu64,
				  c->rcvd, c->len, c->idx);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN)
				conn_fail_errno(w, c, errno, "recv");
			return;
		}
		c->ep.deadline = w->ew.now + opt.load.timeout_ms * 1000000ull;
		if (opt.verify && !msg_check(w, c, (size_t)n))
			return;
		c->rcvd += (size_t)n;
		/*
		 * The next message has just left: its echo cannot be back
		 * yet, so do not spend a recv() learning that (epoll says
		 * when it is).
		 */
		if (c->rcvd == c->len) {
			msg_done(w, c);
			return;
		}
	}
}

/* Open loop, between messages: the server has nothing to send. */
static void conn_idle_input(struct bworker *w, struct bconn *c)
{
	ssize_t n = ep_recv(&w->ew, &c->ep, SCRATCH_SIZE);

	if (n == 0)
		conn_fail(w, c, ERR_SHORT, "server closed between messages");
	else if (n < 0 && errno != EAGAIN)
		conn_fail_errno(w, c, errno, "recv between messages");
	else if (n > 0)
		conn_fail(w, c, ERR_MISMATCH,
			  "%zd bytes after the echo of message %" PRIu64, n,
			  c->idx);
}

/* After our FIN: anything but EOF is a byte the server should not send. */
static void conn_drain(struct bworker *w, struct bconn *c)
{
	ssize_t n;

	for (;;) {
		n = ep_recv(&w->ew, &c->ep, SCRATCH_SIZE);
		if (n == 0) {
			conn_finish(w, c);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN)
				conn_fail_errno(w, c, errno, "recv at close");
			return;
		}
		if (opt.verify) {
			conn_fail(w, c, ERR_MISMATCH,
				  "%zd bytes after the last echo", n);
			return;
		}
	}
}

static void conn_connected(struct bworker *w, struct bconn *c)
{
	int err = ep_connect_result(&c->ep);

	if (err) {
		conn_fail_errno(w, c, err, "connect");
		return;
	}
	conn_settle(c);
	c->st = B_ACTIVE;
	msg_start(w, c);
}

static void conn_event(struct ep_worker *ew, struct ep_conn *ec,
		       uint32_t events)
{
	struct bworker *w = container_of(ew, struct bworker, ew);
	struct bconn *c = container_of(ec, struct bconn, ep);

	switch (c->st) {
	case B_CONNECTING:
		conn_connected(w, c);
		break;
	case B_ACTIVE:
		if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			msg_recv(w, c);
		if (c->st == B_ACTIVE && c->sent < c->len)
			msg_send(w, c);
		break;
	case B_WAITING:
		conn_idle_input(w, c);
		break;
	case B_CLOSING:
		conn_drain(w, c);
		break;
	case B_DONE:
		break;
	}
}

static void conn_open(struct ep_worker *ew, struct ep_conn *ec)
{
	struct bworker *w = container_of(ew, struct bworker, ew);
	struct bconn *c = container_of(ec, struct bconn, ep);
	const char *what;
	int err;

	c->t_start = now_ns();
	c->ep.deadline = c->t_start + opt.load.timeout_ms * 1000000ull;
	c->st = B_CONNECTING;
	err = ep_connect(ew, ec, (const struct sockaddr *)&opt.addr,
			 opt.addrlen, &what);
	if (err)
		conn_fail_errno(w, c, err, what);
}

static const char *const state_names[] = {
	[B_CONNECTING] = "connecting",
	[B_ACTIVE] = "waiting for the echo",
	[B_WAITING] = "waiting for its slot",
	[B_CLOSING] = "waiting for EOF",
	[B_DONE] = "done",
};

static void conn_expired(struct ep_worker *ew, struct ep_conn *ec)
{
	struct bworker *w = container_of(ew, struct bworker, ew);
	struct bconn *c = container_of(ec, struct bconn, ep);

	if (c->st != B_DONE && c->st != B_WAITING)
		conn_fail(w, c, ERR_TIMEOUT,
			  "no progress for %" PRIu64 " ms (%s)",
			  opt.load.timeout_ms, state_names[c->st]);
}

static void conn_free(struct ep_conn *ec)
{
	free(container_of(ec, struct bconn, ep)->buf);
}

static const struct ep_ops bench_ops = {
	.worker_size = sizeof(struct bworker),
	.conn_size = sizeof(struct bconn),
	.scratch_size = SCRATCH_SIZE,
	.start = conn_open,
	.event = conn_event,
	.expired = conn_expired,
	.conn_fini = conn_free,
	.due = msg_due,
};

/* --- setup and report ----------------------------------------------------- */

/* What a run did, for the report. */
struct bench_result {
	uint64_t msgs;
	uint64_t warmup;
	uint64_t echoed;
	double setup;
	uint64_t sent;
	uint64_t held;
	uint64_t held_lost;
	unsigned int nw;
	double elapsed;
	struct cpu_sample cpu0, cpu1; /* the client's own CPU time */
	struct cpus_watch server; /* --server-cpus */
};

static void report(const struct ep_totals *t, const struct bench_result *b)
{
	struct report r = { 0 };
	char target[80], size[64];

	format_sockaddr((const struct sockaddr *)&opt.addr, target,
			sizeof(target));
	if (opt.size_min == opt.size_max)
		snprintf(size, sizeof(size), "%" PRIu64, opt.size_min);
	else
		snprintf(size, sizeof(size), "%" PRIu64 "-%" PRIu64,
			 opt.size_min, opt.size_max);

	report_str(&r, "mode", "mode",
		   opt.burst	? "burst" :
		   opt.rate > 0 ? "open-loop" :
				  "closed-loop");
	report_str(&r, "target", "target", target);
	report_u64(&r, "connections", "connections", t->connects, NULL);
	report_u64(&r, "threads", "threads", b->nw, NULL);
	report_str(&r, "size", "message size", size);
	report_str(&r, "verify", "verify", opt.verify ? "yes" : "no");
	report_u64(&r, "seed", "seed", opt.seed, NULL);
	report_dbl(&r, "setup_s", "connecting", b->setup, 3, "s");
	report_dbl(&r, "elapsed_s", "elapsed", b->elapsed, 3, "s");
	report_u64(&r, "messages", "messages", b->msgs, NULL);
	report_u64(&r, "warmup_messages", "warm-up messages", b->warmup, NULL);
	report_u64(&r, "errors", "errors", t->nerrs, NULL);
	report_dbl(&r, "msgs_per_s", "throughput", b->msgs / b->elapsed, 1,
		   "msg/s");
	report_dbl(&r, "mb_per_s", "echoed", b->echoed / b->elapsed / 1e6, 2,
		   "MB/s");
	if (opt.rate > 0)
		report_rate(&r, opt.rate, opt.duration, b->msgs / b->elapsed);
	report_latency(&r, &t->lat);
	report_client_cpu(&r, &b->cpu0, &b->cpu1);
	report_server_cpu(&r, &b->server, b->msgs, "server_cpu_us_per_msg",
			  "server CPU/msg");
	report_u64(&r, "bytes_sent", "bytes sent", b->sent, NULL);
	report_u64(&r, "bytes_received", "bytes received", t->bytes_rcvd, NULL);
	report_errors(&r, t->errs, bench_errs,
		      sizeof(bench_errs) / sizeof(bench_errs[0]));
	report_u64(&r, "held", "held open", b->held, NULL);
	report_u64(&r, "held_lost", "lost while held", b->held_lost, NULL);
	report_print(&r, opt.load.fmt, stdout);
}

static int run(void)
{
	unsigned int nw = (unsigned int)opt.threads, i;
	uint64_t conns = opt.burst ? opt.burst : opt.conns;
	struct bench_result b = { 0 };
	struct bworker *w;
	struct ep_totals *t;
	uint64_t t0, t1, ready, last = 0;
	int ret = EXIT_ERRORS;

	nconns = conns;
	if (nw > conns)
		nw = (unsigned int)conns;
	w = ep_alloc_workers(&bench_ops, nw, conns);
	t = malloc(sizeof(*t));
	if (!w || !t)
		goto out;
	if (opt.rate > 0)
		ep_pace_setup(w, &bench_ops, nw, opt.rate, conns, &ready_ns);
	if (cpus_watch_start(&b.server, &opt.load, &ready_ns, opt.duration))
		goto out;
	cpu_sample_take(&b.cpu0);
	t0 = now_ns();
	if (ep_run_workers(w, &bench_ops, nw))
		goto out;
	/* The hold is not part of the run's time. */
	t1 = now_ns();
	cpu_sample_take(&b.cpu1);
	cpus_watch_end(&b.server);
	ready = atomic_load(&ready_ns);
	b.setup = (double)((ready ? ready : t1) - t0) / 1e9;
	b.elapsed = (double)(t1 - (windowed() && ready ? ready : t0)) / 1e9;
	b.held = ep_hold(w, &bench_ops, nw, opt.load.hold, &b.held_lost);
	ep_sum(w, &bench_ops, nw, t);
	b.nw = nw;
	for (i = 0; i < nw; i++) {
		last = w[i].last_done > last ? w[i].last_done : last;
		b.msgs += w[i].msgs;
		b.warmup += w[i].warmup;
		b.echoed += w[i].bytes_echoed;
		b.sent += w[i].bytes_sent;
	}
	/*
	 * Open loop: the window, or longer if echoes came back after it.
	 * Connections waiting for a slot after it do not count.
	 */
	if (opt.rate > 0 && ready)
		b.elapsed = last > ready + (uint64_t)(opt.duration * 1e9) ?
				    (double)(last - ready) / 1e9 :
				    opt.duration;
	report(t, &b);
	if (!t->nerrs && !b.held_lost && (!opt.count || b.msgs == opt.count) &&
	    (!opt.burst || b.msgs == opt.burst))
		ret = EXIT_OK;
out:
	cpus_watch_end(&b.server);
	ep_free_workers(w, &bench_ops, nw);
	free(t);
	return ret;
}

/* --- options -------------------------------------------------------------- */

enum {
	OPT_VERIFY = OPT_TOOL,
	OPT_SEED,
	OPT_SIZES,
	OPT_BURST,
	OPT_RATE,
};

static const struct option long_opts[] = {
	LOAD_LONG_OPTS,
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "sizes", required_argument, NULL, OPT_SIZES },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ NULL, 0, NULL, 0 },
};

/* Which options were given, for the exclusivity checks. */
struct seen {
	bool c, s, sizes, d, n;
};

static int parse_opt(int ch, struct seen *seen)
{
	uint64_t port;

	switch (ch) {
	case 'a':
		opt.host = optarg;
		return 0;
	case 'p':
		opt.port = optarg;
		return parse_u64("port", optarg, 1, 65535, &port);
	case 'c':
		seen->c = true;
		return parse_u64("connection count", optarg, 1, 1000000,
				 &opt.conns);
	case 't':
		return parse_u64("thread count", optarg, 1, 1024, &opt.threads);
	case 's':
		seen->s = true;
		if (parse_size("message size", optarg, 0, 1ull << 30,
			       &opt.size_min))
			return -1;
		opt.size_max = opt.size_min;
		return 0;
	case OPT_SIZES:
		seen->sizes = true;
		return parse_size_range("--sizes", optarg, 1, 1ull << 30,
					&opt.size_min, &opt.size_max);
	case 'd':
		seen->d = true;
		return parse_positive_seconds("duration", optarg,
					      &opt.duration);
	case 'n':
		seen->n = true;
		return parse_u64("message count", optarg, 1, UINT64_MAX / 2,
				 &opt.count);
	case OPT_BURST:
		return parse_u64("burst size", optarg, 1, 1000000, &opt.burst);
	case OPT_RATE:
		return parse_rate("--rate", optarg, &opt.rate);
	case OPT_VERIFY:
		opt.verify = true;
		return 0;
	case OPT_SEED:
		return parse_u64("seed", optarg, 0, UINT64_MAX, &opt.seed);
	default:
		return parse_load_opt(ch, optarg, &opt.load, usage_text);
	}
}

static int check_opts(const struct seen *seen)
{
	if (seen->d && seen->n) {
		warnx_("-d and -n are mutually exclusive");
		return -1;
	}
	if (seen->s && seen->sizes) {
		warnx_("-s and --sizes are mutually exclusive");
		return -1;
	}
	if (!opt.size_min && !opt.burst) {
		warnx_("-s 0 (connect only) needs --burst");
		return -1;
	}
	if (opt.rate > 0 && (opt.burst || seen->n)) {
		warnx_("--rate runs for a duration (-d): it cannot be "
		       "combined with -n or --burst");
		return -1;
	}
	if (opt.load.server_cpus_given && (opt.burst || seen->n)) {
		warnx_("--server-cpus measures the window of a run for a "
		       "duration (-d): it cannot be combined with -n or "
		       "--burst");
		return -1;
	}
	if (opt.burst && (seen->c || seen->d || seen->n)) {
		warnx_("--burst N opens N connections with one message each; "
		       "it cannot be combined with -c, -d or -n");
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv)
{
	struct seen seen = { 0 };
	int ch;

	opt = (struct bench_opts){
		.host = "127.0.0.1",
		.port = "12345",
		.conns = 1,
		.threads = 1,
		.size_min = 64,
		.size_max = 64,
		.duration = 5,
		.seed = 1,
		.load = LOAD_OPTS_DEFAULT,
	};
	while ((ch = getopt_long(argc, argv, "a:p:c:t:s:d:n:h", long_opts,
				 NULL)) != -1) {
		if (parse_opt(ch, &seen))
			return -1;
	}
	if (check_operands(argc, argv, 0) || check_opts(&seen))
		return -1;
	return resolve_tcp(opt.host, opt.port, &opt.addr, &opt.addrlen);
}

int main(int argc, char **argv)
{
	if (parse_opts(argc, argv))
		return EXIT_USAGE;
	catch_interrupts();
	return run();
}
