/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ktcp CLI: main.c dispatches through a table of struct cli_cmd, one
 * per subcommand file. Subcommands reach the kernel only through libktcp.
 *
 * Exit codes: 0 success, 1 the operation failed, 2 usage error.
 */
#ifndef KTCP_CLI_H
#define KTCP_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include <ktcp.h>

#include "help.h"

struct json_object;

/* The package's version, from ktcp.h (the CLI is built with its libktcp). */
#define CLI_STR(x) #x
#define CLI_XSTR(x) CLI_STR(x)
#define KTCP_CLI_VERSION             \
	CLI_XSTR(KTCP_VERSION_MAJOR) \
	"." CLI_XSTR(KTCP_VERSION_MINOR) "." CLI_XSTR(KTCP_VERSION_PATCH)

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_opt_help;

struct cli_cmd {
	const char *name;
	int (*fn)(const struct cli_cmd *cmd, int argc, char **argv);
	const char *summary;
	const char *usage; /* after "ktcp NAME " */
	/* Its options for --help, ended by a {0}; NULL: only the common ones */
	const struct cli_opt_help *help;
};

/* Global output options (-j/--json, --pretty). */
extern bool cli_json;
extern bool cli_pretty;

extern const struct cli_cmd cmd_start, cmd_stop, cmd_set, cmd_list, cmd_stats,
	cmd_services, cmd_monitor, cmd_log, cmd_top, cmd_drop, cmd_version,
	cmd_apply, cmd_save;

/*
 * Options every subcommand takes, first in its getopt tables. --pretty has
 * no short form: -p is the port, as in every tool of the project.
 */
#define CLI_OPT_PRETTY 1024
/* clang-format off */
#define CLI_COMMON_OPTS					\
	{ "json", no_argument, NULL, 'j' },		\
	{ "pretty", no_argument, NULL, CLI_OPT_PRETTY },	\
	{ "help", no_argument, NULL, 'h' }
/* The settings start and set share (args_server_setting() parses them). */
#define CLI_SETTINGS_OPTS						\
	{ "port", required_argument, NULL, ARGS_OPT_PORT },		\
	{ "addr", required_argument, NULL, ARGS_OPT_ADDR },		\
	{ "backlog", required_argument, NULL, ARGS_OPT_BACKLOG },	\
	{ "max-conns", required_argument, NULL, ARGS_OPT_MAX_CONNS },	\
	{ "idle-timeout", required_argument, NULL, ARGS_OPT_IDLE },	\
	{ "max-mem", required_argument, NULL, ARGS_OPT_MAX_MEM },	\
	{ "cpus", required_argument, NULL, ARGS_OPT_CPUS }
/* Their --help entries; ranges and defaults are the parsers' own numbers. */
#define CLI_SETTINGS_HELP						\
	{ 'p', "port", "PORT", "TCP port to listen on", HELP_NUM, 1,	\
	  ARGS_PORT_MAX, HELP_NO_DEFAULT, HELP_NO_DEFAULT },			\
	{ 'a', "addr", "ADDR", "IPv4 or IPv6 address to listen on; "	\
	  "default :: (any)", HELP_NONE, 0, 0, HELP_NO_DEFAULT,		\
	  HELP_NO_DEFAULT },						\
	{ 'b', "backlog", "N", "listen backlog", HELP_NUM, 1,		\
	  KTCP_BACKLOG_MAX, KTCP_DEFAULT_BACKLOG, HELP_NO_DEFAULT },	\
	{ 'm', "max-conns", "N", "most connections open at once, 0: no "	\
	  "limit", HELP_NUM, 0, UINT32_MAX, 0,				\
	  KTCP_HTTP_DEFAULT_MAX_CONNS },				\
	{ 't', "idle-timeout", "DURATION", "close connections idle this "	\
	  "long (500, 500ms, 30s, 5m, 1h), 0: never", HELP_MS, 0,	\
	  KTCP_IDLE_TIMEOUT_MS_MAX, 0,					\
	  KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS },				\
	{ 0, "max-mem", "SIZE", "most buffer memory of the connections "	\
	  "(bytes, 512K, 64M, 1G), 0: no limit", HELP_KB, 0,		\
	  KTCP_MAX_MEM_KB_MAX, 0, KTCP_HTTP_DEFAULT_MAX_MEM_KB },	\
	{ 0, "cpus", "LIST", "CPUs that run the connections, as "	\
	  "taskset -c takes them (0-3,8); default every CPU", HELP_NONE,	\
	  0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT }
