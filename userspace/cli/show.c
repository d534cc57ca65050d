// SPDX-License-Identifier: GPL-2.0-only
/* JSON shaping of servers, counters and events; text rendering of it. */
#include <stdint.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include "accesslog.h"
#include "show.h"

void show_add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/*
 * Bytes of the UTF-8 character @s starts with (1 to 4; @len >= 1), or 0
 * when they are not one. Only the well-formed sequences of RFC 3629
 * (Table 3-7 of the Unicode standard) count, as a strict JSON parser
 * checks them: no overlong form, no surrogate (U+D800 to U+DFFF), nothing
 * past U+10FFFF, no sequence cut short.
 */
static size_t utf8_char(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf; /* of the second byte */
	size_t i, n;

	if (p[0] < 0x80)
		return 1;
	/* 80-bf continue a character, c0-c1 would be overlong, f5- past */
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (p[0] == 0xe0)
		lo = 0xa0; /* below is overlong */
	else if (p[0] == 0xed)
		hi = 0x9f; /* above are the surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90; /* below is overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f; /* above is past U+10FFFF */
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Marks show_bytes_string()'s arrays for the text rendering. */
static char bytes_tag;

struct json_object *show_bytes_string(const char *s, size_t len)
{
	struct json_object *a;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = utf8_char(s + i, len - i);
		if (!n)
			break;
	}
	if (i == len)
		return json_object_new_string_len(s, (int)len);
	a = json_object_new_array();
	if (!a)
		return NULL;
	for (i = 0; i < len; i++)
		json_object_array_add(a,
				      json_object_new_int((unsigned char)s[i]));
	json_object_set_userdata(a, &bytes_tag, NULL);
	return a;
}

void show_add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, show_bytes_string(s, strlen(s)));
}

/* Counters in UAPI order; absent ones are left out, not shown as 0. */
struct json_object *show_stats(const struct ktcp_stats *st)
{
	const struct {
		const char *key;
		uint64_t bit, val;
	} c[] = {
		{ "accepted", KTCP_STAT_ACCEPTED, st->accepted },
		{ "active", KTCP_STAT_ACTIVE, st->active },
		{ "closed", KTCP_STAT_CLOSED, st->closed },
		{ "timed_out", KTCP_STAT_TIMED_OUT, st->timed_out },
		{ "refused", KTCP_STAT_REFUSED, st->refused },
		{ "bytes_in", KTCP_STAT_BYTES_IN, st->bytes_in },
		{ "bytes_out", KTCP_STAT_BYTES_OUT, st->bytes_out },
		{ "errors", KTCP_STAT_ERRORS, st->errors },
		{ "dropped", KTCP_STAT_DROPPED, st->dropped },
		{ "http_requests", KTCP_STAT_HTTP_REQUESTS, st->http_requests },
		{ "http_2xx", KTCP_STAT_HTTP_2XX, st->http_2xx },
		{ "http_3xx", KTCP_STAT_HTTP_3XX, st->http_3xx },
		{ "http_4xx", KTCP_STAT_HTTP_4XX, st->http_4xx },
		{ "http_5xx", KTCP_STAT_HTTP_5XX, st->http_5xx },
		{ "http_reused", KTCP_STAT_HTTP_REUSED, st->http_reused },
		{ "bytes_zerocopy", KTCP_STAT_BYTES_ZEROCOPY,
		  st->bytes_zerocopy },
		{ "mem", KTCP_STAT_MEM, st->mem },
		{ "over_mem", KTCP_STAT_OVER_MEM, st->over_mem },
		{ "evicted", KTCP_STAT_EVICTED, st->evicted },
		{ "log_sent", KTCP_STAT_LOG_SENT, st->log_sent },
		{ "log_dropped", KTCP_STAT_LOG_DROPPED, st->log_dropped },
	};
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; o && i < sizeof(c) / sizeof(c[0]); i++)
		if (st->has & c[i].bit)
			show_add_u64(o, c[i].key, c[i].val);
	return o;
}

/* The quantiles that `ktcp stats` shows, with their JSON keys. */
static const struct {
	double q;
	const char *key, *label;
} show_quantiles[] = {
	{ 0.5, "p50_ns", "p50" },
	{ 0.9, "p90_ns", "p90" },
	{ 0.99, "p99_ns", "p99" },
	{ 0.999, "p999_ns", "p99.9" },
};

#define NQUANTILES (sizeof(show_quantiles) / sizeof(show_quantiles[0]))

/* One non-empty bucket: {"from_ns": A, "to_ns": B, "count": N}. */
static struct json_object *show_bucket(const struct ktcp_latency *lat,
				       unsigned int i)
{
	struct json_object *b = json_object_new_object();
	uint64_t end = ktcp_latency_bucket_end(lat, i);

	if (!b)
		return NULL;
	show_add_u64(b, "from_ns", i ? ktcp_latency_bucket_end(lat, i - 1) : 0);
	/* The last bucket has no end. */
	if (end != UINT64_MAX)
		show_add_u64(b, "to_ns", end);
	show_add_u64(b, "count", lat->buckets[i]);
	return b;
}

