/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The option lists of `ktcp CMD --help`: one entry per option, with its
 * range and default as numbers (from <linux/ktcp.h> or args.h, the values
 * the parsers check), formatted and wrapped to the terminal here. Pure:
 * no netlink.
 */
#ifndef KTCP_CLI_HELP_H
#define KTCP_CLI_HELP_H

#include <stdint.h>
#include <stdio.h>

/* How min, max and the defaults print. */
enum help_kind {
	HELP_NONE, /* no range */
	HELP_NUM, /* a number */
	HELP_MS, /* a duration in ms: "75s", "24h" */
	HELP_KB, /* a size in KiB: "64M", "1T" */
};

#define HELP_NO_DEFAULT UINT64_MAX

struct cli_opt_help {
	char short_name; /* 0: long only */
	const char *name; /* without "--"; NULL ends a table */
	const char *arg; /* "N", "DURATION"; NULL: a flag */
	const char *text; /* what it does */
	enum help_kind kind;
	uint32_t min, max;
	uint64_t def; /* HELP_NO_DEFAULT: none to show */
	uint64_t def_http; /* the http service's, when it differs */
};

/* COLUMNS when it is a number, else the terminal's width, else 80. */
unsigned int help_width(FILE *f);
/*
 * Print text from column col (the cursor is there), breaking lines at
 * spaces before width and starting each next line at column indent.
 */
void help_wrap(FILE *f, const char *text, unsigned int col, unsigned int indent,
	       unsigned int width);
/* "  -p, --port N   TEXT; 1-65535; default 128" per option, wrapped. */
void help_options(FILE *f, const struct cli_opt_help *opts, unsigned int width);
/* A value of kind k as --help prints it ("24h", "64M", "128"). */
void help_value(enum help_kind k, uint64_t v, char *buf, size_t len);

#endif /* KTCP_CLI_HELP_H */
