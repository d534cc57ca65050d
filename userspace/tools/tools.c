// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the ktcp userspace tools. See tools.h.
 */
#include "tools.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int invalid(const char *what, const char *s, const char *why)
{
	warnx_("invalid %s '%s': %s", what, s, why);
	return -1;
}

/* Binary multiplier suffixes: 4k is 4096 bytes. */
static unsigned int suffix_shift(char c)
{
	switch (c) {
	case 'k':
	case 'K':
		return 10;
	case 'm':
	case 'M':
		return 20;
	case 'g':
	case 'G':
		return 30;
	default:
		return 0;
	}
}

/*
 * Parse a decimal number with an optional binary suffix; *end is set past
 * what was used so ranges can reuse it. strtoull alone would accept "-1"
 * and leading blanks, so the first character must be a digit. Errors
 * quote the whole option value, not just the part being parsed.
 */
static int parse_num(const char *what, const char *s, const char *quote,
		     const char **end, bool suffix, uint64_t min, uint64_t max,
		     uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *e;

	if (!isdigit((unsigned char)*s))
		return invalid(what, quote, "not a non-negative number");
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return invalid(what, quote, "number too large");
	if (suffix) {
		shift = suffix_shift(*e);
		if (shift)
			e++;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return invalid(what, quote, "number too large");
	v <<= shift;
	if (v < min || v > max) {
		char why[96];

		snprintf(why, sizeof(why),
			 "must be between %" PRIu64 " and %" PRIu64, min, max);
		return invalid(what, quote, why);
	}
	*out = v;
	*end = e;
	return 0;
}

/* A number that must be all of s. */
static int parse_whole(const char *what, const char *s, bool suffix,
		       uint64_t min, uint64_t max, uint64_t *out)
{
	const char *end;

	if (parse_num(what, s, s, &end, suffix, min, max, out))
		return -1;
	if (*end)
		return invalid(what, s,
			       suffix ? "expected a size like 512, 4k or 1M" :
					"trailing characters");
	return 0;
}

int parse_u64(const char *what, const char *s, uint64_t min, uint64_t max,
	      uint64_t *out)
{
	return parse_whole(what, s, false, min, max, out);
}

int parse_size(const char *what, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	return parse_whole(what, s, true, min, max, out);
}

int parse_size_range(const char *what, const char *s, uint64_t min,
		     uint64_t max, uint64_t *lo, uint64_t *hi)
{
	const char *end;

	if (parse_num(what, s, s, &end, true, min, max, lo))
		return -1;
	if (*end != '-')
		return invalid(what, s, "expected MIN-MAX, e.g. 1-1M");
	if (parse_num(what, end + 1, s, &end, true, min, max, hi))
		return -1;
	if (*end)
		return invalid(what, s, "trailing characters");
	if (*lo > *hi)
		return invalid(what, s, "MIN is larger than MAX");
	return 0;
}

int parse_seconds(const char *what, const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return invalid(what, s, "not a non-negative number of seconds");
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v > 1e7)
		return invalid(what, s, "not a number of seconds");
	*out = v;
	return 0;
}

int parse_positive_seconds(const char *what, const char *s, double *out)
{
	if (parse_seconds(what, s, out))
		return -1;
	if (*out <= 0)
		return invalid(what, s, "must be positive");
	return 0;
}

int parse_rate(const char *what, const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s))
		return invalid(what, s, "not a positive number per second");
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return invalid(what, s, "not a number per second");
	if (v < 1 || v > 1e8)
		return invalid(what, s, "must be between 1 and 100000000");
	*out = v;
	return 0;
}

int check_operands(int argc, char **argv, int max)
{
	if (optind + max >= argc)
		return 0;
	warnx_("unexpected argument '%s'", argv[optind + max]);
	return -1;
}

int help_or_usage(int ch, const char *usage)
{
	if (ch == 'h') {
		fputs(usage, stdout);
		exit(EXIT_OK);
	}
	fputs(usage, stderr);
	return -1;
}

