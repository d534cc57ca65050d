// SPDX-License-Identifier: GPL-2.0-only
/* ktcp list [ID]: servers with their configuration and counters. */
#include "args.h"
#include "cli.h"
#include "show.h"

static const struct option list_opts[] = {
	CLI_COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static int list_one(struct ktcp *h, uint32_t id)
{
	struct ktcp_server *srv;
	int err;

	err = ktcp_server_get(h, id, &srv);
	if (err)
		return cli_fail(h, err, "cannot get server %u", id);
	/* One server object, as each element of the whole list. */
	err = cli_print(show_server(srv));
	ktcp_server_free(srv);
	return err;
}

static int list_all(struct ktcp *h)
{
	struct ktcp_server *arr;
	size_t n;
	int err;

	err = ktcp_server_list(h, &arr, &n);
	if (err)
		return cli_fail(h, err, "cannot list servers");
	err = cli_print(show_servers(arr, n));
	ktcp_server_list_free(arr);
	return err;
}

static int list_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct ktcp *h;
	uint32_t id = 0;
	int err;

	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT, list_opts, NULL,
			 NULL);
	if (err >= 0)
		return err;
	err = cli_server_id(cmd, argc, argv, false, &id);
	if (err >= 0)
		return err;

	err = cli_open(&h);
	if (err)
		return err;
	err = id ? list_one(h, id) : list_all(h);
	ktcp_close(h);
	return err;
}

const struct cli_cmd cmd_list = {
	.name = "list",
	.fn = list_main,
	.summary = "list servers with their settings and counters",
	.usage = "[ID] [--json]",
};
