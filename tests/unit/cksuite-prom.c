// SPDX-License-Identifier: GPL-2.0-only
/* The Prometheus text format of the counters (userspace/cli/prometheus.c). */
#include <stdlib.h>
#include <string.h>

#include "cksuites.h"
#include "prometheus.h"

static char *write_all(const struct ktcp_server *arr, size_t n,
		       const struct ktcp_stats *total)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(prom_write(f, arr, NULL, n, total), 0);
	fclose(f);
	return buf;
}

static struct ktcp_server server(uint32_t id, const char *service,
				 uint16_t port, const char *name)
{
	struct ktcp_server s = { .id = id, .port = port };

	strcpy(s.service, service);
	s.has = KTCP_HAS_ID | KTCP_HAS_SERVICE | KTCP_HAS_PORT | KTCP_HAS_STATS;
	if (name) {
		strcpy(s.name, name);
		s.has |= KTCP_HAS_NAME;
	}
	s.stats.has = KTCP_STAT_ACCEPTED | KTCP_STAT_ACTIVE |
		      KTCP_STAT_BYTES_IN | KTCP_STAT_MEM;
	s.stats.accepted = 10 * id;
	s.stats.active = id;
	s.stats.bytes_in = 1000 * id;
	s.stats.mem = 4096;
	return s;
}

START_TEST(families_and_labels)
{
	struct ktcp_server arr[2] = { server(3, "http", 8081, "web"),
				      server(4, "echo", 7, NULL) };
	struct ktcp_stats total = { .has = KTCP_STAT_DROPPED, .dropped = 5 };
	char *out;

	arr[0].stats.has |= KTCP_STAT_HTTP_2XX | KTCP_STAT_HTTP_4XX;
	arr[0].stats.http_2xx = 90;
	arr[0].stats.http_4xx = 2;
	/* An echo server's http counters are zeros: not shown. */
	arr[1].stats.has |= KTCP_STAT_HTTP_2XX;
	out = write_all(arr, 2, &total);
	ck_assert_ptr_nonnull(strstr(
		out,
		"# HELP ktcp_connections_accepted_total Connections accepted.\n"
		"# TYPE ktcp_connections_accepted_total counter\n"
		"ktcp_connections_accepted_total{id=\"3\",service=\"http\","
		"port=\"8081\",name=\"web\"} 30\n"
		"ktcp_connections_accepted_total{id=\"4\",service=\"echo\","
		"port=\"7\",name=\"\"} 40\n"));
	ck_assert_ptr_nonnull(
		strstr(out, "# TYPE ktcp_connections_active gauge\n"));
	ck_assert_ptr_nonnull(strstr(out, "# TYPE ktcp_memory_bytes gauge\n"));
	ck_assert_ptr_nonnull(strstr(
		out, "ktcp_received_bytes_total{id=\"4\",service=\"echo\","
		     "port=\"7\",name=\"\"} 4000\n"));
	/* Several series of one family: an extra label each. */
	ck_assert_ptr_nonnull(strstr(
		out, "# TYPE ktcp_http_responses_total counter\n"
		     "ktcp_http_responses_total{id=\"3\",service=\"http\","
		     "port=\"8081\",name=\"web\",class=\"2xx\"} 90\n"
		     "ktcp_http_responses_total{id=\"3\",service=\"http\","
		     "port=\"8081\",name=\"web\",class=\"4xx\"} 2\n# HELP"));
	ck_assert_ptr_null(strstr(out, "class=\"2xx\"} 0"));
	/* The netns's own counter, without server labels. */
	ck_assert_ptr_nonnull(strstr(out, "ktcp_sockets_dropped_total 5\n"));
	/* No family without a sample: nobody counted errors here. */
	ck_assert_ptr_null(strstr(out, "ktcp_connection_errors_total"));
	ck_assert_ptr_null(strstr(out, "ktcp_http_requests_total"));
	free(out);
}
END_TEST

/* No servers, no totals: nothing at all, which is valid too. */
START_TEST(empty)
{
	char *out = write_all(NULL, 0, NULL);

	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(escaping)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	prom_escape(f, "a\\b\"c\nd");
	fclose(f);
	ck_assert_str_eq(buf, "a\\\\b\\\"c\\nd");
	free(buf);
}
END_TEST

Suite *make_prom_suite(void)
{
	Suite *s = suite_create("prom");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, families_and_labels);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, escaping);
	suite_add_tcase(s, tc);
	return s;
}
