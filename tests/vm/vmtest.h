/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest test programs in tests/vm share; tests/vm/build.mk links
 * vmtest.o into each of them. Errors are reported as err(3) does, as
 * "<program>: <message>", and exit status 2 is a usage or setup error in
 * all of them.
 */
#ifndef KTCP_VMTEST_H
#define KTCP_VMTEST_H

#include <netinet/in.h>

/*
 * Print "Usage: <program> <args>" and exit with status: to stdout for 0
 * (-h), else to stderr.
 */
_Noreturn void vt_usage(const char *args, int status);

/*
 * A blocking TCP connection to sin. Returns the socket, or -1 with errno
 * set when connect() fails; exits with status 2 when there is no socket.
 */
int vt_connect(const struct sockaddr_in *sin);

#endif /* KTCP_VMTEST_H */
