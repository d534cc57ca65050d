// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp apply [--dry-run] [FILE]: make the servers of the netns what
 * ktcp.conf(5) says. The servers it manages are those with a name: one
 * the file has and the netns does not is started, one that differs is
 * changed (set) or, for what set cannot change, restarted, and one the
 * file no longer has is stopped. Servers without a name are left alone.
 * A file with any error changes nothing. --stop stops every server it
 * manages, whatever the file says (the systemd unit's ExecStop).
 */
#include <errno.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "config.h"
#include "help.h"

enum { OPT_DRY_RUN = 'n', OPT_STOP = 256 };

struct apply_ctx {
	bool dry_run;
	bool stop_all;
	struct ktcp *h;
	unsigned int started, changed, restarted, stopped, failed;
};

static const struct option apply_opts[] = {
	CLI_COMMON_OPTS,
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "stop", no_argument, NULL, OPT_STOP },
	{ NULL, 0, NULL, 0 },
};

static int apply_opt(int c, const char *arg, void *arg_ctx, struct args_err *e)
{
	struct apply_ctx *ctx = arg_ctx;

	switch (c) {
	case OPT_DRY_RUN:
		ctx->dry_run = true;
		return 0;
	case OPT_STOP:
		ctx->stop_all = true;
		return 0;
	}
	return -ENOENT;
}

static const char *would(const struct apply_ctx *ctx)
{
	return ctx->dry_run ? "would " : "";
}

static void do_stop(struct apply_ctx *ctx, const struct ktcp_server *srv,
		    const char *why)
{
	int err;

	printf("%sstop %s (id %u)%s\n", would(ctx), srv->name, srv->id, why);
	if (ctx->dry_run) {
		ctx->stopped++;
		return;
	}
	err = ktcp_server_stop(ctx->h, srv->id);
	/* Gone already: what was wanted. */
	if (err && err != -ENOENT) {
		cli_fail(ctx->h, err, "apply: cannot stop %s (id %u)",
			 srv->name, srv->id);
		ctx->failed++;
		return;
	}
	ctx->stopped++;
}

/* Start @want; 0 or the error, reported. */
static int do_start(struct apply_ctx *ctx, const struct config_server *want,
		    const char *verb)
{
	uint32_t id;
	int err;

	if (ctx->dry_run) {
		/* A restart's line is out already. */
		if (!strcmp(verb, "start"))
			printf("would start %s (%s, port %u)\n", want->name,
			       want->cfg.service, want->cfg.port);
		return 0;
	}
	err = ktcp_server_start(ctx->h, &want->cfg, &id);
	if (err) {
		cli_fail(ctx->h, err, "apply: cannot %s %s (%s, port %u)", verb,
			 want->name, want->cfg.service, want->cfg.port);
		ctx->failed++;
		return err;
	}
	printf("%s %s (%s, port %u): id %u\n",
	       strcmp(verb, "start") ? "restarted" : "started", want->name,
	       want->cfg.service, want->cfg.port, id);
	return 0;
}

/* Bring one running server of the file in line with it. */
static void reconcile(struct apply_ctx *ctx, const struct config_server *want,
		      const struct ktcp_server *have,
		      const struct config_cpus *cpus)
{
	struct ktcp_server_cfg set;
	char keys[256];
	int err;

	switch (config_diff(want, have, cpus, &set, keys, sizeof(keys))) {
	case CONFIG_SAME:
		return;
	case CONFIG_SET:
		printf("%schange %s (id %u): %s\n", would(ctx), want->name,
		       have->id, keys);
		if (ctx->dry_run) {
			ctx->changed++;
			return;
		}
		err = ktcp_server_set(ctx->h, have->id, &set);
		if (err) {
			cli_fail(ctx->h, err, "apply: cannot change %s (id %u)",
				 want->name, have->id);
			ctx->failed++;
			return;
		}
		ctx->changed++;
		return;
	case CONFIG_RESTART:
		printf("%srestart %s (id %u): %s\n", would(ctx), want->name,
		       have->id, keys);
		if (!ctx->dry_run) {
			err = ktcp_server_stop(ctx->h, have->id);
			if (err && err != -ENOENT) {
				cli_fail(ctx->h, err,
					 "apply: cannot stop %s (id %u)",
					 want->name, have->id);
				ctx->failed++;
				return;
			}
		}
		if (!do_start(ctx, want, "restart"))
			ctx->restarted++;
		return;
	}
}

static const struct ktcp_server *running(const struct ktcp_server *arr,
					 size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((arr[i].has & KTCP_HAS_NAME) && !strcmp(arr[i].name, name))
			return &arr[i];
	return NULL;
}

