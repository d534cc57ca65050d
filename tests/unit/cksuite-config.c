// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp.conf parsing, comparing with running servers and writing
 * (userspace/cli/config.c): every error names the file and the line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ktcp.h>

#include "cksuites.h"
#include "config.h"

static int parse_str(const char *text, struct config *c, struct args_err *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	ck_assert_ptr_nonnull(f);
	err = config_parse(f, "t.conf", c, e);
	fclose(f);
	return err;
}

START_TEST(full_file)
{
	static const char text[] = "# ktcp.conf\n"
				   "\n"
				   "[server web]\n"
				   "service = http\n"
				   "  port=8081  \n"
				   "addr = 127.0.0.1\n"
				   "backlog = 64\n"
				   "max-conns = 100\n"
				   "idle-timeout = 30s\n"
				   "max-mem = 8M\n"
				   "cpus = 0\n"
				   "listeners = 2\n"
				   "root = /srv/www\n"
				   "listing = yes\n"
				   "keepalive-max = 10\n"
				   "max-request-line = 1024\n"
				   "max-header = 4096\n"
				   "head-timeout = 5s\n"
				   "sendfile = no\n"
				   "user = 0\n"
				   "; another comment\r\n"
				   "[ server  echo-1 ]\r\n"
				   "service = echo\n"
				   "port = 12345\n"
				   "wq = percpu\n";
	struct config c;
	struct args_err e;
	const struct config_server *s;

	ck_assert_msg(parse_str(text, &c, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(c.n, 2);
	s = config_find(&c, "web");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->line, 3);
	ck_assert_str_eq(s->cfg.service, "http");
	ck_assert_str_eq(s->cfg.name, "web");
	ck_assert_uint_eq(s->cfg.port, 8081);
	ck_assert_int_eq(s->cfg.addr.family, AF_INET);
	ck_assert_uint_eq(s->cfg.backlog, 64);
	ck_assert_uint_eq(s->cfg.max_conns, 100);
	ck_assert_uint_eq(s->cfg.idle_timeout_ms, 30000);
	ck_assert_uint_eq(s->cfg.max_mem_kb, 8192);
	ck_assert_str_eq(s->cfg.cpus, "0");
	ck_assert_uint_eq(s->cfg.listeners, 2);
	ck_assert_str_eq(s->cfg.http_root, "/srv/www");
	ck_assert_uint_eq(s->cfg.http_listing, 1);
	ck_assert_uint_eq(s->cfg.http_keepalive_max, 10);
	ck_assert_uint_eq(s->cfg.http_max_request_line, 1024);
	ck_assert_uint_eq(s->cfg.http_max_header, 4096);
	ck_assert_uint_eq(s->cfg.http_head_timeout_ms, 5000);
	ck_assert_uint_eq(s->cfg.http_sendfile, 0);
	ck_assert_uint_eq(s->cfg.http_uid, 0);
	ck_assert(s->cfg.has & KTCP_HAS_HTTP_USER);
	ck_assert_uint_eq(s->cfg.has,
			  KTCP_HAS_NAME | KTCP_HAS_PORT | KTCP_HAS_ADDR |
				  KTCP_HAS_BACKLOG | KTCP_HAS_MAX_CONNS |
				  KTCP_HAS_IDLE_TIMEOUT | KTCP_HAS_MAX_MEM |
				  KTCP_HAS_CPUS | KTCP_HAS_LISTENERS |
				  KTCP_HAS_HTTP_ROOT | KTCP_HAS_HTTP_LISTING |
				  KTCP_HAS_HTTP_KEEPALIVE_MAX |
				  KTCP_HAS_HTTP_MAX_REQUEST_LINE |
				  KTCP_HAS_HTTP_MAX_HEADER |
				  KTCP_HAS_HTTP_HEAD_TIMEOUT |
				  KTCP_HAS_HTTP_SENDFILE | KTCP_HAS_HTTP_USER);
	s = config_find(&c, "echo-1");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->line, 22);
	ck_assert_str_eq(s->cfg.service, "echo");
	ck_assert_uint_eq(s->cfg.echo_wq, KTCP_WQ_PERCPU);
	ck_assert_uint_eq(s->cfg.has,
			  KTCP_HAS_NAME | KTCP_HAS_PORT | KTCP_HAS_ECHO_WQ);
	ck_assert_ptr_null(config_find(&c, "nope"));
	config_free(&c);
}
END_TEST

