// SPDX-License-Identifier: GPL-2.0
/*
 * Requests: a small attribute builder, and the seed corpus of valid
 * requests (every command of the family) that the fuzzer mutates. The
 * corpus is generated here, written to tests/nlfuzz/corpus/ as hex files by
 * `nlfuzz --gen-corpus DIR`, and read back from there, so the checked-in
 * files are reproducible and t-nlfuzz can tell when they drift.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>

#include "nlfuzz.h"

/* --- the builder ------------------------------------------------------------ */

void req_init(struct req *q, uint16_t flags, uint8_t cmd)
{
	struct genlmsghdr g = { .cmd = cmd, .version = KTCP_GENL_VERSION };

	q->type = 0;
	q->flags = flags;
	q->pid = 0;
	q->len_adj = 0;
	q->depth = 0;
	q->overflow = false;
	memcpy(q->payload, &g, sizeof(g));
	q->len = GENL_HDRLEN;
}

uint8_t req_cmd(const struct req *q)
{
	return q->len ? q->payload[0] : 0;
}

void req_put(struct req *q, uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { .nla_type = type };
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (q->len + total > sizeof(q->payload) || len > 0xffff - NLA_HDRLEN) {
		q->overflow = true;
		return;
	}
	a.nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy(q->payload + q->len, &a, sizeof(a));
	if (len)
		memcpy(q->payload + q->len + NLA_HDRLEN, data, len);
	memset(q->payload + q->len + NLA_HDRLEN + len, 0,
	       total - NLA_HDRLEN - len);
	q->len += total;
}

void req_put_u8(struct req *q, uint16_t type, uint8_t v)
{
	req_put(q, type, &v, sizeof(v));
}

void req_put_u16(struct req *q, uint16_t type, uint16_t v)
{
	req_put(q, type, &v, sizeof(v));
}

void req_put_u32(struct req *q, uint16_t type, uint32_t v)
{
	req_put(q, type, &v, sizeof(v));
}

void req_put_u64(struct req *q, uint16_t type, uint64_t v)
{
	req_put(q, type, &v, sizeof(v));
}

void req_put_str(struct req *q, uint16_t type, const char *s)
{
	req_put(q, type, s, strlen(s) + 1);
}

void req_nest_start(struct req *q, uint16_t type)
{
	if (q->depth == (int)(sizeof(q->nest) / sizeof(q->nest[0]))) {
		q->overflow = true;
		return;
	}
	q->nest[q->depth++] = q->len;
	req_put(q, type | NLA_F_NESTED, NULL, 0);
}

void req_nest_end(struct req *q)
{
	struct nlattr *a;
	size_t len;

	if (!q->depth)
		return;
	a = (struct nlattr *)(q->payload + q->nest[--q->depth]);
	len = q->len - q->nest[q->depth];
	a->nla_len = len > 0xffff ? 0xffff : (uint16_t)len;
}

/* --- the corpus ------------------------------------------------------------- */

#define REQ (NLM_F_REQUEST | NLM_F_ACK)

static void put_addr4(struct req *q, uint16_t type, const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	req_put(q, type, &a, sizeof(a));
}

static void put_addr6(struct req *q, uint16_t type, const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	req_put(q, type, &a, sizeof(a));
}

static void put_tuple(struct req *q, const char *s, const char *d,
		      uint16_t sport, uint16_t dport)
{
	req_nest_start(q, KTCP_A_SOCK);
	if (strchr(s, ':'))
		put_addr6(q, KTCP_SOCK_A_SADDR, s);
	else
		put_addr4(q, KTCP_SOCK_A_SADDR, s);
	if (strchr(d, ':'))
		put_addr6(q, KTCP_SOCK_A_DADDR, d);
	else
		put_addr4(q, KTCP_SOCK_A_DADDR, d);
	req_put_u16(q, KTCP_SOCK_A_SPORT, sport);
	req_put_u16(q, KTCP_SOCK_A_DPORT, dport);
	req_nest_end(q);
}

static void gen_start_echo(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_SERVER_START);
	req_put_str(q, KTCP_A_SERVICE, "echo");
	req_put_u16(q, KTCP_A_PORT, p);
}

