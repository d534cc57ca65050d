// SPDX-License-Identifier: GPL-2.0-only
/* ktcp stop ID: stop a server and close its connections. */
#include "args.h"
#include "cli.h"

static const struct option stop_opts[] = {
	CLI_COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static int stop_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct ktcp *h;
	uint32_t id;
	int err;

	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT, stop_opts, NULL,
			 NULL);
	if (err >= 0)
		return err;
	err = cli_server_id(cmd, argc, argv, true, &id);
	if (err >= 0)
		return err;

	err = cli_open(&h);
	if (err)
		return err;
	err = ktcp_server_stop(h, id);
	if (err)
		err = cli_fail(h, err, "cannot stop server %u", id);
	ktcp_close(h);
	return err;
}

const struct cli_cmd cmd_stop = {
	.name = "stop",
	.fn = stop_main,
	.summary = "stop a server, closing its connections",
	.usage = "ID",
};
