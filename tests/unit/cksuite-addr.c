// SPDX-License-Identifier: GPL-2.0-only
/* Address, port and workqueue-name helpers of libktcp (addr.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <ktcp.h>

#include "cksuites.h"

START_TEST(port_good)
{
	uint16_t port = 0;

	ck_assert_int_eq(ktcp_port_parse("1", &port), 0);
	ck_assert_uint_eq(port, 1);
	ck_assert_int_eq(ktcp_port_parse("65535", &port), 0);
	ck_assert_uint_eq(port, 65535);
	ck_assert_int_eq(ktcp_port_parse("0080", &port), 0);
	ck_assert_uint_eq(port, 80);
}
END_TEST

START_TEST(port_hostile)
{
	static const char *const bad[] = { "",	   " 80", "80 ", "+80", "-1",
					   "0x50", "8O",  "80a", "1e3" };
	static const char *const range[] = { "0", "65536", "99999999999999",
					     "18446744073709551617" };
	uint16_t port = 1234;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ktcp_port_parse(bad[i], &port) == -EINVAL,
			      "'%s' accepted", bad[i]);
	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++)
		ck_assert_msg(ktcp_port_parse(range[i], &port) == -ERANGE,
			      "'%s' not out of range", range[i]);
	ck_assert_int_eq(ktcp_port_parse(NULL, &port), -EINVAL);
	ck_assert_uint_eq(port, 1234); /* untouched on failure */
}
END_TEST

START_TEST(addr_good)
{
	struct ktcp_addr a;
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;

	ck_assert_int_eq(ktcp_addr_parse("192.0.2.1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_uint_eq(a.v4.s_addr, htonl(0xc0000201));
	ck_assert_int_eq(ktcp_addr_parse("::1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_mem_eq(&a.v6, &lo6, 16);
	ck_assert_int_eq(ktcp_addr_parse("[::1]", &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(ktcp_addr_parse("::ffff:192.0.2.1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
}
END_TEST

START_TEST(addr_hostile)
{
	static const char *const bad[] = {
		"",
		"localhost",
		"1.2.3",
		"1.2.3.4.5",
		"256.1.1.1",
		" 1.2.3.4",
		"1.2.3.4 ",
		"[1.2.3.4]",
		"[::1",
		"::1]",
		"[::1]x",
		"[::1]:80",
		"1.2.3.4:80",
		"fe80::1%eth0",
		"[]",
		":::",
		"[[::1]]",
		"1.2.3.4/24",
		"[aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa]",
	};
	struct ktcp_addr a = { .family = 12345 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ktcp_addr_parse(bad[i], &a) == -EINVAL,
			      "'%s' accepted", bad[i]);
	ck_assert_int_eq(ktcp_addr_parse(NULL, &a), -EINVAL);
	ck_assert_int_eq(a.family, 12345);
}
END_TEST

START_TEST(addrport_good)
{
	struct ktcp_addr a;
	uint16_t port = 0;
	int has = -1;

	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4:80", &a, &port, &has), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(has, 1);
	ck_assert_uint_eq(port, 80);
	ck_assert_int_eq(ktcp_addrport_parse("[::1]:8080", &a, &port, &has), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(has, 1);
	ck_assert_uint_eq(port, 8080);
	ck_assert_int_eq(ktcp_addrport_parse("::1", &a, &port, &has), 0);
	ck_assert_int_eq(has, 0);
	ck_assert_int_eq(ktcp_addrport_parse("[::1]", &a, &port, &has), 0);
	ck_assert_int_eq(has, 0);
	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4", &a, &port, &has), 0);
	ck_assert_int_eq(has, 0);
	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4", &a, NULL, NULL), 0);
}
END_TEST

START_TEST(addrport_hostile)
{
	struct ktcp_addr a;
	uint16_t port;
	int has;

	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4:", &a, &port, &has),
			 -EINVAL);
	ck_assert_int_eq(ktcp_addrport_parse(":80", &a, &port, &has), -EINVAL);
	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4:0", &a, &port, &has),
			 -ERANGE);
	ck_assert_int_eq(ktcp_addrport_parse("[::1]:65536", &a, &port, &has),
			 -ERANGE);
	ck_assert_int_eq(ktcp_addrport_parse("[::1]80", &a, &port, &has),
			 -EINVAL);
	ck_assert_int_eq(ktcp_addrport_parse("[1.2.3.4]:80", &a, &port, &has),
			 -EINVAL);
	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4:80:1", &a, &port, &has),
			 -EINVAL);
	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4:8x", &a, &port, &has),
			 -EINVAL);
	/* A port where none is wanted. */
	ck_assert_int_eq(ktcp_addrport_parse("1.2.3.4:80", &a, NULL, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(format)
{
	char buf[KTCP_ADDRPORT_STRLEN], small[4];
	struct ktcp_addr a = { 0 };

	ck_assert_int_eq(ktcp_addr_format(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "*");
	ck_assert_int_eq(ktcp_addrport_format(&a, 7, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "*:7");
	ck_assert_int_eq(ktcp_addr_parse("192.0.2.1", &a), 0);
	ck_assert_int_eq(ktcp_addrport_format(&a, 80, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "192.0.2.1:80");
	ck_assert_int_eq(ktcp_addr_format(&a, small, sizeof(small)), -ENOSPC);
	ck_assert_int_eq(ktcp_addr_parse("2001:db8::1", &a), 0);
	ck_assert_int_eq(ktcp_addrport_format(&a, 65535, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[2001:db8::1]:65535");
	/* The longest address still fits KTCP_ADDRPORT_STRLEN. */
	ck_assert_int_eq(ktcp_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:"
					 "255.255.255.255",
					 &a),
			 0);
	ck_assert_int_eq(ktcp_addrport_format(&a, 65535, buf, sizeof(buf)), 0);
	a.family = AF_UNIX;
	ck_assert_int_eq(ktcp_addr_format(&a, buf, sizeof(buf)), -EAFNOSUPPORT);
}
END_TEST

START_TEST(wq_names)
{
	uint8_t wq = 9;

	ck_assert_str_eq(ktcp_wq_name(KTCP_WQ_UNBOUND), "unbound");
	ck_assert_str_eq(ktcp_wq_name(KTCP_WQ_PERCPU), "percpu");
	ck_assert_ptr_null(ktcp_wq_name(2));
	ck_assert_int_eq(ktcp_wq_parse("percpu", &wq), 0);
	ck_assert_uint_eq(wq, KTCP_WQ_PERCPU);
	ck_assert_int_eq(ktcp_wq_parse("PERCPU", &wq), -EINVAL);
	ck_assert_int_eq(ktcp_wq_parse("", &wq), -EINVAL);
	ck_assert_int_eq(ktcp_wq_parse(NULL, &wq), -EINVAL);
}
END_TEST

Suite *make_addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, port_good);
	tcase_add_test(tc, port_hostile);
	tcase_add_test(tc, addr_good);
	tcase_add_test(tc, addr_hostile);
	tcase_add_test(tc, addrport_good);
	tcase_add_test(tc, addrport_hostile);
	tcase_add_test(tc, format);
	tcase_add_test(tc, wq_names);
	suite_add_tcase(s, tc);
	return s;
}