static void gen_start_echo_all(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_SERVER_START);
	req_put_str(q, KTCP_A_SERVICE, "echo");
	req_put_u16(q, KTCP_A_PORT, p + 1);
	put_addr4(q, KTCP_A_ADDR, "127.0.0.1");
	req_put_u32(q, KTCP_A_BACKLOG, 16);
	req_put_u32(q, KTCP_A_MAX_CONNS, 4);
	req_put_u32(q, KTCP_A_IDLE_TIMEOUT_MS, 1000);
	req_put_u32(q, KTCP_A_LISTENERS, 2);
	req_put_str(q, KTCP_A_CPUS, "0"); /* online on every machine */
	req_nest_start(q, KTCP_A_OPTS);
	req_put_u8(q, KTCP_OPT_A_ECHO_WQ, KTCP_ECHO_WQ_PERCPU);
	req_nest_end(q);
}

static void gen_start_echo_v6(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_SERVER_START);
	req_put_str(q, KTCP_A_SERVICE, "echo");
	req_put_u16(q, KTCP_A_PORT, p + 2);
	put_addr6(q, KTCP_A_ADDR, "::1");
}

static void gen_start_http(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_SERVER_START);
	req_put_str(q, KTCP_A_SERVICE, "http");
	req_put_u16(q, KTCP_A_PORT, p + 3);
}

static void gen_start_http_all(struct req *q, uint16_t p)
{
	static const uint32_t groups[] = { 0, 100 };

	req_init(q, REQ, KTCP_CMD_SERVER_START);
	req_put_str(q, KTCP_A_SERVICE, "http");
	req_put_u16(q, KTCP_A_PORT, p + 4);
	put_addr4(q, KTCP_A_ADDR, "127.0.0.1");
	req_put_u32(q, KTCP_A_IDLE_TIMEOUT_MS, 5000);
	req_put_u32(q, KTCP_A_MAX_MEM_KB, 1024);
	req_nest_start(q, KTCP_A_OPTS);
	req_put_str(q, KTCP_OPT_A_HTTP_ROOT, "/tmp");
	req_put_u32(q, KTCP_OPT_A_HTTP_HEAD_TIMEOUT_MS, 3000);
	req_put_u8(q, KTCP_OPT_A_HTTP_LISTING, 1);
	req_put_u32(q, KTCP_OPT_A_HTTP_KEEPALIVE_MAX, 10);
	req_put_u32(q, KTCP_OPT_A_HTTP_MAX_REQUEST_LINE, 1024);
	req_put_u32(q, KTCP_OPT_A_HTTP_MAX_HEADER, 4096);
	req_put_u8(q, KTCP_OPT_A_HTTP_SENDFILE, 0);
	/* root (the fuzzer's caller) as itself, with groups 0 and 100 */
	req_put_u32(q, KTCP_OPT_A_HTTP_UID, 0);
	req_put_u32(q, KTCP_OPT_A_HTTP_GID, 0);
	req_put(q, KTCP_OPT_A_HTTP_GROUPS, groups, sizeof(groups));
	req_nest_end(q);
}

static void gen_id(struct req *q, uint16_t flags, uint8_t cmd)
{
	req_init(q, flags, cmd);
	req_put_u32(q, KTCP_A_SERVER_ID, 1);
}

static void gen_stop(struct req *q, uint16_t p)
{
	gen_id(q, REQ, KTCP_CMD_SERVER_STOP);
}

static void gen_get(struct req *q, uint16_t p)
{
	gen_id(q, REQ, KTCP_CMD_SERVER_GET);
}

static void gen_get_dump(struct req *q, uint16_t p)
{
	req_init(q, REQ | NLM_F_DUMP, KTCP_CMD_SERVER_GET);
}

