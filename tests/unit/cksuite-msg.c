// SPDX-License-Identifier: GPL-2.0-only
/*
 * libktcp message building and reply parsing (userspace/libktcp/msg.c):
 * requests are built and parsed back with nla_parse; replies, ACKs and
 * extended ACKs are synthesized and fed to the library's parsers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cksuites.h"
#include "internal.h"

#define FAMILY 0x1234

static struct ktcp_server_cfg full_cfg(void)
{
	struct ktcp_server_cfg cfg = { .service = "echo" };

	ck_assert_int_eq(ktcp_addr_parse("2001:db8::7", &cfg.addr), 0);
	cfg.port = 7007;
	cfg.backlog = 512;
	cfg.max_conns = 1000;
	cfg.idle_timeout_ms = 60000;
	cfg.listeners = 4;
	cfg.echo_wq = KTCP_WQ_PERCPU;
	cfg.max_mem_kb = 2048;
	cfg.cpus = "0-3,8";
	cfg.name = "Web_1.a-b";
	cfg.has = KTCP_HAS_ADDR | KTCP_HAS_PORT | KTCP_HAS_BACKLOG |
		  KTCP_HAS_MAX_CONNS | KTCP_HAS_IDLE_TIMEOUT |
		  KTCP_HAS_LISTENERS | KTCP_HAS_ECHO_WQ | KTCP_HAS_MAX_MEM |
		  KTCP_HAS_CPUS | KTCP_HAS_NAME;
	return cfg;
}

static void parse_request(struct nl_msg *msg, uint8_t cmd, struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);

	ck_assert_uint_eq(nlh->nlmsg_type, FAMILY);
	ck_assert_uint_eq(g->cmd, cmd);
	ck_assert_uint_eq(g->version, KTCP_GENL_VERSION);
	ck_assert_int_eq(genlmsg_parse(nlh, 0, tb, KTCP_A_MAX, NULL), 0);
}

START_TEST(start_request)
{
	struct ktcp_server_cfg cfg = full_cfg();
	struct nlattr *tb[KTCP_A_MAX + 1], *ob[KTCP_OPT_A_MAX + 1];
	struct nl_msg *msg;
	const char *why;

	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_ptr_null(tb[KTCP_A_SERVER_ID]);
	/* NUL-terminated, as NLA_NUL_STRING wants. */
	ck_assert_int_eq(nla_len(tb[KTCP_A_SERVICE]), 5);
	ck_assert_str_eq(nla_get_string(tb[KTCP_A_SERVICE]), "echo");
	ck_assert_int_eq(nla_len(tb[KTCP_A_PORT]), 2);
	ck_assert_uint_eq(nla_get_u16(tb[KTCP_A_PORT]), 7007);
	ck_assert_int_eq(nla_len(tb[KTCP_A_ADDR]), 16);
	ck_assert_mem_eq(nla_data(tb[KTCP_A_ADDR]), &cfg.addr.v6, 16);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_BACKLOG]), 512);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_MAX_CONNS]), 1000);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_IDLE_TIMEOUT_MS]), 60000);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_LISTENERS]), 4);
	ck_assert_int_eq(nla_len(tb[KTCP_A_MAX_MEM_KB]), 4);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_MAX_MEM_KB]), 2048);
	ck_assert_int_eq(nla_len(tb[KTCP_A_CPUS]), 6); /* with its NUL */
	ck_assert_str_eq(nla_get_string(tb[KTCP_A_CPUS]), "0-3,8");
	ck_assert_int_eq(nla_len(tb[KTCP_A_NAME]), 10);
	ck_assert_str_eq(nla_get_string(tb[KTCP_A_NAME]), "Web_1.a-b");
	/* Strict kernel validation rejects nests without NLA_F_NESTED. */
	ck_assert(tb[KTCP_A_OPTS]->nla_type & NLA_F_NESTED);
	ck_assert_int_eq(
		nla_parse_nested(ob, KTCP_OPT_A_MAX, tb[KTCP_A_OPTS], NULL), 0);
	ck_assert_int_eq(nla_len(ob[KTCP_OPT_A_ECHO_WQ]), 1);
	ck_assert_uint_eq(nla_get_u8(ob[KTCP_OPT_A_ECHO_WQ]), KTCP_WQ_PERCPU);
	nlmsg_free(msg);
}
END_TEST

START_TEST(start_request_minimal)
{
	struct ktcp_server_cfg cfg = { .service = "echo", .port = 7 };
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct nl_msg *msg;
	const char *why;
	int i;

	cfg.has = KTCP_HAS_PORT | KTCP_HAS_ADDR;
	ck_assert_int_eq(ktcp_addr_parse("127.0.0.1", &cfg.addr), 0);
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(nla_len(tb[KTCP_A_ADDR]), 4);
	ck_assert_uint_eq(*(uint32_t *)nla_data(tb[KTCP_A_ADDR]),
			  htonl(INADDR_LOOPBACK));
	/* Nothing the caller did not ask for: the kernel's defaults apply. */
	for (i = KTCP_A_BACKLOG; i <= KTCP_A_MAX; i++)
		ck_assert_msg(!tb[i], "attribute %d sent", i);
	nlmsg_free(msg);
}
END_TEST

START_TEST(start_request_rejected)
{
	struct ktcp_server_cfg cfg = { .service = "echo", .port = 7 };
	struct nl_msg *msg = NULL;
	const char *why;

	/* No port. */
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "port"));
	/* No service; a service without its NUL. */
	cfg.has = KTCP_HAS_PORT;
	cfg.service[0] = '\0';
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	memset(cfg.service, 'x', sizeof(cfg.service));
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(why);
	/* An address of no family. */
	strcpy(cfg.service, "echo");
	cfg.has |= KTCP_HAS_ADDR;
	cfg.addr.family = AF_UNSPEC;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EAFNOSUPPORT);
	ck_assert_ptr_null(msg);
}
END_TEST

/*
 * What a newer header could ask for and this library cannot send is
 * refused, by start as by set: a has bit it does not know (or one that
 * only a reply carries), a reserved field that is not zero.
 */
