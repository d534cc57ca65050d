// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the VM suite (test_hooks.h); built only with
 * KTCP_TEST_HOOKS=y. Each knob is a parameter of ktcp.ko, writable at run
 * time under /sys/module/ktcp/parameters/, 0 (off) by default.
 */
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>

#include "test_hooks.h"

static unsigned int test_accept_delay_ms;
module_param(test_accept_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_accept_delay_ms,
		 "test: sleep after registering an accepted connection");

static unsigned int test_accept_pick_delay_ms;
module_param(test_accept_pick_delay_ms, uint, 0644);
MODULE_PARM_DESC(
	test_accept_pick_delay_ms,
	"test: sleep between picking an accepted connection's CPU and registering it");

static unsigned int test_start_fail_delay_ms;
module_param(test_start_fail_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_start_fail_delay_ms,
		 "test: sleep between a failed START and its ACK");

static unsigned int test_drop_delay_ms;
module_param(test_drop_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_drop_delay_ms,
		 "test: sleep between finding a socket to drop and aborting it");

static unsigned int test_reap_delay_ms;
module_param(test_reap_delay_ms, uint, 0644);
MODULE_PARM_DESC(
	test_reap_delay_ms,
	"test: sleep between reading a namespace's references and its sockets again");

static unsigned int test_service_load_delay_ms;
module_param(test_service_load_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_service_load_delay_ms,
		 "test: sleep before loading a service's module for a START");

static unsigned int test_listener_delay_ms;
module_param(test_listener_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_listener_delay_ms,
		 "test: sleep before opening each listener after the first");

static unsigned int test_fail_listener;
module_param(test_fail_listener, uint, 0644);
MODULE_PARM_DESC(test_fail_listener,
		 "test: listener N (1: the second) fails to open with ENOMEM");

static unsigned int test_fail_drop_request;
module_param(test_fail_drop_request, uint, 0644);
MODULE_PARM_DESC(
	test_fail_drop_request,
	"test: SOCK_DROP by tuple request N (1: the next) fails with ENOMEM, dropping nothing");

void ktcp_test_delay(enum ktcp_test_point point)
{
	static unsigned int *const ms[__KTCP_TEST_MAX] = {
		[KTCP_TEST_ACCEPTED] = &test_accept_delay_ms,
		[KTCP_TEST_ACCEPT_PICKED] = &test_accept_pick_delay_ms,
		[KTCP_TEST_START_FAILED] = &test_start_fail_delay_ms,
		[KTCP_TEST_DROP_FOUND] = &test_drop_delay_ms,
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
