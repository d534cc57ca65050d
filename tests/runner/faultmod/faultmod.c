// SPDX-License-Identifier: GPL-2.0
/*
 * Runner self-test: a module that, on load, does the one wrong thing its
 * "kind" parameter names, so that tests/runner/run.sh can check that the
 * runner fails the run for each kind of kernel complaint it claims to catch:
 *
 *   kasan        reads past a kmalloc()ed buffer (KASAN)
 *   ubsan        indexes past an array (UBSAN_BOUNDS)
 *   lockdep      takes two mutexes in both orders (lockdep's circular
 *                dependency report)
 *   nonstatic    takes a spinlock whose lockdep map was never initialised
 *                (lockdep's "trying to register non-static key", after which
 *                lockdep turns itself off)
 *   lockdep_off  turns lockdep off without a word (debug_locks_off())
 *   hung         sleeps uninterruptibly for "ms" milliseconds (hung task)
 *   stall        starts an RCU grace period, then spins with preemption off
 *                for "ms" milliseconds (RCU stall)
 *   pin          takes a reference on itself, so it cannot be unloaded
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *kind = "";
module_param(kind, charp, 0444);
MODULE_PARM_DESC(kind, "what to do wrong on load (see the source)");
static unsigned int ms = 20000;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "how long hung and stall last, in milliseconds");

static DEFINE_MUTEX(faultmod_a);
static DEFINE_MUTEX(faultmod_b);

static int faultmod_kasan(void)
{
	size_t size = 123, i = 123;
	char *p = kmalloc(size, GFP_KERNEL);
	char c;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(i);
	c = READ_ONCE(p[i]);
	pr_info("read %d past the end\n", c);
	kfree(p);
	return 0;
}

static int faultmod_ubsan(void)
{
	struct {
		int a[4];
		int b;
	} s = { { 1, 2, 3, 4 }, 5 };
	int i = 4;

	OPTIMIZER_HIDE_VAR(i);
	pr_info("a[%d] is %d\n", i, s.a[i]);
	return 0;
}

static int faultmod_lockdep(void)
{
	mutex_lock(&faultmod_a);
	mutex_lock(&faultmod_b);
	mutex_unlock(&faultmod_b);
	mutex_unlock(&faultmod_a);
	/* The other order: no deadlock in one thread, but lockdep sees one. */
	mutex_lock(&faultmod_b);
	mutex_lock(&faultmod_a);
	mutex_unlock(&faultmod_a);
	mutex_unlock(&faultmod_b);
	return 0;
}

static int faultmod_nonstatic(void)
{
	spinlock_t *lock = kmalloc(sizeof(*lock), GFP_KERNEL);

	if (!lock)
		return -ENOMEM;
	spin_lock_init(lock);
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	/* As if the lock had been set up without spin_lock_init(). */
	memset(&lock->rlock.dep_map, 0, sizeof(lock->rlock.dep_map));
#endif
	spin_lock(lock);
	spin_unlock(lock);
	kfree(lock);
	return 0;
}

static int __init faultmod_init(void)
{
	pr_info("kind=%s\n", kind);
	if (!strcmp(kind, "kasan"))
		return faultmod_kasan();
	if (!strcmp(kind, "ubsan"))
		return faultmod_ubsan();
	if (!strcmp(kind, "lockdep"))
		return faultmod_lockdep();
	if (!strcmp(kind, "nonstatic"))
		return faultmod_nonstatic();
	if (!strcmp(kind, "lockdep_off")) {
		debug_locks_off();
		return 0;
	}
	if (!strcmp(kind, "hung")) {
		msleep(ms);
		return 0;
	}
	if (!strcmp(kind, "stall")) {
		/* An idle system has no grace period to hold up: start one. */
		start_poll_synchronize_rcu();
		preempt_disable();
		mdelay(ms);
		preempt_enable();
		return 0;
	}
	if (!strcmp(kind, "pin")) {
		__module_get(THIS_MODULE);
		return 0;
	}
	pr_err("unknown kind '%s'\n", kind);
	return -EINVAL;
}

static void __exit faultmod_exit(void)
{
}

module_init(faultmod_init);
module_exit(faultmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktcp VM runner self-test: misbehaves on load, as asked");
