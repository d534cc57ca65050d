// SPDX-License-Identifier: GPL-2.0
/* Per-CPU server counters. */
#include "ktcp_internal.h"

int ktcp_stats_init(struct ktcp_stats *st)
{
	memset(st->base, 0, sizeof(st->base));
	st->pcpu = alloc_percpu(struct ktcp_stats_cpu);
	return st->pcpu ? 0 : -ENOMEM;
}

void ktcp_stats_destroy(struct ktcp_stats *st)
{
	free_percpu(st->pcpu);
	st->pcpu = NULL;
}

static void ktcp_stats_sum(const struct ktcp_stats *st, u64 *out)
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * (KTCP_STATS_A_MAX + 1));
	for_each_possible_cpu(cpu) {
		const struct ktcp_stats_cpu *c = per_cpu_ptr(st->pcpu, cpu);

		for (i = 0; i <= KTCP_STATS_A_MAX; i++)
			out[i] += READ_ONCE(c->v[i]);
	}
}

/* @out gets KTCP_STATS_A_MAX + 1 values indexed by KTCP_STATS_A_*. */
void ktcp_stats_read(const struct ktcp_stats *st, u64 *out)
{
	int i;

	ktcp_stats_sum(st, out);
	for (i = 0; i <= KTCP_STATS_A_MAX; i++)
		if (i != KTCP_STATS_A_ACTIVE)
			out[i] -= READ_ONCE(st->base[i]);
}

void ktcp_stats_reset(struct ktcp_stats *st)
{
	u64 now[KTCP_STATS_A_MAX + 1];
	int i;

	ktcp_stats_sum(st, now);
	for (i = 0; i <= KTCP_STATS_A_MAX; i++)
		WRITE_ONCE(st->base[i], now[i]);
}
