// SPDX-License-Identifier: GPL-2.0-only
/* ktcp start SERVICE --port N [...]: start a server, print its id. */
#include <errno.h>
#include <string.h>
#include <linux/ktcp.h>

#include "args.h"
#include "cli.h"
#include "show.h"

/* Beyond the settings in args.h (ARGS_OPT_*), which `set` takes too. */
enum {
	OPT_LISTENERS = 'l',
	OPT_WQ = 'w',
	/* http: long options only */
	OPT_ROOT = 256,
	OPT_LISTING,
	OPT_KEEPALIVE_MAX,
	OPT_MAX_REQUEST_LINE,
	OPT_MAX_HEADER,
	OPT_NO_SENDFILE,
	OPT_USER,
	OPT_HEAD_TIMEOUT,
};

/* What the options fill: the config, and the user's groups it points to. */
struct start_ctx {
	struct ktcp_server_cfg cfg;
	struct args_user user;
};

/* The http service's options; 0 or -errno with e filled, -ENOENT if not. */
static int start_http_opt(int c, const char *arg, struct start_ctx *ctx,
			  struct args_err *e)
{
	struct ktcp_server_cfg *cfg = &ctx->cfg;
	int err;

	switch (c) {
	case OPT_ROOT:
		cfg->has |= KTCP_HAS_HTTP_ROOT;
		cfg->http_root = arg;
		return args_root(arg, KTCP_PATH_MAX, e);
	case OPT_LISTING:
		cfg->has |= KTCP_HAS_HTTP_LISTING;
		cfg->http_listing = 1;
		return 0;
	case OPT_KEEPALIVE_MAX:
		cfg->has |= KTCP_HAS_HTTP_KEEPALIVE_MAX;
		return args_u32(arg, 0, UINT32_MAX, &cfg->http_keepalive_max,
				e);
	case OPT_MAX_REQUEST_LINE:
		cfg->has |= KTCP_HAS_HTTP_MAX_REQUEST_LINE;
		return args_u32(arg, ARGS_HTTP_REQUEST_LINE_MIN,
				ARGS_HTTP_REQUEST_LINE_MAX,
				&cfg->http_max_request_line, e);
	case OPT_MAX_HEADER:
		cfg->has |= KTCP_HAS_HTTP_MAX_HEADER;
		return args_u32(arg, ARGS_HTTP_HEADER_MIN, ARGS_HTTP_HEADER_MAX,
				&cfg->http_max_header, e);
	case OPT_HEAD_TIMEOUT:
		cfg->has |= KTCP_HAS_HTTP_HEAD_TIMEOUT;
		return args_duration_ms_range(arg, 1, KTCP_IDLE_TIMEOUT_MS_MAX,
					      &cfg->http_head_timeout_ms, e);
	case OPT_NO_SENDFILE:
		cfg->has |= KTCP_HAS_HTTP_SENDFILE;
		cfg->http_sendfile = 0;
		return 0;
	case OPT_USER:
		err = args_user(arg, &ctx->user, e);
		if (err)
			return err;
		cfg->has |= KTCP_HAS_HTTP_USER;
		cfg->http_uid = ctx->user.uid;
		cfg->http_gid = ctx->user.gid;
		cfg->http_ngroups = ctx->user.ngroups;
		cfg->http_groups = ctx->user.groups;
		return 0;
	}
	return -ENOENT;
}

/* Parse one option into cfg; 0 or -errno with e filled. */
static int start_opt(int c, const char *arg, void *arg_ctx, struct args_err *e)
{
	struct start_ctx *ctx = arg_ctx;
	struct ktcp_server_cfg *cfg = &ctx->cfg;
	int err;

	err = args_server_setting(c, arg, cfg, e);
	if (err != -ENOENT)
		return err;
	switch (c) {
	case OPT_LISTENERS:
		cfg->has |= KTCP_HAS_LISTENERS;
		return args_u32(arg, 1, KTCP_LISTENERS_MAX, &cfg->listeners, e);
	case OPT_WQ:
		cfg->has |= KTCP_HAS_ECHO_WQ;
		return args_wq(arg, &cfg->echo_wq, e);
	}
	return start_http_opt(c, arg, ctx, e);
}

static const struct option start_opts[] = {
	CLI_COMMON_OPTS,
	CLI_SETTINGS_OPTS,
	{ "listeners", required_argument, NULL, OPT_LISTENERS },
	{ "wq", required_argument, NULL, OPT_WQ },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "listing", no_argument, NULL, OPT_LISTING },
	{ "keepalive-max", required_argument, NULL, OPT_KEEPALIVE_MAX },
	{ "max-request-line", required_argument, NULL, OPT_MAX_REQUEST_LINE },
	{ "max-header", required_argument, NULL, OPT_MAX_HEADER },
	{ "no-sendfile", no_argument, NULL, OPT_NO_SENDFILE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "head-timeout", required_argument, NULL, OPT_HEAD_TIMEOUT },
	{ NULL, 0, NULL, 0 },
};

