// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: fuzz the "ktcp" generic netlink family from userspace, over raw
 * NETLINK_GENERIC sockets, for a bounded time, and fail if any request goes
 * unanswered or gets a malformed answer. Worker processes fuzz in parallel;
 * some run valid start/traffic/drop/stop cycles meanwhile. At the end every
 * server on the fuzzer's ports is stopped, and none may be left. The kernel
 * log is the other half of the verdict (the VM runner scans it).
 *
 * Run it as root in a throwaway VM: it stops, changes and drops whatever it
 * finds, not only its own servers.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nlfuzz.h"
#include "tools.h"

#define JOBS_MAX 32
#define KNOWN_MAX 32

/* Memory the workers share with each other and the parent. */
struct shared {
	struct nlf_stats stats;
	uint32_t known[KNOWN_MAX];
	struct nlf_trace trace[JOBS_MAX];
	volatile int stop;
};

struct opts {
	double secs;
	uint64_t seed;
	unsigned int jobs, cyclers, crowd;
	uint64_t rounds;
	const char *corpus_dir;
	uint16_t port_lo, port_hi;
	unsigned int timeout_ms;
	bool verbose;
};

static struct shared *shm;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nlfuzz [-t SECONDS] [-s SEED] [-j JOBS] [-c CYCLERS]\n"
		"              [-d CORPUS_DIR] [-p LO-HI] [-T MS] [-n ROUNDS]\n"
		"              [--crowd N] [-v]\n"
		"       nlfuzz --gen-corpus DIR\n"
		"       nlfuzz --send FILE...\n"
		"\n"
		"Send random and mutated requests to the \"ktcp\" generic netlink\n"
		"family and check that every one is answered, well formed, in\n"
		"time. Run as root in a test VM: it stops and drops at random.\n"
		"\n"
		"  -t, --time SECONDS    fuzz this long (default 10)\n"
		"  -s, --seed N          random seed (default: from the clock;\n"
		"                        printed, so a run can be replayed)\n"
		"  -j, --jobs N          worker processes (default 1, max %d)\n"
		"  -c, --cyclers N       of them, how many run valid start/\n"
		"                        traffic/drop/stop cycles (default\n"
		"                        JOBS/3, at least 1 with 2 or more jobs)\n"
		"  -d, --corpus DIR      seed requests, *.hex (default: the\n"
		"                        built-in corpus, as --gen-corpus writes)\n"
		"  -p, --ports LO-HI     ports of the servers it may start\n"
		"                        (default 47000-47099); fuzzed ports are\n"
		"                        moved into this range\n"
		"  -T, --reply-timeout MS  time the kernel has to answer one\n"
		"                        sendmsg() (default 5000)\n"
		"  -n, --rounds N        stop each worker after N rounds\n"
		"      --crowd N         connections for the big SOCK_DROP dumps\n"
		"                        of the cycles (default 200, 0: none)\n"
		"  -v, --verbose         print every request\n"
		"      --gen-corpus DIR  write the built-in corpus to DIR, exit\n"
		"      --send FILE...    send each hex request file once, print\n"
		"                        the answer (to replay a failure), exit\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 pass, 1 a request unanswered or answered wrongly,\n"
		"a server left over, or another failure; 2 usage.\n",
		JOBS_MAX);
}

static int bad_usage(void)
{
	fprintf(stderr, "Try 'nlfuzz --help'.\n");
	return NLF_USAGE;
}

static int parse_ports(const char *s, struct opts *o)
{
	char lo[16], *dash = strchr(s, '-');
	uint64_t a, b;

	if (!dash || (size_t)(dash - s) >= sizeof(lo)) {
		warnx_("invalid port range '%s': expected LO-HI", s);
		return -1;
	}
	memcpy(lo, s, (size_t)(dash - s));
	lo[dash - s] = '\0';
	if (parse_u64("low port", lo, 1, 65535, &a) ||
	    parse_u64("high port", dash + 1, 1, 65535, &b))
		return -1;
	if (a > b || b - a < 3) {
		warnx_("invalid port range '%s': need LO-HI with 4 ports or more",
		       s);
		return -1;
	}
	o->port_lo = (uint16_t)a;
	o->port_hi = (uint16_t)b;
	return 0;
}

enum { OPT_GEN = 256, OPT_SEND, OPT_CROWD };

