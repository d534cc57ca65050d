// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: a module that loads and unloads cleanly. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

static void *goodmod_buf;

static int __init goodmod_init(void)
{
	goodmod_buf = kmalloc(64, GFP_KERNEL);
	if (!goodmod_buf)
		return -ENOMEM;
	pr_info("loaded\n");
	return 0;
}

static void __exit goodmod_exit(void)
{
	kfree(goodmod_buf);
	pr_info("unloaded\n");
}

module_init(goodmod_init);
module_exit(goodmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp VM runner self-test: clean module");
