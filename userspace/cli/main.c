// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp: control in-kernel TCP services. The table below drives both
 * dispatch and the help text; each subcommand lives in its own file.
 * "ktcp genl CMD ..." is an alias for "ktcp CMD ...".
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_cmd *const commands[] = {
	&cmd_start,    &cmd_stop,    &cmd_set,	&cmd_list, &cmd_stats,
	&cmd_services, &cmd_monitor, &cmd_log,	&cmd_top,  &cmd_drop,
	&cmd_version,  &cmd_apply,   &cmd_save,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ktcp [-j|--json] [--pretty] [-h|--help] "
		   "[-V|--version] COMMAND [ARGS]\n"
		   "       ktcp genl COMMAND [ARGS]\n\n"
		   "commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(f, "  %-10s %s\n", "help", "show this help, or a command's");
	fprintf(f, "\nThe global options may also come after genl or after "
		   "the command.\n'ktcp help COMMAND' lists a command's "
		   "options.\n");
	fprintf(f, "\nexit status: 0 success, 1 failure, 2 usage error\n");
}

static void usage_genl(FILE *f)
{
	fprintf(f, "usage: ktcp genl [-j|--json] [--pretty] COMMAND [ARGS]\n"
		   "the same as 'ktcp COMMAND [ARGS]' (see 'ktcp help')\n");
}

static const struct cli_cmd *find(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int help(int argc, char **argv)
{
	const struct cli_cmd *cmd;

	/* "ktcp help genl CMD" is "ktcp help CMD". */
	if (argc > 2 && !strcmp(argv[1], "genl"))
		return help(argc - 1, argv + 1);
	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "genl")) {
		usage_genl(stdout);
		return EXIT_OK;
	}
	cmd = find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "ktcp: help: unknown command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	cli_help(cmd, stdout);
	return EXIT_OK;
}

/*
 * The global options at the start of argv[1..argc), before the command
 * (or before "genl" and between "genl" and the command). Returns -1 with
 * optind at the command, else the exit code.
 */
static int global_opts(int argc, char **argv, bool genl)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, CLI_OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_getopt_reset();
	/* "+": stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+jphV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli_json = true;
			break;
		case CLI_OPT_PRETTY:
			cli_pretty = true;
			break;
		case 'h':
			genl ? usage_genl(stdout) : usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("ktcp %s\n", KTCP_CLI_VERSION);
			return EXIT_OK;
		case 'p':
			fputs("ktcp: -p is not a global option\n", stderr);
			cli_hint_pretty();
			return EXIT_USAGE;
		default:
			genl ? usage_genl(stderr) : usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		if (genl)
			fprintf(stderr, "ktcp: genl: a command is required\n");
		genl ? usage_genl(stderr) : usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* argv[0] is the command name; "genl" re-dispatches what follows. */
static int dispatch(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	char prog[32];
	int err;

	if (!strcmp(argv[0], "genl")) {
		argv[0] = "ktcp: genl"; /* for getopt's messages */
		err = global_opts(argc, argv, true);
		if (err >= 0)
			return err;
		if (!strcmp(argv[optind], "genl")) {
			fprintf(stderr, "ktcp: genl: a command is required\n");
			usage_genl(stderr);
			return EXIT_USAGE;
		}
		return dispatch(argc - optind, argv + optind);
	}
	if (!strcmp(argv[0], "help"))
		return help(argc, argv);
	cmd = find(argv[0]);
	if (!cmd) {
		fprintf(stderr,
			"ktcp: unknown command '%s' (see 'ktcp help')\n",
			argv[0]);
		return EXIT_USAGE;
	}
	/* getopt's own messages start with argv[0]: "ktcp: CMD: ..." */
	snprintf(prog, sizeof(prog), "ktcp: %s", cmd->name);
	argv[0] = prog;
	cli_getopt_reset();
	return cmd->fn(cmd, argc, argv);
}

int main(int argc, char **argv)
{
	int err;

	argv[0] = "ktcp"; /* for getopt's messages, whatever the path */
	err = global_opts(argc, argv, false);
	if (err >= 0)
		return err;
	return dispatch(argc - optind, argv + optind);
}
