// SPDX-License-Identifier: GPL-2.0
/*
 * Valid work beside the fuzzing: start an echo and an HTTP server, talk to
 * them, drop the connections by tuple and by filter, read and change the
 * servers, stop them. Fuzzing workers stop, change and drop at random at
 * the same time, so a valid request may find its server or connection
 * gone (ENOENT, "not found") or its port taken (EADDRINUSE); any other
 * error is a failure, as is a missing or malformed answer.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>

#include "nlfuzz.h"
#include "tools.h"

#define REQ (NLM_F_REQUEST | NLM_F_ACK)
#define TCP_TIMEOUT_MS 2000

static struct req q;

/* Send q; fail unless the answer is success or one of the allowed errors. */
static int expect(struct nlf_ctx *ctx, const char *what, int allow1, int allow2)
{
	struct req *p = &q;
	int err;

	if (nlf_exchange(ctx, &p, 1))
		return -1;
	err = ctx->res.err;
	if (!err || err == -allow1 || err == -allow2)
		return 0;
	fprintf(stderr,
		"nlfuzz: FAIL: worker %d (seed %llu): valid %s: %s %s\n",
		ctx->worker, (unsigned long long)ctx->seed, what,
		nlf_errname(err), ctx->res.msg);
	return -1;
}

static int start(struct nlf_ctx *ctx, const char *service, uint16_t port,
		 uint32_t *id)
{
	req_init(&q, REQ, KTCP_CMD_SERVER_START);
	req_put_str(&q, KTCP_A_SERVICE, service);
	req_put_u16(&q, KTCP_A_PORT, port);
	req_put_u32(&q, KTCP_A_BACKLOG, 1024);
	if (expect(ctx, "SERVER_START", EADDRINUSE, 0))
		return -1;
	*id = ctx->res.err ? 0 : ctx->res.server_id;
	return 0;
}

static int by_id(struct nlf_ctx *ctx, uint8_t cmd, uint32_t id,
		 const char *what)
{
	req_init(&q, REQ, cmd);
	req_put_u32(&q, KTCP_A_SERVER_ID, id);
	if (cmd == KTCP_CMD_SERVER_SET) {
		req_put_u32(&q, KTCP_A_BACKLOG, 64);
		req_put_u32(&q, KTCP_A_IDLE_TIMEOUT_MS, 0);
	}
	return expect(ctx, what, ENOENT, 0);
}

/* --- TCP clients -------------------------------------------------------- */

static void loopback(struct sockaddr_in *sin, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* A connected socket to 127.0.0.1:port, or -1: servers come and go. */
static int tcp_connect(uint16_t port)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	int fd, err = 0;
	socklen_t len = sizeof(err);

	loopback(&sin, port);
	fd = connect_nonblock((struct sockaddr *)&sin, sizeof(sin), &err);
	if (fd < 0)
		return -1;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, TCP_TIMEOUT_MS) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read up to len bytes within the timeout; the count read. */
static size_t tcp_read(int fd, char *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len && poll(&pfd, 1, TCP_TIMEOUT_MS) == 1) {
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static bool echo_once(int fd, struct rng *r)
{
	char out[64], in[64];
	size_t i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)rng_next(r);
	if (write(fd, out, sizeof(out)) != (ssize_t)sizeof(out))
		return false;
	return tcp_read(fd, in, sizeof(in)) == sizeof(in) &&
	       !memcmp(in, out, sizeof(in));
}

static void http_once(uint16_t port)
{
	static const char get[] = "GET / HTTP/1.0\r\n\r\n";
	char buf[4096];
	int fd = tcp_connect(port);

	if (fd < 0)
		return;
	if (write(fd, get, sizeof(get) - 1) == (ssize_t)sizeof(get) - 1)
		tcp_read(fd, buf, sizeof(buf));
	close(fd);
}

/* --- drops ------------------------------------------------------------------ */

static int drop_tuple(struct nlf_ctx *ctx, int fd, uint16_t port)
{
	struct sockaddr_in local, peer;
	socklen_t len = sizeof(local);

	if (getsockname(fd, (struct sockaddr *)&local, &len))
		return 0;
	loopback(&peer, port);
	req_init(&q, REQ, KTCP_CMD_SOCK_DROP);
	req_nest_start(&q, KTCP_A_SOCK);
	req_put(&q, KTCP_SOCK_A_SADDR, &local.sin_addr, 4);
	req_put(&q, KTCP_SOCK_A_DADDR, &peer.sin_addr, 4);
	req_put_u16(&q, KTCP_SOCK_A_SPORT, ntohs(local.sin_port));
	req_put_u16(&q, KTCP_SOCK_A_DPORT, port);
	req_nest_end(&q);
	return expect(ctx, "SOCK_DROP by tuple", 0, 0);
}

