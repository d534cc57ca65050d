// SPDX-License-Identifier: GPL-2.0
/* Per-CPU server counters and service time histograms. */
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

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

/* --- service times ------------------------------------------------------- */

DEFINE_STATIC_KEY_TRUE(ktcp_latency_on);

static int ktcp_latency_param_set(const char *val,
				  const struct kernel_param *kp)
{
	bool on;
	int err;

	err = kstrtobool(val, &on);
	if (err)
		return err;
	if (on)
		static_branch_enable(&ktcp_latency_on);
	else
		static_branch_disable(&ktcp_latency_on);
	return 0;
}

static int ktcp_latency_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n",
			  static_key_enabled(&ktcp_latency_on) ? 1 : 0);
}

static const struct kernel_param_ops ktcp_latency_param_ops = {
	.set = ktcp_latency_param_set,
	.get = ktcp_latency_param_get,
};

module_param_cb(latency, &ktcp_latency_param_ops, NULL, 0644);
MODULE_PARM_DESC(latency,
		 "Record service time histograms (1, default) or not (0)");

int ktcp_latency_init(struct ktcp_latency *lat)
{
	memset(&lat->base, 0, sizeof(lat->base));
	lat->pcpu = alloc_percpu(struct ktcp_latency_cpu);
	return lat->pcpu ? 0 : -ENOMEM;
}

void ktcp_latency_destroy(struct ktcp_latency *lat)
{
	free_percpu(lat->pcpu);
	lat->pcpu = NULL;
}

/* The sum of every CPU's bucket @i (KTCP_LATENCY_BUCKETS: of sum_ns). */
static u64 ktcp_latency_sum(const struct ktcp_latency *lat, int i)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct ktcp_latency_cpu *c = per_cpu_ptr(lat->pcpu, cpu);

		if (i < KTCP_LATENCY_BUCKETS)
			sum += READ_ONCE(c->b[i]);
		else
			sum += READ_ONCE(c->sum_ns);
	}
	return sum;
}

/*
 * The buckets since the last reset into @b (KTCP_LATENCY_BUCKETS), the
 * sum of the samples into *@sum; returns the number of samples. A sample
 * is its bucket's increment and then the sum's add, on one CPU, and a
 * read may come between: the count is the buckets' sum, so that the two
 * never disagree, and the sum may lag by a sample.
 */
u64 ktcp_latency_read(const struct ktcp_latency *lat, u64 *b, u64 *sum)
{
	u64 count = 0;
	int i;

	for (i = 0; i < KTCP_LATENCY_BUCKETS; i++) {
		b[i] = ktcp_latency_sum(lat, i) - READ_ONCE(lat->base.b[i]);
		count += b[i];
	}
	*sum = ktcp_latency_sum(lat, KTCP_LATENCY_BUCKETS) -
	       READ_ONCE(lat->base.sum_ns);
	return count;
}

void ktcp_latency_reset(struct ktcp_latency *lat)
{
	int i;

	for (i = 0; i < KTCP_LATENCY_BUCKETS; i++)
		WRITE_ONCE(lat->base.b[i], ktcp_latency_sum(lat, i));
	WRITE_ONCE(lat->base.sum_ns,
		   ktcp_latency_sum(lat, KTCP_LATENCY_BUCKETS));
}
