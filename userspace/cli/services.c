// SPDX-License-Identifier: GPL-2.0-only
/* ktcp services: the services the kernel offers (loaded modules). */
#include <string.h>

#include "cli.h"
#include "show.h"

static const struct option services_opts[] = {
	CLI_COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static int services_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct json_object *a;
	struct ktcp *h;
	char **names;
	size_t i, n;
	int err;

	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT, services_opts, NULL,
			 NULL);
	if (err >= 0)
		return err;
	if (optind != argc)
		return cli_usage_err(cmd, "no arguments expected");

	err = cli_open(&h);
	if (err)
		return err;
	err = ktcp_service_list(h, &names, &n);
	if (err) {
		err = cli_fail(h, err, "cannot list services");
		ktcp_close(h);
		return err;
	}
	ktcp_close(h);
	if (!cli_json) {
		for (i = 0; i < n; i++)
			printf("%s\n", names[i]);
		ktcp_service_list_free(names, n);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	/* ["echo", "http", ...] */
	a = json_object_new_array();
	for (i = 0; a && i < n; i++)
		json_object_array_add(a, show_bytes_string(names[i],
							   strlen(names[i])));
	ktcp_service_list_free(names, n);
	return cli_print(a);
}

const struct cli_cmd cmd_services = {
	.name = "services",
	.fn = services_main,
	.summary = "list the services that servers can be started for",
	.usage = "[--json]",
};
