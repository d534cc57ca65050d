// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp save: the running servers of the netns as ktcp.conf(5), which
 * `ktcp apply` takes back as "nothing to do". Servers without a name are
 * written commented out: apply does not manage them. A server with a
 * value the file cannot hold (a root with a newline) fails the save, and
 * nothing is printed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static const struct option save_opts[] = {
	CLI_COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

/* The whole file into @out; 0, or the first error (-EINVAL: e->msg). */
static int write_all(FILE *out, const struct ktcp_server *arr, size_t n,
		     struct args_err *e)
{
	struct config_cpus cpus;
	size_t i;
	int err;

	config_cpus_read(&cpus, CONFIG_CPU_DIR);
	fprintf(out, "# ktcp.conf(5), written by ktcp save: %zu server%s\n", n,
		n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		fputc('\n', out);
		err = config_write(out, &arr[i], &cpus, e);
		if (err)
			return err;
	}
	return ferror(out) ? -EIO : 0;
}

/*
 * Nothing is printed unless every server can be written: a file that
 * lacks one, or holds one wrong, is what apply would make run.
 */
static int print_all(const struct ktcp_server *arr, size_t n)
{
	struct args_err e;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int err;

	mem = open_memstream(&buf, &len);
	if (!mem) {
		fprintf(stderr, "ktcp: save: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	err = write_all(mem, arr, n, &e);
	if (fclose(mem) && !err)
		err = -EIO;
	if (err) {
		if (err == -EINVAL)
			fprintf(stderr, "ktcp: save: %s\n", e.msg);
		else
			fprintf(stderr, "ktcp: save: out of memory\n");
		fprintf(stderr, "ktcp: save: nothing was written\n");
		free(buf);
		return EXIT_FAIL;
	}
	fwrite(buf, 1, len, stdout);
	free(buf);
	return fflush(stdout) || ferror(stdout) ? EXIT_FAIL : EXIT_OK;
}

static int save_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct ktcp_server *arr;
	struct ktcp *h;
	size_t n;
	int err;

	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT, save_opts, NULL,
			 NULL);
	if (err >= 0)
		return err;
	if (optind != argc)
		return cli_usage_err(cmd, "no operands are taken");
	err = cli_text_only(cmd, "save prints a ktcp.conf(5) file; "
				 "ktcp list --json shows the servers");
	if (err >= 0)
		return err;
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
	err = print_all(arr, n);
	ktcp_server_list_free(arr);
	return err;
}

const struct cli_cmd cmd_save = {
	.name = "save",
	.fn = save_main,
	.summary = "print the running servers as a ktcp.conf file",
	.usage = "",
};
