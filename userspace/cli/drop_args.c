// SPDX-License-Identifier: GPL-2.0-only
/* Argument and input parsing for `ktcp drop`; see drop_args.h. */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "drop_args.h"

#define QUOTE_MAX 64

void drop_list_free(struct drop_list *l)
{
	free(l->t);
	l->t = NULL;
	l->n = l->cap = 0;
}

static int list_add(struct drop_list *l, const struct ktcp_sock_tuple *t)
{
	struct ktcp_sock_tuple *p;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		p = realloc(l->t, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->t = p;
		l->cap = cap;
	}
	l->t[l->n++] = *t;
	return 0;
}

/*
 * The scope after '%': an interface name or index, into *ifindex. Names
 * are looked up in the caller's netns, the one drops act in.
 */
static int endpoint_scope(const char *scope, const char *q, uint32_t *ifindex,
			  struct args_err *e)
{
	unsigned long v;
	char *end;

	if (!*scope)
		return args_fail(e, -EINVAL,
				 "'%s': an empty interface after '%%'", q);
	if (*scope >= '0' && *scope <= '9') {
		errno = 0;
		v = strtoul(scope, &end, 10);
		if (*end || errno || !v || v > INT32_MAX)
			return args_fail(e, -EINVAL,
					 "'%s': '%s' is not an interface index",
					 q, scope);
		*ifindex = (uint32_t)v;
		return 0;
	}
	*ifindex = if_nametoindex(scope);
	if (!*ifindex)
		return args_fail(e, -EINVAL, "'%s': no interface '%s' here", q,
				 scope);
	return 0;
}

/*
 * Cut "ADDR%SCOPE" in buf at '%', resolving SCOPE; *ifindex stays 0
 * without one. Then the address must parse.
 */
static int endpoint_addr(char *buf, int family, const char *q,
			 struct ktcp_addr *addr, uint32_t *ifindex,
			 struct args_err *e)
{
	char *pct = strchr(buf, '%');
	int err;

	*ifindex = 0;
	if (pct) {
		*pct = '\0';
		err = endpoint_scope(pct + 1, q, ifindex, e);
		if (err)
			return err;
	}
	if (ktcp_addr_parse(buf, addr) || addr->family != family)
		return args_fail(
			e, -EINVAL,
			"'%s' is not ADDR:PORT (a.b.c.d:port or "
			"[v6]:port, with %%IFACE after the address for "
			"an interface)",
			q);
	return 0;
}

int drop_endpoint(const char *s, struct ktcp_addr *addr, uint16_t *port,
		  uint32_t *ifindex, struct args_err *e)
{
	char q[QUOTE_MAX], buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *colon, *end, *rest;
	int family, err;
	uint32_t scope;
	size_t len;

	args_quote(s, q, sizeof(q));
	if (*s == '[') {
		end = strchr(s, ']');
		family = AF_INET6;
		if (!end)
			goto bad;
		len = (size_t)(end - s - 1);
		s++;
		rest = end + 1;
		/* ss prints the interface after the brackets: [ADDR]%IF:PORT */
		if (*rest == '%' && !memchr(s, '%', len)) {
			colon = strchr(rest, ':');
			len = (size_t)((colon ? colon : rest) - s);
		} else {
			colon = rest;
		}
		if (!colon || *colon != ':')
			goto bad;
	} else {
		colon = strchr(s, ':');
		family = AF_INET;
		/*
		 * "fe80::1:22" is [fe80::1]:22 or [fe80::1:22] without its
		 * port: for a command that drops, guessing is not on.
		 */
		if (colon && strchr(colon + 1, ':'))
			return args_fail(e, -EINVAL,
					 "'%s': an IPv6 address with a port "
					 "needs brackets, [ADDR]:PORT (without "
					 "them its last group and a port look "
					 "alike)",
					 q);
		if (!colon)
			goto bad;
		len = (size_t)(colon - s);
	}
	if (!len || len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* Drop the ']' before ss's "%IF", keeping the scope. */
	if (family == AF_INET6 && (rest = strstr(buf, "]%")))
		memmove((char *)rest, rest + 1, strlen(rest + 1) + 1);
	err = endpoint_addr(buf, family, q, addr, &scope, e);
	if (err)
		return err;
	if (scope && !ifindex)
		return args_fail(e, -EINVAL, "'%s': no interface here", q);
	if (ifindex)
		*ifindex = scope;
	err = ktcp_port_parse(colon + 1, port);
	if (err == -ERANGE)
		return args_fail(e, -ERANGE,
				 "'%s': the port is out of range (1-65535)", q);
	if (err)
		goto bad;
	return 0;
bad:
	return args_fail(e, -EINVAL,
			 "'%s' is not ADDR:PORT (a.b.c.d:port or [v6]:port, "
			 "with %%IFACE after the address for an interface)",
			 q);
}

static bool is_link_local(const struct ktcp_addr *a)
{
	return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->v6);
}

/* The family an address is matched in: IPv4-mapped counts as IPv4. */
static int match_family(const struct ktcp_addr *a)
{
	if (a->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->v6))
		return AF_INET;
	return a->family;
}