static void gen_set(struct req *q, uint16_t p)
{
	gen_id(q, REQ, KTCP_CMD_SERVER_SET);
	req_put_u16(q, KTCP_A_PORT, p + 5);
	req_put_u32(q, KTCP_A_BACKLOG, 32);
	req_put_u32(q, KTCP_A_MAX_CONNS, 10);
	req_put_u32(q, KTCP_A_IDLE_TIMEOUT_MS, 2000);
	req_put_u32(q, KTCP_A_MAX_MEM_KB, 0);
	req_put_str(q, KTCP_A_CPUS, "0");
}

static void gen_set_addr(struct req *q, uint16_t p)
{
	gen_id(q, REQ, KTCP_CMD_SERVER_SET);
	put_addr6(q, KTCP_A_ADDR, "::1");
}

static void gen_stats(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_STATS_GET);
}

static void gen_stats_id(struct req *q, uint16_t p)
{
	gen_id(q, REQ, KTCP_CMD_STATS_GET);
}

static void gen_stats_dump(struct req *q, uint16_t p)
{
	req_init(q, REQ | NLM_F_DUMP, KTCP_CMD_STATS_GET);
}

static void gen_reset(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_STATS_RESET);
}

static void gen_reset_id(struct req *q, uint16_t p)
{
	gen_id(q, REQ, KTCP_CMD_STATS_RESET);
}

static void gen_services(struct req *q, uint16_t p)
{
	req_init(q, REQ | NLM_F_DUMP, KTCP_CMD_SERVICE_GET);
}

static void gen_drop_tuple(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_SOCK_DROP);
	put_tuple(q, "127.0.0.1", "127.0.0.1", 40000, p);
}

static void gen_drop_tuples(struct req *q, uint16_t p)
{
	req_init(q, REQ, KTCP_CMD_SOCK_DROP);
	put_tuple(q, "127.0.0.1", "127.0.0.1", p, 40001);
	put_tuple(q, "::1", "::1", 40002, p + 2);
	put_tuple(q, "::ffff:127.0.0.1", "127.0.0.1", 40003, p);
	req_put_u32(q, KTCP_A_FLAGS, KTCP_DROP_F_DRY_RUN);
}

static void gen_drop_tuples_max(struct req *q, uint16_t p)
{
	unsigned int i;

	req_init(q, REQ, KTCP_CMD_SOCK_DROP);
	for (i = 1; i <= KTCP_DROP_TUPLES_MAX; i++)
		put_tuple(q, "127.0.0.1", "127.0.0.1", (uint16_t)(40000 + i),
			  p);
}

static void gen_drop_filter(struct req *q, uint16_t p)
{
	req_init(q, REQ | NLM_F_DUMP, KTCP_CMD_SOCK_DROP);
	req_nest_start(q, KTCP_A_FILTER);
	req_put_u32(q, KTCP_FILTER_A_STATES, KTCP_DROP_STATES_ALL);
	req_put_u16(q, KTCP_FILTER_A_DPORT, p);
	req_nest_end(q);
	req_put_u32(q, KTCP_A_FLAGS, KTCP_DROP_F_DRY_RUN);
}

static void gen_drop_filter_all(struct req *q, uint16_t p)
{
	req_init(q, REQ | NLM_F_DUMP, KTCP_CMD_SOCK_DROP);
	req_nest_start(q, KTCP_A_FILTER);
	req_put_u32(q, KTCP_FILTER_A_STATES, (1U << 1) | (1U << 6));
	put_addr4(q, KTCP_FILTER_A_SADDR, "127.0.0.0");
	req_put_u8(q, KTCP_FILTER_A_SPREFIX, 8);
	put_addr6(q, KTCP_FILTER_A_DADDR, "::ffff:127.0.0.1");
	req_put_u8(q, KTCP_FILTER_A_DPREFIX, 104);
	req_put_u16(q, KTCP_FILTER_A_SPORT, 40000);
	req_put_u16(q, KTCP_FILTER_A_DPORT, p);
	req_put_u32(q, KTCP_FILTER_A_LIMIT, 10);
	req_nest_end(q);
}

