// SPDX-License-Identifier: GPL-2.0
/*
 * uring-echo-server - io_uring TCP echo server, the peer a
 * performance-minded user would run instead of kecho today.
 *
 * Each of the -t threads owns a SO_REUSEPORT listener and one io_uring
 * (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN: only that
 * thread submits, and completions are run when it asks for them), with:
 *
 * - one multishot accept on the listener;
 * - one multishot recv per connection, into a ring of provided buffers
 *   shared by the thread's connections (no buffer per connection);
 * - a send of each received buffer as is, straight from the provided
 *   buffer, which goes back to the ring once all of it is sent.
 *
 * Per-connection order: a connection has at most one send in flight; the
 * buffers received meanwhile wait in its FIFO. A partial send is resumed
 * from where it stopped. When the ring runs out of buffers (peers that do
 * not read their echoes), the kernel ends the multishot recvs with ENOBUFS;
 * those connections are re-armed as buffers come back, so slow peers hold
 * back only themselves and TCP flow control pushes back to the senders.
 *
 * Needs Linux 6.0 or later (multishot recv; the flags above are 6.1): the
 * server checks at start and says what is missing.
 */
#include "tools.h"

#include <errno.h>
#include <getopt.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RING_ENTRIES 4096
#define BUF_COUNT 1024 /* provided buffers per thread, a power of two */
#define BUF_SIZE (16 * 1024)
#define BUF_GROUP 0
/* Re-arm accept this long after it failed (out of fds). */
#define ACCEPT_PAUSE_NS (100 * 1000000ll)

/* What a completion is for: the low bits of its user_data. */
enum op {
	OP_ACCEPT,
	OP_RECV,
	OP_SEND,
	OP_STOP,
	OP_TIMEOUT,
};
#define OP_MASK 7ull

/* A received buffer waiting to be echoed. */
struct pending {
	uint16_t bid;
	uint32_t len;
};

struct conn {
	int fd;
	bool recv_armed; /* the multishot recv is live */
	bool sending; /* a send is in flight */
	bool closing; /* EOF or error: close once nothing is in flight */
	bool starved; /* recv ended with ENOBUFS: re-arm when buffers return */
	uint32_t sent; /* of the head's buffer */
	/* FIFO of received buffers: head is being sent. */
	struct pending *q;
	unsigned int q_head, q_len, q_cap;
	struct conn *next_starved;
} __attribute__((aligned(8)));

struct worker {
	struct server_worker sw; /* first */
	struct io_uring ring;
	bool ring_ok;
	struct io_uring_buf_ring *br;
	char *bufs;
	struct conn *starved; /* connections waiting for buffers */
	struct __kernel_timespec pause;
	bool stop;
};

static unsigned int ring_flags;

static const char usage_text[] =
	"usage: uring-echo-server [-p PORT] [-a ADDR] [-t THREADS] [-b N]\n"
	"\n"
	"Echo every byte received on each TCP connection back to it, with\n"
	"io_uring: multishot accept, multishot recv into provided buffers,\n"
	"send from those buffers. Needs Linux 6.0 or later.\n"
	"\n"
	"  -p PORT     port to listen on (default 12345; 0 picks a free one)\n"
	"  -a ADDR     IPv4 or IPv6 address to bind (default: dual-stack any)\n"
	"  -t THREADS  threads, each with its own SO_REUSEPORT listener\n"
	"              and io_uring (default 1)\n"
	"  -b N        listen backlog (default 4096)\n"
	"  -h, --help  show this help\n"
	"\n"
	"Prints the listening address at start and byte counters at exit\n"
	"(SIGINT/SIGTERM) to stderr.\n";

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --- the ring ------------------------------------------------------------- */

/* An SQE, submitting what is queued first when the SQ is full. */
static struct io_uring_sqe *get_sqe(struct worker *w)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);

	while (!sqe) {
		io_uring_submit(&w->ring);
		sqe = io_uring_get_sqe(&w->ring);
	}
	return sqe;
}

static void set_data(struct io_uring_sqe *sqe, void *p, enum op op)
{
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)p | op);
}

static void arm_accept(struct worker *w)
{
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_prep_multishot_accept(sqe, w->sw.lfd, NULL, NULL,
				       SOCK_CLOEXEC);
	set_data(sqe, NULL, OP_ACCEPT);
}

