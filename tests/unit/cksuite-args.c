// SPDX-License-Identifier: GPL-2.0-only
/* CLI argument parsing (userspace/cli/args.c). */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ktcp.h>

#include "args.h"
#include "help.h"
#include "cksuites.h"

START_TEST(u32_ranges)
{
	struct args_err e;
	uint32_t v = 0;

	ck_assert_int_eq(args_u32("0", 0, 10, &v, &e), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(args_u32("4294967295", 0, UINT32_MAX, &v, &e), 0);
	ck_assert_uint_eq(v, UINT32_MAX);
	ck_assert_int_eq(args_u32("4294967296", 0, UINT32_MAX, &v, &e),
			 -ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "'4294967296'"));
	ck_assert_int_eq(args_u32("99999999999999999999999", 0, 5, &v, &e),
			 -ERANGE);
	ck_assert_int_eq(args_u32("0", 1, 5, &v, &e), -ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "(1-5)"));
}
END_TEST

START_TEST(u32_junk)
{
	static const char *const bad[] = {
		"",   "-1",   "+1",  " 1",  "1 ",
		"1x", "0x10", "1.5", "1e3", "99999999999999x"
	};
	struct args_err e;
	uint32_t v = 77;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(args_u32(bad[i], 0, UINT32_MAX, &v, &e) ==
				      -EINVAL,
			      "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(e.msg, "is not a number"));
	}
	ck_assert_uint_eq(v, 77);
}
END_TEST

