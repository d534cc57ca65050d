/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `ktcp top` shows, as pure code (no netlink, no terminal): the
 * --delay parser, a frame's rows from two samples of the servers (counter
 * and histogram deltas over the measured interval), and the frame as
 * lines of text cut to a width, or as JSON. top.c samples, waits and
 * draws; everything it computes is here, for the unit tests.
 */
#ifndef KTCP_CLI_TOP_FRAME_H
#define KTCP_CLI_TOP_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <ktcp.h>

struct args_err;
struct json_object;

/* --delay: seconds with up to 3 decimals, 0.1 to 3600; default 2. */
#define TOP_DELAY_MIN_MS 100
#define TOP_DELAY_MAX_MS 3600000
#define TOP_DELAY_DEFAULT_MS 2000
int top_delay_parse(const char *s, uint32_t *ms, struct args_err *e);

/* One server as one sample saw it. */
struct top_server {
	uint32_t id;
	char service[KTCP_SERVICE_LEN];
	char name[KTCP_SERVER_NAME_LEN]; /* "" without */
	uint16_t port;
	struct ktcp_stats stats;
	bool has_lat; /* the module keeps service times (2.1 and later) */
	struct ktcp_latency lat;
};

/* Every server of the netns at one moment (CLOCK_MONOTONIC, ns). */
struct top_sample {
	uint64_t mono_ns;
	struct timespec wall; /* CLOCK_REALTIME, for the header */
	struct top_server *srv;
	size_t n;
};

/* A counter's growth: cur - prev, or cur when it was reset in between. */
uint64_t top_counter_delta(uint64_t prev, uint64_t cur);
/*
 * The samples a histogram took between prev and cur, bucket by bucket,
 * into d. When any bucket shrank (the counters were reset in between) or
 * the layouts differ, d is cur: what came since the reset.
 */
void top_latency_delta(const struct ktcp_latency *prev,
		       const struct ktcp_latency *cur, struct ktcp_latency *d);

/* One line of the frame; a value without its has_ flag is shown as "-". */
struct top_row {
	uint32_t id;
	const char *service, *name; /* point into the sample */
	uint16_t port;
	uint64_t active; /* connections open now */
	bool has_active;
	/*
	 * Per second over the interval: http requests (http_requests), echo
	 * messages (service time samples, one per message), for another
	 * service its service time samples. unit says which.
	 */
	bool has_rate;
	double rate;
	const char *unit; /* "req/s", "msg/s", "/s" */
	bool has_p99; /* samples in the interval */
	uint64_t p99_ns;
	bool has_errors;
	uint64_t errors; /* closed by a socket error, in the interval */
	bool has_errors_total;
	uint64_t errors_total; /* since the server started or was reset */
};

/*
 * The row of cur, with prev its sample one interval of elapsed_ns
 * earlier, or NULL when it is new: then only what needs no interval.
 */
void top_row_compute(const struct top_server *prev,
		     const struct top_server *cur, uint64_t elapsed_ns,
		     struct top_row *row);

/* Server id of a sample, or NULL. */
const struct top_server *top_find(const struct top_sample *s, uint32_t id);

/* What one frame shows: a row per server of cur. */
struct top_frame {
	struct timespec wall; /* of the last sample */
	uint64_t interval_ns; /* measured; 0: one sample, no rates yet */
	uint32_t delay_ms; /* asked for */
	struct top_row *rows;
	size_t n;
};

/*
 * Rows for every server of cur (rows: room for cur->n), from the server
 * of the same id and service in prev (prev NULL: the first frame).
 * Returns how many.
 */
size_t top_frame_rows(const struct top_sample *prev,
		      const struct top_sample *cur, struct top_row *rows);

/*
 * The frame as text: a header of two lines, the column heads, a line per
 * row; each line cut to width columns (0: not cut), and at most height
 * lines (0: no limit; the last says how many rows did not fit). Returns
 * the number of lines written.
 */
unsigned int top_render(FILE *f, const struct top_frame *fr, unsigned int width,
			unsigned int height);

/*
 * {"time_ns", "interval_ns", "delay_ms", "servers": [{"id", "service",
 * "name"?, "port", "active"?, "rate"?, "unit", "p99_ns"?, "errors"?,
 * "errors_total"?}, ...]}, the shape "top" of docs/ktcp.schema.json.
 */
struct json_object *top_json(const struct top_frame *fr);

#endif /* KTCP_CLI_TOP_FRAME_H */