static void gen_drop_filter_v6(struct req *q, uint16_t p)
{
	req_init(q, REQ | NLM_F_DUMP, KTCP_CMD_SOCK_DROP);
	req_nest_start(q, KTCP_A_FILTER);
	req_put_u32(q, KTCP_FILTER_A_STATES, KTCP_DROP_STATES_ALL);
	put_addr6(q, KTCP_FILTER_A_SADDR, "::1");
	req_put_u8(q, KTCP_FILTER_A_SPREFIX, 128);
	req_nest_end(q);
	req_put_u32(q, KTCP_A_FLAGS, KTCP_DROP_F_DRY_RUN);
}

static const struct {
	const char *name;
	void (*gen)(struct req *q, uint16_t port_lo);
} corpus_gens[] = {
	{ "server_start-echo", gen_start_echo },
	{ "server_start-echo-all", gen_start_echo_all },
	{ "server_start-echo-v6", gen_start_echo_v6 },
	{ "server_start-http", gen_start_http },
	{ "server_start-http-all", gen_start_http_all },
	{ "server_stop", gen_stop },
	{ "server_get", gen_get },
	{ "server_get-dump", gen_get_dump },
	{ "server_set", gen_set },
	{ "server_set-addr", gen_set_addr },
	{ "stats_get", gen_stats },
	{ "stats_get-id", gen_stats_id },
	{ "stats_get-dump", gen_stats_dump },
	{ "stats_reset", gen_reset },
	{ "stats_reset-id", gen_reset_id },
	{ "service_get-dump", gen_services },
	{ "sock_drop-tuple", gen_drop_tuple },
	{ "sock_drop-tuples-dry", gen_drop_tuples },
	{ "sock_drop-tuples-max", gen_drop_tuples_max },
	{ "sock_drop-filter-dry", gen_drop_filter },
	{ "sock_drop-filter-all", gen_drop_filter_all },
	{ "sock_drop-filter-v6-dry", gen_drop_filter_v6 },
};

#define N_GENS (sizeof(corpus_gens) / sizeof(corpus_gens[0]))

static int corpus_add(struct corpus *c, const char *name, uint16_t flags,
		      const unsigned char *payload, size_t len)
{
	struct corpus_msg *m;

	m = realloc(c->msg, (c->n + 1) * sizeof(*m));
	if (!m)
		return -1;
	c->msg = m;
	m += c->n;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->flags = flags;
	m->len = len;
	m->payload = malloc(len ? len : 1);
	if (!m->payload)
		return -1;
	memcpy(m->payload, payload, len);
	c->n++;
	return 0;
}

int corpus_generate(struct corpus *c, uint16_t port_lo)
{
	static struct req q;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < N_GENS; i++) {
		corpus_gens[i].gen(&q, port_lo);
		if (q.overflow || corpus_add(c, corpus_gens[i].name, q.flags,
					     q.payload, q.len)) {
			fprintf(stderr,
				"nlfuzz: cannot build corpus message %s\n",
				corpus_gens[i].name);
			return -1;
		}
	}
	return 0;
}

void corpus_free(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->msg[i].payload);
	free(c->msg);
	memset(c, 0, sizeof(*c));
}

void corpus_req(const struct corpus *c, size_t i, struct req *q)
{
	const struct corpus_msg *m = &c->msg[i];

	req_init(q, m->flags, 0);
	memcpy(q->payload, m->payload, m->len);
	q->len = m->len;
}

/* --- hex files -------------------------------------------------------------- */

/*
 * A file holds one netlink message, header included, as hex; '#' starts a
 * comment. The header's type, seq and pid are zero: they are filled in at
 * send time.
 */
