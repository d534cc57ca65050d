// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktcp.conf(5): the servers `ktcp apply` makes run, one [server NAME]
 * section each, "key = value" lines with the long options of `ktcp
 * start` as keys. Parsed strictly: an unknown key, a key twice, a key the
 * service does not take, a bad value or a section without service or
 * port fails the whole file, naming its line.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

enum key_id {
	K_SERVICE,
	K_PORT,
	K_ADDR,
	K_BACKLOG,
	K_MAX_CONNS,
	K_IDLE,
	K_MAX_MEM,
	K_CPUS,
	K_LISTENERS,
	K_WQ,
	K_ROOT,
	K_LISTING,
	K_KEEPALIVE_MAX,
	K_MAX_REQUEST_LINE,
	K_MAX_HEADER,
	K_HEAD_TIMEOUT,
	K_SENDFILE,
	K_USER,
	N_KEYS
};

static const struct {
	const char *name;
	const char *service; /* the only service that takes it; NULL: all */
	int opt; /* ARGS_OPT_* when args_server_setting() parses it, or 0 */
} key_defs[N_KEYS] = {
	[K_SERVICE] = { "service", NULL, 0 },
	[K_PORT] = { "port", NULL, ARGS_OPT_PORT },
	[K_ADDR] = { "addr", NULL, ARGS_OPT_ADDR },
	[K_BACKLOG] = { "backlog", NULL, ARGS_OPT_BACKLOG },
	[K_MAX_CONNS] = { "max-conns", NULL, ARGS_OPT_MAX_CONNS },
	[K_IDLE] = { "idle-timeout", NULL, ARGS_OPT_IDLE },
	[K_MAX_MEM] = { "max-mem", NULL, ARGS_OPT_MAX_MEM },
	[K_CPUS] = { "cpus", NULL, 0 },
	[K_LISTENERS] = { "listeners", NULL, 0 },
	[K_WQ] = { "wq", "echo", 0 },
	[K_ROOT] = { "root", "http", 0 },
	[K_LISTING] = { "listing", "http", 0 },
	[K_KEEPALIVE_MAX] = { "keepalive-max", "http", 0 },
	[K_MAX_REQUEST_LINE] = { "max-request-line", "http", 0 },
	[K_MAX_HEADER] = { "max-header", "http", 0 },
	[K_HEAD_TIMEOUT] = { "head-timeout", "http", 0 },
	[K_SENDFILE] = { "sendfile", "http", 0 },
	[K_USER] = { "user", "http", 0 },
};

/* A section being parsed: the keys seen, and the line of each. */
struct section {
	struct config_server *s;
	unsigned int key_line[N_KEYS];
};