START_TEST(unknown_bits_rejected)
{
	const uint64_t bits[] = { 1ULL << 63, 1ULL << 24, KTCP_HAS_ID,
				  KTCP_HAS_STATS, KTCP_HAS_HTTP_GROUPS };
	struct ktcp_server_cfg cfg = { .service = "echo", .port = 7 };
	struct nl_msg *msg = NULL;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		cfg.has = KTCP_HAS_PORT | bits[i];
		ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg,
						       &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "'has' bit"));
		ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 1, &cfg, &msg,
						     &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "'has' bit"));
	}
	cfg.has = KTCP_HAS_PORT;
	for (i = 0; i < sizeof(cfg.reserved) / sizeof(cfg.reserved[0]); i++) {
		cfg.reserved[i] = 1;
		ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg,
						       &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "reserved"));
		ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 1, &cfg, &msg,
						     &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "reserved"));
		cfg.reserved[i] = 0;
	}
	ck_assert_ptr_null(msg);
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	nlmsg_free(msg);
}
END_TEST

/*
 * The CPU list: what can be seen without the kernel is refused by start
 * and set alike, with the same message; the rest (a CPU that is not
 * online, a range that goes down) is the kernel's to refuse.
 */
START_TEST(cpus_rejected)
{
	const char *bad[] = { NULL, "",	   "0 ",     " 0",  "0-3;8",
			      "a",  "0x1", "0-10:2", "all", "0\n" };
	struct ktcp_server_cfg cfg = { .service = "echo", .port = 7 };
	struct nlattr *tb[KTCP_A_MAX + 1];
	char longest[KTCP_CPUS_MAX + 2];
	struct nl_msg *msg = NULL;
	const char *why;
	size_t i;

	cfg.has = KTCP_HAS_PORT | KTCP_HAS_CPUS;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.cpus = bad[i];
		ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg,
						       &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "CPU list"));
		ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 1, &cfg, &msg,
						     &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "CPU list"));
	}
	/* 255 characters are sent, 256 are not. */
	memset(longest, '1', sizeof(longest));
	longest[KTCP_CPUS_MAX + 1] = '\0';
	cfg.cpus = longest;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_null(msg);
	longest[KTCP_CPUS_MAX] = '\0';
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(nla_len(tb[KTCP_A_CPUS]), KTCP_CPUS_MAX + 1);
	nlmsg_free(msg);
	/* Syntax the library lets through, for the kernel to judge. */
	cfg.cpus = "3-1,,-";
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	nlmsg_free(msg);
	/* Without its bit the pointer is not looked at. */
	cfg.has = KTCP_HAS_PORT;
	cfg.cpus = "junk";
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_ptr_null(tb[KTCP_A_CPUS]);
	nlmsg_free(msg);
}
END_TEST

/*
 * The server name: start sends 1 to 63 characters of A-Z a-z 0-9 . _ -;
 * set cannot change it.
 */
START_TEST(name_rejected)
{
	const char *bad[] = { NULL,	     "",    "a b", "web/1",
			      "caf\xc3\xa9", "a\n", "x=y" };
	struct ktcp_server_cfg cfg = { .service = "echo", .port = 7 };
	struct nlattr *tb[KTCP_A_MAX + 1];
	char longest[KTCP_NAME_MAX + 2];
	struct nl_msg *msg = NULL;
	const char *why;
	size_t i;

	cfg.has = KTCP_HAS_PORT | KTCP_HAS_NAME;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.name = bad[i];
		ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg,
						       &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "server name"));
	}
	memset(longest, 'n', sizeof(longest));
	longest[KTCP_NAME_MAX + 1] = '\0';
	cfg.name = longest;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_null(msg);
	longest[KTCP_NAME_MAX] = '\0';
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(nla_len(tb[KTCP_A_NAME]), KTCP_NAME_MAX + 1);
	nlmsg_free(msg);
	msg = NULL;
	cfg.name = "web";
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 1, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_null(msg);
}
END_TEST

/* One version: the library's string is the header's macros. */
START_TEST(lib_version)
{
	char want[32];

	snprintf(want, sizeof(want), "%d.%d.%d", KTCP_VERSION_MAJOR,
		 KTCP_VERSION_MINOR, KTCP_VERSION_PATCH);
	ck_assert_str_eq(ktcp_lib_version(), want);
	ck_assert_int_eq(KTCP_VERSION, KTCP_VERSION_NUM(KTCP_VERSION_MAJOR,
							KTCP_VERSION_MINOR,
							KTCP_VERSION_PATCH));
	ck_assert(KTCP_VERSION >= KTCP_VERSION_NUM(2, 0, 0));
}
END_TEST

/* The sizes ktcp.h promises (LP64), and the counter slot of each bit. */
START_TEST(struct_layout)
{
	struct ktcp_stats st = { 0 };

	ck_assert_uint_eq(sizeof(struct ktcp_stats), 64 * 8);
	ck_assert_uint_eq(sizeof(struct ktcp_server_cfg), 256);
	ck_assert_uint_eq(sizeof(struct ktcp_server), 1024);
	ck_assert_uint_eq(sizeof(struct ktcp_event), 128);
	ck_assert_ptr_eq(&st.accepted, (uint64_t *)&st + 1);
	ck_assert_ptr_eq(&st.bytes_zerocopy, (uint64_t *)&st + 16);
	ck_assert_ptr_eq(&st.mem, (uint64_t *)&st + 17);
	ck_assert_ptr_eq(&st.evicted, (uint64_t *)&st + 19);
	ck_assert_ptr_eq(&st.log_sent, (uint64_t *)&st + 20);
	ck_assert_ptr_eq(&st.log_dropped, (uint64_t *)&st + 21);
	ck_assert_ptr_eq(&st.reserved[0], (uint64_t *)&st + 22);
	ck_assert_uint_eq(sizeof(struct ktcp_log_record), 256);
	/* Pointers taken from reserved space: the first slot of it. */
	ck_assert_uint_eq(offsetof(struct ktcp_server_cfg, name),
			  offsetof(struct ktcp_server_cfg, cpus) + 8);
	ck_assert_uint_eq(offsetof(struct ktcp_server_cfg, reserved),
			  offsetof(struct ktcp_server_cfg, name) + 8);
	ck_assert_uint_eq(offsetof(struct ktcp_server, name),
			  offsetof(struct ktcp_server, cpus) + 8);
	ck_assert_uint_eq(offsetof(struct ktcp_server, reserved),
			  offsetof(struct ktcp_server, name) +
				  KTCP_SERVER_NAME_LEN);
}
END_TEST

