// SPDX-License-Identifier: GPL-2.0-only
/*
 * slow-poll.so: an LD_PRELOAD library that widens the window between a
 * program's last look at its state and its wait in poll() or ppoll(), so
 * that a signal can be sent right into it (t-cli.sh's monitor test).
 *
 * With KTCP_TEST_POLL_DELAY_MS=N, each call first creates the file
 * $KTCP_TEST_POLL_MARK (when set), then sleeps N ms to the end even if a
 * signal comes (its handler runs, as it would just before the real call),
 * then makes the real call.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int poll(struct pollfd *fds, nfds_t nfds, int timeout);
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
	  const sigset_t *mask);

static void delay(void)
{
	const char *ms = getenv("KTCP_TEST_POLL_DELAY_MS");
	const char *mark = getenv("KTCP_TEST_POLL_MARK");
	struct timespec ts;
	long n;
	int fd;

	if (!ms)
		return;
	n = atol(ms);
	if (mark) {
		fd = open(mark, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0)
			close(fd);
	}
	ts.tv_sec = n / 1000;
	ts.tv_nsec = (n % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	int (*real)(struct pollfd *, nfds_t, int) = dlsym(RTLD_NEXT, "poll");

	delay();
	return real(fds, nfds, timeout);
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
	  const sigset_t *mask)
{
	int (*real)(struct pollfd *, nfds_t, const struct timespec *,
		    const sigset_t *) = dlsym(RTLD_NEXT, "ppoll");

	delay();
	return real(fds, nfds, tmo, mask);
}