static int cfg_fail(struct args_err *e, int err, const char *path,
		    unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int cfg_fail(struct args_err *e, int err, const char *path,
		    unsigned int line, const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return args_fail(e, err, "%s:%u: %s", path, line, msg);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static bool name_ok(const char *s)
{
	size_t len = strlen(s);

	return len >= 1 && len <= KTCP_NAME_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-") == len;
}

static int yes_no(const char *v, uint8_t *out, struct args_err *e)
{
	char q[48];

	if (!strcmp(v, "yes")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "no")) {
		*out = 0;
		return 0;
	}
	args_quote(v, q, sizeof(q));
	return args_fail(e, -EINVAL, "'%s' is not yes or no", q);
}

/* One key's value into s; 0 or -errno with e filled (no line yet). */
static int set_key(struct config_server *s, enum key_id k, const char *v,
		   struct args_err *e)
{
	struct ktcp_server_cfg *cfg = &s->cfg;
	size_t len = strlen(v);
	int err;

	if (key_defs[k].opt)
		return args_server_setting(key_defs[k].opt, v, cfg, e);
	switch (k) {
	case K_SERVICE:
		return args_service(v, cfg->service, e);
	case K_CPUS:
		err = args_server_setting(ARGS_OPT_CPUS, v, cfg, e);
		memcpy(s->cpus, v, len < sizeof(s->cpus) ? len + 1 : 0);
		cfg->cpus = s->cpus;
		return err;
	case K_LISTENERS:
		cfg->has |= KTCP_HAS_LISTENERS;
		return args_u32(v, 1, KTCP_LISTENERS_MAX, &cfg->listeners, e);
	case K_WQ:
		cfg->has |= KTCP_HAS_ECHO_WQ;
		return args_wq(v, &cfg->echo_wq, e);
	case K_ROOT:
		cfg->has |= KTCP_HAS_HTTP_ROOT;
		err = args_root(v, KTCP_PATH_MAX, e);
		if (!err)
			memcpy(s->root, v, len + 1);
		cfg->http_root = s->root;
		return err;
	case K_LISTING:
		cfg->has |= KTCP_HAS_HTTP_LISTING;
		return yes_no(v, &cfg->http_listing, e);
	case K_KEEPALIVE_MAX:
		cfg->has |= KTCP_HAS_HTTP_KEEPALIVE_MAX;
		return args_u32(v, 0, UINT32_MAX, &cfg->http_keepalive_max, e);
	case K_MAX_REQUEST_LINE:
		cfg->has |= KTCP_HAS_HTTP_MAX_REQUEST_LINE;
		return args_u32(v, ARGS_HTTP_REQUEST_LINE_MIN,
				ARGS_HTTP_REQUEST_LINE_MAX,
				&cfg->http_max_request_line, e);
	case K_MAX_HEADER:
		cfg->has |= KTCP_HAS_HTTP_MAX_HEADER;
		return args_u32(v, ARGS_HTTP_HEADER_MIN, ARGS_HTTP_HEADER_MAX,
				&cfg->http_max_header, e);
	case K_HEAD_TIMEOUT:
		cfg->has |= KTCP_HAS_HTTP_HEAD_TIMEOUT;
		return args_duration_ms_range(v, 1, KTCP_IDLE_TIMEOUT_MS_MAX,
					      &cfg->http_head_timeout_ms, e);
	case K_SENDFILE:
		cfg->has |= KTCP_HAS_HTTP_SENDFILE;
		return yes_no(v, &cfg->http_sendfile, e);
	case K_USER:
		err = args_user(v, &s->user, e);
		if (err)
			return err;
		snprintf(s->user_arg, sizeof(s->user_arg), "%s", v);
		cfg->has |= KTCP_HAS_HTTP_USER;
		cfg->http_uid = s->user.uid;
		cfg->http_gid = s->user.gid;
		cfg->http_ngroups = s->user.ngroups;
		cfg->http_groups = s->user.groups;
		return 0;
	default: /* the settings of key_defs[].opt, and N_KEYS */
		break;
	}
	return -EINVAL;
}

/* "key = value" in the current section. */
static int parse_setting(struct section *sec, char *line, const char *path,
			 unsigned int n, struct args_err *e)
{
	char *eq = strchr(line, '='), *key, *val, q[48];
	struct args_err ve;
	int k, err;

	if (!eq)
		return cfg_fail(e, -EINVAL, path, n,
				"expected 'key = value' or '[server NAME]'");
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	args_quote(key, q, sizeof(q));
	if (!sec->s)
		return cfg_fail(e, -EINVAL, path, n,
				"'%s' is outside a [server NAME] section", q);
	for (k = 0; k < N_KEYS; k++)
		if (!strcmp(key_defs[k].name, key))
			break;
	if (k == N_KEYS)
		return cfg_fail(e, -EINVAL, path, n, "unknown key '%s'", q);
	if (sec->key_line[k])
		return cfg_fail(e, -EINVAL, path, n,
				"'%s' is already set on line %u", q,
				sec->key_line[k]);
	if (!*val)
		return cfg_fail(e, -EINVAL, path, n, "'%s' has no value", q);
	sec->key_line[k] = n;
	err = set_key(sec->s, (enum key_id)k, val, &ve);
	if (err)
		return cfg_fail(e, err, path, n, "%s: %s", q, ve.msg);
	return 0;
}

static bool addr_equal(const struct ktcp_addr *a, const struct ktcp_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
}

/*
 * The address a server of the file listens on: without addr the kernel's
 * default, IPv6 any; an IPv4-mapped address as the IPv4 one it is.
 */
static struct ktcp_addr listen_addr(const struct ktcp_server_cfg *cfg)
{
	struct ktcp_addr a = { .family = AF_INET6 };
	struct in_addr v4;

	if (cfg->has & KTCP_HAS_ADDR)
		a = cfg->addr;
	if (a.family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a.v6)) {
		memcpy(&v4, &a.v6.s6_addr[12], sizeof(v4));
		a.family = AF_INET;
		a.v4 = v4;
	}
	return a;
}

/*
 * Whether two servers of the file would bind the same address and port:
 * the second start fails, or with SO_REUSEPORT on both (listeners > 1)
 * the two share the port's connections. Not a wildcard against an
 * address it covers, nor IPv6 any against IPv4 any: whether those
 * collide depends on SO_REUSEPORT and net.ipv6.bindv6only, the kernel's
 * to say.
 */
