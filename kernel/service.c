// SPDX-License-Identifier: GPL-2.0
/* The registry of services that servers can be started for. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kmod.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ktcp_internal.h"
#include "test_hooks.h"

static LIST_HEAD(ktcp_services); /* under ktcp_lock */

static struct ktcp_service *ktcp_service_lookup(const char *name)
{
	struct ktcp_service *svc;

	lockdep_assert_held(&ktcp_lock);
	list_for_each_entry(svc, &ktcp_services, node)
		if (!strcmp(svc->name, name))
			return svc;
	return NULL;
}

/**
 * ktcp_service_find() - look up a service, loading its module if needed
 * @name: service name from userspace, already length-checked
 *
 * Called with ktcp_lock held. The lock is dropped around request_module()
 * because the module's init registers itself under the same lock.
 * The service stays valid while ktcp_lock is held: unregistering takes it.
 */
struct ktcp_service *ktcp_service_find(const char *name)
{
	struct ktcp_service *svc;

	svc = ktcp_service_lookup(name);
	if (svc)
		return svc;
	mutex_unlock(&ktcp_lock);
	ktcp_test_delay(KTCP_TEST_SERVICE_LOAD);
	request_module("ktcp-service-%s", name);
	mutex_lock(&ktcp_lock);
	return ktcp_service_lookup(name);
}

/* Iterate the registry under ktcp_lock; NULL starts and ends. */
struct ktcp_service *ktcp_service_next(struct ktcp_service *prev)
{
	struct list_head *next;

	lockdep_assert_held(&ktcp_lock);
	next = prev ? prev->node.next : ktcp_services.next;
	if (next == &ktcp_services)
		return NULL;
	return list_entry(next, struct ktcp_service, node);
}

/* Comma-separated names of the registered services, for error messages. */
int ktcp_service_names(char *buf, size_t len)
{
	struct ktcp_service *svc;
	size_t off = 0;

	lockdep_assert_held(&ktcp_lock);
	buf[0] = '\0';
	list_for_each_entry(svc, &ktcp_services, node)
		off += scnprintf(buf + off, len - off, "%s%s", off ? ", " : "",
				 svc->name);
	return off;
}

/*
 * Each service's connections come from a cache of their own, so a leak
 * shows in /proc/slabinfo under the service's name, and destroying the
 * cache at unregister complains if any connection outlived its server.
 */
static int ktcp_service_cache_create(struct ktcp_service *svc)
{
	char name[32];

	snprintf(name, sizeof(name), "ktcp_%s_conn", svc->name);
	svc->conn_cache = kmem_cache_create(
		name,
		struct_size_t(struct ktcp_conn, priv, 0) + svc->conn_priv_size,
		0, 0, NULL);
	return svc->conn_cache ? 0 : -ENOMEM;
}

int ktcp_service_register(struct ktcp_service *svc)
{
	int err = -EEXIST;

	if (WARN_ON(!svc->name || !svc->conn_process ||
		    strlen(svc->name) > KTCP_SERVICE_NAME_MAX))
		return -EINVAL;
	mutex_lock(&ktcp_lock);
	/* Checked first: two caches must never share a name. */
	if (ktcp_service_lookup(svc->name))
		goto out;
	err = ktcp_service_cache_create(svc);
	if (err)
		goto out;
	list_add_tail(&svc->node, &ktcp_services);
	pr_info("service %s registered\n", svc->name);
out:
	mutex_unlock(&ktcp_lock);
	return err;
}
EXPORT_SYMBOL_GPL(ktcp_service_register);

/*
 * Called from the service module's exit: stop its servers everywhere, so
 * that no socket callback or work item can run the module's code after it.
 */
void ktcp_service_unregister(struct ktcp_service *svc)
{
	mutex_lock(&ktcp_lock);
	list_del(&svc->node);
	ktcp_stop_service_servers(svc);
	mutex_unlock(&ktcp_lock);
	kmem_cache_destroy(svc->conn_cache);
	pr_info("service %s unregistered\n", svc->name);
}
EXPORT_SYMBOL_GPL(ktcp_service_unregister);
