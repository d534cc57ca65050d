// SPDX-License-Identifier: GPL-2.0-only
/*
 * libktcp's request machinery (userspace/libktcp/nl.c) against a real
 * kernel: the generic netlink controller "nlctrl" exists on every Linux,
 * so do requests, dumps, kernel errors and extended ACKs are exercised
 * without the ktcp module. Where netlink sockets are not allowed at all
 * (some sandboxes) the tests say so and pass.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cksuites.h"
#include "internal.h"

/* A handle speaking to nlctrl, or NULL when netlink is unavailable. */
static struct ktcp *ctrl_handle(void)
{
	struct ktcp_family ctrl = { .id = GENL_ID_CTRL };
	struct ktcp *h;
	int err = ktcp_handle_new(&h);

	if (err == -EAFNOSUPPORT || err == -EPERM || err == -EACCES) {
		fprintf(stderr, "nl: netlink unavailable (%s), skipped\n",
			strerror(-err));
		return NULL;
	}
	ck_assert_int_eq(err, 0);
	ktcp_handle_set_family(h, &ctrl);
	return h;
}

static struct nl_msg *getfamily(const char *name)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name);
	return msg;
}

static int family_cb(struct nlmsghdr *nlh, void *arg)
{
	return ktcp_parse_family(nlh, arg);
}

START_TEST(do_request)
{
	struct ktcp_family fam = { 0 };
	struct ktcp *h = ctrl_handle();

	if (!h)
		return;
	ck_assert_int_eq(ktcp_request(h, getfamily("nlctrl"), family_cb, &fam),
			 0);
	ck_assert_uint_eq(fam.id, GENL_ID_CTRL);
	ck_assert_uint_ge(fam.version, 1);
	ck_assert_ptr_null(ktcp_errmsg(h));
	/* The same handle again: no stale reply may confuse it. */
	memset(&fam, 0, sizeof(fam));
	ck_assert_int_eq(ktcp_request(h, getfamily("nlctrl"), family_cb, &fam),
			 0);
	ck_assert_uint_eq(fam.id, GENL_ID_CTRL);
	ktcp_close(h);
}
END_TEST

START_TEST(kernel_errno_kept)
{
	struct ktcp_family fam = { 0 };
	struct ktcp *h = ctrl_handle();

	if (!h)
		return;
	/* -ENOENT as the kernel said, not libnl's -NLE_OBJ_NOTFOUND. */
	ck_assert_int_eq(ktcp_request(h, getfamily("no-such-family"), family_cb,
				      &fam),
			 -ENOENT);
	ck_assert_uint_eq(fam.id, 0);
	ktcp_close(h);
}
END_TEST

START_TEST(extack_from_kernel)
{
	char name[64];
	struct ktcp *h = ctrl_handle();
	int err;

	if (!h)
		return;
	/* Longer than the policy's GENL_NAMSIZ: rejected by validation. */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	err = ktcp_request(h, getfamily(name), NULL, NULL);
	ck_assert_int_lt(err, 0);
	ck_assert_int_ne(err, -ENOENT);
	ck_assert_msg(ktcp_errmsg(h) != NULL, "no extended ACK message");
	fprintf(stderr, "nl: kernel said: %s: %s\n", strerror(-err),
		ktcp_errmsg(h));
	ktcp_close(h);
}
END_TEST

struct count {
	int n, resets;
	bool saw_ctrl;
};

static int count_cb(struct nlmsghdr *nlh, void *arg)
{
	struct ktcp_family fam;
	struct count *c = arg;
	int err = ktcp_parse_family(nlh, &fam);

	if (err)
		return err;
	c->n++;
	if (fam.id == GENL_ID_CTRL)
		c->saw_ctrl = true;
	return 0;
}

static void count_reset(void *arg)
{
	struct count *c = arg;

	c->n = 0;
	c->resets++;
}

START_TEST(dump)
{
	struct count c = { 0 };
	struct ktcp *h = ctrl_handle();

	if (!h)
		return;
	ck_assert_int_eq(
		ktcp_dump(h, CTRL_CMD_GETFAMILY, count_cb, count_reset, &c), 0);
	ck_assert_int_ge(c.n, 1);
	ck_assert(c.saw_ctrl);
	ck_assert_int_eq(c.resets, 1);
	/* A request right after a dump still works. */
	ck_assert_int_eq(ktcp_request(h, getfamily("nlctrl"), NULL, NULL), 0);
	ktcp_close(h);
}
END_TEST

START_TEST(open_reports_module)
{
	struct ktcp *h = (struct ktcp *)1;
	int err = ktcp_open(&h);

	if (err == -EAFNOSUPPORT || err == -EPERM)
		return;
	/* Either the module is loaded or we are told so, distinctly. */
	ck_assert_msg(err == 0 || err == -EPROTONOSUPPORT, "ktcp_open: %s",
		      strerror(-err));
	if (err)
		ck_assert_ptr_null(h);
	else
		ck_assert_uint_ge(ktcp_family_version(h), 1);
	ktcp_close(h);
}
END_TEST

