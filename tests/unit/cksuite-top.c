// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp top's pure part (userspace/cli/top_frame.c): --delay, counter and
 * histogram deltas, rates over the measured interval, the p99 of the
 * interval's samples rather than of all since the start, servers that
 * come and go between samples, and the frame as cut text and as JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <linux/ktcp.h>

#include "args.h"
#include "cksuites.h"
#include "top_frame.h"

START_TEST(delay_parse)
{
	static const struct {
		const char *s;
		uint32_t ms;
	} good[] = {
		{ "2", 2000 },	  { "0.5", 500 },	 { "0.1", 100 },
		{ "1.25", 1250 }, { "0.125", 125 },	 { "3600", 3600000 },
		{ "02", 2000 },	  { "3600.0", 3600000 },
	};
	static const struct {
		const char *s;
		int err;
	} bad[] = {
		{ "0", -ERANGE },
		{ "0.099", -ERANGE },
		{ "3600.001", -ERANGE },
		{ "3601", -ERANGE },
		{ "99999999999999999999999", -ERANGE },
		{ "1.2345", -EINVAL },
		{ "", -EINVAL },
		{ "abc", -EINVAL },
		{ ".5", -EINVAL },
		{ "1.", -EINVAL },
		{ "-1", -EINVAL },
		{ " 1", -EINVAL },
		{ "1s", -EINVAL },
		{ "1,5", -EINVAL },
	};
	struct args_err e;
	uint32_t ms;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ms = 0;
		ck_assert_msg(!top_delay_parse(good[i].s, &ms, &e), "%s: %s",
			      good[i].s, e.msg);
		ck_assert_uint_eq(ms, good[i].ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms = 7;
		ck_assert_msg(top_delay_parse(bad[i].s, &ms, &e) == bad[i].err,
			      "'%s' not refused with %d", bad[i].s, bad[i].err);
		ck_assert_uint_eq(ms, 7);
		/* The message quotes what was given. */
		ck_assert_ptr_nonnull(strstr(e.msg, bad[i].s));
	}
	top_delay_parse("0.05", &ms, &e);
	ck_assert_str_eq(e.msg, "'0.05' is out of range (0.1-3600 seconds)");
}
END_TEST

START_TEST(counter_delta)
{
	ck_assert_uint_eq(top_counter_delta(5, 8), 3);
	ck_assert_uint_eq(top_counter_delta(8, 8), 0);
	/* Reset in between: what came since the reset. */
	ck_assert_uint_eq(top_counter_delta(8, 5), 5);
}
END_TEST

/* An empty histogram of the kernel's layout. */
static struct ktcp_latency layout(void)
{
	struct ktcp_latency lat = { 0 };

	lat.nbuckets = KTCP_LATENCY_BUCKETS;
	lat.min_shift = KTCP_LATENCY_MIN_SHIFT;
	lat.sub_bits = KTCP_LATENCY_SUB_BITS;
	return lat;
}

/* n samples of about ns into lat: the bucket that starts at or below ns. */
static void add_samples(struct ktcp_latency *lat, uint64_t ns, uint64_t n)
{
	unsigned int i = 0;

	while (i + 1 < lat->nbuckets && ktcp_latency_bucket_end(lat, i) <= ns)
		i++;
	lat->buckets[i] += n;
	lat->count += n;
	lat->sum_ns += ns * n;
}

START_TEST(latency_delta)
{
	struct ktcp_latency prev = layout(), cur, d;
	uint64_t ns;
	unsigned int i;

	/* 1000 slow samples (~1 ms) before, 100 fast ones (~10 us) since. */
	add_samples(&prev, 1000000, 1000);
	cur = prev;
	add_samples(&cur, 10000, 100);
	top_latency_delta(&prev, &cur, &d);
	ck_assert_uint_eq(d.count, 100);
	ck_assert_uint_eq(d.sum_ns, 100 * 10000);
	for (i = 0, ns = 0; i < d.nbuckets; i++)
		ns += d.buckets[i];
	ck_assert_uint_eq(ns, 100);
	/* The interval's p99 is a fast one; of everything, a slow one. */
	ck_assert_int_eq(ktcp_latency_percentile(&d, 0.99, &ns), 0);
	ck_assert_uint_ge(ns, 8192);
	ck_assert_uint_lt(ns, 12288);
	ck_assert_int_eq(ktcp_latency_percentile(&cur, 0.99, &ns), 0);
	ck_assert_uint_ge(ns, 786432);
	/* Nothing since: no samples, no p99. */
	top_latency_delta(&cur, &cur, &d);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_int_eq(ktcp_latency_percentile(&d, 0.99, &ns), -ENODATA);
}
END_TEST

