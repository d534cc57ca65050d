// SPDX-License-Identifier: GPL-2.0-only
/*
 * Service time histograms: the kernel's bucket of a value
 * (kernel/latency_bucket.h) against libktcp's bucket bounds, quantiles,
 * parsing KTCP_A_LATENCY, and the JSON, text and Prometheus forms.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cksuites.h"
#include "internal.h"
#include "latency_bucket.h"
#include "prometheus.h"
#include "show.h"

/* An empty histogram of the kernel's layout. */
static struct ktcp_latency layout(void)
{
	struct ktcp_latency lat = { 0 };

	lat.nbuckets = KTCP_LATENCY_BUCKETS;
	lat.min_shift = KTCP_LATENCY_MIN_SHIFT;
	lat.sub_bits = KTCP_LATENCY_SUB_BITS;
	return lat;
}

static uint64_t start_of(const struct ktcp_latency *lat, unsigned int i)
{
	return i ? ktcp_latency_bucket_end(lat, i - 1) : 0;
}

/* Every value lands in the bucket whose bounds hold it. */
static void check_value(const struct ktcp_latency *lat, uint64_t v)
{
	unsigned int i = ktcp_latency_bucket(v);
	uint64_t end = ktcp_latency_bucket_end(lat, i);

	ck_assert_uint_lt(i, KTCP_LATENCY_BUCKETS);
	/* The last bucket's "end" is no bound: it holds UINT64_MAX too. */
	ck_assert_msg(start_of(lat, i) <= v && (v < end || end == UINT64_MAX),
		      "%llu in bucket %u [%llu, %llu)", (unsigned long long)v,
		      i, (unsigned long long)start_of(lat, i),
		      (unsigned long long)ktcp_latency_bucket_end(lat, i));
}

START_TEST(bucket_bounds)
{
	struct ktcp_latency lat = layout();
	unsigned int i;
	uint64_t v, e;
	int k;

	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 0), 1024);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 1), 1280);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 3), 1792);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 4), 2048);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 5), 2560);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 20), 32768);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 103),
			  (1ULL << 35) + 3 * (1ULL << 33));
	/* The last has no end, nor anything beyond it. */
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 104), UINT64_MAX);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 500), UINT64_MAX);
	/* Ends grow, and each bucket is at most a quarter of its start. */
	for (i = 1; i + 1 < KTCP_LATENCY_BUCKETS; i++) {
		e = ktcp_latency_bucket_end(&lat, i);
		ck_assert_uint_gt(e, start_of(&lat, i));
		ck_assert_uint_le(e - start_of(&lat, i), start_of(&lat, i) / 4);
	}
	/* Every bound and its neighbours, and a spread of others. */
	for (i = 0; i + 1 < KTCP_LATENCY_BUCKETS; i++) {
		e = ktcp_latency_bucket_end(&lat, i);
		check_value(&lat, e - 1);
		check_value(&lat, e);
		check_value(&lat, e + 1);
	}
	for (k = 0; k < 64; k++) {
		check_value(&lat, 1ULL << k);
		check_value(&lat, (1ULL << k) + (1ULL << k) / 3);
	}
	check_value(&lat, 0);
	check_value(&lat, UINT64_MAX);
	for (v = 1; v < 100000; v = v * 7 / 5 + 1)
		check_value(&lat, v);
	ck_assert_uint_eq(ktcp_latency_bucket(1023), 0);
	ck_assert_uint_eq(ktcp_latency_bucket(1024), 1);
	ck_assert_uint_eq(ktcp_latency_bucket(UINT64_MAX),
			  KTCP_LATENCY_BUCKETS - 1);
	/* No layout: nothing ends. */
	lat.nbuckets = 0;
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 0), UINT64_MAX);
}
END_TEST

/*
 * Layouts the parser takes beyond the kernel's: any sub_bits up to
 * min_shift, which is at most 63. A power of two then holds more buckets
 * than the 128 slots, so each bucket but the first is 2^(m - sb) wide.
 */
