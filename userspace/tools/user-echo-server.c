// SPDX-License-Identifier: GPL-2.0
/*
 * user-echo-server - epoll TCP echo server, the userspace baseline for kecho.
 *
 * Each of the -t threads owns a SO_REUSEPORT listener and an epoll loop, so
 * the kernel spreads connections over threads and no state is shared but
 * the byte counters summed at exit.
 *
 * Echo is byte-exact: whatever read() returns is written back as is. When
 * the peer does not read fast enough, the unsent tail is kept with the
 * connection and the connection stops reading (EPOLLOUT only) until the
 * tail is gone, so one slow peer costs at most one buffer and TCP flow
 * control pushes back to the sender.
 */
#include "tools.h"

#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define READ_BUF_SIZE (64 * 1024)
#define MAX_EVENTS 256
/* Reads per wakeup, so one busy connection cannot starve the others. */
#define READS_PER_EVENT 4
/* Back off this long when out of file descriptors. */
#define ACCEPT_PAUSE_MS 100

struct conn {
	int fd;
	char *pend; /* unsent echo bytes, NULL when none */
	size_t pend_off;
	size_t pend_len;
	struct conn *prev, *next;
};

struct worker {
	struct server_worker sw; /* first */
	int epfd;
	struct conn conns; /* list head of open connections */
	char *buf;
	bool accept_paused;
	uint64_t accept_resume;
};

/* Tags in epoll_event.data.ptr for the fds that are not connections. */
static char listen_tag, stop_tag;

static const char usage_text[] =
	"usage: user-echo-server [-p PORT] [-a ADDR] [-t THREADS] [-b N]\n"
	"\n"
	"Echo every byte received on each TCP connection back to it.\n"
	"\n"
	"  -p PORT     port to listen on (default 12345; 0 picks a free one)\n"
	"  -a ADDR     IPv4 or IPv6 address to bind (default: dual-stack any)\n"
	"  -t THREADS  threads, each with its own SO_REUSEPORT listener\n"
	"              and epoll loop (default 1)\n"
	"  -b N        listen backlog (default 4096)\n"
	"  -h          show this help\n"
	"\n"
	"Prints the listening address at start and byte counters at exit\n"
	"(SIGINT/SIGTERM) to stderr.\n";

static int epoll_set(int epfd, int op, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	return epoll_ctl(epfd, op, fd, &ev);
}

static void conn_close(struct conn *c)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
	close(c->fd);
	free(c->pend);
	free(c);
}

static void accept_pause(struct worker *w)
{
	epoll_set(w->epfd, EPOLL_CTL_MOD, w->sw.lfd, 0, &listen_tag);
	w->accept_paused = true;
	w->accept_resume = now_ns() + ACCEPT_PAUSE_MS * 1000000ull;
}

static void accept_resume(struct worker *w)
{
	if (!w->accept_paused || now_ns() < w->accept_resume)
		return;
	epoll_set(w->epfd, EPOLL_CTL_MOD, w->sw.lfd, EPOLLIN, &listen_tag);
	w->accept_paused = false;
}

