// SPDX-License-Identifier: GPL-2.0-only
/* ktcp top's rates, quantiles and lines: pure, see top_frame.h. */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>

#include "args.h"
#include "show.h"
#include "top_frame.h"

#define TOP_QUOTE_MAX 48

int top_delay_parse(const char *s, uint32_t *ms, struct args_err *e)
{
	static const unsigned int scale[] = { 100, 10, 1 }; /* ms a digit */
	char q[TOP_QUOTE_MAX];
	const char *p = s;
	unsigned int i;
	uint64_t v = 0;

	args_quote(s, q, sizeof(q));
	if (*p < '0' || *p > '9')
		goto nan;
	/* Whole seconds; past the limit only scanned, for the message. */
	for (; *p >= '0' && *p <= '9'; p++)
		if (v <= TOP_DELAY_MAX_MS)
			v = v * 10 + (uint64_t)(*p - '0');
	v *= 1000;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto nan;
		for (i = 0; *p >= '0' && *p <= '9'; p++, i++) {
			if (i == sizeof(scale) / sizeof(scale[0]))
				return args_fail(
					e, -EINVAL,
					"'%s': at most 3 decimals (milliseconds)",
					q);
			v += (uint64_t)(*p - '0') * scale[i];
		}
	}
	if (*p)
		goto nan;
	if (v < TOP_DELAY_MIN_MS || v > TOP_DELAY_MAX_MS)
		return args_fail(e, -ERANGE,
				 "'%s' is out of range (0.1-%u seconds)", q,
				 TOP_DELAY_MAX_MS / 1000);
	*ms = (uint32_t)v;
	return 0;
nan:
	return args_fail(e, -EINVAL, "'%s' is not a number of seconds", q);
}

uint64_t top_counter_delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

void top_latency_delta(const struct ktcp_latency *prev,
		       const struct ktcp_latency *cur, struct ktcp_latency *d)
{
	unsigned int i, n = cur->nbuckets < KTCP_LATENCY_SLOTS ?
				    cur->nbuckets :
				    KTCP_LATENCY_SLOTS;

	*d = *cur;
	if (prev->nbuckets != cur->nbuckets ||
	    prev->min_shift != cur->min_shift ||
	    prev->sub_bits != cur->sub_bits || prev->count > cur->count ||
	    prev->sum_ns > cur->sum_ns)
		return;
	for (i = 0; i < n; i++)
		if (prev->buckets[i] > cur->buckets[i])
			return; /* reset in between: d stays cur */
	for (i = 0; i < n; i++)
		d->buckets[i] -= prev->buckets[i];
	d->count -= prev->count;
	d->sum_ns -= prev->sum_ns;
}

/* The counter a rate counts, for this service; false when there is none. */
static bool rate_counter(const struct top_server *s, uint64_t *v,
			 const char **unit)
{
	if (!strcmp(s->service, "http")) {
		*unit = "req/s";
		*v = s->stats.http_requests;
		return s->stats.has & KTCP_STAT_HTTP_REQUESTS;
	}
	/* echo: one service time sample per message */
	*unit = strcmp(s->service, "echo") ? "/s" : "msg/s";
	*v = s->lat.count;
	return s->has_lat;
}

void top_row_compute(const struct top_server *prev,
		     const struct top_server *cur, uint64_t elapsed_ns,
		     struct top_row *row)
{
	const struct ktcp_stats *st = &cur->stats;
	struct ktcp_latency d;
	uint64_t a, b;
	const char *unit;

	memset(row, 0, sizeof(*row));
	row->id = cur->id;
	row->service = cur->service;
	row->name = cur->name;
	row->port = cur->port;
	row->has_active = st->has & KTCP_STAT_ACTIVE;
	row->active = st->active;
	row->has_errors_total = st->has & KTCP_STAT_ERRORS;
	row->errors_total = st->errors;
	row->has_rate = rate_counter(cur, &b, &unit);
	row->unit = unit;
	if (!prev || !elapsed_ns) {
		row->has_rate = false;
		return;
	}
	if (row->has_rate && rate_counter(prev, &a, &unit))
		row->rate = (double)top_counter_delta(a, b) * 1e9 /
			    (double)elapsed_ns;
	else
		row->has_rate = false;
	if (cur->has_lat && prev->has_lat) {
		top_latency_delta(&prev->lat, &cur->lat, &d);
		row->has_p99 = !ktcp_latency_percentile(&d, 0.99, &row->p99_ns);
	}
	if (row->has_errors_total && (prev->stats.has & KTCP_STAT_ERRORS)) {
		row->has_errors = true;
		row->errors = top_counter_delta(prev->stats.errors, st->errors);
	}
}

