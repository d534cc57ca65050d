// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktcp stats --format prometheus`: the counters as the Prometheus text
 * exposition format, for node_exporter's textfile collector or any
 * scraper. Names follow Prometheus' conventions: ktcp_ prefix, base
 * units (bytes), counters end in _total.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "prometheus.h"

enum prom_type { PROM_COUNTER, PROM_GAUGE, PROM_HISTOGRAM };

static const char *const type_names[] = {
	[PROM_COUNTER] = "counter",
	[PROM_GAUGE] = "gauge",
	[PROM_HISTOGRAM] = "histogram",
};

/* One series of a family: a field of struct ktcp_stats. */
struct prom_series {
	uint64_t bit; /* KTCP_STAT_*: no sample without it */
	size_t off; /* of the uint64_t in struct ktcp_stats */
	const char *label; /* an extra label, e.g. class="2xx", or NULL */
};

struct prom_family;
/*
 * Samples of @fam for one server, after its labels @labels (no braces):
 * for families that are not one number per series (a histogram, of the
 * server's service times @lat).
 */
typedef void (*prom_samples_fn)(FILE *f, const struct prom_family *fam,
				const struct ktcp_server *srv,
				const struct ktcp_latency *lat,
				const char *labels);

static void latency_samples(FILE *f, const struct prom_family *fam,
			    const struct ktcp_server *srv,
			    const struct ktcp_latency *lat, const char *labels);

struct prom_family {
	const char *name;
	enum prom_type type;
	const char *help;
	struct prom_series series[4];
	prom_samples_fn samples; /* NULL: one sample per series */
	/* only servers of this service have it (NULL: every server) */
	const char *service;
	/* the netns totals (no server labels), not per server */
	int netns;
};

#define S(bit, field)                                         \
	{                                                     \
		bit, offsetof(struct ktcp_stats, field), NULL \
	}
#define SL(bit, field, label)                                  \
	{                                                      \
		bit, offsetof(struct ktcp_stats, field), label \
	}

/* A family of one number per series, read from struct ktcp_stats. */
#define FAM(n, t, h, ...)                                          \
	{                                                          \
		.name = (n), .type = (t), .help = (h), .series = { \
			__VA_ARGS__                                \
		}                                                  \
	}
/* The same, of http servers only (the kernel counts zeros for others). */
#define HTTP_FAM(n, t, h, ...)                                            \
	{                                                                 \
		.name = (n), .type = (t), .help = (h), .service = "http", \
		.series = {                                               \
			__VA_ARGS__                                       \
		}                                                         \
	}

static const struct prom_family families[] = {
	FAM("ktcp_connections_accepted_total", PROM_COUNTER,
	    "Connections accepted.", S(KTCP_STAT_ACCEPTED, accepted)),
	FAM("ktcp_connections_active", PROM_GAUGE, "Connections open now.",
	    S(KTCP_STAT_ACTIVE, active)),
	FAM("ktcp_connections_closed_total", PROM_COUNTER,
	    "Connections closed, for any reason.", S(KTCP_STAT_CLOSED, closed)),
	FAM("ktcp_connections_timed_out_total", PROM_COUNTER,
	    "Connections closed by the idle timeout.",
	    S(KTCP_STAT_TIMED_OUT, timed_out)),
	FAM("ktcp_connections_refused_total", PROM_COUNTER,
	    "Connections closed at once: over max-conns.",
	    S(KTCP_STAT_REFUSED, refused)),
	FAM("ktcp_connections_evicted_total", PROM_COUNTER,
	    "Waiting connections closed to make room at max-conns.",
	    S(KTCP_STAT_EVICTED, evicted)),
	FAM("ktcp_connections_over_memory_total", PROM_COUNTER,
	    "Connections closed when max-mem was reached.",
	    S(KTCP_STAT_OVER_MEM, over_mem)),
	FAM("ktcp_connection_errors_total", PROM_COUNTER,
	    "Connections closed by a socket error.",
	    S(KTCP_STAT_ERRORS, errors)),
	FAM("ktcp_received_bytes_total", PROM_COUNTER, "Bytes received.",
	    S(KTCP_STAT_BYTES_IN, bytes_in)),
	FAM("ktcp_sent_bytes_total", PROM_COUNTER, "Bytes sent.",
	    S(KTCP_STAT_BYTES_OUT, bytes_out)),
	FAM("ktcp_sent_zerocopy_bytes_total", PROM_COUNTER,
	    "Of the bytes sent, those sent from the page cache without a copy.",
	    S(KTCP_STAT_BYTES_ZEROCOPY, bytes_zerocopy)),
	FAM("ktcp_memory_bytes", PROM_GAUGE,
	    "Bytes of buffers the server's connections hold now.",
	    S(KTCP_STAT_MEM, mem)),
	HTTP_FAM("ktcp_http_requests_total", PROM_COUNTER,
		 "HTTP requests parsed.",
		 S(KTCP_STAT_HTTP_REQUESTS, http_requests)),
	HTTP_FAM("ktcp_http_keepalive_requests_total", PROM_COUNTER,
		 "HTTP requests on a kept-alive connection.",
		 S(KTCP_STAT_HTTP_REUSED, http_reused)),
	HTTP_FAM("ktcp_http_responses_total", PROM_COUNTER,
		 "HTTP responses by status class.",
		 SL(KTCP_STAT_HTTP_2XX, http_2xx, "class=\"2xx\""),
		 SL(KTCP_STAT_HTTP_3XX, http_3xx, "class=\"3xx\""),
		 SL(KTCP_STAT_HTTP_4XX, http_4xx, "class=\"4xx\""),
		 SL(KTCP_STAT_HTTP_5XX, http_5xx, "class=\"5xx\"")),
	{ .name = "ktcp_service_time_seconds",
	  .type = PROM_HISTOGRAM,
	  .help = "Service time: of an HTTP response from its request's "
		  "first byte, of an echo message from its arrival, to the "
		  "last byte queued.",
	  .samples = latency_samples },
	{ .name = "ktcp_sockets_dropped_total",
	  .type = PROM_COUNTER,
	  .help = "Sockets dropped by ktcp drop in this network namespace.",
	  .series = { S(KTCP_STAT_DROPPED, dropped) },
	  .netns = 1 },
};