static int drop_filter(struct nlf_ctx *ctx, uint16_t port, uint32_t states,
		       bool dry_run)
{
	req_init(&q, REQ | NLM_F_DUMP, KTCP_CMD_SOCK_DROP);
	req_nest_start(&q, KTCP_A_FILTER);
	req_put_u32(&q, KTCP_FILTER_A_STATES, states);
	req_put_u16(&q, KTCP_FILTER_A_DPORT, port);
	req_nest_end(&q);
	if (dry_run)
		req_put_u32(&q, KTCP_A_FLAGS, KTCP_DROP_F_DRY_RUN);
	return expect(ctx, "SOCK_DROP by filter", 0, 0);
}

/*
 * Many connections, then a dump of them all: more messages than one dump
 * skb holds, so the dump resumes across reads. The engine checks that the
 * count at its end matches the sockets reported.
 */
static int crowd_drop(struct nlf_ctx *ctx, uint16_t port, unsigned int n)
{
	uint64_t deadline = now_ns() + TCP_TIMEOUT_MS * 1000000ULL;
	int *fds = calloc(n, sizeof(*fds));
	struct pollfd pfd = { .events = POLLOUT };
	struct sockaddr_in sin;
	unsigned int i;
	int err = 0;

	if (!fds)
		return -1;
	/* All at once, with one deadline: a fuzzed backlog may drop SYNs. */
	loopback(&sin, port);
	for (i = 0; i < n; i++)
		fds[i] = connect_nonblock((struct sockaddr *)&sin, sizeof(sin),
					  &err);
	for (i = 0; i < n; i++) {
		uint64_t now = now_ns();

		pfd.fd = fds[i];
		if (fds[i] >= 0 && now < deadline)
			poll(&pfd, 1, (int)((deadline - now) / 1000000));
	}
	err = drop_filter(ctx, port, KTCP_DROP_STATE(1), true);
	if (!err)
		err = drop_filter(ctx, port, KTCP_DROP_STATES_ALL, false);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return err;
}

/* --- one cycle -------------------------------------------------------------- */

static int traffic(struct nlf_ctx *ctx, struct rng *r, uint16_t port)
{
	int fd = tcp_connect(port);
	int err = 0;

	if (fd < 0)
		return 0;
	if (echo_once(fd, r))
		__atomic_add_fetch(&ctx->stats->echo_ok, 1, __ATOMIC_RELAXED);
	if (rng_pct(r, 50))
		err = drop_tuple(ctx, fd, port);
	else
		err = drop_filter(ctx, port, KTCP_DROP_STATES_ALL,
				  rng_pct(r, 30));
	close(fd);
	return err;
}

static int reads_and_changes(struct nlf_ctx *ctx, uint32_t id)
{
	if (by_id(ctx, KTCP_CMD_SERVER_GET, id, "SERVER_GET") ||
	    by_id(ctx, KTCP_CMD_STATS_GET, id, "STATS_GET") ||
	    by_id(ctx, KTCP_CMD_SERVER_SET, id, "SERVER_SET") ||
	    by_id(ctx, KTCP_CMD_STATS_RESET, id, "STATS_RESET"))
		return -1;
	req_init(&q, REQ | NLM_F_DUMP, KTCP_CMD_SERVICE_GET);
	return expect(ctx, "SERVICE_GET", 0, 0);
}

int cycle_round(struct nlf_ctx *ctx, struct rng *r, unsigned int crowd)
{
	unsigned int span = ctx->port_hi - ctx->port_lo + 1U;
	uint16_t pe = (uint16_t)(ctx->port_lo + rng_below(r, span));
	uint16_t ph = (uint16_t)(ctx->port_lo + (pe - ctx->port_lo + 1) % span);
	uint32_t echo = 0, http = 0;
	int err;

	if (start(ctx, "echo", pe, &echo) || start(ctx, "http", ph, &http))
		return -1;
	err = echo ? traffic(ctx, r, pe) : 0;
	if (!err && http)
		http_once(ph);
	if (!err && echo)
		err = reads_and_changes(ctx, echo);
	if (!err && echo && crowd && rng_pct(r, 20))
		err = crowd_drop(ctx, pe, crowd);
	if (!err && echo)
		err = by_id(ctx, KTCP_CMD_SERVER_STOP, echo, "SERVER_STOP");
	if (!err && http)
		err = by_id(ctx, KTCP_CMD_SERVER_STOP, http, "SERVER_STOP");
	__atomic_add_fetch(&ctx->stats->cycles, 1, __ATOMIC_RELAXED);
	return err;
}
