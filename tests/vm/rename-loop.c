// SPDX-License-Identifier: GPL-2.0
/*
 * rename-loop DIR SECS: rename DIR/a to DIR/b and back, as fast as it
 * can, for SECS seconds, then print how many renames it made. Any rename
 * on the machine makes a lookup kept beneath a directory (khttpd's,
 * openat2's RESOLVE_BENEATH) that meets ".." fail with EAGAIN
 * (t-http-safety).
 *
 * Exit: 0 done, 1 a rename failed, 2 usage.
 */
#include "vmtest.h"

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char a[4096], b[4096];
	time_t end;
	long n = 0;
	int secs, fd;

	if (argc == 2 && !strcmp(argv[1], "-h"))
		vt_usage("DIR SECS\n", 0);
	if (argc != 3 || (secs = atoi(argv[2])) <= 0)
		vt_usage("DIR SECS\n", 2);
	snprintf(a, sizeof(a), "%s/a", argv[1]);
	snprintf(b, sizeof(b), "%s/b", argv[1]);
	fd = open(a, O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		err(1, "%s", a);
	close(fd);
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		if (rename(a, b) || rename(b, a))
			err(1, "rename in %s", argv[1]);
		n += 2;
	}
	printf("%ld\n", n);
	return 0;
}