START_TEST(set_request)
{
	struct ktcp_server_cfg cfg = { .port = 8080, .backlog = 64 };
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct nl_msg *msg = NULL;
	const char *why;

	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 9, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_str_eq(why, "nothing to change");
	cfg.has = KTCP_HAS_PORT | KTCP_HAS_BACKLOG;
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 9, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_SET, tb);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_SERVER_ID]), 9);
	ck_assert_uint_eq(nla_get_u16(tb[KTCP_A_PORT]), 8080);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_BACKLOG]), 64);
	ck_assert_ptr_null(tb[KTCP_A_SERVICE]);
	ck_assert_ptr_null(tb[KTCP_A_MAX_CONNS]);
	ck_assert_ptr_null(tb[KTCP_A_MAX_MEM_KB]);
	nlmsg_free(msg);
	/* The memory bound can be changed; 0 is sent, as unlimited. */
	cfg.has = KTCP_HAS_MAX_MEM;
	cfg.max_mem_kb = 0;
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 9, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_SET, tb);
	ck_assert_int_eq(nla_len(tb[KTCP_A_MAX_MEM_KB]), 4);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_MAX_MEM_KB]), 0);
	ck_assert_ptr_null(tb[KTCP_A_PORT]);
	nlmsg_free(msg);
	/* So can the CPUs, alone. */
	cfg.has = KTCP_HAS_CPUS;
	cfg.cpus = "0-1";
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 9, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_SET, tb);
	ck_assert_int_eq(nla_len(tb[KTCP_A_CPUS]), 4);
	ck_assert_str_eq(nla_get_string(tb[KTCP_A_CPUS]), "0-1");
	ck_assert_ptr_null(tb[KTCP_A_MAX_MEM_KB]);
	ck_assert_ptr_null(tb[KTCP_A_PORT]);
	nlmsg_free(msg);
	cfg.has = KTCP_HAS_PORT | KTCP_HAS_BACKLOG;
	/* SERVER_SET takes neither listeners nor service options. */
	cfg.has |= KTCP_HAS_LISTENERS;
	msg = NULL;
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 9, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_null(msg);
}
END_TEST

START_TEST(id_request)
{
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct nl_msg *msg;

	ck_assert_int_eq(ktcp_msg_id(FAMILY, KTCP_CMD_STATS_GET, 0, &msg), 0);
	parse_request(msg, KTCP_CMD_STATS_GET, tb);
	ck_assert_ptr_null(tb[KTCP_A_SERVER_ID]); /* totals */
	nlmsg_free(msg);
	ck_assert_int_eq(ktcp_msg_id(FAMILY, KTCP_CMD_SERVER_STOP, 3, &msg), 0);
	parse_request(msg, KTCP_CMD_SERVER_STOP, tb);
	ck_assert_uint_eq(nla_get_u32(tb[KTCP_A_SERVER_ID]), 3);
	nlmsg_free(msg);
}
END_TEST

/* A reply as the kernel would send it. */
static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(genlmsg_put(msg, 0, 1, FAMILY, 0, 0, cmd, 1));
	return msg;
}

static void put_stats(struct nl_msg *msg, uint64_t base)
{
	struct nlattr *nest = nla_nest_start(msg, KTCP_A_STATS | NLA_F_NESTED);
	int t;

	for (t = KTCP_STATS_A_ACCEPTED; t <= KTCP_STATS_A_MAX; t++)
		nla_put_u64(msg, t, base + (uint64_t)t);
	/* A counter of a newer kernel, and a pad. */
	nla_put_u64(msg, KTCP_STATS_A_MAX + 5, 99);
	nla_put(msg, KTCP_STATS_A_PAD, 0, NULL);
	nla_nest_end(msg, nest);
}

static struct nl_msg *server_reply(void)
{
	struct nl_msg *msg = reply(KTCP_CMD_SERVER_GET);
	struct in_addr a = { htonl(0xc0000201) };
	struct nlattr *opts;

	nla_put_u32(msg, KTCP_A_SERVER_ID, 17);
	nla_put_string(msg, KTCP_A_SERVICE, "echo");
	nla_put(msg, KTCP_A_ADDR, 4, &a);
	nla_put_u16(msg, KTCP_A_PORT, 7);
	nla_put_u32(msg, KTCP_A_BACKLOG, 128);
	nla_put_u32(msg, KTCP_A_MAX_CONNS, 0);
	nla_put_u32(msg, KTCP_A_IDLE_TIMEOUT_MS, 1500);
	nla_put_u32(msg, KTCP_A_LISTENERS, 1);
	nla_put_u32(msg, KTCP_A_MAX_MEM_KB, 65536);
	nla_put_string(msg, KTCP_A_CPUS, "0-1");
	nla_put_string(msg, KTCP_A_NAME, "web-1");
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put_u8(msg, KTCP_OPT_A_ECHO_WQ, KTCP_WQ_UNBOUND);
	nla_nest_end(msg, opts);
	put_stats(msg, 1000);
	nla_put_u32(msg, KTCP_A_MAX + 10, 0xdead); /* newer kernel's */
	return msg;
}

START_TEST(parse_server_reply)
{
	struct nl_msg *msg = server_reply();
	struct ktcp_server s;
	char buf[KTCP_ADDRPORT_STRLEN];

	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), 0);
	ck_assert_uint_eq(s.id, 17);
	ck_assert_str_eq(s.service, "echo");
	ck_assert_int_eq(
		ktcp_addrport_format(&s.addr, s.port, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "192.0.2.1:7");
	ck_assert_uint_eq(s.backlog, 128);
	ck_assert_uint_eq(s.max_conns, 0);
	ck_assert_uint_eq(s.idle_timeout_ms, 1500);
	ck_assert_uint_eq(s.listeners, 1);
	ck_assert_uint_eq(s.echo_wq, KTCP_WQ_UNBOUND);
	ck_assert_uint_eq(s.max_mem_kb, 65536);
	ck_assert_str_eq(s.cpus, "0-1");
	ck_assert_str_eq(s.name, "web-1");
	ck_assert_uint_eq(s.has, KTCP_HAS_ID | KTCP_HAS_SERVICE |
					 KTCP_HAS_ADDR | KTCP_HAS_PORT |
					 KTCP_HAS_BACKLOG | KTCP_HAS_MAX_CONNS |
					 KTCP_HAS_IDLE_TIMEOUT |
					 KTCP_HAS_LISTENERS | KTCP_HAS_ECHO_WQ |
					 KTCP_HAS_MAX_MEM | KTCP_HAS_CPUS |
					 KTCP_HAS_NAME | KTCP_HAS_STATS);
	ck_assert_uint_eq(s.stats.accepted, 1000 + KTCP_STATS_A_ACCEPTED);
	ck_assert_uint_eq(s.stats.errors, 1000 + KTCP_STATS_A_ERRORS);
	ck_assert_uint_eq(s.stats.has, 0x1fffff); /* through log_dropped */
	ck_assert_uint_eq(s.stats.bytes_zerocopy,
			  1000 + KTCP_STATS_A_BYTES_ZEROCOPY);
	ck_assert_uint_eq(s.stats.mem, 1000 + KTCP_STATS_A_MEM);
	ck_assert_uint_eq(s.stats.over_mem, 1000 + KTCP_STATS_A_OVER_MEM);
	ck_assert_uint_eq(s.stats.evicted, 1000 + KTCP_STATS_A_EVICTED);
	ck_assert_uint_eq(s.stats.log_sent, 1000 + KTCP_STATS_A_LOG_SENT);
	ck_assert_uint_eq(s.stats.log_dropped, 1000 + KTCP_STATS_A_LOG_DROPPED);
	ck_assert_uint_eq(s.stats.reserved[0], 0); /* the newer counter */
	nlmsg_free(msg);
}
END_TEST