START_TEST(bucket_bounds_wide)
{
	struct ktcp_latency lat = { .nbuckets = KTCP_LATENCY_SLOTS };
	unsigned int m, sb, i;
	uint64_t prev, e;

	lat.min_shift = 40;
	lat.sub_bits = 33;
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 0), 1ULL << 40);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 3),
			  (1ULL << 40) + 3 * (1ULL << 7));
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 126),
			  (1ULL << 40) + 126 * (1ULL << 7));
	lat.min_shift = 63;
	lat.sub_bits = 32;
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 5),
			  (1ULL << 63) + 5 * (1ULL << 31));
	lat.sub_bits = 63;
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 1), (1ULL << 63) + 1);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 126),
			  (1ULL << 63) + 126);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, 127), UINT64_MAX);
	/* Every layout: ends grow until there is no end. */
	for (m = 0; m < 64; m++) {
		for (sb = 0; sb <= m; sb++) {
			lat.min_shift = (uint8_t)m;
			lat.sub_bits = (uint8_t)sb;
			prev = ktcp_latency_bucket_end(&lat, 0);
			ck_assert_uint_eq(prev, 1ULL << m);
			for (i = 1; i < KTCP_LATENCY_SLOTS; i++) {
				e = ktcp_latency_bucket_end(&lat, i);
				ck_assert_msg(e == UINT64_MAX || e > prev,
					      "min_shift %u sub_bits %u: "
					      "end(%u) %llu after %llu",
					      m, sb, i, (unsigned long long)e,
					      (unsigned long long)prev);
				prev = e;
			}
		}
	}
}
END_TEST

START_TEST(percentiles)
{
	struct ktcp_latency lat = layout();
	uint64_t ns = 7;

	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.5, &ns), -ENODATA);
	ck_assert_uint_eq(ns, 7);
	lat.buckets[1] = 90; /* [1024, 1280) */
	lat.buckets[5] = 9; /* [2048, 2560) */
	lat.buckets[20] = 1; /* [28672, 32768) */
	ck_assert_int_eq(ktcp_latency_percentile(&lat, -0.1, &ns), -EINVAL);
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 1.5, &ns), -EINVAL);
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.0 / 0.0, &ns),
			 -EINVAL);
	/* The 50th of 90 in [1024, 1280): 1024 + 256 * 50 / 90. */
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.5, &ns), 0);
	ck_assert_uint_eq(ns, 1024 + 256 * 50 / 90);
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.9, &ns), 0);
	ck_assert_uint_eq(ns, 1280);
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.91, &ns), 0);
	ck_assert_uint_eq(ns, 2048 + 512 / 9);
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.99, &ns), 0);
	ck_assert_uint_eq(ns, 2560);
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.999, &ns), 0);
	ck_assert_uint_eq(ns, 32768);
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 1.0, &ns), 0);
	ck_assert_uint_eq(ns, 32768);
	/* q 0 is the first sample's bucket. */
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.0, &ns), 0);
	ck_assert_uint_eq(ns, 1024 + 256 / 90);
	/* In the open last bucket: its start. */
	lat.buckets[KTCP_LATENCY_BUCKETS - 1] = 1000;
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.99, &ns), 0);
	ck_assert_uint_eq(ns, (1ULL << 35) + 3 * (1ULL << 33));
	/* All in bucket 0: within [0, 1024). */
	lat = layout();
	lat.buckets[0] = 4;
	ck_assert_int_eq(ktcp_latency_percentile(&lat, 0.5, &ns), 0);
	ck_assert_uint_eq(ns, 512);
}
END_TEST