START_TEST(latency_delta_reset)
{
	struct ktcp_latency prev = layout(), cur = layout(), d;

	/* Reset in between, then 5 samples: those 5, not a wrapped delta. */
	add_samples(&prev, 1000000, 1000);
	add_samples(&cur, 1000000, 5);
	top_latency_delta(&prev, &cur, &d);
	ck_assert_uint_eq(d.count, 5);
	ck_assert_mem_eq(d.buckets, cur.buckets, sizeof(d.buckets));
	/* One bucket shrank while the count grew: a reset too. */
	cur = layout();
	add_samples(&cur, 1000000, 999);
	add_samples(&cur, 2000, 5000);
	top_latency_delta(&prev, &cur, &d);
	ck_assert_uint_eq(d.count, 5999);
	/* Another layout cannot be subtracted. */
	cur = prev;
	cur.sub_bits = 3;
	top_latency_delta(&prev, &cur, &d);
	ck_assert_uint_eq(d.count, 1000);
}
END_TEST

static struct top_server server(uint32_t id, const char *service)
{
	struct top_server s;

	memset(&s, 0, sizeof(s));
	s.id = id;
	strcpy(s.service, service);
	s.port = (uint16_t)(8000 + id);
	s.stats.has = KTCP_STAT_ACTIVE | KTCP_STAT_ERRORS;
	if (!strcmp(service, "http"))
		s.stats.has |= KTCP_STAT_HTTP_REQUESTS;
	s.has_lat = true;
	s.lat = layout();
	return s;
}

START_TEST(row_rates)
{
	struct top_server a = server(1, "echo"), b;
	struct top_row r;

	/* echo: messages are its service time samples; 200 in 2 s. */
	add_samples(&a.lat, 50000, 100);
	a.stats.errors = 3;
	b = a;
	add_samples(&b.lat, 50000, 200);
	b.stats.active = 4;
	b.stats.errors = 5;
	top_row_compute(&a, &b, 2000000000ULL, &r);
	ck_assert(r.has_rate);
	ck_assert_double_eq_tol(r.rate, 100.0, 1e-9);
	ck_assert_str_eq(r.unit, "msg/s");
	ck_assert(r.has_active);
	ck_assert_uint_eq(r.active, 4);
	ck_assert(r.has_p99);
	ck_assert_uint_ge(r.p99_ns, 40960);
	ck_assert_uint_lt(r.p99_ns, 57344);
	ck_assert(r.has_errors && r.has_errors_total);
	ck_assert_uint_eq(r.errors, 2);
	ck_assert_uint_eq(r.errors_total, 5);
	/* The measured interval, not the one asked for: 200 in 2.5 s. */
	top_row_compute(&a, &b, 2500000000ULL, &r);
	ck_assert_double_eq_tol(r.rate, 80.0, 1e-9);

	/* http: requests, whatever the histogram says. */
	a = server(2, "http");
	a.stats.http_requests = 10;
	b = a;
	b.stats.http_requests = 50;
	top_row_compute(&a, &b, 4000000000ULL, &r);
	ck_assert(r.has_rate);
	ck_assert_double_eq_tol(r.rate, 10.0, 1e-9);
	ck_assert_str_eq(r.unit, "req/s");
	ck_assert(!r.has_p99); /* no samples in the interval */

	/* Another service counts its samples. */
	a = server(3, "other");
	b = a;
	add_samples(&b.lat, 50000, 30);
	top_row_compute(&a, &b, 3000000000ULL, &r);
	ck_assert_str_eq(r.unit, "/s");
	ck_assert_double_eq_tol(r.rate, 10.0, 1e-9);
}
END_TEST