START_TEST(http_start_request)
{
	struct ktcp_server_cfg cfg = { .service = "http", .port = 8081 };
	struct nlattr *tb[KTCP_A_MAX + 1], *ob[KTCP_OPT_A_MAX + 1];
	struct nl_msg *msg;
	const char *why;

	cfg.has = KTCP_HAS_PORT | KTCP_HAS_HTTP_ROOT | KTCP_HAS_HTTP_LISTING |
		  KTCP_HAS_HTTP_KEEPALIVE_MAX | KTCP_HAS_HTTP_MAX_REQUEST_LINE |
		  KTCP_HAS_HTTP_MAX_HEADER | KTCP_HAS_HTTP_SENDFILE |
		  KTCP_HAS_HTTP_HEAD_TIMEOUT;
	cfg.http_head_timeout_ms = 5000;
	cfg.http_root = "/srv/www";
	cfg.http_listing = 1;
	cfg.http_sendfile = 0;
	cfg.http_keepalive_max = 100;
	cfg.http_max_request_line = 1024;
	cfg.http_max_header = 4096;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(
		nla_parse_nested(ob, KTCP_OPT_A_MAX, tb[KTCP_A_OPTS], NULL), 0);
	ck_assert_ptr_null(ob[KTCP_OPT_A_ECHO_WQ]);
	ck_assert_int_eq(nla_len(ob[KTCP_OPT_A_HTTP_ROOT]), 9);
	ck_assert_str_eq(nla_get_string(ob[KTCP_OPT_A_HTTP_ROOT]), "/srv/www");
	ck_assert_uint_eq(nla_get_u8(ob[KTCP_OPT_A_HTTP_LISTING]), 1);
	ck_assert_uint_eq(nla_get_u32(ob[KTCP_OPT_A_HTTP_KEEPALIVE_MAX]), 100);
	ck_assert_uint_eq(nla_get_u32(ob[KTCP_OPT_A_HTTP_MAX_REQUEST_LINE]),
			  1024);
	ck_assert_uint_eq(nla_get_u32(ob[KTCP_OPT_A_HTTP_MAX_HEADER]), 4096);
	ck_assert_int_eq(nla_len(ob[KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS]), 4);
	ck_assert_uint_eq(nla_get_u32(ob[KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS]),
			  5000);
	/* Sent although 0: its bit is what counts. */
	ck_assert_int_eq(nla_len(ob[KTCP_OPT_A_HTTP_SENDFILE]), 1);
	ck_assert_uint_eq(nla_get_u8(ob[KTCP_OPT_A_HTTP_SENDFILE]), 0);
	nlmsg_free(msg);

	/* Without its bit, sendfile is not sent: the kernel's default. */
	cfg.has &= ~KTCP_HAS_HTTP_SENDFILE;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(
		nla_parse_nested(ob, KTCP_OPT_A_MAX, tb[KTCP_A_OPTS], NULL), 0);
	ck_assert_ptr_null(ob[KTCP_OPT_A_HTTP_SENDFILE]);
	ck_assert_ptr_nonnull(ob[KTCP_OPT_A_HTTP_LISTING]);
	nlmsg_free(msg);

	/* A relative root is refused before anything is sent. */
	cfg.http_root = "www";
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(why);
	/* Options cannot be changed on a running server. */
	cfg.has = KTCP_HAS_HTTP_KEEPALIVE_MAX;
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 1, &cfg, &msg, &why),
			 -EINVAL);
	cfg.has = KTCP_HAS_HTTP_HEAD_TIMEOUT;
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 1, &cfg, &msg, &why),
			 -EINVAL);
}
END_TEST

START_TEST(http_parse_server_reply)
{
	struct nl_msg *msg = reply(KTCP_CMD_SERVER_GET);
	struct ktcp_server s;
	struct nlattr *opts;

	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put_string(msg, KTCP_OPT_A_HTTP_ROOT, "/tmp/www");
	nla_put_u8(msg, KTCP_OPT_A_HTTP_LISTING, 0);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_KEEPALIVE_MAX, 0);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_MAX_REQUEST_LINE, 8192);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_MAX_HEADER, 16384);
	nla_put_u8(msg, KTCP_OPT_A_HTTP_SENDFILE, 1);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS, 60000);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), 0);
	ck_assert_str_eq(s.http_root, "/tmp/www");
	ck_assert_uint_eq(s.http_head_timeout_ms, 60000);
	ck_assert_uint_eq(s.http_listing, 0);
	ck_assert_uint_eq(s.http_max_request_line, 8192);
	ck_assert_uint_eq(s.http_max_header, 16384);
	ck_assert_uint_eq(s.http_sendfile, 1);
	ck_assert_uint_eq(s.has, KTCP_HAS_ID | KTCP_HAS_HTTP_ROOT |
					 KTCP_HAS_HTTP_LISTING |
					 KTCP_HAS_HTTP_KEEPALIVE_MAX |
					 KTCP_HAS_HTTP_MAX_REQUEST_LINE |
					 KTCP_HAS_HTTP_MAX_HEADER |
					 KTCP_HAS_HTTP_SENDFILE |
					 KTCP_HAS_HTTP_HEAD_TIMEOUT);
	nlmsg_free(msg);

	/* An older kernel sends no sendfile: its bit stays clear. */
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put_u8(msg, KTCP_OPT_A_HTTP_LISTING, 1);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), 0);
	ck_assert_uint_eq(s.has, KTCP_HAS_ID | KTCP_HAS_HTTP_LISTING);
	nlmsg_free(msg);

	/* A sendfile of the wrong size is refused. */
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_SENDFILE, 1);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	/* A root that is not a NUL-terminated string is refused. */
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put(msg, KTCP_OPT_A_HTTP_ROOT, 4, "/tmp");
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
}
END_TEST