const struct top_server *top_find(const struct top_sample *s, uint32_t id)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (s->srv[i].id == id)
			return &s->srv[i];
	return NULL;
}

size_t top_frame_rows(const struct top_sample *prev,
		      const struct top_sample *cur, struct top_row *rows)
{
	const struct top_server *p;
	uint64_t elapsed = 0;
	size_t i;

	if (prev && cur->mono_ns > prev->mono_ns)
		elapsed = cur->mono_ns - prev->mono_ns;
	for (i = 0; i < cur->n; i++) {
		p = top_find(prev, cur->srv[i].id);
		/* An id that came back for another service is a new server. */
		if (p && strcmp(p->service, cur->srv[i].service))
			p = NULL;
		top_row_compute(p, &cur->srv[i], elapsed, &rows[i]);
	}
	return cur->n;
}

/* The ID SERVICE PORT ... columns of a row, and of the heads. */
#define TOP_ROW_FMT "%5s %-7s %5s %15s %6s %8s %6s %7s %s"

/*
 * A line cut to width columns (0: whole). It is ASCII but for the UTF-8
 * of a name, whose characters take at least as many bytes as columns:
 * cut at width bytes, it fits. The cut backs off to the start of a
 * character, so that none is split.
 */
static void put_line(FILE *f, const char *s, unsigned int width)
{
	size_t n = strlen(s);

	if (width && n > width) {
		n = width;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	fwrite(s, 1, n, f);
	fputc('\n', f);
}

static void fmt_u64(char *buf, size_t len, bool has, uint64_t v)
{
	if (has)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "-");
}

/* s, at most max - 1 bytes of it, escaped for a terminal into out. */
static void fmt_str(char *out, const char *s, size_t max)
{
	show_escape(out, s, strnlen(s, max - 1));
}

static void fmt_row(char *line, size_t len, const struct top_row *r)
{
	char id[16], port[8], rate[40], act[24], p99[24], err[24], tot[24];
	char name[4 * KTCP_SERVER_NAME_LEN], service[4 * KTCP_SERVICE_LEN];

	fmt_str(name, r->name && r->name[0] ? r->name : "-",
		KTCP_SERVER_NAME_LEN);
	fmt_str(service, r->service && r->service[0] ? r->service : "?",
		KTCP_SERVICE_LEN);
	snprintf(id, sizeof(id), "%u", r->id);
	snprintf(port, sizeof(port), "%u", r->port);
	if (r->has_rate)
		snprintf(rate, sizeof(rate),
			 r->rate < 100 ? "%.1f %s" : "%.0f %s", r->rate,
			 r->unit);
	else
		snprintf(rate, sizeof(rate), "- %s", r->unit);
	fmt_u64(act, sizeof(act), r->has_active, r->active);
	if (r->has_p99)
		show_duration(p99, sizeof(p99), r->p99_ns);
	else
		snprintf(p99, sizeof(p99), "-");
	fmt_u64(err, sizeof(err), r->has_errors, r->errors);
	fmt_u64(tot, sizeof(tot), r->has_errors_total, r->errors_total);
	snprintf(line, len, TOP_ROW_FMT, id, service, port, rate, act, p99, err,
		 tot, name);
}

/* "1s", "0.5s", "2.25s": a delay as it was given. */
static void fmt_secs(char *buf, size_t len, uint64_t ms)
{
	int n = snprintf(buf, len, "%llu.%03llu", (unsigned long long)ms / 1000,
			 (unsigned long long)ms % 1000);

	/* Trailing zeros and a bare point go. */
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	snprintf(buf + n, len - (size_t)n, "s");
}