static bool same_listen(const struct ktcp_server_cfg *a,
			const struct ktcp_server_cfg *b)
{
	struct ktcp_addr x = listen_addr(a), y = listen_addr(b);

	return a->port == b->port && addr_equal(&x, &y);
}

/* The section is complete: what one key cannot tell alone. */
static int section_end(const struct config *c, const struct section *sec,
		       const char *path, struct args_err *e)
{
	const struct config_server *s = sec->s, *o;
	const struct ktcp_server_cfg *cfg = &s->cfg;
	size_t i;
	int k;

	if (!sec->key_line[K_SERVICE])
		return cfg_fail(e, -EINVAL, path, s->line,
				"server '%s' has no service", s->name);
	if (!sec->key_line[K_PORT])
		return cfg_fail(e, -EINVAL, path, s->line,
				"server '%s' has no port", s->name);
	for (k = 0; k < N_KEYS; k++)
		if (sec->key_line[k] && key_defs[k].service &&
		    strcmp(key_defs[k].service, cfg->service))
			return cfg_fail(
				e, -EINVAL, path, sec->key_line[k],
				"'%s' is an option of %s servers, not %s",
				key_defs[k].name, key_defs[k].service,
				cfg->service);
	if ((cfg->has & KTCP_HAS_HTTP_MAX_REQUEST_LINE) &&
	    cfg->http_max_request_line >
		    ((cfg->has & KTCP_HAS_HTTP_MAX_HEADER) ?
			     cfg->http_max_header :
			     KTCP_HTTP_DEFAULT_MAX_HEADER))
		return cfg_fail(e, -EINVAL, path,
				sec->key_line[K_MAX_REQUEST_LINE],
				"max-request-line is larger than max-header");
	for (i = 0; i + 1 < c->n; i++) {
		o = &c->servers[i];
		if (same_listen(&o->cfg, cfg))
			return cfg_fail(
				e, -EINVAL, path, sec->key_line[K_PORT],
				"port %u is also server '%s''s (line %u)",
				cfg->port, o->name, o->line);
	}
	return 0;
}

/* "[server NAME]": a new section at the end of c. */
static int parse_header(struct config *c, struct section *sec, char *line,
			const char *path, unsigned int n, struct args_err *e)
{
	char *end = strchr(line, ']'), *name, q[48];
	struct config_server *arr;
	size_t i;

	if (!end || trim(end + 1)[0])
		return cfg_fail(e, -EINVAL, path, n,
				"a section header is '[server NAME]'");
	*end = '\0';
	name = trim(line + 1);
	if (strncmp(name, "server", 6) || (name[6] != ' ' && name[6] != '\t'))
		return cfg_fail(e, -EINVAL, path, n,
				"a section header is '[server NAME]'");
	name = trim(name + 6);
	args_quote(name, q, sizeof(q));
	if (!name_ok(name))
		return cfg_fail(
			e, -EINVAL, path, n,
			"'%s' is not a server name (1 to %d of A-Z a-z 0-9 . _ -)",
			q, KTCP_NAME_MAX);
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->servers[i].name, name))
			return cfg_fail(e, -EINVAL, path, n,
					"server '%s' is already on line %u", q,
					c->servers[i].line);
	arr = realloc(c->servers, (c->n + 1) * sizeof(*arr));
	if (!arr)
		return cfg_fail(e, -ENOMEM, path, n, "out of memory");
	c->servers = arr;
	memset(sec, 0, sizeof(*sec));
	sec->s = &arr[c->n++];
	memset(sec->s, 0, sizeof(*sec->s));
	strcpy(sec->s->name, name);
	sec->s->line = n;
	sec->s->cfg.name = sec->s->name;
	sec->s->cfg.has = KTCP_HAS_NAME;
	return 0;
}

/* Pointers into each server: valid only once realloc() is over. */
static void fix_pointers(struct config *c)
{
	struct config_server *s;
	size_t i;

	for (i = 0; i < c->n; i++) {
		s = &c->servers[i];
		s->cfg.name = s->name;
		if (s->cfg.has & KTCP_HAS_HTTP_ROOT)
			s->cfg.http_root = s->root;
		if (s->cfg.has & KTCP_HAS_CPUS)
			s->cfg.cpus = s->cpus;
		if (s->cfg.has & KTCP_HAS_HTTP_USER)
			s->cfg.http_groups = s->user.groups;
	}
}

