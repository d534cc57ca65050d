// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-pairs: make TCP connections in known states for the drop tests.
 *
 *   tcp-pairs tw ADDR PORT N [client|server|both]
 *       N connections to a listener on ADDR:PORT, each closed first by
 *       the client (its socket stays in TIME_WAIT), by the server (the
 *       accepted socket does), or alternately. Exits when every closing
 *       end has reached TIME_WAIT; the sockets outlive it.
 *   Addresses may carry a scope, "fe80::1%eth0".
 *   tcp-pairs hold LADDR PORT [CADDR] [SECS]
 *       A listener on LADDR:PORT and one connection to it from CADDR
 *       (default LADDR). Prints "ready SRC DST" (the client's local and
 *       remote ends, as `ktcp drop` takes them), then waits up to SECS
 *       (default 20) for both ends to fail and prints "local ERR" (the
 *       client's error) and "remote ERR" (the server end's), then
 *       "listener ok" if the listener still accepts a new connection.
 *   tcp-pairs relisten ADDR PORT NEWPORT
 *       A listener on ADDR:PORT and one connection to it. Prints "ready
 *       SRC DST" as hold does. At the first line on stdin, the client
 *       socket disconnects (connect(AF_UNSPEC)), binds to ADDR:NEWPORT
 *       and listens, and "listening" is printed; at the second (or EOF),
 *       it must accept a new connection: prints "relistener ok", or the
 *       error that stopped it (t-drop-established: a drop that found the
 *       connection must not abort the listener it became).
 *   tcp-pairs listen ADDR PORT SECS
 *       A listener that never accepts, for SECS seconds: connections wait
 *       in its accept queue (backlog 65535, capped by net.core.somaxconn)
 *       as bare TCP sockets, the reference the benchmarks measure the
 *       servers' cost per connection against (bench/vm/t-bench-scale.sh).
 *       Prints "listening" when ready.
 *
 * Exit: 0 done, 1 a system call failed, 2 usage.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "tcp-pairs: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp-pairs tw ADDR PORT N [client|server|both]\n"
			"       tcp-pairs hold LADDR PORT [CADDR] [SECS]\n"
			"       tcp-pairs relisten ADDR PORT NEWPORT\n"
			"       tcp-pairs listen ADDR PORT SECS\n");
	exit(2);
}

static socklen_t make_addr(const char *s, unsigned int port,
			   struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	char *pct;

	memset(ss, 0, sizeof(*ss));
	/* "fe80::1%eth0": the scope of a link-local address. */
	snprintf(buf, sizeof(buf), "%s", s);
	pct = strchr(buf, '%');
	if (pct) {
		*pct = '\0';
		sin6->sin6_scope_id = if_nametoindex(pct + 1);
		if (!sin6->sin6_scope_id ||
		    inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1) {
			fprintf(stderr, "tcp-pairs: bad address '%s'\n", s);
			exit(2);
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return sizeof(*sin6);
	}
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return sizeof(*sin6);
	}
	fprintf(stderr, "tcp-pairs: bad address '%s'\n", s);
	exit(2);
}

static int listen_backlog(const char *addr, unsigned int port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(addr, port, &ss);
	int fd, one = 1, zero = 0;

	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* An IPv6 listener takes IPv4 too (the IPv4-mapped tests). */
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog))
		die("bind/listen");
	return fd;
}

static int listen_on(const char *addr, unsigned int port)
{
	return listen_backlog(addr, port, 1024);
}

static int connect_to(const char *addr, unsigned int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&ss, len))
		die("connect");
	return fd;
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		die("TCP_INFO");
	return ti.tcpi_state;
}

/* Close first, then wait for the peer's FIN before closing the other. */
static void close_pair(int first, int second)
{
	char c;

	shutdown(first, SHUT_WR);
	/* The peer reads EOF: the FIN arrived. */
	if (read(second, &c, 1) != 0)
		die("read EOF");
	close(second);
	/*
	 * When the FIN comes, a TIME_WAIT socket takes first's place in the
	 * hash and first itself is closed: wait for that.
	 */
	while (tcp_state(first) != 7 /* TCP_CLOSE */)
		usleep(100);
	close(first);
}

static int cmd_tw(int argc, char **argv)
{
	unsigned int port, n, i;
	const char *mode = argc > 5 ? argv[5] : "client";
	int lfd, c, s, server_first;

	if (argc < 5)
		usage();
	port = (unsigned int)atoi(argv[3]);
	n = (unsigned int)atoi(argv[4]);
	lfd = listen_on(argv[2], port);
	for (i = 0; i < n; i++) {
		c = connect_to(argv[2], port);
		s = accept(lfd, NULL, NULL);
		if (s < 0)
			die("accept");
		server_first = !strcmp(mode, "server") ||
			       (!strcmp(mode, "both") && (i & 1));
		if (server_first)
			close_pair(s, c);
		else
			close_pair(c, s);
	}
	close(lfd);
	return 0;
}

