// SPDX-License-Identifier: GPL-2.0
/* Per network namespace server tables. */
#include <net/netns/generic.h>

#include "ktcp_internal.h"

DEFINE_MUTEX(ktcp_lock);
/* Every server of every netns, so a departing service finds its own. */
LIST_HEAD(ktcp_servers);

static unsigned int ktcp_net_id __read_mostly;

struct ktcp_net *ktcp_net(const struct net *net)
{
	return net_generic(net, ktcp_net_id);
}

/* Give @srv an id in its netns; ktcp_lock held. */
int ktcp_net_add(struct ktcp_server *srv)
{
	struct ktcp_net *kn = ktcp_net(srv->net);
	int id;

	lockdep_assert_held(&ktcp_lock);
	/* Cyclic, so a stopped server's id is not handed out again soon. */
	id = idr_alloc_cyclic(&kn->servers, srv, 1, INT_MAX, GFP_KERNEL);
	if (id < 0)
		return id;
	srv->id = id;
	list_add_tail(&srv->node, &ktcp_servers);
	kn->generation++;
	return 0;
}

void ktcp_net_remove(struct ktcp_server *srv)
{
	struct ktcp_net *kn = ktcp_net(srv->net);

	lockdep_assert_held(&ktcp_lock);
	idr_remove(&kn->servers, srv->id);
	list_del(&srv->node);
	kn->generation++;
}

struct ktcp_server *ktcp_net_find(const struct net *net, u32 id)
{
	lockdep_assert_held(&ktcp_lock);
	if (!id || id > INT_MAX)
		return NULL;
	return idr_find(&ktcp_net(net)->servers, id);
}

void ktcp_stop_service_servers(struct ktcp_service *svc)
{
	struct ktcp_server *srv, *tmp;

	lockdep_assert_held(&ktcp_lock);
	list_for_each_entry_safe(srv, tmp, &ktcp_servers, node) {
		if (srv->svc != svc)
			continue;
		ktcp_genl_notify(srv, KTCP_CMD_SERVER_STOPPED);
		ktcp_server_stop(srv);
	}
}

static int __net_init ktcp_net_init(struct net *net)
{
	idr_init(&ktcp_net(net)->servers);
	/* Dumps skip the consistency check while cb->seq is 0. */
	ktcp_net(net)->generation = 1;
	return 0;
}

/*
 * Our sockets hold no reference on their netns, so they must be closed
 * here, before TCP's own per-netns state goes (it exits after us).
 */
static void __net_exit ktcp_net_exit(struct net *net)
{
	struct ktcp_net *kn = ktcp_net(net);
	struct ktcp_server *srv;
	int id = 0;

	mutex_lock(&ktcp_lock);
	while ((srv = idr_get_next(&kn->servers, &id)))
		ktcp_server_stop(srv);
	mutex_unlock(&ktcp_lock);
	idr_destroy(&kn->servers);
}

static struct pernet_operations ktcp_net_ops = {
	.init = ktcp_net_init,
	.exit = ktcp_net_exit,
	.id = &ktcp_net_id,
	.size = sizeof(struct ktcp_net),
};

int ktcp_netns_init(void)
{
	return register_pernet_subsys(&ktcp_net_ops);
}

void ktcp_netns_exit(void)
{
	unregister_pernet_subsys(&ktcp_net_ops);
}
