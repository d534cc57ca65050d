// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp top [--delay SECS] [--iterations N | --once] [--server ID] [--json]:
 * the servers of the netns, redrawn every --delay seconds like top(1):
 * per server its rate (http requests or echo messages per second), open
 * connections, the p99 of the service times and the socket errors, each
 * over the interval between two samples.
 *
 * Two modes. On a terminal (stdout a tty, no --once or --json) the screen
 * is redrawn in place with ANSI "home" and "erase below", lines cut to
 * the terminal's width and the frame to its height (again on SIGWINCH);
 * the first frame, before any interval, shows the servers with their
 * rates pending. The terminal's input is put out of canonical mode and
 * echo so that "q" quits at once; it is restored on every way out (q,
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT, -n, an error) and set again after
 * SIGCONT. Otherwise (a pipe, --once, --json) frames go out plain, text
 * separated by blank lines or one JSON document each, only frames with
 * rates, and the terminal is left alone. No curses: two escape sequences
 * are all it needs.
 *
 * As in monitor.c, the signals are blocked except inside ppoll(), so one
 * that comes between the checks and the wait is not lost.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <json-c/json.h>

#include "args.h"
#include "cli.h"
#include "show.h"
#include "top_frame.h"

/* Home, then erase to the end of the screen: a redraw without flicker. */
#define TOP_REDRAW "\033[H\033[J"

static volatile sig_atomic_t stop_requested, winch, cont;

static void on_stop(int sig)
{
	stop_requested = 1;
}

static void on_winch(int sig)
{
	winch = 1;
}

static void on_cont(int sig)
{
	cont = 1;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Block the signals we wait for (*orig: the mask ppoll() lets them in). */
static void catch_signals(sigset_t *orig)
{
	struct sigaction sa;
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&block, stop_signals[i]);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGCONT);
	sigprocmask(SIG_BLOCK, &block, orig);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigdelset(orig, stop_signals[i]);
	sigdelset(orig, SIGWINCH);
	sigdelset(orig, SIGCONT);
	/* No SA_RESTART: a signal must end the wait. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaction(stop_signals[i], &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
}

struct top_state {
	struct ktcp *h;
	uint32_t id; /* --server; 0: every server */
	uint32_t delay_ms;
	uint32_t iterations; /* frames with rates; 0: no end */
	bool once;
	bool screen; /* redraw a terminal in place */
	bool keys; /* read keys from a terminal on stdin */
	bool raw; /* saved holds the terminal's settings to restore */
	struct termios saved;
	struct top_sample smp[2];
	struct top_row *rows;
	struct top_frame fr; /* the last frame, drawn again on SIGWINCH */
	unsigned int plain_frames;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* --- the terminal ------------------------------------------------------ */

/* Keys one at a time, unechoed; ^C and the other signal keys still work. */
static int raw_on(struct top_state *s)
{
	struct termios t;

	if (!s->raw && tcgetattr(STDIN_FILENO, &s->saved))
		return -errno;
	t = s->saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return -errno;
	s->raw = true;
	return 0;
}

static void raw_off(struct top_state *s)
{
	if (s->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &s->saved);
	s->raw = false;
}

/* The terminal's size; 80x24 when it will not say. */
static void term_size(unsigned int *width, unsigned int *height)
{
	struct winsize ws;

	*width = 80;
	*height = 24;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*width = ws.ws_col;
		*height = ws.ws_row;
	}
}

/* --- samples ------------------------------------------------------------ */

static int copy_server(struct top_state *s, struct top_server *dst,
		       const struct ktcp_server *src)
{
	int err;

	memset(dst, 0, sizeof(*dst));
	dst->id = src->id;
	snprintf(dst->service, sizeof(dst->service), "%s", src->service);
	if (src->has & KTCP_HAS_NAME)
		snprintf(dst->name, sizeof(dst->name), "%s", src->name);
	dst->port = src->port;
	if (src->has & KTCP_HAS_STATS)
		dst->stats = src->stats;
	err = ktcp_latency_get(s->h, src->id, &dst->lat);
	dst->has_lat = !err;
	/* A module without histograms, or a server gone meanwhile: "-". */
	if (err && err != -EOPNOTSUPP && err != -ENOENT)
		return cli_fail(s->h, err,
				"cannot get the service times of server %u",
				src->id);
	return 0;
}

