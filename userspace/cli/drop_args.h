/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing for `ktcp drop`: endpoints, tuples, the stdin list, filter
 * addresses and states. Pure functions like args.h: no netlink, no
 * output; errors in e->msg, quoting the bad input.
 */
#ifndef KTCP_CLI_DROP_ARGS_H
#define KTCP_CLI_DROP_ARGS_H

#include <stdio.h>

#include "args.h"

/* A growable list of tuples. */
struct drop_list {
	struct ktcp_sock_tuple *t;
	size_t n, cap;
};

void drop_list_free(struct drop_list *l);

/*
 * "a.b.c.d:port" or "[v6]:port", the port required; "%IFACE" (a name or
 * an index) after the address ("[fe80::1%eth0]:22", or as ss prints it,
 * "[fe80::1]%eth0:22" and "10.0.0.1%eth0:22") names the interface the
 * socket is bound to, into *ifindex (0 without one; ifindex NULL: an interface is an
 * error). An IPv6 address with a port must be in brackets: "fe80::1:22"
 * is refused as ambiguous.
 */
int drop_endpoint(const char *s, struct ktcp_addr *addr, uint16_t *port,
		  uint32_t *ifindex, struct args_err *e);
/*
 * A SRC DST pair into *t: SRC the local end, DST the remote one. Either
 * may name the interface (both: the same one); a link-local address
 * needs one.
 */
int drop_tuple(const char *src, const char *dst, struct ktcp_sock_tuple *t,
	       struct args_err *e);
/* argv pairs, appended to l; an odd count is an error. */
int drop_tuples_argv(char **argv, int argc, struct drop_list *l,
		     struct args_err *e);
/*
 * "SRC DST" lines from f, appended to l. Blank lines are skipped; a last
 * line without a newline counts. The first bad line fails it all, with
 * "line N: ..." in e->msg.
 */
int drop_tuples_read(FILE *f, struct drop_list *l, struct args_err *e);
/* "ADDR" or "ADDR/PREFIX" (IPv6 with or without brackets). */
int drop_prefix(const char *s, struct ktcp_addr *addr, uint8_t *prefix,
		int *has_prefix, struct args_err *e);
/* "time-wait,established", "all", ... into KTCP_TCP_STATE_BIT()s. */
int drop_states(const char *s, uint32_t *states, struct args_err *e);

#endif /* KTCP_CLI_DROP_ARGS_H */
