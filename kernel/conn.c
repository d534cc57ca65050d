// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: socket callbacks queue the connection's work item, which
 * runs the service and, at the end, tears the connection down.
 *
 * Lifetime: a connection is owned by its work item. The socket callbacks,
 * the idle timer and a stopping server may only queue that work; the work
 * closes the connection by first cutting off each of those sources (in
 * that order) and then freeing it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

#include "ktcp_internal.h"
#include "latency_bucket.h"
#include "test_hooks.h"

/*
 * A run yields the CPU to the next connection after this many steps, or
 * once it has moved the service's ->run_bytes (KTCP_RUN_BYTES unless
 * the service says), whichever comes first: a connection with much to
 * do goes to the back of its CPU's queue instead of holding the rest.
 */
#define KTCP_CONN_BUDGET 16
#define KTCP_RUN_BYTES (64 * 1024)
/*
 * Connections looked at, oldest first, for one to evict at max_conns:
 * bounded, as it happens under conns_lock at every accept over the limit.
 */
#define KTCP_EVICT_SCAN 32

/*
 * Run the connection on its CPU. The server's workqueue is per-CPU, so
 * each CPU's pool runs its connections one after another while none
 * blocks, and the workqueue never runs one item on two CPUs at once,
 * wherever it was queued before. A CPU that went offline still runs
 * what is queued to it, on another.
 */
static void ktcp_conn_queue(struct ktcp_conn *conn)
{
	struct ktcp_server *srv = conn->srv;

	if (srv->params.percpu_wq)
		queue_work(srv->wq, &conn->work);
	else
		queue_work_on(READ_ONCE(conn->cpu), srv->wq, &conn->work);
}

