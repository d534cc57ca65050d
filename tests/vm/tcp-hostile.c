// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-hostile: clients that misbehave on purpose, or work the protocol's
 * corners, for the guest tests.
 *
 *   flood N      open N connections at once and hold them; report how many
 *                the server closed (refused) and how many it kept; with -P,
 *                each sends a request head of that many bytes but never its
 *                end, and those that got a 503 are counted; with -e, the
 *                wait for the server (-s) ends as soon as it has closed
 *                all but that many, so that a slow server (a debug
 *                kernel) can be given a long bound without every run
 *                waiting it out; while it holds them (-H), SIGUSR1 has
 *                it count and report again, for a test that has seen
 *                the server done with them in its own way
 *   halfclose P  send "GET P", shut down our sending side at once, and
 *                read the whole answer (the server must still respond)
 *   rst P        send "GET P", read a little of the answer, then reset the
 *                connection (SO_LINGER 0) in the middle of the body
 *   slowbody P   send "GET P" announcing a 1 MiB body, read the answer,
 *                then trickle the body 10 bytes every 100 ms; report how
 *                long until the server closed the connection
 *   pipeline P   on one keep-alive connection with TCP_NODELAY, send two
 *                "GET P" in one segment and read both answers, N times;
 *                report the fastest, median and slowest round in ms
 *   urgent T     echo: send T with its middle byte as urgent data
 *                (MSG_OOB), shut down our side, and read everything back
 *                to the end of the stream; the urgent byte must not come
 *                back (no SO_OOBINLINE), the rest must, in order
 *   urgentfin T  echo: as urgent, with T's last byte as the urgent data,
 *                so that our FIN comes right after it
 *   finwithdata T  echo: send T and our FIN in one segment (TCP_CORK
 *                holds T until shutdown() appends the FIN), and read
 *                everything back to the end of the stream
 *   split T      echo: on one connection with TCP_NODELAY, send T as two
 *                segments (two sends) and read all of it back, N times;
 *                report the fastest, median and slowest round in ms
 *   collapse S   echo, for S seconds on N connections: announce a small
 *                window and MSS (-w, -m) so that each of the server's
 *                sends builds many small segments, and send chunks
 *                (large skbs, which it echoes in pieces as its send
 *                queue makes room) between runs of 1-byte segments
 *                (TCP_NODELAY), whose truesize takes its receive memory
 *                over the buffer, so that TCP collapses its receive
 *                queue, also while it sends from it; read the echo back
 *                and check every byte, then the end of the stream
 *   urgentbulk B echo, N times: send up to B bytes (a length drawn from a
 *                fixed seed), an urgent byte, 64 more bytes and our FIN
 *                before reading anything, then read the echo back in
 *                small pieces, slowly, with the window of -w: the
 *                server meets the urgent mark while its sends wait on
 *                that window; all but the urgent byte must come back
 *
 * Results go to stdout as one JSON object, so tests can assert numbers.
 */
#include "vmtest.h"

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct opts {
	struct sockaddr_in addr;
	int repeat; /* halfclose, rst, pipeline: how many times */
	long bytes; /* rst: body bytes to read first; collapse: chunk */
	int settle_ms; /* flood: time for the server to refuse */
	long expect_held; /* flood: settle ends once no more are open; -1 */
	int hold_s; /* flood: keep the connections this long after */
	long partial; /* flood: bytes of a request head without its end */
	int trickle; /* collapse: 1-byte segments after each chunk */
	int mss; /* collapse: TCP_MAXSEG before connect, 0 for none */
	int rcvbuf; /* collapse, urgentbulk: SO_RCVBUF before connect, 0 */
};

