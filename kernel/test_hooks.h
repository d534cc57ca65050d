/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for the VM suite. Races that a real client can only win
 * now and then (a reset during accept, a listener failing after another
 * has accepted, a module unloading before an ACK is built, a socket's
 * owner turning it into a listener while droptcp aborts it) are widened
 * here into windows a test hits every time, so that a fix can be seen to
 * work. Only test builds (make KTCP_TEST_HOOKS=y, which the VM suite uses)
 * have them; in a release build every hook is an empty inline.
 */
#ifndef _KTCP_TEST_HOOKS_H
#define _KTCP_TEST_HOOKS_H

#include <linux/types.h>

enum ktcp_test_point {
	/* an accepted connection is registered, its first run not queued */
	KTCP_TEST_ACCEPTED,
	/* an accepted connection has its CPU and is not registered yet */
	KTCP_TEST_ACCEPT_PICKED,
	/* a failed START has dropped ktcp_lock, its ACK is not built yet */
	KTCP_TEST_START_FAILED,
	/* droptcp holds a socket it found, not yet locked to abort it */
	KTCP_TEST_DROP_FOUND,
	/* a drop's dump resumes, after the first message */
	KTCP_TEST_DROP_DUMP,
	/* the reaper has read a namespace's references, not its sockets again */
	KTCP_TEST_REAP,
	/* a START has dropped ktcp_lock to load its service's module */
	KTCP_TEST_SERVICE_LOAD,
	__KTCP_TEST_MAX,
};

#ifdef KTCP_TEST_HOOKS
void ktcp_test_delay(enum ktcp_test_point point);
int ktcp_test_listener_fault(unsigned int i);
int ktcp_test_drop_fault(void);
bool ktcp_test_set_alloc_fault(void);
unsigned int ktcp_test_cpus_max(void);
void ktcp_test_log_unheard(void);
#else
static inline void ktcp_test_delay(enum ktcp_test_point point)
{
}

static inline int ktcp_test_listener_fault(unsigned int i)
{
	return 0;
}

static inline int ktcp_test_drop_fault(void)
{
	return 0;
}

static inline bool ktcp_test_set_alloc_fault(void)
{
	return false;
}

static inline unsigned int ktcp_test_cpus_max(void)
{
	return 0;
}

static inline void ktcp_test_log_unheard(void)
{
}
#endif

#endif /* _KTCP_TEST_HOOKS_H */
