// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: a module that leaks memory; kmemleak must catch it. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

/*
 * kmemleak is conservative: a stale copy of a pointer anywhere it scans (a
 * cached stack, a register spilled by printk) keeps that object "referenced".
 * A single leaked object was missed that way in one CI run, so leak
 * several: only the last one's address can linger in this function's frame.
 */
#define LEAKMOD_OBJECTS 16

static int __init leakmod_init(void)
{
	int i, leaked = 0;

	for (i = 0; i < LEAKMOD_OBJECTS; i++) {
		void *p = kmalloc(128, GFP_KERNEL);

		/* Keep the compiler from dropping the allocation. */
		if (p) {
			memset(p, 0x5a, 128);
			leaked++;
		}
	}
	pr_info("leaked %d objects\n", leaked);
	return 0;
}

static void __exit leakmod_exit(void)
{
}

module_init(leakmod_init);
module_exit(leakmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp VM runner self-test: leaks on load");
