/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suites of the ktcp unit tests; check-all.c runs them all. */
#ifndef KTCP_CKSUITES_H
#define KTCP_CKSUITES_H

#include <check.h>

Suite *make_accesslog_suite(void);
Suite *make_addr_suite(void);
Suite *make_args_suite(void);
Suite *make_config_suite(void);
Suite *make_drop_suite(void);
Suite *make_http_suite(void);
Suite *make_json_suite(void);
Suite *make_latency_suite(void);
Suite *make_msg_suite(void);
Suite *make_nl_suite(void);
Suite *make_pace_suite(void);
Suite *make_prom_suite(void);
Suite *make_top_suite(void);

#endif /* KTCP_CKSUITES_H */
