// SPDX-License-Identifier: GPL-2.0-only
/* ktcp stats [ID] [--reset]: counters, totals and per server. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "show.h"

static const struct option stats_opts[] = {
	CLI_COMMON_OPTS,
	{ "reset", no_argument, NULL, 'r' },
	{ "format", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};

static const struct cli_opt_help stats_help[] = {
	{ 'r', "reset", NULL, "zero the counters (not the gauges) instead",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 'f', "format", "prometheus",
	  "the Prometheus text exposition format instead of text or JSON",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0 },
};

/*
 * Counters as {id, service, stats, latency}: the shape of each of
 * "servers". Without latency when the module keeps none (older than
 * 2.1) or the server went away meanwhile.
 */
static struct json_object *server_stats(struct ktcp *h,
					const struct ktcp_server *srv)
{
	struct json_object *o = json_object_new_object();
	struct ktcp_latency lat;
	int err;

	if (!o)
		return NULL;
	show_add_u64(o, "id", srv->id);
	show_add_str(o, "service", srv->service);
	json_object_object_add(o, "stats", show_stats(&srv->stats));
	err = ktcp_latency_get(h, srv->id, &lat);
	if (!err)
		json_object_object_add(o, "latency", show_latency(&lat));
	else if (err != -EOPNOTSUPP && err != -ENOENT)
		fprintf(stderr,
			"ktcp: stats: no service times of server %u: %s\n",
			srv->id, strerror(-err));
	return o;
}

/* { "id": N, "service": "echo", "stats": {...} } */
static int stats_one(struct ktcp *h, uint32_t id)
{
	struct ktcp_server *srv;
	int err;

	err = ktcp_server_get(h, id, &srv);
	if (err)
		return cli_fail(h, err, "cannot get the counters of server %u",
				id);
	err = cli_print(server_stats(h, srv));
	ktcp_server_free(srv);
	return err;
}

/* Per-server counters as {id, service, stats} objects. */
static struct json_object *per_server(struct ktcp *h,
				      const struct ktcp_server *arr, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_object_array_add(a, server_stats(h, &arr[i]));
	return a;
}

/* { "total": {...}, "servers": [ {id, service, stats}, ... ] } */
static int stats_all(struct ktcp *h)
{
	struct json_object *o, *servers, *total;
	struct ktcp_server *arr;
	struct ktcp_stats st;
	size_t i, n;
	int err;

	err = ktcp_stats_get(h, 0, &st);
	if (err)
		return cli_fail(h, err, "cannot get the total counters");
	err = ktcp_server_list(h, &arr, &n);
	if (err)
		return cli_fail(h, err, "cannot list servers");
	total = show_stats(&st);
	servers = per_server(h, arr, n);
	ktcp_server_list_free(arr);
	if (cli_json) {
		o = json_object_new_object();
		json_object_object_add(o, "total", total);
		json_object_object_add(o, "servers", servers);
		return cli_print(o);
	}
	/* Text: a "total:" line, then one line per server. */
	show_text_line(stdout, "total", total);
	json_object_put(total);
	for (i = 0; i < json_object_array_length(servers); i++) {
		o = json_object_array_get_idx(servers, i);
		show_text(stdout, o);
	}
	json_object_put(servers);
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}

static int stats_reset(struct ktcp *h, uint32_t id)
{
	int err = ktcp_stats_reset(h, id);

	if (err && id)
		return cli_fail(h, err,
				"cannot reset the counters of server %u", id);
	if (err)
		return cli_fail(h, err, "cannot reset the counters");
	return EXIT_OK;
}

static int stats_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	bool reset = false, prom = false;
	struct ktcp *h;
	uint32_t id = 0;
	int c, err;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "rf:", stats_opts,
				NULL)) != -1) {
		if (c == 'r') {
			reset = true;
			continue;
		}
		if (c == 'f') {
			/* text and json are the output options' to choose */
			if (strcmp(optarg, "prometheus"))
				return cli_usage_err(
					cmd,
					"'%s' is not a format (prometheus)",
					optarg);
			prom = true;
			continue;
		}
		err = cli_common_opt(cmd, c);
		if (err >= 0)
			return err;
	}
	err = cli_server_id(cmd, argc, argv, false, &id);
	if (err >= 0)
		return err;
	if (reset && prom)
		return cli_usage_err(cmd,
				     "--reset prints nothing: no --format");
	if (prom) {
		err = cli_text_only(cmd, "--format prometheus is a format "
					 "of its own: give one of the two");
		if (err >= 0)
			return err;
	}

	err = cli_open(&h);
	if (err)
		return err;
	if (reset)
		err = stats_reset(h, id);
	else if (prom)
		err = stats_prometheus(h, id);
	else
		err = id ? stats_one(h, id) : stats_all(h);
	ktcp_close(h);
	return err;
}

const struct cli_cmd cmd_stats = {
	.name = "stats",
	.fn = stats_main,
	.summary = "show counters (totals and per server), or reset them",
	.usage = "[ID] [--reset] [--json] [--format prometheus]",
	.help = stats_help,
};