/* --- histogram ------------------------------------------------------------ */

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static unsigned int hist_index(uint64_t v)
{
	unsigned int msb, e;

	if (v < HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	e = msb - (HIST_SUB_BITS - 1);
	/* v >> e is in [HIST_SUB / 2, HIST_SUB): the top 7 bits of v. */
	return HIST_SUB + (e - 1) * (HIST_SUB / 2) +
	       (unsigned int)((v >> e) - HIST_SUB / 2);
}

/* Highest value that falls into bucket i. */
static uint64_t hist_bucket_top(unsigned int i)
{
	unsigned int k, e;
	uint64_t m;

	if (i < HIST_SUB)
		return i;
	k = i - HIST_SUB;
	e = k / (HIST_SUB / 2) + 1;
	m = k % (HIST_SUB / 2) + HIST_SUB / 2;
	return ((m + 1) << e) - 1;
}

void hist_add(struct hist *h, uint64_t v)
{
	h->bucket[hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	v = hist_bucket_top(i < HIST_BUCKETS ? i : HIST_BUCKETS - 1);
	/* The bucket top may lie outside what was seen; clamp to it. */
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

/* --- error kinds ---------------------------------------------------------- */

static const char *const err_names[ERR_NR] = {
	[ERR_REFUSED] = "refused",   [ERR_RESET] = "reset",
	[ERR_TIMEOUT] = "timeout",   [ERR_SHORT] = "short",
	[ERR_MISMATCH] = "mismatch", [ERR_BAD_RESPONSE] = "bad_response",
	[ERR_CHUNKED] = "chunked",   [ERR_OTHER] = "other",
};

static const char *const err_keys[ERR_NR] = {
	[ERR_REFUSED] = "err_refused",
	[ERR_RESET] = "err_reset",
	[ERR_TIMEOUT] = "err_timeout",
	[ERR_SHORT] = "err_short",
	[ERR_MISMATCH] = "err_mismatch",
	[ERR_BAD_RESPONSE] = "err_bad_response",
	[ERR_CHUNKED] = "err_chunked",
	[ERR_OTHER] = "err_other",
};

static const char *const err_labels[ERR_NR] = {
	[ERR_REFUSED] = "errors refused",
	[ERR_RESET] = "errors reset",
	[ERR_TIMEOUT] = "errors timeout",
	[ERR_SHORT] = "errors short",
	[ERR_MISMATCH] = "errors mismatch",
	[ERR_BAD_RESPONSE] = "errors bad resp.",
	[ERR_CHUNKED] = "errors chunked",
	[ERR_OTHER] = "errors other",
};

const char *err_kind_name(enum err_kind k)
{
	return k < ERR_NR ? err_names[k] : "other";
}

enum err_kind err_kind_of_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return ERR_REFUSED;
	case ECONNRESET:
	case ECONNABORTED:
	case EPIPE:
		return ERR_RESET;
	case ETIMEDOUT:
		return ERR_TIMEOUT;
	default:
		return ERR_OTHER;
	}
}

/* --- reports -------------------------------------------------------------- */

static char *report_add(struct report *r, const char *key, const char *label,
			const char *unit, bool is_str)
{
	if (r->nr >= REPORT_MAX_FIELDS)
		abort(); /* a programming error, not a runtime one */
	r->f[r->nr].key = key;
	r->f[r->nr].label = label;
	r->f[r->nr].unit = unit ? unit : "";
	r->f[r->nr].is_str = is_str;
	return r->f[r->nr++].val;
}

void report_str(struct report *r, const char *key, const char *label,
		const char *val)
{
	char *v = report_add(r, key, label, NULL, true);

	snprintf(v, sizeof(r->f[0].val), "%s", val);
}

void report_u64(struct report *r, const char *key, const char *label,
		uint64_t val, const char *unit)
{
	char *v = report_add(r, key, label, unit, false);

	snprintf(v, sizeof(r->f[0].val), "%" PRIu64, val);
}

void report_dbl(struct report *r, const char *key, const char *label,
		double val, int prec, const char *unit)
{
	char *v = report_add(r, key, label, unit, false);

	/* JSON has no NaN or infinity; a rate over zero time reads as 0. */
	if (!isfinite(val))
		val = 0;
	snprintf(v, sizeof(r->f[0].val), "%.*f", prec, val);
}

void report_client_cpu(struct report *r, const struct cpu_sample *a,
		       const struct cpu_sample *b)
{
	double share = cpu_sample_share(a, b);
	unsigned int ncpus = cpu_allowed();

	report_dbl(r, "client_cpu", "client CPU", share, 2, "CPUs");
	report_u64(r, "client_cpus", "client CPUs", ncpus, NULL);
	report_str(r, "client_saturated", "client saturated",
		   cpu_saturated(share, ncpus) ? "yes" : "no");
}

/* A figure not measured: null in JSON and CSV, never a 0. */
static void report_null(struct report *r, const char *key, const char *label)
{
	snprintf(report_add(r, key, label, NULL, false), sizeof(r->f[0].val),
		 "null");
}

void report_server_cpu(struct report *r, const struct cpus_watch *w, uint64_t n,
		       const char *key, const char *label)
{
	unsigned int ncpus = CPU_COUNT(&w->lo->server_cpus);
	long hz = sysconf(_SC_CLK_TCK);
	double busy;

	if (!w->lo->server_cpus_given)
		return;
	report_u64(r, "server_cpus", "server CPUs", ncpus, NULL);
	busy = w->measured ? cpus_busy_seconds(&w->a, &w->b, ncpus, hz) : -1;
	if (busy < 0) {
		report_null(r, "server_cpu", "server CPU");
		report_null(r, key, label);
		return;
	}
	report_dbl(r, "server_cpu", "server CPU",
		   cpus_busy(&w->a, &w->b, ncpus, hz), 2, "CPUs");
	if (n)
		report_dbl(r, key, label, busy * 1e6 / (double)n, 2, "us");
	else
		report_null(r, key, label);
}

void report_rate(struct report *r, double offered, double secs, double achieved)
{
	report_dbl(r, "offered_per_s", "offered rate", offered, 1, "/s");
	report_u64(r, "offered", "offered", pace_offered(offered, secs), NULL);
	report_dbl(r, "achieved_per_s", "achieved rate", achieved, 1, "/s");
	report_str(r, "rate_kept", "rate kept",
		   pace_kept(offered, achieved) ? "yes" : "no");
}

void report_latency(struct report *r, const struct hist *h)
{
	double mean = h->count ? (double)h->sum / (double)h->count : 0;

	report_dbl(r, "lat_min_us", "latency min",
		   h->count ? (double)h->min / 1e3 : 0, 1, "us");
	report_dbl(r, "lat_mean_us", "latency mean", mean / 1e3, 1, "us");
	report_dbl(r, "lat_p50_us", "latency p50",
		   (double)hist_quantile(h, 0.50) / 1e3, 1, "us");
	report_dbl(r, "lat_p99_us", "latency p99",
		   (double)hist_quantile(h, 0.99) / 1e3, 1, "us");
	report_dbl(r, "lat_p999_us", "latency p99.9",
		   (double)hist_quantile(h, 0.999) / 1e3, 1, "us");
	report_dbl(r, "lat_max_us", "latency max", (double)h->max / 1e3, 1,
		   "us");
}

void report_errors(struct report *r, const uint64_t *errs,
		   const enum err_kind *kinds, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		report_u64(r, err_keys[kinds[i]], err_labels[kinds[i]],
			   errs[kinds[i]], NULL);
}

static void print_json_str(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void print_csv_str(const char *s, FILE *out)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void report_print_table(const struct report *r, FILE *out)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		fprintf(out, "%-18s %s%s%s\n", r->f[i].label, r->f[i].val,
			*r->f[i].unit ? " " : "", r->f[i].unit);
}

static void report_print_csv(const struct report *r, FILE *out)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		fprintf(out, "%s%s", i ? "," : "", r->f[i].key);
	fputc('\n', out);
	for (i = 0; i < r->nr; i++) {
		if (i)
			fputc(',', out);
		print_csv_str(r->f[i].val, out);
	}
	fputc('\n', out);
}