static void arm_recv(struct worker *w, struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BUF_GROUP;
	set_data(sqe, c, OP_RECV);
	c->recv_armed = true;
}

static char *buf_addr(struct worker *w, uint16_t bid)
{
	return w->bufs + (size_t)bid * BUF_SIZE;
}

static void buf_return(struct worker *w, uint16_t bid)
{
	io_uring_buf_ring_add(w->br, buf_addr(w, bid), BUF_SIZE, bid,
			      io_uring_buf_ring_mask(BUF_COUNT), 0);
	io_uring_buf_ring_advance(w->br, 1);
}

static void send_head(struct worker *w, struct conn *c)
{
	struct pending *p = &c->q[c->q_head];
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_prep_send(sqe, c->fd, buf_addr(w, p->bid) + c->sent,
			   p->len - c->sent, MSG_NOSIGNAL);
	set_data(sqe, c, OP_SEND);
	c->sending = true;
}

static void conn_maybe_free(struct worker *w, struct conn *c)
{
	if (!c->closing || c->recv_armed || c->sending || c->starved)
		return;
	while (c->q_len) {
		buf_return(w, c->q[c->q_head].bid);
		c->q_head = (c->q_head + 1) % c->q_cap;
		c->q_len--;
	}
	close(c->fd);
	free(c->q);
	free(c);
}

/* End c: stop its recv (shutdown makes it complete) and free it once idle. */
static void conn_close(struct worker *w, struct conn *c)
{
	if (!c->closing) {
		c->closing = true;
		shutdown(c->fd, SHUT_RDWR);
	}
	conn_maybe_free(w, c);
}

static int conn_enqueue(struct conn *c, uint16_t bid, uint32_t len)
{
	struct pending *q;
	unsigned int i;

	if (c->q_len == c->q_cap) {
		q = malloc((c->q_cap ? c->q_cap * 2 : 4) * sizeof(*q));
		if (!q)
			return -1;
		for (i = 0; i < c->q_len; i++)
			q[i] = c->q[(c->q_head + i) % c->q_cap];
		free(c->q);
		c->q = q;
		c->q_head = 0;
		c->q_cap = c->q_cap ? c->q_cap * 2 : 4;
	}
	c->q[(c->q_head + c->q_len) % c->q_cap] = (struct pending){ bid, len };
	c->q_len++;
	return 0;
}

/*
 * The kernel refused an operation the server cannot do without: say which
 * and exit, rather than keep a listener that answers nobody.
 */
__attribute__((noreturn)) static void missing_feature(const char *what,
						      const char *since)
{
	warnx_("this kernel does not support io_uring %s (Linux %s or later)",
	       what, since);
	exit(EXIT_ERRORS);
}

static void on_accept(struct worker *w, const struct io_uring_cqe *cqe)
{
	struct io_uring_sqe *sqe;
	struct conn *c;
	int one = 1;

	if (cqe->res >= 0) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(cqe->res);
		} else {
			c->fd = cqe->res;
			setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
			w->sw.accepted++;
			arm_recv(w, c);
		}
	}
	if (cqe->flags & IORING_CQE_F_MORE || w->stop)
		return;
	if (cqe->res == -EINVAL)
		missing_feature("multishot accept", "5.19");
	/* Out of fds, or the accept ended: try again shortly. */
	sqe = get_sqe(w);
	w->pause = (struct __kernel_timespec){
		.tv_nsec = cqe->res < 0 ? ACCEPT_PAUSE_NS : 0,
	};
	io_uring_prep_timeout(sqe, &w->pause, 0, 0);
	set_data(sqe, NULL, OP_TIMEOUT);
}