struct json_object *show_latency(const struct ktcp_latency *lat)
{
	struct json_object *o = json_object_new_object(), *a;
	uint64_t ns;
	size_t i;

	if (!o)
		return NULL;
	show_add_u64(o, "count", lat->count);
	show_add_u64(o, "sum_ns", lat->sum_ns);
	for (i = 0; i < NQUANTILES; i++)
		if (!ktcp_latency_percentile(lat, show_quantiles[i].q, &ns))
			show_add_u64(o, show_quantiles[i].key, ns);
	a = json_object_new_array();
	for (i = 0; a && i < lat->nbuckets && i < KTCP_LATENCY_SLOTS; i++)
		if (lat->buckets[i])
			json_object_array_add(a, show_bucket(lat, i));
	json_object_object_add(o, "buckets", a);
	return o;
}

int show_duration(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000)
		return snprintf(buf, len, "%lluns", (unsigned long long)ns);
	if (ns < 1000000)
		return snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	if (ns < 1000000000)
		return snprintf(buf, len, "%.2fms", (double)ns / 1e6);
	return snprintf(buf, len, "%.2fs", (double)ns / 1e9);
}

void show_latency_text(FILE *f, struct json_object *lat)
{
	struct json_object *v;
	char buf[32];
	size_t i;

	fputs("\tlatency:", f);
	if (json_object_object_get_ex(lat, "count", &v))
		fprintf(f, " count %s", json_object_get_string(v));
	for (i = 0; i < NQUANTILES; i++) {
		if (!json_object_object_get_ex(lat, show_quantiles[i].key, &v))
			continue;
		show_duration(buf, sizeof(buf), json_object_get_uint64(v));
		fprintf(f, " %s %s", show_quantiles[i].label, buf);
	}
	fputc('\n', f);
}

static void add_addr(struct json_object *o, const struct ktcp_addr *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (!ktcp_addr_format(addr, buf, sizeof(buf)))
		show_add_str(o, "addr", buf);
}

static void add_wq(struct json_object *opts, uint8_t wq)
{
	const char *name = ktcp_wq_name(wq);

	/* A workqueue newer than this CLI is shown by number. */
	if (name)
		show_add_str(opts, "wq", name);
	else
		show_add_u64(opts, "wq", wq);
}

/* The supplementary groups of an http server's user, as an array. */
static void add_groups(struct json_object *opts, const struct ktcp_server *s)
{
	struct json_object *a = json_object_new_array();
	uint32_t i;

	if (!a)
		return;
	for (i = 0; i < s->http_ngroups && s->http_groups; i++)
		json_object_array_add(
			a, json_object_new_uint64(s->http_groups[i]));
	json_object_object_add(opts, "groups", a);
}

/* Service options as "opts": {...}; nothing when there are none. */
static void add_opts(struct json_object *o, const struct ktcp_server *s)
{
	struct json_object *opts = json_object_new_object();

	if (!opts)
		return;
	if (s->has & KTCP_HAS_ECHO_WQ)
		add_wq(opts, s->echo_wq);
	if ((s->has & KTCP_HAS_HTTP_ROOT) && s->http_root)
		show_add_str(opts, "root", s->http_root);
	if (s->has & KTCP_HAS_HTTP_LISTING)
		json_object_object_add(
			opts, "listing",
			json_object_new_boolean(s->http_listing));
	if (s->has & KTCP_HAS_HTTP_SENDFILE)
		json_object_object_add(
			opts, "sendfile",
			json_object_new_boolean(s->http_sendfile));
	if (s->has & KTCP_HAS_HTTP_KEEPALIVE_MAX)
		show_add_u64(opts, "keepalive_max", s->http_keepalive_max);
	if (s->has & KTCP_HAS_HTTP_MAX_REQUEST_LINE)
		show_add_u64(opts, "max_request_line",
			     s->http_max_request_line);
	if (s->has & KTCP_HAS_HTTP_MAX_HEADER)
		show_add_u64(opts, "max_header", s->http_max_header);
	if (s->has & KTCP_HAS_HTTP_HEAD_TIMEOUT)
		show_add_u64(opts, "head_timeout_ms", s->http_head_timeout_ms);
	if (s->has & KTCP_HAS_HTTP_USER) {
		show_add_u64(opts, "uid", s->http_uid);
		show_add_u64(opts, "gid", s->http_gid);
	}
	if (s->has & KTCP_HAS_HTTP_GROUPS)
		add_groups(opts, s);
	if (json_object_object_length(opts))
		json_object_object_add(o, "opts", opts);
	else
		json_object_put(opts);
}