static void report_print_json(const struct report *r, FILE *out)
{
	unsigned int i;

	fputs("{\n", out);
	for (i = 0; i < r->nr; i++) {
		fputs("  ", out);
		print_json_str(r->f[i].key, out);
		fputs(": ", out);
		if (r->f[i].is_str)
			print_json_str(r->f[i].val, out);
		else
			fputs(r->f[i].val, out);
		fputs(i + 1 < r->nr ? ",\n" : "\n", out);
	}
	fputs("}\n", out);
}

void report_print(const struct report *r, enum report_fmt fmt, FILE *out)
{
	switch (fmt) {
	case FMT_TABLE:
		report_print_table(r, out);
		break;
	case FMT_CSV:
		report_print_csv(r, out);
		break;
	case FMT_JSON:
		report_print_json(r, out);
		break;
	}
	fflush(out);
}

/* --- load generator options ----------------------------------------------- */

/*
 * Sleep until the monotonic time t (ns), in steps of at most step ns, or
 * until w is told to stop: false then. Few wake-ups: the watcher runs on
 * the client's CPU.
 */
static bool watch_until(struct cpus_watch *w, uint64_t t, uint64_t step)
{
	struct timespec ts;
	uint64_t now, d;

	for (;;) {
		now = now_ns();
		/* A window that has closed is measured, even once told to stop. */
		if (now >= t)
			return true;
		if (atomic_load(&w->stop))
			return false;
		d = t - now < step ? t - now : step;
		ts.tv_sec = (time_t)(d / 1000000000);
		ts.tv_nsec = (long)(d % 1000000000);
		nanosleep(&ts, NULL);
	}
}

