// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp log [--server ID] [--count N] [--json]: print the access records of
 * the netns's http servers as they come, in the Combined Log Format or as
 * JSON lines, until interrupted (SIGINT/SIGTERM: exit 0) or N records.
 *
 * Fast enough for a server's peak rate: the library reads records many
 * at a time into a large socket buffer, and stdout is flushed only when
 * the socket is empty, not per record. What could not be kept is
 * reported, never silently lost: overruns of our socket (ENOBUFS) and
 * the servers' own count of records not delivered (log_dropped, since
 * we started), on stderr for text and in the stream for --json, when
 * they happen and at the end.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "accesslog.h"
#include "args.h"
#include "cli.h"
#include "show.h"

#define LOG_BATCH 64
#define LOG_STDOUT_BUF (1 << 20)
/* --buffer: libktcp's default, and the range the kernel can take. */
#define LOG_BUFFER_DEFAULT_KB (16 * 1024)
#define LOG_BUFFER_MIN_KB 4
#define LOG_BUFFER_MAX_KB (1024 * 1024)

struct log_state {
	struct ktcp *h;
	uint32_t id; /* 0: every server */
	uint32_t count; /* 0: no end */
	uint32_t buffer_kb; /* the socket's receive buffer; 0: libktcp's */
	uint32_t seen;
	uint64_t overruns; /* ENOBUFS on our socket */
	uint64_t dropped0; /* the kernel's log_dropped when we began */
	uint64_t dropped; /* and since */
	char line[ACCESSLOG_LINE_MAX];
};

static uint64_t kernel_dropped(struct log_state *s)
{
	struct ktcp_stats st;

	if (ktcp_stats_get(s->h, s->id, &st) ||
	    !(st.has & KTCP_STAT_LOG_DROPPED))
		return 0;
	return st.log_dropped;
}

/* Losses so far, if any: a JSON line, or a line on stderr. */
static int report_lost(struct log_state *s, bool final)
{
	uint64_t d = kernel_dropped(s);
	struct json_object *o;

	s->dropped = d > s->dropped0 ? d - s->dropped0 : 0;
	if (final && !s->overruns && !s->dropped)
		return 0;
	if (!cli_json) {
		fflush(stdout);
		fprintf(stderr,
			"ktcp: log: %s%llu socket overruns (records lost), "
			"%llu records dropped by the server%s\n",
			final ? "in all: " : "",
			(unsigned long long)s->overruns,
			(unsigned long long)s->dropped, s->id ? "" : "s");
		return 0;
	}
	o = json_object_new_object();
	if (!o)
		return EXIT_FAIL;
	json_object_object_add(o, "lost", json_object_new_boolean(1));
	show_add_u64(o, "overruns", s->overruns);
	show_add_u64(o, "log_dropped", s->dropped);
	show_json(stdout, o, false);
	json_object_put(o);
	return 0;
}

static int print_record(struct log_state *s, const struct ktcp_log_record *r)
{
	struct json_object *o;
	size_t n;

	if (!cli_json) {
		n = accesslog_clf(s->line, r);
		return fwrite(s->line, 1, n, stdout) == n ? 0 : EXIT_FAIL;
	}
	o = accesslog_json(r);
	if (!o)
		return EXIT_FAIL;
	n = (size_t)show_json(stdout, o, cli_pretty);
	json_object_put(o);
	return n ? EXIT_FAIL : 0;
}

