// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the VM suite (test_hooks.h); built only with
 * KTCP_TEST_HOOKS=y. Each knob is a parameter of ktcp.ko, writable at run
 * time under /sys/module/ktcp/parameters/, 0 (off) by default.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "test_hooks.h"

/* One knob, as above. */
#define KTCP_TEST_KNOB(name, desc)      \
	static unsigned int name;       \
	module_param(name, uint, 0644); \
	MODULE_PARM_DESC(name, "test: " desc)

KTCP_TEST_KNOB(test_accept_delay_ms,
	       "sleep after registering an accepted connection");
KTCP_TEST_KNOB(
	test_accept_pick_delay_ms,
	"sleep between picking an accepted connection's CPU and registering it");
KTCP_TEST_KNOB(test_start_fail_delay_ms,
	       "sleep between a failed START and its ACK");
KTCP_TEST_KNOB(test_drop_delay_ms,
	       "sleep between finding a socket to drop and aborting it");
KTCP_TEST_KNOB(test_drop_dump_delay_ms,
	       "sleep before each message of a drop's dump after the first");
KTCP_TEST_KNOB(
	test_reap_delay_ms,
	"sleep between reading a namespace's references and its sockets again");
KTCP_TEST_KNOB(test_service_load_delay_ms,
	       "sleep before loading a service's module for a START");
KTCP_TEST_KNOB(test_listener_delay_ms,
	       "sleep before opening each listener after the first");
KTCP_TEST_KNOB(test_fail_listener,
	       "listener N (1: the second) fails to open with ENOMEM");
KTCP_TEST_KNOB(
	test_fail_drop_request,
	"SOCK_DROP by tuple request N (1: the next) fails with ENOMEM, dropping nothing");
KTCP_TEST_KNOB(test_fail_set_alloc,
	       "SET's allocation N (1: the next) fails, as if out of memory");
KTCP_TEST_KNOB(test_cpus_max,
	       "longest CPU list a server may have, printed (0: KTCP_CPUS_MAX)");

void ktcp_test_delay(enum ktcp_test_point point)
{
	static unsigned int *const ms[__KTCP_TEST_MAX] = {
		[KTCP_TEST_ACCEPTED] = &test_accept_delay_ms,
		[KTCP_TEST_ACCEPT_PICKED] = &test_accept_pick_delay_ms,
		[KTCP_TEST_START_FAILED] = &test_start_fail_delay_ms,
		[KTCP_TEST_DROP_FOUND] = &test_drop_delay_ms,
		[KTCP_TEST_DROP_DUMP] = &test_drop_dump_delay_ms,
		[KTCP_TEST_REAP] = &test_reap_delay_ms,
		[KTCP_TEST_SERVICE_LOAD] = &test_service_load_delay_ms,
	};
	unsigned int delay = READ_ONCE(*ms[point]);

	if (delay)
		msleep(delay);
}

/* Listener @i is about to open: 0, or the error it must fail with. */
int ktcp_test_listener_fault(unsigned int i)
{
	if (!i)
		return 0;
	if (READ_ONCE(test_listener_delay_ms))
		msleep(READ_ONCE(test_listener_delay_ms));
	return i == READ_ONCE(test_fail_listener) ? -ENOMEM : 0;
}

/* A SOCK_DROP by tuple is about to start: 0, or the error it must fail with. */
int ktcp_test_drop_fault(void)
{
	static DEFINE_SPINLOCK(lock);
	int err = 0;

	spin_lock(&lock);
	if (test_fail_drop_request && !--test_fail_drop_request)
		err = -ENOMEM;
	spin_unlock(&lock);
	return err;
}

/* SET is about to allocate: whether the allocation must fail. */
bool ktcp_test_set_alloc_fault(void)
{
	static DEFINE_SPINLOCK(lock);
	bool fail = false;

	spin_lock(&lock);
	if (test_fail_set_alloc && !--test_fail_set_alloc)
		fail = true;
	spin_unlock(&lock);
	return fail;
}

/* The longest CPU list, printed, that START and SET take; 0: no change. */
unsigned int ktcp_test_cpus_max(void)
{
	return READ_ONCE(test_cpus_max);
}

/*
 * Not a knob: access records that were built and sent, and that no
 * listener of their server's netns got (-ESRCH).
 */
static atomic_t test_log_unheard = ATOMIC_INIT(0);

static int ktcp_test_unheard_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&test_log_unheard));
}

static const struct kernel_param_ops ktcp_test_unheard_ops = {
	.get = ktcp_test_unheard_get,
};
module_param_cb(test_log_unheard, &ktcp_test_unheard_ops, NULL, 0444);
MODULE_PARM_DESC(test_log_unheard,
		 "test: access records no listener of their netns got");

void ktcp_test_log_unheard(void)
{
	atomic_inc(&test_log_unheard);
}
