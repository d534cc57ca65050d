// SPDX-License-Identifier: MIT
/*
 * libktcp example: start an echo server on port 7007, list every server,
 * then stop the one we started. Build with examples/Makefile; run as root
 * with the ktcp module loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ktcp.h>

static int fail(struct ktcp *h, const char *what, int err)
{
	const char *msg = ktcp_errmsg(h);

	fprintf(stderr, "%s: %s%s%s\n", what, strerror(-err), msg ? ": " : "",
		msg ? msg : "");
	return 1;
}

static void print_server(const struct ktcp_server *s)
{
	char where[KTCP_ADDRPORT_STRLEN] = "?";

	if ((s->has & KTCP_HAS_ADDR) && (s->has & KTCP_HAS_PORT))
		ktcp_addrport_format(&s->addr, s->port, where, sizeof(where));
	printf("%u: %s on %s", s->id, s->service, where);
	if (s->has & KTCP_HAS_STATS)
		printf(", %llu accepted, %llu active",
		       (unsigned long long)s->stats.accepted,
		       (unsigned long long)s->stats.active);
	printf("\n");
}

int main(void)
{
	struct ktcp_server_cfg cfg = { .service = "echo", .port = 7007 };
	struct ktcp_server *servers;
	struct ktcp *h;
	size_t i, n;
	uint32_t id;
	int err;

	err = ktcp_open(&h);
	if (err == -EPROTONOSUPPORT) {
		fprintf(stderr, "the ktcp module is not loaded: "
				"run 'modprobe ktcp'\n");
		return 1;
	}
	if (err)
		return fail(NULL, "ktcp_open", err);

	/* Optional fields are sent only with their KTCP_HAS_* bit. */
	cfg.has = KTCP_HAS_PORT | KTCP_HAS_IDLE_TIMEOUT;
	cfg.idle_timeout_ms = 30000;
	err = ktcp_server_start(h, &cfg, &id);
	if (err) {
		fail(h, "start", err);
		goto out;
	}
	printf("started echo server %u\n", id);

	err = ktcp_server_list(h, &servers, &n);
	if (err) {
		fail(h, "list", err);
	} else {
		for (i = 0; i < n; i++)
			print_server(&servers[i]);
		ktcp_server_list_free(servers);
	}

	err = ktcp_server_stop(h, id);
	if (err)
		fail(h, "stop", err);
	else
		printf("stopped server %u\n", id);
out:
	ktcp_close(h);
	return err ? 1 : 0;
}
