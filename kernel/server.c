// SPDX-License-Identifier: GPL-2.0
/* Servers: listening sockets, accepting, start, stop and settings. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>

#include "ktcp_internal.h"
#include "test_hooks.h"

/* Connections accepted per run before yielding the worker. */
#define KTCP_ACCEPT_BUDGET 64

/*
 * Accepts run on a server CPU, as connections do: this one when it is
 * one of the server's (the handshake's softirq ran here), else the first
 * online one of the set. With --wq percpu, where the packets arrive.
 */
static void ktcp_listener_queue(struct ktcp_listener *l)
{
	struct ktcp_server *srv = l->srv;
	int cpu = raw_smp_processor_id();
	const struct cpumask *m;

	if (srv->params.percpu_wq) {
		queue_work(srv->wq, &l->accept_work);
		return;
	}
	rcu_read_lock();
	m = &rcu_dereference(srv->cpus)->mask;
	if (!cpumask_test_cpu(cpu, m) || !cpu_online(cpu))
		cpu = cpumask_first_and(m, cpu_online_mask);
	rcu_read_unlock();
	queue_work_on(cpu < nr_cpu_ids ? cpu : WORK_CPU_UNBOUND, srv->wq,
		      &l->accept_work);
}

static void ktcp_listen_data_ready(struct sock *sk)
{
	struct ktcp_listener *l;

	/*
	 * A child socket inherits this callback and sk_user_data from the
	 * listener until it is accepted; it must not touch the listener.
	 */
	if (sk->sk_state != TCP_LISTEN)
		return;
	read_lock_bh(&sk->sk_callback_lock);
	l = sk->sk_user_data;
	if (l)
		ktcp_listener_queue(l);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* Give an accepted socket back the callbacks it had before it was ours. */
static void ktcp_listener_disown(struct ktcp_listener *l, struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = l->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
}

static void ktcp_accept_work(struct work_struct *work)
{
	struct ktcp_listener *l =
		container_of(work, struct ktcp_listener, accept_work);
	struct socket *sock;
	int i, err;

	for (i = 0; i < KTCP_ACCEPT_BUDGET; i++) {
		err = kernel_accept(l->sock, &sock, O_NONBLOCK);
		if (err == -ECONNABORTED)
			continue;
		if (err)
			return; /* -EAGAIN: the queue is empty */
		ktcp_listener_disown(l, sock->sk);
		ktcp_conn_accepted(l->srv, sock);
	}
	ktcp_listener_queue(l);
}

static int ktcp_addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6);
}

/*
 * A TCP socket of @srv's netns bound to @addr, SO_REUSEADDR as every
 * listener is (so TIME_WAIT sockets do not hold the port), SO_REUSEPORT
 * if asked. On failure, *why says why in the user's words.
 */
static int ktcp_sock_bind(struct ktcp_server *srv,
			  const struct sockaddr_storage *addr, bool reuseport,
			  struct socket **sockp, const char **why)
{
	struct sockaddr_storage a = *addr;
	struct socket *sock;
	int err;