static int parse_lines(FILE *f, const char *path, struct config *c, char **buf,
		       size_t *size, struct args_err *e)
{
	struct section sec = { 0 };
	unsigned int n = 0;
	ssize_t len;
	char *line;
	int err;

	while ((len = getline(buf, size, f)) >= 0) {
		line = *buf;
		n++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len > CONFIG_LINE_MAX)
			return cfg_fail(e, -ERANGE, path, n,
					"the line is longer than %d characters",
					CONFIG_LINE_MAX);
		if ((size_t)len != strlen(line))
			return cfg_fail(e, -EINVAL, path, n,
					"the line has a NUL byte");
		line = trim(line);
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			if (sec.s) {
				err = section_end(c, &sec, path, e);
				if (err)
					return err;
			}
			err = parse_header(c, &sec, line, path, n, e);
		} else {
			err = parse_setting(&sec, line, path, n, e);
		}
		if (err)
			return err;
	}
	if (ferror(f))
		return args_fail(e, -EIO, "%s: cannot read: %s", path,
				 strerror(errno));
	return sec.s ? section_end(c, &sec, path, e) : 0;
}

int config_parse(FILE *f, const char *path, struct config *c,
		 struct args_err *e)
{
	int err;

	char *buf = NULL;
	size_t size = 0;

	c->servers = NULL;
	c->n = 0;
	err = parse_lines(f, path, c, &buf, &size, e);
	free(buf);
	if (err) {
		config_free(c);
		return err;
	}
	fix_pointers(c);
	return 0;
}

void config_free(struct config *c)
{
	free(c->servers);
	c->servers = NULL;
	c->n = 0;
}

const struct config_server *config_find(const struct config *c,
					const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->servers[i].name, name))
			return &c->servers[i];
	return NULL;
}

/* --- what a server runs with: the file's values, else the defaults ------ */

/* One CPU list of @dir into @buf; NULL if missing, empty or cut. */
static const char *cpus_file(const char *dir, const char *name, char *buf,
			     size_t len)
{
	char path[256], *nl;
	bool read;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	read = fgets(buf, (int)len, f);
	fclose(f);
	if (!read)
		return NULL;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	else if (strlen(buf) == len - 1)
		return NULL;
	return buf[0] ? buf : NULL;
}

void config_cpus_read(struct config_cpus *cpus, const char *dir)
{
	cpus->possible =
		cpus_file(dir, "possible", cpus->buf[0], sizeof(cpus->buf[0]));
	cpus->online =
		cpus_file(dir, "online", cpus->buf[1], sizeof(cpus->buf[1]));
}

/*
 * @want as the kernel will report it once started: every setting the
 * file gives, and for the others the service's default where it is
 * known (echo and http; of another service, the framework's only).
 */
