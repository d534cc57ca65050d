// SPDX-License-Identifier: GPL-2.0
/*
 * Finding and aborting TCP sockets. Only the established hash is searched
 * (established, TIME_WAIT and request sockets): listeners live in another
 * table, so no lookup here can fall back to one.
 *
 * A socket is found first and aborted after, without the bucket lock, and
 * in between its owner can disconnect it (connect(AF_UNSPEC)) and listen()
 * on it, or connect it elsewhere. tcp_abort(), the kernel's own code
 * behind `ss -K`, would then stop that listener: it takes the socket lock
 * itself, so nothing can be checked under the same lock before it runs.
 * A full socket that has an owner is therefore aborted here, by hand,
 * under its lock, and only while it still has the state and the tuple it
 * was found with: a RST when the state calls for one, ECONNABORTED to the
 * owner, then closed, as tcp_abort() leaves it. Orphans (no owner can
 * listen() on them) and TIME_WAIT sockets go to tcp_abort(), which
 * deschedules a TIME_WAIT socket. A request socket is unlinked from its
 * listener here, as tcp_abort() does, to learn whether it still was in
 * the queue.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/inet6_hashtables.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "../ktcp_internal.h"
#include "../test_hooks.h"
#include "droptcp.h"

/* Sockets taken from one bucket per pass, referenced, lock dropped. */
#define DROPTCP_BATCH 16

static struct inet_hashinfo *droptcp_hashinfo(const struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

/* The state as `ss` shows it (and as filters name it). */
static u8 droptcp_state(const struct sock *sk)
{
	u8 state = inet_sk_state_load(sk);

	if (state == TCP_TIME_WAIT)
		return inet_twsk(sk)->tw_substate;
	if (state == TCP_NEW_SYN_RECV)
		return TCP_SYN_RECV;
	return state;
}

/* The IPv4 connections of IPv6 sockets are reported as IPv4. */
static void droptcp_sock_tuple(const struct sock *sk, struct droptcp_tuple *t)
{
	t->sport = sk->sk_num;
	t->dport = ntohs(sk->sk_dport);
	/* A request socket's is its ir_iif, a TIME_WAIT one's tw's. */
	t->ifindex = READ_ONCE(sk->sk_bound_dev_if);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		t->family = AF_INET6;
		t->saddr = sk->sk_v6_rcv_saddr;
		t->daddr = sk->sk_v6_daddr;
		return;
	}
#endif
	t->family = AF_INET;
	ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, &t->saddr);
	ipv6_addr_set_v4mapped(sk->sk_daddr, &t->daddr);
}

/*
 * Referenced socket of exactly this tuple, or NULL. Never a listener. A
 * socket bound to a device matches only t->ifindex (as the device a
 * packet came in on would); one bound to none matches any.
 */