	err = sock_create_kern(srv->net, a.ss_family, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (err) {
		*why = "cannot create the listening socket";
		return err;
	}
	sock_set_reuseaddr(sock->sk);
	if (reuseport)
		sock_set_reuseport(sock->sk);
	err = kernel_bind(sock, (struct sockaddr *)&a, ktcp_addr_len(&a));
	if (err) {
		*why = "cannot bind the listening socket";
		if (err == -EADDRINUSE)
			*why = "port already in use";
		else if (err == -EADDRNOTAVAIL)
			*why = "address not available on this host";
		sock_release(sock);
		return err;
	}
	*sockp = sock;
	return 0;
}

/*
 * Is @p's address free for a SO_REUSEPORT group? Our sockets carry the
 * uid of the process that started the server (root, usually), and the
 * kernel lets a SO_REUSEPORT socket join the group of another of the same
 * uid: a group bound over another server's port would share its SYNs. A
 * socket without SO_REUSEPORT, bound as a single listener would be, finds
 * the port taken exactly when a single listener would, dual-stack [::]
 * against 0.0.0.0 included. ktcp_lock keeps other ktcp servers from
 * binding between this probe and the group; a process of the same uid
 * with SO_REUSEPORT can still join the group later, as with any
 * reuseport server.
 */
static int ktcp_group_probe(struct ktcp_server *srv,
			    const struct ktcp_server_params *p,
			    const char **why)
{
	struct socket *sock;
	int err;

	lockdep_assert_held(&ktcp_lock);
	err = ktcp_sock_bind(srv, &p->addr, false, &sock, why);
	if (!err)
		sock_release(sock);
	return err;
}

static int ktcp_listener_open(struct ktcp_server *srv, struct ktcp_listener *l,
			      const struct ktcp_server_params *p,
			      const char **why)
{
	struct socket *sock;
	struct sock *sk;
	int err;

	err = ktcp_sock_bind(srv, &p->addr, p->listeners > 1, &sock, why);
	if (err)
		return err;
	sk = sock->sk;
	err = kernel_listen(sock, p->backlog);
	if (err) {
		*why = "cannot listen on the socket";
		goto err_release;
	}
	l->srv = srv;
	l->sock = sock;
	INIT_WORK(&l->accept_work, ktcp_accept_work);
	write_lock_bh(&sk->sk_callback_lock);
	l->saved_data_ready = sk->sk_data_ready;
	sk->sk_user_data = l;
	sk->sk_data_ready = ktcp_listen_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	/* Clients may have connected before the callback was ours. */
	ktcp_listener_queue(l);
	return 0;

err_release:
	sock_release(sock);
	return err;
}

static void ktcp_listener_close(struct ktcp_listener *l)
{
	struct sock *sk = l->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = l->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&l->accept_work);
	sock_release(l->sock);
}

static void ktcp_listeners_close(struct ktcp_listener *ls, unsigned int n)
{
	while (n--)
		ktcp_listener_close(&ls[n]);
	kfree(ls);
}

static struct ktcp_listener *
ktcp_listeners_open(struct ktcp_server *srv, const struct ktcp_server_params *p,
		    int *err, const char **why)
{
	struct ktcp_listener *ls;
	unsigned int i;

	if (p->listeners > 1) {
		*err = ktcp_group_probe(srv, p, why);
		if (*err)
			return NULL;
	}
	ls = kcalloc(p->listeners, sizeof(*ls), GFP_KERNEL);
	if (!ls) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < p->listeners; i++) {
		*err = ktcp_test_listener_fault(i);
		if (*err)
			*why = "injected failure (test build)";
		else
			*err = ktcp_listener_open(srv, &ls[i], p, why);
		if (*err) {
			ktcp_listeners_close(ls, i);
			return NULL;
		}
	}
	return ls;
}

void *ktcp_server_priv(struct ktcp_server *srv)
{
	return srv->priv;
}
EXPORT_SYMBOL_GPL(ktcp_server_priv);

static bool ktcp_server_empty(struct ktcp_server *srv)
{
	bool empty;

	spin_lock_bh(&srv->conns_lock);
	empty = !srv->nconns;
	spin_unlock_bh(&srv->conns_lock);
	return empty;
}

/*
 * With the listeners closed, so that nothing new arrives: ask every
 * connection to close and wait for them; the workqueue's destruction
 * waits for the last work items to return.
 */
static void ktcp_server_drain(struct ktcp_server *srv)
{
	struct ktcp_conn *conn;

	spin_lock_bh(&srv->conns_lock);
	srv->stopping = true;
	list_for_each_entry(conn, &srv->conns, node)
		ktcp_conn_request_close(conn);
	spin_unlock_bh(&srv->conns_lock);
	wait_event(srv->conns_empty, ktcp_server_empty(srv));
	/* Work items may still be returning; only then is priv unused. */
	destroy_workqueue(srv->wq);
	srv->wq = NULL;
}

