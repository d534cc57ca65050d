// SPDX-License-Identifier: GPL-2.0-only
/* JSON shaping and text rendering of the CLI (userspace/cli/show.c). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cksuites.h"
#include "show.h"

static struct ktcp_server make_server(uint32_t id, const char *addr,
				      uint16_t port)
{
	struct ktcp_server s = { 0 };

	s.id = id;
	strcpy(s.service, "echo");
	ck_assert_int_eq(ktcp_addr_parse(addr, &s.addr), 0);
	s.port = port;
	s.backlog = 128;
	s.max_conns = 0;
	s.idle_timeout_ms = 30000;
	s.listeners = 2;
	s.echo_wq = KTCP_WQ_PERCPU;
	s.stats.accepted = 5;
	s.stats.active = 1;
	s.stats.bytes_in = 1ULL << 40; /* beyond 32 bits */
	s.stats.has = KTCP_STAT_ACCEPTED | KTCP_STAT_ACTIVE |
		      KTCP_STAT_BYTES_IN;
	s.has = KTCP_HAS_ID | KTCP_HAS_SERVICE | KTCP_HAS_ADDR | KTCP_HAS_PORT |
		KTCP_HAS_BACKLOG | KTCP_HAS_MAX_CONNS | KTCP_HAS_IDLE_TIMEOUT |
		KTCP_HAS_LISTENERS | KTCP_HAS_ECHO_WQ | KTCP_HAS_STATS;
	return s;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no '%s'", key);
	return v;
}

