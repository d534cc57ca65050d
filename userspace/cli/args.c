// SPDX-License-Identifier: GPL-2.0-only
/*
 * Argument parsing for the ktcp CLI. Numbers are decimal digits only:
 * strtoul() would accept leading spaces, a sign (and wrap "-1" to
 * 4294967295) and trailing junk, none of which a user means.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/ktcp.h>

#include "args.h"

#define ARGS_QUOTE_MAX 48

void args_quote(const char *s, char *buf, size_t len)
{
	size_t i, n = 0, max = len - 1;
	int cut = strlen(s) > max && max > 3;

	if (cut)
		max -= 3;
	for (i = 0; s[i] && n < max; i++)
		buf[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (cut)
		n += (size_t)snprintf(buf + n, len - n, "...");
	buf[n] = '\0';
}

int args_fail(struct args_err *e, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* e is only written: callers pass it uninitialised on purpose */
	/* cppcheck-suppress ctuuninitvar */
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return err;
}

/* Decimal digits into *v; -ERANGE past limit, -EINVAL if not digits. */
static int parse_digits(const char *s, const char **end, uint64_t limit,
			uint64_t *v)
{
	uint64_t n = 0;
	int range = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		/* Keep scanning past the limit so junk is still reported. */
		if (n <= limit)
			n = n * 10 + (uint64_t)(*s - '0');
		if (n > limit)
			range = 1;
	}
	*end = s;
	*v = n;
	return range ? -ERANGE : 0;
}

int args_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v,
	     struct args_err *e)
{
	char q[ARGS_QUOTE_MAX];
	const char *end;
	uint64_t n;
	int err;

	args_quote(s, q, sizeof(q));
	err = parse_digits(s, &end, max, &n);
	if (err == -EINVAL || (!err && *end) || (err == -ERANGE && *end))
		return args_fail(e, -EINVAL, "'%s' is not a number", q);
	if (err || n < min)
		return args_fail(e, -ERANGE, "'%s' is out of range (%u-%u)", q,
				 min, max);
	*v = (uint32_t)n;
	return 0;
}

int args_port(const char *s, uint16_t *port, struct args_err *e)
{
	uint32_t v;
	int err;

	err = args_u32(s, 1, ARGS_PORT_MAX, &v, e);
	if (!err)
		*port = (uint16_t)v;
	return err;
}

int args_id(const char *s, uint32_t *id, struct args_err *e)
{
	return args_u32(s, 1, UINT32_MAX, id, e);
}

