// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs every suite. CK_FORK=yes (scripts/run-unit-tests.sh) isolates
 * tests from each other; CK_FORK=no is for valgrind and gdb.
 */
#include <stdlib.h>

#include "cksuites.h"

int main(void)
{
	SRunner *sr = srunner_create(make_addr_suite());
	int failed;

	srunner_add_suite(sr, make_accesslog_suite());
	srunner_add_suite(sr, make_args_suite());
	srunner_add_suite(sr, make_config_suite());
	srunner_add_suite(sr, make_drop_suite());
	srunner_add_suite(sr, make_http_suite());
	srunner_add_suite(sr, make_json_suite());
	srunner_add_suite(sr, make_latency_suite());
	srunner_add_suite(sr, make_msg_suite());
	srunner_add_suite(sr, make_nl_suite());
	srunner_add_suite(sr, make_pace_suite());
	srunner_add_suite(sr, make_prom_suite());
	srunner_add_suite(sr, make_top_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