START_TEST(row_without)
{
	struct top_server a = server(1, "echo"), b;
	struct top_row r;

	/* New: what needs no interval, nothing that does. */
	a.stats.active = 2;
	a.stats.errors = 9;
	top_row_compute(NULL, &a, 0, &r);
	ck_assert(!r.has_rate && !r.has_p99 && !r.has_errors);
	ck_assert(r.has_active && r.has_errors_total);
	ck_assert_uint_eq(r.active, 2);
	ck_assert_uint_eq(r.errors_total, 9);
	ck_assert_str_eq(r.unit, "msg/s");
	/* A module without histograms: an echo server has no rate. */
	a.has_lat = false;
	b = a;
	top_row_compute(&a, &b, 1000000000ULL, &r);
	ck_assert(!r.has_rate && !r.has_p99);
	ck_assert(r.has_errors);
	/* An http server keeps its rate. */
	a = server(2, "http");
	a.has_lat = false;
	b = a;
	b.stats.http_requests = 7;
	top_row_compute(&a, &b, 1000000000ULL, &r);
	ck_assert(r.has_rate && !r.has_p99);
	ck_assert_double_eq_tol(r.rate, 7.0, 1e-9);
	/* Counters the kernel did not send are not zeros. */
	b.stats.has = 0;
	top_row_compute(&a, &b, 1000000000ULL, &r);
	ck_assert(!r.has_rate && !r.has_active && !r.has_errors &&
		  !r.has_errors_total);
}
END_TEST

START_TEST(frame_rows_come_and_go)
{
	struct top_server p[3] = { server(1, "echo"), server(2, "http"),
				   server(4, "echo") };
	struct top_server c[3] = { server(2, "http"), server(3, "echo"),
				   server(4, "http") };
	struct top_sample prev = { .mono_ns = 1000000000ULL, .srv = p, .n = 3 };
	struct top_sample cur = { .mono_ns = 3000000000ULL, .srv = c, .n = 3 };
	struct top_row rows[3];

	p[1].stats.http_requests = 100;
	c[0].stats.http_requests = 300;
	c[2].stats.http_requests = 50;
	ck_assert_uint_eq(top_frame_rows(&prev, &cur, rows), 3);
	/* 2 was there: 200 requests in the 2 s between the samples */
	ck_assert_uint_eq(rows[0].id, 2);
	ck_assert(rows[0].has_rate);
	ck_assert_double_eq_tol(rows[0].rate, 100.0, 1e-9);
	/* 3 is new; 4 is another server under an id seen before */
	ck_assert(!rows[1].has_rate && !rows[1].has_errors);
	ck_assert(!rows[2].has_rate && !rows[2].has_errors);
	ck_assert_str_eq(rows[2].unit, "req/s");
	/* 1 is gone: no row. The first frame has no rates at all. */
	ck_assert_ptr_null(top_find(&cur, 1));
	ck_assert_uint_eq(top_frame_rows(NULL, &cur, rows), 3);
	ck_assert(!rows[0].has_rate);
}
END_TEST

/* The frame of two rows as text: width and height as given. */
static char *render(const struct top_frame *fr, unsigned int width,
		    unsigned int height, unsigned int *lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	*lines = top_render(f, fr, width, height);
	fclose(f);
	return buf;
}

static unsigned int widest(const char *s)
{
	unsigned int w = 0;
	size_t n;

	for (; *s; s += n + (s[n] == '\n')) {
		n = strcspn(s, "\n");
		if (n > w)
			w = (unsigned int)n;
	}
	return w;
}

static struct top_frame two_rows(struct top_row *rows)
{
	struct top_frame fr = { 0 };

	memset(rows, 0, 2 * sizeof(*rows));
	rows[0] = (struct top_row){ .id = 1,
				    .service = "echo",
				    .name = "",
				    .port = 12345,
				    .has_active = true,
				    .active = 4,
				    .has_rate = true,
				    .rate = 101.46,
				    .unit = "msg/s",
				    .has_p99 = true,
				    .p99_ns = 183500,
				    .has_errors = true,
				    .has_errors_total = true,
				    .errors_total = 2 };
	rows[1] = (struct top_row){ .id = 12,
				    .service = "http",
				    .name = "web",
				    .port = 8081,
				    .has_active = true,
				    .unit = "req/s",
				    .has_errors_total = true,
				    .errors_total = 3 };
	fr.wall.tv_sec = 1764905400; /* 03:30:00 UTC */
	fr.interval_ns = 2001234567ULL;
	fr.delay_ms = 2000;
	fr.rows = rows;
	fr.n = 2;
	return fr;
}

