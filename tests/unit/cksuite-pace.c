// SPDX-License-Identifier: GPL-2.0-only
/*
 * The load generators' pure logic (userspace/tools): the open-loop
 * schedule and its verdicts (pace.c), client CPU use, --rate parsing and
 * the latency histogram's percentiles (tools.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "pace.h"
#include "tools.h"

#include "cksuites.h"

START_TEST(due_spacing)
{
	/* 4 connections sharing 1,000/s: a slot every ms, round-robin. */
	const uint64_t t0 = 5000000000ull;

	ck_assert_uint_eq(pace_due(t0, 1000, 4, 0, 0), t0);
	ck_assert_uint_eq(pace_due(t0, 1000, 4, 1, 0), t0 + 1000000);
	ck_assert_uint_eq(pace_due(t0, 1000, 4, 3, 0), t0 + 3000000);
	/* Each connection every 4 ms. */
	ck_assert_uint_eq(pace_due(t0, 1000, 4, 0, 1), t0 + 4000000);
	ck_assert_uint_eq(pace_due(t0, 1000, 4, 2, 5), t0 + 22000000);
}
END_TEST

START_TEST(due_order)
{
	/* Slots are strictly increasing in round-robin order. */
	uint64_t prev = 0, k, t;
	unsigned int j;

	for (k = 0; k < 50; k++) {
		for (j = 0; j < 7; j++) {
			t = pace_due(1, 12345.6, 7, j, k);
			ck_assert_msg(t > prev || (!k && !j),
				      "slot %u/%llu not after the previous", j,
				      (unsigned long long)k);
			prev = t;
		}
	}
}
END_TEST

START_TEST(due_long_run)
{
	/* An hour at a million a second stays exact to the nanosecond. */
	uint64_t k = 3600ull * 1000000ull;

	ck_assert_uint_eq(pace_due(0, 1e6, 1, 0, k), 3600ull * 1000000000ull);
}
END_TEST

START_TEST(offered)
{
	ck_assert_uint_eq(pace_offered(10, 0.3), 3);
	ck_assert_uint_eq(pace_offered(1000, 2), 2000);
	ck_assert_uint_eq(pace_offered(3, 0.5), 1);
}
END_TEST

START_TEST(kept)
{
	ck_assert(pace_kept(1000, 1000));
	ck_assert(pace_kept(1000, 950));
	ck_assert(!pace_kept(1000, 949));
	ck_assert(!pace_kept(1000, 0));
	/* Nothing offered is nothing kept. */
	ck_assert(!pace_kept(0, 0));
}
END_TEST

START_TEST(cpu)
{
	ck_assert(cpu_share(500, 1000) == 0.5);
	ck_assert(cpu_share(2000, 1000) == 2.0);
	ck_assert(cpu_share(5, 0) == 0);
	ck_assert(cpu_saturated(0.9, 1));
	ck_assert(!cpu_saturated(0.89, 1));
	ck_assert(!cpu_saturated(1.0, 2));
	ck_assert(cpu_saturated(1.8, 2));
	/* No CPU count is one CPU. */
	ck_assert(cpu_saturated(0.95, 0));
	ck_assert_uint_ge(cpu_allowed(), 1);
}
END_TEST

START_TEST(cpu_sample)
{
	struct cpu_sample a, b;
	volatile uint64_t x = 0;
	uint64_t i;

	cpu_sample_take(&a);
	for (i = 0; i < 20000000; i++)
		x += i;
	cpu_sample_take(&b);
	ck_assert_uint_ge(b.wall_ns, a.wall_ns);
	ck_assert(cpu_sample_share(&a, &b) >= 0);
}
END_TEST