static void ktcp_server_free(struct ktcp_server *srv)
{
	if (srv->wq)
		destroy_workqueue(srv->wq);
	/* No reader is left: the connections and listeners are gone. */
	kfree(rcu_access_pointer(srv->cpus));
	free_percpu(srv->cpu_conns);
	ktcp_stats_destroy(&srv->stats);
	ktcp_latency_destroy(&srv->lat);
	kfree(srv->opts.http_root);
	kfree(srv);
}

/* Called with ktcp_lock held; the server is in its netns's table on return. */
struct ktcp_server *ktcp_server_start(struct net *net, struct ktcp_service *svc,
				      const struct ktcp_server_params *p,
				      const struct ktcp_opts *opts,
				      const char **why)
{
	struct ktcp_server *srv;
	struct ktcp_cpus *cpus;
	int err = -ENOMEM;

	srv = kzalloc(struct_size(srv, priv, 0) + svc->server_priv_size,
		      GFP_KERNEL);
	if (!srv)
		return ERR_PTR(-ENOMEM);
	srv->net = net;
	srv->svc = svc;
	srv->params = *p;
	srv->params.cpus = NULL; /* the request's; kept in srv->cpus */
	srv->opts = *opts;
	/* opts->http_root points into the request; keep a copy to report. */
	srv->opts.http_root = NULL;
	if (opts->http_root) {
		srv->opts.http_root = kstrdup(opts->http_root, GFP_KERNEL);
		if (!srv->opts.http_root)
			goto err_free;
	}
	srv->idle_jiffies = msecs_to_jiffies(p->idle_timeout_ms);
	srv->log_quiet_until = jiffies;
	srv->cpu_conns = alloc_percpu(atomic_t);
	if (!srv->cpu_conns)
		goto err_free;
	cpus = kmalloc(sizeof(*cpus), GFP_KERNEL);
	if (!cpus)
		goto err_free;
	cpumask_copy(&cpus->mask, p->cpus ?: cpu_possible_mask);
	RCU_INIT_POINTER(srv->cpus, cpus);
	spin_lock_init(&srv->conns_lock);
	INIT_LIST_HEAD(&srv->conns);
	init_waitqueue_head(&srv->conns_empty);
	if (ktcp_stats_init(&srv->stats) || ktcp_latency_init(&srv->lat))
		goto err_free;
	err = ktcp_net_add(srv);
	if (err) {
		*why = "too many servers";
		goto err_free;
	}
	err = -ENOMEM;
	/*
	 * Per-CPU, so concurrency-managed: one worker per CPU runs the
	 * connections queued there one after another while none blocks,
	 * where an unbound queue would wake a worker per connection.
	 */
	srv->wq = alloc_workqueue("ktcp-%s-%u", 0, 0, svc->name, srv->id);
	if (!srv->wq)
		goto err_remove;
	if (svc->server_init) {
		err = svc->server_init(srv, opts, why);
		if (err)
			goto err_remove;
	}
	srv->listeners = ktcp_listeners_open(srv, p, &err, why);
	if (!srv->listeners)
		goto err_drain;
	srv->nlisteners = p->listeners;
	pr_info("server %u (%s) started on port %u\n", srv->id, svc->name,
		ntohs(((struct sockaddr_in *)&p->addr)->sin_port));
	return srv;

err_drain:
	/* The listeners that did open may have accepted connections. */
	ktcp_server_drain(srv);
	if (svc->server_release)
		svc->server_release(srv);
err_remove:
	ktcp_net_remove(srv);
err_free:
	ktcp_server_free(srv);
	return ERR_PTR(err);
}

