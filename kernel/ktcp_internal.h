/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the files of ktcp.ko; services use ktcp_server.h only. */
#ifndef _KTCP_INTERNAL_H
#define _KTCP_INTERNAL_H

#include <linux/idr.h>
#include <linux/jump_label.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "ktcp_server.h"

/*
 * ktcp_lock serialises every control operation: the service registry,
 * each netns's server table and every server's start, stop and settings.
 * Control operations are rare and a single lock keeps the ownership rules
 * obvious; the data path never takes it.
 */
extern struct mutex ktcp_lock;

struct ktcp_stats_cpu {
	u64 v[KTCP_STATS_A_MAX + 1]; /* indexed by KTCP_STATS_A_* */
};

/*
 * Per-CPU counters, summed when read. A reset records the current sums
 * as a base instead of writing other CPUs' counters, so it cannot race
 * with the data path.
 */
struct ktcp_stats {
	struct ktcp_stats_cpu __percpu *pcpu;
	u64 base[KTCP_STATS_A_MAX + 1];
};

int ktcp_stats_init(struct ktcp_stats *st);
void ktcp_stats_destroy(struct ktcp_stats *st);
void ktcp_stats_read(const struct ktcp_stats *st, u64 *out);
void ktcp_stats_reset(struct ktcp_stats *st);

static inline void ktcp_stats_add(struct ktcp_stats *st, unsigned int stat,
				  s64 n)
{
	this_cpu_add(st->pcpu->v[stat], n);
}

/* One CPU's share of a server's service times (KTCP_A_LATENCY). */
struct ktcp_latency_cpu {
	u64 sum_ns;
	u64 b[KTCP_LATENCY_BUCKETS]; /* latency_bucket.h */
};

/*
 * Service times, per CPU like the counters and reset the same way: a
 * sample is one increment and one add on the CPU that takes it, under
 * no lock; reading sums the CPUs (under ktcp_lock, as a reset).
 */
struct ktcp_latency {
	struct ktcp_latency_cpu __percpu *pcpu;
	struct ktcp_latency_cpu base;
};

/* Whether service times are recorded: the module parameter "latency". */
DECLARE_STATIC_KEY_TRUE(ktcp_latency_on);

int ktcp_latency_init(struct ktcp_latency *lat);
void ktcp_latency_destroy(struct ktcp_latency *lat);
u64 ktcp_latency_read(const struct ktcp_latency *lat, u64 *b, u64 *sum);
void ktcp_latency_reset(struct ktcp_latency *lat);

/* The CPUs that run a server's connections; replaced whole by SET. */
struct ktcp_cpus {
	struct rcu_head rcu;
	struct cpumask mask;
};

struct ktcp_listener {
	struct ktcp_server *srv;
	struct socket *sock;
	struct work_struct accept_work;
	void (*saved_data_ready)(struct sock *sk);
};

struct ktcp_server {
	u32 id;
	struct net *net; /* not refcounted: the netns exit stops us */
	struct ktcp_service *svc;
	struct ktcp_server_params params;
	struct ktcp_opts opts;
	struct workqueue_struct *wq; /* per-CPU: concurrency-managed */
	struct ktcp_cpus __rcu *cpus; /* changed under ktcp_lock */
	atomic_t __percpu *cpu_conns; /* connections given each CPU */

	struct ktcp_listener *listeners; /* params.listeners of them */
	unsigned int nlisteners;

	spinlock_t conns_lock; /* conns, nconns, nevicted, stopping */
	struct list_head conns; /* oldest first */
	unsigned int nconns;
	unsigned int nevicted; /* of nconns, evicted and not yet closed */
	bool stopping;
	wait_queue_head_t conns_empty;
	unsigned long idle_jiffies; /* 0: no idle timeout */
	atomic_long_t mem; /* bytes charged by connections */

	struct ktcp_stats stats;
	struct ktcp_latency lat;
	unsigned long log_quiet_until; /* jiffies: ktcp_genl_access_wanted() */
	struct list_head node; /* in ktcp_servers, under ktcp_lock */
	/* ktcp_reap() passes in a row that found net abandoned; ktcp_lock */
	unsigned int abandoned_passes;
	/* the service's ->server_priv_size bytes follow */
	unsigned long priv[];
};

