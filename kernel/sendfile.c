// SPDX-License-Identifier: GPL-2.0
/*
 * Zero-copy file sending, as sendfile(2) does it: the file's splice_read
 * puts references to its page-cache pages into a private pipe, and each
 * pipe buffer's page goes into the socket by reference, so the bytes are
 * never copied on their way out (and a file of any size costs a pipe).
 *
 * splice_direct_to_actor() owns the pipe (current->splice_pipe, one per
 * worker thread, kept for the thread's life) and the file position: when
 * the socket takes less than was read, it rewinds to the first byte not
 * sent and drops the rest of the pipe, to be read again next time.
 *
 * How a page enters a TCP socket changed in 6.5: 6.1 has ->sendpage
 * (kernel_sendpage()), 6.5 and later sendmsg() with MSG_SPLICE_PAGES.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/pipe_fs_i.h>
#include <linux/splice.h>
#include <linux/uio.h>
#include <linux/version.h>

#include "ktcp_internal.h"

#define KTCP_SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL)

static int ktcp_send_page(struct socket *sock, struct page *page,
			  unsigned int offset, size_t len, int flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };
	struct bio_vec bv;

	bvec_set_page(&bv, page, len, offset);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bv, 1, len);
	return sock_sendmsg(sock, &msg);
#else
	return kernel_sendpage(sock, page, offset, len, flags);
#endif
}

/*
 * One pipe buffer (already confirmed by the caller) into the socket. Less
 * than sd->len sent makes __splice_from_pipe() come back for the rest,
 * which then meets a full socket and ends the round with -EAGAIN.
 */
static int ktcp_sendfile_buf(struct pipe_inode_info *pipe,
			     struct pipe_buffer *buf, struct splice_desc *sd)
{
	struct socket *sock = sd->u.data;
	int flags = KTCP_SEND_FLAGS;

	/* Hold back a partial segment only when more of the body follows. */
	if (sd->len < sd->total_len || (sd->flags & SPLICE_F_MORE))
		flags |= MSG_MORE;
	return ktcp_send_page(sock, buf->page, buf->offset, sd->len, flags);
}

static int ktcp_sendfile_actor(struct pipe_inode_info *pipe,
			       struct splice_desc *sd)
{
	return __splice_from_pipe(pipe, sd, ktcp_sendfile_buf);
}

ssize_t ktcp_conn_sendfile(struct ktcp_conn *conn, struct file *file,
			   loff_t *pos, size_t len, bool more)
{
	struct splice_desc sd = {
		.total_len = len,
		.flags = more ? SPLICE_F_MORE : 0,
		.u.data = conn->sock,
		.pos = *pos,
	};
	ssize_t ret;

	if (!file->f_op->splice_read)
		return -EOPNOTSUPP;
	ret = splice_direct_to_actor(file, &sd, ktcp_sendfile_actor);
	if (ret > 0) {
		*pos = sd.pos;
		conn->run_bytes += ret;
		ktcp_stats_add(&conn->srv->stats, KTCP_STATS_A_BYTES_OUT, ret);
		ktcp_stats_add(&conn->srv->stats, KTCP_STATS_A_BYTES_ZEROCOPY,
			       ret);
		WRITE_ONCE(conn->last_active, jiffies);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(ktcp_conn_sendfile);