static struct sock *droptcp_lookup(struct net *net,
				   const struct droptcp_tuple *t)
{
	struct inet_hashinfo *hinfo = droptcp_hashinfo(net);
	struct sock *sk = NULL;

	/* The lookups take their reference inside an RCU section. */
	rcu_read_lock();
	if (t->family == AF_INET)
		sk = __inet_lookup_established(
			net, hinfo, t->daddr.s6_addr32[3], htons(t->dport),
			t->saddr.s6_addr32[3], t->sport, t->ifindex, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		sk = __inet6_lookup_established(net, hinfo, &t->daddr,
						htons(t->dport), &t->saddr,
						t->sport, t->ifindex, 0);
#endif
	rcu_read_unlock();
	return sk;
}

/* The same addresses and ports; the interfaces are not compared. */
static bool droptcp_same_ends(const struct droptcp_tuple *a,
			      const struct droptcp_tuple *b)
{
	return a->family == b->family && a->sport == b->sport &&
	       a->dport == b->dport && ipv6_addr_equal(&a->saddr, &b->saddr) &&
	       ipv6_addr_equal(&a->daddr, &b->daddr);
}

/* Still the connection @t, in a state a drop may take? Socket locked. */
static bool droptcp_same_conn(const struct sock *sk,
			      const struct droptcp_tuple *t)
{
	struct droptcp_tuple now;

	if (!(KTCP_DROP_STATE(sk->sk_state) & KTCP_DROP_STATES_ALL))
		return false;
	droptcp_sock_tuple(sk, &now);
	return now.ifindex == t->ifindex && droptcp_same_ends(&now, t);
}

/* tcp_abort() says -ENOENT (6.12) when the socket closed meanwhile. */
static u8 droptcp_tcp_abort(struct sock *sk)
{
	if (tcp_abort(sk, ECONNABORTED))
		return KTCP_DROP_NOT_FOUND;
	return KTCP_DROP_DROPPED;
}

/*
 * Unlink a request socket from its listener's queue (and the hash).
 * Since it was found, its handshake may have completed, leaving the
 * connection it became in its place in the hash, or it may have timed
 * out: it is then unhashed already and nothing was dropped, though
 * tcp_abort() would say 0.
 */
static u8 droptcp_abort_request(struct sock *sk)
{
	struct request_sock *req = inet_reqsk(sk);
	bool unlinked;

	local_bh_disable();
	unlinked = inet_csk_reqsk_queue_drop(req->rsk_listener, req);
	local_bh_enable();
	return unlinked ? KTCP_DROP_DROPPED : KTCP_DROP_NOT_FOUND;
}

/*
 * Abort @sk as tcp_abort() would if it is still the connection @t; the
 * caller holds its socket lock and bh lock. Returns the result, or
 * KTCP_DROP_UNSPEC when tcp_abort() can and must do it after all.
 */
static u8 droptcp_abort_locked(struct sock *sk, const struct droptcp_tuple *t)
{
	/* No owner can make an orphan a listener, whatever its state. */
	if (sock_flag(sk, SOCK_DEAD))
		return KTCP_DROP_UNSPEC;
	if (!droptcp_same_conn(sk, t))
		return KTCP_DROP_NOT_FOUND;
	/*
	 * kTLS refuses to disconnect: its owner cannot disconnect the socket
	 * either, so it can never listen() on it.
	 */
	if (sk->sk_prot->disconnect(sk, 0))
		return KTCP_DROP_UNSPEC;
	/*
	 * disconnect sent the RST (tcp_send_active_reset() is not exported),
	 * closed the socket and purged its queues, but left it reusable and
	 * reported ECONNRESET. Leave it as tcp_abort() does: ECONNABORTED,
	 * shut down both ways.
	 */
	WRITE_ONCE(sk->sk_err, ECONNABORTED);
	/* Paired with the smp_rmb() in tcp_poll(). */
	smp_wmb();
	sk_error_report(sk);
	tcp_done(sk);
	return KTCP_DROP_DROPPED;
}

/*
 * Abort @sk, found as the connection @t; the caller keeps its reference.
 * The socket lock keeps the owner from disconnecting it while we look;
 * the bh lock, as in tcp_abort(), keeps a listener that is closing from
 * disconnecting and freeing it while it waits in an accept queue.
 */
static u8 droptcp_abort_now(struct sock *sk, const struct droptcp_tuple *t)
{
	u8 result;

	if (inet_sk_state_load(sk) == TCP_NEW_SYN_RECV)
		return droptcp_abort_request(sk);
	if (!sk_fullsock(sk))
		return droptcp_tcp_abort(sk);
	lock_sock(sk);
	local_bh_disable();
	bh_lock_sock(sk);
	result = droptcp_abort_locked(sk, t);
	bh_unlock_sock(sk);
	local_bh_enable();
	release_sock(sk);
	return result == KTCP_DROP_UNSPEC ? droptcp_tcp_abort(sk) : result;
}

static u8 droptcp_abort(struct sock *sk, const struct droptcp_tuple *t)
{
	ktcp_test_delay(KTCP_TEST_DROP_FOUND);
	return droptcp_abort_now(sk, t);
}

static bool droptcp_addr_match(u8 ffamily, const struct in6_addr *faddr,
			       u8 prefix, u8 family,
			       const struct in6_addr *addr)
{
	__be32 mask;

	if (!ffamily)
		return true;
	if (ffamily != family)
		return false;
	if (family == AF_INET6)
		return ipv6_prefix_equal(faddr, addr, prefix);
	/* A shift by 32 is undefined; prefix 0 matches everything. */
	mask = prefix ? htonl(~0U << (32 - prefix)) : 0;
	return !((faddr->s6_addr32[3] ^ addr->s6_addr32[3]) & mask);
}

/*
 * Fill @s from @sk and tell whether @f takes it. Bucket lock held, or a
 * reference to a full socket (each field is read once).
 */
static bool droptcp_match(const struct sock *sk, const struct droptcp_filter *f,
			  struct droptcp_sock *s)
{
	s->state = droptcp_state(sk);
	if (!(f->states & KTCP_DROP_STATE(s->state)))
		return false;
	droptcp_sock_tuple(sk, &s->t);
	if ((f->sport && f->sport != s->t.sport) ||
	    (f->dport && f->dport != s->t.dport))
		return false;
	return droptcp_addr_match(f->sfamily, &f->saddr, f->sprefix,
				  s->t.family, &s->t.saddr) &&
	       droptcp_addr_match(f->dfamily, &f->daddr, f->dprefix,
				  s->t.family, &s->t.daddr);
}

/*
 * @s was a request socket, found and then not in its listener's queue:
 * if its handshake completed, the connection it became has its tuple,
 * and (on the kernels that replace a request in place) its place in the
 * hash bucket, where no walk meets it again. Drop that connection if @f
 * (NULL: any) takes it, as @s. A socket that has other ends by the time
 * it is read is not what was asked for, and is left alone.
 */
static void droptcp_drop_became(struct net *net, const struct droptcp_filter *f,
				struct droptcp_sock *s)
{
	struct sock *sk = droptcp_lookup(net, &s->t);
	struct droptcp_sock now;

	if (!sk)
		return;
	if (!sk_fullsock(sk))
		goto out;
	if (f) {
		if (!droptcp_match(sk, f, &now))
			goto out;
	} else {
		now.state = droptcp_state(sk);
		droptcp_sock_tuple(sk, &now.t);
	}
	if (droptcp_same_ends(&now.t, &s->t)) {
		s->state = now.state;
		s->result = droptcp_abort_now(sk, &now.t);
	}
out:
	sock_gen_put(sk);
}

/*
 * Drop the socket of s->t, setting s->state and s->result. A socket
 * whose owner connected it elsewhere between the lookup and the reading
 * of its tuple is not the one asked for: not found.
 */
void droptcp_tuple_drop(struct net *net, bool dry_run, struct droptcp_sock *s)
{
	struct sock *sk = droptcp_lookup(net, &s->t);
	struct droptcp_tuple found;
	bool request;

	s->state = 0;
	s->result = KTCP_DROP_NOT_FOUND;
	if (!sk)
		return;
	droptcp_sock_tuple(sk, &found);
	if (!droptcp_same_ends(&found, &s->t)) {
		sock_gen_put(sk);
		return;
	}
	s->state = droptcp_state(sk);
	request = inet_sk_state_load(sk) == TCP_NEW_SYN_RECV;
	s->result = dry_run ? KTCP_DROP_FOUND : droptcp_abort(sk, &found);
	sock_gen_put(sk);
	if (request && s->result == KTCP_DROP_NOT_FOUND)
		droptcp_drop_became(net, NULL, s);
}

/*
 * Take up to @max matching sockets of the walk's bucket, after skipping
 * w->skip matches, with a reference each, and count the matches left
 * after them into *left, stopping once the taken and the left exceed
 * @fit: whether a bucket fits is all a caller asks, and counting under
 * the same hold of the lock means no socket can join in between. The
 * walk is inet_diag's: the bucket lock is held only while looking;
 * aborting a socket takes its own locks (and this one, to unhash it),
 * so it happens after.
 */
static unsigned int droptcp_collect(struct droptcp_walk *w, struct sock **socks,
				    struct droptcp_sock *info, unsigned int max,
				    unsigned int fit, unsigned int *left)
{
	struct inet_hashinfo *hinfo = droptcp_hashinfo(w->net);
	struct inet_ehash_bucket *head = &hinfo->ehash[w->bucket];
	spinlock_t *lock = inet_ehash_lockp(hinfo, w->bucket);
	unsigned int skip = w->skip, n = 0;
	struct hlist_nulls_node *node;
	struct droptcp_sock spare;
	struct sock *sk;

	*left = 0;
	if (hlist_nulls_empty(&head->chain))
		return 0;
	spin_lock_bh(lock);
	sk_nulls_for_each(sk, node, &head->chain) {
		if (!net_eq(sock_net(sk), w->net) ||
		    !droptcp_match(sk, w->f, n < max ? &info[n] : &spare))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		if (n == max) {
			if (n + ++*left > fit)
				break;
			continue;
		}
		/* A socket on its way to being freed is already gone. */
		if (!refcount_inc_not_zero(&sk->sk_refcnt))
			continue;
		socks[n++] = sk;
	}
	spin_unlock_bh(lock);
	return n;
}

static void droptcp_put_all(struct sock **socks, unsigned int n)
{
	while (n)
		sock_gen_put(socks[--n]);
}

/*
 * Will a new scan of the walk's bucket meet @sk again? Not when it was
 * dropped, nor when its owner has made it a listener (hashed elsewhere)
 * or connected it to a tuple of another bucket.
 */
static bool droptcp_in_bucket(const struct droptcp_walk *w,
			      const struct sock *sk)
{
	return !sk_unhashed(sk) && inet_sk_state_load(sk) != TCP_LISTEN &&
	       (sk->sk_hash & droptcp_hashinfo(w->net)->ehash_mask) ==
		       w->bucket;
}

/*
 * Drop (or, dry run, only report) a batch, putting every reference.
 * Sockets still in the bucket afterwards (all of them in a dry run) are
 * skipped when it is scanned again. Returns nonzero when report() asked
 * to stop.
 */
static int droptcp_handle(struct droptcp_walk *w, struct sock **socks,
			  struct droptcp_sock *info, unsigned int n,
			  droptcp_report_fn report, void *arg)
{
	unsigned int i;
	int stop = 0;

	for (i = 0; i < n; i++) {
		if (w->dry_run) {
			info[i].result = KTCP_DROP_FOUND;
		} else {
			info[i].result = droptcp_abort(socks[i], &info[i].t);
			if (info[i].result == KTCP_DROP_NOT_FOUND &&
			    inet_sk_state_load(socks[i]) == TCP_NEW_SYN_RECV)
				droptcp_drop_became(w->net, w->f, &info[i]);
			if (info[i].result == KTCP_DROP_DROPPED)
				w->dropped++;
		}
		if (droptcp_in_bucket(w, socks[i]))
			w->skip++;
		sock_gen_put(socks[i]);
		w->count++;
		if (!stop)
			stop = report(&info[i], arg);
	}
	return stop;
}

/*
 * Drop what w->f matches, reporting each socket, until @max were reported,
 * report() says stop, or the walk is done (w->done). Yields the CPU
 * between buckets, so a hash of 100,000 sockets causes no soft lockup.
 * Returns how many sockets were reported.
 */
int droptcp_walk(struct droptcp_walk *w, unsigned int max,
		 droptcp_report_fn report, void *arg)
{
	struct inet_hashinfo *hinfo = droptcp_hashinfo(w->net);
	struct droptcp_sock info[DROPTCP_BATCH];
	struct sock *socks[DROPTCP_BATCH];
	unsigned int n, want, fit, left, reported = 0, seen = UINT_MAX;
	bool whole;

	while (!w->done && reported < max) {
		if (w->bucket > hinfo->ehash_mask ||
		    (w->f->limit && w->count >= w->f->limit)) {
			w->done = true;
			break;
		}
		want = min3(max - reported, (unsigned int)DROPTCP_BATCH,
			    w->f->limit ? w->f->limit - w->count : UINT_MAX);
		/*
		 * A bucket goes whole into one call when it can: the next
		 * call would resume it by position, and sockets that come or
		 * go in between (new ones are added at its head) would make
		 * that skip some and repeat others. Only a bucket with more
		 * matches than one call holds is still split. (Within a
		 * call, one of more than a batch is taken in passes, its
		 * lock dropped while a batch is aborted and reported.)
		 * Asked once, when the call comes to the bucket: a drop
		 * leaves skip at 0 in it.
		 */
		whole = w->bucket != seen && !w->skip && reported;
		seen = w->bucket;
		fit = whole ? max - reported : want;
		n = droptcp_collect(w, socks, info, want, fit, &left);
		if (n + left > fit && whole) {
			droptcp_put_all(socks, n);
			break;
		}
		reported += n;
		if (droptcp_handle(w, socks, info, n, report, arg))
			break;
		/*
		 * Not "n < want": a call that ended with the bucket's last
		 * match would resume it by position after all.
		 */
		if (!left) {
			w->bucket++;
			w->skip = 0;
		}
		cond_resched();
	}
	return reported;
}

/* The netns-wide counter that STATS_GET totals report. */
void droptcp_count(struct net *net, u32 dropped)
{
	atomic64_add(dropped, &ktcp_net(net)->sock_dropped);
}