static const char *errname(int err)
{
	switch (err) {
	case 0:
		return "none";
	case ECONNRESET:
		return "ECONNRESET";
	case ECONNABORTED:
		return "ECONNABORTED";
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case EPIPE:
		return "EPIPE";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return strerror(err);
	}
}

/* Wait for fd to fail; "none" if it does not within ms, "eof" on EOF. */
static const char *wait_error(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return "none";
	n = read(fd, &c, 1);
	if (n == 0)
		return "eof";
	if (n > 0)
		return "data";
	return errname(errno);
}

static void print_end(const char *label, int fd, int local)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[INET6_ADDRSTRLEN];
	unsigned int port;

	if ((local ? getsockname : getpeername)(fd, (struct sockaddr *)&ss,
						&len))
		die("getsockname");
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		port = ntohs(sin->sin_port);
		printf("%s%s:%u", label, buf, port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		port = ntohs(sin6->sin6_port);
		printf("%s[%s]:%u", label, buf, port);
	}
}

/*
 * Listen on @laddr:@port and connect to it from @caddr: *lfd is the
 * listener, *s the accepted end, and the connecting end is returned once
 * "ready SRC DST" (its ends) is on stdout.
 */
static int ready_pair(const char *laddr, const char *caddr, unsigned int port,
		      int *lfd, int *s)
{
	int c;

	*lfd = listen_on(laddr, port);
	c = connect_to(caddr, port);
	*s = accept(*lfd, NULL, NULL);
	if (*s < 0)
		die("accept");
	print_end("ready ", c, 1);
	print_end(" ", c, 0);
	printf("\n");
	fflush(stdout);
	return c;
}

static int cmd_hold(int argc, char **argv)
{
	const char *caddr = argc > 4 ? argv[4] : argv[2];
	int secs = argc > 5 ? atoi(argv[5]) : 20;
	unsigned int port;
	int lfd, c, s, c2, s2;

	if (argc < 4)
		usage();
	port = (unsigned int)atoi(argv[3]);
	c = ready_pair(argv[2], caddr, port, &lfd, &s);
	printf("local %s\n", wait_error(c, secs * 1000));
	printf("remote %s\n", wait_error(s, 2000));
	c2 = connect_to(caddr, port);
	s2 = accept(lfd, NULL, NULL);
	printf("listener %s\n", s2 >= 0 ? "ok" : errname(errno));
	close(c2);
	close(s2);
	return 0;
}

/* The next line of stdin, or EOF: the test's go-ahead. */
static void wait_line(void)
{
	char line[64];

	if (!fgets(line, sizeof(line), stdin) && ferror(stdin))
		die("stdin");
}

static int cmd_relisten(int argc, char **argv)
{
	struct sockaddr_storage ss, unspec = { .ss_family = AF_UNSPEC };
	unsigned int port, newport;
	int lfd, c, s, c2, s2;
	socklen_t len;

	if (argc < 5)
		usage();
	port = (unsigned int)atoi(argv[3]);
	newport = (unsigned int)atoi(argv[4]);
	c = ready_pair(argv[2], argv[2], port, &lfd, &s);
	wait_line();
	if (connect(c, (struct sockaddr *)&unspec, sizeof(unspec)))
		die("connect AF_UNSPEC");
	len = make_addr(argv[2], newport, &ss);
	if (bind(c, (struct sockaddr *)&ss, len) || listen(c, 16))
		die("bind/listen after disconnect");
	printf("listening\n");
	wait_line();
	c2 = socket(ss.ss_family, SOCK_STREAM, 0);
	if (c2 < 0)
		die("socket");
	if (connect(c2, (struct sockaddr *)&ss, len)) {
		printf("relistener %s\n", errname(errno));
		return 0;
	}
	s2 = accept(c, NULL, NULL);
	printf("relistener %s\n", s2 >= 0 ? "ok" : errname(errno));
	close(c2);
	close(s2);
	close(s);
	close(lfd);
	return 0;
}

static int cmd_listen(int argc, char **argv)
{
	int lfd;

	if (argc < 5)
		usage();
	lfd = listen_backlog(argv[2], (unsigned int)atoi(argv[3]), 65535);
	printf("listening\n");
	sleep((unsigned int)atoi(argv[4]));
	close(lfd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "tw"))
		return cmd_tw(argc, argv);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc, argv);
	if (!strcmp(argv[1], "relisten"))
		return cmd_relisten(argc, argv);
	if (!strcmp(argv[1], "listen"))
		return cmd_listen(argc, argv);
	usage();
	return 2;
}
