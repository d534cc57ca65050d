// SPDX-License-Identifier: GPL-2.0
/*
 * The credentials that a server looks files up, opens and reads them with.
 *
 * They are a copy of the starting process's with every capability set
 * cleared: a server that root started would otherwise keep
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH and serve any user's mode-0600
 * file. With KTCP_OPT_A_HTTP_UID/GID/GROUPS the copy also takes that
 * user's ids and groups (all of uid, euid, suid and fsuid; the same for
 * gids), the way a daemon's workers drop to an unprivileged user. The copy
 * keeps the caller's user_struct and ucounts: they charge per-user limits
 * (processes, pipes, inotify), none of which opening and reading files
 * touches.
 *
 * Who may name which user is decided in khttpd_user_configure(), when the
 * caller is current: its own ids and groups need nothing more than the
 * CAP_NET_ADMIN that starting a server takes; anyone else's need
 * CAP_SETUID (a uid) and CAP_SETGID (a gid or groups), as setresuid(2)
 * and setgroups(2) would, so that CAP_NET_ADMIN alone cannot read another
 * user's files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "ktcp_server.h"
#include "khttpd.h"

/*
 * The groups of @opts as a sorted group_info, the gids read in @ns.
 * Returns it (put_group_info() it), or an ERR_PTR with *why set.
 */
static struct group_info *khttpd_groups(const struct ktcp_opts *opts,
					struct user_namespace *ns,
					const char **why)
{
	struct group_info *gi;
	u32 i;

	gi = groups_alloc(opts->http_ngroups);
	if (!gi)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < opts->http_ngroups; i++) {
		gi->gid[i] = make_kgid(ns, opts->http_groups[i]);
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			*why = "a group id has no mapping in the caller's user namespace";
			return ERR_PTR(-EINVAL);
		}
	}
	groups_sort(gi);
	return gi;
}

/* Whether the sorted @gi holds exactly the current process's groups. */
static bool khttpd_groups_are_own(const struct group_info *gi)
{
	const struct group_info *own = current_cred()->group_info;
	int i;

	if (gi->ngroups != own->ngroups)
		return false;
	for (i = 0; i < gi->ngroups; i++)
		if (!gid_eq(gi->gid[i], own->gid[i]))
			return false;
	return true;
}

/*
 * ->configure, as the caller: check the user of @opts and renumber its ids
 * as in the initial user namespace, or record the caller's own fsuid and
 * fsgid when no user is given. Afterwards BIT(KTCP_OPT_A_HTTP_GROUPS) is
 * set exactly when a user was given (with no groups if none came).
 */
int khttpd_user_configure(struct ktcp_opts *opts, const char **why)
{
	const u32 given = opts->present & KHTTPD_USER_OPTS;
	struct user_namespace *ns = current_user_ns();
	const struct cred *cred = current_cred();
	struct group_info *gi;
	kuid_t uid;
	kgid_t gid;
	u32 i;
	int err = 0;

	if (!given) {
		opts->http_uid = from_kuid(&init_user_ns, cred->fsuid);
		opts->http_gid = from_kgid(&init_user_ns, cred->fsgid);
		opts->present |= BIT(KTCP_OPT_A_HTTP_UID) |
				 BIT(KTCP_OPT_A_HTTP_GID);
		return 0;
	}
	if (!(given & BIT(KTCP_OPT_A_HTTP_UID)) ||
	    !(given & BIT(KTCP_OPT_A_HTTP_GID))) {
		*why = "an http user needs both a uid and a gid";
		return -EINVAL;
	}
	uid = make_kuid(ns, opts->http_uid);
	gid = make_kgid(ns, opts->http_gid);
	if (!uid_valid(uid) || !gid_valid(gid)) {
		*why = "the uid or gid has no mapping in the caller's user namespace";
		return -EINVAL;
	}
	gi = khttpd_groups(opts, ns, why);
	if (IS_ERR(gi))
		return PTR_ERR(gi);
	if (!uid_eq(uid, cred->fsuid) && !capable(CAP_SETUID)) {
		*why = "serving files as another user needs CAP_SETUID";
		err = -EPERM;
	} else if ((!gid_eq(gid, cred->fsgid) || !khttpd_groups_are_own(gi)) &&
		   !capable(CAP_SETGID)) {
		*why = "serving files with another group or groups needs CAP_SETGID";
		err = -EPERM;
	}
	if (!err) {
		opts->http_uid = from_kuid(&init_user_ns, uid);
		opts->http_gid = from_kgid(&init_user_ns, gid);
		opts->http_ngroups = gi->ngroups;
		for (i = 0; i < opts->http_ngroups; i++)
			opts->http_groups[i] =
				from_kgid(&init_user_ns, gi->gid[i]);
		opts->present |= BIT(KTCP_OPT_A_HTTP_GROUPS);
	}
	put_group_info(gi);
	return err;
}

/*
 * ->server_init, as the caller: the credentials to serve files with, from
 * options that khttpd_user_configure() has checked. Returns them
 * (put_cred() when done) or ERR_PTR(-ENOMEM).
 */
const struct cred *khttpd_cred_prepare(const struct ktcp_opts *opts)
{
	struct group_info *gi;
	struct cred *new;
	const char *why;

	new = prepare_creds();
	if (!new)
		return ERR_PTR(-ENOMEM);
	if (opts->present & BIT(KTCP_OPT_A_HTTP_GROUPS)) {
		gi = khttpd_groups(opts, &init_user_ns, &why);
		if (IS_ERR(gi)) {
			abort_creds(new);
			return ERR_CAST(gi);
		}
		set_groups(new, gi);
		put_group_info(gi);
		new->uid = make_kuid(&init_user_ns, opts->http_uid);
		new->euid = new->uid;
		new->suid = new->uid;
		new->fsuid = new->uid;
		new->gid = make_kgid(&init_user_ns, opts->http_gid);
		new->egid = new->gid;
		new->sgid = new->gid;
		new->fsgid = new->gid;
	}
	cap_clear(new->cap_inheritable);
	cap_clear(new->cap_permitted);
	cap_clear(new->cap_effective);
	cap_clear(new->cap_bset);
	cap_clear(new->cap_ambient);
	return new;
}