enum ktcp_conn_flags {
	KTCP_CONN_CLOSING, /* server stopping: close at the next run */
	KTCP_CONN_TIMED_OUT, /* idle timer expired */
	KTCP_CONN_WAITING, /* waits for the peer: may be evicted */
	KTCP_CONN_EVICTED, /* closing to make room for a new connection */
	KTCP_CONN_OVER_MEM, /* a charge failed: the memory bound was reached */
};

struct ktcp_conn {
	struct ktcp_server *srv;
	struct socket *sock;
	struct list_head node; /* in srv->conns */
	struct work_struct work;
	struct timer_list idle_timer; /* idle timeout and deadline */
	unsigned long last_active; /* jiffies */
	unsigned long deadline; /* jiffies, the service's; 0: none */
	unsigned long flags;
	size_t mem; /* bytes charged to srv->mem */
	int cpu; /* runs there (unless params.percpu_wq); srv->cpus changes it */
	u32 run_bytes; /* moved (or charged) in this run */
	/*
	 * ns: when the data not yet consumed began to arrive (data_ready),
	 * 0 for none; for services with ->stamp_rx, while the latency
	 * switch is on. Written under the socket lock (data_ready's, or
	 * ours in ktcp_conn_read_sock()).
	 */
	u64 rx_ns;
	u64 rx_start; /* ktcp_conn_rx_start() */
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	/* the service's ->conn_priv_size bytes follow */
	unsigned long priv[];
};

/*
 * @n bytes moved by @conn: they count toward its run's ->run_bytes and the
 * server's counter @stat (KTCP_STATS_A_BYTES_IN or _OUT).
 */
static inline void ktcp_conn_moved(struct ktcp_conn *conn, unsigned int stat,
				   size_t n)
{
	conn->run_bytes += n;
	ktcp_stats_add(&conn->srv->stats, stat, n);
}

/* service.c */
struct ktcp_service *ktcp_service_find(const char *name);
int ktcp_service_names(char *buf, size_t len);
struct ktcp_service *ktcp_service_next(struct ktcp_service *prev);

/* conn.c */
void ktcp_conn_accepted(struct ktcp_server *srv, struct socket *sock);
void ktcp_conn_arm(struct ktcp_conn *conn);
void ktcp_conn_request_close(struct ktcp_conn *conn);

/* server.c */
struct ktcp_server *ktcp_server_start(struct net *net, struct ktcp_service *svc,
				      const struct ktcp_server_params *p,
				      const struct ktcp_opts *opts,
				      const char **why);
void ktcp_server_stop(struct ktcp_server *srv);
void ktcp_server_stats(const struct ktcp_server *srv, u64 *v);
int ktcp_server_pick_cpu(struct ktcp_server *srv, int hint);
void ktcp_server_put_cpu(struct ktcp_server *srv, int cpu);
bool ktcp_server_cpu_ok(struct ktcp_server *srv, int cpu);
int ktcp_server_cpus_print(struct ktcp_server *srv, char *buf, size_t len);
int ktcp_server_update(struct ktcp_server *srv,
		       const struct ktcp_server_params *p, const char **why);

/* netns.c: the per-netns server table */
struct ktcp_net {
	struct idr servers;
	u32 generation; /* bumped on every change, for dump consistency */
	atomic64_t sock_dropped; /* by SOCK_DROP (droptcp), for the totals */
};

extern struct list_head ktcp_servers;
struct ktcp_net *ktcp_net(const struct net *net);
int ktcp_net_add(struct ktcp_server *srv);
void ktcp_net_remove(struct ktcp_server *srv);
struct ktcp_server *ktcp_net_find(const struct net *net, u32 id);
int ktcp_netns_init(void);
void ktcp_netns_exit(void);
/* Stop every server of @svc in every netns (service module unloading). */
void ktcp_stop_service_servers(struct ktcp_service *svc);

/* ktcp_genl.c */
int ktcp_validate_addr(const struct nlattr *attr,
		       struct netlink_ext_ack *extack);
#define KTCP_ADDR_POLICY                                       \
	NLA_POLICY_VALIDATE_FN(NLA_BINARY, ktcp_validate_addr, \
			       sizeof(struct in6_addr))
int ktcp_genl_init(void);
void ktcp_genl_exit(void);
void ktcp_genl_notify(struct ktcp_server *srv, u8 cmd);
bool ktcp_genl_access_wanted(struct ktcp_server *srv);
void *ktcp_genl_access_put(struct sk_buff *skb);
int ktcp_genl_access_send(struct ktcp_server *srv, struct sk_buff *skb);

#endif /* _KTCP_INTERNAL_H */
