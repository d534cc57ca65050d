// SPDX-License-Identifier: GPL-2.0-only
/* ktcp version: versions of the CLI, libktcp and the kernel family. */
#include <errno.h>

#include "cli.h"
#include "show.h"

static const struct option version_opts[] = {
	CLI_COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static int version_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct json_object *o;
	struct ktcp *h;
	int err;

	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT, version_opts, NULL,
			 NULL);
	if (err >= 0)
		return err;
	if (optind != argc)
		return cli_usage_err(cmd, "no arguments expected");

	/* Not loaded is an answer here, not a failure. */
	err = ktcp_open(&h);
	if (err && err != -EPROTONOSUPPORT)
		return cli_fail(NULL, err, "cannot reach the ktcp family");
	if (!cli_json) {
		printf("ktcp %s, libktcp %s\n", KTCP_CLI_VERSION,
		       ktcp_lib_version());
		if (h)
			printf("kernel family ktcp version %u\n",
			       ktcp_family_version(h));
		else
			printf("kernel family ktcp not loaded\n");
		ktcp_close(h);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	/* { "cli": "2.0.0", "lib": "2.0.0", "family_version": N }; the
	 * family's version absent, as every field not known, when the
	 * module is not loaded. */
	o = json_object_new_object();
	if (!o) {
		ktcp_close(h);
		return cli_print(o);
	}
	json_object_object_add(o, "cli",
			       json_object_new_string(KTCP_CLI_VERSION));
	json_object_object_add(o, "lib",
			       json_object_new_string(ktcp_lib_version()));
	if (h)
		json_object_object_add(
			o, "family_version",
			json_object_new_uint64(ktcp_family_version(h)));
	ktcp_close(h);
	return cli_print(o);
}

const struct cli_cmd cmd_version = {
	.name = "version",
	.fn = version_main,
	.summary = "show the versions of ktcp, libktcp and the kernel family",
	.usage = "[--json]",
};
