// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The handle and the request/reply machinery: the only place that talks to
 * a netlink socket.
 *
 * libnl maps kernel errors to its own -NLE_* codes and drops the extended
 * ACK, so every request runs with our own callbacks: the error callback
 * keeps the kernel's errno and message, the ACK and DONE callbacks end the
 * exchange, and a sequence check skips stale replies to earlier requests.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Big enough for any notification; they are a few hundred bytes. */
#define KTCP_MON_BUF 16384
/*
 * An access record is one datagram, at most a few KiB (KTCP_ACCESS_*_MAX
 * bound its strings); ktcp_log_recv() takes up to KTCP_LOG_BATCH of them
 * per recvmmsg().
 */
#define KTCP_LOG_DGRAM 8192
#define KTCP_LOG_BATCH 64
#define KTCP_LOG_RCVBUF (16 << 20)

struct ktcp {
	struct nl_sock *sk;
	struct nl_cb *cb;
	struct ktcp_family fam;
	char errmsg[KTCP_ERRMSG_LEN];

	/* Monitor: its own socket, so that requests still work. */
	struct nl_sock *mon;
	struct ktcp_event *evq; /* parsed, not yet returned */
	size_t evq_head, evq_len, evq_cap;

	/* Access log: its own socket, and the datagrams of the last read. */
	int logfd; /* -1: none */
	char *logbuf; /* KTCP_LOG_BATCH datagrams of KTCP_LOG_DGRAM bytes */
};

/* State of one request: what to call, and how it ended. */
struct xact {
	struct ktcp *h;
	const struct nlmsghdr *req; /* to name bad attributes; ktcp only */
	uint32_t seq;
	ktcp_reply_fn fn;
	void *arg;
	bool done;
	bool intr; /* a message had NLM_F_DUMP_INTR */
	int kerr; /* the kernel's errno, <= 0 */
	int perr; /* the first reply callback error, <= 0 */
};

int ktcp_nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_DUMP_INTR:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

void ktcp_handle_set_family(struct ktcp *h, const struct ktcp_family *fam)
{
	h->fam = *fam;
}

int ktcp_family_id(const struct ktcp *h)
{
	return h->fam.id;
}

void ktcp_set_errmsg(struct ktcp *h, const char *msg)
{
	if (msg)
		snprintf(h->errmsg, sizeof(h->errmsg), "%s", msg);
	else
		h->errmsg[0] = '\0';
}

void ktcp_call_begin(struct ktcp *h)
{
	h->errmsg[0] = '\0';
}

KTCP_EXPORT const char *ktcp_errmsg(const struct ktcp *h)
{
	return h && h->errmsg[0] ? h->errmsg : NULL;
}

KTCP_EXPORT uint32_t ktcp_family_version(const struct ktcp *h)
{
	return h->fam.version;
}

/*
 * Replies to an earlier, abandoned request are skipped, not errors; so is
 * anything another process sent to this socket's port: only the kernel
 * answers.
 */
static int seq_cb(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	if (nlmsg_get_src(msg)->nl_pid != 0)
		return NL_SKIP;
	return nlmsg_hdr(msg)->nlmsg_seq == x->seq ? NL_OK : NL_SKIP;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	x->intr = true;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;
	int err;

	/* After a parse error keep reading, so no reply is left behind. */
	if (x->fn && !x->perr) {
		err = x->fn(nlmsg_hdr(msg), x->arg);
		if (err < 0)
			x->perr = err;
	}
	return NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	x->done = true;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; it carries the dump's error, if any. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	x->kerr = ktcp_parse_ack(nlmsg_hdr(msg), x->req, x->h->errmsg,
				 sizeof(x->h->errmsg));
	x->done = true;
	return NL_STOP;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands us the payload; the TLV flags are in the header. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct xact *x = arg;

	x->kerr =
		ktcp_parse_ack(nlh, x->req, x->h->errmsg, sizeof(x->h->errmsg));
	if (!x->kerr)
		x->kerr = -EPROTO;
	x->done = true;
	return NL_STOP;
}

static void xact_set_cb(struct nl_cb *cb, struct xact *x)
{
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_cb, x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, x);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, x);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, x);
}