static const struct option longopts[] = {
	{ "time", required_argument, NULL, 't' },
	{ "seed", required_argument, NULL, 's' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "cyclers", required_argument, NULL, 'c' },
	{ "corpus", required_argument, NULL, 'd' },
	{ "ports", required_argument, NULL, 'p' },
	{ "reply-timeout", required_argument, NULL, 'T' },
	{ "rounds", required_argument, NULL, 'n' },
	{ "crowd", required_argument, NULL, OPT_CROWD },
	{ "verbose", no_argument, NULL, 'v' },
	{ "gen-corpus", required_argument, NULL, OPT_GEN },
	{ "send", no_argument, NULL, OPT_SEND },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --- modes other than fuzzing ------------------------------------------------ */

static int gen_corpus(const char *dir)
{
	struct corpus c;
	int err;

	if (corpus_generate(&c, 47000))
		return NLF_FAIL;
	err = corpus_write(&c, dir);
	if (!err)
		printf("nlfuzz: wrote %zu requests to %s\n", c.n, dir);
	corpus_free(&c);
	return err ? NLF_FAIL : NLF_OK;
}

/* Replay: each file once, the answer printed. */
static int send_files(char **files, int n, const struct opts *o)
{
	static struct nlf_stats stats;
	struct nlf_ctx ctx = { .stats = &stats, .worker = 0 };
	struct corpus_msg m;
	struct req *q = malloc(sizeof(*q));
	int i, rc = NLF_OK;

	ctx.timeout_ms = o->timeout_ms;
	ctx.port_lo = o->port_lo;
	ctx.port_hi = o->port_hi;
	ctx.verbose = o->verbose;
	if (!q || nlf_open(&ctx, false))
		return NLF_FAIL;
	for (i = 0; i < n; i++) {
		if (corpus_read_file(files[i], &m)) {
			rc = NLF_FAIL;
			continue;
		}
		req_init(q, m.flags, 0);
		memcpy(q->payload, m.payload, m.len);
		q->len = m.len;
		free(m.payload);
		if (nlf_exchange(&ctx, &q, 1)) {
			rc = NLF_FAIL;
			continue;
		}
		printf("%s: %s%s%s (%u messages)\n", files[i],
		       nlf_errname(ctx.res.err), ctx.res.msg[0] ? ": " : "",
		       ctx.res.msg, ctx.res.messages);
	}
	nlf_close(&ctx);
	free(q);
	return rc;
}

/* --- workers ------------------------------------------------------------------ */

static void share_id(struct nlf_ctx *ctx, uint32_t id, bool started)
{
	struct fuzz *f = ctx->owner;
	unsigned int slot = (id * 2654435761U) % KNOWN_MAX;

	__atomic_store_n(&shm->known[slot], id, __ATOMIC_RELAXED);
	if (started && f && f->nmine < sizeof(f->mine) / sizeof(f->mine[0]))
		f->mine[f->nmine++] = id;
}

static uint64_t worker_seed(uint64_t seed, int w)
{
	return seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(w + 1));
}

static int worker(const struct opts *o, const struct corpus *c, int w)
{
	struct fuzz f = { .corpus = c,
			  .known = shm->known,
			  .nknown = KNOWN_MAX };
	struct nlf_ctx ctx = {
		.stats = &shm->stats,
		.worker = w,
		.seed = o->seed,
		.timeout_ms = o->timeout_ms,
		.port_lo = o->port_lo,
		.port_hi = o->port_hi,
		.verbose = o->verbose,
		.saw_id = share_id,
		.trace = &shm->trace[w],
	};
	uint64_t deadline = now_ns() + (uint64_t)(o->secs * 1e9), n = 0;
	bool cycler = (unsigned int)w >= o->jobs - o->cyclers;

	rng_seed(&f.rng, worker_seed(o->seed, w));
	f.ctx = &ctx;
	ctx.owner = cycler ? NULL : &f;
	/* Half the workers get capped error messages (NETLINK_CAP_ACK). */
	if (nlf_open(&ctx, w % 2))
		return NLF_FAIL;
	while (!shm->stop && now_ns() < deadline &&
	       (!o->rounds || n < o->rounds)) {
		if (cycler ? cycle_round(&ctx, &f.rng, o->crowd) :
			     fuzz_round(&f)) {
			fprintf(stderr,
				"nlfuzz: worker %d failed in round %llu; replay with -s %llu -j %u -c %u\n",
				w, (unsigned long long)n,
				(unsigned long long)o->seed, o->jobs,
				o->cyclers);
			shm->stop = 1;
			return NLF_FAIL;
		}
		n++;
	}
	if (!cycler && fuzz_stop_mine(&f))
		return NLF_FAIL;
	nlf_close(&ctx);
	return NLF_OK;
}

static void on_signal(int sig)
{
	if (shm)
		shm->stop = 1;
}