/* vt_usage() prints it after "Usage: <program> ". */
static const char usage[] =
	"[options] flood N | halfclose PATH | rst PATH |\n"
	"       slowbody PATH | pipeline PATH | urgent TEXT | urgentfin TEXT |\n"
	"       finwithdata TEXT | split TEXT | collapse SECS |\n"
	"       urgentbulk BYTES\n"
	"  -a ADDR  server IPv4 address (default 127.0.0.1)\n"
	"  -p PORT  server port (default 8081)\n"
	"  -k N     halfclose, rst, pipeline, urgent, urgentfin, finwithdata,\n"
	"           split, urgentbulk: repeat N times (default 1);\n"
	"           collapse: N connections\n"
	"  -b N     rst: body bytes to read before the reset; collapse: "
	"bytes of each\n"
	"           bulk chunk (default 65536)\n"
	"  -s MS    flood: wait MS ms for the server to refuse "
	"(default 2000)\n"
	"  -e N     flood: stop waiting (-s) once at most N connections "
	"are open\n"
	"  -H SECS  flood: hold the connections SECS s after the "
	"report (default 0);\n"
	"           SIGUSR1 meanwhile: count and report again\n"
	"  -P BYTES flood: send a request head of BYTES bytes, never "
	"its end\n"
	"  -t N     collapse: 1-byte segments after each chunk "
	"(default 64)\n"
	"  -m MSS   collapse: announce this MSS (TCP_MAXSEG; default: "
	"the route's)\n"
	"  -w BYTES collapse, urgentbulk: SO_RCVBUF before connect, the\n"
	"           kernel's minimum if smaller (default: not set)\n"
	"Exit status: 0 done (judge the JSON), 2 usage or setup "
	"error.\n";

static void send_get(int fd, const char *path)
{
	char req[1024];
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: hostile\r\n\r\n", path);

	if (n < 0 || (size_t)n >= sizeof(req) ||
	    send(fd, req, n, MSG_NOSIGNAL) != n)
		err(2, "send");
}

/* Has the peer closed @fd (EOF or reset), as far as we can tell now? */
static int peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return 1;
	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

/*
 * A request head of @len bytes that never ends: no empty line. Header
 * lines of up to 200 bytes, so that 16 KiB take fewer than khttpd's 100
 * header lines. @len is at least 40.
 */
static char *partial_head(long len)
{
	static const char start[] = "GET / HTTP/1.1\r\nHost: flood\r\n";
	char *h = malloc(len);
	long at = sizeof(start) - 1, n;

	if (!h)
		err(2, "malloc");
	memcpy(h, start, at);
	while (at < len) {
		n = len - at > 200 ? 200 : len - at;
		memset(h + at, 'a', n);
		if (n >= 4) { /* "X" ... ": " ... "\r\n" when it fits */
			h[at] = 'X';
			h[at + 1] = ':';
			h[at + n - 2] = '\r';
			h[at + n - 1] = '\n';
		}
		at += n;
	}
	return h;
}

/* Did the server answer 503 on @fd (the answer may be followed by EOF)? */
static int got_503(int fd)
{
	static const char want[] = "HTTP/1.1 503 ";
	char buf[sizeof(want) - 1];

	return recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT) ==
		       (ssize_t)sizeof(buf) &&
	       !memcmp(buf, want, sizeof(buf));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait up to @o->settle_ms for the server; with -e, only until it has
 * closed all but @o->expect_held of the @n connections in @fds (< 0:
 * failed to open).
 */
static void settle(const struct opts *o, const int *fds, long n)
{
	double end = now() + o->settle_ms / 1e3;
	long i, open;

	if (o->expect_held < 0) {
		usleep(o->settle_ms * 1000);
		return;
	}
	for (;;) {
		open = 0;
		for (i = 0; i < n; i++)
			open += fds[i] >= 0 && !peer_closed(fds[i]);
		if (open <= o->expect_held || now() >= end)
			return;
		usleep(50 * 1000);
	}
}

/* Count the server's answers on the @n connections in @fds, and report. */
static void flood_report(const int *fds, long n, long opened, long failed)
{
	long i, closed = 0, unavailable = 0;

	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		unavailable += got_503(fds[i]);
		closed += peer_closed(fds[i]);
	}
	printf("{\"opened\": %ld, \"connect_failed\": %ld, "
	       "\"closed_by_server\": %ld, \"held\": %ld, "
	       "\"answered_503\": %ld}\n",
	       opened, failed, closed, opened - closed, unavailable);
	fflush(stdout);
}

