// SPDX-License-Identifier: GPL-2.0-only
/* JSON shaping and text rendering of the CLI (userspace/cli/show.c). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cksuites.h"
#include "show.h"
#include "top_frame.h"

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

/* show_text() of o, to free. */
static char *text_of(struct json_object *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	show_text(f, o);
	fclose(f);
	return buf;
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
	char *buf;

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
	buf = text_of(o);
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
	char *buf = text_of(o);

	ck_assert_str_eq(
		buf, "1: echo addr :: port 7 backlog 128 max_conns 0 "
		     "idle_timeout_ms 30000 listeners 2\n"
		     "\topts: wq percpu\n"
		     "\tstats: accepted 5 active 1 bytes_in 1099511627776\n");
	free(buf);
	json_object_put(o);
}
END_TEST

/* Parse as a strict consumer does: RFC 8259 only, UTF-8 only. */
static struct json_object *parse_strict(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	ck_assert_ptr_nonnull(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int)len);
	ck_assert_msg(o && json_tokener_get_error(tok) == json_tokener_success,
		      "not valid JSON: %s",
		      json_tokener_error_desc(json_tokener_get_error(tok)));
	json_tokener_free(tok);
	return o;
}

/* What `ktcp --json` prints of o (show_json()), parsed back strictly. */
static struct json_object *reparse(struct json_object *o, bool pretty)
{
	struct json_object *back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(show_json(f, o, pretty), 0);
	fclose(f);
	ck_assert(len && buf[len - 1] == '\n');
	back = parse_strict(buf, len - 1);
	free(buf);
	return back;
}

/* v is the array of the bytes of s, in order. */
static void assert_bytes(struct json_object *v, const char *s)
{
	size_t i, n = strlen(s);

	ck_assert_msg(json_object_is_type(v, json_type_array),
		      "not an array: %s", json_object_to_json_string(v));
	ck_assert_uint_eq(json_object_array_length(v), n);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(
			json_object_get_int(json_object_array_get_idx(v, i)),
			(unsigned char)s[i]);
}

/* An http server with only the string fields a user can choose. */
static struct ktcp_server named_server(const char *name, const char *root)
{
	struct ktcp_server s = { 0 };

	s.id = 1;
	strcpy(s.service, "http");
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.http_root = root;
	s.has = KTCP_HAS_ID | KTCP_HAS_SERVICE | KTCP_HAS_NAME |
		KTCP_HAS_HTTP_ROOT;
	return s;
}

/* Not UTF-8 (RFC 3629): each must come out as an array of its bytes. */
static const char *const not_utf8[] = {
	"a\xffz", /* a byte UTF-8 never has */
	"\xc3", /* truncated 2-byte sequence */
	"x\xe6\x97", /* truncated 3-byte sequence */
	"\xf0\x9f\x98", /* truncated 4-byte sequence */
	"\x80", /* a continuation byte alone */
	"\xc0\xaf", /* overlong '/' */
	"\xc1\xbf", /* overlong DEL */
	"\xe0\x80\xaf", /* overlong '/' in 3 bytes */
	"\xf0\x8f\xbf\xbf", /* overlong U+FFFF in 4 bytes */
	"\xed\xa0\x80", /* surrogate U+D800 */
	"\xed\xbf\xbf", /* surrogate U+DFFF */
	"\xf4\x90\x80\x80", /* U+110000, past Unicode */
	"\xf5\x80\x80\x80", /* a lead byte past Unicode */
	"\xc3\xa9\xc3", /* valid, then truncated */
	"\xe6\x97\xa5\x41\xa5", /* a continuation byte after ASCII */
};

START_TEST(not_utf8_as_bytes)
{
	struct json_object *o, *back, *v;
	struct ktcp_server srv;
	char root[64];
	size_t i;

	for (i = 0; i < sizeof(not_utf8) / sizeof(not_utf8[0]); i++) {
		snprintf(root, sizeof(root), "/srv/%s", not_utf8[i]);
		srv = named_server(not_utf8[i], root);
		o = show_server(&srv);
		back = reparse(o, i & 1);
		assert_bytes(get(back, "name"), not_utf8[i]);
		assert_bytes(get(get(back, "opts"), "root"), root);
		v = get(back, "service");
		ck_assert(json_object_is_type(v, json_type_string));
		json_object_put(back);
		json_object_put(o);
	}
}
END_TEST