START_TEST(render_text)
{
	struct top_row rows[2];
	struct top_frame fr = two_rows(rows);
	unsigned int lines;
	char *t;

	setenv("TZ", "UTC", 1);
	tzset();
	t = render(&fr, 0, 0, &lines);
	ck_assert_uint_eq(lines, 6);
	ck_assert_str_eq(
		t,
		"ktcp top - 03:30:00, every 2s, 2 servers\n"
		"RATE, P99 and ERR over the last 2.001s; ERRTOT since start "
		"or reset\n"
		"\n"
		"   ID SERVICE  PORT            RATE  CONNS      P99    ERR  "
		"ERRTOT NAME\n"
		"    1 echo    12345       101 msg/s      4  183.5us      0  "
		"     2 -\n"
		"   12 http     8081         - req/s      0        -      -  "
		"     3 web\n");
	free(t);
	/* Rates below 100 keep a decimal. */
	rows[0].rate = 9.96;
	t = render(&fr, 0, 0, &lines);
	ck_assert_ptr_nonnull(strstr(t, "    10.0 msg/s"));
	free(t);
	/* Before the first interval: pending, said so. */
	fr.interval_ns = 0;
	fr.delay_ms = 500;
	t = render(&fr, 0, 0, &lines);
	ck_assert_ptr_nonnull(strstr(t, "every 0.5s, 2 servers\n"));
	ck_assert_ptr_nonnull(strstr(t, "pending, after the first 0.5s"));
	free(t);
}
END_TEST

START_TEST(render_cut)
{
	struct top_row rows[2];
	struct top_frame fr = two_rows(rows);
	unsigned int lines;
	char *t;

	setenv("TZ", "UTC", 1);
	tzset();
	/* Every line cut at the width, none wrapped, the lines unchanged. */
	t = render(&fr, 30, 0, &lines);
	ck_assert_uint_eq(lines, 6);
	ck_assert_uint_eq(widest(t), 30);
	ck_assert(!strncmp(t, "ktcp top - 03:30:00, every 2s,\n", 31));
	free(t);
	/* 5 lines: the heads, then what did not fit, counted. */
	t = render(&fr, 0, 5, &lines);
	ck_assert_uint_eq(lines, 5);
	ck_assert_ptr_nonnull(strstr(t, "ERRTOT NAME\n(2 more servers)\n"));
	free(t);
	/* 6: both rows fit */
	t = render(&fr, 0, 6, &lines);
	ck_assert_uint_eq(lines, 6);
	ck_assert_ptr_null(strstr(t, "more servers"));
	free(t);
	/* Fewer lines than the heads: the heads, cut. */
	t = render(&fr, 0, 2, &lines);
	ck_assert_uint_eq(lines, 2);
	free(t);
}
END_TEST

START_TEST(frame_json)
{
	struct top_row rows[2];
	struct top_frame fr = two_rows(rows);
	struct json_object *o = top_json(&fr);

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(
		json_object_to_json_string_ext(
			o, JSON_C_TO_STRING_PLAIN |
				   JSON_C_TO_STRING_NOSLASHESCAPE),
		"{\"time_ns\":1764905400000000000,\"interval_ns\":2001234567,"
		"\"delay_ms\":2000,\"servers\":[{\"id\":1,\"service\":\"echo\","
		"\"port\":12345,\"active\":4,\"rate\":101.5,\"unit\":\"msg/s\","
		"\"p99_ns\":183500,\"errors\":0,\"errors_total\":2},{\"id\":12,"
		"\"service\":\"http\",\"name\":\"web\",\"port\":8081,"
		"\"active\":0,\"unit\":\"req/s\",\"errors_total\":3}]}");
	json_object_put(o);
}
END_TEST

Suite *make_top_suite(void)
{
	Suite *s = suite_create("top");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, delay_parse);
	tcase_add_test(tc, counter_delta);
	tcase_add_test(tc, latency_delta);
	tcase_add_test(tc, latency_delta_reset);
	tcase_add_test(tc, row_rates);
	tcase_add_test(tc, row_without);
	tcase_add_test(tc, frame_rows_come_and_go);
	tcase_add_test(tc, render_text);
	tcase_add_test(tc, render_cut);
	tcase_add_test(tc, frame_json);
	suite_add_tcase(s, tc);
	return s;
}
