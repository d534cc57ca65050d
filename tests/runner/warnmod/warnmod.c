// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: a module that WARNs on load; the runner must fail. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/module.h>

static int __init warnmod_init(void)
{
	WARN(1, "warnmod: deliberate warning for the runner self-test\n");
	return 0;
}

static void __exit warnmod_exit(void)
{
}

module_init(warnmod_init);
module_exit(warnmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp VM runner self-test: warns on load");
