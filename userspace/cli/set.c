// SPDX-License-Identifier: GPL-2.0-only
/* ktcp set ID [--port N] [...]: change a running server. */
#include <errno.h>
#include <linux/ktcp.h>

#include "args.h"
#include "cli.h"

enum {
	OPT_PORT = 'P',
	OPT_ADDR = 'a',
	OPT_BACKLOG = 'b',
	OPT_MAX_CONNS = 'm',
	OPT_IDLE = 't',
};

static int set_opt(int c, const char *arg, struct ktcp_server_cfg *cfg,
		   struct args_err *e)
{
	switch (c) {
	case OPT_PORT:
		cfg->has |= KTCP_HAS_PORT;
		return args_port(arg, &cfg->port, e);
	case OPT_ADDR:
		cfg->has |= KTCP_HAS_ADDR;
		return args_addr(arg, &cfg->addr, e);
	case OPT_BACKLOG:
		cfg->has |= KTCP_HAS_BACKLOG;
		return args_u32(arg, 1, KTCP_BACKLOG_MAX, &cfg->backlog, e);
	case OPT_MAX_CONNS:
		cfg->has |= KTCP_HAS_MAX_CONNS;
		return args_u32(arg, 0, UINT32_MAX, &cfg->max_conns, e);
	case OPT_IDLE:
		cfg->has |= KTCP_HAS_IDLE_TIMEOUT;
		return args_duration_ms(arg, KTCP_IDLE_TIMEOUT_MS_MAX,
					&cfg->idle_timeout_ms, e);
	}
	return -ENOENT;
}

static const struct option set_opts[] = {
	CLI_COMMON_OPTS,
	{ "port", required_argument, NULL, OPT_PORT },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "backlog", required_argument, NULL, OPT_BACKLOG },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ NULL, 0, NULL, 0 },
};

static int set_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct ktcp_server_cfg cfg = { 0 };
	struct args_err e;
	struct ktcp *h;
	uint32_t id;
	int c, err;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "P:a:b:m:t:",
				set_opts, NULL)) != -1) {
		err = set_opt(c, optarg, &cfg, &e);
		if (err == -ENOENT) {
			err = cli_common_opt(cmd, c);
			if (err >= 0)
				return err;
		} else if (err) {
			return cli_usage_err(cmd, "%s", e.msg);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_err(cmd, "exactly one server ID is required");
	if (args_id(argv[optind], &id, &e))
		return cli_usage_err(cmd, "server ID %s", e.msg);
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
	.summary = "change the address, port or limits of a running server",
	.usage = "ID [--port N] [--addr ADDR] [--backlog N] [--max-conns N] "
		 "[--idle-timeout DURATION]",
};
