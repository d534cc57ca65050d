// SPDX-License-Identifier: GPL-2.0
/*
 * lease-hold FILE SECS: take a write lease on FILE (fcntl F_SETLEASE, as
 * any owner of a file may, or Samba's and NFS's delegations do), print
 * "held", and keep it SECS seconds while ignoring the SIGIO that tells it
 * to give way: until then, or until lease-break-time passes, an open of
 * FILE by anyone else that does not say O_NONBLOCK sleeps (t-http-safety).
 *
 * Exit: 0 held for SECS, 1 no lease, 2 usage.
 */
#include "vmtest.h"

#include <err.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, secs;

	if (argc == 2 && !strcmp(argv[1], "-h"))
		vt_usage("FILE SECS\n", 0);
	if (argc != 3 || (secs = atoi(argv[2])) <= 0)
		vt_usage("FILE SECS\n", 2);
	signal(SIGIO, SIG_IGN);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		err(1, "%s", argv[1]);
	if (fcntl(fd, F_SETLEASE, F_WRLCK))
		err(1, "F_SETLEASE %s", argv[1]);
	printf("held\n");
	fflush(stdout);
	sleep((unsigned int)secs);
	return 0;
}