static int flood(const struct opts *o, long n)
{
	struct rlimit rl = { n + 64, n + 64 };
	long i, opened = 0, failed = 0;
	int *fds = calloc(n, sizeof(*fds));
	char *head = o->partial ? partial_head(o->partial) : NULL;
	struct timespec ts;
	double end, left;
	sigset_t usr1;

	if (!fds)
		err(2, "calloc");
	if (setrlimit(RLIMIT_NOFILE, &rl))
		err(2, "setrlimit (raise the open file limit)");
	for (i = 0; i < n; i++) {
		fds[i] = vt_connect(&o->addr);
		if (fds[i] < 0) {
			failed++;
			continue;
		}
		opened++;
		if (head &&
		    send(fds[i], head, o->partial, MSG_NOSIGNAL) != o->partial)
			err(2, "send");
	}
	settle(o, fds, n);
	free(head);
	/* Taken from here on, before the report a test waits for. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL))
		err(2, "sigprocmask");
	flood_report(fds, n, opened, failed);
	end = now() + o->hold_s;
	while ((left = end - now()) >= 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		if (sigtimedwait(&usr1, NULL, &ts) == SIGUSR1)
			flood_report(fds, n, opened, failed);
		else if (errno == EAGAIN)
			break;
	}
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return 0;
}

/* Read until EOF; returns bytes read, -1 on a reset or error. */
static long read_all(int fd, char *first, size_t first_len)
{
	char buf[65536];
	long total = 0;
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf), 0)) > 0) {
		if (!total)
			snprintf(first, first_len, "%.*s", (int)r, buf);
		total += r;
	}
	return r < 0 ? -1 : total;
}

static int halfclose(const struct opts *o, const char *path)
{
	int i, answered = 0, failed = 0;
	char head[64] = "";
	long got = 0;

	for (i = 0; i < o->repeat; i++) {
		int fd = vt_connect(&o->addr);

		if (fd < 0)
			err(2, "connect");
		send_get(fd, path);
		if (shutdown(fd, SHUT_WR))
			err(2, "shutdown");
		got = read_all(fd, head, sizeof(head));
		if (got > 0 && !strncmp(head, "HTTP/1.1 200 ", 13))
			answered++;
		else
			failed++;
		close(fd);
	}
	printf("{\"answered\": %d, \"failed\": %d, \"last_bytes\": %ld}\n",
	       answered, failed, got);
	return 0;
}

static int rst(const struct opts *o, const char *path)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	int i, reset = 0;
	char buf[65536];

	for (i = 0; i < o->repeat; i++) {
		int fd = vt_connect(&o->addr);
		long got = 0;
		ssize_t r;

		if (fd < 0)
			err(2, "connect");
		send_get(fd, path);
		while (got < o->bytes &&
		       (r = recv(fd, buf, sizeof(buf), 0)) > 0)
			got += r;
		if (got < o->bytes)
			errx(2, "answer ended after %ld bytes", got);
		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin)))
			err(2, "SO_LINGER");
		close(fd); /* unread data and linger 0: an RST */
		reset++;
	}
	printf("{\"reset\": %d}\n", reset);
	return 0;
}

static int slowbody(const struct opts *o, const char *path)
{
	int fd = vt_connect(&o->addr);
	long sent = 0;
	double start;
	char req[1024];
	int n;

	if (fd < 0)
		err(2, "connect");
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.1\r\nHost: hostile\r\n"
		     "Content-Length: 1048576\r\n\r\n",
		     path);
	if (n < 0 || (size_t)n >= sizeof(req) ||
	    send(fd, req, n, MSG_NOSIGNAL) != n)
		err(2, "send");
	start = now();
	/* Until the server closes: its FIN, or a reset of our sends. */
	while (!peer_closed(fd) && now() - start < 60) {
		char drain[4096];

		while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
			;
		if (send(fd, "0123456789", 10, MSG_NOSIGNAL) != 10)
			break;
		sent += 10;
		usleep(100000);
	}
	printf("{\"closed_after_s\": %.1f, \"body_sent\": %ld}\n",
	       now() - start, sent);
	close(fd);
	return 0;
}

/*
 * Bytes of the complete answer at the start of buf[0, len), or 0 while it is
 * still arriving. Exits unless it is a 200 with a Content-Length.
 */