START_TEST(rate_parse)
{
	static const char *const bad[] = { "",	  "0",	 "0.5", "-1",
					   " 5",  "5 ",	 "5k",	"1e9",
					   "nan", "inf", ".5",	"1e99" };
	double r = 0;
	size_t i;

	ck_assert_int_eq(parse_rate("--rate", "1", &r), 0);
	ck_assert(r == 1);
	ck_assert_int_eq(parse_rate("--rate", "2500.5", &r), 0);
	ck_assert(r == 2500.5);
	ck_assert_int_eq(parse_rate("--rate", "100000000", &r), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_rate("--rate", bad[i], &r) == -1,
			      "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(percentiles)
{
	static struct hist h;
	uint64_t i, p50, p99, p999;

	hist_init(&h);
	ck_assert_uint_eq(hist_quantile(&h, 0.99), 0);
	/* 1..10000 us: each percentile within the histogram's 1/64. */
	for (i = 1; i <= 10000; i++)
		hist_add(&h, i * 1000);
	p50 = hist_quantile(&h, 0.50);
	p99 = hist_quantile(&h, 0.99);
	p999 = hist_quantile(&h, 0.999);
	ck_assert_msg(p50 >= 5000000 * 63 / 64 && p50 <= 5000000 * 65 / 64,
		      "p50 %llu", (unsigned long long)p50);
	ck_assert_msg(p99 >= 9900000 * 63 / 64 && p99 <= 9900000 * 65 / 64,
		      "p99 %llu", (unsigned long long)p99);
	ck_assert_msg(p999 >= 9990000 * 63 / 64 && p999 <= 9990000 * 65 / 64,
		      "p99.9 %llu", (unsigned long long)p999);
	ck_assert_uint_le(p50, p99);
	ck_assert_uint_le(p99, p999);
	/* Small values are exact. */
	hist_init(&h);
	for (i = 0; i < 100; i++)
		hist_add(&h, i < 99 ? 10 : 100);
	ck_assert_uint_eq(hist_quantile(&h, 0.50), 10);
	ck_assert_uint_eq(hist_quantile(&h, 0.999), 100);
}
END_TEST

START_TEST(cpu_list)
{
	static const char *const bad[] = { "",	   "x",	    "1-",     "-1",
					   "3-1",  "0,",    ",0",     "0 1",
					   "1,,2", "99999", "0-99999" };
	cpu_set_t set;
	unsigned int i;

	ck_assert_int_eq(cpu_list_parse("0", &set), 0);
	ck_assert_int_eq(CPU_COUNT(&set), 1);
	ck_assert(CPU_ISSET(0, &set));
	ck_assert_int_eq(cpu_list_parse("0,2-4,7", &set), 0);
	ck_assert_int_eq(CPU_COUNT(&set), 5);
	ck_assert(CPU_ISSET(3, &set) && CPU_ISSET(7, &set));
	ck_assert(!CPU_ISSET(1, &set) && !CPU_ISSET(5, &set));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cpu_list_parse(bad[i], &set) == -1, "'%s' parsed",
			      bad[i]);
}
END_TEST

/* /proc/stat lines: only cpuN of the set; idle is idle and iowait. */
START_TEST(cpus_stat)
{
	struct cpus_time a = { 0 }, b;
	cpu_set_t set;
	char path[] = "/tmp/cksuite-stat-XXXXXX";
	FILE *f;
	int fd;

	cpu_list_parse("1", &set);
	ck_assert_int_eq(cpus_time_line("cpu  9 9 9 9 9 9 9 9 0 0\n", &set, &a),
			 0);
	ck_assert_int_eq(cpus_time_line("cpu0 1 1 1 1 1 1 1 1 0 0\n", &set, &a),
			 0);
	ck_assert_int_eq(cpus_time_line("intr 1 2 3\n", &set, &a), 0);
	/* user nice system idle iowait irq softirq steal guest guest_nice */
	ck_assert_int_eq(
		cpus_time_line("cpu1 10 1 20 100 5 2 3 4 7 0\n", &set, &a), 1);
	ck_assert_uint_eq(a.idle, 100 + 5);
	/* Without iowait (before 2.6) idle is all there is. */
	ck_assert_int_eq(cpus_time_line("cpu1 1 2 3 40\n", &set, &a), 1);
	ck_assert_uint_eq(a.idle, 100 + 5 + 40);
	ck_assert_int_eq(cpus_time_line("cpu1 10\n", &set, &a), -1);

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("cpu  30 0 30 300 0 0 0 0 0 0\n"
	      "cpu0 10 0 10 100 0 0 0 0 0 0\n"
	      "cpu1 20 0 20 200 0 0 0 0 0 0\n"
	      "intr 5\n",
	      f);
	fclose(f);
	ck_assert_int_eq(cpus_time_take(path, &set, &b), 0);
	ck_assert_uint_eq(b.idle, 200);
	ck_assert_uint_gt(b.ns, 0);
	/* A CPU the file does not have is an error, not a 0. */
	cpu_list_parse("1-2", &set);
	ck_assert_int_eq(cpus_time_take(path, &set, &b), -1);
	unlink(path);
}
END_TEST

/*
 * Busy time is the wall time less idle, whatever the tick-sampled busy
 * fields said: cpus_time keeps none of them.
 */
START_TEST(cpus_busy_time)
{
	/* 2 CPUs for 1 s, 0.5 s idle at 100 ticks a second. */
	struct cpus_time a = { .idle = 100, .ns = 1000000000 };
	struct cpus_time b = { .idle = 150, .ns = 2000000000 };

	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 2, 100), 1.5, 1e-9);
	ck_assert_double_eq_tol(cpus_busy(&a, &b, 2, 100), 1.5, 1e-9);
	/* USER_HZ is the unit: 50 ticks of 250 a second are 0.2 s. */
	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 1, 250), 0.8, 1e-9);
	/* All idle, and past the window by the ticks' rounding: 0 busy. */
	b.idle = 100 + 200;
	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 2, 100), 0.0, 1e-9);
	b.idle = 100 + 204;
	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 2, 100), 0.0, 1e-9);
	/* Samples that cannot be compared are not a figure. */
	b.idle = 100 + 205;
	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 2, 100), -1, 1e-9);
	b.idle = 99;
	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 2, 100), -1, 1e-9);
	ck_assert_double_eq_tol(cpus_busy(&a, &b, 2, 100), -1, 1e-9);
	b.idle = 150;
	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 2, 0), -1, 1e-9);
	b.ns = a.ns;
	ck_assert_double_eq_tol(cpus_busy_seconds(&a, &b, 2, 100), -1, 1e-9);
	ck_assert_double_eq_tol(cpus_busy(&a, &b, 2, 100), -1, 1e-9);
}
END_TEST

Suite *make_pace_suite(void)
{
	Suite *s = suite_create("pace");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, due_spacing);
	tcase_add_test(tc, due_order);
	tcase_add_test(tc, due_long_run);
	tcase_add_test(tc, offered);
	tcase_add_test(tc, kept);
	tcase_add_test(tc, cpu);
	tcase_add_test(tc, cpu_sample);
	tcase_add_test(tc, rate_parse);
	tcase_add_test(tc, percentiles);
	tcase_add_test(tc, cpu_list);
	tcase_add_test(tc, cpus_stat);
	tcase_add_test(tc, cpus_busy_time);
	suite_add_tcase(s, tc);
	return s;
}