int drop_tuple(const char *src, const char *dst, struct ktcp_sock_tuple *t,
	       struct args_err *e)
{
	char qs[QUOTE_MAX], qd[QUOTE_MAX];
	uint32_t sif = 0, dif = 0;
	int err;

	memset(t, 0, sizeof(*t));
	args_quote(src, qs, sizeof(qs));
	args_quote(dst, qd, sizeof(qd));
	err = drop_endpoint(src, &t->saddr, &t->sport, &sif, e);
	if (!err)
		err = drop_endpoint(dst, &t->daddr, &t->dport, &dif, e);
	if (err)
		return err;
	if (match_family(&t->saddr) != match_family(&t->daddr))
		return args_fail(
			e, -EINVAL,
			"'%s' and '%s' are of different address families", qs,
			qd);
	/* One connection, one interface: either end may name it. */
	if (sif && dif && sif != dif)
		return args_fail(e, -EINVAL,
				 "'%s' and '%s' name different interfaces", qs,
				 qd);
	t->ifindex = sif ? sif : dif;
	if (!t->ifindex &&
	    (is_link_local(&t->saddr) || is_link_local(&t->daddr)))
		return args_fail(e, -EINVAL,
				 "'%s' '%s': a link-local address needs its "
				 "interface, e.g. [fe80::1%%eth0]:22",
				 qs, qd);
	return 0;
}

int drop_tuples_argv(char **argv, int argc, struct drop_list *l,
		     struct args_err *e)
{
	struct ktcp_sock_tuple t;
	int i, err;

	if (argc % 2)
		return args_fail(e, -EINVAL,
				 "tuples come in pairs: SRC DST [SRC DST ...]");
	for (i = 0; i < argc; i += 2) {
		err = drop_tuple(argv[i], argv[i + 1], &t, e);
		if (!err && list_add(l, &t))
			err = args_fail(e, -ENOMEM, "out of memory");
		if (err)
			return err;
	}
	return 0;
}

/* One line, its newline stripped: 0, 1 when blank, or an error. */
static int parse_line(char *line, struct ktcp_sock_tuple *t, struct args_err *e)
{
	const char *sep = " \t\r";
	char *save, *src, *dst;

	src = strtok_r(line, sep, &save);
	if (!src)
		return 1;
	dst = strtok_r(NULL, sep, &save);
	if (!dst)
		return args_fail(e, -EINVAL,
				 "expected 'SRC DST', got one field");
	if (strtok_r(NULL, sep, &save))
		return args_fail(
			e, -EINVAL,
			"expected 'SRC DST', got more than two fields");
	return drop_tuple(src, dst, t, e);
}

static int read_line(char *line, size_t len, unsigned long lineno,
		     struct drop_list *l, struct args_err *e)
{
	char msg[sizeof(e->msg)];
	struct ktcp_sock_tuple t;
	int err;

	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	/* A NUL would hide the rest of the line from the parser. */
	if (memchr(line, '\0', len))
		err = args_fail(e, -EINVAL, "a NUL byte");
	else
		err = parse_line(line, &t, e);
	if (err == 1)
		return 0;
	if (!err && list_add(l, &t))
		err = args_fail(e, -ENOMEM, "out of memory");
	if (err) {
		memcpy(msg, e->msg, sizeof(msg));
		args_fail(e, err, "line %lu: %s", lineno, msg);
	}
	return err;
}

int drop_tuples_read(FILE *f, struct drop_list *l, struct args_err *e)
{
	unsigned long lineno = 0;
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;
	int err = 0;

	while (!err && (n = getline(&line, &cap, f)) >= 0)
		err = read_line(line, (size_t)n, ++lineno, l, e);
	free(line);
	if (!err && ferror(f))
		err = args_fail(e, -EIO, "cannot read the input");
	return err;
}

int drop_prefix(const char *s, struct ktcp_addr *addr, uint8_t *prefix,
		int *has_prefix, struct args_err *e)
{
	char buf[INET6_ADDRSTRLEN + 2], q[QUOTE_MAX];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t max, v;

	args_quote(s, q, sizeof(q));
	*has_prefix = 0;
	if (len == 0 || len >= sizeof(buf))
		return args_fail(e, -EINVAL, "'%s' is not ADDR[/PREFIX]", q);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (ktcp_addr_parse(buf, addr))
		return args_fail(e, -EINVAL,
				 "'%s' is not an IPv4 or IPv6 address", q);
	if (!slash)
		return 0;
	max = addr->family == AF_INET ? 32 : 128;
	if (args_u32(slash + 1, 0, max, &v, e))
		return args_fail(e, -ERANGE,
				 "'%s': the prefix length is 0 to %u", q, max);
	*prefix = (uint8_t)v;
	*has_prefix = 1;
	return 0;
}

int drop_states(const char *s, uint32_t *states, struct args_err *e)
{
	char q[QUOTE_MAX];

	if (!ktcp_tcp_states_parse(s, states))
		return 0;
	args_quote(s, q, sizeof(q));
	return args_fail(
		e, -EINVAL,
		"'%s' is not a list of states (all, established, syn-sent, "
		"syn-recv, fin-wait-1, fin-wait-2, time-wait, close-wait, "
		"last-ack, closing)",
		q);
}