static void *cpus_watch_thread(void *arg)
{
	struct cpus_watch *w = arg;
	const cpu_set_t *set = &w->lo->server_cpus;
	uint64_t start;

	/* The window opens at a moment only the workers know: poll (1 ms). */
	while (!(start = atomic_load(w->start_ns)))
		if (!watch_until(w, now_ns() + 1000000, 1000000))
			return NULL;
	if (cpus_time_take("/proc/stat", set, &w->a) ||
	    !watch_until(w, start + w->window_ns, 50000000) ||
	    cpus_time_take("/proc/stat", set, &w->b))
		return NULL;
	w->measured = true;
	return NULL;
}

int cpus_watch_start(struct cpus_watch *w, const struct load_opts *lo,
		     _Atomic uint64_t *start_ns, double window_s)
{
	int err;

	*w = (struct cpus_watch){ .lo = lo, .start_ns = start_ns };
	w->window_ns = (uint64_t)(window_s * 1e9);
	if (!lo->server_cpus_given)
		return 0;
	err = pthread_create(&w->thread, NULL, cpus_watch_thread, w);
	if (err) {
		warnx_("--server-cpus: cannot start a thread: %s",
		       strerror(err));
		return -1;
	}
	w->running = true;
	return 0;
}

void cpus_watch_end(struct cpus_watch *w)
{
	if (!w->running)
		return;
	atomic_store(&w->stop, true);
	pthread_join(w->thread, NULL);
	w->running = false;
}

static int parse_server_cpus(const char *arg, struct load_opts *lo)
{
	struct cpus_time probe;

	if (cpu_list_parse(arg, &lo->server_cpus)) {
		warnx_("--server-cpus '%s': a CPU list such as 0, 0-2 or 0,2-3 "
		       "is expected",
		       arg);
		return -1;
	}
	if (cpus_time_take("/proc/stat", &lo->server_cpus, &probe)) {
		warnx_("--server-cpus '%s': /proc/stat does not show all of "
		       "those CPUs (%s)",
		       arg, strerror(errno));
		return -1;
	}
	lo->server_cpus_given = true;
	return 0;
}

int parse_load_opt(int ch, const char *arg, struct load_opts *lo,
		   const char *usage)
{
	switch (ch) {
	case OPT_TIMEOUT:
		return parse_u64("timeout", arg, 1, 3600000, &lo->timeout_ms);
	case OPT_HOLD:
		return parse_positive_seconds("hold time", arg, &lo->hold);
	case OPT_CSV:
	case OPT_JSON:
		if (lo->fmt_given) {
			warnx_("--csv and --json are mutually exclusive");
			return -1;
		}
		lo->fmt_given = true;
		lo->fmt = ch == OPT_CSV ? FMT_CSV : FMT_JSON;
		return 0;
	case OPT_SERVER_CPUS:
		return parse_server_cpus(arg, lo);
	default:
		return help_or_usage(ch, usage);
	}
}

/* --- sockets -------------------------------------------------------------- */

int resolve_tcp(const char *host, const char *port, struct sockaddr_storage *ss,
		socklen_t *len)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
		.ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *res;
	char buf[256];
	size_t n = strlen(host);
	int ret;

	/* Accept "[::1]" as people copy it from URLs. */
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return invalid("host", host, "too long");
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	ret = getaddrinfo(host, port, &hints, &res);
	if (ret) {
		warnx_("cannot resolve '%s' port '%s': %s", host, port,
		       gai_strerror(ret));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void format_sockaddr(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(s4->sin_port));
	}
}

int connect_nonblock(const struct sockaddr *sa, socklen_t len, int *err)
{
	int one = 1;
	int fd;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_TCP);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	/*
	 * Closed-loop clients have one message in flight; without NODELAY
	 * the tail of a large message can wait for a delayed ACK (40 ms).
	 */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, sa, len) < 0 && errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return -1;
	}
	return fd;
}