static const struct {
	const char *suffix;
	uint32_t ms;
} units[] = {
	{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
};

int args_duration_ms(const char *s, uint32_t max_ms, uint32_t *ms,
		     struct args_err *e)
{
	return args_duration_ms_range(s, 0, max_ms, ms, e);
}

int args_duration_ms_range(const char *s, uint32_t min_ms, uint32_t max_ms,
			   uint32_t *ms, struct args_err *e)
{
	char q[ARGS_QUOTE_MAX];
	const char *end;
	uint64_t n;
	size_t i;
	int err;

	args_quote(s, q, sizeof(q));
	err = parse_digits(s, &end, UINT32_MAX, &n);
	for (i = 0; err != -EINVAL && i < sizeof(units) / sizeof(units[0]);
	     i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		if (err || n * units[i].ms > max_ms || n * units[i].ms < min_ms)
			return args_fail(e, -ERANGE,
					 "'%s' is out of range (%u-%ums)", q,
					 min_ms, max_ms);
		*ms = (uint32_t)(n * units[i].ms);
		return 0;
	}
	return args_fail(
		e, -EINVAL,
		"'%s' is not a duration (e.g. 500, 500ms, 30s, 5m, 1h)", q);
}

static const struct {
	const char *suffix, *iec;
	uint64_t bytes;
} size_units[] = {
	{ "", "", 1 },
	{ "K", "KiB", 1ULL << 10 },
	{ "M", "MiB", 1ULL << 20 },
	{ "G", "GiB", 1ULL << 30 },
	{ "T", "TiB", 1ULL << 40 },
};
#define N_SIZE_UNITS (sizeof(size_units) / sizeof(size_units[0]))

/* max_kb in the largest unit that divides it: "1T", "64M", "1000K". */
static void size_format(uint32_t kb, char *buf, size_t len)
{
	uint64_t bytes = (uint64_t)kb << 10;
	size_t i = N_SIZE_UNITS - 1;

	while (i > 1 && bytes % size_units[i].bytes)
		i--;
	snprintf(buf, len, "%llu%s",
		 (unsigned long long)(bytes / size_units[i].bytes),
		 size_units[i].suffix);
}

int args_size_kb(const char *s, uint32_t max_kb, uint32_t *kb,
		 struct args_err *e)
{
	const uint64_t max = (uint64_t)max_kb << 10;
	char q[ARGS_QUOTE_MAX], m[32];
	const char *end;
	uint64_t n, bytes;
	size_t i;
	int err;

	args_quote(s, q, sizeof(q));
	size_format(max_kb, m, sizeof(m));
	err = parse_digits(s, &end, max, &n);
	for (i = 0; err != -EINVAL && i < N_SIZE_UNITS; i++) {
		if (strcmp(end, size_units[i].suffix) &&
		    strcmp(end, size_units[i].iec))
			continue;
		if (err || n > max / size_units[i].bytes)
			return args_fail(e, -ERANGE,
					 "'%s' is out of range (0-%s)", q, m);
		bytes = n * size_units[i].bytes;
		if (bytes % 1024)
			return args_fail(
				e, -EINVAL,
				"'%s' bytes is not a whole number of KiB (e.g. 64K)",
				q);
		*kb = (uint32_t)(bytes >> 10);
		return 0;
	}
	return args_fail(e, -EINVAL,
			 "'%s' is not a size (e.g. 0, 512K, 64M, 1G)", q);
}

int args_addr(const char *s, struct ktcp_addr *addr, struct args_err *e)
{
	char q[ARGS_QUOTE_MAX];

	if (!ktcp_addr_parse(s, addr))
		return 0;
	args_quote(s, q, sizeof(q));
	return args_fail(e, -EINVAL, "'%s' is not an IPv4 or IPv6 address", q);
}

int args_wq(const char *s, uint8_t *wq, struct args_err *e)
{
	char q[ARGS_QUOTE_MAX];

	if (!ktcp_wq_parse(s, wq))
		return 0;
	args_quote(s, q, sizeof(q));
	return args_fail(e, -EINVAL,
			 "'%s' is not a workqueue (unbound, percpu)", q);
}

int args_service(const char *s, char *out, struct args_err *e)
{
	char q[ARGS_QUOTE_MAX];
	size_t len = strlen(s);

	args_quote(s, q, sizeof(q));
	if (len == 0)
		return args_fail(e, -EINVAL, "the service name is empty");
	if (len >= KTCP_SERVICE_LEN)
		return args_fail(e, -ERANGE,
				 "'%s' is longer than %d characters", q,
				 KTCP_SERVICE_LEN - 1);
	memcpy(out, s, len + 1);
	return 0;
}

int args_root(const char *s, size_t max, struct args_err *e)
{
	char q[ARGS_QUOTE_MAX];
	size_t len = strlen(s);

	args_quote(s, q, sizeof(q));
	if (s[0] != '/')
		return args_fail(e, -EINVAL, "'%s' is not an absolute path", q);
	if (len > max)
		return args_fail(e, -ERANGE,
				 "'%s' is longer than %zu characters", q, max);
	return 0;
}

/* One CPU number of a list; -ERANGE beyond what the kernel could have. */
static int cpu_number(const char **s, const char *q, uint64_t *cpu,
		      struct args_err *e)
{
	int err = parse_digits(*s, s, ARGS_CPU_MAX, cpu);

	if (err == -EINVAL)
		return args_fail(e, -EINVAL,
				 "'%s' is not a CPU list (e.g. 0-3,8)", q);
	if (err)
		return args_fail(e, -ERANGE,
				 "'%s': a CPU number is out of range (0-%u)", q,
				 ARGS_CPU_MAX);
	return 0;
}

int args_cpus(const char *s, struct args_err *e)
{
	char q[ARGS_QUOTE_MAX];
	uint64_t first, last;
	const char *p = s;
	int err;

	args_quote(s, q, sizeof(q));
	if (!*s)
		return args_fail(e, -EINVAL,
				 "the CPU list is empty (e.g. 0-3,8)");
	if (strlen(s) > KTCP_CPUS_MAX)
		return args_fail(e, -ERANGE,
				 "'%s' is longer than %d characters", q,
				 KTCP_CPUS_MAX);
	for (;;) {
		err = cpu_number(&p, q, &first, e);
		if (err)
			return err;
		last = first;
		if (*p == '-') {
			p++;
			err = cpu_number(&p, q, &last, e);
			if (err)
				return err;
			if (last < first)
				return args_fail(
					e, -EINVAL,
					"'%s': the range %llu-%llu goes down",
					q, (unsigned long long)first,
					(unsigned long long)last);
		}
		if (!*p)
			return 0;
		if (*p++ != ',')
			return args_fail(e, -EINVAL,
					 "'%s' is not a CPU list (e.g. 0-3,8)",
					 q);
	}
}

int args_server_setting(int c, const char *arg, struct ktcp_server_cfg *cfg,
			struct args_err *e)
{
	switch (c) {
	case ARGS_OPT_PORT:
	case ARGS_OPT_PORT_OLD:
		cfg->has |= KTCP_HAS_PORT;
		return args_port(arg, &cfg->port, e);
	case ARGS_OPT_ADDR:
		cfg->has |= KTCP_HAS_ADDR;
		return args_addr(arg, &cfg->addr, e);
	case ARGS_OPT_BACKLOG:
		cfg->has |= KTCP_HAS_BACKLOG;
		return args_u32(arg, 1, KTCP_BACKLOG_MAX, &cfg->backlog, e);
	case ARGS_OPT_MAX_CONNS:
		cfg->has |= KTCP_HAS_MAX_CONNS;
		return args_u32(arg, 0, UINT32_MAX, &cfg->max_conns, e);
	case ARGS_OPT_IDLE:
		cfg->has |= KTCP_HAS_IDLE_TIMEOUT;
		return args_duration_ms(arg, KTCP_IDLE_TIMEOUT_MS_MAX,
					&cfg->idle_timeout_ms, e);
	case ARGS_OPT_MAX_MEM:
		cfg->has |= KTCP_HAS_MAX_MEM;
		return args_size_kb(arg, KTCP_MAX_MEM_KB_MAX, &cfg->max_mem_kb,
				    e);
	case ARGS_OPT_CPUS:
		cfg->has |= KTCP_HAS_CPUS;
		cfg->cpus = arg;
		return args_cpus(arg, e);
	}
	return -ENOENT;
}

/* The passwd entry of s: by name, or by uid when s is all digits. */
static int user_entry(const char *s, const char *q, struct passwd **pw,
		      uint32_t *uid, struct args_err *e)
{
	const char *end;
	uint64_t n;
	int err;

	if (!*s)
		return args_fail(e, -EINVAL, "the user name is empty");
	err = parse_digits(s, &end, KTCP_HTTP_ID_MAX, &n);
	if (err == -EINVAL || *end) {
		errno = 0;
		*pw = getpwnam(s);
		if (!*pw)
			return args_fail(e, -EINVAL, "no user '%s'%s%s", q,
					 errno ? ": " : "",
					 errno ? strerror(errno) : "");
		*uid = (uint32_t)(*pw)->pw_uid;
		return 0;
	}
	if (err)
		return args_fail(e, -ERANGE, "uid '%s' is out of range (0-%u)",
				 q, KTCP_HTTP_ID_MAX);
	*uid = (uint32_t)n;
	*pw = getpwuid((uid_t)n);
	return 0;
}

int args_user(const char *s, struct args_user *u, struct args_err *e)
{
	gid_t groups[KTCP_HTTP_GROUPS_MAX];
	int n = KTCP_HTTP_GROUPS_MAX, i, err;
	char q[ARGS_QUOTE_MAX];
	struct passwd *pw = NULL;

	args_quote(s, q, sizeof(q));
	err = user_entry(s, q, &pw, &u->uid, e);
	if (err)
		return err;
	u->ngroups = 0;
	if (!pw) {
		/* A bare uid: its own number as the group, nothing more. */
		u->gid = u->uid;
		return 0;
	}
	u->gid = (uint32_t)pw->pw_gid;
	if (u->uid > KTCP_HTTP_ID_MAX || u->gid > KTCP_HTTP_ID_MAX)
		return args_fail(e, -ERANGE,
				 "user '%s' has an invalid uid or gid", q);
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return args_fail(e, -ERANGE,
				 "user '%s' is in %d groups, more than %d", q,
				 n, KTCP_HTTP_GROUPS_MAX);
	for (i = 0; i < n; i++) {
		if ((uint32_t)groups[i] > KTCP_HTTP_ID_MAX)
			return args_fail(e, -ERANGE,
					 "user '%s' is in an invalid group", q);
		u->groups[u->ngroups++] = (uint32_t)groups[i];
	}
	return 0;
}
