// SPDX-License-Identifier: GPL-2.0
/*
 * Open-loop schedule and client CPU use. See pace.h.
 */
#include "pace.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* One number of a CPU list, below CPU_SETSIZE; NULL when there is none. */
static const char *cpu_num(const char *s, unsigned long *n)
{
	char *end;

	if (*s < '0' || *s > '9')
		return NULL;
	errno = 0;
	*n = strtoul(s, &end, 10);
	if (errno || *n >= CPU_SETSIZE)
		return NULL;
	return end;
}

int cpu_list_parse(const char *s, cpu_set_t *set)
{
	unsigned long lo, hi;

	CPU_ZERO(set);
	do {
		s = cpu_num(s, &lo);
		if (!s)
			return -1;
		hi = lo;
		if (*s == '-') {
			s = cpu_num(s + 1, &hi);
			if (!s || hi < lo)
				return -1;
		}
		while (lo <= hi)
			CPU_SET(lo++, set);
	} while (*s++ == ',');
	return s[-1] ? -1 : 0;
}

int cpus_time_line(const char *line, const cpu_set_t *set, struct cpus_time *t)
{
	uint64_t v[5] = { 0 };
	unsigned int cpu;
	int n;

	if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
		return 0;
	/* user nice system idle iowait (irq softirq steal guest ...) */
	n = sscanf(line + 3,
		   "%u %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64,
		   &cpu, &v[0], &v[1], &v[2], &v[3], &v[4]);
	if (n < 5)
		return -1;
	if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, set))
		return 0;
	t->idle += v[3] + v[4];
	return 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int cpus_time_take(const char *path, const cpu_set_t *set, struct cpus_time *t)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int found = 0, r = 0;

	*t = (struct cpus_time){ 0 };
	if (!f)
		return -1;
	/* The kernel makes the whole file at the first read. */
	t->ns = mono_ns();
	while (fgets(line, sizeof(line), f)) {
		r = cpus_time_line(line, set, t);
		if (r < 0)
			break;
		found += r;
	}
	fclose(f);
	if (r < 0 || found != CPU_COUNT(set)) {
		errno = r < 0 ? EINVAL : ENOENT;
		return -1;
	}
	return 0;
}

double cpus_busy_seconds(const struct cpus_time *a, const struct cpus_time *b,
			 unsigned int ncpus, long hz)
{
	double wall = ((double)b->ns - (double)a->ns) / 1e9 * ncpus;
	double idle, tick;

	if (hz <= 0 || wall <= 0)
		return -1;
	idle = ((double)b->idle - (double)a->idle) / (double)hz;
	/*
	 * Each sample rounds each CPU's idle time down to a tick, and is
	 * read a moment after its clock: allow two ticks a CPU.
	 */
	tick = (double)ncpus / (double)hz;
	if (idle < 0 || idle > wall + 2 * tick)
		return -1;
	return idle < wall ? wall - idle : 0;
}

double cpus_busy(const struct cpus_time *a, const struct cpus_time *b,
		 unsigned int ncpus, long hz)
{
	double busy = cpus_busy_seconds(a, b, ncpus, hz);

	return busy < 0 ? -1 : busy / ((double)(b->ns - a->ns) / 1e9);
}