/* Say what a worker that never came back was sending. */
static void report_stuck(int w, pid_t pid)
{
	struct nlf_trace *t = &shm->trace[w];
	uint32_t len = t->len;

	if (!t->busy) {
		fprintf(stderr,
			"nlfuzz: FAIL: worker %d (pid %d) did not finish, though no request of it is pending\n",
			w, (int)pid);
		return;
	}
	fprintf(stderr,
		"nlfuzz: FAIL: worker %d (pid %d) did not finish: its request sent %.1f s ago is still unanswered (a hang in the kernel?); %u bytes, the first %zu:\n",
		w, (int)pid, (double)(now_ns() - t->since_ns) / 1e9, len,
		len < sizeof(t->buf) ? (size_t)len : sizeof(t->buf));
	nlf_hexdump(stderr, t->buf,
		    len < sizeof(t->buf) ? len : sizeof(t->buf));
}

/* Wait for the workers; a worker alive long after the end is stuck. */
static int reap(const struct opts *o, pid_t *pids)
{
	uint64_t limit = now_ns() + (uint64_t)(o->secs * 1e9) +
			 (uint64_t)o->timeout_ms * 3000000ULL + 10000000000ULL;
	unsigned int left = o->jobs, w;
	int status, rc = NLF_OK;
	pid_t pid;

	while (left) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno != EINTR)
			break;
		if (pid <= 0) {
			if (now_ns() > limit)
				break;
			usleep(100000);
			continue;
		}
		for (w = 0; w < o->jobs; w++)
			if (pids[w] == pid)
				pids[w] = 0;
		left--;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			rc = NLF_FAIL;
			if (WIFSIGNALED(status))
				fprintf(stderr,
					"nlfuzz: FAIL: a worker died of signal %d\n",
					WTERMSIG(status));
		}
	}
	for (w = 0; w < o->jobs; w++) {
		if (!pids[w])
			continue;
		report_stuck((int)w, pids[w]);
		kill(pids[w], SIGKILL);
		rc = NLF_FAIL;
	}
	return rc;
}

/* --- the run ------------------------------------------------------------------ */

static void print_errnos(void)
{
	const char *sep = "";
	int e;

	printf("nlfuzz: answers:");
	for (e = 0; e <= NLF_ERRNO_MAX; e++) {
		if (!shm->stats.by_errno[e])
			continue;
		printf("%s %s %llu", sep,
		       e == NLF_ERRNO_MAX ? "other" : nlf_errname(-e),
		       (unsigned long long)shm->stats.by_errno[e]);
		sep = ",";
	}
	printf("\n");
}

static void print_summary(const struct opts *o)
{
	const struct nlf_stats *s = &shm->stats;

	printf("nlfuzz: %llu requests in %llu sendmsg calls (%llu batches, %llu dumps, %llu dumps left unread, %llu owing no answer, %llu refused by sendmsg)\n",
	       (unsigned long long)s->requests, (unsigned long long)s->sends,
	       (unsigned long long)s->batches, (unsigned long long)s->dumps,
	       (unsigned long long)s->abandoned, (unsigned long long)s->silent,
	       (unsigned long long)s->refused);
	print_errnos();
	printf("nlfuzz: %llu replies, %llu servers started, %llu valid cycles (%llu echoed)\n",
	       (unsigned long long)s->replies, (unsigned long long)s->started,
	       (unsigned long long)s->cycles, (unsigned long long)s->echo_ok);
}

/* The servers there before, so that they are not blamed on the run. */
static int servers_before(struct nlf_ctx *ctx, uint32_t *ids, unsigned int *n)
{
	if (nlf_list(ctx))
		return -1;
	*n = ctx->res.nids;
	memcpy(ids, ctx->res.ids, sizeof(ctx->res.ids));
	return 0;
}

static int final_cleanup(struct nlf_ctx *ctx, const uint32_t *before,
			 unsigned int n_before)
{
	unsigned int left, outside;

	if (nlf_stop_range(ctx, before, n_before, &left, &outside))
		return NLF_FAIL;
	if (left || outside) {
		fprintf(stderr,
			"nlfuzz: FAIL: %u servers left in the range, %u started outside it\n",
			left, outside);
		return NLF_FAIL;
	}
	printf("nlfuzz: every server on ports %u-%u stopped\n", ctx->port_lo,
	       ctx->port_hi);
	return NLF_OK;
}

