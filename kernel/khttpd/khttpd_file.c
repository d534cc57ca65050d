// SPDX-License-Identifier: GPL-2.0
/*
 * Files beneath the document root.
 *
 * Every lookup starts at the root captured when the server started and
 * runs with LOOKUP_BENEATH: ".." at the root, an absolute symlink and a
 * relative one that climbs out all fail with -EXDEV inside the VFS, so
 * no path, however spelled, resolves to anything outside the root (the
 * URL decoder has refused "." and ".." segments before that anyway).
 * LOOKUP_NO_MAGICLINKS keeps /proc-style links out. Only regular files
 * and directories are served. A request for the file its connection
 * keeps open is checked against the dcache instead of walked
 * (khttpd_kept_found()), and goes to the walk unless it would end there.
 *
 * Lookups, permission checks, opens and reads run with the server's
 * credentials (khttpd_cred.c: the starting process's or a named user's,
 * without capabilities), never the worker's own full kernel
 * credentials, so a file that user could not read is not served. The
 * framework switches a run to them once (->run_cred); these functions
 * only check that it did. dentry_open() checks no permissions itself, so
 * khttpd_open() calls path_permission() as open(2) would.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/namei.h>
#include <linux/string.h>
#include <linux/version.h>

#include "ktcp_server.h"
#include "khttpd.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
/* Exported since long ago, but declared in fs/internal.h before 6.4. */
int vfs_path_lookup(struct dentry *dentry, struct vfsmount *mnt,
		    const char *name, unsigned int flags, struct path *path);
#endif

#define KHTTPD_LOOKUP_FLAGS \
	(LOOKUP_FOLLOW | LOOKUP_BENEATH | LOOKUP_NO_MAGICLINKS)

/*
 * Resolve @name (a decoded URL path: starts with '/', no "." or ".."
 * segments) beneath the root. Returns 0 with @node filled (path_put() it
 * with node->path when done), -ENOENT, -ENOTDIR, -EACCES (no permission,
 * or not a regular file or directory), -EXDEV/-ELOOP (a symlink leaving
 * the root or looping), or another -errno.
 */
#ifdef KTCP_TEST_HOOKS
/*
 * Test builds only (kernel/test_hooks.h): every lookup fails with this
 * errno, for the 500 that no file system in the test VM can be made to
 * cause.
 */
static unsigned int test_lookup_errno;
module_param(test_lookup_errno, uint, 0644);
MODULE_PARM_DESC(test_lookup_errno, "test: every lookup fails with this errno");

static int khttpd_test_lookup_error(void)
{
	return -(int)min_t(unsigned int, READ_ONCE(test_lookup_errno),
			   MAX_ERRNO);
}

/*
 * Test builds only: how many lookups walked the path; the others found
 * the kept file (khttpd_kept_found()).
 */
static atomic_t test_lookup_walks = ATOMIC_INIT(0);

static int khttpd_test_walks_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&test_lookup_walks));
}

static const struct kernel_param_ops khttpd_test_walks_ops = {
	.get = khttpd_test_walks_get,
};
module_param_cb(test_lookup_walks, &khttpd_test_walks_ops, NULL, 0444);
MODULE_PARM_DESC(
	test_lookup_walks,
	"test: lookups that walked the path (files, indexes, listings)");

static void khttpd_test_count_walk(void)
{
	atomic_inc(&test_lookup_walks);
}
#else
static int khttpd_test_lookup_error(void)
{
	return 0;
}

static void khttpd_test_count_walk(void)
{
}
#endif

/*
 * Every function below runs in a connection's run, which the framework
 * switched to the server's credentials (khttpd_run_cred()).
 */
static bool khttpd_cred_wrong(const struct khttpd_server *ks)
{
	return WARN_ON_ONCE(current_cred() != ks->cred);
}