static void apply_all(struct apply_ctx *ctx, const struct config *c,
		      const struct ktcp_server *arr, size_t n)
{
	const struct ktcp_server *have;
	struct config_cpus cpus;
	size_t i;

	/* Stops first, so that their ports are free for what follows. */
	for (i = 0; i < n; i++)
		if ((arr[i].has & KTCP_HAS_NAME) &&
		    (ctx->stop_all || !config_find(c, arr[i].name)))
			do_stop(ctx, &arr[i],
				ctx->stop_all ? "" : ": not in the file");
	if (ctx->stop_all)
		return;
	config_cpus_read(&cpus, CONFIG_CPU_DIR);
	for (i = 0; i < c->n; i++) {
		have = running(arr, n, c->servers[i].name);
		if (have)
			reconcile(ctx, &c->servers[i], have, &cpus);
	}
	for (i = 0; i < c->n; i++)
		if (!running(arr, n, c->servers[i].name) &&
		    !do_start(ctx, &c->servers[i], "start"))
			ctx->started++;
}

/* Read and check the whole file before anything is touched. */
static int load(const char *path, struct config *c)
{
	struct args_err e;
	FILE *f;
	int err;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "ktcp: apply: cannot open %s: %s\n", path,
			strerror(errno));
		return EXIT_FAIL;
	}
	err = config_parse(f, path, c, &e);
	fclose(f);
	if (err) {
		fprintf(stderr, "ktcp: apply: %s\n", e.msg);
		fprintf(stderr, "ktcp: apply: nothing was changed\n");
		return EXIT_FAIL;
	}
	return 0;
}

static int summary(const struct apply_ctx *ctx, const char *path, size_t n)
{
	if (!ctx->started && !ctx->changed && !ctx->restarted &&
	    !ctx->stopped && !ctx->failed && ctx->stop_all)
		printf("nothing to do: no server with a name runs\n");
	else if (!ctx->started && !ctx->changed && !ctx->restarted &&
		 !ctx->stopped && !ctx->failed)
		printf("nothing to do: %zu server%s as %s says\n", n,
		       n == 1 ? "" : "s", path);
	else
		printf("%s%u started, %u changed, %u restarted, %u stopped, "
		       "%u failed\n",
		       ctx->dry_run ? "dry run, nothing done: " : "",
		       ctx->started, ctx->changed, ctx->restarted, ctx->stopped,
		       ctx->failed);
	if (fflush(stdout))
		return EXIT_FAIL;
	return ctx->failed ? EXIT_FAIL : EXIT_OK;
}

static int apply_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct apply_ctx ctx = { 0 };
	const char *path = CONFIG_DEFAULT_PATH;
	struct config c = { 0 };
	struct ktcp_server *arr;
	size_t n, managed = 0, i;
	int err;

	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT "n", apply_opts,
			 apply_opt, &ctx);
	if (err >= 0)
		return err;
	err = cli_text_only(cmd, "apply reports in text; ktcp list --json "
				 "shows the servers it leaves");
	if (err >= 0)
		return err;
	if (argc - optind > 1)
		return cli_usage_err(cmd, "at most one FILE");
	if (argc - optind == 1) {
		if (ctx.stop_all)
			return cli_usage_err(cmd, "--stop takes no FILE");
		path = argv[optind];
	}
	if (!ctx.stop_all) {
		err = load(path, &c);
		if (err)
			return err;
	}
	err = cli_open(&ctx.h);
	if (err) {
		config_free(&c);
		return err;
	}
	err = ktcp_server_list(ctx.h, &arr, &n);
	if (err) {
		err = cli_fail(ctx.h, err, "apply: cannot list servers");
		goto out;
	}
	apply_all(&ctx, &c, arr, n);
	for (i = 0; i < n; i++)
		managed += !!(arr[i].has & KTCP_HAS_NAME);
	ktcp_server_list_free(arr);
	err = summary(&ctx, path, ctx.stop_all ? managed : c.n);
out:
	ktcp_close(ctx.h);
	config_free(&c);
	return err;
}

static const struct cli_opt_help apply_help[] = {
	{ 'n', "dry-run", NULL, "say what would be done, and do nothing",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "stop", NULL,
	  "stop every server a file manages (those with a name), no FILE",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0 },
};

const struct cli_cmd cmd_apply = {
	.name = "apply",
	.fn = apply_main,
	.summary = "make the running servers what a ktcp.conf file says",
	.usage = "[--dry-run] [FILE (default " CONFIG_DEFAULT_PATH ")] "
		 "| --stop",
	.help = apply_help,
};
