// SPDX-License-Identifier: GPL-2.0-only
/* ktcp stats [ID] --format prometheus: prometheus.c over libktcp. */
#include "cli.h"
#include "prometheus.h"

int stats_prometheus(struct ktcp *h, uint32_t id)
{
	struct ktcp_server *arr, *one = NULL;
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
	/* The netns totals only in the whole picture. */
	err = id ? prom_write(stdout, one, 1, NULL) :
		   prom_write(stdout, arr, n, &total);
	ktcp_server_list_free(arr);
	return err ? EXIT_FAIL : EXIT_OK;
}