static int run(const struct opts *o, const struct corpus *c)
{
	static struct nlf_ctx ctx;
	static uint32_t before[NLF_LIST_MAX];
	pid_t pids[JOBS_MAX] = { 0 };
	unsigned int w, n_before;
	int rc, rc2;

	ctx.stats = &shm->stats;
	ctx.worker = -1;
	ctx.seed = o->seed;
	ctx.timeout_ms = o->timeout_ms;
	ctx.port_lo = o->port_lo;
	ctx.port_hi = o->port_hi;
	if (nlf_open(&ctx, false) || servers_before(&ctx, before, &n_before))
		return NLF_FAIL;
	fflush(NULL);
	for (w = 0; w < o->jobs; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			fprintf(stderr, "nlfuzz: fork: %s\n", strerror(errno));
			shm->stop = 1;
			pids[w] = 0;
			break;
		}
		if (!pids[w])
			_exit(worker(o, c, (int)w));
	}
	rc = reap(o, pids);
	print_summary(o);
	rc2 = final_cleanup(&ctx, before, n_before);
	nlf_close(&ctx);
	return rc ? rc : rc2;
}

static int parse_opts(int argc, char **argv, struct opts *o, int *mode,
		      const char **gen_dir)
{
	bool cyclers_set = false;
	uint64_t v;
	int ch;

	while ((ch = getopt_long(argc, argv, "t:s:j:c:d:p:T:n:vh", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 't':
			if (parse_seconds("time", optarg, &o->secs))
				return -1;
			break;
		case 's':
			if (parse_u64("seed", optarg, 0, UINT64_MAX, &o->seed))
				return -1;
			break;
		case 'j':
			if (parse_u64("jobs", optarg, 1, JOBS_MAX, &v))
				return -1;
			o->jobs = (unsigned int)v;
			break;
		case 'c':
			if (parse_u64("cyclers", optarg, 0, JOBS_MAX, &v))
				return -1;
			o->cyclers = (unsigned int)v;
			cyclers_set = true;
			break;
		case 'd':
			o->corpus_dir = optarg;
			break;
		case 'p':
			if (parse_ports(optarg, o))
				return -1;
			break;
		case 'T':
			if (parse_u64("reply timeout", optarg, 1, 3600000, &v))
				return -1;
			o->timeout_ms = (unsigned int)v;
			break;
		case 'n':
			if (parse_u64("rounds", optarg, 1, UINT64_MAX,
				      &o->rounds))
				return -1;
			break;
		case OPT_CROWD:
			if (parse_u64("crowd", optarg, 0, 5000, &v))
				return -1;
			o->crowd = (unsigned int)v;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_GEN:
			*mode = OPT_GEN;
			*gen_dir = optarg;
			break;
		case OPT_SEND:
			*mode = OPT_SEND;
			break;
		case 'h':
			usage(stdout);
			exit(NLF_OK);
		default:
			return -1;
		}
	}
	if (!cyclers_set)
		o->cyclers = o->jobs >= 2 ? (o->jobs + 2) / 3 : 0;
	if (o->cyclers > o->jobs) {
		warnx_("invalid cyclers '%u': more than the %u jobs",
		       o->cyclers, o->jobs);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.secs = 10,
		.jobs = 1,
		.crowd = 200,
		.port_lo = 47000,
		.port_hi = 47099,
		.timeout_ms = 5000,
	};
	const char *gen_dir = NULL;
	struct rlimit rl = { 8192, 8192 };
	struct corpus c;
	int mode = 0, rc;

	o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (parse_opts(argc, argv, &o, &mode, &gen_dir))
		return bad_usage();
	if (mode == OPT_GEN)
		return optind < argc ? bad_usage() : gen_corpus(gen_dir);
	if (mode == OPT_SEND) {
		if (optind >= argc) {
			warnx_("--send needs at least one FILE");
			return bad_usage();
		}
		return send_files(argv + optind, argc - optind, &o);
	}
	if (optind < argc) {
		warnx_("unexpected argument '%s'", argv[optind]);
		return bad_usage();
	}
	if (o.corpus_dir ? corpus_load(&c, o.corpus_dir) :
			   corpus_generate(&c, o.port_lo))
		return NLF_FAIL;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		fprintf(stderr, "nlfuzz: mmap: %s\n", strerror(errno));
		return NLF_FAIL;
	}
	memset(shm, 0, sizeof(*shm));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	/* The cycles' crowds of connections need the descriptors. */
	setrlimit(RLIMIT_NOFILE, &rl);
	printf("nlfuzz: seed %llu, %u jobs (%u cycling), %.0f s, ports %u-%u, %zu corpus requests from %s\n",
	       (unsigned long long)o.seed, o.jobs, o.cyclers, o.secs, o.port_lo,
	       o.port_hi, c.n,
	       o.corpus_dir ? o.corpus_dir : "the built-in corpus");
	rc = run(&o, &c);
	printf("nlfuzz: %s (seed %llu)\n", rc ? "FAIL" : "PASS",
	       (unsigned long long)o.seed);
	corpus_free(&c);
	return rc;
}