static void effective(const struct config_server *want,
		      const struct config_cpus *cpus, struct ktcp_server *w)
{
	const struct ktcp_server_cfg *cfg = &want->cfg;
	bool http = !strcmp(cfg->service, "http");
	bool echo = !strcmp(cfg->service, "echo");

	memset(w, 0, sizeof(*w));
	w->has = cfg->has & ~KTCP_HAS_NAME;
	w->addr.family = AF_INET6; /* any */
	if (cfg->has & KTCP_HAS_ADDR)
		w->addr = cfg->addr;
	w->has |= KTCP_HAS_ADDR;
	w->port = cfg->port;
	w->backlog = (cfg->has & KTCP_HAS_BACKLOG) ? cfg->backlog :
						     KTCP_DEFAULT_BACKLOG;
	w->listeners = (cfg->has & KTCP_HAS_LISTENERS) ? cfg->listeners : 1;
	w->has |= KTCP_HAS_BACKLOG | KTCP_HAS_LISTENERS;
	w->max_conns = cfg->max_conns;
	w->idle_timeout_ms = cfg->idle_timeout_ms;
	w->max_mem_kb = cfg->max_mem_kb;
	if (http || echo)
		w->has |= KTCP_HAS_MAX_CONNS | KTCP_HAS_IDLE_TIMEOUT |
			  KTCP_HAS_MAX_MEM;
	if (http && !(cfg->has & KTCP_HAS_MAX_CONNS))
		w->max_conns = KTCP_HTTP_DEFAULT_MAX_CONNS;
	if (http && !(cfg->has & KTCP_HAS_IDLE_TIMEOUT))
		w->idle_timeout_ms = KTCP_HTTP_DEFAULT_IDLE_TIMEOUT_MS;
	if (http && !(cfg->has & KTCP_HAS_MAX_MEM))
		w->max_mem_kb = KTCP_HTTP_DEFAULT_MAX_MEM_KB;
	w->cpus = (cfg->has & KTCP_HAS_CPUS) ? cfg->cpus :
		  cpus			     ? cpus->possible :
					       NULL;
	if (w->cpus)
		w->has |= KTCP_HAS_CPUS;
	if (echo) {
		w->echo_wq = cfg->echo_wq; /* KTCP_WQ_UNBOUND: 0 */
		w->has |= KTCP_HAS_ECHO_WQ;
	}
	if (!http)
		return;
	w->http_root = cfg->http_root;
	w->http_listing = cfg->http_listing;
	w->http_keepalive_max = cfg->http_keepalive_max;
	w->http_max_header = (cfg->has & KTCP_HAS_HTTP_MAX_HEADER) ?
				     cfg->http_max_header :
				     KTCP_HTTP_DEFAULT_MAX_HEADER;
	w->http_max_request_line = cfg->http_max_request_line;
	if (!(cfg->has & KTCP_HAS_HTTP_MAX_REQUEST_LINE))
		w->http_max_request_line =
			w->http_max_header <
					KTCP_HTTP_DEFAULT_MAX_REQUEST_LINE ?
				w->http_max_header :
				KTCP_HTTP_DEFAULT_MAX_REQUEST_LINE;
	w->http_head_timeout_ms = (cfg->has & KTCP_HAS_HTTP_HEAD_TIMEOUT) ?
					  cfg->http_head_timeout_ms :
					  KTCP_HTTP_DEFAULT_HEAD_TIMEOUT_MS;
	w->http_sendfile =
		(cfg->has & KTCP_HAS_HTTP_SENDFILE) ? cfg->http_sendfile : 1;
	w->has |= KTCP_HAS_HTTP_LISTING | KTCP_HAS_HTTP_KEEPALIVE_MAX |
		  KTCP_HAS_HTTP_MAX_HEADER | KTCP_HAS_HTTP_MAX_REQUEST_LINE |
		  KTCP_HAS_HTTP_HEAD_TIMEOUT | KTCP_HAS_HTTP_SENDFILE;
	if (cfg->has & KTCP_HAS_HTTP_USER) {
		w->http_uid = cfg->http_uid;
		w->http_gid = cfg->http_gid;
		w->http_ngroups = cfg->http_ngroups;
		w->http_groups = cfg->http_groups;
		w->has |= KTCP_HAS_HTTP_GROUPS;
	}
}

/* A CPU list as a bitmap; false if it is not one. */
#define CPU_WORDS ((ARGS_CPU_MAX + 1) / 64)
static bool cpus_bits(const char *s, uint64_t *bits)
{
	unsigned long a, b;
	char *end;

	memset(bits, 0, CPU_WORDS * sizeof(*bits));
	for (;;) {
		a = strtoul(s, &end, 10);
		if (end == s || a > ARGS_CPU_MAX)
			return false;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b > ARGS_CPU_MAX || b < a)
				return false;
		}
		for (; a <= b; a++)
			bits[a / 64] |= 1ULL << (a % 64);
		if (!*end)
			return true;
		if (*end != ',')
			return false;
		s = end + 1;
	}
}

static bool cpus_equal(const char *a, const char *b)
{
	static uint64_t x[CPU_WORDS], y[CPU_WORDS];

	if (!cpus_bits(a, x) || !cpus_bits(b, y))
		return !strcmp(a, b);
	return !memcmp(x, y, sizeof(x));
}

static void add_key(char *keys, size_t len, const char *key)
{
	size_t n = strlen(keys);

	snprintf(keys + n, len - n, "%s%s", n ? ", " : "", key);
}

static int gid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Whether two lists hold the same groups, in any order: the file's come
 * in getgrouplist()'s order (the primary group first), and the kernel
 * reports them sorted.
 */
static bool groups_equal(const uint32_t *a, uint32_t na, const uint32_t *b,
			 uint32_t nb)
{
	uint32_t x[KTCP_HTTP_GROUPS_MAX], y[KTCP_HTTP_GROUPS_MAX];

	/* Neither list is longer: the parser and libktcp refuse that. */
	if (na != nb || na > KTCP_HTTP_GROUPS_MAX)
		return false;
	if (!na)
		return true;
	memcpy(x, a, na * sizeof(*a));
	memcpy(y, b, nb * sizeof(*b));
	qsort(x, na, sizeof(*x), gid_cmp);
	qsort(y, nb, sizeof(*y), gid_cmp);
	return !memcmp(x, y, na * sizeof(*x));
}