static int write_one(const struct corpus_msg *m, const char *dir)
{
	struct nlmsghdr h = {
		.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + m->len),
		.nlmsg_flags = m->flags,
	};
	unsigned char all[NLMSG_HDRLEN + NLF_MSG_MAX];
	char path[4096];
	size_t i, len = NLMSG_HDRLEN + m->len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.hex", dir, m->name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "nlfuzz: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	memcpy(all, &h, sizeof(h));
	memcpy(all + NLMSG_HDRLEN, m->payload, m->len);
	fprintf(f, "# %s: generated by `nlfuzz --gen-corpus`; do not edit.\n",
		m->name);
	fprintf(f,
		"# One netlink message; type, seq and pid are set when sent.\n");
	for (i = 0; i < len; i++)
		fprintf(f, "%02x%s", all[i],
			i + 1 == len || i % 16 == 15 ? "\n" :
			i % 4 == 3		     ? " " :
						       "");
	if (fclose(f)) {
		fprintf(stderr, "nlfuzz: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int corpus_write(const struct corpus *c, const char *dir)
{
	size_t i;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "nlfuzz: cannot create %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < c->n; i++)
		if (write_one(&c->msg[i], dir))
			return -1;
	return 0;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Hex digits of f into out; -1 with a message when the text is bad. */
static long read_hex(FILE *f, const char *path, unsigned char *out, size_t cap)
{
	int ch, hi = -1, line = 1;
	size_t n = 0;

	while ((ch = getc(f)) != EOF) {
		if (ch == '#') {
			while ((ch = getc(f)) != EOF && ch != '\n')
				;
		}
		if (ch == '\n')
			line++;
		if (ch == EOF || ch == ' ' || ch == '\t' || ch == '\n' ||
		    ch == '\r')
			continue;
		if (hexval(ch) < 0) {
			fprintf(stderr,
				"nlfuzz: %s:%d: '%c' is not a hex digit\n",
				path, line, ch);
			return -1;
		}
		if (hi < 0) {
			hi = hexval(ch);
			continue;
		}
		if (n == cap) {
			fprintf(stderr, "nlfuzz: %s: longer than %zu bytes\n",
				path, cap);
			return -1;
		}
		out[n++] = (unsigned char)(hi << 4 | hexval(ch));
		hi = -1;
	}
	if (hi >= 0) {
		fprintf(stderr, "nlfuzz: %s: odd number of hex digits\n", path);
		return -1;
	}
	return (long)n;
}

int corpus_read_file(const char *path, struct corpus_msg *m)
{
	unsigned char all[NLMSG_HDRLEN + NLF_MSG_MAX];
	struct nlmsghdr h;
	const char *base;
	char *dot;
	long n;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "nlfuzz: cannot read %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	n = read_hex(f, path, all, sizeof(all));
	fclose(f);
	if (n < 0)
		return -1;
	if (n < (long)(NLMSG_HDRLEN + GENL_HDRLEN)) {
		fprintf(stderr,
			"nlfuzz: %s: %ld bytes, shorter than the headers\n",
			path, n);
		return -1;
	}
	memcpy(&h, all, sizeof(h));
	if (h.nlmsg_len != (uint32_t)n) {
		fprintf(stderr, "nlfuzz: %s: nlmsg_len %u but %ld bytes\n",
			path, h.nlmsg_len, n);
		return -1;
	}
	base = strrchr(path, '/');
	snprintf(m->name, sizeof(m->name), "%s", base ? base + 1 : path);
	dot = strrchr(m->name, '.');
	if (dot && !strcmp(dot, ".hex"))
		*dot = '\0';
	m->flags = h.nlmsg_flags;
	m->len = (size_t)n - NLMSG_HDRLEN;
	m->payload = malloc(m->len);
	if (!m->payload)
		return -1;
	memcpy(m->payload, all + NLMSG_HDRLEN, m->len);
	return 0;
}

static int hex_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".hex");
}

int corpus_load(struct corpus *c, const char *dir)
{
	struct dirent **names;
	struct corpus_msg m;
	char path[4096];
	int i, n, err = 0;

	memset(c, 0, sizeof(*c));
	n = scandir(dir, &names, hex_file, alphasort);
	if (n < 0) {
		fprintf(stderr, "nlfuzz: cannot read corpus directory %s: %s\n",
			dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!err && corpus_read_file(path, &m) == 0) {
			err = corpus_add(c, m.name, m.flags, m.payload, m.len);
			free(m.payload);
		} else {
			err = -1;
		}
		free(names[i]);
	}
	free(names);
	if (!err && !c->n) {
		fprintf(stderr, "nlfuzz: no *.hex files in %s\n", dir);
		err = -1;
	}
	if (err)
		corpus_free(c);
	return err;
}