/* Every server (or --server's) and its counters, now. */
static int take_sample(struct top_state *s, struct top_sample *smp)
{
	struct ktcp_server *arr = NULL;
	struct top_server *srv;
	size_t i, n = 0;
	int err;

	if (s->id) {
		err = ktcp_server_get(s->h, s->id, &arr);
		n = arr ? 1 : 0;
		/* A server that went away has no row. */
		if (err == -ENOENT)
			err = 0;
	} else {
		err = ktcp_server_list(s->h, &arr, &n);
	}
	if (err)
		return cli_fail(s->h, err, "cannot list servers");
	smp->mono_ns = mono_ns();
	clock_gettime(CLOCK_REALTIME, &smp->wall);
	srv = realloc(smp->srv, (n ? n : 1) * sizeof(*srv));
	if (!srv) {
		err = cli_fail(s->h, -ENOMEM, "cannot list servers");
		goto out;
	}
	smp->srv = srv;
	smp->n = 0;
	for (i = 0; i < n; i++) {
		err = copy_server(s, &srv[i], &arr[i]);
		if (err)
			goto out;
		smp->n++;
	}
out:
	if (s->id)
		ktcp_server_free(arr);
	else
		ktcp_server_list_free(arr);
	return err;
}

/* s->fr from two samples (prev NULL: the one before any interval). */
static int make_frame(struct top_state *s, const struct top_sample *prev,
		      const struct top_sample *cur)
{
	struct top_row *rows =
		realloc(s->rows, (cur->n ? cur->n : 1) * sizeof(*rows));

	if (!rows) {
		fprintf(stderr, "ktcp: top: %s\n", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	s->rows = rows;
	s->fr.rows = rows;
	s->fr.n = top_frame_rows(prev, cur, rows);
	s->fr.wall = cur->wall;
	s->fr.delay_ms = s->delay_ms;
	s->fr.interval_ns = prev && cur->mono_ns > prev->mono_ns ?
				    cur->mono_ns - prev->mono_ns :
				    0;
	return 0;
}

/* --- drawing ------------------------------------------------------------ */

/* The frame over the last, in one write: no flicker, no scrolling. */
static int draw_screen(struct top_state *s)
{
	unsigned int width, height;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err = 0;

	f = open_memstream(&buf, &len);
	if (!f) {
		fprintf(stderr, "ktcp: top: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	term_size(&width, &height);
	fputs(TOP_REDRAW, f);
	/* One line fewer than the screen: the last newline must not scroll. */
	top_render(f, &s->fr, width, height > 1 ? height - 1 : 1);
	if (fclose(f))
		err = EXIT_FAIL;
	else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout))
		err = EXIT_FAIL;
	free(buf);
	return err;
}

static int draw_plain(struct top_state *s)
{
	struct json_object *o;

	if (cli_json) {
		o = top_json(&s->fr);
		if (!o || show_json(stdout, o, cli_pretty)) {
			json_object_put(o);
			return EXIT_FAIL;
		}
		json_object_put(o);
	} else {
		if (s->plain_frames)
			fputc('\n', stdout);
		top_render(stdout, &s->fr, 0, 0);
	}
	s->plain_frames++;
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}

static int draw(struct top_state *s)
{
	return s->screen ? draw_screen(s) : draw_plain(s);
}

/* --- the loop ----------------------------------------------------------- */

/* Keys typed: "q" or "Q" quits; the end of input quits too. */
static void read_keys(struct top_state *s)
{
	char buf[64];
	ssize_t n, i;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n == 0) {
		stop_requested = 1;
		return;
	}
	for (i = 0; i < n; i++)
		if (buf[i] == 'q' || buf[i] == 'Q')
			stop_requested = 1;
}

/*
 * Wait until deadline (CLOCK_MONOTONIC ns), a stop or a key that stops;
 * redraw on the way when the terminal changed size or we were continued.
 */
static int wait_until(struct top_state *s, uint64_t deadline,
		      const sigset_t *orig)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	struct timespec ts;
	uint64_t now;
	int n, err;

	while (!stop_requested && (now = mono_ns()) < deadline) {
		ts.tv_sec = (time_t)((deadline - now) / 1000000000ULL);
		ts.tv_nsec = (long)((deadline - now) % 1000000000ULL);
		n = ppoll(&pfd, s->keys ? 1 : 0, &ts, orig);
		if (n < 0 && errno != EINTR)
			return cli_fail(s->h, -errno, "cannot wait");
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR)))
			stop_requested = 1;
		else if (n > 0)
			read_keys(s);
		if (cont) {
			cont = 0;
			winch = 1;
			/* A shell that stopped us may have reset the tty. */
			if (s->keys)
				raw_on(s);
		}
		if (winch && !stop_requested && s->screen) {
			winch = 0;
			err = draw_screen(s);
			if (err)
				return err;
		}
	}
	return 0;
}