START_TEST(empty_file)
{
	struct config c;
	struct args_err e;

	ck_assert_int_eq(parse_str("", &c, &e), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(parse_str("# nothing\n\n   \n", &c, &e), 0);
	ck_assert_uint_eq(c.n, 0);
	config_free(&c);
}
END_TEST

/* Each bad file, the error, and the words the message must have. */
static const struct {
	const char *text;
	int err;
	const char *msg; /* "t.conf:LINE: ..." */
} bad[] = {
	{ "port = 1\n", -EINVAL,
	  "t.conf:1: 'port' is outside a [server NAME] section" },
	{ "[server a]\nservice = echo\nport 1\n", -EINVAL,
	  "t.conf:3: expected 'key = value' or '[server NAME]'" },
	{ "\n[server]\n", -EINVAL, "t.conf:2: a section header is" },
	{ "[servers a]\n", -EINVAL, "t.conf:1: a section header is" },
	{ "[client a]\n", -EINVAL, "t.conf:1: a section header is" },
	{ "[server a] x\n", -EINVAL, "t.conf:1: a section header is" },
	{ "[server a\n", -EINVAL, "t.conf:1: a section header is" },
	{ "[server a/b]\n", -EINVAL, "t.conf:1: 'a/b' is not a server name" },
	{ "[server a b]\n", -EINVAL, "t.conf:1: 'a b' is not a server name" },
	{ "[server "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n",
	  -EINVAL, "t.conf:1: 'aaaa" },
	{ "[server a]\nservice = echo\nport = 1\n[server a]\n", -EINVAL,
	  "t.conf:4: server 'a' is already on line 1" },
	{ "[server a]\nservice = echo\nport = 1\ncolour = red\n", -EINVAL,
	  "t.conf:4: unknown key 'colour'" },
	{ "[server a]\nservice = echo\nport = 1\nport = 2\n", -EINVAL,
	  "t.conf:4: 'port' is already set on line 3" },
	{ "[server a]\nservice = echo\nport =\n", -EINVAL,
	  "t.conf:3: 'port' has no value" },
	{ "[server a]\nservice = echo\nport = 0\n", -ERANGE,
	  "t.conf:3: port: '0' is out of range (1-65535)" },
	{ "[server a]\nservice = echo\nport = http\n", -EINVAL,
	  "t.conf:3: port: 'http' is not a number" },
	{ "[server a]\nservice = echo\nport = 1\naddr = localhost\n", -EINVAL,
	  "t.conf:4: addr: 'localhost' is not an IPv4 or IPv6 address" },
	{ "[server a]\nservice = echo\nport = 1\nbacklog = 0\n", -ERANGE,
	  "t.conf:4: backlog:" },
	{ "[server a]\nservice = echo\nport = 1\nmax-conns = -1\n", -EINVAL,
	  "t.conf:4: max-conns:" },
	{ "[server a]\nservice = echo\nport = 1\nidle-timeout = 2d\n", -EINVAL,
	  "t.conf:4: idle-timeout: '2d' is not a duration" },
	{ "[server a]\nservice = echo\nport = 1\nmax-mem = 1P\n", -EINVAL,
	  "t.conf:4: max-mem: '1P' is not a size" },
	{ "[server a]\nservice = echo\nport = 1\ncpus = 3-1\n", -EINVAL,
	  "t.conf:4: cpus: '3-1': the range 3-1 goes down" },
	{ "[server a]\nservice = echo\nport = 1\nlisteners = 65\n", -ERANGE,
	  "t.conf:4: listeners: '65' is out of range (1-64)" },
	{ "[server a]\nservice = echo\nport = 1\nwq = bound\n", -EINVAL,
	  "t.conf:4: wq: 'bound' is not a workqueue" },
	{ "[server a]\nservice = http\nport = 1\nroot = srv\n", -EINVAL,
	  "t.conf:4: root: 'srv' is not an absolute path" },
	{ "[server a]\nservice = http\nport = 1\nlisting = 1\n", -EINVAL,
	  "t.conf:4: listing: '1' is not yes or no" },
	{ "[server a]\nservice = http\nport = 1\nsendfile = off\n", -EINVAL,
	  "t.conf:4: sendfile: 'off' is not yes or no" },
	{ "[server a]\nservice = http\nport = 1\nkeepalive-max = x\n", -EINVAL,
	  "t.conf:4: keepalive-max:" },
	{ "[server a]\nservice = http\nport = 1\nmax-request-line = 63\n",
	  -ERANGE, "t.conf:4: max-request-line:" },
	{ "[server a]\nservice = http\nport = 1\nmax-header = 70000\n", -ERANGE,
	  "t.conf:4: max-header:" },
	{ "[server a]\nservice = http\nport = 1\nhead-timeout = 0\n", -ERANGE,
	  "t.conf:4: head-timeout:" },
	{ "[server a]\nservice = http\nport = 1\nuser = no-such-user-x\n",
	  -EINVAL, "t.conf:4: user: no user 'no-such-user-x'" },
	{ "[server a]\nservice = echoechoechoechoecho\nport = 1\n", -ERANGE,
	  "t.conf:2: service:" },
	{ "\n[server a]\nport = 1\n", -EINVAL,
	  "t.conf:2: server 'a' has no service" },
	{ "[server a]\nservice = echo\n[server b]\n", -EINVAL,
	  "t.conf:1: server 'a' has no port" },
	{ "[server a]\nservice = echo\n", -EINVAL,
	  "t.conf:1: server 'a' has no port" },
	{ "[server a]\nservice = echo\nport = 1\nroot = /srv\n", -EINVAL,
	  "t.conf:4: 'root' is an option of http servers, not echo" },
	{ "[server a]\nwq = percpu\nservice = http\nport = 1\n", -EINVAL,
	  "t.conf:2: 'wq' is an option of echo servers, not http" },
	{ "[server a]\nservice = http\nport = 1\nmax-request-line = 4096\n"
	  "max-header = 2048\n",
	  -EINVAL, "t.conf:4: max-request-line is larger than max-header" },
	{ "[server a]\nservice = echo\nport = 7\n"
	  "[server b]\nservice = http\nport = 7\n",
	  -EINVAL, "t.conf:6: port 7 is also server 'a''s (line 1)" },
	{ "[server a]\nservice = echo\nport = 7\naddr = ::1\n"
	  "[server b]\nservice = http\naddr = ::1\nport = 7\n",
	  -EINVAL, "t.conf:8: port 7 is also server 'a''s (line 1)" },
	/* No addr is the kernel's default, IPv6 any: both bind [::]:7. */
	{ "[server a]\nservice = echo\nport = 7\n"
	  "[server b]\nservice = echo\naddr = ::\nport = 7\n",
	  -EINVAL, "t.conf:7: port 7 is also server 'a''s (line 1)" },
	{ "[server a]\nservice = echo\naddr = 0::0\nport = 7\n"
	  "[server b]\nservice = echo\nport = 7\n",
	  -EINVAL, "t.conf:7: port 7 is also server 'a''s (line 1)" },
	/* An IPv4-mapped address is the IPv4 one. */
	{ "[server a]\nservice = echo\naddr = 192.0.2.1\nport = 7\n"
	  "[server b]\nservice = echo\naddr = ::ffff:192.0.2.1\nport = 7\n",
	  -EINVAL, "t.conf:8: port 7 is also server 'a''s (line 1)" },
};

START_TEST(bad_files)
{
	struct config c;
	struct args_err e;
	int err;

	memset(&e, 0, sizeof(e));
	err = parse_str(bad[_i].text, &c, &e);
	ck_assert_msg(err == bad[_i].err, "file %d: %d, not %d (%s)", _i, err,
		      bad[_i].err, e.msg);
	ck_assert_msg(strstr(e.msg, bad[_i].msg), "file %d: '%s', not '%s'", _i,
		      e.msg, bad[_i].msg);
	ck_assert_ptr_null(c.servers);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

/*
 * What is not an error here: a port on two addresses, any service. IPv6
 * any and IPv4 any on one port collide unless net.ipv6.bindv6only is set
 * (and a wildcard and an address of it unless both use SO_REUSEPORT):
 * that is the kernel's to say, with the host's settings.
 */
START_TEST(not_errors)
{
	static const char text[] = "[server a]\nservice = echo\nport = 7\n"
				   "addr = 127.0.0.1\n"
				   "[server b]\nservice = echo\nport = 7\n"
				   "addr = ::1\n"
				   "[server c]\nservice = Echo!\nport = 8\n"
				   "[server d]\nservice = echo\nport = 9\n"
				   "[server e]\nservice = echo\nport = 9\n"
				   "addr = 0.0.0.0\n";
	struct config c;
	struct args_err e;

	ck_assert_msg(parse_str(text, &c, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(c.n, 5);
	config_free(&c);
}
END_TEST

START_TEST(long_lines)
{
	size_t n = CONFIG_LINE_MAX + 100;
	char *text = malloc(n + 64);
	struct config c;
	struct args_err e;

	ck_assert_ptr_nonnull(text);
	strcpy(text, "[server a]\nservice = http\nport = 1\nroot = /");
	memset(text + strlen(text), 'r', n);
	strcpy(text + n, "\n");
	ck_assert_int_eq(parse_str(text, &c, &e), -ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "t.conf:4: the line is longer"));
	/* A root of KTCP_PATH_MAX fits in a line; one more does not fit. */
	strcpy(text, "[server a]\nservice = http\nport = 1\nroot = /");
	n = strlen(text);
	memset(text + n, 'r', KTCP_PATH_MAX - 1);
	strcpy(text + n + KTCP_PATH_MAX - 1, "\n");
	ck_assert_msg(parse_str(text, &c, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(strlen(c.servers[0].cfg.http_root), KTCP_PATH_MAX);
	config_free(&c);
	strcpy(text + n + KTCP_PATH_MAX - 1, "r\n");
	ck_assert_int_eq(parse_str(text, &c, &e), -ERANGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "t.conf:4: root:"));
	free(text);
}
END_TEST

START_TEST(nul_byte)
{
	static const char text[] = "[server a]\nservice = echo\0x\nport = 1\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct config c;
	struct args_err e;

	ck_assert_int_eq(config_parse(f, "t.conf", &c, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "t.conf:2: the line has a NUL"));
	fclose(f);
}
END_TEST

/* A host of two CPUs, both online. */
static const struct config_cpus two = { .possible = "0-1", .online = "0-1" };
static const struct config_cpus two_commas = { .possible = "0,1",
					       .online = "0,1" };

/* A running server as the kernel reports one started from @s. */
static struct ktcp_server running(const struct config_server *s)
{
	struct ktcp_server r = { .id = 3 };
	bool http = !strcmp(s->cfg.service, "http");

	memcpy(r.service, s->cfg.service, sizeof(r.service));
	strcpy(r.name, s->name);
	r.addr.family = AF_INET6;
	if (s->cfg.has & KTCP_HAS_ADDR)
		r.addr = s->cfg.addr;
	r.port = s->cfg.port;
	r.backlog = 128;
	r.listeners = 1;
	r.max_conns = http ? KTCP_HTTP_DEFAULT_MAX_CONNS : 0;
	r.idle_timeout_ms = http ? KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS : 0;
	r.max_mem_kb = http ? KTCP_HTTP_DEFAULT_MAX_MEM_KB : 0;
	r.cpus = "0-1";
	r.has = KTCP_HAS_ID | KTCP_HAS_SERVICE | KTCP_HAS_NAME | KTCP_HAS_ADDR |
		KTCP_HAS_PORT | KTCP_HAS_BACKLOG | KTCP_HAS_LISTENERS |
		KTCP_HAS_MAX_CONNS | KTCP_HAS_IDLE_TIMEOUT | KTCP_HAS_MAX_MEM |
		KTCP_HAS_CPUS;
	if (!http) {
		r.has |= KTCP_HAS_ECHO_WQ;
		return r;
	}
	r.http_max_header = 16384;
	r.http_max_request_line = 8192;
	r.http_head_timeout_ms = KTCP_HTTP_DEFAULT_HEAD_TIMEOUT_MS;
	r.http_sendfile = 1;
	r.has |= KTCP_HAS_HTTP_LISTING | KTCP_HAS_HTTP_KEEPALIVE_MAX |
		 KTCP_HAS_HTTP_MAX_HEADER | KTCP_HAS_HTTP_MAX_REQUEST_LINE |
		 KTCP_HAS_HTTP_HEAD_TIMEOUT | KTCP_HAS_HTTP_SENDFILE |
		 KTCP_HAS_HTTP_USER;
	if (s->cfg.has & KTCP_HAS_HTTP_ROOT) {
		r.http_root = s->cfg.http_root;
		r.has |= KTCP_HAS_HTTP_ROOT;
	}
	return r;
}

START_TEST(diff_defaults)
{
	static const char text[] = "[server web]\nservice = http\nport = 80\n"
				   "root = /srv\n"
				   "[server e]\nservice = echo\nport = 7\n";
	struct ktcp_server_cfg set;
	struct ktcp_server r;
	struct config c;
	struct args_err e;
	char keys[256];

	ck_assert_msg(parse_str(text, &c, &e) == 0, "%s", e.msg);
	/* Started from the file: the same, the defaults included. */
	r = running(&c.servers[0]);
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_SAME);
	ck_assert_str_eq(keys, "");
	/* A CPU list is a set: "0,1" is "0-1". */
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two_commas, &set, keys,
				     sizeof(keys)),
			 CONFIG_SAME);
	/* Someone `set` it: apply puts back the defaults, with set. */
	r.max_conns = 5;
	r.port = 81;
	r.cpus = "1";
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_SET);
	ck_assert_str_eq(keys, "port, max-conns, cpus");
	ck_assert_uint_eq(set.has,
			  KTCP_HAS_PORT | KTCP_HAS_MAX_CONNS | KTCP_HAS_CPUS);
	ck_assert_uint_eq(set.port, 80);
	ck_assert_uint_eq(set.max_conns, KTCP_HTTP_DEFAULT_MAX_CONNS);
	ck_assert_str_eq(set.cpus, "0-1");
	/* Without the online list, CPUs the file does not give are not
	 * compared. */
	ck_assert_int_eq(config_diff(&c.servers[0], &r, NULL, &set, keys,
				     sizeof(keys)),
			 CONFIG_SET);
	ck_assert_str_eq(keys, "port, max-conns");
	/* What set cannot change: a restart. */
	r = running(&c.servers[0]);
	r.http_root = "/elsewhere";
	r.http_listing = 1;
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_RESTART);
	ck_assert_str_eq(keys, "listing, root");
	/* Another service under the same name. */
	r = running(&c.servers[1]);
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_RESTART);
	ck_assert_ptr_nonnull(strstr(keys, "service"));
	ck_assert_int_eq(config_diff(&c.servers[1], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_SAME);
	r.echo_wq = KTCP_WQ_PERCPU;
	ck_assert_int_eq(config_diff(&c.servers[1], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_RESTART);
	ck_assert_str_eq(keys, "wq");
	/* An address: set, with the port. */
	r = running(&c.servers[1]);
	ck_assert_int_eq(ktcp_addr_parse("127.0.0.1", &r.addr), 0);
	ck_assert_int_eq(config_diff(&c.servers[1], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_SET);
	ck_assert_str_eq(keys, "addr");
	ck_assert_uint_eq(set.has, KTCP_HAS_ADDR | KTCP_HAS_PORT);
	ck_assert_int_eq(set.addr.family, AF_INET6);
	config_free(&c);
}
END_TEST

/* save | apply: what config_write() writes parses back to the same. */
START_TEST(write_round_trip)
{
	static const char text[] =
		"[server web]\nservice = http\nport = 80\nroot = /srv\n"
		"addr = 192.0.2.1\nmax-conns = 7\nidle-timeout = 1500\n"
		"max-mem = 3M\ncpus = 1\nlisteners = 3\nlisting = yes\n"
		"keepalive-max = 9\nmax-header = 2048\nhead-timeout = 2m\n"
		"sendfile = no\n"
		"[server e]\nservice = echo\nport = 7\nwq = percpu\n"
		"idle-timeout = 1h\nmax-mem = 1G\n";
	struct ktcp_server_cfg set;
	struct ktcp_server r[2];
	struct config c, back;
	struct args_err e;
	char buf[4096], keys[256];
	FILE *f;
	size_t i;

	ck_assert_msg(parse_str(text, &c, &e) == 0, "%s", e.msg);
	for (i = 0; i < 2; i++) {
		const struct ktcp_server_cfg *g = &c.servers[i].cfg;

		r[i] = running(&c.servers[i]);
		r[i].addr = (g->has & KTCP_HAS_ADDR) ? g->addr : r[i].addr;
		if (g->has & KTCP_HAS_MAX_CONNS)
			r[i].max_conns = g->max_conns;
		r[i].idle_timeout_ms = g->idle_timeout_ms;
		r[i].max_mem_kb = g->max_mem_kb;
		r[i].echo_wq = g->echo_wq;
	}
	r[0].cpus = "1";
	r[0].listeners = 3;
	r[0].http_listing = 1;
	r[0].http_keepalive_max = 9;
	r[0].http_max_header = 2048;
	r[0].http_max_request_line = 2048; /* follows max-header */
	r[0].http_head_timeout_ms = 120000;
	r[0].http_sendfile = 0;
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(config_write(f, &r[0], &two, &e), 0);
	ck_assert_int_eq(config_write(f, &r[1], &two, &e), 0);
	fclose(f);
	ck_assert_msg(parse_str(buf, &back, &e) == 0, "%s:\n%s", e.msg, buf);
	ck_assert_uint_eq(back.n, 2);
	for (i = 0; i < 2; i++)
		ck_assert_msg(config_diff(&back.servers[i], &r[i], &two, &set,
					  keys, sizeof(keys)) == CONFIG_SAME,
			      "%zu: %s differ in\n%s", i, keys, buf);
	/* Defaults are not written. */
	ck_assert_ptr_null(strstr(buf, "backlog"));
	ck_assert_ptr_null(strstr(buf, "max-request-line"));
	ck_assert_ptr_nonnull(strstr(buf, "idle-timeout = 1500ms\n"));
	ck_assert_ptr_nonnull(strstr(buf, "idle-timeout = 1h\n"));
	ck_assert_ptr_nonnull(strstr(buf, "max-mem = 1G\n"));
	config_free(&back);
	config_free(&c);
}
END_TEST

/* A file of @dir with @text, for config_cpus_read(). */
static void put_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * A host whose possible CPUs are not all online (hotplug slots of a VM):
 * a server started without cpus runs on every possible CPU, as the
 * kernel's cpu_possible_mask, and save | apply leaves it alone.
 */
START_TEST(cpus_possible)
{
	static const char text[] = "[server e]\nservice = echo\nport = 7\n";
	char dir[] = "/tmp/ck-cpus-XXXXXX", buf[1024], keys[256];
	struct ktcp_server_cfg set;
	struct config_cpus cpus;
	struct ktcp_server r;
	struct config c, back;
	struct args_err e;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_file(dir, "possible", "0-7\n");
	put_file(dir, "online", "0-3\n");
	config_cpus_read(&cpus, dir);
	ck_assert_str_eq(cpus.possible, "0-7");
	ck_assert_str_eq(cpus.online, "0-3");
	ck_assert_int_eq(parse_str(text, &c, &e), 0);
	r = running(&c.servers[0]);
	r.cpus = "0-7";
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &cpus, &set, keys,
				     sizeof(keys)),
			 CONFIG_SAME);
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert_int_eq(config_write(f, &r, &cpus, &e), 0);
	fclose(f);
	ck_assert_msg(!strstr(buf, "cpus"), "%s", buf);
	ck_assert_int_eq(parse_str(buf, &back, &e), 0);
	ck_assert_int_eq(config_diff(&back.servers[0], &r, &cpus, &set, keys,
				     sizeof(keys)),
			 CONFIG_SAME);
	config_free(&back);
	/* Pinned to the online ones: written, as start takes them. */
	r.cpus = "0-3";
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert_int_eq(config_write(f, &r, &cpus, &e), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "cpus = 0-3\n"));
	/*
	 * Back to the default: set takes online CPUs only, so only a new
	 * start gives the server the offline ones too.
	 */
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &cpus, &set, keys,
				     sizeof(keys)),
			 CONFIG_RESTART);
	ck_assert_str_eq(keys, "cpus");
	/* All of them online again: set does it. */
	put_file(dir, "online", "0-7\n");
	config_cpus_read(&cpus, dir);
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &cpus, &set, keys,
				     sizeof(keys)),
			 CONFIG_SET);
	ck_assert_str_eq(keys, "cpus");
	ck_assert_str_eq(set.cpus, "0-7");
	config_free(&c);
	/* Lists that cannot be read are not compared. */
	put_file(dir, "possible", "");
	snprintf(buf, sizeof(buf), "%s/online", dir);
	ck_assert_int_eq(unlink(buf), 0);
	config_cpus_read(&cpus, dir);
	ck_assert_ptr_null(cpus.possible);
	ck_assert_ptr_null(cpus.online);
	snprintf(buf, sizeof(buf), "%s/possible", dir);
	ck_assert_int_eq(unlink(buf), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * Roots that config_write() must refuse: each would read back as another
 * root, or as more than a root (a server of its own that apply would
 * start), named or not (a commented-out section ends at a newline too).
 */
static const char *const bad_roots[] = {
	"/srv/a\n[server evil]\nservice = echo\nport = 7",
	"/srv/a ",
	"/srv/a\t",
	" /srv/a",
	"/srv/a\r",
	"/srv/\x01a",
	"/srv/\x7f",
};

START_TEST(write_bad_root)
{
	static const char text[] = "[server web]\nservice = http\nport = 80\n"
				   "root = /srv\n";
	struct ktcp_server r;
	struct config c;
	struct args_err e;
	char buf[1024];
	int named;
	FILE *f;

	ck_assert_int_eq(parse_str(text, &c, &e), 0);
	for (named = 0; named < 2; named++) {
		r = running(&c.servers[0]);
		r.http_root = bad_roots[_i];
		if (!named)
			r.has &= ~KTCP_HAS_NAME;
		memset(buf, 0, sizeof(buf));
		memset(&e, 0, sizeof(e));
		f = fmemopen(buf, sizeof(buf), "w");
		ck_assert_int_eq(config_write(f, &r, &two, &e), -EINVAL);
		ck_assert_int_eq(ftell(f), 0);
		fclose(f);
		ck_assert_str_eq(buf, "");
		ck_assert_msg(strstr(e.msg,
				     named ? "server 'web' (id 3): root '" :
					     "server 3: root '"),
			      "%s", e.msg);
	}
	config_free(&c);
}
END_TEST

/*
 * A user's groups as the file gives them (getgrouplist(): the primary
 * group first) and as the kernel reports them (sorted) are the same:
 * apply must not restart the server for the order. Before: "user".
 */
START_TEST(diff_groups_order)
{
	static const char text[] = "[server web]\nservice = http\nport = 80\n"
				   "root = /srv\n";
	static const uint32_t file[] = { 1000, 4, 27 },
			      kernel[] = { 4, 27, 1000 };
	static const uint32_t other[] = { 4, 24, 1000 };
	struct ktcp_server_cfg set;
	struct ktcp_server r;
	struct config c;
	struct args_err e;
	char keys[256];

	ck_assert_msg(parse_str(text, &c, &e) == 0, "%s", e.msg);
	/* As "user = NAME" sets them (args_user()). */
	memcpy(c.servers[0].user.groups, file, sizeof(file));
	c.servers[0].cfg.has |= KTCP_HAS_HTTP_USER;
	c.servers[0].cfg.http_uid = 1000;
	c.servers[0].cfg.http_gid = 1000;
	c.servers[0].cfg.http_ngroups = 3;
	c.servers[0].cfg.http_groups = c.servers[0].user.groups;
	r = running(&c.servers[0]);
	r.has |= KTCP_HAS_HTTP_GROUPS;
	r.http_uid = 1000;
	r.http_gid = 1000;
	r.http_groups = kernel;
	r.http_ngroups = 3;
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_SAME);
	ck_assert_str_eq(keys, "");
	/* Another group, or one fewer: a restart. */
	r.http_groups = other;
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_RESTART);
	ck_assert_str_eq(keys, "user");
	r.http_groups = kernel;
	r.http_ngroups = 2;
	ck_assert_int_eq(config_diff(&c.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_RESTART);
	ck_assert_str_eq(keys, "user");
	config_free(&c);
}
END_TEST

