// SPDX-License-Identifier: GPL-2.0
/*
 * ktcp-ynl-client: a client of the "ktcp" family that nothing of ktcp
 * wrote: its netlink code is what the kernel's YNL generator made from
 * include/uapi/linux/ktcp.yaml (ynl-gen-c.py --mode user, by
 * scripts/check-ynl.sh), linked with the ynl library of the same kernel
 * tree. It starts an echo server, lists the servers with a dump, reads
 * the server's counters and stops it, printing one line per step:
 *
 *   started ID
 *   server ID SERVICE PORT        (one per server of the dump)
 *   stats ID accepted N
 *   stopped ID
 *
 *   ktcp-ynl-client PORT
 *
 * Exit: 0, 1 with the kernel's error ("ERRNO MESSAGE") on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ynl.h>

#include "ktcp-user.h"

static int fail(struct ynl_sock *ys, const char *what)
{
	fprintf(stderr, "ktcp-ynl-client: %s: %d %s\n", what, ys->err.code,
		ys->err.msg);
	ynl_sock_destroy(ys);
	return 1;
}

int main(int argc, char **argv)
{
	struct ktcp_server_start_req *start;
	struct ktcp_server_start_rsp *started;
	struct ktcp_server_stop_req *stop;
	struct ktcp_server_get_list *list;
	struct ktcp_server_get_rsp *srv;
	struct ktcp_stats_get_req *sreq;
	struct ktcp_stats_get_rsp *st;
	struct ynl_error yerr;
	struct ynl_sock *ys;
	__u32 id;

	if (argc != 2) {
		fprintf(stderr, "usage: ktcp-ynl-client PORT\n");
		return 2;
	}
	ys = ynl_sock_create(&ynl_ktcp_family, &yerr);
	if (!ys) {
		fprintf(stderr, "ktcp-ynl-client: %s\n", yerr.msg);
		return 1;
	}

	start = ktcp_server_start_req_alloc();
	ktcp_server_start_req_set_service(start, "echo");
	ktcp_server_start_req_set_port(start, (__u16)atoi(argv[1]));
	started = ktcp_server_start(ys, start);
	ktcp_server_start_req_free(start);
	if (!started || !started->_present.server_id)
		return fail(ys, "server-start");
	id = started->server_id;
	ktcp_server_start_rsp_free(started);
	printf("started %u\n", id);

	list = ktcp_server_get_dump(ys);
	if (!list)
		return fail(ys, "server-get dump");
	/* ynl_dump_foreach(), spelled out for cppcheck. */
	for (srv = &list->obj; !ynl_dump_obj_is_last(srv);
	     srv = ynl_dump_obj_next(srv))
		printf("server %u %s %u\n", srv->server_id,
		       srv->_present.service_len ? srv->service : "?",
		       srv->port);
	ktcp_server_get_list_free(list);

	sreq = ktcp_stats_get_req_alloc();
	ktcp_stats_get_req_set_server_id(sreq, id);
	st = ktcp_stats_get(ys, sreq);
	ktcp_stats_get_req_free(sreq);
	if (!st)
		return fail(ys, "stats-get");
	printf("stats %u accepted %llu\n", id,
	       (unsigned long long)st->stats.accepted);
	ktcp_stats_get_rsp_free(st);

	stop = ktcp_server_stop_req_alloc();
	ktcp_server_stop_req_set_server_id(stop, id);
	if (ktcp_server_stop(ys, stop)) {
		ktcp_server_stop_req_free(stop);
		return fail(ys, "server-stop");
	}
	ktcp_server_stop_req_free(stop);
	printf("stopped %u\n", id);
	ynl_sock_destroy(ys);
	return 0;
}