static int top_loop(struct top_state *s, const sigset_t *orig)
{
	struct top_sample *prev = &s->smp[0], *cur = &s->smp[1], *t;
	unsigned int frames = 0;
	int err;

	err = take_sample(s, prev);
	if (err)
		return err;
	if (s->screen) {
		err = make_frame(s, NULL, prev);
		if (!err)
			err = draw_screen(s);
		if (err)
			return err;
	}
	for (;;) {
		err = wait_until(s, prev->mono_ns + s->delay_ms * 1000000ULL,
				 orig);
		if (err || stop_requested)
			return err;
		err = take_sample(s, cur);
		if (!err)
			err = make_frame(s, prev, cur);
		if (!err)
			err = draw(s);
		if (err)
			return err;
		t = prev;
		prev = cur;
		cur = t;
		if (s->iterations && ++frames >= s->iterations)
			return 0;
	}
}

/* --- options ------------------------------------------------------------ */

#define TOP_OPT_ONCE 256

static const struct option top_opts[] = {
	CLI_COMMON_OPTS,
	{ "delay", required_argument, NULL, 'd' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "once", no_argument, NULL, TOP_OPT_ONCE },
	{ "server", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

static const struct cli_opt_help top_help[] = {
	{ 'd', "delay", "SECS",
	  "seconds between frames, decimals allowed (0.5); 0.1-3600; "
	  "default 2",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 'n', "iterations", "N",
	  "exit after N frames with rates; default never", HELP_NUM, 1,
	  UINT32_MAX, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "once", NULL,
	  "one frame over one delay, plain, for scripts (as -n 1 into a "
	  "pipe)",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 's', "server", "ID", "only this server; default all of the netns",
	  HELP_NUM, 1, UINT32_MAX, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0 },
};

/* "--delay 'x' is not ...": the option's name before the parser's words. */
static int opt_fail(struct args_err *e, const char *opt)
{
	char msg[sizeof(e->msg)];

	memcpy(msg, e->msg, sizeof(msg));
	return args_fail(e, -EINVAL, "%s %s", opt, msg);
}

static int top_opt(int c, const char *arg, void *ctx, struct args_err *e)
{
	struct top_state *s = ctx;

	switch (c) {
	case 'd':
		if (top_delay_parse(arg, &s->delay_ms, e))
			return opt_fail(e, "--delay");
		return 0;
	case 'n':
		if (args_u32(arg, 1, UINT32_MAX, &s->iterations, e))
			return opt_fail(e, "--iterations");
		return 0;
	case TOP_OPT_ONCE:
		s->once = true;
		return 0;
	case 's':
		if (args_u32(arg, 1, UINT32_MAX, &s->id, e))
			return opt_fail(e, "--server");
		return 0;
	default:
		return -ENOENT;
	}
}

static void top_free(struct top_state *s)
{
	free(s->smp[0].srv);
	free(s->smp[1].srv);
	free(s->rows);
	ktcp_close(s->h);
}

static int top_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	static struct top_state s;
	sigset_t orig;
	int err;

	s.delay_ms = TOP_DELAY_DEFAULT_MS;
	err = cli_getopt(cmd, argc, argv, CLI_COMMON_SHORT "d:n:s:", top_opts,
			 top_opt, &s);
	if (err >= 0)
		return err;
	if (optind != argc)
		return cli_usage_err(cmd, "no arguments expected");
	if (s.once && s.iterations)
		return cli_usage_err(cmd, "--once is -n 1: not both");
	if (s.once)
		s.iterations = 1;
	s.screen = !s.once && !cli_json && isatty(STDOUT_FILENO);
	s.keys = s.screen && isatty(STDIN_FILENO);

	err = cli_open(&s.h);
	if (err)
		return err;
	if (s.id) {
		err = cli_check_server(s.h, s.id);
		if (err)
			goto out;
	}
	catch_signals(&orig);
	if (s.keys && raw_on(&s))
		s.keys = false; /* no keys, ^C still stops */
	err = top_loop(&s, &orig);
	raw_off(&s);
	/* Leave the shell's prompt below the last frame. */
	if (s.screen && fflush(stdout) && !err)
		err = EXIT_FAIL;
out:
	top_free(&s);
	return err;
}

const struct cli_cmd cmd_top = {
	.name = "top",
	.fn = top_main,
	.summary = "live per-server rates, connections, p99 and errors",
	.usage = "[--delay SECS] [--iterations N | --once] [--server ID] "
		 "[--json]",
	.help = top_help,
};