/* What the parser takes as it is, and so save writes. */
static const char *const good_roots[] = {
	"/srv/a b",	   "/srv/#a",	 "/srv/;a",	  "/srv/a=b",
	"/srv/[server x]", "/srv/a # b", "/srv/\xc3\xa9", "/srv/\\n",
};

START_TEST(write_root_round_trip)
{
	static const char text[] = "[server web]\nservice = http\nport = 80\n"
				   "root = /srv\n";
	struct ktcp_server_cfg set;
	struct ktcp_server r;
	struct config c, back;
	struct args_err e;
	char buf[1024], keys[256];
	FILE *f;

	ck_assert_int_eq(parse_str(text, &c, &e), 0);
	r = running(&c.servers[0]);
	r.http_root = good_roots[_i];
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert_msg(config_write(f, &r, &two, &e) == 0, "%s", e.msg);
	fclose(f);
	ck_assert_msg(parse_str(buf, &back, &e) == 0, "%s:\n%s", e.msg, buf);
	ck_assert_uint_eq(back.n, 1);
	ck_assert_str_eq(back.servers[0].cfg.http_root, good_roots[_i]);
	ck_assert_int_eq(config_diff(&back.servers[0], &r, &two, &set, keys,
				     sizeof(keys)),
			 CONFIG_SAME);
	config_free(&back);
	config_free(&c);
}
END_TEST