struct json_object *show_server(const struct ktcp_server *s)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (s->has & KTCP_HAS_ID)
		show_add_u64(o, "id", s->id);
	if (s->has & KTCP_HAS_SERVICE)
		show_add_str(o, "service", s->service);
	if (s->has & KTCP_HAS_NAME)
		show_add_str(o, "name", s->name);
	if (s->has & KTCP_HAS_ADDR)
		add_addr(o, &s->addr);
	if (s->has & KTCP_HAS_PORT)
		show_add_u64(o, "port", s->port);
	if (s->has & KTCP_HAS_BACKLOG)
		show_add_u64(o, "backlog", s->backlog);
	if (s->has & KTCP_HAS_MAX_CONNS)
		show_add_u64(o, "max_conns", s->max_conns);
	if (s->has & KTCP_HAS_IDLE_TIMEOUT)
		show_add_u64(o, "idle_timeout_ms", s->idle_timeout_ms);
	if (s->has & KTCP_HAS_MAX_MEM)
		show_add_u64(o, "max_mem_kb", s->max_mem_kb);
	if (s->has & KTCP_HAS_LISTENERS)
		show_add_u64(o, "listeners", s->listeners);
	if ((s->has & KTCP_HAS_CPUS) && s->cpus)
		show_add_str(o, "cpus", s->cpus);
	add_opts(o, s);
	if (s->has & KTCP_HAS_STATS)
		json_object_object_add(o, "stats", show_stats(&s->stats));
	return o;
}

struct json_object *show_servers(const struct ktcp_server *arr, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_object_array_add(a, show_server(&arr[i]));
	return a;
}

struct json_object *show_event(const struct ktcp_event *ev)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	show_add_str(o, "event",
		     ev->type == KTCP_EVENT_SERVER_STARTED ? "started" :
		     ev->type == KTCP_EVENT_SERVER_STOPPED ? "stopped" :
		     ev->type == KTCP_EVENT_SERVER_CHANGED ? "changed" :
		     ev->type == KTCP_EVENT_SOCK_DROPPED   ? "dropped" :
							     "unknown");
	if (ev->has & KTCP_HAS_ID)
		show_add_u64(o, "id", ev->id);
	if (ev->has & KTCP_HAS_SERVICE)
		show_add_str(o, "service", ev->service);
	if (ev->has & KTCP_HAS_ADDR)
		add_addr(o, &ev->addr);
	if (ev->has & KTCP_HAS_PORT)
		show_add_u64(o, "port", ev->port);
	if (ev->has & KTCP_HAS_DROPPED)
		show_add_u64(o, "dropped", ev->dropped);
	return o;
}

struct json_object *show_lost(void)
{
	struct json_object *o = json_object_new_object();

	if (o)
		show_add_str(o, "event", "lost");
	return o;
}

struct json_object *show_endpoint(const struct ktcp_addr *addr, uint16_t port)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	add_addr(o, addr);
	show_add_u64(o, "port", port);
	return o;
}

static const char *drop_status_name(uint8_t status)
{
	switch (status) {
	case KTCP_DROPPED:
		return "dropped";
	case KTCP_NOT_FOUND:
		return "not-found";
	case KTCP_FOUND:
		return "found";
	case KTCP_FAILED:
		return "failed";
	case KTCP_NOT_SENT:
		return "not-sent";
	default:
		return "unknown";
	}
}

/*
 * {"result", "src": ENDPOINT, "dst": ENDPOINT, "state"?, "ifindex"?,
 * "dev"?}: the interface the socket is bound to, when it is; "dev" when
 * the index still names one in our netns.
 */
static struct json_object *show_drop_one(const struct ktcp_drop_result *r)
{
	struct json_object *o = json_object_new_object();
	const char *state = ktcp_tcp_state_name(r->state);
	char dev[IF_NAMESIZE];

	if (!o)
		return NULL;
	show_add_str(o, "result", drop_status_name(r->status));
	json_object_object_add(o, "src",
			       show_endpoint(&r->tuple.saddr, r->tuple.sport));
	json_object_object_add(o, "dst",
			       show_endpoint(&r->tuple.daddr, r->tuple.dport));
	if (r->state && state)
		show_add_str(o, "state", state);
	if (r->tuple.ifindex) {
		show_add_u64(o, "ifindex", r->tuple.ifindex);
		if (if_indextoname(r->tuple.ifindex, dev))
			show_add_str(o, "dev", dev);
	}
	return o;
}

