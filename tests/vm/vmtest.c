// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the guest test programs. See vmtest.h.
 */
#include "vmtest.h"

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

void vt_usage(const char *args, int status)
{
	fprintf(status ? stderr : stdout, "Usage: %s %s",
		program_invocation_short_name, args);
	exit(status);
}

int vt_connect(const struct sockaddr_in *sin)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int saved;

	if (fd < 0)
		err(2, "socket");
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin))) {
		/* The caller reports connect()'s error, not close()'s. */
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