static size_t answer_len(const char *buf, size_t len)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	const char *cl;
	size_t head;

	if (!end)
		return 0;
	head = end + 4 - buf;
	if (strncmp(buf, "HTTP/1.1 200 ", 13))
		errx(2, "not a 200 answer: %.*s", (int)head, buf);
	cl = memmem(buf, head, "\r\nContent-Length: ", 18);
	if (!cl)
		errx(2, "an answer without Content-Length: %.*s", (int)head,
		     buf);
	/* The digits end at a '\r' inside the head: strtoul stops there. */
	head += strtoul(cl + 18, NULL, 10);
	return head <= len ? head : 0;
}

/* One round: two requests in one segment, both answers read; in ms. */
static double pipeline_round(int fd, const char *req, size_t req_len)
{
	static char buf[1 << 17];
	double start = now();
	int answers = 0;
	size_t have = 0;

	if (send(fd, req, req_len, MSG_NOSIGNAL) != (ssize_t)req_len)
		err(2, "send");
	while (answers < 2) {
		size_t n = answer_len(buf, have);
		ssize_t r;

		if (n) {
			memmove(buf, buf + n, have - n);
			have -= n;
			answers++;
			continue;
		}
		if (have == sizeof(buf))
			errx(2, "an answer over %zu bytes", sizeof(buf));
		r = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (r < 0)
			err(2, "recv (answer %d of 2)", answers + 1);
		if (!r)
			errx(2, "closed by the server after %d of 2 answers",
			     answers);
		have += r;
	}
	if (have)
		errx(2, "%zu bytes after the two answers", have);
	return (now() - start) * 1000;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Our side sets TCP_NODELAY and sends each pair in one segment, so any wait
 * measured is the server's: with Nagle on there, the second answer waits
 * for our ACK of the first, which we delay (40 ms or more).
 */
static void send_all(int fd, const char *buf, size_t len, int flags)
{
	if (len && send(fd, buf, len, flags | MSG_NOSIGNAL) != (ssize_t)len)
		err(2, "send");
}

/*
 * Read to the end of the stream, at most 5 s a receive: the echo of what
 * one of the modes below sent. @piece: 0 to take what has come each time,
 * or that many bytes at a time, 100 us apart (a window that opens a
 * little at a time). Returns the bytes read; *eof says whether the
 * stream ended within @len.
 */
static size_t read_echo(int fd, char *buf, size_t len, size_t piece, bool *eof)
{
	struct timeval tv = { .tv_sec = 5 };
	size_t got = 0, n;
	ssize_t r = 0;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		err(2, "SO_RCVTIMEO");
	while (got < len) {
		n = piece && piece < len - got ? piece : len - got;
		r = recv(fd, buf + got, n, 0);
		if (r <= 0)
			break;
		got += r;
		if (piece)
			usleep(100);
	}
	*eof = got < len && r == 0;
	return got;
}

/*
 * urgent, urgentfin, finwithdata: send @text with its byte @at as urgent
 * data (at < 0: none, @text corked with the FIN instead), read the echo,
 * N times. Reports the last echo and how many rounds got all of @text
 * but the urgent byte, then the end of the stream.
 */
static int echo_corner(const struct opts *o, const char *text, long at)
{
	size_t len = strlen(text), got = 0;
	int i, one = 1, ok = 0;
	char want[256], buf[256];
	bool eof = false;

	if (len < 3 || len >= sizeof(want))
		errx(2, "TEXT: 3 to %zu bytes", sizeof(want) - 1);
	if (at < 0)
		snprintf(want, sizeof(want), "%s", text);
	else
		snprintf(want, sizeof(want), "%.*s%s", (int)at, text,
			 text + at + 1);
	for (i = 0; i < o->repeat; i++) {
		int fd = vt_connect(&o->addr);

		if (fd < 0)
			err(2, "connect");
		if (at >= 0) {
			send_all(fd, text, at, 0);
			send_all(fd, text + at, 1, MSG_OOB);
			send_all(fd, text + at + 1, len - at - 1, 0);
		} else {
			if (setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one,
				       sizeof(one)))
				err(2, "TCP_CORK");
			send_all(fd, text, len, 0);
		}
		if (shutdown(fd, SHUT_WR))
			err(2, "shutdown");
		got = read_echo(fd, buf, sizeof(buf) - 1, 0, &eof);
		buf[got] = '\0';
		if (eof && !strcmp(buf, want))
			ok++;
		close(fd);
	}
	printf("{\"rounds\": %d, \"ok\": %d, \"last_echo\": \"%s\", "
	       "\"last_eof\": %s}\n",
	       o->repeat, ok, buf, eof ? "true" : "false");
	return 0;
}