/* The start-only settings: any difference needs a restart. */
static bool diff_fixed(const struct ktcp_server *w, const struct ktcp_server *h,
		       char *keys, size_t len)
{
	bool root_w = w->http_root, root_h = h->has & KTCP_HAS_HTTP_ROOT;
	bool user_w = w->has & KTCP_HAS_HTTP_GROUPS;
	bool user_h = h->has & KTCP_HAS_HTTP_GROUPS;
	size_t n = strlen(keys);

	if (strcmp(w->service, h->service))
		add_key(keys, len, "service");
	if ((h->has & KTCP_HAS_LISTENERS) && w->listeners != h->listeners)
		add_key(keys, len, "listeners");
#define FIXED(bit, field, key)                              \
	do {                                                \
		if ((w->has & (bit)) && (h->has & (bit)) && \
		    w->field != h->field)                   \
			add_key(keys, len, key);            \
	} while (0)
	FIXED(KTCP_HAS_ECHO_WQ, echo_wq, "wq");
	FIXED(KTCP_HAS_HTTP_LISTING, http_listing, "listing");
	FIXED(KTCP_HAS_HTTP_KEEPALIVE_MAX, http_keepalive_max, "keepalive-max");
	FIXED(KTCP_HAS_HTTP_MAX_REQUEST_LINE, http_max_request_line,
	      "max-request-line");
	FIXED(KTCP_HAS_HTTP_MAX_HEADER, http_max_header, "max-header");
	FIXED(KTCP_HAS_HTTP_HEAD_TIMEOUT, http_head_timeout_ms, "head-timeout");
	FIXED(KTCP_HAS_HTTP_SENDFILE, http_sendfile, "sendfile");
#undef FIXED
	if (root_w != root_h ||
	    (root_w && root_h && strcmp(w->http_root, h->http_root)))
		add_key(keys, len, "root");
	if (user_w != user_h ||
	    (user_w &&
	     (w->http_uid != h->http_uid || w->http_gid != h->http_gid ||
	      !groups_equal(w->http_groups, w->http_ngroups, h->http_groups,
			    h->http_ngroups))))
		add_key(keys, len, "user");
	return strlen(keys) != n;
}

/*
 * Whether only a restart gives the server back its default CPUs: the file
 * has no cpus, the server runs on others, and some possible CPU is
 * offline. A start without cpus takes every possible CPU, but set takes
 * online ones only (and would leave a set that the next apply changes
 * again).
 */
static bool cpus_restart(const struct config_server *want,
			 const struct ktcp_server *have,
			 const struct config_cpus *cpus)
{
	if ((want->cfg.has & KTCP_HAS_CPUS) || !(have->has & KTCP_HAS_CPUS) ||
	    !cpus || !cpus->possible || !cpus->online)
		return false;
	return !cpus_equal(cpus->possible, have->cpus) &&
	       !cpus_equal(cpus->possible, cpus->online);
}

enum config_action config_diff(const struct config_server *want,
			       const struct ktcp_server *have,
			       const struct config_cpus *cpus,
			       struct ktcp_server_cfg *set, char *keys,
			       size_t len)
{
	struct ktcp_server w;
	bool restart;

	keys[0] = '\0';
	memset(set, 0, sizeof(*set));
	effective(want, cpus, &w);
	memcpy(w.service, want->cfg.service, sizeof(w.service));
	restart = diff_fixed(&w, have, keys, len);
	if (cpus_restart(want, have, cpus)) {
		add_key(keys, len, "cpus");
		restart = true;
	}
	if (restart)
		return CONFIG_RESTART;
	if (!(have->has & KTCP_HAS_ADDR) || !addr_equal(&w.addr, &have->addr) ||
	    w.port != have->port) {
		if (!addr_equal(&w.addr, &have->addr)) {
			set->has |= KTCP_HAS_ADDR;
			add_key(keys, len, "addr");
		}
		if (w.port != have->port)
			add_key(keys, len, "port");
		set->has |= KTCP_HAS_PORT;
		set->addr = w.addr;
		set->port = w.port;
	}
#define SETTABLE(bit, field, key)                             \
	do {                                                  \
		if ((w.has & (bit)) && (have->has & (bit)) && \
		    w.field != have->field) {                 \
			set->has |= (bit);                    \
			set->field = w.field;                 \
			add_key(keys, len, key);              \
		}                                             \
	} while (0)
	SETTABLE(KTCP_HAS_BACKLOG, backlog, "backlog");
	SETTABLE(KTCP_HAS_MAX_CONNS, max_conns, "max-conns");
	SETTABLE(KTCP_HAS_IDLE_TIMEOUT, idle_timeout_ms, "idle-timeout");
	SETTABLE(KTCP_HAS_MAX_MEM, max_mem_kb, "max-mem");
#undef SETTABLE
	if ((w.has & KTCP_HAS_CPUS) && (have->has & KTCP_HAS_CPUS) &&
	    !cpus_equal(w.cpus, have->cpus)) {
		set->has |= KTCP_HAS_CPUS;
		set->cpus = w.cpus;
		add_key(keys, len, "cpus");
	}
	return set->has ? CONFIG_SET : CONFIG_SAME;
}