/* Valid UTF-8, from 1 to 4 bytes and at the range limits, stays a string. */
START_TEST(utf8_stays_string)
{
	static const char *const ok[] = {
		"web",
		"v\xc3\xa9", /* vé */
		"\xe6\x97\xa5\xe6\x9c\xac", /* 日本 */
		"\xf0\x9f\x98\x80", /* U+1F600, an emoji */
		"\xc2\x80", /* U+0080, the first of 2 bytes */
		"\xe0\xa0\x80", /* U+0800, the first of 3 */
		"\xed\x9f\xbf", /* U+D7FF, before the surrogates */
		"\xee\x80\x80", /* U+E000, after them */
		"\xef\xbf\xbf", /* U+FFFF */
		"\xf0\x90\x80\x80", /* U+10000, the first of 4 */
		"\xf4\x8f\xbf\xbf", /* U+10FFFF, the last */
		"a\x1b]0;x\x07\x7f\\", /* controls are UTF-8 too */
	};
	struct json_object *o, *back, *v;
	struct ktcp_server srv;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		srv = named_server(ok[i], ok[i]);
		o = show_server(&srv);
		back = reparse(o, false);
		v = get(back, "name");
		ck_assert_msg(json_object_is_type(v, json_type_string),
			      "case %zu is not a string", i);
		ck_assert_str_eq(json_object_get_string(v), ok[i]);
		v = get(get(back, "opts"), "root");
		ck_assert(json_object_is_type(v, json_type_string));
		ck_assert_str_eq(json_object_get_string(v), ok[i]);
		json_object_put(back);
		json_object_put(o);
	}
}
END_TEST

/*
 * Text for a terminal: printable UTF-8 as it is; control bytes (C0, DEL,
 * C1), bytes outside UTF-8 and the backslash as \xHH, whether the JSON
 * holds a string or an array of bytes.
 */
START_TEST(text_escapes)
{
	static const struct {
		const char *in, *out;
	} c[] = {
		{ "web", "web" },
		{ "v\xc3\xa9", "v\xc3\xa9" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "a\x1b]0;x\x07z", "a\\x1b]0;x\\x07z" },
		{ "\t\n\r\x7f", "\\x09\\x0a\\x0d\\x7f" },
		{ "a\\x41", "a\\x5cx41" },
		{ "\xc2\x9bJ", "\\xc2\\x9bJ" }, /* C1 CSI */
		{ "a\xffz", "a\\xffz" },
		{ "\xc3", "\\xc3" },
		{ "\xc0\xaf", "\\xc0\\xaf" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
		{ "\xc3\xa9\xff\x1b", "\xc3\xa9\\xff\\x1b" },
		{ "\xe6\x97\xa5\xe6\x97", "\xe6\x97\xa5\\xe6\\x97" },
	};
	struct json_object *o;
	struct ktcp_server srv;
	char want[256], *t;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		srv = named_server(c[i].in, c[i].in);
		srv.has &= ~KTCP_HAS_HTTP_ROOT;
		o = show_server(&srv);
		t = text_of(o);
		snprintf(want, sizeof(want), "1: http name %s\n", c[i].out);
		ck_assert_str_eq(t, want);
		free(t);
		json_object_put(o);
	}
	/* The service, shown first, and nested objects too. */
	srv = named_server("n", "/a\x1b\xff");
	strcpy(srv.service, "h\x1b");
	o = show_server(&srv);
	t = text_of(o);
	ck_assert_str_eq(t, "1: h\\x1b name n\n\topts: root /a\\x1b\\xff\n");
	free(t);
	json_object_put(o);
}
END_TEST

/* Other arrays of small numbers (groups) are not taken for bytes. */
START_TEST(text_groups_not_bytes)
{
	struct ktcp_server srv = named_server("a\xff", "/srv");
	uint32_t groups[] = { 65, 66 };
	struct json_object *o;
	char *t;

	srv.http_groups = groups;
	srv.http_ngroups = 2;
	srv.has |= KTCP_HAS_HTTP_GROUPS;
	o = show_server(&srv);
	t = text_of(o);
	ck_assert_str_eq(t, "1: http name a\\xff\n"
			    "\topts: root /srv groups [65,66]\n");
	free(t);
	json_object_put(o);
}
END_TEST

/* Events and `ktcp top` take the same way for their strings. */
START_TEST(top_and_event_bytes)
{
	struct ktcp_event ev = { .type = KTCP_EVENT_SERVER_STARTED, .id = 2 };
	struct top_row row = { .id = 1,
			       .service = "echo",
			       .name = "\x1b[2Jx\xff",
			       .port = 7,
			       .unit = "msg/s" };
	struct top_frame fr = { .delay_ms = 1000, .rows = &row, .n = 1 };
	struct json_object *o, *back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	strcpy(ev.service, "e\xff");
	ev.has = KTCP_HAS_ID | KTCP_HAS_SERVICE;
	o = show_event(&ev);
	back = reparse(o, false);
	assert_bytes(get(back, "service"), "e\xff");
	json_object_put(back);
	json_object_put(o);

	o = top_json(&fr);
	back = reparse(o, false);
	assert_bytes(get(json_object_array_get_idx(get(back, "servers"), 0),
			 "name"),
		     row.name);
	json_object_put(back);
	json_object_put(o);

	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	top_render(f, &fr, 0, 0);
	fclose(f);
	ck_assert_ptr_null(strchr(buf, '\x1b'));
	ck_assert_ptr_nonnull(strstr(buf, " \\x1b[2Jx\\xff\n"));
	free(buf);
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
	tcase_add_test(tc, not_utf8_as_bytes);
	tcase_add_test(tc, utf8_stays_string);
	tcase_add_test(tc, text_escapes);
	tcase_add_test(tc, text_groups_not_bytes);
	tcase_add_test(tc, top_and_event_bytes);
	suite_add_tcase(s, tc);
	return s;
}
