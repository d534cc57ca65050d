/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bucket of a service time (include/uapi/linux/ktcp.h, "Service
 * times"): pure arithmetic, built into ktcp.ko and into the unit tests,
 * which check it against libktcp's bucket bounds.
 */
#ifndef _KTCP_LATENCY_BUCKET_H
#define _KTCP_LATENCY_BUCKET_H

#include <linux/ktcp.h>

/* Bucket 0 for 0 .. 2^MIN_SHIFT - 1 ns, the last for all beyond. */
static inline unsigned int ktcp_latency_bucket(unsigned long long ns)
{
	unsigned int msb, group, sub;

	if (ns < (1ULL << KTCP_LATENCY_MIN_SHIFT))
		return 0;
	msb = 63 - __builtin_clzll(ns);
	group = msb - KTCP_LATENCY_MIN_SHIFT;
	sub = (ns >> (msb - KTCP_LATENCY_SUB_BITS)) &
	      ((1U << KTCP_LATENCY_SUB_BITS) - 1);
	if (group >= (KTCP_LATENCY_BUCKETS - 1) >> KTCP_LATENCY_SUB_BITS)
		return KTCP_LATENCY_BUCKETS - 1;
	return 1 + (group << KTCP_LATENCY_SUB_BITS) + sub;
}

#endif /* _KTCP_LATENCY_BUCKET_H */
