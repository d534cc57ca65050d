// SPDX-License-Identifier: GPL-2.0
/*
 * kecho: the echo service. Every byte received is sent back, unchanged
 * and in order; binary data and NUL bytes included.
 *
 * A connection holds a buffer only while it has bytes in flight, so an
 * idle connection costs no more than the framework's bookkeeping. The
 * buffers come from a cache with a constructor: the kernel does not zero
 * those (init_on_alloc), where a kmalloc() per exchange paid a 16 KiB
 * memset for every message. Only bytes received into a buffer are ever
 * sent from it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "ktcp_server.h"

#define KECHO_BUF_SIZE (16 * 1024)

static struct kmem_cache *kecho_bufs;

struct kecho_conn {
	char *buf;
	size_t len; /* bytes in buf */
	size_t off; /* bytes of buf already sent back */
};

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

/* Send what is buffered; 0 once all of it is out. */
static int kecho_flush(struct ktcp_conn *conn, struct kecho_conn *kc)
{
	int n;

	while (kc->off < kc->len) {
		n = ktcp_conn_send(conn, kc->buf + kc->off, kc->len - kc->off,
				   false);
		if (n < 0)
			return n; /* -EAGAIN: write_space will run us again */
		kc->off += n;
	}
	return 0;
}

static int kecho_process(struct ktcp_conn *conn)
{
	struct kecho_conn *kc = ktcp_conn_priv(conn);
	int n;

	n = kecho_flush(conn, kc);
	if (n == -EAGAIN)
		return KTCP_CONN_WAIT; /* stop reading until the peer reads */
	if (n < 0)
		return n;
	if (!kc->buf) {
		kc->buf = kmem_cache_alloc(kecho_bufs, GFP_KERNEL);
		if (!kc->buf)
			return -ENOMEM;
	}
	n = ktcp_conn_recv(conn, kc->buf, KECHO_BUF_SIZE);
	if (n == -EAGAIN) {
		kmem_cache_free(kecho_bufs, kc->buf);
		kc->buf = NULL;
		return KTCP_CONN_WAIT;
	}
	if (n <= 0)
		return n ? n : KTCP_CONN_DONE; /* 0: the peer closed */
	kc->len = n;
	kc->off = 0;
	return KTCP_CONN_AGAIN;
}

static void kecho_release(struct ktcp_conn *conn)
{
	struct kecho_conn *kc = ktcp_conn_priv(conn);

	if (kc->buf)
		kmem_cache_free(kecho_bufs, kc->buf);
}

static struct ktcp_service kecho_service = {
	.name = "echo",
	.owner = THIS_MODULE,
	.opts_mask = BIT(KTCP_OPT_A_ECHO_WQ),
	.conn_priv_size = sizeof(struct kecho_conn),
	.run_bytes = 64 * 1024, /* four buffers' worth, then the next one */
	.configure = kecho_configure,
	.conn_process = kecho_process,
	.conn_release = kecho_release,
};

/* Its presence is what spares the buffers the zeroing. */
static void kecho_buf_ctor(void *buf)
{
}

static int __init kecho_init(void)
{
	int err;

	kecho_bufs = kmem_cache_create("kecho_buf", KECHO_BUF_SIZE, 0, 0,
				       kecho_buf_ctor);
	if (!kecho_bufs)
		return -ENOMEM;
	err = ktcp_service_register(&kecho_service);
	if (err)
		kmem_cache_destroy(kecho_bufs);
	return err;
}

static void __exit kecho_exit(void)
{
	ktcp_service_unregister(&kecho_service);
	kmem_cache_destroy(kecho_bufs);
}

module_init(kecho_init);
module_exit(kecho_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp echo service");
MODULE_ALIAS("ktcp-service-echo");
