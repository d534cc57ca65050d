// SPDX-License-Identifier: GPL-2.0-only
/* ktcp stats [ID] --format prometheus: prometheus.c over libktcp. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prometheus.h"

/*
 * Each server's service times, or none (nbuckets 0): a module older than
 * 2.1 keeps none, and a server may go away meanwhile.
 */
static int get_latencies(struct ktcp *h, const struct ktcp_server *arr,
			 size_t n, struct ktcp_latency **lats)
{
	size_t i;
	int err;

	*lats = calloc(n ? n : 1, sizeof(**lats));
	if (!*lats)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = ktcp_latency_get(h, arr[i].id, &(*lats)[i]);
		if (err == -EOPNOTSUPP || err == -ENOENT)
			memset(&(*lats)[i], 0, sizeof((*lats)[i]));
		else if (err)
			return err;
	}
	return 0;
}

int stats_prometheus(struct ktcp *h, uint32_t id)
{
	struct ktcp_server *arr, *one = NULL;
	struct ktcp_latency *lats = NULL;
	struct ktcp_stats total;
	size_t n, i;
	int err;

	err = ktcp_stats_get(h, 0, &total);
	if (err)
		return cli_fail(h, err, "cannot get the total counters");
	err = ktcp_server_list(h, &arr, &n);
	if (err)
		return cli_fail(h, err, "cannot list servers");
	for (i = 0; id && i < n; i++)
		if (arr[i].id == id)
			one = &arr[i];
	if (id && !one) {
		ktcp_server_list_free(arr);
		fprintf(stderr, "ktcp: stats: no server %u\n", id);
		return EXIT_FAIL;
	}
	err = id ? get_latencies(h, one, 1, &lats) :
		   get_latencies(h, arr, n, &lats);
	if (err) {
		free(lats);
		ktcp_server_list_free(arr);
		return cli_fail(h, err, "cannot get the service times");
	}
	/* The netns totals only in the whole picture. */
	err = id ? prom_write(stdout, one, lats, 1, NULL) :
		   prom_write(stdout, arr, lats, n, &total);
	free(lats);
	ktcp_server_list_free(arr);
	return err ? EXIT_FAIL : EXIT_OK;
}
