// SPDX-License-Identifier: GPL-2.0
/*
 * rst-race: clients that reset their connection while the server is still
 * accepting it. Each of P processes, N times: connect, wait W ms (the
 * server accepts meanwhile), send one byte and close with SO_LINGER {1, 0},
 * so that the data and the RST reach the server's callbacks at once.
 * A framework that lets a callback run before the accept path is done
 * with the connection frees it under that path (t-races).
 *
 * Prints {"connects": C, "refused": R}: connections made and refused.
 */
#include "vmtest.h"

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"[-a ADDR] [-P PROCS] [-n N] [-w MS] -p PORT\n"
	"  -a ADDR   server IPv4 address (default 127.0.0.1)\n"
	"  -p PORT   server port\n"
	"  -P PROCS  client processes (default 4)\n"
	"  -n N      connections per process (default 20)\n"
	"  -w MS     wait between connect and reset (default 5)\n";

struct counts {
	long connects;
	long refused;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void client(const struct sockaddr_in *sin, long n, long wait_ms,
		   struct counts *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = vt_connect(sin);
		if (fd < 0) {
			__atomic_add_fetch(&c->refused, 1, __ATOMIC_RELAXED);
			continue;
		}
		__atomic_add_fetch(&c->connects, 1, __ATOMIC_RELAXED);
		sleep_ms(wait_ms);
		/* Either may fail once the server has closed: that is fine. */
		(void)send(fd, "x", 1, MSG_NOSIGNAL);
		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
			err(2, "SO_LINGER");
		close(fd);
	}
}

static long number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		vt_usage(usage, 2);
	return v;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	long procs = 4, n = 20, wait_ms = 5, i;
	struct counts *c;
	int opt, status, failed = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while ((opt = getopt(argc, argv, "a:p:P:n:w:h")) != -1) {
		switch (opt) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &sin.sin_addr) != 1)
				vt_usage(usage, 2);
			break;
		case 'p':
			sin.sin_port = htons(number(optarg, 1, 65535));
			break;
		case 'P':
			procs = number(optarg, 1, 64);
			break;
		case 'n':
			n = number(optarg, 1, 100000);
			break;
		case 'w':
			wait_ms = number(optarg, 0, 10000);
			break;
		case 'h':
			vt_usage(usage, 0);
		default:
			vt_usage(usage, 2);
		}
	}
	if (!sin.sin_port || optind != argc)
		vt_usage(usage, 2);
	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		err(2, "mmap");
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			err(2, "fork");
		if (!pid) {
			client(&sin, n, wait_ms, c);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	if (failed)
		errx(2, "a client process failed");
	printf("{\"connects\": %ld, \"refused\": %ld}\n", c->connects,
	       c->refused);
	return 0;
}