/* A file's type and size and times, and only regular files or directories. */
static int khttpd_stat(struct khttpd_node *node)
{
	umode_t mode;
	int err;

	err = vfs_getattr(&node->path, &node->stat, STATX_BASIC_STATS,
			  AT_STATX_SYNC_AS_STAT);
	mode = node->stat.mode;
	if (!err && !S_ISREG(mode) && !S_ISDIR(mode))
		err = -EACCES; /* no devices, FIFOs or sockets */
	if (err)
		path_put(&node->path);
	return err;
}

/*
 * What every lookup checks first: the run's credentials and, in test
 * builds, an injected error. @name loses its leading '/'s.
 */
static int khttpd_lookup_start(const struct khttpd_server *ks,
			       const char **name)
{
	if (khttpd_cred_wrong(ks))
		return -EACCES;
	while (**name == '/')
		(*name)++;
	return khttpd_test_lookup_error();
}

/* The walk itself, @name relative to the root. */
static int khttpd_walk(const struct khttpd_server *ks, const char *name,
		       struct khttpd_node *node, unsigned int *tries)
{
	int err;

	if (!*tries)
		return -EAGAIN;
	if (!*name)
		name = ".";
	khttpd_test_count_walk();
	do
		err = vfs_path_lookup(ks->root.dentry, ks->root.mnt, name,
				      KHTTPD_LOOKUP_FLAGS, &node->path);
	while (err == -EAGAIN && --*tries);
	if (err)
		return err;
	return khttpd_stat(node);
}

int khttpd_lookup_tries(const struct khttpd_server *ks, const char *name,
			struct khttpd_node *node, unsigned int *tries)
{
	int err = khttpd_lookup_start(ks, &name);

	return err ? err : khttpd_walk(ks, name, node, tries);
}

#define KHTTPD_DENTRY_OWN_OPS                                        \
	(DCACHE_OP_HASH | DCACHE_OP_COMPARE | DCACHE_OP_REVALIDATE | \
	 DCACHE_OP_WEAK_REVALIDATE)

/*
 * Is @d hashed as [@c, @c + @n) in its parent, which *@parent gets, and
 * would the walk find it there without help? __d_move() changes a name
 * and parent under the dentry's d_lock.
 */
static bool khttpd_dentry_named(struct dentry *d, const char *c, size_t n,
				struct dentry **parent)
{
	bool ok;

	spin_lock(&d->d_lock);
	ok = !d_unhashed(d) && !d_managed(d) &&
	     !(d->d_flags & KHTTPD_DENTRY_OWN_OPS) && d->d_name.len == n &&
	     !memcmp(d->d_name.name, c, n);
	*parent = d->d_parent;
	spin_unlock(&d->d_lock);
	return ok;
}

/*
 * May the serving user look names up in @dir, as the walk's may_lookup()
 * asks in RCU mode (without sleeping; -ECHILD is a no here)?
 */
static bool khttpd_may_search(const struct khttpd_server *ks,
			      struct dentry *dir)
{
	const int mask = MAY_EXEC | MAY_NOT_BLOCK;
	struct inode *inode = d_inode_rcu(dir);

	if (!d_can_lookup(dir) || !inode)
		return false;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return !inode_permission(mnt_idmap(ks->root.mnt), inode, mask);
#else
	return !inode_permission(mnt_user_ns(ks->root.mnt), inode, mask);
#endif
}

/*
 * The kept file, found again without a walk.
 *
 * A request for the file its connection served last (khttpd_keep())
 * resolves to it again unless something on the way changed, and the
 * dcache can say whether anything did for the price of a few compares.
 * The walk costs more: a 4 KiB name buffer (zeroed, with init_on_alloc),
 * then a hash and a hash table probe per component. It was 7 to 10 % of
 * the CPU time of a keep-alive request for a 1 KiB file, a cost that
 * lighttpd, answering from its stat cache, does not pay
 * (docs/benchmarks.md).
 *
 * The walk of @name (without its leading '/') from the root would end at
 * @kept's dentry when, going up from that dentry, each one is still
 * hashed (not deleted, not renamed over) under the name the request gives
 * it, the root comes exactly when the name runs out, and the serving user
 * may search every directory on the way, as the walk checks. Whatever
 * the walk would do differently sends the request to the walk: a mount
 * or automount point (the walk would cross it), a name the file system
 * hashes, compares or revalidates itself, a symlink on the way (the
 * dentries' names are then not the request's), a rename anywhere during
 * the check (rename_lock), a permission check that would have to sleep,
 * and a name the walk refuses as too long. No audit record is lost:
 * workers have no audit context for the walk's to go to.
 */