/* Called with ktcp_lock held. */
void ktcp_server_stop(struct ktcp_server *srv)
{
	ktcp_net_remove(srv);
	ktcp_listeners_close(srv->listeners, srv->nlisteners);
	ktcp_server_drain(srv);
	if (srv->svc->server_release)
		srv->svc->server_release(srv);
	pr_info("server %u (%s) stopped\n", srv->id, srv->svc->name);
	ktcp_server_free(srv);
}

static bool ktcp_addr_equal(const struct sockaddr_storage *a,
			    const struct sockaddr_storage *b)
{
	return !memcmp(a, b, ktcp_addr_len(a)) && a->ss_family == b->ss_family;
}

/*
 * Move the listeners to p->addr. New ones open before the old ones close,
 * so a failure leaves the server as it was; only a new address on the
 * same port, which the old listeners hold (a group's probe finds it so
 * too), needs the old ones gone first.
 */
static int ktcp_server_rebind(struct ktcp_server *srv,
			      const struct ktcp_server_params *p,
			      const char **why)
{
	const struct sockaddr_in *old = (void *)&srv->params.addr;
	const struct sockaddr_in *new = (void *)&p->addr;
	struct ktcp_listener *ls;
	int err, err2;

	ls = ktcp_listeners_open(srv, p, &err, why);
	if (!ls && err == -EADDRINUSE && old->sin_port == new->sin_port) {
		ktcp_listeners_close(srv->listeners, srv->nlisteners);
		srv->listeners = NULL;
		ls = ktcp_listeners_open(srv, p, &err, why);
		if (!ls) {
			const char *why2;

			srv->listeners = ktcp_listeners_open(srv, &srv->params,
							     &err2, &why2);
			/* Counted either way: it may have had none before. */
			srv->nlisteners =
				srv->listeners ? srv->params.listeners : 0;
			if (!srv->listeners)
				pr_warn("server %u lost its listeners: %d\n",
					srv->id, err2);
			return err;
		}
	}
	if (!ls)
		return err;
	if (srv->listeners)
		ktcp_listeners_close(srv->listeners, srv->nlisteners);
	srv->listeners = ls;
	srv->nlisteners = p->listeners;
	return 0;
}

/*
 * The CPU a new connection runs on: @hint (the CPU its packets came in
 * on) when that is one of the server's, online, and has at most one
 * connection more than the server's least busy CPU; else that least busy
 * CPU. The packets' CPU keeps a connection's work beside its softirq;
 * the bound keeps one CPU from taking everything when all packets come
 * in on it (loopback: the client's CPU). Every CPU of the set offline:
 * any CPU. The caller gives the CPU back with ktcp_server_put_cpu().
 */
int ktcp_server_pick_cpu(struct ktcp_server *srv, int hint)
{
	unsigned int n, least = UINT_MAX;
	const struct cpumask *m;
	int cpu, best = -1;

	rcu_read_lock();
	m = &rcu_dereference(srv->cpus)->mask;
	for_each_cpu_and(cpu, m, cpu_online_mask) {
		n = atomic_read(per_cpu_ptr(srv->cpu_conns, cpu));
		if (n < least) {
			least = n;
			best = cpu;
		}
	}
	if (hint >= 0 && hint < nr_cpu_ids && cpumask_test_cpu(hint, m) &&
	    cpu_online(hint) &&
	    atomic_read(per_cpu_ptr(srv->cpu_conns, hint)) <= least + 1)
		best = hint;
	rcu_read_unlock();
	if (best < 0)
		return WORK_CPU_UNBOUND;
	atomic_inc(per_cpu_ptr(srv->cpu_conns, best));
	return best;
}

void ktcp_server_put_cpu(struct ktcp_server *srv, int cpu)
{
	if (cpu < nr_cpu_ids)
		atomic_dec(per_cpu_ptr(srv->cpu_conns, cpu));
}

/* Is @cpu, a connection's, still one of the server's? */
bool ktcp_server_cpu_ok(struct ktcp_server *srv, int cpu)
{
	bool ok;

	rcu_read_lock();
	ok = cpu < nr_cpu_ids &&
	     cpumask_test_cpu(cpu, &rcu_dereference(srv->cpus)->mask);
	rcu_read_unlock();
	return ok;
}