static void on_recv(struct worker *w, struct conn *c,
		    const struct io_uring_cqe *cqe)
{
	uint16_t bid;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		c->recv_armed = false;
	if (cqe->res > 0 && (cqe->flags & IORING_CQE_F_BUFFER)) {
		bid = (uint16_t)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
		w->sw.bytes_in += (uint64_t)cqe->res;
		if (c->closing) {
			buf_return(w, bid);
		} else if (conn_enqueue(c, bid, (uint32_t)cqe->res)) {
			buf_return(w, bid);
			conn_close(w, c);
			return;
		} else if (!c->sending) {
			send_head(w, c);
		}
	}
	if (c->recv_armed)
		return;
	if (cqe->res == -ENOBUFS && !c->closing) {
		/* Out of buffers: wait for some to come back. */
		c->starved = true;
		c->next_starved = w->starved;
		w->starved = c;
		return;
	}
	if (cqe->res == -EINVAL && !c->closing)
		missing_feature("multishot recv", "6.0");
	if (cqe->res > 0 && !c->closing) {
		/* The kernel ended the multishot for its own reasons. */
		arm_recv(w, c);
		return;
	}
	conn_close(w, c); /* EOF, error, or closing */
}

static void on_send(struct worker *w, struct conn *c,
		    const struct io_uring_cqe *cqe)
{
	struct pending *p = &c->q[c->q_head];

	c->sending = false;
	if (cqe->res < 0 || c->closing) {
		conn_close(w, c);
		return;
	}
	w->sw.bytes_out += (uint64_t)cqe->res;
	c->sent += (uint32_t)cqe->res;
	if (c->sent < p->len) {
		send_head(w, c); /* partial: the rest, in order */
		return;
	}
	buf_return(w, p->bid);
	c->sent = 0;
	c->q_head = (c->q_head + 1) % c->q_cap;
	c->q_len--;
	if (c->q_len)
		send_head(w, c);
}

/* Buffers came back: re-arm the connections that ran out. */
static void rearm_starved(struct worker *w)
{
	struct conn *c;

	while (w->starved) {
		c = w->starved;
		w->starved = c->next_starved;
		c->starved = false;
		if (c->closing)
			conn_maybe_free(w, c);
		else
			arm_recv(w, c);
	}
}

static void on_cqe(struct worker *w, const struct io_uring_cqe *cqe)
{
	uint64_t data = io_uring_cqe_get_data64(cqe);
	struct conn *c = (struct conn *)(uintptr_t)(data & ~OP_MASK);

	switch (data & OP_MASK) {
	case OP_ACCEPT:
		on_accept(w, cqe);
		break;
	case OP_RECV:
		on_recv(w, c, cqe);
		break;
	case OP_SEND:
		on_send(w, c, cqe);
		break;
	case OP_STOP:
		w->stop = true;
		break;
	case OP_TIMEOUT:
		if (!w->stop)
			arm_accept(w);
		break;
	}
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct io_uring_cqe *cqe;
	unsigned int head, n;
	int ret;

	/* SINGLE_ISSUER: the ring belongs to the thread that enables it. */
	if (ring_flags & IORING_SETUP_R_DISABLED) {
		/* liburing 2.3 has no io_uring_enable_rings(). */
		ret = (int)syscall(__NR_io_uring_register, w->ring.ring_fd,
				   IORING_REGISTER_ENABLE_RINGS, NULL, 0);
		if (ret < 0) {
			warnx_("io_uring: cannot enable the ring: %s",
			       strerror(errno));
			w->stop = true;
			return NULL;
		}
	}
	arm_accept(w);
	while (!w->stop) {
		ret = io_uring_submit_and_wait(&w->ring, 1);
		if (ret < 0 && ret != -EINTR) {
			warnx_("io_uring_submit_and_wait: %s", strerror(-ret));
			break;
		}
		n = 0;
		io_uring_for_each_cqe(&w->ring, head, cqe)
		{
			on_cqe(w, cqe);
			n++;
		}
		io_uring_cq_advance(&w->ring, n);
		if (w->starved)
			rearm_starved(w);
	}
	return NULL;
}

/* --- setup ---------------------------------------------------------------- */

static int ring_init(struct worker *w)
{
	struct io_uring_params p = { .flags = ring_flags };
	int ret = io_uring_queue_init_params(RING_ENTRIES, &w->ring, &p);

	if (ret == -EINVAL && (ring_flags & IORING_SETUP_DEFER_TASKRUN)) {
		warnx_("io_uring: no IORING_SETUP_DEFER_TASKRUN or "
		       "SINGLE_ISSUER (Linux 6.1); running without");
		ring_flags = 0;
		p = (struct io_uring_params){ 0 };
		ret = io_uring_queue_init_params(RING_ENTRIES, &w->ring, &p);
	}
	if (ret < 0) {
		warnx_("io_uring_queue_init: %s%s", strerror(-ret),
		       ret == -ENOSYS || ret == -EPERM ?
			       " (io_uring disabled? see "
			       "/proc/sys/kernel/io_uring_disabled)" :
			       "");
		return -1;
	}
	w->ring_ok = true;
	return 0;
}