/* clang-format on */
/*
 * A command without --port takes "-p" only to say what it means now
 * (cli_common_opt()); start and set take "p:" (the port) instead, after
 * CLI_COMMON_SHORT_NOP.
 */
#define CLI_COMMON_SHORT_NOP "jh"
#define CLI_COMMON_SHORT CLI_COMMON_SHORT_NOP "p"
/* The hint for someone who meant the old -p (--pretty). */
void cli_hint_pretty(void);

/*
 * Handle a common option or an error from getopt. Returns -1 when the
 * caller should go on parsing, else the exit code to return at once.
 */
int cli_common_opt(const struct cli_cmd *cmd, int c);
void cli_usage(const struct cli_cmd *cmd, FILE *f);
/* Usage, summary and every option (cli_help.c), wrapped to the terminal. */
void cli_help(const struct cli_cmd *cmd, FILE *f);
/* "ktcp: NAME: <message>" and a usage hint; returns EXIT_USAGE. */
__attribute__((format(printf, 2, 3))) int
cli_usage_err(const struct cli_cmd *cmd, const char *fmt, ...);
/*
 * For a command whose output has no JSON form: with --json, a usage error
 * that says @why (else -1, go on), not text a script would fail to parse.
 */
int cli_text_only(const struct cli_cmd *cmd, const char *why);
/* Reset getopt and parse argv[0..argc) as a subcommand's arguments. */
void cli_getopt_reset(void);

struct args_err;
/* A subcommand's own option: 0, -errno with e filled, -ENOENT: not mine. */
typedef int (*cli_opt_fn)(int c, const char *arg, void *ctx,
			  struct args_err *e);
/*
 * Parse a subcommand's options: @opt (may be NULL) takes its own, the
 * common ones are handled here. Returns -1 once all are parsed, else the
 * exit code to return at once (help shown, or a usage error).
 */
int cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts,
	       cli_opt_fn opt, void *ctx);

/*
 * The server ID operand after a subcommand's options: exactly one when
 * @required, else at most one (*id is 0 without). Returns -1 when it
 * parses, else the exit code of the usage error it printed.
 */
int cli_server_id(const struct cli_cmd *cmd, int argc, char **argv,
		  bool required, uint32_t *id);

/* Open the handle; prints why not and returns nonzero on failure. */
int cli_open(struct ktcp **hp);
/*
 * For commands that wait in ppoll() until SIGINT or SIGTERM: block both
 * (*orig: the mask to give ppoll(), which lets them in) and set
 * cli_stop_requested when one comes, so that none is lost between the
 * check and the wait.
 */
extern volatile sig_atomic_t cli_stop_requested;
void cli_catch_stop(sigset_t *orig);
/* Does server @id exist? 0, or the exit code after saying why not. */
int cli_check_server(struct ktcp *h, uint32_t id);
/*
 * "ktcp: <what>: <strerror>[: <kernel message>]" plus a hint for EPERM;
 * returns EXIT_FAIL.
 */
__attribute__((format(printf, 3, 4))) int
cli_fail(const struct ktcp *h, int err, const char *fmt, ...);

/* ktcp stats --format prometheus (stats_prom.c); an exit code. */
int stats_prometheus(struct ktcp *h, uint32_t id);

/* Print obj as JSON or as text per cli_json; frees obj. 0 or EXIT_FAIL. */
int cli_print(struct json_object *obj);

#endif /* KTCP_CLI_H */
