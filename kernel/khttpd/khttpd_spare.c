// SPDX-License-Identifier: GPL-2.0
/*
 * Spare buffers: each CPU keeps the last receive buffer and the last send
 * buffer of the first size given back to it.
 *
 * A keep-alive connection gives both of its buffers back each time it has
 * nothing to do, so that thousands of idle clients hold none. A busy
 * server then took two 2 KiB buffers from the slab for every request, had
 * the kernel zero them (init_on_alloc) and freed them again. With a spare
 * per CPU, the next connection that CPU runs takes them as they are: at
 * most one buffer of each kind a CPU, handed over with this_cpu_xchg(),
 * which needs no lock and no preemption off.
 *
 * A spare keeps what its last connection left in it, as any allocation
 * does on a kernel that does not zero them: nothing reads a buffer beyond
 * what was written to it for the request at hand. It also keeps a
 * client's request head (cookies, credentials) in memory after the
 * connection is gone, which a kernel booted with init_on_free=1 asks
 * not to happen to freed memory: there every buffer is freed instead.
 */
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "khttpd.h"

struct khttpd_spares {
	void *buf[KHTTPD_SPARE_KINDS];
};

static DEFINE_PER_CPU(struct khttpd_spares, khttpd_spares);

void *khttpd_spare_get(enum khttpd_spare kind)
{
	return this_cpu_xchg(khttpd_spares.buf[kind], NULL);
}

void khttpd_spare_put(enum khttpd_spare kind, void *buf)
{
	if (want_init_on_free())
		kvfree(buf);
	else
		kvfree(this_cpu_xchg(khttpd_spares.buf[kind], buf));
}

/* When no connection is left to take one: at module exit. */
void khttpd_spares_free(void)
{
	unsigned int kind;
	int cpu;

	for_each_possible_cpu(cpu) {
		for (kind = 0; kind < KHTTPD_SPARE_KINDS; kind++) {
			kvfree(per_cpu(khttpd_spares.buf[kind], cpu));
			per_cpu(khttpd_spares.buf[kind], cpu) = NULL;
		}
	}
}
