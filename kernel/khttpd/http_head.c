// SPDX-License-Identifier: GPL-2.0-only
/* A response head, appended piece by piece; the rules are in http_head.h. */
#include "http_head.h"

void khttpd_head_put(struct khttpd_head *h, const char *s, size_t len)
{
	if (h->cut || len > h->size - h->len) {
		h->cut = true;
		return;
	}
	memcpy(h->p + h->len, s, len);
	h->len += len;
}

void khttpd_head_puts(struct khttpd_head *h, const char *s)
{
	khttpd_head_put(h, s, strlen(s));
}

void khttpd_head_put_u64(struct khttpd_head *h, u64 v)
{
	char digits[20]; /* U64_MAX has 20 */
	size_t i = sizeof(digits);
	u32 rem;

	do {
		v = khttpd_div_u64_rem(v, 10, &rem);
		digits[--i] = (char)('0' + rem);
	} while (v);
	khttpd_head_put(h, digits + i, sizeof(digits) - i);
}