int send_nonblock(int fd, const void *buf, size_t len, size_t *off)
{
	ssize_t n;

	while (*off < len) {
		n = send(fd, (const char *)buf + *off, len - *off,
			 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : errno;
		}
		*off += (size_t)n;
	}
	return 0;
}

/* --- echo servers --------------------------------------------------------- */

/* -a: an IPv4 or IPv6 literal, optionally in brackets; no names. */
static int parse_listen_addr(const char *s, struct server_opts *o)
{
	struct sockaddr_in6 *s6 = (void *)&o->addr;
	struct sockaddr_in *s4 = (void *)&o->addr;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
	} else {
		snprintf(buf, sizeof(buf), "%s", s);
	}
	memset(&o->addr, 0, sizeof(o->addr));
	if (inet_pton(AF_INET, buf, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		o->addrlen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		o->addrlen = sizeof(*s6);
		return 0;
	}
	warnx_("invalid address '%s': not an IPv4 or IPv6 literal", s);
	return -1;
}

/* No -a: [::] accepting IPv4 too, or 0.0.0.0 on hosts without IPv6. */
static void default_listen_addr(struct server_opts *o)
{
	struct sockaddr_in6 *s6 = (void *)&o->addr;
	struct sockaddr_in *s4 = (void *)&o->addr;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	memset(&o->addr, 0, sizeof(o->addr));
	if (fd >= 0) {
		close(fd);
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		o->addrlen = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		o->addrlen = sizeof(*s4);
	}
}

