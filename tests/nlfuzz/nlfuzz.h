/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlfuzz: random and mutated requests to the "ktcp" generic netlink family,
 * each of which must be answered. Shared declarations of its parts:
 *
 *   nlfuzz.c   options, worker processes, the final cleanup and summary
 *   nl.c       raw NETLINK_GENERIC sockets and the exchange engine, which
 *              predicts the answers the kernel owes for what it sends
 *   check.c    checks every message that comes back (engine.h: what the
 *              two share)
 *   servers.c  listing and stopping the servers at the end
 *   msg.c      building requests, the seed corpus and its hex files
 *   mutate.c   the random number generator and the fuzzing strategies
 *   cycle.c    valid start/traffic/drop/stop cycles run beside the fuzzing
 */
#ifndef NLFUZZ_H
#define NLFUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Largest single request built, and largest batch sent at once. */
#define NLF_MSG_MAX 16384
#define NLF_BATCH_MAX 8
#define NLF_SEND_MAX (NLF_BATCH_MAX * (NLF_MSG_MAX + 64))

/* Exit codes. */
#define NLF_OK 0
#define NLF_FAIL 1
#define NLF_USAGE 2

/* --- random numbers (mutate.c) --------------------------------------------- */

struct rng {
	uint64_t s;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in 0..n-1; n must not be 0. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* True with a probability of pct percent. */
bool rng_pct(struct rng *r, unsigned int pct);

/* --- building requests (msg.c) --------------------------------------------- */

/*
 * One request: the netlink header fields the strategies control, and the
 * payload (generic netlink header and attributes) that mutations change.
 * len_adj is added to the true length in nlmsg_len, to lie about it.
 */
struct req {
	uint16_t type; /* 0: the family's id */
	uint16_t flags;
	uint32_t pid;
	int len_adj;
	size_t len; /* of payload */
	unsigned char payload[NLF_MSG_MAX];
	/* builder state */
	size_t nest[8];
	int depth;
	bool overflow;
};

void req_init(struct req *q, uint16_t flags, uint8_t cmd);
void req_put(struct req *q, uint16_t type, const void *data, size_t len);
void req_put_u8(struct req *q, uint16_t type, uint8_t v);
void req_put_u16(struct req *q, uint16_t type, uint16_t v);
void req_put_u32(struct req *q, uint16_t type, uint32_t v);
void req_put_u64(struct req *q, uint16_t type, uint64_t v);
void req_put_str(struct req *q, uint16_t type, const char *s);
void req_nest_start(struct req *q, uint16_t type);
void req_nest_end(struct req *q);
uint8_t req_cmd(const struct req *q);

/* Messages of the corpus: valid requests for every command. */
struct corpus {
	size_t n;
	struct corpus_msg {
		char name[64];
		uint16_t flags;
		size_t len;
		unsigned char *payload;
	} * msg;
};

/* Build the corpus in memory, with servers on ports from port_lo. */
int corpus_generate(struct corpus *c, uint16_t port_lo);
/* Write it as DIR/NAME.hex, one file per message. */
int corpus_write(const struct corpus *c, const char *dir);
/* Read every *.hex file of dir (sorted by name). */
int corpus_load(struct corpus *c, const char *dir);
/* Read one hex file: a whole netlink message, header included. */
int corpus_read_file(const char *path, struct corpus_msg *m);
void corpus_free(struct corpus *c);
/* The request of corpus message i. */
void corpus_req(const struct corpus *c, size_t i, struct req *q);

/* --- sockets and exchanges (nl.c) ------------------------------------------ */

/* Answers by errno: [0] for success, [n] for -n; the last for the rest. */
#define NLF_ERRNO_MAX 134

/*
 * Counters every worker adds to; they live in memory shared by the worker
 * processes, so updates are atomic.
 */
struct nlf_stats {
	uint64_t requests; /* netlink messages sent */
	uint64_t sends; /* sendmsg() calls */
	uint64_t dumps;
	uint64_t batches;
	uint64_t silent; /* requests the kernel owes no answer */
	uint64_t abandoned; /* dumps left unread */
	uint64_t refused; /* by sendmsg() itself, whole */
	uint64_t replies; /* family messages received */
	uint64_t started; /* servers started (START replies) */
	uint64_t cycles;
	uint64_t echo_ok; /* cycle connections echoed */
	uint64_t by_errno[NLF_ERRNO_MAX + 1];
};

/* What a worker is sending, for the parent to show if it never returns. */
struct nlf_trace {
	volatile int busy; /* sent, not all answers read yet */
	volatile uint64_t since_ns;
	volatile uint32_t len;
	unsigned char buf[1024];
};

/* Most servers a listing holds. */
#define NLF_LIST_MAX 256

struct nlf_sock {
	int fd;
	uint32_t portid;
	uint16_t family;
	uint32_t seq;
	bool cap_ack;
};

/* Settings every exchange needs. */
struct nlf_ctx {
	struct nlf_sock sk;
	struct nlf_stats *stats;
	int worker;
	uint64_t seed;
	unsigned int timeout_ms; /* for the answers to one sendmsg() */
	uint16_t port_lo, port_hi;
	bool verbose;
	/* Filled by nlf_exchange() for the caller. */
	struct nlf_result {
		int err; /* of the last terminal answer: 0 or -errno */
		char msg[256]; /* its extack message */
		uint32_t server_id; /* from a START reply */
		uint32_t dropped, not_found, socks; /* SOCK_DROP replies */
		unsigned int messages; /* family messages received */
		uint32_t ids[NLF_LIST_MAX]; /* SERVER_GET replies */
		uint16_t ports[NLF_LIST_MAX];
		unsigned int nids;
	} res;
	/* Called with each server id seen, to share it with the others. */
	void (*saw_id)(struct nlf_ctx *ctx, uint32_t id, bool started);
	void *owner; /* for saw_id */
	struct nlf_trace *trace; /* shared: the parent reports a hang */
};

/* Open a socket and resolve the family; prints why not and returns -1. */
int nlf_open(struct nlf_ctx *ctx, bool cap_ack);
void nlf_close(struct nlf_ctx *ctx);
/*
 * Send these requests in one sendmsg() and check every answer: -1 (and a
 * message on stderr) on a protocol failure, else 0 with ctx->res of the
 * last request.
 */
int nlf_exchange(struct nlf_ctx *ctx, struct req **reqs, unsigned int n);
/* Raw bytes in one sendmsg(); answers are checked as the kernel parses. */
int nlf_exchange_raw(struct nlf_ctx *ctx, unsigned char *buf, size_t len);
/* Send a dump and read at most one message of it, then reopen. */
int nlf_abandon_dump(struct nlf_ctx *ctx, struct req *q);
void nlf_hexdump(FILE *f, const unsigned char *p, size_t len);
const char *nlf_errname(int err);

/* --- fuzzing (mutate.c) ----------------------------------------------------- */

struct fuzz {
	struct nlf_ctx *ctx;
	struct rng rng;
	const struct corpus *corpus;
	/* Ids this worker started, stopped again when there are too many. */
	uint32_t mine[64];
	unsigned int nmine;
	/* Ids seen by every worker (shared memory), to aim STOP and SET at. */
	uint32_t *known;
	unsigned int nknown;
};

/* One round of fuzzing: a strategy picked at random. -1 on a failure. */
int fuzz_round(struct fuzz *f);
/* Stop what this worker started. */
int fuzz_stop_mine(struct fuzz *f);

/* --- valid cycles (cycle.c) ------------------------------------------------- */

/* One start/traffic/drop/stop cycle on the worker's ports. -1: failure. */
int cycle_round(struct nlf_ctx *ctx, struct rng *r, unsigned int crowd);

/* --- final checks (servers.c) ----------------------------------------------- */

/*
 * Dump the servers; stop every one on a port in the range. *left: servers
 * still in the range afterwards; *outside: servers outside it not in
 * before[] (n_before ids).
 */
int nlf_stop_range(struct nlf_ctx *ctx, const uint32_t *before,
		   unsigned int n_before, unsigned int *left,
		   unsigned int *outside);
/* Dump every server id and port into ctx->res. */
int nlf_list(struct nlf_ctx *ctx);

#endif /* NLFUZZ_H */