/*
 * One round of split: @text in two segments, then all of it read back;
 * in ms. With Nagle on at the server, the echo of the second segment
 * waits for our ACK of the first's, which we delay (40 ms or more).
 */
static double split_round(int fd, const char *text, size_t len)
{
	char buf[256];
	double start = now();
	size_t got;
	bool eof;

	send_all(fd, text, len / 2, 0);
	send_all(fd, text + len / 2, len - len / 2, 0);
	got = read_echo(fd, buf, len, 0, &eof);
	if (got != len || memcmp(buf, text, len))
		errx(2, "echo: %zu of %zu bytes%s", got, len,
		     eof ? ", then the end of the stream" : "");
	return (now() - start) * 1000;
}

/* Report N round times as JSON: each, and the fastest, median, slowest. */
static void report_rounds(double *ms, int n)
{
	int i;

	printf("{\"rounds_ms\": [");
	for (i = 0; i < n; i++)
		printf("%s%.2f", i ? ", " : "", ms[i]);
	qsort(ms, n, sizeof(*ms), cmp_double);
	printf("], \"fastest_ms\": %.2f, \"median_ms\": %.2f, "
	       "\"slowest_ms\": %.2f}\n",
	       ms[0], ms[n / 2], ms[n - 1]);
}

static int split(const struct opts *o, const char *text)
{
	double *ms = calloc(o->repeat, sizeof(*ms));
	int fd = vt_connect(&o->addr), one = 1, i;
	size_t len = strlen(text);

	if (!ms)
		err(2, "calloc");
	if (len < 2 || len > 255)
		errx(2, "TEXT: 2 to 255 bytes");
	if (fd < 0)
		err(2, "connect");
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		err(2, "TCP_NODELAY");
	for (i = 0; i < o->repeat; i++)
		ms[i] = split_round(fd, text, len);
	report_rounds(ms, o->repeat);
	close(fd);
	free(ms);
	return 0;
}

static int pipeline(const struct opts *o, const char *path)
{
	struct timeval tv = { .tv_sec = 10 };
	double *ms = calloc(o->repeat, sizeof(*ms));
	int fd = vt_connect(&o->addr), one = 1, i, n;
	char req[2048];

	if (!ms)
		err(2, "calloc");
	if (fd < 0)
		err(2, "connect");
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		err(2, "setsockopt");
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.1\r\nHost: hostile\r\n\r\n"
		     "GET %s HTTP/1.1\r\nHost: hostile\r\n\r\n",
		     path, path);
	if (n < 0 || (size_t)n >= sizeof(req))
		errx(2, "path too long");
	for (i = 0; i < o->repeat; i++)
		ms[i] = pipeline_round(fd, req, n);
	report_rounds(ms, o->repeat);
	close(fd);
	free(ms);
	return 0;
}

/*
 * collapse: stream byte i is i % 251, so that the reader can check every
 * byte of the echo (a send from freed memory shows as a wrong byte, if it
 * does not crash the server).
 */
struct collapse_conn {
	const struct opts *o;
	int fd;
	double end;
	long sent, trickled, echoed, wrong;
	long first_wrong; /* stream offset of the first wrong byte */
	atomic_bool done; /* the writer has shut down our side */
	bool eof;
};

/* Bytes of ours not sent yet: a byte queued behind them joins them. */
static int unsent(int fd)
{
	int n = 0;

	if (ioctl(fd, SIOCOUTQNSD, &n))
		err(2, "SIOCOUTQNSD");
	return n;
}

/*
 * A chunk, as much of it as our send queue takes, then -t bytes each in a
 * segment of its own, sent once our earlier bytes have gone out (the
 * server's window has room), till the end; then our FIN.
 */
