// SPDX-License-Identifier: GPL-2.0-only
/* Option lists for --help, wrapped to the terminal's width. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "help.h"

/* Where an option's description starts, as in `ip link help`. */
#define HELP_COL 28
/* Narrower terminals still get this much text per line. */
#define HELP_MIN_TEXT 20

unsigned int help_width(FILE *f)
{
	const char *cols = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long n;

	if (cols && *cols) {
		n = strtol(cols, &end, 10);
		if (!*end && n > 0 && n < 10000)
			return (unsigned int)n;
	}
	if (isatty(fileno(f)) && !ioctl(fileno(f), TIOCGWINSZ, &ws) &&
	    ws.ws_col)
		return ws.ws_col;
	return 80;
}

void help_wrap(FILE *f, const char *text, unsigned int col, unsigned int indent,
	       unsigned int width)
{
	const char *p = text;
	size_t word;

	if (width < indent + HELP_MIN_TEXT)
		width = indent + HELP_MIN_TEXT;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		word = strcspn(p, " ");
		/* A word longer than a line gets a line of its own. */
		if (col > indent && col + 1 + word > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, word, f);
		col += (unsigned int)word;
		p += word;
	}
	fputc('\n', f);
}

void help_value(enum help_kind k, uint64_t v, char *buf, size_t len)
{
	static const struct {
		const char *unit;
		uint64_t n;
	} ms[] = { { "h", 3600000 }, { "m", 60000 }, { "s", 1000 } },
	  kb[] = { { "T", 1ULL << 30 },
		   { "G", 1ULL << 20 },
		   { "M", 1ULL << 10 },
		   { "K", 1 } };
	size_t i;

	if (k == HELP_MS && v) {
		for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
			if (!(v % ms[i].n)) {
				snprintf(buf, len, "%llu%s",
					 (unsigned long long)(v / ms[i].n),
					 ms[i].unit);
				return;
			}
		snprintf(buf, len, "%llums", (unsigned long long)v);
		return;
	}
	if (k == HELP_KB && v) {
		for (i = 0; i < sizeof(kb) / sizeof(kb[0]); i++)
			if (!(v % kb[i].n)) {
				snprintf(buf, len, "%llu%s",
					 (unsigned long long)(v / kb[i].n),
					 kb[i].unit);
				return;
			}
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* TEXT; MIN-MAX; default D (http: H) */
static void help_text(const struct cli_opt_help *o, char *buf, size_t len)
{
	char a[32], b[32];
	size_t n;

	n = (size_t)snprintf(buf, len, "%s", o->text);
	if (o->kind != HELP_NONE && n < len) {
		help_value(o->kind, o->min, a, sizeof(a));
		help_value(o->kind, o->max, b, sizeof(b));
		n += (size_t)snprintf(buf + n, len - n, "; %s-%s", a, b);
	}
	if (o->def != HELP_NO_DEFAULT && n < len) {
		help_value(o->kind, o->def, a, sizeof(a));
		n += (size_t)snprintf(buf + n, len - n, "; default %s", a);
	}
	if (o->def_http != HELP_NO_DEFAULT && n < len) {
		help_value(o->kind, o->def_http, a, sizeof(a));
		snprintf(buf + n, len - n, "%s%s %s",
			 o->def == HELP_NO_DEFAULT ? "; default " : ", ",
			 "http", a);
	}
}

void help_options(FILE *f, const struct cli_opt_help *opts, unsigned int width)
{
	char head[64], text[512];
	int n;

	for (; opts && opts->name; opts++) {
		if (opts->short_name)
			n = snprintf(head, sizeof(head), "  -%c, --%s%s%s",
				     opts->short_name, opts->name,
				     opts->arg ? " " : "",
				     opts->arg ? opts->arg : "");
		else
			n = snprintf(head, sizeof(head), "      --%s%s%s",
				     opts->name, opts->arg ? " " : "",
				     opts->arg ? opts->arg : "");
		fputs(head, f);
		if (n + 2 > HELP_COL) {
			fprintf(f, "\n%*s", HELP_COL, "");
		} else {
			fprintf(f, "%*s", HELP_COL - n, "");
		}
		help_text(opts, text, sizeof(text));
		help_wrap(f, text, HELP_COL, HELP_COL, width);
	}
}