/* Send msg, feed replies to fn until ACK, DONE or error. Frees msg. */
static int xact_run(struct ktcp *h, struct nl_msg *msg, ktcp_reply_fn fn,
		    void *arg, bool *intr)
{
	struct xact x = { .h = h, .fn = fn, .arg = arg };
	int ret;

	h->errmsg[0] = '\0';
	ret = nl_send_auto(h->sk, msg);
	if (ret < 0) {
		ret = ktcp_nle_to_errno(ret);
		goto out_free;
	}
	x.seq = nlmsg_hdr(msg)->nlmsg_seq;
	/* Attribute names are ktcp's: not for requests to nlctrl. */
	if (nlmsg_hdr(msg)->nlmsg_type == h->fam.id &&
	    h->fam.id != GENL_ID_CTRL)
		x.req = nlmsg_hdr(msg);
	xact_set_cb(h->cb, &x);
	while (!x.done) {
		ret = nl_recvmsgs(h->sk, h->cb);
		if (ret < 0 && !x.done) {
			ret = ktcp_nle_to_errno(ret);
			goto out_free;
		}
	}
	ret = x.kerr ? x.kerr : x.perr;
	if (intr)
		*intr = x.intr;
out_free:
	nlmsg_free(msg);
	return ret;
}

int ktcp_request(struct ktcp *h, struct nl_msg *msg, ktcp_reply_fn fn,
		 void *arg)
{
	return xact_run(h, msg, fn, arg, NULL);
}

int ktcp_dump(struct ktcp *h, uint8_t cmd, ktcp_reply_fn fn,
	      ktcp_reset_fn reset, void *arg)
{
	struct nl_msg *msg;
	bool intr = false;
	int i, err;

	for (i = 0; i < KTCP_DUMP_RETRIES; i++) {
		reset(arg);
		err = ktcp_msg_new(h->fam.id, cmd, NLM_F_DUMP, &msg);
		if (err)
			return err;
		err = xact_run(h, msg, fn, arg, &intr);
		if (err || !intr)
			return err;
	}
	reset(arg);
	ktcp_set_errmsg(h, "the list kept changing while it was read");
	return -EAGAIN;
}

/* --- open/close ---------------------------------------------------------- */

/* Extended ACKs and capped ACKs; kernels without them just lack them. */
static void sock_enable_ext_ack(struct nl_sock *sk)
{
	int fd = nl_socket_get_fd(sk), one = 1;

	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static int sock_open(struct nl_sock **skp)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return -ENOMEM;
	err = genl_connect(sk);
	if (err < 0) {
		nl_socket_free(sk);
		return ktcp_nle_to_errno(err);
	}
	sock_enable_ext_ack(sk);
	/* Read whole datagrams whatever their size (big dumps). */
	nl_socket_enable_msg_peek(sk);
	*skp = sk;
	return 0;
}

static int family_cb(struct nlmsghdr *nlh, void *arg)
{
	return ktcp_parse_family(nlh, arg);
}

static int resolve_family(struct ktcp *h, const char *name)
{
	struct nl_msg *msg;
	int err;

	err = ktcp_msg_getfamily(name, &msg);
	if (err)
		return err;
	err = ktcp_request(h, msg, family_cb, &h->fam);
	if (!err && !h->fam.id)
		err = -EBADMSG;
	if (err == -ENOENT) {
		snprintf(h->errmsg, sizeof(h->errmsg),
			 "the ktcp kernel module is not loaded (no \"%s\" "
			 "generic netlink family in this network namespace)",
			 name);
		err = -EPROTONOSUPPORT;
	}
	return err;
}

/* A handle with a connected socket but no family yet (tests use it). */
int ktcp_handle_new(struct ktcp **hp)
{
	struct ktcp *h;
	int err;

	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->logfd = -1;
	h->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!h->cb) {
		err = -ENOMEM;
		goto err_free;
	}
	err = sock_open(&h->sk);
	if (err)
		goto err_free;
	*hp = h;
	return 0;

err_free:
	ktcp_close(h);
	return err;
}

/* Why opening failed, for a caller that has no handle to ask. */
static void open_why(char *buf, size_t len, int err, const struct ktcp *h,
		     bool connected)
{
	if (!buf || !len)
		return;
	if (h && h->errmsg[0])
		snprintf(buf, len, "%s", h->errmsg);
	else if (!connected)
		snprintf(buf, len, "cannot open a generic netlink socket: %s%s",
			 strerror(-err),
			 err == -EPERM || err == -EACCES ?
				 " (refused by a security policy or sandbox)" :
				 "");
	else
		snprintf(buf, len, "cannot resolve the ktcp family: %s",
			 strerror(-err));
}

int ktcp_open_family(const char *name, struct ktcp **hp, char *buf, size_t len)
{
	struct ktcp *h;
	int err;

	*hp = NULL;
	if (buf && len)
		buf[0] = '\0';
	err = ktcp_handle_new(&h);
	if (err) {
		open_why(buf, len, err, NULL, false);
		return err;
	}
	err = resolve_family(h, name);
	if (err) {
		open_why(buf, len, err, h, true);
		ktcp_close(h);
		return err;
	}
	*hp = h;
	return 0;
}