static struct nl_msg *latency_reply(const uint64_t *b, size_t n, int shift,
				    int sub)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(
		genlmsg_put(msg, 0, 1, 0x20, 0, 0, KTCP_CMD_STATS_GET, 1));
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	nest = nla_nest_start(msg, KTCP_A_LATENCY | NLA_F_NESTED);
	nla_put(msg, KTCP_LATENCY_A_BUCKETS, (int)(n * 8), b);
	nla_put_u64(msg, KTCP_LATENCY_A_COUNT, 999); /* the buckets' rule */
	nla_put_u64(msg, KTCP_LATENCY_A_SUM_NS, 123456);
	if (shift >= 0)
		nla_put_u8(msg, KTCP_LATENCY_A_MIN_SHIFT, shift);
	nla_put_u8(msg, KTCP_LATENCY_A_SUB_BITS, sub);
	nla_nest_end(msg, nest);
	return msg;
}

START_TEST(parse)
{
	uint64_t b[200] = { 0 };
	struct ktcp_latency lat;
	struct nl_msg *msg;

	b[0] = 1;
	b[4] = 2;
	b[150] = 5; /* beyond the slots: into the last */
	b[199] = 7;
	msg = latency_reply(b, KTCP_LATENCY_BUCKETS, 10, 2);
	ck_assert_int_eq(ktcp_parse_latency(nlmsg_hdr(msg), &lat), 0);
	ck_assert_uint_eq(lat.count, 3);
	ck_assert_uint_eq(lat.sum_ns, 123456);
	ck_assert_uint_eq(lat.nbuckets, KTCP_LATENCY_BUCKETS);
	ck_assert_uint_eq(lat.min_shift, 10);
	ck_assert_uint_eq(lat.sub_bits, 2);
	ck_assert_uint_eq(lat.buckets[4], 2);
	nlmsg_free(msg);

	msg = latency_reply(b, 200, 10, 2);
	ck_assert_int_eq(ktcp_parse_latency(nlmsg_hdr(msg), &lat), 0);
	ck_assert_uint_eq(lat.nbuckets, KTCP_LATENCY_SLOTS);
	ck_assert_uint_eq(lat.count, 15);
	ck_assert_uint_eq(lat.buckets[KTCP_LATENCY_SLOTS - 1], 12);
	ck_assert_uint_eq(ktcp_latency_bucket_end(&lat, KTCP_LATENCY_SLOTS - 1),
			  UINT64_MAX);
	nlmsg_free(msg);

	/* A layout that cannot be: no shift, buckets narrower than 1 ns. */
	msg = latency_reply(b, 10, -1, 2);
	ck_assert_int_eq(ktcp_parse_latency(nlmsg_hdr(msg), &lat), -EBADMSG);
	nlmsg_free(msg);
	msg = latency_reply(b, 10, 1, 2);
	ck_assert_int_eq(ktcp_parse_latency(nlmsg_hdr(msg), &lat), -EBADMSG);
	nlmsg_free(msg);
	msg = latency_reply(b, 0, 10, 2);
	ck_assert_int_eq(ktcp_parse_latency(nlmsg_hdr(msg), &lat), -EBADMSG);
	nlmsg_free(msg);

	/* A reply without it (a module older than 2.1): 1. */
	msg = nlmsg_alloc();
	ck_assert_ptr_nonnull(
		genlmsg_put(msg, 0, 1, 0x20, 0, 0, KTCP_CMD_STATS_GET, 1));
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	ck_assert_int_eq(ktcp_parse_latency(nlmsg_hdr(msg), &lat), 1);
	nlmsg_free(msg);
}
END_TEST

static struct ktcp_latency sample(void)
{
	struct ktcp_latency lat = layout();

	lat.buckets[1] = 90;
	lat.buckets[5] = 9;
	lat.buckets[KTCP_LATENCY_BUCKETS - 1] = 1;
	lat.count = 100;
	lat.sum_ns = 1500000000;
	return lat;
}

