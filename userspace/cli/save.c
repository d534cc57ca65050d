// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp save: the running servers of the netns as ktcp.conf(5), which
 * `ktcp apply` takes back as "nothing to do". Servers without a name are
 * written commented out: apply does not manage them.
 */
#include <string.h>

#include "cli.h"
#include "config.h"

static const struct option save_opts[] = {
	CLI_COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static int save_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct config_cpus cpus;
	struct ktcp_server *arr;
	struct ktcp *h;
	size_t n, i;
	int err;

	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT, save_opts, NULL,
			 NULL);
	if (err >= 0)
		return err;
	if (optind != argc)
		return cli_usage_err(cmd, "no operands are taken");
	err = cli_open(&h);
	if (err)
		return err;
	err = ktcp_server_list(h, &arr, &n);
	if (err) {
		err = cli_fail(h, err, "save: cannot list servers");
		ktcp_close(h);
		return err;
	}
	ktcp_close(h);
	config_cpus_read(&cpus, CONFIG_CPU_DIR);
	printf("# ktcp.conf(5), written by ktcp save: %zu server%s\n", n,
	       n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		putchar('\n');
		if (config_write(stdout, &arr[i], &cpus))
			break;
	}
	ktcp_server_list_free(arr);
	return fflush(stdout) || ferror(stdout) ? EXIT_FAIL : EXIT_OK;
}

const struct cli_cmd cmd_save = {
	.name = "save",
	.fn = save_main,
	.summary = "print the running servers as a ktcp.conf file",
	.usage = "",
};