/*
 * The CPU set in taskset -c's syntax; ktcp_lock held. Returns its whole
 * length, as snprintf() does: @len or more means it was cut.
 */
int ktcp_server_cpus_print(struct ktcp_server *srv, char *buf, size_t len)
{
	const struct ktcp_cpus *cpus;

	cpus = rcu_dereference_protected(srv->cpus,
					 lockdep_is_held(&ktcp_lock));
	return snprintf(buf, len, "%*pbl", cpumask_pr_args(&cpus->mask));
}

/*
 * A new CPU set: connections on a CPU outside it move to one inside, at
 * their next run. ktcp_lock held; takes @cpus.
 */
static void ktcp_server_set_cpus(struct ktcp_server *srv,
				 struct ktcp_cpus *cpus)
{
	struct ktcp_cpus *old;
	struct ktcp_conn *conn;

	old = rcu_replace_pointer(srv->cpus, cpus, lockdep_is_held(&ktcp_lock));
	kfree_rcu(old, rcu);
	spin_lock_bh(&srv->conns_lock);
	list_for_each_entry(conn, &srv->conns, node)
		if (!ktcp_server_cpu_ok(srv, conn->cpu)) {
			ktcp_server_put_cpu(srv, conn->cpu);
			WRITE_ONCE(conn->cpu, ktcp_server_pick_cpu(srv, -1));
		}
	spin_unlock_bh(&srv->conns_lock);
}

/* Counters, and the memory held now (a gauge the per-CPU ones lack). */
void ktcp_server_stats(const struct ktcp_server *srv, u64 *v)
{
	ktcp_stats_read(&srv->stats, v);
	v[KTCP_STATS_A_MEM] = max(atomic_long_read(&srv->mem), 0L);
}

/* Called with ktcp_lock held: apply new settings to a running server. */
int ktcp_server_update(struct ktcp_server *srv,
		       const struct ktcp_server_params *p, const char **why)
{
	struct ktcp_cpus *cpus = NULL;
	struct ktcp_conn *conn;
	unsigned int i;
	int err;

	/*
	 * Allocated before anything changes: past the rebind nothing may
	 * fail, or a SET that answers with an error would have moved the
	 * server all the same, with no CHANGED event to say so.
	 */
	if (p->cpus) {
		if (!ktcp_test_set_alloc_fault())
			cpus = kmalloc(sizeof(*cpus), GFP_KERNEL);
		if (!cpus)
			return -ENOMEM;
		cpumask_copy(&cpus->mask, p->cpus);
	}
	/* A server whose listeners a failed rebind lost rebinds to any. */
	if (!ktcp_addr_equal(&srv->params.addr, &p->addr) || !srv->nlisteners) {
		err = ktcp_server_rebind(srv, p, why);
		if (err) {
			kfree(cpus);
			return err;
		}
		srv->params.addr = p->addr;
	} else if (srv->params.backlog != p->backlog) {
		/* listen() again on a listening socket only sets the backlog */
		for (i = 0; i < srv->nlisteners; i++)
			kernel_listen(srv->listeners[i].sock, p->backlog);
	}
	if (cpus)
		ktcp_server_set_cpus(srv, cpus);
	WRITE_ONCE(srv->params.max_conns, p->max_conns);
	WRITE_ONCE(srv->params.max_mem_kb, p->max_mem_kb);
	srv->params.backlog = p->backlog;
	srv->params.idle_timeout_ms = p->idle_timeout_ms;
	WRITE_ONCE(srv->idle_jiffies, msecs_to_jiffies(p->idle_timeout_ms));
	spin_lock_bh(&srv->conns_lock);
	list_for_each_entry(conn, &srv->conns, node)
		ktcp_conn_arm(conn);
	spin_unlock_bh(&srv->conns_lock);
	return 0;
}
