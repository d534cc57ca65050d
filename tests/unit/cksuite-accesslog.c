// SPDX-License-Identifier: GPL-2.0-only
/*
 * Access records as Combined Log Format lines and JSON
 * (userspace/cli/accesslog.c): escaping of what clients send, the line's
 * shape, records without a request.
 */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "accesslog.h"
#include "cksuites.h"

static char line[ACCESSLOG_LINE_MAX];

static struct ktcp_log_record record(void)
{
	struct ktcp_log_record r = { 0 };

	r.id = 7;
	r.time_ns = 1764905400ULL * 1000000000ULL + 5; /* 05/Dec/2025 03:30 */
	ck_assert_int_eq(ktcp_addr_parse("192.0.2.1", &r.addr), 0);
	r.port = 40000;
	r.has = KTCP_LOG_HAS_REQUEST;
	strcpy(r.method, "GET");
	r.target = "/index.html";
	r.target_len = strlen(r.target);
	r.proto_minor = 1;
	r.status = 200;
	r.bytes = 512;
	r.usec = 31;
	return r;
}

START_TEST(escape_bytes)
{
	char out[64];

	ck_assert_uint_eq(accesslog_escape(out, "plain /a?b=c", 12, true), 12);
	ck_assert_str_eq(out, "plain /a?b=c");
	/* quotes only inside a quoted field; backslash always */
	accesslog_escape(out, "a\"b\\c", 5, true);
	ck_assert_str_eq(out, "a\\x22b\\x5cc");
	accesslog_escape(out, "a\"b\\c", 5, false);
	ck_assert_str_eq(out, "a\"b\\x5cc");
	/* control bytes, DEL and bytes beyond ASCII, a NUL in the middle */
	ck_assert_uint_eq(
		accesslog_escape(out, "\t\x1b\x7f\xc3\xa9\0z", 7, true), 25);
	ck_assert_str_eq(out, "\\x09\\x1b\\x7f\\xc3\\xa9\\x00z");
	ck_assert_uint_eq(accesslog_escape(out, "", 0, true), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(clf_line)
{
	struct ktcp_log_record r = record();
	size_t n;

	setenv("TZ", "UTC", 1);
	n = accesslog_clf(line, &r);
	ck_assert_str_eq(line, "192.0.2.1 - - [05/Dec/2025:03:30:00 +0000] "
			       "\"GET /index.html HTTP/1.1\" 200 512 \"-\" "
			       "\"-\"\n");
	ck_assert_uint_eq(n, strlen(line));
	/* HTTP/1.0, Referer and User-Agent with quotes and a tab */
	r.proto_minor = 0;
	r.referer = "http://x/\"y\"";
	r.referer_len = strlen(r.referer);
	r.user_agent = "ua \"1\"\tz";
	r.user_agent_len = strlen(r.user_agent);
	r.has |= KTCP_LOG_HAS_REFERER | KTCP_LOG_HAS_USER_AGENT;
	accesslog_clf(line, &r);
	ck_assert_str_eq(line, "192.0.2.1 - - [05/Dec/2025:03:30:00 +0000] "
			       "\"GET /index.html HTTP/1.0\" 200 512 "
			       "\"http://x/\\x22y\\x22\" "
			       "\"ua \\x221\\x22\\x09z\"\n");
	/* the target as sent, quote and all: one field still */
	r = record();
	r.target = "/\"a b\"";
	r.target_len = strlen(r.target);
	accesslog_clf(line, &r);
	ck_assert_ptr_nonnull(strstr(line, "\"GET /\\x22a b\\x22 HTTP/1.1\""));
}
END_TEST

START_TEST(clf_no_request)
{
	struct ktcp_log_record r = record();

	setenv("TZ", "UTC", 1);
	r.has = 0;
	r.status = 400;
	r.bytes = 0;
	ck_assert_int_eq(ktcp_addr_parse("2001:db8::1", &r.addr), 0);
	accesslog_clf(line, &r);
	ck_assert_str_eq(line, "2001:db8::1 - - [05/Dec/2025:03:30:00 +0000] "
			       "\"-\" 400 0 \"-\" \"-\"\n");
}
END_TEST

/* The longest strings, every byte escaped: the line still fits. */
START_TEST(clf_longest)
{
	static char target[KTCP_ACCESS_TARGET_MAX],
		ref[KTCP_ACCESS_REFERER_MAX], ua[KTCP_ACCESS_USER_AGENT_MAX];
	struct ktcp_log_record r = record();
	size_t n;

	memset(target, '"', sizeof(target));
	memset(ref, 0x01, sizeof(ref));
	memset(ua, 0xff, sizeof(ua));
	r.target = target;
	r.target_len = sizeof(target);
	r.referer = ref;
	r.referer_len = sizeof(ref);
	r.user_agent = ua;
	r.user_agent_len = sizeof(ua);
	r.has |= KTCP_LOG_HAS_REFERER | KTCP_LOG_HAS_USER_AGENT;
	strcpy(r.method, "0123456789012345678901234567890");
	n = accesslog_clf(line, &r);
	ck_assert_uint_lt(n, sizeof(line));
	ck_assert_uint_eq(strlen(line), n);
	ck_assert_int_eq(line[n - 1], '\n');
}
END_TEST

START_TEST(json_record)
{
	struct ktcp_log_record r = record();
	struct json_object *o, *v;

	r.user_agent = "a\"\x01";
	r.user_agent_len = 3;
	r.has |= KTCP_LOG_HAS_USER_AGENT;
	o = accesslog_json(&r);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "server", &v));
	ck_assert_int_eq(json_object_get_int(v), 7);
	ck_assert(json_object_object_get_ex(o, "addr", &v));
	ck_assert_str_eq(json_object_get_string(v), "192.0.2.1");
	ck_assert(json_object_object_get_ex(o, "target", &v));
	ck_assert_str_eq(json_object_get_string(v), "/index.html");
	ck_assert(json_object_object_get_ex(o, "proto", &v));
	ck_assert_str_eq(json_object_get_string(v), "HTTP/1.1");
	ck_assert(json_object_object_get_ex(o, "user_agent", &v));
	ck_assert_str_eq(json_object_get_string(v), "a\"\\x01");
	ck_assert(!json_object_object_get_ex(o, "referer", NULL));
	ck_assert(!json_object_object_get_ex(o, "cut", NULL));
	ck_assert(json_object_object_get_ex(o, "usec", &v));
	ck_assert_int_eq(json_object_get_int(v), 31);
	json_object_put(o);
	/* no request: no method, target or proto */
	r.has = 0;
	o = accesslog_json(&r);
	ck_assert(!json_object_object_get_ex(o, "method", NULL));
	ck_assert(!json_object_object_get_ex(o, "target", NULL));
	json_object_put(o);
}
END_TEST

Suite *make_accesslog_suite(void)
{
	Suite *s = suite_create("accesslog");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, escape_bytes);
	tcase_add_test(tc, clf_line);
	tcase_add_test(tc, clf_no_request);
	tcase_add_test(tc, clf_longest);
	tcase_add_test(tc, json_record);
	suite_add_tcase(s, tc);
	return s;
}
