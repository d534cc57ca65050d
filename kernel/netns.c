// SPDX-License-Identifier: GPL-2.0
/* Per network namespace server tables. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/netns/generic.h>

#include "ktcp_internal.h"
#include "test_hooks.h"

DEFINE_MUTEX(ktcp_lock);
/* Every server of every netns, so a departing service finds its own. */
LIST_HEAD(ktcp_servers);

static unsigned int ktcp_net_id __read_mostly;

static void ktcp_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(ktcp_reap_work, ktcp_reap);
/* How often ktcp_reap() looks for deleted namespaces while servers run. */
#define KTCP_REAP_INTERVAL HZ
/* How many times in a row a namespace must look deleted to be taken so. */
#define KTCP_REAP_PASSES 3

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
	queue_delayed_work(system_long_wq, &ktcp_reap_work, KTCP_REAP_INTERVAL);
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

/*
 * A namespace that no process is in and that no file or mount names can
 * never be entered again: `ip netns del` was run on it, or its last
 * process left. ktcp_net_exit() stops its servers when it is dismantled,
 * but sockets can keep it from ever being dismantled: those TCP is still
 * closing for us hold a full reference, so that their timers run
 * (ktcp_sock_hold_net() in conn.c), and a peer that never ACKs our FINs
 * and reconnects now and then keeps their number above zero for ever,
 * with the server still accepting. So a namespace whose every reference
 * is a socket's counts as deleted, and its servers are stopped here. The
 * sockets then finish within TCP's own bounds (tcp_orphan_retries,
 * tcp_fin_timeout) and the namespace goes with the last of them.
 *
 * Every full reference is taken with get_net(); a socket's comes with its
 * count in sock_inuse_get(), after it, and goes before its put_net(): a
 * namespace that has any other reference (a process's, a file's, a
 * mount's) has more references than sockets. But the two cannot be read
 * at once, and a socket that comes between the reads counts in one and
 * not the other: a live namespace with busy clients looked abandoned,
 * and a burst of sockets stopped even the initial namespace's servers.
 * So the sockets are counted before and after the references and the
 * smaller count taken, which no socket coming or going alone can fool;
 * a namespace must look abandoned KTCP_REAP_PASSES times in a row, as a
 * deleted one does for good; and the initial namespace, which is never
 * deleted, is not looked at.
 */
static bool ktcp_net_abandoned(struct net *net)
{
	int before, after, refs;

	if (net_eq(net, &init_net))
		return false;
	before = sock_inuse_get(net);
	refs = refcount_read(&net->ns.count);
	ktcp_test_delay(KTCP_TEST_REAP);
	after = sock_inuse_get(net);
	return refs <= min(before, after);
}

static void ktcp_reap(struct work_struct *work)
{
	struct ktcp_server *srv, *tmp;

	mutex_lock(&ktcp_lock);
	list_for_each_entry_safe(srv, tmp, &ktcp_servers, node) {
		if (!ktcp_net_abandoned(srv->net)) {
			srv->abandoned_passes = 0;
			continue;
		}
		if (++srv->abandoned_passes < KTCP_REAP_PASSES)
			continue;
		pr_info("server %u (%s): its network namespace was deleted\n",
			srv->id, srv->svc->name);
		ktcp_genl_notify(srv, KTCP_CMD_SERVER_STOPPED);
		ktcp_server_stop(srv);
	}
	if (!list_empty(&ktcp_servers))
		queue_delayed_work(system_long_wq, &ktcp_reap_work,
				   KTCP_REAP_INTERVAL);
	mutex_unlock(&ktcp_lock);
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
	/* No server is left to re-arm it: the services are gone. */
	cancel_delayed_work_sync(&ktcp_reap_work);
	unregister_pernet_subsys(&ktcp_net_ops);
}