START_TEST(http_user_request)
{
	static const uint32_t groups[] = { 1000, 27, 100 };
	struct ktcp_server_cfg cfg = { .service = "http", .port = 8081 };
	struct nlattr *tb[KTCP_A_MAX + 1], *ob[KTCP_OPT_A_MAX + 1];
	struct nl_msg *msg;
	const char *why;

	cfg.has = KTCP_HAS_PORT | KTCP_HAS_HTTP_USER;
	cfg.http_uid = 1000;
	cfg.http_gid = 1001;
	cfg.http_groups = groups;
	cfg.http_ngroups = 3;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(
		nla_parse_nested(ob, KTCP_OPT_A_MAX, tb[KTCP_A_OPTS], NULL), 0);
	ck_assert_uint_eq(nla_get_u32(ob[KTCP_OPT_A_HTTP_UID]), 1000);
	ck_assert_uint_eq(nla_get_u32(ob[KTCP_OPT_A_HTTP_GID]), 1001);
	ck_assert_int_eq(nla_len(ob[KTCP_OPT_A_HTTP_GROUPS]), 12);
	ck_assert_mem_eq(nla_data(ob[KTCP_OPT_A_HTTP_GROUPS]), groups, 12);
	nlmsg_free(msg);

	/* No groups: an empty GROUPS, so that the kernel drops the caller's. */
	cfg.http_groups = NULL;
	cfg.http_ngroups = 0;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(
		nla_parse_nested(ob, KTCP_OPT_A_MAX, tb[KTCP_A_OPTS], NULL), 0);
	ck_assert_ptr_nonnull(ob[KTCP_OPT_A_HTTP_GROUPS]);
	ck_assert_int_eq(nla_len(ob[KTCP_OPT_A_HTTP_GROUPS]), 0);
	nlmsg_free(msg);

	/* Without the bit, no user at all: the kernel uses the caller. */
	cfg.has = KTCP_HAS_PORT | KTCP_HAS_HTTP_LISTING;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why), 0);
	parse_request(msg, KTCP_CMD_SERVER_START, tb);
	ck_assert_int_eq(
		nla_parse_nested(ob, KTCP_OPT_A_MAX, tb[KTCP_A_OPTS], NULL), 0);
	ck_assert_ptr_null(ob[KTCP_OPT_A_HTTP_UID]);
	ck_assert_ptr_null(ob[KTCP_OPT_A_HTTP_GID]);
	ck_assert_ptr_null(ob[KTCP_OPT_A_HTTP_GROUPS]);
	nlmsg_free(msg);

	/* Bad users are refused before anything is sent. */
	cfg.has = KTCP_HAS_PORT | KTCP_HAS_HTTP_USER;
	cfg.http_uid = UINT32_MAX;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(why);
	cfg.http_uid = 1000;
	cfg.http_ngroups = 2;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	cfg.http_groups = groups;
	cfg.http_ngroups = KTCP_HTTP_GROUPS_MAX + 1;
	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &msg, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "64"));
	/* Nor can a running server change its user. */
	cfg.has = KTCP_HAS_HTTP_USER;
	ck_assert_int_eq(ktcp_msg_server_set(FAMILY, 1, &cfg, &msg, &why),
			 -EINVAL);
}
END_TEST

START_TEST(http_user_reply)
{
	static const uint32_t groups[] = { 2500, 3000 };
	struct nl_msg *msg = reply(KTCP_CMD_SERVER_GET);
	struct ktcp_server s;
	struct nlattr *opts;

	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_UID, 2500);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_GID, 2501);
	nla_put(msg, KTCP_OPT_A_HTTP_GROUPS, sizeof(groups), groups);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), 0);
	ck_assert_uint_eq(s.has, KTCP_HAS_ID | KTCP_HAS_HTTP_USER |
					 KTCP_HAS_HTTP_GROUPS);
	ck_assert_uint_eq(s.http_uid, 2500);
	ck_assert_uint_eq(s.http_gid, 2501);
	ck_assert_uint_eq(s.http_ngroups, 2);
	ck_assert_mem_eq(s.http_groups, groups, sizeof(groups));
	nlmsg_free(msg);

	/* The starter's own user: uid and gid, no groups. */
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_UID, 0);
	nla_put_u32(msg, KTCP_OPT_A_HTTP_GID, 0);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), 0);
	ck_assert_uint_eq(s.has, KTCP_HAS_ID | KTCP_HAS_HTTP_USER);
	ck_assert_ptr_null(s.http_groups);
	nlmsg_free(msg);

	/* Empty groups: present, none. */
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put(msg, KTCP_OPT_A_HTTP_GROUPS, 0, NULL);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), 0);
	ck_assert_uint_eq(s.has, KTCP_HAS_ID | KTCP_HAS_HTTP_GROUPS);
	ck_assert_uint_eq(s.http_ngroups, 0);
	nlmsg_free(msg);

	/* Groups that are not whole u32s, or a short uid, are refused. */
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put(msg, KTCP_OPT_A_HTTP_GROUPS, 6, groups);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	opts = nla_nest_start(msg, KTCP_A_OPTS | NLA_F_NESTED);
	nla_put_u16(msg, KTCP_OPT_A_HTTP_UID, 1);
	nla_nest_end(msg, opts);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
}
END_TEST

START_TEST(parse_server_minimal)
{
	struct nl_msg *msg = reply(KTCP_CMD_SERVER_GET);
	struct ktcp_server s;

	/* An older kernel's reply: only the id. */
	nla_put_u32(msg, KTCP_A_SERVER_ID, 2);
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), 0);
	ck_assert_uint_eq(s.has, KTCP_HAS_ID);
	ck_assert_ptr_null(s.cpus);
	ck_assert_uint_eq(s.stats.has, 0);
	nlmsg_free(msg);
}
END_TEST