/* The reason ktcp_open() failed reaches a caller that has no handle. */
START_TEST(open_errmsg_says_why)
{
	char buf[KTCP_ERRMSG_LEN] = "stale";
	struct ktcp *h = (struct ktcp *)1;
	int err = ktcp_open_family("ktcp-nosuch", &h, buf, sizeof(buf));

	ck_assert_ptr_null(h);
	if (err == -EAFNOSUPPORT || err == -EPERM || err == -EACCES) {
		ck_assert_msg(strstr(buf,
				     "cannot open a generic netlink socket"),
			      "%s", buf);
		return;
	}
	ck_assert_int_eq(err, -EPROTONOSUPPORT);
	ck_assert_msg(strstr(buf, "module is not loaded") &&
			      strstr(buf, "\"ktcp-nosuch\""),
		      "%s", buf);
	/* Cut to the buffer, NUL-terminated; no buffer at all is fine. */
	ck_assert_int_eq(ktcp_open_family("ktcp-nosuch", &h, buf, 8),
			 -EPROTONOSUPPORT);
	ck_assert_str_eq(buf, "the ktc");
	ck_assert_int_eq(ktcp_open_family("ktcp-nosuch", &h, NULL, 0),
			 -EPROTONOSUPPORT);
}
END_TEST

/* A message belongs to the call that set it, never to a later one. */
START_TEST(errmsg_not_stale)
{
	struct ktcp_family ctrl = { .id = GENL_ID_CTRL };
	struct ktcp_event ev;
	struct ktcp *h = ctrl_handle();

	if (!h)
		return;
	ck_assert_int_eq(ktcp_server_stop(h, 0), -EINVAL);
	ck_assert_ptr_nonnull(ktcp_errmsg(h));
	ck_assert_int_eq(ktcp_event_recv(h, &ev, 0), -ENOTCONN);
	ck_assert_str_eq(ktcp_errmsg(h), "ktcp_monitor_open() was not called");
	ctrl.events_grp = GENL_ID_CTRL;
	ktcp_handle_set_family(h, &ctrl);
	ck_assert_int_eq(ktcp_monitor_open(h), 0);
	ck_assert_ptr_null(ktcp_errmsg(h));
	ck_assert_int_eq(ktcp_server_get(h, 0, &(struct ktcp_server *){ 0 }),
			 -EINVAL);
	ck_assert_ptr_nonnull(ktcp_errmsg(h));
	/* No message of its own: the last one must not show through. */
	ck_assert_int_eq(ktcp_event_recv(h, &ev, 0), -ETIMEDOUT);
	ck_assert_ptr_null(ktcp_errmsg(h));
	ck_assert_int_eq(ktcp_server_set(h, 0, &(struct ktcp_server_cfg){ 0 }),
			 -EINVAL);
	ck_assert_int_eq(ktcp_monitor_open(h), 0); /* already open */
	ck_assert_ptr_null(ktcp_errmsg(h));
	ktcp_close(h);
}
END_TEST

START_TEST(monitor_states)
{
	struct ktcp_family ctrl = { .id = GENL_ID_CTRL };
	struct ktcp_event ev;
	struct ktcp *h = ctrl_handle();

	if (!h)
		return;
	ck_assert_int_eq(ktcp_event_recv(h, &ev, 0), -ENOTCONN);
	ck_assert_int_eq(ktcp_monitor_fd(h), -ENOTCONN);
	ck_assert_int_eq(ktcp_monitor_open(h), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(ktcp_errmsg(h));
	/* nlctrl's "notify" group (GENL_ID_CTRL) needs no privilege. */
	ctrl.events_grp = GENL_ID_CTRL;
	ktcp_handle_set_family(h, &ctrl);
	ck_assert_int_eq(ktcp_monitor_open(h), 0);
	ck_assert_int_ge(ktcp_monitor_fd(h), 0);
	ck_assert_int_eq(ktcp_event_recv(h, &ev, 0), -ETIMEDOUT);
	ck_assert_int_eq(ktcp_event_recv(h, &ev, 30), -ETIMEDOUT);
	ktcp_close(h);
}
END_TEST

Suite *make_nl_suite(void)
{
	Suite *s = suite_create("nl");
	TCase *tc = tcase_create("nlctrl");

	tcase_add_test(tc, do_request);
	tcase_add_test(tc, kernel_errno_kept);
	tcase_add_test(tc, extack_from_kernel);
	tcase_add_test(tc, dump);
	tcase_add_test(tc, open_reports_module);
	tcase_add_test(tc, monitor_states);
	tcase_add_test(tc, open_errmsg_says_why);
	tcase_add_test(tc, errmsg_not_stale);
	suite_add_tcase(s, tc);
	return s;
}