static void *collapse_writer(void *arg)
{
	struct collapse_conn *c = arg;
	const struct opts *o = c->o;
	unsigned char *pat = malloc(o->bytes + 251);
	long i;
	ssize_t r;

	if (!pat)
		err(2, "malloc");
	for (i = 0; i < o->bytes + 251; i++)
		pat[i] = i % 251;
	while (now() < c->end) {
		r = send(c->fd, pat + c->sent % 251, o->bytes,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0 && errno != EAGAIN)
			break;
		c->sent += r > 0 ? r : 0;
		for (i = 0; i < o->trickle && now() < c->end; i++) {
			while (unsent(c->fd) && now() < c->end)
				usleep(50);
			r = send(c->fd, pat + c->sent % 251, 1,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r < 0 && errno != EAGAIN)
				goto out;
			c->sent += r > 0;
			c->trickled += r > 0;
		}
	}
out:
	if (shutdown(c->fd, SHUT_WR))
		warn("shutdown");
	atomic_store(&c->done, true);
	free(pat);
	return NULL;
}

/* Read and check the echo, to its end or 30 s after the writer's. */
static void *collapse_reader(void *arg)
{
	struct collapse_conn *c = arg;
	struct timeval tv = { .tv_sec = 1 };
	unsigned char buf[65536];
	double stop = c->end + 30;
	ssize_t r, i;

	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		err(2, "SO_RCVTIMEO");
	for (;;) {
		r = recv(c->fd, buf, sizeof(buf), 0);
		if (r > 0) {
			for (i = 0; i < r; i++)
				if (buf[i] != (c->echoed + i) % 251 &&
				    !c->wrong++)
					c->first_wrong = c->echoed + i;
			c->echoed += r;
		} else if (!r) {
			c->eof = true;
			break;
		} else if (errno != EAGAIN && errno != EINTR) {
			break;
		}
		if (atomic_load(&c->done) && now() > stop)
			break;
	}
	return NULL;
}

/* A connection with -w's window, -m's MSS and TCP_NODELAY. */
static int tuned_connect(const struct opts *o)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		err(2, "socket");
	if (o->rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf,
				    sizeof(o->rcvbuf)))
		err(2, "SO_RCVBUF");
	if (o->mss &&
	    setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &o->mss, sizeof(o->mss)))
		err(2, "TCP_MAXSEG");
	if (connect(fd, (const struct sockaddr *)&o->addr, sizeof(o->addr)))
		err(2, "connect");
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		err(2, "TCP_NODELAY");
	return fd;
}

static int collapse(const struct opts *o, int secs)
{
	struct collapse_conn *c = calloc(o->repeat, sizeof(*c));
	pthread_t *th = calloc(2 * o->repeat, sizeof(*th));
	long sent = 0, trickled = 0, echoed = 0, wrong = 0, first = -1;
	double end = now() + secs;
	int i, complete = 0;

	if (!c || !th)
		err(2, "calloc");
	for (i = 0; i < o->repeat; i++) {
		c[i].o = o;
		c[i].fd = tuned_connect(o);
		c[i].end = end;
		if (pthread_create(&th[2 * i], NULL, collapse_writer, &c[i]) ||
		    pthread_create(&th[2 * i + 1], NULL, collapse_reader,
				   &c[i]))
			errx(2, "pthread_create");
	}
	for (i = 0; i < 2 * o->repeat; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < o->repeat; i++) {
		sent += c[i].sent;
		trickled += c[i].trickled;
		echoed += c[i].echoed;
		wrong += c[i].wrong;
		if (c[i].wrong && first < 0)
			first = c[i].first_wrong;
		complete += c[i].eof && c[i].echoed == c[i].sent;
		close(c[i].fd);
	}
	printf("{\"connections\": %d, \"sent\": %ld, \"trickled\": %ld, "
	       "\"echoed\": %ld, \"complete\": %d, \"wrong_bytes\": %ld, "
	       "\"first_wrong\": %ld}\n",
	       o->repeat, sent, trickled, echoed, complete, wrong, first);
	free(c);
	free(th);
	return 0;
}

/* What urgentbulk sends after the urgent byte: as much as kecho takes. */
#define URGENT_TAIL 64

