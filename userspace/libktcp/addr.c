// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Address, port and option-name helpers. Pure string work with no netlink,
 * so that the CLI, the tests and a fuzzer can use it without a kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

KTCP_EXPORT int ktcp_port_parse(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	const char *p;

	/* strtoul() would take spaces, signs and "0x"; a port takes none. */
	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return -ERANGE;
	}
	if (v == 0)
		return -ERANGE;
	*port = (uint16_t)v;
	return 0;
}

/* Parse exactly one numeric address, with no brackets. */
static int addr_parse_bare(const char *s, struct ktcp_addr *addr)
{
	struct ktcp_addr a = { 0 };

	if (inet_pton(AF_INET, s, &a.v4) == 1) {
		a.family = AF_INET;
	} else if (inet_pton(AF_INET6, s, &a.v6) == 1) {
		a.family = AF_INET6;
	} else {
		return -EINVAL;
	}
	*addr = a;
	return 0;
}

/*
 * Split "[v6]" or "[v6]:port" into its parts. *rest points after ']' on
 * success.
 */
static int addr_parse_bracketed(const char *s, struct ktcp_addr *addr,
				const char **rest)
{
	char buf[INET6_ADDRSTRLEN];
	const char *end = strchr(s, ']');
	struct ktcp_addr a;
	size_t len;
	int err;

	if (*s != '[' || !end)
		return -EINVAL;
	len = (size_t)(end - s - 1);
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s + 1, len);
	buf[len] = '\0';
	err = addr_parse_bare(buf, &a);
	/* Brackets are for IPv6 only, as in URLs. */
	if (!err && a.family != AF_INET6)
		err = -EINVAL;
	if (!err) {
		*addr = a;
		*rest = end + 1;
	}
	return err;
}

KTCP_EXPORT int ktcp_addr_parse(const char *s, struct ktcp_addr *addr)
{
	struct ktcp_addr a;
	const char *rest;
	int err;

	if (!s || !*s)
		return -EINVAL;

	if (*s != '[')
		return addr_parse_bare(s, addr);
	err = addr_parse_bracketed(s, &a, &rest);
	if (!err && *rest)
		err = -EINVAL;
	if (!err)
		*addr = a;
	return err;
}

KTCP_EXPORT int ktcp_addrport_parse(const char *s, struct ktcp_addr *addr,
				    uint16_t *port, int *has_port)
{
	char buf[INET_ADDRSTRLEN];
	const char *colon, *rest;
	struct ktcp_addr a;
	size_t len;
	int err;

	if (has_port)
		*has_port = 0;
	if (!s || !*s)
		return -EINVAL;
	if (*s == '[') {
		err = addr_parse_bracketed(s, &a, &rest);
		if (err)
			return err;
		if (*rest && *rest != ':')
			return -EINVAL;
		colon = *rest ? rest : NULL;
	} else {
		colon = strchr(s, ':');
		/* Two colons or more: a bare IPv6 address, which has no port. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		if (colon) {
			len = (size_t)(colon - s);
			if (len == 0 || len >= sizeof(buf))
				return -EINVAL;
			memcpy(buf, s, len);
			buf[len] = '\0';
			err = addr_parse_bare(buf, &a);
			if (!err && a.family != AF_INET)
				err = -EINVAL;
		} else {
			err = addr_parse_bare(s, &a);
		}
		if (err)
			return err;
	}
	if (colon) {
		if (!has_port)
			return -EINVAL;
		err = ktcp_port_parse(colon + 1, port);
		if (err)
			return err;
		*has_port = 1;
	}
	*addr = a;
	return 0;
}

KTCP_EXPORT int ktcp_addr_format(const struct ktcp_addr *addr, char *buf,
				 size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	switch (addr->family) {
	case AF_UNSPEC:
		strcpy(tmp, "*");
		break;
	case AF_INET:
		inet_ntop(AF_INET, &addr->v4, tmp, sizeof(tmp));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &addr->v6, tmp, sizeof(tmp));
		break;
	default:
		return -EAFNOSUPPORT;
	}
	if (strlen(tmp) >= len)
		return -ENOSPC;
	strcpy(buf, tmp);
	return 0;
}

KTCP_EXPORT int ktcp_addrport_format(const struct ktcp_addr *addr,
				     uint16_t port, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	int err, n;

	err = ktcp_addr_format(addr, tmp, sizeof(tmp));
	if (err)
		return err;
	if (addr->family == AF_INET6)
		n = snprintf(buf, len, "[%s]:%u", tmp, port);
	else
		n = snprintf(buf, len, "%s:%u", tmp, port);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

static const char *const wq_names[] = {
	[KTCP_WQ_UNBOUND] = "unbound",
	[KTCP_WQ_PERCPU] = "percpu",
};

KTCP_EXPORT const char *ktcp_wq_name(unsigned int wq)
{
	if (wq >= sizeof(wq_names) / sizeof(wq_names[0]))
		return NULL;
	return wq_names[wq];
}

KTCP_EXPORT int ktcp_wq_parse(const char *s, uint8_t *wq)
{
	unsigned int i;

	for (i = 0; s && i < sizeof(wq_names) / sizeof(wq_names[0]); i++) {
		if (!strcmp(s, wq_names[i])) {
			*wq = (uint8_t)i;
			return 0;
		}
	}
	return -EINVAL;
}
