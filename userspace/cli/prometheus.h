/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Prometheus text exposition format (version 0.0.4) of the counters:
 * pure, no netlink. One metric family per counter, each with its # HELP
 * and # TYPE lines, one sample per server labelled with id, service,
 * port and name. A family is a row of a table (prometheus.c): a counter
 * or gauge reads one field of struct ktcp_stats per series; a family of
 * another type (a histogram: _bucket{le=...}, _sum, _count) brings its
 * own sample writer.
 */
#ifndef KTCP_CLI_PROMETHEUS_H
#define KTCP_CLI_PROMETHEUS_H

#include <stddef.h>
#include <stdio.h>

#include <ktcp.h>

/*
 * Write every family for the servers arr[0..n), whose service times are
 * lats[0..n) (NULL, or an entry with nbuckets 0: none), and the netns
 * totals @total (NULL: none). Returns 0 or -EIO.
 */
int prom_write(FILE *f, const struct ktcp_server *arr,
	       const struct ktcp_latency *lats, size_t n,
	       const struct ktcp_stats *total);
/* A label value escaped as the format wants: \\, \" and \n. */
void prom_escape(FILE *f, const char *s);

#endif /* KTCP_CLI_PROMETHEUS_H */
