// SPDX-License-Identifier: GPL-2.0
/*
 * Access records (ktcp_server.h, ktcp_log_begin()): built in the
 * connection's work item, without sleeping, only while the server's netns
 * has a listener on the "access" group. A record is one skb from the
 * request's end to the response's: the request's side goes in at begin,
 * in a message sized for it, and the response's (status, bytes, time) is
 * added at the end, in the room left for it.
 */
#include <linux/ipv6.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "ktcp_internal.h"
#include "test_hooks.h"

/* What ktcp_log_end() adds: STATUS, BYTES and USEC (and CUT at begin). */
#define KTCP_LOG_END_SIZE \
	(nla_total_size(sizeof(u16)) + 2 * nla_total_size_64bit(8))

static size_t ktcp_log_size(const struct ktcp_log_req *req, size_t target,
			    size_t referer, size_t ua)
{
	size_t n = nla_total_size(sizeof(u32)) + /* KTCP_A_SERVER_ID */
		   nla_total_size(0) + /* KTCP_A_ACCESS */
		   nla_total_size_64bit(8) + /* TIME */
		   nla_total_size(sizeof(struct in6_addr)) +
		   nla_total_size(sizeof(u16)) + /* PORT */
		   nla_total_size(sizeof(u8)) + /* CUT */
		   KTCP_LOG_END_SIZE;

	if (req)
		n += nla_total_size(KTCP_ACCESS_METHOD_MAX + 1) +
		     nla_total_size(target) + nla_total_size(sizeof(u8)) +
		     (req->referer ? nla_total_size(referer) : 0) +
		     (req->user_agent ? nla_total_size(ua) : 0);
	return n;
}

/* The peer's address and port; IPv4-mapped IPv6 as IPv4. */
static int ktcp_log_put_peer(struct sk_buff *skb, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	int err;

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		err = nla_put_in6_addr(skb, KTCP_ACCESS_A_ADDR,
				       &sk->sk_v6_daddr);
	else
#endif
		err = nla_put_in_addr(skb, KTCP_ACCESS_A_ADDR,
				      inet->inet_daddr);
	if (err)
		return err;
	return nla_put_u16(skb, KTCP_ACCESS_A_PORT, ntohs(inet->inet_dport));
}

static int ktcp_log_put_req(struct sk_buff *skb, const struct ktcp_log_req *req,
			    size_t target, size_t referer, size_t ua)
{
	char method[KTCP_ACCESS_METHOD_MAX + 1];
	size_t mlen = min_t(size_t, req->method_len, KTCP_ACCESS_METHOD_MAX);

	memcpy(method, req->method, mlen);
	method[mlen] = '\0';
	if (nla_put_string(skb, KTCP_ACCESS_A_METHOD, method) ||
	    nla_put(skb, KTCP_ACCESS_A_TARGET, target, req->target) ||
	    nla_put_u8(skb, KTCP_ACCESS_A_PROTO, req->version_minor))
		return -EMSGSIZE;
	if (req->referer &&
	    nla_put(skb, KTCP_ACCESS_A_REFERER, referer, req->referer))
		return -EMSGSIZE;
	if (req->user_agent &&
	    nla_put(skb, KTCP_ACCESS_A_USER_AGENT, ua, req->user_agent))
		return -EMSGSIZE;
	return 0;
}

static void ktcp_log_drop(struct ktcp_conn *conn, struct ktcp_log *log)
{
	nlmsg_free(log->skb);
	log->skb = NULL;
	ktcp_conn_stat_add(conn, KTCP_STATS_A_LOG_DROPPED, 1);
}

bool ktcp_log_wanted(struct ktcp_conn *conn)
{
	return ktcp_genl_access_wanted(conn->srv);
}
EXPORT_SYMBOL_GPL(ktcp_log_wanted);