/* A server without a name is written, commented out. */
START_TEST(write_unnamed)
{
	static const char text[] = "[server x]\nservice = echo\nport = 7\n";
	struct ktcp_server r;
	struct config c, back;
	struct args_err e;
	char buf[1024];
	FILE *f;

	ck_assert_int_eq(parse_str(text, &c, &e), 0);
	r = running(&c.servers[0]);
	r.has &= ~KTCP_HAS_NAME;
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert_int_eq(config_write(f, &r, &two, &e), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "# [server echo-7]\n"));
	ck_assert_int_eq(parse_str(buf, &back, &e), 0);
	ck_assert_uint_eq(back.n, 0);
	config_free(&c);
}
END_TEST

Suite *make_config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, full_file);
	tcase_add_test(tc, empty_file);
	tcase_add_loop_test(tc, bad_files, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, not_errors);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, diff_defaults);
	tcase_add_test(tc, diff_groups_order);
	tcase_add_test(tc, write_round_trip);
	tcase_add_test(tc, write_unnamed);
	tcase_add_test(tc, cpus_possible);
	tcase_add_loop_test(tc, write_bad_root, 0,
			    sizeof(bad_roots) / sizeof(bad_roots[0]));
	tcase_add_loop_test(tc, write_root_round_trip, 0,
			    sizeof(good_roots) / sizeof(good_roots[0]));
	suite_add_tcase(s, tc);
	return s;
}