KTCP_EXPORT int ktcp_open(struct ktcp **hp)
{
	return ktcp_open_family(KTCP_GENL_NAME, hp, NULL, 0);
}

KTCP_EXPORT int ktcp_open_errmsg(struct ktcp **hp, char *buf, size_t len)
{
	return ktcp_open_family(KTCP_GENL_NAME, hp, buf, len);
}

KTCP_EXPORT void ktcp_close(struct ktcp *h)
{
	if (!h)
		return;
	if (h->logfd >= 0)
		close(h->logfd);
	free(h->logbuf);
	nl_socket_free(h->mon);
	nl_socket_free(h->sk);
	nl_cb_put(h->cb);
	free(h->evq);
	free(h);
}

KTCP_EXPORT const char *ktcp_lib_version(void)
{
	return KTCP_LIB_VERSION;
}

/* --- events -------------------------------------------------------------- */

KTCP_EXPORT int ktcp_monitor_open(struct ktcp *h)
{
	struct nl_sock *sk;
	int err;

	ktcp_call_begin(h);
	if (h->mon)
		return 0;
	if (!h->fam.events_grp) {
		ktcp_set_errmsg(h, "the ktcp family has no \"events\" group");
		return -EOPNOTSUPP;
	}
	err = sock_open(&sk);
	if (err)
		return err;
	/* Notifications carry no sequence numbers to check. */
	nl_socket_disable_seq_check(sk);
	err = nl_socket_add_membership(sk, (int)h->fam.events_grp);
	if (!err)
		err = nl_socket_set_nonblocking(sk);
	if (err < 0) {
		nl_socket_free(sk);
		return ktcp_nle_to_errno(err);
	}
	/* Room for bursts (a netns going away stops every server). */
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	h->mon = sk;
	return 0;
}

KTCP_EXPORT int ktcp_monitor_fd(const struct ktcp *h)
{
	return h->mon ? nl_socket_get_fd(h->mon) : -ENOTCONN;
}

static int evq_push(struct ktcp *h, const struct ktcp_event *ev)
{
	struct ktcp_event *q;
	size_t cap;

	if (h->evq_head == h->evq_len)
		h->evq_head = h->evq_len = 0;
	if (h->evq_len == h->evq_cap) {
		cap = h->evq_cap ? h->evq_cap * 2 : 8;
		q = realloc(h->evq, cap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		h->evq = q;
		h->evq_cap = cap;
	}
	h->evq[h->evq_len++] = *ev;
	return 0;
}

/*
 * Read one datagram and queue the events in it. The monitor socket reads
 * with recvfrom() itself: libnl would turn ENOBUFS (events lost) into
 * -NLE_NOMEM, the same as a failed malloc(). Events come from the kernel:
 * a datagram from any other port (a process with CAP_NET_ADMIN may send
 * to the group, anyone to this socket) is dropped unread.
 */
static int monitor_read(struct ktcp *h)
{
	struct sockaddr_nl from;
	socklen_t fromlen = sizeof(from);
	struct nlmsghdr *nlh;
	struct ktcp_event ev;
	ssize_t n;
	int len, err;
	char *buf;

	buf = malloc(KTCP_MON_BUF);
	if (!buf)
		return -ENOMEM;
	n = recvfrom(nl_socket_get_fd(h->mon), buf, KTCP_MON_BUF, MSG_DONTWAIT,
		     (struct sockaddr *)&from, &fromlen);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	err = 0;
	if (from.nl_pid != 0)
		goto out;
	len = (int)n;
	for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		/* Another family's, or not an event: not for us. */
		if (nlh->nlmsg_type != h->fam.id ||
		    ktcp_parse_event(nlh, &ev) < 0)
			continue;
		err = evq_push(h, &ev);
		if (err)
			break;
	}
out:
	free(buf);
	return err;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for fd to be readable until deadline (now_ms() time), or for ever
 * when timeout_ms < 0: 0 when it is, -ETIMEDOUT or -errno when not.
 */
static int wait_readable(int fd, int64_t deadline, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int wait = -1, ret;

	if (timeout_ms >= 0) {
		int64_t left = deadline - now_ms();

		wait = left > 0 ? (int)left : 0;
	}
	ret = poll(&pfd, 1, wait);
	if (ret < 0)
		return -errno;
	return ret ? 0 : -ETIMEDOUT;
}

KTCP_EXPORT int ktcp_event_recv(struct ktcp *h, struct ktcp_event *ev,
				int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int ret;

	ktcp_call_begin(h);
	if (!h->mon) {
		ktcp_set_errmsg(h, "ktcp_monitor_open() was not called");
		return -ENOTCONN;
	}
	for (;;) {
		if (h->evq_head < h->evq_len) {
			*ev = h->evq[h->evq_head++];
			return 0;
		}
		ret = wait_readable(nl_socket_get_fd(h->mon), deadline,
				    timeout_ms);
		if (ret)
			return ret;
		ret = monitor_read(h);
		if (ret == -ENOBUFS)
			ktcp_set_errmsg(h, "the monitor socket overflowed: "
					   "events were lost");
		if (ret && ret != -EAGAIN)
			return ret;
	}
}

/* --- access log ------------------------------------------------------------ */

/*
 * A plain netlink socket, not libnl's: records are read many at a time
 * with recvmmsg(), and ENOBUFS must stay ENOBUFS.
 */
KTCP_EXPORT int ktcp_log_open(struct ktcp *h, size_t rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, size, grp, one, err;

	ktcp_call_begin(h);
	if (h->logfd >= 0)
		return 0;
	if (!h->fam.access_grp) {
		ktcp_set_errmsg(h, "the ktcp module has no access log "
				   "(no \"access\" group)");
		return -EOPNOTSUPP;
	}
	if (!h->logbuf) {
		h->logbuf = malloc((size_t)KTCP_LOG_BATCH * KTCP_LOG_DGRAM);
		if (!h->logbuf)
			return -ENOMEM;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	/*
	 * A port id of its own: the kernel's broadcasts come from port 0
	 * and skip an unbound socket, whose port id is 0 too.
	 */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	size = rcvbuf ? (rcvbuf > INT32_MAX / 2 ? INT32_MAX / 2 : (int)rcvbuf) :
			KTCP_LOG_RCVBUF;
	/* Beyond rmem_max with CAP_NET_ADMIN, else as much as allowed. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/*
	 * Tell the kernel when a record does not fit, so that the server
	 * counts it in log_dropped (without this, only we would know).
	 */
	one = 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one, sizeof(one));
	grp = (int)h->fam.access_grp;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		err = -errno;
		if (err == -EPERM)
			ktcp_set_errmsg(h, "reading the access log needs "
					   "CAP_NET_ADMIN");
		close(fd);
		return err;
	}
	h->logfd = fd;
	return 0;
}

