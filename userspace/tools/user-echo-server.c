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

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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
	pthread_t tid;
	int lfd;
	int epfd;
	struct conn conns; /* list head of open connections */
	char *buf;
	bool accept_paused;
	uint64_t accept_resume;
	uint64_t accepted;
	uint64_t bytes_in;
	uint64_t bytes_out;
};

struct server_opts {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool any; /* no -a: dual-stack any */
	uint64_t port;
	uint64_t threads;
	uint64_t backlog;
};

/* Tags in epoll_event.data.ptr for the fds that are not connections. */
static char listen_tag, stop_tag;
static int stop_fd = -1;

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

static int parse_addr(const char *s, struct server_opts *o)
{
	struct sockaddr_in6 *s6 = (void *)&o->addr;
	struct sockaddr_in *s4 = (void *)&o->addr;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
	} else {
		snprintf(buf, sizeof(buf), "%s", s);
	}
	memset(&o->addr, 0, sizeof(o->addr));
	if (inet_pton(AF_INET, buf, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		o->addrlen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		o->addrlen = sizeof(*s6);
		return 0;
	}
	warnx_("invalid address '%s': not an IPv4 or IPv6 literal", s);
	return -1;
}

static int parse_opts(int argc, char **argv, struct server_opts *o)
{
	int c;

	*o = (struct server_opts){
		.any = true,
		.port = 12345,
		.threads = 1,
		.backlog = 4096,
	};
	while ((c = getopt(argc, argv, "p:a:t:b:h")) != -1) {
		switch (c) {
		case 'p':
			if (parse_u64("port", optarg, 0, 65535, &o->port))
				return -1;
			break;
		case 'a':
			if (parse_addr(optarg, o))
				return -1;
			o->any = false;
			break;
		case 't':
			if (parse_u64("thread count", optarg, 1, 1024,
				      &o->threads))
				return -1;
			break;
		case 'b':
			if (parse_u64("backlog", optarg, 1, 65535, &o->backlog))
				return -1;
			break;
		case 'h':
		default:
			return help_or_usage(c, usage_text);
		}
	}
	return check_operands(argc, argv, 0);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/* No -a: [::] accepting IPv4 too, or 0.0.0.0 on hosts without IPv6. */
static void default_addr(struct server_opts *o)
{
	struct sockaddr_in6 *s6 = (void *)&o->addr;
	struct sockaddr_in *s4 = (void *)&o->addr;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	memset(&o->addr, 0, sizeof(o->addr));
	if (fd >= 0) {
		close(fd);
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		o->addrlen = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		o->addrlen = sizeof(*s4);
	}
}

static int open_listener(const struct server_opts *o)
{
	int fd, one = 1, zero = 0;
	char name[INET6_ADDRSTRLEN + 8];

	fd = socket(o->addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		warnx_("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		warnx_("SO_REUSEPORT: %s", strerror(errno));
	if (o->any && o->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (const struct sockaddr *)&o->addr, o->addrlen) < 0 ||
	    listen(fd, (int)o->backlog) < 0) {
		format_sockaddr((const struct sockaddr *)&o->addr, name,
				sizeof(name));
		warnx_("cannot listen on %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

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
	epoll_set(w->epfd, EPOLL_CTL_MOD, w->lfd, 0, &listen_tag);
	w->accept_paused = true;
	w->accept_resume = now_ns() + ACCEPT_PAUSE_MS * 1000000ull;
}

static void accept_resume(struct worker *w)
{
	if (!w->accept_paused || now_ns() < w->accept_resume)
		return;
	epoll_set(w->epfd, EPOLL_CTL_MOD, w->lfd, EPOLLIN, &listen_tag);
	w->accept_paused = false;
}

static void accept_all(struct worker *w)
{
	struct conn *c;
	int fd, one = 1;

	for (;;) {
		fd = accept4(w->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
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
		w->accepted++;
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

	w->bytes_out += c->pend_off - before;
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

	w->bytes_out += off;
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
		w->bytes_in += (uint64_t)n;
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

static int worker_init(struct worker *w, const struct server_opts *o)
{
	w->conns.next = w->conns.prev = &w->conns;
	w->lfd = open_listener(o);
	if (w->lfd < 0)
		return -1;
	w->buf = malloc(READ_BUF_SIZE);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!w->buf || w->epfd < 0 ||
	    epoll_set(w->epfd, EPOLL_CTL_ADD, w->lfd, EPOLLIN, &listen_tag) ||
	    epoll_set(w->epfd, EPOLL_CTL_ADD, stop_fd, EPOLLIN, &stop_tag)) {
		warnx_("cannot set up worker: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void worker_fini(struct worker *w)
{
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->lfd >= 0)
		close(w->lfd);
	free(w->buf);
}

/*
 * Port 0 asks for a free port; every SO_REUSEPORT listener after the first
 * must then bind the port the first one got.
 */
static void adopt_port(struct server_opts *o, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (o->port || getsockname(lfd, (struct sockaddr *)&ss, &len))
		return;
	o->port = ss.ss_family == AF_INET6 ?
			  ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
			  ntohs(((struct sockaddr_in *)&ss)->sin_port);
	set_port(&o->addr, (uint16_t)o->port);
}

static int run(struct server_opts *o)
{
	struct worker *w;
	char name[INET6_ADDRSTRLEN + 8];
	uint64_t accepted = 0, in = 0, out = 0;
	unsigned int i, started = 0;
	sigset_t set;
	int ret = EXIT_ERRORS, sig;

	w = calloc(o->threads, sizeof(*w));
	if (!w)
		return EXIT_ERRORS;
	for (i = 0; i < o->threads; i++)
		w[i].lfd = w[i].epfd = -1;
	set_port(&o->addr, (uint16_t)o->port);
	for (i = 0; i < o->threads; i++) {
		if (worker_init(&w[i], o))
			goto out;
		adopt_port(o, w[i].lfd);
	}

	/* Only the main thread takes SIGINT/SIGTERM, in sigwait() below. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (; started < o->threads; started++) {
		if (pthread_create(&w[started].tid, NULL, worker_run,
				   &w[started])) {
			warnx_("cannot create thread");
			break;
		}
	}
	format_sockaddr((const struct sockaddr *)&o->addr, name, sizeof(name));
	if (started == o->threads) {
		warnx_("listening on %s, %u thread%s", name, started,
		       started == 1 ? "" : "s");
		sigwait(&set, &sig);
		ret = EXIT_OK;
	}

	/* The eventfd stays readable, so every worker sees it. */
	if (eventfd_write(stop_fd, 1))
		warnx_("eventfd: %s", strerror(errno));
	for (i = 0; i < started; i++) {
		pthread_join(w[i].tid, NULL);
		accepted += w[i].accepted;
		in += w[i].bytes_in;
		out += w[i].bytes_out;
	}
	warnx_("connections %" PRIu64 ", bytes received %" PRIu64
	       ", bytes sent %" PRIu64,
	       accepted, in, out);
out:
	for (i = 0; i < o->threads; i++)
		worker_fini(&w[i]);
	free(w);
	return ret;
}

int main(int argc, char **argv)
{
	struct server_opts o;
	int ret;

	if (parse_opts(argc, argv, &o))
		return EXIT_USAGE;
	if (o.any)
		default_addr(&o);
	signal(SIGPIPE, SIG_IGN);
	stop_fd = eventfd(0, EFD_CLOEXEC);
	if (stop_fd < 0) {
		warnx_("eventfd: %s", strerror(errno));
		return EXIT_ERRORS;
	}
	ret = run(&o);
	close(stop_fd);
	return ret;
}