struct json_object *show_drop(const struct ktcp_drop_result *res, size_t n,
			      bool dry_run)
{
	struct json_object *o = json_object_new_object(), *a;
	uint64_t count[4] = { 0 };
	size_t i;

	a = json_object_new_array();
	if (!o || !a) {
		json_object_put(o);
		json_object_put(a);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (res[i].status < 4)
			count[res[i].status]++;
		json_object_array_add(a, show_drop_one(&res[i]));
	}
	json_object_object_add(o, "dry_run", json_object_new_boolean(dry_run));
	show_add_u64(o, "dropped", count[KTCP_DROPPED]);
	show_add_u64(o, "not_found", count[KTCP_NOT_FOUND]);
	show_add_u64(o, "found", count[KTCP_FOUND]);
	json_object_object_add(o, "sockets", a);
	return o;
}

int show_json(FILE *f, struct json_object *obj, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (pretty ?
			     JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			     JSON_C_TO_STRING_PLAIN);

	if (fprintf(f, "%s\n", json_object_to_json_string_ext(obj, flags)) < 0)
		return -1;
	return fflush(f);
}

/*
 * The first character of @s (@len >= 1) for a terminal, into @out (5
 * bytes, NUL-terminated). A UTF-8 character beyond ASCII stays as it is,
 * but for the C1 controls (U+0080 to U+009F), which some terminals obey
 * in UTF-8 too; anything else goes to accesslog_escape() a byte at a
 * time, which keeps printable ASCII and writes the rest, and the
 * backslash, as \xHH. Returns the bytes of @s it took.
 */
static size_t text_char(char *out, const char *s, size_t len)
{
	size_t n = utf8_char(s, len);
	/* U+0080 to U+009F are c2 80 to c2 9f */
	bool c1 = n == 2 && (unsigned char)s[0] == 0xc2 &&
		  (unsigned char)s[1] < 0xa0;

	if (n > 1 && !c1) {
		memcpy(out, s, n);
		out[n] = '\0';
		return n;
	}
	accesslog_escape(out, s, 1, false);
	return 1;
}

size_t show_escape(char *out, const char *s, size_t len)
{
	size_t i = 0, n = 0;

	out[0] = '\0';
	while (i < len) {
		i += text_char(out + n, s + i, len - i);
		n += strlen(out + n);
	}
	return n;
}

/*
 * A show_bytes_string() array, escaped like a string. Up to 4 bytes at a
 * time, the longest character: the valid ones in it stay whole.
 */
static void show_bytes_text(FILE *f, struct json_object *a)
{
	size_t i = 0, j, n = json_object_array_length(a);
	char win[4], out[5];

	while (i < n) {
		for (j = 0; j < sizeof(win) && i + j < n; j++)
			win[j] = (char)json_object_get_int(
				json_object_array_get_idx(a, i + j));
		i += text_char(out, win, j);
		fputs(out, f);
	}
}

void show_text_value(FILE *f, struct json_object *v)
{
	const char *s;
	char out[5];
	size_t i = 0, n;

	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		while (i < n) {
			i += text_char(out, s + i, n - i);
			fputs(out, f);
		}
	} else if (json_object_is_type(v, json_type_array) &&
		   json_object_get_userdata(v) == &bytes_tag) {
		show_bytes_text(f, v);
	} else {
		fputs(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		      f);
	}
}

/* Scalars as "key value" pairs; nested objects are left to the caller. */
static void show_scalars(FILE *f, struct json_object *obj, const char *first)
{
	const char *sep = first;

	json_object_object_foreach(obj, key, val) {
		if (!strcmp(key, "id") || !strcmp(key, "service") ||
		    json_object_is_type(val, json_type_object))
			continue;
		fprintf(f, "%s%s ", sep, key);
		show_text_value(f, val);
		sep = " ";
	}
}

static void show_nested(FILE *f, struct json_object *obj)
{
	json_object_object_foreach(obj, key, val) {
		if (!json_object_is_type(val, json_type_object))
			continue;
		fprintf(f, "\t%s:", key);
		show_scalars(f, val, " ");
		fputc('\n', f);
	}
}

void show_text(FILE *f, struct json_object *obj)
{
	struct json_object *id, *svc, *lat = NULL;
	const char *sep = "";

	if (json_object_object_get_ex(obj, "id", &id)) {
		fprintf(f, "%s:", json_object_get_string(id));
		sep = " ";
	}
	if (json_object_object_get_ex(obj, "service", &svc)) {
		fputs(sep, f);
		show_text_value(f, svc);
		sep = " ";
	}
	show_scalars(f, obj, sep);
	fputc('\n', f);
	/* Service times have a line of their own, not their buckets. */
	if (json_object_object_get_ex(obj, "latency", &lat))
		json_object_get(lat);
	json_object_object_del(obj, "latency");
	show_nested(f, obj);
	if (lat) {
		show_latency_text(f, lat);
		json_object_object_add(obj, "latency", lat);
	}
}

void show_text_line(FILE *f, const char *label, struct json_object *obj)
{
	fprintf(f, "%s:", label);
	show_scalars(f, obj, " ");
	fputc('\n', f);
}
