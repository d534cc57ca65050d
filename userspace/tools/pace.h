/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open-loop load (--rate) and the load generator's own CPU use: the pure
 * arithmetic, kept apart from sockets so it is unit tested.
 *
 * Open loop, as wrk2 does it: the run offers a fixed number of messages
 * (or requests) per second whatever the server does. Each connection gets
 * an equal share of the rate and a fixed schedule of intended send times;
 * a message is timed from its intended time, not from when it could be
 * sent, so a server that falls behind shows its backlog in the latency
 * instead of slowing the client down (coordinated omission).
 *
 * The n connections of a worker share its rate r: connection j sends its
 * k-th message at t0 + (j + k n) / r, so the worker's messages are evenly
 * spaced 1/r apart and each connection's n/r apart, in the round-robin
 * order of the connections.
 */
#ifndef KTCP_PACE_H
#define KTCP_PACE_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

/* The fraction of the offered rate a point must reach to have kept it. */
#define PACE_KEPT_FRACTION 0.95
/* A client at this fraction of its CPUs or more measures itself. */
#define CPU_SATURATED_FRACTION 0.90

/*
 * Intended send time (ns) of message k of connection j, one of n sharing
 * rate messages/s from t0 (ns). rate > 0, j < n.
 */
uint64_t pace_due(uint64_t t0, double rate, unsigned int n, unsigned int j,
		  uint64_t k);

/* Messages a run of secs seconds at rate offers: floor(rate * secs). */
uint64_t pace_offered(double rate, double secs);

/* Did a point that achieved this rate keep the offered one? */
bool pace_kept(double offered, double achieved);

/*
 * CPU time (user + system, ns) over wall time (ns), in CPUs: 1.0 is one
 * CPU busy all the time. 0 when no wall time passed.
 */
double cpu_share(uint64_t cpu_ns, uint64_t wall_ns);

/* Is a client that used share CPUs out of ncpus it may run on saturated? */
bool cpu_saturated(double share, unsigned int ncpus);

/* A snapshot of this process's CPU time and the monotonic clock. */
struct cpu_sample {
	uint64_t cpu_ns;
	uint64_t wall_ns;
};

void cpu_sample_take(struct cpu_sample *s);
/* CPUs used between a and b (cpu_share of the differences). */
double cpu_sample_share(const struct cpu_sample *a, const struct cpu_sample *b);
/* CPUs this process may run on (its affinity mask), at least 1. */
unsigned int cpu_allowed(void);

/*
 * The server's side (--server-cpus): how busy the CPUs it runs on were in
 * the measured window, from /proc/stat. With the client on other CPUs,
 * their busy time over the messages served is what one message cost the
 * server, a figure that holds where the client saturated and the rate
 * measured the client. The CPUs also do what the kernel does for the
 * server's sockets, the same for every server.
 *
 * Busy is the window's wall time less the CPUs' idle and iowait, not
 * the sum of /proc/stat's busy fields: those are sampled at each tick,
 * and a CPU that keeps going idle for a moment is often not ticking
 * when it wakes to work (Debian's kernels stop the tick in idle). In a
 * guest serving 100 echo connections, kecho's CPU (13 % idle) summed
 * busy and idle to 3.4 s of a 4.2 s run, while a server that never
 * idled summed to the wall time. Idle time is measured in nanoseconds
 * on those kernels, and where it is sampled too, both sums still make
 * the wall time. Each sample is in whole USER_HZ ticks (10 ms) per CPU.
 */
struct cpus_time {
	uint64_t idle; /* idle and iowait, in USER_HZ ticks */
	uint64_t ns; /* CLOCK_MONOTONIC when read: the wall time */
};

/* Parse "0", "0-3" or "0,2-3" into set; -1 on anything else. */
int cpu_list_parse(const char *s, cpu_set_t *set);
/*
 * Add one /proc/stat line to t if it is a "cpuN" line with N in set.
 * Returns 1 when added, 0 when not such a line, -1 when malformed.
 */
int cpus_time_line(const char *line, const cpu_set_t *set, struct cpus_time *t);
/*
 * The CPUs of set, summed from the stat file at path, and the time it
 * was read; 0, or -1 (errno).
 */
int cpus_time_take(const char *path, const cpu_set_t *set, struct cpus_time *t);
/*
 * CPU-seconds the ncpus CPUs were busy between a and b: the wall time
 * times ncpus less their idle time, in ticks of hz (USER_HZ) a second;
 * 0 when the idle time filled the window (within the ticks' rounding),
 * -1 when the samples cannot be compared (b not after a, idle time going
 * back or past the window, no tick rate).
 */
double cpus_busy_seconds(const struct cpus_time *a, const struct cpus_time *b,
			 unsigned int ncpus, long hz);
/* Busy CPUs between a and b (1.0 is one CPU busy all the time), or -1. */
double cpus_busy(const struct cpus_time *a, const struct cpus_time *b,
		 unsigned int ncpus, long hz);

#endif /* KTCP_PACE_H */
