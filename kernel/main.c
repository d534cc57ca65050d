// SPDX-License-Identifier: GPL-2.0
/* ktcp.ko: the server framework and the "ktcp" netlink family. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

#include "ktcp_internal.h"

static int __init ktcp_init(void)
{
	int err;

	err = ktcp_netns_init();
	if (err)
		return err;
	err = ktcp_genl_init();
	if (err) {
		ktcp_netns_exit();
		return err;
	}
	pr_info("loaded, netlink family \"%s\" version %d\n", KTCP_GENL_NAME,
		KTCP_GENL_VERSION);
	return 0;
}

/*
 * Services hold a reference on us through their symbols, so by now none is
 * loaded and no server is left running.
 */
static void __exit ktcp_exit(void)
{
	ktcp_genl_exit();
	ktcp_netns_exit();
	pr_info("unloaded\n");
}

module_init(ktcp_init);
module_exit(ktcp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel TCP services controlled over generic netlink");
MODULE_ALIAS_GENL_FAMILY(KTCP_GENL_NAME);