static int log_loop(struct log_state *s, const sigset_t *orig)
{
	struct ktcp_log_record recs[LOG_BATCH];
	struct pollfd pfd = { .fd = ktcp_log_fd(s->h), .events = POLLIN };
	int i, n;

	while (!cli_stop_requested && (!s->count || s->seen < s->count)) {
		n = ktcp_log_recv(s->h, recs, LOG_BATCH, 0);
		if (n == -ETIMEDOUT) {
			/* Caught up: what we have goes out now. */
			if (fflush(stdout))
				return EXIT_FAIL;
			if (ppoll(&pfd, 1, NULL, orig) < 0 && errno != EINTR)
				return cli_fail(s->h, -errno,
						"cannot wait for records");
			continue;
		}
		if (n == -EINTR)
			continue;
		if (n == -ENOBUFS) {
			s->overruns++;
			if (report_lost(s, false))
				return EXIT_FAIL;
			continue;
		}
		if (n < 0)
			return cli_fail(s->h, n, "cannot receive records");
		for (i = 0; i < n && (!s->count || s->seen < s->count); i++) {
			if (s->id && recs[i].id != s->id)
				continue;
			if (print_record(s, &recs[i]))
				return EXIT_FAIL;
			s->seen++;
		}
	}
	return EXIT_OK;
}

static const struct option log_opts[] = {
	CLI_COMMON_OPTS,
	{ "server", required_argument, NULL, 's' },
	{ "count", required_argument, NULL, 'c' },
	{ "buffer", required_argument, NULL, 'b' },
	{ NULL, 0, NULL, 0 },
};

static const struct cli_opt_help log_help[] = {
	{ 's', "server", "ID",
	  "only this server's records; default all of "
	  "the netns",
	  HELP_NUM, 1, UINT32_MAX, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 'c', "count", "N", "exit after N records; default never", HELP_NUM, 1,
	  UINT32_MAX, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 'b', "buffer", "SIZE", "room for records not yet read (64K, 16M)",
	  HELP_KB, LOG_BUFFER_MIN_KB, LOG_BUFFER_MAX_KB, LOG_BUFFER_DEFAULT_KB,
	  HELP_NO_DEFAULT },
	{ 0 },
};

static int log_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	static struct log_state s;
	struct args_err e;
	sigset_t orig;
	int c, err;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "s:c:b:", log_opts,
				NULL)) != -1) {
		if (c == 's') {
			if (args_u32(optarg, 1, UINT32_MAX, &s.id, &e))
				return cli_usage_err(cmd, "--server %s", e.msg);
			continue;
		}
		if (c == 'c') {
			if (args_u32(optarg, 1, UINT32_MAX, &s.count, &e))
				return cli_usage_err(cmd, "--count %s", e.msg);
			continue;
		}
		if (c == 'b') {
			if (args_size_kb(optarg, LOG_BUFFER_MAX_KB,
					 &s.buffer_kb, &e))
				return cli_usage_err(cmd, "--buffer %s", e.msg);
			if (s.buffer_kb < LOG_BUFFER_MIN_KB)
				return cli_usage_err(
					cmd, "--buffer %s: below 4K", optarg);
			continue;
		}
		err = cli_common_opt(cmd, c);
		if (err >= 0)
			return err;
	}
	if (optind != argc)
		return cli_usage_err(cmd, "no arguments expected");

	err = cli_open(&s.h);
	if (err)
		return err;
	if (s.id) {
		err = cli_check_server(s.h, s.id);
		if (err)
			goto out;
	}
	err = ktcp_log_open(s.h, (size_t)s.buffer_kb * 1024);
	if (err) {
		err = cli_fail(s.h, err, "cannot read the access log");
		goto out;
	}
	s.dropped0 = kernel_dropped(&s);
	setvbuf(stdout, NULL, _IOFBF, LOG_STDOUT_BUF);
	cli_catch_stop(&orig);
	err = log_loop(&s, &orig);
	if (!err)
		err = report_lost(&s, true);
	if (fflush(stdout) && !err)
		err = EXIT_FAIL;
out:
	ktcp_close(s.h);
	return err;
}

const struct cli_cmd cmd_log = {
	.name = "log",
	.fn = log_main,
	.summary = "print the http servers' access log as it is written",
	.usage = "[--server ID] [--count N] [--buffer SIZE] [--json]",
	.help = log_help,
};
