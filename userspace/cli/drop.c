// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp drop: abort TCP connections by tuple or by filter.
 *
 *   ktcp drop SRC DST [SRC DST ...]      by tuple (SRC is the local end)
 *   ktcp drop -                          tuples from stdin, "SRC DST" lines
 *   ktcp drop --state LIST [--src A[/P]] [--dst A[/P]] [--sport N]
 *             [--dport N] [--limit N]    by filter
 *   --dry-run lists what would be dropped and drops nothing.
 *
 * Like `ss -K`, it prints what it dropped; a connection that is already
 * gone is reported as "not-found" and is not an error. All input is
 * parsed before anything is sent: one bad tuple drops nothing.
 */
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "drop_args.h"
#include "show.h"

struct drop_opts {
	struct ktcp_drop_filter f;
	unsigned int flags;
	bool filter; /* some filter option was given */
};

static const struct option drop_opts_long[] = {
	CLI_COMMON_OPTS,
	{ "state", required_argument, NULL, 's' },
	{ "src", required_argument, NULL, 'S' },
	{ "dst", required_argument, NULL, 'D' },
	{ "sport", required_argument, NULL, 'P' },
	{ "dport", required_argument, NULL, 'Q' },
	{ "limit", required_argument, NULL, 'l' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

static const struct cli_opt_help drop_help[] = {
	{ 0, "state", "LIST",
	  "drop by filter: these states (established, syn-sent, syn-recv, "
	  "fin-wait-1, fin-wait-2, time-wait, close-wait, last-ack, closing, "
	  "or all), comma-separated",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "src", "ADDR[/PREFIX]", "filter: local address", HELP_NONE, 0, 0,
	  HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "dst", "ADDR[/PREFIX]", "filter: remote address", HELP_NONE, 0, 0,
	  HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "sport", "PORT", "filter: local port", HELP_NUM, 1, ARGS_PORT_MAX,
	  HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "dport", "PORT", "filter: remote port", HELP_NUM, 1, ARGS_PORT_MAX,
	  HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "limit", "N", "filter: stop after N sockets; default no limit",
	  HELP_NUM, 1, UINT32_MAX, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0, "dry-run", NULL, "list what would be dropped, drop nothing",
	  HELP_NONE, 0, 0, HELP_NO_DEFAULT, HELP_NO_DEFAULT },
	{ 0 },
};

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       json_object_get_string(v) :
		       "";
}

/*
 * An endpoint object as text: "192.0.2.1:80", "[::1]:80"; with the
 * interface @dev (its "dev" or "ifindex", NULL without) as ss shows it:
 * "[fe80::1%eth0]:22", "192.0.2.1%vrf0:80". An interface name can hold
 * any byte: show_text_value() escapes it for the terminal.
 */
static void endpoint_text(struct json_object *s, const char *key,
			  struct json_object *dev)
{
	struct json_object *ep = NULL;
	const char *addr;
	bool v6;

	json_object_object_get_ex(s, key, &ep);
	addr = get_str(ep, "addr");
	v6 = strchr(addr, ':') != NULL;
	printf("%s%s%s", v6 ? "[" : "", addr, dev ? "%" : "");
	if (dev)
		show_text_value(stdout, dev);
	printf("%s:%s", v6 ? "]" : "", get_str(ep, "port"));
}

/* "dropped 127.0.0.1:51496 127.0.0.1:12345 time-wait" per socket. */
static int drop_text(struct json_object *o)
{
	struct json_object *a, *s, *dev;
	size_t i;

	json_object_object_get_ex(o, "sockets", &a);
	for (i = 0; i < json_object_array_length(a); i++) {
		s = json_object_array_get_idx(a, i);
		/* The socket's interface goes with its local end, as in ss. */
		dev = json_object_object_get(s, "dev");
		if (!dev)
			dev = json_object_object_get(s, "ifindex");
		printf("%-9s ", get_str(s, "result"));
		endpoint_text(s, "src", dev);
		putchar(' ');
		endpoint_text(s, "dst", NULL);
		printf("%s%s\n", *get_str(s, "state") ? " " : "",
		       get_str(s, "state"));
	}
	printf("dropped %s, not found %s, found %s\n", get_str(o, "dropped"),
	       get_str(o, "not_found"), get_str(o, "found"));
	json_object_put(o);
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}

static int drop_print(const struct ktcp_drop_result *res, size_t n,
		      bool dry_run)
{
	struct json_object *o = show_drop(res, n, dry_run);

	if (!o || cli_json)
		return cli_print(o);
	return drop_text(o);
}

static int drop_opt(const struct cli_cmd *cmd, int c, struct drop_opts *o)
{
	struct ktcp_drop_filter *f = &o->f;
	struct args_err e;
	int has = 0;

	switch (c) {
	case 's':
		if (drop_states(optarg, &f->states, &e))
			return cli_usage_err(cmd, "--state %s", e.msg);
		break;
	case 'S':
		if (drop_prefix(optarg, &f->saddr, &f->sprefix, &has, &e))
			return cli_usage_err(cmd, "--src %s", e.msg);
		f->has |= has ? KTCP_FILTER_SPREFIX : 0;
		break;
	case 'D':
		if (drop_prefix(optarg, &f->daddr, &f->dprefix, &has, &e))
			return cli_usage_err(cmd, "--dst %s", e.msg);
		f->has |= has ? KTCP_FILTER_DPREFIX : 0;
		break;
	case 'P':
		if (args_port(optarg, &f->sport, &e))
			return cli_usage_err(cmd, "--sport %s", e.msg);
		break;
	case 'Q':
		if (args_port(optarg, &f->dport, &e))
			return cli_usage_err(cmd, "--dport %s", e.msg);
		break;
	case 'l':
		if (args_u32(optarg, 1, UINT32_MAX, &f->limit, &e))
			return cli_usage_err(cmd, "--limit %s", e.msg);
		break;
	case 'n':
		o->flags |= KTCP_DROP_DRY_RUN;
		return -1;
	default:
		return cli_common_opt(cmd, c);
	}
	/* Any option above but --dry-run makes the drop one by filter. */
	o->filter = true;
	return -1;
}

static int drop_by_filter(struct ktcp *h, const struct drop_opts *o)
{
	struct ktcp_drop_result *res;
	size_t n;
	int err;

	err = ktcp_sock_drop_filter(h, &o->f, o->flags, &res, &n);
	if (err && res)
		drop_print(res, n, o->flags & KTCP_DROP_DRY_RUN);
	if (err) {
		ktcp_drop_result_free(res);
		return cli_fail(h, err, "cannot drop connections");
	}
	err = drop_print(res, n, o->flags & KTCP_DROP_DRY_RUN);
	ktcp_drop_result_free(res);
	return err;
}

static int drop_by_tuple(struct ktcp *h, const struct drop_list *l,
			 unsigned int flags)
{
	struct ktcp_drop_result *res;
	int err;

	err = ktcp_sock_drop(h, l->t, l->n, flags, &res);
	/* A later request failed: what the earlier ones did is still told. */
	if (err && res)
		drop_print(res, l->n, flags & KTCP_DROP_DRY_RUN);
	if (err) {
		ktcp_drop_result_free(res);
		return cli_fail(h, err, "cannot drop connections");
	}
	err = drop_print(res, l->n, flags & KTCP_DROP_DRY_RUN);
	ktcp_drop_result_free(res);
	return err;
}

/* The tuples of the command line or of stdin ("-"), all parsed first. */
static int drop_read_tuples(const struct cli_cmd *cmd, int argc, char **argv,
			    struct drop_list *l)
{
	struct args_err e;

	if (argc == 1 && !strcmp(argv[0], "-")) {
		if (drop_tuples_read(stdin, l, &e))
			return cli_usage_err(cmd, "stdin: %s; nothing dropped",
					     e.msg);
		if (!l->n)
			return cli_usage_err(cmd, "stdin: no tuples");
		return 0;
	}
	if (drop_tuples_argv(argv, argc, l, &e))
		return cli_usage_err(cmd, "%s; nothing dropped", e.msg);
	return 0;
}

static int drop_main(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct drop_opts o = { 0 };
	struct drop_list l = { 0 };
	struct ktcp *h;
	int c, err;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, drop_opts_long,
				NULL)) != -1) {
		err = drop_opt(cmd, c, &o);
		if (err >= 0)
			return err;
	}
	argc -= optind;
	argv += optind;
	if (o.filter && argc)
		return cli_usage_err(cmd, "tuples and filter options exclude "
					  "each other");
	if (o.filter && !o.f.states)
		return cli_usage_err(cmd, "a filter needs --state (--state all "
					  "for every state)");
	if (!o.filter && !argc)
		return cli_usage_err(cmd, "tuples, '-' or filter options are "
					  "required");
	if (!o.filter) {
		err = drop_read_tuples(cmd, argc, argv, &l);
		if (err)
			goto out;
	}
	err = cli_open(&h);
	if (err)
		goto out;
	err = o.filter ? drop_by_filter(h, &o) : drop_by_tuple(h, &l, o.flags);
	ktcp_close(h);
out:
	drop_list_free(&l);
	return err;
}

const struct cli_cmd cmd_drop = {
	.name = "drop",
	.fn = drop_main,
	.summary =
		"abort TCP connections (any state but listen) by tuple or filter",
	.usage =
		"SRC DST [SRC DST ...] | - | --state LIST [--src ADDR[/PREFIX]] "
		"[--dst ADDR[/PREFIX]] [--sport PORT] [--dport PORT] "
		"[--limit N] [--dry-run] [--json]",
	.help = drop_help,
};