/* --- writing ------------------------------------------------------------- */

static void put_duration(FILE *f, const char *pre, const char *key, uint32_t ms)
{
	if (ms && ms % 3600000 == 0)
		fprintf(f, "%s%s = %uh\n", pre, key, ms / 3600000);
	else if (ms && ms % 60000 == 0)
		fprintf(f, "%s%s = %um\n", pre, key, ms / 60000);
	else if (ms && ms % 1000 == 0)
		fprintf(f, "%s%s = %us\n", pre, key, ms / 1000);
	else
		fprintf(f, "%s%s = %ums\n", pre, key, ms);
}

static void put_size(FILE *f, const char *pre, const char *key, uint32_t kb)
{
	if (kb && kb % (1U << 20) == 0)
		fprintf(f, "%s%s = %uG\n", pre, key, kb >> 20);
	else if (kb && kb % 1024 == 0)
		fprintf(f, "%s%s = %uM\n", pre, key, kb >> 10);
	else if (kb)
		fprintf(f, "%s%s = %uK\n", pre, key, kb);
	else
		fprintf(f, "%s%s = 0\n", pre, key);
}

/*
 * Why @v, the value of @key, would not read back the same, or NULL. The
 * parser ends a value at the end of its line and drops the blanks around
 * it: a newline would start a line of its own (a header, a server apply
 * would start), and a blank at either end would be lost. Control
 * characters are refused as a whole, a CR at the end being dropped too.
 */
static const char *value_unwritable(const char *key, const char *v)
{
	size_t len = strlen(v), i;

	if (!len)
		return "is empty";
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return "has a control character (a newline, a tab)";
	if (v[0] == ' ' || v[len - 1] == ' ')
		return "begins or ends with a blank";
	if (strlen(key) + 3 + len > CONFIG_LINE_MAX)
		return "is longer than a line";
	return NULL;
}

/*
 * The user as a name when the passwd entry says the same and the name
 * reads back as itself (not as a uid, not cut by the parser), else the
 * uid.
 */
static void put_user(FILE *f, const char *pre, const struct ktcp_server *s)
{
	struct passwd *pw = getpwuid((uid_t)s->http_uid);

	if (pw && (uint32_t)pw->pw_gid == s->http_gid &&
	    !value_unwritable("user", pw->pw_name) &&
	    pw->pw_name[strspn(pw->pw_name, "0123456789")])
		fprintf(f, "%suser = %s\n", pre, pw->pw_name);
	else
		fprintf(f, "%suser = %u\n", pre, s->http_uid);
}

/* The settings of s that are not the defaults. */
static void put_settings(FILE *f, const char *pre, const struct ktcp_server *s,
			 const struct ktcp_server *d)
{
	char addr[INET6_ADDRSTRLEN];

	if ((s->has & KTCP_HAS_ADDR) && !addr_equal(&s->addr, &d->addr) &&
	    !ktcp_addr_format(&s->addr, addr, sizeof(addr)))
		fprintf(f, "%saddr = %s\n", pre, addr);
#define PUT_U32(bit, field, key)                                       \
	do {                                                           \
		if ((s->has & (bit)) &&                                \
		    (!(d->has & (bit)) || s->field != d->field))       \
			fprintf(f, "%s%s = %u\n", pre, key, s->field); \
	} while (0)
	PUT_U32(KTCP_HAS_BACKLOG, backlog, "backlog");
	PUT_U32(KTCP_HAS_MAX_CONNS, max_conns, "max-conns");
	if ((s->has & KTCP_HAS_IDLE_TIMEOUT) &&
	    (!(d->has & KTCP_HAS_IDLE_TIMEOUT) ||
	     s->idle_timeout_ms != d->idle_timeout_ms))
		put_duration(f, pre, "idle-timeout", s->idle_timeout_ms);
	if ((s->has & KTCP_HAS_MAX_MEM) &&
	    (!(d->has & KTCP_HAS_MAX_MEM) || s->max_mem_kb != d->max_mem_kb))
		put_size(f, pre, "max-mem", s->max_mem_kb);
	if ((s->has & KTCP_HAS_CPUS) &&
	    (!d->cpus || !cpus_equal(s->cpus, d->cpus)))
		fprintf(f, "%scpus = %s\n", pre, s->cpus);
	PUT_U32(KTCP_HAS_LISTENERS, listeners, "listeners");
	if ((s->has & KTCP_HAS_ECHO_WQ) && s->echo_wq != d->echo_wq &&
	    ktcp_wq_name(s->echo_wq))
		fprintf(f, "%swq = %s\n", pre, ktcp_wq_name(s->echo_wq));
	if (strcmp(s->service, "http"))
		return;
	if (s->has & KTCP_HAS_HTTP_ROOT)
		fprintf(f, "%sroot = %s\n", pre, s->http_root);
	if ((s->has & KTCP_HAS_HTTP_LISTING) && s->http_listing)
		fprintf(f, "%slisting = yes\n", pre);
	PUT_U32(KTCP_HAS_HTTP_KEEPALIVE_MAX, http_keepalive_max,
		"keepalive-max");
	PUT_U32(KTCP_HAS_HTTP_MAX_HEADER, http_max_header, "max-header");
	PUT_U32(KTCP_HAS_HTTP_MAX_REQUEST_LINE, http_max_request_line,
		"max-request-line");
#undef PUT_U32
	if ((s->has & KTCP_HAS_HTTP_HEAD_TIMEOUT) &&
	    s->http_head_timeout_ms != d->http_head_timeout_ms)
		put_duration(f, pre, "head-timeout", s->http_head_timeout_ms);
	if ((s->has & KTCP_HAS_HTTP_SENDFILE) && !s->http_sendfile)
		fprintf(f, "%ssendfile = no\n", pre);
	if (s->has & KTCP_HAS_HTTP_GROUPS)
		put_user(f, pre, s);
}