int parse_server_opts(int argc, char **argv, const struct option *longopts,
		      const char *usage, struct server_opts *o)
{
	int c;

	*o = (struct server_opts){
		.any = true,
		.port = 12345,
		.threads = 1,
		.backlog = 4096,
	};
	while ((c = getopt_long(argc, argv, "p:a:t:b:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'p':
			if (parse_u64("port", optarg, 0, 65535, &o->port))
				return -1;
			break;
		case 'a':
			if (parse_listen_addr(optarg, o))
				return -1;
			o->any = false;
			break;
		case 't':
			if (parse_u64("thread count", optarg, 1, 1024,
				      &o->threads))
				return -1;
			break;
		case 'b':
			if (parse_u64("backlog", optarg, 1, 65535, &o->backlog))
				return -1;
			break;
		case 'h':
		default:
			return help_or_usage(c, usage);
		}
	}
	if (check_operands(argc, argv, 0))
		return -1;
	if (o->any)
		default_listen_addr(o);
	return 0;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/*
 * Port 0 asks for a free port; every SO_REUSEPORT listener after the first
 * must then bind the port the first one got.
 */
static void adopt_port(struct server_opts *o, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (o->port || getsockname(lfd, (struct sockaddr *)&ss, &len))
		return;
	o->port = ss.ss_family == AF_INET6 ?
			  ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
			  ntohs(((struct sockaddr_in *)&ss)->sin_port);
	set_port(&o->addr, (uint16_t)o->port);
}

int server_listen(struct server_opts *o, int type_flags)
{
	int fd, one = 1, zero = 0;
	char name[INET6_ADDRSTRLEN + 8];

	set_port(&o->addr, (uint16_t)o->port);
	fd = socket(o->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | type_flags,
		    0);
	if (fd < 0) {
		warnx_("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		warnx_("SO_REUSEPORT: %s", strerror(errno));
	if (o->any && o->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (const struct sockaddr *)&o->addr, o->addrlen) < 0 ||
	    listen(fd, (int)o->backlog) < 0) {
		format_sockaddr((const struct sockaddr *)&o->addr, name,
				sizeof(name));
		warnx_("cannot listen on %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	adopt_port(o, fd);
	return fd;
}

static struct server_worker *
server_nth(void *workers, const struct server_ops *ops, unsigned int i)
{
	return (struct server_worker *)(void *)((char *)workers +
						(size_t)i * ops->worker_size);
}

/* Start the threads and wait for SIGINT/SIGTERM. */
static int server_serve(void *ws, const struct server_opts *o,
			const struct server_ops *ops)
{
	struct server_worker *sw;
	char name[INET6_ADDRSTRLEN + 8];
	uint64_t accepted = 0, in = 0, out = 0;
	unsigned int i, started = 0;
	sigset_t set;
	int ret = EXIT_ERRORS, sig;

	/* Only the main thread takes SIGINT/SIGTERM, in sigwait() below. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (; started < o->threads; started++) {
		sw = server_nth(ws, ops, started);
		if (pthread_create(&sw->tid, NULL, ops->run, sw)) {
			warnx_("cannot create thread");
			break;
		}
	}
	format_sockaddr((const struct sockaddr *)&o->addr, name, sizeof(name));
	if (started == o->threads) {
		warnx_("listening on %s, %u thread%s%s", name, started,
		       started == 1 ? "" : "s", ops->note ? ops->note() : "");
		sigwait(&set, &sig);
		ret = EXIT_OK;
	}

	/* The eventfd stays readable, so every worker sees it. */
	sw = server_nth(ws, ops, 0);
	if (eventfd_write(sw->stop_fd, 1))
		warnx_("eventfd: %s", strerror(errno));
	for (i = 0; i < started; i++) {
		sw = server_nth(ws, ops, i);
		pthread_join(sw->tid, NULL);
		accepted += sw->accepted;
		in += sw->bytes_in;
		out += sw->bytes_out;
	}
	warnx_("connections %" PRIu64 ", bytes received %" PRIu64
	       ", bytes sent %" PRIu64,
	       accepted, in, out);
	return ret;
}

int server_run(struct server_opts *o, const struct server_ops *ops)
{
	struct server_worker *sw;
	unsigned int i, inited = 0;
	int stop_fd, ret = EXIT_ERRORS;
	void *ws;

	signal(SIGPIPE, SIG_IGN);
	stop_fd = eventfd(0, EFD_CLOEXEC);
	if (stop_fd < 0) {
		warnx_("eventfd: %s", strerror(errno));
		return EXIT_ERRORS;
	}
	ws = calloc(o->threads, ops->worker_size);
	if (!ws)
		goto close_stop;
	for (i = 0; i < o->threads; i++) {
		sw = server_nth(ws, ops, i);
		sw->lfd = -1;
		sw->stop_fd = stop_fd;
	}
	for (i = 0; i < o->threads; i++) {
		sw = server_nth(ws, ops, i);
		sw->lfd = server_listen(o, ops->listen_flags);
		if (sw->lfd < 0)
			goto fini;
		inited++;
		if (ops->init(sw))
			goto fini;
	}
	ret = server_serve(ws, o, ops);
fini:
	for (i = 0; i < o->threads; i++) {
		sw = server_nth(ws, ops, i);
		if (i < inited)
			ops->fini(sw);
		if (sw->lfd >= 0)
			close(sw->lfd);
	}
	free(ws);
close_stop:
	close(stop_fd);
	return ret;
}

/* --- signals -------------------------------------------------------------- */

volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
}

void catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = on_signal,
				.sa_flags = SA_RESETHAND };

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* --- epoll client workers ------------------------------------------------- */

#define EP_MAX_EVENTS 256
#define EP_SCAN_INTERVAL_NS 100000000ull

static atomic_flag err_printed[ERR_NR];

struct ep_worker *ep_nth(void *workers, const struct ep_ops *ops,
			 unsigned int i)
{
	return (struct ep_worker *)((char *)workers + i * ops->worker_size);
}

static struct ep_conn *ep_conn_at(struct ep_worker *w, unsigned int i)
{
	return (struct ep_conn *)(w->conns + i * w->ops->conn_size);
}

unsigned int ep_conn_index(const struct ep_worker *w, const struct ep_conn *c)
{
	return (unsigned int)(((const char *)c - w->conns) / w->ops->conn_size);
}

static int ep_worker_init(struct ep_worker *w, unsigned int nconns)
{
	unsigned int i;

	hist_init(&w->lat);
	w->nconns = nconns;
	w->conns = calloc(nconns, w->ops->conn_size);
	w->scratch = malloc(w->ops->scratch_size);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!w->conns || !w->scratch || w->epfd < 0)
		return -1;
	for (i = 0; i < nconns; i++)
		ep_conn_at(w, i)->fd = -1;
	return 0;
}

static void ep_worker_fini(struct ep_worker *w)
{
	unsigned int i;

	for (i = 0; w->ops->conn_fini && w->conns && i < w->nconns; i++)
		w->ops->conn_fini(ep_conn_at(w, i));
	free(w->conns);
	free(w->scratch);
	if (w->epfd >= 0)
		close(w->epfd);
}

void *ep_alloc_workers(const struct ep_ops *ops, unsigned int nw,
		       uint64_t conns)
{
	void *ws = calloc(nw, ops->worker_size);
	unsigned int i;

	if (!ws)
		return NULL;
	/* Set up all first so ep_free_workers() can free a partial set. */
	for (i = 0; i < nw; i++) {
		ep_nth(ws, ops, i)->ops = ops;
		ep_nth(ws, ops, i)->epfd = -1;
	}
	/* Spread the connections evenly: the first conns % nw get one more. */
	for (i = 0; i < nw; i++) {
		if (ep_worker_init(
			    ep_nth(ws, ops, i),
			    (unsigned int)(conns / nw + (i < conns % nw)))) {
			warnx_("out of memory");
			ep_free_workers(ws, ops, nw);
			return NULL;
		}
	}
	return ws;
}

void ep_free_workers(void *workers, const struct ep_ops *ops, unsigned int nw)
{
	unsigned int i;

	for (i = 0; workers && i < nw; i++)
		ep_worker_fini(ep_nth(workers, ops, i));
	free(workers);
}

static void ep_scan_timeouts(struct ep_worker *w)
{
	unsigned int i;

	for (i = 0; i < w->nconns; i++) {
		struct ep_conn *c = ep_conn_at(w, i);

		if (w->now > c->deadline)
			w->ops->expired(w, c);
	}
}

void ep_pace_setup(void *workers, const struct ep_ops *ops, unsigned int nw,
		   double rate, uint64_t conns, const _Atomic uint64_t *t0)
{
	struct ep_worker *w;
	unsigned int i;

	for (i = 0; i < nw; i++) {
		w = ep_nth(workers, ops, i);
		w->pace_rate = rate * w->nconns / (double)conns;
		w->pace_t0 = t0;
	}
}

static uint64_t ep_pace_due(struct ep_worker *w, struct ep_conn *c, uint64_t t0)
{
	return pace_due(t0, w->pace_rate, w->nconns, ep_conn_index(w, c),
			c->pace_slot);
}

uint64_t ep_pace_next(struct ep_worker *w, struct ep_conn *c)
{
	uint64_t t0 = atomic_load(w->pace_t0), due;

	if (t0) {
		due = ep_pace_due(w, c, t0);
		if (due <= w->now) {
			c->pace_slot++;
			return due;
		}
	}
	c->pace_waiting = true;
	c->deadline = UINT64_MAX;
	return 0;
}

/*
 * Hand every waiting connection whose slot has come to ops->due, in the
 * round-robin order of the schedule, and return when the next slot is.
 * A busy connection whose slot passed is skipped: it sends that message
 * as soon as its previous one is done (ep_pace_next()).
 */
static uint64_t ep_pace_tick(struct ep_worker *w)
{
	uint64_t t0 = atomic_load(w->pace_t0), due;
	struct ep_conn *c;
	unsigned int steps;

	if (!t0)
		return w->now + 1000000; /* the window is not open yet */
	for (steps = 0; steps < w->nconns; steps++) {
		c = ep_conn_at(w, w->pace_cursor);
		due = ep_pace_due(w, c, t0);
		if (due > w->now)
			return due;
		if (c->pace_waiting) {
			c->pace_waiting = false;
			c->pace_slot++;
			w->ops->due(w, c, due);
		}
		w->pace_cursor = (w->pace_cursor + 1) % w->nconns;
	}
	return w->now + EP_SCAN_INTERVAL_NS;
}

/* Wait for events until at most the next open-loop slot. */
static int ep_wait(struct ep_worker *w, struct epoll_event *ev)
{
	uint64_t wait = EP_SCAN_INTERVAL_NS, next;
	struct timespec ts;

	if (w->pace_rate > 0) {
		next = ep_pace_tick(w);
		w->now = now_ns();
		if (next <= w->now)
			wait = 0;
		else if (next - w->now < wait)
			wait = next - w->now;
		ts.tv_sec = (time_t)(wait / 1000000000ull);
		ts.tv_nsec = (long)(wait % 1000000000ull);
		return epoll_pwait2(w->epfd, ev, EP_MAX_EVENTS, &ts, NULL);
	}
	return epoll_wait(w->epfd, ev, EP_MAX_EVENTS, 100);
}

static void *ep_worker_run(void *arg)
{
	struct ep_worker *w = arg;
	struct epoll_event ev[EP_MAX_EVENTS];
	uint64_t next_scan;
	unsigned int i;
	int n;

	w->now = now_ns();
	next_scan = w->now + EP_SCAN_INTERVAL_NS;
	w->live = w->nconns;
	for (i = 0; i < w->nconns; i++)
		w->ops->start(w, ep_conn_at(w, i));
	while (w->live) {
		n = ep_wait(w, ev);
		w->now = now_ns();
		for (i = 0; i < (unsigned int)(n > 0 ? n : 0); i++)
			w->ops->event(w, ev[i].data.ptr, ev[i].events);
		if (w->now >= next_scan) {
			ep_scan_timeouts(w);
			next_scan = w->now + EP_SCAN_INTERVAL_NS;
		}
	}
	return NULL;
}

int ep_run_workers(void *workers, const struct ep_ops *ops, unsigned int nw)
{
	unsigned int i, started;

	for (started = 0; started < nw; started++)
		if (pthread_create(&ep_nth(workers, ops, started)->tid, NULL,
				   ep_worker_run,
				   ep_nth(workers, ops, started)))
			break;
	for (i = 0; i < started; i++)
		pthread_join(ep_nth(workers, ops, i)->tid, NULL);
	if (started < nw) {
		warnx_("cannot create thread");
		return -1;
	}
	return 0;
}

void ep_sum(void *workers, const struct ep_ops *ops, unsigned int nw,
	    struct ep_totals *t)
{
	unsigned int i, k;

	memset(t, 0, sizeof(*t));
	hist_init(&t->lat);
	for (i = 0; i < nw; i++) {
		const struct ep_worker *w = ep_nth(workers, ops, i);

		hist_merge(&t->lat, &w->lat);
		t->connects += w->connects;
		t->bytes_rcvd += w->bytes_rcvd;
		for (k = 0; k < ERR_NR; k++)
			t->errs[k] += w->errs[k];
	}
	for (k = 0; k < ERR_NR; k++)
		t->nerrs += t->errs[k];
}

int ep_connect(struct ep_worker *w, struct ep_conn *c,
	       const struct sockaddr *sa, socklen_t len, const char **what)
{
	struct epoll_event e = { .events = EPOLLOUT, .data.ptr = c };
	int err = 0;

	w->connects++;
	*what = "connect";
	c->fd = connect_nonblock(sa, len, &err);
	if (c->fd < 0)
		return err;
	c->events = EPOLLOUT;
	*what = "epoll_ctl";
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &e))
		return errno;
	return 0;
}