static int has(struct json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

START_TEST(server_list_fields)
{
	struct ktcp_server arr[2] = { make_server(1, "::", 7),
				      make_server(2, "192.0.2.1", 8080) };
	struct json_object *a, *s, *opts, *st, *back;
	const char *text;

	a = show_servers(arr, 2);
	/* Round trip through text, as a consumer of --json sees it. */
	text = json_object_to_json_string(a);
	back = json_tokener_parse(text);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(json_object_array_length(back), 2);

	s = json_object_array_get_idx(back, 1);
	ck_assert_int_eq(json_object_get_int64(get(s, "id")), 2);
	ck_assert_str_eq(json_object_get_string(get(s, "service")), "echo");
	ck_assert_str_eq(json_object_get_string(get(s, "addr")), "192.0.2.1");
	ck_assert_int_eq(json_object_get_int(get(s, "port")), 8080);
	ck_assert_int_eq(json_object_get_int(get(s, "backlog")), 128);
	ck_assert_int_eq(json_object_get_int(get(s, "max_conns")), 0);
	ck_assert_int_eq(json_object_get_int(get(s, "idle_timeout_ms")), 30000);
	ck_assert_int_eq(json_object_get_int(get(s, "listeners")), 2);
	opts = get(s, "opts");
	ck_assert_str_eq(json_object_get_string(get(opts, "wq")), "percpu");
	st = get(s, "stats");
	ck_assert_uint_eq(json_object_get_uint64(get(st, "bytes_in")),
			  1ULL << 40);
	ck_assert_int_eq(json_object_get_int(get(st, "accepted")), 5);
	/* Counters the kernel did not send are absent, not zero. */
	ck_assert(!has(st, "closed"));
	ck_assert(json_object_is_type(get(s, "port"), json_type_int));
	s = json_object_array_get_idx(back, 0);
	ck_assert_str_eq(json_object_get_string(get(s, "addr")), "::");
	json_object_put(back);
	json_object_put(a);
}
END_TEST

START_TEST(absent_fields_omitted)
{
	struct ktcp_server srv = make_server(3, "::1", 9);
	struct json_object *o;

	srv.has = KTCP_HAS_ID | KTCP_HAS_PORT;
	o = show_server(&srv);
	ck_assert_int_eq(json_object_object_length(o), 2);
	ck_assert(!has(o, "stats"));
	ck_assert(!has(o, "opts"));
	json_object_put(o);
	o = show_servers(NULL, 0);
	ck_assert_str_eq(json_object_to_json_string_ext(o, 0), "[]");
	json_object_put(o);
}
END_TEST

START_TEST(unknown_wq_by_number)
{
	struct ktcp_server srv = make_server(3, "::1", 9);
	struct json_object *o;

	srv.echo_wq = 7;
	o = show_server(&srv);
	ck_assert_int_eq(json_object_get_int(get(get(o, "opts"), "wq")), 7);
	json_object_put(o);
}
END_TEST

START_TEST(http_opts_json)
{
	struct ktcp_server srv = make_server(3, "::1", 8081);
	struct json_object *o, *opts;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	strcpy(srv.service, "http");
	srv.http_root = "/srv/www";
	srv.http_listing = 1;
	srv.http_sendfile = 0;
	srv.http_max_header = 16384;
	srv.http_head_timeout_ms = 60000;
	srv.max_mem_kb = 65536;
	srv.cpus = "0-1,8";
	srv.has = KTCP_HAS_ID | KTCP_HAS_SERVICE | KTCP_HAS_HTTP_ROOT |
		  KTCP_HAS_HTTP_LISTING | KTCP_HAS_HTTP_SENDFILE |
		  KTCP_HAS_HTTP_MAX_HEADER | KTCP_HAS_HTTP_HEAD_TIMEOUT |
		  KTCP_HAS_MAX_MEM | KTCP_HAS_CPUS;
	o = show_server(&srv);
	opts = get(o, "opts");
	ck_assert_str_eq(json_object_get_string(get(opts, "root")), "/srv/www");
	ck_assert(json_object_is_type(get(opts, "listing"), json_type_boolean));
	ck_assert(json_object_get_boolean(get(opts, "listing")));
	ck_assert(
		json_object_is_type(get(opts, "sendfile"), json_type_boolean));
	ck_assert(!json_object_get_boolean(get(opts, "sendfile")));
	ck_assert_int_eq(json_object_get_int(get(opts, "max_header")), 16384);
	ck_assert_int_eq(json_object_get_int(get(opts, "head_timeout_ms")),
			 60000);
	ck_assert_int_eq(json_object_get_int(get(o, "max_mem_kb")), 65536);
	/* A string, as the kernel prints the set: never a number. */
	ck_assert(json_object_is_type(get(o, "cpus"), json_type_string));
	ck_assert_str_eq(json_object_get_string(get(o, "cpus")), "0-1,8");
	ck_assert(!has(opts, "wq"));
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	show_text(f, o);
	fclose(f);
	ck_assert_str_eq(buf,
			 "3: http max_mem_kb 65536 cpus 0-1,8\n"
			 "\topts: root /srv/www listing true sendfile false "
			 "max_header 16384 head_timeout_ms 60000\n");
	free(buf);
	json_object_put(o);

	/* A kernel without the option sends no sendfile: none is shown. */
	srv.has &= ~(KTCP_HAS_HTTP_SENDFILE | KTCP_HAS_HTTP_HEAD_TIMEOUT |
		     KTCP_HAS_MAX_MEM | KTCP_HAS_CPUS);
	o = show_server(&srv);
	ck_assert(!has(get(o, "opts"), "sendfile"));
	ck_assert(!has(get(o, "opts"), "head_timeout_ms"));
	ck_assert(!has(o, "max_mem_kb"));
	ck_assert(!has(o, "cpus"));
	json_object_put(o);
}
END_TEST

START_TEST(event_json)
{
	struct ktcp_event ev = { .type = KTCP_EVENT_SERVER_STOPPED,
				 .id = 4,
				 .port = 80 };
	struct json_object *o;

	strcpy(ev.service, "http");
	ev.has = KTCP_HAS_ID | KTCP_HAS_SERVICE | KTCP_HAS_PORT;
	o = show_event(&ev);
	ck_assert_str_eq(json_object_to_json_string_ext(o,
							JSON_C_TO_STRING_PLAIN),
			 "{\"event\":\"stopped\",\"id\":4,\"service\":\"http\","
			 "\"port\":80}");
	json_object_put(o);
}
END_TEST

/* A drop event counts "dropped", as the drop reply does; lost events. */
START_TEST(drop_and_lost_events)
{
	struct ktcp_event ev = { .type = KTCP_EVENT_SOCK_DROPPED,
				 .dropped = 3,
				 .has = KTCP_HAS_DROPPED };
	struct json_object *o;

	o = show_event(&ev);
	ck_assert_str_eq(json_object_to_json_string_ext(o,
							JSON_C_TO_STRING_PLAIN),
			 "{\"event\":\"dropped\",\"dropped\":3}");
	json_object_put(o);
	o = show_lost();
	ck_assert_str_eq(json_object_to_json_string_ext(o,
							JSON_C_TO_STRING_PLAIN),
			 "{\"event\":\"lost\"}");
	json_object_put(o);
}
END_TEST

/* Drop results: endpoints are {addr, port} objects, as a server's. */
START_TEST(drop_result_endpoints)
{
	struct ktcp_drop_result r[2] = { 0 };
	struct json_object *o;

	ck_assert_int_eq(ktcp_addr_parse("::1", &r[0].tuple.saddr), 0);
	ck_assert_int_eq(ktcp_addr_parse("::1", &r[0].tuple.daddr), 0);
	r[0].tuple.sport = 40000;
	r[0].tuple.dport = 80;
	r[0].status = KTCP_NOT_FOUND;
	ck_assert_int_eq(ktcp_addr_parse("127.0.0.1", &r[1].tuple.saddr), 0);
	ck_assert_int_eq(ktcp_addr_parse("127.0.0.1", &r[1].tuple.daddr), 0);
	r[1].tuple.sport = 51496;
	r[1].tuple.dport = 12345;
	r[1].status = KTCP_DROPPED;
	r[1].state = KTCP_TCP_TIME_WAIT;
	o = show_drop(r, 2, false);
	ck_assert_str_eq(json_object_to_json_string_ext(o,
							JSON_C_TO_STRING_PLAIN),
			 "{\"dry_run\":false,\"dropped\":1,\"not_found\":1,"
			 "\"found\":0,\"sockets\":[{\"result\":\"not-found\","
			 "\"src\":{\"addr\":\"::1\",\"port\":40000},"
			 "\"dst\":{\"addr\":\"::1\",\"port\":80}},"
			 "{\"result\":\"dropped\","
			 "\"src\":{\"addr\":\"127.0.0.1\",\"port\":51496},"
			 "\"dst\":{\"addr\":\"127.0.0.1\",\"port\":12345},"
			 "\"state\":\"time-wait\"}]}");
	json_object_put(o);
}
END_TEST

/* The memory gauge and the two ways a server closes to stay in bounds. */
START_TEST(mem_counters)
{
	struct ktcp_stats st = { 0 };
	struct json_object *o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	st.accepted = 9;
	st.mem = 1ULL << 33;
	st.over_mem = 2;
	st.evicted = 3;
	st.has = KTCP_STAT_ACCEPTED | KTCP_STAT_MEM | KTCP_STAT_OVER_MEM |
		 KTCP_STAT_EVICTED;
	o = show_stats(&st);
	ck_assert_str_eq(json_object_to_json_string_ext(o,
							JSON_C_TO_STRING_PLAIN),
			 "{\"accepted\":9,\"mem\":8589934592,\"over_mem\":2,"
			 "\"evicted\":3}");
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	show_text_line(f, "total", o);
	fclose(f);
	ck_assert_str_eq(
		buf, "total: accepted 9 mem 8589934592 over_mem 2 evicted 3\n");
	free(buf);
	json_object_put(o);
	/* An older kernel's counters: the new ones are absent. */
	st.has = KTCP_STAT_ACCEPTED;
	o = show_stats(&st);
	ck_assert(!has(o, "mem") && !has(o, "over_mem") && !has(o, "evicted"));
	json_object_put(o);
}
END_TEST

START_TEST(text_from_json)
{
	struct ktcp_server srv = make_server(1, "::", 7);
	struct json_object *o = show_server(&srv);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	show_text(f, o);
	fclose(f);
	ck_assert_str_eq(
		buf, "1: echo addr :: port 7 backlog 128 max_conns 0 "
		     "idle_timeout_ms 30000 listeners 2\n"
		     "\topts: wq percpu\n"
		     "\tstats: accepted 5 active 1 bytes_in 1099511627776\n");
	free(buf);
	json_object_put(o);
}
END_TEST

Suite *make_json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, server_list_fields);
	tcase_add_test(tc, absent_fields_omitted);
	tcase_add_test(tc, unknown_wq_by_number);
	tcase_add_test(tc, http_opts_json);
	tcase_add_test(tc, event_json);
	tcase_add_test(tc, drop_and_lost_events);
	tcase_add_test(tc, drop_result_endpoints);
	tcase_add_test(tc, mem_counters);
	tcase_add_test(tc, text_from_json);
	suite_add_tcase(s, tc);
	return s;
}
