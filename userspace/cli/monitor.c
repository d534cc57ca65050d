// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp monitor [--count N]: print server events as they come, until
 * interrupted (SIGINT/SIGTERM: exit 0) or N events were printed. With
 * --json, one JSON object per line; events the kernel could not deliver
 * (the socket overflowed) are reported in the stream as {"event": "lost"}.
 *
 * SIGINT and SIGTERM are blocked except inside ppoll(): one that comes
 * after the loop's stop check stays pending until ppoll() lets it in, so
 * it cannot be lost until the next event as with a check-then-poll().
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "show.h"

/* An event object (show_event() or show_lost()) as JSON or text. */
static int print_event(struct json_object *o)
{
	if (!o)
		return EXIT_FAIL;
	if (cli_json) {
		show_json(stdout, o, cli_pretty);
	} else {
		/* "started 1: echo addr :: port 7" */
		fprintf(stdout, "%s ",
			json_object_get_string(
				json_object_object_get(o, "event")));
		json_object_object_del(o, "event");
		show_text(stdout, o);
	}
	json_object_put(o);
	/* Flushed per event: readers are often pipes (tests, scripts). */
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}

/* Print events until a signal or count events; the signals are blocked. */
static int monitor_loop(struct ktcp *h, uint32_t count, const sigset_t *orig)
{
	struct ktcp_event ev;
	struct pollfd pfd;
	uint32_t seen = 0;
	int err;

	pfd.fd = ktcp_monitor_fd(h);
	pfd.events = POLLIN;
	while (!cli_stop_requested && (!count || seen < count)) {
		/* First what libktcp has queued, then the socket's. */
		err = ktcp_event_recv(h, &ev, 0);
		if (err == -ETIMEDOUT) {
			if (ppoll(&pfd, 1, NULL, orig) < 0 && errno != EINTR)
				return cli_fail(h, -errno,
						"cannot wait for events");
			continue;
		}
		if (err == -EINTR)
			continue;
		if (err == -ENOBUFS) {
			fprintf(stderr, "ktcp: monitor: events were lost "
					"(socket buffer overflow)\n");
			if (print_event(show_lost()))
				return EXIT_FAIL;
			continue;
		}
		if (err)
			return cli_fail(h, err, "cannot receive events");
		if (print_event(show_event(&ev)))
			return EXIT_FAIL;
		seen++;
	}
	return EXIT_OK;
}

static const struct option monitor_opts[] = {
	CLI_COMMON_OPTS,
	{ "count", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 },
};

static const struct cli_opt_help monitor_help[] = {
	{ 'c', "count", "N", "exit after N events; default never", HELP_NUM, 1,
	  UINT32_MAX, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0 },
};

static int monitor_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct args_err e;
	uint32_t count = 0;
	struct ktcp *h;
	sigset_t orig;
	int c, err;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "c:", monitor_opts,
				NULL)) != -1) {
		if (c == 'c') {
			if (args_u32(optarg, 1, UINT32_MAX, &count, &e))
				return cli_usage_err(cmd, "--count %s", e.msg);
			continue;
		}
		err = cli_common_opt(cmd, c);
		if (err >= 0)
			return err;
	}
	if (optind != argc)
		return cli_usage_err(cmd, "no arguments expected");

	err = cli_open(&h);
	if (err)
		return err;
	err = ktcp_monitor_open(h);
	if (err) {
		err = cli_fail(h, err, "cannot subscribe to events");
	} else {
		cli_catch_stop(&orig);
		err = monitor_loop(h, count, &orig);
	}
	ktcp_close(h);
	return err;
}

const struct cli_cmd cmd_monitor = {
	.name = "monitor",
	.fn = monitor_main,
	.summary = "print server and drop events as they happen",
	.usage = "[--count N] [--json]",
	.help = monitor_help,
};