static bool khttpd_kept_found(const struct khttpd_server *ks,
			      const struct file *kept, const char *name)
{
	const unsigned int root_ops = DCACHE_OP_HASH | DCACHE_OP_COMPARE;
	const char *end = name + strnlen(name, PATH_MAX), *c;
	struct dentry *d = kept->f_path.dentry, *parent = NULL;
	bool ok = kept->f_path.mnt == ks->root.mnt && end - name < PATH_MAX &&
		  !(READ_ONCE(ks->root.dentry->d_flags) & root_ops);
	unsigned int seq;

	rcu_read_lock();
	seq = read_seqbegin(&rename_lock);
	while (ok && end > name) {
		for (c = end; c > name && c[-1] != '/'; c--)
			;
		/* c == end: an empty segment, as in "dir/" (a directory) */
		ok = c < end && d != ks->root.dentry &&
		     khttpd_dentry_named(d, c, end - c, &parent) &&
		     khttpd_may_search(ks, parent);
		d = parent;
		end = c > name ? c - 1 : c;
	}
	ok = ok && d == ks->root.dentry && !read_seqretry(&rename_lock, seq);
	rcu_read_unlock();
	return ok;
}

int khttpd_lookup(const struct khttpd_server *ks, const char *name,
		  const struct file *kept, struct khttpd_node *node)
{
	unsigned int tries = KHTTPD_LOOKUP_TRIES;
	int err = khttpd_lookup_start(ks, &name);

	if (err)
		return err;
	if (!kept || !khttpd_kept_found(ks, kept, name))
		return khttpd_walk(ks, name, node, &tries);
	node->path = kept->f_path;
	path_get(&node->path);
	return khttpd_stat(node);
}

/*
 * A connection keeps the last regular file it served open (khttpd_keep()),
 * and the next request that resolves to that same file gets it back
 * instead of a new open and close, which took about a fifth of the CPU
 * time of a 1 KiB keep-alive request (docs/benchmarks.md).
 *
 * Only the open and the walk are saved. The permission checks run for
 * every request, the walk's (khttpd_kept_found()) and the open's: a chmod
 * is seen at once, and a replaced or deleted file resolves to another
 * dentry or to none. A kept file renamed within the root is the same file
 * under its new name.
 * Same dentry means same inode; reads give its current bytes and
 * khttpd_lookup() its current size, on a local file system. What a
 * reused file does not see again is what open and close do beyond
 * that: the file system's ->open(), the LSMs' file_open (a path-based
 * policy judges the file where it was opened) and fsnotify's open and
 * close events. Where ->open() asks a server or picks a lower file, a
 * kept file could serve stale bytes, so only local file systems' files
 * are kept (khttpd_keepable()).
 *
 * A kept file is closed by the connection's next response that is not
 * from it, 5 s after its last response went out (khttpd_conn.c), and
 * when the connection closes: an idle client cannot pin a deleted
 * file's space.
 */
static bool khttpd_kept_is(const struct file *kept,
			   const struct khttpd_node *node)
{
	return kept && path_equal(&kept->f_path, &node->path);
}

/*
 * Open a looked-up node for reading, as open(2) by the serving user. A
 * regular file may come from @kept (NULL for directories), which is
 * empty afterwards.
 *
 * O_NONBLOCK, as nginx opens files: an open that would break a lease
 * (fcntl(F_SETLEASE), which any owner of a file may take; Samba's and
 * NFS's delegations) fails with -EWOULDBLOCK instead of sleeping until
 * the holder gives way or lease-break-time (45 s) passes, which would
 * hold the CPU's worker, every connection queued behind it and a stop.
 * Reads from the page cache do not look at the flag; FUSE passes it to
 * its daemon, which is told the same by nginx.
 */
