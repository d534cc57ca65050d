// SPDX-License-Identifier: GPL-2.0
/*
 * kecho: the echo service. Every byte received is sent back, unchanged
 * and in order; binary data and NUL bytes included.
 *
 * The bytes go from the receive queue to the send queue under one socket
 * lock (ktcp_conn_read_sock()), the received skbs' pages by reference:
 * no buffer of ours, no copy through one, one lock and no LSM hook per
 * message. What the send queue cannot take stays in the receive queue,
 * where TCP's window holds the peer back; write space runs us again.
 *
 * Service time (KTCP_A_LATENCY): from the data_ready of a message's
 * first segment to the call that leaves its last byte queued back, so
 * that the wait for a CPU counts, as the client sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/skbuff.h>

#include "ktcp_server.h"

/* Bytes echoed per call, so that a run (64 KiB both ways) is one call. */
#define KECHO_CALL_BYTES (32 * 1024)
/* Urgent data goes through a bounce buffer this large, on the stack. */
#define KECHO_URGENT_BYTES 64

static int kecho_configure(struct ktcp_server_params *p, struct ktcp_opts *opts,
			   const char **why)
{
	if (!(opts->present & BIT(KTCP_OPT_A_ECHO_WQ))) {
		opts->present |= BIT(KTCP_OPT_A_ECHO_WQ);
		opts->echo_wq = KTCP_ECHO_WQ_UNBOUND;
	}
	p->percpu_wq = opts->echo_wq == KTCP_ECHO_WQ_PERCPU;
	return 0;
}

/* tcp_read_sock() actor: send back as much of @skb as the socket takes. */
static int kecho_reflect(read_descriptor_t *desc, struct sk_buff *skb,
			 unsigned int off, size_t len)
{
	int n;

	if (!desc->count)
		return 0;
	n = ktcp_conn_send_skb(desc->arg.data, skb, off,
			       min_t(size_t, len, desc->count));
	if (n <= 0) {
		desc->error = n ?: -EAGAIN;
		return 0;
	}
	desc->count -= n;
	return n;
}

/*
 * Urgent data (MSG_OOB) is next, which tcp_read_sock() stops at: an
 * ordinary receive steps over the urgent byte and takes what follows, as
 * a userspace echo server's read() would. The bytes are peeked, and only
 * as many as the send took are received: a send can stop short with room
 * left in the buffer (TCP_NOTSENT_LOWAT), and what it did not take waits
 * in the receive queue for the run that write space brings.
 */
static int kecho_urgent(struct ktcp_conn *conn)
{
	char buf[KECHO_URGENT_BYTES];
	int n, sent;

	n = ktcp_conn_peek(conn, buf, sizeof(buf));
	if (!n) {
		/*
		 * The peer's FIN after the urgent byte: receive both, or the
		 * byte left unread would make our close a reset.
		 */
		n = ktcp_conn_recv(conn, buf, sizeof(buf));
		return n < 0 ? n : KTCP_CONN_DONE;
	}
	if (n < 0)
		return n == -EAGAIN ? KTCP_CONN_WAIT : n;
	sent = ktcp_conn_send(conn, buf, n, false);
	if (sent <= 0)
		return sent == -EAGAIN ? KTCP_CONN_WAIT : sent ?: -EIO;
	/* Only this run reads: what it peeked is still first in line. */
	n = ktcp_conn_recv(conn, buf, sent);
	if (n != sent)
		return n < 0 ? n : -EIO;
	return KTCP_CONN_AGAIN;
}

static int kecho_process(struct ktcp_conn *conn)
{
	int n;

	n = ktcp_conn_read_sock(conn, kecho_reflect, KECHO_CALL_BYTES);
	if (n == -EAGAIN)
		return KTCP_CONN_WAIT; /* data ready or write space runs us */
	if (n == -EBADMSG)
		return kecho_urgent(conn);
	if (n <= 0)
		return n ?: KTCP_CONN_DONE; /* 0: the peer closed */
	/* A message is echoed once all that had arrived is queued back. */
	ktcp_conn_latency(conn, ktcp_conn_rx_start(conn));
	return n < KECHO_CALL_BYTES ? KTCP_CONN_WAIT : KTCP_CONN_AGAIN;
}

static struct ktcp_service kecho_service = {
	.name = "echo",
	.owner = THIS_MODULE,
	.opts_mask = BIT(KTCP_OPT_A_ECHO_WQ),
	.run_bytes = 2 * KECHO_CALL_BYTES,
	.nodelay = true, /* an echo sent in pieces: no delayed-ACK stall */
	.stamp_rx = true,
	.configure = kecho_configure,
	.conn_process = kecho_process,
};

static int __init kecho_init(void)
{
	return ktcp_service_register(&kecho_service);
}

static void __exit kecho_exit(void)
{
	ktcp_service_unregister(&kecho_service);
}

module_init(kecho_init);
module_exit(kecho_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp echo service");
MODULE_ALIAS("ktcp-service-echo");
