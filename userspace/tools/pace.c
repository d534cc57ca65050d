// SPDX-License-Identifier: GPL-2.0
/*
 * Open-loop schedule and client CPU use. See pace.h.
 */
#include "pace.h"

#include <sched.h>
#include <sys/resource.h>
#include <time.h>

uint64_t pace_due(uint64_t t0, double rate, unsigned int n, unsigned int j,
		  uint64_t k)
{
	double slot = (double)j + (double)k * (double)n;

	return t0 + (uint64_t)(slot * 1e9 / rate);
}

uint64_t pace_offered(double rate, double secs)
{
	/* A hair below an integer is that integer: 0.3 s at 10/s is 3. */
	return (uint64_t)(rate * secs + 1e-6);
}

bool pace_kept(double offered, double achieved)
{
	return offered > 0 && achieved >= offered * PACE_KEPT_FRACTION;
}

double cpu_share(uint64_t cpu_ns, uint64_t wall_ns)
{
	return wall_ns ? (double)cpu_ns / (double)wall_ns : 0;
}

bool cpu_saturated(double share, unsigned int ncpus)
{
	return share >= CPU_SATURATED_FRACTION * (ncpus ? ncpus : 1);
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000ull +
	       (uint64_t)tv->tv_usec * 1000ull;
}

void cpu_sample_take(struct cpu_sample *s)
{
	struct rusage ru;
	struct timespec ts;

	getrusage(RUSAGE_SELF, &ru);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->cpu_ns = tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
	s->wall_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double cpu_sample_share(const struct cpu_sample *a, const struct cpu_sample *b)
{
	return cpu_share(b->cpu_ns - a->cpu_ns, b->wall_ns - a->wall_ns);
}

unsigned int cpu_allowed(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? (unsigned int)n : 1;
}