/* --help: the settings, then the service options. */
static const struct cli_opt_help start_help[] = {
	CLI_SETTINGS_HELP,
	{ 'l', "listeners", "N", "SO_REUSEPORT listening sockets", HELP_NUM, 1,
	  KTCP_LISTENERS_MAX, 1, HELP_NO_DEFAULT },
	{ 'w', "wq", "unbound|percpu",
	  "echo: run a connection on its one CPU of --cpus (unbound, the "
	  "default) or wherever its packets arrive (percpu)",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "root", "DIR",
	  "http: serve the files beneath DIR, an absolute path; default a "
	  "built-in page",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "listing", NULL, "http: list directories without index.html",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "keepalive-max", "N", "http: requests per connection, 0: no limit",
	  HELP_NUM, 0, UINT32_MAX, 0, HELP_NO_DEFAULT },
	{ 0, "max-request-line", "N", "http: longest request line in bytes",
	  HELP_NUM, ARGS_HTTP_REQUEST_LINE_MIN, ARGS_HTTP_REQUEST_LINE_MAX,
	  KTCP_HTTP_DEFAULT_MAX_REQUEST_LINE, HELP_NO_DEFAULT },
	{ 0, "max-header", "N", "http: largest request head in bytes", HELP_NUM,
	  ARGS_HTTP_HEADER_MIN, ARGS_HTTP_HEADER_MAX,
	  KTCP_HTTP_DEFAULT_MAX_HEADER, HELP_NO_DEFAULT },
	{ 0, "head-timeout", "DURATION", "http: time to receive a request head",
	  HELP_MS, 1, KTCP_IDLE_TIMEOUT_MS_MAX,
	  KTCP_HTTP_DEFAULT_HEAD_TIMEOUT_MS, HELP_NO_DEFAULT },
	{ 0, "no-sendfile", NULL,
	  "http: send file bodies through a buffer, not from the page cache",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "user", "USER|UID",
	  "http: open files as this user; default the caller", HELP_NONE, 0, 0,
	  HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0 },
};

/*
 * After "unknown service", say which ones exist: the kernel cannot format
 * that into its message on every supported version.
 */
static void start_hint_services(struct ktcp *h)
{
	char **names;
	size_t n, i;

	if (ktcp_service_list(h, &names, &n))
		return;
	fputs("ktcp: known services:", stderr);
	for (i = 0; i < n; i++)
		fprintf(stderr, " %s", names[i]);
	fputs(n ? "\n" : " none (load a service module)\n", stderr);
	ktcp_service_list_free(names, n);
}

static int start_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct start_ctx ctx = { 0 };
	struct ktcp_server_cfg *cfg = &ctx.cfg;
	struct json_object *out;
	struct args_err e;
	struct ktcp *h;
	uint32_t id;
	int err;

	err = cli_getopt(cmd, argc, argv,
			 CLI_COMMON_SHORT_NOP ARGS_SETTINGS_SHORT "l:w:",
			 start_opts, start_opt, &ctx);
	if (err >= 0)
		return err;
	if (optind + 1 != argc)
		return cli_usage_err(cmd, "exactly one SERVICE is required");
	if (args_service(argv[optind], cfg->service, &e))
		return cli_usage_err(cmd, "%s", e.msg);
	if (!(cfg->has & KTCP_HAS_PORT))
		return cli_usage_err(cmd, "--port is required");

	err = cli_open(&h);
	if (err)
		return err;
	err = ktcp_server_start(h, cfg, &id);
	if (err) {
		int ret = cli_fail(h, err, "cannot start %s on port %u",
				   cfg->service, cfg->port);

		if (err == -ENOENT)
			start_hint_services(h);
		ktcp_close(h);
		return ret;
	}
	ktcp_close(h);
	if (!cli_json) {
		printf("%u\n", id);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	out = json_object_new_object();
	if (out)
		show_add_u64(out, "id", id);
	return cli_print(out);
}

const struct cli_cmd cmd_start = {
	.name = "start",
	.fn = start_main,
	.summary = "start a server and print its id",
	.usage = "SERVICE --port N [--addr ADDR] [--backlog N] "
		 "[--max-conns N] [--idle-timeout DURATION] [--max-mem SIZE] "
		 "[--cpus LIST] [--listeners N] [--wq unbound|percpu] "
		 "[--root DIR] [--listing] [--keepalive-max N] "
		 "[--max-request-line N] [--max-header N] "
		 "[--head-timeout DURATION] [--no-sendfile] "
		 "[--user USER|UID] [--json]",
	.help = start_help,
};
