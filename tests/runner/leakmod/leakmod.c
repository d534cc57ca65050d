// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: a module that leaks memory; kmemleak must catch it. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

static int __init leakmod_init(void)
{
	void *p = kmalloc(128, GFP_KERNEL);

	/* Keep the compiler from dropping the allocation, then forget it. */
	if (p)
		memset(p, 0x5a, 128);
	pr_info("leaked %p\n", p);
	return 0;
}

static void __exit leakmod_exit(void)
{
}

module_init(leakmod_init);
module_exit(leakmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp VM runner self-test: leaks on load");