#define N_FAMILIES (sizeof(families) / sizeof(families[0]))
#define N_SERIES(fam) (sizeof((fam)->series) / sizeof((fam)->series[0]))

void prom_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static uint64_t field(const struct ktcp_stats *st, size_t off)
{
	return *(const uint64_t *)(const void *)((const char *)st + off);
}

/* One number per series: name{labels[,extra]} value */
static void series_samples(FILE *f, const struct prom_family *fam,
			   const struct ktcp_stats *st, const char *labels)
{
	const struct prom_series *s;
	size_t i;

	for (i = 0; i < N_SERIES(fam) && fam->series[i].bit; i++) {
		s = &fam->series[i];
		if (!(st->has & s->bit))
			continue;
		fputs(fam->name, f);
		if (labels[0] || s->label)
			fprintf(f, "{%s%s%s}", labels,
				labels[0] && s->label ? "," : "",
				s->label ? s->label : "");
		fprintf(f, " %llu\n", (unsigned long long)field(st, s->off));
	}
}

/* A server has service times when its histogram has a layout. */
static const struct ktcp_latency *latency_of(const struct ktcp_latency *lats,
					     size_t i)
{
	return lats && lats[i].nbuckets ? &lats[i] : NULL;
}

/*
 * name_bucket{labels,le="S"} for the buckets that end at a power of two
 * ns (every 2^sub_bits-th: 27 instead of 105 series, all the precision
 * a scraper's quantile estimate keeps anyway), cumulative, then +Inf,
 * _sum and _count, in seconds.
 */
static void latency_samples(FILE *f, const struct prom_family *fam,
			    const struct ktcp_server *srv,
			    const struct ktcp_latency *lat, const char *labels)
{
	const char *sep = labels[0] ? "," : "";
	uint64_t cum = 0, end;
	unsigned int i;

	(void)srv;
	for (i = 0; i < lat->nbuckets && i < KTCP_LATENCY_SLOTS; i++) {
		cum += lat->buckets[i];
		end = ktcp_latency_bucket_end(lat, i);
		if (end == UINT64_MAX)
			break;
		if (end & (end - 1))
			continue;
		fprintf(f, "%s_bucket{%s%sle=\"%.12g\"} %llu\n", fam->name,
			labels, sep, (double)end / 1e9,
			(unsigned long long)cum);
	}
	fprintf(f, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", fam->name, labels, sep,
		(unsigned long long)lat->count);
	fprintf(f, "%s_sum{%s} %.12g\n", fam->name, labels,
		(double)lat->sum_ns / 1e9);
	fprintf(f, "%s_count{%s} %llu\n", fam->name, labels,
		(unsigned long long)lat->count);
}

/* Whether @fam has samples of @srv. */
static int family_of(const struct prom_family *fam,
		     const struct ktcp_server *srv)
{
	return !fam->service || !strcmp(fam->service, srv->service);
}

/* Whether any sample of @fam would be written. */
static int family_present(const struct prom_family *fam,
			  const struct ktcp_server *arr,
			  const struct ktcp_latency *lats, size_t n,
			  const struct ktcp_stats *total)
{
	size_t i, j;

	if (fam->netns)
		return total && (total->has & fam->series[0].bit);
	for (i = 0; i < n; i++) {
		if (!family_of(fam, &arr[i]))
			continue;
		if (fam->samples) {
			if (latency_of(lats, i))
				return 1;
			continue;
		}
		for (j = 0; j < N_SERIES(fam) && fam->series[j].bit; j++)
			if ((arr[i].has & KTCP_HAS_STATS) &&
			    (arr[i].stats.has & fam->series[j].bit))
				return 1;
	}
	return 0;
}

/* id="3",service="http",port="8081",name="web" */
static void server_labels(const struct ktcp_server *srv, char *buf, size_t len)
{
	FILE *m = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!m)
		return;
	fprintf(m, "id=\"%u\",service=\"", srv->id);
	prom_escape(m, srv->service);
	fprintf(m, "\",port=\"%u\",name=\"", srv->port);
	prom_escape(m, (srv->has & KTCP_HAS_NAME) ? srv->name : "");
	fputc('"', m);
	fclose(m);
}

int prom_write(FILE *f, const struct ktcp_server *arr,
	       const struct ktcp_latency *lats, size_t n,
	       const struct ktcp_stats *total)
{
	const struct prom_family *fam;
	char labels[512];
	size_t i, j;

	for (i = 0; i < N_FAMILIES; i++) {
		fam = &families[i];
		if (!family_present(fam, arr, lats, n, total))
			continue;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help,
			fam->name, type_names[fam->type]);
		if (fam->netns) {
			series_samples(f, fam, total, "");
			continue;
		}
		for (j = 0; j < n; j++) {
			if (!family_of(fam, &arr[j]))
				continue;
			server_labels(&arr[j], labels, sizeof(labels));
			if (fam->samples) {
				if (latency_of(lats, j))
					fam->samples(f, fam, &arr[j],
						     latency_of(lats, j),
						     labels);
			} else if (arr[j].has & KTCP_HAS_STATS) {
				series_samples(f, fam, &arr[j].stats, labels);
			}
		}
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}