START_TEST(json_and_text)
{
	struct ktcp_latency lat = sample();
	struct json_object *o = show_latency(&lat), *b, *v;
	char *buf = NULL, dur[32];
	size_t len = 0;
	FILE *f;

	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "count", &v));
	ck_assert_uint_eq(json_object_get_uint64(v), 100);
	ck_assert(json_object_object_get_ex(o, "p90_ns", &v));
	ck_assert_uint_eq(json_object_get_uint64(v), 1280);
	ck_assert(json_object_object_get_ex(o, "p999_ns", &v));
	ck_assert(json_object_object_get_ex(o, "buckets", &b));
	ck_assert_uint_eq(json_object_array_length(b), 3);
	v = json_object_array_get_idx(b, 1);
	ck_assert_str_eq(json_object_to_json_string_ext(v,
							JSON_C_TO_STRING_PLAIN),
			 "{\"from_ns\":2048,\"to_ns\":2560,\"count\":9}");
	/* The open bucket has no "to_ns". */
	v = json_object_array_get_idx(b, 2);
	ck_assert(!json_object_object_get_ex(v, "to_ns", NULL));

	f = open_memstream(&buf, &len);
	show_latency_text(f, o);
	fclose(f);
	ck_assert_str_eq(buf, "\tlatency: count 100 p50 1.2us p90 1.3us "
			      "p99 2.6us p99.9 60.13s\n");
	free(buf);
	json_object_put(o);

	/* No samples: no quantiles, no buckets. */
	lat = layout();
	o = show_latency(&lat);
	ck_assert(!json_object_object_get_ex(o, "p50_ns", NULL));
	ck_assert(json_object_object_get_ex(o, "buckets", &b));
	ck_assert_uint_eq(json_object_array_length(b), 0);
	json_object_put(o);

	show_duration(dur, sizeof(dur), 999);
	ck_assert_str_eq(dur, "999ns");
	show_duration(dur, sizeof(dur), 4560000);
	ck_assert_str_eq(dur, "4.56ms");
}
END_TEST

START_TEST(prometheus)
{
	struct ktcp_server srv[2] = { { .id = 4, .port = 7 },
				      { .id = 5, .port = 8 } };
	struct ktcp_latency lats[2] = { sample(), { 0 } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	strcpy(srv[0].service, "echo");
	strcpy(srv[1].service, "http");
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(prom_write(f, srv, lats, 2, NULL), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "# TYPE ktcp_service_time_seconds "
					  "histogram\n"));
	/* Cumulative, at powers of two, in seconds. */
	ck_assert_ptr_nonnull(
		strstr(buf, "ktcp_service_time_seconds_bucket{id=\"4\","
			    "service=\"echo\",port=\"7\",name=\"\","
			    "le=\"1.024e-06\"} 0\n"
			    "ktcp_service_time_seconds_bucket{id=\"4\","
			    "service=\"echo\",port=\"7\",name=\"\","
			    "le=\"2.048e-06\"} 90\n"
			    "ktcp_service_time_seconds_bucket{id=\"4\","
			    "service=\"echo\",port=\"7\",name=\"\","
			    "le=\"4.096e-06\"} 99\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "le=\"+Inf\"} 100\n"
			    "ktcp_service_time_seconds_sum{id=\"4\","
			    "service=\"echo\",port=\"7\",name=\"\"} 1.5\n"
			    "ktcp_service_time_seconds_count{id=\"4\","
			    "service=\"echo\",port=\"7\",name=\"\"} 100\n"));
	/* A server without service times has no series. */
	ck_assert_ptr_null(strstr(buf, "_count{id=\"5\""));
	free(buf);

	/* Nobody has any: no family at all. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(prom_write(f, srv, NULL, 2, NULL), 0);
	fclose(f);
	ck_assert_ptr_null(strstr(buf, "ktcp_service_time"));
	free(buf);
}
END_TEST

Suite *make_latency_suite(void)
{
	Suite *s = suite_create("latency");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bucket_bounds);
	tcase_add_test(tc, bucket_bounds_wide);
	tcase_add_test(tc, percentiles);
	tcase_add_test(tc, parse);
	tcase_add_test(tc, json_and_text);
	tcase_add_test(tc, prometheus);
	suite_add_tcase(s, tc);
	return s;
}
