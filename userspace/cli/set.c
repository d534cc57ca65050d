// SPDX-License-Identifier: GPL-2.0-only
/* ktcp set ID [--port N] [...]: change a running server. */
#include <errno.h>
#include <linux/ktcp.h>

#include "args.h"
#include "cli.h"

/* `set` takes exactly the settings `start` shares with it. */
static int set_opt(int c, const char *arg, void *cfg, struct args_err *e)
{
	return args_server_setting(c, arg, cfg, e);
}

static const struct option set_opts[] = {
	CLI_COMMON_OPTS,
	CLI_SETTINGS_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct cli_opt_help set_help[] = {
	CLI_SETTINGS_HELP,
	{ 0 },
};

static int set_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct ktcp_server_cfg cfg = { 0 };
	struct ktcp *h;
	uint32_t id;
	int err;

	err = cli_getopt(cmd, argc, argv,
			 CLI_COMMON_SHORT_NOP ARGS_SETTINGS_SHORT, set_opts,
			 set_opt, &cfg);
	if (err >= 0)
		return err;
	err = cli_server_id(cmd, argc, argv, true, &id);
	if (err >= 0)
		return err;
	if (!cfg.has)
		return cli_usage_err(cmd, "nothing to change");

	err = cli_open(&h);
	if (err)
		return err;
	err = ktcp_server_set(h, id, &cfg);
	if (err)
		err = cli_fail(h, err, "cannot change server %u", id);
	ktcp_close(h);
	return err;
}

const struct cli_cmd cmd_set = {
	.name = "set",
	.fn = set_main,
	.summary = "change a running server's address, port, limits or CPUs",
	.usage = "ID [--port N] [--addr ADDR] [--backlog N] [--max-conns N] "
		 "[--idle-timeout DURATION] [--max-mem SIZE] [--cpus LIST]",
	.help = set_help,
};
