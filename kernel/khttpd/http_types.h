/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few types and helpers the pure HTTP code (http_parser.c, http_path.c,
 * http_range.c, http_date.c) needs, from the kernel when built into the module and from
 * libc when built into the unit tests and the fuzzer. Nothing else may be
 * included by those files, so that what is tested is what runs.
 */
#ifndef KHTTPD_HTTP_TYPES_H
#define KHTTPD_HTTP_TYPES_H

#ifdef __KERNEL__
#include <linux/kernel.h> /* ARRAY_SIZE */
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/types.h>

/* 64-bit division goes through div_u64_rem() on 32-bit architectures. */
#define khttpd_div_u64_rem div_u64_rem
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline u64 khttpd_div_u64_rem(u64 dividend, u32 divisor, u32 *rem)
{
	*rem = (u32)(dividend % divisor);
	return dividend / divisor;
}
#endif

#define KHTTPD_U64_MAX ((u64)~0ULL)

/*
 * ASCII character classes. Not <linux/ctype.h> or <ctype.h>: those differ
 * between kernel and libc (and with the libc locale), and HTTP is ASCII.
 */
static inline bool khttpd_is_digit(u8 c)
{
	return c >= '0' && c <= '9';
}

static inline bool khttpd_is_alpha(u8 c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline u8 khttpd_lower(u8 c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* tchar of RFC 9110 5.6.2: the characters of methods and field names. */
static inline bool khttpd_is_tchar(u8 c)
{
	/* c != 0: strchr() would find the terminating NUL. */
	return khttpd_is_digit(c) || khttpd_is_alpha(c) ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/*
 * RFC 3986's unreserved characters: the only bytes a URL khttpd builds
 * carries as they are. Every other byte, UTF-8 included, is percent-encoded.
 */
static inline bool khttpd_is_unreserved(u8 c)
{
	return khttpd_is_digit(c) || khttpd_is_alpha(c) || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

/* Does (p, len) equal the lower-case literal lit, ignoring ASCII case? */
static inline bool khttpd_ieq(const char *p, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!lit[i] || khttpd_lower(p[i]) != (u8)lit[i])
			return false;
	return !lit[len];
}

#endif /* KHTTPD_HTTP_TYPES_H */