/* Known attributes with the wrong size make the reply unusable. */
START_TEST(parse_server_malformed)
{
	struct ktcp_server s = { .id = 77 };
	struct nl_msg *msg;
	char name[40];

	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 2);
	nla_put_u32(msg, KTCP_A_PORT, 7); /* u16 expected */
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 2);
	nla_put(msg, KTCP_A_ADDR, 5, "abcde");
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 2);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	nla_put_string(msg, KTCP_A_SERVICE, name); /* too long */
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u16(msg, KTCP_A_PORT, 7); /* no id */
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 2);
	nla_put_u32(msg, KTCP_A_STATS, 1); /* a stats "nest" of junk */
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	/* A CPU list without its NUL, and an empty one. */
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 2);
	nla_put(msg, KTCP_A_CPUS, 3, "0-1");
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
	msg = reply(KTCP_CMD_SERVER_GET);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 2);
	nla_put_string(msg, KTCP_A_CPUS, "");
	ck_assert_int_eq(ktcp_parse_server(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
	ck_assert_uint_eq(s.id, 77); /* untouched on failure */
}
END_TEST

START_TEST(parse_stats_reply)
{
	struct nl_msg *msg = reply(KTCP_CMD_STATS_GET);
	struct ktcp_stats st;

	put_stats(msg, 0);
	ck_assert_int_eq(ktcp_parse_stats(nlmsg_hdr(msg), &st), 0);
	ck_assert_uint_eq(st.active, KTCP_STATS_A_ACTIVE);
	ck_assert_uint_eq(st.bytes_out, KTCP_STATS_A_BYTES_OUT);
	ck_assert_uint_eq(st.has, 0x1fffff);
	ck_assert_uint_eq(st.has & (KTCP_STAT_MEM | KTCP_STAT_OVER_MEM |
				    KTCP_STAT_EVICTED),
			  KTCP_STAT_MEM | KTCP_STAT_OVER_MEM |
				  KTCP_STAT_EVICTED);
	ck_assert_uint_eq(st.dropped, KTCP_STATS_A_DROPPED);
	ck_assert_uint_eq(st.mem, KTCP_STATS_A_MEM);
	ck_assert_uint_eq(st.evicted, KTCP_STATS_A_EVICTED);
	nlmsg_free(msg);

	msg = reply(KTCP_CMD_STATS_GET); /* no stats at all */
	ck_assert_int_eq(ktcp_parse_stats(nlmsg_hdr(msg), &st), -EBADMSG);
	nlmsg_free(msg);
}
END_TEST

START_TEST(parse_event_reply)
{
	struct nl_msg *msg = server_reply();
	struct ktcp_event ev;

	/* A SERVER_GET reply is not an event. */
	ck_assert_int_eq(ktcp_parse_event(nlmsg_hdr(msg), &ev), -EPROTO);
	((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd =
		KTCP_CMD_SERVER_STOPPED;
	ck_assert_int_eq(ktcp_parse_event(nlmsg_hdr(msg), &ev), 0);
	ck_assert_int_eq(ev.type, KTCP_EVENT_SERVER_STOPPED);
	ck_assert_uint_eq(ev.id, 17);
	ck_assert_str_eq(ev.service, "echo");
	ck_assert_uint_eq(ev.port, 7);
	ck_assert_uint_eq(ev.has, KTCP_HAS_ID | KTCP_HAS_SERVICE |
					  KTCP_HAS_ADDR | KTCP_HAS_PORT);
	nlmsg_free(msg);
}
END_TEST

static void put_group(struct nl_msg *msg, int idx, const char *name,
		      uint32_t id)
{
	struct nlattr *g = nla_nest_start(msg, idx);

	nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, id);
	nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, name);
	nla_nest_end(msg, g);
}

/* An access record as the kernel sends it; @req: with a request's fields. */
static struct nl_msg *access_msg(bool req)
{
	struct nl_msg *msg = reply(KTCP_CMD_ACCESS);
	struct in_addr a = { htonl(0x7f000001) };
	struct nlattr *nest;

	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	nest = nla_nest_start(msg, KTCP_A_ACCESS | NLA_F_NESTED);
	nla_put_u64(msg, KTCP_ACCESS_A_TIME, 1764900000123456789ULL);
	nla_put(msg, KTCP_ACCESS_A_ADDR, 4, &a);
	nla_put_u16(msg, KTCP_ACCESS_A_PORT, 51000);
	if (req) {
		nla_put_string(msg, KTCP_ACCESS_A_METHOD, "GET");
		nla_put(msg, KTCP_ACCESS_A_TARGET, 6, "/a\"b\x01");
		nla_put_u8(msg, KTCP_ACCESS_A_PROTO, 1);
		nla_put(msg, KTCP_ACCESS_A_USER_AGENT, 4, "ua/1");
		nla_put_u8(msg, KTCP_ACCESS_A_CUT, KTCP_ACCESS_CUT_TARGET);
	}
	nla_put_u16(msg, KTCP_ACCESS_A_STATUS, 404);
	nla_put_u64(msg, KTCP_ACCESS_A_BYTES, 120);
	nla_put_u64(msg, KTCP_ACCESS_A_USEC, 42);
	nla_put_u32(msg, KTCP_ACCESS_A_MAX + 3, 1); /* a newer kernel's */
	nla_nest_end(msg, nest);
	return msg;
}

START_TEST(parse_log_record)
{
	struct nl_msg *msg = access_msg(true);
	struct ktcp_log_record r;

	ck_assert_int_eq(ktcp_parse_log(nlmsg_hdr(msg), &r), 0);
	ck_assert_uint_eq(r.id, 3);
	ck_assert_uint_eq(r.time_ns, 1764900000123456789ULL);
	ck_assert_int_eq(r.addr.family, AF_INET);
	ck_assert_uint_eq(r.port, 51000);
	ck_assert_uint_eq(r.has,
			  KTCP_LOG_HAS_REQUEST | KTCP_LOG_HAS_USER_AGENT);
	ck_assert_str_eq(r.method, "GET");
	ck_assert_uint_eq(r.target_len, 6);
	ck_assert_mem_eq(r.target, "/a\"b\x01", 6);
	ck_assert_uint_eq(r.proto_minor, 1);
	ck_assert_uint_eq(r.user_agent_len, 4);
	ck_assert_ptr_null(r.referer);
	ck_assert_uint_eq(r.cut, KTCP_LOG_CUT_TARGET);
	ck_assert_uint_eq(r.status, 404);
	ck_assert_uint_eq(r.bytes, 120);
	ck_assert_uint_eq(r.usec, 42);
	nlmsg_free(msg);

	msg = access_msg(false);
	ck_assert_int_eq(ktcp_parse_log(nlmsg_hdr(msg), &r), 0);
	ck_assert_uint_eq(r.has, 0);
	ck_assert_uint_eq(r.status, 404);
	nlmsg_free(msg);

	/* An event is not a record. */
	msg = reply(KTCP_CMD_SERVER_STARTED);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	ck_assert_int_eq(ktcp_parse_log(nlmsg_hdr(msg), &r), -EPROTO);
	nlmsg_free(msg);
	/* A record without its nest, or with a bad field, is malformed. */
	msg = reply(KTCP_CMD_ACCESS);
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	ck_assert_int_eq(ktcp_parse_log(nlmsg_hdr(msg), &r), -EBADMSG);
	/*
	 * So is one too short for its genl header, whatever follows it in
	 * memory (here an event's command): nothing past nlmsg_len is read.
	 * Before: -EPROTO, from the byte after the message.
	 */
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN;
	((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd =
		KTCP_CMD_SERVER_STARTED;
	ck_assert_int_eq(ktcp_parse_log(nlmsg_hdr(msg), &r), -EBADMSG);
	nlmsg_free(msg);
}
END_TEST

/* A record whose attribute @type (target, referer, user agent) has @len bytes. */
static struct nl_msg *access_msg_long(int type, size_t len)
{
	static char bytes[KTCP_ACCESS_TARGET_MAX + 1];
	struct nl_msg *msg = reply(KTCP_CMD_ACCESS);
	struct nlattr *nest;

	memset(bytes, 0x01, sizeof(bytes));
	nla_put_u32(msg, KTCP_A_SERVER_ID, 3);
	nest = nla_nest_start(msg, KTCP_A_ACCESS | NLA_F_NESTED);
	nla_put_u64(msg, KTCP_ACCESS_A_TIME, 1);
	nla_put_u16(msg, KTCP_ACCESS_A_PORT, 51000);
	nla_put_string(msg, KTCP_ACCESS_A_METHOD, "GET");
	nla_put_u8(msg, KTCP_ACCESS_A_PROTO, 1);
	nla_put(msg, KTCP_ACCESS_A_TARGET,
		type == KTCP_ACCESS_A_TARGET ? (int)len : 1, bytes);
	if (type != KTCP_ACCESS_A_TARGET)
		nla_put(msg, type, (int)len, bytes);
	nla_put_u16(msg, KTCP_ACCESS_A_STATUS, 200);
	nla_put_u64(msg, KTCP_ACCESS_A_BYTES, 0);
	nla_put_u64(msg, KTCP_ACCESS_A_USEC, 0);
	nla_nest_end(msg, nest);
	return msg;
}

/*
 * The strings of a record are bounded by the UAPI maxima, which callers
 * size their buffers by (the CLI's escaped line): a longer one, which the
 * kernel never sends, is refused.
 */
START_TEST(parse_log_oversize)
{
	static const struct {
		int type;
		size_t max;
	} f[] = {
		{ KTCP_ACCESS_A_TARGET, KTCP_ACCESS_TARGET_MAX },
		{ KTCP_ACCESS_A_REFERER, KTCP_ACCESS_REFERER_MAX },
		{ KTCP_ACCESS_A_USER_AGENT, KTCP_ACCESS_USER_AGENT_MAX },
	};
	struct ktcp_log_record r;
	struct nl_msg *msg;
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		msg = access_msg_long(f[i].type, f[i].max);
		ck_assert_int_eq(ktcp_parse_log(nlmsg_hdr(msg), &r), 0);
		nlmsg_free(msg);
		msg = access_msg_long(f[i].type, f[i].max + 1);
		ck_assert_int_eq(ktcp_parse_log(nlmsg_hdr(msg), &r), -EBADMSG);
		nlmsg_free(msg);
	}
	ck_assert_uint_eq(r.target_len, 1);
	ck_assert_uint_eq(r.user_agent_len, KTCP_ACCESS_USER_AGENT_MAX);
}
END_TEST

START_TEST(parse_family_reply)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct ktcp_family fam;
	struct nlattr *groups;

	genlmsg_put(msg, 0, 1, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "ktcp");
	nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, 0x21);
	nla_put_u32(msg, CTRL_ATTR_VERSION, 1);
	groups = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
	put_group(msg, 1, "other", 5);
	put_group(msg, 2, "events", 7);
	put_group(msg, 3, "access", 8);
	nla_nest_end(msg, groups);
	ck_assert_int_eq(ktcp_parse_family(nlmsg_hdr(msg), &fam), 0);
	ck_assert_uint_eq(fam.id, 0x21);
	ck_assert_uint_eq(fam.version, 1);
	ck_assert_uint_eq(fam.events_grp, 7);
	ck_assert_uint_eq(fam.access_grp, 8);
	nlmsg_free(msg);
}
END_TEST