/* The three lines above the rows' (the fourth is blank). */
static void fmt_head(const struct top_frame *fr, char *first, char *second,
		     char *cols, size_t len)
{
	char clock[16], every[24], took[24];
	struct tm tm;

	if (!localtime_r(&fr->wall.tv_sec, &tm) ||
	    !strftime(clock, sizeof(clock), "%H:%M:%S", &tm))
		snprintf(clock, sizeof(clock), "?");
	fmt_secs(every, sizeof(every), fr->delay_ms);
	snprintf(first, len, "ktcp top - %s, every %s, %zu server%s", clock,
		 every, fr->n, fr->n == 1 ? "" : "s");
	if (fr->interval_ns) {
		fmt_secs(took, sizeof(took),
			 (fr->interval_ns + 500000) / 1000000);
		snprintf(second, len,
			 "RATE, P99 and ERR over the last %s; ERRTOT since "
			 "start or reset",
			 took);
	} else {
		snprintf(second, len,
			 "RATE, P99 and ERR: pending, after the first %s; "
			 "ERRTOT since start or reset",
			 every);
	}
	snprintf(cols, len, TOP_ROW_FMT, "ID", "SERVICE", "PORT", "RATE",
		 "CONNS", "P99", "ERR", "ERRTOT", "NAME");
}

unsigned int top_render(FILE *f, const struct top_frame *fr, unsigned int width,
			unsigned int height)
{
	/* line: room for a name of 63 bytes escaped, 4 columns a byte */
	char first[160], second[160], cols[160], line[512];
	const char *head[4] = { first, second, "", cols };
	unsigned int lines, room;
	size_t i;

	fmt_head(fr, first, second, cols, sizeof(first));
	for (lines = 0; lines < 4; lines++) {
		if (height && lines >= height)
			return lines;
		put_line(f, head[lines], width);
	}
	room = height ? height - lines : 0;
	for (i = 0; i < fr->n; i++) {
		/* The last line that fits says what did not. */
		if (height && room == 1 && fr->n - i > 1) {
			snprintf(line, sizeof(line), "(%zu more servers)",
				 fr->n - i);
			put_line(f, line, width);
			return lines + 1;
		}
		if (height && !room)
			return lines;
		fmt_row(line, sizeof(line), &fr->rows[i]);
		put_line(f, line, width);
		lines++;
		room--;
	}
	return lines;
}

static struct json_object *row_json(const struct top_row *r)
{
	struct json_object *o = json_object_new_object();
	char rate[40];

	if (!o)
		return NULL;
	show_add_u64(o, "id", r->id);
	show_add_str(o, "service", r->service);
	if (r->name && r->name[0])
		show_add_str(o, "name", r->name);
	show_add_u64(o, "port", r->port);
	if (r->has_active)
		show_add_u64(o, "active", r->active);
	if (r->has_rate) {
		/* One decimal, as the text shows it, not 17 digits. */
		snprintf(rate, sizeof(rate), "%.1f", r->rate);
		json_object_object_add(o, "rate",
				       json_object_new_double_s(r->rate, rate));
	}
	json_object_object_add(o, "unit", json_object_new_string(r->unit));
	if (r->has_p99)
		show_add_u64(o, "p99_ns", r->p99_ns);
	if (r->has_errors)
		show_add_u64(o, "errors", r->errors);
	if (r->has_errors_total)
		show_add_u64(o, "errors_total", r->errors_total);
	return o;
}

struct json_object *top_json(const struct top_frame *fr)
{
	struct json_object *o = json_object_new_object(), *a;
	size_t i;

	a = json_object_new_array();
	if (!o || !a) {
		json_object_put(o);
		json_object_put(a);
		return NULL;
	}
	show_add_u64(o, "time_ns",
		     (uint64_t)fr->wall.tv_sec * 1000000000ULL +
			     (uint64_t)fr->wall.tv_nsec);
	show_add_u64(o, "interval_ns", fr->interval_ns);
	show_add_u64(o, "delay_ms", fr->delay_ms);
	for (i = 0; i < fr->n; i++)
		json_object_array_add(a, row_json(&fr->rows[i]));
	json_object_object_add(o, "servers", a);
	return o;
}