int ep_connect_result(const struct ep_conn *c)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	return err;
}

void ep_set_events(struct ep_worker *w, struct ep_conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (c->events == ev)
		return;
	c->events = ev;
	epoll_ctl(w->epfd, EPOLL_CTL_MOD, c->fd, &e);
}

ssize_t ep_recv(struct ep_worker *w, struct ep_conn *c, size_t max)
{
	ssize_t n;

	if (max > w->ops->scratch_size)
		max = w->ops->scratch_size;
	do {
		n = recv(c->fd, w->scratch, max, 0);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		w->bytes_rcvd += (uint64_t)n;
	return n;
}

bool ep_error_first(struct ep_worker *w, enum err_kind kind)
{
	w->errs[kind]++;
	return !atomic_flag_test_and_set(&err_printed[kind]);
}

void ep_hold_conn(struct ep_worker *w, struct ep_conn *c)
{
	/* Unwatched: a hang-up would otherwise wake the loop in vain. */
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	w->live--;
}

/* Still open at our end and not closed or reset by the peer? */
static bool ep_conn_open(int fd)
{
	char b;

	return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

uint64_t ep_hold(void *workers, const struct ep_ops *ops, unsigned int nw,
		 double secs, uint64_t *lost)
{
	struct timespec tick = { .tv_nsec = 50000000 };
	uint64_t end = now_ns() + (uint64_t)(secs * 1e9), held = 0, open = 0;
	unsigned int i, k;

	*lost = 0;
	if (!secs)
		return 0;
	for (i = 0; i < nw; i++)
		for (k = 0; k < ep_nth(workers, ops, i)->nconns; k++)
			held += ep_conn_at(ep_nth(workers, ops, i), k)->fd >= 0;
	fprintf(stderr, "%s: holding %" PRIu64 " connections\n",
		program_invocation_short_name, held);
	while (!interrupted && now_ns() < end)
		nanosleep(&tick, NULL);
	for (i = 0; i < nw; i++) {
		struct ep_worker *w = ep_nth(workers, ops, i);

		for (k = 0; k < w->nconns; k++) {
			struct ep_conn *c = ep_conn_at(w, k);

			if (c->fd < 0)
				continue;
			open += ep_conn_open(c->fd);
			close(c->fd);
			c->fd = -1;
		}
	}
	*lost = held - open;
	return open;
}
