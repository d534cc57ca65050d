/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libktcp internals: message building and parsing (msg.c, testable without
 * a kernel) and the request/reply machinery (nl.c). Nothing here is
 * exported from the shared library: only KTCP_EXPORT symbols are.
 */
#ifndef KTCP_INTERNAL_H
#define KTCP_INTERNAL_H

#include <stdbool.h>
#include <netlink/msg.h>

#include "ktcp.h"

#define KTCP_EXPORT __attribute__((visibility("default")))
#define KTCP_STR(x) #x
#define KTCP_XSTR(x) KTCP_STR(x)
/* "2.0.0", from ktcp.h's KTCP_VERSION_MAJOR/MINOR/PATCH. */
#define KTCP_LIB_VERSION              \
	KTCP_XSTR(KTCP_VERSION_MAJOR) \
	"." KTCP_XSTR(KTCP_VERSION_MINOR) "." KTCP_XSTR(KTCP_VERSION_PATCH)

/* Room for an extack message plus the attribute it points at. */
_Static_assert(KTCP_ERRMSG_LEN >= 256, "room for extack messages");
/* How often an interrupted dump is retried before giving up. */
#define KTCP_DUMP_RETRIES 8

/* What CTRL_CMD_GETFAMILY tells about the "ktcp" family. */
struct ktcp_family {
	uint16_t id;
	uint32_t version;
	uint32_t events_grp; /* 0 when the family has no "events" group */
	uint32_t access_grp; /* 0 when it has no "access" group */
};

/* --- msg.c: build requests --------------------------------------------- */
int ktcp_msg_new(int family, uint8_t cmd, int flags, struct nl_msg **msgp);
int ktcp_msg_getfamily(const char *name, struct nl_msg **msgp);
int ktcp_msg_server_start(int family, const struct ktcp_server_cfg *cfg,
			  struct nl_msg **msgp, const char **why);
int ktcp_msg_server_set(int family, uint32_t id,
			const struct ktcp_server_cfg *cfg, struct nl_msg **msgp,
			const char **why);
int ktcp_msg_id(int family, uint8_t cmd, uint32_t id, struct nl_msg **msgp);

/* --- msg.c: parse replies (0 or -EBADMSG / -EPROTO) -------------------- */
int ktcp_parse_family(struct nlmsghdr *nlh, struct ktcp_family *fam);
int ktcp_parse_id(struct nlmsghdr *nlh, uint32_t *id);
int ktcp_parse_server(struct nlmsghdr *nlh, struct ktcp_server *srv);
int ktcp_parse_stats(struct nlmsghdr *nlh, struct ktcp_stats *st);
/* 0 with *lat filled, 1 when the reply has no KTCP_A_LATENCY, -EBADMSG. */
int ktcp_parse_latency(struct nlmsghdr *nlh, struct ktcp_latency *lat);
int ktcp_parse_service(struct nlmsghdr *nlh, char *name, size_t len);
int ktcp_parse_event(struct nlmsghdr *nlh, struct ktcp_event *ev);
/* -EPROTO: not a KTCP_CMD_ACCESS; strings point into nlh. */
int ktcp_parse_log(struct nlmsghdr *nlh, struct ktcp_log_record *rec);

/*
 * Extended ACK of an NLMSG_ERROR or NLMSG_DONE message, as text in buf
 * (empty when there is none); req is the request it answers, used to name
 * the attribute the kernel points at. Returns the errno carried by the
 * message (<= 0).
 */
int ktcp_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		   char *buf, size_t len);
const char *ktcp_attr_name(const struct nlmsghdr *req, uint32_t off);

/*
 * Whether a caller's reserved space is all zero: a field of a newer
 * header, which this library would leave out of its request, is not.
 */
static inline bool ktcp_zeroed(const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len)
		if (b[--len])
			return false;
	return true;
}

/* --- drop_msg.c: SOCK_DROP --------------------------------------------- */
/* Called for each socket of a SOCK_DROP reply; a negative return aborts. */
typedef int (*ktcp_drop_fn)(const struct ktcp_drop_result *r, void *arg);

int ktcp_check_tuple(const struct ktcp_sock_tuple *t, const char **why);
int ktcp_check_filter(const struct ktcp_drop_filter *f, unsigned int flags,
		      const char **why);
int ktcp_msg_sock_drop(int family, const struct ktcp_sock_tuple *t, size_t n,
		       unsigned int flags, struct nl_msg **msgp);
int ktcp_msg_sock_drop_filter(int family, const struct ktcp_drop_filter *f,
			      unsigned int flags, struct nl_msg **msgp);
int ktcp_parse_drop_sock(struct nlattr *nest, struct ktcp_drop_result *r);
int ktcp_parse_drop(struct nlmsghdr *nlh, ktcp_drop_fn fn, void *arg,
		    uint32_t *dropped);

/* --- nl.c ---------------------------------------------------------------- */
int ktcp_nle_to_errno(int nle);

/* --- nl.c: requests and dumps ------------------------------------------- */
/* Called for each reply message; a negative return aborts (after drain). */
typedef int (*ktcp_reply_fn)(struct nlmsghdr *nlh, void *arg);
/* Called before each dump attempt, to drop a previous attempt's results. */
typedef void (*ktcp_reset_fn)(void *arg);

int ktcp_handle_new(struct ktcp **hp);
void ktcp_handle_set_family(struct ktcp *h, const struct ktcp_family *fam);
int ktcp_family_id(const struct ktcp *h);
void ktcp_set_errmsg(struct ktcp *h, const char *msg);
/* Every API call on a handle starts with this: no message is stale. */
void ktcp_call_begin(struct ktcp *h);
/* ktcp_open_errmsg() for the family called name (tests use others). */
int ktcp_open_family(const char *name, struct ktcp **hp, char *buf, size_t len);
int ktcp_request(struct ktcp *h, struct nl_msg *msg, ktcp_reply_fn fn,
		 void *arg);
int ktcp_dump(struct ktcp *h, uint8_t cmd, ktcp_reply_fn fn,
	      ktcp_reset_fn reset, void *arg);

#endif /* KTCP_INTERNAL_H */