/* urgentbulk (above): the rounds whose echo came back whole. */
static int urgent_bulk(const struct opts *o, long max)
{
	char *bulk = malloc(max + URGENT_TAIL),
	     *buf = malloc(max + URGENT_TAIL);
	int i, ok = 0;
	size_t got = 0;
	bool eof = false;

	if (!bulk || !buf)
		err(2, "malloc");
	memset(bulk, 'a', max);
	srand(1);
	for (i = 0; i < o->repeat; i++) {
		size_t len = 1024 + rand() % (max - 1024);
		size_t piece = 64 + rand() % 1024;
		int fd = tuned_connect(o);

		memset(bulk + len, 'z', URGENT_TAIL);
		send_all(fd, bulk, len, 0);
		send_all(fd, "X", 1, MSG_OOB);
		send_all(fd, bulk + len, URGENT_TAIL, 0);
		if (shutdown(fd, SHUT_WR))
			err(2, "shutdown");
		got = read_echo(fd, buf, max + URGENT_TAIL, piece, &eof);
		if (eof && got == len + URGENT_TAIL &&
		    !memcmp(buf, bulk, len + URGENT_TAIL))
			ok++;
		else
			fprintf(stderr,
				"round %d: %zu bytes and the urgent "
				"byte sent, %zu back%s\n",
				i, len + URGENT_TAIL, got,
				eof ? ", then the end" : "");
		memset(bulk + len, 'a', URGENT_TAIL);
		close(fd);
	}
	printf("{\"rounds\": %d, \"ok\": %d, \"last_bytes\": %zu, "
	       "\"last_eof\": %s}\n",
	       o->repeat, ok, got, eof ? "true" : "false");
	free(bulk);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.addr = { .sin_family = AF_INET,
			  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
			  .sin_port = htons(8081) },
		.repeat = 1,
		.bytes = 65536,
		.settle_ms = 2000,
		.expect_held = -1,
		.trickle = 64,
	};
	const char *mode, *arg;
	int c;

	while ((c = getopt(argc, argv, "a:p:k:b:s:e:H:P:t:m:w:h")) != -1) {
		switch (c) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &o.addr.sin_addr) != 1)
				errx(2, "bad address '%s'", optarg);
			break;
		case 'p':
			o.addr.sin_port = htons(atoi(optarg));
			break;
		case 'k':
			o.repeat = atoi(optarg);
			break;
		case 'b':
			o.bytes = atol(optarg);
			break;
		case 's':
			o.settle_ms = atoi(optarg);
			break;
		case 'e':
			o.expect_held = atol(optarg);
			if (o.expect_held < 0)
				errx(2,
				     "-e: a number of connections, 0 or more");
			break;
		case 'H':
			o.hold_s = atoi(optarg);
			break;
		case 'P':
			o.partial = atol(optarg);
			if (o.partial < 40)
				errx(2, "-P: at least 40 bytes");
			break;
		case 't':
			o.trickle = atoi(optarg);
			break;
		case 'm':
			o.mss = atoi(optarg);
			break;
		case 'w':
			o.rcvbuf = atoi(optarg);
			break;
		case 'h':
			vt_usage(usage, 0);
		default:
			vt_usage(usage, 2);
		}
	}
	if (argc - optind != 2 || o.repeat < 1 || o.bytes < 1 ||
	    o.settle_ms < 0 || o.hold_s < 0 || o.trickle < 0 || o.mss < 0 ||
	    o.rcvbuf < 0)
		vt_usage(usage, 2);
	mode = argv[optind];
	arg = argv[optind + 1];
	if (!strcmp(mode, "flood") && atol(arg) > 0)
		return flood(&o, atol(arg));
	if (!strcmp(mode, "halfclose"))
		return halfclose(&o, arg);
	if (!strcmp(mode, "rst"))
		return rst(&o, arg);
	if (!strcmp(mode, "slowbody"))
		return slowbody(&o, arg);
	if (!strcmp(mode, "pipeline"))
		return pipeline(&o, arg);
	if (!strcmp(mode, "urgent"))
		return echo_corner(&o, arg, strlen(arg) / 2);
	if (!strcmp(mode, "urgentfin"))
		return echo_corner(&o, arg, strlen(arg) - 1);
	if (!strcmp(mode, "finwithdata"))
		return echo_corner(&o, arg, -1);
	if (!strcmp(mode, "split"))
		return split(&o, arg);
	if (!strcmp(mode, "collapse") && atoi(arg) > 0)
		return collapse(&o, atoi(arg));
	if (!strcmp(mode, "urgentbulk") && atol(arg) >= 2048)
		return urgent_bulk(&o, atol(arg));
	vt_usage(usage, 2);
}
