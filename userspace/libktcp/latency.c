// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Service time histograms: bucket bounds and quantiles, pure arithmetic
 * on a struct ktcp_latency (the layout: "Service times" in
 * <linux/ktcp.h>).
 */
#include <errno.h>
#include <stdint.h>

#include "internal.h"

KTCP_EXPORT uint64_t ktcp_latency_bucket_end(const struct ktcp_latency *lat,
					     unsigned int i)
{
	unsigned int m = lat->min_shift, sb = lat->sub_bits;
	uint64_t g, s;

	if (!lat->nbuckets || i >= lat->nbuckets - 1 || m > 63 || sb > m)
		return UINT64_MAX;
	if (i == 0)
		return 1ULL << m;
	/*
	 * Bucket i ends where bucket i + 1 begins. In 64 bits: a layout may
	 * have sub_bits up to 63 (at most min_shift), and shifting a 32-bit
	 * value by 32 or more is undefined (x86 shifts by sb % 32).
	 */
	g = (uint64_t)i >> sb;
	s = (uint64_t)i & ((1ULL << sb) - 1);
	if (m + g > 63)
		return UINT64_MAX;
	return (1ULL << (m + g)) + (s << (m + g - sb));
}

/* Where bucket i begins. */
static uint64_t bucket_start(const struct ktcp_latency *lat, unsigned int i)
{
	return i ? ktcp_latency_bucket_end(lat, i - 1) : 0;
}

KTCP_EXPORT int ktcp_latency_percentile(const struct ktcp_latency *lat,
					double q, uint64_t *ns)
{
	uint64_t count = 0, rank, below = 0, start, end;
	unsigned int i, n;
	double r;

	if (!(q >= 0.0 && q <= 1.0))
		return -EINVAL;
	n = lat->nbuckets < KTCP_LATENCY_SLOTS ? lat->nbuckets :
						 KTCP_LATENCY_SLOTS;
	for (i = 0; i < n; i++)
		count += lat->buckets[i];
	if (!count)
		return -ENODATA;
	/* The ceil(q * count)-th smallest sample, counting from 1. */
	r = q * (double)count;
	rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > count)
		rank = count;
	for (i = 0; i < n; i++) {
		if (below + lat->buckets[i] >= rank)
			break;
		below += lat->buckets[i];
	}
	start = bucket_start(lat, i);
	end = ktcp_latency_bucket_end(lat, i);
	if (end == UINT64_MAX) {
		*ns = start;
		return 0;
	}
	/* The rank-th of the bucket's samples, spread evenly over it. */
	*ns = start +
	      (uint64_t)((double)(end - start) * (double)(rank - below) /
			 (double)lat->buckets[i]);
	return 0;
}
