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
 * (kernel_sendpage()), a call per page; 6.5 and later sendmsg() with
 * MSG_SPLICE_PAGES, which takes the pipe's pages in one call.
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

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
/* Pipe buffers one sendmsg() takes: a default pipe's worth (64 KiB). */
#define KTCP_SENDFILE_BVECS 16

/*
 * Give back the pipe's first @sent bytes: whole buffers are released
 * (splice_direct_to_actor() then releases what is left after a short
 * send), a buffer sent in part keeps its rest.
 */
static void ktcp_sendfile_consume(struct pipe_inode_info *pipe, size_t sent)
{
	while (sent && !pipe_empty(pipe->head, pipe->tail)) {
		struct pipe_buffer *buf = pipe_buf(pipe, pipe->tail);

		if (buf->len > sent) {
			buf->offset += sent;
			buf->len -= sent;
			return;
		}
		sent -= buf->len;
		pipe_buf_release(pipe, buf);
		pipe->tail++;
	}
}

/*
 * Up to KTCP_SENDFILE_BVECS of the pipe's buffers, from its tail, into
 * @bv; returns how many (0 with *@err set when the first one failed).
 */
static unsigned int ktcp_sendfile_gather(struct pipe_inode_info *pipe,
					 struct bio_vec *bv, size_t *len,
					 int *err)
{
	unsigned int n = 0, slot = pipe->tail;

	*len = 0;
	for (; n < KTCP_SENDFILE_BVECS && slot != pipe->head; n++, slot++) {
		struct pipe_buffer *buf = pipe_buf(pipe, slot);

		*err = pipe_buf_confirm(pipe, buf);
		if (*err)
			break; /* a page gone bad: send what comes before it */
		bvec_set_page(&bv[n], buf->page, buf->len, buf->offset);
		*len += buf->len;
	}
	return n;
}

/*
 * The pipe's pages into the socket by reference, up to 16 of them per
 * sendmsg(): one socket lock and one push per 64 KiB, where a call per
 * page paid both for every 4 KiB. Returns bytes sent, or -errno when
 * none was.
 */
static int ktcp_sendfile_actor(struct pipe_inode_info *pipe,
			       struct splice_desc *sd)
{
	struct socket *sock = sd->u.data;
	struct bio_vec bv[KTCP_SENDFILE_BVECS];
	int ret = 0, err = 0, total = 0;
	unsigned int n;
	size_t len;

	while (!pipe_empty(pipe->head, pipe->tail)) {
		struct msghdr msg = {
			.msg_flags = KTCP_SEND_FLAGS | MSG_SPLICE_PAGES,
		};

		n = ktcp_sendfile_gather(pipe, bv, &len, &err);
		if (!n)
			break;
		/* Hold back a partial segment only when more follows. */
		if (n < pipe_occupancy(pipe->head, pipe->tail) ||
		    (sd->flags & SPLICE_F_MORE))
			msg.msg_flags |= MSG_MORE;
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, n, len);
		ret = sock_sendmsg(sock, &msg);
		if (ret <= 0)
			break;
		ktcp_sendfile_consume(pipe, ret);
		total += ret;
		if (ret < len || err)
			break;
	}
	if (total)
		return total;
	return ret < 0 ? ret : err;
}
#else
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
	return kernel_sendpage(sock, buf->page, buf->offset, sd->len, flags);
}

static int ktcp_sendfile_actor(struct pipe_inode_info *pipe,
			       struct splice_desc *sd)
{
	return __splice_from_pipe(pipe, sd, ktcp_sendfile_buf);
}
#endif

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
		ktcp_conn_moved(conn, KTCP_STATS_A_BYTES_OUT, ret);
		ktcp_stats_add(&conn->srv->stats, KTCP_STATS_A_BYTES_ZEROCOPY,
			       ret);
		WRITE_ONCE(conn->last_active, jiffies);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(ktcp_conn_sendfile);
