// SPDX-License-Identifier: GPL-2.0
/* The servers at the end of a run: list them, stop those in the range. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/ktcp.h>
#include <linux/netlink.h>

#include "nlfuzz.h"

int nlf_list(struct nlf_ctx *ctx)
{
	struct req *q = malloc(sizeof(*q));
	int err;

	if (!q)
		return -1;
	req_init(q, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		 KTCP_CMD_SERVER_GET);
	err = nlf_exchange(ctx, &q, 1);
	if (!err && ctx->res.err) {
		fprintf(stderr, "nlfuzz: listing servers: %s %s\n",
			nlf_errname(ctx->res.err), ctx->res.msg);
		err = -1;
	}
	free(q);
	return err;
}

static bool was_there(const uint32_t *ids, unsigned int n, uint32_t id)
{
	while (n--)
		if (ids[n] == id)
			return true;
	return false;
}

static int stop_one(struct nlf_ctx *ctx, uint32_t id)
{
	struct req *q = malloc(sizeof(*q));
	int err;

	if (!q)
		return -1;
	req_init(q, NLM_F_REQUEST | NLM_F_ACK, KTCP_CMD_SERVER_STOP);
	req_put_u32(q, KTCP_A_SERVER_ID, id);
	err = nlf_exchange(ctx, &q, 1);
	free(q);
	if (!err && ctx->res.err && ctx->res.err != -ENOENT) {
		fprintf(stderr, "nlfuzz: stopping server %u: %s %s\n", id,
			nlf_errname(ctx->res.err), ctx->res.msg);
		return -1;
	}
	return err;
}

int nlf_stop_range(struct nlf_ctx *ctx, const uint32_t *before,
		   unsigned int n_before, unsigned int *left,
		   unsigned int *outside)
{
	uint32_t ids[NLF_LIST_MAX];
	uint16_t ports[NLF_LIST_MAX];
	unsigned int i, n;

	if (nlf_list(ctx))
		return -1;
	n = ctx->res.nids;
	memcpy(ids, ctx->res.ids, sizeof(ids));
	memcpy(ports, ctx->res.ports, sizeof(ports));
	for (i = 0; i < n; i++)
		if (ports[i] >= ctx->port_lo && ports[i] <= ctx->port_hi &&
		    stop_one(ctx, ids[i]))
			return -1;
	if (nlf_list(ctx))
		return -1;
	*left = *outside = 0;
	for (i = 0; i < ctx->res.nids; i++) {
		uint16_t p = ctx->res.ports[i];

		if (p >= ctx->port_lo && p <= ctx->port_hi) {
			fprintf(stderr,
				"nlfuzz: server %u on port %u is still there\n",
				ctx->res.ids[i], p);
			(*left)++;
		} else if (!was_there(before, n_before, ctx->res.ids[i])) {
			fprintf(stderr,
				"nlfuzz: server %u on port %u, outside the range, was not there before\n",
				ctx->res.ids[i], p);
			(*outside)++;
		}
	}
	return 0;
}