START_TEST(port_quotes_input)
{
	struct args_err e;
	uint16_t port;

	ck_assert_int_eq(args_port("8080", &port, &e), 0);
	ck_assert_uint_eq(port, 8080);
	ck_assert_int_eq(args_port("70000", &port, &e), -ERANGE);
	ck_assert_str_eq(e.msg, "'70000' is out of range (1-65535)");
	ck_assert_int_eq(args_port("http", &port, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "'http' is not a number");
	ck_assert_int_eq(args_port("0", &port, &e), -ERANGE);
}
END_TEST

START_TEST(quote_sanitizes)
{
	char long_in[200], q[48];
	struct args_err e;
	uint16_t port;

	/* Control characters must not reach the terminal. */
	ck_assert_int_eq(args_port("\x1b[31m", &port, &e), -EINVAL);
	ck_assert_ptr_null(strchr(e.msg, '\x1b'));
	ck_assert_ptr_nonnull(strstr(e.msg, "'?[31m'"));
	memset(long_in, '9', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	args_quote(long_in, q, sizeof(q));
	ck_assert_uint_eq(strlen(q), sizeof(q) - 1);
	ck_assert_str_eq(q + strlen(q) - 3, "...");
	ck_assert_int_eq(args_port(long_in, &port, &e), -ERANGE);
	ck_assert_uint_lt(strlen(e.msg), sizeof(e.msg) - 1);
}
END_TEST

START_TEST(durations)
{
	const uint32_t max = KTCP_IDLE_TIMEOUT_MS_MAX;
	struct args_err e;
	uint32_t ms = 0;

	ck_assert_int_eq(args_duration_ms("1500", max, &ms, &e), 0);
	ck_assert_uint_eq(ms, 1500);
	ck_assert_int_eq(args_duration_ms("1500ms", max, &ms, &e), 0);
	ck_assert_uint_eq(ms, 1500);
	ck_assert_int_eq(args_duration_ms("30s", max, &ms, &e), 0);
	ck_assert_uint_eq(ms, 30000);
	ck_assert_int_eq(args_duration_ms("5m", max, &ms, &e), 0);
	ck_assert_uint_eq(ms, 300000);
	ck_assert_int_eq(args_duration_ms("24h", max, &ms, &e), 0);
	ck_assert_uint_eq(ms, max);
	ck_assert_int_eq(args_duration_ms("0", max, &ms, &e), 0);
	ck_assert_uint_eq(ms, 0);
	ck_assert_int_eq(args_duration_ms("25h", max, &ms, &e), -ERANGE);
	ck_assert_int_eq(args_duration_ms("86400001", max, &ms, &e), -ERANGE);
	ck_assert_int_eq(args_duration_ms("4294967296s", max, &ms, &e),
			 -ERANGE);
	ck_assert_int_eq(args_duration_ms("5x", max, &ms, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "'5x'"));
	ck_assert_int_eq(args_duration_ms("s", max, &ms, &e), -EINVAL);
	ck_assert_int_eq(args_duration_ms("-1s", max, &ms, &e), -EINVAL);
	ck_assert_int_eq(args_duration_ms("1 s", max, &ms, &e), -EINVAL);
	ck_assert_int_eq(args_duration_ms("1sms", max, &ms, &e), -EINVAL);
	ck_assert_int_eq(args_duration_ms("", max, &ms, &e), -EINVAL);
	/* A lower bound: the http head timeout cannot be 0. */
	ck_assert_int_eq(args_duration_ms_range("0", 1, max, &ms, &e), -ERANGE);
	ck_assert_str_eq(e.msg, "'0' is out of range (1-86400000ms)");
	ck_assert_int_eq(args_duration_ms_range("1ms", 1, max, &ms, &e), 0);
	ck_assert_uint_eq(ms, 1);
}
END_TEST

START_TEST(sizes)
{
	const uint32_t max = KTCP_MAX_MEM_KB_MAX;
	struct args_err e;
	uint32_t kb = 7;

	ck_assert_int_eq(args_size_kb("0", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, 0);
	ck_assert_int_eq(args_size_kb("65536", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, 64);
	ck_assert_int_eq(args_size_kb("512K", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, 512);
	ck_assert_int_eq(args_size_kb("512KiB", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, 512);
	ck_assert_int_eq(args_size_kb("64M", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, 65536);
	ck_assert_int_eq(args_size_kb("2GiB", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, 2U << 20);
	ck_assert_int_eq(args_size_kb("1T", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, max);
	ck_assert_int_eq(args_size_kb("1024G", max, &kb, &e), 0);
	ck_assert_uint_eq(kb, max);
	/* Over the maximum, and numbers that would overflow. */
	ck_assert_int_eq(args_size_kb("1025G", max, &kb, &e), -ERANGE);
	ck_assert_str_eq(e.msg, "'1025G' is out of range (0-1T)");
	ck_assert_int_eq(args_size_kb("1099511628800", max, &kb, &e), -ERANGE);
	ck_assert_int_eq(args_size_kb("18446744073709551617T", max, &kb, &e),
			 -ERANGE);
	ck_assert_int_eq(args_size_kb("99999999999999999999999", max, &kb, &e),
			 -ERANGE);
	ck_assert_int_eq(args_size_kb("2M", 1000, &kb, &e), -ERANGE);
	ck_assert_str_eq(e.msg, "'2M' is out of range (0-1000K)");
	/* Bytes that are no whole KiB; junk. */
	ck_assert_int_eq(args_size_kb("1000", max, &kb, &e), -EINVAL);
	ck_assert_str_eq(
		e.msg, "'1000' bytes is not a whole number of KiB (e.g. 64K)");
	ck_assert_int_eq(args_size_kb("64m", max, &kb, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "'64m' is not a size (e.g. 0, 512K, 64M, 1G)");
	ck_assert_int_eq(args_size_kb("64MB", max, &kb, &e), -EINVAL);
	ck_assert_int_eq(args_size_kb("-1", max, &kb, &e), -EINVAL);
	ck_assert_int_eq(args_size_kb("1.5M", max, &kb, &e), -EINVAL);
	ck_assert_int_eq(args_size_kb(" 1M", max, &kb, &e), -EINVAL);
	ck_assert_int_eq(args_size_kb("M", max, &kb, &e), -EINVAL);
	ck_assert_int_eq(args_size_kb("", max, &kb, &e), -EINVAL);
	ck_assert_int_eq(args_size_kb("99999999999999999999999x", max, &kb, &e),
			 -EINVAL);
	ck_assert_uint_eq(kb, max); /* untouched by the failures */
}
END_TEST

START_TEST(ids_services_wq)
{
	char svc[KTCP_SERVICE_LEN];
	struct ktcp_addr a;
	struct args_err e;
	uint32_t id;
	uint8_t wq;

	ck_assert_int_eq(args_id("0", &id, &e), -ERANGE);
	ck_assert_int_eq(args_id("42", &id, &e), 0);
	ck_assert_uint_eq(id, 42);
	ck_assert_int_eq(args_service("echo", svc, &e), 0);
	ck_assert_str_eq(svc, "echo");
	ck_assert_int_eq(args_service("123456789012345", svc, &e), 0);
	ck_assert_int_eq(args_service("1234567890123456", svc, &e), -ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "'1234567890123456'"));
	ck_assert_int_eq(args_service("", svc, &e), -EINVAL);
	ck_assert_int_eq(args_wq("unbound", &wq, &e), 0);
	ck_assert_uint_eq(wq, KTCP_WQ_UNBOUND);
	ck_assert_int_eq(args_wq("fast", &wq, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "'fast'"));
	ck_assert_int_eq(args_addr("::", &a, &e), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(args_addr("example.com", &a, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "'example.com' is not an IPv4 or IPv6 address");
}
END_TEST

START_TEST(document_root)
{
	struct args_err e;

	ck_assert_int_eq(args_root("/srv/www", 4095, &e), 0);
	ck_assert_int_eq(args_root("/", 1, &e), 0);
	ck_assert_int_eq(args_root("srv/www", 4095, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "'srv/www' is not an absolute path");
	ck_assert_int_eq(args_root("", 4095, &e), -EINVAL);
	ck_assert_int_eq(args_root("/abcd", 4, &e), -ERANGE);
	ck_assert_str_eq(e.msg, "'/abcd' is longer than 4 characters");
}
END_TEST

START_TEST(users)
{
	struct args_user u;
	struct args_err e;
	uint32_t i;
	int root_group = 0;

	/* root is in every passwd; its groups include its primary one. */
	ck_assert_int_eq(args_user("root", &u, &e), 0);
	ck_assert_uint_eq(u.uid, 0);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_uint_ge(u.ngroups, 1);
	for (i = 0; i < u.ngroups; i++)
		root_group |= u.groups[i] == 0;
	ck_assert_int_eq(root_group, 1);
	ck_assert_int_eq(args_user("0", &u, &e), 0);
	ck_assert_uint_eq(u.uid, 0);
	ck_assert_uint_ge(u.ngroups, 1);
	/* A uid that no passwd entry has: as it is, its own gid, no groups. */
	ck_assert_int_eq(args_user("3999999999", &u, &e), 0);
	ck_assert_uint_eq(u.uid, 3999999999U);
	ck_assert_uint_eq(u.gid, 3999999999U);
	ck_assert_uint_eq(u.ngroups, 0);
	ck_assert_int_eq(args_user("4294967294", &u, &e), 0);
	/* Errors name the input. */
	ck_assert_int_eq(args_user("4294967295", &u, &e), -ERANGE);
	ck_assert_str_eq(e.msg,
			 "uid '4294967295' is out of range (0-4294967294)");
	ck_assert_int_eq(args_user("ktcp-no-such-user", &u, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "no user 'ktcp-no-such-user'"));
	ck_assert_int_eq(args_user("-1", &u, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "no user '-1'"));
	ck_assert_int_eq(args_user("bad\nname", &u, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "no user 'bad?name'"));
	ck_assert_int_eq(args_user("", &u, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "the user name is empty");
}
END_TEST

START_TEST(server_settings)
{
	struct ktcp_server_cfg cfg = { 0 };
	struct args_err e;

	ck_assert_int_eq(args_server_setting(ARGS_OPT_PORT, "8081", &cfg, &e),
			 0);
	ck_assert_int_eq(args_server_setting(ARGS_OPT_IDLE, "2s", &cfg, &e), 0);
	ck_assert_uint_eq(cfg.port, 8081);
	ck_assert_uint_eq(cfg.idle_timeout_ms, 2000);
	ck_assert_uint_eq(cfg.has, KTCP_HAS_PORT | KTCP_HAS_IDLE_TIMEOUT);
	ck_assert_int_eq(args_server_setting(ARGS_OPT_BACKLOG, "65536", &cfg,
					     &e),
			 -ERANGE);
	ck_assert_str_eq(e.msg, "'65536' is out of range (1-65535)");
	ck_assert_int_eq(args_server_setting('w', "percpu", &cfg, &e), -ENOENT);
	ck_assert_int_eq(args_server_setting(ARGS_OPT_MAX_MEM, "8M", &cfg, &e),
			 0);
	ck_assert_uint_eq(cfg.max_mem_kb, 8192);
	ck_assert(cfg.has & KTCP_HAS_MAX_MEM);
	ck_assert_int_eq(args_server_setting(ARGS_OPT_MAX_MEM, "2T", &cfg, &e),
			 -ERANGE);
	ck_assert_int_eq(args_server_setting(ARGS_OPT_CPUS, "0-1", &cfg, &e),
			 0);
	ck_assert_str_eq(cfg.cpus, "0-1");
	ck_assert(cfg.has & KTCP_HAS_CPUS);
	ck_assert_int_eq(args_server_setting(ARGS_OPT_CPUS, "x", &cfg, &e),
			 -EINVAL);
}
END_TEST

/* CPU lists as taskset -c takes them; junk is refused quoting it. */
START_TEST(cpu_lists)
{
	const char *good[] = { "0",   "0-3", "0-3,8", "8,0-3",
			       "1,1", "2-2", "65535", "0-65535" };
	char longest[KTCP_CPUS_MAX + 2];
	struct args_err e;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(args_cpus(good[i], &e) == 0, "%s: %s", good[i],
			      e.msg);
	ck_assert_int_eq(args_cpus("", &e), -EINVAL);
	ck_assert_str_eq(e.msg, "the CPU list is empty (e.g. 0-3,8)");
	ck_assert_int_eq(args_cpus("0-3;8", &e), -EINVAL);
	ck_assert_str_eq(e.msg, "'0-3;8' is not a CPU list (e.g. 0-3,8)");
	ck_assert_int_eq(args_cpus("3-1", &e), -EINVAL);
	ck_assert_str_eq(e.msg, "'3-1': the range 3-1 goes down");
	ck_assert_int_eq(args_cpus("65536", &e), -ERANGE);
	ck_assert_str_eq(e.msg,
			 "'65536': a CPU number is out of range (0-65535)");
	ck_assert_int_eq(args_cpus("99999999999999999999999", &e), -ERANGE);
	ck_assert_int_eq(args_cpus("all", &e), -EINVAL);
	ck_assert_int_eq(args_cpus("0,", &e), -EINVAL);
	ck_assert_int_eq(args_cpus(",0", &e), -EINVAL);
	ck_assert_int_eq(args_cpus("0,,1", &e), -EINVAL);
	ck_assert_int_eq(args_cpus("0-", &e), -EINVAL);
	ck_assert_int_eq(args_cpus("-1", &e), -EINVAL);
	ck_assert_int_eq(args_cpus("0-1-2", &e), -EINVAL);
	ck_assert_int_eq(args_cpus("0-10:2", &e), -EINVAL);
	ck_assert_int_eq(args_cpus(" 0", &e), -EINVAL);
	ck_assert_int_eq(args_cpus("0\n", &e), -EINVAL);
	ck_assert_str_eq(e.msg, "'0?' is not a CPU list (e.g. 0-3,8)");
	/* 255 characters at most, as the kernel takes them. */
	memset(longest, '0', sizeof(longest));
	longest[KTCP_CPUS_MAX] = '\0';
	longest[0] = '1'; /* one number, 255 digits: out of range */
	ck_assert_int_eq(args_cpus(longest, &e), -ERANGE);
	for (i = 1; i < KTCP_CPUS_MAX; i += 2)
		longest[i] = ',';
	ck_assert_int_eq(args_cpus(longest, &e), 0);
	longest[KTCP_CPUS_MAX] = ',';
	longest[KTCP_CPUS_MAX + 1] = '\0';
	ck_assert_int_eq(args_cpus(longest, &e), -ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "is longer than 255 characters"));
}
END_TEST

/* The text help_wrap() prints into a memory buffer. */
static char *wrap(const char *text, unsigned int col, unsigned int indent,
		  unsigned int width)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	ck_assert_ptr_nonnull(f);
	help_wrap(f, text, col, indent, width);
	fclose(f);
	return buf;
}

START_TEST(help_wraps)
{
	char v[32];

	ck_assert_str_eq(wrap("a bb ccc", 0, 0, 80), "a bb ccc\n");
	/* Lines are at most width long; the next starts at indent. */
	ck_assert_str_eq(wrap("aaaa bbbb cccc dddd eeee ffff", 0, 2, 24),
			 "aaaa bbbb cccc dddd eeee\n  ffff\n");
	/* From a column: 10 columns are taken, 20 more per line at least. */
	ck_assert_str_eq(wrap("one two three", 10, 10, 20), "one two three\n");
	ck_assert_str_eq(wrap("aaaaaaaaaa bbbbbbbbbb cccccccccc", 10, 10, 31),
			 "aaaaaaaaaa bbbbbbbbbb\n          cccccccccc\n");
	/* A word longer than the line is not cut. */
	ck_assert_str_eq(wrap("x yyyyyyyyyyyyyyyyyyyyyyyyy", 0, 0, 20),
			 "x\nyyyyyyyyyyyyyyyyyyyyyyyyy\n");

	help_value(HELP_MS, KTCP_IDLE_TIMEOUT_MS_MAX, v, sizeof(v));
	ck_assert_str_eq(v, "24h");
	help_value(HELP_MS, KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS, v, sizeof(v));
	ck_assert_str_eq(v, "75s");
	help_value(HELP_MS, 1, v, sizeof(v));
	ck_assert_str_eq(v, "1ms");
	help_value(HELP_MS, 0, v, sizeof(v));
	ck_assert_str_eq(v, "0");
	help_value(HELP_KB, KTCP_MAX_MEM_KB_MAX, v, sizeof(v));
	ck_assert_str_eq(v, "1T");
	help_value(HELP_KB, KTCP_HTTP_DEFAULT_MAX_MEM_KB, v, sizeof(v));
	ck_assert_str_eq(v, "64M");
	help_value(HELP_NUM, 65535, v, sizeof(v));
	ck_assert_str_eq(v, "65535");
}
END_TEST

START_TEST(help_width_from_columns)
{
	setenv("COLUMNS", "123", 1);
	ck_assert_uint_eq(help_width(stdout), 123);
	setenv("COLUMNS", "12x", 1);
	/* Not a number: the terminal's, or 80 (not a tty under Check). */
	unsetenv("COLUMNS");
	if (!isatty(fileno(stdout)))
		ck_assert_uint_eq(help_width(stdout), 80);
}
END_TEST

Suite *make_args_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, u32_ranges);
	tcase_add_test(tc, u32_junk);
	tcase_add_test(tc, port_quotes_input);
	tcase_add_test(tc, quote_sanitizes);
	tcase_add_test(tc, durations);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, cpu_lists);
	tcase_add_test(tc, ids_services_wq);
	tcase_add_test(tc, document_root);
	tcase_add_test(tc, server_settings);
	tcase_add_test(tc, users);
	tcase_add_test(tc, help_wraps);
	tcase_add_test(tc, help_width_from_columns);
	suite_add_tcase(s, tc);
	return s;
}