static int probe_ops(struct worker *w)
{
	static const struct {
		int op;
		const char *name;
	} need[] = {
		{ IORING_OP_ACCEPT, "accept" },
		{ IORING_OP_RECV, "recv" },
		{ IORING_OP_SEND, "send" },
		{ IORING_OP_POLL_ADD, "poll" },
		{ IORING_OP_TIMEOUT, "timeout" },
	};
	struct io_uring_probe *probe = io_uring_get_probe_ring(&w->ring);
	unsigned int i;
	int ret = 0;

	if (!probe) {
		warnx_("io_uring: cannot probe the supported operations");
		return -1;
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!io_uring_opcode_supported(probe, need[i].op)) {
			warnx_("io_uring: this kernel has no %s operation",
			       need[i].name);
			ret = -1;
		}
	}
	io_uring_free_probe(probe);
	return ret;
}

static int bufs_init(struct worker *w)
{
	struct io_uring_buf_reg reg = { .ring_entries = BUF_COUNT,
					.bgid = BUF_GROUP };
	size_t ring_size = BUF_COUNT * sizeof(struct io_uring_buf);
	unsigned int i;
	int ret;

	if (posix_memalign((void **)&w->br, (size_t)sysconf(_SC_PAGESIZE),
			   ring_size) ||
	    !(w->bufs = malloc((size_t)BUF_COUNT * BUF_SIZE))) {
		warnx_("out of memory for %d buffers", BUF_COUNT);
		return -1;
	}
	reg.ring_addr = (uint64_t)(uintptr_t)w->br;
	ret = io_uring_register_buf_ring(&w->ring, &reg, 0);
	if (ret < 0) {
		warnx_("io_uring: cannot register a provided buffer ring: %s%s",
		       strerror(-ret),
		       ret == -EINVAL ? " (needs Linux 5.19)" : "");
		return -1;
	}
	io_uring_buf_ring_init(w->br);
	for (i = 0; i < BUF_COUNT; i++)
		io_uring_buf_ring_add(w->br, buf_addr(w, (uint16_t)i), BUF_SIZE,
				      (uint16_t)i,
				      io_uring_buf_ring_mask(BUF_COUNT),
				      (int)i);
	io_uring_buf_ring_advance(w->br, BUF_COUNT);
	return 0;
}

static int worker_init(struct server_worker *sw)
{
	struct worker *w = container_of(sw, struct worker, sw);
	struct io_uring_sqe *sqe;

	if (ring_init(w) || probe_ops(w))
		return -1;
	/* Buffers and the stop poll can be set up before enabling. */
	if (bufs_init(w))
		return -1;
	sqe = io_uring_get_sqe(&w->ring);
	io_uring_prep_poll_add(sqe, sw->stop_fd, POLLIN);
	set_data(sqe, NULL, OP_STOP);
	return 0;
}

static void worker_fini(struct server_worker *sw)
{
	struct worker *w = container_of(sw, struct worker, sw);

	if (w->ring_ok)
		io_uring_queue_exit(&w->ring);
	free(w->bufs);
	free(w->br);
}

static const char *listening_note(void)
{
	return ring_flags ? ", io_uring (single issuer, deferred task run)" :
			    ", io_uring";
}

static const struct server_ops ops = {
	.worker_size = sizeof(struct worker),
	.init = worker_init,
	.run = worker_run,
	.fini = worker_fini,
	.note = listening_note,
};

int main(int argc, char **argv)
{
	struct server_opts o;

	if (parse_server_opts(argc, argv, long_opts, usage_text, &o))
		return EXIT_USAGE;
	/* Created disabled, enabled by the thread that then owns it. */
	ring_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		     IORING_SETUP_R_DISABLED;
	return server_run(&o, &ops);
}