static int check_value(const struct ktcp_server *srv, const char *key,
		       const char *v, struct args_err *e)
{
	const char *why = value_unwritable(key, v);
	char who[KTCP_SERVER_NAME_LEN + 32], q[48];

	if (!why)
		return 0;
	if (srv->has & KTCP_HAS_NAME)
		snprintf(who, sizeof(who), "server '%s' (id %u)", srv->name,
			 srv->id);
	else
		snprintf(who, sizeof(who), "server %u", srv->id);
	args_quote(v, q, sizeof(q));
	return args_fail(e, -EINVAL, "%s: %s '%s' %s: ktcp.conf cannot hold it",
			 who, key, q, why);
}

/*
 * The values written as they are: a server whose name or values the
 * parser would take for something else is refused whole, so that
 * nothing of it is written.
 */
static int check_writable(const struct ktcp_server *srv, struct args_err *e)
{
	char q[48];
	int err;

	if ((srv->has & KTCP_HAS_NAME) && !name_ok(srv->name)) {
		args_quote(srv->name, q, sizeof(q));
		return args_fail(
			e, -EINVAL,
			"server %u: '%s' is not a name ktcp.conf takes",
			srv->id, q);
	}
	err = check_value(srv, "service", srv->service, e);
	if (!err && (srv->has & KTCP_HAS_CPUS))
		err = check_value(srv, "cpus", srv->cpus, e);
	if (!err && (srv->has & KTCP_HAS_HTTP_ROOT) &&
	    !strcmp(srv->service, "http"))
		err = check_value(srv, "root", srv->http_root, e);
	return err;
}

int config_write(FILE *f, const struct ktcp_server *srv,
		 const struct config_cpus *cpus, struct args_err *e)
{
	struct config_server base;
	struct ktcp_server d;
	const char *pre = "";
	int err;

	err = check_writable(srv, e);
	if (err)
		return err;

	/* The defaults: a section with only service and port; but the
	 * default max-request-line follows this server's max-header. */
	memset(&base, 0, sizeof(base));
	memcpy(base.cfg.service, srv->service, sizeof(base.cfg.service));
	effective(&base, cpus, &d);
	if (srv->http_max_header < KTCP_HTTP_DEFAULT_MAX_REQUEST_LINE)
		d.http_max_request_line = srv->http_max_header;
	if (srv->has & KTCP_HAS_NAME) {
		fprintf(f, "[server %s]\n", srv->name);
	} else {
		fprintf(f,
			"# Server %u has no name, so apply does not manage it;\n"
			"# to have it managed, name it and stop it.\n",
			srv->id);
		pre = "# ";
		fprintf(f, "%s[server %s-%u]\n", pre, srv->service, srv->port);
	}
	fprintf(f, "%sservice = %s\n%sport = %u\n", pre, srv->service, pre,
		srv->port);
	put_settings(f, pre, srv, &d);
	return ferror(f) ? -EIO : 0;
}