static void accept_all(struct worker *w)
{
	struct conn *c;
	int fd, one = 1;

	for (;;) {
		fd = accept4(w->sw.lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			/*
			 * Out of fds the pending connection stays queued and
			 * a level-triggered listener would spin; stop
			 * watching it for a moment instead.
			 */
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				accept_pause(w);
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (!c || epoll_set(w->epfd, EPOLL_CTL_ADD, fd, EPOLLIN, c)) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->next = w->conns.next;
		c->prev = &w->conns;
		c->next->prev = c;
		w->conns.next = c;
		w->sw.accepted++;
	}
}

/*
 * Write the pending tail. Returns 1 when it is all gone, 0 when the socket
 * is full again, -1 when the connection failed.
 */
static int conn_flush(struct worker *w, struct conn *c)
{
	size_t before = c->pend_off;
	int err = send_nonblock(c->fd, c->pend, c->pend_len, &c->pend_off);

	w->sw.bytes_out += c->pend_off - before;
	if (err)
		return -1;
	if (c->pend_off < c->pend_len)
		return 0;
	free(c->pend);
	c->pend = NULL;
	c->pend_off = c->pend_len = 0;
	return 1;
}

/*
 * Echo buf[0..len) on c. What the socket does not take is kept as the
 * pending tail and the connection switches from reading to EPOLLOUT.
 * Returns 1 when all was sent, 0 when a tail is pending, -1 on failure.
 */
static int conn_echo(struct worker *w, struct conn *c, size_t len)
{
	size_t off = 0;
	int err = send_nonblock(c->fd, w->buf, len, &off);

	w->sw.bytes_out += off;
	if (err)
		return -1;
	if (off == len)
		return 1;
	c->pend = malloc(len - off);
	if (!c->pend)
		return -1;
	memcpy(c->pend, w->buf + off, len - off);
	c->pend_len = len - off;
	c->pend_off = 0;
	if (epoll_set(w->epfd, EPOLL_CTL_MOD, c->fd, EPOLLOUT, c))
		return -1;
	return 0;
}

/* Returns -1 when the connection is finished (EOF or error). */
static int conn_read(struct worker *w, struct conn *c)
{
	ssize_t n;
	int i, ret;

	for (i = 0; i < READS_PER_EVENT; i++) {
		n = recv(c->fd, w->buf, READ_BUF_SIZE, 0);
		if (n == 0)
			return -1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		w->sw.bytes_in += (uint64_t)n;
		ret = conn_echo(w, c, (size_t)n);
		if (ret <= 0)
			return ret;
	}
	return 0;
}

static void conn_event(struct worker *w, struct conn *c, uint32_t events)
{
	int ret;

	if (c->pend) {
		ret = conn_flush(w, c);
		if (ret == 0)
			return;
		if (ret < 0 ||
		    epoll_set(w->epfd, EPOLL_CTL_MOD, c->fd, EPOLLIN, c))
			goto close;
	}
	/*
	 * EPOLLHUP/EPOLLERR with data still queued: let recv() drain it and
	 * report EOF or the error itself.
	 */
	if (conn_read(w, c) < 0)
		goto close;
	return;
close:
	conn_close(c);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[MAX_EVENTS];
	bool stop = false;
	int i, n;

	while (!stop) {
		n = epoll_wait(w->epfd, ev, MAX_EVENTS,
			       w->accept_paused ? ACCEPT_PAUSE_MS : -1);
		if (n < 0 && errno != EINTR) {
			warnx_("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == &stop_tag)
				stop = true;
			else if (ev[i].data.ptr == &listen_tag)
				accept_all(w);
			else
				conn_event(w, ev[i].data.ptr, ev[i].events);
		}
		accept_resume(w);
	}
	while (w->conns.next != &w->conns)
		conn_close(w->conns.next);
	return NULL;
}

static int worker_init(struct server_worker *sw)
{
	struct worker *w = container_of(sw, struct worker, sw);

	w->conns.next = w->conns.prev = &w->conns;
	w->buf = malloc(READ_BUF_SIZE);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!w->buf || w->epfd < 0 ||
	    epoll_set(w->epfd, EPOLL_CTL_ADD, w->sw.lfd, EPOLLIN,
		      &listen_tag) ||
	    epoll_set(w->epfd, EPOLL_CTL_ADD, sw->stop_fd, EPOLLIN,
		      &stop_tag)) {
		warnx_("cannot set up worker: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void worker_fini(struct server_worker *sw)
{
	struct worker *w = container_of(sw, struct worker, sw);

	if (w->epfd >= 0)
		close(w->epfd);
	free(w->buf);
}

static const struct server_ops ops = {
	.worker_size = sizeof(struct worker),
	.listen_flags = SOCK_NONBLOCK,
	.init = worker_init,
	.run = worker_run,
	.fini = worker_fini,
};

int main(int argc, char **argv)
{
	struct server_opts o;

	if (parse_server_opts(argc, argv, NULL, usage_text, &o))
		return EXIT_USAGE;
	return server_run(&o, &ops);
}