/*
 * An NLMSG_ERROR answering req, echoing it unless capped, with extended
 * ACK TLVs appended by the caller.
 */
static struct nl_msg *error_msg(const struct nlmsghdr *req, int err,
				bool capped)
{
	uint32_t echo = capped ? 0 : req->nlmsg_len - NLMSG_HDRLEN;
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	nlh = nlmsg_put(msg, 0, req->nlmsg_seq, NLMSG_ERROR,
			(int)(sizeof(*e) + echo),
			NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0));
	ck_assert_ptr_nonnull(nlh);
	e = nlmsg_data(nlh);
	e->error = err;
	memcpy(&e->msg, req, capped ? sizeof(*req) : req->nlmsg_len);
	return msg;
}

static uint32_t offset_of(struct nl_msg *req, struct nlattr *a)
{
	return (uint32_t)((char *)a - (char *)nlmsg_hdr(req));
}

START_TEST(extack_message_and_attr)
{
	struct ktcp_server_cfg cfg = full_cfg();
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct nl_msg *req, *msg;
	char buf[KTCP_ERRMSG_LEN];
	const char *why;
	int capped;

	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &req, &why), 0);
	parse_request(req, KTCP_CMD_SERVER_START, tb);
	for (capped = 0; capped <= 1; capped++) {
		msg = error_msg(nlmsg_hdr(req), -EADDRINUSE, capped);
		nla_put_string(msg, NLMSGERR_ATTR_MSG, "port 7007 is in use");
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS,
			    offset_of(req, tb[KTCP_A_PORT]));
		ck_assert_int_eq(ktcp_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req),
						buf, sizeof(buf)),
				 -EADDRINUSE);
		ck_assert_str_eq(buf, "port 7007 is in use (attribute 'port')");
		nlmsg_free(msg);
	}
	nlmsg_free(req);
}
END_TEST