KTCP_EXPORT int ktcp_log_fd(const struct ktcp *h)
{
	return h->logfd >= 0 ? h->logfd : -ENOTCONN;
}

/* Parse the n datagrams of h->logbuf into recs[]; returns how many. */
static int log_parse(struct ktcp *h, const struct mmsghdr *m, int n,
		     struct ktcp_log_record *recs, size_t max)
{
	struct nlmsghdr *nlh;
	size_t got = 0;
	int i, len;

	for (i = 0; i < n; i++) {
		/* Records come from the kernel (see monitor_read()). */
		if (((struct sockaddr_nl *)m[i].msg_hdr.msg_name)->nl_pid)
			continue;
		len = (int)m[i].msg_len;
		for (nlh = m[i].msg_hdr.msg_iov->iov_base;
		     NLMSG_OK(nlh, len) && got < max;
		     nlh = NLMSG_NEXT(nlh, len)) {
			/* Another family's, or not a record: not for us. */
			if (nlh->nlmsg_type != h->fam.id ||
			    ktcp_parse_log(nlh, &recs[got]) < 0)
				continue;
			got++;
		}
	}
	return (int)got;
}

KTCP_EXPORT int ktcp_log_recv(struct ktcp *h, struct ktcp_log_record *recs,
			      size_t n, int timeout_ms)
{
	struct mmsghdr m[KTCP_LOG_BATCH];
	struct iovec iov[KTCP_LOG_BATCH];
	struct sockaddr_nl from[KTCP_LOG_BATCH];
	int64_t deadline = now_ms() + timeout_ms;
	unsigned int want, i;
	int ret;

	ktcp_call_begin(h);
	if (h->logfd < 0) {
		ktcp_set_errmsg(h, "ktcp_log_open() was not called");
		return -ENOTCONN;
	}
	if (!n)
		return -EINVAL;
	want = n < KTCP_LOG_BATCH ? (unsigned int)n : KTCP_LOG_BATCH;
	memset(m, 0, sizeof(m[0]) * want);
	for (i = 0; i < want; i++) {
		iov[i].iov_base = h->logbuf + (size_t)i * KTCP_LOG_DGRAM;
		iov[i].iov_len = KTCP_LOG_DGRAM;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_hdr.msg_name = &from[i];
		m[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	for (;;) {
		ret = recvmmsg(h->logfd, m, want, MSG_DONTWAIT, NULL);
		if (ret < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (ret > 0) {
			ret = log_parse(h, m, ret, recs, n);
			if (ret > 0)
				return ret;
			continue; /* only others' messages: read on */
		}
		ret = wait_readable(h->logfd, deadline, timeout_ms);
		if (ret)
			return ret;
	}
}