/* Socket callbacks run in softirq context with the socket locked. */
static void ktcp_conn_wake(struct sock *sk)
{
	struct ktcp_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		ktcp_conn_queue(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

/*
 * The peer sent something: it is not idle, however long the connection
 * then waits for its CPU. Called under the socket lock (its spinlock in
 * softirq, or its owner's release_sock()), as ktcp_conn_read_sock()
 * reads and clears the arrival stamp.
 */
static void ktcp_conn_data_ready(struct sock *sk)
{
	struct ktcp_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn) {
		WRITE_ONCE(conn->last_active, jiffies);
		/* The first arrival since the last consumer took everything. */
		if (conn->srv->svc->stamp_rx &&
		    static_branch_likely(&ktcp_latency_on) &&
		    !READ_ONCE(conn->rx_ns))
			WRITE_ONCE(conn->rx_ns, ktime_get_ns());
		ktcp_conn_queue(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ktcp_conn_write_space(struct sock *sk)
{
	struct ktcp_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn) {
		/* Only worth a run when a blocked send can make progress. */
		if (sk_stream_is_writeable(sk))
			ktcp_conn_queue(conn);
		/* The original clears SOCK_NOSPACE so TCP keeps calling us. */
		conn->saved_write_space(sk);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

/*
 * One timer per connection serves both the idle timeout and the service's
 * deadline (ktcp_conn_set_deadline()): it is armed for the earlier of the
 * two. Activity only stamps last_active; the timer catches up when it
 * fires. Arming reads the deadline after mod_timer(), so a deadline set
 * meanwhile (its timer_reduce() overridden by our mod_timer()) is seen
 * and re-applied here. Also called for a listed connection, under
 * srv->conns_lock, when it is registered and when the server's idle
 * timeout changes, so that a shorter one applies at once.
 */
void ktcp_conn_arm(struct ktcp_conn *conn)
{
	unsigned long idle = READ_ONCE(conn->srv->idle_jiffies);
	unsigned long deadline;

	if (idle)
		mod_timer(&conn->idle_timer,
			  READ_ONCE(conn->last_active) + idle);
	deadline = READ_ONCE(conn->deadline);
	if (deadline)
		timer_reduce(&conn->idle_timer, deadline);
}

static void ktcp_conn_timer(struct timer_list *t)
{
	struct ktcp_conn *conn = from_timer(conn, t, idle_timer);
	unsigned long idle = READ_ONCE(conn->srv->idle_jiffies);
	unsigned long deadline = READ_ONCE(conn->deadline);

	/* Idle means the peer was silent, not that its CPU was busy. */
	if (idle && work_pending(&conn->work))
		WRITE_ONCE(conn->last_active, jiffies);
	else if (idle &&
		 !time_before(jiffies, READ_ONCE(conn->last_active) + idle)) {
		set_bit(KTCP_CONN_TIMED_OUT, &conn->flags);
		ktcp_conn_queue(conn);
		return;
	}
	if (deadline && !time_before(jiffies, deadline)) {
		/* The service judges its deadline when it runs; once. */
		cmpxchg(&conn->deadline, deadline, 0);
		ktcp_conn_queue(conn);
	}
	ktcp_conn_arm(conn);
}

/* Ask a connection to close; caller holds srv->conns_lock. */
void ktcp_conn_request_close(struct ktcp_conn *conn)
{
	set_bit(KTCP_CONN_CLOSING, &conn->flags);
	ktcp_conn_queue(conn);
}

static void ktcp_conn_detach(struct ktcp_conn *conn)
{
	struct sock *sk = conn->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = conn->saved_data_ready;
	sk->sk_write_space = conn->saved_write_space;
	sk->sk_state_change = conn->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

/*
 * Give @sk the namespace reference a user socket holds. Without one,
 * tcp_close() stops the retransmit and probe timers (since "tcp: properly
 * terminate timers for kernel sockets", in 6.1.y and 6.12): a FIN or the
 * tail of a response lost after the close would never be sent again, and
 * the orphan would stay in FIN-WAIT-1 or LAST-ACK for good. The socket
 * gives the reference back when it is freed. A namespace already on its
 * way out cannot be held, and need not be: there tcp_close() drops the
 * connection at once.
 */
static void ktcp_sock_hold_net(struct sock *sk)
{
	struct net *net = sock_net(sk);

	if (sk->sk_net_refcnt || !maybe_get_net(net))
		return;
#ifdef KTCP_HAVE_SK_NET_REFCNT_UPGRADE
	/* It also trades the socket's passive reference for a full one. */
	sk_net_refcnt_upgrade(sk);
	put_net(net);
#else
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	__netns_tracker_free(net, &sk->ns_tracker, false);
#endif
	netns_tracker_alloc(net, &sk->ns_tracker, GFP_KERNEL);
	sk->sk_net_refcnt = 1;
	sock_inuse_add(net, 1);
#endif
}

/* Hand an accepted socket to TCP to finish the close on its own. */
static void ktcp_sock_release(struct socket *sock)
{
	ktcp_sock_hold_net(sock->sk);
	sock_release(sock);
}

static void ktcp_conn_close(struct ktcp_conn *conn, unsigned int why)
{
	struct ktcp_server *srv = conn->srv;
	struct ktcp_service *svc = srv->svc;
	struct sock *sk = conn->sock->sk;

	ktcp_conn_detach(conn);
	/*
	 * A peer that timed out with data we could not even send yet (its
	 * window is closed or tiny) is not reading: a FIN would leave that
	 * data to an orphaned socket that TCP keeps trickling to it for
	 * minutes. Reset instead. Data merely unacknowledged (a last answer
	 * in flight) still gets the FIN after it.
	 */
	if (why == KTCP_STATS_A_TIMED_OUT && !tcp_write_queue_empty(sk))
		sock_no_linger(sk);
	spin_lock_bh(&srv->conns_lock);
	list_del(&conn->node);
	if (test_bit(KTCP_CONN_EVICTED, &conn->flags))
		srv->nevicted--;
	spin_unlock_bh(&srv->conns_lock);
	timer_delete_sync(&conn->idle_timer);
	/*
	 * Nothing can queue the work any more; drop a run queued meanwhile.
	 * The workqueue allows a work item to free itself once running.
	 */
	cancel_work(&conn->work);

	if (svc->conn_release)
		svc->conn_release(conn);
	atomic_long_sub(conn->mem, &srv->mem);
	ktcp_server_put_cpu(srv, conn->cpu);
	ktcp_sock_release(conn->sock);
	if (why)
		ktcp_stats_add(&srv->stats, why, 1);
	ktcp_stats_add(&srv->stats, KTCP_STATS_A_CLOSED, 1);
	ktcp_stats_add(&srv->stats, KTCP_STATS_A_ACTIVE, -1);
	kmem_cache_free(srv->svc->conn_cache, conn);

	/* Last: the stopper frees srv once every connection is gone. */
	spin_lock_bh(&srv->conns_lock);
	if (!--srv->nconns)
		wake_up(&srv->conns_empty);
	spin_unlock_bh(&srv->conns_lock);
}

/* The counter a connection closed by @ret (or asked to close) adds to. */
static unsigned int ktcp_conn_why(struct ktcp_conn *conn, int ret)
{
	if (test_bit(KTCP_CONN_EVICTED, &conn->flags))
		return KTCP_STATS_A_EVICTED;
	if (test_bit(KTCP_CONN_OVER_MEM, &conn->flags))
		return KTCP_STATS_A_OVER_MEM;
	return ret < 0 ? KTCP_STATS_A_ERRORS : 0;
}

/*
 * Up to KTCP_CONN_BUDGET steps of the service, or its ->run_bytes, as
 * the service's ->run_cred if it has one. Returns the last verdict.
 */
static int ktcp_conn_run(struct ktcp_conn *conn)
{
	struct ktcp_service *svc = conn->srv->svc;
	u32 bytes = svc->run_bytes ?: KTCP_RUN_BYTES;
	const struct cred *cred = NULL, *old = NULL;
	int i, ret = KTCP_CONN_DONE;

	if (svc->run_cred)
		cred = svc->run_cred(conn->srv);
	if (cred)
		old = override_creds(cred);
	conn->run_bytes = 0;
	for (i = 0; i < KTCP_CONN_BUDGET && conn->run_bytes < bytes; i++) {
		ret = svc->conn_process(conn);
		if (ret != KTCP_CONN_AGAIN)
			break;
	}
	if (cred)
		revert_creds(old);
	return ret;
}

static void ktcp_conn_work(struct work_struct *work)
{
	struct ktcp_conn *conn = container_of(work, struct ktcp_conn, work);
	int ret = KTCP_CONN_DONE;

	if (test_bit(KTCP_CONN_CLOSING, &conn->flags))
		goto close;
	if (test_bit(KTCP_CONN_TIMED_OUT, &conn->flags)) {
		ktcp_conn_close(conn, KTCP_STATS_A_TIMED_OUT);
		return;
	}
	ret = ktcp_conn_run(conn);
	if (ret == KTCP_CONN_WAIT)
		return;
	if (ret == KTCP_CONN_AGAIN) {
		ktcp_conn_queue(conn);
		return;
	}
	if (ret == KTCP_CONN_TOO_SLOW) {
		ktcp_conn_close(conn, KTCP_STATS_A_TIMED_OUT);
		return;
	}
close:
	ktcp_conn_close(conn, ktcp_conn_why(conn, ret));
}

static struct ktcp_conn *ktcp_conn_alloc(struct ktcp_server *srv,
					 struct socket *sock)
{
	struct ktcp_conn *conn;

	conn = kmem_cache_zalloc(srv->svc->conn_cache, GFP_KERNEL);
	if (!conn)
		return NULL;
	conn->srv = srv;
	conn->sock = sock;
	/* Where the handshake's packets came in, if that is ours. */
	conn->cpu =
		ktcp_server_pick_cpu(srv, READ_ONCE(sock->sk->sk_incoming_cpu));
	conn->last_active = jiffies;
	/*
	 * Data may be queued before our data_ready is: timed from now, the
	 * first run's. Stale if none was; that run clears it then.
	 */
	if (srv->svc->stamp_rx)
		conn->rx_ns = ktcp_latency_clock();
	/* Quiet until served: evictable before its first run too. */
	if (srv->svc->evict_waiting)
		__set_bit(KTCP_CONN_WAITING, &conn->flags);
	INIT_WORK(&conn->work, ktcp_conn_work);
	timer_setup(&conn->idle_timer, ktcp_conn_timer, 0);
	return conn;
}

/* The socket's own callbacks come back when the connection closes. */
static void ktcp_conn_attach(struct ktcp_conn *conn)
{
	struct sock *sk = conn->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	conn->saved_data_ready = sk->sk_data_ready;
	conn->saved_write_space = sk->sk_write_space;
	conn->saved_state_change = sk->sk_state_change;
	sk->sk_user_data = conn;
	sk->sk_data_ready = ktcp_conn_data_ready;
	sk->sk_write_space = ktcp_conn_write_space;
	sk->sk_state_change = ktcp_conn_wake;
	write_unlock_bh(&sk->sk_callback_lock);
}

/*
 * Make room at max_conns: ask the waiting connection that has been quiet
 * the longest, among the oldest few, to close. It stays listed (and in
 * nconns) until its work closes it, but no longer counts against the
 * limit. An idle keep-alive client loses a connection it can reopen; a
 * client that holds a half-sent request loses its hold. Caller holds
 * conns_lock.
 */
static bool ktcp_conn_evict(struct ktcp_server *srv)
{
	struct ktcp_conn *conn, *victim = NULL;
	int n = 0;

	list_for_each_entry(conn, &srv->conns, node) {
		/*
		 * Those already on their way out (the oldest, evicted by
		 * the accepts just before) are passed over uncounted: at
		 * most nevicted of them, and they leave the list soon.
		 */
		if (test_bit(KTCP_CONN_CLOSING, &conn->flags) ||
		    test_bit(KTCP_CONN_TIMED_OUT, &conn->flags))
			continue;
		if (++n > KTCP_EVICT_SCAN)
			break;
		if (!test_bit(KTCP_CONN_WAITING, &conn->flags))
			continue;
		if (!victim || time_before(READ_ONCE(conn->last_active),
					   READ_ONCE(victim->last_active)))
			victim = conn;
	}
	if (!victim)
		return false;
	set_bit(KTCP_CONN_EVICTED, &victim->flags);
	srv->nevicted++;
	ktcp_conn_request_close(victim);
	return true;
}

/*
 * Enter the registry, fully set up: once listed, a stopping server or a
 * settings change may touch the connection, so the callbacks and the idle
 * timer are in place before anyone can see it. False when the server is
 * full or stopping.
 *
 * From the moment the callbacks are attached, a packet or a reset on
 * another CPU can queue the work, which may close and free the connection
 * as soon as conns_lock is free (ktcp_conn_close() takes it to unlist).
 * So the first run, for data that arrived before the callbacks were ours,
 * is queued here, under the lock: on true the connection belongs to its
 * work and the caller must not touch it again.
 */
static bool ktcp_conn_register(struct ktcp_server *srv, struct ktcp_conn *conn)
{
	u32 max = READ_ONCE(srv->params.max_conns);
	bool ok;

	spin_lock_bh(&srv->conns_lock);
	ok = !srv->stopping && (!max || srv->nconns - srv->nevicted < max ||
				ktcp_conn_evict(srv));
	if (ok) {
		/*
		 * Its CPU was picked before a SET that changed the set could
		 * see it listed: the SET published the set before it took
		 * conns_lock to move the listed ones, so it is seen here.
		 */
		if (!ktcp_server_cpu_ok(srv, conn->cpu)) {
			ktcp_server_put_cpu(srv, conn->cpu);
			conn->cpu = ktcp_server_pick_cpu(srv, -1);
		}
		ktcp_conn_attach(conn);
		list_add_tail(&conn->node, &srv->conns);
		srv->nconns++;
		ktcp_conn_arm(conn);
		ktcp_conn_queue(conn);
	}
	spin_unlock_bh(&srv->conns_lock);
	return ok;
}

/*
 * Adopt a freshly accepted socket, whose callbacks the caller has already
 * reset to the kernel's own. Consumes @sock in every case.
 */
void ktcp_conn_accepted(struct ktcp_server *srv, struct socket *sock)
{
	struct ktcp_conn *conn;

	conn = ktcp_conn_alloc(srv, sock);
	if (!conn) {
		ktcp_stats_add(&srv->stats, KTCP_STATS_A_ERRORS, 1);
		ktcp_sock_release(sock);
		return;
	}
	ktcp_stats_add(&srv->stats, KTCP_STATS_A_ACCEPTED, 1);
	if (srv->svc->nodelay)
		tcp_sock_set_nodelay(sock->sk);
	if (srv->svc->notsent_lowat) {
		/* As setsockopt(TCP_NOTSENT_LOWAT), which has no helper. */
		lock_sock(sock->sk);
		WRITE_ONCE(tcp_sk(sock->sk)->notsent_lowat,
			   srv->svc->notsent_lowat);
		release_sock(sock->sk);
	}
	ktcp_test_delay(KTCP_TEST_ACCEPT_PICKED);
	/* Counted first: the connection may be closed, and uncounted, at once. */
	ktcp_stats_add(&srv->stats, KTCP_STATS_A_ACTIVE, 1);
	if (!ktcp_conn_register(srv, conn)) {
		ktcp_stats_add(&srv->stats, KTCP_STATS_A_ACTIVE, -1);
		ktcp_stats_add(&srv->stats, KTCP_STATS_A_REFUSED, 1);
		ktcp_server_put_cpu(srv, conn->cpu);
		kmem_cache_free(srv->svc->conn_cache, conn);
		ktcp_sock_release(sock);
		return;
	}
	/* @conn is its work's now: this window must stay harmless. */
	ktcp_test_delay(KTCP_TEST_ACCEPTED);
}

unsigned long ktcp_conn_idle_timeout(struct ktcp_conn *conn)
{
	return READ_ONCE(conn->srv->idle_jiffies);
}
EXPORT_SYMBOL_GPL(ktcp_conn_idle_timeout);

int ktcp_conn_mem_charge(struct ktcp_conn *conn, size_t n)
{
	struct ktcp_server *srv = conn->srv;
	long max = (long)READ_ONCE(srv->params.max_mem_kb) << 10;

	if (atomic_long_add_return(n, &srv->mem) > max && max) {
		atomic_long_sub(n, &srv->mem);
		set_bit(KTCP_CONN_OVER_MEM, &conn->flags);
		return -ENOBUFS;
	}
	conn->mem += n;
	return 0;
}
EXPORT_SYMBOL_GPL(ktcp_conn_mem_charge);

void ktcp_conn_mem_uncharge(struct ktcp_conn *conn, size_t n)
{
	if (WARN_ON_ONCE(n > conn->mem))
		n = conn->mem;
	conn->mem -= n;
	atomic_long_sub(n, &conn->srv->mem);
}
EXPORT_SYMBOL_GPL(ktcp_conn_mem_uncharge);

void ktcp_conn_run_charge(struct ktcp_conn *conn, size_t n)
{
	conn->run_bytes += n;
}
EXPORT_SYMBOL_GPL(ktcp_conn_run_charge);

void ktcp_conn_set_deadline(struct ktcp_conn *conn, unsigned long when)
{
	WRITE_ONCE(conn->deadline, when);
	if (when)
		timer_reduce(&conn->idle_timer, when);
}
EXPORT_SYMBOL_GPL(ktcp_conn_set_deadline);

void ktcp_conn_set_waiting(struct ktcp_conn *conn, bool waiting)
{
	if (waiting)
		set_bit(KTCP_CONN_WAITING, &conn->flags);
	else
		clear_bit(KTCP_CONN_WAITING, &conn->flags);
}
EXPORT_SYMBOL_GPL(ktcp_conn_set_waiting);

struct ktcp_server *ktcp_conn_server(struct ktcp_conn *conn)
{
	return conn->srv;
}
EXPORT_SYMBOL_GPL(ktcp_conn_server);

void *ktcp_conn_priv(struct ktcp_conn *conn)
{
	return conn->priv;
}
EXPORT_SYMBOL_GPL(ktcp_conn_priv);

void ktcp_conn_stat_add(struct ktcp_conn *conn, unsigned int stat, u64 n)
{
	if (!WARN_ON_ONCE(stat > KTCP_STATS_A_MAX))
		ktcp_stats_add(&conn->srv->stats, stat, n);
}
EXPORT_SYMBOL_GPL(ktcp_conn_stat_add);

int ktcp_conn_recv(struct ktcp_conn *conn, void *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	int ret;

	ret = kernel_recvmsg(conn->sock, &msg, &vec, 1, len, MSG_DONTWAIT);
	if (ret > 0) {
		ktcp_conn_moved(conn, KTCP_STATS_A_BYTES_IN, ret);
		WRITE_ONCE(conn->last_active, jiffies);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(ktcp_conn_recv);

int ktcp_conn_peek(struct ktcp_conn *conn, void *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec vec = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(conn->sock, &msg, &vec, 1, len,
			      MSG_DONTWAIT | MSG_PEEK);
}
EXPORT_SYMBOL_GPL(ktcp_conn_peek);

int ktcp_conn_send(struct ktcp_conn *conn, const void *buf, size_t len,
		   bool more)
{
	struct msghdr msg = {
		.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL |
			     (more ? MSG_MORE : 0),
	};
	struct kvec vec = { .iov_base = (void *)buf, .iov_len = len };
	int ret;

	ret = kernel_sendmsg(conn->sock, &msg, &vec, 1, len);
	if (ret > 0) {
		ktcp_conn_moved(conn, KTCP_STATS_A_BYTES_OUT, ret);
		WRITE_ONCE(conn->last_active, jiffies);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(ktcp_conn_send);

bool ktcp_conn_readable(struct ktcp_conn *conn)
{
	struct sock *sk = conn->sock->sk;

	return !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
	       READ_ONCE(sk->sk_err) ||
	       (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
}
EXPORT_SYMBOL_GPL(ktcp_conn_readable);

/* Why tcp_read_sock() consumed nothing; the socket is locked. */
static int ktcp_conn_read_stop(struct sock *sk, const read_descriptor_t *desc)
{
	if (desc->error)
		return desc->error;
	if (sk->sk_err)
		return sock_error(sk); /* -errno; it also clears the error */
	if (skb_queue_empty(&sk->sk_receive_queue))
		return sk->sk_shutdown & RCV_SHUTDOWN ? 0 : -EAGAIN;
	return READ_ONCE(tcp_sk(sk)->urg_data) ? -EBADMSG : -EAGAIN;
}

/*
 * Whether tcp_read_sock() stopped where no callback will run us again:
 * at the FIN, taken with the data, or at urgent data, which it does not
 * pass; or where the actor failed with more than a full send queue (out
 * of memory, the socket's error), which the next run then meets before
 * anything else. Not where the send queue filled or the budget ran out,
 * for which write space comes or the service asks for another run.
 */
static bool ktcp_conn_read_again(struct sock *sk, const read_descriptor_t *desc)
{
	if (desc->error)
		return desc->error != -EAGAIN;
	return desc->count && (!skb_queue_empty(&sk->sk_receive_queue) ||
			       (sk->sk_shutdown & RCV_SHUTDOWN));
}

int ktcp_conn_read_sock(struct ktcp_conn *conn, sk_read_actor_t actor,
			size_t budget)
{
	read_descriptor_t desc = { .arg.data = conn, .count = budget };
	struct sock *sk = conn->sock->sk;
	bool again = false;
	u64 start;
	int ret;

	lock_sock(sk);
	start = READ_ONCE(conn->rx_ns);
	ret = tcp_read_sock(sk, &desc, actor);
	if (ret > 0)
		again = ktcp_conn_read_again(sk, &desc);
	else
		ret = ktcp_conn_read_stop(sk, &desc);
	/* All consumed: the next data_ready stamps the next arrival. */
	if (start && skb_queue_empty(&sk->sk_receive_queue))
		WRITE_ONCE(conn->rx_ns, 0);
	else
		start = 0;
	release_sock(sk);
	conn->rx_start = ret > 0 ? start : 0;
	if (ret <= 0)
		return ret;
	ktcp_conn_moved(conn, KTCP_STATS_A_BYTES_IN, ret);
	WRITE_ONCE(conn->last_active, jiffies);
	if (again)
		ktcp_conn_queue(conn);
	return ret;
}
EXPORT_SYMBOL_GPL(ktcp_conn_read_sock);

/*
 * @skb is still in the receive queue, which its sender does not own. A
 * send that builds 16 segments processes the socket's backlog on the way
 * (tcp_sendmsg_locked()), and a segment found there over the receive
 * buffer collapses the queue (tcp_prune_queue()), which frees @skb
 * whatever holds it, while __skb_send_sock() still reads its head and
 * frags. A peer decides both: a small MSS and window keep our segments
 * small, and single bytes trickled in take the receive memory over the
 * buffer (t-echo-collapse). So the send goes from a clone, which keeps
 * the data and the frags alive whatever happens to @skb: a head from
 * its slab, no copy of the data.
 */
static int ktcp_conn_send_skb_locked(struct sock *sk, struct sk_buff *skb,
				     int off, int len)
{
	struct sk_buff *clone = skb_clone(skb, sk->sk_allocation);
	int ret;

	if (!clone)
		return -ENOMEM;
	ret = skb_send_sock_locked(sk, clone, off, len);
	consume_skb(clone);
	return ret;
}

int ktcp_conn_send_skb(struct ktcp_conn *conn, struct sk_buff *skb, int off,
		       int len)
{
	int ret;

	ret = ktcp_conn_send_skb_locked(conn->sock->sk, skb, off, len);
	/* No activity stamp: the ktcp_conn_read_sock() we run under makes it. */
	if (ret > 0)
		ktcp_conn_moved(conn, KTCP_STATS_A_BYTES_OUT, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(ktcp_conn_send_skb);

u64 ktcp_latency_clock(void)
{
	return static_branch_likely(&ktcp_latency_on) ? ktime_get_ns() : 0;
}
EXPORT_SYMBOL_GPL(ktcp_latency_clock);

void ktcp_conn_latency(struct ktcp_conn *conn, u64 start)
{
	struct ktcp_latency_cpu __percpu *pcpu = conn->srv->lat.pcpu;
	u64 now, ns;

	if (!start || !static_branch_likely(&ktcp_latency_on))
		return;
	now = ktime_get_ns();
	ns = now > start ? now - start : 0;
	this_cpu_inc(pcpu->b[ktcp_latency_bucket(ns)]);
	this_cpu_add(pcpu->sum_ns, ns);
}
EXPORT_SYMBOL_GPL(ktcp_conn_latency);

u64 ktcp_conn_rx_start(struct ktcp_conn *conn)
{
	return conn->rx_start;
}
EXPORT_SYMBOL_GPL(ktcp_conn_rx_start);

/* Half-close: FIN after what is queued; receiving still works. */
int ktcp_conn_shutdown_write(struct ktcp_conn *conn)
{
	return kernel_sock_shutdown(conn->sock, SHUT_WR);
}
EXPORT_SYMBOL_GPL(ktcp_conn_shutdown_write);