START_TEST(extack_nested_and_missing)
{
	struct ktcp_server_cfg cfg = full_cfg();
	struct nlattr *tb[KTCP_A_MAX + 1];
	struct nl_msg *req, *msg;
	char buf[KTCP_ERRMSG_LEN];
	const char *why;
	uint32_t off;

	ck_assert_int_eq(ktcp_msg_server_start(FAMILY, &cfg, &req, &why), 0);
	parse_request(req, KTCP_CMD_SERVER_START, tb);
	/* The option inside the nest, without a message. */
	off = offset_of(req, nla_data(tb[KTCP_A_OPTS]));
	ck_assert_str_eq(ktcp_attr_name(nlmsg_hdr(req), off), "echo_wq");
	ck_assert_str_eq(ktcp_attr_name(nlmsg_hdr(req),
					offset_of(req, tb[KTCP_A_OPTS])),
			 "opts");
	ck_assert_ptr_null(ktcp_attr_name(nlmsg_hdr(req), off + 1));
	ck_assert_ptr_null(ktcp_attr_name(nlmsg_hdr(req), 100000));
	ck_assert_ptr_null(ktcp_attr_name(NULL, off));
	msg = error_msg(nlmsg_hdr(req), -EINVAL, true);
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, off);
	ck_assert_int_eq(ktcp_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), buf,
					sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "(attribute 'echo_wq')");
	nlmsg_free(msg);
	/* A missing attribute. */
	msg = error_msg(nlmsg_hdr(req), -EINVAL, true);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "Missing attribute");
	nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE, KTCP_A_PORT);
	ck_assert_int_eq(ktcp_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), buf,
					sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "Missing attribute (missing attribute 'port')");
	nlmsg_free(msg);
	nlmsg_free(req);
}
END_TEST

START_TEST(extack_absent_or_bogus)
{
	struct nl_msg *req, *msg;
	char buf[KTCP_ERRMSG_LEN] = "stale";
	struct nlmsghdr *nlh;

	ck_assert_int_eq(ktcp_msg_id(FAMILY, KTCP_CMD_SERVER_STOP, 1, &req), 0);
	/* No TLVs: just the errno. */
	msg = error_msg(nlmsg_hdr(req), -ENOENT, true);
	nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_ACK_TLVS;
	ck_assert_int_eq(ktcp_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), buf,
					sizeof(buf)),
			 -ENOENT);
	ck_assert_str_eq(buf, "");
	nlmsg_free(msg);
	/* A message without its NUL is ignored, not overread. */
	msg = error_msg(nlmsg_hdr(req), -ENOENT, true);
	nla_put(msg, NLMSGERR_ATTR_MSG, 4, "abcd");
	ck_assert_int_eq(ktcp_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), buf,
					sizeof(buf)),
			 -ENOENT);
	ck_assert_str_eq(buf, "");
	nlmsg_free(msg);
	/* A truncated error message. */
	msg = nlmsg_alloc();
	nlh = nlmsg_put(msg, 0, 1, NLMSG_ERROR, 2, 0);
	ck_assert_int_eq(ktcp_parse_ack(nlh, NULL, buf, sizeof(buf)), -EBADMSG);
	nlmsg_free(msg);
	nlmsg_free(req);
}
END_TEST

START_TEST(extack_done)
{
	struct nl_msg *msg = nlmsg_alloc();
	char buf[KTCP_ERRMSG_LEN];
	struct nlmsghdr *nlh;
	int err = -EMSGSIZE;

	/* A dump that failed half-way: errno and message in NLMSG_DONE. */
	nlh = nlmsg_put(msg, 0, 1, NLMSG_DONE, sizeof(err),
			NLM_F_MULTI | NLM_F_ACK_TLVS);
	memcpy(nlmsg_data(nlh), &err, sizeof(err));
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "dump too big");
	ck_assert_int_eq(ktcp_parse_ack(nlmsg_hdr(msg), NULL, buf, sizeof(buf)),
			 -EMSGSIZE);
	ck_assert_str_eq(buf, "dump too big");
	nlmsg_free(msg);
}
END_TEST

Suite *make_msg_suite(void)
{
	Suite *s = suite_create("msg");
	TCase *build = tcase_create("build");
	TCase *parse = tcase_create("parse");
	TCase *ack = tcase_create("extack");

	tcase_add_test(build, start_request);
	tcase_add_test(build, http_start_request);
	tcase_add_test(build, http_parse_server_reply);
	tcase_add_test(build, http_user_request);
	tcase_add_test(parse, http_user_reply);
	tcase_add_test(build, start_request_minimal);
	tcase_add_test(build, start_request_rejected);
	tcase_add_test(build, unknown_bits_rejected);
	tcase_add_test(build, cpus_rejected);
	tcase_add_test(build, name_rejected);
	tcase_add_test(build, struct_layout);
	tcase_add_test(build, lib_version);
	tcase_add_test(build, set_request);
	tcase_add_test(build, id_request);
	tcase_add_test(parse, parse_server_reply);
	tcase_add_test(parse, parse_server_minimal);
	tcase_add_test(parse, parse_server_malformed);
	tcase_add_test(parse, parse_stats_reply);
	tcase_add_test(parse, parse_event_reply);
	tcase_add_test(parse, parse_family_reply);
	tcase_add_test(parse, parse_log_record);
	tcase_add_test(parse, parse_log_oversize);
	tcase_add_test(ack, extack_message_and_attr);
	tcase_add_test(ack, extack_nested_and_missing);
	tcase_add_test(ack, extack_absent_or_bogus);
	tcase_add_test(ack, extack_done);
	suite_add_tcase(s, build);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, ack);
	return s;
}