int khttpd_open(const struct khttpd_server *ks, struct khttpd_node *node,
		struct file **kept, struct file **filp)
{
	int flags = O_RDONLY | O_LARGEFILE | O_NONBLOCK;
	struct file *f;
	int err;

	if (S_ISDIR(node->stat.mode))
		flags |= O_DIRECTORY;
	err = khttpd_cred_wrong(ks) ? -EACCES :
				      path_permission(&node->path, MAY_READ);
	if (!err && kept && khttpd_kept_is(*kept, node)) {
		*filp = *kept;
		*kept = NULL;
		return 0;
	}
	if (kept)
		khttpd_keep(kept, NULL);
	if (err)
		return err;
	f = dentry_open(&node->path, flags, ks->cred);
	if (IS_ERR(f))
		return PTR_ERR(f);
	*filp = f;
	return 0;
}

/*
 * Close at once: fput() from a kernel thread defers the last close to a
 * delayed work, about a jiffy later, so a busy server's files (and their
 * page references) pile up behind it. Runs hold no locks here.
 */
void khttpd_close(struct file *filp)
{
	__fput_sync(filp);
}

/*
 * Only a local file system's files are kept: one on a block device, or
 * in memory (tmpfs, ramfs), whose names need no revalidating. Elsewhere
 * open is where the file system asks a server (NFS's close-to-open
 * consistency, FUSE, CIFS, 9p) or picks the real file (overlayfs, after
 * a copy-up), so those files are opened for each request.
 */
static bool khttpd_keepable(const struct file *filp)
{
	const unsigned int reval = DCACHE_OP_REVALIDATE |
				   DCACHE_OP_WEAK_REVALIDATE;
	const struct super_block *sb = file_inode(filp)->i_sb;

	if (READ_ONCE(filp->f_path.dentry->d_flags) & reval)
		return false;
	return (sb->s_type->fs_flags & FS_REQUIRES_DEV) ||
	       sb->s_magic == TMPFS_MAGIC || sb->s_magic == RAMFS_MAGIC;
}

/* Done with regular file @filp (or NULL): it becomes @kept, for reuse. */
void khttpd_keep(struct file **kept, struct file *filp)
{
	if (*kept)
		khttpd_close(*kept);
	*kept = NULL;
	if (filp && !khttpd_keepable(filp))
		khttpd_close(filp);
	else
		*kept = filp;
}

/* kernel_read() as the serving user: LSMs check reads too. */
ssize_t khttpd_read(const struct khttpd_server *ks, struct file *filp,
		    void *buf, size_t len, loff_t *pos)
{
	if (khttpd_cred_wrong(ks))
		return -EACCES;
	return kernel_read(filp, buf, len, pos);
}

/* ktcp_conn_sendfile() as the serving user, like khttpd_read(). */
ssize_t khttpd_sendfile(const struct khttpd_server *ks, struct ktcp_conn *conn,
			struct file *filp, loff_t *pos, size_t len, bool more)
{
	if (khttpd_cred_wrong(ks))
		return -EACCES;
	return ktcp_conn_sendfile(conn, filp, pos, len, more);
}

static const struct {
	const char *ext;
	const char *type;
} khttpd_mime[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "avif", "image/avif" },
	{ "svg", "image/svg+xml" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },
	{ "otf", "font/otf" },
	{ "pdf", "application/pdf" },
	{ "wasm", "application/wasm" },
	{ "zip", "application/zip" },
	{ "gz", "application/gzip" },
	{ "tar", "application/x-tar" },
	{ "mp3", "audio/mpeg" },
	{ "ogg", "audio/ogg" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
};

/* Content-Type by the extension of @name (case-insensitive). */
const char *khttpd_mime_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot && (!slash || dot > slash)) {
		for (i = 0; i < ARRAY_SIZE(khttpd_mime); i++)
			if (!strcasecmp(dot + 1, khttpd_mime[i].ext))
				return khttpd_mime[i].type;
	}
	return "application/octet-stream";
}