void ktcp_log_begin(struct ktcp_conn *conn, struct ktcp_log *log,
		    const struct ktcp_log_req *req)
{
	struct ktcp_server *srv = conn->srv;
	size_t target = 0, referer = 0, ua = 0;
	struct sk_buff *skb;
	u8 cut = 0;

	if (log->skb) /* a response that never ended: not logged */
		ktcp_log_end(conn, log, 0, 0);
	if (!ktcp_genl_access_wanted(srv))
		return;
	if (req) {
		target = min_t(size_t, req->target_len, KTCP_ACCESS_TARGET_MAX);
		referer = min_t(size_t, req->referer_len,
				KTCP_ACCESS_REFERER_MAX);
		ua = min_t(size_t, req->user_agent_len,
			   KTCP_ACCESS_USER_AGENT_MAX);
		cut |= target < req->target_len ? KTCP_ACCESS_CUT_TARGET : 0;
		cut |= referer < req->referer_len ? KTCP_ACCESS_CUT_REFERER : 0;
		cut |= ua < req->user_agent_len ? KTCP_ACCESS_CUT_USER_AGENT :
						  0;
	}
	skb = genlmsg_new(ktcp_log_size(req, target, referer, ua), GFP_NOWAIT);
	if (!skb) {
		ktcp_conn_stat_add(conn, KTCP_STATS_A_LOG_DROPPED, 1);
		return;
	}
	log->skb = skb;
	log->start_ns = ktime_get_ns();
	log->hdr = ktcp_genl_access_put(skb);
	if (!log->hdr || nla_put_u32(skb, KTCP_A_SERVER_ID, srv->id))
		goto fail;
	log->nest = nla_nest_start(skb, KTCP_A_ACCESS);
	if (!log->nest ||
	    nla_put_u64_64bit(skb, KTCP_ACCESS_A_TIME, ktime_get_real_ns(),
			      KTCP_ACCESS_A_PAD) ||
	    ktcp_log_put_peer(skb, conn->sock->sk) ||
	    (req && ktcp_log_put_req(skb, req, target, referer, ua)) ||
	    (cut && nla_put_u8(skb, KTCP_ACCESS_A_CUT, cut)))
		goto fail;
	return;
fail: /* the size above is wrong */
	WARN_ON_ONCE(1);
	ktcp_log_drop(conn, log);
}
EXPORT_SYMBOL_GPL(ktcp_log_begin);

void ktcp_log_end(struct ktcp_conn *conn, struct ktcp_log *log, int status,
		  u64 bytes)
{
	struct sk_buff *skb = log->skb;
	int err;

	if (!skb)
		return;
	if (!status) {
		nlmsg_free(skb);
		log->skb = NULL;
		return;
	}
	if (nla_put_u16(skb, KTCP_ACCESS_A_STATUS, status) ||
	    nla_put_u64_64bit(skb, KTCP_ACCESS_A_BYTES, bytes,
			      KTCP_ACCESS_A_PAD) ||
	    nla_put_u64_64bit(skb, KTCP_ACCESS_A_USEC,
			      div_u64(ktime_get_ns() - log->start_ns,
				      NSEC_PER_USEC),
			      KTCP_ACCESS_A_PAD)) {
		WARN_ON_ONCE(1);
		ktcp_log_drop(conn, log);
		return;
	}
	nla_nest_end(skb, log->nest);
	genlmsg_end(skb, log->hdr);
	log->skb = NULL;
	/* Consumes the skb, whatever it returns. */
	err = ktcp_genl_access_send(conn->srv, skb);
	if (!err)
		ktcp_conn_stat_add(conn, KTCP_STATS_A_LOG_SENT, 1);
	else if (err != -ESRCH) /* -ESRCH: no listener of the netns took it */
		ktcp_conn_stat_add(conn, KTCP_STATS_A_LOG_DROPPED, 1);
	else
		ktcp_test_log_unheard();
}
EXPORT_SYMBOL_GPL(ktcp_log_end);
