// SPDX-License-Identifier: GPL-2.0-only
/* Helpers every subcommand shares: options, errors, output. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "show.h"

bool cli_json;
bool cli_pretty;

void cli_usage(const struct cli_cmd *cmd, FILE *f)
{
	int col = fprintf(f, "usage: ktcp %s%s", cmd->name,
			  *cmd->usage ? " " : "");

	help_wrap(f, cmd->usage, (unsigned int)col, (unsigned int)col,
		  help_width(f));
}

void cli_help(const struct cli_cmd *cmd, FILE *f)
{
	static const struct cli_opt_help common[] = {
		{ 'j', "json", NULL, "print JSON (docs/json.md)", HELP_NONE, 0,
		  0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
		{ 0, "pretty", NULL, "indent the JSON", HELP_NONE, 0, 0,
		  HELP_NO_DEFAULT, HELP_NO_DEFAULT },
		{ 'h', "help", NULL, "print this help", HELP_NONE, 0, 0,
		  HELP_NO_DEFAULT, HELP_NO_DEFAULT },
		{ 0 },
	};
	unsigned int width = help_width(f);

	cli_usage(cmd, f);
	help_wrap(f, cmd->summary, 0, 0, width);
	fputs("\noptions:\n", f);
	help_options(f, cmd->help, width);
	help_options(f, common, width);
}

int cli_usage_err(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ktcp: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_usage(cmd, stderr);
	return EXIT_USAGE;
}

int cli_text_only(const struct cli_cmd *cmd, const char *why)
{
	return cli_json ? cli_usage_err(cmd, "--json: %s", why) : -1;
}

void cli_hint_pretty(void)
{
	fputs("ktcp: -p is the port (-p PORT, as --port); "
	      "to indent JSON, use --pretty\n",
	      stderr);
}

int cli_common_opt(const struct cli_cmd *cmd, int c)
{
	switch (c) {
	case 'j':
		cli_json = true;
		return -1;
	case CLI_OPT_PRETTY:
		cli_pretty = true;
		return -1;
	case 'p': /* only where -p is not the port: the old --pretty */
		fprintf(stderr, "ktcp: %s: -p is not an option of '%s'\n",
			cmd->name, cmd->name);
		cli_hint_pretty();
		cli_usage(cmd, stderr);
		return EXIT_USAGE;
	case 'h':
		cli_help(cmd, stdout);
		return EXIT_OK;
	default: /* getopt has printed what was wrong */
		if (optopt == 'p')
			cli_hint_pretty();
		cli_usage(cmd, stderr);
		return EXIT_USAGE;
	}
}

int cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts,
	       cli_opt_fn opt, void *ctx)
{
	struct args_err e;
	int c, err;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		err = opt ? opt(c, optarg, ctx, &e) : -ENOENT;
		if (err == -ENOENT) {
			err = cli_common_opt(cmd, c);
			if (err >= 0)
				return err;
		} else if (err) {
			return cli_usage_err(cmd, "%s", e.msg);
		}
	}
	return -1;
}

int cli_server_id(const struct cli_cmd *cmd, int argc, char **argv,
		  bool required, uint32_t *id)
{
	int n = argc - optind;
	struct args_err e;

	*id = 0;
	if (required && n != 1)
		return cli_usage_err(cmd, "exactly one server ID is required");
	if (n > 1)
		return cli_usage_err(cmd, "at most one server ID");
	if (n && args_id(argv[optind], id, &e))
		return cli_usage_err(cmd, "server ID %s", e.msg);
	return -1;
}

void cli_getopt_reset(void)
{
	/* 0, not 1: also resets GNU getopt's internal state. */
	optind = 0;
}

volatile sig_atomic_t cli_stop_requested;

static void cli_on_stop(int sig)
{
	cli_stop_requested = 1;
}

void cli_catch_stop(sigset_t *orig)
{
	struct sigaction sa;
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, orig);
	sigdelset(orig, SIGINT);
	sigdelset(orig, SIGTERM);
	/* No SA_RESTART: the signal must interrupt ppoll(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cli_on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cli_check_server(struct ktcp *h, uint32_t id)
{
	struct ktcp_stats st;
	int err = ktcp_stats_get(h, id, &st);

	return err ? cli_fail(h, err, "server %u", id) : 0;
}

int cli_open(struct ktcp **hp)
{
	char why[KTCP_ERRMSG_LEN];
	int err = ktcp_open_errmsg(hp, why, sizeof(why));

	if (!err)
		return 0;
	if (!why[0])
		return cli_fail(NULL, err, "cannot reach the ktcp family");
	fprintf(stderr, "ktcp: %s%s\n", why,
		err == -EPROTONOSUPPORT ? "; try 'modprobe ktcp'" : "");
	return EXIT_FAIL;
}

int cli_fail(const struct ktcp *h, int err, const char *fmt, ...)
{
	const char *msg = ktcp_errmsg(h);
	va_list ap;

	fputs("ktcp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s", strerror(-err));
	if (msg)
		fprintf(stderr, ": %s", msg);
	/* A message that names its capability says all there is to say. */
	if ((err == -EPERM || err == -EACCES) && !(msg && strstr(msg, "CAP_")))
		fputs(" (this needs CAP_NET_ADMIN in the initial user "
		      "namespace: run it as root, outside user namespaces)",
		      stderr);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int cli_print(struct json_object *obj)
{
	int ret = EXIT_OK;
	size_t i;

	if (!obj) {
		fprintf(stderr, "ktcp: %s\n", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	if (cli_json) {
		if (show_json(stdout, obj, cli_pretty))
			ret = EXIT_FAIL;
	} else if (json_object_is_type(obj, json_type_array)) {
		for (i = 0; i < json_object_array_length(obj); i++)
			show_text(stdout, json_object_array_get_idx(obj, i));
	} else {
		show_text(stdout, obj);
	}
	json_object_put(obj);
	if (fflush(stdout))
		ret = EXIT_FAIL;
	return ret;
}
